"""R conditions seen from Python: RError, RWarning, and running R code under the bridge's capture.

R code is run inside the R-side ``.rk_capture()`` (``rkeras/r/R/bridge.R``),
a ``withCallingHandlers(tryCatch(...))`` wrapper. An R error raises
:class:`RError` whose message is R's ``conditionMessage()`` (attributes:
``r_message``, ``r_class``, ``r_call``). R warnings are muffled in R and
re-issued in Python as ``warnings.warn(message, RWarning)`` after the call.

A Python exception raised in a Python function called from R (see
:func:`rkeras.r.convert.functions.r_function`) becomes an R error of class
``c("rkeras_python_error", "error", "condition")`` whose message is
``"<ExcType>: message"``, catchable with ``tryCatch``; the exception is kept
here (:func:`remember_python_exception`) and, if the R error is not caught in
R and comes back to Python, the :class:`RError` has the original exception as
``__cause__`` and ``py_exception``.

R code that runs inside a Python call made from R (an R callback during
``fit``, an R-defined layer method) cannot reach the R handlers of the code
that called Python: rpy2 evaluates under ``R_ToplevelExec``, which starts a
fresh R handler stack. So, while :func:`relaying` is active (the R-to-Python
dispatcher, :mod:`rkeras.r.convert.functions`, opens it around every call),
R code run here has its warnings and messages muffled and collected as R
condition objects (:func:`take_relayed`); the R wrapper of the Python call
signals them again in the caller's context when Python returns, so
``withCallingHandlers(warning = )``, ``suppressWarnings()`` and
``suppressMessages()`` around ``fit`` see them, in order (issue 14 item 10).

These functions take and return R objects (rpy2); converting Python values
is :mod:`rkeras.r.evaluate`'s job.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import threading
import warnings
from typing import Any, Optional

from . import interrupts
from .session import Session, entered
from .sexp import REALSXP, STRSXP, R, cdata, strings

__all__ = ["RError", "RWarning", "remember_python_exception", "run_captured", "eval_code",
           "call_function", "relaying", "RELAY_MAX"]


class RError(RuntimeError):
    """An error raised by R code run through rkeras.

    ``str(err)`` is R's ``conditionMessage()`` (not rpy2's "Error in ..." text).

    Attributes:
        r_message: R's condition message.
        r_class: the R condition's class vector, e.g. ``("simpleError",
            "error", "condition")``.
        r_call: the deparsed call R reports for the error, or ``None``.
        r_condition: the R condition object (rpy2), or ``None``; when the
            error crosses back into R (Python called from R), R raises this
            very condition again, keeping its classes.
        py_exception: when the error is a Python exception that crossed into R
            (from a Python function called by R) and back, that exception
            (also set as ``__cause__``); else ``None``.
    """

    def __init__(self, message: str, r_class: tuple = ("simpleError", "error", "condition"),
                 r_call: Optional[str] = None, py_exception: Optional[BaseException] = None):
        super().__init__(message)
        self.r_message = message
        self.r_class = tuple(r_class)
        self.r_call = r_call
        self.py_exception = py_exception
        self.r_condition = None


class RWarning(UserWarning):
    """A warning raised by R code run through rkeras (R's ``warning()``)."""


_PY_EXCEPTIONS: "collections.OrderedDict[int, BaseException]" = collections.OrderedDict()
_py_exc_ids = itertools.count(1)
_PY_EXC_MAX = 64


def remember_python_exception(exc: BaseException) -> int:
    """Keep a Python exception raised under R; return the token R carries for it."""
    token = next(_py_exc_ids)
    _PY_EXCEPTIONS[token] = exc
    while len(_PY_EXCEPTIONS) > _PY_EXC_MAX:
        _PY_EXCEPTIONS.popitem(last=False)
    return token


RELAY_MAX = 10_000
"""Conditions kept per Python call for relaying; beyond that one warning says how many were dropped."""

_relay = threading.local()


@contextlib.contextmanager
def relaying():
    """Collect the warnings/messages of R code run inside this block (a Python call made from R).

    Yields a list that receives the R condition objects (rpy2), in the order
    R raised them, plus a count of those dropped beyond :data:`RELAY_MAX`
    (``frame[0]``, an int). Nested blocks collect separately: the inner R
    wrapper signals its own conditions, and R code of the outer block then
    collects them again.
    """
    stack = getattr(_relay, "stack", None)
    if stack is None:
        stack = _relay.stack = []
    frame: list = [0]
    stack.append(frame)
    try:
        yield frame
    finally:
        stack.pop()


def _relay_frame() -> Optional[list]:
    stack = getattr(_relay, "stack", None)
    return stack[-1] if stack else None


def _unpack(res) -> Any:
    """Turn ``.rk_capture()``'s result list into a value, warnings and maybe an RError."""
    R.ensure()
    rlib = R.rlib
    cd = cdata(res)
    elt = rlib.VECTOR_ELT
    ok = rlib.LOGICAL_ELT(elt(cd, 0), 0) == 1
    frame = _relay_frame()
    if frame is not None and rlib.Rf_xlength(cd) > 8:
        relayed = elt(cd, 8)
        n = rlib.Rf_xlength(relayed)
        if n:
            conds = res[8]
            for i in range(n):
                if len(frame) <= RELAY_MAX:
                    frame.append(conds[i])
                else:
                    frame[0] += 1
    warns = elt(cd, 6)
    for i in range(rlib.Rf_xlength(warns)):
        msg, call = strings(elt(warns, i))
        text = msg if call is None else f"{msg} (in R: {call})"
        warnings.warn(text, RWarning, stacklevel=4)
    if ok:
        return res[1]

    def strs(i):
        x = elt(cd, i)
        return strings(x) if x.sxpinfo.type == STRSXP else []

    message = "\n".join(m for m in strs(2) if m is not None)
    r_class = tuple(c for c in strs(3) if c is not None)
    call = (strs(4) or [None])[0]
    py_exc = None
    tok = elt(cd, 5)
    if tok.sxpinfo.type == REALSXP and rlib.Rf_xlength(tok):
        py_exc = _PY_EXCEPTIONS.pop(int(rlib.REAL_ELT(tok, 0)), None)
    err = RError(message, r_class, call, py_exc)
    if elt(cd, 7) != R.NIL:
        err.r_condition = res[7]      # the R condition itself (raised again if it re-enters R)
    if py_exc is not None:
        raise err from py_exc
    raise err


def run_captured(sess: Session, helper, *args) -> Any:
    """Call an R function built on ``.rk_capture()``; return its value or raise.

    Also turns failures that escaped the R-side ``tryCatch`` (an interrupt)
    into ``KeyboardInterrupt`` / :class:`RError`. Call inside :func:`entered`.
    """
    if _relay_frame() is not None:
        args = (*args, sess.ri.BoolSexpVector([True]))      # the helpers' `relay` argument
    try:
        res = helper(*args)
    except sess.embedded.RRuntimeError as e:
        if interrupts.take_hit():
            raise KeyboardInterrupt("R evaluation interrupted") from None
        msg = str(e).strip()
        if not msg:
            raise KeyboardInterrupt("R evaluation interrupted") from None
        if msg.startswith("Error"):
            msg = msg.split(":", 1)[-1].strip()
        raise RError(msg, ("error", "condition")) from None
    return _unpack(res)


def eval_code(code: str, env) -> Any:
    """Evaluate R source text in the R environment ``env``; return the rpy2 value."""
    with entered() as sess:
        return run_captured(sess, sess.h_eval_text, sess.ri.StrSexpVector([code]), env)


def call_function(f, args, env=None) -> Any:
    """Call an R function (an rpy2 closure, or its name as an R string) with an R list of arguments."""
    with entered() as sess:
        return run_captured(sess, sess.h_call_fun, f, args, sess.ri.globalenv if env is None else env)
