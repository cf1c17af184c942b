"""`freeze_weights` / `unfreeze_weights` with R keras3's `from`/`to`/`which` semantics.

keras3 (`R/freeze.R`, 1.5.1) treats a model as a whole: a call with a range
is a global operation, so the layers outside the range get the opposite
setting. Concretely, for a model with layers L1..Ln:

* `freeze_weights(m)`: the model is not trainable (Keras 3 passes this down
  to every layer).
* `freeze_weights(m, from_=a, to=b)`: the model is trainable, L_a..L_b are
  frozen, every other layer is trainable. A missing `from_` is L1, a
  missing `to` is Ln; both ends are inclusive.
* `unfreeze_weights(m)`: the model and every layer are trainable.
* `unfreeze_weights(m, from_=a, to=b)`: L_a..L_b trainable, the others frozen.
* `which=`: names, 1-based positions, layers, a boolean vector (one per
  layer) or a function `layer -> bool`; the chosen layers get the setting,
  the others the opposite.

Positions are 1-based; negative ones count from the end (`-1` is the last
layer). `from_`/`to` may also be layer names or layer objects. The range is
walked as keras3 walks it: the setting starts at the `from_` layer and stops
after the `to` layer, in the order of `model.layers`.

Where rkeras differs: without `from`/`to`/`which`, keras3 sets only the
model's flag, which Keras 3 passes down to the layers only when it changes,
so keras3's `unfreeze_weights(m)` after `freeze_weights(m, from = 2)` leaves
layer 2 on frozen; rkeras sets every layer, as keras3's documentation says.
keras3 silently ignores `from`/`to` when `which` is also
given (it stops only when both are); rkeras refuses any mix, naming the
arguments. A name or position that matches no layer is an error here (keras3
errors too, with R's subscript message).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conventions import as_integer, describe
from .errors import ArgumentError, ArgumentTypeError
from .pipe import unwrap

__all__ = ["freeze_weights", "unfreeze_weights"]


def _is_layer(value: Any) -> bool:
    import keras

    return isinstance(value, keras.Layer)


def _names(layers: list) -> list[str]:
    return [layer.name for layer in layers]


def layer_position(layers: list, value: Any, arg: str) -> int:
    """The 0-based position of a layer given by name, layer object or 1-based position.

    Args:
        layers: the model's layers, in order.
        value: a name, a Keras layer, or a 1-based position (negative counts from the end).
        arg: the argument's name, for the error message.

    Raises:
        ArgumentError: naming the argument, the value and the layers.
    """
    value = unwrap(value)
    if isinstance(value, str):
        names = _names(layers)
        if value not in names:
            raise ArgumentError(f"`{arg}`: no layer named {value!r}; the layers are {names}.")
        return names.index(value)
    if _is_layer(value):
        for position, layer in enumerate(layers):
            if layer is value:
                return position
        raise ArgumentError(f"`{arg}`: layer {value.name!r} is not a layer of this model; "
                            f"the layers are {_names(layers)}.")
    index = as_integer(value, arg, strict=True, allow_none=False)
    n = len(layers)
    if index == 0 or not -n <= index <= n:
        raise ArgumentError(f"`{arg}` = {index} but the model has {n} layer(s): positions are "
                            f"1-based (1..{n}), negative ones count from the end (-1..-{n}).")
    return index - 1 if index > 0 else n + index


def _which_positions(layers: list, which: Any) -> set[int]:
    if callable(which) and not _is_layer(unwrap(which)):
        chosen = [bool(which(layer)) for layer in layers]
        return {i for i, keep in enumerate(chosen) if keep}
    items = which if isinstance(which, (list, tuple, np.ndarray)) else [which]
    items = list(np.asarray(items).ravel()) if isinstance(items, np.ndarray) else list(items)
    if items and all(isinstance(v, (bool, np.bool_)) for v in items):
        if len(items) != len(layers):
            raise ArgumentError(f"`which`: a logical vector needs one value per layer "
                                f"({len(layers)}); got {len(items)}.")
        return {i for i, keep in enumerate(items) if keep}
    for item in items:
        if not (isinstance(item, (str, int, float, np.integer, np.floating)) or _is_layer(unwrap(item))):
            raise ArgumentTypeError(
                f"`which` must be layer names, 1-based positions, layers, a logical vector or a "
                f"function returning TRUE/FALSE for a layer; got {describe(item, True)}.")
    return {layer_position(layers, item, "which") for item in items}


def _set(object: Any, trainable: bool, from_: Any, to: Any, which: Any, verb: str) -> Any:
    model = unwrap(object)
    layers = list(getattr(model, "layers", None) or [])
    if which is not None and (from_ is not None or to is not None):
        raise ArgumentError(f"{verb}(): give either `which` or `from`/`to`, not both.")
    if which is not None:
        chosen = _which_positions(layers, which)
        model.trainable = True
        for position, layer in enumerate(layers):
            layer.trainable = trainable if position in chosen else not trainable
        return object
    if from_ is None and to is None:
        # Keras 3 passes a model's flag down to its layers only when the flag
        # changes; set each layer too, so that unfreeze_weights(m) after a range
        # freeze (the model's flag already TRUE) unfreezes everything, as keras3
        # documents ("object always trainable after unfreeze").
        model.trainable = trainable
        for layer in layers:
            layer.trainable = trainable
        return object
    if not layers:
        raise ArgumentError(f"{verb}(): `from`/`to` need a model with layers; "
                            f"{type(model).__name__} has none.")
    start = layer_position(layers, from_, "from") if from_ is not None else 0
    stop = layer_position(layers, to, "to") if to is not None else len(layers) - 1
    model.trainable = True
    inside = False
    # keras3's walk: start applying at `from`, stop after `to` (by position here,
    # so that two layers of the same name cannot confuse it).
    for position, layer in enumerate(layers):
        if position == start:
            inside = True
        layer.trainable = trainable if inside else not trainable
        if position == stop:
            inside = False
    return object


def freeze_weights(object, from_=None, to=None, which=None):
    """Freeze layers: all of them, `from_`..`to` (inclusive), or `which`.

    R keras3's semantics (see the module doc): with a range, the layers
    outside it become trainable (the call is global over the model). Compile
    the model again afterwards, as in Keras.

    Args:
        object: a model (or a layer).
        from_, to: first and last layer to freeze (R's `from`, `to`): a name, a
            layer or a 1-based position (negative counts from the end).
        which: layer names, 1-based positions, layers, a boolean vector (one
            per layer) or a function `layer -> bool`.

    Returns:
        The model, changed in place (for piping).

    Example:
        ```python
        freeze_weights(conv_base)                       # everything frozen
        unfreeze_weights(conv_base, from_="block5_conv1")  # block5_conv1 on trains
        freeze_weights(conv_base, from_=-5)             # only the last 5 frozen
        ```
    """
    return _set(object, False, from_, to, which, "freeze_weights")


def unfreeze_weights(object, from_=None, to=None, which=None):
    """Unfreeze layers: all of them, `from_`..`to` (inclusive), or `which`.

    With a range, the layers outside it are frozen (keras3: the call is
    global over the model); `unfreeze_weights(m, to=-6)` leaves only the last
    5 layers frozen. Arguments as in `freeze_weights`.

    Returns:
        The model, changed in place (for piping).
    """
    return _set(object, True, from_, to, which, "unfreeze_weights")
