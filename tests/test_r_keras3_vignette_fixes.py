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
    # as_list() is an R integer vector, as reticulate simplifies a list of ints (keras3).
    assert list(R("op_reshape(array(1:24, c(2, 3, 4)), c(2, 12))$shape$as_list()")) == [2, 12]
    assert list(R("op_reshape(array(1:24, c(2, 3, 4)), c(-1, 1))$shape$as_list()")) == [24, 1]


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


def test_library_of_a_provided_namespace_takes_base_librarys_arguments(R):
    # intro_to_keras_for_engineers / distributed_training: keras3's guides write
    # library(tensorflow, exclude = c("shape", "set_random_seed")); base::library's
    # exclude / include.only / character.only / logical.return / quietly apply.
    R('for (p in c("package:tensorflow", "package:tfdatasets")) '
      'if (p %in% search()) detach(p, character.only = TRUE)')
    try:
        R('library(tensorflow, exclude = c("shape", "set_random_seed"), quietly = TRUE, '
          'warn.conflicts = FALSE)')
        assert R('exists("tf_function", envir = as.environment("package:tensorflow"), '
                 'inherits = FALSE)') is True
        assert R('exists("shape", envir = as.environment("package:tensorflow"), inherits = FALSE)') is False
        assert R("class(tf)[1]") == "python.builtin.module"
        pkg = "tfdatasets"
        assert R(f'library("{pkg}", character.only = TRUE, include.only = c("dataset_map", '
                 f'"tensor_slices_dataset"), logical.return = TRUE)') is True
        assert R('sort(ls("package:tfdatasets"))') == ["dataset_map", "tensor_slices_dataset"]
        R('detach("package:tfdatasets")')
        msg = R('tryCatch(library(tfdatasets, include.only = "no_such_fn"), error = conditionMessage)')
        assert "no_such_fn" in msg and "tfdatasets" in msg
        assert "package:tfdatasets" not in R("search()")
    finally:
        R("library(tensorflow); library(tfdatasets)")


CUSTOM_LAYER = """
layer_custom <- Layer("CustomLayer",
  initialize = function(units = 2L, ...) { super$initialize(...); self$units <- as.integer(units) },
  build = function(input_shape)
    self$w <- self$add_weight(shape = shape(tail(input_shape, 1), self$units), initializer = "ones"),
  call = function(inputs) op_matmul(inputs, self$w),
  get_config = function() list(units = self$units))
"""


def test_with_custom_object_scope_evaluates_its_expression_inside_the_scope(R, tmp_path):
    # serialization_and_saving chunk 6: load_model() inside the block finds the
    # custom class; keras3 evaluates `expr` lazily in the caller's frame.
    path = (tmp_path / "custom.keras").as_posix()
    R(CUSTOM_LAYER + f"""
inp <- keras_input(3)
m <- keras_model(inp, inp |> layer_custom(units = 2))
save_model(m, "{path}", overwrite = TRUE)""")
    assert R(f'inherits(try(load_model("{path}"), silent = TRUE), "try-error")') is True
    value = R(f"""v <- with_custom_object_scope(list(CustomLayer = layer_custom), {{
  reconstructed <- load_model("{path}")
  "done"
}}); v""")
    assert value == "done"
    assert R("class(reconstructed)[1]") == "keras.src.models.functional.Functional"
    assert R("as.numeric(predict(reconstructed, matrix(1, 1, 3), verbose = 0))").tolist() == [3.0, 3.0]
    # an error inside the block reaches the caller and the scope is closed afterwards
    assert R('tryCatch(with_custom_object_scope(list(CustomLayer = layer_custom), stop("inside")), '
             'error = conditionMessage)') == "inside"
    assert R(f'inherits(try(load_model("{path}"), silent = TRUE), "try-error")') is True


def test_r_function_traced_by_tf_function_gets_symbolic_tensors(R):
    # writing_a_custom_training_loop chunk 9: an R function traced by tf_function()
    # receives graph tensors as handles (R code calls ops on them) and returns tensors.
    R("""library(tensorflow)
cls <- NULL; dims <- NULL
f <- tf_function(function(x) { cls <<- class(x); x * 2 + 1 })
out <- f(as_tensor(c(1, 2)))
g <- tf_function(function(x) {
                   dims <<- list(x$shape[[1]], x$shape[[2]], length(x$shape))
                   list(a = x + 1, b = x)
                 },
                 input_signature = list(tf$TensorSpec(shape = list(NULL, 2L))))
res <- g(tf$ones(c(3L, 2L)))""")
    assert "tensorflow.python.framework.ops.SymbolicTensor" in R("cls")
    assert R("as.numeric(out)").tolist() == [3.0, 5.0]
    assert R("is.null(dims[[1]])") is True            # unknown batch size: NULL, as tensorflow's [[
    assert R("c(dims[[2]], dims[[3]])").tolist() == [2, 2]
    assert R("names(res)") == ["a", "b"]
    assert R("as.array(res$a)").tolist() == [[2.0, 2.0]] * 3


def test_dataset_map_and_tf_function_with_an_r_function_and_autograph(R):
    # writing_a_custom_training_loop chunks 9 and 16: the R function given to
    # dataset_map() / called while tracing is never rewritten by TF's AutoGraph
    # (it rewrote the bridge's converters and failed now and then).
    import tensorflow as tf

    from rkeras.r.convert import to_python
    from rkeras.r.evaluate import r_eval

    R("library(tfdatasets)")
    # (arrays: keras3 hands list(1:3, 4:6) to Keras as two Python lists, which
    # op_concatenate() refuses: "'list' object has no attribute 'dtype'")
    got = R("""xs <- op_concatenate(list(array(1:3), array(4:6)))
ds <- tensor_slices_dataset(op_reshape(xs, c(-1, 2, 1))) |>
  dataset_map(\\(x) op_cast(x, "float32") / 2) |> dataset_batch(3)
as.array(iter_next(as_iterator(ds)))""")
    assert got.reshape(-1).tolist() == [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    rf = to_python(r_eval("function(x) x * 2"))
    tf.autograph.set_verbosity(3, alsologtostdout=True)
    try:
        import contextlib
        import io
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            traced = tf.function(rf, autograph=True)(tf.constant([1.0, 2.0]))
            mapped = list(tf.data.Dataset.from_tensor_slices([3.0]).map(rf).as_numpy_iterator())
    finally:
        tf.autograph.set_verbosity(0)
    assert traced.numpy().tolist() == [2.0, 4.0]
    assert mapped == [6.0]
    assert "Transformed <function RFunction.__call__" not in log.getvalue()
    assert "Not allowed: <function call_r" not in log.getvalue()


def test_as_tensor_makes_r_doubles_float64_and_saturates_to_a_dtype(R):
    # tensorflow's as_tensor() (keras3 1.5.1 with tensorflow 2.16 R package, checked here).
    R("library(tensorflow)")
    assert R("as_tensor(1)$dtype$name") == "float64"
    assert R("as_tensor(1L)$dtype$name") == "int32"
    assert R('as.integer(as_tensor(c(1.7, -2.5), "int32"))').tolist() == [1, -2]
    assert R('as_tensor(matrix(1:4, 2), "float32")$dtype$name') == "float32"
    assert R("as.array(as_tensor(1:6, shape = c(2, NA)))").tolist() == [[1, 2, 3], [4, 5, 6]]
