"""Fixes found running keras3 1.5.1's vignettes: each R snippet is what the vignette does.

Expected values are keras3's (the vignette's own checks, or what R keras3
1.5.1 gives for the snippet), never rkeras's earlier output.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

DATA = os.environ.get("RKERAS_DATASETS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data")



LINEAR = """
layer_linear <- Layer("Linear",
  initialize = function(units = 32) { self$units <- as.integer(units); super$initialize() },
  build = function(input_shape)
    self$w <- self$add_weight(shape = shape(tail(input_shape, 1), self$units),
                              initializer = "ones"),
  call = function(inputs) op_matmul(inputs, self$w),
  get_config = function() list(units = self$units),
)
"""


def test_get_config_keeps_its_class_through_r(R):
    # serialization_and_saving: from_config(get_config(layer)) rebuilds the layer.
    R('cfg <- get_config(layer_dense(units = 3, activation = "relu"))')
    assert R('is.null(attr(cfg, "__class__"))') is False
    assert R("new <- from_config(cfg); c(new$units, get_config(new)$activation)") == ["3", "relu"]
    # a Sequential model's config makes a Sequential model with the same layers
    R("m <- keras_model_sequential(input_shape = 32) |> layer_dense(1); m2 <- from_config(get_config(m))")
    assert R("class(m2)[1]") == "keras.src.models.sequential.Sequential"
    assert R("m2$count_params()") == 33


def test_get_config_of_an_r_defined_layer(R):
    # making_new_layers_and_models_via_subclassing: the R get_config() method's list, with its class.
    R(LINEAR + "cfg <- get_config(layer_linear(units = 64))")
    assert R("names(cfg)") == "units"
    assert R("cfg$units") == 64
    assert R("from_config(cfg)$units") == 64


def test_plain_list_without_class_is_refused(R):
    with pytest.raises(Exception, match="does not say which class"):
        R("from_config(list(units = 3))")


def test_py_func2_named_python_function(R):
    # serialization_and_saving: keras3:::py_func2(function(x) x^2, name = "custom_fn", convert = TRUE)
    R('f <- keras3:::py_func2(function(x) x^2, name = "custom_fn", convert = TRUE)')
    assert R("f$`__name__`") == "custom_fn"
    assert R("f(3)") == 9
    import inspect

    from rkeras.r.py_functions import python_function
    g = python_function(lambda *a: a, "g", ["x", "...", ".y"])
    assert g.__name__ == "g"
    assert str(inspect.signature(g)) == "(x, *args, **kwargs)"


def test_register_keras_serializable_returns_the_constructor_and_saves(R, tmp_path):
    path = str(tmp_path / "m.keras").replace("\\", "/")
    R(LINEAR.replace("Linear", "LinearReg") + """
layer_linear <- register_keras_serializable(layer_linear, package = "VignetteFix")
sq <- keras3:::py_func2(function(x) x^2, name = "sq_fn", convert = TRUE)
sq <- register_keras_serializable(sq, name = "sq_fn", package = "VignetteFix")
inp <- keras_input(shape(2))
out <- inp |> layer_linear(units = 2) |> layer_dense(1, activation = sq, kernel_initializer = "ones")
model <- keras_model(inp, out)""")
    assert R("is.function(layer_linear)") is True
    R(f'save_model(model, "{path}"); m2 <- load_model("{path}")')
    # x = (1, 2): linear with ones -> (3, 3); dense with ones -> 6; squared -> 36
    got = R("predict(m2, rbind(c(1, 2)), verbose = 0)")
    assert np.allclose(got, [[36.0]])


def test_callback_with_trailing_comma(R):
    # writing_your_own_callbacks: Callback("CustomCallback", ..., on_predict_batch_end = ..., )
    R("""seen <- character()
