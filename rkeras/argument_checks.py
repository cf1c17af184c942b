"""Values Keras would take and misuse: refused here, naming the argument.

Keras accepts a NaN learning rate (every weight ends NaN), `use_bias=None`
(no bias: R's `NA` arrives as None), `compile(loss=42)` (fails at `fit`),
`fit(epochs="5")` (fails deep inside with "'str' object cannot be interpreted
as an integer"). These checks run before Keras sees the call:

* :func:`check_values`, on every verb derived from Keras (`layer_*`,
  `optimizer_*`, `learning_rate_schedule_*`, `regularizer_*` ...), after R's
  conventions: NaN (R's `NA_real_`) and complex numbers anywhere, Inf where it
  has no meaning, a float beyond float32's range for a hyper-parameter,
  NULL/NA for a TRUE/FALSE argument, and :data:`R_NA` (the bridge's marker for
  a logical/character NA) for any argument;
  The hand-written callback verbs (`callback_lambda`, the checkpoint verbs)
  get the same checks (:func:`rkeras.verbs.prepare`);
* :func:`check_fit_arguments` and :func:`check_compile_arguments`, for the
  hand-written `fit` / `evaluate` / `predict` and `compile`;
* :func:`single_values`, on every verb, before R's conventions: an argument
  that takes one value (:func:`scalar_kinds`, derived from Keras's default and
  its "Args:" text: "Float", "Integer", "Boolean") refuses a vector or list of
  length 0 or 2+ and a string, instead of Keras's "The truth value of an array
  with more than one element is ambiguous" or "'<=' not supported between
  instances of 'int' and 'list'";
* :func:`check_optional_packages`, on the verbs that need a Python package Keras
  does not install (`OPTIONAL_PACKAGES`: tensorboard, scipy, Pillow ...).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import numbers
import re
from typing import Any

import numpy as np

from . import conventions
from .caller_syntax import in_r
from .conventions import as_integer, describe, scalar
from .errors import ArgumentError, ArgumentTypeError

__all__ = ["R_NA", "check_values", "check_fit_arguments", "check_compile_arguments",
           "scalar_kinds", "single_values", "describe_for_caller", "check_optional_packages",
           "OPTIONAL_PACKAGES", "check_subject", "tensorflow_errors_named"]


class _RNA:
    """R's NA for a logical, character or integer scalar argument.

    The R bridge converts a length-1 NA to None, which is also R's NULL; a
    bridge that keeps the difference passes this marker instead, and every
    verb refuses it with the argument's name.
    """

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __bool__(self) -> bool:
        raise ArgumentError("R's NA has no truth value: give TRUE or FALSE.")


R_NA = _RNA()

# Arguments where an infinite value means something ("no bound", "any value").
INFINITY_ALLOWED = frozenset({
    "max_value", "min_value", "baseline", "initial_value_threshold", "clipvalue", "clipnorm",
    "global_clipnorm", "mask_value", "threshold", "max_norm", "min_delta", "value",
    "fill_value", "x1", "x2", "maxval", "minval", "lower", "upper",
})
# Families whose float arguments are training hyper-parameters: float32 is their type.
HYPER_PARAMETER_FAMILIES = frozenset({"optimizer", "learning_rate_schedule", "regularizer",
                                      "initializer", "constraint", "loss", "metric", "callback"})
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_INT32_MAX = 2**31 - 1


def _bad_number(verb: str, family: str, arg: str, value: Any) -> str | None:
    if isinstance(value, (complex, np.complexfloating)):
        return f"a complex number ({value}); Keras's hyper-parameters are real numbers"
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    value = float(value)
    if math.isnan(value):
        return "NA/NaN; give a number, or leave the argument out for Keras's default"
    if math.isinf(value):
        if arg in INFINITY_ALLOWED:
            return None
        return f"{value} (infinite); give a finite number"
    if family in HYPER_PARAMETER_FAMILIES and abs(value) > _FLOAT32_MAX:
        return (f"{value!r}, beyond float32's range (about ±3.4e38), which Keras computes in: "
                f"it would become Inf")
    return None


def check_values(verb, bound: dict[str, Any]) -> None:
    """Refuse NA/NaN, complex, misplaced Inf and NULL-for-logical arguments of `verb`.

    Args:
        verb: the registry's Verb (its name, family and Keras defaults are used).
        bound: the supplied arguments, after R's conventions.

    Raises:
        ArgumentError: naming the verb, the argument and the value.
    """
    defaults = verb.defaults
    for arg, value in bound.items():
        if value is R_NA:
            raise ArgumentError(f"{verb.name}(): `{arg}` is NA; give a value, or leave the "
                                f"argument out for Keras's default.")
        if value is None and isinstance(defaults.get(arg), bool) and arg != "verbose":
            raise ArgumentError(f"{verb.name}(): `{arg}` must be TRUE or FALSE; got NULL/NA "
                                f"(None). Leave it out for the default, "
                                f"{'TRUE' if defaults[arg] else 'FALSE'}.")
        if (isinstance(scalar(value), (str, bytes)) and isinstance(defaults.get(arg), bool)
                and arg != "verbose"):
            # Keras tests a string for truth: save_best_only = "FALSE" would mean TRUE.
            raise ArgumentError(f"{verb.name}(): `{arg}` must be TRUE or FALSE; got "
                                f"{describe(value, True)}.")
        if isinstance(value, (list, tuple)) and len(value) <= 16:
            items = list(value)
        else:
            items = [scalar(value)]
        for position, item in enumerate(items, start=1):
            problem = _bad_number(verb.name, verb.family, arg, scalar(item))
            if problem:
                where = f"`{arg}`" if len(items) == 1 else f"`{arg}` (element {position})"
                raise ArgumentError(f"{verb.name}(): {where} is {problem}.")


# --- fit / evaluate / predict and compile --------------------------------------------

def _strict_integer(value: Any, arg: str, minimum: int, allow_none: bool) -> None:
    if value is R_NA:
        raise ArgumentError(f"`{arg}` is NA; give a whole number.")
    as_integer(value, arg, minimum=minimum, strict=True, allow_none=allow_none)


def _is_callback(value: Any) -> bool:
    import keras

    return isinstance(value, keras.callbacks.Callback)


def check_callbacks(callbacks: Any, verb: str = "fit") -> None:
    """`callbacks` must be NULL, one callback_*() object or a list of them."""
    from .pipe import unwrap

    callbacks = unwrap(callbacks)
    if callbacks is None or _is_callback(callbacks):
        return
    items = list(callbacks) if isinstance(callbacks, (list, tuple)) else None
    if items is None:
        raise ArgumentError(f"{verb}(): `callbacks` must be a callback_*() object or a list of "
                            f"them; got {describe(callbacks, True)}.")
    for position, item in enumerate(items, start=1):
        if not _is_callback(unwrap(item)):
            raise ArgumentError(
                f"{verb}(): `callbacks` element {position} is {describe(item, True)}, not a "
                f"callback. Make callbacks with callback_*() (e.g. callback_early_stopping(), "
                f"callback_lambda(on_epoch_end = ...)).")


def check_fit_arguments(verb: str = "fit", **arguments: Any) -> None:
    """Types of fit()/evaluate()/predict()'s scalar arguments, before Keras.

    Keras reports `fit(epochs = "5")` as "'str' object cannot be interpreted as
    an integer"; here it is "`epochs` must be an integer".
    """
    counts = {"batch_size": 1, "steps_per_epoch": 1, "validation_steps": 1, "steps": 1,
              "validation_batch_size": 1, "epochs": 0, "validation_freq": 1}
    for arg, value in arguments.items():
        if arg in counts:
            _strict_integer(value, arg, counts[arg], allow_none=arg != "epochs")
        elif arg == "validation_split":
            item = scalar(value, lists=True)
            if isinstance(item, bool) or not isinstance(item, numbers.Real) or math.isnan(item):
                raise ArgumentError(f"{verb}(): `validation_split` must be a number in [0, 1); "
                                    f"got {describe(value, True)}.")
        elif arg == "callbacks":
            check_callbacks(value, verb)
        elif arg == "shuffle":
            item = scalar(value, lists=True)
            if not (isinstance(item, bool) or item == "batch"):
                raise ArgumentError(f"{verb}(): `shuffle` must be TRUE, FALSE or \"batch\"; "
                                    f"got {describe(value, True)}.")


def _check_named_thing(value: Any, arg: str, what: str, allow_none: bool) -> None:
    """A loss/metric/optimizer given as a name, an object or a function (or lists of them)."""
    if value is None:
        if allow_none:
            return
        raise ArgumentError(f"compile(): `{arg}` must be {what}; got NULL/NA (None).")
    if value is R_NA:
        raise ArgumentError(f"compile(): `{arg}` is NA; give {what}.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_named_thing(item, f"{arg}${key}", what, allow_none)
        return
    if isinstance(value, (list, tuple)):
        for position, item in enumerate(value, start=1):
            _check_named_thing(item, f"{arg}[[{position}]]", what, allow_none)
        return
    item = scalar(value)
    if isinstance(item, str) or (callable(item) and not isinstance(item, (numbers.Number, bool))):
        return
    if isinstance(item, numbers.Number) and isinstance(item, float) and math.isnan(item):
        raise ArgumentError(f"compile(): `{arg}` is NA; give {what}.")
    raise ArgumentError(f"compile(): `{arg}` must be {what}; got {describe(value, True)}.")


def check_compile_arguments(optimizer: Any, loss: Any, metrics: Any) -> None:
    """compile()'s optimizer, loss and metrics: names, objects or functions, never numbers.

    Keras accepts `loss = 42` or `optimizer = None` at compile time and fails
    only at fit(); keras3 users then look for the mistake in their data.
    """
    import keras

    from .pipe import unwrap

    optimizer = unwrap(optimizer)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        _check_named_thing(optimizer, "optimizer",
                           "an optimizer name ('rmsprop', 'adam' ...) or an optimizer_*() object",
                           allow_none=False)
    _check_named_thing(unwrap(loss), "loss",
                       "a loss name ('mse', 'categorical_crossentropy' ...), a loss_*() object "
                       "or a function(y_true, y_pred)", allow_none=True)
    _check_named_thing(unwrap(metrics), "metrics",
                       "metric names ('accuracy', 'mae' ...), metric_*() objects or functions",
                       allow_none=True)


# --- one value where Keras takes one -------------------------------------------------
#
# Which arguments take a single value is derived, per verb, from what the registry already
# holds: Keras's default (a bool, an int or a float: one value) and the type its "Args:" text
# starts with ("rate: Float between 0 and 1", "units: Positive integer", "use_bias: Boolean").
# An argument whose default is a tuple or whose text names several values ("int or tuple/list
# of 2 integers", "a tensor", "shape") is left alone, as is one R's conventions turn into a
# tuple (kernel_size, strides, axis, padding, shapes ...).

# "Float", "A Python integer", "Optional positive integer", "(Optional) float in [0, 1]".
_TYPE_WORD = re.compile(
    r"^(?:\(optional\)\s*|optional,?\s+)?(?:a |an |the )?"
    r"(?:single |positive |non-negative |nonnegative |small |strictly positive |python |scalar "
    r"|optional )*`?(float|integer|int|boolean|bool|number(?! of))\b")
# A string argument whose text starts by saying so: "string, either "valid" or "same"".
_STRING_ONLY = re.compile(r"^(?:\(optional\)\s*|optional,?\s+)?(?:a |an )?(?:`?str`?|string)\b"
                          r"|^one of\b")
# Words that say an argument takes (or may take) several values.
_SEVERAL = re.compile(r"tuple|list|array|tensor|sequence|vector|iterable|dict|shape|pair"
                      r"|\bof (?:\d+|two|size)\b|numbers|integers|floats")
_KIND_OF_WORD = {"float": "number", "number": "number", "integer": "whole", "int": "whole",
                 "boolean": "logical", "bool": "logical"}
# Families whose tensors hold numbers; verbs among them that also take text.
_NUMERIC_FAMILIES = frozenset({"op", "activation", "op_image", "random", "loss", "metric"})
_STRING_TENSOR_VERBS = frozenset({"op_convert_to_tensor", "op_convert_to_numpy", "op_array",
                                  "op_cast", "op_shape", "op_is_tensor", "op_dtype", "op_size",
                                  "op_cond", "op_switch", "op_stop_gradient", "op_unique"})
_TENSOR = re.compile(r"^(?:(?:a|an|the|first|second|third|input|numeric|real|optional)\s+){0,3}"
                     r"tensors?\b")
# Axes that are one axis each (op_diagonal's axis1/axis2, op_cross's axisa ...).
_SINGLE_AXES = frozenset({"axis1", "axis2", "axisa", "axisb", "axisc"})
# One dtype, data format or name even when Keras's default is None.
_SINGLE_NAMES = frozenset({"dtype", "data_format", "input_dtype", "compute_dtype"})
# Documented as one float, but Keras also takes one value per channel (ImageNet's means).
SEVERAL_ALLOWED = frozenset({("layer_rescaling", "scale"), ("layer_rescaling", "offset")})
_SEVERAL_RULES = (conventions.as_integer_tuple, conventions.as_padding,
                  conventions.normalize_shape, conventions.as_shape_tuple, conventions.as_axis,
                  conventions.as_index_array)
_WHOLE_RULES = (conventions.as_integer, conventions.as_count, conventions.as_nonnegative,
                conventions.as_index)
_ARG_LINE = re.compile(r"^(\s+)\*{0,2}(\w+)(?: \([^)]*\))?:\s*(.*)$")


def documented_arguments(doc: str) -> dict[str, str]:
    """The entries of a Google-style "Args:" section: argument name -> its text."""
    entries: dict[str, str] = {}
    lines = doc.splitlines()
    i = 0
    while i < len(lines):
        if not re.match(r"^\s*(Args|Arguments):\s*$", lines[i]):
            i += 1
            continue
        base = len(lines[i]) - len(lines[i].lstrip())
        current, indent = None, None
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= base:
                break
            match = _ARG_LINE.match(line)
            if match and (indent is None or len(match.group(1)) == indent):
                indent, current = len(match.group(1)), match.group(2)
                entries[current] = match.group(3)
            elif current and line.strip():
                entries[current] += " " + line.strip()
            i += 1
    return entries


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[a-z0-9`)\]])\.(?:\s|$)", text.strip(), maxsplit=1)[0].lower()
    # "A python scalar or a scalar keras tensor" is one value.
    return re.sub(r"scalar (?:keras |tf )?tensor", "scalar", sentence)


class Single:
    """How one argument takes its single value: kind, and whether a string or TRUE/FALSE fits."""

    __slots__ = ("kind", "strings", "logicals", "strings_only", "options")

    def __init__(self, kind: str, strings: bool, logicals: bool, strings_only: bool = False,
                 options: tuple[str, ...] = ()):
        self.kind, self.strings, self.logicals = kind, strings, logicals
        self.strings_only, self.options = strings_only, options

    def __repr__(self) -> str:
        return (f"Single({self.kind!r}, strings={self.strings}, logicals={self.logicals}, "
                f"strings_only={self.strings_only})")


def _single(verb, param: inspect.Parameter, text: str) -> Single | None:
    default = None if param.default is inspect.Parameter.empty else param.default
    if (verb.name, param.name) in SEVERAL_ALLOWED or param.name == "verbose":
        return None
    hand_written = verb.keras_path.startswith("rkeras.")
    sentence = _first_sentence(text)
    if param.name in _SINGLE_AXES and not hand_written:
        return Single("whole", False, False)
    if param.name in _SINGLE_NAMES and default is None:
        return Single("string", True, True)
    if verb.family in _NUMERIC_FAMILIES and _TENSOR.match(sentence) and "str" not in sentence \
            and default is None \
            and verb.name not in _STRING_TENSOR_VERBS and not _TYPE_WORD.match(sentence) \
            and "dtype" not in param.name:
        # "x: Input tensor.": numbers, never text (Keras: "dtype='string' is not a valid
        # dtype for Keras type promotion").
        return Single("tensor", False, True)
    if hand_written:
        rule = None        # hand-written verbs: their own defaults and texts, not the name rules
    else:
        rule = conventions.transform_for(verb.name, param.name, default)
    if isinstance(default, str) and not hand_written and _STRING_ONLY.match(sentence) \
            and not _SEVERAL.search(sentence) and param.name != "dtype":
        # A conv layer's padding = "valid" (not the padding sizes of layer_zero_padding_*).
        return Single("string", True, True, strings_only=True,
                      options=tuple(dict.fromkeys(re.findall(r'"(\w+)"', sentence))))
    if rule in _SEVERAL_RULES or getattr(rule, "__name__", "") == "<lambda>":
        return None
    if default is not None and not isinstance(default, (bool, numbers.Real, str)):
        return None        # a tuple, a list or an object: Keras's default is not one value
    if isinstance(default, str) and not _SEVERAL.search(sentence) and not identifier_kind(param.name):
        # Keras's default is one string (padding = "valid", output_mode = "int"): one value.
        return Single("string", True, True, strings_only=bool(
            _STRING_ONLY.match(sentence)) and not hand_written and param.name != "dtype")
    # Only the type phrase counts: '"epoch" or integer', not 'when `fill_mode="constant"`'.
    strings = isinstance(default, str) or bool(re.search(r"\bstr\b|\bstring|\"\w",
                                                         sentence[:40]))
    # Strings for whole-number rules (as_integer) and for Keras's TRUE/FALSE arguments
    # (check_values) already have their message.
    checked_later = rule in _WHOLE_RULES or (isinstance(default, bool) and rule is None
                                              and not verb.keras_path.startswith("rkeras."))
    strings = strings or checked_later
    if verb.keras_path.startswith("rkeras."):
        # Hand-written verbs check their arguments' types themselves (fit's `epochs`): only
        # the number of values is checked here.
        strings = logicals = True
    if isinstance(default, bool):
        # "Boolean, whether the layer uses a bias vector": only a list or tuple counts here.
        return None if re.search(r"tuple|list|dict", sentence) else Single("logical", strings, True)
    if _SEVERAL.search(sentence):
        return None
    match = _TYPE_WORD.match(sentence)
    logicals = "bool" in sentence
    if rule in _WHOLE_RULES:
        return Single("whole", strings or param.name in conventions.STRING_VALUED_ARGS, logicals)
    if isinstance(default, numbers.Real) and not isinstance(default, str):
        return Single("whole" if isinstance(default, int) and rule is not None else "number",
                      strings, logicals)
    if match:
        kind = _KIND_OF_WORD[match.group(1)]
        return Single(kind, strings, logicals or kind == "logical")
    return None


@functools.lru_cache(maxsize=None)
def _kinds_by_name(name: str, verb) -> dict[str, Single]:
    texts = documented_arguments(verb.doc or "")
    kinds = {}
    for param in verb.parameters:
        if param.name == verb.subject:
            continue
        single = _single(verb, param, texts.get(param.name, ""))
        if single is not None:
            kinds[param.name] = single
    return kinds


def scalar_kinds(verb) -> dict[str, Single]:
    """The arguments of `verb` that take one value, each with its :class:`Single` kind."""
    return _kinds_by_name(verb.name, verb)


# --- values as the caller writes them -------------------------------------------------

def _r_atom(item: Any) -> str:
    item = scalar(item)
    if item is None:
        return "NULL"
    if isinstance(item, (bool, np.bool_)):
        return "TRUE" if item else "FALSE"
    if isinstance(item, str):
        return '"' + item.replace('"', '\\"') + '"'
    if isinstance(item, numbers.Integral):
        return f"{item}L"
    if isinstance(item, numbers.Real):
        if math.isnan(item):
            return "NaN"
        if math.isinf(item):
            return "Inf" if item > 0 else "-Inf"
        return format(float(item), ".15g")
    if isinstance(item, (list, tuple, np.ndarray)):
        return _r_code(item)
    return describe(item)


def _r_code(value: Any, limit: int = 6) -> str:
    if isinstance(value, np.ndarray):
        items = value.ravel().tolist()
        if not items:
            return {"f": "numeric(0)", "i": "integer(0)", "u": "integer(0)", "b": "logical(0)",
                    "c": "complex(0)"}.get(value.dtype.kind, "character(0)")
        opening = "c("
    elif isinstance(value, dict):
        items = [f"{key} = {_r_atom(item)}" for key, item in value.items()]
        opening = "list("
    else:
        items = list(value)
        opening = "list("
    shown = [item if isinstance(item, str) and isinstance(value, dict) else _r_atom(item)
             for item in items[:limit]]
    return opening + ", ".join(shown) + (", ..." if len(items) > limit else "") + ")"


def _r_type(array: np.ndarray) -> str:
    return {"f": "numeric", "i": "integer", "u": "integer", "b": "logical",
            "c": "complex"}.get(array.dtype.kind, "character")


def describe_for_caller(value: Any) -> str:
    """What was given, in the caller's language: R's `c(0.1, 0.2)`, or Python's `[0.1, 0.2]`."""
    if in_r():
        if isinstance(value, np.ndarray):
            if value.ndim > 1:
                kind = "matrix" if value.ndim == 2 else "array"
                dims = ", ".join(str(d) for d in value.shape)
                return f"a {_r_type(value)} {kind} with dim c({dims})"
            if value.size == 0:
                return f"an empty {_r_type(value)} vector ({_r_code(value)})"
            article = "an" if _r_type(value)[0] in "aeiou" else "a"
            return f"{article} {_r_type(value)} vector of length {value.size} ({_r_code(value)})"
        if isinstance(value, (list, tuple, dict)):
            named = "named list" if isinstance(value, dict) else "list"
            return f"a {named} of length {len(value)} ({_r_code(value)})"
        if isinstance(value, str):
            return f"a character string ({_r_atom(value)})"
        return _r_atom(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} ({describe(value)})"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of length {len(value)} ({describe(value)})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return describe(value, True)


