"""The R front end: the registry's verbs as R functions in the embedded R.

Everything here runs R code in rkeras's embedded R (rpy2) with the front end
installed once per test process, and checks it against the Python API.
"""

from __future__ import annotations

import inspect
import os
import re

import numpy as np
import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

DATA = os.environ.get("RKERAS_DATASETS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data")



def out(R, code: str) -> str:
    """What R prints for `code` (capture.output)."""
    lines = R(f"capture.output({{ {code} }})")
    return "\n".join([lines] if isinstance(lines, str) else list(lines or []))


# --------------------------------------------------------------------------
# Generation: names, formals, defaults
# --------------------------------------------------------------------------
def test_every_registry_verb_exists_in_r(R):
    from rkeras.r import frontend
    from rkeras.registry import registry

    names = sorted(registry())
    R("library(keras)")
    masked = frontend.front_end().masked
    plain = [n for n in names if n not in masked]
    found = R("function(n) vapply(n, function(x) is.function(get0(x)), NA)", convert=False)
    from rkeras.r.convert import to_python
    from rkeras.r.evaluate import r_call
    ok = np.asarray(to_python(r_call(found, plain)))
    missing = [n for n, hit in zip(plain, ok) if not hit]
    assert not missing, f"verbs missing in R: {missing[:10]}"
    # summary/predict are S3 methods for rkeras handles, not masks of R's generics.
    assert masked == {"summary", "predict"}
    assert R('is.function(getS3method("predict", "rkeras_py_object"))')
    assert R('environmentName(environment(summary)) == "base"')


def test_args_shows_keras3_signature(R):
    text = out(R, "print(args(layer_dense))")
    assert text.startswith("function (object, units, activation = NULL, use_bias = TRUE")
    assert out(R, "print(args(compile))").startswith(
        'function (object, optimizer = "rmsprop", loss = NULL, metrics = NULL')
    conv = out(R, "print(args(layer_conv_2d))")
    assert "strides = c(1L, 1L)" in conv and 'padding = "valid"' in conv
    assert out(R, "print(args(freeze_weights))").startswith(
        "function (object, from = NULL, to = NULL")
    assert "function (object, f," in out(R, "print(args(layer_lambda))")
    assert out(R, "print(args(layer_add))").startswith("function (inputs, ...")


@pytest.mark.parametrize("verb", ["layer_dense", "layer_conv_2d", "fit", "compile",
                                  "callback_early_stopping"])
def test_formals_match_python_signature(R, verb):
    from rkeras.r.rsource import r_literal, r_param_name
    from rkeras.registry import registry

    v = registry()[verb]
    formals = R(f"lapply(formals({verb}), function(d) paste(deparse(d), collapse = ''))")
    r_names = [n for n in formals if n != "..."]
    assert r_names == [r_param_name(verb, p.name) for p in v.parameters]
    for p in v.parameters:
        shown = formals[r_param_name(verb, p.name)]
        if p.default is inspect.Parameter.empty or p.name == v.subject:
            assert shown == "", (p.name, shown)
        else:
            assert shown == r_literal(p.default), (p.name, shown, p.default)


def test_install_is_idempotent(R):
    # How fast the first install is belongs to the benchmarks (BENCHMARKS.md, start-up), not to a
    # timed test; tests/test_r_verbs_source.py checks that it imports no Keras.
    from rkeras.r import frontend

    assert frontend.install_seconds() is not None
    assert frontend.install() == 0.0
    assert R('"rkeras" %in% search()')


# --------------------------------------------------------------------------
# library(), pipes, datasets
# --------------------------------------------------------------------------
def test_library_keras_and_friends(R):
    assert R("library(keras); library(keras3); library(rkeras); TRUE")
    assert R("require(keras)") and R('requireNamespace("keras3", quietly = TRUE)')
    assert R("identical(keras::layer_dense, layer_dense)")
    assert R('library(stats); suppressWarnings(require(utils)) && is.function(stats::sd)')
    msg = R('tryCatch(library(notapackage_xyz), error = function(e) conditionMessage(e))')
    assert "notapackage_xyz" in msg


def test_pipes_and_destructuring_with_mnist(R):
    text = out(R, "mnist <- dataset_mnist(); str(mnist$train$x)")
    assert text.strip().startswith("int [1:60000, 1:28, 1:28] 0 0 0")
    assert R("c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist(); "
             "identical(dim(x_test), c(10000L, 28L, 28L)) && is.integer(y_train)")
    assert R("m <- keras_model_sequential(input_shape = 784) %>% "
             "layer_dense(units = 4) |> layer_dense(units = 2); length(m$layers)") == 2
    assert R("m %>% layer_dense(units = 3); length(m$layers)") == 3   # in place


