"""R's argument conventions: the only place where rkeras coerces and checks arguments.

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
* `verbose="auto"` is passed through, TRUE/FALSE are 1/0; `None` is R's NULL.

Where the rules are applied (one validation point per verb):

* **Verbs derived from Keras** (`layer_*`, `callback_*`, `optimizer_*` ...):
  their targets are Keras's classes, which cannot apply R's rules, so
  `rkeras.verbs` applies them, choosing each argument's rule with
  :func:`transform_for` (by name through `RULES`, else from the type of
  Keras's own default value).
* **Hand-written verbs** (the functions in `rkeras.models`, `preprocessing`,
  `datasets`, `history`, `plot`, `callbacks`, `distribute`): the function
  validates its own arguments by calling the functions of this module, and the
  verb layer leaves them alone. So `rkeras.pad_sequences(maxlen=2.5)` and
  `rkeras.preprocessing.pad_sequences(maxlen=2.5)` are the same call, with
  the same error, and a 1-based argument is shifted exactly once.

Every error is an :class:`~rkeras.errors.ArgumentError` (a `ValueError`).
Nothing here imports Keras.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Sequence

import numpy as np

from .errors import ArgumentError, did_you_mean

Transform = Callable[[Any, str], Any]


def is_missing(value: Any) -> bool:
    """R's NA (arrives as NaN or None) for a scalar."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def scalar(value: Any, lists: bool = False) -> Any:
    """A length-1 vector (R's scalars) as its element; anything else unchanged.

    Unwraps numpy arrays of one element and numpy scalars, and with
    `lists=True` also lists and tuples of one element.

    Example:
        >>> scalar(np.array([3.0])), scalar(np.int32(4)), scalar([5], lists=True)
        (3.0, 4, 5)
    """
    if isinstance(value, np.ndarray) and value.size == 1 and (value.ndim <= 1 or lists):
        return value.reshape(()).item()
    if isinstance(value, np.generic):
        return value.item()
    if lists and isinstance(value, (list, tuple)) and len(value) == 1:
        return scalar(value[0])
    return value


def describe(value: Any, with_type: bool = False) -> str:
    """A value as an error message shows it: its repr, cut at 60 characters."""
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})" if with_type else text


def as_integer(value: Any, arg: str, minimum: int | None = None, *,
               strict: bool = False, allow_none: bool = True) -> Any:
    """Coerce an integral number to `int`, as R keras3's `as_integer`.

    By default (the rule the verb layer applies to Keras's arguments)
    anything that is not a number (None, strings, tensors, schedules) passes
    through unchanged, so Keras keeps its own handling of them. Hand-written
    verbs pass `strict=True`: then only a number (or None, R's NULL, when
    `allow_none`) is accepted.

    Args:
        value: the value given by the user.
        arg: the argument's name, for the error message.
        minimum: smallest accepted value (e.g. 1 for `units`), or None.
        strict: refuse values that are not numbers.
        allow_none: with `strict`, whether None is accepted (and returned).

    Raises:
        ArgumentError: for a non-integral, boolean or too small number, or,
            with `strict`, anything else that is not a number.

    Example:
        >>> as_integer(512.0, "units")
        512
    """
    value = scalar(value, lists=strict)
    if isinstance(value, bool):
        raise ArgumentError(f"`{arg}` must be an integer; got the logical value {value}.")
    if isinstance(value, (str, bytes)) and not strict and arg not in STRING_VALUED_ARGS:
        # Keras would keep the string (callback_early_stopping(patience = "abc") compared it
        # with epoch counts at the end of the first epoch) or fail deep inside.
        raise ArgumentError(f"`{arg}` must be a whole number; got {describe(value, True)}. "
                            f"Give a number ({arg} = 5, not \"5\").")
    if not isinstance(value, numbers.Real):
        if not strict or (value is None and allow_none):
            return value
        or_none = " or None" if allow_none else ""
        raise ArgumentError(f"`{arg}` must be an integer{or_none}; got {describe(value, True)}.")
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


