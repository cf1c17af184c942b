"""Filling a fresh R vector from a numpy array: cast, reorder to R's column-major order, check NA.

:func:`fill` is :mod:`.to_r`'s one copy of numpy data into R. R is
column-major, so a C-ordered array (what numpy code normally has) must be
transposed on the way: numpy's own copies of that kind stride through memory
(``np.asfortranarray``: 5-12x a plain copy here), and the best cache-blocked
numpy version (:func:`numpy_c_to_f`) stayed at 2.3-4x. The compiled kernel
(``_column_major.c``: an AVX2 register transpose, prefetching, non-temporal
stores) is within 1.0-1.3x of ``np.copy`` and checks R's NA markers in the
same pass (BENCHMARKS.md, Issue 15, §3).

That kernel is a plain C file (no Python headers needed) built at install time
as an optional extension (``setup.py``) and opened with cffi's ABI mode (cffi
comes with rpy2; its calls release the GIL). Where it is missing (no C
compiler at install, another platform) or ``RKERAS_NO_FASTCOPY=1`` is set,
the numpy copy does the same work: same values, slower.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import os
import sys
from typing import Any

import numpy as np

from ..sexp import NA_INTEGER

__all__ = ["fill", "compiled_c_to_f", "numpy_c_to_f", "compiled_available", "compiled_simd",
           "column_offsets", "numpy_only"]

# (source dtype, R storage dtype) -> the kind number of rk_c_to_f in _column_major.c
KINDS = {
    ("int32", "int32"): 0, ("float64", "float64"): 1,
    ("uint8", "int32"): 2, ("bool", "int32"): 2, ("int8", "int32"): 3,
    ("uint16", "int32"): 4, ("int16", "int32"): 5, ("uint32", "int32"): 6,
    ("int64", "int32"): 7, ("uint64", "int32"): 8,
    ("float32", "float64"): 9, ("int32", "float64"): 10, ("uint32", "float64"): 11,
    ("int64", "float64"): 12, ("uint64", "float64"): 13, ("int16", "float64"): 14,
    ("uint16", "float64"): 15, ("int8", "float64"): 16, ("uint8", "float64"): 17,
    ("bool", "float64"): 17,
}

# Outputs at least this large are written with non-temporal stores (past the caches:
# a quarter of this machine's L3; smaller outputs are better left in cache for R).
_STREAM_BYTES = 8 << 20
# Fewer rows than this: the per-column offsets would be a large fraction of the data.
_MIN_ROWS = 16
# numpy copy: rows per block; half a MiB stays in a core's L2 cache (measured 60000x784
# doubles: 129 ms at 512 KiB, 146 ms at 1 MiB, 491 ms at 128 KiB).
_BLOCK_BYTES = 512 << 10
_TILE_COLS = 256
_HUGEPAGE_MIN = 4 << 20

_CDEF = """
int rk_c_to_f(int kind, const void *src, void *dst, int64_t n, int64_t m, const int64_t *pos,
              int64_t r0, int64_t r1, int nt);
