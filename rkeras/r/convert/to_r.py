"""Python -> R: the built-in rules of :data:`rkeras.r.convert.rules.TO_R`, numpy fast paths, and :func:`to_r`.

The mirror of :mod:`.to_python`; in addition ``tuple`` -> unnamed list, a
list/tuple of ``str`` -> character vector, numpy scalars and 0-d arrays ->
length-1 vectors, dates and times (:mod:`.dates`), plain Python functions ->
R functions (:func:`~rkeras.r.convert.functions.r_function`), any other
object -> an R handle (:mod:`rkeras.r.handles`), so nothing fails to cross.

dtypes: R double <- float16/32/64 (and longdouble, rounded); R integer <-
bool-free integer arrays whose values all lie in R's integer range
[-2147483647, 2147483647] (INT_MIN is R's NA); otherwise R double (exact up
to 2**53; a ``RuntimeWarning`` beyond). Python ``int`` scalars likewise; ints
beyond the double range become +-Inf with a warning. Never ``OverflowError``.

NA: a NaN in any float array becomes ``NA_real_``; ``None``, ``pd.NA`` and
float NaN in object or string columns -> ``NA_character_``; ``pd.NA`` in a
nullable column -> that column type's NA; a bare ``pd.NA`` -> logical ``NA``.

numpy -> R copies once: values are written (cast and transposed to R's
column-major order in the same pass, :mod:`.column_major`) straight into a
freshly allocated R vector. A DataFrame becomes a data.frame with its column types; its index
becomes row names (a default ``RangeIndex`` -> automatic row names; a
duplicated index is dropped with a warning).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import sys
import types
import warnings
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np

from ...rlist import RList
from .. import handles, session
from ..sexp import (
    CPLXSXP,
    INTSXP,
    LGLSXP,
    NA_INTEGER,
    R_INT_MAX,
    RAWSXP,
    REALSXP,
    R,
    alloc,
    cdata,
    dim_vector,
    int_vector,
    is_sexp,
    make_list,
    memory_bytes,
    nan_to_na,
    new_vector,
    real_vector,
    set_attr,
    set_class,
    str_vector,
    wrap,
    writable_view,
)
from .attributes import rarray_to_r
from .column_major import fill
from .dates import (
    date_to_r,
    dates_to_r,
    datetime64_scalar_to_r,
    datetime64_to_r,
    datetime_index_to_r,
    datetime_to_r,
    nat_to_r,
    timedelta64_to_r,
)
from .functions import RFunction, r_function
from .rarray import RArray
from .rules import NAName, StrList, UnnamedList, r_value

__all__ = ["to_r", "RULES", "BEFORE_TO_R", "array_to_r", "vector_to_r"]

_DOUBLE_EXACT = 2 ** 53

BEFORE_TO_R: list[Callable[[Any], None]] = []
"""Functions called with the object before each :func:`to_r` (e.g. rkeras.r.on_demand's)."""


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
    for hook in BEFORE_TO_R:
        hook(obj)
    with session.entered():
        R.ensure()
        return r_value(obj)


def _sexp_passthrough(obj):
    return obj


def _none_to_r(obj):
    return R.ri.NULL


def _bool_to_r(obj):
    return new_vector(LGLSXP, [1 if obj else 0])


def _int_to_r(obj):
    v = int(obj)
    if -R_INT_MAX <= v <= R_INT_MAX:
        return new_vector(INTSXP, [v])
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
    return real_vector([float(obj)])


def _complex_to_r(obj):
    return new_vector(CPLXSXP, [complex(obj)])


def _str_to_r(obj):
    return str_vector([str(obj)])


def _bytes_to_r(obj):
    b = bytes(obj)
    o, c = alloc(RAWSXP, len(b))
    if b:
        R.ffi.memmove(R.rlib.DATAPTR(c), b, len(b))
    return o


_unlimited_process: bool | None = None


def _process_can_allocate(nbytes: int) -> bool:
    """Can malloc of `nbytes` not fail here? Linux's heuristic overcommit, no ``ulimit -v``, room to spare."""
    global _unlimited_process
    if _unlimited_process is None:
        try:
            import resource
            with open("/proc/sys/vm/overcommit_memory") as fh:
                heuristic = fh.read().strip() == "0"
            no_ulimit = resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY
            _unlimited_process = heuristic and no_ulimit
        except (OSError, ValueError, ImportError):
            _unlimited_process = False
    return _unlimited_process and nbytes < memory_bytes() // 2


def _fresh_vector(rtype: int, n: int, itemsize: int):
    """A new R vector to fill, (rpy2 object, SEXP), without R's zero-fill where that is safe.

    ``sexp.alloc`` makes large vectors with R's ``vector()`` under R's error
    protection, because a failing ``Rf_allocVector`` outside an R evaluation
    would longjmp over Python. ``vector()`` also writes zeros over the whole
    vector: a first pass over fresh memory, page by page, before the real one
    (measured 420-480 ms of the 60000x784 doubles' ~600 ms ``to_r``). The only
    ways ``Rf_allocVector`` fails are R's vector limit (``mem.maxVSize()``) and
    a failing ``malloc`` (``ulimit -v``, strict overcommit, more than the
    machine has); where none of them can happen, it is called directly.
    """
    nbytes = n * itemsize
    if nbytes >= (1 << 20) and _process_can_allocate(nbytes):
        limit = session.get_r().ri.baseenv["mem.maxVSize"]()
        if len(limit) and math.isinf(limit[0]):
            c = R.rlib.Rf_allocVector(rtype, n)
            return wrap(c), c
    return alloc(rtype, n)


def _fill(c, dtype, shape, src: np.ndarray, check: str | None = None) -> tuple[np.ndarray, bool]:
    """Copy (cast + reorder) ``src`` into a fresh R vector in one pass: (view, NA marker seen).

    :func:`.column_major.fill`: ``check`` "int" = int32 ``INT_MIN``, "nan" = a NaN.
    """
    dst = writable_view(c, dtype, shape)
    return dst, fill(dst, src, check)


def _int_kind_fits(a: np.ndarray) -> bool:
    """True if an integer array can be an R integer vector (no value is NA_INTEGER/out of range)."""
    dt = a.dtype
    if dt.itemsize < 4 or a.size == 0:
        return True
    if dt == np.int32:
        return int(a.min()) != NA_INTEGER           # one pass: only NA_integer_ does not fit
    lo, hi = a.min(), a.max()
    return int(lo) >= -R_INT_MAX and int(hi) <= R_INT_MAX


def _int_array_to_r(a: np.ndarray, n: int, shape) -> Any:
    """An integer array as an R integer vector, or double where a value does not fit."""
    if a.dtype == np.int32:
        # int32: only NA_integer_ (its minimum) does not fit; check it during the copy.
        o, c = _fresh_vector(INTSXP, n, 4)
        _, has_na = _fill(c, np.int32, shape, a, "int")
        if not has_na:
            return o
    elif _int_kind_fits(a):
        o, c = _fresh_vector(INTSXP, n, 4)
        _fill(c, np.int32, shape, a)
        return o
    if a.size and max(abs(int(a.min())), abs(int(a.max()))) > _DOUBLE_EXACT:
        warnings.warn("integer array values beyond 2**53 lose precision as R doubles",
                      RuntimeWarning, stacklevel=4)
    o, c = _fresh_vector(REALSXP, n, 8)
    _fill(c, np.float64, shape, a)
    return o


def _ndarray_to_r(a: np.ndarray, keep_nan: bool = False):
    a = np.asarray(a)
    if a.ndim == 0:
        shape, dim = (1,), None
        a = a.reshape(1)
    else:
        shape, dim = a.shape, (a.shape if a.ndim >= 2 else None)
    n = a.size
    kind = a.dtype.kind
    if kind == "b":
        o, c = _fresh_vector(LGLSXP, n, 4)
        _fill(c, np.int32, shape, a)
    elif kind in "iu":
        o = _int_array_to_r(a, n, shape)
    elif kind == "f":
        o, c = _fresh_vector(REALSXP, n, 8)
        dst, has_nan = _fill(c, np.float64, shape, a, None if keep_nan else "nan")
        if has_nan:
            nan_to_na(dst)
    elif kind == "c":
        o, c = alloc(CPLXSXP, n)
        _fill(c, np.complex128, shape, a)
    elif kind in "US":
        flat = a.reshape(-1, order="F")
        # bytes that are not UTF-8 keep their bytes in R (surrogateescape, as R strings come back)
        vals = [x.decode("utf-8", "surrogateescape") if isinstance(x, bytes) else str(x)
                for x in flat.tolist()]
        o = str_vector(vals)
    elif kind == "O":
        flat = a.reshape(-1, order="F").tolist()
        o = _object_values_to_r(flat, allow_list=True)
    elif kind == "M":
        o = datetime64_to_r(a.reshape(-1, order="F"), None)
    elif kind == "m":
        o = timedelta64_to_r(a)
    elif kind == "V" and a.dtype.names:
        import pandas as pd
        return _dataframe_to_r(pd.DataFrame(a.reshape(-1)))
    else:
        return handles.new_handle(a)
    if dim is not None:
        set_attr(cdata(o), R.S_dim, dim_vector(dim, n))
    return o


def array_to_r(a: np.ndarray):
    """A NumPy array as reticulate gives it: always with `dim`, 1-d too (``int [1:60000(1d)]``).

    :func:`to_r` makes a 1-d array a plain vector (what Python users of the
    converter expect); R code written for keras3 sees 1-d arrays where keras3
    returns them (the R front end's results, ``as.array(<tensor>)``).
    """
    a = np.asarray(a)
    if a.dtype.kind in "iu" and (a.dtype.itemsize == 8 or a.dtype == np.uint32):
        # reticulate: int64 / uint32 / uint64 arrays are R doubles (int8 ... int32 integers),
        # so as.array(<int64 tensor>) is num in keras3.
        a = a.astype(np.float64)
    o = _ndarray_to_r(a, keep_nan=True)     # reticulate: NaN stays NaN (R's NA bits stay NA)
    if a.ndim == 1 and a.dtype.kind in "biufcUS":
        with session.entered():
            set_attr(cdata(o), R.S_dim, dim_vector(a.shape, a.size))
    return o


def vector_to_r(a: np.ndarray):
    """A 1-d NumPy array as reticulate gives a Python list of numbers: an R vector, NaN kept NaN."""
    return _ndarray_to_r(np.asarray(a), keep_nan=True)


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
        return str_vector([None if m else x for x, m in zip(values, na)])
    if kinds == {"b"}:
        return new_vector(LGLSXP, [NA_INTEGER if m else (1 if x else 0) for x, m in zip(values, na)])
    if kinds and kinds <= {"i", "f"}:
        fl = np.array([np.nan if m else float(x) for x, m in zip(values, na)], dtype=np.float64)
        if kinds == {"i"}:
            ints = [0 if m else int(x) for x, m in zip(values, na)]
            if all(-R_INT_MAX <= v <= R_INT_MAX for v in ints):
                return int_vector([NA_INTEGER if m else v for v, m in zip(ints, na)])
        return _ndarray_to_r(fl)
    if kinds == {"d"}:
        return dates_to_r([None if m else x for x, m in zip(values, na)])
    if kinds in ({"dt"}, {"dt", "d"}):
        import pandas as pd
        return datetime_index_to_r(pd.DatetimeIndex([pd.NaT if m else pd.Timestamp(x)
                                                       for x, m in zip(values, na)]))
    if not allow_list:
        return str_vector([None if m else str(x) for x, m in zip(values, na)])
    return make_list([r_value(x) for x in values])


def _pd_na_to_r(obj):
    import pandas as pd
    if obj is pd.NaT:
        return nat_to_r()
    return new_vector(LGLSXP, [NA_INTEGER])


def _is_pd_na(obj) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and (obj is pd.NA or obj is pd.NaT)


def _mapping_to_r(obj):
    keys = list(obj.keys())
    # {1: .., "1": ..} would become two elements named "1" (R's names are strings).
    return make_list([r_value(obj[k]) for k in keys], distinct_labels(keys, "dict key"))


def _rlist_to_r(obj):
    items = obj.items()
    o = make_list([r_value(v) for _, v in items])
    # None = no name (""); NA_NAME = an NA name (to_python's for R's NA names)
    set_attr(cdata(o), R.S_names, str_vector([None if isinstance(n, NAName) else ("" if n is None else n)
                                               for n, _ in items]))
    return o


def _unnamed_list_to_r(obj):
    return make_list([r_value(x) for x in obj])


def _strlist_to_r(obj):
    return str_vector([None if x is None else str(x) for x in obj])


def _sequence_to_r(obj):
    seq = list(obj)
    # str (and None = NA) only, at least one str: a character vector
    if seq and all(isinstance(x, str) or x is None for x in seq) and any(x is not None for x in seq):
        return str_vector(seq)
    return make_list([r_value(x) for x in seq])


def _range_to_r(obj):
    return _ndarray_to_r(np.arange(obj.start, obj.stop, obj.step))


def distinct_labels(labels, what: str) -> list:
    """Labels as R strings; refuses labels that differ in Python but print the same.

    R factor levels and row names are strings, so ``1`` and ``"1"`` would
    become one duplicated level (an invalid factor) or row name (issue 14).
    """
    texts = [str(x) for x in labels]
    if len(set(texts)) != len(texts):
        from ...errors import ArgumentError
        seen: dict = {}
        for x, t in zip(labels, texts):
            if t in seen:
                raise ArgumentError(
                    f"the {what} values {seen[t]!r} and {x!r} are different in Python but both "
                    f"become {t!r} in R, which needs distinct strings. Make them one type "
                    f"first (e.g. .astype(str) / .rename_categories(str)).")
            seen.setdefault(t, x)
    return texts


def _categorical_to_r(cat):
    import pandas as pd
    cat = pd.Categorical(cat)
    codes = np.asarray(cat.codes).astype(np.int32) + 1
    codes[codes == 0] = NA_INTEGER
    o = int_vector(codes)
    set_attr(cdata(o), R.S_levels, str_vector(distinct_labels(cat.categories, "category")))
    set_class(o, ["ordered", "factor"] if cat.ordered else ["factor"])
    return o


def _series_values_to_r(s):
    """The values of a pandas Series / Index (no names) as an R vector."""
    import pandas as pd
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _categorical_to_r(pd.Categorical(s))
    if isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)):
        from ...errors import DataError
        hint = ("s.dt.to_timestamp() (the periods' start times) or s.astype(str)"
                if isinstance(dtype, pd.PeriodDtype) else
                "s.array.left / s.array.right (the bounds, as two columns) or s.astype(str)")
        raise DataError(f"pandas {dtype} values have no R type; convert them first: {hint}.")
    if isinstance(dtype, pd.DatetimeTZDtype):
        return datetime_index_to_r(pd.DatetimeIndex(s))
    if isinstance(dtype, pd.BooleanDtype):
        arr = pd.array(s, dtype="boolean")
        vals = np.asarray(arr.to_numpy(dtype=np.int32, na_value=NA_INTEGER))
        return new_vector(LGLSXP, vals)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu" \
            and hasattr(pd.arrays, "IntegerArray"):
        arr = pd.array(s)
        mask = np.asarray(arr.isna())
        raw = arr.to_numpy(dtype=np.float64, na_value=np.nan)
        filled = np.where(mask, 0, raw)
        if not len(filled) or (filled.min() >= -R_INT_MAX and filled.max() <= R_INT_MAX):
            vals = filled.astype(np.int32)
            vals[mask] = NA_INTEGER
            return int_vector(vals)
        return _ndarray_to_r(raw)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind == "f":
        return _ndarray_to_r(pd.array(s).to_numpy(dtype=np.float64, na_value=np.nan))
    if isinstance(dtype, pd.StringDtype):
        return str_vector([None if _is_na_scalar(x) else str(x) for x in s.tolist()])
    if isinstance(dtype, np.dtype):
        if dtype.kind == "M":
            return datetime64_to_r(np.asarray(s), None)
        if dtype.kind == "O":
            return _object_values_to_r(list(s.tolist()) if hasattr(s, "tolist") else list(s))
        return _ndarray_to_r(np.asarray(s))
    return _object_values_to_r(list(s))