def _wanted(single: Single) -> str:
    if single.kind == "tensor":
        return "numbers (an array or a tensor)"
    if single.kind == "string":
        return "a string" if single.strings_only else "a single value"
    if single.kind == "logical":
        return "TRUE or FALSE" if in_r() else "True or False"
    return "a single whole number" if single.kind == "whole" else "a single number"


def _example(arg: str, item: Any) -> str:
    item = scalar(item)
    if isinstance(item, float) and item.is_integer() and abs(item) < 1e15:
        item = int(item)
    text = _r_atom(item) if in_r() else repr(item)
    if in_r() and text.endswith("L"):
        text = text[:-1]
    return f"{arg} = {text}" if in_r() else f"{arg}={text}"


def _refuse_several(verb, arg: str, single: Single, value: Any, size: int, first: Any) -> None:
    got = describe_for_caller(value)
    if size == 0:
        default = verb.defaults.get(arg, inspect.Parameter.empty)
        todo = ("Give one value" + ("" if default is inspect.Parameter.empty else
                                    f", or leave `{arg}` out for Keras's default"))
    else:
        todo = f"It takes one value: give one, e.g. {_example(arg, first)}"
    raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got {got}. "
                            f"{todo}.")


def _check_tensor(verb, arg: str, value: Any) -> Any:
    text = isinstance(value, (str, bytes)) or (
        isinstance(value, np.ndarray) and value.dtype.kind in "USO" and value.size
        and isinstance(value.flat[0], (str, bytes)))
    if text:
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(Single('tensor', 0, 0))}; "
                                f"got {describe_for_caller(value)}, which is text.")
    return value


