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



# --- issue 13: Python users ----------------------------------------------------------

def _freeze_model():
    """keras3's test-freeze.R model: dense(32) relu dense(10) softmax, named."""
    return (keras_model_sequential(input_shape=784)
            >> layer_dense(units=32, name="input") >> layer_activation("relu", name="relu_activation")
            >> layer_dense(units=10, name="dense") >> layer_activation("softmax", name="softmax_activation"))


def _trainable(model):
    return [layer.trainable for layer in model.layers]


def test_freeze_keras3_cases():
    # keras3 tests/testthat/test-freeze.R, case by case.
    model = _freeze_model()
    freeze_weights(model)
    assert len(model.trainable_weights) == 0
    unfreeze_weights(model)
    assert len(model.trainable_weights) == 4
    model = _freeze_model()
    freeze_weights(model, from_=2, to=3)
    assert len(model.trainable_weights) == 2 and _trainable(model) == [True, False, False, True]
    model = _freeze_model()
    freeze_weights(model, from_="dense")
    assert len(model.trainable_weights) == 2 and _trainable(model) == [True, True, False, False]


def test_freeze_keras3_which_and_negative_positions():
    model = (keras_model_sequential(input_shape=32) >> layer_dense(units=32, name="input")
             >> layer_activation("relu", name="relu_activation"))
    for i in range(1, 6):
        model >> layer_dense(units=10, name=f"dense{i}")
    model >> layer_activation("softmax", name="softmax_activation")
    freeze_weights(model, from_=-2)
    assert len(model.non_trainable_weights) == 2
    freeze_weights(model, from_=-3)
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, from_=-4, to=-3)
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, which=lambda layer: layer.name.startswith("dense"))
    assert len(model.trainable_weights) == 2
    unfreeze_weights(model, which=lambda layer: layer.name.startswith("dense"))
    assert len(model.non_trainable_weights) == 2
    unfreeze_weights(model, which=[6, 7])
    assert len(model.trainable_weights) == 4
    unfreeze_weights(model, which=["dense1", "dense2"])
    assert len(model.trainable_weights) == 4
    freeze_weights(model, which=[6, 7])
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, which=["dense1", "dense2"])
    assert len(model.non_trainable_weights) == 4
    freeze_weights(model, which=[3, "dense3"])
    assert len(model.non_trainable_weights) == 4
    with pytest.raises(ArgumentError, match="either `which` or `from`/`to`"):
        freeze_weights(model, from_=1, which=[2])


def test_freeze_docs_cases_issue_13():
    # The issue's reports and keras3's documented examples (R/freeze.R).
    base = (keras_model_sequential(input_shape=4) >> layer_dense(units=3, name="b1")
            >> layer_dense(units=3, name="b2") >> layer_dense(units=3, name="b3")
            >> layer_dense(units=3, name="b4"))
    freeze_weights(base)
    unfreeze_weights(base, from_="b3")                  # only b3 on trains
    assert _trainable(base) == [False, False, True, True] and base.trainable
    freeze_weights(base)
    freeze_weights(base, from_="b2")                    # global: b1 trains, and the model does
    assert _trainable(base) == [True, False, False, False] and base.trainable
    assert len(base.trainable_weights) == 2
    freeze_weights(base, from_=-2)                      # "freeze only the last 2 layers"
    assert _trainable(base) == [True, True, False, False]
    unfreeze_weights(base, to=-3)                       # the same, "a different way"
    assert _trainable(base) == [True, True, False, False]
    freeze_weights(base, from_=base.layers[1], to="b3")  # a layer object and a name
    assert _trainable(base) == [True, False, False, True]
    freeze_weights(base, which=[True, False, False, True])
    assert _trainable(base) == [False, True, True, False]
    with pytest.raises(ArgumentError, match=r"`from` = 5 but the model has 4 layer"):
        freeze_weights(base, from_=5)
    with pytest.raises(ArgumentError, match="no layer named 'b9'"):
        freeze_weights(base, to="b9")


def _compiled(tiny_model, metrics=("accuracy",), loss="categorical_crossentropy"):
    model = tiny_model()
    model >> compile(optimizer="adam", loss=loss, metrics=list(metrics))
    return model


def test_evaluate_unpacks_in_keras_order(tiny_data, tiny_model):
    import json

    import pandas as pd

    x, labels, y = tiny_data
    model = _compiled(tiny_model, metrics=("accuracy", "mae"))
    keras_list = model.evaluate(x, y, verbose=0)            # Keras's order: loss first
    res = model >> evaluate(x, y, verbose=0)
    loss, acc, mae = res
    np.testing.assert_allclose([loss, acc, mae], keras_list, rtol=1e-6)
    assert list(res.keys()) == ["loss", "accuracy", "mae"]
    assert res["accuracy"] == res.accuracy == acc
    assert dict(res) == {"loss": loss, "accuracy": acc, "mae": mae}
    assert pd.Series(res).to_dict() == dict(res)
    assert json.loads(json.dumps(res)) == dict(res)


