"""One value where Keras takes one (issue 14): vectors, lists and strings refused before Keras.

Keras answered `layer_dropout(rate = c(0.1, 0.2))` with "The truth value of an
array with more than one element is ambiguous" and `rate = list(0.1, 0.2)` with
"'<=' not supported between instances of 'int' and 'list'"; `use_bias =
c(TRUE, FALSE)` built a layer silently. The rule (`rkeras.argument_checks.
scalar_kinds`) is derived from each verb's Keras default and "Args:" text, and
runs for every verb in `rkeras.verbs.call_verb`.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import rkeras as rk
from rkeras.argument_checks import single_values
from rkeras.argument_kinds import documented_arguments, scalar_kinds
from rkeras.errors import ArgumentError, ArgumentTypeError, RKerasError
from rkeras.registry import registry

CASES = {
    # Python's syntax from Python
    "scalar-given-a-list": (lambda: rk.layer_dropout(rate=[0.1, 0.2]),
                            r"^layer_dropout\(\): `rate` must be a single number; got a list of "
                            r"length 2 \(\[0\.1, 0\.2\]\)\. It takes one value: give one, e.g. "
                            r"rate=0\.1\.$"),
    "scalar-given-a-vector": (lambda: rk.layer_dropout(rate=np.array([0.1, 0.2])),
                              r"`rate` must be a single number; got an array of shape \(2,\) "
                              r"\(array\(\[0\.1, 0\.2\]\)\)"),
    "scalar-given-an-empty-vector": (lambda: rk.layer_dropout(rate=np.array([])),
                                     r"`rate` must be a single number; got an array of shape "
                                     r"\(0,\) .*Give one value\.$"),
    "scalar-given-a-string": (lambda: rk.layer_dropout(rate="0.5"),
                              r"`rate` must be a single number; got a string \('0\.5'\)\. "
                              r"Give a number \(rate=0\.5, not '0\.5'\)\."),
    "scalar-given-a-logical": (lambda: rk.layer_dropout(rate=True),
                               r"`rate` must be a single number; got True \(bool\), a logical"),
    "learning-rate-given-a-list": (lambda: rk.optimizer_adam(learning_rate=[1.0, 2.0]),
                                   r"^optimizer_adam\(\): `learning_rate` must be a single number; "
                                   r"got a list of length 2"),
    "count-given-a-vector": (lambda: rk.layer_dense(units=np.array([3.0, 4.0])),
                             r"^layer_dense\(\): `units` must be a single whole number; got an "
                             r"array of shape \(2,\).* e\.g\. units=3\.$"),
    "logical-given-a-vector": (lambda: rk.layer_dense(units=2, use_bias=np.array([True, False])),
                               r"^layer_dense\(\): `use_bias` must be True or False; got an array "
                               r"of shape \(2,\)"),
    "patience-given-a-list": (lambda: rk.callback_early_stopping(patience=[1, 2]),
                              r"callback_early_stopping\(\): `patience` must be a single whole "
                              r"number; got a list of length 2"),
    "schedule-given-a-tuple": (lambda: rk.learning_rate_schedule_exponential_decay(
        initial_learning_rate=(0.1, 0.2), decay_steps=10, decay_rate=0.9),
        r"`initial_learning_rate` must be a single number; got a tuple of length 2"),
    "op-argument-given-a-vector": (lambda: rk.op_leaky_relu(np.ones(3), negative_slope=[0.1, 0.2]),
                                   r"^op_leaky_relu\(\): `negative_slope` must be a single number"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_single_value_argument_refuses_several_values(case):
    call, pattern = CASES[case]
    with pytest.raises(ArgumentTypeError) as caught:
        call()
    assert isinstance(caught.value, RKerasError) and isinstance(caught.value, TypeError)
    assert re.search(pattern, str(caught.value)), str(caught.value)


def test_one_value_in_a_list_or_array_is_that_value():
    assert rk.layer_dense(units=[3]).units == 3                      # R's list(3)
    assert rk.layer_dense(units=np.array([3.0])).units == 3          # R's c(3)
    assert rk.layer_dropout(rate=(0.25,)).rate == 0.25
    assert rk.optimizer_sgd(learning_rate=np.array([0.5])).learning_rate.numpy() == 0.5


def test_arguments_that_take_several_values_still_do():
    conv = rk.layer_conv_2d(filters=2, kernel_size=np.array([3.0, 3.0]), strides=[2, 2],
                            dilation_rate=(1, 1), padding="same")
    assert (conv.kernel_size, conv.strides, conv.dilation_rate) == ((3, 3), (2, 2), (1, 1))
    assert rk.layer_max_pooling_2d(pool_size=np.array([2.0, 2.0])).pool_size == (2, 2)
    assert rk.layer_concatenate(axis=-1).axis == -1
    assert rk.layer_upsampling_2d(size=[2, 3]).size == (2, 3)
    assert rk.layer_zero_padding_2d(padding=[[1, 1], [2, 2]]).padding == ((1, 1), (2, 2))
    # Documented as "Float", but Keras also takes one value per channel.
    scale = rk.layer_rescaling(scale=1 / np.array([58.4, 57.1, 57.4]))
    assert np.allclose(scale.scale, [1 / 58.4, 1 / 57.1, 1 / 57.4])
    assert tuple(rk.layer_random_contrast(factor=[0.1, 0.2]).factor) == (0.1, 0.2)


def test_the_rule_is_derived_from_defaults_and_keras_docstrings():
    verbs = registry()
    dropout = scalar_kinds(verbs["layer_dropout"])
    assert dropout["rate"].kind == "number"                  # "rate: Float between 0 and 1."
    assert "noise_shape" not in dropout                      # "1D integer tensor"
    dense = scalar_kinds(verbs["layer_dense"])
    assert dense["units"].kind == "whole" and dense["use_bias"].kind == "logical"
    conv = scalar_kinds(verbs["layer_conv_2d"])
    assert not {"kernel_size", "strides", "dilation_rate"} & set(conv)
    assert conv["padding"].kind == "string" and conv["padding"].strings_only   # "valid"/"same"
    assert "padding" not in scalar_kinds(verbs["layer_zero_padding_2d"])        # sizes
    assert "scale" not in scalar_kinds(verbs["layer_rescaling"])
    texts = documented_arguments(verbs["layer_dropout"].doc)
    assert texts["rate"].startswith("Float between 0 and 1.")


def test_every_verbs_keras_defaults_pass_the_rule():
    """All 843 verbs: Keras's own defaults are single values where the rule wants one."""
    verbs = registry()
    assert len(verbs) >= 843
    checked = 0
    for name, verb in verbs.items():
        defaults = {k: v for k, v in verb.defaults.items() if k != verb.subject}
        assert single_values(verb, defaults) == defaults, name
        checked += len(set(defaults) & set(scalar_kinds(verb)))
    assert checked > 1000          # the rule covers most scalar hyper-parameters


