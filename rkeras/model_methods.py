"""Model and layer methods that keras3 exports as verbs.

`train_on_batch`, `test_on_batch`, `predict_on_batch` (one gradient step /
evaluation / prediction on one batch), `reset_state`, `quantize_weights`,
`get_state_tree` / `set_state_tree`, and the preprocessing layers' `adapt`,
`get_vocabulary` / `set_vocabulary`. Each takes the model or layer first, so it
pipes (`model >> train_on_batch(x, y)`); as in keras3, the batch verbs return
a named list of the metrics (one number when there is only the loss), and the
verbs that change their object return it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conventions import as_count, as_integer
from .errors import ArgumentError
from .model_data import as_model_data
from .pipe import unwrap
from .registry import verb_kind

__all__ = [
    "train_on_batch", "test_on_batch", "predict_on_batch", "reset_state",
    "quantize_weights", "get_state_tree", "set_state_tree",
    "adapt", "get_vocabulary", "set_vocabulary",
]


def _metrics(result: Any) -> Any:
    from .rlist import RList

    if isinstance(result, dict):
        if len(result) == 1:
            return float(next(iter(result.values())))
        return RList({k: float(v) for k, v in result.items()})
    return result


def _data(x: Any, role: str = "x") -> Any:
    return None if x is None else as_model_data(x, role)


@verb_kind("model")
def train_on_batch(object, x, y=None, sample_weight=None, class_weight=None):
    """One gradient update on one batch; the loss and metrics after it (keras3)."""
    return _metrics(unwrap(object).train_on_batch(
        _data(x), _data(y, "y"), sample_weight=sample_weight, class_weight=class_weight,
        return_dict=True))


@verb_kind("model")
def test_on_batch(object, x, y=None, sample_weight=None):
    """Loss and metrics of the model on one batch (keras3)."""
    return _metrics(unwrap(object).test_on_batch(_data(x), _data(y, "y"),
                                                 sample_weight=sample_weight, return_dict=True))


@verb_kind("model")
def predict_on_batch(object, x):
    """Predictions for one batch, as an array."""
    return unwrap(object).predict_on_batch(_data(x))


@verb_kind("function")
def reset_state(object):
    """Reset the state of a stateful layer, model or metric; returns it."""
    unwrap(object).reset_state()
    return object


@verb_kind("model")
def quantize_weights(object, mode, **kwargs):
    """Quantize the model's weights in place (`mode`: "int8", "float8", "int4" ...)."""
    unwrap(object).quantize(mode, **kwargs)
    return object


@verb_kind("model")
def get_state_tree(object, value_format="backend_tensor"):
    """The model's state (variables) as nested named lists (keras3's `get_state_tree`).

    `value_format = "array"` (keras3's R arrays) is Keras's "numpy_array".
    """
    if value_format in ("array", "r_array"):
        value_format = "numpy_array"
    return unwrap(object).get_state_tree(value_format)


@verb_kind("model")
def set_state_tree(object, state_tree):
    """Set the model's state from a tree as `get_state_tree()` returns it; returns the model."""
    unwrap(object).set_state_tree(state_tree)
    return object


@verb_kind("model")
def adapt(object, data, batch_size=None, steps=None):
    """Fit a preprocessing layer's state to `data` (vocabulary, mean ...); returns the layer."""
    layer = unwrap(object)
    if not hasattr(layer, "adapt"):
        raise ArgumentError(f"adapt(): a {type(layer).__name__} has no state to adapt; give a "
                            f"preprocessing layer (layer_normalization, layer_text_vectorization "
                            f"...).")
    if batch_size is not None:
        batch_size = as_count(batch_size, "batch_size", strict=True)
    if steps is not None:
        steps = as_integer(steps, "steps", minimum=1, strict=True)
    if isinstance(data, (list, tuple)):
        data = np.asarray(data)
    # Only the arguments given (keras3's capture_args): some layers' adapt() takes no batch_size.
    given = {k: v for k, v in (("batch_size", batch_size), ("steps", steps)) if v is not None}
    layer.adapt(data, **given)
    return object


@verb_kind("model")
def get_vocabulary(object, include_special_tokens=True):
    """The vocabulary of a lookup or text-vectorization layer."""
    return unwrap(object).get_vocabulary(include_special_tokens=include_special_tokens)


@verb_kind("model")
def set_vocabulary(object, vocabulary, idf_weights=None, **kwargs):
    """Set the vocabulary of a lookup or text-vectorization layer; returns the layer."""
    unwrap(object).set_vocabulary(vocabulary, idf_weights=idf_weights, **kwargs)
    return object