def test_array_reshape_is_row_major(R):
    got = R("array_reshape(array(1:24, c(2, 3, 4)), c(2, 12))[1, 1:4]")
    expected = R("as.vector(aperm(array(1:24, c(2, 3, 4))[1, , ], c(2, 1)))[1:4]")
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got, [1, 7, 13, 19])


def test_to_categorical_and_pad_sequences_take_r_values(R):
    onehot = R('to_categorical(factor(c("b", "a", "c", "a")))')
    np.testing.assert_array_equal(np.argmax(onehot, axis=1), [1, 0, 2, 0])
    assert R("is.matrix(to_categorical(c(0, 2, 1), 3))")
    padded = R("pad_sequences(list(1:3, c(4, 5), 6L), maxlen = 3)")
    np.testing.assert_array_equal(padded, [[1, 2, 3], [0, 4, 5], [0, 0, 6]])


# --------------------------------------------------------------------------
# Models, layers, twins in Python
# --------------------------------------------------------------------------
def test_layer_handles_behave_like_functions(R):
    assert R("l <- layer_dense(units = 3); inherits(l, 'rkeras_layer') && is.function(l)")
    assert "Dense" in out(R, "print(l)")
    assert R("m <- keras_model_sequential(input_shape = 4); m %>% l(); length(m$layers)") == 1
    assert R("inp <- keras_input(shape = 4); shared <- layer_dense(units = 2); "
             "a <- shared(inp); b <- inp %>% shared(); "
             "mm <- keras_model(inp, layer_add(a, b)); length(mm$layers)") == 3
    # Passed back to Python it is the same Keras layer.
    assert R("identical(l$name, m$layers[[1]]$name)")


def test_model_print_shows_summary_and_identity(R):
    text = out(R, "m <- keras_model_sequential(input_shape = 8) %>% layer_dense(units = 2); m")
    assert 'Model: "sequential' in text and "Total params: 18" in text
    from rkeras.r.convert import to_python
    from rkeras.r.evaluate import r_eval
    assert to_python(r_eval("m")) is to_python(r_eval("m2 <- m %>% compile(loss = 'mse'); m2"))


def test_r_model_matches_python_twin(R):
    import rkeras as rk

    R("""
      set.seed(1)
      r_model <- keras_model_sequential(input_shape = c(6)) %>%
        layer_dense(units = 5, activation = "relu") %>%
        layer_dense(units = 3, activation = "softmax")
      r_model %>% compile(optimizer = "adam", loss = "categorical_crossentropy",
                          metrics = "accuracy")
      x <- matrix(runif(60), 10, 6)
      y <- to_categorical(c(0, 1, 2, 0, 1, 2, 0, 1, 2, 0), 3)
      r_pred <- r_model %>% predict(x, verbose = 0)
      r_eval <- r_model %>% evaluate(x, y, verbose = 0)
    """)
    py_model = (rk.keras_model_sequential(input_shape=6)
                >> rk.layer_dense(units=5, activation="relu")
                >> rk.layer_dense(units=3, activation="softmax"))
    py_model >> rk.compile(optimizer="adam", loss="categorical_crossentropy", metrics="accuracy")
    assert R("count_params(r_model)") == rk.count_params(py_model)
    rk.set_weights(py_model, R("get_weights(r_model)"))
    x, y = R("x"), R("y")
    np.testing.assert_allclose(rk.predict(py_model, x, verbose=0), R("r_pred"), rtol=1e-5)
    assert R("is.matrix(r_pred) && identical(dim(r_pred), c(10L, 3L))")
    py_eval = rk.evaluate(py_model, x, y, verbose=0)
    assert sorted(R("names(r_eval)")) == sorted(py_eval.names())
    assert R("is.list(r_eval)")


