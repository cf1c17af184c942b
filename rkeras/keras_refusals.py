"""Keras's own refusals of a verb's arguments, re-raised so that they say which arguments.

Keras checks many arguments with a message that names them ("`units` must be
positive"); those pass unchanged. Others fail deep inside Keras with Python's
own words ("'list' object has no attribute 'shape'", "The truth value of an
array with more than one element is ambiguous") and name nothing the user
wrote. :func:`keras_errors_named` re-raises those as a `KerasArgumentError` /
`KerasArgumentTypeError` (still the `ValueError` / `TypeError` they were, so
`except ValueError:` keeps working), `from` Keras's error, naming the verb, what
each given argument was, and Keras's reason in plain words.

Only errors raised by library code while the verb's own Keras call ran are
re-raised: when any frame of the traceback belongs to user code (a Python
function, an R function through the bridge, a custom layer's `call`), the
error is the user's own and passes unchanged.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import numpy as np

from .caller_syntax import in_r, shape_text
from .errors import (
    KerasArgumentAttributeError,
    KerasArgumentError,
    KerasArgumentIndexError,
    KerasArgumentTypeError,
    RKerasError,
)

__all__ = ["refusals_named", "keras_errors_named", "tensorflow_errors_named", "plain_reason",
           "INTERNAL_PHRASES", "DATA_VERBS"]

# Top-level packages whose frames are library code; a frame of any other module (the
# user's script, a test, `__main__`) or of the R bridge (an R function) is user code.
_LIBRARY = {"keras", "tensorflow", "tf_keras", "numpy", "scipy", "optree", "ml_dtypes", "absl",
            "h5py", "contextlib", "functools", "typing", "collections", "abc", "enum",
            "inspect", "warnings", "rkeras", "math", "numbers", "copy", "re"}

# Python's phrases that mean nothing to a Keras user (the hostile sweep's list).
INTERNAL_PHRASES = re.compile(
    r"truth value of an array|not supported between instances|object has no attribute|"
    r"unhashable type|object is not (?:iterable|callable|subscriptable)|cannot be interpreted "
    r"as an integer|NoneType|has no len\(\)|list indices must|takes \d+ positional|"
    r"unexpected keyword|object of type|must be real number, not|Attempt to convert a value|"
    r"can't multiply sequence|unsupported operand|only integer scalar arrays|invalid literal "
    r"for|could not convert string|Expected (?:int|float)|can only concatenate|"
    r"argument must be a string, a bytes-like object|is not iterable|index out of range|"
    # Keras's wrapper of an op's error: terminal colour codes and every argument's value.
    r"Exception encountered when calling|\x1b\[")

_BY_TYPE = [(TypeError, KerasArgumentTypeError), (ValueError, KerasArgumentError),
            (AttributeError, KerasArgumentAttributeError), (IndexError, KerasArgumentIndexError)]


def _type_words(name: str) -> str:
    """A Python type name as a Keras user reads it, in the caller's language."""
    name = name.strip("'<>").removeprefix("class ").strip("'")
    r = in_r()
    words = {"list": "a list", "tuple": "a list" if r else "a tuple",
             "float": "a number", "int": "an integer", "bool": "TRUE/FALSE" if r else "a bool",
             "str": "a character string" if r else "a string",
             "NoneType": "NULL" if r else "None", "dict": "a named list" if r else "a dict",
             "numpy.ndarray": "a vector or array" if r else "an array",
             "ndarray": "a vector or array" if r else "an array",
             "EagerTensor": "a tensor", "numpy.float64": "a number", "numpy.str_": "a string"}
    return words.get(name, f"a {name}")


