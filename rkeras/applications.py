"""`application_*`: Keras's pretrained image models, built offline.

The `application_*` verbs themselves come from the registry (one per function
of `keras.applications`, keras3's names: `application_resnet50`,
`application_mobilenet_v2` ...). This module adds what keras3 adds around
them, and one rule of rkeras's own:

* **Weights never download.** `weights = NULL` builds the architecture with
  random weights. `weights = "imagenet"` (Keras's default) loads the file from
  Keras's cache (`~/.keras/models`, or `$KERAS_HOME/models`) when it is there,
  and otherwise fails *before* any network access, naming the file, where to
  put it and where it comes from. A local file path works as in Keras.
* keras3's `application_preprocess_inputs(model, x)` and
  `application_decode_predictions(model, preds)` find the preprocessing of the
  architecture `model` was built with (keras3 keeps it as attributes of the R
  model object; here a weak map from the model to its Keras module), so the
  model stays a plain Keras model.
* `imagenet_preprocess_input()` / `imagenet_decode_predictions()`: Keras's
  generic ImageNet helpers; decoding gives keras3's data frames (one per
  sample: `class_name`, `class_description`, `score`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import weakref
from typing import Any, Callable

import numpy as np

from .conventions import as_integer
from .errors import ArgumentError, RKerasError
from .registry import verb_kind

__all__ = [
    "application_preprocess_inputs", "application_decode_predictions",
    "imagenet_preprocess_input", "imagenet_decode_predictions",
]


class WeightsNotFoundError(RKerasError, FileNotFoundError):
    """Pretrained weights (or ImageNet's class index) are not in the local cache."""


# model -> the keras.src.applications module it was built by (its preprocess_input
# and decode_predictions). Weak: the map never keeps a model alive.
_MODEL_MODULES: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()


def cache_dir() -> str:
    """Where Keras keeps downloaded files (`~/.keras`, or `$KERAS_HOME`)."""
    from keras.src.backend import config

    return os.path.expanduser(config.keras_home())


@contextlib.contextmanager
def _no_downloads(verb: str):
    """Inside: Keras's `get_file` serves cached files and refuses to download.

    Keras builds the weights file name inside each application (it depends on
    `include_top`, `alpha`, the input size ...), so the only exact way to know
    it is to see the `get_file` call. For the duration of the call only,
    `keras.src.utils.file_utils.get_file` is replaced by a guard that checks
    the cache first; everything else about the file is Keras's own.
    """
    from keras.src.utils import file_utils

    real = file_utils.get_file

    def cached_only(fname=None, origin=None, *args, cache_subdir="datasets",
                    cache_dir=None, **kwargs):
        base = os.path.expanduser(cache_dir) if cache_dir else _cache_base()
        name = fname or os.path.basename(str(origin or ""))
        target = os.path.join(base, cache_subdir, name)
        if not os.path.exists(target):
            raise WeightsNotFoundError(
                f"{verb}(): the file {name!r} is not in Keras's cache, and rkeras does not "
                f"download. Put it at {target} (download it from {origin}), or give "
                f"`weights` the path of a local copy, or use `weights = NULL` for random "
                f"weights."
            )
        return real(fname, origin, *args, cache_subdir=cache_subdir, cache_dir=cache_dir,
                    **kwargs)

    file_utils.get_file = cached_only
    try:
        yield
    finally:
        file_utils.get_file = real


def _cache_base() -> str:
    # As Keras's get_file: the Keras home, or /tmp/.keras when it is not writable.
    base = cache_dir()
    if os.path.isdir(base) and not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return base


def offline_weights(target: Callable, verb: str) -> Callable:
    """Wrap one `keras.applications` function (used by the registry's family).

    The model is built by Keras as usual; only the weights come from the cache
    (see the module docstring). The model's Keras module is remembered for
    `application_preprocess_inputs()` / `application_decode_predictions()`.
    """
    module = sys.modules[target.__module__]

    @functools.wraps(target)
    def build(*args: Any, **kwargs: Any):
        weights = kwargs.get("weights", "imagenet")
        if isinstance(weights, str) and weights != "imagenet" and not os.path.exists(weights):
            raise WeightsNotFoundError(
                f"{verb}(): `weights` is {weights!r}, which is neither \"imagenet\", "
                f"NULL/None nor an existing file.")
        with _no_downloads(verb):
            model = target(*args, **kwargs)
        _MODEL_MODULES[model] = module
        return model

    return build


def _module_of(model: Any, verb: str):
    import keras

    if not isinstance(model, keras.Model):
        raise ArgumentError(f"{verb}(): `model` must be a model made by an application_*() "
                            f"verb; got {type(model).__name__}.")
    module = _MODEL_MODULES.get(model)
    if module is None:
        raise ArgumentError(
            f"{verb}(): model {model.name!r} was not built by an application_*() verb in this "
            f"session, so its preprocessing is unknown; use the architecture's own "
            f"function, e.g. imagenet_preprocess_input(x, mode = \"caffe\").")
    return module


@verb_kind("function")
def application_preprocess_inputs(model, x=None, data_format=None, **kwargs):
    """Preprocess images `x` the way `model`'s architecture expects (keras3).

    Without `x`, returns the preprocessing function itself.

    Example:
        >>> model = application_mobilenet_v2(weights=None, input_shape=(32, 32, 3))
        >>> x = application_preprocess_inputs(model, images)
    """
    module = _module_of(model, "application_preprocess_inputs")
    fn = module.preprocess_input
    if x is None:
        return functools.partial(fn, data_format=data_format, **kwargs)
    return fn(_writable(x), data_format=data_format, **kwargs)


@verb_kind("function")
def application_decode_predictions(model, preds=None, top=5, **kwargs):
    """Decode `model`'s ImageNet predictions: keras3's list of data frames.

    Needs ImageNet's class index (`imagenet_class_index.json`) in Keras's
    cache (`~/.keras/models`); rkeras does not download it.
    """
    module = _module_of(model, "application_decode_predictions")
    top = as_integer(top, "top", minimum=1, strict=True)
    if preds is None:
        return lambda p: _decode(module.decode_predictions, p, top,
                                 "application_decode_predictions", **kwargs)
    return _decode(module.decode_predictions, preds, top, "application_decode_predictions",
                   **kwargs)


def _writable(x: Any) -> Any:
    # Keras's caffe/torch preprocessing writes into numpy inputs in place; R's arrays
    # arrive read-only, and a user's array must not change under them (keras3 copies too).
    if isinstance(x, np.ndarray):
        return np.array(x, dtype=x.dtype if x.dtype.kind == "f" else "float32")
    return x


def _decode(decode: Callable, preds: Any, top: int, verb: str, **kwargs):
    import pandas as pd

    with _no_downloads(verb):
        decoded = decode(np.asarray(preds), top=top, **kwargs)
    return [pd.DataFrame({"class_name": [str(c) for c, _, _ in sample],
                          "class_description": [str(d) for _, d, _ in sample],
                          "score": [float(s) for _, _, s in sample]})
            for sample in decoded]


@verb_kind("function")
def imagenet_preprocess_input(x, data_format=None, mode="caffe"):
    """Keras's generic ImageNet preprocessing (`mode`: "caffe", "tf" or "torch")."""
    from keras.applications import imagenet_utils

    if mode not in ("caffe", "tf", "torch"):
        raise ArgumentError(f"imagenet_preprocess_input(): `mode` must be \"caffe\", \"tf\" "
                            f"or \"torch\"; got {mode!r}.")
    return imagenet_utils.preprocess_input(_writable(x), data_format=data_format, mode=mode)


@verb_kind("function")
def imagenet_decode_predictions(preds, top=5):
    """ImageNet class names for predictions of shape (samples, 1000): keras3's data frames."""
    from keras.applications import imagenet_utils

    top = as_integer(top, "top", minimum=1, strict=True)
    return _decode(imagenet_utils.decode_predictions, preds, top, "imagenet_decode_predictions")
