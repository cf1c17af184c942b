"""Low-level access to R objects (SEXPs): types, allocation, strings, lists, attributes, numpy views.

The bottom of the bridge: conversion (:mod:`rkeras.r.convert`), handles and
evaluation build R values with these helpers instead of calling libR
themselves. Everything here works on rpy2's C-level objects (``cdata``, the
``SEXP`` of an rpy2 object) and must run with R started and the R lock held
(:func:`rkeras.r.session.entered`); :data:`R` is filled on first use.

Allocation goes through :func:`alloc`, which refuses sizes R or the kernel
would refuse before R is asked: a failing R allocation signals an R error,
and an R error raised outside an R evaluation longjmps across Python frames
and kills the process.
"""

from __future__ import annotations

import codecs
import ctypes
import os
from typing import Any, Optional, Sequence

import numpy as np

from ..errors import DataError
from . import session

__all__ = [
    "NILSXP", "SYMSXP", "LISTSXP", "CLOSXP", "ENVSXP", "LANGSXP", "SPECIALSXP", "BUILTINSXP",
    "LGLSXP", "INTSXP", "REALSXP", "CPLXSXP", "STRSXP", "VECSXP", "EXTPTRSXP", "RAWSXP", "S4SXP",
    "NA_INTEGER", "R_INT_MAX",
    "R", "cdata", "wrap", "typeof", "is_sexp", "get_attr", "set_attr", "set_class", "rclass",
    "strings", "shape_of", "element", "alloc", "new_vector", "real_vector", "str_vector",
    "dim_vector",
    "int_vector", "make_list", "writable_view", "view", "RMemory", "nan_to_na", "memory_bytes",
]

# SEXPTYPE codes, from R's Rinternals.h (fixed by R's ABI, the same in every R version).
NILSXP, SYMSXP, LISTSXP, CLOSXP, ENVSXP, LANGSXP = 0, 1, 2, 3, 4, 6
SPECIALSXP, BUILTINSXP, LGLSXP, INTSXP, REALSXP, CPLXSXP, STRSXP = 7, 8, 10, 13, 14, 15, 16
VECSXP, EXTPTRSXP, RAWSXP, S4SXP = 19, 22, 24, 25

NA_INTEGER = -2147483648       # R's NA_integer_ (and the NA of logicals): INT_MIN
R_INT_MAX = 2147483647

# numpy dtype of each atomic type's storage (logicals are stored as C ints).
_DTYPES = {REALSXP: np.dtype("<f8"), INTSXP: np.dtype("<i4"), LGLSXP: np.dtype("<i4"),
           CPLXSXP: np.dtype("<c16"), RAWSXP: np.dtype("u1")}
_ITEMSIZE = {LGLSXP: 4, INTSXP: 4, REALSXP: 8, CPLXSXP: 16, STRSXP: 8, VECSXP: 8, RAWSXP: 1}
_R_XLEN_MAX = 4503599627370496      # R_XLEN_T_MAX (2^52)
_CE_NATIVE, _CE_UTF8, _CE_LATIN1, _CE_BYTES = 0, 1, 2, 3    # cetype_t
# Allocations from this size on go through R's error protection (R_tryEvalSilent):
# they are the ones that fail (mem.maxVSize, ulimit -v, malloc), and a failing
# Rf_allocVector outside an R evaluation longjmps over Python and kills the process.
_PROTECTED_ALLOC_BYTES = 1 << 20
_MODES = {LGLSXP: b"logical", INTSXP: b"integer", REALSXP: b"double", CPLXSXP: b"complex",
          STRSXP: b"character", VECSXP: b"list", RAWSXP: b"raw"}