def _default_index(index, n: int) -> bool:
    import pandas as pd
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and len(index) == n


def _series_to_r(s):
    o = _series_values_to_r(s)
    if not _default_index(s.index, len(s)):
        set_attr(cdata(o), R.S_names, str_vector([str(x) for x in s.index]))
    return o


def _index_to_r(idx):
    import pandas as pd
    if isinstance(idx, pd.DatetimeIndex):
        return datetime_index_to_r(idx)
    return _series_values_to_r(pd.Series(idx, copy=False))


def _dataframe_to_r(df):
    import pandas as pd
    n = len(df)
    cols = []
    for i in range(df.shape[1]):
        cols.append(_series_values_to_r(df.iloc[:, i]))
    names = [str(c) if not isinstance(c, tuple) else ".".join(map(str, c)) for c in df.columns]
    o = make_list(cols, names)
    c = cdata(o)
    set_class(o, ["data.frame"])
    idx = df.index
    if _default_index(idx, n):
        rn = int_vector([NA_INTEGER, -n])
    elif not idx.is_unique:
        warnings.warn("the DataFrame index has duplicates, which R row names cannot have; "
                      "the R data.frame gets automatic row names", RuntimeWarning, stacklevel=3)
        rn = int_vector([NA_INTEGER, -n])
    elif pd.api.types.is_integer_dtype(idx.dtype) and len(idx) and \
            idx.min() >= -R_INT_MAX and idx.max() <= R_INT_MAX:
        rn = int_vector([int(x) for x in idx])
    else:
        if not isinstance(idx, pd.MultiIndex) and idx.hasnans:
            from ...errors import DataError
            raise DataError(
                f"the DataFrame index has a missing label (at position "
                f"{int(np.flatnonzero(np.asarray(idx.isna()))[0]) + 1}), and R row names cannot be NA. "
                f"Fill it first (df.rename(index={{None: 'name'}})) or df.reset_index(drop=True).")
        rn = str_vector(distinct_labels(idx, "index label"))
    set_attr(c, R.S_rownames, rn)
    return o


