"""rkeras.r.convert.functions: Python callables as R functions (r_function), R functions as RFunction."""

from __future__ import annotations

import gc

import pytest

pytest.importorskip("rpy2")

from r_helpers import rpy  # noqa: E402

from rkeras.r import RError, RFunction, r_eval, r_function, to_python, to_r  # noqa: E402
from rkeras.r.evaluate import r_assign, r_call  # noqa: E402

pytestmark = pytest.mark.r


class TestFunctions:
    def test_r_function_to_python_callable(self):
        f = rpy("function(x, y = 2) x * y")
        assert isinstance(f, RFunction)
        assert f(3) == 6.0 and f(3, y=10) == 30.0
        assert to_r(f) is f.rfunction

    def test_python_function_to_r(self):
        def double(x):
            return x * 2
        rf = to_r(double)
        assert to_python(r_call(rf, 21)) == 42
        assert to_python(rf) is double


def test_python_exception_becomes_r_error_caught_by_trycatch():
    def boom(x):
        raise ValueError(f"bad value {x}")

    r_assign("boom", r_function(boom))
    out = to_python(r_eval("tryCatch(boom(3L), error = function(e) "
                           "list(msg = conditionMessage(e), cls = class(e)))"))
    assert out["msg"] == "ValueError: bad value 3"
    # reticulate's (keras3's) condition classes, plus rkeras's own
    assert list(out["cls"]) == ["python.builtin.ValueError", "python.builtin.Exception",
                                "python.builtin.BaseException", "rkeras_python_error",
                                "python.builtin.object", "error", "condition"]
    # finally/on.exit still run, R keeps working
    assert to_python(r_eval("tryCatch(boom(1), error = function(e) 'caught', finally = 'x')")) == "caught"
    assert to_python(r_eval("1 + 1")) == 2.0


def test_python_exception_uncaught_in_r_comes_back():
    class MyError(Exception):
        pass

    def inner():
        raise MyError("deep")

    r_assign("inner_fn", r_function(inner))
    with pytest.raises(RError) as ei:
        r_eval("outer <- function() inner_fn(); outer()")
    assert str(ei.value) == "MyError: deep"
    assert isinstance(ei.value.__cause__, MyError) and ei.value.py_exception is ei.value.__cause__


def test_r_function_signature_defaults_and_kwargs():
    def f(a, b=2, *args, c="z", **kw):
        return {"a": a, "b": b, "args": list(args), "c": c, "kw": kw}

    rf = r_function(f)
    r_assign("pyf", rf)
    formals = to_python(r_eval("names(formals(pyf))"))
    assert formals == ["a", "b", "...", "c"]
    out = to_python(r_eval("pyf(1L, 5L, 'x', 'y', c = 'q', extra = TRUE)"))
    assert out["a"] == 1 and out["b"] == 5 and out["args"] == ["x", "y"]
    assert out["c"] == "q" and out["kw"] == {"extra": True}
    out = to_python(r_eval("pyf(1L)"))
    assert out["b"] == 2 and out["c"] == "z"
    with pytest.raises(RError, match="TypeError"):
        r_eval("pyf()")


def test_r_function_keeps_callable_alive_until_r_collects():
    import weakref

    class Adder:
        def __call__(self, x):
            return x + 1

    a = Adder()
    ref = weakref.ref(a)
    r_assign("adder", r_function(a))
    del a
    gc.collect()
    r_eval("invisible(gc())")
    assert to_python(r_eval("adder(1)")) == 2.0
    r_eval("rm(adder); invisible(gc())")
    gc.collect()
    r_eval("invisible(gc())")
    assert ref() is None


def test_nested_python_r_python():
    def py_sq(x):
        return to_python(r_eval("function(v) v^2"))(x)       # Python -> R -> Python -> R

    r_assign("py_sq", r_function(py_sq))
    assert to_python(r_eval("py_sq(7)")) == 49.0
