"""Hostile input against the model verbs and the Keras families (issue 14: 9, 11, 12, 13, 21).

Each case is a call Keras accepted (and then trained wrongly, or failed
later with an unrelated message); rkeras must refuse it at once, naming the
argument (or the data position) and saying what to give instead.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import rkeras as rk
from rkeras.argument_checks import R_NA
from rkeras.errors import ArgumentError, ArgumentTypeError, DataError, RKerasError

NAN, INF = float("nan"), float("inf")


def compiled(loss="mse"):
    rk.set_random_seed(0)
    return (rk.keras_model_sequential(input_shape=4) >> rk.layer_dense(units=1)
            >> rk.compile(optimizer="sgd", loss=loss))


X = np.random.default_rng(0).normal(size=(12, 4))
Y = X.sum(axis=1, keepdims=True)

CASES = {
    # 21: wrong types for fit's arguments reach Keras internals
    "fit-epochs-string": (lambda: compiled() >> rk.fit(X, Y, epochs="5", verbose=0),
                          ArgumentError, r"`epochs` must be an integer; got '5' \(str\)"),
    "fit-epochs-null": (lambda: compiled() >> rk.fit(X, Y, epochs=None, verbose=0),
                        ArgumentError, r"`epochs` must be an integer; got None"),
    "fit-batch-size-string": (lambda: compiled() >> rk.fit(X, Y, batch_size="4", verbose=0),
                              ArgumentError, r"`batch_size` must be an integer or None; got '4'"),
    "fit-batch-size-vector": (lambda: compiled() >> rk.fit(X, Y, batch_size=[4, 5], verbose=0),
                              ArgumentError, r"`batch_size` must be an integer or None; got \[4, 5\]"),
    "fit-validation-split-string": (
        lambda: compiled() >> rk.fit(X, Y, validation_split="0.2", verbose=0),
        ArgumentError, r"`validation_split` must be a number in \[0, 1\); got '0\.2' \(str\)"),
    "fit-callbacks-string": (lambda: compiled() >> rk.fit(X, Y, callbacks="cb", verbose=0),
                             ArgumentError, r"`callbacks` must be a callback_\*\(\) object or a list"),
    "fit-callbacks-element": (
        lambda: compiled() >> rk.fit(X, Y, verbose=0,
                                     callbacks=[rk.callback_terminate_on_nan(), 1]),
        ArgumentError, r"`callbacks` element 2 is 1 \(int\), not a callback"),
    "fit-shuffle-string": (lambda: compiled() >> rk.fit(X, Y, shuffle="yes", verbose=0),
                           ArgumentError, r"`shuffle` must be TRUE, FALSE or \"batch\""),
    # 21: compile() accepted these and failed only at fit()
    "compile-loss-number": (lambda: compiled() >> rk.compile(loss=42),
                            ArgumentError, r"`loss` must be a loss name .* got 42 \(int\)"),
    "compile-metrics-number": (lambda: compiled() >> rk.compile(loss="mse", metrics=42),
                               ArgumentError, r"`metrics` must be metric names .* got 42"),
    "compile-metrics-element": (lambda: compiled() >> rk.compile(loss="mse", metrics=["mae", 3.5]),
                                ArgumentError, r"`metrics\[\[2\]\]` must be metric names"),
    "compile-optimizer-null": (lambda: compiled() >> rk.compile(optimizer=None, loss="mse"),
                               ArgumentError, r"`optimizer` must be an optimizer name .* got NULL"),
    "compile-loss-na-real": (lambda: compiled() >> rk.compile(loss=NAN),
                             ArgumentError, r"`loss` is NA"),
    "compile-loss-na": (lambda: compiled() >> rk.compile(loss=R_NA),
                        ArgumentError, r"`loss` is NA"),
    # 9: NA for logical / character arguments
    "na-for-logical-argument": (lambda: rk.layer_dense(units=2, use_bias=None),
                                ArgumentError, r"layer_dense\(\): `use_bias` must be TRUE or FALSE; "
                                               r"got NULL/NA.*default, TRUE"),
    "na-marker-for-activation": (lambda: rk.layer_dense(units=2, activation=R_NA),
                                 ArgumentError, r"layer_dense\(\): `activation` is NA"),
    "na-real-for-float-argument": (lambda: rk.layer_dropout(rate=NAN),
                                   ArgumentError, r"layer_dropout\(\): `rate` is NA/NaN"),
    # 13: NaN / Inf hyper-parameters
    "nan-learning-rate": (lambda: rk.optimizer_adam(learning_rate=NAN),
                          ArgumentError, r"optimizer_adam\(\): `learning_rate` is NA/NaN"),
    "inf-learning-rate": (lambda: rk.optimizer_sgd(learning_rate=INF),
                          ArgumentError, r"optimizer_sgd\(\): `learning_rate` is inf \(infinite\)"),
    "huge-learning-rate": (lambda: rk.optimizer_sgd(learning_rate=1e300),
                           ArgumentError, r"`learning_rate` is 1e\+300, beyond float32's range"),
    "nan-momentum": (lambda: rk.optimizer_sgd(momentum=np.array([NAN])),
                     ArgumentError, r"`momentum` is NA/NaN"),
    "nan-schedule": (lambda: rk.learning_rate_schedule_exponential_decay(
        initial_learning_rate=NAN, decay_steps=10, decay_rate=0.9),
        ArgumentError, r"`initial_learning_rate` is NA/NaN"),
    "inf-decay-rate": (lambda: rk.learning_rate_schedule_exponential_decay(
        initial_learning_rate=0.1, decay_steps=10, decay_rate=-INF),
        ArgumentError, r"`decay_rate` is -inf \(infinite\)"),
    "nan-regularizer": (lambda: rk.regularizer_l1(l1=NAN), ArgumentError, r"`l1` is NA/NaN"),
    "nan-initializer": (lambda: rk.initializer_random_normal(stddev=NAN),
                        ArgumentError, r"`stddev` is NA/NaN"),
    "complex-hyper-parameter": (lambda: rk.optimizer_adam(learning_rate=1e-3 + 1j),
                                ArgumentError, r"`learning_rate` is a complex number"),
    "nan-in-piecewise-values": (lambda: rk.learning_rate_schedule_piecewise_constant_decay(
        boundaries=[10, 20], values=[0.1, NAN, 0.01]),
        ArgumentError, r"`values` \(element 2\) is NA/NaN"),
    # 11: complex data
    "complex-features": (lambda: compiled() >> rk.fit(X + 1j, Y, verbose=0),
                         DataError, r"`x` holds complex numbers \(complex128\).*imaginary part"),
    "complex-labels": (lambda: compiled() >> rk.fit(X, Y * (1 + 1j), verbose=0),
                       DataError, r"`y` holds complex numbers"),
    "complex-data-frame-column": (lambda: compiled() >> rk.fit(
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "z": X[:, 3] + 1j}), Y, verbose=0),
        DataError, r"`x` column 'z' holds complex numbers"),
    "complex-predict": (lambda: compiled() >> rk.predict(X + 0j, verbose=0),
                        DataError, r"`x` holds complex numbers"),
    # 12: float64 beyond float32's range
    "float64-beyond-float32": (lambda: compiled() >> rk.fit(np.where(np.arange(48).reshape(12, 4) == 9,
                                                                     1e39, X), Y, verbose=0),
                               DataError, r"`x` has 1 value\(s\) beyond float32's range.*first is "
                                          r"1e\+39 at position \[3, 2\]"),
    "float64-beyond-float32-labels": (lambda: compiled() >> rk.fit(X, -Y * 1e300, verbose=0),
                                      DataError, r"`y` has 12 value\(s\) beyond float32's range"),
    "float64-beyond-float32-frame": (lambda: compiled() >> rk.fit(pd.DataFrame(
        np.where(np.arange(48).reshape(12, 4) == 47, -1e40, X), columns=list("abcd")), Y, verbose=0),
        DataError, r"first is -1e\+40 at column 'd', row 12"),
    "float64-beyond-float32-evaluate": (
        lambda: compiled() >> rk.evaluate(np.full((12, 4), 1e39), Y, verbose=0),
        DataError, r"`x` has 48 value\(s\) beyond float32"),
    # strings for integer arguments (Keras kept patience = "abc" until the first epoch's end)
    "integer-argument-string": (lambda: rk.callback_early_stopping(patience="abc"),
                                ArgumentError, r"`patience` must be a whole number; got 'abc' \(str\)"),
    "count-argument-string": (lambda: rk.layer_dense(units="8"),
                              ArgumentError, r"`units` must be a whole number; got '8' \(str\)"),
    "logical-argument-string": (lambda: rk.callback_model_checkpoint("m.keras", save_best_only="FALSE"),
                                ArgumentError, r"`save_best_only` must be TRUE or FALSE; got 'FALSE'"),
    # hand-written callback verbs get the same checks
    "callback-lambda-not-a-function": (lambda: rk.callback_lambda(on_epoch_end=5),
                                       ArgumentTypeError, r"callback_lambda\(\): `on_epoch_end` must be a "
                                                      r"function\(epoch, logs\); got 5 \(int\)"),
    "callback-lambda-na": (lambda: rk.callback_lambda(on_train_end=R_NA),
                           ArgumentError, r"callback_lambda\(\): `on_train_end` is NA"),
    "checkpoint-path-not-a-string": (lambda: rk.callback_model_checkpoint(5),
                                     ArgumentTypeError, r"`filepath` must be a file path .* got 5 \(int\)"),
    "checkpoint-nan-threshold": (lambda: rk.callback_model_checkpoint(
        "m.keras", initial_value_threshold=NAN), ArgumentError, r"`initial_value_threshold` is NA/NaN"),
    "checkpoint-save-freq-string": (lambda: rk.callback_backup_and_restore("b", save_freq="often"),
                                    ArgumentError, r"`save_freq` must be \"epoch\" or a number"),
    "checkpoint-verbose-string": (lambda: rk.callback_model_checkpoint("m.keras", verbose="loud"),
                                  ArgumentError, r"`verbose` must be \"auto\", 0, 1 or 2"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_refused_with_a_specific_message(case):
    call, error, pattern = CASES[case]
    with pytest.raises(error) as caught:
        call()
    assert isinstance(caught.value, RKerasError)
    assert re.search(pattern, str(caught.value), re.S), str(caught.value)


@pytest.mark.parametrize("value", [1e38, -3.4e38, float(np.finfo(np.float32).max)])
def test_large_values_within_float32_pass_the_data_check(value):
    from rkeras.model_data import as_model_data

    x = X.copy()
    x[0, 0] = value
    checked = as_model_data(x, "x")
    assert np.isfinite(checked.astype("float32")).all() and checked[0, 0] == value


def test_values_that_mean_something_are_still_accepted():
    assert rk.layer_dense(units=2, use_bias=False).use_bias is False          # FALSE is fine
    assert rk.layer_dense(units=2, activation=None).activation.__name__ == "linear"  # NULL
    assert rk.layer_activation_relu(max_value=INF).max_value == INF                    # no bound
    assert rk.callback_early_stopping(baseline=INF).baseline == INF
    model = compiled()
    model >> rk.compile(optimizer=rk.optimizer_sgd(learning_rate=0.01), loss=None)  # add_loss models
    model >> rk.compile(optimizer="adam", loss=["mse"], metrics={"dense": "mae"})
    history = compiled() >> rk.fit(X, Y, epochs=2.0, batch_size=np.array([4.0]), verbose=0,
                                   validation_split=np.float64(0.25), shuffle="batch",
                                   callbacks=rk.callback_terminate_on_nan())
    assert len(history.metrics["loss"]) == 2
    # string-valued integer-like arguments, and real numbers behind Keras's int defaults
    # Created as keras3 does, tensorboard or not; fit() refuses it without (test_argument_scalars.py).
    assert rk.callback_tensorboard(log_dir="logs", profile_batch="2,4").__class__.__name__ == "TensorBoard"
    assert rk.callback_model_checkpoint("m.keras", save_freq="epoch").save_freq == "epoch"
    assert rk.metric_binary_crossentropy(label_smoothing=0.1).label_smoothing == 0.1
    assert rk.constraint_maxnorm(max_value=2.5).max_value == 2.5


def test_a_nan_learning_rate_used_to_make_every_weight_nan():
    """What the refusal prevents (Keras's own behaviour, checked on Keras directly)."""
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=NAN), loss="mse")
    model.fit(X.astype("float32"), Y, epochs=1, verbose=0)
    assert np.isnan(model.get_weights()[0]).all()


