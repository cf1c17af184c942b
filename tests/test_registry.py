"""The verb registry: every Keras layer and callback has its R keras3 verb."""

import inspect

import keras
import pytest

import rkeras
from rkeras.verb_names import r_name
from rkeras.registry import FAMILIES, NOT_MAPPED, registry


def _public_classes(module, base):
    seen = {}
    for attr in dir(module):
        obj = getattr(module, attr)
        if not attr.startswith("_") and inspect.isclass(obj) and issubclass(obj, base):
            seen[id(obj)] = obj
    return seen.values()


@pytest.mark.parametrize("module, base, prefix", [
    (keras.layers, keras.layers.Layer, "keras.layers"),
    (keras.callbacks, keras.callbacks.Callback, "keras.callbacks"),
    (keras.optimizers, keras.optimizers.Optimizer, "keras.optimizers"),
    (keras.losses, keras.losses.Loss, "keras.losses"),
    (keras.metrics, keras.metrics.Metric, "keras.metrics"),
    (keras.initializers, keras.initializers.Initializer, "keras.initializers"),
])
def test_no_public_keras_class_is_missing(module, base, prefix):
    targets = {id(v.target) for v in registry().values()}
    missing = [cls.__name__ for cls in _public_classes(module, base)
               if id(cls) not in targets and f"{prefix}.{cls.__name__}" not in NOT_MAPPED]
    assert missing == []


def test_every_not_mapped_entry_still_exists_in_keras():
    for dotted in NOT_MAPPED:
        module, _, name = dotted.rpartition(".")
        assert hasattr(eval(module), name), dotted


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


@pytest.mark.parametrize("name", [
    "optimizer_adam_w", "optimizer_rmsprop", "optimizer_sgd", "loss_mean_squared_error",
    "loss_categorical_crossentropy", "metric_auc", "metric_f1_score", "metric_mean_iou",
    "activation_relu", "activation_softmax", "initializer_glorot_uniform", "regularizer_l1_l2",
    "constraint_maxnorm", "constraint_nonneg", "learning_rate_schedule_exponential_decay",
    "callback_early_stopping", "callback_model_checkpoint", "callback_reduce_lr_on_plateau",
    "callback_tensorboard", "callback_terminate_on_nan", "callback_remote_monitor",
    "callback_csv_logger", "callback_backup_and_restore", "callback_lambda",
    "keras_model_sequential", "keras_model", "keras_input", "layer_input", "compile", "fit",
    "evaluate", "predict", "summary", "save_model", "load_model", "save_model_weights",
    "load_model_weights", "get_weights", "set_weights", "freeze_weights", "unfreeze_weights",
    "get_layer", "pop_layer", "count_params", "clone_model", "set_random_seed", "clear_session",
])
def test_keras3_verbs_exist_as_python_functions(name):
    assert callable(getattr(rkeras, name))
    assert name in rkeras.__all__


def test_generated_verbs_carry_real_signatures_and_docs():
    sig = inspect.signature(rkeras.layer_dense)
    assert list(sig.parameters)[:3] == ["object", "units", "activation"]
    assert sig.parameters["use_bias"].default is True
    assert "input_shape" in sig.parameters
    assert "keras.layers.Dense" in rkeras.layer_dense.__doc__
    assert "units" in rkeras.layer_dense.__doc__
    assert rkeras.layer_dense.__name__ == "layer_dense"
    conv = inspect.signature(rkeras.layer_conv_2d)
    assert {"filters", "kernel_size", "strides", "padding"} <= set(conv.parameters)


def test_families_counts_are_substantial():
    counts = {}
    for verb in registry().values():
        counts[verb.family] = counts.get(verb.family, 0) + 1
    assert counts["layer"] >= 100
    assert counts["callback"] >= 11
    assert counts["metric"] >= 40
    assert {f.prefix for f in FAMILIES} <= set(counts)
