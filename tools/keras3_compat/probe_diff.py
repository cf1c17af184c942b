"""Run one keras3 probe script on real keras3 and on rkeras, and print the difference.

    .venv/bin/python tools/keras3_compat/probe_diff.py tools/keras3_compat/probes/ops_values.R
    .venv/bin/python tools/keras3_compat/probe_diff.py --all          # every probe
    .venv/bin/python tools/keras3_compat/probe_diff.py --rkeras-only FILE.R

The probes (tools/keras3_compat/probes/*.R) are everyday keras3 code that
prints what it gets. The keras3 side runs only where the real package is
built (/work/peer/lib, see shared/reference/keras3-peer.md; override with
KERAS3_LIB); TensorFlow's start-up log lines and Python's warnings are left
out of both outputs, and memory addresses (0x7f...) and Keras's auto-numbered
names are normalised, so that only real differences show.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBES = Path(__file__).resolve().parent / "probes"
PEER_LIB = Path(os.environ.get("KERAS3_LIB", "/work/peer/lib"))
VENV_PY = ROOT / ".venv" / "bin" / "python"

# Lines either side prints that are not the probe's output.
_NOISE = re.compile(
    r"^(WARNING: All log messages before absl|I0000 |E0000 |W0000 |\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: |"
    r"WARNING:absl|.*oneDNN custom operations|.*cpu_feature_guard|.*To enable the following instructions|"
    r".*rebuild TensorFlow with|.*UserWarning: |  warnings\.warn\(|.*Could not find cuda drivers|"
    r".*TF-TRT Warning|.*Unable to register cu)")
_ADDRESS = re.compile(r"0x[0-9a-f]{6,}")


def _clean(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if _NOISE.match(line):
            continue
        out.append(_ADDRESS.sub("0x…", line.rstrip()))
    return out


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("RKERAS_DATASETS", str(ROOT.parent / "shared" / "data"))
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run_keras3(script: Path, timeout: float) -> list[str] | None:
    """The probe's output on real keras3 1.5.1, or None where it is not built."""
    if not PEER_LIB.is_dir():
        return None
    env = _env()
    env["R_LIBS"] = str(PEER_LIB)
    env["RETICULATE_PYTHON"] = str(VENV_PY)
    proc = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=script.parent)
    return _clean(proc.stdout + proc.stderr)


def run_rkeras(script: Path, timeout: float) -> list[str]:
    """The probe's output on rkeras's embedded R."""
    proc = subprocess.run([str(ROOT / ".venv" / "bin" / "rkeras"), "run", str(script)],
                          capture_output=True, text=True, env=_env(), timeout=timeout,
                          cwd=script.parent)
    return _clean(proc.stdout + proc.stderr)


def diff(script: Path, timeout: float = 300, rkeras_only: bool = False) -> int:
    """Print the probe's unified diff (keras3 -> rkeras); the number of differing lines."""
    theirs = None if rkeras_only else run_keras3(script, timeout)
    ours = run_rkeras(script, timeout)
    print(f"=== {script.name}")
    if theirs is None:
        why = "--rkeras-only" if rkeras_only else f"no {PEER_LIB}"
        print(f"(keras3 side not run: {why}; rkeras's output follows)")
        print("\n".join(ours))
        return 0
    lines = list(difflib.unified_diff(theirs, ours, "keras3", "rkeras", lineterm="", n=1))
    print("\n".join(lines) if lines else "(same output)")
    return sum(1 for x in lines if x[:1] in "+-" and x[:3] not in ("+++", "---"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every probe in probes/")
    parser.add_argument("--rkeras-only", action="store_true", help="only run the rkeras side")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args(argv)
    scripts = sorted(PROBES.glob("*.R")) if args.all else args.scripts
    if not scripts:
        parser.error("give probe scripts or --all")
    total = 0
    for script in scripts:
        total += diff(script.resolve(), args.timeout, args.rkeras_only)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
