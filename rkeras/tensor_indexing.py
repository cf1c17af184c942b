"""keras3's `op_subset()`: R-style `[` on tensors, translated to NumPy-style keys.

R keras3 1.5.1 semantics (its `op_subset` documentation), which `x[...]`,
`op_subset(x, ...)` and `op_subset(x, ...) <- value` follow in rkeras:

* positive indices are 1-based; 0 is an error; negative indices count from
  the end, as in Python (they do *not* drop, unlike R's `[`): `x[-1]` is the
  last row;
* `a:b` slices include `b`; `NA` as a bound means "from the start" / "to the
  end"; `a:b:s` has step `s`; a contiguous integer vector (`c(2, 3, 4)`) is
  read as the same slice, so its axis is kept;
* a scalar index drops its axis; an empty argument keeps the whole axis;
  missing trailing axes are implied (`x[1]` on a matrix is its first row);
* `NULL`/`newaxis` adds an axis, `..`/`all_dims()` stands for all the axes
  not given;
* 1-d integer/logical vectors on several axes select their outer product
  (R's `x[c(1, 3), c(2, 4)]`), not NumPy's pairwise selection;
* a lone logical array shaped like `x` is a mask (elements in row-major
  order); a lone integer matrix with one column per axis selects elements by
  coordinates (R's `x[cbind(i, j)]`).

The R side (``rkeras/r/R/tensor_indexing.R``) reads the unevaluated `[`
arguments into *parts*: ``("all",)``, ``("ellipsis",)``, ``("newaxis",)``,
``("slice", start, stop, step)`` (None for NA) or ``("value", v)``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import ArgumentError

__all__ = ["r_key", "subset", "subset_assign", "subset_from_r", "subset_assign_from_r"]


def _seq(value: Any) -> list:
    """An R list as it reaches Python (RList, list, tuple) as a Python list."""
    values = getattr(value, "values", None)
    if callable(values) and not isinstance(value, (dict, np.ndarray)):
        return list(values())
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _is_tensor(value: Any) -> bool:
    module = type(value).__module__
    return not isinstance(value, np.ndarray) and hasattr(value, "shape") and hasattr(
        value, "dtype") and module.startswith(("tensorflow", "keras", "jax", "torch"))


def _to_numpy_index(value: Any) -> Any:
    """Tensors and R vectors as NumPy arrays (scalars as Python numbers)."""
    if _is_tensor(value):
        import keras
        value = keras.ops.convert_to_numpy(value)
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic):
        value = value.item()
    return value


def _int_index(value: Any, where: str) -> int:
    if isinstance(value, bool) or not float(value).is_integer():
        raise ArgumentError(f"op_subset(): {where}: an index must be a whole number; got {value!r}.")
    value = int(value)
    if value == 0:
        raise ArgumentError(f"op_subset(): {where}: indexing is 1-based (0 is not an index); "
                            "use 1 for the first element, -1 for the last.")
    return value - 1 if value > 0 else value


def _slice(start: Any, stop: Any, step: Any, size: int | None, where: str) -> slice:
    """An R slice `start:stop:step` (stop included, negatives from the end) in Python."""
    step = 1 if step is None else int(_to_numpy_index(step))
    if step == 0:
        raise ArgumentError(f"op_subset(): {where}: a slice step cannot be 0.")
    if start is not None:
        start = _int_index(_to_numpy_index(start), where)
        if start == 0:
            start = None
    if stop is not None:
        stop = int(_to_numpy_index(stop))
        if stop == 0:
            raise ArgumentError(f"op_subset(): {where}: indexing is 1-based (0 is not an index).")
        if size is not None and stop == size:
            stop = None
        elif stop < 0:
            # R includes the end: -1 (the last) means up to the end, -2 stops before the last.
            stop = None if stop + step >= 0 else stop + step
    return slice(start, stop, None if step == 1 else step)


def _contiguous(ints: np.ndarray) -> tuple | None:
    """(start, stop, step) when an integer vector is an increasing run of one sign (keras3)."""
    if ints.size < 2:
        return None
    start, end, step = int(ints[0]), int(ints[-1]), int(ints[1] - ints[0])
    # Only increasing runs: R's inclusive end has no exact Python slice stop going down to 1.
    if step <= 0 or np.sign(start) != np.sign(end):
        return None
    if not np.array_equal(ints, np.arange(start, end + np.sign(step), step)):
        return None
    return start, end, step


def _axis_index(value: Any, size: int | None, where: str) -> tuple[Any, bool]:
    """One axis's index in Python, and whether it is an advanced (array) index."""
    value = _to_numpy_index(value)
    if isinstance(value, (bool, np.bool_)):
        value = np.asarray([value])
    if isinstance(value, (int, float)):
        return _int_index(value, where), False
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ArgumentError(f"op_subset(): {where}: an index on one axis must be a vector "
                            f"(got an array of shape {arr.shape}); a logical mask or a "
                            "coordinate matrix must be the only index.")
    if arr.size == 0:
        raise ArgumentError(f"op_subset(): {where}: an empty index is not supported.")
    if arr.dtype == bool:
        return np.nonzero(arr)[0], True
    if not np.issubdtype(arr.dtype, np.number):
        raise ArgumentError(f"op_subset(): {where}: indices must be numbers or logicals; "
                            f"got {arr.dtype} values.")
    if not np.all(np.mod(arr, 1) == 0):
        raise ArgumentError(f"op_subset(): {where}: indices must be whole numbers.")
    ints = arr.astype(np.int64)
    if np.any(ints == 0):
        raise ArgumentError(f"op_subset(): {where}: indexing is 1-based (0 is not an index).")
    run = _contiguous(ints)
    if run is not None:
        return _slice(run[0], run[1], run[2], size, where), False
    return np.where(ints > 0, ints - 1, ints), True


