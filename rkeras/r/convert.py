"""R <-> Python conversion as two explicit, ordered rule tables.

:func:`to_python` (R -> Python) and :func:`to_r` (Python -> R) each look their
argument up in a :class:`RuleTable`, an ordered list of ``(matcher,
function)`` rules, first match wins, in the style of rpy2's converters. Other
modules extend them::

    @register_to_r(KerasTrainingHistory)
    def _(history): ...                       # -> an rpy2 object

    @register_to_python("keras_training_history")
    def _(robj): ...                          # -> a Python object

Registered rules go in front of the built-in ones. ``to_python`` first walks
the object's R ``class`` attribute in order (S3 style: ``c("ordered",
"factor")`` finds a ``"factor"`` rule) and then tries the type and predicate
rules (R storage type, rpy2 class, or any callable). ``to_r`` tries its rules
in order; Python objects no rule matches become R handles
(:mod:`rkeras.r.handles`), so nothing fails to cross.

Conversion table
================

========================================  =========================================
R                                         Python
========================================  =========================================
double / integer / logical vector         1-D ``ndarray`` float64 / int32 / bool
... with ``dim``                          ``ndarray`` of that shape, R's index
                                          semantics: R ``x[i+1, j+1]`` is ``a[i, j]``
length 1, no names (``simplify=True``)    Python ``float`` / ``int`` / ``bool``
named vector (no ``dim``)                 ``pandas.Series`` indexed by the names
character vector                          :class:`StrList` (a ``list`` of ``str``,
                                          NA = ``None``; length 1: ``str``);
                                          with ``dim``: object ``ndarray``
complex / raw                             complex128 ``ndarray`` / ``bytes``
factor (``ordered`` too)                  ``pandas.Categorical`` (levels in order)
Date                                      ``datetime64[D]`` ndarray (length 1:
                                          ``datetime.date``)
POSIXct                                   tz-aware ``pandas.DatetimeIndex``
                                          (tz = ``tzone``, else UTC; length 1:
                                          ``pandas.Timestamp``)
data.frame                                ``pandas.DataFrame`` (see below)
list with complete, unique names          ``dict`` (order kept)
list with some/duplicate names            ``rkeras.rlist.RList``
unnamed list                              :class:`UnnamedList` (a ``list``)
NULL                                      ``None``
R function                                :class:`RFunction` (a Python callable);
                                          an R wrapper made by ``r_function``
                                          gives back the original Python callable
rkeras handle (``rkeras_py_object``)      the very Python object (identity)
anything else (environments, S4, ...)     the rpy2 object unchanged
========================================  =========================================

Python -> R is the mirror image; in addition ``tuple`` -> unnamed list, a
list/tuple of ``str`` -> character vector, numpy scalars -> length-1 vectors,
0-d arrays -> length-1 vectors, ``datetime.date`` -> Date,
``datetime``/``Timestamp`` -> POSIXct, plain Python functions -> R closures
(:func:`rkeras.r.handles.r_function`), any other object -> R handle.

dtypes: R double <- float16/32/64 (and longdouble, rounded); R integer <-
bool-free integer arrays whose values all lie in R's integer range
[-2147483647, 2147483647] (INT_MIN is R's NA); otherwise R double (exact up
to 2**53; a ``RuntimeWarning`` beyond). Python ``int`` scalars likewise; ints
beyond the double range become +-Inf with a warning. Never ``OverflowError``.

NA policy
=========
* double: R ``NA``/``NaN`` <-> ``NaN``; a NaN in any float array becomes
  ``NA_real_`` in R (R's NA/NaN distinction is not kept).
* integer/logical: a vector/array **with** NA becomes float64 with NaN there
  (in data frames: pandas ``Int32`` / ``boolean`` with ``pd.NA``); without NA
  it stays int32 / bool. Length-1 NA -> ``None``. NA never becomes
  -2147483648 or ``True``. The NA test is one ``min()`` pass over the
  zero-copy view (NA_integer_ is INT_MIN, the smallest int32).
* character NA <-> ``None`` (``pd.NA``, ``None`` and float NaN in object or
  string columns -> ``NA_character_``); factor NA <-> code -1; Date/POSIXct
  NA <-> ``NaT``; ``pd.NA`` in a nullable column -> that column type's NA;
  a bare ``pd.NA`` -> logical ``NA``.

Memory
======
R -> numpy is **zero-copy** for double, integer (without NA) and complex
vectors: the array is a read-only, Fortran-ordered view of R's memory whose
``base`` holds the rpy2 object, so R cannot free it while the array lives; the
R object is also marked not-mutable (``MARK_NOT_MUTABLE``) so that R code
copies before modifying it and the view never changes under you. Logical
vectors and vectors with NA are converted with one copy. ``copy=True`` always
returns writable, owned arrays. numpy -> R copies once: values are written
(cast and transposed to R's column-major order in the same pass) straight
into a freshly allocated R vector.

Data frames
===========
Column types are kept: integer -> int32 (``Int32`` with NA), double ->
float64, logical -> bool (``boolean`` with NA), character -> object (str /
None), factor -> ``category`` (levels, ordered), Date -> ``datetime64``,
POSIXct -> ``datetime64[ns, tz]``, list columns -> object. Automatic row names
(1..n) <-> ``RangeIndex(0..n)``; other integer row names <-> an integer
index (values as is: labels, not positions; an index equal to 1..n is R's
automatic row names and comes back as ``RangeIndex``); character row names
<-> a string index; a duplicated index is dropped with a warning. Back to R, a naive ``datetime64`` column becomes Date when every
value is midnight (or the unit is days), else POSIXct in UTC.
``dimnames`` of matrices, ``names`` of arrays with ``dim`` and other
attributes are not carried over; a 1-D R array (``dim`` of length 1) comes
back from numpy as a plain vector.

All functions here must run with R started and the R lock held; the public
ones (``to_python``, ``to_r``, ``factor_codes``) take care of that.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import math
import os
import sys
import warnings
from collections.abc import Mapping
from typing import Any, Callable, NamedTuple, Optional, Sequence

import numpy as np

from . import session as _session

__all__ = [
    "to_python",
    "to_r",
    "register_to_r",
    "register_to_python",
    "RuleTable",
    "TO_R",
    "TO_PYTHON",
    "ConvertOptions",
    "RFunction",
    "StrList",
    "UnnamedList",
    "FactorCodes",
    "factor_codes",
    "converter",
]

INT_MIN = -2147483648          # R's NA_integer_ (and NA of logicals)
R_INT_MAX = 2147483647
_DOUBLE_EXACT = 2 ** 53


# ==========================================================================
# Rule tables
# ==========================================================================
class Rule(NamedTuple):
    """One conversion rule: ``matcher`` selects objects, ``function`` converts them."""

    matcher: Any
    function: Callable
    name: str


class RuleTable:
    """An ordered table of conversion rules; the first matching rule wins.

    A matcher is one of:

    * a ``str``: an R class name (only in the R -> Python table), matched
      against the object's ``class`` attribute in S3 order;
    * an ``int``: an R storage type (``SEXPTYPE``, e.g. 14 for double);
    * a type or tuple of types: ``isinstance`` (Python objects for ``to_r``,
      rpy2 classes for ``to_python``);
    * any other callable: a predicate ``matcher(obj) -> bool``.
    """

    def __init__(self, name: str):
        self.name = name
        self._rules: list[Rule] = []

    def __iter__(self):
        return iter(list(self._rules))

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        lines = [f"<RuleTable {self.name}: {len(self._rules)} rules>"]
        for r in self._rules:
            lines.append(f"  {_matcher_text(r.matcher):<40} -> {r.name}")
        return "\n".join(lines)

    def add(self, matcher: Any, function: Callable, *, first: bool = True,
            name: Optional[str] = None) -> Callable:
        """Add a rule (in front by default, so it overrides the built-in ones)."""
        rule = Rule(matcher, function, name or getattr(function, "__qualname__", repr(function)))
        if first:
            self._rules.insert(0, rule)
        else:
            self._rules.append(rule)
        return function

    def remove(self, function: Callable) -> None:
        """Remove every rule that uses ``function``."""
        self._rules = [r for r in self._rules if r.function is not function]

    def find_for_python(self, obj: Any) -> Optional[Rule]:
        """The first rule whose type or predicate matches a Python object."""
        for rule in self._rules:
            m = rule.matcher
            if isinstance(m, (type, tuple)):
                if isinstance(obj, m):
                    return rule
            elif isinstance(m, (str, int)):
                continue
            elif m(obj):
                return rule
        return None

    def find_for_r(self, robj: Any, rclass: Sequence[str], typeof: int) -> Optional[Rule]:
        """The rule for an R object: its classes in order, then types/predicates."""
        rules = self._rules
        for cls in rclass:
            for rule in rules:
                if rule.matcher == cls and isinstance(rule.matcher, str):
                    return rule
        for rule in rules:
            m = rule.matcher
            if isinstance(m, str):
                continue
            if isinstance(m, bool):
                continue
            if isinstance(m, int):
                if m == typeof:
                    return rule
            elif isinstance(m, (type, tuple)):
                if isinstance(robj, m):
                    return rule
            elif m(robj):
                return rule
        return None


def _matcher_text(m: Any) -> str:
    if isinstance(m, str):
        return f"R class {m!r}"
    if isinstance(m, int):
        return f"R type {m}"
    if isinstance(m, type):
        return f"{m.__module__}.{m.__qualname__}"
    if isinstance(m, tuple):
        return " | ".join(_matcher_text(x) for x in m)
    return f"predicate {getattr(m, '__qualname__', repr(m))}"


TO_R = RuleTable("to_r")
"""Python -> R rules; functions take the Python object and return an rpy2 object."""

TO_PYTHON = RuleTable("to_python")
"""R -> Python rules; functions take ``(robj, options)`` and return a Python object."""


class ConvertOptions(NamedTuple):
    """Options of one ``to_python`` conversion, passed to R -> Python rules."""

    copy: bool = False
    simplify: bool = True


class StrList(list):
    """A ``list`` of ``str`` / ``None`` that came from an R character vector.

    It is an ordinary list in every way; it only remembers that it was a
    character vector, so that :func:`to_r` gives a character vector back even
    when every element is NA (a plain ``[None, None]`` is an R list of NULLs).
    """

    __slots__ = ()


class UnnamedList(list):
    """A ``list`` that came from an unnamed R list.

    An ordinary list; it only remembers its origin so that :func:`to_r` gives
    an R list back even when all elements are strings (a plain list of ``str``
    becomes a character vector).
    """

    __slots__ = ()


def _takes_options(fn: Callable) -> bool:
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return True
    return len(params) >= 2 or any(
        p.kind is p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values())


def register_to_r(type_or_predicate: Any, *, first: bool = True) -> Callable:
    """Decorator: register a Python -> R rule.

    Args:
        type_or_predicate: a Python type (or tuple of types) matched with
            ``isinstance``, or a predicate ``f(obj) -> bool``.
        first: put the rule in front of the table (default) or at its end
            (after the built-in rules, before the handle fallback).

    The decorated function takes the Python object and returns an rpy2 object
    (build it with :func:`to_r` of simpler values and the helpers in this
    module, e.g. :func:`set_class`). It runs with the R lock held.
    """
    def deco(fn: Callable) -> Callable:
        if first:
            TO_R.add(type_or_predicate, fn, first=True)
        else:
            # before the handle fallback, which is always last
            TO_R._rules.insert(max(len(TO_R._rules) - 1, 0),
                               Rule(type_or_predicate, fn, fn.__qualname__))
        return fn
    return deco


def register_to_python(r_class: Any, *, first: bool = True) -> Callable:
    """Decorator: register an R -> Python rule.

    Args:
        r_class: an R class name (``"keras_training_history"``), an R storage
            type (``int`` SEXPTYPE), an rpy2 class, or a predicate on the rpy2
            object.
        first: put the rule in front of the built-in rules (default).

    The decorated function takes ``(robj)`` or ``(robj, options)`` (a
    :class:`ConvertOptions`); it runs with the R lock held and may call
    :func:`to_python` recursively.
    """
    def deco(fn: Callable) -> Callable:
        f = fn if _takes_options(fn) else (lambda robj, opts, _fn=fn: _fn(robj))
        TO_PYTHON.add(r_class, f, first=first, name=getattr(fn, "__qualname__", None))
        if f is not fn:
            f.__wrapped__ = fn
        return fn
    return deco


# ==========================================================================
# Low-level R access (caller holds the R lock)
# ==========================================================================
class _R:
    """Cached rpy2/R handles; filled on first use (after R has started)."""

    ready = False

    @classmethod
    def init(cls) -> None:
        if cls.ready:
            return
        sess = _session.get_r()
        import rpy2.rinterface as ri
        from rpy2.rinterface_lib import conversion as riconv
        cls.ri = ri
        cls.rlib = rlib = sess.rlib
        cls.ffi = sess.ffi
        cls.riconv = riconv
        cls.NIL = rlib.R_NilValue
        cls.NA_STRING = rlib.R_NaString
        cls.NILSXP, cls.LGLSXP, cls.INTSXP, cls.REALSXP = rlib.NILSXP, rlib.LGLSXP, rlib.INTSXP, rlib.REALSXP
        cls.CPLXSXP, cls.STRSXP, cls.VECSXP, cls.RAWSXP = rlib.CPLXSXP, rlib.STRSXP, rlib.VECSXP, rlib.RAWSXP
        cls.LISTSXP, cls.CLOSXP, cls.EXTPTRSXP = rlib.LISTSXP, rlib.CLOSXP, rlib.EXTPTRSXP
        cls.BUILTINSXP, cls.SPECIALSXP, cls.ENVSXP = rlib.BUILTINSXP, rlib.SPECIALSXP, rlib.ENVSXP
        cls.CE_UTF8 = rlib.CE_UTF8
        inst = lambda s: rlib.Rf_install(s.encode())
        cls.S_names, cls.S_dim, cls.S_class = inst("names"), inst("dim"), inst("class")
        cls.S_levels, cls.S_rownames, cls.S_tzone = inst("levels"), inst("row.names"), inst("tzone")
        cls.S_units = inst("units")
        cls.NA_REAL_BITS = np.array([rlib.R_NaReal], dtype=np.float64)
        lib = sess._libR
        import ctypes
        lib.MARK_NOT_MUTABLE.argtypes = [ctypes.c_void_p]
        lib.MARK_NOT_MUTABLE.restype = None
        cls.mark_not_mutable = lib.MARK_NOT_MUTABLE
        cls.ready = True


def _cd(robj):
    """The C ``SEXP`` of an rpy2 object."""
    return robj.__sexp__._cdata


def _wrap(cdata):
    """An rpy2 (rinterface-level) object for a C ``SEXP``; preserves it from R's GC."""
    return _R.riconv._cdata_to_rinterface(cdata)