def test_each_single_value_argument_refuses_two_values():
    """Every argument the rule covers, on a sample of families, refuses a vector of two."""
    verbs = registry()
    for name in ("layer_dense", "layer_lstm", "optimizer_adam", "callback_reduce_lr_on_plateau",
                 "metric_auc", "loss_huber", "initializer_random_normal", "regularizer_l1_l2"):
        verb = verbs[name]
        for arg, single in scalar_kinds(verb).items():
            value = np.array([True, False]) if single.kind == "logical" else np.array([1.0, 2.0])
            with pytest.raises(ArgumentTypeError, match=rf"`{arg}` must be"):
                single_values(verb, {arg: value})


# --- through the R front end ----------------------------------------------------------

R_CASES = {
    "scalar-given-a-vector": ("layer_dropout(rate = c(0.1, 0.2))",
                              "layer_dropout(): `rate` must be a single number; got a numeric "
                              "vector of length 2 (c(0.1, 0.2)). It takes one value: give one, "
                              "e.g. rate = 0.1."),
    "scalar-given-a-list": ("layer_dropout(rate = list(0.1, 0.2))",
                            "layer_dropout(): `rate` must be a single number; got a list of length "
                            "2 (list(0.1, 0.2)). It takes one value: give one, e.g. rate = 0.1."),
    "scalar-given-an-empty-vector": ("layer_dropout(rate = numeric(0))",
                                     "layer_dropout(): `rate` must be a single number; got an "
                                     "empty numeric vector (numeric(0)). Give one value."),
    "scalar-given-a-string": ("layer_dropout(rate = '0.5')",
                              'layer_dropout(): `rate` must be a single number; got a character '
                              'string ("0.5"). Give a number (rate = 0.5, not "0.5").'),
    "learning-rate-given-a-list": ("optimizer_adam(learning_rate = list(1, 2))",
                                   "optimizer_adam(): `learning_rate` must be a single number; got "
                                   "a list of length 2 (list(1, 2)). It takes one value: give one, "
                                   "e.g. learning_rate = 1."),
    "count-given-a-vector": ("layer_dense(units = 3:4)",
                             "layer_dense(): `units` must be a single whole number; got an integer "
                             "vector of length 2 (c(3L, 4L)). It takes one value: give one, e.g. "
                             "units = 3."),
    "logical-given-a-vector": ("layer_dense(units = 2, use_bias = c(TRUE, FALSE))",
                               "layer_dense(): `use_bias` must be TRUE or FALSE; got a logical "
                               "vector of length 2 (c(TRUE, FALSE)). It takes one value: give "
                               "one, e.g. use_bias = TRUE."),
}


