"""Any Python object in R, as reticulate shows it: the Python side of reticulate.R and tensorflow.R.

R keras3 code reaches Python through reticulate (``keras$layers$Dense(2L)``,
``import("numpy")$arange(3L)``, ``tf$GradientTape()``, ``iterate(ds)``,
``with(tf$GradientTape() %as% tape, ...)``). rkeras has no reticulate: the
embedded R calls these helpers through ``.rk_python(name, ...)`` instead, so
the objects stay in this process and are the very objects the verbs use.

How a Python value is shown to R (:func:`present`), following reticulate's
``py_to_r``: data (numbers, strings, arrays, lists, dicts) converts to R data;
a Python callable (class, function, bound method, model, ``tf.function``)
becomes an R closure that calls it and still answers ``$``, ``[[``,
``names()`` and ``print()`` (reticulate: class ``python.builtin.function``
closures); anything else is a handle (``rkeras_py_object``). Keras layers
keep the front end's layer functions (compose rule, ``rkeras/r/R/handles.R``).
"""

from __future__ import annotations

import builtins
import importlib
import importlib.util
import inspect
import io
import re
import sys
from typing import Any, Callable

import numpy as np

from ..errors import ArgumentTypeError
from ..pipe import PendingLayer
from .convert import RFunction, register_to_python, to_python, unmark
from .convert.r_vectors import as_py_array
from .convert.rules import plain_lists
from .evaluate import r_call
from .handles import BASE_CLASS, new_handle, object_of, r_classes_for
from .py_functions import python_function

__all__ = ["CALLABLE_CLASS", "OutputCaptureContext", "helpers", "is_presented_callable",
           "tensorflow_operands", "print_text", "signature_text", "keras3_call_arguments",
           "r_operator"]

CALLABLE_CLASS = "rkeras_py_callable"
"""R class of the closures that stand for Python callables (before ``rkeras_py_object``)."""

# Python modules that R code names but rkeras provides itself (reticulate's
# own Python helpers, used by keras3's test helpers).
_MODULE_ALIASES = {"rpytools.output": __name__}


class OutputCaptureContext:
    """reticulate's ``rpytools.output.OutputCaptureContext``: capture Python's stdout/stderr."""

    def __init__(self, capture_stdout: bool = True, capture_stderr: bool = False) -> None:
        self._which = [n for n, on in (("stdout", capture_stdout), ("stderr", capture_stderr)) if on]
        self._buffer = io.StringIO()
        self._saved: dict = {}

    def __enter__(self):
        for name in self._which:
            self._saved[name] = getattr(sys, name)
            setattr(sys, name, self._buffer)
        return self

    def __exit__(self, *exc) -> bool:
        for name, stream in self._saved.items():
            setattr(sys, name, stream)
        self._saved.clear()
        return False

    def collect_output(self) -> str:
        return self._buffer.getvalue()


# R's operators that the tensorflow R package runs on a tensor and an R value
# after casting the R value to the tensor's dtype (its autocast_ab_to_tensors();
# keras3 replaces its `^` with op_power()).
_AUTOCAST_OPERATORS = frozenset({"+", "-", "*", "/", "%/%", "%%",
                                 "==", "!=", "<", "<=", ">", ">="})


def _is_tf_tensor(x: Any) -> bool:
    """keras3's "tensorflow.tensor": a TensorFlow tensor (eager or traced) or Keras's TF Variable.

    Not a KerasTensor (symbolic input), which keeps Python's operators.
    """
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return False
    return isinstance(x, tf.Tensor) or any(
        c.__name__ == "Tensor" and c.__module__ == "tensorflow.python.types.core" for c in type(x).__mro__)


def _is_r_value(x: Any) -> bool:
    return isinstance(x, (bool, int, float, list, np.ndarray, np.generic)) and not isinstance(
        x, str)


def tensorflow_operands(name: str, args: tuple) -> tuple:
    """R's `x + 1`, `x * c(1, 2)`, `m + matrix(...)` on a TensorFlow tensor, as keras3 runs them.

    keras3's tensors are the tensorflow R package's: an R number, vector or
    array meeting a tensor is first converted with ``as_tensor(value, dtype =
    tensor$dtype)`` (doubles as float64, then a saturating cast to the
    tensor's dtype), so ``op_ones(2) + matrix(1)`` stays float32 where
    ``keras.ops.add`` would promote to float64. KerasTensors (symbolic
    inputs) keep Python's operators (keras.ops), as in keras3.
    """
    if name not in _AUTOCAST_OPERATORS or len(args) != 2:
        return args
    a, b = args
    if _is_tf_tensor(a) and _is_r_value(b):
        return a, _as_tensor_like(b, a)
    if _is_tf_tensor(b) and _is_r_value(a):
        return _as_tensor_like(a, b), b
    return args


