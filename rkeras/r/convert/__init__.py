"""R <-> Python conversion: to_python, to_r, register_to_r / register_to_python, factor_codes, converter().

:func:`to_python` (R -> Python) and :func:`to_r` (Python -> R) each look their
argument up in an ordered rule table (:mod:`.rules`), first match wins, in the
style of rpy2's converters. Other modules extend them::

    @register_to_r(KerasTrainingHistory)
    def _(history): ...                       # -> an rpy2 object

    @register_to_python("keras_training_history")
    def _(robj): ...                          # -> a Python object

Registered rules go in front of the built-in ones. ``to_python`` first walks
the object's R ``class`` attribute in order (S3 style: ``c("ordered",
"factor")`` finds a ``"factor"`` rule) and then tries the storage-type and
predicate rules. ``to_r`` tries its rules in order; Python objects no rule
matches become R handles (:mod:`rkeras.r.handles`), so nothing fails to cross.

The rules, by topic: :mod:`.to_python` (with the conversion table and the NA
and memory policy), :mod:`.to_r` (numpy fast paths, pandas), :mod:`.dates`
(Date/POSIXct both ways), :mod:`.functions` (functions both ways).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .. import session, sexp
from ..sexp import INTSXP, NA_INTEGER, R, cdata, is_sexp, rclass, set_class, typeof
from . import to_python as _to_python_rules
from . import to_r as _to_r_rules
from .functions import RFunction, r_function
from .rules import (TO_PYTHON, TO_R, ConvertOptions, RuleTable, StrList, UnnamedList, r_value,
                    register_to_python, register_to_r)
from .to_python import factor_parts, to_python
from .to_r import to_r

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
    "r_function",
    "set_class",
    "set_attr",
]

for _matcher, _function in _to_r_rules.RULES:
    TO_R.add(_matcher, _function, first=False)
for _matcher, _function in _to_python_rules.RULES:
    TO_PYTHON.add(_matcher, _function, first=False)


def set_attr(robj, name: str, value) -> None:
    """Set an attribute of an rpy2 object (in place); ``value`` is an rpy2 object or a Python value."""
    with session.entered():
        R.ensure()
        if not isinstance(value, R.ri.Sexp):
            value = r_value(value)
        sexp.set_attr(cdata(robj), R.rlib.Rf_install(name.encode()), value)


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
    if is_sexp(x):
        with session.entered():
            R.ensure()
            cd = cdata(x)
            if "factor" not in rclass(cd) or typeof(cd) != INTSXP:
                raise TypeError(f"factor_codes(): not an R factor (class {list(rclass(cd))}, "
                                f"type {typeof(cd)})")
            view, levels, ordered = factor_parts(x)
            codes = view.astype(np.int32) - 1
            codes[view == NA_INTEGER] = -1
    else:
        import pandas as pd
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
    calling thread on every entry into R (:func:`rkeras.r.session.use_converter`),
    so ``rpy2.robjects`` code run by rkeras, including Python functions called
    from R, converts with the same rules. Use it yourself with
    ``with converter().context(): ...``.
    """
    global _CONVERTER
    if _CONVERTER is None:
        import rpy2.rinterface as ri
        from rpy2.robjects.conversion import Converter
        cv = Converter("rkeras")

        @cv.py2rpy.register(object)
        def _py2rpy(obj):
            return to_r(obj)

        @cv.rpy2py.register(object)
        def _rpy2py(obj):
            if isinstance(obj, ri.Sexp):
                return to_python(obj)
            return obj

        _CONVERTER = cv
    return _CONVERTER


session.use_converter(converter)