class RAccess:
    """libR's functions, constants and symbols as the bridge uses them (filled once R runs).

    Attributes (after :meth:`ensure`): ``ri`` (``rpy2.rinterface``), ``rlib``
    and ``ffi`` (rpy2's cffi handles to libR), ``libR`` (a ctypes handle, for
    the few functions cffi does not declare), ``NIL``, ``NA_STRING``,
    ``CE_UTF8``, ``NA_REAL_BITS`` (R's NA_real_ as a float64 array) and the
    symbols ``S_names``, ``S_dim``, ``S_class``, ``S_levels``, ``S_rownames``,
    ``S_tzone``, ``S_units``, ``S_dimnames``.
    """

    ready = False

    def ensure(self) -> "RAccess":
        """Start R if needed and fill the handles (cheap after the first call)."""
        if not self.ready:
            self._fill()
        return self

    def _fill(self) -> None:
        sess = session.get_r()
        import rpy2.rinterface as ri
        from rpy2.rinterface_lib import conversion as riconv
        self.ri = ri
        self.riconv = riconv
        self.rlib = rlib = sess.rlib
        self.ffi = sess.ffi
        self.libR = sess.libR
        self.NIL = rlib.R_NilValue
        self.NA_STRING = rlib.R_NaString
        self.CE_UTF8 = rlib.CE_UTF8
        self.NA_REAL_BITS = np.array([rlib.R_NaReal], dtype=np.float64)
        # Strings are read as their bytes and decoded here (never with
        # Rf_translateCharUTF8, which signals an R error on "bytes" strings).
        info = ri.baseenv["l10n_info"]()
        names = list(info.names)
        self.utf8_locale = bool(info[names.index("UTF-8")][0])
        codeset = str(info[names.index("codeset")][0]) if "codeset" in names else "UTF-8"
        try:
            self.native_codec = "utf-8" if self.utf8_locale else codecs.lookup(codeset).name
        except LookupError:
            self.native_codec = "latin-1"
        libr = self.libR
        self.try_eval_silent = libr.R_tryEvalSilent
        self.try_eval_silent.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                         ctypes.POINTER(ctypes.c_int)]
        self.try_eval_silent.restype = ctypes.c_void_p
        self.error_buffer = libr.R_curErrorBuf
        self.error_buffer.argtypes = []
        self.error_buffer.restype = ctypes.c_char_p
        self.S_vector = rlib.Rf_install(b"vector")
        for attr, name in (("S_names", "names"), ("S_dim", "dim"), ("S_class", "class"),
                           ("S_levels", "levels"), ("S_rownames", "row.names"),
                           ("S_tzone", "tzone"), ("S_units", "units"),
                           ("S_dimnames", "dimnames")):
            setattr(self, attr, rlib.Rf_install(name.encode()))
        mark = self.libR.MARK_NOT_MUTABLE       # a macro in R's headers, a function in libR
        mark.argtypes = [ctypes.c_void_p]
        mark.restype = None
        self.mark_not_mutable = mark
        self.ready = True


R = RAccess()
"""The one :class:`RAccess`; call ``R.ensure()`` before using its attributes."""


# --------------------------------------------------------------------------
# Objects, types, attributes
# --------------------------------------------------------------------------
def cdata(robj):
    """The C ``SEXP`` of an rpy2 object."""
    return robj.__sexp__._cdata


def wrap(c):
    """An rpy2 (rinterface-level) object for a C ``SEXP``; it protects the SEXP from R's GC."""
    return R.riconv._cdata_to_rinterface(c)


def typeof(c) -> int:
    """The SEXPTYPE of a C ``SEXP``."""
    return c.sxpinfo.type


def is_sexp(obj: Any) -> bool:
    """True for rpy2 objects that are R values (never imports rpy2 for other objects)."""
    if not type(obj).__module__.startswith("rpy2."):
        return False
    import rpy2.rinterface as ri
    return isinstance(obj, ri.Sexp)


def get_attr(c, sym):
    """An attribute (C level) of a C ``SEXP``, or None when it is not set."""
    v = R.rlib.Rf_getAttrib(c, sym)
    return None if v == R.NIL else v


