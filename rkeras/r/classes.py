"""Keras classes written in R: the Python side of ``Layer()``, ``Model()`` ... in R.

The R front end's ``Layer("Linear", initialize = ..., call = ...)`` (and
``Model``, ``Callback``, ``Loss``, ``Metric``, ``Constraint``,
``LearningRateSchedule``, ``%py_class%``; ``rkeras/r/R/classes.R``) prepares
the R methods and calls :func:`new_class`, which builds a real Python subclass
of the Keras class with ``type(name, (base,), namespace)``. Each method of the
class is a small Python function that calls its R function through the bridge
(:func:`rkeras.r.session.r_call`: one R lock, R errors as Python errors), so
Keras sees an ordinary ``keras.Layer`` subclass: it tracks ``self$w <-
self$add_weight(...)`` as a weight, calls ``build()`` with the input shape,
serialises ``get_config()``, and TensorFlow traces ``call()`` and
``train_step()`` into its graph.

Tracing
    With the TensorFlow backend, ``fit`` runs ``train_step`` inside a
    ``tf.function``: the R methods run while TensorFlow traces (once per
    input signature), on symbolic tensors, and the traced graph runs every
    batch without R. Eager execution (``run_eagerly = TRUE``) calls R every
    batch. Callback hooks run in Python's training loop, so they call R every
    batch/epoch they are defined for.

Errors
    An R error in a method stops the Keras call with :class:`RMethodError`
    (``Error in Linear$call(): <R message>``); a Python error raised by
    Python code the method called (``self$add_weight(shape = "x")``) comes
    back as the original Python exception with a note naming the R method.
    Nothing of the object's state depends on the failed call, so the model
    stays usable. Ctrl-C while R runs interrupts R (rkeras.r.session) and
    ``fit`` ends with ``KeyboardInterrupt``.

Per-instance ``private``
    keras3's ``private`` (an R environment per instance, invisible to Keras)
    is made on first use and held here by the instance's ``id``; its R
    methods see ``self`` through a weak reference, so ``private`` never keeps
    the Python object alive, and it is dropped when the instance is.
"""

from __future__ import annotations

import inspect
import weakref
from typing import Any, Callable, Optional

from ..errors import RKerasError

__all__ = ["RMethodError", "ClassConstructor", "new_class", "r_helper", "class_kind"]


class RMethodError(RKerasError, RuntimeError):
    """An R method of an R-defined Keras class signalled an error.

    Attributes:
        method: ``"Classname$method"``.
        r_message: R's condition message.
        r_call: the R call R reported, or None.
    """

    def __init__(self, message: str, method: str = "", r_message: str = "",
                 r_call: Optional[str] = None):
        super().__init__(message)
        self.method = method
        self.r_message = r_message
        self.r_call = r_call


