"""keras3's serialization verbs: configs, JSON model configs, custom objects.

* `get_config(object)` / `from_config(config)`: a layer's or model's config;
  the config remembers its class (keras3 keeps it as an attribute), so
  `from_config()` needs nothing else;
* `save_model_config(model, filepath)` / `load_model_config(filepath)`: the
  architecture as JSON (no weights);
* `register_keras_serializable`, `with_custom_object_scope`,
  `get_custom_objects` / `set_custom_objects`: Keras's custom-object registry,
  with keras3's arguments. (`serialize_keras_object`,
  `deserialize_keras_object`, `get_registered_name`, `get_registered_object`
  are Keras's functions as they are: see the registry.)
"""

from __future__ import annotations

import os
from typing import Any, Callable

from .errors import ArgumentError
from .pipe import unwrap
from .registry import verb_kind

__all__ = [
    "get_config", "from_config", "save_model_config", "load_model_config",
    "register_keras_serializable", "with_custom_object_scope",
    "get_custom_objects", "set_custom_objects",
]


class KerasConfig(dict):
    """A Keras config (a dict) that remembers the class it came from."""

    __slots__ = ("keras_class",)


@verb_kind("function")
def get_config(object):
    """The config of a layer, model, optimizer ... (a dict that knows its class)."""
    obj = unwrap(object)
    config = KerasConfig(obj.get_config())
    config.keras_class = type(obj)
    return config


@verb_kind("function")
def from_config(config, custom_objects=None):
    """Rebuild an object from `get_config()`'s result."""
    cls = getattr(config, "keras_class", None)
    if cls is None:
        raise ArgumentError(
            "from_config(): `config` does not say which class it belongs to; give the result "
            "of get_config(), or call the class's own from_config (e.g. keras.layers.Dense).")
    if custom_objects:
        import keras

        with keras.saving.CustomObjectScope(_custom_objects(custom_objects)):
            return cls.from_config(dict(config))
    return cls.from_config(dict(config))


@verb_kind("model")
def save_model_config(model, filepath, overwrite=False):
    """Write the model's architecture as JSON to `filepath`; returns the model."""
    if os.path.exists(filepath) and not overwrite:
        raise ArgumentError(f"save_model_config(): {filepath} exists; use overwrite = TRUE "
                            f"to replace it.")
    with open(filepath, "w", encoding="utf-8") as f:
        f.write(unwrap(model).to_json())
    return model


@verb_kind("object")
def load_model_config(filepath, custom_objects=None):
    """A new model (random weights) from a JSON architecture written by `save_model_config`."""
    import keras

    with open(filepath, encoding="utf-8") as f:
        return keras.models.model_from_json(f.read(), _custom_objects(custom_objects))


def _custom_objects(objects: Any) -> dict | None:
    # keras3 accepts a named list, or an unnamed list of named functions/classes.
    if objects is None:
        return None
    if isinstance(objects, dict):
        return {str(k): unwrap(v) for k, v in objects.items()}
    if callable(objects):
        objects = [objects]
    out = {}
    for obj in objects:
        obj = unwrap(obj)
        name = getattr(obj, "__name__", None)
        if not name:
            raise ArgumentError("custom_objects: give a named list, or objects with names.")
        out[name] = obj
    return out


@verb_kind("object")
def register_keras_serializable(object, name=None, package="Custom"):
    """Register a custom class or function so saved models find it again; returns it."""
    import keras

    keras.saving.register_keras_serializable(package=package, name=name)(unwrap(object))
    # keras3 returns what it was given: a class constructor (layer_custom <-
    # register_keras_serializable(Layer(...))) stays a constructor, not the bare class.
    return object


@verb_kind("object")
def with_custom_object_scope(objects, expr: Callable[[], Any]):
    """Run `expr()` (a function of no arguments) with `objects` known to Keras.

    In R, keras3's `with_custom_object_scope(objects, expr)` evaluates `expr`;
    from Python, pass a function (`lambda: load_model("m.keras")`).
    """
    import keras

    if not callable(expr):
        raise ArgumentError("with_custom_object_scope(): `expr` must be a function of no "
                            "arguments (from Python: lambda: ...).")
    with keras.saving.CustomObjectScope(_custom_objects(objects)):
        return expr()


@verb_kind("object")
def get_custom_objects():
    """Keras's global custom objects (name -> object)."""
    import keras

    return dict(keras.saving.get_custom_objects())


@verb_kind("object")
def set_custom_objects(objects=None, clear=True):
    """Replace (or, with `clear = FALSE`, extend) Keras's global custom objects.

    Returns the previous ones, as keras3 does.
    """
    import keras

    registry = keras.saving.get_custom_objects()
    previous = dict(registry)
    if clear:
        registry.clear()
    registry.update(_custom_objects(objects) or {})
    return previous