def _typeof(cdata) -> int:
    return cdata.sxpinfo.type


def _get_attr(cdata, sym):
    v = _R.rlib.Rf_getAttrib(cdata, sym)
    return None if v == _R.NIL else v


def _strings(cdata) -> list:
    """The elements of a character vector (C level): ``str`` or ``None`` for NA."""
    rlib, ffi, na = _R.rlib, _R.ffi, _R.NA_STRING
    n = rlib.Rf_xlength(cdata)
    out = []
    append = out.append
    selt, tr, fstr = rlib.STRING_ELT, rlib.Rf_translateCharUTF8, ffi.string
    for i in range(n):
        e = selt(cdata, i)
        append(None if e == na else fstr(tr(e)).decode("utf-8"))
    return out


def _rclass(cdata) -> tuple:
    c = _get_attr(cdata, _R.S_class)
    return tuple(_strings(c)) if c is not None and _typeof(c) == _R.STRSXP else ()


_R_XLEN_MAX = 4503599627370496      # R_XLEN_T_MAX (2^52)
_ITEMSIZE = {10: 4, 13: 4, 14: 8, 15: 16, 16: 8, 19: 8, 24: 1}   # LGL INT REAL CPLX STR VEC RAW
_memory_limit = None


def _alloc(rtype: int, n: int):
    """Allocate an R vector; return (rpy2 object, C SEXP).

    A failing R allocation signals an R error, and an R error raised outside
    an R evaluation longjmps into nowhere and kills the process (it cannot be
    caught from Python: the jump would cross Python frames). Sizes R or the
    kernel would refuse (more than R's maximum length, or more bytes than
    RAM + swap, which Linux's default overcommit refuses) raise ``MemoryError``
    here instead, before R is asked.
    """
    nbytes = n * _ITEMSIZE.get(rtype, 8)
    if nbytes >= (1 << 30) and (n > _R_XLEN_MAX or nbytes > _memory_bytes()):
        raise MemoryError(f"cannot allocate an R vector of {n} elements ({nbytes / 2**30:.1f} GiB): "
                          f"more than this machine's memory")
    cdata = _R.rlib.Rf_allocVector(rtype, n)
    return _wrap(cdata), cdata