@pytest.mark.r
@pytest.mark.parametrize("case", sorted(R_CASES))
def test_from_r_the_message_shows_r_code(case, R):
    code, message = R_CASES[case]
    got = R(f"tryCatch({{ {code}; 'no error' }}, "
            f"error = function(e) c(class(e)[1], conditionMessage(e)))")
    assert list(got) == ["rkeras.errors.ArgumentTypeError", f"ArgumentTypeError: {message}"]


@pytest.mark.r
def test_from_r_one_value_in_a_list_and_vectors_for_sizes_work(R):
    assert R("layer_dense(units = list(3))$units") == 3
    assert list(R("layer_conv_2d(filters = 2, kernel_size = c(3, 3), strides = c(2, 2))"
                  "$kernel_size")) == [3, 3]
    assert list(R("layer_max_pooling_2d(pool_size = c(2, 2))$pool_size")) == [2, 2]


def test_every_case_is_in_the_catalogue():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "errors.md").read_text()
    cases = set(CASES) | set(R_CASES) | set(MISSING_PACKAGE_CASES) | set(SWEEP_CASES)
    missing = [case for case in sorted(cases) if f"`{case}`" not in text]
    assert missing == []


def test_hand_written_verbs_keep_their_own_type_checks():
    """fit's `epochs = "5"` keeps fit's message; the rule only counts values there."""
    verb = registry()["fit"]
    assert inspect.isfunction(verb.target) or callable(verb.target)
    assert single_values(verb, {"epochs": "5"}) == {"epochs": "5"}
    with pytest.raises(ArgumentTypeError, match=r"fit\(\): `epochs` must be a single number; got a "
                                                r"list of length 2"):
        single_values(verb, {"epochs": [1, 2]})


# --- optional Python packages (issue 14) -----------------------------------------------

def _fit_with(callback):
    model = rk.keras_model_sequential(input_shape=2) >> rk.layer_dense(1)
    model >> rk.compile(loss="mse", optimizer="sgd")
    return model >> rk.fit(np.ones((4, 2)), np.ones((4, 1)), callbacks=[callback], verbose=0)