def _check_single(verb, arg: str, single: Single, value: Any) -> Any:
    if single.kind == "tensor":
        return _check_tensor(verb, arg, value)
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            _refuse_several(verb, arg, single, value, len(value), value[0] if value else None)
        value = value[0]
        if isinstance(value, (list, tuple, dict)) or (
                isinstance(value, np.ndarray) and value.size != 1):
            size = len(value) if not isinstance(value, np.ndarray) else value.size
            _refuse_several(verb, arg, single, value, size,
                            None if not size else np.ravel(np.asarray(value, dtype=object))[0])
    elif isinstance(value, np.ndarray) and value.size != 1:
        _refuse_several(verb, arg, single, value, value.size,
                        value.ravel()[0] if value.size else None)
    elif isinstance(value, dict):
        _refuse_several(verb, arg, single, value, len(value),
                        next(iter(value.values()), None))
    item = scalar(value, lists=True)
    if (single.kind == "whole" and isinstance(item, numbers.Real) and not isinstance(item, bool)
            and math.isfinite(item) and abs(item) > _INT32_MAX and "seed" not in arg):
        # No count Keras takes fits beyond int32; Keras would try (metric_auc(num_thresholds =
        # 1e12) builds a Python list of 1e12 thresholds; TensorFlow aborts on a larger stride).
        raise ArgumentError(f"{verb.name}(): `{arg}` = {item:.6g} is beyond 2147483647, the "
                            f"largest count or size Keras and TensorFlow take (a 32-bit integer).")
    if single.kind == "logical" and isinstance(item, float) and math.isnan(item):
        raise ArgumentError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got NA/NaN.")
    if single.strings_only and not isinstance(item, str):
        accepted = (" (" + ", ".join(f'"{o}"' for o in single.options) + ")"
                    if single.options else f" (see help({verb.name}))")
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be a string{accepted}; got "
                                f"{describe_for_caller(item)}.")
    if isinstance(item, (str, bytes)) and not single.strings:
        wanted = {"whole": "a whole number", "number": "a number"}.get(single.kind, _wanted(single))
        try:
            hint = (f" Give {wanted} ({_example(arg, float(item))}, not "
                    f"{_r_atom(item) if in_r() else repr(item)}).")
        except ValueError:
            hint = f" Give {wanted}."
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got "
                                f"{describe_for_caller(item)}.{hint}")
    if (isinstance(item, (bool, np.bool_)) and single.kind != "logical" and not single.logicals
            and not isinstance(value, np.ndarray)):
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got "
                                f"{describe_for_caller(item)}, a logical.")
    # R's length-1 vector (np.array([0.5])) or list (list(0.5)) is its one value.
    return item if isinstance(value, (list, tuple, np.ndarray)) else value


