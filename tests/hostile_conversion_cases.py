"""Hostile conversion cases (issue 14): run by tests/test_r_hostile_conversions.py in a child process."""
# ruff: noqa
import datetime as dt, json, math, sys, warnings
import numpy as np, pandas as pd
from rkeras.errors import RKerasError
from rkeras.r import r_eval, to_python, to_r, r_call
from rkeras.r.convert import StrList
from rkeras.r.convert.rarray import RArray
from rkeras.r.sexp import LANGSXP, SYMSXP, cdata, typeof
from rkeras.rlist import RList

def same(a, b):
    if isinstance(a, (pd.DataFrame, pd.Series, pd.Index, pd.Categorical)):
        fn = {pd.DataFrame: pd.testing.assert_frame_equal, pd.Series: pd.testing.assert_series_equal,
              pd.Index: pd.testing.assert_index_equal}.get(type(a))
        if isinstance(a, pd.Categorical):
            return (isinstance(b, pd.Categorical) and list(a.categories) == list(b.categories)
                    and list(a.codes) == list(b.codes) and a.ordered == b.ordered)
        if isinstance(a, pd.Index) and not isinstance(b, pd.Index):
            return same(np.asarray(a), np.asarray(b))
        try:
            kw = dict(check_dtype=False) if fn is not pd.testing.assert_index_equal else dict(exact=False)
            if fn is pd.testing.assert_frame_equal: kw.update(check_index_type=False, check_column_type=False)
            if fn is pd.testing.assert_series_equal: kw.update(check_index_type=False, check_index=not isinstance(a.index, pd.RangeIndex))
            fn(a, b, **kw); return True
        except (AssertionError, TypeError, ValueError, AttributeError):
            return False
    if isinstance(a, np.ndarray):
        if a.ndim == 0:
            return same(a.item(), b.item() if isinstance(b, np.ndarray) and b.size == 1 else b)
        if isinstance(b, list) and a.dtype.kind == "O" and a.ndim == 1:
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a.tolist(), b))
        if isinstance(b, pd.DatetimeIndex) and b.tz is not None:
            return False
        b = np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "mM":
            # microseconds: the range of year 1 to 9999 (nanoseconds overflow there)
            unit = "datetime64[us]" if a.dtype.kind == "M" else "timedelta64[us]"
            return b.dtype.kind == a.dtype.kind and np.array_equal(a.astype(unit).astype("i8"), b.astype(unit).astype("i8"))
        if a.dtype.kind in "fciub" and b.dtype.kind in "fciub":
            return np.array_equal(a.astype(np.complex128), b.astype(np.complex128), equal_nan=True) and (a.dtype.kind != "b" or b.dtype.kind == "b")
        return all(same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist()))
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple, np.ndarray)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if a is None or a is pd.NA or a is pd.NaT or (isinstance(a, (float, np.floating)) and math.isnan(a)):
        return b is None or b is pd.NaT or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if isinstance(a, (np.datetime64,)) and np.isnat(a):
        return b is None or b is pd.NaT
    if isinstance(a, (dt.datetime, np.datetime64, pd.Timestamp)):
        try: return pd.Timestamp(a) == pd.Timestamp(b)
        except Exception: return False
    if isinstance(a, np.timedelta64) or isinstance(a, dt.timedelta):
        try: return pd.Timedelta(a) == pd.Timedelta(b)
        except Exception: return False
    if isinstance(b, np.ndarray) and b.size == 1:
        b = b.item()
    try:
        return bool(a == b) and type(a) is not bool or (type(a) is bool and b is True or b is False) and a == b
    except Exception:
        return False

def r_same(robj, back):
    f = r_eval("""function(a, b) { d <- function(x) if (is.logical(x)) x + 0 else x
                   isTRUE(all.equal(d(a), d(b), check.attributes = TRUE)) &&
                   identical(is.na(unlist(a)), is.na(unlist(b))) }""")
    return bool(to_python(f(robj, back)))

def classify_error(e):
    return "clear" if isinstance(e, (RKerasError, MemoryError)) else "unclear"

