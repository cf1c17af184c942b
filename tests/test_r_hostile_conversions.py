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


def test_r_attributes_travel_with_the_array_and_not_with_derived_arrays():
    from rkeras.r import r_eval, to_python, to_r
    from rkeras.r.convert.rarray import RArray
    src = "matrix(1:4, 2, dimnames = list(rows = c('a', 'b'), cols = c('c', 'd')))"
    m = to_python(r_eval(src))
    assert isinstance(m, RArray) and m.tolist() == [[1, 3], [2, 4]]
    assert dict(m.dimnames) == {"rows": ["a", "b"], "cols": ["c", "d"]}
    assert r_eval(f"function(x) identical(x, {src})")(to_r(m))[0]
    # a transpose or slice must not carry labels of other rows: derived arrays have none
    for derived in (m.T, m[:1], m + 1, m.copy()):
        assert derived.r_attributes == {} and derived.dimnames is None
    assert r_eval("function(x) is.null(dimnames(x))")(to_r(m.T))[0]
    t = to_python(r_eval("table(c('a', 'b', 'a'))"))
    assert t.tolist() == [2, 1] and t.r_attributes["class"] == ["table"]
    assert r_eval("function(x) identical(x, table(c('a', 'b', 'a')))")(to_r(t))[0]


def test_times_keep_units_time_zone_and_fractions():
    import numpy as np
    import pandas as pd
    from dateutil.tz import tzlocal

    from rkeras.r import r_eval, to_python, to_r
    d = to_python(r_eval("as.difftime(c(1.5, NA), units = 'hours')"))
    assert d.dtype == "timedelta64[us]" and d[0] == np.timedelta64(90, "m") and np.isnat(d[1])
    assert d.r_attributes == {"class": ["difftime"], "units": "hours"}
    assert r_eval("function(x) identical(x, as.difftime(c(1.5, NA), units = 'hours'))")(to_r(d))[0]
    local = to_python(r_eval("as.POSIXct(1.5e9, origin = '1970-01-01')"))
    assert isinstance(local.tz, tzlocal) and local == pd.Timestamp(1.5e9, unit="s", tz="UTC")
    assert r_eval("function(x) identical(attr(x, 'tzone'), '') && unclass(x) == 1.5e9")(to_r(local))[0]
    with pytest.warns(RuntimeWarning, match="'Not/AZone' is unknown to Python"):
        utc = to_python(r_eval("structure(0, class = c('POSIXct', 'POSIXt'), tzone = 'Not/AZone')"))
    assert str(utc.tz) == "UTC"
    frac = to_python(r_eval("structure(18000.5, class = 'Date')"))
    assert frac.tolist() == [np.datetime64("2019-04-14T12:00", "us").item()]
    assert r_eval("function(x) identical(x, structure(18000.5, class = 'Date'))")(to_r(frac))[0]


def test_na_names_and_clear_errors():
    import pandas as pd

    from rkeras.errors import DataError
    from rkeras.r import r_eval, to_python, to_r
    from rkeras.r.convert import NA_NAME
    lst = to_python(r_eval("setNames(list(1, 2, 3), c('a', NA, ''))"))
    assert lst.names() == ["a", NA_NAME, None] and lst.names()[1] == "<NA>"
    assert r_eval("function(x) identical(names(x), c('a', NA, ''))")(to_r(lst))[0]
    with pytest.raises(DataError, match=r"NA as one of its levels \(level 2 of 2.*levels\(f\)\[is.na"):
        to_python(r_eval("factor(c('a', NA), exclude = NULL)"))
    with pytest.raises(DataError, match=r"period\[M\] values have no R type.*to_timestamp"):
        to_r(pd.Series(pd.period_range("2020-01", periods=2, freq="M")))
    deep: list = []
    for _ in range(500):
        deep = [deep]
    with pytest.raises(DataError, match="nested more than 100 levels deep"):
        to_r(deep)
    me: list = []
    me.append(me)
    with pytest.raises(DataError, match=r"the list contains itself \(1 level\(s\) down\)"):
        to_r(me)
    with pytest.raises(DataError, match="R list is nested more than 100 levels deep"):
        to_python(r_eval("x <- list(); for (i in 1:150) x <- list(x); x"))
    assert to_r([1, [2]]) is not None          # the nesting count is reset after an error
