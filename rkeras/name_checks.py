"""Checks the names users type (activations, optimizers, losses, metrics) against Keras.

Keras accepts strings such as `activation="relu"` or `loss="mse"` and fails
deep inside (sometimes only at `fit` time) when one is misspelled. rkeras asks
Keras's own `get()` for each name first, and when Keras does not know it,
raises an error that names the argument and suggests the closest known name.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from .errors import ArgumentError, unknown_name

_NOT_NAMES = {"get", "serialize", "deserialize"}
# compile() resolves these itself from the loss and output shape.
_METRIC_SHORTHANDS = {"accuracy", "acc", "crossentropy", "ce"}


def _public_callables(module) -> set[str]:
    return {
        name for name in dir(module)
        if not name.startswith("_") and name not in _NOT_NAMES
        and callable(getattr(module, name)) and not inspect.ismodule(getattr(module, name))
    }


@functools.lru_cache(maxsize=None)
def known_names(kind: str) -> frozenset[str]:
    """The names Keras accepts for `kind` ("activation", "optimizer", ...)."""
    import keras

    if kind == "activation":
        return frozenset(_public_callables(keras.activations))
    if kind == "optimizer":
        return frozenset(n.lower() for n in _public_callables(keras.optimizers)
                         if inspect.isclass(getattr(keras.optimizers, n))
                         and n not in {"Optimizer", "LossScaleOptimizer", "MultiOptimizer", "OptimizerMap"})
    if kind == "loss":
        names = {n for n in _public_callables(keras.losses) if n[0].islower()}
        return frozenset(names | {"mse", "mae", "mape", "msle", "kld", "logcosh"})
    if kind == "metric":
        names = {n for n in _public_callables(keras.metrics) if n[0].islower()}
        return frozenset(names | _METRIC_SHORTHANDS | {"mse", "mae", "mape", "msle"})
    raise ArgumentError(f"unknown kind of name {kind!r}; expected activation, optimizer, loss or metric")


def _keras_getter(kind: str):
    import keras

    return {
        "activation": keras.activations.get,
        "optimizer": keras.optimizers.get,
        "loss": keras.losses.get,
        "metric": keras.metrics.get,
    }[kind]


def check_name(kind: str, value: Any, argument: str, verb: str | None = None) -> Any:
    """Return `value` unchanged if Keras knows it; raise a helpful error if not.

    Non-strings (functions, Keras objects, None) are returned as they are.

    Example:
        >>> check_name("activation", "relu", "activation")
        'relu'
    """
    if not isinstance(value, str):
        return value
    if kind == "metric" and value in _METRIC_SHORTHANDS:
        return value
    try:
        _keras_getter(kind)(value)
    except (ValueError, TypeError, KeyError):
        raise unknown_name(kind, argument, value, known_names(kind), verb) from None
    return value


def check_activation(value: Any, arg: str = "activation") -> Any:
    """Check an `activation=` name early (wired for every verb in `rkeras.verbs._NAME_CHECKS`)."""
    return check_name("activation", value, arg)