def _memory_bytes() -> int:
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


def _mk_strsxp(values: Sequence) -> Any:
    """An R character vector from ``str`` / ``None`` (-> NA) values."""
    rlib = _R.rlib
    n = len(values)
    obj, cdata = _alloc(_R.STRSXP, n)
    na, ce = _R.NA_STRING, _R.CE_UTF8
    mk, sset = rlib.Rf_mkCharLenCE, rlib.SET_STRING_ELT
    for i, v in enumerate(values):
        if v is None:
            sset(cdata, i, na)
        else:
            b = v.encode("utf-8")
            if b"\x00" in b:
                raise ValueError(f"R strings cannot contain NUL characters: {v!r}")
            sset(cdata, i, mk(b, len(b), ce))
    return obj


def _mk_ints(values: Sequence[int]):
    obj, cdata = _alloc(_R.INTSXP, len(values))
    if len(values):
        _np_writable(cdata, np.int32, (len(values),))[:] = values
    return obj


def set_attr(robj, name: str, value) -> None:
    """Set an attribute of an rpy2 object (in place); ``value`` is an rpy2 object or Python value."""
    with _session.entered():
        _R.init()
        if not isinstance(value, _R.ri.Sexp):
            value = _to_r(value)
        _R.rlib.Rf_setAttrib(_cd(robj), _R.rlib.Rf_install(name.encode()), _cd(value))


def set_class(robj, classes: Sequence[str]) -> None:
    """Set the R ``class`` attribute of an rpy2 object (in place), e.g. in a ``to_r`` rule."""
    with _session.entered():
        _R.init()
        _R.rlib.Rf_setAttrib(_cd(robj), _R.S_class, _cd(_mk_strsxp(list(classes))))


def _set(cdata, sym, value_obj) -> None:
    _R.rlib.Rf_setAttrib(cdata, sym, _cd(value_obj))


def _make_list(values: Sequence, names: Optional[Sequence] = None):
    """An R list from rpy2 objects (and optional names; None/"" = unnamed)."""
    _R.init()
    rlib = _R.rlib
    obj, cdata = _alloc(_R.VECSXP, len(values))
    vset = rlib.SET_VECTOR_ELT
    for i, v in enumerate(values):
        vset(cdata, i, _cd(v))
    if names is not None:
        _set(cdata, _R.S_names, _mk_strsxp(["" if n is None else n for n in names]))
    return obj


_NP_DTYPE = {}


def _np_dtype_for(rtype: int):
    if not _NP_DTYPE:
        _NP_DTYPE.update({_R.REALSXP: np.dtype("<f8"), _R.INTSXP: np.dtype("<i4"),
                          _R.LGLSXP: np.dtype("<i4"), _R.CPLXSXP: np.dtype("<c16"),
                          _R.RAWSXP: np.dtype("u1")})
    return _NP_DTYPE[rtype]