def as_count(value: Any, arg: str, **how: Any) -> Any:
    """A size that must be >= 1 (units, filters, heads, batch size...)."""
    return as_integer(value, arg, minimum=1, **how)


def as_nonnegative(value: Any, arg: str, **how: Any) -> Any:
    """An integer that must be >= 0 (epochs, patience, seeds...)."""
    return as_integer(value, arg, minimum=0, **how)


def as_number(value: Any, arg: str, low: float | None = None, high: float | None = None,
              what: str = "a number") -> float:
    """A real number (R's length-1 double), optionally in `[low, high)`.

    Example:
        >>> as_number(np.array([0.2]), "test_split", 0, 1)
        0.2
    """
    value = scalar(value, lists=True)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        interval = f" in [{low}, {high})" if low is not None and high is not None else ""
        raise ArgumentError(f"`{arg}` must be {what}{interval}; got {describe(value, True)}.")
    if (low is not None and value < low) or (high is not None and value >= high):
        raise ArgumentError(f"`{arg}` must be in [{low}, {high}); got {value}.")
    return value


def as_choice(value: Any, arg: str, choices: Sequence[str], lower: bool = True) -> str:
    """One of a few strings (R's `match.arg`), with a suggestion when misspelled.

    Example:
        >>> as_choice("Ring", "communication", ("auto", "ring", "nccl"))
        'ring'
    """
    value = scalar(value, lists=True)
    key = value.lower() if lower and isinstance(value, str) else value
    if not isinstance(value, str) or key not in choices:
        raise ArgumentError(f"`{arg}` must be one of {', '.join(repr(c) for c in choices)}; "
                            f"got {value!r}.{did_you_mean(str(value), choices)}")
    return key


def as_strings(value: Any, arg: str) -> list[str] | None:
    """A character vector (R), a string, a list or an array of strings as list[str]."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray):
        value = value.ravel().tolist()
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return [str(v) for v in value]
    raise ArgumentError(f"`{arg}` must be a character vector (a string or a list of strings); "
                        f"got {value!r}.")


def _elements(value: Any) -> list | None:
    """The elements of a list-like value, or None for a scalar."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.ravel().tolist() if value.ndim else None
    if hasattr(value, "as_list") and callable(value.as_list):  # TensorShape
        return list(value.as_list())
    return None


