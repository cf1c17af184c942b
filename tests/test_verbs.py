"""The Python front end: piping, the compose rule, model verbs and their errors."""

import inspect
import os

import keras
import numpy as np
import pytest

from rkeras import *  # noqa: F403 - the point is that this works
import rkeras
from rkeras.errors import ArgumentError, DataError, UnknownNameError
from rkeras.pipe import Deferred, PendingLayer


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 8)).astype("float32")
    labels = (x[:, 0] + x[:, 1] > 0).astype("int32")
    return x, labels, to_categorical(labels, 2)


def small_model():
    return (keras_model_sequential(input_shape=8)
            >> layer_dense(units=16, activation="relu")
            >> layer_dense(units=2, activation="softmax"))


# --- composition ------------------------------------------------------------------

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


# --- errors before Keras ----------------------------------------------------------------

def test_non_integral_units():
    with pytest.raises(ArgumentError, match=r"`units` must be a whole number; got 512\.5"):
        layer_dense(units=512.5)


def test_negative_size():
    with pytest.raises(ArgumentError, match="`filters` must be positive; got -1"):
        layer_conv_2d(filters=-1, kernel_size=3)


def test_misspelled_argument_suggests_the_closest():
    with pytest.raises(ArgumentError, match=r"unknown argument `unit`\. Did you mean 'units'\?"):
        layer_dense(unit=3)
    with pytest.raises(ArgumentError, match=r"Did you mean 'epochs'"):
        fit(small_model(), np.ones((4, 8)), np.ones((4, 2)), epoch=3)


def test_missing_required_argument():
    with pytest.raises(ArgumentError, match="argument `units` is missing"):
        layer_dense()


def test_unknown_activation_optimizer_loss_metric():
    with pytest.raises(UnknownNameError, match=r"unknown activation 'rellu'\. Did you mean 'relu'"):
        layer_dense(units=3, activation="rellu")
    model = small_model()
    with pytest.raises(UnknownNameError, match=r"compile\(optimizer=\).*'rmsprp'.*Did you mean 'rmsprop'"):
        model >> compile(optimizer="rmsprp", loss="mse")
    with pytest.raises(UnknownNameError, match=r"Did you mean 'categorical_crossentropy'"):
        model >> compile(loss="categorical_crossentropi")
    with pytest.raises(UnknownNameError, match=r"unknown metric 'acuracy'.*Did you mean 'accuracy'"):
        model >> compile(loss="mse", metrics="acuracy")


# --- training ---------------------------------------------------------------------------

def test_compile_fit_evaluate_predict_round(data):
    x, labels, y = data
    set_random_seed(1)
    model = small_model()
    assert (model >> compile(optimizer="adam", loss="categorical_crossentropy",
                             metrics="accuracy")) is model
    history = model >> fit(x, y, epochs=3, batch_size=32, validation_split=0.25, verbose=0)
    assert isinstance(history, KerasTrainingHistory)
    assert set(history.metrics) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.metrics["loss"]) == 3
    results = model >> evaluate(x, y, verbose=0)
    assert set(results.keys()) == {"loss", "accuracy"}
    assert results["accuracy"] == results.accuracy and 0 <= results.accuracy <= 1
    predictions = model >> predict(x, verbose=0)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (96, 2)
    np.testing.assert_allclose(predictions.sum(axis=1), 1, rtol=1e-5)


def test_deferred_verbs_wait_for_the_model(data):
    x, _, y = data
    waiting = fit(x, y, epochs=1, verbose=0)
    assert isinstance(waiting, Deferred)
    model = small_model() >> compile(loss="categorical_crossentropy")
    assert isinstance(waiting(model), KerasTrainingHistory)


def test_initial_epoch_is_one_based(data):
    x, _, y = data
    model = small_model() >> compile(loss="categorical_crossentropy")
    seen = []
    cb = callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    model >> fit(x, y, epochs=4, initial_epoch=3, verbose=0, callbacks=cb)
    assert seen == [3, 4]


def test_callback_lambda_is_one_based_and_merges_logs(data):
    x, _, y = data
    model = small_model() >> compile(loss="categorical_crossentropy")
    epochs = []
    cb = callback_lambda(on_epoch_end=lambda epoch, logs: epochs.append(epoch) or {"twice": 2.0})
    history = model >> fit(x, y, epochs=3, verbose=0, callbacks=[cb])
    assert epochs == [1, 2, 3]
    assert history.metrics["twice"] == [2.0, 2.0, 2.0]


def test_early_stopping_callback_verb(data):
    x, _, y = data
    cb = callback_early_stopping(monitor="loss", patience=0.0, min_delta=1e9)
    assert cb.patience == 0
    model = small_model() >> compile(loss="categorical_crossentropy")
    history = model >> fit(x, y, epochs=10, verbose=0, callbacks=cb)
    assert len(history.metrics["loss"]) < 10
    assert history.params["epochs"] == 10