def rv(fn_src, *args):
    """An R function (source text) applied to R objects, its result in Python."""
    return to_python(r_eval(fn_src)(*args))

def run(case):
    kind, name, src, expect = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "py":
            try:
                value = eval(src)
            except ImportError as e:     # the value needs an optional package (pyarrow): not rkeras's
                return "unbuildable", f"{type(e).__name__}: {str(e)[:300]}"
        try:
            if kind == "py":
                back = to_python(to_r(value))
                if name in DOCUMENTED:
                    return ("documented" if DOCUMENTED[name](value, back) else "silent_wrong"), ""
                ok = same(value, back) if expect is None else eval(expect)(back)
            else:
                robj = r_eval(src)
                if typeof(cdata(robj)) in (LANGSXP, SYMSXP):
                    # as an argument of an R function a call or symbol would be evaluated: wrap it
                    robj = r_eval(f"list({src})")
                py = to_python(robj)
                if name in DOCUMENTED:
                    return ("documented" if DOCUMENTED[name](py, to_r(py)) else "silent_wrong"), ""
                ok = (expect is None or eval(expect)(py)) and r_same(robj, to_r(py))
            return ("correct" if ok else "silent_wrong"), ""
        except BaseException as e:
            return classify_error(e), f"{type(e).__name__}: {str(e)[:300]}"

