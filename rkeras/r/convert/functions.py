"""Functions across the bridge: Python callables as R functions (r_function), R functions as RFunction.

Python functions in R
    :func:`r_function` wraps a Python callable as an R closure with the
    callable's signature (``args(f)`` in R shows the Python parameters; Python
    defaults are shown where R can spell them; ``rkeras/r/R/wrapper.R``).
    Calling it converts the R arguments with ``to_python``, calls the
    callable, and converts the result with ``to_r``. A Python exception
    becomes an R error ``"<ExcType>: message"`` of class
    ``c("rkeras_python_error", "error", "condition")``, catchable with
    ``tryCatch`` (rpy2's ``rternalize`` alone would log it and return
    ``NULL``, rpy2 #552). All wrappers share one rternalized dispatcher
    (:func:`_call_python`) kept alive for the whole session, and each wrapper
    keeps its callable through a handle in its environment, so neither can be
    freed while R can still call it (rpy2 #563); the callable is released
    when R collects the wrapper.

R functions in Python
    :class:`RFunction` is what ``to_python`` gives for an R function: calling
    it converts the arguments with ``to_r``, calls the function under the
    bridge's condition capture (R errors as ``RError``, warnings as
    ``RWarning``) and converts the result with ``to_python``.
"""

from __future__ import annotations

import atexit
import gc
import inspect
from typing import Any, Callable, Optional

from .. import conditions, handles, session
from ..rsource import function_formals
from ..sexp import R, cdata, element, get_attr, make_list, set_class, str_vector, strings
from .rules import ConvertOptions, plain_lists, python_value, r_value

__all__ = ["RFunction", "r_function", "call_r"]


class RFunction:
    """A Python callable wrapping an R function.

    Calling it converts the arguments with ``to_r``, calls the function
    (one lock, errors as ``RError``, warnings as ``RWarning``) and converts
    the result with ``to_python``. ``to_r(f)`` gives the R function back.

    Attributes:
        rfunction: the rpy2 closure.
    """

    __slots__ = ("rfunction", "__weakref__")

    # TensorFlow's AutoGraph must call an R function as it is, never rewrite the
    # Python code behind it (this bridge's converters) into graph ops: it
    # leaves alone any callable with this attribute (what
    # tf.autograph.experimental.do_not_convert sets; checked by
    # autograph.impl.api.is_autograph_artifact). Without it, an R function
    # given to dataset_map() or called while tf_function() traces ran our
    # converters through AutoGraph and failed ("'>' not supported between
    # 'NoneType' and 'int'"). reticulate's R functions are not converted either.
    autograph_info__ = {}

    def __init__(self, rfunction):
        self.rfunction = rfunction

    def __call__(self, *args, **kwargs):
        with session.entered():
            return python_value(call_r(self.rfunction, args, kwargs), ConvertOptions())

    def __repr__(self) -> str:
        return "<RFunction>"


def call_r(f, args: tuple, kwargs: dict) -> Any:
    """Call an R function (rpy2 closure, or its name as an R string) with Python arguments.

    The arguments are converted with ``to_r`` (keyword names are R argument
    names as given); returns the rpy2 result.
    """
    with session.entered():
        R.ensure()
        values = [r_value(a) for a in args] + [r_value(v) for v in kwargs.values()]
        names = [""] * len(args) + [str(k) for k in kwargs]
        return conditions.call_function(f, make_list(values, names if kwargs else None))


# --------------------------------------------------------------------------
# Python callables as R functions
# --------------------------------------------------------------------------
_DISPATCH = None          # the rternalized dispatcher (one per process, never freed)


def _call_python(handle, rargs):
    """Called from R by every function made by r_function: run its Python callable.

    R code the callable runs has its warnings and messages collected
    (:func:`rkeras.r.conditions.relaying`); they go back to R with the result
    (:func:`_with_relayed`), where the wrapper signals them again.
    """
    with conditions.relaying() as frame:
        res = _run_python(handle, rargs)
    return _with_relayed(res, frame) if len(frame) > 1 or frame[0] else res


def _run_python(handle, rargs):
    try:
        with session.entered():
            R.ensure()
            fn = handles.object_of(handle)
            c = cdata(rargs)
            nm = get_attr(c, R.S_names)
            names = strings(nm) if nm is not None else [""] * R.rlib.Rf_xlength(c)
            opts = ConvertOptions()
            pos, kw = [], {}
            for i, name in enumerate(names):
                value = python_value(element(c, i), opts)
                if name:
                    kw[name] = value
                else:
                    pos.append(value)
            pos, kw = _bind_positional(fn, pos, kw)
            # reticulate hands an unnamed R list to Python as a plain list; Keras's
            # tree utilities take a list subclass as one leaf (self$add_loss(list(x))).
            pos = [plain_lists(v) for v in pos]
            kw = {k: plain_lists(v) for k, v in kw.items()}
            return _returnable(r_value(fn(*pos, **kw)))
    except BaseException as e:          # noqa: BLE001 - everything must reach R as an error
        return _error_marker(e)