def _np_writable(cdata, dtype, shape) -> np.ndarray:
    """A temporary writable numpy view of a fresh R vector (column-major)."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape)) if len(shape) else 1
    if n == 0:
        return np.empty(shape, dtype=dtype, order="F")
    ptr = _R.rlib.DATAPTR(cdata)
    buf = _R.ffi.buffer(ptr, n * dtype.itemsize)
    return np.frombuffer(buf, dtype=dtype).reshape(shape, order="F")


class _RMemory:
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


def _view(robj, cdata, rtype: int, shape: tuple) -> np.ndarray:
    """A read-only, F-ordered, zero-copy numpy view of an R atomic vector."""
    dtype = _np_dtype_for(rtype)
    n = 1
    for d in shape:
        n *= d
    if n == 0:
        a = np.empty(shape, dtype=dtype, order="F")
        a.flags.writeable = False
        return a
    ptr = _R.rlib.DATAPTR(cdata)          # materialises ALTREP vectors (e.g. 1:n)
    addr = int(_R.ffi.cast("uintptr_t", ptr))
    _R.mark_not_mutable(int(_R.ffi.cast("uintptr_t", cdata)))
    return np.asarray(_RMemory(robj, addr, tuple(shape), dtype))


def _shape_of(cdata, n: int) -> Optional[tuple]:
    d = _get_attr(cdata, _R.S_dim)
    if d is None or _typeof(d) != _R.INTSXP:
        return None
    rlib = _R.rlib
    return tuple(rlib.INTEGER_ELT(d, i) for i in range(rlib.Rf_xlength(d)))


def _has_na_int(view: np.ndarray) -> bool:
    return view.size > 0 and int(view.min()) == INT_MIN


# ==========================================================================
# R -> Python
# ==========================================================================
def to_python(robj: Any, *, copy: bool = False, simplify: bool = True) -> Any:
    """Convert an R object (rpy2) to Python, following the rules in :data:`TO_PYTHON`.

    Args:
        robj: an rpy2 object (``rpy2.rinterface`` or ``rpy2.robjects`` level).
            Anything else is returned unchanged.
        copy: if True, numeric arrays are writable copies owned by numpy; by
            default they are read-only zero-copy views on R's memory where the
            layout allows (see the module doc).
        simplify: if True (default), length-1 vectors without names or
            ``dim`` become Python scalars (``1.0``, ``2``, ``True``, ``"a"``;
            NA -> ``nan`` for doubles, ``None`` otherwise), as Keras expects
            for scalar arguments. With False they stay length-1 arrays/lists.

    Returns:
        The Python value (see the conversion table in the module doc).
    """
    if not _is_sexp(robj):
        return robj
    with _session.entered():
        _R.init()
        return _to_python(robj, ConvertOptions(copy, simplify))


def _is_sexp(obj) -> bool:
    t = type(obj)
    mod = t.__module__
    if not mod.startswith("rpy2."):
        return False
    import rpy2.rinterface as ri
    return isinstance(obj, ri.Sexp)


def _to_python(robj, opts: ConvertOptions):
    cdata = _cd(robj)
    typeof = _typeof(cdata)
    rclass = _rclass(cdata)
    rule = TO_PYTHON.find_for_r(robj, rclass, typeof)
    if rule is None:
        return robj
    return rule.function(robj, opts)


def _elem(cdata_parent, i):
    return _wrap(_R.rlib.VECTOR_ELT(cdata_parent, i))


def _scalar(value, rtype):
    """A Python scalar from a length-1 numeric array element."""
    if rtype == _R.REALSXP:
        return float(value)
    if rtype == _R.CPLXSXP:
        return complex(value)
    return value.item()


def _numeric_to_python(robj, opts: ConvertOptions):
    """double / integer / logical / complex vectors and arrays."""
    cdata = _cd(robj)
    t = _typeof(cdata)
    n = _R.rlib.Rf_xlength(cdata)
    shape = _shape_of(cdata, n)
    names = None
    if shape is None:
        nm = _get_attr(cdata, _R.S_names)
        if nm is not None:
            names = _strings(nm)
    view = _view(robj, cdata, t, shape if shape is not None else (n,))
    if t == _R.INTSXP or t == _R.LGLSXP:
        if _has_na_int(view):
            mask = view == INT_MIN
            if opts.simplify and n == 1 and shape is None and names is None:
                return None
            arr = view.astype(np.float64, order="K")      # the one copy
            if t == _R.LGLSXP:
                np.not_equal(view, 0, out=arr, where=~mask, casting="unsafe")  # TRUE may be any non-zero
            arr[mask] = np.nan
        elif t == _R.LGLSXP:
            arr = view != 0
        else:
            arr = np.array(view, order="K") if opts.copy else view
    else:
        arr = np.array(view, order="K") if opts.copy else view
    if names is not None:
        pd = _pd()
        return pd.Series(arr, index=pd.Index(names, dtype=object), copy=False)
    if opts.simplify and n == 1 and shape is None:
        return _scalar(arr[0], t)
    return arr


def _character_to_python(robj, opts: ConvertOptions):
    cdata = _cd(robj)
    n = _R.rlib.Rf_xlength(cdata)
    vals = _strings(cdata)
    shape = _shape_of(cdata, n)
    if shape is not None:
        a = np.empty(n, dtype=object)
        a[:] = vals
        return a.reshape(shape, order="F")
    nm = _get_attr(cdata, _R.S_names)
    if nm is not None:
        pd = _pd()
        return pd.Series(vals, index=pd.Index(_strings(nm), dtype=object), dtype=object)
    if opts.simplify and n == 1:
        return vals[0]
    return StrList(vals)


def _raw_to_python(robj, opts: ConvertOptions):
    cdata = _cd(robj)
    n = _R.rlib.Rf_xlength(cdata)
    shape = _shape_of(cdata, n)
    if shape is not None:
        return np.array(_view(robj, cdata, _R.RAWSXP, shape), order="K")
    if n == 0:
        return b""
    return bytes(_R.ffi.buffer(_R.rlib.DATAPTR(cdata), n))


def _list_to_python(robj, opts: ConvertOptions):
    cdata = _cd(robj)
    n = _R.rlib.Rf_xlength(cdata)
    values = [_to_python(_elem(cdata, i), opts) for i in range(n)]
    nm = _get_attr(cdata, _R.S_names)
    if nm is None:
        return UnnamedList(values)
    names = _strings(nm)
    if all(names) and len(set(names)) == len(names):
        return dict(zip(names, values))
    RList = _rlist_class()
    if RList is not None:
        return RList.from_values(values, [x if x else None for x in names])
    out = {}
    for i, (k, v) in enumerate(zip(names, values)):
        out[k if k and k not in out else f"[[{i + 1}]]"] = v
    return out


def _pairlist_to_python(robj, opts: ConvertOptions):
    rlib = _R.rlib
    cdata = _cd(robj)
    values, names = [], []
    node = cdata
    while node != _R.NIL:
        values.append(_to_python(_wrap(rlib.CAR(node)), opts))
        tag = rlib.TAG(node)
        names.append(_R.ffi.string(rlib.R_CHAR(rlib.PRINTNAME(tag))).decode() if tag != _R.NIL else "")
        node = rlib.CDR(node)
    if any(names):
        RList = _rlist_class()
        if all(names) and len(set(names)) == len(names):
            return dict(zip(names, values))
        if RList is not None:
            return RList.from_values(values, [x or None for x in names])
    return values


def _null_to_python(robj, opts):
    return None


def _factor_parts(robj):
    """(int codes 1-based view, levels list, ordered flag) of an R factor."""
    cdata = _cd(robj)
    lv = _get_attr(cdata, _R.S_levels)
    levels = _strings(lv) if lv is not None else []
    ordered = "ordered" in _rclass(cdata)
    n = _R.rlib.Rf_xlength(cdata)
    view = _view(robj, cdata, _R.INTSXP, (n,))
    return view, levels, ordered


def _categorical_from_factor(robj):
    pd = _pd()
    view, levels, ordered = _factor_parts(robj)
    codes = view.astype(np.int32) - 1
    codes[view == INT_MIN] = -1
    # R allows duplicated levels only in broken factors; pandas refuses them.
    return pd.Categorical.from_codes(codes, categories=pd.Index(levels, dtype=object),
                                     ordered=ordered, validate=False)


def _factor_to_python(robj, opts):
    if _typeof(_cd(robj)) != _R.INTSXP:
        return _fallback_by_type(robj, opts)
    cat = _categorical_from_factor(robj)
    nm = _get_attr(_cd(robj), _R.S_names)
    if nm is not None:
        pd = _pd()
        return pd.Series(cat, index=pd.Index(_strings(nm), dtype=object))
    return cat


def _date_values(robj) -> np.ndarray:
    """R Date (double or integer days) -> datetime64[D] (NaT for NA)."""
    cdata = _cd(robj)
    t = _typeof(cdata)
    n = _R.rlib.Rf_xlength(cdata)
    view = _view(robj, cdata, t, (n,))
    if t == _R.INTSXP:
        days = view.astype(np.int64)
        bad = view == INT_MIN
    else:
        bad = ~np.isfinite(view)
        days = np.floor(np.where(bad, 0, view)).astype(np.int64)
    out = days.astype("datetime64[D]")
    out[bad] = np.datetime64("NaT")
    return out


def _date_to_python(robj, opts):
    if _typeof(_cd(robj)) not in (_R.REALSXP, _R.INTSXP):
        return _fallback_by_type(robj, opts)
    d = _date_values(robj)
    nm = _get_attr(_cd(robj), _R.S_names)
    if nm is not None:
        pd = _pd()
        return pd.Series(d, index=pd.Index(_strings(nm), dtype=object))
    if opts.simplify and d.shape == (1,):
        if np.isnat(d[0]):
            return None
        v = d[0].item()
        return v if isinstance(v, _dt.date) else d[0]
    return d


def _posixct_values(robj):
    """R POSIXct -> tz-aware pandas DatetimeIndex (tz = tzone attribute, else UTC)."""
    pd = _pd()
    cdata = _cd(robj)
    n = _R.rlib.Rf_xlength(cdata)
    t = _typeof(cdata)
    v = _view(robj, cdata, t, (n,)).astype(np.float64)
    if t == _R.INTSXP:
        v[_view(robj, cdata, t, (n,)) == INT_MIN] = np.nan
    tz_attr = _get_attr(cdata, _R.S_tzone)
    tz = None
    if tz_attr is not None and _typeof(tz_attr) == _R.STRSXP and _R.rlib.Rf_xlength(tz_attr):
        tz = _strings(tz_attr)[0] or None
    bad = ~np.isfinite(v)
    us = np.round(np.where(bad, 0, v) * 1e6).astype(np.int64)
    arr = us.astype("datetime64[us]")
    arr[bad] = np.datetime64("NaT")
    idx = pd.DatetimeIndex(arr).tz_localize("UTC")
    if tz:
        try:
            idx = idx.tz_convert(tz)
        except Exception:
            pass
    return idx


def _posixct_to_python(robj, opts):
    if _typeof(_cd(robj)) not in (_R.REALSXP, _R.INTSXP):
        return _fallback_by_type(robj, opts)
    idx = _posixct_values(robj)
    nm = _get_attr(_cd(robj), _R.S_names)
    if nm is not None:
        pd = _pd()
        return pd.Series(idx, index=pd.Index(_strings(nm), dtype=object))
    if opts.simplify and len(idx) == 1:
        return None if idx[0] is _pd().NaT else idx[0]
    return idx


def _row_names_raw(cdata):
    """The row.names attribute as stored (compact form kept), or None."""
    rlib = _R.rlib
    a = rlib.ATTRIB(cdata)
    sym = _R.S_rownames
    while a != _R.NIL:
        if rlib.TAG(a) == sym:
            return rlib.CAR(a)
        a = rlib.CDR(a)
    return None


def _row_index(cdata):
    """(pandas index, number of rows) for an R data frame."""
    pd = _pd()
    rn = _row_names_raw(cdata)
    rlib = _R.rlib
    if rn is None:
        return None, None
    t = _typeof(rn)
    n = rlib.Rf_xlength(rn)
    if t == _R.INTSXP:
        if n == 2 and rlib.INTEGER_ELT(rn, 0) == INT_MIN:
            nrow = abs(rlib.INTEGER_ELT(rn, 1))
            return pd.RangeIndex(nrow), nrow
        vals = np.array(_np_writable(rn, np.int32, (n,)), dtype=np.int64)
        if n == 0 or np.array_equal(vals, np.arange(1, n + 1)):
            return pd.RangeIndex(n), n
        return pd.Index(vals), n
    if t == _R.REALSXP:
        vals = np.array(_np_writable(rn, np.float64, (n,)))
        return pd.Index(vals), n
    if t == _R.STRSXP:
        return pd.Index(_strings(rn), dtype=object), n
    return pd.RangeIndex(n), n


def _column_to_python(col, opts):
    """One data-frame column -> something pandas takes as a column."""
    pd = _pd()
    cdata = _cd(col)
    t = _typeof(cdata)
    rclass = _rclass(cdata)
    if rclass:
        if "factor" in rclass and t == _R.INTSXP:
            return _categorical_from_factor(col)
        if "Date" in rclass and t in (_R.REALSXP, _R.INTSXP):
            return _date_values(col)
        if "POSIXct" in rclass and t in (_R.REALSXP, _R.INTSXP):
            return _posixct_values(col)
    n = _R.rlib.Rf_xlength(cdata)
    if t in (_R.INTSXP, _R.LGLSXP) and _shape_of(cdata, n) is None:
        view = _view(col, cdata, t, (n,))
        if _has_na_int(view):
            mask = view == INT_MIN
            if t == _R.INTSXP:
                return pd.arrays.IntegerArray(np.where(mask, 0, view).astype(np.int32), mask)
            return pd.arrays.BooleanArray(view == 1, mask)
        if t == _R.LGLSXP:
            return view != 0
        return np.array(view) if opts.copy else view
    if t == _R.REALSXP and _shape_of(cdata, n) is None and not rclass:
        view = _view(col, cdata, t, (n,))
        return np.array(view) if opts.copy else view
    if t == _R.STRSXP and _shape_of(cdata, n) is None:
        a = np.empty(n, dtype=object)
        a[:] = _strings(cdata)
        return a
    if t == _R.VECSXP and not rclass:
        a = np.empty(n, dtype=object)
        for i in range(n):
            a[i] = _to_python(_elem(cdata, i), opts)
        return a
    v = _to_python(col, ConvertOptions(opts.copy, False))
    if isinstance(v, (np.ndarray, pd.Categorical, pd.Index, pd.Series)) and getattr(v, "ndim", 1) == 1:
        return v
    out = np.empty(n, dtype=object)
    if isinstance(v, np.ndarray) and v.ndim > 1 and v.shape[0] == n:
        for i in range(n):
            out[i] = v[i]
    elif isinstance(v, list) and len(v) == n:
        out[:] = [None] * n
        for i, x in enumerate(v):
            out[i] = x
    else:
        for i in range(n):
            out[i] = v
    return out


def _dataframe_to_python(robj, opts):
    pd = _pd()
    cdata = _cd(robj)
    if _typeof(cdata) != _R.VECSXP:
        return _fallback_by_type(robj, opts)
    ncol = _R.rlib.Rf_xlength(cdata)
    nm = _get_attr(cdata, _R.S_names)
    names = _strings(nm) if nm is not None else [f"V{i + 1}" for i in range(ncol)]
    index, nrow = _row_index(cdata)
    cols = [_column_to_python(_elem(cdata, i), opts) for i in range(ncol)]
    if nrow is None:
        nrow = len(cols[0]) if cols else 0
        index = pd.RangeIndex(nrow)
    df = pd.DataFrame({i: c for i, c in enumerate(cols)}, index=index, copy=opts.copy)
    df.columns = pd.Index([n if n is not None else "NA" for n in names], dtype=object)
    return df


def _closure_to_python(robj, opts):
    from . import handles
    fn = handles.python_callable_of(robj)
    if fn is not None:
        return fn
    return RFunction(robj)


def _extptr_to_python(robj, opts):
    from . import handles
    return handles.object_of(robj)


def _fallback_by_type(robj, opts):
    """Convert by storage type, ignoring the class attribute."""
    cdata = _cd(robj)
    t = _typeof(cdata)
    for rule in TO_PYTHON:
        m = rule.matcher
        if isinstance(m, int) and not isinstance(m, bool) and m == t:
            return rule.function(robj, opts)
    return robj


def _keep_as_is(robj, opts):
    return robj


class RFunction:
    """A Python callable wrapping an R function.

    Calling it converts the arguments with :func:`to_r`, calls the function
    through :func:`rkeras.r.session.r_call` (lock, errors as :class:`RError`,
    warnings as ``RWarning``) and converts the result with :func:`to_python`.
    ``to_r(f)`` gives the R function back.

    Attributes:
        rfunction: the rpy2 closure.
    """

    __slots__ = ("rfunction", "__weakref__")

    def __init__(self, rfunction):
        self.rfunction = rfunction

    def __call__(self, *args, **kwargs):
        res = _session.r_call(self.rfunction, *args, **kwargs)
        return to_python(res)

    def __repr__(self) -> str:
        return "<RFunction>"


# ==========================================================================
# Python -> R
# ==========================================================================
def to_r(obj: Any) -> Any:
    """Convert a Python object to an R object (rpy2), following :data:`TO_R`.

    Args:
        obj: any Python object. rpy2 objects are returned unchanged; objects no
            rule knows become R handles (external pointers with an R class such
            as ``c("rkeras_model", "rkeras_py_object")``) that
            :func:`to_python` turns back into the very same object.

    Returns:
        An ``rpy2.rinterface`` object.
    """
    with _session.entered():
        _R.init()
        return _to_r(obj)


def _to_r(obj):
    rule = TO_R.find_for_python(obj)
    if rule is None:   # cannot happen: the handle rule matches everything
        from . import handles
        return handles.new_handle(obj)
    return rule.function(obj)


def _sexp_passthrough(obj):
    return obj


def _none_to_r(obj):
    return _R.ri.NULL


def _bool_to_r(obj):
    o, c = _alloc(_R.LGLSXP, 1)
    _np_writable(c, np.int32, (1,))[0] = 1 if obj else 0
    return o


def _int_to_r(obj):
    v = int(obj)
    if -R_INT_MAX <= v <= R_INT_MAX:
        o, c = _alloc(_R.INTSXP, 1)
        _np_writable(c, np.int32, (1,))[0] = v
        return o
    return _float_to_r(_int_to_float(v))


def _int_to_float(v: int) -> float:
    try:
        f = float(v)
    except OverflowError:
        warnings.warn(f"integer {v} is beyond the range of R doubles; it becomes "
                      f"{'Inf' if v > 0 else '-Inf'}", RuntimeWarning, stacklevel=4)
        return math.inf if v > 0 else -math.inf
    if abs(v) > _DOUBLE_EXACT:
        warnings.warn(f"integer {v} does not fit R's integer type and loses precision as an R "
                      f"double", RuntimeWarning, stacklevel=4)
    return f


def _float_to_r(obj):
    o, c = _alloc(_R.REALSXP, 1)
    v = float(obj)
    dst = _np_writable(c, np.float64, (1,))
    dst[0] = v
    if v != v:
        dst[:] = _R.NA_REAL_BITS
    return o


def _complex_to_r(obj):
    o, c = _alloc(_R.CPLXSXP, 1)
    _np_writable(c, np.complex128, (1,))[0] = complex(obj)
    return o


def _str_to_r(obj):
    return _mk_strsxp([str(obj)])


def _bytes_to_r(obj):
    b = bytes(obj)
    o, c = _alloc(_R.RAWSXP, len(b))
    if b:
        _R.ffi.memmove(_R.rlib.DATAPTR(c), b, len(b))
    return o


_HUGEPAGE_MIN = 4 << 20
_madvise = None


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


def _fill(cdata, dtype, shape, src: np.ndarray) -> np.ndarray:
    """Copy (cast + transpose) ``src`` into a fresh R vector in one pass."""
    dst = _np_writable(cdata, dtype, shape)
    if dst.size:
        _hugepages(dst)
        if src.ndim >= 2 and src.flags.c_contiguous and not src.flags.f_contiguous:
            _copy_c_to_f(dst, src)
        else:
            np.copyto(dst, src, casting="unsafe")
    return dst


def _copy_c_to_f(dst: np.ndarray, src: np.ndarray) -> None:
    """Transposing copy of a C-ordered array into an F-ordered one, in blocks of rows.

    A plain ``np.copyto`` walks one of the two arrays with a huge stride; copying
    blocks of about 2 MiB of destination rows keeps both sides in cache
    (measured on 60000x784 doubles: 560 ms plain, 150 ms in blocks of 256-334 rows).
    """
    n0 = src.shape[0]
    row_bytes = max(1, dst[0].size * dst.itemsize)
    block = max(16, (2 << 20) // row_bytes)
    if block >= n0:
        np.copyto(dst, src, casting="unsafe")
        return
    for i in range(0, n0, block):
        np.copyto(dst[i:i + block], src[i:i + block], casting="unsafe")


def _na_real_fix(dst: np.ndarray) -> None:
    """Turn every NaN of a double R vector into R's NA_real_ (one pass when there is none)."""
    if dst.size == 0:
        return
    flat = dst.reshape(-1, order="F")     # dst is a fresh F-contiguous view: no copy
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.add.reduce(flat)
    if s == s:      # no NaN anywhere (a sum with a NaN is NaN)
        return
    mask = np.isnan(flat)
    if mask.any():
        flat[mask] = _R.NA_REAL_BITS[0]


