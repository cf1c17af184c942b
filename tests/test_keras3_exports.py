"""Every name R keras3 1.5.1 exports exists in rkeras's R front end, or is listed as not provided.

The 792 names come from keras3 1.5.1's NAMESPACE (``export(...)`` lines), kept in
``tests/data/keras3-1.5.1-exports.txt``; the deliberate exceptions, each with its
reason, are ``rkeras.r.keras3_not_provided.NOT_PROVIDED``. A name counts as
provided when, after ``library(keras3)`` in the embedded R, R finds it somewhere
other than the global environment and R's default packages (so a variable left
by another test or a base R function cannot pass for it).

Run alone: ``.venv/bin/python -m pytest -q tests/test_keras3_exports.py -k keras3_exports -p no:randomly``.
The failure message lists the missing names grouped by prefix, with counts.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

EXPORTS_FILE = Path(__file__).with_name("data") / "keras3-1.5.1-exports.txt"
KERAS3_COMMIT = "fa5961905c7e534d665aaee1309a69f945a6a2c7"
N_EXPORTS = 792

# Where R finds a name that rkeras did not define.
_NOT_RKERAS = ("'.GlobalEnv', 'package:base', 'package:stats', 'package:graphics', "
               "'package:grDevices', 'package:utils', 'package:datasets', 'package:methods', "
               "'Autoloads', 'package:testthat'")

DATA = os.environ.get("RKERAS_DATASETS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data")


def keras3_exports() -> list[str]:
    lines = EXPORTS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines[1:] if line.strip()]


def group_by_prefix(names: list[str]) -> dict[str, list[str]]:
    """``op_abs`` -> ``op_``; names without a word-and-underscore prefix go to ``(other)``."""
    groups: dict[str, list[str]] = defaultdict(list)
    for name in sorted(names):
        m = re.match(r"^([A-Za-z][A-Za-z0-9]*_)", name)
        groups[m.group(1) if m else "(other)"].append(name)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def missing_report(missing: list[str], total: int) -> str:
    lines = [f"{len(missing)} of {total} keras3 1.5.1 exports are missing from the R front end "
             f"({total - len(missing)} provided or listed as not provided):"]
    for prefix, names in group_by_prefix(missing).items():
        lines.append(f"  {prefix} ({len(names)}): {' '.join(names)}")
    return "\n".join(lines)


def test_keras3_exports_file_is_keras3_1_5_1():
    header = EXPORTS_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("# keras3 1.5.1 ") and KERAS3_COMMIT in header
    names = keras3_exports()
    assert len(names) == N_EXPORTS
    assert len(set(names)) == N_EXPORTS
    # Spot checks of the NAMESPACE's spelling: operators unquoted, families complete.
    assert {"%<-%", "%py_class%", "op_subset<-", "layer_dense", "keras"} <= set(names)
    assert sum(n.startswith("op_") for n in names) == 287


def test_keras3_not_provided_entries_are_exports_with_reasons():
    from rkeras.r.keras3_not_provided import NOT_PROVIDED

    exports = set(keras3_exports())
    for name, reason in NOT_PROVIDED.items():
        assert name in exports, f"{name!r} is listed as not provided but keras3 1.5.1 does not export it"
        assert isinstance(reason, str) and len(reason.split()) >= 4, \
            f"{name!r}: give the reason in a sentence (what the R user does instead)"


@pytest.mark.r
def test_keras3_exports_are_all_in_the_r_front_end():
    pytest.importorskip("rpy2")
    os.environ.setdefault("RKERAS_DATASETS", os.path.abspath(DATA))
    from rkeras.r import frontend, r_call, r_eval
    from rkeras.r.convert import to_python
    from rkeras.r.keras3_not_provided import NOT_PROVIDED

    frontend.install()
    r_eval("suppressPackageStartupMessages(library(keras3))")
    found_by_rkeras = r_eval(
        "function(names) vapply(names, function(n) "
        f"length(setdiff(find(n), c({_NOT_RKERAS}))) > 0L, NA, USE.NAMES = FALSE)")
    names = keras3_exports()
    found = [bool(x) for x in to_python(r_call(found_by_rkeras, names))]
    provided = {n for n, hit in zip(names, found) if hit}

    stale = sorted(provided & set(NOT_PROVIDED))
    missing = [n for n in names if n not in provided and n not in NOT_PROVIDED]
    print(missing_report(missing, len(names)))
    assert not stale, f"listed as not provided but now defined; remove from NOT_PROVIDED: {stale}"
    assert not missing, missing_report(missing, len(names))
