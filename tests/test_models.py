"""rkeras.models: the model verbs (compile, fit, evaluate, predict, layers, weights, save/load)."""

import keras
import numpy as np
import pytest

from rkeras import *  # noqa: F403 - the point is that this works
from rkeras.errors import ArgumentError
from rkeras.pipe import Deferred


def test_compile_fit_evaluate_predict_round(tiny_data, tiny_model):
    x, labels, y = tiny_data
    set_random_seed(1)
    model = tiny_model()
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


def test_deferred_verbs_wait_for_the_model(tiny_data, tiny_model):
    x, _, y = tiny_data
    waiting = fit(x, y, epochs=1, verbose=0)
    assert isinstance(waiting, Deferred)
    model = tiny_model() >> compile(loss="categorical_crossentropy")
    assert isinstance(waiting(model), KerasTrainingHistory)


def test_initial_epoch_is_one_based(tiny_data, tiny_model):
    x, _, y = tiny_data
    model = tiny_model() >> compile(loss="categorical_crossentropy")
    seen = []
    cb = callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    model >> fit(x, y, epochs=4, initial_epoch=3, verbose=0, callbacks=cb)
    assert seen == [3, 4]


def test_get_layer_is_one_based_and_pop_layer(tiny_model):
    model = tiny_model()
    assert get_layer(model, index=1) is model.layers[0]
    assert get_layer(model, index=-1) is model.layers[-1]
    assert get_layer(model, name=model.layers[1].name) is model.layers[1]
    with pytest.raises(ArgumentError, match="1-based"):
        get_layer(model, index=0)
    assert pop_layer(model) is model and len(model.layers) == 1


def test_freeze_and_unfreeze_by_position(tiny_model):
    model = tiny_model() >> layer_dense(units=2)
    freeze_weights(model, from_=1, to=2)
    assert [layer.trainable for layer in model.layers] == [False, False, True]
    unfreeze_weights(model)
    assert all(layer.trainable for layer in model.layers)
    freeze_weights(model)
    assert model.trainable is False


def test_weights_round_trip_and_count_params(tiny_model):
    model = tiny_model()
    weights = get_weights(model)
    assert [w.shape for w in weights] == [(8, 16), (16,), (16, 2), (2,)]
    assert count_params(model) == sum(w.size for w in weights)
    set_weights(model, [np.zeros_like(w) for w in weights])
    assert all((w == 0).all() for w in get_weights(model))


def test_save_and_load_model_keeps_predictions(tmp_path, tiny_data, tiny_model):
    x, _, y = tiny_data
    model = tiny_model() >> compile(loss="categorical_crossentropy")
    path = tmp_path / "model.keras"
    assert save_model(model, str(path)) is model
    restored = load_model(str(path))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    save_model_weights(model, str(tmp_path / "w.weights.h5"))
    other = tiny_model()
    load_model_weights(other, str(tmp_path / "w.weights.h5"))
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_save_is_atomic_when_saving_fails(tmp_path, monkeypatch, tiny_model):
    model = tiny_model()
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


def test_save_model_checks_the_extension(tmp_path, tiny_model):
    with pytest.raises(ArgumentError, match=r"must end in '\.keras'"):
        save_model(tiny_model(), str(tmp_path / "model.h5"))


def test_load_model_keeps_safe_mode_and_explains_how_to_opt_in(tmp_path):
    model = keras_model_sequential(input_shape=2) >> layer_lambda(function=lambda t: t * 2)
    path = str(tmp_path / "lambda.keras")
    save_model(model, path)
    with pytest.raises(ArgumentError, match="safe_mode=False"):
        load_model(path)
    assert load_model(path, safe_mode=False) is not None


def test_summary_prints_the_table(capsys, tiny_model):
    from rkeras.models import format_summary

    model = tiny_model()
    assert summary(model) is None          # nothing for a Python prompt to echo (issue 13, 14)
    printed = capsys.readouterr().out
    assert "dense" in printed and "Total params" in printed
    assert printed.count("Total params") == 1
    assert format_summary(model).strip() == printed.strip()

