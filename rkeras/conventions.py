"""R keras3's argument conventions, in one place.

R has no integer literals (`512` is a double), no tuples and 1-based axes, so
R keras3 normalises arguments before they reach Python (its `capture_args` and
`as_integer`, `as_integer_tuple`, `normalize_shape`, `as_axis`). rkeras applies
the same rules to every verb, from Python and from R:

* integral floats become ints (`units=512.0` -> 512); `512.5` is an error;
* a shape may be an int, a list, a tuple or an array (`input_shape=784` ->
  `(784,)`); NA/None/NaN elements mean "any size";
* `axis` is 1-based for non-negative values (`axis=1` is numpy's axis 0;
  `axis=0` is an error); negative axes count from the end as in Python;
* epoch and layer indices are 1-based (`initial_epoch=1` is the first epoch);
* `verbose="auto"` is passed through; `None` is R's NULL.

Which argument gets which rule is decided by :func:`transform_for`, from the
argument's name and, for names it does not know, from the type of Keras's own
default value. Nothing here imports Keras.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np

from .errors import ArgumentError

Transform = Callable[[Any, str], Any]


def _is_missing(value: Any) -> bool:
    """R's NA (arrives as NaN or None) for a scalar."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _scalar(value: Any) -> Any:
    """Unwrap length-1 numpy arrays and numpy scalars (R's length-1 vectors)."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.ndim <= 1:
        return value.reshape(()).item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_integer(value: Any, arg: str, minimum: int | None = None) -> Any:
    """Coerce an integral number to `int`, as R keras3's `as_integer`.

    Anything that is not a number (None, strings, tensors, schedules) passes
    through unchanged, so Keras keeps its own handling of them.

    Args:
        value: the value given by the user.
        arg: the argument's name, for the error message.
        minimum: smallest accepted value (e.g. 1 for `units`), or None.

    Raises:
        ArgumentError: for a non-integral, boolean or too small number.

    Example:
        >>> as_integer(512.0, "units")
        512
    """
    value = _scalar(value)
    if isinstance(value, bool):
        raise ArgumentError(f"`{arg}` must be an integer; got the logical value {value}.")
    if not isinstance(value, numbers.Real):
        return value
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ArgumentError(f"`{arg}` must be an integer; got {value} (NA, NaN or Inf).")
    if value != int(value):
        raise ArgumentError(
            f"`{arg}` must be a whole number; got {value!r}, which is not integral."
        )
    value = int(value)
    if minimum is not None and value < minimum:
        kind = "positive" if minimum == 1 else f">= {minimum}"
        raise ArgumentError(f"`{arg}` must be {kind}; got {value}.")
    return value


def as_count(value: Any, arg: str) -> Any:
    """A size that must be >= 1 (units, filters, heads, batch size...)."""
    return as_integer(value, arg, minimum=1)


def as_nonnegative(value: Any, arg: str) -> Any:
    """An integer that must be >= 0 (epochs, patience, seeds...)."""
    return as_integer(value, arg, minimum=0)


def _elements(value: Any) -> list | None:
    """The elements of a list-like value, or None for a scalar."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.ravel().tolist() if value.ndim else None
    if hasattr(value, "as_list") and callable(value.as_list):  # TensorShape
        return list(value.as_list())
    return None


def as_integer_tuple(value: Any, arg: str, minimum: int | None = 1) -> Any:
    """`kernel_size = c(3, 3)` -> `(3, 3)`; a scalar stays a scalar int.

    Nested tuples (e.g. `padding = list(c(1, 1), c(2, 2))` for cropping) are
    converted element by element.
    """
    items = _elements(value)
    if items is None:
        return as_integer(value, arg, minimum=minimum)
    return tuple(
        as_integer_tuple(item, arg, minimum) if _elements(item) is not None
        else as_integer(item, arg, minimum=minimum)
        for item in items
    )


def as_padding(value: Any, arg: str) -> Any:
    """Padding or cropping sizes (>= 0); "same"/"valid" strings pass through."""
    return as_integer_tuple(value, arg, minimum=0)


def normalize_shape(value: Any, arg: str) -> Any:
    """A shape as a tuple of ints, with None (NA) for an unknown size.

    `784`, `784.0`, `[784]`, `(784,)`, `c(28, 28)` and `list(NULL, 28)` are all
    accepted. A size must be a positive whole number.

    Example:
        >>> normalize_shape(784.0, "input_shape")
        (784,)
        >>> normalize_shape([None, 28.0], "shape")
        (None, 28)
    """
    if value is None or isinstance(value, str):
        return value
    items = _elements(value)
    if items is None:
        items = [value]
    shape = []
    for position, item in enumerate(items, start=1):
        item = _scalar(item)
        if _is_missing(item):
            shape.append(None)
            continue
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise ArgumentError(
                f"`{arg}` must be a shape (whole numbers, NA/None for any size); "
                f"element {position} is {_describe(item)}."
            )
        if item != int(item) or item < 0:
            raise ArgumentError(
                f"`{arg}` must hold non-negative whole numbers; element {position} is {item!r}."
            )
        shape.append(int(item))
    return tuple(shape)


