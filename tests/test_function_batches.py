"""A function as fit()/evaluate()/predict()'s data (keras3's generator functions).

Each call of the function is one batch and NULL/None ends the data; Keras reads
the batches on a TensorFlow thread. These tests pin what keras3 users rely on
(calls per batch, values trained on, errors reaching the caller) and the fix of
the deadlock of issue 14: a script that fits on R functions many times must end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import r_missing

import rkeras
from rkeras.function_batches import FunctionBatches, batch_generator, reading

REPO = Path(__file__).resolve().parent.parent


def _linear_model():
    model = rkeras.keras_model_sequential(input_shape=2) >> rkeras.layer_dense(
        1, use_bias=False, kernel_initializer="zeros")
    return model >> rkeras.compile(loss="mse", optimizer=rkeras.optimizer_sgd(0.1))


def test_python_function_as_data_trains_on_its_batches():
    calls = []

    def batches():
        calls.append(threading.current_thread().name)
        x = np.array([[1.0, 0.0], [0.0, 1.0]] * 4)
        return x, x @ np.array([[2.0], [-3.0]])

    model = _linear_model()
    history = model >> rkeras.fit(batches, steps_per_epoch=20, epochs=5, verbose=0)
    assert history.metrics["loss"][-1] < history.metrics["loss"][0]
    np.testing.assert_allclose(model.get_weights()[0].ravel(), [2.0, -3.0], atol=0.1)
    assert 100 <= len(calls) <= 104        # 100 steps, a few read ahead


def test_none_ends_the_data_of_predict():
    left = [np.ones((3, 2)), np.ones((2, 2))]
    model = _linear_model()
    p = model >> rkeras.predict(lambda: (left.pop(0),) if left else None, verbose=0)
    assert p.shape == (5, 1)


def test_an_error_in_the_function_reaches_the_caller():
    def broken():
        raise LookupError("batch 1 is missing")

    model = _linear_model()
    with pytest.raises(Exception, match="batch 1 is missing"):
        model >> rkeras.fit(broken, steps_per_epoch=2, verbose=0)


def test_a_closed_function_is_never_called_again():
    calls = []
    gen = batch_generator(lambda: calls.append(1) or (np.ones((1, 2)),))
    with reading(gen):
        next(gen)
    # After Keras has finished (reading() ended), TensorFlow's read-ahead ends the data.
    with pytest.raises(StopIteration):
        next(gen)
    assert calls == [1]
    b = FunctionBatches(lambda: 1)
    b.close()
    assert list(b) == []


def test_r_function_as_data_from_python(r):
    # An rpy2 user passes an R function; Keras's reader thread calls it under the R lock.
    gen = r.r_eval("""
      n_batches_made <- 0L
      function() { n_batches_made <<- n_batches_made + 1L; list(matrix(1, 4, 2), matrix(0, 4, 1)) }
    """)
    model = _linear_model()
    model >> rkeras.fit(gen, steps_per_epoch=3, epochs=2, verbose=0)
    assert 6 <= int(r.to_python(r.r_eval("n_batches_made"))) <= 9


@pytest.mark.r
def test_r_script_fitting_on_r_functions_many_times_ends(tmp_path):
    """The deadlock of issue 14: it hung about one run in eight; 25 fits must all finish."""
    reason = r_missing()
    if reason:
        pytest.skip(reason)
    script = tmp_path / "gen.R"
    script.write_text("""
      set_random_seed(1)
      calls <- integer(0)
      for (i in 1:25) {
        n <- 0L
        gen <- function() { n <<- n + 1L; list(matrix(runif(8), 4, 2), matrix(0, 4, 1)) }
        model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
        model |> compile(loss = "mse", optimizer = "sgd")
        model |> fit(gen, steps_per_epoch = 4, epochs = 2, verbose = 0,
                     validation_data = function() list(matrix(1, 2, 2), matrix(0, 2, 1)),
                     validation_steps = 1)
        p <- predict(model, function() list(matrix(1, 3, 2)), steps = 2, verbose = 0)
        stopifnot(nrow(p) == 6)
        calls <- c(calls, n)
      }
      cat("calls:", range(calls), "\\n")
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    start = time.monotonic()
    out = subprocess.run([str(Path(sys.executable).with_name("rkeras")), "run", str(script)], env=env,
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    low, high = (int(v) for v in out.stdout.split("calls:")[1].split())
    assert 8 <= low and high <= 12          # 8 batches trained, at most a few read ahead
    assert time.monotonic() - start < 240


@pytest.mark.r
def test_ctrl_c_stops_fit_on_an_r_function_and_keeps_the_history(tmp_path):
    """Ctrl-C while Keras reads an R function's batches: fit returns its complete epochs."""
    reason = r_missing()
    if reason:
        pytest.skip(reason)
    started, after = tmp_path / "started", tmp_path / "after.txt"
    script = tmp_path / "interrupt.R"
    script.write_text(f"""
      gen <- function() {{
        if (!file.exists("{started}")) file.create("{started}")
        list(matrix(runif(8), 4, 2), matrix(0, 4, 1))
      }}
      model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
      model |> compile(loss = "mse", optimizer = "sgd")
      h <- model |> fit(gen, steps_per_epoch = 50, epochs = 100000, verbose = 0)
      writeLines(paste("epochs kept:", length(h$metrics$loss)), "{after}")
    """)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("rkeras")), "run", str(script)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert started.exists(), proc.communicate(timeout=5)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        signalled = time.monotonic()
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert time.monotonic() - signalled < 10
    assert after.read_text().startswith("epochs kept:")
    assert "Training interrupted (Ctrl-C)" in err
