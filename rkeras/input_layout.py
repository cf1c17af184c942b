"""What `fit` saw, applied again at `evaluate`/`predict`: data-frame columns by name, text inputs.

Column names
    A data frame becomes a matrix in column order (`rkeras.model_data`), so a
    frame whose columns come in another order at `predict` time would be read
    silently wrong. When `fit` gets a data frame (pandas, or an R data.frame
    through rpy2 or the R front end), its column names are remembered for the
    model; `evaluate`/`predict` then pick the columns by name (reordering
    them; extra columns are ignored, as R's `predict(lm, newdata)` does) and
    refuse a frame that lacks some, naming them.

    Where the names live: a `weakref.WeakKeyDictionary` keyed by the Keras
    model. The model stays a plain Keras object (no attribute, no subclass:
    Keras tracks attributes set on a layer and would serialise or complain
    about them), and the entry disappears with the model. The names do not
    survive `save_model`/`load_model`: a loaded model matches columns by
    position, as Keras does (pass a frame in the training order, or `fit`
    it again). An attribute would not survive saving either (Keras saves the
    config and weights only), so the side table costs nothing in that respect.

Text inputs
    A model whose single input has dtype `string` (e.g. `keras_input(shape=1,
    dtype="string") >> layer_text_vectorization(...)`) takes text: an array of
    strings (numpy `<U`/object, a pandas string column, an R character
    vector) is passed to Keras as a string tensor (Keras 3.15's data adapters
    refuse numpy object and `<U` arrays), one text per row. Anything else
    keeps the numeric checks.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .errors import DataError

__all__ = ["remember_columns", "match_columns", "trained_columns", "as_text_input"]

_COLUMNS: "weakref.WeakKeyDictionary[Any, tuple[str, ...]]" = weakref.WeakKeyDictionary()


def _is_r_object(value: Any) -> bool:
    return type(value).__module__.startswith("rpy2.")


def _python(value: Any) -> Any:
    if _is_r_object(value):
        from .r import to_python

        return to_python(value)
    return value


def _frame(value: Any):
    import sys

    pd = sys.modules.get("pandas")
    return value if pd is not None and isinstance(value, pd.DataFrame) else None


def trained_columns(model: Any) -> tuple[str, ...] | None:
    """The column names `fit` saw for `model`, or None."""
    try:
        return _COLUMNS.get(model)
    except TypeError:      # an object that cannot be weakly referenced
        return None


def remember_columns(model: Any, x: Any) -> Any:
    """At `fit`: note a data frame's column names for `model`; returns `x` (R objects converted)."""
    x = _python(x)
    frame = _frame(x)
    if frame is not None:
        try:
            _COLUMNS[model] = tuple(str(c) for c in frame.columns)
        except TypeError:
            pass
    return x


def match_columns(model: Any, x: Any, verb: str) -> Any:
    """At `evaluate`/`predict`: a data frame's columns in the order `fit` saw them.

    Raises:
        DataError: the frame lacks some of the training columns (named).
    """
    x = _python(x)
    frame = _frame(x)
    wanted = trained_columns(model)
    if frame is None or wanted is None:
        return x
    have = [str(c) for c in frame.columns]
    if have == list(wanted):
        return x
    missing = [c for c in wanted if c not in have]
    if missing:
        raise DataError(
            f"{verb}(): `x` lacks column(s) {', '.join(repr(c) for c in missing)} that fit() "
            f"trained on; its columns are {have}. Give a data frame with the training columns "
            f"({', '.join(wanted)}): they are matched by name.")
    by_name = {str(c): c for c in frame.columns}
    return frame[[by_name[c] for c in wanted]]


def _string_input(model: Any) -> bool:
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return False
    return bool(inputs) and len(inputs) == 1 and str(inputs[0].dtype) == "string"


def as_text_input(model: Any, x: Any) -> Any:
    """`x` as a string tensor (n, 1) when `model` takes text and `x` is text; else None."""
    if not _string_input(model):
        return None
    x = _python(x)
    shape = tuple(model.inputs[0].shape)
    if getattr(getattr(x, "dtype", None), "name", None) == "string" and len(getattr(x, "shape", ())) == 1:
        # A tf string vector laid out as an R character vector is (below): Keras
        # retraces predict() for a new rank and TextVectorization then fails
        # ("as_list() is not defined on an unknown TensorShape").
        if len(shape) == 2 and shape[1] == 1:
            import tensorflow as tf
            return tf.reshape(x, (-1, 1))
        return None
    if isinstance(x, str):
        x = [x]
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        frame = _frame(x)
        if frame is not None and frame.shape[1] != 1:
            return None
        x = x.to_numpy()
    if isinstance(x, (list, tuple)):
        x = np.asarray(x, dtype=object)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "OU" or x.size == 0:
        return None
    flat = x.ravel()
    if x.dtype.kind == "O" and not all(isinstance(v, (str, bytes)) for v in flat):
        bad = next(i for i, v in enumerate(flat) if not isinstance(v, (str, bytes)))
        raise DataError(f"`x` is text for a string input, but element {bad + 1} (1-based) is "
                        f"{flat[bad]!r}: give strings only (NA: replace it with \"\").")
    x = x.astype(object)
    if x.ndim == 1 and len(shape) == 2 and shape[1] == 1:
        # An R character vector (or a pandas column) is one text per sample.
        x = x.reshape(-1, 1)
    import keras

    if keras.backend.backend() == "tensorflow":
        # Keras 3.15's data adapters refuse numpy object/<U arrays ("Invalid dtype:
        # object"); a tf string tensor is what its string inputs take.
        import tensorflow as tf

        return tf.constant(x.astype(str))
    return x