cb <- Callback("TrailingComma",
  on_train_begin = function(logs = NULL) seen <<- c(seen, "begin"),
  on_train_end = function(logs = NULL) seen <<- c(seen, "end"),
)
m <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
compile(m, loss = "mse", optimizer = "sgd")
fit(m, matrix(1, 4, 2), rep(1, 4), verbose = 0, callbacks = list(cb()))""")
    assert R("seen") == ["begin", "end"]


def test_op_concatenate_list_of_arrays_of_different_lengths(R):
    # custom_train_step: op_concatenate(list(x_train, x_test)) (60000 and 10000 images)
    assert R("dim(as.array(op_concatenate(list(array(0, c(2, 3, 4)), array(1, c(1, 3, 4))))))").tolist() \
        == [3, 3, 4]
    assert R("as.array(op_concatenate(list(array(0, c(2, 3, 4)), array(1, c(1, 3, 4)))))[3, 1, 1]") == 1


def test_op_reshape_with_an_r_vector(R):
    # making_new_layers...: op_reshape(x_train, c(60000, 784)); training_with_built_in_methods'
    # metric: op_reshape(y_pred, c(-1, 1))
    assert R("op_reshape(array(1:24, c(2, 3, 4)), c(2, 12))$shape$as_list()") == [2, 12]
    assert R("op_reshape(array(1:24, c(2, 3, 4)), c(-1, 1))$shape$as_list()") == [24, 1]


def test_loss_object_is_an_r_function(R):
    # writing_a_custom_training_loop: loss_fn <- loss_sparse_categorical_crossentropy(from_logits = TRUE)
    R("loss_fn <- loss_sparse_categorical_crossentropy(from_logits = TRUE)")
    assert R("is.function(loss_fn)") is True
    got = R("as.array(loss_fn(c(0L, 1L), rbind(c(2, 1), c(1, 3))))")
    # mean of -log softmax: [log(1 + e^-1), log(1 + e^-2)]
    assert np.isclose(got, np.mean([np.log1p(np.exp(-1)), np.log1p(np.exp(-2))]), atol=1e-6)


def test_compile_reaches_a_models_own_compile(R):
    # custom_train_step's GAN: compile(gan, d_optimizer = ..., g_optimizer = ..., loss_fn = ...)
    R("""M <- Model("OwnCompile",
  initialize = function(...) { super$initialize(...); self$d <- layer_dense(units = 1) },
  call = function(x) self$d(x),
  compile = function(d_optimizer, loss_fn, ...) {
    super$compile(...)
    self$d_optimizer <- d_optimizer
    self$loss_fn <- loss_fn
  })
gan <- M()
compile(gan, d_optimizer = optimizer_adam(learning_rate = 3e-4), loss_fn = loss_binary_crossentropy())""")
    assert np.isclose(R("as.array(gan$d_optimizer$learning_rate)"), 3e-4)
    assert R("class(gan$loss_fn)[1]") == "keras.src.losses.losses.BinaryCrossentropy"
    # a plain model still refuses a misspelt argument, with the suggestion
    with pytest.raises(Exception, match="unknown argument `optimzer`. Did you mean 'optimizer'"):
        R('compile(keras_model_sequential(input_shape = 2) |> layer_dense(1), optimzer = "adam")')


def test_traced_batch_size_in_a_layer_call(R):
    # making_new_layers...'s Sampling layer: random_normal(shape = c(batch, dim)) with
    # batch <- op_shape(z_mean)[[1]] while fit traces call().
    R("""layer_sampling <- Layer("SamplingFix",
  call = function(inputs) {
    batch <- op_shape(inputs)[[1]]
    dim <- op_shape(inputs)[[2]]
    inputs + 0 * random_normal(shape = c(batch, dim), seed = 1)
  })
inp <- keras_input(shape = 4)
m <- keras_model(inp, inp |> layer_sampling() |> layer_dense(1, kernel_initializer = "ones"))
compile(m, loss = "mse", optimizer = "sgd")
h <- fit(m, matrix(1, 10, 4), rep(4, 10), verbose = 0, batch_size = 5)""")
    assert np.isclose(R("h$metrics$loss[1]"), 0.0, atol=1e-6)
    assert R("dim(predict(m, matrix(1, 3, 4), verbose = 0))").tolist() == [3, 1]


def test_shape_of_a_traced_tensor_in_train_step(R):
    # custom_train_step's GAN: batch_size <- shape(real_images)[[1]] inside train_step,
    # then tf$random$normal(shape(batch_size, latent_dim)) and op_ones(c(batch_size, 1)).
    R("""library(tensorflow)
G <- Model("TracedShape",
  initialize = function(...) { super$initialize(...); self$d <- layer_dense(units = 1) },
  call = function(x) self$d(x),
  train_step = function(data) {
    x <- data[[1]]
    batch_size <- shape(x)[[1]]
    z <- tf$random$normal(shape(batch_size, 3))
    labels <- op_concatenate(list(op_ones(c(batch_size, 1)), op_zeros(c(batch_size, 1))))
    list(n = op_sum(labels) + 0 * op_sum(z), rows = op_shape(z)[[1]] * 1)
  })
g <- G(); compile(g, optimizer = "sgd")
h <- fit(g, matrix(1, 8, 2), rep(1, 8), batch_size = 4, verbose = 0)""")
    assert np.isclose(R("h$metrics$n"), 4.0)
    assert np.isclose(R("h$metrics$rows"), 4.0)
    assert R("format(shape(op_ones(c(2, 3))))") == "shape(2, 3)"
    assert R("format(shape(2, NA))") == "shape(2, NA)"