_T = r"['\"]?<?(?:class )?['\"]?([\w.]+)['\"]?>?"
_PLAIN = [
    (re.compile(r"Exception encountered when calling [\w.]+\(\)\.\s*"), lambda m: ""),
    (re.compile(r"\s*Arguments received by [\w.]+\(\):.*", re.S), lambda m: ""),
    (re.compile(r"\x1b\[[0-9;]*m"), lambda m: ""),
    (re.compile(r"The truth value of an array with more than one element is ambiguous\.?"
                r"(?: Use a\.any\(\) or a\.all\(\))?"),
     lambda m: "several values were given where one value is needed"),
    (re.compile(rf"'(\S+)' not supported between instances of {_T} and {_T}"),
     lambda m: f"{_type_words(m[2])} cannot be compared with {_type_words(m[3])} ({m[1]})"),
    (re.compile(rf"{_T} object has no attribute '(\w+)'"),
     lambda m: f"{_type_words(m[1])} was given where Keras needs an object with `{m[2]}` "
               f"(a tensor or array, or a Keras object)"),
    (re.compile(rf"{_T} object is not (iterable|callable|subscriptable)"),
     lambda m: f"{_type_words(m[1])} was given where Keras needs "
               + {"iterable": "a vector or list", "callable": "a function",
                  "subscriptable": "a vector or list"}[m[2]]),
    (re.compile(rf"argument of type {_T} is not iterable"),
     lambda m: f"{_type_words(m[1])} was given where Keras needs a vector or list"),
    (re.compile(rf"object of type {_T} has no len\(\)"),
     lambda m: f"{_type_words(m[1])} has no length: Keras needs a vector or list"),
    (re.compile(rf"unhashable type: {_T}"),
     lambda m: f"{_type_words(m[1])} cannot be used as a name or key"),
    (re.compile(rf"{_T} object cannot be interpreted as an integer"),
     lambda m: f"{_type_words(m[1])} was given where a whole number is needed"),
    (re.compile(rf"can only concatenate {_T} \(not {_T}\) to \S+"),
     lambda m: f"{_type_words(m[1])} was given where a number is needed"),
    (re.compile(rf"unsupported operand type\(s\) for (\S+): {_T} and {_T}"),
     lambda m: f"cannot compute {_type_words(m[2])} {m[1]} {_type_words(m[3])}"),
    (re.compile(rf"can't multiply sequence by non-int of type {_T}"),
     lambda m: f"a list cannot be multiplied by {_type_words(m[1])}"),
    (re.compile(rf"must be real number, not {_T}"),
     lambda m: f"must be a number, not {_type_words(m[1])}"),
    (re.compile(rf"argument must be a string, a bytes-like object or a real number, not {_T}"),
     lambda m: f"argument must be one number, not {_type_words(m[1])}"),
    (re.compile(r"invalid literal for \w+\(\) with base \d+: ('.*?')"),
     lambda m: f"{m[1]} is not a whole number"),
    (re.compile(r"could not convert string to float: ('.*?')"),
     lambda m: f"{m[1]} is not a number"),
    (re.compile(r"only integer scalar arrays can be converted to a scalar index"),
     lambda m: "an index must be one whole number"),
    (re.compile(r"list indices must be integers or slices, not (\w+)"),
     lambda m: f"a list was indexed with {_type_words(m[1])}"),
    (re.compile(rf"Attempt to convert a value \((.*?)\) with an unsupported type \({_T}\) "
                r"to a Tensor\.?"),
     lambda m: f"{_type_words(m[2])} cannot be turned into a tensor"),
    (re.compile(r"Cannot convert (.*?) to EagerTensor of dtype (\w+)"),
     lambda m: f"{m[1]} cannot be turned into a tensor of {m[2]}s"),
    (re.compile(r"(?:list|tuple) index out of range"),
     lambda m: "a list or vector is shorter than Keras needs"),
    (re.compile(r"\{\{node [^}]*\}\}[^\n]*"), lambda m: ""),   # TensorFlow's graph node dump
    (re.compile(r"\bNoneType\b"), lambda m: "NULL" if in_r() else "None"),
]


def plain_reason(message: str) -> str:
    """Keras's message with Python's internal phrases replaced by plain words."""
    for pattern, words in _PLAIN:
        message = pattern.sub(words, message)
    message = " ".join(message.split()).rstrip(" .:;,")
    return message[:400] + (" ..." if len(message) > 400 else "")