def _lone_key(value: Any, rank: int) -> Any:
    """keras3's whole-tensor keys: a logical mask, or a matrix of coordinates (one column per axis)."""
    value = _to_numpy_index(value)
    if not isinstance(value, np.ndarray) or value.ndim < 1:
        return None
    if value.dtype == bool and value.ndim == rank and rank > 1:
        return value
    if value.ndim == 2 and value.shape[1] == rank and np.issubdtype(value.dtype, np.number):
        ints = value.astype(np.int64)
        if np.any(ints == 0):
            raise ArgumentError("op_subset(): indexing is 1-based (0 is not an index).")
        ints = np.where(ints > 0, ints - 1, ints)
        return tuple(ints[:, j] for j in range(rank))
    return None


def r_key(shape: Sequence[int | None], parts: Sequence[Any]) -> Any:
    """The NumPy-style key for R-style `[` parts on a tensor of `shape`.

    Args:
        shape: the tensor's shape (None for unknown sizes).
        parts: the parts read by the R side (see the module docstring).

    Returns:
        A tuple for ``x[key]``, or a boolean mask array.
    """
    shape = list(shape)
    rank = len(shape)
    parts = [_seq(p) for p in parts]
    if len(parts) == 1 and parts[0][0] == "value":
        lone = _lone_key(parts[0][1], rank)
        if lone is not None:
            return lone
    key, advanced = [], []
    explicit = sum(p[0] in ("all", "slice", "value") for p in parts)
    axis = 0
    for n, part in enumerate(parts, 1):
        kind = part[0]
        where = f"index {n}"
        size = shape[axis] if axis < rank else None
        if kind == "newaxis":
            key.append(None)
        elif kind == "ellipsis":
            key.append(Ellipsis)
            axis += max(rank - explicit, 0)
        elif kind == "all":
            key.append(slice(None))
            axis += 1
        elif kind == "slice":
            start, stop, step = (list(part[1:]) + [None, None, None])[:3]
            key.append(_slice(start, stop, step, size, where))
            axis += 1
        elif kind == "value":
            index, is_advanced = _axis_index(part[1], size, where)
            if is_advanced:
                advanced.append(len(key))
            key.append(index)
            axis += 1
        else:
            raise ArgumentError(f"op_subset(): unknown index part {kind!r}.")
    # R selects the outer product of several vectors (x[c(1, 3), c(2, 4)] is 2 x 2):
    # each vector gets its own broadcast axis.
    for k, pos in enumerate(advanced):
        dims = [1] * len(advanced)
        dims[k] = -1
        key[pos] = key[pos].reshape(dims)
    return tuple(key)


def _tensor(x: Any) -> Any:
    import keras
    if isinstance(x, keras.Variable):
        return x.value
    if _is_tensor(x):
        return x
    return keras.ops.convert_to_tensor(np.asarray(x))


def _shape(x: Any) -> list:
    return [None if d is None else int(d) for d in tuple(x.shape)]


def _has_array(key: Any) -> bool:
    if isinstance(key, np.ndarray):
        return True
    return any(isinstance(k, np.ndarray) for k in key)


def subset(x: Any, parts: Sequence[Any]) -> Any:
    """`op_subset(x, ...)`: the elements of tensor `x` that R-style `parts` select."""
    t = _tensor(x)
    key = r_key(_shape(t), parts)
    getitem = getattr(t, "_numpy_style_getitem", None)    # TF eager/graph tensors
    if getitem is not None:
        return getitem(key)
    if _has_array(key) and type(t).__name__ == "KerasTensor":
        raise ArgumentError("op_subset(): a symbolic (KerasTensor) input takes numbers, "
                            "slices, NULL and `..`; index vectors and masks need a real tensor "
                            "(inside a layer's call(), or use op_take()).")
    return t[key]


def subset_assign(x: Any, parts: Sequence[Any], value: Any) -> Any:
    """`op_subset(x, ...) <- value`: `x` with the selected elements replaced.

    A `keras.Variable`/`tf.Variable` is updated in place and returned (keras3);
    a NumPy array is updated in place; a tensor gives a new tensor (tensors
    cannot change). Values broadcast over the selection, as in R and NumPy.
    """
    import keras
    ops = keras.ops
    t = _tensor(x)
    shape = _shape(t)
    if any(d is None for d in shape):
        raise ArgumentError("op_subset<-: the tensor's shape must be fully known "
                            f"(got {tuple(shape)}).")
    key = r_key(shape, parts)
    if isinstance(x, np.ndarray):
        x[key] = np.asarray(_to_numpy_index(value))
        return x
    positions = np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)[key]
    coords = np.stack(np.unravel_index(positions.reshape(-1), shape), axis=1)
    dtype = keras.backend.standardize_dtype(t.dtype)
    updates = ops.cast(ops.convert_to_tensor(_to_numpy_index(value) if not _is_tensor(value)
                                             else value), dtype)
    updates = ops.reshape(ops.broadcast_to(updates, positions.shape), (-1,))
    new = ops.scatter_update(t, coords, updates)
    if isinstance(x, keras.Variable) or hasattr(x, "assign"):
        x.assign(new)
        return x
    return new


def subset_from_r(x: Any, parts: Any) -> Any:
    """The R front end's entry (parts as an R list)."""
    return subset(x, _seq(parts))


def subset_assign_from_r(x: Any, parts: Any, value: Any) -> Any:
    """The R front end's entry for `op_subset<-` (parts as an R list)."""
    return subset_assign(x, _seq(parts), value)
