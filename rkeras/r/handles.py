"""Python objects as R handles: external pointers that stand for the very same Python object.

Any Python object that no conversion rule turns into R data (Keras models,
layers, tensors, optimizers, callbacks, ...) crosses to R as an **external
pointer** whose address slot holds a registry id, with an R class vector
chosen from :data:`HANDLE_CLASSES` (e.g. ``c("rkeras_model",
"rkeras_layer", "rkeras_py_object")`` for a Keras model), so R's S3
dispatch works on it. The Python side keeps ``id -> object`` in a registry;
``to_python(handle)`` returns **the same object** (identity). Each handle
has a C finalizer registered with R: when R garbage-collects the external
pointer, the registry entry is released (the object itself is dropped
after R returns, outside R's garbage collector). A handle that was
serialised by R (``saveRDS``) comes back with a NULL address and converts
to an error, not to a wrong object.

Python callables become R functions in :mod:`rkeras.r.convert.functions`,
which keeps each callable alive through a handle in the function's environment.
"""

from __future__ import annotations

import ctypes
import itertools
import sys
from typing import Any, Callable, Optional, Sequence

from . import session
from .sexp import CLOSXP, EXTPTRSXP, R, cdata, is_sexp, rclass, set_class, typeof, wrap

__all__ = [
    "HANDLE_CLASSES",
    "BASE_CLASS",
    "register_handle_class",
    "r_classes_for",
    "new_handle",
    "object_of",
    "handle_id",
    "is_handle",
    "object_for_id",
    "registry_size",
    "python_callable_of",
    "drop_collected",
    "python_class_chain",
    "PYTHON_OBJECT_CLASS",
]

# --------------------------------------------------------------------------
# The class table
# --------------------------------------------------------------------------
def _lazy_type(module: str, *path: str) -> Callable[[Any], bool]:
    """A predicate ``isinstance(obj, module.path)`` that never imports ``module``."""
    def pred(obj, _module=module, _path=path):
        mod = sys.modules.get(_module)
        if mod is None:
            return False
        t = mod
        try:
            for p in _path:
                t = getattr(t, p)
        except AttributeError:
            return False
        return isinstance(obj, t)
    pred.__qualname__ = f"isinstance(obj, {module}.{'.'.join(path)})"
    return pred


def _any(*preds):
    def pred(obj):
        return any(p(obj) for p in preds)
    pred.__qualname__ = " or ".join(p.__qualname__ for p in preds)
    return pred


HANDLE_CLASSES: list = [
    (_lazy_type("keras", "Sequential"), ("rkeras_sequential", "rkeras_model", "rkeras_layer")),
    (_lazy_type("keras", "Model"), ("rkeras_model", "rkeras_layer")),
    (_lazy_type("keras", "layers", "Layer"), ("rkeras_layer",)),
    (_any(_lazy_type("keras", "KerasTensor"), _lazy_type("keras", "Variable"),
          _lazy_type("tensorflow", "Tensor"), _lazy_type("tensorflow", "Variable")),
     ("rkeras_tensor",)),
    (_lazy_type("keras", "optimizers", "Optimizer"), ("rkeras_optimizer",)),
    (_lazy_type("keras", "optimizers", "schedules", "LearningRateSchedule"), ("rkeras_lr_schedule",)),
    (_lazy_type("keras", "callbacks", "Callback"), ("rkeras_callback",)),
    (_lazy_type("keras", "losses", "Loss"), ("rkeras_loss",)),
    (_lazy_type("keras", "metrics", "Metric"), ("rkeras_metric",)),
    (_lazy_type("tensorflow", "data", "Dataset"), ("rkeras_dataset",)),
]
"""Ordered ``(type or predicate, R classes)`` rules; the first match wins.

``"rkeras_py_object"`` is always appended as the last class.
"""

BASE_CLASS = "rkeras_py_object"


