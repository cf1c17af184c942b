"""Small programs as rkeras's users write them (issue 13): Python users writing R-style keras,
rpy2 users, mixed teams. Tiny data; each program asserts what a user would check."""

import json

import numpy as np
import pandas as pd
import pytest

from rkeras import *  # noqa: F403 - as users write it

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4)).astype("float32")
LABELS = (X[:, 0] > 0).astype("int32")


def _classifier(units=2):
    model = (keras_model_sequential(input_shape=4) >> layer_dense(units=8, activation="relu")
             >> layer_dense(units=units, activation="softmax"))
    model >> compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics="accuracy")
    return model


# --- Python users writing R-style keras -----------------------------------------------

def test_p01_readme_pipeline():
    model = _classifier()
    history = model >> fit(X, LABELS, epochs=2, batch_size=8, verbose=0)
    assert "Final epoch" in str(history) and as_data_frame(history).shape == (4, 4)


def test_p02_unpack_evaluate():
    model = _classifier()
    model >> fit(X, LABELS, epochs=1, verbose=0)
    loss, acc = model >> evaluate(X, LABELS, verbose=0)
    assert loss > 0.05 and 0 <= acc <= 1


def test_p03_results_as_json_and_series():
    model = _classifier()
    res = model >> evaluate(X, LABELS, verbose=0)
    assert list(json.loads(json.dumps(res))) == ["loss", "accuracy"]
    assert list(pd.Series(res).index) == ["loss", "accuracy"]


def test_p04_one_hot_and_categorical_loss():
    model = (keras_model_sequential(input_shape=4) >> layer_dense(units=2, activation="softmax"))
    model >> compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics="accuracy")
    history = model >> fit(X, to_categorical(LABELS, 2), epochs=1, verbose=False)
    assert len(history["accuracy"]) == 1


def test_p05_pandas_category_labels():
    y = pd.Series(np.where(LABELS == 1, "pos", "neg"), dtype="category")
    assert to_categorical(y).shape == (40, 2)
    history = _classifier() >> fit(X, y, epochs=1, verbose=0)
    assert np.isfinite(history["loss"][0])


def test_p06_data_frame_columns_by_name():
    frame = pd.DataFrame(X, columns=list("abcd"))
    model = _classifier()
    model >> fit(frame, LABELS, epochs=1, verbose=0)
    np.testing.assert_allclose(model >> predict(frame[list("dcba")], verbose=0),
                               model.predict(X, verbose=0), rtol=1e-6)


def test_p07_transfer_learning_freeze():
    base = (keras_model_sequential(input_shape=4) >> layer_dense(units=4, name="c1")
            >> layer_dense(units=4, name="c2"))
    freeze_weights(base)
    model = keras_model_sequential(input_shape=4) >> layer_from(base) >> layer_dense(units=1)
    model >> compile(loss="mse")
    assert len(model.trainable_weights) == 2
    unfreeze_weights(base, from_="c2")
    model >> compile(loss="mse")
    assert len(model.trainable_weights) == 4


def test_p08_validation_freq_history_frame():
    model = _classifier()
    history = model >> fit(X, LABELS, epochs=4, validation_split=0.25, validation_freq=2, verbose=0)
    wide = as_data_frame(history, wide=True)
    assert wide["val_loss"].notna().tolist() == [False, True, False, True]


def test_p09_class_weight_one_based_refused():
    with pytest.raises(ValueError, match="- 1"):
        _classifier() >> fit(X, LABELS, class_weight={1: 1.0, 2: 5.0}, verbose=0)


def test_p10_text_classifier():
    texts = np.array(["good", "bad", "very good", "very bad"] * 3)
    y = np.array([1, 0, 1, 0] * 3, dtype="float32")
    vectorize = layer_text_vectorization(max_tokens=10, output_mode="multi_hot")
    vectorize.adapt(texts)
    inputs = keras_input(shape=1, dtype="string")
    model = keras_model(inputs, inputs >> vectorize >> layer_dense(units=1, activation="sigmoid"))
    model >> compile(optimizer="adam", loss="binary_crossentropy")
    assert np.isfinite((model >> fit(texts, y, epochs=1, verbose=0))["loss"][0])


def test_p11_tf_data_validation():
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((X, LABELS)).batch(8)
    history = _classifier() >> fit(ds, validation_data=ds, epochs=1, verbose=0)
    assert "val_loss" in history


def test_p12_callbacks_early_stopping():
    history = _classifier() >> fit(X, LABELS, epochs=20, validation_split=0.2, verbose=0,
                                   callbacks=[callback_early_stopping(patience=1)])
    assert as_data_frame(history, wide=True).shape[0] == 20


