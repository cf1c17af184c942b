"""Values Keras would take and misuse: refused here, naming the argument.

Keras accepts a NaN learning rate (every weight ends NaN), `use_bias=None`
(no bias: R's `NA` arrives as None), `compile(loss=42)` (fails at `fit`),
`fit(epochs="5")` (fails deep inside with "'str' object cannot be interpreted
as an integer"). These checks run before Keras sees the call:

* :func:`check_values`, on every verb derived from Keras (`layer_*`,
  `optimizer_*`, `learning_rate_schedule_*`, `regularizer_*` ...), after R's
  conventions: NaN (R's `NA_real_`) and complex numbers anywhere, Inf where it
  has no meaning, a float beyond float32's range for a hyper-parameter,
  NULL/NA for a TRUE/FALSE argument, and :data:`R_NA` (the bridge's marker for
  a logical/character NA) for any argument;
  The hand-written callback verbs (`callback_lambda`, the checkpoint verbs)
  get the same checks (:func:`rkeras.verbs.prepare`);
* :func:`check_fit_arguments` and :func:`check_compile_arguments`, for the
  hand-written `fit` / `evaluate` / `predict` and `compile`.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .conventions import as_integer, describe, scalar
from .errors import ArgumentError

__all__ = ["R_NA", "check_values", "check_fit_arguments", "check_compile_arguments"]


class _RNA:
    """R's NA for a logical, character or integer scalar argument.

    The R bridge converts a length-1 NA to None, which is also R's NULL; a
    bridge that keeps the difference passes this marker instead, and every
    verb refuses it with the argument's name.
    """

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __bool__(self) -> bool:
        raise ArgumentError("R's NA has no truth value: give TRUE or FALSE.")


R_NA = _RNA()

# Arguments where an infinite value means something ("no bound", "any value").
INFINITY_ALLOWED = frozenset({
    "max_value", "min_value", "baseline", "initial_value_threshold", "clipvalue", "clipnorm",
    "global_clipnorm", "mask_value", "threshold", "max_norm", "min_delta", "value",
    "fill_value", "x1", "x2", "maxval", "minval", "lower", "upper",
})
# Families whose float arguments are training hyper-parameters: float32 is their type.
HYPER_PARAMETER_FAMILIES = frozenset({"optimizer", "learning_rate_schedule", "regularizer",
                                      "initializer", "constraint", "loss", "metric", "callback"})
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _bad_number(verb: str, family: str, arg: str, value: Any) -> str | None:
    if isinstance(value, (complex, np.complexfloating)):
        return f"a complex number ({value}); Keras's hyper-parameters are real numbers"
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    value = float(value)
    if math.isnan(value):
        return "NA/NaN; give a number, or leave the argument out for Keras's default"
    if math.isinf(value):
        if arg in INFINITY_ALLOWED:
            return None
        return f"{value} (infinite); give a finite number"
    if family in HYPER_PARAMETER_FAMILIES and abs(value) > _FLOAT32_MAX:
        return (f"{value!r}, beyond float32's range (about ±3.4e38), which Keras computes in: "
                f"it would become Inf")
    return None


def check_values(verb, bound: dict[str, Any]) -> None:
    """Refuse NA/NaN, complex, misplaced Inf and NULL-for-logical arguments of `verb`.

    Args:
        verb: the registry's Verb (its name, family and Keras defaults are used).
        bound: the supplied arguments, after R's conventions.

    Raises:
        ArgumentError: naming the verb, the argument and the value.
    """
    defaults = verb.defaults
    for arg, value in bound.items():
        if value is R_NA:
            raise ArgumentError(f"{verb.name}(): `{arg}` is NA; give a value, or leave the "
                                f"argument out for Keras's default.")
        if value is None and isinstance(defaults.get(arg), bool) and arg != "verbose":
            raise ArgumentError(f"{verb.name}(): `{arg}` must be TRUE or FALSE; got NULL/NA "
                                f"(None). Leave it out for the default, "
                                f"{'TRUE' if defaults[arg] else 'FALSE'}.")
        if (isinstance(scalar(value), (str, bytes)) and isinstance(defaults.get(arg), bool)
                and arg != "verbose"):
            # Keras tests a string for truth: save_best_only = "FALSE" would mean TRUE.
            raise ArgumentError(f"{verb.name}(): `{arg}` must be TRUE or FALSE; got "
                                f"{describe(value, True)}.")
        if isinstance(value, (list, tuple)) and len(value) <= 16:
            items = list(value)
        else:
            items = [scalar(value)]
        for position, item in enumerate(items, start=1):
            problem = _bad_number(verb.name, verb.family, arg, scalar(item))
            if problem:
                where = f"`{arg}`" if len(items) == 1 else f"`{arg}` (element {position})"
                raise ArgumentError(f"{verb.name}(): {where} is {problem}.")


# --- fit / evaluate / predict and compile --------------------------------------------

def _strict_integer(value: Any, arg: str, minimum: int, allow_none: bool) -> None:
    if value is R_NA:
        raise ArgumentError(f"`{arg}` is NA; give a whole number.")
    as_integer(value, arg, minimum=minimum, strict=True, allow_none=allow_none)


def _is_callback(value: Any) -> bool:
    import keras

    return isinstance(value, keras.callbacks.Callback)


def check_callbacks(callbacks: Any, verb: str = "fit") -> None:
    """`callbacks` must be NULL, one callback_*() object or a list of them."""
    from .pipe import unwrap

    callbacks = unwrap(callbacks)
    if callbacks is None or _is_callback(callbacks):
        return
    items = list(callbacks) if isinstance(callbacks, (list, tuple)) else None
    if items is None:
        raise ArgumentError(f"{verb}(): `callbacks` must be a callback_*() object or a list of "
                            f"them; got {describe(callbacks, True)}.")
    for position, item in enumerate(items, start=1):
        if not _is_callback(unwrap(item)):
            raise ArgumentError(
                f"{verb}(): `callbacks` element {position} is {describe(item, True)}, not a "
                f"callback. Make callbacks with callback_*() (e.g. callback_early_stopping(), "
                f"callback_lambda(on_epoch_end = ...)).")


def check_fit_arguments(verb: str = "fit", **arguments: Any) -> None:
    """Types of fit()/evaluate()/predict()'s scalar arguments, before Keras.

    Keras reports `fit(epochs = "5")` as "'str' object cannot be interpreted as
    an integer"; here it is "`epochs` must be an integer".
    """
    counts = {"batch_size": 1, "steps_per_epoch": 1, "validation_steps": 1, "steps": 1,
              "validation_batch_size": 1, "epochs": 0, "validation_freq": 1}
    for arg, value in arguments.items():
        if arg in counts:
            _strict_integer(value, arg, counts[arg], allow_none=arg != "epochs")
        elif arg == "validation_split":
            item = scalar(value, lists=True)
            if isinstance(item, bool) or not isinstance(item, numbers.Real) or math.isnan(item):
                raise ArgumentError(f"{verb}(): `validation_split` must be a number in [0, 1); "
                                    f"got {describe(value, True)}.")
        elif arg == "callbacks":
            check_callbacks(value, verb)
        elif arg == "shuffle":
            item = scalar(value, lists=True)
            if not (isinstance(item, bool) or item == "batch"):
                raise ArgumentError(f"{verb}(): `shuffle` must be TRUE, FALSE or \"batch\"; "
                                    f"got {describe(value, True)}.")


def _check_named_thing(value: Any, arg: str, what: str, allow_none: bool) -> None:
    """A loss/metric/optimizer given as a name, an object or a function (or lists of them)."""
    if value is None:
        if allow_none:
            return
        raise ArgumentError(f"compile(): `{arg}` must be {what}; got NULL/NA (None).")
    if value is R_NA:
        raise ArgumentError(f"compile(): `{arg}` is NA; give {what}.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_named_thing(item, f"{arg}${key}", what, allow_none)
        return
    if isinstance(value, (list, tuple)):
        for position, item in enumerate(value, start=1):
            _check_named_thing(item, f"{arg}[[{position}]]", what, allow_none)
        return
    item = scalar(value)
    if isinstance(item, str) or (callable(item) and not isinstance(item, (numbers.Number, bool))):
        return
    if isinstance(item, numbers.Number) and isinstance(item, float) and math.isnan(item):
        raise ArgumentError(f"compile(): `{arg}` is NA; give {what}.")
    raise ArgumentError(f"compile(): `{arg}` must be {what}; got {describe(value, True)}.")


def check_compile_arguments(optimizer: Any, loss: Any, metrics: Any) -> None:
    """compile()'s optimizer, loss and metrics: names, objects or functions, never numbers.

    Keras accepts `loss = 42` or `optimizer = None` at compile time and fails
    only at fit(); keras3 users then look for the mistake in their data.
    """
    import keras

    from .pipe import unwrap

    optimizer = unwrap(optimizer)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        _check_named_thing(optimizer, "optimizer",
                           "an optimizer name ('rmsprop', 'adam' ...) or an optimizer_*() object",
                           allow_none=False)
    _check_named_thing(unwrap(loss), "loss",
                       "a loss name ('mse', 'categorical_crossentropy' ...), a loss_*() object "
                       "or a function(y_true, y_pred)", allow_none=True)
    _check_named_thing(unwrap(metrics), "metrics",
                       "metric names ('accuracy', 'mae' ...), metric_*() objects or functions",
                       allow_none=True)