def check_subject(verb, subject: Any) -> None:
    """The pipe subject (an op's `x`, a model): never R's NA, never text where numbers go."""
    if subject is R_NA:
        raise ArgumentError(f"{verb.name}(): `{verb.subject}` is NA; give a value.")
    if verb.subject is not None and verb.kind == "function":
        param = next(p for p in verb.parameters if p.name == verb.subject)
        single = _single(verb, param, documented_arguments(verb.doc or "").get(param.name, ""))
        if single is not None and single.kind == "tensor":
            _check_tensor(verb, verb.subject, subject)


def single_values(verb, bound: dict[str, Any]) -> dict[str, Any]:
    """Check that each one-value argument got one value; a list of one becomes its element.

    Runs on every verb, before R's conventions (so `units = list(3)` is
    `units = 3`, then an int).

    Raises:
        ArgumentTypeError: for a vector or list of length 0 or 2+, a string where a
            number or TRUE/FALSE is wanted, or TRUE/FALSE where a number is; the
            message shows the value in the caller's language (R or Python).
    """
    kinds = scalar_kinds(verb)
    out = dict(bound)
    for arg, value in bound.items():
        if value is R_NA:
            raise ArgumentError(f"{verb.name}(): `{arg}` is NA; give a value, or leave the "
                                f"argument out for its default.")
        check_identifier(verb.name, arg, value)
        single = kinds.get(arg)
        if single is None or value is None:
            continue
        out[arg] = _check_single(verb, arg, single, value)
    return out


