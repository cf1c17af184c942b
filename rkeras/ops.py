"""The `op_*` verbs where keras3 adds behaviour to `keras.ops`.

Every function of `keras.ops` is a verb through the registry (`op_add`,
`op_sum(x, axis = 1)` with R's 1-based axes ...). The functions here replace
the generated verb where keras3 does more than convert arguments:

* positions are 1-based: `op_argmax`, `op_argsort`, `op_top_k` ... return
  1-based indices, `op_take(x, indices)` and `op_one_hot(x)` take them, unless
  `zero_indexed = TRUE`;
* `op_arange(5)` is R's `1:5` (`include_end = TRUE`, start 1);
* `op_shape(x)` returns keras3's shape object (`shape(2, 3)`);
* `op_reshape` accepts NA/None for "the rest"; `op_split` takes 1-based
  split points; `op_matmul` gives an R vector the dtype of the tensor it
  meets;
* `op_einsum`, `op_meshgrid`, `op_hstack`, `op_vstack` take their operands
  as R's `...` (extra unnamed arguments);
* `random_categorical` draws 1-based class indices (keras3's `zero_indexed`).

These are hand-written verbs, so they apply rkeras's conventions themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .conventions import as_axis, as_index_array, as_integer
from .registry import takes_dots, verb_kind
from .utils import Shape

__all__ = [
    "op_argmax", "op_argmin", "op_argsort", "op_argpartition", "op_digitize",
    "op_searchsorted", "op_top_k", "op_nonzero", "op_take", "op_take_along_axis",
    "op_one_hot", "op_arange", "op_shape", "op_reshape", "op_split", "op_matmul",
    "op_einsum", "op_meshgrid", "op_hstack", "op_vstack", "random_categorical",
]


def _ops():
    from keras import ops

    return ops


def _one_based(result: Any, zero_indexed: bool) -> Any:
    return result if zero_indexed else _ops().add(result, 1)


def _indices(value: Any, arg: str, zero_indexed: bool) -> Any:
    if zero_indexed:
        return _as_int_array(value, arg)
    return as_index_array(value, arg)


def _as_int_array(value: Any, arg: str) -> Any:
    # 0-based indices given by the user: R's doubles as integers (keras3's
    # as_integer_array); tensors unchanged.
    if not _is_plain(value):
        return value
    array = np.asarray(value)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.floor(array)):
            from .errors import ArgumentError
            raise ArgumentError(f"`{arg}` must hold whole numbers; got {value!r}.")
        array = array.astype(np.int64)
    return array


@verb_kind("function")
def op_argmax(x, axis=None, keepdims=False, zero_indexed=False):
    """Indices of the largest values along `axis` (1-based, as in R, unless `zero_indexed`)."""
    return _one_based(_ops().argmax(x, axis=as_axis(axis), keepdims=keepdims), zero_indexed)


@verb_kind("function")
def op_argmin(x, axis=None, keepdims=False, zero_indexed=False):
    """Indices of the smallest values along `axis` (1-based unless `zero_indexed`)."""
    return _one_based(_ops().argmin(x, axis=as_axis(axis), keepdims=keepdims), zero_indexed)


@verb_kind("function")
def op_argsort(x, axis=-1, zero_indexed=False):
    """Indices that sort `x` along `axis` (1-based unless `zero_indexed`)."""
    return _one_based(_ops().argsort(x, axis=as_axis(axis)), zero_indexed)


@verb_kind("function")
def op_argpartition(x, kth, axis=-1, zero_indexed=False):
    """Indices that partition `x` around its `kth` element (both 1-based unless `zero_indexed`)."""
    kth = _indices(kth, "kth", zero_indexed)
    return _one_based(_ops().argpartition(x, kth, axis=as_axis(axis)), zero_indexed)


@verb_kind("function")
def op_digitize(x, bins, zero_indexed=False):
    """The bin of each value of `x` (1-based unless `zero_indexed`; 0-based Keras + 1)."""
    return _one_based(_ops().digitize(x, np.asarray(bins)), zero_indexed)


@verb_kind("function")
def op_searchsorted(sorted_sequence, values, side="left", zero_indexed=False):
    """Where `values` would go in `sorted_sequence` to keep it sorted (1-based by default)."""
    return _one_based(_ops().searchsorted(sorted_sequence, values, side=side), zero_indexed)


@verb_kind("function")
def op_top_k(x, k, sorted=True, zero_indexed=False):
    """The `k` largest values and their (1-based) indices, as `values`, `indices`."""
    from .rlist import RList

    values, indices = _ops().top_k(x, as_integer(k, "k", minimum=1, strict=True), sorted=sorted)
    return RList(values=values, indices=_one_based(indices, zero_indexed))


@verb_kind("function")
def op_nonzero(x, zero_indexed=False):
    """The positions of the non-zero elements: a matrix with one row per element.

    keras3 stacks Keras's per-axis index vectors as columns and makes them 1-based.
    """
    ops = _ops()
    columns = [_one_based(i, zero_indexed) for i in ops.nonzero(x)]
    return ops.stack(columns, axis=-1)


@verb_kind("function")
def op_take(x, indices, axis=None, zero_indexed=False):
    """Elements of `x` at 1-based `indices` along `axis` (the flattened array if NULL)."""
    return _ops().take(x, _indices(indices, "indices", zero_indexed), axis=as_axis(axis))


@verb_kind("function")
def op_take_along_axis(x, indices, axis=None, zero_indexed=False):
    """Like `op_take`, with an index array shaped like `x` (1-based unless `zero_indexed`)."""
    return _ops().take_along_axis(x, _indices(indices, "indices", zero_indexed),
                                  axis=as_axis(axis))


@verb_kind("function")
def op_one_hot(x, num_classes, axis=-1, dtype=None, sparse=False, zero_indexed=False):
    """One-hot encode class indices `x`, 1-based as in R (`zero_indexed = TRUE`: Keras's 0-based)."""
    x = _indices(x, "x", zero_indexed)
    return _ops().one_hot(x, as_integer(num_classes, "num_classes", minimum=1, strict=True),
                          axis=as_axis(axis), dtype=dtype, sparse=sparse)


@verb_kind("object", family="random")
def random_categorical(logits, num_samples, dtype="int32", seed=None, zero_indexed=False):
    """Draw `num_samples` class indices per row of `logits`: 1-based, as keras3 (unless `zero_indexed`).

    Example:
        >>> random_categorical([[0.0, 0.0]], 3, seed=1)     # 1s and 2s
    """
    from keras import random

    result = random.categorical(logits, as_integer(num_samples, "num_samples", minimum=1, strict=True),
                                dtype=dtype, seed=as_integer(seed, "seed"))
    return _one_based(result, zero_indexed)


@verb_kind("function")
def op_arange(start, end=None, step=1, dtype=None, include_end=True):
    """R's `seq()`: `op_arange(5)` is 1, 2, 3, 4, 5; `include_end = FALSE` is Keras's arange.

    Example:
        >>> op_arange(2, 8, 2)     # 2, 4, 6, 8
    """
    if end is None:
        start, end = (1.0 if isinstance(start, float) else 1), start
    ints = dtype is not None and "int" in str(dtype)
    if ints:
        start, end, step = (as_integer(v, arg, strict=True)
                            for v, arg in ((start, "start"), (end, "end"), (step, "step")))
    if include_end:
        end = end + step
    return _ops().arange(start, end, step, dtype=dtype)


@verb_kind("function")
def op_shape(x):
    """The shape of a tensor or array as keras3's shape object (None for an unknown size).

    While TF traces a function (a layer's call() in fit), an unknown size is a
    scalar tensor, as in keras3: `op_shape(x)[[1]]` is the batch size, usable
    in `random_normal(shape = c(batch, dim))`.
    """
    dims = _ops().shape(x)
    if any(d is not None and not isinstance(d, (int, np.integer)) for d in dims):
        return tuple.__new__(Shape, [d if d is None or hasattr(d, "dtype") else int(d) for d in dims])
    return Shape(dims)


@verb_kind("function")
def op_reshape(x, newshape):
    """Reshape `x`; an NA/None (or -1) size takes the rest, as keras3's `op_reshape`."""
    if isinstance(newshape, np.ndarray) and newshape.ndim == 1:
        # R's c(60000, 784) arrives as a 1-d array: its values are the sizes
        # (Shape() of an array would be the array's own shape, (2,)).
        newshape = newshape.tolist()
    dims = Shape(newshape)
    return _ops().reshape(x, tuple(-1 if d is None else d for d in dims))


@verb_kind("function")
def op_split(x, indices_or_sections, axis=1):
    """Split `x` into equal sections (a number) or at 1-based positions (a vector)."""
    value = indices_or_sections
    if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        value = [int(i) for i in np.ravel(as_index_array(value, "indices_or_sections"))]
    else:
        value = as_integer(value, "indices_or_sections", minimum=1, strict=True)
    return _ops().split(x, value, axis=as_axis(axis))


@verb_kind("function")
def op_matmul(x1, x2):
    """Matrix product; an R/numpy value meeting a tensor takes the tensor's dtype (keras3)."""
    ops = _ops()
    if _is_plain(x1) and ops.is_tensor(x2):
        x1 = ops.convert_to_tensor(np.asarray(x1), dtype=x2.dtype)
    elif ops.is_tensor(x1) and _is_plain(x2):
        x2 = ops.convert_to_tensor(np.asarray(x2), dtype=x1.dtype)
    return ops.matmul(x1, x2)


def _is_plain(value: Any) -> bool:
    return isinstance(value, (int, float, list, tuple, np.ndarray, np.generic))


@takes_dots("operands")
@verb_kind("object")
def op_einsum(subscripts, operands=()):
    """Einstein summation: `op_einsum("ij,jk->ik", a, b)`."""
    return _ops().einsum(subscripts, *operands)


@takes_dots("x")
@verb_kind("object")
def op_meshgrid(x=(), indexing="xy"):
    """Coordinate grids from vectors: `op_meshgrid(x, y, indexing = "ij")`.

    R's doubles that are whole numbers become integers, as keras3 does.
    """
    arrays = [_whole_to_int(v) for v in x]
    return _ops().meshgrid(*arrays, indexing=indexing)


def _whole_to_int(value: Any) -> Any:
    array = value if not _is_plain(value) else np.asarray(value)
    if isinstance(array, np.ndarray) and array.dtype.kind == "f" and np.all(
            np.isfinite(array)) and np.all(array == np.floor(array)):
        return array.astype(np.int64)
    return array


def _stackable(xs: Any, more: Any) -> list:
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    return [np.asarray(v) if _is_plain(v) else v for v in xs + list(more)]


@takes_dots("more")
@verb_kind("object")
def op_hstack(xs, more=()):
    """Stack tensors column-wise: `op_hstack(list(a, b))` or `op_hstack(a, b)`."""
    return _ops().hstack(_stackable(xs, more))


@takes_dots("more")
@verb_kind("object")
def op_vstack(xs, more=()):
    """Stack tensors row-wise: `op_vstack(list(a, b))` or `op_vstack(a, b)`."""
    return _ops().vstack(_stackable(xs, more))
