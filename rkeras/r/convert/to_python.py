"""R -> Python: the built-in rules of :data:`rkeras.r.convert.rules.TO_PYTHON` and :func:`to_python`.

=======================================  ==========================================
R                                        Python
=======================================  ==========================================
double / integer / logical vector        1-D ``ndarray`` float64 / int32 / bool
... with ``dim``                         ``ndarray`` of that shape, R's index
                                         semantics: R ``x[i+1, j+1]`` is ``a[i, j]``
length 1, no names (``simplify=True``)   Python ``float`` / ``int`` / ``bool``
named vector (no ``dim``)                ``pandas.Series`` indexed by the names
character vector                         ``StrList`` (a ``list`` of ``str``, NA =
                                         ``None``; length 1: ``str``); with ``dim``:
                                         object ``ndarray``
complex / raw                            complex128 ``ndarray`` / ``bytes``
... with ``dimnames`` or a class         an :class:`RArray` (``ndarray`` subclass)
(``table``)                              keeping them in ``r_attributes``
factor (``ordered`` too)                 ``pandas.Categorical`` (levels in order;
                                         an NA level: ``DataError``)
Date / POSIXct / POSIXlt / difftime      see :mod:`.dates`
bit64 ``integer64``                      int64 (from the double's bits)
data.frame                               ``pandas.DataFrame`` (column types kept)
list with complete, unique names         ``dict`` (order kept)
list with some/duplicate names           ``rkeras.rlist.RList`` (NA name: ``NA_NAME``)
unnamed list                             ``UnnamedList`` (a ``list``)
NULL                                     ``None``
R function                               ``RFunction``; a wrapper made by
                                         ``r_function`` gives back the Python callable
rkeras handle (``rkeras_py_object``)     the very Python object (identity)
anything else (environments, S4, ...)    the rpy2 object unchanged
=======================================  ==========================================

NA: double NA/NaN -> NaN; an integer/logical vector **with** NA becomes
float64 with NaN there (in data frames: pandas ``Int32`` / ``boolean``);
without NA it stays int32 / bool; length-1 NA -> ``None``. The NA test is one
``min()`` pass over the zero-copy view (NA_integer_ is INT_MIN).

Memory: double, integer (without NA) and complex vectors come back as
**zero-copy**, read-only, Fortran-ordered views of R's memory
(:func:`rkeras.r.sexp.view`); logical vectors and vectors with NA are
converted with one copy; ``copy=True`` always returns writable, owned arrays.

Every type change, exactly: docs/conversions.md.

Data frames: automatic row names (1..n) <-> ``RangeIndex(0..n)``; other
integer row names -> an integer index (labels, not positions); character row
names -> a string index; list columns -> object columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...argument_checks import R_NA
from ...errors import DataError
from ...rlist import RList
from .. import handles, session
from ..sexp import (
    BUILTINSXP,
    CLOSXP,
    CPLXSXP,
    ENVSXP,
    EXTPTRSXP,
    INTSXP,
    LGLSXP,
    LISTSXP,
    NA_INTEGER,
    NILSXP,
    RAWSXP,
    REALSXP,
    SPECIALSXP,
    STRSXP,
    VECSXP,
    R,
    cdata,
    element,
    get_attr,
    is_sexp,
    rclass,
    shape_of,
    strings,
    typeof,
    view,
    wrap,
    writable_view,
)
from .dates import (
    date_to_python,
    date_values,
    difftime_to_python,
    posixct_to_python,
    posixct_values,
    posixlt_to_python,
)
from .functions import RFunction
from .rarray import with_r_attributes
from .rules import NA_NAME, ConvertOptions, StrList, UnnamedList, by_storage_type, python_value

__all__ = ["to_python", "RULES", "factor_parts", "categorical_from_factor"]


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
    if not is_sexp(robj):
        return robj
    with session.entered():
        R.ensure()
        return python_value(robj, ConvertOptions(copy, simplify))


def _has_na_int(vw: np.ndarray) -> bool:
    return vw.size > 0 and int(vw.min()) == NA_INTEGER


def _scalar(value, rtype):
    """A Python scalar from a length-1 numeric array element."""
    if rtype == REALSXP:
        return float(value)
    if rtype == CPLXSXP:
        return complex(value)
    return value.item()


def _numeric_to_python(robj, opts: ConvertOptions):
    """double / integer / logical / complex vectors and arrays."""
    c = cdata(robj)
    t = typeof(c)
    n = R.rlib.Rf_xlength(c)
    shape = shape_of(c)
    names = None
    if shape is None:
        nm = get_attr(c, R.S_names)
        if nm is not None:
            names = strings(nm)
    vw = view(robj, c, t, shape if shape is not None else (n,))
    if t == INTSXP or t == LGLSXP:
        if _has_na_int(vw):
            mask = vw == NA_INTEGER
            if opts.simplify and n == 1 and shape is None and names is None:
                return None
            arr = vw.astype(np.float64, order="K")      # the one copy
            if t == LGLSXP:
                np.not_equal(vw, 0, out=arr, where=~mask, casting="unsafe")  # TRUE may be any non-zero
            arr[mask] = np.nan
        elif t == LGLSXP:
            arr = vw != 0
        else:
            arr = np.array(vw, order="K") if opts.copy else vw
    else:
        arr = np.array(vw, order="K") if opts.copy else vw
    if names is not None:
        import pandas as pd
        return pd.Series(arr, index=pd.Index(names, dtype=object), copy=False)
    if opts.simplify and n == 1 and shape is None:
        return _scalar(arr[0], t)
    if shape is not None:
        return with_r_attributes(arr, array_attributes(c, opts))
    return arr


def array_attributes(c, opts: ConvertOptions) -> dict:
    """The R attributes an array keeps in Python (:class:`RArray`): ``dimnames`` and ``class``."""
    out = {}
    dn = get_attr(c, R.S_dimnames)
    if dn is not None:
        out["dimnames"] = python_value(wrap(dn), ConvertOptions(opts.copy, False))
    cls = rclass(c)
    if cls:
        out["class"] = list(cls)
    return out


def _character_to_python(robj, opts: ConvertOptions):
    c = cdata(robj)
    n = R.rlib.Rf_xlength(c)
    vals = strings(c)
    shape = shape_of(c)
    if shape is not None:
        a = np.empty(n, dtype=object)
        a[:] = vals
        return with_r_attributes(a.reshape(shape, order="F"), array_attributes(c, opts))
    nm = get_attr(c, R.S_names)
    if nm is not None:
        import pandas as pd
        return pd.Series(vals, index=pd.Index(strings(nm), dtype=object), dtype=object)
    if opts.simplify and n == 1:
        return vals[0]
    return StrList(vals)


def _raw_to_python(robj, opts: ConvertOptions):
    c = cdata(robj)
    n = R.rlib.Rf_xlength(c)
    shape = shape_of(c)
    if shape is not None:
        return np.array(view(robj, c, RAWSXP, shape), order="K")
    if n == 0:
        return b""
    return bytes(R.ffi.buffer(R.rlib.DATAPTR(c), n))


def _list_to_python(robj, opts: ConvertOptions):
    c = cdata(robj)
    n = R.rlib.Rf_xlength(c)
    values = [python_value(element(c, i), opts) for i in range(n)]
    nm = get_attr(c, R.S_names)
    if nm is None:
        return UnnamedList(values)
    names = strings(nm)
    if all(names) and len(set(names)) == len(names):
        return dict(zip(names, values))
    # "" is R's "no name" (None); an NA name is NA_NAME, which to_r gives back as NA.
    return RList.from_values(values, [NA_NAME if x is None else (x or None) for x in names])


def _pairlist_to_python(robj, opts: ConvertOptions):
    rlib = R.rlib
    c = cdata(robj)
    values, names = [], []
    node = c
    while node != R.NIL:
        values.append(python_value(wrap(rlib.CAR(node)), opts))
        tag = rlib.TAG(node)
        names.append(strings(rlib.Rf_ScalarString(rlib.PRINTNAME(tag)))[0] if tag != R.NIL else "")
        node = rlib.CDR(node)
    if any(names):
        if all(names) and len(set(names)) == len(names):
            return dict(zip(names, values))
        return RList.from_values(values, [x or None for x in names])
    return values


def _null_to_python(robj, opts):
    return None


def factor_parts(robj):
    """(int codes 1-based vw, levels list, ordered flag) of an R factor."""
    c = cdata(robj)
    lv = get_attr(c, R.S_levels)
    levels = strings(lv) if lv is not None else []
    ordered = "ordered" in rclass(c)
    n = R.rlib.Rf_xlength(c)
    vw = view(robj, c, INTSXP, (n,))
    return vw, levels, ordered


def categorical_from_factor(robj):
    import pandas as pd
    vw, levels, ordered = factor_parts(robj)
    if None in levels:
        raise DataError(
            f"this R factor has NA as one of its levels (level {levels.index(None) + 1} of "
            f"{len(levels)}; factor(..., exclude = NULL) or addNA() make one), and a pandas "
            f"Categorical cannot have a missing category. In R, give that level a name first: "
            f"levels(f)[is.na(levels(f))] <- \"(missing)\", or drop it with factor(f).")
    codes = vw.astype(np.int32) - 1
    codes[vw == NA_INTEGER] = -1
    # R allows duplicated levels only in broken factors; pandas refuses them.
    return pd.Categorical.from_codes(codes, categories=pd.Index(levels, dtype=object),
                                     ordered=ordered, validate=False)


def _factor_to_python(robj, opts):
    if typeof(cdata(robj)) != INTSXP:
        return by_storage_type(robj, opts)
    cat = categorical_from_factor(robj)
    nm = get_attr(cdata(robj), R.S_names)
    if nm is not None:
        import pandas as pd
        return pd.Series(cat, index=pd.Index(strings(nm), dtype=object))
    return cat


def _row_names_raw(c):
    """The row.names attribute as stored (compact form kept), or None."""
    rlib = R.rlib
    a = rlib.ATTRIB(c)
    sym = R.S_rownames
    while a != R.NIL:
        if rlib.TAG(a) == sym:
            return rlib.CAR(a)
        a = rlib.CDR(a)
    return None


def _row_index(c):
    """(pandas index, number of rows) for an R data frame."""
    import pandas as pd
    rn = _row_names_raw(c)
    rlib = R.rlib
    if rn is None:
        return None, None
    t = typeof(rn)
    n = rlib.Rf_xlength(rn)
    if t == INTSXP:
        if n == 2 and rlib.INTEGER_ELT(rn, 0) == NA_INTEGER:
            nrow = abs(rlib.INTEGER_ELT(rn, 1))
            return pd.RangeIndex(nrow), nrow
        vals = np.array(writable_view(rn, np.int32, (n,)), dtype=np.int64)
        if n == 0 or np.array_equal(vals, np.arange(1, n + 1)):
            return pd.RangeIndex(n), n
        return pd.Index(vals), n
    if t == REALSXP:
        vals = np.array(writable_view(rn, np.float64, (n,)))
        return pd.Index(vals), n
    if t == STRSXP:
        return pd.Index(strings(rn), dtype=object), n
    return pd.RangeIndex(n), n


def _column_to_python(col, opts):
    """One data-frame column -> something pandas takes as a column."""
    import pandas as pd
    c = cdata(col)
    t = typeof(c)
    classes = rclass(c)
    if classes:
        if "factor" in classes and t == INTSXP:
            return categorical_from_factor(col)
        if "Date" in classes and t in (REALSXP, INTSXP):
            return date_values(col)
        if "POSIXct" in classes and t in (REALSXP, INTSXP):
            return posixct_values(col)
    n = R.rlib.Rf_xlength(c)
    if t in (INTSXP, LGLSXP) and shape_of(c) is None:
        vw = view(col, c, t, (n,))
        if _has_na_int(vw):
            mask = vw == NA_INTEGER
            if t == INTSXP:
                return pd.arrays.IntegerArray(np.where(mask, 0, vw).astype(np.int32), mask)
            return pd.arrays.BooleanArray(vw == 1, mask)
        if t == LGLSXP:
            return vw != 0
        return np.array(vw) if opts.copy else vw
    if t == REALSXP and shape_of(c) is None and not classes:
        vw = view(col, c, t, (n,))
        return np.array(vw) if opts.copy else vw
    if t == STRSXP and shape_of(c) is None:
        a = np.empty(n, dtype=object)
        a[:] = strings(c)
        return a
    if t == VECSXP and not classes:
        a = np.empty(n, dtype=object)
        for i in range(n):
            a[i] = python_value(element(c, i), opts)
        return a
    v = python_value(col, ConvertOptions(opts.copy, False))
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
    import pandas as pd
    c = cdata(robj)
    if typeof(c) != VECSXP:
        return by_storage_type(robj, opts)
    ncol = R.rlib.Rf_xlength(c)
    nm = get_attr(c, R.S_names)
    names = strings(nm) if nm is not None else [f"V{i + 1}" for i in range(ncol)]
    index, nrow = _row_index(c)
    cols = [_column_to_python(element(c, i), opts) for i in range(ncol)]
    if nrow is None:
        nrow = len(cols[0]) if cols else 0
        index = pd.RangeIndex(nrow)
    df = pd.DataFrame({i: c for i, c in enumerate(cols)}, index=index, copy=opts.copy)
    df.columns = pd.Index([n if n is not None else "NA" for n in names], dtype=object)
    return df


def _integer64_to_python(robj, opts):
    """bit64's ``integer64``: 64-bit integers stored in a double's bits -> int64 (NA: float64 NaN)."""
    c = cdata(robj)
    if typeof(c) != REALSXP or get_attr(c, R.S_dim) is not None:
        return by_storage_type(robj, opts)
    n = R.rlib.Rf_xlength(c)
    ints = np.array(view(robj, c, REALSXP, (n,)).view(np.int64))
    na = ints == np.iinfo(np.int64).min
    out = ints
    if na.any():
        out = ints.astype(np.float64)
        out[na] = np.nan
    if opts.simplify and n == 1 and get_attr(c, R.S_names) is None:
        return None if na[0] else out.item()
    return out


def _closure_to_python(robj, opts):
    """An R function: the Python callable it wraps (r_function), else an RFunction."""
    fn = handles.python_callable_of(robj)
    if fn is not None:
        return fn
    return RFunction(robj)


def _handle_to_python(robj, opts):
    """An rkeras handle: the very Python object it stands for."""
    return handles.object_of(robj)


def _r_na_to_python(robj, opts):
    """A verb's NA argument, marked by the R front end (bridge.R .rk_mark_na)."""
    return R_NA