# --- optional Python packages ---------------------------------------------------------
#
# Verbs whose Keras code imports a package Keras does not install. Without it Keras fails
# late (TensorBoard: "TBNotInstalledError" in the middle of fit) or with a message that names
# neither the verb nor the Python to install into. Checked before the call, with what needs it.

def _given(bound: dict[str, Any], verb, arg: str) -> Any:
    return bound.get(arg, verb.defaults.get(arg))


_BACKEND_PACKAGES = {"jax": "jax", "torch": "torch", "openvino": "openvino",
                     "tensorflow": "tensorflow"}

# verb -> (import name, pip name, what needs it, when (bound, verb) -> bool)
OPTIONAL_PACKAGES: dict[str, list[tuple[str, str, str, Any]]] = {
    "callback_tensorboard": [("tensorboard", "tensorboard",
                              "TensorBoard's log writer (tf.summary), used from the first batch "
                              "of fit()", None)],
    "layer_stft_spectrogram": [("scipy", "scipy", "its window function (scipy.signal.get_window "
                                "for a named `window` such as \"hann\", the default)",
                                lambda b, v: isinstance(_given(b, v, "window"), str))],
    "initializer_stft": [("scipy", "scipy", "its window function (scipy.signal.get_window for a "
                          "named `window` such as \"hann\", the default)",
                          lambda b, v: isinstance(_given(b, v, "window"), str))],
    "image_load": [("PIL", "pillow", "reading image files (Pillow's PIL.Image)", None)],
    "image_from_array": [("PIL", "pillow", "making images (Pillow's PIL.Image)", None)],
    "image_array_save": [("PIL", "pillow", "writing image files (Pillow's PIL.Image)", None)],
    "audio_dataset_from_directory": [("tensorflow_io", "tensorflow-io",
                                      "resampling audio to `sampling_rate`",
                                      lambda b, v: _given(b, v, "sampling_rate") is not None)],
    "layer_jax_model_wrapper": [("jax", "jax", "running a JAX function as a layer", None)],
    "layer_flax_module_wrapper": [("jax", "jax", "running a Flax module as a layer", None),
                                  ("flax", "flax", "running a Flax module as a layer", None)],
    "layer_torch_module_wrapper": [("torch", "torch", "running a PyTorch module as a layer", None)],
    "callback_orbax_checkpoint": [("orbax.checkpoint", "orbax-checkpoint",
                                   "writing Orbax checkpoints", None)],
    "callback_remote_monitor": [("requests", "requests", "sending the logs over HTTP", None)],
}