def _brief(value: Any) -> str:
    """Type, shape or length and dtype of one argument, short, in the caller's language."""
    r = in_r()
    shape = getattr(value, "shape", None)
    if shape is not None and not isinstance(value, (str, bytes)) and hasattr(value, "dtype"):
        dims = [None if d is None else int(d) for d in tuple(shape)]
        what = "a tensor" if type(value).__module__.startswith(("tensorflow", "keras")) else (
            "an array" if dims else "a scalar array")
        return f"{what}, shape {shape_text(dims)}, dtype {value.dtype}" if dims else (
            f"{what} ({value!s:.40}), dtype {value.dtype}")
    if value is None:
        return "NULL" if r else "None"
    if isinstance(value, (bool, np.bool_)):
        return ("TRUE" if value else "FALSE") if r else repr(bool(value))
    if isinstance(value, (int, float, np.number)):
        shown = f"{value:g}" if r else f"{value!r:.40}"
        return shown if isinstance(value, (int, np.integer)) else f"a number ({shown})"
    if isinstance(value, str):
        return f"{_type_words('str')} ({json.dumps(value) if r else repr(value):.40})"
    if isinstance(value, dict):
        return f"{_type_words('dict')} of length {len(value)}"
    if isinstance(value, (list, tuple)):
        return f"{_type_words(type(value).__name__)} of length {len(value)}"
    if type(value).__module__.startswith("keras"):
        return f"a Keras {type(value).__name__}"
    if callable(value):
        return f"a function ({getattr(value, '__name__', type(value).__name__)})"
    return f"a {type(value).__module__.split('.')[0]} {type(value).__name__}".replace(
        "a builtins ", "a ")


def _from_library(error: BaseException) -> bool:
    """True when every frame the error passed through is library code (no user function)."""
    tb = error.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if name.split(".")[0] not in _LIBRARY or name.startswith("rkeras.r."):
            return False
        tb = tb.tb_next
    return True


def _names_an_argument(message: str, arguments: dict[str, Any]) -> bool:
    # A one-letter name ("a", "x") is an English word too: only `a` in backticks names it.
    return any(re.search(rf"`{re.escape(arg)}`" if len(arg) == 1 else rf"\b{re.escape(arg)}\b",
                         message) for arg in arguments)


@contextlib.contextmanager
def keras_errors_named(verb_name: str, arguments: dict[str, Any]):
    """Re-raise Keras's ValueError/TypeError (and AttributeError/IndexError) that names none
    of `arguments` or speaks Python's internals, naming the verb and each argument given."""
    try:
        yield
    except (TypeError, ValueError, AttributeError, IndexError) as error:
        if isinstance(error, RKerasError) or not _from_library(error):
            raise
        message = str(error)
        if _names_an_argument(message, arguments) and not INTERNAL_PHRASES.search(message):
            raise
        cls = next(new for old, new in _BY_TYPE if isinstance(error, old))
        equals = " = " if in_r() else "="
        given = "; ".join(f"{arg}{equals}{_brief(value)}" for arg, value in arguments.items())
        raise cls(f"{verb_name}(): Keras could not use these arguments: "
                  f"{given or '(none given)'}. Keras said: {plain_reason(message)}. "
                  f"See help({verb_name}).") from error


# --- TensorFlow's refusals of the values an op computes on --------------------------------

def _shape_of(value: Any) -> str | None:
    shape = getattr(value, "shape", None)
    if shape is None and isinstance(value, (list, tuple)):
        shape = np.shape(np.asarray(value, dtype=object))
    if shape is None:
        return None
    dims = [None if d is None else int(d) for d in tuple(shape)]
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


# Verbs whose errors come from the user's data or code (fit's own checks name them).
DATA_VERBS = frozenset({"fit", "evaluate", "predict", "train_on_batch", "test_on_batch",
                        "predict_on_batch"})


@contextlib.contextmanager
def refusals_named(verb, arguments: dict[str, Any]):
    """Keras's and TensorFlow's refusals of one verb call, re-raised naming what was given.

    Keras's unclear errors (:func:`keras_errors_named`) except for the data verbs;
    TensorFlow's value errors (:func:`tensorflow_errors_named`) except for model
    verbs, whose values come from the user's data.
    """
    with contextlib.ExitStack() as stack:
        if verb.name not in DATA_VERBS:
            stack.enter_context(keras_errors_named(verb.name, arguments))
        if verb.kind != "model":
            stack.enter_context(tensorflow_errors_named(verb, arguments))
        yield
