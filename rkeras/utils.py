"""keras3's small utilities that Keras has no function for.

* `shape(...)`: keras3's shape object (`shape(NA, 28)`, `shape(x)`), a tuple
  whose unknown sizes are None, printed as keras3 prints it;
* `keras_variable()`: a `keras.Variable`, with R's shapes;
* `custom_metric(name, fn)`: a metric function with a name Keras reports;
* `zip_lists(...)`, `named_list(...)`: keras3's list helpers;
* `newaxis`: None, as `numpy.newaxis` (a value, not a verb: it is not in
  `__all__` and is exported by `rkeras/__init__`).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .argument_checks import R_NA
from .conventions import is_size_tensor, normalize_shape
from .errors import ArgumentError
from .registry import takes_dots, verb_kind

__all__ = ["shape", "keras_variable", "custom_metric", "zip_lists", "named_list",
           "image_array_save", "image_to_array"]

newaxis = None


class Shape(tuple):
    """keras3's `keras_shape`: sizes as ints, None where unknown.

    `Shape(x)` takes a tensor, an array, a TensorShape or a sequence of sizes
    (NA, NaN, None and -1 mean unknown).

    Example:
        >>> Shape([None, 28.0])
        shape(NA, 28)
    """

    def __new__(cls, value: Any = ()):
        return super().__new__(cls, _dims(value))

    def __repr__(self) -> str:
        return "shape(" + ", ".join("NA" if d is None else str(d) for d in self) + ")"

    __str__ = __repr__


def _dims(value: Any) -> list:
    if value is None or value is R_NA:     # shape(NA): R's NA arrives as the bridge's marker
        return [None]
    if hasattr(value, "as_list") and callable(value.as_list):     # TensorShape
        return [None if d is None else int(d) for d in value.as_list()]
    if not isinstance(value, np.ndarray) and is_size_tensor(value):
        return [value]      # keras3: a scalar integer tensor is a size (shape(batch_size, 128))
    if hasattr(value, "shape") and not isinstance(value, (np.generic,)) and (
            not isinstance(value, np.ndarray) or value.ndim > 0) and _is_tensor_like(value):
        dims = tuple(value.shape)
        if None in dims and not isinstance(value, np.ndarray):
            # While TF traces (train_step), keras3's shape(x) is ops$shape(x): an
            # unknown size is a scalar tensor, usable as a size.
            from keras import ops
            return [d if d is None or hasattr(d, "dtype") else int(d) for d in ops.shape(value)]
        return [None if d is None else int(d) for d in dims]
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        out: list = []
        for item in (value.tolist() if isinstance(value, np.ndarray) else value):
            out += _dims(item)
        return out
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return [None]
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if value == -1:
            return [None]
        return list(normalize_shape(value, "shape"))
    raise ArgumentError(f"shape(): cannot read a size from {value!r} "
                        f"(give numbers, NA/None, tensors or arrays).")


def _is_tensor_like(value: Any) -> bool:
    # Arrays are tensors here on purpose: shape(array) is its dim(), as in keras3.
    module = type(value).__module__
    return isinstance(value, np.ndarray) or module.startswith(("tensorflow", "keras", "jax",
                                                               "torch"))


@takes_dots("dims")
@verb_kind("object")
def shape(dims=()):
    """keras3's `shape()`: `shape(NA, 28)`, `shape(x)` (a tensor's shape), `shape(c(2, 3))`.

    Every argument adds its sizes: numbers, NA/None (unknown), vectors, arrays
    and tensors (their shape).
    """
    out: list = []
    for value in dims:
        out += _dims(value)
    return Shape(out)


@verb_kind("object")
def keras_variable(initializer, shape=None, dtype=None, trainable=True, autocast=True,
                   aggregation="none", synchronization="auto", name=None, **kwargs):
    """A `keras.Variable` (keras3's `keras_variable`); `shape` as R gives it."""
    import keras

    if shape is not None:
        shape = tuple(Shape(shape))
    return keras.Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                          autocast=autocast, aggregation=aggregation,
                          synchronization=synchronization, name=name, **kwargs)


@verb_kind("object")
def custom_metric(name, metric_fn):
    """A metric function (`y_true`, `y_pred`) -> values, under the name Keras reports."""
    if not isinstance(name, str) or not name:
        raise ArgumentError(f"custom_metric(): `name` must be a non-empty string; got {name!r}.")
    if not callable(metric_fn):
        raise ArgumentError("custom_metric(): `metric_fn` must be a function of "
                            "(y_true, y_pred).")

    def metric(y_true, y_pred):
        return metric_fn(y_true, y_pred)

    metric.__name__ = metric.__qualname__ = name
    return metric


@takes_dots("lists")
@verb_kind("object")
def zip_lists(lists=()):
    """keras3's `zip_lists()`: transpose lists, by position or by matching names.

    Example:
        >>> zip_lists([1, 2], ["a", "b"])      # [[1, 'a'], [2, 'b']]
        >>> zip_lists({"a": 1, "b": 2}, {"b": 3, "a": 4})   # {'a': [1, 4], 'b': [2, 3]}
    """
    lists = list(lists)
    if len(lists) == 1:
        lists = list(lists[0].values() if isinstance(lists[0], dict) else lists[0])
    if not lists:
        return []
    if isinstance(lists[0], dict):
        names = list(lists[0])
        for other in lists[1:]:
            if not isinstance(other, dict) or set(other) != set(names):
                raise ArgumentError("zip_lists(): all names of the arguments must match; "
                                    "give unnamed lists for positional matching.")
        return {name: [other[name] for other in lists] for name in names}
    lengths = {len(x) for x in lists}
    if len(lengths) != 1:
        raise ArgumentError(f"zip_lists(): the lists differ in length ({sorted(lengths)}).")
    return [list(items) for items in zip(*lists)]


@verb_kind("object")
def named_list(**values):
    """keras3's `named_list()`: a list whose elements all have names (an RList here)."""
    from .rlist import RList

    return RList(values)


@verb_kind("function")
def image_array_save(x, path, data_format=None, file_format=None, scale=True, **kwargs):
    """Save an image array to `path` (keras3's argument order: the array first); returns `x`."""
    import keras

    keras.utils.save_img(path, x, data_format=data_format, file_format=file_format,
                         scale=scale, **kwargs)
    return x


@verb_kind("function")
def image_to_array(img, data_format=None, dtype=None):
    """A PIL image as an array: doubles by default, as keras3 (`dtype = "integer"`: int32)."""
    import keras

    dtype = {None: "float64", "double": "float64", "integer": "int32"}.get(dtype, dtype)
    return keras.utils.img_to_array(img, data_format=data_format, dtype=dtype)