def _installed(module: str) -> bool:
    import importlib
    import importlib.util

    def find() -> bool:
        try:
            return importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):       # a parent package missing, or blocked
            return False

    if find():
        return True
    importlib.invalidate_caches()               # installed since this Python started?
    return find()


def missing_package_message(verb_name: str, package: str, why: str) -> str:
    """What is missing, what needs it, and the install command for this Python (R or Python)."""
    import sys

    python = sys.executable
    if in_r():
        install = (f'In R: system2("{python}", c("-m", "pip", "install", "{package}")), '
                   f'or in a shell: {python} -m pip install {package}')
    else:
        install = f"In a shell: {python} -m pip install {package} (in a notebook: %pip install " \
                  f"{package})"
    return (f"{verb_name}() needs the Python package '{package}' for {why}, and it is not "
            f"installed in rkeras's Python ({python}). {install}; then call {verb_name}() again.")


def check_optional_packages(verb, bound: dict[str, Any]) -> None:
    """Refuse a verb whose optional Python package is missing, before Keras imports it.

    Raises:
        MissingPackageError: naming the package, the verb and what needs it, with the
            `pip install` command for rkeras's own Python.
    """
    from .errors import MissingPackageError

    for module, package, why, when in OPTIONAL_PACKAGES.get(verb.name, ()):
        if when is not None and not when(bound, verb):
            continue
        if not _installed(module):
            raise MissingPackageError(missing_package_message(verb.name, package, why), package)
    if verb.name == "config_set_backend":
        backend = scalar(_given(bound, verb, "backend"), lists=True)
        module = _BACKEND_PACKAGES.get(backend) if isinstance(backend, str) else None
        if module and not _installed(module):
            raise MissingPackageError(missing_package_message(
                verb.name, module, f"Keras's {backend!r} backend"), module)