def _int_kind_fits(a: np.ndarray) -> bool:
    """True if an integer array can be an R integer vector (no value is INT_MIN/out of range)."""
    dt = a.dtype
    if dt.itemsize < 4 or a.size == 0:
        return True
    if dt == np.int32:
        return int(a.min()) != INT_MIN           # one pass: only NA_integer_ does not fit
    lo, hi = a.min(), a.max()
    return int(lo) >= -R_INT_MAX and int(hi) <= R_INT_MAX


def _dims_obj(shape):
    return _mk_ints(list(shape))


def _ndarray_to_r(a: np.ndarray):
    a = np.asarray(a)
    if a.ndim == 0:
        shape, dim = (1,), None
        a = a.reshape(1)
    else:
        shape, dim = a.shape, (a.shape if a.ndim >= 2 else None)
    n = a.size
    kind = a.dtype.kind
    if kind == "b":
        o, c = _alloc(_R.LGLSXP, n)
        _fill(c, np.int32, shape, a)
    elif kind in "iu":
        if _int_kind_fits(a):
            o, c = _alloc(_R.INTSXP, n)
            _fill(c, np.int32, shape, a)
        else:
            if a.size and max(abs(int(a.min())), abs(int(a.max()))) > _DOUBLE_EXACT:
                warnings.warn("integer array values beyond 2**53 lose precision as R doubles",
                              RuntimeWarning, stacklevel=3)
            o, c = _alloc(_R.REALSXP, n)
            _fill(c, np.float64, shape, a)
    elif kind == "f":
        o, c = _alloc(_R.REALSXP, n)
        dst = _fill(c, np.float64, shape, a)
        _na_real_fix(dst)
    elif kind == "c":
        o, c = _alloc(_R.CPLXSXP, n)
        _fill(c, np.complex128, shape, a)
    elif kind in "US":
        flat = a.reshape(-1, order="F")
        vals = [x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in flat.tolist()]
        o = _mk_strsxp(vals)
    elif kind == "O":
        flat = a.reshape(-1, order="F").tolist()
        o = _object_values_to_r(flat, allow_list=True)
    elif kind == "M":
        o = _datetime64_to_r(a.reshape(-1, order="F"), None)
    elif kind == "m":
        secs = a.reshape(-1, order="F").astype("timedelta64[ns]").astype(np.int64) / 1e9
        secs[np.isnat(a.reshape(-1, order="F"))] = np.nan
        o = _ndarray_to_r(secs)
        set_class(o, ["difftime"])
        _set(_cd(o), _R.S_units, _mk_strsxp(["secs"]))
    elif kind == "V" and a.dtype.names:
        pd = _pd()
        return _dataframe_to_r(pd.DataFrame(a.reshape(-1)))
    else:
        from . import handles
        return handles.new_handle(a)
    if dim is not None:
        _set(_cd(o), _R.S_dim, _dims_obj(dim))
    return o