def register_handle_class(type_or_predicate: Any, classes: Sequence[str], *, first: bool = True) -> None:
    """Give handles of some Python objects their own R classes.

    Args:
        type_or_predicate: a type (``isinstance``) or a predicate ``f(obj)``.
        classes: R classes, most specific first (``"rkeras_py_object"`` is
            appended automatically).
        first: put the rule before the built-in ones (default).
    """
    rule = (type_or_predicate, tuple(classes))
    if first:
        HANDLE_CLASSES.insert(0, rule)
    else:
        HANDLE_CLASSES.append(rule)


PYTHON_OBJECT_CLASS = "python.builtin.object"


def python_class_chain(obj: Any) -> list:
    """reticulate's class vector of a Python object: its MRO as ``module.Name``.

    keras3 users test models with ``inherits(model, "keras.src.models.model.Model")``
    and write S3 methods on those classes; builtins are ``python.builtin.X`` and a
    TensorFlow tensor starts with ``tensorflow.tensor`` (the R tensorflow package's class).
    """
    chain = []
    for cls in type(obj).__mro__:
        module = cls.__module__
        chain.append(f"python.builtin.{cls.__name__}" if module == "builtins"
                     else f"{module}.{cls.__name__}")
    tf = sys.modules.get("tensorflow")
    # (Keras's TensorFlow Variable is a core Tensor too, so it has the class in keras3.)
    if tf is not None and (isinstance(obj, (tf.Tensor, tf.Variable))
                           or "tensorflow.python.types.core.Tensor" in chain):
        chain.insert(0, "tensorflow.tensor")
    return chain


def r_classes_for(obj: Any) -> list:
    """The R class vector a handle of ``obj`` gets.

    Python's class chain (:func:`python_class_chain`, as keras3), with rkeras's
    own classes (:data:`HANDLE_CLASSES`, then ``rkeras_py_object``) just before
    ``python.builtin.object``, so rkeras's S3 methods apply to any handle and a
    method a user writes for a Keras class comes first.
    """
    own = [BASE_CLASS]
    for matcher, classes in HANDLE_CLASSES:
        try:
            hit = isinstance(obj, matcher) if isinstance(matcher, (type, tuple)) else matcher(obj)
        except Exception:
            hit = False
        if hit:
            own = [*classes, BASE_CLASS]
            break
    chain = [c for c in python_class_chain(obj) if c != PYTHON_OBJECT_CLASS]
    return [*chain, *own, PYTHON_OBJECT_CLASS]


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------
_REGISTRY: dict = {}
_ids = itertools.count(1)
# One id per live Python object (id(obj) -> handle id) and how many R handles
# carry it: every handle of the same object has the same address, so R's
# identical() is TRUE for them (keras3: compile(model) is identical to model).
_HID_OF: dict = {}
_HANDLES: dict = {}
_DROPPED: list = []
_C = None   # ctypes pieces, set on first use


class _CPieces:
    """libR's external-pointer functions through ctypes (usable inside R's GC) and the finalizer."""

    def __init__(self, sess):
        lib = sess.libR
        self.addr = lib.R_ExternalPtrAddr
        self.addr.argtypes = [ctypes.c_void_p]
        self.addr.restype = ctypes.c_void_p
        self.clear = lib.R_ClearExternalPtr
        self.clear.argtypes = [ctypes.c_void_p]
        self.clear.restype = None
        proto = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
        self.callback = proto(_finalize)        # kept alive for the whole process
        self.callback_ptr = sess.ffi.cast("R_CFinalizer_t",
                                          ctypes.cast(self.callback, ctypes.c_void_p).value)


def _finalize(sexp_addr) -> None:
    """R's finalizer of a handle (runs inside R's garbage collector)."""
    try:
        hid = _C.addr(sexp_addr) or 0
        left = _HANDLES.get(hid, 1) - 1
        if left > 0:
            _HANDLES[hid] = left
            _C.clear(sexp_addr)
            return
        _HANDLES.pop(hid, None)
        obj = _REGISTRY.pop(hid, None)
        if obj is not None and _HID_OF.get(id(obj)) == hid:
            del _HID_OF[id(obj)]
        if obj is not None:
            # Dropping the object may run arbitrary __del__ code: not inside R's GC.
            _DROPPED.append(obj)
        _C.clear(sexp_addr)
    except Exception:   # never let an exception cross into R's GC
        pass