def _as_tensor_like(value: Any, tensor: Any) -> Any:
    """tensorflow's as_tensor(value, dtype = tensor$dtype) for an R value."""
    import tensorflow as tf

    array = np.asarray(value)
    if array.dtype == np.int64 and not isinstance(value, np.ndarray):
        array = array.astype(np.int32)      # R integers (a list of Python ints) are int32
    source = tf.convert_to_tensor(array)
    dtype = tf.as_dtype(tensor.dtype)      # (a Keras Variable's dtype is a string)
    if (dtype.is_floating or dtype.is_integer) and (source.dtype.is_floating or source.dtype.is_integer):
        return tf.dtypes.saturate_cast(source, dtype)
    return tf.cast(source, dtype)


def signature_text(obj: Any) -> str | None:
    """reticulate's second line when it prints a Python callable: `` signature: (x, axis=-1)``.

    The signature of the callable itself, else of its ``__init__`` or
    ``__new__`` without their first argument, else ``(?)``; a signature
    longer than 60 characters is written one argument per line, as
    reticulate's py_format_signature() does. None for what is not callable.
    """
    if not callable(obj):
        return None
    for target, drop_first in ((obj, False), (getattr(obj, "__init__", None), True),
                               (getattr(obj, "__new__", None), True)):
        if target is None:
            continue
        try:
            sig = inspect.signature(target)
        except (TypeError, ValueError):
            continue
        if drop_first:
            sig = sig.replace(parameters=list(sig.parameters.values())[1:])
        text = str(sig)
        if len(text) > 60:
            for param in sig.parameters.values():
                text = text.replace(str(param), "\n   " + str(param), 1)
            text = text.replace(", /,", ",\n   /,", 1).replace(", *,", ",\n   *,", 1)
            text = re.sub(r"\)($| ->)", "\n)\\1", text, count=1)
        return " signature: " + text
    return " signature: (?)"


def print_text(obj: Any) -> str:
    """What reticulate's print() shows for a Python object: its repr, and a callable's signature."""
    sig = signature_text(obj)
    return repr(obj) if sig is None else repr(obj) + "\n" + sig


_LOSS_ARGS = ("y_true", "y_pred", "sample_weight")


