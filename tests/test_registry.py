"""The verb registry: every Keras layer and callback has its R keras3 verb."""

import inspect

import keras
import pytest

import rkeras
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


# --- keras3 1.5.1's families from keras.ops, keras.random, keras.config, keras.applications ...

from pathlib import Path  # noqa: E402

from rkeras.registry import ALIASES, verbs_in  # noqa: E402

_EXPORTS = Path(__file__).with_name("data") / "keras3-1.5.1-exports.txt"
# keras3 exports that are R syntax or R-only, not registry verbs (see the R front end).
_R_ONLY = {"op_subset", "op_subset_set", "op_subset<-"}


def _keras3_names(prefixes):
    names = _EXPORTS.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(n for n in names if n.startswith(prefixes) and n not in _R_ONLY)


@pytest.mark.parametrize("prefixes, count", [
    (("op_",), 284), (("random_",), 11), (("config_",), 25), (("application_",), 44),
    (("feature_",), 10), (("image_",), 6), (("rnn_cell",), 4), (("imagenet_",), 2),
])
def test_every_keras3_name_of_the_family_is_a_verb(prefixes, count):
    names = _keras3_names(prefixes)
    assert len(names) == count
    missing = [n for n in names if n not in registry()]
    assert missing == []
    assert all(callable(getattr(rkeras, n)) for n in names)


@pytest.mark.parametrize("name", [
    "train_on_batch", "test_on_batch", "predict_on_batch", "get_config", "from_config",
    "save_model_config", "load_model_config", "serialize_keras_object",
    "deserialize_keras_object", "get_registered_name", "get_registered_object",
    "register_keras_serializable", "with_custom_object_scope", "get_custom_objects",
    "set_custom_objects", "shape", "keras_variable", "quantize_weights", "custom_metric",
    "zip_lists", "named_list", "adapt", "get_vocabulary", "set_vocabulary", "layer_feature_space",
    "get_file", "image_dataset_from_directory", "text_dataset_from_directory",
    "audio_dataset_from_directory", "timeseries_dataset_from_array", "split_dataset",
    "reset_state", "get_state_tree", "set_state_tree", "get_source_inputs", "bidirectional",
    "time_distributed", "layer_group_query_attention", "metric_huber", "metric_log_cosh",
    "metric_mean_wrapper", "metric_binary_focal_crossentropy",
])
def test_keras3_utility_verbs_exist(name):
    assert name in registry() and callable(getattr(rkeras, name))


def test_family_counts():
    counts = {}
    for verb in registry().values():
        counts[verb.family] = counts.get(verb.family, 0) + 1
    import keras
    n_ops = sum(1 for a in dir(keras.ops) if not a.startswith("_")
                and (inspect.isfunction(getattr(keras.ops, a)) or inspect.isbuiltin(getattr(keras.ops, a))))
    # every keras.ops function, plus keras3's aliases (op_pmax, op_pmin, op_convert_to_array)
    assert counts["op"] == n_ops + 3
    assert counts["op_image"] == len([a for a in dir(keras.ops.image) if not a.startswith("_")
                                      and inspect.isfunction(getattr(keras.ops.image, a))])
    assert counts["config"] == 25 and counts["random"] == 11 and counts["feature"] == 10
    assert counts["application"] == 40 + 2 + 4    # models, nasnet aliases, the 4 helpers


def test_aliases_are_the_same_verb():
    for alias, name in ALIASES.items():
        assert registry()[alias].target is registry()[name].target
    assert rkeras.op_pmax.__rkeras_verb__.keras_path == "keras.ops.maximum"


def test_applications_have_keras3_names():
    targets = {v.name: v.keras_path for v in verbs_in("application")}
    assert targets["application_resnet50"] == "keras.applications.ResNet50"
    assert targets["application_efficientnet_v2b0"] == "keras.applications.EfficientNetV2B0"
    assert targets["application_convnext_xlarge"] == "keras.applications.ConvNeXtXLarge"
    assert targets["application_mobilenet_v3_small"] == "keras.applications.MobileNetV3Small"


def test_axes_and_indices_in_keras_functions_are_one_based():
    from rkeras.conventions import transform_for
    assert transform_for("op_diagonal", "axis1")(1, "axis1") == 0
    assert transform_for("op_moveaxis", "source")([1, 2], "source") == (0, 1)
    assert list(transform_for("op_slice", "start_indices")([1.0, 3.0], "start_indices")) == [0, 2]
    assert transform_for("op_squareplus", "b") is None         # a real number in keras3
