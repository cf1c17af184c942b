"""Numbers a model would silently misread: complex values, float64 beyond float32.

Keras casts training data to float32 (its `floatx`). A complex array loses
its imaginary part with only a TensorFlow log line; a float64 value beyond
float32's range (about ±3.4e38, e.g. 1e39 from a unit mistake) becomes Inf
and the loss NaN, although the NA/Inf check of `rkeras.model_data` passed.
Both are refused here with the position (or column and row) of the first
offending value, as NA is.

The float32 copy that Keras needs is made here too (:func:`float32_rows`),
and lent to Keras without a second copy (:func:`lend_to_keras`).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from .errors import DataError

__all__ = ["check_real", "check_float32_range", "check_frame_values", "float32_rows",
           "lend_to_keras"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _where(position: tuple[int, ...], columns: list[str] | None) -> str:
    if columns is not None and len(position) == 2:
        return f"column '{columns[position[1]]}', row {position[0] + 1}"
    return "position [" + ", ".join(str(i + 1) for i in position) + "] (1-based)"


def check_real(array: np.ndarray, role: str) -> None:
    """Refuse a complex array: a model takes real numbers."""
    if array.dtype.kind != "c":
        return
    raise DataError(
        f"`{role}` holds complex numbers ({array.dtype}); a model takes real numbers and Keras "
        f"would silently drop the imaginary part. Pass Re(x) / Mod(x) (numpy: x.real / "
        f"np.abs(x)), or both parts as separate features (cbind(Re(x), Im(x)))."
    )


def check_float32_range(array: np.ndarray, role: str, columns: list[str] | None = None) -> None:
    """Refuse finite values that float32 cannot hold (they would become Inf)."""
    if array.dtype.kind != "f" or array.dtype.itemsize <= 4 or array.size == 0:
        return
    # Two reductions without a temporary; NaN/Inf are left to the NA check.
    low, high = array.min(), array.max()
    if not (np.isfinite(low) and np.isfinite(high)):
        return
    if -_FLOAT32_MAX <= low and high <= _FLOAT32_MAX:
        return
    with np.errstate(invalid="ignore"):
        mask = np.abs(array) > _FLOAT32_MAX
    position = tuple(int(i) for i in np.argwhere(mask)[0])
    raise DataError(
        f"`{role}` has {int(mask.sum())} value(s) beyond float32's range (about ±3.4e38), which "
        f"Keras trains in; the first is {array[position]!r} at {_where(position, columns)}. "
        f"They would become Inf and the loss NaN: rescale the data (e.g. scale() or a log)."
    )


def check_frame_values(frame, role: str) -> None:
    """The same checks for a data frame's numeric columns, naming the column."""
    columns = [str(c) for c in frame.columns]
    for index, column in enumerate(frame.columns):
        dtype = frame[column].dtype
        if getattr(dtype, "kind", "") == "c":
            raise DataError(f"`{role}` column '{column}' holds complex numbers; a model takes "
                            f"real numbers. Use Re() / Mod() of it, or both parts as columns.")
        if getattr(dtype, "kind", "") == "f" and dtype.itemsize > 4:
            check_float32_range(frame[column].to_numpy().reshape(-1, 1), role, [columns[index]])


# --------------------------------------------------- the float32 copy for Keras
# TensorFlow's kernels need tensor memory aligned to 64 bytes (EIGEN_MAX_ALIGN_BYTES);
# a tensor over unaligned memory aborts the process in the first strided slice.
_TF_ALIGN = 64
# id -> weak reference of the arrays made by float32_rows: only those are lent to
# Keras without a copy (nobody else holds them, so nothing can change them under fit).
_PRIVATE: dict[int, weakref.ref] = {}


def _forget(key: int) -> None:
    _PRIVATE.pop(key, None)


def float32_rows(array: np.ndarray, dtype: Any = np.float32) -> np.ndarray:
    """`array` as a fresh row-major (C) array of `dtype`, in memory TensorFlow can use as is.

    R hands its matrices over as zero-copy column-major views of R's doubles.
    Keras needs float32 in row order; the cast and the transposition are one
    pass here (numpy's cast-and-copy, ~0.05 s for MNIST's 60000 x 784), into
    64-byte aligned memory, so that :func:`lend_to_keras` can give Keras this
    very array as a tensor instead of Keras copying it again.
    """
    dtype = np.dtype(dtype)
    nbytes = array.size * dtype.itemsize
    buffer = np.empty(nbytes + _TF_ALIGN, dtype=np.uint8)
    start = (-buffer.ctypes.data) % _TF_ALIGN
    out = buffer[start:start + nbytes].view(dtype).reshape(array.shape)
    np.copyto(out, array, casting="unsafe")
    key = id(out)
    _PRIVATE[key] = weakref.ref(out, lambda _ref, key=key: _forget(key))
    return out


def _is_private(value: Any) -> bool:
    ref = _PRIVATE.get(id(value))
    return ref is not None and ref() is value


def lend_to_keras(value: Any) -> Any:
    """Arrays made by :func:`float32_rows` as TensorFlow tensors over the same memory; the rest as given.

    Why: Keras's `fit`/`evaluate`/`predict` turn a numpy array into a
    TensorFlow constant, a full copy of it (188 MB for MNIST's training
    images) kept for the whole call; a tensor is used as it is. DLPack shares
    the memory (the tensor keeps the array alive). Only rkeras's own private
    copies are lent: an array of the caller's keeps Keras's copy, so changing
    it during `fit` (a callback) cannot change what Keras trains on. Other
    backends than TensorFlow read numpy arrays batch by batch already.
    """
    if isinstance(value, np.ndarray):
        if not (_is_private(value) and value.size and value.ctypes.data % _TF_ALIGN == 0
                and value.flags.c_contiguous):
            return value
        import keras

        if keras.backend.backend() != "tensorflow":
            return value
        import tensorflow as tf

        return tf.experimental.dlpack.from_dlpack(value.__dlpack__())
    if type(value) is dict:
        return {k: lend_to_keras(v) for k, v in value.items()}
    if type(value) in (list, tuple):        # several inputs (as_model_data's plain list or tuple)
        return type(value)(lend_to_keras(v) for v in value)
    return value
