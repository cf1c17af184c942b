"""Python -> R for an :class:`~.rarray.RArray`: the array, then the R attributes it kept."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ...rlist import RList
from ..sexp import R, cdata, dim_vector, make_list, set_attr, set_class, str_vector
from .dates import fractional_dates_to_r, timedelta64_to_r
from .rules import NAName, r_value

__all__ = ["rarray_to_r"]


def rarray_to_r(a):
    """An :class:`RArray` (an array from R): the array, then its R attributes put back."""
    attrs = a.r_attributes
    plain = np.asarray(a)
    classes = list(attrs.get("class") or [])
    if plain.dtype.kind == "m" and "difftime" in classes:
        return timedelta64_to_r(plain, attrs.get("units") or "secs")
    if plain.dtype.kind == "M" and "Date" in classes:
        return fractional_dates_to_r(plain)
    o = r_value(plain)     # the numpy rules (a plain ndarray)
    if not attrs or plain.dtype.kind not in "biufcUSO":
        return o
    c = cdata(o)
    set_attr(c, R.S_dim, dim_vector(plain.shape, plain.size))   # a 1-d R array (a table) keeps its dim
    if attrs.get("dimnames") is not None:
        set_attr(c, R.S_dimnames, _dimnames_to_r(attrs["dimnames"], plain.shape))
    if classes and "factor" not in classes:    # R refuses class "factor" on other types
        set_class(o, [str(x) for x in classes])
    return o


def _dimnames_to_r(dimnames, shape):
    """``RArray.r_attributes["dimnames"]`` -> an R list of character vectors, checked against ``shape``.

    Checked here because R's ``dimnames<-`` raises an R error (fatal outside R's
    error protection) for labels that do not fit the array.
    """
    from ...errors import DataError
    if isinstance(dimnames, RList):
        names, values = list(dimnames.names()), list(dimnames.values())
    elif isinstance(dimnames, Mapping):
        names, values = list(dimnames.keys()), list(dimnames.values())
    else:
        names, values = None, list(dimnames)
    bad = len(values) != len(shape) or any(
        v is not None and (isinstance(v, (str, bytes)) or len(v) != n) for v, n in zip(values, shape))
    if bad:
        raise DataError(
            f"r_attributes['dimnames'] of this RArray does not fit its shape {tuple(shape)}: it needs "
            f"one list of labels (or None) per axis, each as long as that axis. Fix it, or pass "
            f"np.asarray(x) for an array without R labels.")
    out = [R.ri.NULL if v is None else str_vector([None if x is None else str(x) for x in v])
           for v in values]
    if names is None:
        return make_list(out)
    o = make_list(out)
    set_attr(cdata(o), R.S_names, str_vector([None if isinstance(n, NAName) else ("" if n is None else str(n))
                                               for n in names]))
    return o