def _rfunction_to_r(obj):
    return obj.rfunction


def _pandas_type(name: str):
    """A predicate ``isinstance(obj, pandas.<name>)`` that never imports pandas."""
    def pred(obj, _name=name):
        pd = sys.modules.get("pandas")
        if pd is None:
            return False
        t = getattr(pd, _name, None)
        return t is not None and isinstance(obj, t)
    pred.__qualname__ = f"isinstance(obj, pandas.{name})"
    return pred


def _is_plain_function(obj) -> bool:
    return isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType,
                            functools.partial))


def _always(obj) -> bool:
    return True


RULES = [
    (is_sexp, _sexp_passthrough),
    (RFunction, _rfunction_to_r),
    (type(None), _none_to_r),
    (_is_pd_na, _pd_na_to_r),
    ((bool, np.bool_), _bool_to_r),
    ((int, np.integer), _int_to_r),
    ((float, np.floating), _float_to_r),
    ((complex, np.complexfloating), _complex_to_r),
    (str, _str_to_r),
    ((bytes, bytearray, memoryview), _bytes_to_r),
    (np.datetime64, datetime64_scalar_to_r),
    (RArray, rarray_to_r),
    (np.ma.MaskedArray, _masked_to_r),
    (np.ndarray, _ndarray_to_r),
    (_pandas_type("DataFrame"), _dataframe_to_r),
    (_pandas_type("Series"), _series_to_r),
    (_pandas_type("Categorical"), _categorical_to_r),
    (_pandas_type("Index"), _index_to_r),
    (_dt.datetime, datetime_to_r),      # before date: a datetime is a date
    (_dt.date, date_to_r),
    (RList, _rlist_to_r),
    (Mapping, _mapping_to_r),
    (StrList, _strlist_to_r),
    (UnnamedList, _unnamed_list_to_r),
    ((list, tuple), _sequence_to_r),
    (range, _range_to_r),
    (_is_plain_function, r_function),
    (_always, handles.new_handle),      # anything else: a handle (always last)
]
"""The built-in Python -> R rules, in order (installed by :mod:`rkeras.r.convert`)."""