def test_class_weight_keys_outside_classes_are_refused(tiny_data, tiny_model):
    x, labels, y = tiny_data
    model = _compiled(tiny_model)
    with pytest.raises(ArgumentError, match=r"key 2 is outside the classes 0\.\.1.*use 1 \(key - 1\)"):
        model >> fit(x, y, class_weight={1: 1.0, 2: 3.0}, verbose=0)
    history = model >> fit(x, y, class_weight={"0": 1.0, "1": 2.0}, epochs=1, verbose=False)
    assert len(history["loss"]) == 1


def test_factor_labels_are_zero_based_everywhere(tiny_data, tiny_model):
    import pandas as pd

    x, labels, y = tiny_data
    factor = pd.Categorical(np.where(labels == 1, "yes", "no"))
    assert to_categorical(factor).shape == (96, 2)
    np.testing.assert_array_equal(to_categorical(factor), to_categorical(labels))
    model = _compiled(tiny_model, loss="sparse_categorical_crossentropy")
    history = model >> fit(x, pd.Series(factor), epochs=1, verbose=0,
                           class_weight={"no": 1.0, "yes": 2.0})
    assert np.isfinite(history["loss"][0])
    pred = model.predict(x, verbose=0)
    from_factor = loss_sparse_categorical_crossentropy(y_true=factor, y_pred=pred)
    from_codes = loss_sparse_categorical_crossentropy(y_true=labels, y_pred=pred)
    np.testing.assert_allclose(np.asarray(from_factor), np.asarray(from_codes))


def test_data_frames_are_matched_by_column_name(tiny_data, tiny_model):
    import pandas as pd

    x, labels, y = tiny_data
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(8)])
    model = _compiled(tiny_model)
    model >> fit(frame, y, epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)
    shuffled = frame[list(reversed(frame.columns))].assign(extra=1.0)
    np.testing.assert_allclose(model >> predict(shuffled, verbose=0), expected, rtol=1e-6)
    res = model >> evaluate(shuffled, y, verbose=0)
    np.testing.assert_allclose(res.loss, model.evaluate(x, y, verbose=0)[0], rtol=1e-5)
    with pytest.raises(ValueError, match=r"lacks column\(s\) 'f3', 'f5'"):
        model >> predict(frame.drop(columns=["f3", "f5"]), verbose=0)


def _text_model():
    vectorize = layer_text_vectorization(max_tokens=20, output_mode="multi_hot")
    vectorize.adapt(np.array(["good movie", "bad movie", "good good", "bad"]))
    inputs = keras_input(shape=(1,), dtype="string")
    outputs = inputs >> vectorize >> layer_dense(units=1, activation="sigmoid")
    model = keras_model(inputs, outputs)
    model >> compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_text_models_train_on_strings():
    import pandas as pd

    texts = ["good movie", "bad movie", "good good", "bad", "good", "bad bad"]
    y = np.array([1, 0, 1, 0, 1, 0], dtype="float32")
    model = _text_model()
    for x in (np.array(texts), np.array(texts, dtype=object), pd.Series(texts, dtype="string"),
              pd.Series(texts)):
        history = model >> fit(x, y, epochs=1, verbose=0)
        assert np.isfinite(history["loss"][0])
    assert (model >> predict(np.array(texts), verbose=0)).shape == (6, 1)
    assert np.isfinite((model >> evaluate(np.array(texts), y, verbose=0)).loss)
    # A numeric model still refuses text.
    numeric = keras_model_sequential(input_shape=1) >> layer_dense(units=1)
    numeric >> compile(loss="mse")
    with pytest.raises(ValueError, match="a model needs numbers"):
        numeric >> fit(np.array(["a", "b"]), np.array([1.0, 2.0]), verbose=0)


def test_fit_takes_a_dataset_as_validation_data(tiny_data, tiny_model):
    import tensorflow as tf

    x, labels, y = tiny_data
    model = _compiled(tiny_model)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    history = model >> fit(ds, validation_data=ds, epochs=2, verbose=False)
    assert len(history["val_loss"]) == 2


def test_verbose_accepts_true_and_false(tiny_data, tiny_model, capsys):
    from rkeras.conventions import as_verbose

    assert as_verbose(True) == 1 and as_verbose(False) == 0 and as_verbose(np.array([True])) == 1
    x, labels, y = tiny_data
    model = _compiled(tiny_model)
    model >> fit(x, y, epochs=1, verbose=False)
    model >> evaluate(x, y, verbose=False)
    model >> predict(x, verbose=False)
    assert capsys.readouterr().out == ""


def test_custom_objects_as_an_unnamed_list(tmp_path, tiny_data):
    import keras

    @keras.saving.register_keras_serializable(package="test13")
    def my_loss(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred))

    model = keras_model_sequential(input_shape=8) >> layer_dense(units=2)
    model >> compile(optimizer="adam", loss=my_loss)
    path = tmp_path / "m.keras"
    save_model(model, path)
    loaded = load_model(path, custom_objects=[my_loss])
    assert loaded.loss.__name__ == "my_loss"
    from rkeras.models import named_objects

    assert named_objects([my_loss]) == {"my_loss": my_loss}
    with pytest.raises(ArgumentError, match="element 1 .* has no name"):
        named_objects([3])