def _with_relayed(res, frame: list):
    """The result of a Python call and the R conditions raised under it, for the R wrapper."""
    try:
        with session.entered():
            R.ensure()
            conds = list(frame[1:])
            if frame[0]:
                conds.append(_dropped_warning(frame[0]))
            marker = make_list([res, make_list(conds)], ["value", "conditions"])
            set_class(marker, ["rkeras_py_relay"])
        return _returnable(marker)
    except BaseException:               # noqa: BLE001 - the result itself must reach R
        return res


def _dropped_warning(n: int):
    """An R warning condition saying that ``n`` relayed conditions were dropped."""
    msg = (f"{n} more warnings/messages of R code run inside one Python call were dropped "
           f"(rkeras relays at most {conditions.RELAY_MAX}).")
    import rpy2.rinterface as ri
    cond = make_list([str_vector([msg]), ri.NULL], ["message", "call"])
    set_class(cond, ["simpleWarning", "warning", "condition"])
    return cond


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
    import rpy2.rinterface as ri
    import rpy2.rinterface_lib._rinterface_capi as capi
    if isinstance(getattr(res, "_sexpobject", None), capi.SexpCapsule):
        return res
    return ri.Sexp(capi.SexpCapsule(cdata(res)))


def _r_condition_of(exc: BaseException):
    """The R condition behind an exception (an RError, or one it was raised from), or None."""
    seen = 0
    while exc is not None and seen < 8:
        cond = getattr(exc, "r_condition", None)
        if cond is not None:
            return cond
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _error_marker(exc: BaseException):
    """What the R wrapper raises as an rkeras_python_error (wrapper.R)."""
    try:
        token = conditions.remember_python_exception(exc)
        text = str(exc)
        tname = type(exc).__name__
        with session.entered():
            marker = r_value({"type": tname,
                              "message": f"{tname}: {text}" if text else tname,
                              "token": float(token),
                              # reticulate's condition classes (python.builtin.ValueError ...)
                              "classes": str_vector(handles.python_class_chain(exc)),
                              # an R error that crossed Python: R raises it again (bridge.R)
                              "r_condition": _r_condition_of(exc)})
            set_class(marker, ["rkeras_py_error_marker"])
        return _returnable(marker)
    except BaseException:               # noqa: BLE001
        import rpy2.rinterface as ri
        return _returnable(ri.StrSexpVector(["rkeras: error while reporting a Python error"]))


def _dispatcher(sess):
    global _DISPATCH
    if _DISPATCH is None:
        _DISPATCH = sess.ri.rternalize(_call_python)
        atexit.register(_at_exit)   # runs before rpy2's own atexit (LIFO), R still alive
    return _DISPATCH


def _at_exit() -> None:
    """Free the dispatcher while rpy2's modules still exist (avoids noise at shutdown)."""
    global _DISPATCH
    _DISPATCH = None
    gc.collect()


def r_function(fn: Callable, name: Optional[str] = None, *, signature: bool = True):
    """Expose a Python callable to R as an R function.

    Args:
        fn: any Python callable.
        name: accepted for compatibility; R shows the function under the
            name it is assigned to.
        signature: give the R function the Python signature (default); with
            False it is ``function(...)``.

    Returns:
        An rpy2 closure. Assign it in R (``rkeras.r.r_assign("f",
        r_function(f))``) or pass it to R functions. Arguments are converted
        with ``to_python`` (length-1 vectors to scalars), the result with
        ``to_r``. Only supplied arguments are passed, so Python's own defaults
        apply to the others; a Python exception becomes an R error
        ``"<ExcType>: message"`` (class ``rkeras_python_error``).
    """
    if not callable(fn):
        raise TypeError(f"r_function() needs a callable, not {type(fn).__name__}")
    with session.entered() as sess:
        R.ensure()
        dispatch = _dispatcher(sess)
        h = handles.new_handle(fn, ["rkeras_py_function", handles.BASE_CLASS])
        formals_src, fnames = function_formals(fn) if signature else ("...", ["..."])
        args = make_list([str_vector([formals_src]), str_vector(fnames), h, dispatch])
        return conditions.call_function(sess.env[".rk_function_wrapper"], args)