def _masked_to_r(a):
    """numpy masked array: masked entries become NA (float -> NaN, others via object)."""
    mask = np.ma.getmaskarray(a)
    data = np.asarray(a.data)
    if not mask.any():
        return _ndarray_to_r(data)
    if data.dtype.kind in "fiub":
        out = data.astype(np.float64)
        out[mask] = np.nan
        return _ndarray_to_r(out)
    out = data.astype(object)
    out[mask] = None
    return _ndarray_to_r(out)


def _is_na_scalar(x) -> bool:
    if x is None:
        return True
    if isinstance(x, float) and x != x:
        return True
    pd = sys.modules.get("pandas")
    if pd is not None and (x is pd.NA or x is pd.NaT):
        return True
    if isinstance(x, np.floating) and x != x:
        return True
    return False


def _object_values_to_r(values: list, allow_list: bool = True):
    """R vector for Python scalars of one kind (None/NaN/pd.NA = NA); else an R list."""
    kinds = set()
    for x in values:
        if _is_na_scalar(x):
            continue
        if isinstance(x, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(x, (int, np.integer)):
            kinds.add("i")
        elif isinstance(x, (float, np.floating)):
            kinds.add("f")
        elif isinstance(x, str):
            kinds.add("s")
        elif isinstance(x, _dt.datetime):
            kinds.add("dt")
        elif isinstance(x, _dt.date):
            kinds.add("d")
        else:
            kinds.add("o")
            break
    na = [_is_na_scalar(x) for x in values]
    if kinds == {"s"} or not kinds:        # str / NA only (also: empty, all NA)
        return _mk_strsxp([None if m else x for x, m in zip(values, na)])
    if kinds == {"b"}:
        arr = np.array([0 if m else (1 if x else 0) for x, m in zip(values, na)], dtype=np.int32)
        arr[np.array(na, dtype=bool)] = INT_MIN
        o, c = _alloc(_R.LGLSXP, len(values))
        _np_writable(c, np.int32, (len(values),))[:] = arr
        return o
    if kinds and kinds <= {"i", "f"}:
        fl = np.array([np.nan if m else float(x) for x, m in zip(values, na)], dtype=np.float64)
        if kinds == {"i"}:
            ints = [0 if m else int(x) for x, m in zip(values, na)]
            if all(-R_INT_MAX <= v <= R_INT_MAX for v in ints):
                arr = np.array(ints, dtype=np.int32)
                arr[np.array(na, dtype=bool)] = INT_MIN
                o, c = _alloc(_R.INTSXP, len(values))
                _np_writable(c, np.int32, (len(values),))[:] = arr
                return o
        return _ndarray_to_r(fl)
    if kinds == {"d"}:
        return _dates_to_r([None if m else x for x, m in zip(values, na)])
    if kinds in ({"dt"}, {"dt", "d"}):
        pd = _pd()
        return _datetime_index_to_r(pd.DatetimeIndex([pd.NaT if m else pd.Timestamp(x)
                                                       for x, m in zip(values, na)]))
    if not allow_list:
        return _mk_strsxp([None if m else str(x) for x, m in zip(values, na)])
    return _make_list([_to_r(x) for x in values])


def _dates_to_r(values: list):
    epoch = _dt.date(1970, 1, 1)
    arr = np.array([np.nan if v is None else float((v - epoch).days) for v in values], dtype=np.float64)
    o = _ndarray_to_r(arr)
    set_class(o, ["Date"])
    return o


def _datetime64_to_r(a: np.ndarray, tz: Optional[str]):
    """1-D datetime64 -> Date (unit of days or coarser, or all at midnight) or POSIXct (UTC)."""
    unit = np.datetime_data(a.dtype)[0]
    nat = np.isnat(a)
    if unit in ("Y", "M", "W", "D"):
        is_date = True
    else:
        days = a.astype("datetime64[D]")
        is_date = bool(np.all((a == days.astype(a.dtype)) | nat))
    if is_date and tz is None:
        d = a.astype("datetime64[D]").astype(np.int64).astype(np.float64)
        d[nat] = np.nan
        o = _ndarray_to_r(d)
        set_class(o, ["Date"])
        return o
    us = a.astype("datetime64[us]").astype(np.int64)
    secs = us / 1e6
    secs[nat] = np.nan
    o = _ndarray_to_r(secs)
    set_class(o, ["POSIXct", "POSIXt"])
    _set(_cd(o), _R.S_tzone, _mk_strsxp([tz or "UTC"]))
    return o


def _datetime_index_to_r(idx):
    """pandas DatetimeIndex (naive or tz-aware) -> Date / POSIXct."""
    tz = idx.tz
    if tz is not None:
        vals = idx.tz_convert("UTC").tz_localize(None).to_numpy()
        return _datetime64_to_r(vals, str(tz))
    return _datetime64_to_r(idx.to_numpy(), None)


def _datetime_to_r(obj):
    pd = _pd()
    ts = pd.Timestamp(obj)
    if ts.tzinfo is None:
        arr = np.array([ts.to_datetime64()], dtype="datetime64[us]")
        us = arr.astype(np.int64)
        o = _ndarray_to_r(us / 1e6)
        set_class(o, ["POSIXct", "POSIXt"])
        _set(_cd(o), _R.S_tzone, _mk_strsxp(["UTC"]))
        return o
    return _datetime_index_to_r(pd.DatetimeIndex([ts]))


def _date_to_r(obj):
    return _dates_to_r([obj])


def _datetime64_scalar_to_r(obj):
    return _datetime64_to_r(np.array([obj]), None)


def _pd_na_to_r(obj):
    pd = _pd()
    if obj is pd.NaT:
        o = _float_to_r(float("nan"))
        set_class(o, ["POSIXct", "POSIXt"])
        return o
    o, c = _alloc(_R.LGLSXP, 1)
    _np_writable(c, np.int32, (1,))[0] = INT_MIN
    return o


def _is_pd_na(obj) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and (obj is pd.NA or obj is pd.NaT)


def _mapping_to_r(obj):
    keys = list(obj.keys())
    return _make_list([_to_r(obj[k]) for k in keys], [str(k) for k in keys])


def _rlist_to_r(obj):
    items = obj.items()
    return _make_list([_to_r(v) for _, v in items], [n or "" for n, _ in items])


def _unnamed_list_to_r(obj):
    return _make_list([_to_r(x) for x in obj])


def _strlist_to_r(obj):
    return _mk_strsxp([None if x is None else str(x) for x in obj])


def _sequence_to_r(obj):
    seq = list(obj)
    # str (and None = NA) only, at least one str: a character vector
    if seq and all(isinstance(x, str) or x is None for x in seq) and any(x is not None for x in seq):
        return _mk_strsxp(seq)
    return _make_list([_to_r(x) for x in seq])


def _range_to_r(obj):
    return _ndarray_to_r(np.arange(obj.start, obj.stop, obj.step))


def _categorical_to_r(cat):
    pd = _pd()
    cat = pd.Categorical(cat)
    codes = np.asarray(cat.codes).astype(np.int32) + 1
    codes[codes == 0] = INT_MIN
    o, c = _alloc(_R.INTSXP, len(codes))
    if len(codes):
        _np_writable(c, np.int32, (len(codes),))[:] = codes
    _set(c, _R.S_levels, _mk_strsxp([str(x) for x in cat.categories]))
    set_class(o, ["ordered", "factor"] if cat.ordered else ["factor"])
    return o


def _series_values_to_r(s):
    """The values of a pandas Series / Index (no names) as an R vector."""
    pd = _pd()
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical_to_r(pd.Categorical(s))
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _datetime_index_to_r(pd.DatetimeIndex(s))
    if isinstance(dtype, pd.BooleanDtype):
        arr = pd.array(s, dtype="boolean")
        vals = np.asarray(arr.to_numpy(dtype=np.int32, na_value=INT_MIN))
        o, c = _alloc(_R.LGLSXP, len(vals))
        if len(vals):
            _np_writable(c, np.int32, (len(vals),))[:] = vals
        return o
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu" \
            and hasattr(pd.arrays, "IntegerArray"):
        arr = pd.array(s)
        mask = np.asarray(arr.isna())
        raw = arr.to_numpy(dtype=np.float64, na_value=np.nan)
        filled = np.where(mask, 0, raw)
        if not len(filled) or (filled.min() >= -R_INT_MAX and filled.max() <= R_INT_MAX):
            vals = filled.astype(np.int32)
            vals[mask] = INT_MIN
            o, c = _alloc(_R.INTSXP, len(vals))
            if len(vals):
                _np_writable(c, np.int32, (len(vals),))[:] = vals
            return o
        return _ndarray_to_r(raw)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind == "f":
        return _ndarray_to_r(pd.array(s).to_numpy(dtype=np.float64, na_value=np.nan))
    if isinstance(dtype, pd.StringDtype):
        return _mk_strsxp([None if _is_na_scalar(x) else str(x) for x in s.tolist()])
    if isinstance(dtype, np.dtype):
        if dtype.kind == "M":
            return _datetime64_to_r(np.asarray(s), None)
        if dtype.kind == "O":
            return _object_values_to_r(list(s.tolist()) if hasattr(s, "tolist") else list(s))
        return _ndarray_to_r(np.asarray(s))
    return _object_values_to_r(list(s))


def _default_index(index, n: int) -> bool:
    pd = _pd()
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and len(index) == n


def _series_to_r(s):
    o = _series_values_to_r(s)
    if not _default_index(s.index, len(s)):
        _set(_cd(o), _R.S_names, _mk_strsxp([str(x) for x in s.index]))
    return o


def _index_to_r(idx):
    pd = _pd()
    if isinstance(idx, pd.DatetimeIndex):
        return _datetime_index_to_r(idx)
    return _series_values_to_r(pd.Series(idx, copy=False))


def _dataframe_to_r(df):
    pd = _pd()
    n = len(df)
    cols = []
    for i in range(df.shape[1]):
        cols.append(_series_values_to_r(df.iloc[:, i]))
    names = [str(c) if not isinstance(c, tuple) else ".".join(map(str, c)) for c in df.columns]
    o = _make_list(cols, names)
    c = _cd(o)
    set_class(o, ["data.frame"])
    idx = df.index
    if _default_index(idx, n):
        rn = _mk_ints([INT_MIN, -n])
    elif not idx.is_unique:
        warnings.warn("the DataFrame index has duplicates, which R row names cannot have; "
                      "the R data.frame gets automatic row names", RuntimeWarning, stacklevel=3)
        rn = _mk_ints([INT_MIN, -n])
    elif pd.api.types.is_integer_dtype(idx.dtype) and len(idx) and \
            idx.min() >= -R_INT_MAX and idx.max() <= R_INT_MAX:
        rn = _mk_ints([int(x) for x in idx])
    else:
        rn = _mk_strsxp([str(x) for x in idx])
    _set(c, _R.S_rownames, rn)
    return o


def _rfunction_to_r(obj):
    return obj.rfunction


def _function_to_r(obj):
    from . import handles
    return handles.r_function(obj)


def _handle_to_r(obj):
    from . import handles
    return handles.new_handle(obj)


def _pd():
    import pandas as pd
    return pd


def _rlist_class():
    try:
        from rkeras.rlist import RList
    except Exception:
        return None
    return RList


def _is_rlist(obj) -> bool:
    RList = _rlist_class() if "rkeras.rlist" in sys.modules else None
    return RList is not None and isinstance(obj, RList)


def _pandas_type(name: str):
    def pred(obj, _name=name):
        pd = sys.modules.get("pandas")
        if pd is None:
            return False
        t = getattr(pd, _name, None)
        return t is not None and isinstance(obj, t)
    pred.__qualname__ = f"isinstance(obj, pandas.{name})"
    return pred


def _is_sexp_obj(obj) -> bool:
    return type(obj).__module__.startswith("rpy2.") and _is_sexp(obj)


def _is_plain_function(obj) -> bool:
    import functools
    import types
    return isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                            functools.partial))


