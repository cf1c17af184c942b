"""The R path's data for Keras (issue 15): one float32 copy of R's doubles, lent to Keras as is.

R matrices reach rkeras as column-major float64 views of R's memory; Keras
needs row-major float32. `rkeras.data_values.float32_rows` makes that one
copy in memory TensorFlow can use, and `lend_to_keras` hands it to Keras as a
tensor over the same memory, so Keras does not copy it a second time. These
tests check the values, dtypes and layout, that only rkeras's private copies
are lent, and that training on them gives exactly the losses, metrics and
predictions Keras gives on its own float32 copy of the same data.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import rkeras
from rkeras.data_values import float32_rows, lend_to_keras


@pytest.fixture
def f_doubles():
    """A column-major float64 matrix, as R hands over its matrices."""
    rng = np.random.default_rng(3)
    return np.asfortranarray(rng.normal(size=(200, 12)))


def test_float32_rows_is_a_row_major_float32_copy(f_doubles):
    out = float32_rows(f_doubles)
    assert out.dtype == np.float32 and out.shape == (200, 12)
    assert out.flags.c_contiguous and out.flags.writeable
    assert out.ctypes.data % 64 == 0                  # TensorFlow's alignment
    assert not np.shares_memory(out, f_doubles)
    np.testing.assert_array_equal(out, f_doubles.astype(np.float32))


def test_float32_rows_other_dtype_and_nd():
    a = np.asfortranarray(np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4))
    out = float32_rows(a, "float64")
    assert out.dtype == np.float64 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, a)


def test_private_copy_is_lent_without_a_copy(f_doubles):
    private = float32_rows(f_doubles)
    tensor = lend_to_keras(private)
    assert isinstance(tensor, tf.Tensor)
    assert tensor.dtype == tf.float32 and tuple(tensor.shape) == (200, 12)
    np.testing.assert_array_equal(tensor.numpy(), f_doubles.astype(np.float32))
    private[0, 0] = 1234.5                # same memory: the tensor sees it
    assert float(tensor[0, 0]) == 1234.5


def test_lent_tensor_outlives_the_array(f_doubles):
    tensor = lend_to_keras(float32_rows(f_doubles))   # the array is dropped at once
    import gc

    gc.collect()
    np.testing.assert_array_equal(tensor.numpy(), f_doubles.astype(np.float32))


def test_callers_arrays_are_not_lent(f_doubles):
    mine = np.ascontiguousarray(f_doubles, dtype=np.float32)
    assert lend_to_keras(mine) is mine                # Keras copies it, as always
    view = float32_rows(f_doubles)[1:]                # not the private array itself
    assert lend_to_keras(view) is view
    assert lend_to_keras(None) is None


def test_several_inputs_are_lent_one_by_one(f_doubles):
    private, mine = float32_rows(f_doubles), np.ones((200, 2), np.float32)
    as_list = lend_to_keras([private, mine])
    assert type(as_list) is list and isinstance(as_list[0], tf.Tensor) and as_list[1] is mine
    as_tuple = lend_to_keras((private, mine))
    assert type(as_tuple) is tuple and isinstance(as_tuple[0], tf.Tensor)
    as_dict = lend_to_keras({"a": private, "b": mine})
    assert isinstance(as_dict["a"], tf.Tensor) and as_dict["b"] is mine


def _model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(12,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(11)
    x = np.asfortranarray(rng.normal(size=(300, 12)))
    labels = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)
    return x, np.asfortranarray(np.eye(3)[labels])


def test_fit_on_column_major_doubles_gives_keras_losses():
    """rkeras's fit (lent float32 copy) and Keras's fit (its own copy): identical results."""
    x, y = _data()
    ours, theirs = _model(5), _model(5)
    keras.utils.set_random_seed(9)
    history = rkeras.fit(ours, x, y, epochs=3, batch_size=32, validation_split=0.2, verbose=0)
    keras.utils.set_random_seed(9)
    expected = theirs.fit(np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.float32),
                          epochs=3, batch_size=32, validation_split=0.2, verbose=0).history
    assert history.metrics["loss"] == expected["loss"]
    assert history.metrics["val_accuracy"] == expected["val_accuracy"]
    results = rkeras.evaluate(ours, x, y, verbose=0)
    assert results["loss"] == theirs.evaluate(x.astype(np.float32), y, verbose=0)[0]
    np.testing.assert_array_equal(rkeras.predict(ours, x, verbose=0),
                                  theirs.predict(x.astype(np.float32), verbose=0))


@pytest.mark.r
def test_fit_from_r_gives_keras_losses(R):
    """The same through the R front end: R's doubles, R's one-hot labels, R's fit()."""
    from rkeras.r import r_assign, to_r

    x, y = _data()
    ours, theirs = _model(5), _model(5)
    r_assign("m", to_r(ours))
    r_assign("x", to_r(np.asfortranarray(x)))
    r_assign("y", to_r(np.asfortranarray(y)))
    assert R("is.double(x) && identical(dim(x), c(300L, 12L))") is True
    keras.utils.set_random_seed(9)
    losses = R("fit(m, x, y, epochs = 3, batch_size = 32, verbose = 0)$metrics$loss")
    keras.utils.set_random_seed(9)
    expected = theirs.fit(x.astype(np.float32), y.astype(np.float32), epochs=3, batch_size=32,
                          verbose=0).history["loss"]
    assert list(losses) == expected
    assert R("evaluate(m, x, y, verbose = 0)$loss") == theirs.evaluate(
        x.astype(np.float32), y, verbose=0)[0]


