"""reticulate's surface in the embedded R: namespaces, Python callables as R functions, iterators,
context managers, tensors from R, variadic verbs (rkeras/r/R/reticulate.R, tensorflow.R,
rkeras/r/python_objects.py)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("rpy2")

from rkeras.r import r_eval, to_python  # noqa: E402
from rkeras.r.frontend import install  # noqa: E402

pytestmark = pytest.mark.r


@pytest.fixture(scope="module", autouse=True)
def front_end():
    install()
    r_eval("library(keras3); library(reticulate); library(tensorflow); library(tfdatasets)")


def rpy(code):
    return to_python(r_eval(code))


def test_namespaces_resolve_to_rkeras():
    assert rpy('requireNamespace("reticulate")') is True
    assert rpy('reticulate::py_available()') is True
    assert rpy('as.character(tensorflow::tf_version())') == ".".join(
        __import__("tensorflow").__version__.split(".")[:2])
    # keras3 1.5.1's implementation is "keras" unless KERAS_IMPLEMENTATION says otherwise.
    assert rpy('keras3:::is_tensorflow_implementation()') is False
    assert rpy('keras3:::is_keras_implementation()') is True
    # the registered namespace is rkeras's, not an installed reticulate
    assert rpy('environmentName(asNamespace("reticulate"))') == "reticulate"
    assert rpy('exists("py_to_r", envir = asNamespace("reticulate"), inherits = FALSE)') is True


def test_keras_module_builds_layers():
    layer = rpy('keras$layers$Dense(2L)')
    import keras
    assert isinstance(layer, keras.layers.Dense) and layer.units == 2


def test_import_numpy_and_conversions():
    np.testing.assert_array_equal(rpy('import("numpy")$arange(3L)'), [0, 1, 2])
    assert rpy('reticulate::py_to_r(r_to_py(c(1, 2)))').tolist() == [1.0, 2.0]
    assert rpy('is_py_object(np_array(c(1, 2)))') is True
    assert rpy('py_has_attr(import("numpy"), "arange")') is True
    assert rpy('py_str(tuple(1L, 2L))') == "(1, 2)"
    assert rpy('py_eval("1 + 2")') == 3


def test_python_class_is_an_r_function_with_dollar():
    assert rpy('is.function(tf$GradientTape)') is True
    assert "rkeras_py_object" in rpy('class(tf$GradientTape)')
    assert "gradient" in rpy('names(tf$GradientTape)')


def test_gradient_tape_with_as():
    g = rpy('''
      x <- tf$Variable(3)
      with(tf$GradientTape() %as% tape, { y <- x * x })
      as.numeric(tape$gradient(y, x))''')
    assert g == pytest.approx(6.0)


def test_iterate_tf_dataset():
    out = rpy('''
      ds <- tensor_slices_dataset(c(2L, 4L, 6L, 8L, 10L)) |> dataset_batch(2)
      iterate(ds, function(b) as.array(b))''')
    assert [list(np.atleast_1d(v)) for v in out] == [[2, 4], [6, 8], [10]]
    assert rpy('it <- as_iterator(range_dataset(0, 2)); c(as.numeric(iter_next(it)), '
               'as.numeric(iter_next(it)), is.null(iter_next(it)))').tolist() == [0, 1, 1]


def test_model_is_callable_from_r():
    shape = rpy('''
      inputs <- keras_input(shape = 3)
      base_model <- keras_model(inputs, layer_dense(inputs, 2))
      out <- inputs |> base_model()
      dim(out)''')
    assert np.isnan(shape[0]) and shape[1] == 2


def test_tensor_methods():
    assert rpy('dim(op_ones(c(2, 3)))').tolist() == [2, 3]
    assert rpy('length(op_ones(c(2, 3)))') == 6
    assert rpy('as.numeric(tf$constant(c(1.5, 2)))').tolist() == [1.5, 2.0]


def test_variadic_verbs_and_shape():
    assert rpy('format(shape(2, 3))') == "shape(2, 3)"
    assert rpy('class(shape(tail(c(5, 4), 1), 7))') == "keras_shape"
    np.testing.assert_allclose(
        rpy('as.array(op_einsum("ij,jk->ik", op_ones(c(2, 3)), op_ones(c(3, 2))))'),
        np.full((2, 2), 3.0))


def test_with_passes_an_r_error_to_exit_and_raises_it_again():
    # tensorflow R package + keras3 1.5.1: __exit__ receives <class 'RuntimeError'>; the
    # R error still reaches tryCatch; a body without error exits with (None, None, None).
    out = rpy("""
      main <- reticulate::py_run_string("
class CM:
    def __enter__(self):
        return self
    def __exit__(self, t, v, tb):
        global seen
        seen = (repr(t), str(v))
        return True
seen = None
")
      msg <- tryCatch(with(main$CM(), stop("boom")), error = function(e) conditionMessage(e))
      after_error <- reticulate::py_eval("seen")
      x <- 1
      with(main$CM(), x <- 2)
      list(msg = msg, after_error = after_error, x = x, clean = reticulate::py_eval("seen"),
           refused = tryCatch(with(keras_model_sequential(), 1), error = conditionMessage))
    """)
    assert out["msg"] == "boom"
    assert list(out["after_error"]) == ["<class 'RuntimeError'>", "boom"]
    assert out["x"] == 2 and list(out["clean"]) == ["None", "None"]
    assert "is not a context manager" in out["refused"]


def test_dollar_on_a_layer_attribute_that_is_a_python_function():
    # keras3: layer$activation is a python.builtin.function; `$` reads its attributes.
    out = rpy("""
      l <- layer_dense(units = 3, activation = "relu")
      list(name = l$activation$`__name__`, cls = class(l$activation)[1:2])
    """)
    assert out["name"] == "relu"
    assert list(out["cls"]) == ["python.builtin.function", "python.builtin.object"]