int rk_simd(void);
"""

_lib: Any = None        # None: not loaded yet; False: unavailable
_ffi: Any = None
_madvise: Any = None


def fill(dst: np.ndarray, src: np.ndarray, check: str | None = None) -> bool:
    """Copy ``src`` (any order, castable) into ``dst``, a fresh F-ordered view of an R vector.

    Args:
        check: ``"int"``: report whether an int32 source holds ``INT_MIN`` (R's
            ``NA_integer_``, so the values need an R double); ``"nan"``: whether
            a float source holds a NaN (to become ``NA_real_``); None: no check.

    Returns:
        Whether that marker was seen. The check runs on each block while it is
        in cache (a separate pass was 20-25 % of ``to_r``'s time).
    """
    if not dst.size:
        return False
    _hugepages(dst)
    scan = {"int": np.minimum, "nan": np.add, None: None}[check]
    scans: list = []
    if src.ndim >= 2 and src.flags.c_contiguous and not src.flags.f_contiguous:
        found = compiled_c_to_f(dst, src)
        if found is not None:
            return found and check is not None
        with np.errstate(invalid="ignore", over="ignore"):
            numpy_c_to_f(dst, src, scan, scans)
    elif src.flags.f_contiguous or src.ndim < 2:
        # Same order on both sides: flat chunks (a chunk's scan reads it from cache).
        flat_src = src.reshape(-1, order="F")
        flat_dst = dst.reshape(-1, order="F")
        step = max(4096, _BLOCK_BYTES // max(1, src.itemsize))
        with np.errstate(invalid="ignore", over="ignore"):     # Inf - Inf in a sum: NaN, checked
            for i in range(0, flat_src.size, step):
                np.copyto(flat_dst[i:i + step], flat_src[i:i + step], casting="unsafe")
                if scan is not None:
                    scans.append(scan.reduce(flat_src[i:i + step]))
    else:
        np.copyto(dst, src, casting="unsafe")
        if scan is not None:
            with np.errstate(invalid="ignore", over="ignore"):
                scans.append(scan.reduce(src, axis=None))
    if check == "int":
        return bool(scans) and int(min(scans)) == NA_INTEGER
    return any(s != s for s in scans)       # a NaN somewhere (a sum with a NaN is NaN)


def _hugepages(dst: np.ndarray) -> None:
    """Ask Linux for transparent huge pages on a fresh, large R vector before filling it.

    numpy does this for its own large allocations (``madvise(MADV_HUGEPAGE)``);
    without it, the first touch of R's freshly allocated memory page-faults every
    4 KiB and filling a 376 MB vector took ~2.3x as long as ``np.array(a,
    copy=True)`` (measured 512 ms vs 211 ms; with it, 217 ms).
    """
    global _madvise
    if dst.nbytes < _HUGEPAGE_MIN or not sys.platform.startswith("linux"):
        return
    if _madvise is None:
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            fn = libc.madvise
            fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
            fn.restype = ctypes.c_int
            _madvise = fn
        except (OSError, AttributeError):
            _madvise = False
    if not _madvise:
        return
    addr = dst.__array_interface__["data"][0]
    start = (addr + 4095) & ~4095
    end = (addr + dst.nbytes) & ~4095
    if end > start:
        _madvise(start, end - start, 14)        # MADV_HUGEPAGE; failure is harmless


def _library_path() -> str | None:
    here = os.path.dirname(os.path.abspath(__file__))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(here, "_column_major" + suffix)
        if os.path.exists(path):
            return path
    return None


def _load():
    global _lib, _ffi
    if _lib is None:
        _lib = False
        path = _library_path()
        if path and os.environ.get("RKERAS_NO_FASTCOPY", "") in ("", "0"):
            try:
                import cffi
                ffi = cffi.FFI()
                ffi.cdef(_CDEF)
                _lib, _ffi = ffi.dlopen(path), ffi
            except (ImportError, OSError, AttributeError):
                _lib = False        # a broken build: the numpy copy does the work
    return _lib


def compiled_available() -> bool:
    """True when the compiled copy is built and enabled."""
    return bool(_load())


def compiled_simd() -> bool:
    """True when the compiled copy uses its AVX2 kernels on this CPU."""
    lib = _load()
    return bool(lib) and bool(lib.rk_simd())


@contextlib.contextmanager
def numpy_only():
    """Within the block, every copy takes the numpy path (tests and benchmarks of the fallback)."""
    global _lib
    saved = _load()
    _lib = False
    try:
        yield
    finally:
        _lib = saved


def column_offsets(shape: tuple, n: int) -> np.ndarray:
    """Where R's column for each source column (C order of ``shape[1:]``) starts in the vector.

    R's ``[i, j, k]`` order reverses the trailing axes too: source column
    ``c = j * shape[2] + k`` is R's column ``j + shape[1] * k``.
    """
    rest = shape[1:]
    m = int(np.prod(rest))
    cols = np.arange(m, dtype=np.int64)
    if len(rest) > 1:
        cols = cols.reshape(rest, order="F").ravel(order="C")
    return cols * n


def compiled_c_to_f(dst: np.ndarray, src: np.ndarray) -> bool | None:
    """The compiled transposing copy of C-ordered ``src`` into F-ordered ``dst`` (same shape).

    Returns whether an R NA marker was seen: ``INT_MIN`` for int32 -> int32,
    a NaN for float -> double (always False for other casts). None: the
    library is unavailable or does not handle this case (dtype, layout, fewer
    than 16 rows), and nothing was written.
    """
    kind = KINDS.get((src.dtype.name, dst.dtype.name))
    if (kind is None or src.ndim < 2 or src.shape[0] < _MIN_ROWS or not src.size
            or not src.flags.c_contiguous or not src.flags.aligned or not src.dtype.isnative
            or not dst.flags.f_contiguous or not dst.flags.writeable or dst.shape != src.shape
            or not dst.dtype.isnative):
        return None
    lib = _load()
    if not lib:
        return None
    n = src.shape[0]
    pos = column_offsets(src.shape, n)
    ffi = _ffi
    found = lib.rk_c_to_f(kind, ffi.cast("void *", src.__array_interface__["data"][0]),
                          ffi.cast("void *", dst.__array_interface__["data"][0]), n, src.size // n,
                          ffi.cast("int64_t *", pos.__array_interface__["data"][0]), 0, n,
                          1 if dst.nbytes >= _STREAM_BYTES else 0)
    return None if found < 0 else bool(found)     # < 0: a kind the library lacks; nothing written


def numpy_c_to_f(dst: np.ndarray, src: np.ndarray, scan=None, scans: list | None = None) -> None:
    """Transposing copy of a C-ordered array into an F-ordered one with numpy, cache-blocked.

    The fallback of :func:`compiled_c_to_f`. A plain ``np.copyto`` walks one of
    the two arrays with a huge stride (measured 560 ms for 60000x784 doubles,
    about 4x a plain copy). Here the source is taken in blocks of rows of
    about 512 KiB (they stay in cache); each block is written column tile by
    column tile (2-D), or one trailing index at a time (N-D: for R's
    ``[i, j, k]`` order the trailing axes reverse too), so each write is a run
    of contiguous destination memory. ``scan`` is reduced over each block
    (into ``scans``) while the block is in cache.
    """
    n0 = src.shape[0]
    row_bytes = max(1, (src.size // n0) * max(src.itemsize, dst.itemsize))
    block = max(8, _BLOCK_BYTES // row_bytes)
    if src.ndim == 2:
        m = src.shape[1]
        for i in range(0, n0, block):
            rows_s, rows_d = src[i:i + block], dst[i:i + block]
            for j in range(0, m, _TILE_COLS):
                np.copyto(rows_d[:, j:j + _TILE_COLS], rows_s[:, j:j + _TILE_COLS], casting="unsafe")
            if scan is not None:
                scans.append(scan.reduce(rows_s, axis=None))
        return
    trailing = list(np.ndindex(*src.shape[2:]))
    for i in range(0, n0, block):
        rows_s, rows_d = src[i:i + block], dst[i:i + block]
        if len(trailing) <= 4096:
            for idx in trailing:
                where = (slice(None), slice(None)) + idx
                np.copyto(rows_d[where], rows_s[where], casting="unsafe")
        else:       # many small trailing slabs: one call per block is cheaper
            np.copyto(rows_d, rows_s, casting="unsafe")
        if scan is not None:
            scans.append(scan.reduce(rows_s, axis=None))