CASES = [
 # ---------------- R -> Python (and back)
 ("r", "r-na-logical", "c(TRUE, NA, FALSE)", None),
 ("r", "r-na-integer", "c(1L, NA, 3L)", None),
 ("r", "r-na-double", "c(1, NA, NaN, Inf, -Inf)", None),
 ("r", "r-na-character", "c('a', NA, '')", None),
 ("r", "r-na-complex", "c(1+2i, NA)", None),
 ("r", "r-scalar-na-logical", "NA", None),
 ("r", "r-scalar-na-integer", "NA_integer_", None),
 ("r", "r-scalar-na-real", "NA_real_", None),
 ("r", "r-scalar-na-character", "NA_character_", None),
 ("r", "r-empty-logical", "logical(0)", None),
 ("r", "r-empty-integer", "integer(0)", None),
 ("r", "r-empty-double", "numeric(0)", None),
 ("r", "r-empty-character", "character(0)", None),
 ("r", "r-empty-list", "list()", None),
 ("r", "r-empty-named-list", "setNames(list(), character(0))", None),
 ("r", "r-empty-raw", "raw(0)", None),
 ("r", "r-empty-complex", "complex(0)", None),
 ("r", "r-empty-factor", "factor(character(0))", None),
 ("r", "r-empty-df", "data.frame()", None),
 ("r", "r-df-zero-rows", "data.frame(a = numeric(0), b = character(0))", None),
 ("r", "r-matrix-zero-rows", "matrix(numeric(0), 0, 3)", None),
 ("r", "r-matrix-zero-cols", "matrix(numeric(0), 3, 0)", None),
 ("r", "r-array-zero-dim", "array(integer(0), c(2, 0, 3))", None),
 ("r", "r-nested-list", "list(a = list(b = list(c = 1:3, d = 'x')), e = NULL)", None),
 ("r", "r-list-dup-names", "list(a = 1, a = 2)", None),
 ("r", "r-list-empty-names", "list(a = 1, 2, b = 3)", None),
 ("r", "r-list-na-name", "setNames(list(1, 2), c('a', NA))", None),
 ("r", "r-named-vector-dup", "c(a = 1, a = 2)", None),
 ("r", "r-named-vector-empty-name", "c(a = 1, 2)", None),
 ("r", "r-factor-na", "factor(c('a', NA, 'b'))", None),
 ("r", "r-factor-na-level", "factor(c('a', NA), exclude = NULL)", None),
 ("r", "r-factor-empty-level", "factor(c('a', ''))", None),
 ("r", "r-factor-unused-level", "factor('a', levels = c('a', 'b'))", None),
 ("r", "r-ordered", "factor(c('lo', 'hi'), levels = c('lo', 'hi'), ordered = TRUE)", None),
 ("r", "r-date-na", "as.Date(c('2020-01-01', NA))", None),
 ("r", "r-date-far-past", "as.Date('0001-01-01')", None),
 ("r", "r-date-far-future", "as.Date('9999-12-31')", None),
 ("r", "r-date-beyond-ns", "as.Date(c('1500-01-01', '2500-01-01'))", None),
 ("r", "r-date-fractional", "structure(18000.5, class = 'Date')", None),
 ("r", "r-posixct-na", "as.POSIXct(c('2020-01-01 10:00:00', NA), tz = 'UTC')", None),
 ("r", "r-posixct-frac", "as.POSIXct(1.5e9 + 0.123456, origin = '1970-01-01', tz = 'UTC')", None),
 ("r", "r-posixct-tz", "as.POSIXct('2020-06-01 12:00:00', tz = 'America/New_York')", None),
 ("r", "r-posixct-no-tz", "as.POSIXct(1.5e9, origin = '1970-01-01')", None),
 ("r", "r-posixct-far", "as.POSIXct(c(-1e11, 1e11), origin = '1970-01-01', tz = 'UTC')", None),
 ("r", "r-posixct-bad-tz", "structure(0, class = c('POSIXct', 'POSIXt'), tzone = 'Not/AZone')", None),
 ("r", "r-difftime", "as.difftime(c(1.5, NA), units = 'hours')", None),
 ("r", "r-posixlt", "as.POSIXlt('2020-01-01 10:00:00', tz = 'UTC')", None),
 ("r", "r-bytes-string", "x <- 'caf\\xe9'; Encoding(x) <- 'bytes'; x", None),
 ("r", "r-invalid-utf8", "'f\\xff'", None),
 ("r", "r-latin1", "x <- 'caf\\xe9'; Encoding(x) <- 'latin1'; x", None),
 ("r", "r-nul-free-long-string", "strrep('a', 1e6)", None),
 ("r", "r-int-max", "c(.Machine$integer.max, -.Machine$integer.max)", None),
 ("r", "r-big-double", "c(2^53 + 2, 1e308, 5e-324)", None),
 ("r", "r-neg-zero", "-0", "lambda p: str(p) == '-0.0'"),
 ("r", "r-df-na-cols", "data.frame(i = c(1L, NA), l = c(TRUE, NA), s = c('a', NA), f = factor(c(NA, 'x')))", None),
 ("r", "r-df-dup-colnames", "data.frame(a = 1, a = 2, check.names = FALSE)", None),
 ("r", "r-df-empty-colname", "setNames(data.frame(1, 2), c('', 'b'))", None),
 ("r", "r-df-rownames", "data.frame(a = 1:2, row.names = c('x', 'y'))", None),
 ("r", "r-df-list-col", "df <- data.frame(a = 1:2); df$l <- list(1:3, 'x'); df", None),
 ("r", "r-df-date-col", "data.frame(d = as.Date(c('2020-01-01', NA)))", None),
 ("r", "r-matrix-character", "matrix(c('a', NA, 'c', 'd'), 2)", None),
 ("r", "r-matrix-logical-na", "matrix(c(TRUE, NA, FALSE, TRUE), 2)", None),
 ("r", "r-matrix-dimnames", "matrix(1:4, 2, dimnames = list(c('a', 'b'), c('c', 'd')))", None),
 ("r", "r-raw", "as.raw(c(0, 255, 10))", None),
 ("r", "r-complex-nan", "complex(real = NaN, imaginary = 1)", None),
 ("r", "r-env", "new.env()", "lambda p: True"),
 ("r", "r-s4", "methods::setClass('P', representation(x = 'numeric'))(x = 1)", "lambda p: True"),
 ("r", "r-language", "quote(a + b)", "lambda p: True"),
 ("r", "r-symbol", "as.name('abc')", "lambda p: True"),
 ("r", "r-pairlist", "pairlist(a = 1, b = 'x')", None),
 ("r", "r-integer64-like", "structure(1, class = 'integer64')", "lambda p: True"),
 ("r", "r-table", "table(c('a', 'b', 'a'))", "lambda p: True"),
 # ---------------- Python -> R (and back)
 ("py", "py-nan-inf", "np.array([np.nan, np.inf, -np.inf, 0.0])", None),
 ("py", "py-none", "None", None),
 ("py", "py-pd-na", "pd.NA", "lambda b: b is None"),
 ("py", "py-nat", "pd.NaT", "lambda b: b is None or b is pd.NaT"),
 ("py", "py-empty-float", "np.array([], dtype=float)", None),
 ("py", "py-empty-int", "np.array([], dtype=np.int32)", None),
 ("py", "py-empty-bool", "np.array([], dtype=bool)", None),
 ("py", "py-empty-str", "np.array([], dtype=str)", None),
 ("py", "py-empty-object", "np.array([], dtype=object)", None),
 ("py", "py-empty-list", "[]", None),
 ("py", "py-empty-dict", "{}", None),
 ("py", "py-empty-df", "pd.DataFrame()", None),
 ("py", "py-df-zero-rows", "pd.DataFrame({'a': pd.Series([], dtype=float), 'b': pd.Series([], dtype=object)})", None),
 ("py", "py-zero-dim-2d", "np.zeros((0, 3))", None),
 ("py", "py-zero-dim-3d", "np.zeros((2, 0, 3), dtype=np.int32)", None),
 ("py", "py-huge-dim", "np.zeros((2**31, 0))", None),
 ("py", "py-huge-dim-2", "np.zeros((0, 2**31, 0))", None),
 ("py", "py-0d-float", "np.array(3.5)", None),
 ("py", "py-0d-str", "np.array('abc')", None),
 ("py", "py-0d-bool", "np.array(True)", None),
 ("py", "py-0d-datetime", "np.array(np.datetime64('2020-01-01'))", None),
 ("py", "py-noncontig", "np.arange(24.0).reshape(4, 6)[::2, 1::2]", None),
 ("py", "py-neg-stride", "np.arange(12.0).reshape(3, 4)[::-1, ::-1]", None),
 ("py", "py-neg-stride-int", "np.arange(12, dtype=np.int32)[::-3]", None),
 ("py", "py-fortran", "np.asfortranarray(np.arange(6.0).reshape(2, 3))", None),
 ("py", "py-bigendian-f8", "np.arange(4.0).astype('>f8')", None),
 ("py", "py-bigendian-i4", "np.arange(4).astype('>i4')", None),
 ("py", "py-bigendian-i8", "np.array([1, 2**40]).astype('>i8')", None),
 ("py", "py-float16", "np.array([1.5, np.nan, 65504], dtype=np.float16)", None),
 ("py", "py-float32-nan", "np.array([1.5, np.nan], dtype=np.float32)", None),
 ("py", "py-int64-big", "np.array([1, 2**40, -2**40])", None),
 ("py", "py-int64-beyond-2-53", "np.array([2**53 + 1])", None),
 ("py", "py-int-int-min", "np.array([-2**31], dtype=np.int64)", None),
 ("py", "py-int32-int-min", "np.array([-2**31, 5], dtype=np.int32)", None),
 ("py", "py-uint64", "np.array([0, 2**64 - 1], dtype=np.uint64)", None),
 ("py", "py-uint32", "np.array([0, 2**32 - 1], dtype=np.uint32)", None),
 ("py", "py-uint8", "np.array([0, 255], dtype=np.uint8)", None),
 ("py", "py-int8", "np.array([-128, 127], dtype=np.int8)", None),
 ("py", "py-python-big-int", "2**70", None),
 ("py", "py-python-int-min", "-2**31", None),
 ("py", "py-bool-array", "np.array([True, False])", None),
 ("py", "py-bytes", "b'ab\\x00\\xff'", None),
 ("py", "py-bytes-array", "np.array([b'ab', b'\\xff'])", None),
 ("py", "py-bytearray", "bytearray(b'xy')", None),
 ("py", "py-surrogate-str", "'f\\udcff'", None),
 ("py", "py-lone-surrogate", "'\\ud800'", None),
 ("py", "py-nul-in-str", "'a\\x00b'", None),
 ("py", "py-str-array-unicode", "np.array(['é', '日本', ''])", None),
 ("py", "py-complex", "np.array([1+2j, np.nan+0j])", None),
 ("py", "py-complex64", "np.array([1+2j], dtype=np.complex64)", None),
 ("py", "py-complex-scalar", "1+2j", None),
 ("py", "py-longdouble", "np.array([1.5], dtype=np.longdouble)", None),
 ("py", "py-object-mixed", "np.array([1, 'a', None, 2.5], dtype=object)", None),
 ("py", "py-object-ints", "np.array([1, 2, None], dtype=object)", None),
 ("py", "py-object-nested", "np.array([[1, 2], 'x'], dtype=object)", None),
 ("py", "py-list-mixed", "[1, 'a', None, 2.5]", None),
 ("py", "py-nested-list", "[[1, [2, [3, []]]], {'a': None}]", None),
 ("py", "py-dict-empty-key", "{'': 1, 'a': 2}", None),
 ("py", "py-dict-int-keys", "{1: 'a', '1': 'b'}", None),
 ("py", "py-dict-nonstr-key", "{(1, 2): 'a'}", None),
 ("py", "py-datetime64-nat", "np.array(['2020-01-01', 'NaT'], dtype='datetime64[ns]')", None),
 ("py", "py-datetime64-s", "np.array(['1500-01-01T00:00:00', '2500-01-01T00:00:00'], dtype='datetime64[s]')", None),
 ("py", "py-datetime64-D", "np.array(['0001-01-01', '9999-12-31'], dtype='datetime64[D]')", None),
 ("py", "py-datetime64-generic", "np.array(['2020-01-01'], dtype='datetime64')", None),
 ("py", "py-datetime-tz", "dt.datetime(2020, 6, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))", None),
 ("py", "py-datetime-naive", "dt.datetime(2020, 6, 1, 12, 0, 0, 123456)", None),
 ("py", "py-datetime-min", "dt.datetime.min", None),
 ("py", "py-date-min-max", "[dt.date.min, dt.date.max]", None),
 ("py", "py-time", "dt.time(12, 30)", "lambda b: True"),
 ("py", "py-timedelta", "dt.timedelta(days=1, microseconds=5)", None),
 ("py", "py-timedelta64-nat", "np.array([1, 'NaT'], dtype='timedelta64[s]')", None),
 ("py", "py-timedelta-series", "pd.Series(pd.to_timedelta([1, None], unit='h'))", None),
 ("py", "py-ts-tz-series", "pd.Series(pd.to_datetime(['2020-01-01 10:00', None]).tz_localize('Europe/Paris'))", None),
 ("py", "py-period", "pd.Series(pd.period_range('2020-01', periods=2, freq='M'))", None),
 ("py", "py-interval", "pd.Series(pd.interval_range(0, 2))", None),
 ("py", "py-sparse", "pd.Series(pd.arrays.SparseArray([0, 0, 1.0]))", None),
 ("py", "py-Int64-na", "pd.Series([1, None, 3], dtype='Int64')", None),
 ("py", "py-Int64-big", "pd.Series([2**40, None], dtype='Int64')", None),
 ("py", "py-UInt64", "pd.Series([2**63, None], dtype='UInt64')", None),
 ("py", "py-boolean-na", "pd.Series([True, None, False], dtype='boolean')", None),
 ("py", "py-string-na", "pd.Series(['a', None], dtype='string')", None),
 ("py", "py-Float64-na", "pd.Series([1.5, None], dtype='Float64')", None),
 ("py", "py-arrow-string", "pd.Series(['a', None], dtype='string[pyarrow]')", None),
 ("py", "py-cat-na", "pd.Categorical(['a', None, 'b'])", None),
 ("py", "py-cat-empty-level", "pd.Categorical(['a', ''])", None),
 ("py", "py-cat-ordered", "pd.Categorical(['lo', 'hi'], categories=['lo', 'hi'], ordered=True)", None),
 ("py", "py-cat-int", "pd.Categorical([3, 1, 3])", None),
 ("py", "py-cat-no-values", "pd.Categorical([], categories=['a'])", None),
 ("py", "py-df-dup-cols", "pd.DataFrame([[1, 2]], columns=['a', 'a'])", None),
 ("py", "py-df-int-cols", "pd.DataFrame([[1, 2]], columns=[0, 1])", None),
 ("py", "py-df-multiindex", "pd.DataFrame({'a': [1, 2]}, index=pd.MultiIndex.from_tuples([(1, 'x'), (2, 'y')]))", None),
 ("py", "py-df-multicol", "pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([('a', 'x'), ('a', 'y')]))", None),
 ("py", "py-df-mixed-object", "pd.DataFrame({'o': [1, 'a']})", None),
 ("py", "py-df-nan-index", "pd.DataFrame({'a': [1.0, 2.0]}, index=['x', None])", None),
 ("py", "py-df-str-index", "pd.DataFrame({'a': [1.0, 2.0]}, index=['x', 'y'])", None),
 ("py", "py-series-dup-index", "pd.Series([1.0, 2.0], index=['a', 'a'])", None),
 ("py", "py-series-empty-name", "pd.Series([1.0, 2.0], index=['', 'b'])", None),
 ("py", "py-masked", "np.ma.masked_array([1.0, 2.0], mask=[False, True])", None),
 ("py", "py-masked-int", "np.ma.masked_array([1, 2], mask=[True, False])", None),
 ("py", "py-record-array", "np.array([(1, 2.0)], dtype=[('a', 'i4'), ('b', 'f8')])", None),
 ("py", "py-void", "np.array([b'ab'], dtype='V2')", None),
 ("py", "py-set", "{1, 2}", None),
 ("py", "py-frozenset", "frozenset({'a'})", None),
 ("py", "py-range", "range(0, 10, 3)", None),
 ("py", "py-empty-range", "range(0)", None),
 ("py", "py-decimal", "__import__('decimal').Decimal('1.5')", None),
 ("py", "py-fraction", "__import__('fractions').Fraction(1, 3)", None),
 ("py", "py-numpy-str-scalar", "np.str_('x')", None),
 ("py", "py-numpy-bytes-scalar", "np.bytes_(b'x')", None),
 ("py", "py-numpy-nan-scalar", "np.float32('nan')", None),
 ("py", "py-numpy-int64-scalar-big", "np.int64(2**40)", None),
 ("py", "py-numpy-uint64-scalar", "np.uint64(2**64 - 1)", None),
 ("py", "py-bool-with-none", "[True, None, False]", None),
 ("py", "py-float-list-none", "[1.0, None, 3.0]", None),
 ("py", "py-int-list-none", "[1, None, 3]", None),
 ("py", "py-str-list-none", "['a', None]", None),
 ("py", "py-huge-1d-string", "['x' * 10**6]", None),
 ("py", "py-deep-nesting", "__import__('functools').reduce(lambda a, _: [a], range(500), [])", None),
 ("py", "py-recursive-list", "(lambda l: (l.append(l), l)[1])([])", None),
 # ---------------- added with the fixes (issue 14): R attributes, times, nesting
 ("r", "r-integer64", "structure(readBin(as.raw(c(5, 0, 0, 0, 0, 0, 0, 0)), 'double'), class = 'integer64')", None),
 ("r", "r-integer64-na", "structure(readBin(as.raw(c(0, 0, 0, 0, 0, 0, 0, 128)), 'double'), class = 'integer64')", None),
 ("r", "r-deep-list", "x <- list(); for (i in 1:150) x <- list(x); x", None),
 ("r", "r-difftime-weeks", "as.difftime(c(1, 2.5), units = 'weeks')", None),
 ("r", "r-difftime-secs-int", "structure(c(1L, NA, 3L), class = 'difftime', units = 'secs')", None),
 ("r", "r-array-dimnames-3d", "array(1:8, c(2, 2, 2), dimnames = list(c('a', 'b'), NULL, c('x', 'y')))", None),
 ("r", "r-matrix-named-dimnames", "matrix(c(1.5, NA, 3, 4), 2, dimnames = list(rows = c('a', 'b'), cols = c('c', NA)))", None),
 ("r", "r-char-matrix-dimnames", "matrix(letters[1:4], 2, dimnames = list(NULL, c('u', 'v')))", None),
 ("r", "r-logical-matrix-dimnames", "matrix(c(TRUE, NA), 1, dimnames = list('r', c('p', 'q')))", None),
 ("r", "r-table-2d", "table(c(1, 1, 2), c('a', 'b', 'b'))", None),
 ("r", "r-posixct-no-tz-vector", "as.POSIXct(c(1e9, NA), origin = '1970-01-01')", None),
 ("r", "r-posixct-no-tzone-attr", "structure(1e9, class = c('POSIXct', 'POSIXt'))", None),
 ("r", "r-df-posixct-no-tz", "data.frame(t = as.POSIXct(c(1e9, 2e9), origin = '1970-01-01'))", None),
 ("r", "r-date-fractional-vector", "structure(c(18000.25, NA, 18001), class = 'Date')", None),
 ("r", "r-list-na-name-only", "setNames(list(1, 'x'), c(NA, ''))", None),
 ("r", "r-factor-na-level-ordered", "factor(c('a', NA), levels = c(NA, 'a'), exclude = NULL, ordered = TRUE)", None),
 ("py", "py-rarray-slice", "to_python(r_eval(\"matrix(1:4, 2, dimnames = list(c('a', 'b'), c('c', 'd')))\"))[:, :1]", None),
 ("py", "py-rarray-bad-dimnames", "(lambda a: (setattr(a, 'r_attributes', {'dimnames': [['a'], None]}), a)[1])(np.zeros((2, 2)).view(RArray))", None),
 ("py", "py-deep-dict", "__import__('functools').reduce(lambda a, _: {'k': a}, range(150), {})", None),
 ("py", "py-dict-containing-itself", "(lambda d: (d.__setitem__('me', [d]), d)[1])({})", None),
 ("py", "py-tzlocal-timestamp", "pd.Timestamp('2020-06-01 12:00', tz=__import__('dateutil.tz', fromlist=['tzlocal']).tzlocal())", None),
 ("py", "py-period-index", "pd.period_range('2020-01', periods=2, freq='M')", None),
]


