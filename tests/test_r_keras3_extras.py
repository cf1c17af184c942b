"""keras3 1.5.1's last re-exports in the embedded R (rkeras/r/R/keras3_extras.R) and
dataset_california_housing() (rkeras/datasets.py), checked against what keras3,
reticulate, tensorflow, tfruns 1.5.4, dotty, magrittr and Keras do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rkeras.datasets import dataset_california_housing
from rkeras.errors import ArgumentError, DatasetNotFoundError

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------ california housing
@pytest.fixture
def california_dir(tmp_path, monkeypatch):
    rng = np.random.RandomState(0)
    x = rng.normal(size=(1000, 8)).astype("float32")
    y = rng.uniform(2e4, 5e5, size=1000).astype("float32")
    np.savez(tmp_path / "california_housing.npz", x=x, y=y)
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return tmp_path, x, y


def keras_load(monkeypatch, folder, **kwargs):
    """Keras's own loader on the same file (its get_file() finds it in a cache we point it to)."""
    import keras
    from keras.src.datasets import california_housing

    monkeypatch.setattr(california_housing, "get_file",
                        lambda *a, **k: str(folder / "california_housing.npz"))
    return keras.datasets.california_housing.load_data(**kwargs)


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"}, {"test_split": 0.3, "seed": 7},
                                    {"version": "small", "test_split": 0.0}])
def test_california_housing_equals_keras(california_dir, monkeypatch, kwargs):
    folder, _, _ = california_dir
    ours = dataset_california_housing(**kwargs)
    (x_train, y_train), (x_test, y_test) = keras_load(monkeypatch, folder, **kwargs)
    for got, want in [(ours.train.x, x_train), (ours.train.y, y_train),
                      (ours.test.x, x_test), (ours.test.y, y_test)]:
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_california_housing_sizes_and_errors(california_dir):
    assert dataset_california_housing().train.x.shape == (800, 8)
    small = dataset_california_housing(version="small")
    assert small.train.x.shape == (480, 8) and small.test.y.shape == (120,)
    with pytest.raises(ArgumentError, match="'small', 'large'"):
        dataset_california_housing(version="medium")
    with pytest.raises(ArgumentError):
        dataset_california_housing(test_split=1)


def test_california_housing_offline_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("RKERAS_OFFLINE", "1")
    with pytest.raises(DatasetNotFoundError) as err:
        dataset_california_housing()
    msg = str(err.value)
    assert "california_housing.npz" in msg and "RKERAS_DATASETS" in msg and str(tmp_path) in msg


# ------------------------------------------------------------------------- R side
@pytest.fixture(scope="module")
def r():
    pytest.importorskip("rpy2")
    from rkeras.r import r_eval, to_python
    from rkeras.r.frontend import install

    install()
    r_eval("suppressPackageStartupMessages(library(keras3))")
    return lambda code: to_python(r_eval(code))


@pytest.mark.r
def test_reticulate_and_tensorflow_reexports(r):
    assert r('import("numpy")$sum(c(1, 2, 3))') == 6
    r('invisible(keras_input(shape = 2))')   # Keras imported before TensorFlow's lazy modules
    t = r('as_tensor(c(1, 2), dtype = "float32")')
    assert t.dtype.name == "float32" and t.numpy().tolist() == [1.0, 2.0]
    assert r('is.null(suppressMessages(py_require("scipy")))') is True


@pytest.mark.r
def test_magrittr_assignment_pipe_and_generate(r):
    assert r('local({ x <- c(3, 1, 2); x %<>% sort(); x })').tolist() == [1, 2, 3]
    assert r('identical(generate, generics::generate)') is True
    assert r('local({ generate.foo <- function(x, ...) "gen"; '
             'registerS3method("generate", "foo", generate.foo); '
             'generate(structure(1, class = "foo")) })') == "gen"


@pytest.mark.r
def test_active_binding_operator(r):
    got = r('local({ n <- 0; x %<-active% function(value) { if (missing(value)) { n <<- n + 1; n } '
            'else n <<- value * 10 }; a <- x; b <- x; x <- 5; c(a, b, x, bindingIsActive("x", '
            'environment())) })')
    assert got.tolist() == [1, 2, 51, 1]


@pytest.mark.r
def test_active_binding_in_py_class_is_a_property(r):
    val = r('local({ Foo %py_class% { initialize <- function() { self$k <- 2 }; '
            'twice %<-active% function() self$k * 2 }; Foo()$twice })')
    assert val == 4


