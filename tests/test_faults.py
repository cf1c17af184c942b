"""Faults during training: callbacks that fail, Ctrl-C, a killed run resumed."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from rkeras import *  # noqa: F403


def tiny_model():
    set_random_seed(3)
    return (keras_model_sequential(input_shape=4) >> layer_dense(units=8, activation="relu")
            >> layer_dense(units=1) >> compile(optimizer="sgd", loss="mse"))


def tiny_data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_exception_in_a_callback_stops_fit_with_its_message_and_model_stays_usable():
    x, y = tiny_data()
    model = tiny_model()

    def explode(epoch, logs):
        if epoch == 2:
            raise ValueError("callback failed at epoch 2")

    with pytest.raises(ValueError, match="callback failed at epoch 2"):
        model >> fit(x, y, epochs=5, verbose=0, callbacks=callback_lambda(on_epoch_end=explode))
    assert (model >> predict(x[:3], verbose=0)).shape == (3, 1)
    history = model >> fit(x, y, epochs=2, verbose=0)
    assert len(history.metrics["loss"]) == 2


def _run(script: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def test_ctrl_c_during_fit_keeps_the_history_and_the_session():
    result = _run("""
        import os, signal, warnings
        import numpy as np
        from rkeras import *
        x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
        y = x.sum(axis=1, keepdims=True)
        model = (keras_model_sequential(input_shape=4) >> layer_dense(units=1)
                 >> compile(optimizer="sgd", loss="mse"))
        def interrupt(epoch, logs):
            if epoch == 3:
                os.kill(os.getpid(), signal.SIGINT)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model >> fit(x, y, epochs=50, verbose=0,
                                   callbacks=callback_lambda(on_epoch_end=interrupt))
        print("epochs kept:", len(history.metrics["loss"]))
        print("warned:", any("interrupted" in str(w.message) for w in caught))
        print("still alive:", (model >> predict(x[:2], verbose=0)).shape)
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    # Epoch 3 was interrupted before it finished (its end-of-epoch hooks did not all run):
    # the history holds the two complete ones.
    assert "epochs kept: 2" in result.stdout
    assert "warned: True" in result.stdout
    assert "still alive: (2, 1)" in result.stdout


RESUMABLE = """
    import os, signal, sys, json
    import numpy as np
    from rkeras import *
    folder, kill_at = sys.argv[1], int(sys.argv[2])
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    set_random_seed(1)
    model = (keras_model_sequential(input_shape=4) >> layer_dense(units=1)
             >> compile(optimizer="sgd", loss="mse"))
    seen = []
    def record(epoch, logs):
        seen.append(epoch)
        with open(os.path.join(folder, "epochs.log"), "a") as log:
            log.write(f"{epoch}\\n")
        if epoch == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)   # a crash: no cleanup at all
    history = model >> fit(x, y, epochs=6, verbose=0, callbacks=[
        callback_backup_and_restore(backup_dir=os.path.join(folder, "backup")),
        callback_model_checkpoint(filepath=os.path.join(folder, "best.keras")),
        callback_lambda(on_epoch_end=record)])
    print("epochs this run:", seen)
"""


def test_killed_run_resumes_from_backup(tmp_path):
    first = _run(RESUMABLE, str(tmp_path), "3")
    assert first.returncode == -signal.SIGKILL
    assert (tmp_path / "best.keras").exists()
    second = _run(RESUMABLE, str(tmp_path), "0")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "epochs this run: [4, 5, 6]" in second.stdout
    assert (tmp_path / "epochs.log").read_text().split() == ["1", "2", "3", "4", "5", "6"]
    model = load_model(str(tmp_path / "best.keras"))
    assert model.count_params() == 5