# ---------------------------------------------- array_reshape's result in R's memory
def test_array_reshape_of_r_array_is_rs_values(R):
    """R's array_reshape(): C-order reshape as reticulate's numpy.reshape, integer kept."""
    x = R("x <- array(seq_len(400L * 28L * 28L), c(400L, 28L, 28L)); x")
    y = R("y <- array_reshape(x, c(400, 784)); y")
    assert R('typeof(y)') == "integer" and list(R("dim(y)")) == [400, 784]
    np.testing.assert_array_equal(y, np.reshape(np.asarray(x), (400, 784), order="C"))
    # R row 2 is image 2 read row by row: x[2, 1, ] then x[2, 2, ] ...
    assert R("identical(y[2, 1:56], c(x[2, 1, ], x[2, 2, ]))") is True
    # y is an ordinary R value: changing it changes neither x nor another binding
    assert R("z <- y; y[1, 1] <- -1L; c(y[1, 1], z[1, 1], x[1, 1, 1])").tolist() == [-1, 1, 1]


def test_array_reshape_keeps_r_na_and_nan(R):
    y = R("x <- array(as.double(seq_len(500L * 600L)), c(500L, 20L, 30L)); x[1, 1, 1] <- NA; "
          "x[2, 1, 1] <- NaN; y <- array_reshape(x, c(500, 600)); "
          "c(is.na(y[1, 1]), is.nan(y[1, 1]), is.nan(y[2, 1]), typeof(y) == 'double')")
    assert y.tolist() == [True, False, True, True]


def test_array_reshape_result_is_handed_to_r_without_a_copy(r):
    from rkeras.r import r_eval, to_python, to_r

    view = to_python(r_eval("array(seq_len(300L * 40L * 30L), c(300L, 40L, 30L))"))
    out = rkeras.array_reshape(view, [300, 1200])
    assert out.flags.f_contiguous and out.dtype == np.int32
    np.testing.assert_array_equal(out, np.reshape(np.asarray(view), (300, 1200)))
    robj = to_r(out)
    back = to_python(robj)
    assert np.shares_memory(back, out)           # the very R vector, not a copy
    assert not out.flags.writeable               # R owns it now: no writes from Python
    assert r_eval("function(v) identical(dim(v), c(300L, 1200L))")(robj)[0]
    part = rkeras.array_reshape(view, [300, 1200])[:10]    # a slice: an ordinary copy
    assert not np.shares_memory(to_python(to_r(part)), part)


def test_python_data_is_reshaped_in_numpy_memory():
    a = np.asfortranarray(np.arange(300 * 40 * 30, dtype=np.int32).reshape(300, 40, 30))
    out = rkeras.array_reshape(a, [300, 1200])
    assert out.flags.writeable and out.flags.f_contiguous
    np.testing.assert_array_equal(out, np.reshape(a, (300, 1200)))


def test_class_weight_on_lent_labels_gives_keras_losses():
    """class_weight reads y, which is lent as a tensor too: Keras's results all the same."""
    x, y = _data()
    ours, theirs = _model(6), _model(6)
    weights = {0: 1.0, 1: 2.0, 2: 0.5}
    keras.utils.set_random_seed(4)
    history = rkeras.fit(ours, x, y, epochs=2, batch_size=64, class_weight=weights, verbose=0)
    keras.utils.set_random_seed(4)
    expected = theirs.fit(x.astype(np.float32), y.astype(np.float32), epochs=2, batch_size=64,
                          class_weight=weights, verbose=0).history
    assert history.metrics["loss"] == expected["loss"]
