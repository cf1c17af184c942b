"""R vectors that reticulate hands to Python as lists: the marks and where they become lists.

reticulate's ``r_to_py()`` makes an R number or logical vector of length > 1
without attributes (``c(1, 2)``, ``c(TRUE, FALSE)``) a Python **list**, not a
numpy array (arrays and matrices, which have ``dim``, become arrays). Keras
reads a list of Python floats as ``floatx()`` (float32) and a float64 array as
float64, so keras3 code sees ``op_array(c(1, 2))``, ``op_add(c(1, 2), 1)``,
``keras_variable(c(1, 2))`` and ``keras$ops$array(c(1, 2))`` as float32
tensors. rkeras's ``to_python`` gives every R vector as an array (zero-copy,
and what ``fit()``'s data must stay), so the R front end marks the vectors
reticulate would make lists (``.rk_mark_vectors`` in ``keras3_extras.R``,
R class ``rkeras_r_vector``: the vector wrapped in a one-element list, no
copy) where R code hands values to Python (verbs, Python calls), and the
Python side decides here what each becomes:

* a Python call (``keras$ops$array(x)``, ``model$predict(x)``): always a list,
  as reticulate;
* a verb: a list for the arguments keras3 passes on to Keras unchanged (the
  ``op_*``, ``activation_*``, ``random_*``, ``loss_*``/``metric_*`` values,
  ``keras_variable``'s initializer), an array everywhere else (data given to
  ``fit()``, rkeras's 1-based axes, indices and shapes, which have their own
  conventions), and an array where keras3 itself calls ``as.array()``
  (:data:`KERAS3_ARRAYS`: ``op_convert_to_tensor(c(1, 2))`` is float64 in keras3).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ...rlist import RList
from ..sexp import cdata, element
from .rules import ConvertOptions, UnnamedList, python_value

__all__ = ["RVector", "R_VECTOR_CLASS", "r_vector_to_python", "unmark", "verb_takes_list",
           "verb_argument", "as_py_array", "KERAS3_ARRAYS", "KERAS3_PY_ARRAYS", "KERAS3_INTEGERS"]

R_VECTOR_CLASS = "rkeras_r_vector"
"""R class of the mark (keras3_extras.R's ``.rk_mark_vectors``)."""


class RVector:
    """An R vector that reticulate would hand to Python as a list (its array, not yet decided)."""

    __slots__ = ("array", "original")

    def __init__(self, array: np.ndarray, original: Any = None) -> None:
        self.array = array
        # what to_python gave where it is not the array (a named vector's pandas Series)
        self.original = array if original is None else original

    def as_list(self) -> list:
        # Python floats / ints / bools, as reticulate: Keras reads them as floatx / int32 / bool.
        return self.array.tolist()

    def __repr__(self) -> str:
        return f"RVector({self.array!r})"


def r_vector_to_python(robj, opts: ConvertOptions) -> Any:
    """The mark ``structure(list(x), class = "rkeras_r_vector")``: an :class:`RVector` of x's array."""
    inner = python_value(element(cdata(robj), 0), ConvertOptions(opts.copy, False))
    if isinstance(inner, np.ndarray) and inner.ndim == 1:
        return RVector(inner)
    if type(inner).__name__ == "Series":        # a named vector: names kept unless it becomes a list
        return RVector(inner.to_numpy(), inner)
    return inner


def unmark(value: Any, as_list: bool) -> Any:
    """``value`` with every :class:`RVector` in it (nested in lists and dicts) a list or its array."""
    if isinstance(value, RVector):
        return value.as_list() if as_list else value.original
    if isinstance(value, (list, tuple)) and any(isinstance(v, (RVector, list, tuple, dict, RList))
                                                for v in value):
        items = [unmark(v, as_list) for v in value]
        if isinstance(value, UnnamedList):
            return UnnamedList(items)
        return type(value)(items) if type(value) in (list, tuple) else items
    if type(value) is dict:
        return {k: unmark(v, as_list) for k, v in value.items()}
    if isinstance(value, RList):
        return RList.from_values([unmark(v, as_list) for v in value.values()], value.names())
    return value


# Arguments keras3 itself makes arrays (as.array(), as_array()) before calling
# Keras, read from keras3 1.5.1's R sources: R doubles stay float64 there.
# (keras3's as_py_array() gives floatx arrays, which a list gives too.)
KERAS3_ARRAYS: dict[str, frozenset] = {
    "op_convert_to_tensor": frozenset({"x"}),
    "op_argmax": frozenset({"x"}),
    "op_argmin": frozenset({"x"}),
    "op_argpartition": frozenset({"x"}),
    "op_top_k": frozenset({"x"}),
    "op_correlate": frozenset({"x1", "x2"}),
    "op_digitize": frozenset({"bins"}),
    "op_scatter": frozenset({"values"}),
    "op_scatter_update": frozenset({"updates"}),
    "op_slice": frozenset({"inputs"}),
    "op_slice_update": frozenset({"inputs", "updates"}),
    "op_batch_normalization": frozenset({"mean", "variance", "offset"}),
    "op_layer_normalization": frozenset({"gamma", "beta"}),
    # rkeras's op_matmul gives an R vector the dtype of the tensor it meets
    # (keras3: as.array() then convert_to_tensor(dtype = the other's dtype)).
    "op_matmul": frozenset({"x1", "x2"}),
    # keras3 makes double vectors int64 arrays (np_array(x, "int64")).
    "op_meshgrid": frozenset({"x", "xi"}),
}

# Verb families whose values keras3 passes to Keras as reticulate converts them.
_VALUE_FAMILIES = frozenset({"op", "op_image", "activation", "random", "loss", "metric"})
_VALUE_VERBS = frozenset({"keras_variable"})


def verb_takes_list(verb: Any, param: str) -> bool:
    """Whether an R vector given as ``param`` of ``verb`` reaches Keras as a list (keras3's rule).

    Only value arguments of the value families: not an argument with an rkeras
    convention (1-based axes and indices, shapes, whole numbers: those read
    arrays), not a single-number argument (its Keras default is a number or
    TRUE/FALSE: a vector there is refused with R's syntax in the message), not
    where keras3 itself makes an array (:data:`KERAS3_ARRAYS`).
    """
    if verb.family not in _VALUE_FAMILIES and verb.name not in _VALUE_VERBS:
        return False
    if param in KERAS3_ARRAYS.get(verb.name, ()):
        return False
    from ...conventions import transform_for
    default = next((p.default for p in verb.parameters if p.name == param), inspect.Parameter.empty)
    if transform_for(verb.name, param, None if default is inspect.Parameter.empty else default):
        return False
    if isinstance(default, (bool, int, float)):
        return False
    return True


# Arguments keras3 passes through as_py_array() (numpy arrays of at least one
# dimension, R doubles as floatx): op_searchsorted(c(1, 2, 3), 2.5) is [3].
KERAS3_PY_ARRAYS: dict[str, frozenset] = {
    "op_searchsorted": frozenset({"sorted_sequence", "values"}),
    "op_reshape": frozenset({"x"}),
}
_LOSS_VALUES = frozenset({"y_true", "y_pred"})

# Arguments keras3 makes whole numbers (as_integer(), as_integer_array()) that
# rkeras's conventions do not (read from keras3 1.5.1's R sources):
# op_roll(c(1, 2, 3), 1) shifts by the integer 1 (TensorFlow refuses 1.0).
KERAS3_INTEGERS = frozenset({
    ("op_roll", "shift"), ("op_bincount", "x"), ("op_multi_hot", "inputs"),
    ("op_istft", "length"), ("op_conv_transpose", "output_padding"), ("op_scan", "length"),
    ("op_ctc_decode", "sequence_lengths"), ("op_ctc_loss", "target"),
    *((f"op_{name}", arg) for name in ("bitwise_and", "bitwise_or", "bitwise_xor",
                                       "bitwise_left_shift", "bitwise_right_shift",
                                       "left_shift", "right_shift") for arg in ("x", "y")),
})


def as_py_array(value: Any) -> Any:
    """keras3's as_py_array(): an R value as a numpy array (at least 1-d), R doubles as floatx()."""
    value = unmark(value, False)
    if value is None or isinstance(value, str) or not isinstance(
            value, (bool, int, float, list, np.ndarray)):
        return value
    array = np.array(value, ndmin=1)
    if array.dtype == np.float64:
        from keras import config
        array = array.astype(config.floatx())
    return array


def _whole_numbers(value: Any, arg: str) -> Any:
    """keras3's as_integer() on an R number or vector (rkeras refuses what is not whole)."""
    from ...conventions import as_integer
    value = unmark(value, False)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        if not np.all(np.isfinite(value)) or np.any(value != np.floor(value)):
            from ...errors import ArgumentError
            raise ArgumentError(f"`{arg}` must hold whole numbers; got {value.tolist()!r}.")
        return value.astype(np.int32)
    return as_integer(value, arg) if isinstance(value, float) else value


def verb_argument(verb: Any, param: str, value: Any) -> Any:
    """An R argument (converted, with its marks) as keras3 hands it to Keras for ``verb``."""
    if (verb.name, param) in KERAS3_INTEGERS:
        return _whole_numbers(value, param)
    if param in KERAS3_PY_ARRAYS.get(verb.name, ()) or (
            verb.family in ("loss", "metric") and param in _LOSS_VALUES):
        return as_py_array(value)
    return unmark(value, verb_takes_list(verb, param))
