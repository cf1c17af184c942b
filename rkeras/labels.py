"""Class labels from factors: the one routine that turns an R factor or a pandas category into 0..K-1.

R stores a factor as codes 1..K, pandas a Categorical as 0..K-1 (-1 for NA),
Keras wants 0..K-1. Every verb that takes labels (`to_categorical`, `fit`'s
and `evaluate`'s `y`, `class_weight`, the `y_true` of `loss_*`/`metric_*`)
goes through :func:`factor_codes` / :func:`as_labels`, whatever the path
the factor took: an rpy2 object, the result of `rkeras.r.to_python` (a
`pandas.Categorical`), a categorical `pandas.Series`/`Index`, or the R front
end (which converts with `to_python`). So `to_categorical(factor(c("a", "b")))`
has 2 columns, never an empty first one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .errors import ArgumentTypeError, DataError

__all__ = ["FactorCodes", "factor_codes", "is_factor", "as_labels"]


class FactorCodes(NamedTuple):
    """0-based integer codes of a factor, with its levels."""

    codes: np.ndarray        # int32, 0-based; -1 for NA when na="minus1"
    levels: list
    ordered: bool


def _is_r_object(value: Any) -> bool:
    return type(value).__module__.startswith("rpy2.")


def is_factor(value: Any) -> bool:
    """An R factor (rpy2), a `pandas.Categorical` or a categorical Series/Index."""
    if _is_r_object(value):
        from .r import to_python

        value = to_python(value)
    return _categorical(value) is not None


def _categorical(value: Any):
    import sys

    pd = sys.modules.get("pandas")   # nothing categorical exists before pandas is imported
    if pd is None:
        return None
    if isinstance(value, pd.Categorical):
        return value
    if isinstance(value, (pd.Series, pd.Index)) and isinstance(value.dtype, pd.CategoricalDtype):
        return pd.Categorical(value)
    return None


def factor_codes(x: Any, *, na: str = "error", role: str = "x") -> FactorCodes:
    """0-based integer codes and levels of an R factor or a pandas categorical.

    Keras wants class labels 0..K-1; R factors store 1..K. keras3 does the
    same (`as.integer(x) - 1L`).

    Args:
        x: an R factor (rpy2 object), a `pandas.Categorical`, or a categorical
            `pandas.Series` / `Index` (what `rkeras.r.to_python` makes of a factor).
        na: what to do with NA: `"error"` (default) raises naming the first NA
            position (1-based, as in R); `"minus1"` gives code -1 there
            (pandas's convention).
        role: the argument's name, for the error message.

    Returns:
        `FactorCodes(codes, levels, ordered)`, `codes` an int32 array.

    Raises:
        ArgumentTypeError: `x` is not a factor (also a TypeError).
        DataError: an NA with `na="error"` (also a ValueError).

    Example:
        >>> import pandas as pd
        >>> factor_codes(pd.Categorical(["b", "a", "b"])).codes
        array([1, 0, 1], dtype=int32)
    """
    if na not in ("error", "minus1"):
        raise ArgumentTypeError(f"factor_codes(): `na` must be 'error' or 'minus1'; got {na!r}.")
    value = x
    if _is_r_object(value):
        from .r import to_python

        value = to_python(value)
    cat = _categorical(value)
    if cat is None:
        raise ArgumentTypeError(
            f"factor_codes(): `{role}` is not a factor (an R factor, pandas.Categorical or "
            f"categorical Series); got {type(x).__name__}.")
    codes = np.asarray(cat.codes, dtype=np.int32).copy()
    if na == "error" and codes.size and codes.min() < 0:
        bad = np.flatnonzero(codes < 0)
        raise DataError(
            f"`{role}`: the factor has {bad.size} NA value(s), first at position "
            f"{int(bad[0]) + 1} (1-based); class labels cannot be missing. Drop those rows "
            f"(na.omit / dropna) or use factor_codes(x, na='minus1').")
    return FactorCodes(codes, [str(c) for c in cat.categories], bool(cat.ordered))


def as_labels(value: Any, role: str = "y") -> Any:
    """`value`'s 0-based codes when it is a factor (any path); anything else unchanged.

    Example:
        >>> import pandas as pd
        >>> as_labels(pd.Series(["x", "y", "x"], dtype="category"))
        array([0, 1, 0], dtype=int32)
        >>> as_labels([1, 2])
        [1, 2]
    """
    if _is_r_object(value):
        from .r import to_python

        converted = to_python(value)
        return factor_codes(converted, role=role).codes if _categorical(converted) is not None \
            else value
    if _categorical(value) is not None:
        return factor_codes(value, role=role).codes
    return value
