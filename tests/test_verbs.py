"""rkeras.verbs: binding, resolving and R's conventions for the generated verbs, and their errors."""

import keras
import numpy as np
import pytest

from rkeras import *  # noqa: F403 - the point is that this works
from rkeras.errors import ArgumentError, UnknownNameError


def test_r_style_layer_arguments():
    model = keras_model_sequential()
    model >> layer_conv_2d(filters=32.0, kernel_size=[3.0, 3.0], activation="relu",
                           input_shape=[28, 28, 1]) >> layer_max_pooling_2d(pool_size=[2, 2])
    conv, pool = model.layers
    assert conv.filters == 32 and conv.kernel_size == (3, 3)
    assert pool.pool_size == (2, 2)
    assert tuple(model.output_shape) == (None, 13, 13, 32)


def test_axis_is_one_based_for_layers():
    assert layer_concatenate(axis=1).layer.axis == 0
    assert layer_batch_normalization(axis=-1).layer.axis == -1


def test_uncalled_verbs_resolve_to_keras_objects():
    layer = layer_dense(units=2, activation=activation_relu,
                        kernel_initializer=initializer_ones)
    assert layer.activation is keras.activations.relu
    assert isinstance(layer.kernel_initializer, keras.initializers.Ones)


def test_non_integral_units():
    with pytest.raises(ArgumentError, match=r"`units` must be a whole number; got 512\.5"):
        layer_dense(units=512.5)


def test_negative_size():
    with pytest.raises(ArgumentError, match="`filters` must be positive; got -1"):
        layer_conv_2d(filters=-1, kernel_size=3)


def test_misspelled_argument_suggests_the_closest(tiny_model):
    with pytest.raises(ArgumentError, match=r"unknown argument `unit`\. Did you mean 'units'\?"):
        layer_dense(unit=3)
    with pytest.raises(ArgumentError, match=r"Did you mean 'epochs'"):
        fit(tiny_model(), np.ones((4, 8)), np.ones((4, 2)), epoch=3)


def test_missing_required_argument():
    with pytest.raises(ArgumentError, match="argument `units` is missing"):
        layer_dense()


def test_unknown_activation_optimizer_loss_metric(tiny_model):
    with pytest.raises(UnknownNameError, match=r"unknown activation 'rellu'\. Did you mean 'relu'"):
        layer_dense(units=3, activation="rellu")
    model = tiny_model()
    with pytest.raises(UnknownNameError, match=r"compile\(optimizer=\).*'rmsprp'.*Did you mean 'rmsprop'"):
        model >> compile(optimizer="rmsprp", loss="mse")
    with pytest.raises(UnknownNameError, match=r"Did you mean 'categorical_crossentropy'"):
        model >> compile(loss="categorical_crossentropi")
    with pytest.raises(UnknownNameError, match=r"unknown metric 'acuracy'.*Did you mean 'accuracy'"):
        model >> compile(loss="mse", metrics="acuracy")

