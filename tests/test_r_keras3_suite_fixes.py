"""Fixes found running keras3 1.5.1's own test suite (tools/keras3_compat): real values.

Expected values are keras3's: `super()$`__init__`()` in an R Layer, an R function
as data called once per batch (keras3's generator functions), np_array(1) of
shape (1,), keras3's test internals, and the cross-load of a model with an
R-defined layer between real keras3 and rkeras (skipped without ../peer/lib).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

REPO = Path(__file__).resolve().parent.parent
PEER_LIB = Path(os.environ.get("KERAS3_PEER_LIB", REPO.parent / "peer" / "lib"))


def test_super_call_dunder_init(R):
    out = R("""
      L <- Layer("MultiplyByX",
        initialize = function(x) { super()$`__init__`(); self$x <- x },
        call = function(inputs, ...) inputs * self$x)
      as.array(L(x = 3)(op_array(c(1, 2))))
    """)
    np.testing.assert_allclose(np.asarray(out), [3.0, 6.0])


def test_r_function_as_fit_data_called_per_batch(R):
    out = R("""
      set_random_seed(1)
      n <- 0L
      gen <- function() { n <<- n + 1L; list(matrix(1, 4, 2), matrix(0, 4, 1)) }
      model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
      model |> compile(loss = "mse", optimizer = "sgd")
      model |> fit(gen, steps_per_epoch = 5, epochs = 2, verbose = 0)
      fitted <- n
      p <- predict(model, function() list(matrix(1, 3, 2)), steps = 2, verbose = 0)
      list(fitted = fitted, rows = nrow(p))
    """)
    # 10 batches trained; at most a couple more read ahead (keras3's prefetch).
    assert 10 <= out["fitted"] <= 14
    assert out["rows"] == 6


def test_r_function_data_error_reaches_r(R):
    msg = R("""
      model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
      model |> compile(loss = "mse", optimizer = "sgd")
      tryCatch({ model |> fit(function() stop("no more data"), steps_per_epoch = 2, verbose = 0); "none" },
               error = function(e) conditionMessage(e))
    """)
    assert "no more data" in msg


def test_np_array_of_length_one_vector_is_1d(R):
    assert list(R("np_array(1)$shape")) == [1]


def test_keras3_test_internals(R):
    out = R("""
      a <- random_array(c(2, 3))
      k <- keras_array(c(1, 2))
      list(dim = dim(a), in01 = all(a >= 0 & a < 1), dtype = as.character(k$dtype),
           n = length(keras_array(list(1, 2))))
    """)
    assert list(out["dim"]) == [2, 3] and out["in01"] is True
    assert out["dtype"] == "float32" and out["n"] == 2


@pytest.mark.skipif(not (PEER_LIB / "keras3").is_dir() or shutil.which("Rscript") is None,
                    reason="real keras3 1.5.1 not installed in ../peer/lib")
@pytest.mark.parametrize("saver,loader", [("keras3", "rkeras"), ("rkeras", "keras3")])
def test_r_layer_model_cross_loads(tmp_path, saver, loader):
    script = REPO / "tools" / "keras3_compat" / "cross_load.R"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")

    def side(name, mode):
        if name == "keras3":
            e = dict(env, R_LIBS=str(PEER_LIB), RETICULATE_PYTHON=sys.executable)
            profile = PEER_LIB.parent / "keras3-peer.Rprofile"
            if profile.exists():
                e["R_PROFILE_USER"] = str(profile)
            cmd = ["Rscript", str(script), mode, str(tmp_path)]
        else:
            rkeras = str(Path(sys.executable).parent / "rkeras")
            e, cmd = env, [rkeras, "run", str(script), mode, str(tmp_path)]
        return subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=300)

    saved = side(saver, "save")
    assert "saved" in saved.stdout, saved.stderr[-2000:]
    loaded = side(loader, "load")
    assert "max |difference| = 0; identical = TRUE" in loaded.stdout, loaded.stderr[-2000:]


def test_preprocessing_layer_arguments_as_keras3(R):
    # test-layers-preprocessing.R: height/width whole numbers, salt c(a, b) a pair,
    # bin_boundaries a vector, keras_model_sequential(layers = <one layer>, dtype =).
    out = R("""
      crop <- layer_center_crop(height = 2, width = 3)
      y <- as.array(crop(array(1, c(1, 4, 4, 1))))
      h <- layer_hashing(num_bins = 3, salt = c(133, 137))
      d <- layer_discretization(bin_boundaries = c(0, 1, 2))
      binned <- as.array(d(op_array(c(-1.5, 0.5, 1.5, 3))))
      m <- keras_model_sequential(layers = layer_normalization(mean = 3, variance = 2),
                                  input_shape = 1, dtype = "float64")
      list(dim = dim(y), salt = unlist(h$get_config()$salt), binned = binned,
           n_layers = length(m$layers), dtype = m$inputs[[1]]$dtype,
           is_mac_arm64 = is_mac_arm64())
    """)
    assert list(out["dim"]) == [1, 2, 3, 1]
    assert list(out["salt"]) == [133, 137]
    assert list(np.asarray(out["binned"]).ravel()) == [0, 1, 2, 3]
    assert out["n_layers"] == 1 and out["dtype"] == "float64"
    assert out["is_mac_arm64"] is False


def test_keras_implementation_internals_as_keras3(R):
    # keras3 1.5.1: the implementation is "keras" unless KERAS_IMPLEMENTATION is set.
    out = R("list(get_keras_implementation(), is_keras_implementation(), "
            "is_tensorflow_implementation())")
    assert list(out) == ["keras", True, False]


def test_r6_class_inheriting_keras_layer(R):
    # test-custom-layers.R: R6::R6Class(inherit = keras$layers$Layer) through
    # r_to_py() / create_layer(); self$add_loss(list(<tensor>)) takes the list.
    out = R("""
      Scale <- R6::R6Class("Scale", inherit = keras$layers$Layer,
        public = list(
          k = NULL,
          initialize = function(k, ...) { super$initialize(...); self$k <- k },
          call = function(x, mask = NULL) {
            self$add_loss(list(op_sum(x)))
            x * self$k
          }))
      lyr <- r_to_py(Scale)(k = 3)
      y <- as.array(lyr(op_array(matrix(c(1, 2), 1))))
      same <- identical(r_to_py(Scale), r_to_py(Scale))
      made <- create_layer(Scale, NULL, list(k = 2, name = "twice"))
      list(y = y, loss = as.numeric(lyr$losses[[1]]), same = same, name = made$name,
           shape = unlist(as.list(op_ones(c(2, 5))$shape)))
    """)
    np.testing.assert_allclose(np.asarray(out["y"]), [[3.0, 6.0]])
    assert out["loss"] == pytest.approx(3.0)
    assert out["same"] is True and out["name"] == "twice"
    assert list(out["shape"]) == [2, 5]


def test_r_to_py_dispatches_user_methods_and_r6_privates(R):
    # test-py-class.R "R6 privates": r_to_py() is generic; private members stay R values.
    out = R("""
      o <- structure(1, class = "unconvertible")
      r_to_py.unconvertible <- function(x, convert = FALSE) stop("object not convertable")
      err <- tryCatch(r_to_py(o), error = function(e) conditionMessage(e))
      Counter <- R6::R6Class("Counter",
        public = list(initialize = function() private$n <- o,
                      bump = function() { private$n <- private$n + 1; NULL },
                      get = function() unclass(private$n)),
        private = list(n = NULL))
      PyCounter <- r_to_py(Counter)
      a <- PyCounter(); b <- PyCounter()
      a$bump(); a$bump(); b$bump()
      list(err = err, a = a$get(), b = b$get())
    """)
    assert out["err"] == "object not convertable"
    assert out["a"] == 3.0 and out["b"] == 2.0


def test_layer_wrapper_sequential_batch_size_and_rank_adjust(R):
    # test-Layer.R / test-layer-methods.R: create_layer_wrapper()'s formals are
    # `object` + initialize's; keras_model_sequential(batch_size =); predict() of a
    # vector for keras_input(shape = 1) (Keras adds the trailing axis, as in keras3).
    out = R("""
      Twice(keras$layers$Layer) %py_class% {
        initialize <- function(units, activation = NULL) super$initialize()
        call <- function(x) x * 2
      }
      w <- create_layer_wrapper(Twice)
      f <- names(formals(w))
      m <- keras_model_sequential(input_shape = 3, batch_size = 4) |> w(units = 1)
      inp <- keras_input(shape = 1)
      fm <- keras_model(inp, inp * 2)
      list(formals = f, batch = m$inputs[[1]]$shape[[1]], n = length(m$layers),
           pred = predict(fm, c(1, 2, 3), verbose = 0))
    """)
    assert list(out["formals"]) == ["object", "units", "activation"]
    assert out["batch"] == 4 and out["n"] == 1
    np.testing.assert_allclose(np.asarray(out["pred"]).ravel(), [2.0, 4.0, 6.0])


def test_tensor_as_matrix_and_as_tensor_shape(R):
    # test-layers-normalization.R: as.matrix(<tensor>); tensorflow's as_tensor(shape =)
    # reshapes row-major, and fills from one value.
    out = R("""
      t <- op_array(matrix(c(1, 2, 3, 4, 5, 6), 2, byrow = TRUE))
      list(m = as.matrix(t), r = as.array(as_tensor(1:6, shape = c(2, 3), dtype = "float64")),
           f = as.array(as_tensor(7, shape = c(2, 2))))
    """)
    np.testing.assert_allclose(np.asarray(out["m"]), [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_allclose(np.asarray(out["r"]), [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_allclose(np.asarray(out["f"]), [[7, 7], [7, 7]])


def test_size_vectors_reach_keras_as_tuples(R):
    # test-layers.R: noise_shape = c(1), layer_permute(dims = c(1)),
    # layer_lambda(output_shape = c(784)), layer_reshape(target_shape = c(4, -1)).
    out = R("""
      m <- keras_model_sequential(input_shape = 32) |>
        layer_dropout(rate = 0.5, noise_shape = c(1)) |>
        layer_permute(dims = c(1)) |>
        layer_lambda(function(t) t, output_shape = c(32)) |>
        layer_reshape(target_shape = c(4, -1))
      list(noise = reticulate::py_str(m$layers[[1]]$noise_shape),
           dims = reticulate::py_str(m$layers[[2]]$dims),
           out = dim(predict(m, matrix(1, 2, 32), verbose = 0)))
    """)
    assert out["noise"] == "[1]" and out["dims"] == "[1]"   # as Keras stores them
    assert list(out["out"]) == [2, 4, 8]


def test_vector_attribute_and_integer_metric_as_keras3(R):
    # test-callbacks.R: an R vector set on a Python object is a Python list (reticulate),
    # read back as a plain numeric vector; a metric a callback logs as integers
    # (logs[["my_epoch"]] <- epoch) is an integer vector in the history, loss stays double.
    out = R("""
      LossHistory <- R6::R6Class("LossHistory", inherit = keras$callbacks$Callback,
        public = list(losses = NULL,
          on_batch_end = function(batch, logs = list())
            self$losses <- c(self$losses, logs[["loss"]])))
      lh <- r_to_py(LossHistory)()
      cb <- Callback("EpochLogger", on_epoch_end = function(epoch, logs = NULL) {
        logs[["my_epoch"]] <- epoch
        logs
      })
      model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
      model |> compile(loss = "mse", optimizer = "sgd")
      hist <- model |> fit(matrix(1, 8, 2), matrix(0, 8, 1), batch_size = 4, epochs = 2,
                           verbose = 0, callbacks = list(lh, cb()))
      lh$flags <- c(TRUE, FALSE)
      list(losses_class = class(lh$losses), n = length(lh$losses),
           flags = lh$flags, epoch_type = typeof(hist$metrics$my_epoch),
           epoch = hist$metrics$my_epoch, loss_type = typeof(hist$metrics$loss))
    """)
    assert out["losses_class"] == "numeric" and out["n"] == 4
    assert list(out["flags"]) == [True, False]
    assert out["epoch_type"] == "integer" and list(out["epoch"]) == [1, 2]
    assert out["loss_type"] == "double"


def test_freeze_which_formula_and_rnn_cell_units_as_keras3(R):
    # test-freeze.R: which = ~ <lambda of .x> (rlang::as_function); test-rnn-api.R:
    # rnn_cell_gru(4) is units = 4 (keras3's cells have no `object`);
    # as.list(shape(32, 4)) is a plain list.
    out = R("""
      model <- keras_model_sequential(input_shape = 3) |>
        layer_dense(2, name = "first") |> layer_dense(2, name = "dense1") |>
        layer_dense(2, name = "dense2")
      freeze_weights(model, which = ~ grepl("^dense", .x$name))
      frozen <- length(model$non_trainable_weights)
      unfreeze_weights(model, which = ~ .x$name == "dense2")
      out <- op_ones(c(5, 7, 3)) |> layer_rnn(rnn_cell_gru(4))
      list(frozen = frozen, trainable = length(model$trainable_weights),
           units = rnn_cell_lstm(3)$units, formals = names(formals(rnn_cell_gru))[1],
           same = identical(as.list(out$shape), as.list(shape(5, 4))))
    """)
    assert out["frozen"] == 4 and out["trainable"] == 2     # the others frozen again (keras3)
    assert out["units"] == 3 and out["formals"] == "units" and out["same"] is True


def test_zip_lists_as_keras3(R):
    # test-utils.R: a list of lists (strings stay list elements), named arguments
    # name the elements, the first list's names match the others' and name the result.
    out = R("""
      g <- list("g1", "g2"); w <- list("w1", "w2")
      a <- identical(zip_lists(g, w), list(list("g1", "w1"), list("g2", "w2")))
      b <- identical(zip_lists(gradient = g, weight = w),
                     list(list(gradient = "g1", weight = "w1"), list(gradient = "g2", weight = "w2")))
      names(g) <- names(w) <- c("l1", "l2")
      c <- identical(zip_lists(g, w[c(2, 1)]), list(l1 = list("g1", "w1"), l2 = list("g2", "w2")))
      names(g) <- c("x1", "x2")
      err <- tryCatch(zip_lists(g, w), error = function(e) conditionMessage(e))
      list(a = a, b = b, c = c, err = err)
    """)
    assert out["a"] is True and out["b"] is True and out["c"] is True
    assert "names of the arguments must match" in out["err"]


def test_fit_dataset_with_batch_size_is_an_error(R):
    # test-tfdatasets.R: keras3 refuses batch_size with a tf.data Dataset.
    msg = R("""
      model <- keras_model_sequential(input_shape = 1) |> layer_dense(1)
      model |> compile(loss = "mse", optimizer = "sgd")
      ds <- tfdatasets::tensors_dataset(reticulate::tuple(list(1), list(1))) |>
        tfdatasets::dataset_repeat(4) |> tfdatasets::dataset_batch(2)
      tryCatch({ fit(model, ds, epochs = 1, batch_size = 5, verbose = 0); "no error" },
               error = function(e) conditionMessage(e))
    """)
    assert "`batch_size` cannot be given with a tf.data Dataset" in msg


def test_load_model_with_partly_named_custom_objects(R, tmp_path):
    # test-model-persistence.R: an unnamed element goes by its own name (keras3's
    # normalize_custom_objects: the Python __name__), named ones by their names.
    out = R(f"""
      layer_twice <- new_layer_class("Twice", call = function(x, ...) x * 2)
      metric_mean_pred <- custom_metric("mean_pred", function(y_true, y_pred) op_mean(y_pred))
      my_loss <- function(y_true, y_pred) op_mean(op_square(y_true - y_pred))
      model <- keras_model_sequential(input_shape = 2) |> layer_dense(1) |> layer_twice()
      model |> compile(loss = my_loss, optimizer = "sgd", metrics = metric_mean_pred)
      tmp <- file.path("{tmp_path}", "m.keras")
      save_model(model, tmp)
      model2 <- load_model(tmp, custom_objects = list(metric_mean_pred, layer_twice,
                                                      custom_loss = my_loss))
      x <- matrix(c(1, 2, 3, 4), 2)
      list(same = identical(as.array(model(x)), as.array(model2(x))),
           cls = class(model2$layers[[2]])[1], windows = is_windows())
    """)
    assert out["same"] is True and out["windows"] is False


def test_r_list_of_numbers_as_data_is_one_input_per_element(R):
    # test-generators.R / test-model.R (issue 1201): list(1, 2) is two inputs of one
    # sample each and 3 a vector of one sample (keras3: arrays of shape (1,)).
    out = R("""
      set_random_seed(1)
      input1 <- layer_input(shape = 1); input2 <- layer_input(shape = 1)
      model <- keras_model(list(input1, input2), layer_add(list(input1, input2)))
      model |> compile(loss = "mse", optimizer = "sgd")
      h <- model |> fit(list(1, 2), 3, validation_data = list(list(1, 2), 3),
                        epochs = 1, verbose = 0)
      list(val = h$metrics$val_loss, pred = predict(model, list(1, 2), verbose = 0))
    """)
    assert out["val"] == pytest.approx(0.0)       # 1 + 2 == 3: the add model is exact
    np.testing.assert_allclose(np.asarray(out["pred"]).ravel(), [3.0])


def test_single_number_as_model_data_is_a_vector_of_one():
    from rkeras.model_data import as_model_data

    assert as_model_data(3.0, "y").shape == (1,)
    assert as_model_data(np.float64(2), "y").shape == (1,)


def test_text_model_predicts_text_then_string_tensor(R):
    # test-layer-text_vectorization.R: predict() of an R character vector, then of a
    # tf string tensor (Keras alone retraces for the new rank and fails).
    out = R("""
      x <- c("hello world", "hello world")
      layer <- layer_text_vectorization()
      layer |> adapt(x)
      input <- layer_input(shape = 1, dtype = "string")
      model <- keras_model(input, layer(input))
      a <- predict(model, x, verbose = 0)
      b <- predict(model, tensorflow::tf$convert_to_tensor(x), verbose = 0)
      list(a = a, b = b)
    """)
    np.testing.assert_array_equal(np.asarray(out["a"]), [[3, 2], [3, 2]])   # keras3's values
    np.testing.assert_array_equal(np.asarray(out["b"]), [[3, 2], [3, 2]])


def test_as_array_of_scalar_tensor_and_zip_of_a_tuple_as_keras3(R):
    # test-preprocessing.R: as.array(<0-d tensor>) is a 1-d array (as R's as.array(5));
    # tuple(<tuple>) is that tuple and zip_datasets(tuple(a, b)) zips a and b.
    out = R("""
      t <- op_convert_to_tensor(c(1, 2, 3))
      a <- as.array(t[2])
      tt <- tuple(1, 2)
      ds <- tfdatasets::zip_datasets(tuple(tfdatasets::tensor_slices_dataset(1:3),
                                           tfdatasets::tensor_slices_dataset(4:6)))
      first <- reticulate::iter_next(ds$as_numpy_iterator())
      list(dim = dim(a), value = a[[1]], same = identical(tuple(tt), tt), n = length(first),
           shape = tensorflow::tf$zeros(c(2L, 3L))$shape$as_list())
    """)
    assert out["dim"] == 1 and out["value"] == 2.0
    assert out["same"] is True and out["n"] == 2
    assert isinstance(out["shape"], np.ndarray) and list(out["shape"]) == [2, 3]   # c(2, 3)
