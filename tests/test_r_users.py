"""Issue 13 through R: rpy2 users and the R front end (factors, verbose, to_r without set-up, %%R)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytestmark = pytest.mark.r


def _run_fresh(code: str) -> str:
    """Run Python code in a fresh process (nothing installed yet); its stdout."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_to_r_and_library_keras_need_no_set_up_call(r):
    out = _run_fresh("""
        import numpy as np
        import rkeras
        from rkeras.r import r_eval, to_r, to_python
        model = rkeras.keras_model_sequential(input_shape=3) >> rkeras.layer_dense(units=1)
        model >> rkeras.compile(loss="mse")
        history = model >> rkeras.fit(np.ones((8, 3)), np.ones(8), epochs=2, verbose=0)
        rh = to_r(history)
        print("class:", list(r_eval("class")(rh)))
        print("rows:", to_python(r_eval("function(h) nrow(as.data.frame(h))")(rh)))
        print("print:", "Final epoch" in "".join(r_eval("function(h) capture.output(print(h))")(rh)))
        print("params:", to_python(r_eval("function(m) m$count_params()")(to_r(model))))
        r_eval("library(keras)")
        print("verb:", to_python(r_eval("exists('layer_dense')")))
    """)
    assert "class: ['keras_training_history']" in out
    assert "rows: 2" in out and "print: True" in out
    assert "params: 4" in out and "verb: True" in out


def test_r_factor_gives_zero_based_codes_on_every_path(r):
    import rkeras

    factor = r.r_eval("factor(c('a', 'b', 'c', 'a'))")
    expected = np.eye(3)[[0, 1, 2, 0]]
    np.testing.assert_array_equal(rkeras.to_categorical(factor), expected)
    np.testing.assert_array_equal(rkeras.to_categorical(r.to_python(factor)), expected)
    from_r = r.r_eval("library(keras); to_categorical(factor(c('a', 'b', 'c', 'a')))", convert=True)
    np.testing.assert_array_equal(np.asarray(from_r), expected)
    assert r.factor_codes(factor).codes.tolist() == [0, 1, 2, 0]
    # fit's y and class_weight from R objects (rpy2) in Python ...
    x = np.random.default_rng(0).normal(size=(4, 2)).astype("float32")
    model = rkeras.keras_model_sequential(input_shape=2) >> rkeras.layer_dense(units=3, activation="softmax")
    model >> rkeras.compile(loss="sparse_categorical_crossentropy", metrics="accuracy")
    history = model >> rkeras.fit(x, factor, epochs=1, verbose=0,
                                  class_weight=r.r_eval("list(a = 1, b = 2, c = 1)"))
    assert np.isfinite(history["loss"][0])


def test_r_front_end_fit_verbose_false_evaluate_named_list(r):
    res = r.r_eval("""
        library(keras)
        x <- matrix(runif(40), 10); y <- factor(sample(c('u', 'v'), 10, TRUE), levels = c('u', 'v'))
        m <- keras_model_sequential(input_shape = 4) %>% layer_dense(units = 2, activation = 'softmax')
        m %>% compile(loss = 'sparse_categorical_crossentropy', metrics = 'accuracy')
        h <- m %>% fit(x, y, epochs = 2, verbose = FALSE)
        e <- m %>% evaluate(x, y, verbose = FALSE)
        list(cls = class(h), is_list = is.list(e), names = names(e))
    """, convert=True)
    assert list(np.atleast_1d(res["cls"])) == ["keras_training_history"]
    assert bool(np.asarray(res["is_list"]).item())
    assert set(np.atleast_1d(res["names"])) == {"loss", "accuracy"}


def test_load_ext_rkeras_converts_models_and_histories(r):
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell

    import rkeras

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "rkeras")
    shell.user_ns["model"] = (rkeras.keras_model_sequential(input_shape=4)
                              >> rkeras.layer_dense(units=1))
    shell.run_cell_magic("R", "-i model -o history -o n", """
        model %>% compile(loss = "mse")
        history <- model %>% fit(matrix(runif(40), 10), runif(10), epochs = 2, verbose = 0)
        n <- model$count_params()
    """)
    history = shell.user_ns["history"]
    assert isinstance(history, rkeras.KerasTrainingHistory) and len(history["loss"]) == 2
    assert int(np.asarray(shell.user_ns["n"]).item()) == 5