def keras3_call_arguments(fn: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """The arguments of an R call of a Keras object, converted as keras3's R wrappers do.

    keras3 makes a loss or metric object an R function that passes ``y_true``,
    ``y_pred`` and ``sample_weight`` through ``as_py_array()`` (numpy arrays,
    doubles as floatx: ``loss_fn(c(0L, 1L), y_pred)`` works), and an
    initializer one that normalizes ``shape`` (``init(c(2, 3))``).
    """
    keras = sys.modules.get("keras")
    if keras is None:
        return args, kwargs
    if isinstance(fn, (keras.losses.Loss, keras.metrics.Metric)):
        args = tuple(as_py_array(a) if i < len(_LOSS_ARGS) else a for i, a in enumerate(args))
        kwargs = {k: as_py_array(v) if k in _LOSS_ARGS else v for k, v in kwargs.items()}
    elif isinstance(fn, keras.initializers.Initializer):
        from ..conventions import normalize_shape
        if args:
            args = (normalize_shape(unmark(args[0], False), "shape"), *args[1:])
        elif "shape" in kwargs:
            kwargs = {**kwargs, "shape": normalize_shape(unmark(kwargs["shape"], False), "shape")}
    return args, kwargs


# tensorflow R's operators on a "tensorflow.tensor" (generics.R): TensorFlow's own op.
_TF_BINARY = {"+": "add", "-": "subtract", "*": "multiply", "/": "truediv",
              "%/%": "math.floordiv", "%%": "math.floormod", "==": "equal", "!=": "not_equal",
              "<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal"}


def _tf_op(name: str, args: tuple) -> Any:
    """R's operator `name` as the tensorflow R package runs it on a TensorFlow tensor."""
    import tensorflow as tf

    if len(args) == 1:
        if name == "-":
            return tf.negative(args[0])
        if name == "!":
            return tf.logical_not(tf.cast(args[0], tf.bool))
        return args[0]                                   # unary +
    a, b = args
    if name in ("&", "|"):
        fn = tf.logical_and if name == "&" else tf.logical_or
        return fn(tf.cast(a, tf.bool), tf.cast(b, tf.bool))
    a, b = tensorflow_operands(name, (a, b))
    module, _, attr = _TF_BINARY[name].rpartition(".")
    return getattr(getattr(tf, module) if module else tf, attr)(a, b)


def r_operator(name: str, *args: Any) -> Any:
    """R's Ops/Math/Summary group generics on tensor handles (handles.R), as keras3.

    On a TensorFlow tensor (keras3's tensors and Variables are the tensorflow
    package's ``tensorflow.tensor``) the arithmetic, comparison and logical
    operators run TensorFlow's op after casting an R operand to the tensor's
    dtype (``int_tensor / 2L`` is float64 as tf.truediv); ``^`` is keras3's
    (op_square/op_sqrt for 2 and 0.5, else op_power); on a KerasTensor
    (symbolic), and for the math and summary functions, ``keras.ops``.
    R vectors (marked in R) arrive as Python lists, as reticulate hands them on.
    """
    import keras
    ops = keras.ops
    args = tuple(unmark(a, True) for a in args)
    if (name in _TF_BINARY or name in ("&", "|", "!")) and any(_is_tf_tensor(a) for a in args):
        return _tf_op(name, args)
    if name == "^" and len(args) == 2 and type(args[1]) in (int, float) and args[1] in (2, 0.5):
        # keras3's `^` on a backend tensor: op_square() / op_sqrt() for 2 and 0.5, else op_power()
        return ops.square(args[0]) if args[1] == 2 else ops.sqrt(args[0])
    table = {
        "+": ops.add, "-": ops.subtract, "*": ops.multiply, "/": ops.divide,
        "^": ops.power, "%%": ops.mod, "%/%": ops.floor_divide,
        "==": ops.equal, "!=": ops.not_equal, "<": ops.less, "<=": ops.less_equal,
        ">": ops.greater, ">=": ops.greater_equal, "&": ops.logical_and, "|": ops.logical_or,
        "abs": ops.abs, "sqrt": ops.sqrt, "exp": ops.exp, "log": ops.log, "log1p": ops.log1p,
        "expm1": ops.expm1, "cos": ops.cos, "sin": ops.sin, "tan": ops.tan, "tanh": ops.tanh,
        "floor": ops.floor, "ceiling": ops.ceil, "round": ops.round, "sign": ops.sign,
        "sum": ops.sum, "prod": ops.prod, "max": ops.max, "min": ops.min, "mean": ops.mean,
        "cumsum": ops.cumsum, "cumprod": ops.cumprod,
    }
    if name == "-" and len(args) == 1:
        return ops.negative(args[0])
    if name == "!":
        return ops.logical_not(args[0])
    if name == "+" and len(args) == 1:
        return args[0]
    fn = table.get(name)
    if fn is None:
        raise NotImplementedError(f"the R operation `{name}` is not defined for tensors")
    if name in ("sum", "prod", "max", "min") and len(args) > 1:
        result = fn(args[0])
        for a in args[1:]:
            result = {"sum": ops.add, "prod": ops.multiply, "max": ops.maximum,
                      "min": ops.minimum}[name](result, fn(a))
        return result
    return fn(*args)


def is_presented_callable(obj: Any) -> bool:
    """True for Python objects R gets as callable closures (not data, layers or tensors)."""
    if not callable(obj) or isinstance(obj, (np.ndarray, PendingLayer, RFunction)):
        return False
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(obj, keras.Layer) and not isinstance(obj, keras.Model):
        return False     # the front end's layer functions (compose rule)
    return True


def _r_length(obj: Any) -> Any:
    """reticulate's length(): ``len(obj)``, else ``int(bool(obj))``, else NA (None)."""
    try:
        return len(obj)
    except Exception:       # noqa: BLE001 - no __len__, or it raised: as reticulate
        try:
            return int(bool(obj))
        except Exception:   # noqa: BLE001
            return None


def _no_convert(handle: Any) -> Any:
    """Mark a handle as reticulate's ``convert = FALSE`` (R attribute ``py_convert``, read in R)."""
    from .convert import set_attr
    set_attr(handle, "py_convert", False)
    return handle


def _callable_from_r(robj, *options) -> Any:
    """A closure of class rkeras_py_callable: the Python callable it stands for."""
    if not hasattr(robj, "closureenv"):     # the handle inside the closure
        return object_of(robj)
    return to_python(robj.closureenv.find(".rk_obj"))


_rule_registered = False


def helpers(for_r: Callable[[Any], Any], env) -> dict:
    """The ``.rk_python`` helpers of reticulate.R / tensorflow.R.

    Args:
        for_r: the front end's presentation of a verb result (layers as
            layer functions, ...), applied before :func:`present`'s rules.
        env: rkeras's R environment (holds ``.rk_py_callable`` from handles.R).
    """
    global _rule_registered
    if not _rule_registered:
        register_to_python(CALLABLE_CLASS)(_callable_from_r)
        _rule_registered = True

    def present(value: Any) -> Any:
        if isinstance(value, (np.int64, np.uint64, np.uint32)):
            return float(value)     # reticulate: 64-bit (and uint32) numpy integers are R doubles
        if type(value) is list and value and all(type(v) in (float, int, bool) for v in value):
            return for_r(value)     # reticulate: [1.0, 2.0] is c(1, 2) (the front end decides)
        if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
            return type(value)(present(v) for v in value)
        if type(value) is dict:
            return {k: present(v) for k, v in value.items()}
        if is_presented_callable(value):
            return callable_to_r(value)
        return for_r(value)

    def callable_to_r(obj: Any, convert: bool = True) -> Any:
        classes = [c for c in r_classes_for(obj) if c != BASE_CLASS]
        keras = sys.modules.get("keras")
        compose = keras is not None and isinstance(obj, keras.Model)
        handle = new_handle(obj, [*classes, CALLABLE_CLASS, BASE_CLASS])
        if not convert:
            _no_convert(handle)
        return r_call(env[".rk_py_callable"], handle, compose)

    def handle(obj: Any) -> Any:
        """A handle whatever the object (reticulate's ``convert = FALSE``)."""
        return new_handle(obj)

    def raw(value: Any) -> Any:
        """``value`` as reticulate shows it from a ``convert = FALSE`` object: never R data.

        Attributes, items and call results of such an object are Python
        objects too (``np <- import("numpy", convert = FALSE); np$arange(3L)``
        prints ``array([0, 1, 2])``); ``py_to_r()`` converts them.
        """
        if is_presented_callable(value):
            return callable_to_r(value, convert=False)
        return _no_convert(new_handle(value))

    def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = keras3_call_arguments(fn, args, kwargs)
        # reticulate hands an unnamed R list over as a plain list; Keras's tree
        # utilities take a list subclass as one leaf (self$add_loss(list(loss))).
        # R vectors of length > 1 (marked by .rk_mark_vectors) as Python lists, as reticulate.
        args = tuple(plain_lists(unmark(a, True)) for a in args)
        kwargs = {k: plain_lists(unmark(v, True)) for k, v in kwargs.items()}
        return present(fn(*args, **kwargs))

    def call_raw(fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A call of a ``convert = FALSE`` callable: the result stays a Python object."""
        args = tuple(plain_lists(unmark(a, True)) for a in args)
        kwargs = {k: plain_lists(unmark(v, True)) for k, v in kwargs.items()}
        return raw(fn(*args, **kwargs))

    def import_module(name: str, convert: bool = True) -> Any:
        module = importlib.import_module(_MODULE_ALIASES.get(name, name))
        return module if convert else raw(module)

    def getattr_(obj: Any, name: str, convert: bool = True) -> Any:
        shown = present if convert else raw
        if isinstance(obj, dict) and not hasattr(obj, name):
            return shown(obj[name])     # reticulate: `$` on a dict reads its item
        try:
            return shown(getattr(obj, name))
        except AttributeError:
            raise AttributeError(f"'{type(obj).__name__}' object has no attribute '{name}'") from None

    def getitem(obj: Any, key: Any, convert: bool = True) -> Any:
        shown = present if convert else raw
        if isinstance(key, float) and key.is_integer():
            key = int(key)      # reticulate: x[[1]] is Python's x[1] (0-based, as Python indexes)
        if isinstance(key, str) and not isinstance(obj, dict) and hasattr(obj, key):
            return shown(getattr(obj, key))
        return shown(obj[key])

    def names(obj: Any) -> list:
        if isinstance(obj, dict):
            return [str(k) for k in obj]
        return [n for n in dir(obj) if not n.startswith("_")]

    def run_string(code: str, local: bool = False, convert: bool = True) -> Any:
        main = sys.modules["__main__"].__dict__
        scope = dict(main) if local else main
        exec(compile(code, "<string>", "exec"), scope)    # noqa: S102 - R asked to run Python
        if local:
            scope = {k: v for k, v in scope.items() if k not in main or main[k] is not v}
        return present(scope) if convert else handle(scope)

    def eval_(code: str, convert: bool = True) -> Any:
        value = eval(code, sys.modules["__main__"].__dict__)   # noqa: S307 - R asked for it
        return present(value) if convert else handle(value)

    def np_array(data: Any, dtype: Any = None, order: str = "C") -> Any:
        return handle(np.array(data, dtype=dtype, order=order))

    def as_iterator(x: Any) -> Any:
        return handle(iter(x))

    def iter_next(it: Any, completed: Any = None) -> Any:
        try:
            return present(next(it))
        except StopIteration:
            return completed

    def enter(ctx: Any) -> Any:
        if not (hasattr(ctx, "__enter__") and hasattr(ctx, "__exit__")):
            raise ArgumentTypeError(
                f"with(): this Python object ({type(ctx).__name__}) is not a context manager "
                f"(it has no __enter__/__exit__); for a distribution strategy, use "
                f"with(strategy$scope(), {{ ... }}).")
        return present(ctx.__enter__())

    def exit_(ctx: Any, error: Any = None) -> Any:
        if error is None:
            return ctx.__exit__(None, None, None)
        # An R error in the body: __exit__ sees a RuntimeError with R's message
        # (as with the tensorflow R package); the R error is raised again by R.
        exc = RuntimeError(str(error))
        return ctx.__exit__(RuntimeError, exc, None)

    def to_py(x: Any, convert: bool = False) -> Any:
        return handle(plain_lists(unmark(x, True)))

    def module_available(name: str) -> bool:
        name = _MODULE_ALIASES.get(name, name)
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False

    def tf_version() -> str:
        import tensorflow as tf
        return ".".join(tf.__version__.split(".")[:2])

    def tensor_shape(x: Any) -> Any:
        shape = getattr(x, "shape", None)
        try:
            return None if shape is None else [None if d is None else int(d) for d in tuple(shape)]
        except (TypeError, ValueError):    # unknown rank
            return None

    def capture_begin() -> Any:
        ctx = OutputCaptureContext(True, True)
        ctx.__enter__()
        return handle(ctx)

    def capture_end(ctx: Any) -> str:
        ctx.__exit__(None, None, None)
        return ctx.collect_output()

    return {
        "present": present,
        "py_callable": callable_to_r,
        "py_handle": handle,
        "py_call": call,
        "py_call_raw": call_raw,
        "py_raw": raw,
        "py_import": import_module,
        "py_getattr": getattr_,
        "py_getitem": getitem,
        "py_setitem": lambda obj, key, value: obj.__setitem__(key, value),
        "py_hasattr": lambda obj, name: hasattr(obj, name),
        "py_names": names,
        "py_str": lambda obj: str(obj),
        "py_repr": lambda obj: repr(obj),
        "py_len": lambda obj: len(obj),
        "py_length": _r_length,
        "py_run_string": run_string,
        "py_eval": eval_,
        "np_array": np_array,
        # reticulate's tuple() and dict() default to convert = FALSE: their items stay Python
        "py_tuple": lambda *xs: raw(tuple(plain_lists(unmark(x, True)) for x in xs)),
        "py_dict": lambda keys, values: raw(dict(zip(keys, (plain_lists(unmark(v, True))
                                                            for v in values)))),
        "py_builtins": lambda: handle(builtins),
        "as_iterator": as_iterator,
        "iter_next": iter_next,
        "py_enter": enter,
        "py_exit": exit_,
        "r_to_py": to_py,
        "py_to_r": present,
        "module_available": module_available,
        "tf_version": tf_version,
        "tensor_shape": tensor_shape,
        "capture_begin": capture_begin,
        "capture_end": capture_end,
        "py_doc": lambda obj: inspect.getdoc(obj) or "",
        "py_func": lambda fn, name, formals: present(python_function(fn, name, formals)),
    }
