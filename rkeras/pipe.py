"""The `>>` pipe: R's `%>%` for Python.

`model >> layer_dense(units=512)` works because a verb called without its
subject returns a small object that knows how to apply itself to whatever is
on the left of `>>` (its `__rrshift__`). Keras objects are never subclassed or
patched: Sequential models and tensors have no `>>` of their own, so Python
asks the right-hand side.

`__array_ufunc__ = None` stops numpy from applying `array >> verb` element by
element, so that `x_train >> array_reshape(dim=(60000, 784))` sees the whole
array.
"""

from __future__ import annotations

from typing import Any, Callable

from .errors import ArgumentError, ArgumentTypeError


class Pipeable:
    """Base of the objects that can stand on the right of `>>`."""

    __array_ufunc__ = None
    __array_priority__ = 10_000

    def apply(self, subject: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def __rrshift__(self, subject: Any) -> Any:
        return self.apply(subject)


class Deferred(Pipeable):
    """A verb call waiting for its subject: `fit(x, y, epochs=5)` in a pipe.

    Calling it with the subject, or piping into it, runs the verb.
    """

    def __init__(self, name: str, run: Callable[[Any], Any], shown: str):
        self.name = name
        self._run = run
        self._shown = shown

    def apply(self, subject: Any) -> Any:
        return self._run(subject)

    def __call__(self, subject: Any) -> Any:
        return self._run(subject)

    def __repr__(self) -> str:
        return f"<rkeras verb waiting for its subject: {self.name}({self._shown})>"


class PendingLayer(Pipeable):
    """A Keras layer made by a `layer_*` verb, ready to be piped into.

    It is R keras3's layer object: `model >> layer` adds the layer to a
    Sequential model in place; `tensor >> layer` (or `layer(tensor)`) calls it.
    The same Keras layer (and its weights) is used every time, so a layer can
    be shared. The plain Keras layer is `.layer`; attributes are forwarded
    to it (`pending.units`, `pending.get_weights()`).
    """

    def __init__(self, name: str, layer: Any, extra_inputs: tuple = ()):
        self.__dict__["name_of_verb"] = name
        self.__dict__["layer"] = layer
        self.__dict__["extra_inputs"] = tuple(extra_inputs)

    def apply(self, subject: Any) -> Any:
        if self.extra_inputs:
            subject = [subject, *self.extra_inputs]
        return compose_layer(subject, self.layer)

    def __call__(self, subject: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return self.layer(subject, *args, **kwargs)
        return self.apply(subject)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.__dict__["layer"], attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self.layer, attr, value)

    def __repr__(self) -> str:
        return f"<{self.name_of_verb}: {self.layer!r}>"


def unwrap(value: Any) -> Any:
    """The plain Keras object behind rkeras's pipe helpers (lists recursed)."""
    if isinstance(value, PendingLayer):
        return value.layer
    # An R-defined class's constructor (rkeras.r.classes) stands for its class.
    inner = getattr(type(value), "__rkeras_unwrap__", None)
    if inner is not None:
        return inner(value)
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    if isinstance(value, tuple):
        return tuple(unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    return value


def compose_layer(subject: Any, layer: Any) -> Any:
    """R keras3's compose rule.

    A Sequential model gets the layer added in place and is returned; anything
    else (a symbolic or eager tensor, an array, a list of tensors for merge
    layers) is passed to the layer, and the layer's output is returned.
    """
    import keras

    subject = unwrap(subject)
    layer = unwrap(layer)
    if isinstance(subject, keras.Sequential):
        subject.add(layer)
        return subject
    try:
        return layer(subject)
    except ValueError as error:
        hint = axis_hint(layer, error)
        if hint is None:
            raise
        raise ArgumentError(f"{error}\n{hint}") from error


def axis_hint(layer: Any, error: BaseException) -> str | None:
    """A hint about R's 1-based `axis` for a Keras error raised by a layer that has one.

    `layer_concatenate(a, b, axis = 1)` asks for the first (batch) axis, as in
    R; Keras then complains about shapes. The message names the axis Keras
    got and how to ask for the last one.
    """
    axis = getattr(layer, "axis", None)
    if isinstance(axis, bool) or not isinstance(axis, int) or "axis" not in str(error).lower() \
            and "shape" not in str(error).lower():
        return None
    given = axis + 1 if axis >= 0 else axis
    return (f"Note: rkeras's `axis` is 1-based, as in R: axis = {given} is Keras's axis {axis}"
            f"{' (the batch axis)' if axis == 0 else ''}. For the last (feature) axis use "
            f"axis = -1; Keras's axis k is axis = k + 1 here.")


def pipe(subject: Any, *verbs: Any) -> Any:
    """Apply verbs left to right: `pipe(x, f, g)` is `x >> f >> g`.

    Plain callables are called with the running value, so `pipe` also works
    with functions that have no `>>`.

    Example:
        ```python
        model = pipe(keras_model_sequential(input_shape=4),
                     layer_dense(units=8, activation="relu"),
                     layer_dense(units=1))
        ```
    """
    value = subject
    for position, verb in enumerate(verbs, start=1):
        if isinstance(verb, Pipeable):
            value = verb.apply(value)
        elif callable(verb):
            value = verb(value)
        else:
            raise ArgumentTypeError(
                f"pipe(): step {position} is {type(verb).__name__}, not a verb or a function."
            )
    return value


def layer_from(layer: Any) -> PendingLayer:
    """Any Keras layer or model, ready for a `>>` chain (R: call the layer as a function).

    The one way to put a layer that is not an rkeras verb in a pipe: a
    pretrained base model, a custom `keras.Layer` subclass, `keras.layers.Dense(2)`.
    `model >> layer_from(base)` adds `base` to a Sequential model in place;
    `tensor >> layer_from(base)` calls it on the tensor (R keras3's
    `model |> conv_base()`). Nothing of Keras is patched: the layer is wrapped
    in the same object the `layer_*` verbs return (its `.layer` is the layer).

    Example:
        ```python
        base = keras.applications.MobileNetV3Small(include_top=False, weights=None,
                                                   input_shape=(32, 32, 3))
        model = (keras_model_sequential(input_shape=(32, 32, 3))
                 >> layer_from(base) >> layer_global_average_pooling_2d()
                 >> layer_dense(units=1, activation="sigmoid"))
        ```
    """
    import keras

    inner = unwrap(layer)
    if not isinstance(inner, keras.Layer):
        raise ArgumentTypeError(
            f"layer_from(): expected a Keras layer or model; got {type(layer).__name__}. "
            f"For a function, use then(fn).")
    return PendingLayer(f"layer_from({inner.name})", inner)


class then(Pipeable):
    """Pipe into any function: `x >> then(np.mean, axis=0)` is `np.mean(x, axis=0)`.

    For a Keras layer or model use `layer_from(layer)`, which also adds it to
    a Sequential model.
    """

    def __init__(self, fn: Callable, *args: Any, **kwargs: Any):
        self.fn, self.args, self.kwargs = fn, args, kwargs

    def apply(self, subject: Any) -> Any:
        return self.fn(subject, *self.args, **self.kwargs)