def test_p13_functional_concatenate_axis():
    a, b = keras_input(shape=4), keras_input(shape=2)
    merged = layer_concatenate(a, b, axis=-1)
    model = keras_model(list((a, b)), merged >> layer_dense(units=1))
    assert tuple(model.output.shape) == (None, 1)
    with pytest.raises(ValueError, match="1-based"):
        layer_concatenate(a, b, axis=1)


def test_p14_summary_once(capsys):
    assert summary(_classifier()) is None
    assert capsys.readouterr().out.count("Total params") == 1


def test_p15_save_load_custom_loss(tmp_path):
    import keras

    @keras.saving.register_keras_serializable(package="programs")
    def half_mse(y_true, y_pred):
        return 0.5 * keras.ops.mean(keras.ops.square(y_true - y_pred))

    model = keras_model_sequential(input_shape=4) >> layer_dense(units=1)
    model >> compile(loss=half_mse)
    save_model(model, tmp_path / "m.keras")
    assert load_model(tmp_path / "m.keras", custom_objects=[half_mse]) is not None


def test_p16_pipe_then_and_reshape():
    out = np.arange(12.0) >> array_reshape(dim=(3, 4)) >> then(np.sum, axis=0)
    np.testing.assert_array_equal(out, [12, 15, 18, 21])


def test_p17_get_layer_and_weights():
    model = _classifier()
    assert get_layer(model, index=1).units == 8
    assert [w.shape for w in get_weights(model)] == [(4, 8), (8,), (8, 2), (2,)]


def test_p18_initial_epoch_continues():
    model = _classifier()
    model >> fit(X, LABELS, epochs=2, verbose=0)
    history = model >> fit(X, LABELS, epochs=4, initial_epoch=3, verbose=0)
    assert as_data_frame(history, wide=True)["loss"].notna().tolist() == [False, False, True, True]


# --- rpy2 users and mixed teams ---------------------------------------------------------

@pytest.mark.r
def test_r01_factor_to_categorical(r):
    onehot = to_categorical(r.r_eval("factor(c('a','b','c','a'))"))
    assert onehot.shape == (4, 3) and onehot[:, 0].tolist() == [1, 0, 0, 1]


@pytest.mark.r
def test_r02_r_matrix_and_factor_fit(r):
    x = r.r_eval("set.seed(1); matrix(rnorm(40), 10)")
    y = r.r_eval("factor(rep(c('n', 'y'), 5))")
    history = _classifier() >> fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history["loss"][0])


@pytest.mark.r
def test_r03_history_to_r_methods(r):
    history = _classifier() >> fit(X, LABELS, epochs=2, verbose=0)
    frame = r.r_eval("function(h) as.data.frame(h)")(r.to_r(history))
    assert r.to_python(r.r_eval("nrow")(frame)) == 4


@pytest.mark.r
def test_r04_r_data_frame_predict_by_name(r):
    frame = r.r_eval("set.seed(2); data.frame(a = rnorm(10), b = rnorm(10), c = rnorm(10), d = rnorm(10))")
    model = _classifier()
    model >> fit(frame, np.arange(10) % 2, epochs=1, verbose=0)
    shuffled = r.r_eval("function(d) d[, c('d', 'c', 'b', 'a')]")(frame)
    np.testing.assert_allclose(model >> predict(shuffled, verbose=0),
                               model >> predict(frame, verbose=0), rtol=1e-6)


@pytest.mark.r
def test_r05_r_script_style(r):
    out = r.r_eval("""
        library(keras3)
        m <- keras_model_sequential(input_shape = 2) %>% layer_dense(units = 1)
        m %>% compile(loss = "mse", optimizer = "sgd")
        h <- m %>% fit(matrix(1:20 / 20, 10), (1:10) / 10, epochs = 3, verbose = TRUE)
        nrow(as.data.frame(h))
    """, convert=True)
    assert int(np.asarray(out).item()) == 3


@pytest.mark.r
def test_r06_evaluate_named_list_in_r(r):
    res = r.r_eval("""
        library(keras)
        m <- keras_model_sequential(input_shape = 2) %>% layer_dense(units = 1)
        m %>% compile(loss = "mse", metrics = "mae")
        e <- m %>% evaluate(matrix(1:20 / 20, 10), (1:10) / 10, verbose = 0)
        c(is.list(e), all(c("loss", "mae") %in% names(e)))
    """, convert=True)
    assert all(np.asarray(res))


@pytest.mark.r
def test_r07_model_handle_dollar(r):
    model = _classifier()
    assert r.to_python(r.r_eval("function(m) m$count_params()")(r.to_r(model))) == model.count_params()
