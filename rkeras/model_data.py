"""Data going into `fit`, `evaluate` and `predict`: checked and made numeric.

Keras reports bad data late and obscurely (a NaN loss after an epoch, a shape
error from deep inside TensorFlow). This module checks data first and says
what is wrong, where, and what to do. The policy:

* R objects (rpy2) are converted by `rkeras.r.to_python`: arrays keep R's
  index semantics, factors become 0-based codes.
* A data frame (pandas or R) of numeric/logical columns becomes one float32
  matrix, in column order; a factor, category or text column is refused with
  its name (the model needs numbers: use `to_categorical` or its codes).
* pandas Categorical / R factor labels become their 0-based codes.
* NA, NaN or Inf in features or labels is an error naming the column (or
  position) and the first row where it occurs.
* `x` and `y` must have the same number of samples; neither may be empty;
  `x` must fit the model's input shape.

`tf.data` datasets, tensors and Python generators pass through untouched.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .caller_syntax import shape_text
from .data_values import check_float32_range, check_frame_values, check_real, float32_rows
from .errors import ArgumentError, DataError
from .function_batches import batch_generator, is_batch_function

_PASS_THROUGH_MODULES = ("tensorflow", "keras", "jax", "torch")


def _is_r_object(value: Any) -> bool:
    return type(value).__module__.startswith("rpy2.")


def _first_bad_position(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _check_finite(array: np.ndarray, role: str, columns: list[str] | None = None) -> None:
    if array.dtype.kind not in "fc" or array.size == 0:
        return
    # One pass without a temporary: NaN and Inf propagate through a sum. Only a
    # non-finite sum (or an overflow of huge values) needs the exact, slower check.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(array.sum()):
            return
    finite = np.isfinite(array)
    if finite.all():
        return
    position = _first_bad_position(~finite)
    value = array[position]
    kind = "NA/NaN" if np.isnan(value) else "Inf"
    count = int((~finite).sum())
    if columns is not None and len(position) == 2:
        where = f"column '{columns[position[1]]}', row {position[0] + 1}"
    else:
        where = "position [" + ", ".join(str(i + 1) for i in position) + "] (1-based)"
    raise DataError(
        f"`{role}` contains {count} missing or infinite value(s); the first is {kind} at {where}. "
        f"A model cannot learn from NA: remove those rows (na.omit / dropna) or impute them."
    )


def _frame_to_matrix(frame, role: str) -> np.ndarray:
    import pandas as pd

    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise DataError(f"`{role}` is an empty data frame ({frame.shape[0]} rows, {frame.shape[1]} columns).")
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            raise DataError(
                f"`{role}` column '{column}' is a factor/category; a model needs numbers. "
                f"One-hot encode it (to_categorical of its codes) or use its codes, "
                f"then build the matrix yourself (R: as.matrix of numeric columns)."
            )
        if not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)):
            raise DataError(
                f"`{role}` column '{column}' holds {series.dtype} values (text?); a model needs numbers. "
                f"Drop it or encode it before fit."
            )
    check_frame_values(frame, role)
    columns = [str(c) for c in frame.columns]
    matrix = frame.astype("float32").to_numpy(dtype=np.float32, na_value=np.nan)
    _check_finite(matrix, role, columns)
    return matrix


def as_model_data(value: Any, role: str) -> Any:
    """One of `x`, `y`, `sample_weight` ... as numpy, checked; see the module doc."""
    import pandas as pd

    if value is None:
        return None
    if _is_r_object(value):
        from .r import to_python
        value = to_python(value)
    if isinstance(value, dict):
        return {k: as_model_data(v, f"{role}${k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, (np.ndarray, pd.DataFrame, pd.Series)) or _is_r_object(v)
            or type(v).__module__.startswith(_PASS_THROUGH_MODULES) for v in value):
        # Several inputs (tensors too, keras3's fit(list(x1, x2))), as a plain
        # list or tuple: Keras's tree utilities take a list subclass (an
        # unnamed R list) for one leaf.
        parts = [as_model_data(v, f"{role}[[{i + 1}]]") for i, v in enumerate(value)]
        return tuple(parts) if isinstance(value, tuple) else parts
    if type(value).__module__.startswith(_PASS_THROUGH_MODULES):
        return value
    if isinstance(value, pd.DataFrame):
        return _frame_to_matrix(value, role)
    if isinstance(value, (pd.Series, pd.Categorical)):
        if isinstance(value.dtype, pd.CategoricalDtype):
            from .labels import factor_codes  # the one factor -> 0-based codes routine

            return factor_codes(value, role=role).codes
        value = value.to_numpy()
    if is_batch_function(value):
        # keras3: a function is called once per batch; list(x, y) -> Keras's (x, y).
        return batch_generator(value, lambda batch: _batch(batch, role))
    if hasattr(value, "__next__") or callable(value):
        return value  # generators: Keras reads them batch by batch
    array = _r_vector(np.asarray(value))
    if array.dtype == object or array.dtype.kind in "USM":
        raise DataError(
            f"`{role}` holds {array.dtype} values ({type(value).__name__}); a model needs numbers."
        )
    if array.size == 0:
        raise DataError(f"`{role}` is empty (shape {array.shape}); there is nothing to learn from.")
    check_real(array, role)
    check_float32_range(array, role)
    _check_finite(array, role)
    return _keras_layout(array)


def _batch(batch: Any, role: str) -> Any:
    """One batch a data function returned: R's list(x, y[, w]) as Keras's tuple, each part checked."""
    if isinstance(batch, list):
        return tuple(as_model_data(part, f"{role}()[[{i + 1}]]") for i, part in enumerate(batch))
    return as_model_data(batch, f"{role}()")


def _r_vector(part: Any) -> Any:
    """A single number (R's length-1 vector, a scalar once converted) as the 1-d array it is in R.

    keras3 hands `fit(function() list(1, 2))` and `validation_data = list(list(1, 2), 3)`
    to Keras as arrays of shape (1,); Keras refuses rank-0 data ("arrays must be at
    least rank 1", or an IndexError).
    """
    if isinstance(part, (int, float, np.number)) or (isinstance(part, np.ndarray) and part.ndim == 0):
        return np.reshape(part, (1,))
    return part


def _keras_layout(array: np.ndarray) -> np.ndarray:
    """Float data in the layout Keras converts fastest: C order, Keras's float type.

    R hands over its matrices as zero-copy column-major (Fortran) views. Keras
    casts x to float32 and then needs row-major memory, which costs it one
    unblocked transposing copy per `fit`/`predict` call; doing the cast and the
    transposition here in one step is cheaper (BENCHMARKS.md, profiles, point 2).
    """
    if (array.ndim >= 2 and array.dtype.kind == "f" and array.flags.f_contiguous
            and not array.flags.c_contiguous):
        import keras

        return float32_rows(array, keras.config.floatx())   # lent to Keras as is (lend_to_keras)
    return array


def _n_samples(value: Any) -> int | None:
    if isinstance(value, np.ndarray):
        return value.shape[0] if value.ndim else None
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], np.ndarray):
        return _n_samples(value[0])
    if isinstance(value, dict) and value:
        return _n_samples(next(iter(value.values())))
    return None


def check_lengths(x: Any, y: Any) -> None:
    nx, ny = _n_samples(x), _n_samples(y)
    if nx is not None and ny is not None and nx != ny:
        raise DataError(
            f"`x` has {nx} samples but `y` has {ny}: they must have the same first dimension "
            f"(one label per sample)."
        )


def check_input_shape(model: Any, x: Any) -> None:
    """Refuse an `x` whose shape does not fit a built model's single input."""
    if not isinstance(x, np.ndarray):
        return
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return
    if not inputs or len(inputs) != 1:
        return
    expected = tuple(inputs[0].shape)
    # Keras's functional models adjust a rank that differs by a trailing axis of
    # size 1 (Functional._adjust_input_rank): predict(model, c(1, 2, 3)) for
    # keras_input(shape = 1) runs in keras3, so it is not refused here.
    shape = x.shape
    if len(shape) == len(expected) - 1 and expected[-1] == 1:
        expected = expected[:-1]
    elif len(shape) == len(expected) + 1 and shape[-1] == 1:
        shape = shape[:-1]
    got = (None,) + tuple(shape[1:])
    if len(expected) != len(got) or any(
            e is not None and e != g for e, g in zip(expected[1:], got[1:])):
        hint = ""
        expected = tuple(inputs[0].shape)
        if np.prod([d for d in expected[1:] if d]) == np.prod(x.shape[1:]):
            hint = f" Reshape it first: array_reshape(x, {shape_text([x.shape[0], *expected[1:]])})."
        raise DataError(
            f"`x` has shape {shape_text(x.shape)} but the model expects "
            f"{shape_text(['n', *expected[1:]])}.{hint}"
        )


def _loss_name(loss: Any) -> str:
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", "") or ""


def check_labels(model: Any, y: Any) -> None:
    """Labels that cannot fit the compiled loss and the model's output.

    Sparse cross-entropy needs 0-based integer classes below the number of
    output units (R factors and 1-based labels are the usual culprits);
    categorical cross-entropy needs one-hot rows, not a vector of classes.
    """
    if not isinstance(y, np.ndarray) or y.size == 0:
        return
    loss = _loss_name(getattr(model, "loss", None)).lower()
    try:
        units = model.outputs[0].shape[-1] if len(model.outputs) == 1 else None
    except (AttributeError, ValueError):
        units = None
    if "sparse_categorical" in loss and units:
        labels = y.ravel()
        bad = (labels < 0) | (labels > units - 1) | (labels != np.floor(labels))
        if bad.any():
            first = int(np.argmax(bad))
            raise DataError(
                f"`y` must hold class numbers 0..{units - 1} for {loss} with {units} output units; "
                f"y[{first + 1}] (1-based) is {labels[first]!r}. Labels are 0-based, as in R keras: "
                f"for an R factor use as.integer(f) - 1, for labels 1..K subtract 1."
            )
    elif loss == "categorical_crossentropy" and units and units > 1 and (
            y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)):
        raise DataError(
            f"`y` is a vector of class labels but categorical_crossentropy needs one-hot rows "
            f"({units} columns): use to_categorical(y, {units}), or loss = "
            f"'sparse_categorical_crossentropy'."
        )


def check_batch_size(x: Any, batch_size: Any, verb: str = "fit") -> None:
    """keras3 refuses `batch_size` with a tf.data Dataset: its batches are already made."""
    tf = sys.modules.get("tensorflow")
    if batch_size is not None and tf is not None and isinstance(x, tf.data.Dataset):
        raise ArgumentError(
            f"{verb}(): `batch_size` cannot be given with a tf.data Dataset, whose batches are "
            f"already made; drop `batch_size` or batch the dataset with dataset_batch().")