def _floats(back, expected):
    return isinstance(back, np.ndarray) and back.dtype == np.float64 and np.array_equal(back, np.array(expected, dtype=float), equal_nan=True)

def _null(back):
    return rv("function(x) is.null(x)", back)

# Documented type changes (docs/conversions.md): case -> the exact documented result.
# R cases get (Python value, the value back in R); Python cases (original, value back in Python).
DOCUMENTED = {
 "r-scalar-na-logical": lambda py, back: py is None and _null(back),
 "r-scalar-na-integer": lambda py, back: py is None and _null(back),
 "r-scalar-na-character": lambda py, back: py is None and _null(back),
 "r-posixct-bad-tz": lambda py, back: py == pd.Timestamp(0, unit="s", tz="UTC") and str(py.tz) == "UTC" and rv("function(x) inherits(x, 'POSIXct') && attr(x, 'tzone') == 'UTC' && unclass(x) == 0", back),
 "r-posixlt": lambda py, back: py == pd.Timestamp("2020-01-01 10:00", tz="UTC") and rv("function(x) identical(x, as.POSIXct('2020-01-01 10:00:00', tz = 'UTC'))", back),
 "r-bytes-string": lambda py, back: py == "caf\udce9" and rv("function(x) identical(charToRaw(x), as.raw(c(0x63, 0x61, 0x66, 0xe9))) && Encoding(x) == 'unknown'", back),
 "r-pairlist": lambda py, back: py == {"a": 1.0, "b": "x"} and rv("function(x) identical(x, list(a = 1, b = 'x'))", back),
 "r-integer64-like": lambda py, back: type(py) is int and py == 4607182418800017408 and rv("function(x) identical(x, 4607182418800017408)", back),
 "r-integer64": lambda py, back: type(py) is int and py == 5 and rv("function(x) identical(x, 5L)", back),
 "r-integer64-na": lambda py, back: py is None and _null(back),
 "py-int64-beyond-2-53": lambda v, back: type(back) is float and back == 9007199254740992.0,
 "py-int-int-min": lambda v, back: type(back) is float and back == -2147483648.0,
 "py-bytes-array": lambda v, back: isinstance(back, StrList) and back == ["ab", "\udcff"],
 "py-complex64": lambda v, back: type(back) is complex and back == 1 + 2j,
 "py-longdouble": lambda v, back: type(back) is float and back == 1.5,
 "py-object-nested": lambda v, back: isinstance(back, list) and list(back[0]) == [1, 2] and back[1] == "x",
 "py-dict-empty-key": lambda v, back: isinstance(back, RList) and back.names() == [None, "a"] and list(back.values()) == [1, 2],
 "py-dict-nonstr-key": lambda v, back: back == {"(1, 2)": "a"},
 "py-datetime64-nat": lambda v, back: back.dtype == "datetime64[D]" and str(back[0]) == "2020-01-01" and np.isnat(back[1]),
 "py-datetime64-s": lambda v, back: back.dtype == "datetime64[D]" and back.astype(str).tolist() == ["1500-01-01", "2500-01-01"],
 "py-datetime64-generic": lambda v, back: type(back) is dt.date and back == dt.date(2020, 1, 1),
 "py-datetime-naive": lambda v, back: str(back.tz) == "UTC" and back == pd.Timestamp("2020-06-01 12:00:00.123456", tz="UTC"),
 "py-datetime-min": lambda v, back: str(back.tz) == "UTC" and back == pd.Timestamp(dt.datetime.min).tz_localize("UTC"),
 "py-timedelta-series": lambda v, back: isinstance(back, RArray) and back.dtype == "timedelta64[us]" and back[0] == np.timedelta64(3600, "s") and np.isnat(back[1]) and back.r_attributes["units"] == "secs",
 "py-ts-tz-series": lambda v, back: isinstance(back, pd.DatetimeIndex) and str(back.tz) == "Europe/Paris" and back[0] == v[0] and back[1] is pd.NaT,
 "py-sparse": lambda v, back: _floats(back, [0, 0, 1]),
 "py-Int64-na": lambda v, back: _floats(back, [1, np.nan, 3]),
 "py-Int64-big": lambda v, back: _floats(back, [2**40, np.nan]),
 "py-UInt64": lambda v, back: _floats(back, [2**63, np.nan]),
 "py-boolean-na": lambda v, back: _floats(back, [1, np.nan, 0]),
 "py-string-na": lambda v, back: isinstance(back, StrList) and back == ["a", None],
 "py-Float64-na": lambda v, back: _floats(back, [1.5, np.nan]),
 "py-cat-int": lambda v, back: list(back.categories) == ["1", "3"] and list(back.codes) == [1, 0, 1],
 "py-df-int-cols": lambda v, back: list(back.columns) == ["0", "1"] and back.iloc[0].tolist() == [1, 2],
 "py-df-multiindex": lambda v, back: list(back.index) == ["(1, 'x')", "(2, 'y')"] and back["a"].tolist() == [1, 2],
 "py-df-multicol": lambda v, back: list(back.columns) == ["a.x", "a.y"] and back.iloc[0].tolist() == [1, 2],
 "py-masked": lambda v, back: _floats(back, [1, np.nan]),
 "py-masked-int": lambda v, back: _floats(back, [np.nan, 2]),
 "py-record-array": lambda v, back: isinstance(back, pd.DataFrame) and back.to_dict("list") == {"a": [1], "b": [2.0]},
 "py-range": lambda v, back: back.dtype == np.int32 and back.tolist() == [0, 3, 6, 9],
 "py-empty-range": lambda v, back: back.dtype == np.int32 and back.size == 0,
 "py-huge-1d-string": lambda v, back: type(back) is str and back == "x" * 10**6,
}


if __name__ == "__main__":
    m = sys.modules[__name__]
    start = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    for case in m.CASES[start:]:
        print(json.dumps({"start": case[1]}), flush=True)
        verdict, msg = run(case)
        print(json.dumps({"name": case[1], "verdict": verdict, "msg": msg}), flush=True)