# --------------------------------------------------------------------------
# fit, history
# --------------------------------------------------------------------------
def test_fit_history_print_data_frame_and_early_stopping(R):
    R("""
      set.seed(2)
      xh <- matrix(runif(200), 50, 4); yh <- runif(50)
      mh <- keras_model_sequential(input_shape = 4) %>% layer_dense(units = 1)
      mh %>% compile(optimizer = "sgd", loss = "mse", metrics = "mae")
      stopper <- callback_early_stopping(monitor = "loss", min_delta = 100, patience = 0)
      h <- mh %>% fit(xh, yh, epochs = 6, verbose = 0, validation_split = 0.2,
                      callbacks = list(stopper))
    """)
    assert R('class(h)') == "keras_training_history"
    assert sorted(R("names(h)")) == ["metrics", "params"]
    assert R("h$params$epochs") == 6 and R("length(h$metrics$loss)") == 2
    text = out(R, "print(h)")
    lines = text.splitlines()
    # keras3's exact layout: a blank line, the title, then right-aligned names.
    assert lines[0] == "" and lines[1] == "Final epoch (plot to see history):"
    lines = lines[1:]
    assert re.fullmatch(r"\s*val_loss: [0-9.]+", lines[-1]) or any(
        re.fullmatch(r"\s*val_loss: [0-9.]+", line) for line in lines)
    assert len({line.index(":") for line in lines[1:]}) == 1   # right-aligned names
    df = R("as.data.frame(h)")
    assert list(df.columns) == ["epoch", "value", "metric", "data"]
    assert len(df) == 6 * 4                                     # padded to params$epochs
    assert df["value"].isna().sum() == 4 * 4
    assert list(df["data"].cat.categories) == ["training", "validation"]
    assert R("is.factor(as.data.frame(h)$metric) && is.integer(as.data.frame(h)$epoch)")


@pytest.mark.parametrize("method", ["ggplot2", "base"])
def test_plot_history_writes_png(R, tmp_path, method):
    path = tmp_path / f"history_{method}.png"
    R(f"""
      h12 <- structure(class = "keras_training_history", list(
        params = list(verbose = 0L, epochs = 12L, steps = 1L),
        metrics = list(loss = 12:1 / 10, accuracy = 1:12 / 12,
                       val_loss = 12:1 / 9, val_accuracy = 1:12 / 13)))
      png("{path}")
      p <- plot(h12, method = "{method}")
      if (!is.null(p)) print(p)
      dev.off()
    """)
    assert path.exists() and path.stat().st_size > 1000
    if method == "ggplot2":
        assert R('inherits(plot(h12), "ggplot") && length(plot(h12)$layers) == 2')  # + smooth
        assert R("length(plot(structure(class = 'keras_training_history', "
                 "list(params = list(epochs = 3L), metrics = list(loss = c(3, 2, 1)))))$layers)") == 1


def test_history_round_trip_to_python(R):
    from rkeras.history import KerasTrainingHistory
    history = R("h12")
    assert isinstance(history, KerasTrainingHistory)
    assert history.params["epochs"] == 12 and history.metrics["loss"][0] == pytest.approx(1.2)


def test_callback_lambda_epochs_are_one_based(R):
    assert list(np.atleast_1d(R("""
      seen <- c()
      mc <- keras_model_sequential(input_shape = 2) %>% layer_dense(units = 1)
      mc %>% compile(loss = "mse")
      cb <- callback_lambda(on_epoch_end = function(epoch, logs) seen <<- c(seen, epoch))
      mc %>% fit(matrix(runif(20), 10), runif(10), epochs = 3, verbose = 0, callbacks = list(cb))
      seen
    """))) == [1, 2, 3]


def test_r_loss_function_trains(R):
    loss = R("""
      ml <- keras_model_sequential(input_shape = 2) %>% layer_dense(units = 1)
      ml %>% compile(optimizer = optimizer_sgd(learning_rate = 0.1),
                     loss = function(y_true, y_pred) mean((y_true - y_pred)^2))
      hl <- ml %>% fit(matrix(runif(40), 20), runif(20), epochs = 3, verbose = 0)
      hl$metrics$loss
    """)
    assert len(loss) == 3 and np.all(np.isfinite(loss)) and loss[-1] < loss[0]


# --------------------------------------------------------------------------
# Errors, both ways
# --------------------------------------------------------------------------
def test_python_error_becomes_catchable_r_error(R):
    msg = R('tryCatch(layer_dense(units = 4, activation = "rleu"), '
            'error = function(e) conditionMessage(e))')
    assert "rleu" in msg and "relu" in msg
    assert R('tryCatch(layer_dense(units = -1), error = function(e) '
             'inherits(e, "rkeras_python_error") && '
             'identical(deparse(conditionCall(e)), "layer_dense(units = -1)"))')
    assert "missing" in R('tryCatch(fit(), error = function(e) conditionMessage(e))')


def test_r_error_in_callback_stops_fit(R):
    msg = R("""
      epochs_run <- 0
      mb <- keras_model_sequential(input_shape = 2) %>% layer_dense(units = 1)
      mb %>% compile(loss = "mse")
      cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
        epochs_run <<- epoch
        if (epoch == 2) stop("R says stop at epoch ", epoch)
      })
      tryCatch(mb %>% fit(matrix(runif(20), 10), runif(10), epochs = 5, verbose = 0,
                          callbacks = list(cb)),
               error = function(e) conditionMessage(e))
    """)
    assert "R says stop at epoch 2" in msg
    assert R("epochs_run") == 2


