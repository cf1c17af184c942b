"""train_on_batch & co., adapt/get_vocabulary: keras3's return values on plain Keras objects."""

import keras
import numpy as np

import rkeras


def _compiled(metrics=None):
    keras.utils.set_random_seed(1)
    model = rkeras.keras_model_sequential(input_shape=3) >> rkeras.layer_dense(units=1)
    return model >> rkeras.compile(optimizer="sgd", loss="mse", metrics=metrics)


X = np.arange(12.0).reshape(4, 3) / 10
Y = np.array([[1.0], [0.0], [1.0], [0.0]])


def test_batch_verbs_return_keras3_values():
    model = _compiled()
    loss = rkeras.train_on_batch(model, X, Y)
    assert isinstance(loss, float)                       # only the loss: one number
    res = _compiled(metrics="mae") >> rkeras.test_on_batch(X, Y)
    assert set(res.names()) == {"loss", "mae"}
    np.testing.assert_allclose(rkeras.predict_on_batch(model, X), model.predict_on_batch(X))


def test_adapt_and_vocabulary():
    lookup = keras.layers.StringLookup()
    assert rkeras.adapt(lookup, np.array(["a", "b", "b"])) is lookup
    assert rkeras.get_vocabulary(lookup) == ["[UNK]", "b", "a"]
    rkeras.set_vocabulary(lookup, ["x", "y"])
    assert rkeras.get_vocabulary(lookup, include_special_tokens=False) == ["x", "y"]


def test_reset_state_returns_its_object():
    metric = keras.metrics.Mean()
    metric.update_state([1.0, 3.0])
    assert rkeras.reset_state(metric) is metric
    assert float(metric.result()) == 0.0
