"""Run R code from Python: r_eval, r_call, r_assign (R errors as RError, warnings as RWarning).

Every function here is safe from any thread (the call is serialised under
:data:`rkeras.r.session.r_lock`) and converts Python values with
:func:`rkeras.r.convert.to_r`. How R conditions cross is described in
:mod:`rkeras.r.conditions`.
"""

from __future__ import annotations

from typing import Any, Callable

from . import session
from .conditions import RError, RWarning, run_captured
from .convert import to_python, to_r
from .convert.functions import call_r
from .sexp import BUILTINSXP, CLOSXP, SPECIALSXP, cdata, typeof

__all__ = ["RError", "RWarning", "r_eval", "r_call", "r_assign", "BEFORE_EVAL"]

BEFORE_EVAL: list[Callable[[str], None]] = []
"""Functions called with the code before each :func:`r_eval` (e.g. rkeras.r.on_demand's)."""


def _as_env(sess: session.Session, env):
    ri = sess.ri
    if env is None:
        return ri.globalenv
    if isinstance(env, ri.SexpEnvironment):
        return env
    if isinstance(env, dict):
        new = ri.baseenv["new.env"](parent=ri.globalenv)
        for k, v in env.items():
            new[str(k)] = to_r(v)
        return new
    raise TypeError(f"env must be None, an R environment or a dict, not {type(env).__name__}")


def r_eval(code: str, env: Any = None, *, convert: bool = False) -> Any:
    """Evaluate R code in the embedded R and return the value.

    Args:
        code: R source; several expressions are evaluated in order and the last
            value is returned (like ``source()``).
        env: where to evaluate: ``None`` for R's global environment, an R
            environment (rpy2 ``SexpEnvironment``), or a dict of Python values
            that become variables (converted with :func:`~rkeras.r.to_r`) in a
            fresh environment whose parent is the global environment.
        convert: if True, return ``to_python(value)`` instead of the rpy2 object.

    Returns:
        The rpy2 (``rpy2.rinterface``-level) object of the last expression's
        value, or its Python conversion when ``convert=True``.

    Raises:
        RError: R signalled an error (parse errors included); the message is
            R's ``conditionMessage``.
        KeyboardInterrupt: Ctrl-C during the evaluation, not handled in R.

    R warnings are re-issued as :class:`RWarning`.
    """
    if not isinstance(code, str):
        raise TypeError(f"code must be a str of R code, not {type(code).__name__}")
    for hook in BEFORE_EVAL:
        hook(code)
    with session.entered() as sess:
        res = run_captured(sess, sess.h_eval_text, sess.ri.StrSexpVector([code]), _as_env(sess, env))
        return to_python(res) if convert else res


def r_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an R function with Python arguments; return the rpy2 result.

    Args:
        fn: an R function (rpy2 closure), or its name (``"mean"``,
            ``"stats::sd"``) looked up from the global environment.
        *args, **kwargs: the arguments, converted with :func:`~rkeras.r.to_r`
            (rpy2 objects pass unchanged). Keyword names are R argument names
            as given (``na_rm`` is *not* translated to ``na.rm``; pass
            ``**{"na.rm": True}``).

    Returns:
        The rpy2 (``rpy2.rinterface``-level) result; use
        :func:`~rkeras.r.to_python` to convert it.

    Raises:
        RError: the call failed in R (message = R's ``conditionMessage``).

    Arguments are bound to variables ``.rk_arg1``, ``.rk_arg2`` ... of a fresh
    environment, so ``substitute()`` in the callee sees short names instead of
    deparsed data.
    """
    with session.entered() as sess:
        ri = sess.ri
        if isinstance(fn, str):
            f = ri.StrSexpVector([fn])
        elif isinstance(fn, ri.Sexp) and typeof(cdata(fn)) in (CLOSXP, BUILTINSXP, SPECIALSXP):
            f = fn
        else:
            f = getattr(fn, "rfunction", None)
            if f is None:
                raise TypeError(f"fn must be an R function or its name, not {type(fn).__name__}")
        return call_r(f, args, kwargs)


def r_assign(name: str, value: Any, env: Any = None) -> None:
    """Assign a Python value (converted with ``to_r``) to an R variable.

    Args:
        name: the R variable name.
        value: any Python value (or rpy2 object).
        env: an R environment; ``None`` for the global environment.
    """
    with session.entered() as sess:
        target = sess.ri.globalenv if env is None else env
        target[name] = to_r(value)