def drop_collected() -> None:
    """Drop objects whose R handles were collected (run after each exit from R)."""
    while _DROPPED:
        try:
            _DROPPED.pop()
        except IndexError:
            break


def _pieces(sess):
    global _C
    if _C is None:
        _C = _CPieces(sess)
    return _C


def new_handle(obj: Any, classes: Optional[Sequence[str]] = None):
    """Make an R handle (external pointer) for a Python object.

    Args:
        obj: any Python object; it is kept alive until R collects the handle.
        classes: the R class vector; default :func:`r_classes_for`.

    Returns:
        An rpy2 ``SexpExtPtr``.
    """
    with session.entered() as sess:
        R.ensure()
        c = _pieces(sess)
        hid = _HID_OF.get(id(obj))
        if hid is None or _REGISTRY.get(hid) is not obj:
            hid = next(_ids)
            _REGISTRY[hid] = obj
            _HID_OF[id(obj)] = hid
        _HANDLES[hid] = _HANDLES.get(hid, 0) + 1
        rlib, ffi = sess.rlib, sess.ffi
        ptr = rlib.R_MakeExternalPtr(ffi.cast("DL_FUNC", hid), rlib.R_NilValue, rlib.R_NilValue)
        h = wrap(ptr)
        rlib.R_RegisterCFinalizer(ptr, c.callback_ptr)
        set_class(h, list(classes) if classes is not None else r_classes_for(obj))
        return h


def handle_id(robj) -> int:
    """The registry id stored in an R handle (0 if the handle was serialised / cleared)."""
    with session.entered() as sess:
        cd = cdata(robj)
        if typeof(cd) != EXTPTRSXP:
            raise TypeError("not an R external pointer")
        return int(sess.ffi.cast("uintptr_t", sess.rlib.R_ExternalPtrAddr(cd)))


def is_handle(robj) -> bool:
    """True if ``robj`` is an rkeras handle (class ``rkeras_py_object``)."""
    if not is_sexp(robj):
        return False
    with session.entered():
        R.ensure()
        cd = cdata(robj)
        return typeof(cd) == EXTPTRSXP and BASE_CLASS in rclass(cd)


def object_of(robj) -> Any:
    """The Python object an R handle stands for (the very same object).

    Raises:
        LookupError: the handle is stale: it was serialised by R
            (``saveRDS``/``load``) or comes from another Python session.
    """
    hid = handle_id(robj)
    try:
        return _REGISTRY[hid]
    except KeyError:
        raise LookupError(
            "this R handle no longer refers to a Python object: it was saved/serialised by R "
            "or comes from another session (Python objects cannot be serialised through R)"
        ) from None


def object_for_id(hid: int) -> Any:
    """The Python object registered under handle id ``hid``, or None (collected or unknown)."""
    return _REGISTRY.get(hid)


def registry_size() -> int:
    """Number of Python objects currently held for R handles."""
    return len(_REGISTRY)


def python_callable_of(closure) -> Optional[Callable]:
    """The Python callable behind an R function made by ``r_function``, else None."""
    with session.entered() as sess:
        R.ensure()
        rlib = sess.rlib
        cd = cdata(closure)
        if typeof(cd) != CLOSXP:
            return None
        v = rlib.Rf_findVarInFrame3(rlib.CLOENV(cd), rlib.Rf_install(b".rk_handle"), 1)
        if typeof(v) != EXTPTRSXP or "rkeras_py_function" not in rclass(v):
            return None
        hid = int(sess.ffi.cast("uintptr_t", rlib.R_ExternalPtrAddr(v)))
        return _REGISTRY.get(hid)


session.after_leaving(drop_collected)
