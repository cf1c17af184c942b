"""R keras3's array utilities: `array_reshape`, `to_categorical`, `pad_sequences`, `normalize`.

They follow R keras3 (and reticulate for `array_reshape`): C (row-major)
reshaping, 0-based class labels, 1-based axes. Arguments are checked with
`rkeras.conventions` before anything reaches Keras (by these functions
themselves, so `rkeras.pad_sequences` and `rkeras.preprocessing.pad_sequences`
are the same call), and the data is checked here, so mistakes get messages that
say which argument was wrong, what was given and what is accepted.
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any

import numpy as np

from .conventions import as_axis, as_count, as_integer, as_integer_vector, describe, scalar
from .errors import ArgumentError, ArgumentTypeError, DataError
from .labels import factor_codes, is_factor

__all__ = ["array_reshape", "to_categorical", "pad_sequences", "normalize"]


# ------------------------------------------------------------------ helpers
def _as_array(x: Any, name: str = "x") -> np.ndarray:
    """Lists, pandas objects, numpy arrays and anything with `__array__` as an ndarray."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "to_numpy") and not hasattr(x, "__array_namespace__"):
        try:
            return np.asarray(x.to_numpy())
        except TypeError:
            pass
    try:
        return np.asarray(x)
    except Exception as error:
        raise ArgumentTypeError(
            f"`{name}` must be array-like (a numpy array, list, pandas object or "
            f"anything with __array__); got {type(x).__name__}: {error}"
        ) from None


def _is_r_object(x: Any) -> bool:
    return type(x).__module__.startswith("rpy2.")


def _is_backend_tensor(x: Any) -> bool:
    """A backend tensor / KerasTensor (left to Keras), without importing Keras needlessly."""
    if isinstance(x, (np.ndarray, list, tuple, numbers.Number, np.generic)):
        return False
    module = type(x).__module__ or ""
    if not module.startswith(("tensorflow", "keras", "jax", "jaxlib", "torch")):
        return False
    from keras import ops

    return bool(ops.is_tensor(x)) or type(x).__name__ == "KerasTensor"


def _where(mask: np.ndarray, limit: int = 5) -> list:
    """The first `limit` positions (0-based; tuples for n-d arrays) where mask holds."""
    out = []
    for pos in np.argwhere(mask)[:limit]:
        pos = tuple(int(p) for p in pos)
        out.append(pos[0] if len(pos) == 1 else pos)
    return out


def _more(mask: np.ndarray, limit: int = 5) -> str:
    n = int(np.count_nonzero(mask))
    return f", ... ({n} in all)" if n > limit else ""


def _positions(mask: np.ndarray, values: np.ndarray, limit: int = 5) -> str:
    """'3 at position 4, ...' for the first `limit` positions where mask holds."""
    parts = []
    for pos in _where(mask, limit):
        v = values[pos]
        v = v.item() if hasattr(v, "item") else v
        parts.append(f"{v!r} at position {pos}")
    return ", ".join(parts) + _more(mask, limit) + " (positions are 0-based)"


def _missing_at(mask: np.ndarray) -> str:
    where = _where(mask)
    return ("position " if len(where) == 1 else "positions ") + \
        ", ".join(str(p) for p in where) + _more(mask) + " (0-based)"


