"""application_*: built offline with weights=NULL; pretrained weights only from the local cache."""

import os
import time

import keras
import numpy as np
import pytest

import rkeras
from rkeras.applications import WeightsNotFoundError
from rkeras.errors import RKerasError
from rkeras.registry import verbs_in

K3_APPLICATIONS = [
    "application_convnext_base", "application_convnext_large", "application_convnext_small",
    "application_convnext_tiny", "application_convnext_xlarge", "application_densenet121",
    "application_densenet169", "application_densenet201",
    *[f"application_efficientnet_b{i}" for i in range(8)],
    *[f"application_efficientnet_v2{v}" for v in ("b0", "b1", "b2", "b3", "l", "m", "s")],
    "application_inception_resnet_v2", "application_inception_v3", "application_mobilenet",
    "application_mobilenet_v2", "application_mobilenet_v3_large", "application_mobilenet_v3_small",
    "application_nasnet_large", "application_nasnet_mobile", "application_nasnetlarge",
    "application_nasnetmobile", "application_resnet101", "application_resnet101_v2",
    "application_resnet152", "application_resnet152_v2", "application_resnet50",
    "application_resnet50_v2", "application_vgg16", "application_vgg19", "application_xception",
    "application_preprocess_inputs", "application_decode_predictions",
]


def test_all_44_keras3_application_names_exist():
    assert len(K3_APPLICATIONS) == 44
    missing = [n for n in K3_APPLICATIONS if not callable(getattr(rkeras, n, None))]
    assert missing == []
    assert len(verbs_in("application")) >= 44


@pytest.fixture(scope="module")
def mobilenet():
    return rkeras.application_mobilenet_v2(weights=None, input_shape=[32.0, 32.0, 3.0],
                                           include_top=False, alpha=0.35)


def test_builds_offline_with_random_weights(mobilenet):
    assert isinstance(mobilenet, keras.Model)
    assert mobilenet.output_shape == (None, 1, 1, 1280)
    expected = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3),
                                              include_top=False, alpha=0.35)
    assert mobilenet.count_params() == expected.count_params()


def test_missing_weights_fail_before_downloading_and_name_the_file(monkeypatch, tmp_path):
    from keras.src.backend import config

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))
    # No network: a download attempt would fail differently (and slowly).
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    start = time.perf_counter()
    with pytest.raises(WeightsNotFoundError) as info:
        rkeras.application_mobilenet_v2(input_shape=[96, 96, 3], include_top=False, alpha=0.35)
    message = str(info.value)
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    assert name in message
    assert os.path.join(str(tmp_path), "models", name) in message
    assert "weights = NULL" in message and "https://" in message
    assert isinstance(info.value, RKerasError) and isinstance(info.value, FileNotFoundError)
    assert not (tmp_path / "models" / name).exists()
    assert time.perf_counter() - start < 30


def test_cached_weights_are_loaded(monkeypatch, tmp_path, mobilenet):
    from keras.src.backend import config

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path))
    # Keras names the file for 224x224 whatever the (non-standard) input size.
    name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
    (tmp_path / "models").mkdir()
    source = rkeras.application_mobilenet_v2(weights=None, input_shape=[32, 32, 3],
                                             include_top=False, alpha=0.35)
    # Keras's published weights files use the legacy HDF5 layout.
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(tmp_path / "models" / name, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, source)
    with pytest.warns(UserWarning, match="non-square"):
        loaded = rkeras.application_mobilenet_v2(input_shape=[32, 32, 3], include_top=False,
                                                 alpha=0.35)
    for a, b in zip(source.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_weights_path_that_does_not_exist_is_refused():
    with pytest.raises(WeightsNotFoundError, match="neither"):
        rkeras.application_mobilenet_v2(weights="/nonexistent/w.h5", include_top=False,
                                        input_shape=[32, 32, 3])


def test_preprocess_inputs_follow_the_architecture(mobilenet):
    x = np.random.default_rng(1).integers(0, 255, (2, 32, 32, 3)).astype("float64")
    before = x.copy()
    got = rkeras.application_preprocess_inputs(mobilenet, x)
    np.testing.assert_allclose(got, keras.applications.mobilenet_v2.preprocess_input(before.copy()))
    np.testing.assert_array_equal(x, before)        # the caller's array is not changed
    fn = rkeras.application_preprocess_inputs(mobilenet)
    np.testing.assert_allclose(fn(before.copy()), got)
    caffe = rkeras.imagenet_preprocess_input(before, mode="caffe")
    np.testing.assert_allclose(caffe, keras.applications.imagenet_utils.preprocess_input(
        before.copy(), mode="caffe"))


def test_preprocess_inputs_needs_an_application_model():
    model = rkeras.keras_model_sequential(input_shape=3) >> rkeras.layer_dense(units=1)
    with pytest.raises(RKerasError, match="application_"):
        rkeras.application_preprocess_inputs(model, np.zeros((1, 3)))
