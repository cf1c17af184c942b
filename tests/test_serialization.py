"""keras3's serialization verbs: get_config/from_config, JSON configs, custom objects."""

import keras
import pytest

import rkeras
from rkeras.errors import RKerasError


def _model():
    return (rkeras.keras_model_sequential(input_shape=4)
            >> rkeras.layer_dense(units=3, activation="relu")
            >> rkeras.layer_dense(units=1))


def test_get_config_from_config_round_trip():
    layer = keras.layers.Dense(5, activation="tanh")
    config = rkeras.get_config(layer)
    assert config["units"] == 5
    again = rkeras.from_config(config)
    assert isinstance(again, keras.layers.Dense) and again.units == 5
    model = rkeras.from_config(rkeras.get_config(_model()))
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    with pytest.raises(RKerasError, match="get_config"):
        rkeras.from_config({"units": 3})


def test_model_config_json_files(tmp_path):
    model = _model()
    path = str(tmp_path / "m.json")
    assert rkeras.save_model_config(model, path) is model
    loaded = rkeras.load_model_config(path)
    assert loaded.count_params() == model.count_params()
    with pytest.raises(RKerasError, match="overwrite"):
        rkeras.save_model_config(model, path)


def test_custom_objects_and_registry():
    def my_act(x):
        return keras.ops.relu(x) * 2

    registered = rkeras.register_keras_serializable(my_act, package="rkerasTest")
    assert rkeras.get_registered_name(registered) == "rkerasTest>my_act"
    assert rkeras.get_registered_object("rkerasTest>my_act") is my_act
    seen = rkeras.with_custom_object_scope(
        {"double_relu": my_act}, lambda: keras.saving.get_registered_object("double_relu"))
    assert seen is my_act
    previous = rkeras.set_custom_objects({"k": my_act}, clear=False)
    try:
        assert rkeras.get_custom_objects()["k"] is my_act
    finally:
        rkeras.set_custom_objects(previous)
    obj = rkeras.serialize_keras_object(keras.layers.Dense(2))
    assert isinstance(rkeras.deserialize_keras_object(obj), keras.layers.Dense)