def set_attr(c, sym, value) -> None:
    """Set an attribute of a C ``SEXP`` to an rpy2 object."""
    R.rlib.Rf_setAttrib(c, sym, cdata(value))


def set_class(robj, classes: Sequence[str]) -> None:
    """Set the R ``class`` attribute of an rpy2 object (in place), e.g. in a ``to_r`` rule."""
    with session.entered():
        R.ensure()
        set_attr(cdata(robj), R.S_class, str_vector(list(classes)))


def strings(c) -> list:
    """The elements of a character vector (C level): ``str``, or ``None`` for NA.

    Bytes that are not valid UTF-8 (R strings in the "bytes" encoding, or
    unmarked strings holding arbitrary bytes) come back as ``surrogateescape``
    characters, so :func:`str_vector` gives R the very same bytes back; latin1
    strings are decoded as latin1. Nothing here can signal an R error.
    """
    rlib, na = R.rlib, R.NA_STRING
    selt, rchar, getce, fstr = rlib.STRING_ELT, rlib.R_CHAR, rlib.Rf_getCharCE, R.ffi.string
    native = R.native_codec
    out = []
    append = out.append
    for i in range(rlib.Rf_xlength(c)):
        e = selt(c, i)
        if e == na:
            append(None)
            continue
        b = fstr(rchar(e))
        try:
            append(b.decode("ascii"))
            continue
        except UnicodeDecodeError:
            pass
        ce = getce(e)
        if ce == _CE_LATIN1:
            append(b.decode("latin-1"))
        elif ce == _CE_NATIVE:
            append(b.decode(native, "surrogateescape"))
        else:
            append(b.decode("utf-8", "surrogateescape"))
    return out


def rclass(c) -> tuple:
    """The ``class`` attribute of a C ``SEXP`` as a tuple (empty when it has none)."""
    k = get_attr(c, R.S_class)
    return tuple(strings(k)) if k is not None and typeof(k) == STRSXP else ()


def shape_of(c) -> Optional[tuple]:
    """The ``dim`` attribute as a tuple, or None for a plain vector."""
    d = get_attr(c, R.S_dim)
    if d is None or typeof(d) != INTSXP:
        return None
    rlib = R.rlib
    return tuple(rlib.INTEGER_ELT(d, i) for i in range(rlib.Rf_xlength(d)))


def element(c, i: int):
    """Element ``i`` (0-based) of an R list, as an rpy2 object."""
    return wrap(R.rlib.VECTOR_ELT(c, i))


# --------------------------------------------------------------------------
# Allocation and filling
# --------------------------------------------------------------------------
def alloc(rtype: int, n: int):
    """Allocate an R vector; return ``(rpy2 object, C SEXP)``.

    Sizes R or the kernel would refuse (more than R's maximum length, or more
    bytes than RAM + swap, which Linux's default overcommit refuses) raise
    ``MemoryError`` here, before R is asked; large allocations are made by R
    under its error protection, so R's own refusal (``mem.maxVSize()``, a
    failing ``malloc``) is a ``MemoryError`` too, never a crash (see the module doc).
    """
    nbytes = n * _ITEMSIZE.get(rtype, 8)
    if nbytes >= (1 << 30) and (n > _R_XLEN_MAX or nbytes > memory_bytes()):
        raise MemoryError(f"cannot allocate an R vector of {n} elements ({nbytes / 2**30:.1f} GiB): "
                          f"more than this machine's memory")
    if nbytes >= _PROTECTED_ALLOC_BYTES and rtype in _MODES:
        return _protected_alloc(rtype, n, nbytes)
    c = R.rlib.Rf_allocVector(rtype, n)
    return wrap(c), c


def _address(c) -> int:
    return int(R.ffi.cast("uintptr_t", c))