def _always(obj) -> bool:
    return True


# --------------------------------------------------------------------------
# The built-in rules, in order (registered rules go in front of these).
# --------------------------------------------------------------------------
def _install_builtin_rules() -> None:
    # Python -> R
    add = lambda m, f: TO_R.add(m, f, first=False)
    add(_is_sexp_obj, _sexp_passthrough)
    add(RFunction, _rfunction_to_r)
    add(type(None), _none_to_r)
    add(_is_pd_na, _pd_na_to_r)
    add((bool, np.bool_), _bool_to_r)
    add((int, np.integer), _int_to_r)
    add((float, np.floating), _float_to_r)
    add((complex, np.complexfloating), _complex_to_r)
    add(str, _str_to_r)
    add((bytes, bytearray, memoryview), _bytes_to_r)
    add(np.datetime64, _datetime64_scalar_to_r)
    add(np.ma.MaskedArray, _masked_to_r)
    add(np.ndarray, _ndarray_to_r)
    add(_pandas_type("DataFrame"), _dataframe_to_r)
    add(_pandas_type("Series"), _series_to_r)
    add(_pandas_type("Categorical"), _categorical_to_r)
    add(_pandas_type("Index"), _index_to_r)
    add(_dt.datetime, _datetime_to_r)      # before date: datetime is a date
    add(_dt.date, _date_to_r)
    add(_is_rlist, _rlist_to_r)
    add(Mapping, _mapping_to_r)
    add(StrList, _strlist_to_r)
    add(UnnamedList, _unnamed_list_to_r)
    add((list, tuple), _sequence_to_r)
    add(range, _range_to_r)
    add(_is_plain_function, _function_to_r)
    add(_always, _handle_to_r)

    # R -> Python: classes first (walked in S3 order), then storage types.
    addp = lambda m, f: TO_PYTHON.add(m, f, first=False)
    addp("data.frame", _dataframe_to_python)
    addp("factor", _factor_to_python)
    addp("Date", _date_to_python)
    addp("POSIXct", _posixct_to_python)
    addp("rkeras_py_object", _extptr_to_python)