def as_integer_vector(value: Any, arg: str) -> tuple:
    """An integer or a vector of integers (`dim = c(10, 784)`) as a tuple of ints.

    Strict: every element must be a whole number; the message locates the
    first one that is not.

    Example:
        >>> as_integer_vector(np.array([10.0, 784.0]), "dim")
        (10, 784)
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        raise ArgumentError(
            f"`{arg}` must be an integer or a vector of integers; got {describe(value, True)}."
        )
    if isinstance(value, (numbers.Number, np.generic)):
        items = [value]
    else:
        try:
            items = list(np.asarray(value, dtype=object).reshape(-1))
        except Exception:
            raise ArgumentError(
                f"`{arg}` must be an integer or a vector of integers; got {describe(value, True)}."
            ) from None
    out = []
    for position, item in enumerate(items, start=1):
        item = scalar(item)
        whole = (isinstance(item, numbers.Real) and not isinstance(item, bool)
                 and math.isfinite(item) and item == int(item))
        if not whole:
            raise ArgumentError(
                f"`{arg}` must hold whole numbers; element {position} is {describe(item)}."
            )
        out.append(int(item))
    return tuple(out)


def as_integer_tuple(value: Any, arg: str, minimum: int | None = 1) -> Any:
    """`kernel_size = c(3, 3)` -> `(3, 3)`; a scalar stays a scalar int.

    Nested tuples (e.g. `padding = list(c(1, 1), c(2, 2))` for cropping) are
    converted element by element.
    """
    items = _elements(value)
    if items is None:
        return _int32(as_integer(value, arg, minimum=minimum), arg)
    return tuple(
        as_integer_tuple(item, arg, minimum) if _elements(item) is not None
        else _int32(as_integer(item, arg, minimum=minimum), arg)
        for item in items
    )


def _int32(value: Any, arg: str) -> Any:
    # TensorFlow keeps sizes and strides as 32-bit attributes and aborts the process
    # (a failed CHECK, not an exception) on a larger one: op_image_extract_patches(strides = 1e12).
    if isinstance(value, int) and abs(value) > 2**31 - 1:
        raise ArgumentError(f"`{arg}` = {value} is beyond 2147483647, the largest size "
                            f"TensorFlow takes (a 32-bit integer).")
    return value


def as_shape_tuple(value: Any, arg: str) -> Any:
    """A size vector Keras needs as a tuple even of length 1 (`noise_shape = c(1)` -> `(1,)`).

    NA/None elements stay None ("any size"); negative sizes (-1) pass to Keras.
    """
    if callable(value) or isinstance(value, (str, bytes)):
        return value        # Lambda's output_shape may be a function; Keras checks the rest
    items = _elements(value)
    if items is None:
        items = [value]
    return tuple(None if is_missing(scalar(item)) else as_integer(item, arg) for item in items)


def as_padding(value: Any, arg: str) -> Any:
    """Padding or cropping sizes (>= 0); "same"/"valid" strings pass through."""
    return as_integer_tuple(value, arg, minimum=0)


def is_size_tensor(item: Any) -> bool:
    """A scalar integer tensor (TF, Keras, JAX ...): a size Keras's backends accept."""
    module = type(item).__module__ or ""
    if not module.startswith(("tensorflow", "keras", "jax", "torch")):
        return False
    dtype = str(getattr(item, "dtype", ""))
    return tuple(getattr(item, "shape", (1,))) == () and "int" in dtype


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
        item = scalar(item)
        if is_missing(item):
            shape.append(None)
            continue
        if is_size_tensor(item):
            # op_shape(x)[[1]] while TF traces a call(): the size is known when
            # the graph runs (keras3: random_normal(shape = c(batch, dim))).
            shape.append(item)
            continue
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise ArgumentError(
                f"`{arg}` must be a shape (whole numbers, NA/None for any size); "
                f"element {position} is {describe(item)}."
            )
        if not math.isfinite(item) or item != int(item) or item < 0:
            raise ArgumentError(
                f"`{arg}` must hold non-negative whole numbers; element {position} is {item!r}."
            )
        shape.append(int(item))
    return tuple(shape)


def as_index(value: Any, arg: str, *, ndim: int | None = None, strict: bool = False,
             first: str = "the first is 1") -> Any:
    """A 1-based position (epoch, layer, axis) to 0-based; negative counts from the end.

    Args:
        value: the position given by the user (1 is the first, -1 the last).
        arg: the argument's name, for the error message.
        ndim: when given, the number of positions: out-of-range values are
            refused (used for the axes of an array).
        strict: refuse non-numbers (see `as_integer`).
        first: how the message explains the first position.

    Example:
        >>> as_index(1, "initial_epoch"), as_index(-1, "index")
        (0, -1)
    """
    value = as_integer(value, arg, strict=strict, allow_none=False)
    if not isinstance(value, int):
        return value
    if value == 0:
        raise ArgumentError(f"`{arg}` is 1-based, as in R: {first}; got 0.")
    if ndim is not None and not -ndim <= value <= ndim:
        raise ArgumentError(
            f"`{arg}` = {value} is out of range for an array with {ndim} dimension"
            f"{'s' if ndim != 1 else ''}: use 1..{ndim} (1-based) or -{ndim}..-1."
        )
    return value - 1 if value > 0 else value


def as_axis(value: Any, arg: str = "axis", *, ndim: int | None = None,
            strict: bool = False, several: bool = True) -> Any:
    """R's 1-based axis (or axes) to Python's 0-based ones (negative axes unchanged).

    With `several=False` only one axis is accepted (a vector is an error).

    Example:
        >>> as_axis(1)
        0
        >>> as_axis(-1)
        -1
    """
    if value is None and not strict:
        return None
    items = _elements(value) if several else None
    if items is not None:
        return tuple(as_axis(item, arg, ndim=ndim, strict=strict) for item in items)
    return as_index(value, arg, ndim=ndim, strict=strict,
                    first="use 1 for the first axis or -1 for the last")


