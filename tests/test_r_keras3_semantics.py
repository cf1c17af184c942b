"""keras3's semantics in the R front end, one test per difference found against R keras3 1.5.1.

Each expected value is what real keras3 1.5.1 printed for the same R snippet
(run side by side with /work/peer, see docs in shared/reference/keras3-peer.md).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

DATA = os.environ.get("RKERAS_DATASETS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data")



MODEL = ("keras_model_sequential(input_shape = 4) |> layer_dense(2) |> layer_dense(1)")


def test_set_random_seed_seeds_r(R):
    # keras3: set_random_seed(1); runif(2) gives set.seed(1)'s numbers.
    got = R("set_random_seed(1); runif(2)")
    assert np.allclose(got, [0.2655087, 0.3721239], atol=1e-7)
    assert np.allclose(got, R("set.seed(1); runif(2)"))


def test_verbose_true_false_accepted(R):
    text = R(f"""m <- {MODEL}; compile(m, loss = "mse")
        x <- matrix(runif(40), 10); y <- runif(10)
        h <- fit(m, x, y, epochs = 1, verbose = FALSE)
        capture.output(r <- evaluate(m, x, y, verbose = FALSE),
                       p <- predict(m, x, verbose = FALSE))""")
    assert R("dim(predict(m, x, verbose = TRUE))").tolist() == [10, 1]
    assert R("length(h$metrics$loss)") == 1
    assert R("names(r)") == "loss"
    assert list(R("dim(p)")) == [10, 1]
    # verbose = FALSE shows no progress in R's output
    assert not any("step" in line for line in ([text] if isinstance(text, str) else (text or [])))


def test_compile_returns_the_same_object(R):
    assert R(f"""model <- {MODEL}
        identical(model, compile(model, optimizer = "rmsprop", loss = "mse"))""") is True
    # invisibly, as keras3
    assert R('withVisible(compile(model, loss = "mse"))$visible') is False


def test_one_dimensional_arrays_keep_dim(R):
    # keras3: int [1:60000(1d)] for the labels; num [1:2(1d)] for a bias.
    assert R("d <- dataset_mnist(); dim(d$train$y)") == 60000
    assert R("is.integer(d$train$y) && is.array(d$train$y)") is True
    got = R(f"m <- {MODEL}; w <- get_weights(m); c(is.array(w[[2]]), length(dim(w[[2]])))")
    assert got.tolist() == [1, 1]
    assert R("dim(as.array(op_ones(3)))") == 3
    # predict on one output stays a (n, 1) matrix
    assert list(R("dim(predict(m, matrix(0, 5, 4), verbose = 0))")) == [5, 1]
    # R's own vectors from Python lists keep no dim (evaluate's values)
    assert R('compile(m, loss = "mse"); '
             'is.null(dim(evaluate(m, matrix(0, 5, 4), rep(0, 5), verbose = 0)$loss))')


def test_class_has_python_class_chain(R):
    classes = R(f"model <- {MODEL}; class(model)")
    assert classes[:2] == ["keras.src.models.sequential.Sequential", "keras.src.models.model.Model"]
    assert "keras.src.layers.layer.Layer" in classes and "python.builtin.object" in classes
    assert R('inherits(model, "keras.src.models.model.Model") && inherits(model, "rkeras_model")') is True
    # an S3 method on a Keras class is found, as in keras3
    assert R('''describe <- function(x) UseMethod("describe")
        describe.keras.src.models.model.Model <- function(x) "a keras model"
        describe(model)''') == "a keras model"
    assert R("class(op_ones(2))[1]") == "tensorflow.tensor"


def test_python_errors_have_reticulate_classes(R):
    got = R('''tryCatch(fit(keras_model_sequential(input_shape = 4) |> layer_dense(1), "a"),
                        python.builtin.ValueError = function(e) class(e))''')
    assert "python.builtin.ValueError" in got
    assert got[-2:] == ["error", "condition"]
    assert got.index("python.builtin.ValueError") < got.index("python.builtin.Exception")
    # rkeras's own errors: their class chain, then Python's, and keras3's message format
    got = R('tryCatch(layer_dense(units = -1), error = function(e) list(class(e), conditionMessage(e)))')
    cls, msg = list(got[0]), got[1]
    assert cls[:2] == ["rkeras.errors.ArgumentError", "rkeras.errors.RKerasError"]
    assert "python.builtin.ValueError" in cls
    assert msg.startswith("ArgumentError: ")


def test_losses_on_values_are_per_sample(R):
    # keras3: loss_mean_squared_error on 2 samples gives tf.Tensor([2. 5.]) (float32)
    got = R("as.array(loss_mean_squared_error(matrix(c(1, 2, 3, 4), 2), matrix(1, 2, 2)))")
    assert np.allclose(got, [2.0, 5.0])
    got = R("as.array(loss_categorical_crossentropy(matrix(c(1, 0, 0, 1), 2), matrix(c(.9, .1, .2, .8), 2)))")
    assert np.allclose(got, [0.20067078, 0.11778302], atol=1e-6)
    assert R("class(loss_mean_squared_error(matrix(1, 2, 2), matrix(1, 2, 2)))")[0] == "tensorflow.tensor"
    # without values: the Loss object
    assert "keras.src.losses.losses.MeanSquaredError" in R("class(loss_mean_squared_error())")


def test_losses_on_values_are_per_sample_in_python():
    import rkeras

    got = rkeras.loss_mean_squared_error(np.array([[1.0, 3.0], [2.0, 4.0]]), np.ones((2, 2)))
    assert np.allclose(np.asarray(got), [2.0, 5.0])
    import keras

    y, p = np.array([[1.0], [0.0]]), np.array([[0.9], [0.8]])
    expected = keras.metrics.binary_accuracy(y.astype("float32"), p.astype("float32"))
    assert np.array_equal(np.asarray(rkeras.metric_binary_accuracy(y, p)), np.asarray(expected))


def test_saved_optimizer_keeps_keras_name(R, tmp_path):
    import json
    import zipfile

    path = (tmp_path / "m.keras").as_posix()
    R(f'clear_session(); m <- {MODEL}\n'
      f'compile(m, optimizer = "rmsprop", loss = "mse"); save_model(m, "{path}")')
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["compile_config"]["optimizer"]["config"]["name"] == "rm_sprop"


def test_fit_with_a_list_of_tensors_and_loss_weights(R):
    got = R('''i1 <- keras_input(shape = 3, name = "a"); i2 <- keras_input(shape = 2, name = "b")
        o1 <- layer_concatenate(list(i1, i2)) |> layer_dense(1, name = "o1")
        o2 <- i1 |> layer_dense(1, name = "o2")
        m <- keras_model(list(i1, i2), list(o1, o2))
        m |> compile(loss = list("mse", "mse"), loss_weights = c(1, 0.2), optimizer = "adam")
        x1 <- op_convert_to_tensor(matrix(runif(30), 10)); x2 <- op_convert_to_tensor(matrix(runif(20), 10))
        y <- matrix(runif(10), 10)
        h <- fit(m, list(x1, x2), list(y, y), epochs = 1, verbose = 0)
        names(h$metrics)''')
    assert got == ["loss", "o1_loss", "o2_loss"]


def test_keras_input_shape_na(R):
    assert R("inp <- keras_input(shape = c(NA)); length(inp$shape)") == 2
    assert R("is.null(inp$shape[[2]])") is True


def test_plot_model_explains_what_to_install(R):
    pytest.importorskip("rpy2")
    try:
        import pydot  # noqa: F401
        pytest.skip("pydot is installed: plot() draws")
    except ImportError:
        pass
    got = R(f'''m <- {MODEL}
        tryCatch(plot(m), python.builtin.ImportError = function(e) conditionMessage(e))''')
    assert "pydot" in got and "graphviz" in got


def test_data_error_uses_r_syntax(R):
    msg = R('''m <- keras_model_sequential(input_shape = 784) |> layer_dense(10)
        compile(m, loss = "mse")
        tryCatch(fit(m, array(0, c(10, 28, 28)), matrix(0, 10, 10), verbose = 0),
                 error = function(e) conditionMessage(e))''')
    assert "array_reshape(x, c(10, 784))" in msg
    assert "has shape c(10, 28, 28) but the model expects c(n, 784)" in msg


def test_model_summary_print_and_format_are_as_wide_as_the_console(R):
    # keras3 1.5.1 (Rscript, width 80): every table line of summary(), print() and format()
    # is 80 characters; options(width = 100) widens it.
    widths = R(f"""
      m <- {MODEL}
      w <- function(txt) unique(nchar(grep("[│┃┏┡└├]", strsplit(txt, "\\n")[[1]], value = TRUE)))
      printed <- paste(capture.output(print(m)), collapse = "\\n")
      wide <- local({{ old <- options(width = 100); on.exit(options(old)); format(m) }})
      list(summary = w(paste(capture.output(summary(m)), collapse = "\\n")),
           print = w(printed), format = w(format(m)), wide = w(wide))
    """)
    assert (widths["summary"], widths["print"], widths["format"]) == (80, 80, 80)
    assert widths["wide"] == 100


# ---------------------------------------------------------------------------
# R values handed to Keras as reticulate hands them (issue 11; probes in
# tools/keras3_compat/probes/ops_values.R). Expected values: what real keras3
# 1.5.1 printed here for the same R code.
# ---------------------------------------------------------------------------
def _dtype(R, code):
    return R(f"as.character(({code})$dtype)")


def test_r_double_vectors_reach_keras_as_lists_float32(R):
    # keras3: reticulate makes c(1, 2) a Python list, which Keras reads as floatx (float32)
    for code in ("op_array(c(1, 2))", "keras$ops$array(c(1, 2))", "op_add(c(1, 2), 1)",
                 "op_multiply(op_ones(c(2)), c(1, 2))", "op_stack(list(c(1, 2), c(3, 4)))",
                 "op_sqrt(c(4, 9))", "activation_relu(c(-1, 1))",
                 "op_where(c(TRUE, FALSE), c(1, 2), c(3, 4))"):
        assert _dtype(R, code) == "<dtype: 'float32'>", code
    assert R("keras_variable(c(1, 2))$dtype") == "float32"
    assert R("r_to_py(c(1, 2))$`__class__`$`__name__`") == "list"


def test_r_arrays_and_keras3s_own_arrays_stay_float64(R):
    # keras3: arrays and matrices are numpy float64; op_convert_to_tensor() and
    # op_argmax() call as.array() themselves; integer vectors are int32 either way.
    assert _dtype(R, "op_convert_to_tensor(c(1, 2))") == "<dtype: 'float64'>"
    assert _dtype(R, "op_array(matrix(1:4 + 0, 2))") == "<dtype: 'float64'>"
    assert _dtype(R, "op_array(array(c(1, 2)))") == "<dtype: 'float64'>"
    assert _dtype(R, "op_array(c(1L, 2L))") == "<dtype: 'int32'>"
    assert _dtype(R, "op_array(c(TRUE, FALSE))") == "<dtype: 'bool'>"
    # rkeras's conventions still read the vectors: 1-based indices and axes
    assert R("as.array(op_take(c(10, 20, 30), c(1, 3)))").tolist() == [10.0, 30.0]
    assert R("as.array(op_argmax(c(1, 3, 2)))").tolist() == [2]
    assert R("dim(op_mean(matrix(1:6 + 0, 2), axis = 1))") == 3


def test_tensor_arithmetic_casts_r_values_to_the_tensors_dtype(R):
    # keras3 (tensorflow's Ops): as_tensor(<R value>, x$dtype) before tf$add ...
    R("x <- op_array(c(1, 2)); m <- op_ones(c(2, 2))")
    for code in ("x + c(1, 2)", "c(1, 2) + x", "m + matrix(1, 2, 2)", "m * array(c(1, 2))"):
        assert _dtype(R, code) == "<dtype: 'float32'>", code
    assert R("as.array(x + c(1, 2))").tolist() == [2.0, 4.0]


def test_loss_metric_and_initializer_objects_take_r_values(R):
    # keras3 1.5.1: loss_fn(c(0L, 1L), y_pred) is 0.2200949; init(c(2, 3)) a 2x3 tensor of 2;
    # metric m(c(1, 2), c(2, 2)) is 0.5 (y_true and y_pred as floatx arrays)
    got = R("""loss_fn <- loss_sparse_categorical_crossentropy(from_logits = TRUE)
        as.array(loss_fn(c(0L, 1L), rbind(c(2, 1), c(1, 3))))""")
    assert np.isclose(got, 0.2200949, atol=1e-6)
    assert list(R("init <- initializer_constant(2); dim(init(c(2, 3)))")) == [2, 3]
    assert R("is.function(init)") is True
    assert np.isclose(R("m <- metric_mean_squared_error(); as.array(m(c(1, 2), c(2, 2)))"), 0.5)
    # a method returning None is invisible (keras3 printed nothing for m$update_state(...))
    assert R("withVisible(m$update_state(c(1, 2), c(1, 3)))$visible") is False


def test_printing_tensors_variables_and_callables_as_keras3(R):
    # keras3 1.5.1's output for the same lines (tools/keras3_compat/probes/printing.R)
    out = lambda code: R(f'paste(capture.output({code}), collapse = "\\n")')  # noqa: E731
    assert out("print(op_array(c(1, 2)))") == "tf.Tensor([1. 2.], shape=(2), dtype=float32)"
    assert out("str(op_ones(2))") == (
        "<tf.Tensor: shape=(2), dtype=float32, numpy=array([1., 1.], dtype=float32)>")
    assert out("keras_variable(c(1, 2), name = 'v')").endswith(
        "shape=(2), dtype=float32, value=[1. 2.]>")
    assert R("class(keras_variable(1))[1]") == "tensorflow.tensor"
    assert out("keras$ops$leaky_relu").splitlines()[1] == " signature: (x, negative_slope=0.2)"
    dense = out("keras$layers$Dense").splitlines()
    assert dense[:3] == ["<class 'keras.src.layers.core.dense.Dense'>", " signature: (", "   units, "]
    assert dense[-1] == ")"
    assert out("layer_dense(units = 2, name = 'd')") == (
        "<Dense name=d, built=False>\n signature: (*args, **kwargs)")
    assert out("op_shape(op_ones(c(2, 3)))") == "shape(2, 3)"
    assert R("format(op_array(c(1, 2)))") == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert R("as.character(op_array(c(1, 2)))") == ["1", "2"]


def test_import_convert_false_keeps_python_objects(R):
    # keras3: np <- import("numpy", convert = FALSE); np$arange(3L) prints array([0, 1, 2])
    R('np <- import("numpy", convert = FALSE); a <- np$arange(3L)')
    assert R("capture.output(a)") == "array([0, 1, 2])"
    assert R("class(a)[1]") == "numpy.ndarray"
    assert R("py_to_r(a)").tolist() == [0, 1, 2]
    assert R('capture.output(import("numpy")$arange(3L))') == "[1] 0 1 2"


def test_tensor_shapes_and_numpy_arrays_as_tensorflow_and_reticulate(R):
    # keras3 1.5.1 (probes/tensors_to_r.R): TensorShape's as.integer, format, str, ==;
    # op_convert_to_numpy() stays a numpy array, str() shows reticulate's summary.
    R("x <- op_array(matrix(1:6 + 0, 2))")
    assert R("as.integer(x$shape)").tolist() == [2, 3]
    assert R("format(x$shape)") == "(2, 3)"
    assert R("capture.output(str(x$shape))") == "TensorShape([2, 3])"
    assert R("x$shape == c(2, 3)") is True and R("x$shape != c(2, 4)") is True
    assert R("capture.output(str(op_convert_to_numpy(x)))") == "<numpy.ndarray shape(2,3), dtype=float64>"
    assert R("str(op_convert_to_array(x)); dim(op_convert_to_array(x))").tolist() == [2, 3]


def test_layer_class_is_its_python_class_chain(R):
    # keras3 1.5.1: class(from_config(get_config(layer))) is the Python chain, Dense first
    got = R("class(layer_dense(units = 2))")
    assert got[:2] == ["keras.src.layers.core.dense.Dense", "keras.src.layers.layer.Layer"]
    assert got[-1] == "python.builtin.object"
    assert R('is.function(layer_dense(units = 2)) && inherits(layer_dense(units = 2), "rkeras_layer_fn")')


def test_int64_arrays_and_integer_vectors_reshaped_are_doubles(R):
    # keras3 1.5.1 (reticulate): int64 arrays reach R as doubles, int32 as integers;
    # array_reshape(1:6, c(2, 3)) is num (the vector went through numpy as int64)
    assert R('typeof(as.array(op_array(c(1L, 2L), dtype = "int64")))') == "double"
    assert R('typeof(as.array(op_array(c(1L, 2L))))') == "integer"
    assert R("typeof(array_reshape(1:6, c(2, 3)))") == "double"
    assert R("typeof(array_reshape(matrix(1:6, 2), c(3, 2)))") == "integer"
    assert R("array_reshape(1:6, c(2, 3))[2, ]").tolist() == [4.0, 5.0, 6.0]


def test_random_categorical_is_one_based_with_whole_number_arguments(R):
    # keras3 1.5.1: str(as.array(random_categorical(matrix(c(0, 0), 1), 3, seed = 5))) is
    # int [1, 1:3] 1 2 1 (num_samples and seed from R doubles; classes counted from 1)
    got = R("as.array(random_categorical(matrix(c(0, 0), 1), 3, seed = 5))")
    assert got.tolist() == [[1, 2, 1]]
    got = R("as.array(random_categorical(matrix(c(0, 0), 1), 3, seed = 5, zero_indexed = TRUE))")
    assert got.tolist() == [[0, 1, 0]]


def test_reticulate_dict_tuple_items_length_and_numpy_scalars(R):
    # keras3 1.5.1 (probes/reticulate_values.R): dict()/tuple() are convert = FALSE
    # (d$a prints 1.0), x[[1]] is Python's x[1], length() is len(), numpy int64 scalars
    # are doubles, iterate() is invisible.
    R('library(reticulate); d <- dict(a = 1, b = "x"); t <- tuple(1, "a")')
    assert R("capture.output(d$a)") == "1.0"
    assert R('capture.output(t[[1]])') == "'a'"
    assert R("length(t)") == 2 and R("length(d)") == 2
    assert R('typeof(py_eval("__import__(\'numpy\').int64(3)"))') == "double"
    assert R('typeof(py_eval("__import__(\'numpy\').int32(3)"))') == "integer"
    assert R('withVisible(iterate(py_eval("range(3)")))$visible') is False
    assert R("length(keras_model_sequential())") == 1


def test_more_r_values_in_ops_as_keras3(R):
    # keras3 1.5.1 (probes/ops_edge.R): a named vector loses its names (a list: float32);
    # NaN stays NaN and R's NA stays NA through float64; op_roll's shift and
    # op_searchsorted's values are converted as keras3 does; an int tensor / 2L is
    # tf.truediv (float64), + 0.5 casts 0.5 to int32 first.
    assert _dtype(R, "op_array(c(a = 1, b = 2))") == "<dtype: 'float32'>"
    assert R("as.character(as.array(op_array(c(NaN, 1))))") == ["NaN", "1"]
    assert R('a <- as.array(op_array(c(NA, 1), dtype = "float64")); c(is.na(a[1]), is.nan(a[1]))'
             ).tolist() == [True, False]
    assert R("as.array(op_roll(c(1, 2, 3), 1))").tolist() == [3.0, 1.0, 2.0]
    assert R("as.array(op_searchsorted(c(1, 2, 3), c(2.5)))").tolist() == [3]
    R("x <- op_array(c(1L, 2L))")
    assert _dtype(R, "x / 2L") == "<dtype: 'float64'>"
    assert R("as.array(x + 0.5)").tolist() == [1, 2]
    assert R("as.array(2 ^ op_array(c(1, 2)))").tolist() == [2.0, 4.0]
    # a named vector given as data keeps its names where rkeras reads them (class_weight)
    assert R("is.null(names(c(a = 1)))") is False


def test_power_transpose_and_all_equal_on_tensors_as_keras3(R):
    # keras3 1.5.1 registers `^` (op_square/op_sqrt/op_power), t(), aperm() and all.equal()
    # for backend tensors: 0.5 ^ op_array(2L) is float32 0.25, x ^ 0.5 is op_sqrt
    R("x <- op_array(2L); m <- op_array(matrix(1:4 + 0, 2))")
    assert _dtype(R, "0.5 ^ x") == "<dtype: 'float32'>" and np.isclose(R("as.array(0.5 ^ x)"), 0.25)
    assert np.isclose(R("as.array(x ^ 0.5)"), np.sqrt(2))
    assert np.isclose(R("v <- keras_variable(2L, dtype = 'int64'); as.array(0.1 * 0.5^(v %/% 2))"), 0.05)
    assert R("as.array(t(m))").tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert R("as.array(aperm(m))").tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert R("all.equal(op_array(c(1, 2)), op_array(c(1, 2)))") is True


def test_r_defined_loss_instance_is_an_r_function(R):
    # keras3 1.5.1 (probes/custom_classes.R): loss <- MyLoss(); loss(y, p) is tf.Tensor(2.0)
    got = R("""MyLoss <- Loss("MyLoss", call = function(y_true, y_pred)
                   op_mean(op_square(y_true - y_pred), axis = -1))
               loss <- MyLoss(); c(is.function(loss),
                                   as.array(loss(matrix(c(1, 2), 1), matrix(c(1, 4), 1))))""")
    assert got.tolist() == [1.0, 2.0]