# ----------------------------------------------------------- array_reshape
def array_reshape(x: Any, dim: Any, order: str = "C") -> np.ndarray:
    """Reshapes an array, filling in row-major (C) order by default.

    reticulate's `array_reshape()`: `numpy.reshape(x, dim, order = order)`.
    Unlike R's `dim<-`, which fills column-major, the default `"C"` order
    reads and writes the elements row by row, the way NumPy and Keras
    interpret array dimensions. Use it to turn images into vectors
    (`array_reshape(x, c(nrow(x), 784))`) so that the result matches Python
    Keras code.

    Args:
        x: an array: numpy array, list (of lists), pandas object, or anything
            with `__array__`.
        dim: the new dimensions: an integer or a vector of integers (whole
            floats such as `784.0` are fine). One entry may be `-1`, meaning
            "whatever is left", as in NumPy.
        order: `"C"` (row-major, the default) or `"F"` (column-major, as R's
            `dim<-`).

    Returns:
        A numpy array with shape `dim` (a view of `x` when NumPy can make one).

    Examples:
        ```python
        x = np.arange(6)
        array_reshape(x, [2, 3])               # [[0, 1, 2], [3, 4, 5]]
        array_reshape(x, [2, 3], order="F")    # [[0, 2, 4], [1, 3, 5]]
        x_train = array_reshape(mnist.train.x, [60000, 784])   # R: c(60000, 784)
        ```
    """
    if order not in ("C", "F"):
        raise ArgumentError(
            f'`order` must be "C" (row-major, the default, as NumPy and Keras) or "F" '
            f"(column-major, as R's dim<-); got {order!r}."
        )
    shape = as_integer_vector(dim, "dim")
    bad = [d for d in shape if d < -1]
    if bad:
        raise ArgumentError(
            f"`dim` entries must be >= 0, or -1 once for 'the rest'; got dim = {list(shape)}."
        )
    if shape.count(-1) > 1:
        raise ArgumentError(f"`dim` may contain -1 only once; got dim = {list(shape)}.")
    arr = _as_array(x)
    size = int(arr.size)
    known = 1
    for d in shape:
        if d != -1:
            known *= d
    if -1 in shape:
        if known == 0 or size % known:
            raise ArgumentError(
                f"cannot reshape an array of size {size} (shape {arr.shape}) into dim = "
                f"{list(shape)}: {size} is not a multiple of {known}, the product of "
                "the other dimensions."
            )
    elif known != size:
        raise ArgumentError(
            f"cannot reshape an array of size {size} (shape {arr.shape}) into dim = "
            f"{list(shape)}, which has size {known}: the sizes must be equal."
        )
    return _reshape(arr, [size // known if d == -1 else d for d in shape], order)


def _reshape(arr: np.ndarray, shape: list[int], order: str) -> np.ndarray:
    """``np.reshape``, except that a column-major array that must be copied gives a column-major result.

    Why: R's arrays arrive as zero-copy column-major (F) views and the result
    goes back to R, which is column-major too. ``np.reshape`` would copy into
    row-major memory and the way back to R transpose again; writing the F
    result through a reshaped view of it is one straight copy (MNIST's
    60000x28x28 -> 60000x784: 0.47 s for the R call before, see BENCHMARKS.md).
    Values are the same either way: only the memory layout differs.
    """
    if arr.ndim >= 2 and arr.flags.f_contiguous and not arr.flags.c_contiguous:
        probe = arr.view() if order == "C" else arr.T.view()
        try:                     # a view is possible: no copy at all, as np.reshape
            probe.shape = shape if order == "C" else shape[::-1]
        except AttributeError:
            out = _empty_f(arr, shape)
            target = out.reshape(arr.shape, order=order)
            if np.shares_memory(target, out):
                np.copyto(target, arr)
                return out
    return np.reshape(arr, shape, order=order)


def _empty_f(arr: np.ndarray, shape: list[int]) -> np.ndarray:
    """The F-ordered result array of `_reshape`: in a fresh R vector when `arr` is R's memory.

    Why: the result goes back to R, and `to_r` then hands over that R vector
    instead of copying the array into a new one (rkeras.r.convert.rarray.empty_in_r;
    MNIST's 188 MB `array_reshape` result: one large allocation, one pass less).
    The bridge is only looked up when it is loaded, so Python data never starts R.
    """
    rarray = sys.modules.get("rkeras.r.convert.rarray")
    out = rarray.empty_in_r(arr, shape) if rarray is not None else None
    return out if out is not None else np.empty(shape, dtype=arr.dtype, order="F")


# ---------------------------------------------------------- to_categorical
def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray:
    """Converts a class vector (integers) to a binary class matrix (one-hot).

    `keras.utils.to_categorical()`, for use with `categorical_crossentropy`.
    Class labels are **0-based**: integers from 0 to `num_classes - 1`. An R
    factor, a pandas `Categorical` or a categorical Series becomes its 0-based
    codes (`as.integer(f) - 1`, as keras3), whatever path it came by (rpy2,
    `rkeras.r.to_python`, the R front end), and `num_classes` defaults to its
    number of levels; 1-based integer labels need `- 1` first. The labels
    are checked first: NaN, non-integral, negative or too large labels are
    errors that say where they are.

    Args:
        x: array-like of class labels (integers from 0 to `num_classes - 1`):
            numpy array, list, pandas Series or Categorical. A trailing
            dimension of size 1 is dropped, as Keras does.
        num_classes: total number of classes. If `None`, it is inferred as
            `max(x) + 1`.

    Returns:
        A float64 numpy array of shape `x.shape + (num_classes,)`, the class
        axis last. (A backend tensor `x` is passed to Keras unchanged and gives
        a tensor.)

    Examples:
        ```python
        to_categorical([0, 1, 2, 3], num_classes=4)
        # [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
        y = to_categorical(mnist.train.y, 10)   # shape (60000, 10)
        ```
    """
    from keras.utils import to_categorical as keras_to_categorical

    if num_classes is not None:
        num_classes = as_count(num_classes, "num_classes", strict=True)
    if _is_backend_tensor(x):
        return keras_to_categorical(x, num_classes=num_classes)

    if _is_r_object(x):
        from .r import to_python

        x = to_python(x)
    if is_factor(x):
        codes = factor_codes(x, role="x")
        x = codes.codes
        if num_classes is None:
            num_classes = len(codes.levels)
    labels = _as_array(x)
    hint = ("Class labels are 0-based (0 to num_classes - 1): for an R factor or "
            "1-based labels, pass `x - 1` (R: `as.integer(f) - 1`).")
    if labels.dtype.kind in "OUSV":
        try:
            labels = labels.astype(np.float64)
        except (TypeError, ValueError):
            raise DataError(
                "to_categorical(): `x` must hold integer class labels; got values "
                f"of type {labels.dtype} (e.g. {labels.reshape(-1)[:3].tolist()}). "
                "Convert strings to 0-based codes first, e.g. "
                "pandas.Categorical(x).codes."
            ) from None
    if labels.dtype.kind == "c":
        raise DataError("to_categorical(): `x` must hold integer class labels; got complex numbers.")
    if labels.dtype.kind == "f":
        nan = np.isnan(labels)
        if nan.any():
            raise DataError(
                f"to_categorical(): `x` has missing values (NaN) at {_missing_at(nan)}; "
                "remove or impute them first."
            )
        inf = np.isinf(labels)
        fractional = inf | (labels != np.floor(np.where(inf, 0, labels)))
        if fractional.any():
            raise DataError(
                "to_categorical(): class labels must be whole numbers; got "
                f"{_positions(fractional, labels)}."
            )
    if labels.dtype.kind in "uifb":
        negative = labels < 0
        if negative.any():
            raise DataError(
                f"to_categorical(): class labels must be >= 0; got {_positions(negative, labels)}. "
                "Class labels are 0-based integers, 0 to num_classes - 1."
            )
    if labels.size == 0 and num_classes is None:
        raise DataError(
            "to_categorical(): `x` is empty, so `num_classes` cannot be inferred; "
            "pass num_classes."
        )
    if num_classes is not None and labels.size:
        too_big = labels >= num_classes
        if too_big.any():
            raise DataError(
                f"to_categorical(): {int(too_big.sum())} class label"
                f"{'s are' if too_big.sum() > 1 else ' is'} outside 0..{num_classes - 1} "
                f"(num_classes = {num_classes}): {_positions(too_big, labels)}. " + hint
            )
    return keras_to_categorical(labels.astype("int64"), num_classes=num_classes)


# ----------------------------------------------------------- pad_sequences
_SIDES = ("pre", "post")


def _as_sequence(s: Any) -> Any:
    """One sequence; an R scalar (length-1 vector) becomes a 1-element sequence."""
    if s is None:
        return []
    if isinstance(s, (str, bytes, numbers.Number, np.generic)):
        return [s]
    if isinstance(s, np.ndarray):
        return s.reshape(1) if s.ndim == 0 else s
    if hasattr(s, "__len__") and hasattr(s, "__getitem__"):
        if hasattr(s, "to_numpy"):      # pandas Series: positional slicing
            return s.to_numpy()
        return s
    try:
        return list(s)
    except TypeError:
        raise ArgumentError(
            "`sequences` must be a list of sequences (lists or vectors of numbers); "
            f"found a {type(s).__name__}: {s!r}."
        ) from None


def pad_sequences(
    sequences: Any,
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Pads sequences to the same length.

    `keras.utils.pad_sequences()`: turns a list of `num_samples` sequences
    (lists of integers) into a 2D numpy array of shape `(num_samples,
    num_timesteps)`, where `num_timesteps` is `maxlen` if given, else the
    length of the longest sequence. Shorter sequences are padded with `value`,
    longer ones truncated; `padding` and `truncating` say at which end.

    The sequences may be ragged: a list of lists or of numpy arrays, a numpy
    object array (as `dataset_imdb()` returns), a 2-D array, a pandas Series.
    As in R, where a number is a vector of length one, a plain number in the
    list is a sequence of one element.

    Args:
        sequences: list of sequences (each a list or vector of integers).
        maxlen: maximum length of all sequences (a positive integer). `None`
            pads to the length of the longest sequence.
        dtype: type of the output, `"int32"` by default. Use `object` (or a
            string dtype) for sequences of variable-length strings.
        padding: `"pre"` or `"post"`: pad before or after each sequence.
        truncating: `"pre"` or `"post"`: remove values from sequences longer
            than `maxlen` at the beginning or at the end.
        value: the padding value (a number, or a string with `dtype=object`).

    Returns:
        A numpy array of shape `(len(sequences), maxlen)`.

    Examples:
        ```python
        pad_sequences([[1], [2, 3], [4, 5, 6]])
        # [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
        pad_sequences([[1], [2, 3]], padding="post", value=-1)   # [[1, -1], [2, 3]]
        x_train = pad_sequences(imdb.train.x, maxlen=80)
        ```
    """
    from keras.utils import pad_sequences as keras_pad_sequences

    for arg, given in (("padding", padding), ("truncating", truncating)):
        if not isinstance(given, str) or given not in _SIDES:
            raise ArgumentError(
                f'`{arg}` must be "pre" or "post" ({"pad" if arg == "padding" else "cut"} '
                f"before or after each sequence); got {given!r}."
            )
    maxlen = as_count(maxlen, "maxlen", strict=True)
    if isinstance(sequences, (str, bytes)) or sequences is None:
        raise ArgumentError(
            "`sequences` must be a list of sequences (lists or vectors of numbers); "
            f"got {describe(sequences, True)}."
        )
    if isinstance(sequences, np.ndarray) and sequences.dtype != object and sequences.ndim >= 2:
        seqs = sequences
    else:
        if isinstance(sequences, np.ndarray):
            items = list(sequences.reshape(-1)) if sequences.ndim <= 1 else list(sequences)
        elif hasattr(sequences, "to_numpy") and not isinstance(sequences, np.ndarray):
            items = list(sequences.to_numpy())   # pandas Series / Index
        else:
            try:
                items = list(sequences)
            except TypeError:
                raise ArgumentError(
                    "`sequences` must be a list of sequences (lists or vectors of "
                    f"numbers); got {describe(sequences, True)}."
                ) from None
        seqs = [_as_sequence(s) for s in items]
        if not seqs and maxlen is None:
            raise ArgumentError(
                "`sequences` is empty, so the padded length cannot be inferred; "
                "pass maxlen to get an array of shape (0, maxlen)."
            )
    if isinstance(value, bool):
        value = int(value)
    return keras_pad_sequences(
        seqs, maxlen=maxlen, dtype=dtype, padding=padding, truncating=truncating, value=value
    )


# --------------------------------------------------------------- normalize
def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Normalizes an array to unit norm along an axis.

    `keras.utils.normalize()`, with R keras3's 1-based `axis`: `axis = 1` is
    the first axis (rows of a matrix are normalized with `axis = 2` or `-1`),
    negative values count from the end, `axis = 0` is an error. Slices whose
    norm is 0 are left unchanged.

    Args:
        x: array to normalize: numpy array, list, pandas object, or a backend
            tensor (normalized by Keras, giving a tensor).
        axis: axis along which to normalize, 1-based (default `-1`, the last).
        order: normalization order (2 for the L2 norm, 1 for L1; `inf`
            for the max norm).

    Returns:
        A normalized float copy of `x`, with the same shape as `x`.

    Examples:
        ```python
        normalize(np.array([[3.0, 4.0], [6.0, 8.0]]))   # rows to unit L2 norm
        # [[0.6, 0.8], [0.6, 0.8]]
        normalize(x, axis=1, order=1)   # axis 1 = the first axis: each column's |values| sum to 1
        ```
    """
    order_value = scalar(order, lists=True)
    if isinstance(order_value, numbers.Real) and not isinstance(order_value, bool) \
            and math.isinf(order_value):
        order = float(order_value)   # the max norm: the one order that is not an integer
    else:
        order = as_integer(order, "order", strict=True, allow_none=False)
    if axis is None:
        raise ArgumentError(
            "`axis` must be an axis number: 1-based (1 is the first axis) or negative "
            "(-1, the default, is the last); got None."
        )
    if _is_backend_tensor(x):
        from keras.utils import normalize as keras_normalize

        ndim = len(x.shape)
        return keras_normalize(x, axis=as_axis(axis, ndim=ndim, strict=True, several=False),
                               order=order)
    arr = _as_array(x)
    if arr.dtype.kind not in "biuf":
        raise DataError(
            f"normalize(): `x` must be numeric; got an array of {arr.dtype}."
        )
    if arr.ndim == 0:
        raise DataError("normalize(): `x` must have at least one dimension; got a scalar.")
    np_axis = as_axis(axis, ndim=arr.ndim, strict=True, several=False)
    # Keras's numpy code, but keeping the reduced axis, so that every axis
    # broadcasts back correctly (Keras's own `np.expand_dims(norm, axis or -1)`
    # mis-broadcasts axis 0) and the result keeps the shape of `x`.
    norm = np.linalg.norm(arr, order, np_axis, keepdims=True)
    norm[norm == 0] = 1
    return arr / norm
