"""Write `rkeras/r/generated/verbs.R`, every verb's R function, from the registry.

    python tools/gen_r_verbs.py          # (re)write it; `make r-verbs` runs this
    python tools/gen_r_verbs.py --check  # exit 1, saying what to run, if it is out of date

Why a committed file: building the registry imports Keras and TensorFlow
(3 s or more here). With the verbs' R source written ahead of time, the R front
end installs without Keras, so `rkeras run` of a script that never trains and
`library(keras)` start at once; Keras loads on the first verb call, as in
keras3. The file's second line is its key: the Keras version and a hash of
rkeras's Python sources it was made from. With another key (another Keras, an
edited tree) the front end does not use the file: it reads the per-user cache
made by an earlier start with that key, or generates the source from the
registry (slower, never wrong) and caches it. tests/test_r_verbs_source.py
fails, naming this command, when the file's verbs no longer match the registry.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rkeras.r.rsource import REGENERATE_COMMAND, VERBS_FILE, render_verbs_file  # noqa: E402


def body(text: str) -> str:
    """The file without its key line: what the verbs are, not what they were made from."""
    lines = text.split("\n")
    return "\n".join(lines[:1] + lines[2:])


def stale_message(old: str, new: str) -> str:
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "committed", "registry",
                                     lineterm="", n=0))
    shown = "\n".join(line[:160] for line in diff[:12])
    return (f"{VERBS_FILE.relative_to(ROOT)} is out of date with the verb registry "
            f"({len(diff)} diff lines). Regenerate it with: {REGENERATE_COMMAND}\n{shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if out of date")
    args = parser.parse_args(argv)
    new = render_verbs_file()
    old = VERBS_FILE.read_text(encoding="utf-8") if VERBS_FILE.exists() else ""
    if args.check:
        if body(old) != body(new):
            print(stale_message(old, new), file=sys.stderr)
            return 1
        return 0
    if old != new:
        VERBS_FILE.parent.mkdir(parents=True, exist_ok=True)
        VERBS_FILE.write_text(new, encoding="utf-8")
        print(f"wrote {VERBS_FILE.relative_to(ROOT)} ({new.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
