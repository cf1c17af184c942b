"""Fixtures shared by the test files: a tiny model and data, the dataset folder, R.

* `tiny_data`: 96 samples of 8 features, 0/1 labels and their one-hot rows;
* `tiny_model()` (a fixture returning a factory): an uncompiled 8 -> 16 -> 2
  softmax Sequential model, so each test gets a fresh one;
* `dataset_dir`: the folder of offline datasets (`$RKERAS_TEST_DATA`, else
  `shared/data` beside the checkout); tests needing it skip when it is absent;
* `r`: the R bridge (`rkeras.r`), started once; tests using it, or marked
  `@pytest.mark.r`, skip cleanly on a machine without R and rpy2.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

# Offline datasets: the environment's folder, else the shared folder beside the checkout.
DATA_DIR = Path(os.environ.get("RKERAS_TEST_DATA")
                or Path(__file__).resolve().parents[2] / "shared" / "data")


def has_dataset_dir() -> bool:
    return (DATA_DIR / "mnist.npz").is_file()


def r_missing() -> str | None:
    """Why the R bridge cannot run here, or None when it can (without starting R)."""
    if importlib.util.find_spec("rpy2") is None:
        return "rpy2 is not installed (pip install rkeras[r])"
    if shutil.which("R") is None and not os.environ.get("R_HOME"):
        return "R is not installed"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("r") is not None:
        reason = r_missing()
        if reason:
            pytest.skip(reason)


def pytest_pycollect_makeitem(collector, name, obj):
    """Verbs brought in by `from rkeras import *` are not tests (e.g. keras3's `test_on_batch`)."""
    if getattr(obj, "__rkeras_verb__", None) is not None:
        return []
    return None


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    if not has_dataset_dir():
        pytest.skip(f"no offline datasets in {DATA_DIR} (set RKERAS_TEST_DATA)")
    return DATA_DIR


@pytest.fixture(scope="session")
def r():
    """The R bridge, started once per session; skips when R or rpy2 is missing."""
    reason = r_missing()
    if reason:
        pytest.skip(reason)
    import rkeras.r

    rkeras.r.r_eval("invisible(NULL)")
    return rkeras.r


@pytest.fixture(scope="module")
def R():
    """R code in the embedded R with the front end installed: `R(code)` returns Python values.

    `R(code, convert=False)` returns the R object itself. Skips without R or rpy2.
    """
    reason = r_missing()
    if reason:
        pytest.skip(reason)
    os.environ.setdefault("RKERAS_DATASETS", str(DATA_DIR))
    from rkeras.r import frontend
    from rkeras.r.convert import to_python
    from rkeras.r.evaluate import r_eval

    frontend.install()

    def run(code: str, convert: bool = True):
        value = r_eval(code)
        return to_python(value) if convert else value
    return run


@pytest.fixture(scope="module")
def tiny_data():
    """(x, labels, one-hot y): 96 samples, 8 features, labels x0 + x1 > 0."""
    import rkeras

    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 8)).astype("float32")
    labels = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return x, labels, rkeras.to_categorical(labels, 2)


@pytest.fixture
def tiny_model():
    """A factory of fresh, uncompiled 8 -> 16 -> 2 softmax models."""
    import rkeras

    def build():
        return (rkeras.keras_model_sequential(input_shape=8)
                >> rkeras.layer_dense(units=16, activation="relu")
                >> rkeras.layer_dense(units=2, activation="softmax"))

    return build


# --- training histories (rkeras.history, rkeras.history_plot) ---------------------------

@pytest.fixture(scope="session")
def fitted_history():
    """A real 3-epoch Keras fit (keras.callbacks.History): 64 samples, 25% validation."""
    import keras

    keras.utils.set_random_seed(1)
    x = np.random.rand(64, 4).astype("float32")
    y = (np.random.rand(64) > 0.5).astype("float32")
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)


def _early_stopped_history():
    """epochs=10 asked for, 4 trained (as after callback_early_stopping)."""
    from rkeras.history import KerasTrainingHistory

    return KerasTrainingHistory(
        params={"verbose": 0, "epochs": 10, "steps": 2},
        metrics={
            "accuracy": [0.5, 0.6, 0.7, 0.75],
            "loss": [0.9, 0.7, 0.6, 0.55],
            "val_accuracy": [0.4, 0.5, 0.55, 0.6],
            "val_loss": [1.0, 0.8, 0.7, 0.65],
        },
    )


def _long_history(epochs=12, validation=True):
    """A smooth, noisy history of `epochs` epochs (with val_ series if `validation`)."""
    from rkeras.history import KerasTrainingHistory

    rng = np.random.default_rng(0)
    steps = np.arange(1, epochs + 1)
    metrics = {
        "accuracy": list(0.5 + 0.4 * (1 - np.exp(-steps / 4)) + rng.normal(0, 0.02, epochs)),
        "loss": list(np.exp(-steps / 5) + rng.normal(0, 0.02, epochs)),
    }
    if validation:
        metrics["val_accuracy"] = [v - 0.05 for v in metrics["accuracy"]]
        metrics["val_loss"] = [v + 0.1 for v in metrics["loss"]]
    return KerasTrainingHistory({"verbose": 0, "epochs": epochs, "steps": 2}, metrics)


@pytest.fixture
def early_stopped_history():
    return _early_stopped_history


@pytest.fixture
def long_history():
    return _long_history