def _protected_alloc(rtype: int, n: int, nbytes: int):
    """``vector(mode, n)`` evaluated by R_tryEvalSilent: an R error is a MemoryError here."""
    rlib = R.rlib
    mode = wrap(rlib.Rf_mkString(_MODES[rtype]))
    length = wrap(rlib.Rf_ScalarReal(float(n)))
    call = wrap(rlib.Rf_lang3(R.S_vector, cdata(mode), cdata(length)))
    failed = ctypes.c_int(0)
    res = R.try_eval_silent(_address(cdata(call)), _address(rlib.R_BaseEnv), ctypes.byref(failed))
    if failed.value or not res:
        text = (R.error_buffer() or b"").decode("utf-8", "replace").strip()
        text = text.split(":", 1)[-1].strip() if text.startswith("Error") else text
        raise MemoryError(f"R cannot allocate a vector of {n} elements ({nbytes / 2**20:.0f} MiB): "
                          f"{text or 'out of memory'}. Free memory in R (rm(); gc()), raise "
                          f"mem.maxVSize(), or convert smaller pieces.")
    c = R.ffi.cast("SEXP", res)
    return wrap(c), c


_memory_limit: Optional[int] = None


def memory_bytes() -> int:
    """RAM + swap in bytes (what Linux's heuristic overcommit allows at most)."""
    global _memory_limit
    if _memory_limit is None:
        total = 0
        try:
            with open("/proc/meminfo") as fh:
                for line in fh:
                    key, _, rest = line.partition(":")
                    if key in ("MemTotal", "SwapTotal"):
                        total += int(rest.split()[0]) * 1024
        except (OSError, ValueError):
            total = 0
        if total <= 0:
            try:
                total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            except (ValueError, OSError, AttributeError):
                total = 1 << 62
        _memory_limit = total
    return _memory_limit


