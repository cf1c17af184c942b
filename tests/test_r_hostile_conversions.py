"""Hostile values through every converter rule, both directions (issue 14, "go past this list").

Each case in tests/hostile_conversion_cases.py converts a value R -> Python -> R or
Python -> R -> Python and is judged: correct round trip, clear error (an RKerasError or
MemoryError), documented type change (checked exactly), unclear error, silent change, crash
or hang. The cases run in a child
process, restarted after a crash, so a crash or hang fails this test instead of pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("rpy2")
pytestmark = pytest.mark.r

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from hostile_conversion_cases import CASES, DOCUMENTED  # noqa: E402

# Each case ends as a correct round trip, a documented type change (DOCUMENTED in
# hostile_conversion_cases.py: the exact result docs/conversions.md states) or a clear error.
# Values that need an optional package this machine lacks cannot be built: never rkeras's error.
UNBUILDABLE = {"py-arrow-string": "string[pyarrow] needs pyarrow"}
# The clear errors, each a row of docs/errors.md (the R bridge under hostile input).
CLEAR_ERRORS = {
    "r-factor-na-level", "r-factor-na-level-ordered", "r-deep-list", "py-huge-dim", "py-huge-dim-2",
    "py-lone-surrogate", "py-nul-in-str", "py-dict-int-keys", "py-period", "py-interval",
    "py-period-index", "py-df-nan-index", "py-deep-nesting", "py-recursive-list", "py-deep-dict",
    "py-dict-containing-itself", "py-rarray-bad-dimnames",
}


def run_all() -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    names = [c[1] for c in CASES]
    results: dict = {}
    start = 0
    while start < len(names):
        proc = subprocess.Popen([sys.executable, str(HERE / "hostile_conversion_cases.py"), "-", str(start)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                cwd=HERE.parent)
        try:
            out, err = proc.communicate(timeout=90)
            hung = False
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            hung = True
        current = None
        for line in out.splitlines():
            d = json.loads(line)
            if "start" in d:
                current = d["start"]
            else:
                results[d["name"]] = (d["verdict"], d["msg"])
                current = None
        if current is None:
            break
        results[current] = ("hang" if hung else "crash", err[-500:])
        start = names.index(current) + 1
    return results


@pytest.fixture(scope="module")
def results():
    return run_all()


def test_no_case_crashes_hangs_or_is_missing(results):
    bad = {n: v for n, v in results.items() if v[0] in ("crash", "hang")}
    assert bad == {}
    assert set(results) == {c[1] for c in CASES}


def test_every_case_is_a_round_trip_a_documented_change_or_a_clear_error(results):
    verdicts = {n: v[0] for n, v in results.items()}
    wrong = {n: results[n] for n, v in verdicts.items()
             if v not in ("correct", "documented", "clear") and n not in UNBUILDABLE}
    assert wrong == {}
    assert {n for n, v in verdicts.items() if v == "documented"} == set(DOCUMENTED)
    assert {n for n, v in verdicts.items() if v == "clear"} == CLEAR_ERRORS
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        assert {n for n, v in verdicts.items() if v == "unbuildable"} == set(UNBUILDABLE)


def test_fixed_findings():
    import numpy as np

    from rkeras.errors import RKerasError
    from rkeras.r import to_python, to_r
    with pytest.raises(RKerasError, match=r"dict key values 1 and '1' are different"):
        to_r({1: "a", "1": "b"})
    back = to_python(to_r(np.array([b"ab", b"\xff"])))
    assert [s.encode("utf-8", "surrogateescape") for s in back] == [b"ab", b"\xff"]
    for bad, pattern in [("a\x00b", "NUL"), ("\ud800", "lone surrogate")]:
        with pytest.raises(RKerasError, match=pattern):
            to_r(bad)
    with pytest.raises(RKerasError, match="2147483648"):
        to_r(np.zeros((2**31, 0)))
