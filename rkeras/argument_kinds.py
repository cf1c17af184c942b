"""Which arguments take one value, and values as the caller writes them (R or Python).

Derived per verb from what the registry holds, for `rkeras.argument_checks`:

* :func:`scalar_kinds`: the arguments of a verb that take a single number, whole
  number, TRUE/FALSE, string or numeric tensor, from Keras's default (a bool, an
  int, a float, a string) and the type its "Args:" text starts with ("rate:
  Float between 0 and 1", "units: Positive integer", "use_bias: Boolean",
  'padding: string, either "valid" or "same"', "x: Input tensor");
* :func:`identifier_kind`: `*_initializer`, `*_regularizer`, `*_constraint` and
  `activation` arguments, which take a name, a Keras object or a function;
* :func:`describe_for_caller`: a value as an error message shows it, in R's
  syntax (`c(0.1, 0.2)`, `list(1, 2)`, `numeric(0)`) for a verb called from R
  and in Python's (`[0.1, 0.2]`) otherwise.

It imports Keras only to list the known names of an identifier kind.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import re
from typing import Any

import numpy as np

from . import conventions
from .caller_syntax import in_r
from .conventions import describe, scalar

__all__ = ["Single", "scalar_kinds", "single_kind", "documented_arguments", "identifier_kind",
           "identifier_names", "IDENTIFIERS", "describe_for_caller", "r_atom"]

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


def single_kind(verb, param: inspect.Parameter, text: str) -> Single | None:
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
        single = single_kind(verb, param, texts.get(param.name, ""))
        if single is not None:
            kinds[param.name] = single
    return kinds


def scalar_kinds(verb) -> dict[str, Single]:
    """The arguments of `verb` that take one value, each with its :class:`Single` kind."""
    return _kinds_by_name(verb.name, verb)


# --- values as the caller writes them -------------------------------------------------

def r_atom(item: Any) -> str:
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
        items = [f"{key} = {r_atom(item)}" for key, item in value.items()]
        opening = "list("
    else:
        items = list(value)
        opening = "list("
    shown = [item if isinstance(item, str) and isinstance(value, dict) else r_atom(item)
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
            return f"a character string ({r_atom(value)})"
        return r_atom(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} ({describe(value)})"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of length {len(value)} ({describe(value)})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return describe(value, True)


# --- names of Keras objects: activations, initializers, regularizers, constraints ----------

IDENTIFIERS = {
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
    for kind in IDENTIFIERS:
        # Only suffixed names: keras_variable(initializer = <an array>) is a value, not a name.
        if arg.endswith("_" + kind):
            return kind
    return None


@functools.lru_cache(maxsize=None)
def identifier_names(kind: str) -> tuple[str, ...]:
    import importlib

    module = importlib.import_module(f"keras.src.{IDENTIFIERS[kind][0]}")
    return tuple(sorted(name for name in getattr(module, "ALL_OBJECTS_DICT", {})
                        if name[:1].islower() and name != kind))
