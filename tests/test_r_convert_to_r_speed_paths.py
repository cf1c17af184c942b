"""numpy -> R through the compiled transposing copy (rkeras/r/convert/_column_major.c) and its numpy
fallback: R gets the same vector as R's own `array(<values in column order>, dim)`, with R's types
and NA rules, for every dtype the kernel handles, odd shapes, 0-length axes and NA at any position.

The reference never goes through the transposing copy: the values are handed to R as a flat
vector already in R's order (a plain copy) and R's `array()` lays them out.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("rpy2")

from rkeras.r import r_eval, to_python, to_r  # noqa: E402
from rkeras.r.convert import column_major  # noqa: E402
from rkeras.r.evaluate import r_call  # noqa: E402

pytestmark = pytest.mark.r

INT_MIN = np.iinfo(np.int32).min
SHAPES = [(16, 1), (17, 3), (33, 9), (64, 8), (100, 17), (129, 64), (77, 5, 3), (40, 4, 6, 2),
          (300, 28, 28), (16, 7, 1), (65, 1, 9), (5, 4), (15, 15, 2)]


def _same(a, b) -> bool:
    return bool(to_python(r_call(r_eval("function(x, y) identical(x, y)"), a, b)))


def _reference(a: np.ndarray, rtype: str):
    """R's own array of `a`'s values: a flat vector in R's order, laid out by R's `array()`."""
    flat = np.asfortranarray(a).ravel(order="F")
    if rtype == "integer":
        flat = flat.astype(np.int32)
    elif rtype == "double":
        flat = flat.astype(np.float64)
    make = r_eval(f"function(v, d) {{ v <- as.{rtype}(v); if (length(d) >= 2) array(v, d) else v }}")
    return r_call(make, to_r(flat), to_r(np.asarray(a.shape, dtype=np.int32)))


def _values(rng, dtype, shape):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind == "f":
        return rng.normal(0, 1e3, shape).astype(dtype)
    info = np.iinfo(dtype)
    lo, hi = max(int(info.min), -2 ** 31 + 1), min(int(info.max), 2 ** 31 - 1)
    return rng.integers(lo, hi, shape, endpoint=True, dtype=dtype)


def _both_paths(a):
    compiled = to_r(a)
    with column_major.numpy_only():
        fallback = to_r(a)
    return compiled, fallback


RTYPE = {"b": "logical", "i": "integer", "u": "integer", "f": "double"}


@pytest.mark.skipif(not column_major.compiled_available(), reason="compiled copy not built")
def test_the_compiled_copy_runs_for_c_ordered_arrays():
    a = np.arange(64 * 9, dtype=np.int32).reshape(64, 9)
    dst = np.empty(a.shape, np.int32, order="F")
    assert column_major.compiled_c_to_f(dst, a) is False
    np.testing.assert_array_equal(dst, a)
    assert dst.flags.f_contiguous
    # what it declines, without writing: too few rows, non-native byte order, complex, F order
    for src in (a[:15], a.astype(">i4"), a.astype(np.complex128), np.asfortranarray(a)):
        out = np.zeros(src.shape, np.complex128 if src.dtype.kind == "c" else np.int32, order="F")
        assert column_major.compiled_c_to_f(out, src) is None and not out.any()


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no C compiler")
def test_setup_builds_the_compiled_copy_where_a_compiler_exists():
    assert column_major.compiled_available(), (
        "rkeras/r/convert/_column_major.c was not built: run `make setup` (pip install -e .) again")


@pytest.mark.parametrize("dtype", ["int32", "float64", "uint8", "int8", "uint16", "int16", "uint32",
                                   "int64", "uint64", "float32", "bool", "float16", "complex128"])
def test_values_types_and_order_equal_r_array(dtype):
    rng = np.random.default_rng(abs(hash(dtype)) % 2 ** 32)
    for shape in SHAPES:
        a = _values(rng, dtype, shape) if dtype != "complex128" else \
            (rng.normal(size=shape) + 1j * rng.normal(size=shape))
        compiled, fallback = _both_paths(a)
        assert _same(compiled, fallback), (dtype, shape)
        if dtype == "complex128":
            back = to_python(compiled)
            np.testing.assert_array_equal(back, a)
            continue
        assert _same(compiled, _reference(a, RTYPE[a.dtype.kind])), (dtype, shape)


def test_r_indexing_sees_numpy_positions():
    a = np.arange(40 * 3 * 5, dtype=np.int32).reshape(40, 3, 5)
    x = to_r(a)
    get = r_eval("function(x, i, j, k) x[i, j, k]")
    for i, j, k in [(0, 0, 0), (39, 2, 4), (17, 1, 3), (8, 2, 0)]:
        assert to_python(r_call(get, x, i + 1, j + 1, k + 1)) == a[i, j, k]
    assert list(to_python(r_call(r_eval("function(x) dim(x)"), x))) == [40, 3, 5]


@pytest.mark.parametrize("shape", [(0, 5), (20, 0), (16, 0, 3), (20, 3, 0), (0, 0)])
@pytest.mark.parametrize("dtype", ["int32", "float64", "uint8"])
def test_zero_length_axes(shape, dtype):
    a = np.zeros(shape, dtype=dtype)
    compiled, fallback = _both_paths(a)
    assert _same(compiled, fallback)
    info = to_python(r_call(r_eval("function(x) paste(typeof(x), length(x), paste(dim(x), collapse = 'x'))"),
                            compiled))
    assert info == f"{RTYPE[a.dtype.kind]} 0 {'x'.join(map(str, shape))}"


NA_SPOTS = [(0, 0), (0, 18), (36, 0), (36, 18), (8, 8), (17, 16), (35, 17), (3, 11)]


@pytest.mark.parametrize("spot", NA_SPOTS)
def test_int32_min_anywhere_makes_an_r_double_with_that_value(spot):
    a = np.arange(37 * 19, dtype=np.int32).reshape(37, 19)
    a[spot] = INT_MIN
    for x in _both_paths(a):
        assert to_python(r_call(r_eval("typeof"), x)) == "double"
        assert not to_python(r_call(r_eval("function(x) anyNA(x)"), x))
        back = to_python(x)
        np.testing.assert_array_equal(back, a.astype(np.float64))
        assert to_python(r_call(r_eval("function(x, i, j) x[i, j]"), x, spot[0] + 1, spot[1] + 1)) == INT_MIN


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("spot", NA_SPOTS)
def test_nan_anywhere_becomes_na_real_there(dtype, spot):
    a = np.linspace(-1, 1, 37 * 19).reshape(37, 19).astype(dtype)
    a[spot] = np.nan
    a[(spot[0] + 5) % 37, (spot[1] + 3) % 19] = np.inf        # Inf stays Inf, not NA
    where = r_eval("function(x) which(is.na(x) & !is.nan(x), arr.ind = TRUE)")
    for x in _both_paths(a):
        pos = np.asarray(to_python(r_call(where, x))).reshape(-1, 2)
        assert pos.tolist() == [[spot[0] + 1, spot[1] + 1]]
        assert to_python(r_call(r_eval("function(x) sum(is.infinite(x))"), x)) == 1


def test_large_outputs_streamed_and_not():
    """Above 8 MiB the kernel writes past the caches when R's columns are 32-byte aligned
    (rows a multiple of 4 for doubles); other row counts take the ordinary stores."""
    rng = np.random.default_rng(7)
    for n in (1100, 1101, 1103):
        a = rng.normal(size=(n, 1031))
        a[n - 1, 1030] = np.nan
        assert a.nbytes >= 8 << 20
        compiled, fallback = _both_paths(a)
        assert _same(compiled, fallback)
        back = to_python(compiled)
        np.testing.assert_array_equal(back[:-1], a[:-1])
        assert to_python(r_call(r_eval("function(x) sum(is.na(x))"), compiled)) == 1
    b = _values(rng, "int32", (4099, 523))
    compiled, fallback = _both_paths(b)
    assert _same(compiled, fallback) and _same(compiled, _reference(b, "integer"))


def test_layouts_the_kernel_declines_convert_the_same():
    rng = np.random.default_rng(3)
    base = _values(rng, "int32", (64, 24))
    swapped = base.astype(">i4")
    strided = base[::2, ::3]
    raw = np.zeros(base.nbytes + 1, np.uint8)
    unaligned = np.ndarray(base.shape, np.int32, raw.data, offset=1)
    unaligned[...] = base
    assert not unaligned.flags.aligned and unaligned.flags.c_contiguous
    for a, values in ((swapped, base), (strided, base[::2, ::3]), (unaligned, base)):
        assert _same(to_r(a), _reference(np.ascontiguousarray(values), "integer"))


def test_large_int64_and_uint64_values_become_doubles_as_numpy_casts_them():
    a = np.arange(48 * 5, dtype=np.int64).reshape(48, 5) * (2 ** 40) - 2 ** 45
    b = (np.arange(48 * 5, dtype=np.uint64).reshape(48, 5) + 2 ** 63)
    for src in (a, b):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            compiled, fallback = _both_paths(src)
        assert _same(compiled, fallback)
        np.testing.assert_array_equal(to_python(compiled), src.astype(np.float64))


def test_switched_off_by_environment_variable():
    code = ("from rkeras.r.convert import column_major as m; import numpy as np; "
            "a = np.arange(64 * 8, dtype=np.int32).reshape(64, 8); "
            "d = np.empty(a.shape, np.int32, order='F'); "
            "print(m.compiled_available(), m.compiled_c_to_f(d, a))")
    env = dict(os.environ, RKERAS_NO_FASTCOPY="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.split() == ["False", "None"], out.stderr