def as_index_array(value: Any, arg: str) -> Any:
    """1-based indices (a number, vector, array or tensor) to 0-based, as keras3's `as_py_index`.

    Positive values are shifted down by one; zero and negative values are kept
    (negative ones count from the end). Numbers must be whole.

    Example:
        >>> as_index_array([1.0, 3.0, -1.0], "indices")
        array([ 0,  2, -1])
    """
    if value is None or isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (list, tuple)) and any(_elements(v) is not None for v in value):
        return type(value)(as_index_array(v, arg) for v in value)
    if isinstance(value, (numbers.Number, np.generic, list, tuple, np.ndarray)):
        array = np.asarray(value)
        if array.dtype.kind == "f":
            if not np.all(np.isfinite(array)) or np.any(array != np.floor(array)):
                raise ArgumentError(f"`{arg}` must hold whole numbers (1-based indices); "
                                    f"got {describe(value)}.")
            array = array.astype(np.int64)
        elif array.dtype.kind not in "iu":
            raise ArgumentError(f"`{arg}` must hold whole numbers (1-based indices); "
                                f"got {describe(value, True)}.")
        shifted = np.where(array > 0, array - 1, array)
        return shifted.item() if shifted.ndim == 0 else shifted
    # A tensor: the same shift, computed by Keras (imported only here).
    from keras import ops

    return ops.where(ops.greater(value, 0), ops.subtract(value, 1), value)


def as_verbose(value: Any, arg: str = "verbose") -> Any:
    """`"auto"` passes through; numbers become 0, 1 or 2; TRUE/FALSE are 1/0.

    Plain Keras and keras3 accept a logical verbose (Python treats it as 1/0).
    """
    value = scalar(value, lists=True)
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, str):
        if value != "auto":
            raise ArgumentError(f"`{arg}` must be \"auto\", 0, 1 or 2; got {value!r}.")
        return value
    value = as_integer(value, arg, minimum=0)
    if isinstance(value, int) and value > 2:
        raise ArgumentError(f"`{arg}` must be \"auto\", 0, 1 or 2; got {value}.")
    return value


# Integer-like arguments that Keras also takes as a string (TensorBoard's
# profile_batch = "10,20", save_freq = "epoch", padding = "same"): every other
# integer-like argument refuses strings (as_integer).
STRING_VALUED_ARGS = frozenset({"verbose", "profile_batch", "save_freq", "update_freq",
                                "padding", "cropping"})

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
    "output_size", "dims", "image_size", "target_size",
}
PADDING_ARGS = {"padding", "cropping"}
SHAPE_ARGS = {"input_shape", "shape", "batch_shape", "batch_input_shape", "target_shape"}
AXIS_ARGS = {"axis", "shared_axes", "axes", "axis1", "axis2", "source", "destination"}
INDEX_ARGS = {"initial_epoch"}
# Arrays of 1-based positions (keras3's op_take, op_slice, op_segment_sum ...).
INDEX_ARRAY_ARGS = {"indices", "start_indices", "segment_ids", "mask_index"}
# Whole numbers that may be 0 or negative, or whose Keras default is None (keras3's as_integer).
INTEGER_ARGS = {
    "sequence_stride", "fft_length", "num_segments", "N", "M", "num", "target_height",
    "target_width", "top_cropping", "left_cropping", "bottom_cropping", "right_cropping",
    "top_padding", "left_padding", "bottom_padding", "right_padding", "sampling_rate",
    "start_index", "end_index", "height", "width",
}

RULES: dict[str, Transform] = {
    **{name: as_count for name in COUNT_ARGS},
    **{name: as_nonnegative for name in NONNEGATIVE_ARGS},
    **{name: as_integer_tuple for name in TUPLE_ARGS},
    **{name: as_padding for name in PADDING_ARGS},
    **{name: normalize_shape for name in SHAPE_ARGS},
    **{name: as_axis for name in AXIS_ARGS},
    **{name: as_index for name in INDEX_ARGS},
    **{name: as_index_array for name in INDEX_ARRAY_ARGS},
    **{name: as_integer for name in INTEGER_ARGS},
    "noise_shape": as_shape_tuple,
    "verbose": as_verbose,
}