def writable_view(c, dtype, shape) -> np.ndarray:
    """A temporary writable numpy view (column-major) of a fresh R vector, to fill it."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape)) if len(shape) else 1
    if n == 0:
        return np.empty(shape, dtype=dtype, order="F")
    buf = R.ffi.buffer(R.rlib.DATAPTR(c), n * dtype.itemsize)
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order="F")


def new_vector(rtype: int, values) -> Any:
    """A 1-D logical, integer, double or complex R vector holding ``values`` (copied).

    Values are cast to the type's storage (int32 for logical and integer);
    give NA as :data:`NA_INTEGER` for logical/integer, as NaN for double (see
    :func:`real_vector`, which also turns NaN into R's ``NA_real_``).
    """
    values = np.asarray(values)
    n = values.size
    obj, c = alloc(rtype, n)
    if n:
        writable_view(c, _DTYPES[rtype], (n,))[:] = values.reshape(-1)
    return obj


def int_vector(values) -> Any:
    """An R integer vector (NA given as :data:`NA_INTEGER`)."""
    return new_vector(INTSXP, values)


def real_vector(values) -> Any:
    """An R double vector; NaN becomes R's ``NA_real_``."""
    obj = new_vector(REALSXP, values)
    n = np.size(values)
    if n:
        nan_to_na(writable_view(cdata(obj), np.float64, (n,)))
    return obj


def nan_to_na(dst: np.ndarray) -> None:
    """Turn every NaN of a fresh double R vector into ``NA_real_`` (one pass when there is none)."""
    if dst.size == 0:
        return
    flat = dst.reshape(-1, order="F")     # dst is a fresh F-contiguous view: no copy
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.add.reduce(flat)
    if s == s:      # no NaN anywhere (a sum with a NaN is NaN)
        return
    mask = np.isnan(flat)
    if mask.any():
        flat[mask] = R.NA_REAL_BITS[0]


def str_vector(values: Sequence) -> Any:
    """An R character vector from ``str`` / ``None`` (-> NA) values.

    ``surrogateescape`` characters (what :func:`strings` gives for bytes that
    are not UTF-8) become those bytes again, in R's native encoding, so such
    strings cross both ways byte-exact.
    """
    rlib = R.rlib
    obj, c = alloc(STRSXP, len(values))
    na, ce = R.NA_STRING, R.CE_UTF8
    mk, sset = rlib.Rf_mkCharLenCE, rlib.SET_STRING_ELT
    for i, v in enumerate(values):
        if v is None:
            sset(c, i, na)
        else:
            enc = ce
            try:
                b = v.encode("utf-8")
            except UnicodeEncodeError:
                try:
                    b = v.encode(R.native_codec, "surrogateescape")
                except UnicodeEncodeError:
                    raise DataError(f"R strings cannot hold lone surrogate characters: {v!r} "
                                     f"(encode it, e.g. s.encode('utf-8', 'replace'))") from None
                enc = _CE_NATIVE
            if b"\x00" in b:
                raise DataError(f"R strings cannot contain NUL characters: {v!r}")
            sset(c, i, mk(b, len(b), enc))
    return obj


def dim_vector(shape: Sequence[int], n: int) -> Any:
    """An R ``dim`` attribute value for an array of ``n`` elements, checked first.

    ``Rf_setAttrib`` signals an R error (a crash outside R) for a dimension
    beyond R's integer range, so such shapes are refused here.
    """
    for d in shape:
        if not 0 <= int(d) <= R_INT_MAX:
            raise DataError(f"array shape {tuple(int(x) for x in shape)} has a dimension of "
                             f"{int(d)}; R array dimensions must lie in 0..{R_INT_MAX}. "
                             f"Reshape the array first.")
    if int(np.prod([int(d) for d in shape], dtype=object)) != n:
        raise DataError(f"array shape {tuple(shape)} does not hold {n} elements")
    return int_vector(list(shape))


def make_list(values: Sequence, names: Optional[Sequence] = None) -> Any:
    """An R list from rpy2 objects, with optional names (None or "" = unnamed)."""
    R.ensure()
    obj, c = alloc(VECSXP, len(values))
    vset = R.rlib.SET_VECTOR_ELT
    for i, v in enumerate(values):
        vset(c, i, cdata(v))
    if names is not None:
        set_attr(c, R.S_names, str_vector(["" if n is None else n for n in names]))
    return obj


# --------------------------------------------------------------------------
# Zero-copy views
# --------------------------------------------------------------------------
class RMemory:
    """Owner of a zero-copy numpy view of an R vector: keeps the R object alive.

    ``numpy.asarray(holder)`` uses ``__array_interface__`` and sets the
    array's ``base`` to this holder, which holds the rpy2 object (which keeps
    the R vector preserved from R's garbage collector).
    """

    __slots__ = ("robj", "__array_interface__", "__weakref__")

    def __init__(self, robj, addr: int, shape: tuple, dtype: np.dtype):
        self.robj = robj
        strides = []
        s = dtype.itemsize
        for d in shape:
            strides.append(s)
            s *= d
        self.__array_interface__ = {
            "version": 3, "shape": shape, "typestr": dtype.str,
            "strides": tuple(strides), "data": (addr, True),   # read-only
        }


def view(robj, c, rtype: int, shape: tuple) -> np.ndarray:
    """A read-only, F-ordered, zero-copy numpy view of an R atomic vector.

    The R object is marked not-mutable, so R code copies before changing it
    and the view never changes under its reader.
    """
    dtype = _DTYPES[rtype]
    n = 1
    for d in shape:
        n *= d
    if n == 0:
        a = np.empty(shape, dtype=dtype, order="F")
        a.flags.writeable = False
        return a
    ptr = R.rlib.DATAPTR(c)          # materialises ALTREP vectors (e.g. 1:n)
    addr = int(R.ffi.cast("uintptr_t", ptr))
    R.mark_not_mutable(int(R.ffi.cast("uintptr_t", c)))
    return np.asarray(RMemory(robj, addr, tuple(shape), dtype))
