"""Python objects as R handles, and Python functions as R functions.

Handles
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

Python functions in R
    :func:`r_function` wraps a Python callable as an R closure with the
    callable's signature (``args(f)`` in R shows the Python parameters; Python
    defaults are shown where R can spell them). Calling it converts the R
    arguments with ``to_python``, calls the callable, and converts the result
    with ``to_r``. A Python exception becomes an R error
    ``"<ExcType>: message"`` of class ``c("rkeras_python_error", "error",
    "condition")``, catchable with ``tryCatch`` (rpy2's ``rternalize`` alone
    would log it and return ``NULL``, rpy2 #552). All wrappers share one
    rternalized dispatcher kept alive for the whole session, and each wrapper
    keeps its callable through a handle in its environment, so neither can be
    freed while R can still call it (rpy2 #563); the callable is released when
    R collects the wrapper.
"""

from __future__ import annotations

import ctypes
import inspect
import itertools
import sys
from typing import Any, Callable, Optional, Sequence

from .rsource import r_literal, r_symbol

from . import session as _session

__all__ = [
    "HANDLE_CLASSES",
    "register_handle_class",
    "r_classes_for",
    "new_handle",
    "object_of",
    "handle_id",
    "is_handle",
    "registry_size",
    "r_function",
    "python_callable_of",
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


def r_classes_for(obj: Any) -> list:
    """The R class vector a handle of ``obj`` gets (see :data:`HANDLE_CLASSES`)."""
    for matcher, classes in HANDLE_CLASSES:
        try:
            hit = isinstance(obj, matcher) if isinstance(matcher, (type, tuple)) else matcher(obj)
        except Exception:
            hit = False
        if hit:
            return [*classes, BASE_CLASS]
    return [BASE_CLASS]


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------
_REGISTRY: dict = {}
_ids = itertools.count(1)
_DROPPED: list = []
_C = None   # ctypes pieces, set on first use


class _CPieces:
    def __init__(self, sess):
        lib = sess._libR
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
        obj = _REGISTRY.pop(hid, None)
        if obj is not None:
            # Dropping the object may run arbitrary __del__ code: not inside R's GC.
            _DROPPED.append(obj)
        _C.clear(sexp_addr)
    except Exception:   # never let an exception cross into R's GC
        pass


def _drain_dropped() -> None:
    """Drop objects whose R handles were collected (called after leaving R)."""
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
    from .convert import _R, _wrap, set_class
    with _session.entered() as sess:
        _R.init()
        c = _pieces(sess)
        hid = next(_ids)
        _REGISTRY[hid] = obj
        rlib, ffi = sess.rlib, sess.ffi
        cdata = rlib.R_MakeExternalPtr(ffi.cast("DL_FUNC", hid), rlib.R_NilValue, rlib.R_NilValue)
        h = _wrap(cdata)
        rlib.R_RegisterCFinalizer(cdata, c.callback_ptr)
        set_class(h, list(classes) if classes is not None else r_classes_for(obj))
        return h


def handle_id(robj) -> int:
    """The registry id stored in an R handle (0 if the handle was serialised / cleared)."""
    with _session.entered() as sess:
        cd = robj.__sexp__._cdata
        if cd.sxpinfo.type != sess.rlib.EXTPTRSXP:
            raise TypeError("not an R external pointer")
        return int(sess.ffi.cast("uintptr_t", sess.rlib.R_ExternalPtrAddr(cd)))


def is_handle(robj) -> bool:
    """True if ``robj`` is an rkeras handle (class ``rkeras_py_object``)."""
    from .convert import _R, _rclass, _is_sexp
    if not _is_sexp(robj):
        return False
    with _session.entered():
        _R.init()
        cd = robj.__sexp__._cdata
        return cd.sxpinfo.type == _R.EXTPTRSXP and BASE_CLASS in _rclass(cd)


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


def registry_size() -> int:
    """Number of Python objects currently held for R handles."""
    return len(_REGISTRY)


# --------------------------------------------------------------------------
# Python functions as R functions
# --------------------------------------------------------------------------
_DISPATCH = None          # the rternalized dispatcher (one per process, never freed)
_WRAPPER_FACTORY = None   # R function building a wrapper closure


def _dispatch(handle, rargs):
    """Called from R by every wrapper made by r_function: run the Python callable."""
    from .convert import _R, _cd, _elem, _get_attr, _strings, to_python, to_r
    try:
        fn = object_of(handle)
        cd = _cd(rargs)
        n = _R.rlib.Rf_xlength(cd)
        nm = _get_attr(cd, _R.S_names)
        names = _strings(nm) if nm is not None else [""] * n
        pos, kw = [], {}
        for i, name in enumerate(names):
            value = to_python(_elem(cd, i))
            if name:
                kw[name] = value
            else:
                pos.append(value)
        pos, kw = _bind_positional(fn, pos, kw)
        return _returnable(to_r(fn(*pos, **kw)))
    except BaseException as e:          # noqa: BLE001 - everything must reach R as an error
        return _error_marker(e)


def _bind_positional(fn, pos: list, kw: dict):
    """Move R's named arguments that Python needs positionally in front of ``pos``."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return pos, kw
    has_var = any(p.kind is p.VAR_POSITIONAL for p in params)
    lead = []
    for p in params:
        if p.kind is p.POSITIONAL_ONLY or (has_var and pos and p.kind is p.POSITIONAL_OR_KEYWORD):
            if p.name in kw:
                lead.append(kw.pop(p.name))
                continue
            break
        if p.kind is not p.POSITIONAL_OR_KEYWORD:
            break
    return lead + pos, kw


def _returnable(res):
    """Make an rpy2 object acceptable as a return value of an rternalized function."""
    import rpy2.rinterface_lib._rinterface_capi as capi
    import rpy2.rinterface as ri
    if isinstance(getattr(res, "_sexpobject", None), capi.SexpCapsule):
        return res
    return ri.Sexp(capi.SexpCapsule(res.__sexp__._cdata))


def _error_marker(exc: BaseException):
    from .convert import to_r, set_class
    try:
        token = _session._remember_py_exception(exc)
        text = str(exc)
        tname = type(exc).__name__
        marker = to_r({"type": tname,
                       "message": f"{tname}: {text}" if text else tname,
                       "token": float(token)})
        set_class(marker, ["rkeras_py_error_marker"])
        return _returnable(marker)
    except BaseException:               # noqa: BLE001
        import rpy2.rinterface as ri
        return _returnable(ri.StrSexpVector(["rkeras: error while reporting a Python error"]))


_R_WRAPPER_FACTORY = r"""
function(formals_src, fnames, handle, dispatch, collect, raise) {
  env <- new.env(parent = baseenv())
  env$.rk_handle <- handle
  env$.rk_dispatch <- dispatch
  env$.rk_collect <- collect
  env$.rk_raise <- raise
  env$.rk_fnames <- fnames
  src <- paste0("function(", formals_src, ") {\n",
                "  .rk_res <- .rk_dispatch(.rk_handle, .rk_collect(.rk_fnames, environment()))\n",
                "  if (inherits(.rk_res, \"rkeras_py_error_marker\")) .rk_raise(.rk_res, sys.call())\n",
                "  .rk_res\n}")
  eval(parse(text = src, keep.source = FALSE)[[1L]], env)
}
"""

def _r_formals(fn: Callable) -> tuple:
    """(R formals source, formal names in order) from a Python signature."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return "...", ["..."]
    parts, names, has_dots = [], [], False
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            if not has_dots:
                parts.append("...")
                names.append("...")
                has_dots = True
            continue
        src = r_symbol(p.name)
        if p.default is not p.empty:
            lit = r_literal(p.default)
            src += " = " + (lit if lit is not None else "NULL")
        parts.append(src)
        names.append(p.name)
    return ", ".join(parts), names


def _ensure_dispatch(sess) -> None:
    global _DISPATCH, _WRAPPER_FACTORY
    if _DISPATCH is None:
        ri = sess.ri
        _DISPATCH = ri.rternalize(_dispatch)
        _WRAPPER_FACTORY = ri.evalr(_R_WRAPPER_FACTORY)
        import atexit
        atexit.register(_at_exit)   # runs before rpy2's own atexit (LIFO), R still alive


def _at_exit() -> None:
    """Free the dispatcher while rpy2's modules still exist (avoids noise at shutdown)."""
    global _DISPATCH, _WRAPPER_FACTORY
    _DISPATCH = None
    _WRAPPER_FACTORY = None
    import gc
    gc.collect()


def r_function(fn: Callable, name: Optional[str] = None, *, signature: bool = True):
    """Expose a Python callable to R as an R function.

    Args:
        fn: any Python callable.
        name: a name for messages (default: the callable's ``__name__``);
            stored as the handle's registry object name.
        signature: give the R function the Python signature (default); with
            False it is ``function(...)``.

    Returns:
        An rpy2 closure. Assign it in R (``rkeras.r.session.r_assign("f",
        r_function(f))``) or pass it to R functions. Arguments are converted
        with ``to_python`` (length-1 vectors to scalars), the result with
        ``to_r``. Only supplied arguments are passed, so Python's own defaults
        apply to the others; a Python exception becomes an R error
        ``"<ExcType>: message"`` (class ``rkeras_python_error``).
    """
    if not callable(fn):
        raise TypeError(f"r_function() needs a callable, not {type(fn).__name__}")
    from .convert import to_r
    with _session.entered() as sess:
        _ensure_dispatch(sess)
        ri = sess.ri
        h = new_handle(fn, ["rkeras_py_function", BASE_CLASS])
        if signature:
            formals_src, fnames = _r_formals(fn)
        else:
            formals_src, fnames = "...", ["..."]
        bridge = sess.bridge
        res = _session._run_helper(
            sess, sess.h_call_fun, _WRAPPER_FACTORY,
            _make_args([ri.StrSexpVector([formals_src]), to_r(list(fnames)) if fnames else ri.StrSexpVector([]),
                        h, _DISPATCH, bridge["collect_args"], bridge["raise_python_error"]]),
            ri.globalenv)
        return res


def _make_args(values):
    from .convert import _make_list
    return _make_list(values)


def python_callable_of(closure) -> Optional[Callable]:
    """The Python callable behind an R wrapper made by :func:`r_function`, else None."""
    from .convert import _R, _rclass
    with _session.entered() as sess:
        _R.init()
        rlib = sess.rlib
        cd = closure.__sexp__._cdata
        if cd.sxpinfo.type != rlib.CLOSXP:
            return None
        env = rlib.CLOENV(cd)
        sym = rlib.Rf_install(b".rk_handle")
        v = rlib.Rf_findVarInFrame3(env, sym, 1)
        if v.sxpinfo.type != rlib.EXTPTRSXP or "rkeras_py_function" not in _rclass(v):
            return None
        hid = int(sess.ffi.cast("uintptr_t", rlib.R_ExternalPtrAddr(v)))
        return _REGISTRY.get(hid)
