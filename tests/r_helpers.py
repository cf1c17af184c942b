"""Small helpers the bridge's tests share: evaluate R, convert back, compare in R."""

from rkeras.r import r_eval, to_python, to_r
from rkeras.r.evaluate import r_call


def R(code):
    """The R object that `code` evaluates to."""
    return r_eval(code)


def rpy(code, **kw):
    """What `code` evaluates to, converted to Python."""
    return to_python(r_eval(code), **kw)


def r_check(code_fn: str, obj) -> object:
    """Apply an R function (source text) to a Python value converted with to_r; return Python."""
    return to_python(r_call(r_eval(code_fn), to_r(obj)))


def r_identical(obj, r_code: str) -> bool:
    """Is `to_r(obj)` identical() in R to what `r_code` evaluates to?"""
    return bool(to_python(r_call(r_eval("function(x, y) identical(x, y)"), to_r(obj), r_eval(r_code))))
