"""rkeras.pipe: `>>`, the compose rule (keras3's compose_layer), `pipe()` and `then()`."""

import keras
import numpy as np
import pytest

from rkeras import *  # noqa: F403 - the point is that this works
from rkeras.pipe import PendingLayer


def test_pipe_adds_layers_in_place_and_returns_the_same_plain_model():
    model = keras_model_sequential()
    same = model >> layer_dense(units=512, activation="relu", input_shape=784)
    assert same is model
    model >> layer_dense(units=10, activation="softmax")
    assert type(model) is keras.Sequential
    assert [layer.units for layer in model.layers] == [512, 10]
    assert model.count_params() == 784 * 512 + 512 + 512 * 10 + 10


def test_direct_call_with_model_first_is_the_same_as_the_pipe():
    model = keras_model_sequential(input_shape=4)
    assert layer_dense(model, units=3) is model
    assert layer_dense(model, 2) is model  # positional, as R's layer_dense(model, 2)
    assert [layer.units for layer in model.layers] == [3, 2]


def test_without_object_a_layer_is_returned_and_can_be_shared():
    dense = layer_dense(units=4)
    assert isinstance(dense, PendingLayer)
    assert isinstance(dense.layer, keras.layers.Dense)
    assert dense.units == 4
    a, b = keras_input(shape=3), keras_input(shape=3)
    out_a, out_b = a >> dense, dense(b)
    assert tuple(out_a.shape) == (None, 4) and tuple(out_b.shape) == (None, 4)
    model = keras_model([a, b], [out_a, out_b])
    assert len(model.layers[-1].get_weights()) == 2  # one shared Dense


def test_functional_api_with_pipe_on_tensors():
    inputs = keras_input(shape=784)
    outputs = inputs >> layer_dense(units=64, activation="relu") >> layer_dense(units=10)
    model = keras_model(inputs, outputs)
    assert tuple(model.output.shape) == (None, 10)
    assert isinstance(model, keras.Model)


def test_layer_called_on_eager_array():
    out = np.ones((2, 3), "float32") >> layer_dense(units=5, kernel_initializer="ones")
    assert tuple(out.shape) == (2, 5)
    np.testing.assert_allclose(np.asarray(out), 3.0)


def test_merge_layers_take_several_inputs():
    a, b = keras_input(shape=4), keras_input(shape=4)
    assert tuple(layer_add([a, b]).shape) == (None, 4)
    assert tuple((a >> layer_concatenate(b)).shape) == (None, 8)
    assert tuple(layer_concatenate(a, b, axis=-1).shape) == (None, 8)


def test_pipe_function_and_then():
    model = pipe(keras_model_sequential(input_shape=3), layer_dense(units=2))
    assert model.layers[-1].units == 2
    assert (np.arange(6).reshape(2, 3) >> then(np.sum, axis=1)).tolist() == [3, 12]


def test_numpy_does_not_hijack_the_pipe():
    x = np.arange(12.0)
    assert (x >> array_reshape(dim=(3, 4))).shape == (3, 4)



# --- issue 13: any Keras layer in a chain (12), the 1-based axis (13) ---------------------

def test_layer_from_puts_any_keras_layer_in_a_chain():
    from rkeras import keras_input, keras_model, keras_model_sequential, layer_dense, layer_from

    base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)], name="base")

    class Twice(keras.Layer):
        def call(self, x):
            return 2 * x

    model = (keras_model_sequential(input_shape=4) >> layer_from(base)
             >> layer_from(Twice()) >> layer_from(keras.layers.Dense(2)) >> layer_dense(units=1))
    assert [type(layer).__name__ for layer in model.layers] == ["Sequential", "Twice", "Dense", "Dense"]
    assert model.layers[0] is base
    inputs = keras_input(shape=4)
    outputs = inputs >> layer_from(base) >> layer_from(keras.layers.Dense(2))
    assert tuple(keras_model(inputs, outputs).output.shape) == (None, 2)
    assert model.predict(np.ones((2, 4)), verbose=0).shape == (2, 1)
    with pytest.raises(TypeError, match="expected a Keras layer or model"):
        layer_from(np.mean)


def test_axis_errors_hint_at_the_one_based_rule_and_help_says_so():
    from rkeras import keras_input, layer_concatenate

    a, b = keras_input(shape=4), keras_input(shape=3)
    with pytest.raises(ValueError, match=r"1-based, as in R: axis = 1 is Keras's axis 0 \(the batch axis\)"):
        layer_concatenate(a, b, axis=1)
    assert tuple(layer_concatenate(a, b, axis=2).shape) == (None, 7)
    assert tuple(layer_concatenate(a, b, axis=-1).shape) == (None, 7)
    doc = layer_concatenate.__doc__
    assert "R conventions" in doc and "axis: 1-based, as in R" in doc
