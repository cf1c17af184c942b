"""Round-trip properties of rkeras.r conversion (hypothesis).

R -> Python -> R: the R object is built from R source text (independently of
``to_r``), converted with ``to_python`` and back with ``to_r``, and compared in
R with ``identical()`` -- or, where the NA policy changes the type on purpose
(integer/logical vectors with NA become double), the NA positions, the
values, the dims and the names are compared.

Python -> R -> Python: numpy arrays, data frames and nested containers go to R
and back; values, dtypes (after the documented mapping), shapes, names,
levels and NA positions must match.

Each property counts its examples in ``EXAMPLES``; the module prints the
counts at the end and writes them to ``$TMPDIR/rkeras_hypothesis_counts.json``
(run with ``--hypothesis-show-statistics`` for hypothesis's own numbers).
"""

from __future__ import annotations

import collections
import json
import math
import os
import tempfile

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("rpy2")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from rkeras.r import r_eval, to_python, to_r  # noqa: E402
from rkeras.r.evaluate import r_call  # noqa: E402

pytestmark = pytest.mark.r

EXAMPLES: collections.Counter = collections.Counter()

PROFILE = settings(max_examples=int(os.environ.get("RKERAS_HYPOTHESIS_EXAMPLES", "150")),
                   deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    path = os.path.join(tempfile.gettempdir(), "rkeras_hypothesis_counts.json")
    with open(path, "w") as fh:
        json.dump(dict(EXAMPLES), fh, indent=1)
    print("\nhypothesis examples per property:", dict(EXAMPLES))


# --------------------------------------------------------------------------- R source text
def r_double(v):
    if v is None:
        return "NA_real_"
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return float(v).hex()             # R reads C99 hex floats exactly


def r_int(v):
    return "NA_integer_" if v is None else f"{int(v)}L"


def r_lgl(v):
    return "NA" if v is None else ("TRUE" if v else "FALSE")


def r_chr(v):
    if v is None:
        return "NA_character_"
    return json.dumps(v)              # \" \\ \uXXXX are valid R string escapes


R_TEXT = {"double": r_double, "integer": r_int, "logical": r_lgl, "character": r_chr}
R_EMPTY = {"double": "numeric(0)", "integer": "integer(0)", "logical": "logical(0)",
           "character": "character(0)"}

text = st.text(alphabet=st.sampled_from(list("abcXYZ019 _-.'\"\\éλ€中")), max_size=6)
values = {
    "double": st.floats(allow_nan=True, allow_infinity=True, width=64) | st.just(None),
    "integer": st.integers(-2147483647, 2147483647) | st.none(),
    "logical": st.booleans() | st.none(),
    "character": text | st.none(),
}


def r_vector(kind, vals):
    if not vals:
        return R_EMPTY[kind]
    return f"c({', '.join(R_TEXT[kind](v) for v in vals)})"


@st.composite
def r_atomic(draw):
    kind = draw(st.sampled_from(sorted(values)))
    shape = draw(st.none() | st.lists(st.integers(0, 3), min_size=2, max_size=3))
    n = int(np.prod(shape)) if shape is not None else draw(st.integers(0, 6))
    vals = draw(st.lists(values[kind], min_size=n, max_size=n))
    code = r_vector(kind, vals)
    if shape is not None:
        code = f"array({code}, dim = c({', '.join(map(str, shape))}))"
        if n == 0:
            code = f"array({R_EMPTY[kind]}, dim = c({', '.join(map(str, shape))}))"
    elif n and draw(st.booleans()):
        names = draw(st.lists(text, min_size=n, max_size=n))
        code = f"structure({code}, names = {r_vector('character', names)})"
    return kind, vals, shape, code


SAME = r_eval("""local({
  same <- function(x, y) {
    if (identical(x, y)) return(TRUE)
    if (is.list(x) || is.list(y)) {
      return(is.list(x) && is.list(y) && identical(attributes(x), attributes(y)) &&
             length(x) == length(y) &&
             all(vapply(seq_along(x), function(i) same(x[[i]], y[[i]]), TRUE)))
    }
    # documented NA policy: integer/logical with NA come back double; NaN comes back NA_real_
    ok_type <- identical(typeof(x), typeof(y)) ||
      (typeof(x) %in% c("integer", "logical") && anyNA(x) && typeof(y) == "double")
    ok_type && identical(attributes(x), attributes(y)) && identical(is.na(x), is.na(y)) &&
      isTRUE(all(as.vector(x[!is.na(x)]) == as.vector(y[!is.na(y)])))
  }
  same
})""")


def r_same(x, y) -> bool:
    return bool(to_python(r_call(SAME, x, y)))


# --------------------------------------------------------------------------- R -> Python -> R
@PROFILE
@given(r_atomic())
def test_r_atomic_roundtrip(case):
    EXAMPLES["r_atomic_roundtrip"] += 1
    kind, vals, shape, code = case
    x = r_eval(code)
    py = to_python(x, simplify=False)
    back = to_r(py)
    assert r_same(x, back), (code, py)
    if shape is not None:
        assert isinstance(py, np.ndarray) and py.shape == tuple(shape)
    if kind in ("integer", "logical") and None not in vals and shape is not None:
        assert py.dtype == (np.int32 if kind == "integer" else np.bool_)
    if kind in ("integer", "logical") and None in vals:
        na = np.isnan(np.asarray(py, dtype=np.float64)).reshape(-1, order="F")
        assert na.tolist() == [v is None for v in vals]   # NA positions, never INT_MIN/True


@PROFILE
@given(st.sampled_from(sorted(values)), st.data())
def test_r_scalar_simplify(kind, data):
    EXAMPLES["r_scalar_simplify"] += 1
    v = data.draw(values[kind])
    x = r_eval(R_TEXT[kind](v))
    py = to_python(x)
    if v is None:
        assert py is None or (kind == "double" and math.isnan(py))
        return
    expected_type = {"double": float, "integer": int, "logical": bool, "character": str}[kind]
    assert type(py) is expected_type
    assert r_same(x, to_r(py))


@st.composite
def r_factor(draw):
    levels = draw(st.lists(text, min_size=0, max_size=5, unique=True))
    n = draw(st.integers(0, 8))
    codes = draw(st.lists(st.none() | st.integers(0, max(len(levels) - 1, 0)), min_size=n, max_size=n))
    if not levels:
        codes = [None] * n
    ordered = draw(st.booleans())
    vals = [None if c is None else levels[c] for c in codes]
    code = (f"factor({r_vector('character', vals)}, levels = {r_vector('character', levels)}, "
            f"ordered = {r_lgl(ordered)})")
    return levels, codes, ordered, code


@PROFILE
@given(r_factor())
def test_r_factor_roundtrip(case):
    EXAMPLES["r_factor_roundtrip"] += 1
    levels, codes, ordered, code = case
    x = r_eval(code)
    cat = to_python(x)
    assert isinstance(cat, pd.Categorical)
    assert list(cat.categories) == levels and cat.ordered == ordered
    assert list(cat.codes) == [-1 if c is None else c for c in codes]
    assert r_same(x, to_r(cat))


@PROFILE
@given(st.lists(st.none() | st.integers(-200000, 200000), max_size=8))
def test_r_date_roundtrip(days):
    EXAMPLES["r_date_roundtrip"] += 1
    code = f"structure({r_vector('double', [None if d is None else float(d) for d in days])}, class = 'Date')"
    x = r_eval(code)
    d = to_python(x, simplify=False)
    assert d.dtype == np.dtype("datetime64[D]")
    assert np.isnat(d).tolist() == [v is None for v in days]
    assert r_same(x, to_r(d))


@st.composite
def r_data_frame(draw):
    nrow = draw(st.integers(0, 5))
    ncol = draw(st.integers(1, 5))
    cols = []
    for j in range(ncol):
        kind = draw(st.sampled_from(["double", "integer", "logical", "character", "factor", "Date"]))
        if kind == "factor":
            levels = draw(st.lists(text, min_size=1, max_size=3, unique=True))
            vals = draw(st.lists(st.none() | st.sampled_from(levels), min_size=nrow, max_size=nrow))
            src = f"factor({r_vector('character', vals)}, levels = {r_vector('character', levels)})"
        elif kind == "Date":
            vals = draw(st.lists(st.none() | st.integers(-30000, 30000), min_size=nrow, max_size=nrow))
            days = r_vector('double', [None if v is None else float(v) for v in vals])
            src = f"structure({days}, class = 'Date')"
        else:
            vals = draw(st.lists(values[kind], min_size=nrow, max_size=nrow))
            src = r_vector(kind, vals)
        cols.append(f"c{j} = {src}")
    rn = ""
    if nrow and draw(st.booleans()):
        names = draw(st.lists(text.filter(bool), min_size=nrow, max_size=nrow, unique=True))
        rn = f", row.names = {r_vector('character', names)}"
    return f"data.frame({', '.join(cols)}{rn}, stringsAsFactors = FALSE, check.names = FALSE)"


@PROFILE
@given(r_data_frame())
def test_r_data_frame_roundtrip(code):
    EXAMPLES["r_data_frame_roundtrip"] += 1
    x = r_eval(code)
    df = to_python(x)
    assert isinstance(df, pd.DataFrame)
    assert r_same(x, to_r(df)), code


leaf = st.one_of(st.integers(-1000, 1000), st.floats(allow_nan=False, width=64),
                 st.booleans(), text, st.none())


def r_of_leaf(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return r_lgl(v)
    if isinstance(v, int):
        return r_int(v)
    if isinstance(v, float):
        return r_double(v)
    return r_chr(v)


@st.composite
def r_nested(draw, depth=0):
    n = draw(st.integers(0, 4))
    items = []
    for _ in range(n):
        if depth < 2 and draw(st.booleans()):
            items.append(draw(r_nested(depth + 1)))
        else:
            items.append(r_of_leaf(draw(leaf)))
    if n and draw(st.booleans()):
        names = draw(st.lists(st.text(alphabet="abcd", min_size=1, max_size=3), min_size=n, max_size=n))
        items = [f"`{nm}` = {it}" for nm, it in zip(names, items)]
    return f"list({', '.join(items)})"


@PROFILE
@given(r_nested())
def test_r_list_roundtrip(code):
    EXAMPLES["r_list_roundtrip"] += 1
    x = r_eval(code)
    assert r_same(x, to_r(to_python(x))), code


# --------------------------------------------------------------------------- Python -> R -> Python
DTYPE_BACK = {np.dtype(np.float64): np.float64, np.dtype(np.float32): np.float64,
              np.dtype(np.int32): np.int32, np.dtype(np.int64): np.int32,
              np.dtype(np.uint8): np.int32, np.dtype(np.int16): np.int32,
              np.dtype(np.bool_): np.bool_}


@st.composite
def np_arrays(draw):
    dtype = draw(st.sampled_from(list(DTYPE_BACK)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    if dtype.kind == "f":
        elements = st.floats(allow_nan=True, allow_infinity=True, width=dtype.itemsize * 8)
    elif dtype == np.int64:
        elements = st.integers(-2147483647, 2147483647)
    else:
        elements = None
    arr = draw(hnp.arrays(dtype, shape, elements=elements))
    if draw(st.booleans()) and arr.ndim >= 2:
        arr = np.asfortranarray(arr)
    return arr


@PROFILE
@given(np_arrays())
def test_numpy_roundtrip(arr):
    EXAMPLES["numpy_roundtrip"] += 1
    back = to_python(to_r(arr), simplify=False)
    assert isinstance(back, np.ndarray)
    expected_shape = arr.shape if arr.ndim != 0 else (1,)
    assert back.shape == expected_shape
    expected_dtype = DTYPE_BACK[arr.dtype]
    if arr.dtype == np.int32 and arr.size and arr.min() == -2 ** 31:
        expected_dtype = np.float64            # INT_MIN is R's NA_integer_: the array goes as double
    assert back.dtype == expected_dtype
    ref = arr.reshape(expected_shape).astype(back.dtype)
    assert np.array_equal(back, ref, equal_nan=back.dtype.kind == "f")
    if arr.dtype.kind == "f" and arr.size:
        # NaN went to R as NA_real_
        na = to_python(r_call(r_eval("function(x) is.na(x) & !is.nan(x)"), to_r(arr)), simplify=False)
        assert np.array_equal(np.asarray(na).reshape(expected_shape), np.isnan(ref))


@PROFILE
@given(st.lists(st.one_of(st.integers(-2147483647, 2147483647), st.floats(width=64), st.booleans(),
                          st.none()), min_size=1, max_size=8))
def test_numpy_object_and_scalars_roundtrip(items):
    EXAMPLES["python_scalars_roundtrip"] += 1
    for v in items:
        back = to_python(to_r(v))
        if v is None:
            assert back is None
        elif isinstance(v, float) and math.isnan(v):
            assert isinstance(back, float) and math.isnan(back)
        else:
            assert back == v and type(back) is type(v)


@st.composite
def pandas_frames(draw):
    n = draw(st.integers(0, 5))
    data = {}
    expected = {}
    ncol = draw(st.integers(1, 5))
    for j in range(ncol):
        kind = draw(st.sampled_from(["int64", "Int32", "float", "bool", "boolean", "str", "category",
                                     "date"]))
        name = f"{kind}_{j}"
        if kind == "int64":
            vals = draw(st.lists(st.integers(-10 ** 6, 10 ** 6), min_size=n, max_size=n))
            data[name] = np.array(vals, dtype=np.int64)
            expected[name] = pd.Series(np.array(vals, dtype=np.int32))
        elif kind == "Int32":
            vals = draw(st.lists(st.none() | st.integers(-10 ** 6, 10 ** 6), min_size=n, max_size=n))
            data[name] = pd.array(vals, dtype="Int32")
            expected[name] = (pd.Series(pd.array(vals, dtype="Int32")) if None in vals
                              else pd.Series(np.array(vals, dtype=np.int32)))
        elif kind == "float":
            vals = draw(st.lists(st.floats(allow_nan=True, width=64), min_size=n, max_size=n))
            data[name] = np.array(vals, dtype=np.float64)
            expected[name] = pd.Series(np.array(vals, dtype=np.float64))
        elif kind == "bool":
            vals = draw(st.lists(st.booleans(), min_size=n, max_size=n))
            data[name] = np.array(vals, dtype=bool)
            expected[name] = pd.Series(np.array(vals, dtype=bool))
        elif kind == "boolean":
            vals = draw(st.lists(st.none() | st.booleans(), min_size=n, max_size=n))
            data[name] = pd.array(vals, dtype="boolean")
            expected[name] = (pd.Series(pd.array(vals, dtype="boolean")) if None in vals
                              else pd.Series(np.array(vals, dtype=bool)))
        elif kind == "str":
            vals = draw(st.lists(st.none() | text, min_size=n, max_size=n))
            data[name] = pd.Series(vals, dtype=object)
            expected[name] = pd.Series(vals, dtype=object)
        elif kind == "category":
            cats = draw(st.lists(text, min_size=1, max_size=3, unique=True))
            vals = draw(st.lists(st.none() | st.sampled_from(cats), min_size=n, max_size=n))
            ordered = draw(st.booleans())
            data[name] = pd.Categorical(vals, categories=cats, ordered=ordered)
            expected[name] = pd.Series(pd.Categorical(vals, categories=cats, ordered=ordered))
        else:
            days = draw(st.lists(st.none() | st.integers(-30000, 30000), min_size=n, max_size=n))
            d = np.array([np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in days],
                         dtype="datetime64[D]")
            data[name] = pd.Series(d)
            expected[name] = pd.Series(d)
    df = pd.DataFrame(data)
    index_kind = draw(st.sampled_from(["range", "str", "int"]))
    if index_kind == "str" and n:
        labels = draw(st.lists(text.filter(bool), min_size=n, max_size=n, unique=True))
        df.index = pd.Index(labels, dtype=object)
    elif index_kind == "int" and n:
        df.index = pd.Index(draw(st.lists(st.integers(-1000, 1000), min_size=n, max_size=n, unique=True)))
    exp = pd.DataFrame(expected)
    exp.index = df.index
    return df, exp


@PROFILE
@given(pandas_frames())
def test_pandas_roundtrip(case):
    EXAMPLES["pandas_roundtrip"] += 1
    df, expected = case
    back = to_python(to_r(df))
    n = len(df)
    if isinstance(df.index, pd.RangeIndex) or list(df.index) == list(range(1, n + 1)):
        # R cannot tell integer row names 1..n from automatic ones (documented)
        assert isinstance(back.index, pd.RangeIndex) and list(back.index) == list(range(n))
    else:
        assert list(back.index) == list(df.index)
    assert list(back.columns) == list(df.columns)
    for col in df.columns:
        b, e = back[col].reset_index(drop=True), expected[col].reset_index(drop=True)
        if isinstance(e.dtype, pd.CategoricalDtype):
            assert list(b.cat.categories) == list(e.cat.categories) and b.cat.ordered == e.cat.ordered
            assert b.cat.codes.tolist() == e.cat.codes.tolist()
        elif e.dtype.kind == "M":
            assert b.dtype.kind == "M"
            assert b.isna().tolist() == e.isna().tolist()
            assert (b[~b.isna()].astype("datetime64[s]").tolist() ==
                    e[~e.isna()].astype("datetime64[s]").tolist())
        else:
            assert str(b.dtype) == str(e.dtype), (col, b.dtype, e.dtype)
            pd.testing.assert_series_equal(b, e, check_names=False)


def _norm(v):
    """Expected Python value after a trip through R (documented simplifications)."""
    if isinstance(v, tuple):
        v = list(v)
    if isinstance(v, list):
        if len(v) == 1 and isinstance(v[0], str):
            return v[0]                       # c("a") is a length-1 character vector -> "a"
        return [_norm(x) for x in v]
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    return v


py_leaf = st.one_of(st.integers(-1000, 1000), st.floats(allow_nan=False, width=64), st.booleans(),
                    text, st.none())
py_nested = st.recursive(py_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.tuples(children, children),
    st.dictionaries(st.text(alphabet="abcdef", min_size=1, max_size=4), children, max_size=4)),
    max_leaves=12)


@PROFILE
@given(py_nested)
def test_python_nested_roundtrip(obj):
    EXAMPLES["python_nested_roundtrip"] += 1
    back = to_python(to_r(obj))
    assert back == _norm(obj)
    assert _types(back) == _types(_norm(obj))


def _types(v):
    if isinstance(v, (list, tuple)):
        return ["list", [_types(x) for x in v]]
    if isinstance(v, dict):
        return ["dict", {k: _types(x) for k, x in v.items()}]
    return type(v).__name__