MISSING_PACKAGE_CASES = {
    # case: (blocked modules, call, package, what needs it)
    # keras3 creates the callback without tensorboard; fit() refuses it before training.
    "missing-tensorboard": (("tensorboard",), lambda: _fit_with(rk.callback_tensorboard(log_dir="logs")),
                            "tensorboard", "TensorBoard's log writer"),
    "missing-scipy-for-stft": (("scipy",), lambda: rk.layer_stft_spectrogram(),
                               "scipy", "its window function"),
    "missing-pillow": (("PIL",), lambda: rk.image_from_array(np.zeros((4, 4, 3))),
                       "pillow", "making images"),
    "missing-pillow-load": (("PIL",), lambda: rk.image_load("x.png"), "pillow",
                            "reading image files"),
    "missing-backend-package": (("jax",), lambda: rk.config_set_backend("jax"), "jax",
                                "Keras's 'jax' backend"),
    "missing-tensorflow-io": (("tensorflow_io",), lambda: rk.audio_dataset_from_directory(
        "audio", sampling_rate=16000), "tensorflow-io", "resampling audio"),
}


@pytest.mark.parametrize("case", sorted(MISSING_PACKAGE_CASES))
def test_a_missing_optional_package_is_named_with_the_install_command(case, monkeypatch):
    import sys

    from rkeras.errors import MissingPackageError

    blocked, call, package, why = MISSING_PACKAGE_CASES[case]
    for module in blocked:
        monkeypatch.setitem(sys.modules, module, None)     # as if not installed
    with pytest.raises(MissingPackageError) as caught:
        call()
    error = caught.value
    assert isinstance(error, ImportError) and isinstance(error, RKerasError)
    assert error.package == package and error.name == package
    message = str(error)
    assert f"needs the Python package '{package}' for {why}" in message
    assert f"{sys.executable} -m pip install {package}" in message


def test_without_the_package_keras_failed_late_or_vaguely(monkeypatch):
    """What the check replaces: Keras's own errors (checked on Keras directly)."""
    import sys

    import keras

    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    from keras.src.utils import image_utils

    monkeypatch.setattr(image_utils, "pil_image", None)
    with pytest.raises(ImportError, match="requires PIL") as caught:
        keras.utils.array_to_img(np.zeros((4, 4, 3)))
    assert not isinstance(caught.value, RKerasError)


def test_the_package_is_only_needed_when_used(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "scipy", None)
    assert rk.layer_stft_spectrogram(window=None).window is None   # no named window: no scipy
    monkeypatch.setitem(sys.modules, "tensorflow_io", None)
    from rkeras.argument_checks import check_optional_packages

    check_optional_packages(registry()["audio_dataset_from_directory"], {"directory": "a"})


