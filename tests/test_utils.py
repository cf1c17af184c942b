"""keras3's small utilities: shape(), zip_lists(), keras_variable(), custom_metric(), image_*."""

import keras
import numpy as np
import pytest

import rkeras
from rkeras.errors import RKerasError


def test_shape_is_keras3s_shape_object():
    assert repr(rkeras.shape(None, 28)) == "shape(NA, 28)"
    assert tuple(rkeras.shape(float("nan"), 28.0, [3, 4])) == (None, 28, 3, 4)
    assert tuple(rkeras.shape(np.zeros((2, 5)))) == (2, 5)
    assert tuple(rkeras.shape(keras.KerasTensor((None, 7)))) == (None, 7)
    assert tuple(rkeras.shape(-1, 2)) == (None, 2)
    with pytest.raises(RKerasError):
        rkeras.shape(2.5)
    assert rkeras.utils.newaxis is None


def test_zip_lists_by_position_and_name():
    assert rkeras.zip_lists([1, 2], ["a", "b"]) == [[1, "a"], [2, "b"]]
    assert rkeras.zip_lists({"a": 1, "b": 2}, {"b": 3, "a": 4}) == {"a": [1, 4], "b": [2, 3]}
    with pytest.raises(RKerasError, match="names"):
        rkeras.zip_lists({"a": 1}, {"b": 2})


def test_keras_variable_and_custom_metric():
    v = rkeras.keras_variable(np.ones((2, 3)), shape=[2.0, 3.0])
    assert isinstance(v, keras.Variable) and tuple(v.shape) == (2, 3)
    metric = rkeras.custom_metric("twice", lambda y, p: keras.ops.mean(y * 2))
    assert metric.__name__ == "twice"
    assert float(metric(np.ones(3), np.ones(3))) == 2.0


def test_image_helpers_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    array = rng.integers(0, 255, (8, 6, 3)).astype("float32")
    path = str(tmp_path / "img.png")
    rkeras.image_array_save(array, path, scale=False)
    img = rkeras.image_load(path, target_size=[4.0, 3.0])
    back = rkeras.image_to_array(img)
    assert back.shape == (4, 3, 3)
    assert rkeras.image_smart_resize(array, size=[4, 4]).shape == (4, 4, 3)
    assert rkeras.image_from_array(array).size == (6, 8)


def test_timeseries_and_split_dataset():
    ds = rkeras.timeseries_dataset_from_array(np.arange(10.0), None, sequence_length=3.0,
                                              batch_size=2.0)
    first = next(iter(ds)).numpy()
    np.testing.assert_array_equal(first, [[0, 1, 2], [1, 2, 3]])
    left, right = rkeras.split_dataset(np.arange(10.0), left_size=0.8)
    assert len(list(left)) == 8 and len(list(right)) == 2