@pytest.mark.r
def test_dotty_destructuring(r):
    assert r('local({ .[a, b] <- list(1, 2); c(a, b) })').tolist() == [1, 2]
    assert r('local({ .[nr, nc] <- dim(mtcars); c(nr, nc) })').tolist() == [32, 11]
    assert r('local({ .[first, .., last] <- 1:5; c(first, last) })').tolist() == [1, 5]
    assert list(r('local({ .[.., y, z] <- letters; c(y, z) })')) == ["y", "z"]
    assert r('local({ .[a, ..] <- letters; a })') == "a"
    assert list(r('local({ .[a = x, b = y] <- list(y = "Y", x = "X"); c(a, b) })')) == ["X", "Y"]
    assert r('local({ .[x = beta] <- list(alpha = 1, beta = 2); x })') == 2
    assert r('local({ .[m = mpg * 2] <- mtcars; all.equal(m, mtcars$mpg * 2) })') is True
    assert r('local({ .[p, .[q, .[s]]] <- list(1, list(2, list(3))); c(p, q, s) })').tolist() == [1, 2, 3]
    assert r('local({ .[major, minor] <- numeric_version("4.2.2"); c(major, minor) })').tolist() == [4, 2]
    assert r('local({ .[a, .., z] <- letters; exists("..", inherits = FALSE) })') is False
    msg = r('tryCatch(local({ .[apple = x, banana] <- list(x = 1) }), '
            'error = function(e) conditionMessage(e))')
    assert "cannot mix named with unnamed" in msg


@pytest.mark.r
def test_flags_defaults_command_line_and_errors(r):
    r('defs <- list(flag_numeric("learning_rate", 0.01, "Initial learning rate."), '
      'flag_integer("max_steps", 5000), flag_string("data_dir", "MNIST-data"), '
      'flag_boolean("fake_data", FALSE))')
    d = r('unclass(flags(defs, arguments = character()))')
    assert list(d.keys()) == ["learning_rate", "max_steps", "data_dir", "fake_data"]
    assert r('storage.mode(flags(defs, arguments = character())$max_steps)') == "integer"
    f = r('flags(defs, arguments = c("--learning-rate=0.5", "--max_steps", "10", '
          '"--fake_data", "true", "--args", "--ignored=1"))')
    assert f["learning_rate"] == 0.5 and f["max_steps"] == 10 and f["fake_data"] is True
    assert f["data_dir"] == "MNIST-data"
    err = r('tryCatch(flags(defs, arguments = "--nope=1"), error = conditionMessage)')
    assert err == "The following flags were provided but not declared: nope"
    err = r('tryCatch(flags(defs, arguments = "--max_steps=abc"), error = conditionMessage)')
    assert err == "Unable to convert flag 'max_steps' with value 'abc' to type integer"
    err = r('tryCatch(flags(flag_integer("a", 1), flag_integer("a", 2)), error = conditionMessage)')
    assert "already been defined" in err
    assert r('run_dir() == getwd()') is True


@pytest.mark.r
def test_flags_from_yaml_file(r, tmp_path):
    yml = tmp_path / "flags.yml"
    yml.write_text("default:\n  units: 16\nbig:\n  units: 256\n")
    got = r(f'flags(flag_integer("units", 8), flag_numeric("lr", 0.1), file = "{yml}", '
            'config = "big", arguments = character())')
    assert got["units"] == 256 and got["lr"] == 0.1
    got = r(f'flags(flag_integer("units", 8), file = "{yml}", arguments = "--units=3")')
    assert got["units"] == 3


@pytest.mark.r
def test_flags_from_rkeras_run_command_line(tmp_path):
    script = tmp_path / "train.R"
    script.write_text('library(keras3)\nFLAGS <- flags(flag_numeric("dropout", 0.2), '
                      'flag_integer("units", 32))\ncat(FLAGS$dropout, FLAGS$units, '
                      'class(FLAGS$units), "\\n")\n')
    rkeras = Path(sys.executable).with_name("rkeras")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    out = subprocess.run([str(rkeras), "run", str(script), "--dropout=0.5", "--units", "64"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "0.5 64 integer"
    out = subprocess.run([str(rkeras), "run", str(script), "--units=6.5x"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert out.returncode != 0 and "Unable to convert flag 'units'" in out.stderr


@pytest.mark.r
def test_export_savedmodel_writes_a_loadable_savedmodel(r, tmp_path):
    import tensorflow as tf

    path = tmp_path / "exported"
    same = r(f'local({{ set_random_seed(1); m <- keras_model_sequential(input_shape = 3) |> '
             f'layer_dense(2); res <- export_savedmodel(m, "{path}"); '
             f'assign(".rk_test_model", m, globalenv()); identical(res, m) }})')
    assert same is True
    assert (path / "saved_model.pb").exists()
    loaded = tf.saved_model.load(str(path))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    want = r('.rk_test_model').predict(x, verbose=0)
    np.testing.assert_allclose(loaded.serve(x).numpy(), want, rtol=1e-6)
    err = r('tryCatch(export_savedmodel(1, "x"), error = conditionMessage)')
    assert "exports a Keras model" in err


@pytest.mark.r
def test_tensorboard_without_the_package_says_what_to_install(r):
    import importlib.util

    if importlib.util.find_spec("tensorboard") is not None:
        pytest.skip("the tensorboard package is installed here")
    err = r('tryCatch(tensorboard("logs", launch_browser = FALSE), error = conditionMessage)')
    assert "Python package 'tensorboard'" in err and "pip install tensorboard" in err
