"""Numbers a model would silently misread: complex values, float64 beyond float32.

Keras casts training data to float32 (its `floatx`). A complex array loses
its imaginary part with only a TensorFlow log line; a float64 value beyond
float32's range (about ±3.4e38, e.g. 1e39 from a unit mistake) becomes Inf
and the loss NaN, although the NA/Inf check of `rkeras.model_data` passed.
Both are refused here with the position (or column and row) of the first
offending value, as NA is.
"""

from __future__ import annotations

import numpy as np

from .errors import DataError

__all__ = ["check_real", "check_float32_range", "check_frame_values"]

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