# --- names of Keras objects: activations, initializers, regularizers, constraints ----------

_IDENTIFIERS = {
    "regularizer": ("regularizers", "a regularizer name ('l1', 'l2', 'l1_l2'), a regularizer_*() "
                                    "object or a function(weights)"),
    "initializer": ("initializers", "an initializer name ('glorot_uniform', 'zeros' ...), an "
                                    "initializer_*() object or a function(shape, dtype)"),
    "constraint": ("constraints", "a constraint name ('non_neg', 'max_norm' ...), a "
                                  "constraint_*() object or a function(weights)"),
    "activation": ("activations", "an activation name ('relu', 'softmax' ...), an activation_*() "
                                  "function or any function(x)"),
}


def identifier_kind(arg: str) -> str | None:
    """"regularizer" for `kernel_regularizer`, "activation" for `recurrent_activation` ..."""
    if arg == "activation":
        return arg
    for kind in _IDENTIFIERS:
        # Only suffixed names: keras_variable(initializer = <an array>) is a value, not a name.
        if arg.endswith("_" + kind):
            return kind
    return None


@functools.lru_cache(maxsize=None)
def _identifier_names(kind: str) -> tuple[str, ...]:
    import importlib

    module = importlib.import_module(f"keras.src.{_IDENTIFIERS[kind][0]}")
    return tuple(sorted(name for name in getattr(module, "ALL_OBJECTS_DICT", {})
                        if name[:1].islower() and name != kind))