def _install_type_rules() -> None:
    """Storage-type rules need R's SEXPTYPE numbers; they are fixed by R's ABI."""
    addp = lambda m, f: TO_PYTHON.add(m, f, first=False)
    # SEXPTYPE codes from Rinternals.h (stable across R versions).
    NILSXP, LISTSXP, CLOSXP, ENVSXP = 0, 2, 3, 4
    SPECIALSXP, BUILTINSXP, LGLSXP, INTSXP, REALSXP, CPLXSXP, STRSXP = 7, 8, 10, 13, 14, 15, 16
    VECSXP, EXTPTRSXP, RAWSXP = 19, 22, 24
    addp(NILSXP, _null_to_python)
    addp(REALSXP, _numeric_to_python)
    addp(INTSXP, _numeric_to_python)
    addp(LGLSXP, _numeric_to_python)
    addp(CPLXSXP, _numeric_to_python)
    addp(STRSXP, _character_to_python)
    addp(VECSXP, _list_to_python)
    addp(LISTSXP, _pairlist_to_python)
    addp(RAWSXP, _raw_to_python)
    addp(CLOSXP, _closure_to_python)
    addp(BUILTINSXP, _closure_to_python)
    addp(SPECIALSXP, _closure_to_python)
    addp(EXTPTRSXP, _keep_as_is)
    addp(ENVSXP, _keep_as_is)


_install_builtin_rules()
_install_type_rules()


# ==========================================================================
# Factors for Keras
# ==========================================================================
class FactorCodes(NamedTuple):
    """0-based integer codes of a factor, with its levels."""

    codes: np.ndarray        # int32, 0-based; -1 for NA when na="minus1"
    levels: list
    ordered: bool


def factor_codes(x: Any, *, na: str = "error") -> FactorCodes:
    """0-based integer codes and levels of an R factor (or pandas categorical).

    Keras wants class labels 0..K-1; R factors store 1..K. This gives the
    codes as an int32 array (one copy), the levels in order and the ordered
    flag. keras3 does the same (``as.integer(x) - 1L``).

    Args:
        x: an R factor (rpy2 object), a ``pandas.Categorical`` or a
            categorical ``pandas.Series``.
        na: what to do with NA: ``"error"`` (default) raises ``ValueError``
            naming the first NA position (1-based, as in R); ``"minus1"``
            gives code -1 there (pandas's convention).

    Returns:
        :class:`FactorCodes` ``(codes, levels, ordered)``.
    """
    if na not in ("error", "minus1"):
        raise ValueError(f"na must be 'error' or 'minus1', not {na!r}")
    if _is_sexp(x):
        with _session.entered():
            _R.init()
            cd = _cd(x)
            if "factor" not in _rclass(cd) or _typeof(cd) != _R.INTSXP:
                raise TypeError(f"factor_codes(): not an R factor (class {list(_rclass(cd))}, "
                                f"type {_typeof(cd)})")
            view, levels, ordered = _factor_parts(x)
            codes = view.astype(np.int32) - 1
            codes[view == INT_MIN] = -1
    else:
        pd = _pd()
        cat = pd.Categorical(x) if not isinstance(x, pd.Categorical) else x
        codes = np.asarray(cat.codes, dtype=np.int32).copy()
        levels = [str(c) for c in cat.categories]
        ordered = bool(cat.ordered)
    if na == "error" and codes.size and codes.min() < 0:
        bad = np.flatnonzero(codes < 0)
        raise ValueError(
            f"factor has {bad.size} NA value(s), first at position {int(bad[0]) + 1} (1-based); "
            f"class labels cannot be missing. Drop those rows or use factor_codes(x, na='minus1').")
    return FactorCodes(codes, levels, ordered)


# ==========================================================================
# rpy2 converter using these rules
# ==========================================================================
_CONVERTER = None


def converter():
    """An ``rpy2.robjects.conversion.Converter`` whose rules are :func:`to_r` / :func:`to_python`.

    rkeras sets it (not a copy: the ``ContextVar`` is set directly) for the
    calling thread on every entry into R, so ``rpy2.robjects`` code run by
    rkeras, including Python functions called from R, converts with the same
    rules. Use it yourself with ``with converter().context(): ...``.
    """
    global _CONVERTER
    if _CONVERTER is None:
        from rpy2.robjects.conversion import Converter
        import rpy2.rinterface as ri
        cv = Converter("rkeras")

        @cv.py2rpy.register(object)
        def _py2rpy(obj):
            return _to_r(obj) if _R.ready else to_r(obj)

        @cv.rpy2py.register(object)
        def _rpy2py(obj):
            if isinstance(obj, ri.Sexp):
                return to_python(obj)
            return obj

        _CONVERTER = cv
    return _CONVERTER
