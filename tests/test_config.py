"""config_* and random_*: keras.config and keras.random under keras3's names."""

import keras
import numpy as np
import pytest

import rkeras
from rkeras.errors import ArgumentError
from rkeras.registry import verbs_in


def test_config_family_is_keras_config():
    names = {v.name for v in verbs_in("config")}
    assert len(names) == 25
    assert {"config_floatx", "config_set_floatx", "config_epsilon", "config_backend",
            "config_enable_unsafe_deserialization", "config_image_data_format",
            "config_set_max_epochs", "config_dtype_policy"} <= names


def test_config_getters_and_setters_round_trip():
    assert rkeras.config_floatx() == keras.config.floatx()
    assert rkeras.config_backend() == "tensorflow"
    old = rkeras.config_epsilon()
    try:
        rkeras.config_set_epsilon(1e-5)
        assert keras.config.epsilon() == 1e-5
    finally:
        keras.config.set_epsilon(old)
    try:
        rkeras.config_set_max_epochs(3.0)          # R's 3 is a double
        assert keras.config.max_epochs() == 3
    finally:
        keras.config.set_max_epochs(None)


def test_random_family_names_and_shapes():
    names = {v.name for v in verbs_in("random")}
    assert names == {"random_beta", "random_binomial", "random_categorical", "random_dropout",
                     "random_gamma", "random_integer", "random_normal", "random_seed_generator",
                     "random_shuffle", "random_truncated_normal", "random_uniform"}
    x = rkeras.random_normal([2.0, 3.0], seed=1.0)
    assert tuple(x.shape) == (2, 3)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(x),
                                  keras.ops.convert_to_numpy(keras.random.normal((2, 3), seed=1)))
    ints = keras.ops.convert_to_numpy(rkeras.random_integer([100], 1, 4, seed=2))
    assert ints.min() >= 1 and ints.max() <= 3
    gen = rkeras.random_seed_generator(seed=42)
    assert isinstance(gen, keras.random.SeedGenerator)
    with pytest.raises(ArgumentError):
        rkeras.random_uniform([2, 2.5])