def check_identifier(verb_name: str, arg: str, value: Any) -> None:
    """A name, an object or a function for `*_initializer`, `*_regularizer`, `*_constraint`,
    `activation`: never a number, a vector or a list (Keras: "Could not interpret
    regularizer identifier: [1.0, 2.0]"); an unknown name gets the closest known ones."""
    kind = identifier_kind(arg)
    if kind is None or value is None or callable(value) or isinstance(value, dict):
        return
    if isinstance(value, str):
        if kind == "activation":
            return                      # rkeras.name_checks.check_activation has its message
        import importlib

        from .errors import unknown_name

        try:
            importlib.import_module(f"keras.{_IDENTIFIERS[kind][0]}").get(value)
        except (ValueError, TypeError, KeyError):
            raise unknown_name(kind, arg, value, _identifier_names(kind), verb_name) from None
        return
    if type(value).__module__.startswith("keras"):
        return                          # a Keras object: Keras knows what to do with it
    raise ArgumentTypeError(f"{verb_name}(): `{arg}` must be {_IDENTIFIERS[kind][1]}; got "
                            f"{describe_for_caller(value)}.")


# --- TensorFlow's refusals of the values an op computes on --------------------------------

def _shape_of(value: Any) -> str | None:
    shape = getattr(value, "shape", None)
    if shape is None and isinstance(value, (list, tuple)):
        shape = np.shape(np.asarray(value, dtype=object))
    if shape is None:
        return None
    dims = [None if d is None else int(d) for d in tuple(shape)]
    from .caller_syntax import shape_text

    return shape_text(dims) if dims else "a scalar"


@contextlib.contextmanager
def tensorflow_errors_named(verb, arguments: dict[str, Any]):
    """TensorFlow's refusal of an op's values ("{{function_node __wrapped__AddV2_...}}
    Incompatible shapes: [2] vs. [2,3] [Op:AddV2]") as a DataError naming the verb and the
    shapes of its arguments. Keras's own errors (they name the argument) pass unchanged."""
    try:
        yield
    except Exception as error:
        kind = type(error).__name__
        if not type(error).__module__.startswith("tensorflow") or kind not in (
                "InvalidArgumentError", "ResourceExhaustedError", "UnimplementedError"):
            raise
        from .errors import DataError

        reason = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", str(error))
        reason = re.sub(r"\s*\[Op:\w+\].*$", "", reason, flags=re.S).strip()
        shapes = ", ".join(f"{arg} {shape}" for arg, value in arguments.items()
                           if (shape := _shape_of(value)) is not None)
        what = ("TensorFlow ran out of memory" if kind == "ResourceExhaustedError"
                else "TensorFlow cannot compute it with these values")
        raise DataError(f"{verb.name}(): {what}: {reason}."
                        + (f" Shapes given: {shapes}." if shapes else "")
                        + " Check the arguments' shapes and types against help("
                        + f"{verb.name}).") from error