# --- through the R front end --------------------------------------------------------

R_CASES = {
    "fit-epochs-string": ("fit(model, x, y, epochs = '5', verbose = 0)", r"`epochs` must be an integer"),
    "fit-callbacks-string": ("fit(model, x, y, callbacks = 'cb', verbose = 0)",
                             r"`callbacks` must be a callback_\*\(\) object"),
    "compile-loss-number": ("compile(model, loss = 42)", r"`loss` must be a loss name"),
    "compile-metrics-number": ("compile(model, loss = 'mse', metrics = 42)", r"`metrics` must be"),
    "compile-optimizer-null": ("compile(model, optimizer = NULL, loss = 'mse')",
                               r"`optimizer` must be an optimizer name"),
    "na-for-logical-argument": ("layer_dense(units = 2, use_bias = NA)",
                                r"`use_bias` is NA; give a value"),
    "nan-learning-rate": ("optimizer_adam(learning_rate = NaN)", r"`learning_rate` is NA/NaN"),
    "inf-learning-rate": ("optimizer_sgd(learning_rate = Inf)", r"`learning_rate` is inf"),
    "complex-features": ("fit(model, x + 1i, y, verbose = 0)", r"`x` holds complex numbers"),
    "float64-beyond-float32": ("x[2, 3] <- 1e39; fit(model, x, y, verbose = 0)",
                               r"first is 1e\+39 at position \[2, 3\]"),
    "integer-argument-string": ("callback_early_stopping(patience = 'abc')",
                                r"`patience` must be a whole number; got 'abc'"),
    "callback-lambda-not-a-function": ("callback_lambda(on_epoch_end = 5)",
                                       r"`on_epoch_end` must be a function\(epoch, logs\)"),
    "callback-lambda-na": ("callback_lambda(on_epoch_end = NA)", r"`on_epoch_end` is NA"),
    "checkpoint-path-not-a-string": ("callback_model_checkpoint(NULL)",
                                     r"`filepath` must be a file path"),
}


@pytest.fixture(scope="module")
def r_error():
    pytest.importorskip("rpy2")
    from rkeras.r import frontend, r_eval

    frontend.install()
    setup = ("set_random_seed(0); model <- keras_model_sequential(input_shape = 4) %>% "
             "layer_dense(units = 1) %>% compile(loss = 'mse'); "
             "x <- matrix(rnorm(48), nrow = 12); y <- rowSums(x)")

    def run(code: str):
        value = r_eval("local({" + setup + "; tryCatch({" + code + "; NULL}, "
                       "error = function(e) conditionMessage(e))})")
        return None if value is None or len(value) == 0 else str(list(value)[0])
    return run


@pytest.mark.r
@pytest.mark.parametrize("case", sorted(R_CASES))
def test_hostile_input_from_r_is_an_r_error(case, r_error):
    code, pattern = R_CASES[case]
    message = r_error(code)
    assert message is not None, f"{case}: no R error"
    assert re.search(pattern, message, re.S), message


def test_every_case_is_in_the_catalogue():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "errors.md").read_text()
    missing = [case for case in sorted(set(CASES) | set(R_CASES)) if f"`{case}`" not in text]
    assert missing == []
