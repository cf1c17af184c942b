"""rkeras.r.convert (rules, to_python, to_r): the conversion rules of vectors, arrays, NA, lists,
factors and data frames, both directions, and extending the tables."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("rpy2")

from r_helpers import R, r_check, r_identical, rpy  # noqa: E402

from rkeras.r import (  # noqa: E402  # noqa: E402
    convert,
    factor_codes,
    r_eval,
    register_to_python,
    register_to_r,
    to_python,
    to_r,
)
from rkeras.r.evaluate import r_call  # noqa: E402

pytestmark = pytest.mark.r


def r_str(obj) -> str:
    return "\n".join(to_python(r_call(r_eval("function(x) capture.output(str(x))"), to_r(obj)),
                               simplify=False))


# --------------------------------------------------------------------------- atomic vectors
class TestNumeric:
    def test_double_vector(self):
        a = rpy("c(1.5, 2.5, -3)")
        assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (3,)
        assert a.tolist() == [1.5, 2.5, -3.0]

    def test_integer_vector(self):
        a = rpy("c(1L, 2L, 3L)")
        assert a.dtype == np.int32 and a.tolist() == [1, 2, 3]

    def test_logical_vector(self):
        a = rpy("c(TRUE, FALSE, TRUE)")
        assert a.dtype == np.bool_ and a.tolist() == [True, False, True]

    def test_complex_vector(self):
        a = rpy("c(1+2i, 3-1i)")
        assert a.dtype == np.complex128 and a.tolist() == [1 + 2j, 3 - 1j]

    def test_length_one_simplifies(self):
        assert rpy("2.5") == 2.5 and type(rpy("2.5")) is float
        assert rpy("7L") == 7 and type(rpy("7L")) is int
        assert rpy("TRUE") is True
        assert rpy("'abc'") == "abc"
        assert rpy("1+1i") == 1 + 1j

    def test_length_one_no_simplify(self):
        a = rpy("2.5", simplify=False)
        assert isinstance(a, np.ndarray) and a.shape == (1,)
        assert rpy("'a'", simplify=False) == ["a"]

    def test_zero_length_keeps_dtype(self):
        for code, dtype in [("numeric(0)", np.float64), ("integer(0)", np.int32),
                            ("logical(0)", np.bool_), ("complex(0)", np.complex128)]:
            a = rpy(code)
            assert isinstance(a, np.ndarray) and a.shape == (0,) and a.dtype == dtype, code
        s = rpy("character(0)")
        assert s == [] and isinstance(s, convert.StrList)
        assert r_identical(s, "character(0)")
        assert r_identical(rpy("c(NA_character_, NA)"), "c(NA_character_, NA)")
        assert rpy("list()") == []

    def test_zero_length_back(self):
        assert r_identical(np.zeros(0), "numeric(0)")
        assert r_identical(np.zeros(0, dtype=np.int32), "integer(0)")
        assert r_identical(np.zeros(0, dtype=bool), "logical(0)")
        assert r_identical(np.array([], dtype=str), "character(0)")
        assert r_identical([], "list()")
        assert r_identical(np.zeros((0, 3)), "matrix(numeric(0), 0, 3)")

    def test_python_scalars_to_r(self):
        assert r_identical(1.5, "1.5")
        assert r_identical(3, "3L")
        assert r_identical(True, "TRUE")
        assert r_identical("x", "'x'")
        assert r_identical(None, "NULL")
        assert r_identical(2 + 3j, "2+3i")
        assert r_identical(b"\x01\x02", "as.raw(c(1, 2))")

    def test_numpy_scalars_to_r(self):
        assert r_identical(np.float32(1.5), "1.5")
        assert r_identical(np.int64(4), "4L")
        assert r_identical(np.uint8(200), "200L")
        assert r_identical(np.bool_(False), "FALSE")
        assert r_identical(np.str_("s"), "'s'")
        assert r_identical(np.array(2.0), "2")          # 0-d array -> length 1, no dim

    def test_dtypes_to_r(self):
        assert r_identical(np.array([1.5, 2], dtype=np.float32), "c(1.5, 2)")
        assert r_identical(np.array([1, 2], dtype=np.int64), "c(1L, 2L)")
        assert r_identical(np.array([1, 2], dtype=np.uint8), "c(1L, 2L)")
        assert r_identical(np.array([1, 2], dtype=np.int16), "c(1L, 2L)")
        assert r_identical(np.array([True, False]), "c(TRUE, FALSE)")
        assert r_identical(np.array([1 + 1j]), "1+1i")
        assert r_identical(np.array(["a", "b"]), "c('a', 'b')")

    def test_int64_overflow_rule(self):
        # out of R's integer range -> double, never OverflowError
        assert r_identical(np.array([1, 2 ** 31], dtype=np.int64), "c(1, 2^31)")
        assert r_identical(np.array([-2 ** 31, 0], dtype=np.int64), "c(-2^31, 0)")   # INT_MIN is NA in R
        assert r_identical(np.array([-2 ** 31], dtype=np.int32), "-2^31")            # int32 too
        assert r_identical(np.array([2 ** 32], dtype=np.uint64), "2^32")
        assert r_identical(2 ** 31, "2^31")
        assert r_identical(-2 ** 31, "-2^31")
        assert r_identical(2 ** 31 - 1, "2147483647L")
        with pytest.warns(RuntimeWarning, match="precision"):
            assert r_check("function(x) typeof(x)", np.array([2 ** 60], dtype=np.int64)) == "double"
        with pytest.warns(RuntimeWarning):
            assert r_check("function(x) x", 10 ** 400) == math.inf

    def test_unrepresentable_fail_in_python_not_in_r(self):
        with pytest.raises(ValueError, match="NUL"):
            to_r("a\x00b")

    def test_tuples_and_lists(self):
        assert r_identical((1, "a"), "list(1L, 'a')")
        assert r_identical([1.5, None], "list(1.5, NULL)")
        assert r_identical(["a", "b"], "c('a', 'b')")          # list of str -> character
        assert r_identical(("a",), "'a'")
        assert r_identical(range(3), "0:2")


# --------------------------------------------------------------------------- arrays
class TestArrays:
    def test_index_semantics_3d(self):
        a = rpy("array(1:24, dim = c(2, 3, 4))")
        assert a.shape == (2, 3, 4) and a.dtype == np.int32
        x = R("array(1:24, dim = c(2, 3, 4))")
        get = r_eval("function(x, i, j, k) x[i, j, k]")
        for i in range(2):
            for j in range(3):
                for k in range(4):
                    assert a[i, j, k] == to_python(r_call(get, x, i + 1, j + 1, k + 1))
        assert a[1, 2, 3] == 24 and a[0, 1, 0] == 3

    def test_index_semantics_back(self):
        c = np.arange(24).reshape(2, 3, 4)               # C order
        assert r_check("function(x) x[2, 3, 4]", c) == 23
        assert r_check("function(x) x[1, 2, 1]", c) == c[0, 1, 0]
        assert r_check("function(x) dim(x)", c).tolist() == [2, 3, 4]
        f = np.asfortranarray(c)
        assert r_check("function(x) x[2, 1, 3]", f) == c[1, 0, 2]
        nc = c[:, ::2, :]                                 # non-contiguous
        assert r_check("function(x) x[2, 2, 4]", nc) == nc[1, 1, 3]

    def test_matrix(self):
        m = rpy("matrix(1:6, nrow = 2)")
        assert m.shape == (2, 3) and m[1, 2] == 6 and m[0, 1] == 3
        assert r_identical(m, "matrix(1:6, nrow = 2)")
        big = np.random.default_rng(0).normal(size=(300, 70))   # > 2 MiB: the blocked C->F copy
        back = to_python(to_r(big))
        assert np.array_equal(back, big)

    def test_vector_without_dim_is_1d(self):
        assert rpy("1:5").shape == (5,)
        assert r_check("function(x) is.null(dim(x))", np.arange(5)) is True

    def test_logical_matrix_and_character_matrix(self):
        lm = rpy("matrix(c(TRUE, FALSE, FALSE, TRUE), 2)")
        assert lm.dtype == np.bool_ and lm[0, 0] and lm[1, 1] and not lm[0, 1]
        cm = rpy("matrix(c('a', 'b', 'c', NA), 2)")
        assert cm.dtype == object and cm[1, 0] == "b" and cm[0, 1] == "c" and cm[1, 1] is None
        assert r_identical(cm, "matrix(c('a', 'b', 'c', NA), 2)")


# --------------------------------------------------------------------------- NA
class TestNA:
    def test_double_na_and_nan(self):
        a = rpy("c(1, NA, NaN, Inf)")
        assert a[0] == 1 and np.isnan(a[1]) and np.isnan(a[2]) and a[3] == np.inf

    def test_integer_na_becomes_float_nan(self):
        a = rpy("c(1L, NA, 3L)")
        assert a.dtype == np.float64 and a[0] == 1 and np.isnan(a[1]) and a[2] == 3
        assert not (a == -2147483648).any()

    def test_logical_na_becomes_float_nan(self):
        a = rpy("c(TRUE, NA, FALSE)")
        assert a.dtype == np.float64 and a[0] == 1.0 and np.isnan(a[1]) and a[2] == 0.0

    def test_integer_na_in_matrix(self):
        m = rpy("matrix(c(1L, NA, 3L, 4L), 2)")
        assert m.shape == (2, 2) and np.isnan(m[1, 0]) and m[0, 1] == 3

    def test_scalar_na(self):
        assert rpy("NA") is None
        assert rpy("NA_integer_") is None
        assert math.isnan(rpy("NA_real_"))
        assert rpy("NA_character_") is None

    def test_character_na(self):
        assert rpy("c('a', NA)") == ["a", None]
        assert r_identical(["a", None], "c('a', NA)")
        assert r_identical([None, None], "list(NULL, NULL)")
        assert r_identical(np.array(["a", None], dtype=object), "c('a', NA)")

    def test_nan_to_na_real(self):
        assert r_check("function(x) c(is.na(x), is.nan(x))", np.array([np.nan, 1.0])).tolist() == \
            [True, False, False, False]          # NaN -> NA_real_ (not NaN)
        assert r_check("function(x) is.na(x) && !is.nan(x)", float("nan")) is True
        assert r_check("function(x) is.na(x) && !is.nan(x)", np.float32("nan")) is True

    def test_pd_na(self):
        assert r_identical(pd.NA, "NA")
        s = pd.Series([1, None, 3], dtype="Int32")
        assert r_identical(s, "c(1L, NA, 3L)")
        b = pd.Series([True, None], dtype="boolean")
        assert r_identical(b, "c(TRUE, NA)")
        st = pd.Series(["a", None], dtype="string")
        assert r_identical(st, "c('a', NA)")
        f = pd.Series([1.5, None], dtype="Float64")
        assert r_identical(f, "c(1.5, NA)")

    def test_masked_array(self):
        m = np.ma.masked_array([1, 2, 3], mask=[False, True, False])
        assert r_identical(m, "c(1, NA, 3)")
        s = np.ma.masked_array(np.array(["a", "b"], dtype=object), mask=[True, False])
        assert r_identical(s, "c(NA, 'b')")

    def test_na_roundtrip_positions_integer(self):
        x = R("c(NA, 2L, NA, 4L)")
        back = to_r(to_python(x))
        assert to_python(r_call("is.na", back)).tolist() == [True, False, True, False]
        assert to_python(r_call("typeof", back)) == "double"      # documented policy


# --------------------------------------------------------------------------- names, lists
class TestLists:
    def test_named_vector_series(self):
        s = rpy("c(a = 1, b = 2)")
        assert isinstance(s, pd.Series) and list(s.index) == ["a", "b"] and s["b"] == 2.0
        assert r_identical(s, "c(a = 1, b = 2)")
        one = rpy("c(a = 1L)")
        assert isinstance(one, pd.Series) and one["a"] == 1
        assert r_identical(pd.Series(["x", "y"], index=["p", "q"]), "c(p = 'x', q = 'y')")

    def test_named_list_dict(self):
        d = rpy("list(a = 1, b = 'x', c = NULL, d = 1:3)")
        assert list(d) == ["a", "b", "c", "d"] and d["a"] == 1.0 and d["b"] == "x" and d["c"] is None
        assert d["d"].tolist() == [1, 2, 3]
        assert r_identical({"a": 1.0, "b": "x", "c": None}, "list(a = 1, b = 'x', c = NULL)")

    def test_unnamed_and_nested_lists(self):
        v = rpy("list(1, list(2L, list('deep', TRUE)), NULL)")
        assert v == [1.0, [2, ["deep", True]], None]
        assert r_identical(v, "list(1, list(2L, list('deep', TRUE)), NULL)")
        nested = {"train": {"x": np.arange(3), "y": ["a", "b"]}, "n": 2}
        assert r_identical(nested, "list(train = list(x = 0:2, y = c('a', 'b')), n = 2L)")

    def test_partial_or_duplicate_names_give_rlist(self):
        from rkeras.rlist import RList
        v = rpy("list(a = 1, 2, a = 3)")
        assert isinstance(v, RList) and v.names() == ["a", None, "a"] and v[2] == 3.0
        assert r_identical(v, "list(a = 1, 2, a = 3)")

    def test_rlist_to_r(self):
        from rkeras.rlist import RList
        r = RList(loss=0.5, accuracy=0.9)
        assert r_identical(r, "list(loss = 0.5, accuracy = 0.9)")

    def test_null(self):
        assert rpy("NULL") is None
        assert r_identical(None, "NULL")


# --------------------------------------------------------------------------- factors
class TestFactors:
    def test_factor_to_categorical(self):
        c = rpy("factor(c('lo', 'hi', NA, 'mid'), levels = c('lo', 'mid', 'hi'))")
        assert isinstance(c, pd.Categorical)
        assert list(c.categories) == ["lo", "mid", "hi"] and not c.ordered
        assert list(c.codes) == [0, 2, -1, 1]

    def test_ordered_factor(self):
        c = rpy("factor(c('b', 'a'), levels = c('b', 'a'), ordered = TRUE)")
        assert c.ordered and list(c.categories) == ["b", "a"]
        assert r_identical(c, "factor(c('b', 'a'), levels = c('b', 'a'), ordered = TRUE)")

    def test_categorical_to_factor(self):
        c = pd.Categorical(["x", None, "y"], categories=["y", "x"])
        assert r_identical(c, "factor(c('x', NA, 'y'), levels = c('y', 'x'))")
        assert r_identical(pd.Series(c), "factor(c('x', NA, 'y'), levels = c('y', 'x'))")
        nonstr = pd.Categorical([1, 2, 1])
        assert r_identical(nonstr, "factor(c('1', '2', '1'))")

    def test_factor_length_zero_and_one(self):
        z = rpy("factor(character(0), levels = c('a', 'b'))")
        assert len(z) == 0 and list(z.categories) == ["a", "b"]
        one = rpy("factor('a')")
        assert isinstance(one, pd.Categorical) and len(one) == 1

    def test_factor_codes(self):
        fc = factor_codes(R("factor(c('b', 'a', 'c', 'a'))"))
        assert fc.codes.dtype == np.int32 and fc.codes.tolist() == [1, 0, 2, 0]
        assert fc.levels == ["a", "b", "c"] and fc.ordered is False
        with pytest.raises(ValueError, match="position 2"):
            factor_codes(R("factor(c('a', NA, 'b'))"))
        fc = factor_codes(R("factor(c('a', NA, 'b'))"), na="minus1")
        assert fc.codes.tolist() == [0, -1, 1]
        fc = factor_codes(pd.Categorical(["u", "v", "u"]))
        assert fc.codes.tolist() == [0, 1, 0] and fc.levels == ["u", "v"]
        with pytest.raises(TypeError):
            factor_codes(R("1:3"))


# --------------------------------------------------------------------------- data frames
class TestDataFrames:
    CODE = """data.frame(
        i = c(1L, NA, 3L), i2 = 4:6, d = c(1.5, NA, 3), l = c(TRUE, NA, FALSE), l2 = c(TRUE, FALSE, TRUE),
        s = c('a', NA, 'c'), f = factor(c('u', NA, 'v'), levels = c('v', 'u')),
        o = factor(c('lo', 'hi', 'lo'), levels = c('lo', 'hi'), ordered = TRUE),
        dt = as.Date(c('2020-01-01', NA, '1950-06-30')),
        stringsAsFactors = FALSE)"""

    def test_types_kept(self):
        df = rpy(self.CODE)
        assert list(df.columns) == ["i", "i2", "d", "l", "l2", "s", "f", "o", "dt"]
        assert str(df["i"].dtype) == "Int32" and df["i"].isna().tolist() == [False, True, False]
        assert df["i2"].dtype == np.int32
        assert df["d"].dtype == np.float64 and np.isnan(df["d"][1])
        assert str(df["l"].dtype) == "boolean" and df["l"].isna()[1]
        assert df["l2"].dtype == np.bool_
        assert df["s"].dtype == object and df["s"].tolist() == ["a", None, "c"]
        assert isinstance(df["f"].dtype, pd.CategoricalDtype)
        assert list(df["f"].cat.categories) == ["v", "u"] and df["f"].isna()[1]
        assert df["o"].cat.ordered
        assert str(df["dt"].dtype).startswith("datetime64") and pd.isna(df["dt"][1])
        assert df["dt"][2] == pd.Timestamp("1950-06-30")
        assert isinstance(df.index, pd.RangeIndex) and len(df) == 3

    def test_roundtrip_identical(self):
        df = rpy(self.CODE)
        assert r_identical(df, self.CODE)

    def test_row_names(self):
        df = rpy("data.frame(x = 1:2, row.names = c('r1', 'r2'))")
        assert list(df.index) == ["r1", "r2"]
        assert r_identical(df, "data.frame(x = 1:2, row.names = c('r1', 'r2'))")
        sub = rpy("data.frame(x = 1:5)[c(2, 4), , drop = FALSE]")
        assert list(sub.index) == [2, 4]
        assert r_identical(sub, "data.frame(x = 1:5)[c(2, 4), , drop = FALSE]")

    def test_pandas_to_data_frame(self):
        df = pd.DataFrame({"a": np.array([1, 2], dtype=np.int64), "b": [0.5, np.nan],
                           "c": ["x", None], "d": [True, False],
                           "e": pd.Categorical(["p", "q"]),
                           "t": pd.to_datetime(["2001-01-01", None])})
        assert r_identical(df, "data.frame(a = 1:2, b = c(0.5, NA), c = c('x', NA), d = c(TRUE, FALSE), "
                               "e = factor(c('p', 'q')), t = as.Date(c('2001-01-01', NA)), "
                               "stringsAsFactors = FALSE)")
        idx = df.set_index(pd.Index(["m", "n"]))
        assert r_check("function(x) rownames(x)", idx) == ["m", "n"]

    def test_duplicate_index_warns(self):
        df = pd.DataFrame({"a": [1, 2]}, index=[0, 0])
        with pytest.warns(RuntimeWarning, match="duplicates"):
            assert r_check("function(x) nrow(x)", df) == 2

    def test_list_column_and_empty(self):
        df = rpy("{d <- data.frame(x = 1:2); d$l <- list(1:2, 'a'); d}")
        assert df["l"][0].tolist() == [1, 2] and df["l"][1] == "a"
        e = rpy("data.frame()")
        assert e.shape == (0, 0)
        z = rpy("data.frame(x = integer(0), y = character(0))")
        assert z.shape == (0, 2) and z["x"].dtype == np.int32

    def test_mixed_object_column(self):
        df = pd.DataFrame({"o": [1, "a", None]}, dtype=object)
        assert r_check("function(x) is.list(x$o)", df) is True


# --------------------------------------------------------------------------- extension
class TestRegistration:
    def test_register_to_r_and_to_python(self):
        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y

        @register_to_r(Point)
        def _point_to_r(p):
            o = to_r({"x": p.x, "y": p.y})
            convert.set_class(o, ["point"])
            return o

        @register_to_python("point")
        def _point_to_python(robj):
            d = to_python(r_call("unclass", robj))
            return Point(d["x"], d["y"])

        try:
            o = to_r(Point(1.0, 2.0))
            assert to_python(r_call("class", o)) == "point"
            p = to_python(o)
            assert isinstance(p, Point) and (p.x, p.y) == (1.0, 2.0)
            assert "point" in repr(convert.TO_PYTHON)
        finally:
            convert.TO_R.remove(_point_to_r)
            convert.TO_PYTHON.remove(_point_to_python)

    def test_tables_are_ordered_lists(self):
        names = [r.name for r in convert.TO_R]
        assert names.index("_bool_to_r") < names.index("_int_to_r")
        assert names[-1] == "new_handle"

    def test_rpy2_converter(self):
        import rpy2.robjects as ro
        from rpy2.robjects.conversion import localconverter
        with localconverter(convert.converter()):
            v = ro.r("c(a = 1L, b = 2L)")
            assert isinstance(v, pd.Series)
            f = ro.r("function(x) x + 1")
            assert f(np.array([1.0, 2.0])).tolist() == [2.0, 3.0]


def test_to_python_passes_python_objects():
    o = object()
    assert to_python(o) is o


def test_no_warnings_on_plain_conversion():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rpy("list(a = 1:3, b = 'x')")
        to_r({"a": np.arange(3), "b": "x"})