def as_axis(value: Any, arg: str = "axis") -> Any:
    """R's 1-based axis to Python's 0-based one (negative axes unchanged).

    Example:
        >>> as_axis(1)
        0
        >>> as_axis(-1)
        -1
    """
    if value is None:
        return None
    items = _elements(value)
    if items is not None:
        return tuple(as_axis(item, arg) for item in items)
    value = as_integer(value, arg)
    if not isinstance(value, int):
        return value
    if value == 0:
        raise ArgumentError(
            f"`{arg}` is 1-based, as in R: use 1 for the first axis or -1 for the last; got 0."
        )
    return value - 1 if value > 0 else value


def as_index(value: Any, arg: str) -> Any:
    """A 1-based position (epoch, layer) to 0-based; negative counts from the end."""
    value = as_integer(value, arg)
    if not isinstance(value, int):
        return value
    if value == 0:
        raise ArgumentError(f"`{arg}` is 1-based, as in R: the first is 1; got 0.")
    return value - 1 if value > 0 else value


def as_verbose(value: Any, arg: str = "verbose") -> Any:
    """`"auto"` passes through; numbers become 0, 1 or 2."""
    if isinstance(value, str):
        if value != "auto":
            raise ArgumentError(f"`{arg}` must be \"auto\", 0, 1 or 2; got {value!r}.")
        return value
    value = as_integer(value, arg, minimum=0)
    if isinstance(value, int) and value > 2:
        raise ArgumentError(f"`{arg}` must be \"auto\", 0, 1 or 2; got {value}.")
    return value


def as_scalar(value: Any, arg: str) -> Any:
    """A length-1 vector as a Python scalar (R has no scalars)."""
    return _scalar(value)


# Argument name -> rule. Names not listed fall back to `default_rule_for`.
COUNT_ARGS = {
    "units", "filters", "groups", "num_heads", "key_dim", "value_dim",
    "input_dim", "output_dim", "max_tokens", "num_bins", "num_classes",
    "depth_multiplier", "n", "batch_size", "validation_batch_size",
    "steps_per_epoch", "validation_steps", "steps", "output_sequence_length",
    "num_tokens", "max_value_tokens", "num_words", "maxlen",
}
NONNEGATIVE_ARGS = {
    "epochs", "patience", "cooldown", "seed", "start_from_epoch",
    "validation_freq", "skip_top", "index_from", "start_char", "oov_char",
    "max_queue_size", "workers", "lora_rank", "steps_per_execution",
    "num_oov_indices", "sequence_length", "vocabulary_size",
}
TUPLE_ARGS = {
    "kernel_size", "strides", "pool_size", "dilation_rate", "size",
    "output_size", "dims",
}
PADDING_ARGS = {"padding", "cropping"}
SHAPE_ARGS = {"input_shape", "shape", "batch_shape", "batch_input_shape", "target_shape"}
AXIS_ARGS = {"axis", "shared_axes"}
INDEX_ARGS = {"initial_epoch"}

RULES: dict[str, Transform] = {
    **{name: as_count for name in COUNT_ARGS},
    **{name: as_nonnegative for name in NONNEGATIVE_ARGS},
    **{name: as_integer_tuple for name in TUPLE_ARGS},
    **{name: as_padding for name in PADDING_ARGS},
    **{name: normalize_shape for name in SHAPE_ARGS},
    **{name: as_axis for name in AXIS_ARGS},
    **{name: as_index for name in INDEX_ARGS},
    "verbose": as_verbose,
}

# Where Keras's own meaning of a listed name differs, the verb family wins.
FAMILY_EXCEPTIONS: dict[tuple[str, str], Transform | None] = {
    # Keras's Permute `dims` is already 1-based, as in R; only make ints.
    ("layer_permute", "dims"): as_integer_tuple,
    # Reshape's target_shape allows -1; normalize_shape would reject it.
    ("layer_reshape", "target_shape"): as_integer_tuple,
    # rkeras.preprocessing.normalize converts its 1-based axis itself (keras3's own rule).
    ("normalize", "axis"): as_integer,
}


def default_rule_for(python_default: Any) -> Transform | None:
    """R keras3's heuristic: an argument whose Keras default is an int is an int."""
    if isinstance(python_default, bool):
        return None
    if isinstance(python_default, int):
        return as_integer
    return None


def transform_for(verb: str, arg: str, python_default: Any = None) -> Transform | None:
    """The conversion rule for argument `arg` of verb `verb`, or None."""
    if (verb, arg) in FAMILY_EXCEPTIONS:
        return FAMILY_EXCEPTIONS[(verb, arg)]
    if arg in RULES:
        return RULES[arg]
    return default_rule_for(python_default)


def normalize_arguments(verb: str, kwargs: dict[str, Any],
                        defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """Apply every rule to the arguments the user supplied (never to defaults)."""
    defaults = defaults or {}
    out = {}
    for name, value in kwargs.items():
        rule = transform_for(verb, name, defaults.get(name))
        if rule is not None and value is not None:
            value = rule(value, name)
        out[name] = value
    return out