def _keep_as_is(robj, opts):
    """Environments, external pointers that are not handles ...: the rpy2 object itself."""
    return robj


RULES = [
    # R classes first (walked in S3 order), then storage types.
    ("data.frame", _dataframe_to_python),
    ("factor", _factor_to_python),
    ("Date", date_to_python),
    ("POSIXct", posixct_to_python),
    ("POSIXlt", posixlt_to_python),
    ("difftime", difftime_to_python),
    ("integer64", _integer64_to_python),
    ("rkeras_py_object", _handle_to_python),
    ("rkeras_r_na", _r_na_to_python),
    (NILSXP, _null_to_python),
    (REALSXP, _numeric_to_python),
    (INTSXP, _numeric_to_python),
    (LGLSXP, _numeric_to_python),
    (CPLXSXP, _numeric_to_python),
    (STRSXP, _character_to_python),
    (VECSXP, _list_to_python),
    (LISTSXP, _pairlist_to_python),
    (RAWSXP, _raw_to_python),
    (CLOSXP, _closure_to_python),
    (BUILTINSXP, _closure_to_python),
    (SPECIALSXP, _closure_to_python),
    (EXTPTRSXP, _keep_as_is),
    (ENVSXP, _keep_as_is),
]
"""The built-in R -> Python rules, in order (installed by :mod:`rkeras.r.convert`)."""