def test_errors_reach_python_as_rerror(R):
    from rkeras.r.evaluate import RError

    with pytest.raises(RError, match="must be positive") as info:
        R("layer_dense(units = -1)")
    assert info.value.py_exception is not None
    with pytest.raises(RError, match="loss exploded"):
        R("""mx <- keras_model_sequential(input_shape = 1) %>% layer_dense(units = 1)
             mx %>% compile(loss = function(y_true, y_pred) stop("loss exploded"))
             mx %>% fit(matrix(1:4), 1:4, epochs = 1, verbose = 0)""")


# --------------------------------------------------------------------------
# Crossing models and data between R and Python
# --------------------------------------------------------------------------
def test_model_saved_in_r_loads_in_python_and_back(R, tmp_path):
    import rkeras as rk

    r_file = tmp_path / "from_r.keras"
    R(f"""
      ms <- keras_model_sequential(input_shape = 3) %>%
        layer_dense(units = 4, activation = "relu") %>% layer_dense(units = 1)
      ms %>% compile(optimizer = "adam", loss = "mse")
      xs <- matrix(runif(30), 10, 3)
      ms %>% fit(xs, runif(10), epochs = 1, verbose = 0)
      ms %>% save_model("{r_file}")
      ps <- predict(ms, xs, verbose = 0)
    """)
    loaded = rk.load_model(str(r_file))
    np.testing.assert_allclose(rk.predict(loaded, R("xs"), verbose=0), R("ps"), rtol=1e-6)

    py_file = tmp_path / "from_python.keras"
    py_model = rk.keras_model_sequential(input_shape=3) >> rk.layer_dense(units=2)
    rk.save_model(py_model, str(py_file))
    x = np.random.default_rng(0).random((5, 3))
    from rkeras.r.evaluate import r_assign
    r_assign("xp", x)
    got = R(f'mp <- load_model("{py_file}"); predict(mp, xp, verbose = 0)')
    np.testing.assert_allclose(got, rk.predict(py_model, x, verbose=0), rtol=1e-6)


def test_r_data_frame_to_fit_from_python_and_predictions_back(R):
    import rkeras as rk
    from rkeras.r.convert import to_r
    from rkeras.r.evaluate import r_assign, r_eval

    frame = r_eval("set.seed(3); df <- data.frame(a = runif(30), b = runif(30), c = runif(30)); df")
    target = r_eval("df$a + 2 * df$b")
    model = rk.keras_model_sequential(input_shape=3) >> rk.layer_dense(units=1)
    model >> rk.compile(optimizer="adam", loss="mse")
    history = rk.fit(model, frame, target, epochs=2, verbose=0)
    assert len(history.metrics["loss"]) == 2
    r_assign("py_pred", rk.predict(model, frame, verbose=0))
    assert R("is.matrix(py_pred) && identical(dim(py_pred), c(30L, 1L))")
    # The same model, used from R on the R data frame's matrix.
    r_assign("py_model", model)
    np.testing.assert_allclose(R("predict(py_model, as.matrix(df), verbose = 0)"),
                               R("py_pred"), rtol=1e-6)
    assert to_r is not None


def test_r_metrics_are_named_as_keras3_does(R):
    names = R("""
      mm <- keras_model_sequential(input_shape = 2) %>% layer_dense(units = 1)
      mm %>% compile(loss = "mse", metrics = list(
        function(y_true, y_pred) mean(abs(y_true - y_pred))))
      h1 <- mm %>% fit(matrix(runif(20), 10), runif(10), epochs = 1, verbose = 0)
      mm %>% compile(loss = "mse", metrics = list(my_mae = function(y_true, y_pred)
        mean(abs(y_true - y_pred))))
      h2 <- mm %>% fit(matrix(runif(20), 10), runif(10), epochs = 1, verbose = 0)
      c(names(h1$metrics), names(h2$metrics))
    """)
    assert "custom_metric" in names and "my_mae" in names


def test_factor_labels_are_zero_based_codes_in_fit(R):
    R("""
      mf <- keras_model_sequential(input_shape = 2) %>%
        layer_dense(units = 3, activation = "softmax")
      mf %>% compile(loss = "sparse_categorical_crossentropy", metrics = "accuracy")
      yf <- factor(rep(c("a", "b", "c"), length.out = 12))
      hf <- mf %>% fit(matrix(runif(24), 12), yf, epochs = 1, verbose = 0)
    """)
    assert R("is.finite(hf$metrics$loss[[1]])")
