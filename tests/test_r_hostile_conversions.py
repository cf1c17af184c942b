"""Hostile values through every converter rule, both directions (issue 14, "go past this list").

Each case in tests/hostile_conversion_cases.py converts a value R -> Python -> R or
Python -> R -> Python and is judged: correct round trip, clear error (an RKerasError or
MemoryError), unclear error, silent change, crash or hang. The cases run in a child
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
from hostile_conversion_cases import CASES  # noqa: E402

# Known open findings (not yet fixed): case -> what happens. Every other case must be a
# correct round trip or a clear error; these must at least never crash or hang.
OPEN = {
    "r-scalar-na-logical": "length-1 NA becomes None, back as NULL",
    "r-scalar-na-integer": "length-1 NA becomes None, back as NULL",
    "r-scalar-na-character": "length-1 NA becomes None, back as NULL",
    "r-list-na-name": "an NA name comes back as an empty name",
    "r-factor-na-level": "a factor with an NA level: pandas' ValueError",
    "r-date-fractional": "a fractional Date loses its fraction",
    "r-posixct-no-tz": "POSIXct without tzone comes back as UTC",
    "r-posixct-bad-tz": "an unknown time zone comes back as UTC",
    "r-difftime": "difftime loses its units (plain numbers)",
    "r-posixlt": "POSIXlt comes back as a list",
    "r-bytes-string": "bytes-encoded string comes back without its 'bytes' encoding mark",
    "r-matrix-dimnames": "matrix dimnames are dropped",
    "r-language": "a call comes back as an rpy2 object R then evaluates",
    "r-symbol": "a symbol comes back as an rpy2 object R then evaluates",
    "r-pairlist": "a pairlist comes back as a list",
    "r-integer64-like": "class integer64 dropped",
    "r-table": "class table dropped",
    "py-object-nested": "object array of a list and a str: numpy's ValueError",
    "py-period": "pandas Period series: AttributeError",
    "py-interval": "pandas Interval series: AttributeError",
    "py-arrow-string": "string[pyarrow] without pyarrow: pandas' ImportError (never reaches rkeras)",
    "py-deep-nesting": "500 nested lists: RecursionError",
    "py-recursive-list": "a list containing itself: RecursionError",
}
# Documented or unavoidable type changes the generic comparison flags (to triage per case).
TYPE_CHANGES = {
    "py-int64-beyond-2-53", "py-int-int-min", "py-bytes-array", "py-complex64", "py-longdouble",
    "py-dict-empty-key", "py-dict-nonstr-key", "py-datetime64-nat", "py-datetime64-s",
    "py-datetime64-D", "py-datetime64-generic", "py-datetime-naive", "py-datetime-min",
    "py-timedelta64-nat", "py-timedelta-series", "py-ts-tz-series", "py-sparse", "py-Int64-na",
    "py-Int64-big", "py-UInt64", "py-boolean-na", "py-string-na", "py-Float64-na", "py-cat-int",
    "py-df-int-cols", "py-df-multiindex", "py-df-multicol", "py-df-nan-index", "py-masked",
    "py-masked-int", "py-record-array", "py-range", "py-empty-range", "py-numpy-nan-scalar",
    "py-huge-1d-string",
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


def test_every_case_is_a_round_trip_or_a_clear_error(results):
    wrong = {n: v for n, v in results.items()
             if v[0] not in ("correct", "clear") and n not in OPEN and n not in TYPE_CHANGES}
    assert wrong == {}


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
