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
import sys
from typing import Any, Callable

import numpy as np

from ..errors import ArgumentTypeError
from ..pipe import PendingLayer
from .convert import RFunction, register_to_python, to_python
from .convert.rules import plain_lists
from .evaluate import r_call
from .handles import BASE_CLASS, new_handle, object_of, r_classes_for
from .py_functions import python_function

__all__ = ["CALLABLE_CLASS", "OutputCaptureContext", "helpers", "is_presented_callable"]

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


def is_presented_callable(obj: Any) -> bool:
    """True for Python objects R gets as callable closures (not data, layers or tensors)."""
    if not callable(obj) or isinstance(obj, (np.ndarray, PendingLayer, RFunction)):
        return False
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(obj, keras.Layer) and not isinstance(obj, keras.Model):
        return False     # the front end's layer functions (compose rule)
    return True


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
        if type(value) is list and value and all(type(v) in (float, int, bool) for v in value):
            return for_r(value)     # reticulate: [1.0, 2.0] is c(1, 2) (the front end decides)
        if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
            return type(value)(present(v) for v in value)
        if type(value) is dict:
            return {k: present(v) for k, v in value.items()}
        if is_presented_callable(value):
            return callable_to_r(value)
        return for_r(value)

    def callable_to_r(obj: Any) -> Any:
        classes = [c for c in r_classes_for(obj) if c != BASE_CLASS]
        keras = sys.modules.get("keras")
        compose = keras is not None and isinstance(obj, keras.Model)
        handle = new_handle(obj, [*classes, CALLABLE_CLASS, BASE_CLASS])
        return r_call(env[".rk_py_callable"], handle, compose)

    def handle(obj: Any) -> Any:
        """A handle whatever the object (reticulate's ``convert = FALSE``)."""
        return new_handle(obj)

    def call(fn: Any, *args: Any, **kwargs: Any) -> Any:
        # reticulate hands an unnamed R list over as a plain list; Keras's tree
        # utilities take a list subclass as one leaf (self$add_loss(list(loss))).
        args = tuple(plain_lists(a) for a in args)
        kwargs = {k: plain_lists(v) for k, v in kwargs.items()}
        return present(fn(*args, **kwargs))

    def import_module(name: str, convert: bool = True) -> Any:
        module = importlib.import_module(_MODULE_ALIASES.get(name, name))
        return module if convert else handle(module)

    def getattr_(obj: Any, name: str) -> Any:
        if isinstance(obj, dict) and not hasattr(obj, name):
            return present(obj[name])     # reticulate: `$` on a dict reads its item
        try:
            return present(getattr(obj, name))
        except AttributeError:
            raise AttributeError(f"{type(obj).__name__} object has no attribute '{name}'") from None

    def getitem(obj: Any, key: Any) -> Any:
        if isinstance(key, str) and not isinstance(obj, dict) and hasattr(obj, key):
            return present(getattr(obj, key))
        return present(obj[key])

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
        return handle(x)

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
        "py_import": import_module,
        "py_getattr": getattr_,
        "py_getitem": getitem,
        "py_setitem": lambda obj, key, value: obj.__setitem__(key, value),
        "py_hasattr": lambda obj, name: hasattr(obj, name),
        "py_names": names,
        "py_str": lambda obj: str(obj),
        "py_repr": lambda obj: repr(obj),
        "py_len": lambda obj: len(obj),
        "py_run_string": run_string,
        "py_eval": eval_,
        "np_array": np_array,
        "py_tuple": lambda *xs: handle(tuple(xs)),
        "py_dict": lambda keys, values: handle(dict(zip(keys, values))),
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