@pytest.mark.r
def test_from_r_a_missing_package_says_how_to_install_it_from_r(R, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tensorboard", None)
    got = R("m <- keras_model_sequential(input_shape = 2) |> layer_dense(1); "
            "compile(m, loss = 'mse', optimizer = 'sgd'); cb <- callback_tensorboard(log_dir = 'logs'); "
            "tryCatch(fit(m, matrix(1, 4, 2), matrix(1, 4, 1), callbacks = list(cb), verbose = 0), "
            "error = function(e) c(class(e)[1:2], conditionMessage(e)))")
    assert list(got)[:2] == ["rkeras.errors.MissingPackageError", "rkeras.errors.RKerasError"]
    assert (f'In R: system2("{sys.executable}", c("-m", "pip", "install", "tensorboard"))'
            in list(got)[2])


# --- found by the hostile sweep (tools/hostile/sweep_verbs.py) ---------------------------

SWEEP_CASES = {
    "identifier-given-a-number": (
        lambda: rk.layer_dense(units=2, kernel_initializer=0.5), ArgumentTypeError,
        r"^layer_dense\(\): `kernel_initializer` must be an initializer name \('glorot_uniform', "
        r"'zeros' \.\.\.\), an initializer_\*\(\) object or a function\(shape, dtype\); got 0\.5 "
        r"\(float\)\.$"),
    "identifier-given-a-vector": (
        lambda: rk.layer_dense(units=2, kernel_regularizer=[1.0, 2.0]), ArgumentTypeError,
        r"`kernel_regularizer` must be a regularizer name \('l1', 'l2', 'l1_l2'\), a "
        r"regularizer_\*\(\) object or a function\(weights\); got a list of length 2"),
    "unknown-initializer-name": (
        lambda: rk.layer_dense(units=2, kernel_initializer="glorot_unifrom"), ArgumentError,
        r"layer_dense\(kernel_initializer=\): unknown initializer 'glorot_unifrom'\. Did you mean "
        r"'glorot_uniform'"),
    "unknown-constraint-name": (
        lambda: rk.layer_dense(units=2, kernel_constraint="nonneg"), ArgumentError,
        r"unknown constraint 'nonneg'\. Did you mean 'non_neg'\?"),
    "activation-given-a-number": (
        lambda: rk.layer_dense(units=2, activation=3), ArgumentTypeError,
        r"`activation` must be an activation name \('relu', 'softmax' \.\.\.\)"),
    "string-argument-given-a-number": (
        lambda: rk.layer_conv_2d(filters=2, kernel_size=3, padding=1e12), ArgumentTypeError,
        r"^layer_conv_2d\(\): `padding` must be a string \(\"valid\", \"same\"\); got "
        r"1000000000000\.0 \(float\)\.$"),
    "string-argument-given-a-vector": (
        lambda: rk.feature_float_discretized(num_bins=3, output_mode=["int", "one_hot"]),
        ArgumentTypeError, r"`output_mode` must be a single value; got a list of length 2"),
    "na-for-any-verb": (lambda: rk.op_argmin(np.ones(3), zero_indexed=rk.argument_checks.R_NA),
                        ArgumentError, r"^op_argmin\(\): `zero_indexed` is NA; give a value"),
    "infinite-shape": (lambda: rk.keras_model_sequential(input_shape=float("inf")), ArgumentError,
                       r"`input_shape` must hold non-negative whole numbers; element 1 is inf"),
    "backticked-float-argument-given-a-vector": (
        lambda: rk.activation_relu(np.ones(3), max_value=np.array([1.0, 2.0])), ArgumentTypeError,
        r"^activation_relu\(\): `max_value` must be a single number"),
    "number-argument-given-a-string": (
        lambda: rk.layer_random_rotation(factor=0.1, fill_value="abc"), ArgumentTypeError,
        r"`fill_value` must be a single number; got a string \('abc'\)"),
    "text-where-numbers-go": (lambda: rk.op_add("abc", np.ones(3)), ArgumentTypeError,
                              r"^op_add\(\): `x1` must be numbers \(an array or a tensor\); got a "
                              r"string \('abc'\), which is text\.$"),
    "text-vector-where-numbers-go": (
        lambda: rk.activation_relu(np.array(["a", "b"])), ArgumentTypeError,
        r"activation_relu\(\): `x` must be numbers .* which is text"),
    "na-as-the-subject": (lambda: rk.op_abs(rk.argument_checks.R_NA), ArgumentError,
                          r"^op_abs\(\): `x` is NA; give a value\.$"),
    "nan-for-a-logical": (lambda: rk.op_argmax(np.ones(3), keepdims=float("nan")), ArgumentError,
                          r"op_argmax\(\): `keepdims` must be True or False; got NA/NaN"),
    "dtype-given-a-vector": (lambda: rk.metric_accuracy(dtype=np.array([1.0, 2.0])),
                             ArgumentTypeError, r"`dtype` must be a single value; got an array"),
    "size-beyond-int32": (lambda: rk.op_image_extract_patches(
        np.ones((1, 4, 4, 3), "float32"), size=2, strides=1e12), ArgumentError,
        r"`strides` = 1000000000000 is beyond 2147483647, the largest size TensorFlow takes"),
    "tensorflow-refuses-the-values": (
        lambda: rk.op_add(np.ones(2), np.ones((2, 3))), rk.errors.DataError,
        r"^op_add\(\): TensorFlow cannot compute it with these values: Incompatible shapes: "
        r"\[2\] vs\. \[2,3\]\. Shapes given: x1 \(2,\), x2 \(2, 3\)\. Check the arguments' "
        r"shapes and types against help\(op_add\)\.$"),
    "tensorflow-refuses-metric-values": (
        lambda: rk.metric_huber(np.ones(2), np.ones((2, 3))), rk.errors.DataError,
        r"^metric_huber\(\): TensorFlow cannot compute it .* Shapes given: y_true \(2,\), "
        r"y_pred \(2, 3\)"),
    "one-axis-given-two": (lambda: rk.op_diagonal(np.ones((3, 3)), axis1=[1, 2]),
                           ArgumentTypeError,
                           r"^op_diagonal\(\): `axis1` must be a single whole number; got a list"),
    "count-beyond-int32": (lambda: rk.metric_auc(num_thresholds=1e12), ArgumentError,
                           r"^metric_auc\(\): `num_thresholds` = 1e\+12 is beyond 2147483647, the "
                           r"largest count or size Keras and TensorFlow take"),
    "scalar-tensor-argument-given-a-vector": (
        lambda: rk.initializer_random_normal(stddev=[1.0, 2.0]), ArgumentTypeError,
        r"^initializer_random_normal\(\): `stddev` must be a single number"),
}


@pytest.mark.parametrize("case", sorted(SWEEP_CASES))
def test_sweep_findings_are_refused_with_a_specific_message(case):
    call, error, pattern = SWEEP_CASES[case]
    with pytest.raises(error) as caught:
        call()
    assert isinstance(caught.value, RKerasError)
    assert re.search(pattern, str(caught.value)), str(caught.value)


def test_objects_and_functions_still_pass_the_identifier_check():
    layer = rk.layer_dense(units=2, kernel_regularizer=rk.regularizer_l2(0.1),
                           kernel_initializer=rk.initializer_zeros(), activation=lambda x: x,
                           bias_constraint="non_neg", bias_initializer="ones")
    assert layer.kernel_regularizer.l2 == pytest.approx(0.1)
    assert type(layer.bias_constraint).__name__ == "NonNeg"
    assert rk.layer_conv_2d(filters=2, kernel_size=3, padding="same").padding == "same"
    assert rk.keras_variable(np.ones(3)).shape == (3,)      # `initializer` is a value here
    assert float(rk.op_add(np.float32(1), 2.0)) == 3.0       # numbers, not text, still pass
    assert rk.op_convert_to_tensor("abc").dtype == "string"  # ops that take text keep it


@pytest.mark.r
def test_sweep_findings_from_r(R):
    got = R("tryCatch(layer_dense(units = 2, kernel_regularizer = c(1, 2)), "
            "error = function(e) conditionMessage(e))")
    assert got == ("ArgumentTypeError: layer_dense(): `kernel_regularizer` must be a regularizer "
                   "name ('l1', 'l2', 'l1_l2'), a regularizer_*() object or a function(weights); "
                   "got a numeric vector of length 2 (c(1, 2)).")
    got = R("tryCatch(layer_conv_2d(filters = 2, kernel_size = 3, padding = 1), "
            "error = function(e) conditionMessage(e))")
    assert got.endswith('`padding` must be a string ("valid", "same"); got 1.')


@pytest.mark.r
def test_tensorflow_refusals_from_r_show_r_shapes(R):
    got = R("tryCatch(op_add(c(1, 2), matrix(1, 2, 3)), error = function(e) conditionMessage(e))")
    assert "Incompatible shapes: [2] vs. [2,3]. Shapes given: x1 c(2), x2 c(2, 3)." in got
    assert got.startswith("DataError: op_add(): TensorFlow cannot compute it with these values")


# --- Keras's own refusals that named no argument (rkeras.keras_refusals) ------------------
# Cases the hostile verb sweep (tools/hostile/sweep_verbs.py) classed "unclear": Keras raised
# Python's words ("'str' object is not callable", "can only concatenate str ...") naming
# nothing the user wrote. Each must name the verb, every given argument and Keras's reason in
# plain words, and stay the builtin type Keras raised.
KERAS_REFUSALS = {
    "op-arange-start-string": (
        lambda: rk.op_arange(start="abc"), TypeError,
        r"^op_arange\(\): Keras could not use these arguments: start=a string \('abc'\)\. "
        r"Keras said: a string was given where a number is needed\. See help\(op_arange\)\.$"),
    "optimizer-beta-vector": (
        lambda: rk.optimizer_lion(beta_1=np.array([0.9, 0.99])), ValueError,
        r"^optimizer_lion\(\): Keras could not use these arguments: beta_1=an array, shape "
        r"\(2,\), dtype float64\. Keras said: several values were given where one value is "
        r"needed\. See help\(optimizer_lion\)\.$"),
    "metric-auc-summation-method": (
        lambda: rk.metric_auc(summation_method="abc"), ValueError,
        r"^metric_auc\(\): Keras could not use these arguments: summation_method=a "
        r"string \('abc'\)\. Keras said: Invalid AUC summation method value: \"abc\"\. Expected values "
        r"are \[\"interpolation\", \"majoring\", \"minoring\"\]\. See help\(metric_auc\)\.$"),
    "schedule-boundaries-number": (
        lambda: rk.learning_rate_schedule_piecewise_constant_decay(boundaries=-1.0,
                                                                  values=[1.0, 2.0]),
        TypeError,
        r"boundaries=a number \(-1\.0\); values=a list of length 2\. Keras said: a number has no length: "
        r"Keras needs a vector or list\."),
    "clone-function-string": (
        lambda: rk.clone_model(rk.keras_model_sequential(input_shape=3) >> rk.layer_dense(2),
                               clone_function="abc"), TypeError,
        r"^clone_model\(\): Keras could not use these arguments: object=a Keras Sequential; "
        r"clone_function=a string \('abc'\)\. Keras said: a string was given where Keras needs "
        r"a function\."),
}


@pytest.mark.parametrize("case", sorted(KERAS_REFUSALS))
def test_keras_refusals_name_the_verb_and_its_arguments(case):
    call, builtin, message = KERAS_REFUSALS[case]
    with pytest.raises(RKerasError) as info:
        call()
    assert isinstance(info.value, builtin)
    assert re.search(message, str(info.value)), str(info.value)
    assert type(info.value.__cause__) is builtin      # Keras's own error, kept as the cause
    assert "help(" in str(info.value)


def test_keras_refusals_that_name_the_argument_or_come_from_user_code_pass_unchanged():
    # Keras names `rate`, with no Python internals: its message is already clear.
    with pytest.raises(ValueError, match=r"^Invalid value received for argument `rate`") as info:
        rk.layer_dropout(rate=1.5)
    assert not isinstance(info.value, RKerasError)
    # The user's own clone_function fails inside Keras: their error, untouched.
    model = rk.keras_model_sequential(input_shape=3) >> rk.layer_dense(2)

    def clone(layer):
        return layer.no_such_attribute

    with pytest.raises(AttributeError, match=r"^'Dense' object has no attribute") as info:
        rk.clone_model(model, clone_function=clone)
    assert not isinstance(info.value, RKerasError)


@pytest.mark.r
def test_from_r_keras_refusals_show_r_syntax(R):
    got = R('tryCatch(op_arange(start = "abc"), error = function(e) '
            'c(inherits(e, "python.builtin.TypeError"), class(e)[1], conditionMessage(e)))')
    assert list(got) == [
        "TRUE", "rkeras.errors.KerasArgumentTypeError",
        'KerasArgumentTypeError: op_arange(): Keras could not use these arguments: start = a '
        'character string ("abc"). Keras said: a character string was given where a number '
        "is needed. See help(op_arange)."]
    got = R("tryCatch(optimizer_lion(beta_1 = c(0.9, 0.99)), error = function(e) "
            "c(inherits(e, 'python.builtin.ValueError'), conditionMessage(e)))")
    assert got[0] == "TRUE"
    assert "optimizer_lion(): Keras could not use these arguments: beta_1 = " in got[1]
    assert "Keras said: several values were given where one value is needed." in got[1]