# Where Keras's own meaning of a listed name differs, the verb family wins.
FAMILY_EXCEPTIONS: dict[tuple[str, str], Transform | None] = {
    # Keras's Permute `dims` is already 1-based, as in R; only make ints (a tuple: c(1) too).
    ("layer_permute", "dims"): as_shape_tuple,
    # Reshape's target_shape allows -1; normalize_shape would reject it.
    ("layer_reshape", "target_shape"): as_shape_tuple,
    ("layer_lambda", "output_shape"): as_shape_tuple,
    # keras.ops arguments whose int default hides a real number or a logical (keras3 passes them).
    ("op_squareplus", "b"): None,
    ("op_scan", "unroll"): None,
    # keras3 makes these ints although Keras gives them no int default.
    ("op_pad", "pad_width"): as_padding,
    ("op_in_top_k", "k"): as_integer,
    # Keras's default 0 is an int, but the threshold is a real number (keras3 passes it).
    ("callback_early_stopping", "min_delta"): None,
    # Int defaults of real-valued arguments (label_smoothing = 0.1, a max norm of 2.5 ...).
    ("metric_binary_crossentropy", "label_smoothing"): None,
    ("metric_categorical_crossentropy", "label_smoothing"): None,
    ("constraint_maxnorm", "max_value"): None,
    ("activation_squareplus", "b"): None,
    ("op_logspace", "base"): None,
    # A hashing salt is one whole number or two (keras3's as_integer: c(133, 137) -> (133, 137)).
    ("layer_hashing", "salt"): as_integer_tuple,
    # A vector of boundaries reaches Keras as a list, as reticulate sends an R vector.
    ("layer_discretization", "bin_boundaries"): lambda v, arg: (
        [float(b) for b in np.ravel(v)] if isinstance(v, (np.ndarray, list, tuple)) else v),
    # keras3's random_integer(): whole-number bounds, maxval rounded up (0 and 1e4 from R are doubles).
    ("random_integer", "minval"): as_integer,
    ("random_integer", "maxval"): lambda v, arg: as_integer(
        math.ceil(v) if isinstance(v, float) and math.isfinite(v) else v, arg),
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


# What each rule means to an R user, for the help pages (`help(layer_concatenate)`).
_RULE_TEXT: dict[Any, str] = {
    as_axis: "1-based, as in R: axis = 1 is the first (batch) axis, -1 the last; "
             "Keras's axis k is k + 1 here",
    as_index: "1-based, as in R (1 is the first)",
    as_index_array: "1-based indices, as in R (positive values are shifted down by one)",
    normalize_shape: "a shape: a number or a vector (c(28, 28)), NA/None for any size",
    as_count: "a whole number >= 1 (512 and 512.0 alike)",
    as_nonnegative: "a whole number >= 0",
    as_integer: "a whole number",
    as_integer_tuple: "a whole number or a vector of them (c(3, 3))",
    as_padding: "whole numbers >= 0, a vector, or a string",
    as_shape_tuple: "a vector of whole numbers (c(1) too), NA for any size",
    as_verbose: '"auto", 0, 1, 2, or TRUE/FALSE',
}


def rules_doc(verb: str, parameters: Sequence[Any]) -> str:
    """The "R conventions" section of a verb's help: each converted argument's rule.

    Args:
        verb: the verb's R name.
        parameters: its `inspect.Parameter`s (their defaults choose the rule
            where the name does not).

    Returns:
        A text section, or "" when no argument is converted.
    """
    lines = []
    for p in parameters:
        default = None if p.default is p.empty else p.default
        rule = transform_for(verb, p.name, default)
        text = _RULE_TEXT.get(rule)
        if text is not None:
            lines.append(f"    {p.name}: {text}.")
    if not lines:
        return ""
    return ("\n\nR conventions (rkeras converts these arguments before Keras sees them; the "
            "Keras text above uses Keras's own conventions):\n" + "\n".join(lines))