class _RDefault:
    """A parameter default only R knows (an R expression): R applies it."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<R default>"


R_DEFAULT = _RDefault()

# R functions of classes.R that every class uses (set by the first new_class).
_R: dict[str, Any] = {}

# keras3's names of the Keras base classes, by kind.
_BASES = {
    "Layer": ("keras", "Layer"),
    "Model": ("keras", "Model"),
    "Callback": ("keras.callbacks", "Callback"),
    "Loss": ("keras.losses", "Loss"),
    "Metric": ("keras.metrics", "Metric"),
    "Constraint": ("keras.constraints", "Constraint"),
    "LearningRateSchedule": ("keras.optimizers.schedules", "LearningRateSchedule"),
    "object": ("builtins", "object"),
}

# Callback hooks take (epoch or batch, logs) or (logs); R sees 1-based
# numbers and may return a named list that is merged into the logs (keras3).
_INDEXED_HOOKS = frozenset({
    "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
    "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end"})
_LOGS_HOOKS = frozenset({"on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
                         "on_predict_begin", "on_predict_end"})


# --------------------------------------------------------------------------
# Values between R and the methods
# --------------------------------------------------------------------------
def _plain(value: Any, depth: int = 0) -> Any:
    """An R result as Keras wants it: named lists -> dicts, other lists -> lists."""
    from ..rlist import RList

    if depth > 50:
        return value
    if isinstance(value, RList):
        names = value.names()
        items = [_plain(v, depth + 1) for v in value.values()]
        if names and all(names):
            return dict(zip(names, items))
        return items
    if type(value) is dict:
        return {k: _plain(v, depth + 1) for k, v in value.items()}
    if type(value) is tuple:
        return tuple(_plain(v, depth + 1) for v in value)
    if isinstance(value, list):     # also the converters' UnnamedList (Keras weak-references outputs)
        return [_plain(v, depth + 1) for v in value]
    return value


def _as_list(value: Any) -> list:
    """A length-n R vector as a list (length-1 vectors arrive as scalars)."""
    import numpy as np

    from ..rlist import RList

    if value is None:
        return []
    if isinstance(value, RList):
        return list(value.values())
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _as_dict(value: Any) -> dict:
    from ..rlist import RList

    if value is None:
        return {}
    if isinstance(value, RList):
        return dict(zip(value.names(), value.values()))
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, (list, tuple)) and not value:
        return {}
    raise TypeError(f"expected a named R list, got {type(value).__name__}")


def _signature(spec: Any, first: str = "self") -> inspect.Signature:
    """A Python signature from R formals (classes.R's .rk_signature()).

    R's ``...`` becomes ``*args`` there and ``**kwargs`` at the end; formals
    after it are keyword-only, as keras3 does. Defaults that are constants
    keep their value (``training = NULL`` is ``training=None``, which Keras
    reads); others are :data:`R_DEFAULT`, which the call leaves to R.
    """
    spec = _as_dict(spec)
    names = [str(n) for n in _as_list(spec.get("names"))]
    has = _as_list(spec.get("has_default"))
    constant = _as_list(spec.get("constant"))
    values = _as_list(spec.get("values"))
    P = inspect.Parameter
    params = [P(first, P.POSITIONAL_OR_KEYWORD)]
    kind = P.POSITIONAL_OR_KEYWORD
    dots = False
    for i, name in enumerate(names):
        if name == "...":
            params.append(P("args", P.VAR_POSITIONAL))
            kind, dots = P.KEYWORD_ONLY, True
            continue
        if not name.isidentifier():
            continue
        if i < len(has) and has[i]:
            default = _plain(values[i]) if (i < len(constant) and constant[i]
                                            and i < len(values)) else R_DEFAULT
            params.append(P(name, kind, default=default))
        else:
            params.append(P(name, kind))
    if dots:
        params.append(P("kwargs", P.VAR_KEYWORD))
    return inspect.Signature(params, __validate_parameters__=False)


# --------------------------------------------------------------------------
# Calling R methods
# --------------------------------------------------------------------------
def _call_r(trampoline: Any, rfn: Any, label: str, first: Any, args: tuple, kwargs: dict) -> Any:
    """Run one R method (under the R lock); R errors become Python errors."""
    from .convert import to_python
    from .evaluate import RError, r_call

    args = [a for a in args if a is not R_DEFAULT]
    kwargs = {k: v for k, v in kwargs.items() if v is not R_DEFAULT}
    try:
        res = r_call(trampoline, rfn, first, *args, **kwargs)
    except RError as error:
        raise _method_error(error, label) from None
    return _plain(to_python(res))


def _method_error(error: Any, label: str) -> BaseException:
    """The exception to raise for an RError that ended R method `label`."""
    cause = getattr(error, "py_exception", None)
    if cause is not None:
        # Python raised it (Keras, TensorFlow or an inner R method): keep its
        # type, so that Keras and user code catch what they expect.
        note = f"(raised while running the R method {label}())"
        if note not in getattr(cause, "__notes__", ()):
            cause.add_note(note)
        return cause.with_traceback(cause.__traceback__)
    message = error.r_message or str(error)
    call = error.r_call
    shown = call if call and not call.startswith((".rk_fn(", ".rk_fn (")) else None
    text = f"Error in {label}(): {message}"
    if shown:
        text += f"\n  (R call: {shown})"
    err = RMethodError(text, label, message, shown)
    err.__cause__ = error
    return err


def _function(name: str, sig: inspect.Signature, body: Callable, label: str) -> Callable:
    """A Python function with signature `sig` (a real one, as Keras inspects
    ``build``/``call`` and copies them with functools.wraps) calling
    ``body(first, args, kwargs)``."""
    import keyword

    params = list(sig.parameters.values())
    P = inspect.Parameter
    if any(keyword.iskeyword(p.name) for p in params):
        params = [params[0], P("args", P.VAR_POSITIONAL), P("kwargs", P.VAR_KEYWORD)]
    defaults, parts, named, star, dstar = {}, [], [], None, None
    kw_only_started = False
    for p in params:
        if p.kind is P.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star, kw_only_started = p.name, True
            continue
        if p.kind is P.VAR_KEYWORD:
            parts.append(f"**{p.name}")
            dstar = p.name
            continue
        if p.kind is P.KEYWORD_ONLY and not kw_only_started:
            parts.append("*")
            kw_only_started = True
        if p.default is P.empty:
            parts.append(p.name)
        else:
            defaults[p.name] = p.default
            parts.append(f"{p.name}=__d[{p.name!r}]")
        named.append(p.name)
    first, rest = named[0], named[1:]
    call_args = f"({star},)" if False else (f"tuple({star})" if star else "()")
    call_kwargs = "{" + ", ".join(f"{n!r}: {n}" for n in rest) + "}"
    if dstar:
        call_kwargs = f"{{**{call_kwargs}, **{dstar}}}"
    src = (f"def {name}({', '.join(parts)}):\n"
           f"    return __body({first}, {call_args}, {call_kwargs})\n")
    scope = {"__d": defaults, "__body": body}
    exec(compile(src, f"<R method {label}>", "exec"), scope)   # noqa: S102 - names are checked identifiers
    fn = scope[name]
    fn.__qualname__ = label.replace("$", ".")
    return fn


def _as_shape(value: Any) -> Any:
    """A shape from R (a list of integers and NULLs) as the tuple Keras uses."""
    import numpy as np

    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if isinstance(value, list):
        if all(v is None or isinstance(v, (int, np.integer)) for v in value):
            return tuple(None if v is None else int(v) for v in value)
        return [_as_shape(v) for v in value]
    return value


def _make_method(name: str, rfn: Any, spec: Any, label: str) -> Callable:
    trampoline = _R["call_method"]
    pyname = name if name.isidentifier() else "method"

    if name in _INDEXED_HOOKS:
        def method(self, index, logs=None):
            extra = _call_r(trampoline, rfn, label, self, (int(index) + 1, logs), {})
            if isinstance(extra, dict) and logs is not None:
                logs.update(extra)
    elif name in _LOGS_HOOKS:
        def method(self, logs=None):
            extra = _call_r(trampoline, rfn, label, self, (logs,), {})
            if isinstance(extra, dict) and logs is not None:
                logs.update(extra)
    elif name == "__init__":
        def body(self, args, kwargs):
            _call_r(trampoline, rfn, label, self, args, kwargs)
        return _function(pyname, _signature(spec), body, label)
    elif name == "get_config":
        def body(self, args, kwargs):
            config = _call_r(trampoline, rfn, label, self, args, kwargs)
            if config is None or config == []:
                return {}
            if not isinstance(config, dict):
                raise RMethodError(
                    f"{label}() must return a named list (the layer's arguments), "
                    f"got {type(config).__name__}", label)
            return config
        return _function(pyname, _signature(spec), body, label)
    elif name == "compute_output_shape":
        def body(self, args, kwargs):
            return _as_shape(_call_r(trampoline, rfn, label, self, args, kwargs))
        return _function(pyname, _signature(spec), body, label)
    else:
        def body(self, args, kwargs):
            return _call_r(trampoline, rfn, label, self, args, kwargs)
        return _function(pyname, _signature(spec), body, label)
    method.__name__ = name
    method.__qualname__ = label.replace("$", ".")
    return method


def _make_classmethod(name: str, rfn: Any, spec: Any, label: str) -> classmethod:
    trampoline = _R["call_classmethod"]

    def body(cls, args, kwargs):
        return _call_r(trampoline, rfn, label, cls, args, kwargs)
    return classmethod(_function(name, _signature(spec, first="cls"), body, label))


def _make_property(name: str, rfn: Any, spec: Any, label: str) -> property:
    trampoline = _R["call_method"]
    n_args = len([n for n in _as_list(_as_dict(spec).get("names")) if n != "..."])

    def getter(self):
        return _call_r(trampoline, rfn, label, self, (), {})

    setter = None
    if n_args >= 1:
        def setter(self, value):
            _call_r(trampoline, rfn, label, self, (value,), {})
    return property(getter, setter, doc=f"R active property {label}")


# --------------------------------------------------------------------------
# Building the class
# --------------------------------------------------------------------------
def _base_class(base: Any) -> tuple:
    import importlib

    if isinstance(base, str):
        if base not in _BASES:
            raise RKerasError(f"unknown Keras base class {base!r}; one of {sorted(_BASES)}")
        module, attr = _BASES[base]
        return (getattr(importlib.import_module(module), attr),)
    if isinstance(base, ClassConstructor):
        return (base.cls,)
    if isinstance(base, type):
        return (base,)
    if isinstance(base, (list, tuple)):
        return tuple(b for part in base for b in _base_class(part))
    from ..pipe import PendingLayer
    if isinstance(base, PendingLayer):
        return (type(base.layer),)
    raise RKerasError(
        f"`inherit` must be a Keras class, an R class made by Layer(), Model() ... or "
        f"%py_class%, not {type(base).__name__}")


def new_class(classname: str, base: Any, functions: Any, signatures: Any, values: Any,
              properties: Any, module: str, kind: str, call_method: Any,
              call_classmethod: Any, new_private: Any, mask: Any) -> type:
    """Build the Python class of an R class definition (called from classes.R).

    Args:
        classname: the class name (``"Linear"``).
        base: a keras3 base name (``"Layer"``), a Python class, or an R class
            constructor (inheritance from another R class).
        functions: ``{name: R function}``: the methods (``__init__`` for
            ``initialize``), already given their R environment.
        signatures: ``{name: formals spec}`` from ``.rk_signature()``.
        values: ``{name: value}``: the other members (fields, ``__doc__``).
        properties: names of methods marked with ``active_property()``.
        module: keras3's ``__module__`` (``"<r-globalenv>"``).
        kind: ``"layer"``, ``"model"`` ... (for messages).
        call_method, call_classmethod, new_private: R helpers of classes.R.
        mask: the R environment of the methods (unused here: ``private`` gets it from R).
    """
    for key, fn in (("call_method", call_method), ("call_classmethod", call_classmethod),
                    ("new_private", new_private)):
        _R[key] = getattr(fn, "rfunction", fn)
    functions = _as_dict(functions)
    signatures = _as_dict(signatures)
    properties = set(str(p) for p in _as_list(properties))
    namespace: dict[str, Any] = {"__module__": module}
    for name, value in _as_dict(values).items():
        namespace[name] = _plain(value)
    for name, fn in functions.items():
        rfn = getattr(fn, "rfunction", fn)
        label = f"{classname}${'initialize' if name == '__init__' else name}"
        spec = signatures.get(name)
        if name in properties:
            namespace[name] = _make_property(name, rfn, spec, label)
        elif name == "from_config":
            namespace[name] = _make_classmethod(name, rfn, spec, label)
        else:
            namespace[name] = _make_method(name, rfn, spec, label)
    return type(classname, _base_class(base), namespace)


# --------------------------------------------------------------------------
# Helpers R calls (.rk_python("classes", name, ...))
# --------------------------------------------------------------------------
_PRIVATE: dict[int, Any] = {}


def _private(obj: Any, mask: Any) -> Any:
    key = id(obj)
    env = _PRIVATE.get(key)
    if env is None:
        from .evaluate import r_call
        env = r_call(_R["new_private"], mask, weakref.ref(obj))
        _PRIVATE[key] = env
        weakref.finalize(obj, _PRIVATE.pop, key, None)
    return env


def _deref(ref: Any) -> Any:
    obj = ref()
    if obj is None:
        raise RKerasError("`self` of this private method no longer exists (the object was deleted)")
    return obj


class _Super:
    """``super`` in an R method: keras3's names (``initialize`` is ``__init__``)."""

    def __init__(self, cls: type, obj: Any):
        self.__dict__["_super"] = super(cls, obj)

    def __getattribute__(self, name: str) -> Any:
        # Every name, dunders included, comes from the parent class: keras3's
        # `super()$`__init__`()` means the parent's __init__, not this proxy's.
        if name == "__dict__":
            return object.__getattribute__(self, name)
        name = {"initialize": "__init__", "finalize": "__del__"}.get(name, name)
        return getattr(object.__getattribute__(self, "__dict__")["_super"], name)

    def __repr__(self) -> str:
        return repr(self.__dict__["_super"])


def _as_class(cls: Any) -> type:
    if isinstance(cls, ClassConstructor):
        return cls.cls
    return cls


def _super_attr(cls: Any, obj: Any, name: str) -> Any:
    value = getattr(_Super(_as_class(cls), obj), name)
    if callable(value) and not isinstance(value, type):
        from .convert import r_function
        return r_function(value, signature=False)
    return value


def _instantiate(cls: Any, *args: Any, **kwargs: Any) -> Any:
    return _as_class(cls)(*args, **kwargs)


def _is_model_of(callback: Any, value: Any) -> bool:
    from ..pipe import unwrap
    return getattr(callback, "_model", None) is unwrap(value)


_HELPERS: dict[str, Callable] = {
    "new_class": new_class,
    "instantiate": _instantiate,
    "super": lambda cls, obj: _Super(_as_class(cls), obj),
    "super_attr": _super_attr,
    "private": _private,
    "deref": _deref,
    "is_model_of": _is_model_of,
}


def r_helper(name: str, packed: Any = None) -> Any:
    """Run the classes helper `name` for the R front end with the R list `packed`
    of its arguments (unnamed elements positional, named ones by keyword)."""
    from ..rlist import RList

    _register_rules()
    args, kwargs = [], {}
    if isinstance(packed, RList):
        for key, value in zip(packed.names(), packed.values()):
            if key:
                kwargs[key] = value
            else:
                args.append(value)
    elif isinstance(packed, dict):
        kwargs = dict(packed)
    elif isinstance(packed, (list, tuple)):
        args = list(packed)
    elif packed is not None:
        args = [packed]
    return _HELPERS[name](*args, **kwargs)


# --------------------------------------------------------------------------
# The R constructor in Python
# --------------------------------------------------------------------------
def class_kind(cls: type) -> str:
    """keras3's kind of a class: "layer" (not a model), "model", or "object"."""
    import keras
    if issubclass(cls, keras.Model):
        return "model"
    if issubclass(cls, keras.Layer):
        return "layer"
    return "object"


class ClassConstructor:
    """An R class constructor (``layer_linear <- Layer("Linear", ...)``) in Python.

    ``to_python()`` of the R constructor gives this object, so an R-defined
    class works from Python as the R verbs do:

    * a layer class composes: ``model >> layer_linear(units=4)`` (no subject:
      a layer waiting for the pipe), ``layer_linear(model, units=4)``,
      ``layer_linear(tensor, units=4)``;
    * other classes are called: ``CustomModel(inputs, outputs)``;
    * ``load_model(custom_objects={"Linear": layer_linear})`` finds the
      class through :meth:`from_config`.

    Attributes:
        cls: the Python class (a subclass of the Keras class).
        rfunction: the R constructor (``to_r`` gives it back).
    """

    def __init__(self, cls: type, rfunction: Any = None):
        self.cls = cls
        self.rfunction = rfunction

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if class_kind(self.cls) != "layer":
            return self.cls(*args, **kwargs)
        from ..pipe import PendingLayer
        if args:
            subject, args = args[0], args[1:]
        else:
            subject = kwargs.pop("object", None)
        pending = PendingLayer(self.cls.__name__, self.cls(*args, **kwargs))
        return pending if subject is None else pending.apply(subject)

    def from_config(self, config: dict, *args: Any, **kwargs: Any) -> Any:
        return self.cls.from_config(config, *args, **kwargs)

    def __rkeras_unwrap__(self) -> type:
        """rkeras.pipe.unwrap(): verbs (register_keras_serializable ...) get the class."""
        return self.cls

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["cls"], name)

    def __repr__(self) -> str:
        return f"<R-defined Keras class constructor {self.cls.__name__}>"


_RULES: dict[str, bool] = {}


def _register_rules() -> None:
    if _RULES.get("done"):
        return
    from . import register_to_python, register_to_r, to_python

    def constructor_from_r(robj):
        env = robj.closureenv
        return ClassConstructor(to_python(env.find(".rk_cls")), robj)

    def class_object_from_r(robj):
        return ClassConstructor(to_python(robj.closureenv.find("cls")), robj)

    def constructor_to_r(obj):
        if obj.rfunction is not None:
            return obj.rfunction
        from .handles import new_handle
        return new_handle(obj.cls)

    register_to_python("rkeras_class_constructor")(constructor_from_r)
    register_to_python("rkeras_class_object")(class_object_from_r)
    register_to_r(ClassConstructor)(constructor_to_r)
    _RULES["done"] = True