def test_bad_data_errors_come_before_keras(data):
    x, _, y = data
    model = small_model() >> compile(loss="categorical_crossentropy")
    with pytest.raises(DataError, match="`x` has 96 samples but `y` has 10"):
        model >> fit(x, y[:10])
    bad = x.copy()
    bad[5, 2] = np.nan
    with pytest.raises(DataError, match=r"NA/NaN at position \[6, 3\]"):
        model >> fit(bad, y)
    with pytest.raises(DataError, match=r"`x` has shape \(96, 4\) but the model expects \(n, 8\)"):
        model >> fit(x[:, :4], y)
    with pytest.raises(DataError, match="empty"):
        model >> fit(x[:0], y[:0])


def test_pandas_frame_goes_into_fit_and_factor_columns_are_refused(data):
    import pandas as pd

    x, labels, _ = data
    frame = pd.DataFrame(x.copy(), columns=[f"v{i}" for i in range(8)])
    model = (keras_model_sequential(input_shape=8) >> layer_dense(units=2, activation="softmax")
             >> compile(loss="sparse_categorical_crossentropy"))
    target = pd.Series(pd.Categorical.from_codes(labels, ["no", "yes"]))
    history = model >> fit(frame, target, epochs=1, verbose=0)
    assert len(history.metrics["loss"]) == 1
    frame["v3"] = pd.Categorical(["a"] * 96)
    with pytest.raises(DataError, match="column 'v3' is a factor/category"):
        model >> fit(frame, target)
    frame["v3"] = 1.0
    frame.loc[10, "v5"] = np.nan
    with pytest.raises(DataError, match="column 'v5', row 11"):
        model >> fit(frame, target)


# --- inspection, weights, persistence ---------------------------------------------------

def test_get_layer_is_one_based_and_pop_layer():
    model = small_model()
    assert get_layer(model, index=1) is model.layers[0]
    assert get_layer(model, index=-1) is model.layers[-1]
    assert get_layer(model, name=model.layers[1].name) is model.layers[1]
    with pytest.raises(ArgumentError, match="1-based"):
        get_layer(model, index=0)
    assert pop_layer(model) is model and len(model.layers) == 1


def test_freeze_and_unfreeze_by_position():
    model = small_model() >> layer_dense(units=2)
    freeze_weights(model, from_=1, to=2)
    assert [layer.trainable for layer in model.layers] == [False, False, True]
    unfreeze_weights(model)
    assert all(layer.trainable for layer in model.layers)
    freeze_weights(model)
    assert model.trainable is False


def test_weights_round_trip_and_count_params():
    model = small_model()
    weights = get_weights(model)
    assert [w.shape for w in weights] == [(8, 16), (16,), (16, 2), (2,)]
    assert count_params(model) == sum(w.size for w in weights)
    set_weights(model, [np.zeros_like(w) for w in weights])
    assert all((w == 0).all() for w in get_weights(model))


def test_save_and_load_model_keeps_predictions(tmp_path, data):
    x, _, y = data
    model = small_model() >> compile(loss="categorical_crossentropy")
    path = tmp_path / "model.keras"
    assert save_model(model, str(path)) is model
    restored = load_model(str(path))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    save_model_weights(model, str(tmp_path / "w.weights.h5"))
    other = small_model()
    load_model_weights(other, str(tmp_path / "w.weights.h5"))
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_save_is_atomic_when_saving_fails(tmp_path, monkeypatch):
    model = small_model()
    path = tmp_path / "model.keras"
    save_model(model, str(path))
    before = path.read_bytes()

    def explode(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as handle:
            handle.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save", explode)
    with pytest.raises(OSError, match="disk full"):
        save_model(model, str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]


def test_save_model_checks_the_extension(tmp_path):
    with pytest.raises(ArgumentError, match=r"must end in '\.keras'"):
        save_model(small_model(), str(tmp_path / "model.h5"))


def test_load_model_keeps_safe_mode_and_explains_how_to_opt_in(tmp_path):
    model = keras_model_sequential(input_shape=2) >> layer_lambda(function=lambda t: t * 2)
    path = str(tmp_path / "lambda.keras")
    save_model(model, path)
    with pytest.raises(ArgumentError, match="safe_mode=False"):
        load_model(path)
    assert load_model(path, safe_mode=False) is not None


def test_summary_prints_the_table(capsys):
    text = summary(small_model())
    printed = capsys.readouterr().out
    assert "dense" in printed and "Total params" in printed
    assert text.strip() == printed.strip()


def test_labels_outside_the_classes_are_caught(data):
    x, labels, _ = data
    model = small_model() >> compile(loss="sparse_categorical_crossentropy")
    with pytest.raises(DataError, match=r"class numbers 0\.\.1 .* y\[\d+\] \(1-based\) is 2.*as.integer\(f\) - 1"):
        model >> fit(x, labels + 1)
    model >> compile(loss="categorical_crossentropy")
    with pytest.raises(DataError, match=r"needs one-hot rows \(2 columns\): use to_categorical\(y, 2\)"):
        model >> fit(x, labels)
