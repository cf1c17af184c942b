"""rkeras.verb_names: Keras class names -> R keras3 verb names (checked against keras3's NAMESPACE)."""

import keras
import pytest

from rkeras.registry import registry
from rkeras.verb_names import OVERRIDES, r_name, snake_case


@pytest.mark.parametrize("keras_name, expected", [
    ("Conv2D", "layer_conv_2d"), ("MaxPooling2D", "layer_max_pooling_2d"), ("LSTM", "layer_lstm"),
    ("Conv2DTranspose", "layer_conv_2d_transpose"), ("UpSampling2D", "layer_upsampling_2d"),
    ("LeakyReLU", "layer_activation_leaky_relu"), ("PReLU", "layer_activation_parametric_relu"),
    ("GlobalAveragePooling1D", "layer_global_average_pooling_1d"), ("SimpleRNN", "layer_simple_rnn"),
    ("LayerNormalization", "layer_layer_normalization"), ("ConvLSTM2D", "layer_conv_lstm_2d"),
])
def test_layer_names_follow_keras3(keras_name, expected):
    assert r_name("layer", keras_name) == expected
    assert registry()[expected].target is getattr(keras.layers, keras_name)


@pytest.mark.parametrize("python_name, expected", [
    ("MaxPooling2D", "max_pooling_2d"), ("LSTM", "lstm"), ("AdamW", "adam_w"),
    ("RMSprop", "rmsprop"), ("TensorBoard", "tensorboard"), ("LSTMCell", "lstm_cell"),
    ("RMSNormalization", "rms_normalization"), ("CSVLogger", "csv_logger"),
])
def test_snake_case_splits_words_acronyms_and_dimensions(python_name, expected):
    assert snake_case(python_name) == expected


def test_every_override_changes_a_name():
    # An entry mapping a name to itself reads as a rule but does nothing.
    assert [name for name, r in OVERRIDES.items() if name == r] == []
