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
import sys
from typing import Any

import numpy as np

from .argument_checks import R_NA
from .conventions import is_size_tensor, normalize_shape
from .errors import ArgumentError, ArgumentTypeError
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


def _names_and_values(value: Any, arg: str) -> tuple[list | None, list]:
    """An R-like list's names (None when unnamed) and values."""
    from .rlist import RList

    if isinstance(value, RList):
        names = value.names()
        return (None if all(n is None for n in names) else names), list(value.values())
    if isinstance(value, dict):
        return [str(k) for k in value], list(value.values())
    if isinstance(value, (list, tuple)):
        return None, list(value)
    if isinstance(value, np.ndarray):
        return None, list(value.reshape(-1)) if value.ndim else [value.item()]
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, pd.Series):      # an R named vector
        return [str(k) for k in value.index], value.tolist()
    if isinstance(value, (numbers.Number, str)):
        return None, [value]
    raise ArgumentTypeError(f"zip_lists(): `{arg}` must be a list or vector; "
                            f"got {type(value).__name__}.")


def _as_list(names: list | None, values: list) -> Any:
    from .rlist import RList

    return list(values) if names is None else RList(zip(names, values))


@takes_dots("lists")
@verb_kind("object")
def zip_lists(lists=(), **named):
    """keras3's `zip_lists()`: transpose lists, by position or by matching names.

    `zip_lists(a, b)` gives one list per position, `list(a[[i]], b[[i]])`;
    named arguments name the elements of each (`zip_lists(gradient = g, weight
    = w)`); when the first list has names, the others are matched by name
    (reordered; an error when the names differ) and the result has those names.
    A single argument is a list of the lists.

    Example:
        >>> zip_lists([1, 2], ["a", "b"])      # [[1, 'a'], [2, 'b']]
        >>> zip_lists({"a": 1, "b": 2}, {"b": 3, "a": 4})   # RList(a=[1, 4], b=[2, 3])
    """
    dots: list[tuple[str | None, Any]] = [(None, v) for v in lists] + list(named.items())
    if len(dots) == 1:
        names, values = _names_and_values(dots[0][1], "...")
        dots = list(zip(names or [None] * len(values), values))
    if not dots:
        return []
    arg_names = [n for n, _ in dots]
    arg_names = None if all(n is None for n in arg_names) else ["" if n is None else n for n in arg_names]
    columns = [_names_and_values(v, n or f"..{i + 1}") for i, (n, v) in enumerate(dots)]
    first_names = columns[0][0]
    if first_names is not None and "" in first_names and len(set(first_names)) == len(first_names):
        raise ArgumentError("zip_lists(): all names must be unique (and non-empty); call "
                            "unname() on the arguments for positional matching.")
    aligned = [columns[0][1]]
    for names, values in columns[1:]:
        if names != first_names:
            if first_names is None or names is None or set(names) != set(first_names):
                raise ArgumentError("zip_lists(): all names of the arguments must match; call "
                                    "unname() on each argument for positional matching.")
            by_name = dict(zip(reversed(names), reversed(values)))     # R's `[`: first match
            values = [by_name[n] for n in first_names]
        aligned.append(values)
    lengths = {len(v) for v in aligned}
    if len(lengths) != 1:
        raise ArgumentError(f"zip_lists(): the lists differ in length ({sorted(lengths)}).")
    rows = [_as_list(arg_names, list(items)) for items in zip(*aligned)]
    return _as_list(first_names, rows)


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
