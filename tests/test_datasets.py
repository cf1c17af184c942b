"""rkeras.datasets and rkeras.dataset_files: the loaders equal Keras's, files are found offline.

Real data: $RKERAS_TEST_DATA, else shared/data beside the checkout (see its
README for the figures checked here), reached through RKERAS_DATASETS.
Datasets not available offline (Fashion-MNIST, CIFAR, Reuters) are tested on
small synthetic files in Keras's exact formats.
Nothing is ever downloaded: every test runs with RKERAS_OFFLINE=1, an empty
KERAS_HOME, and keras.utils.get_file replaced by a stub that fails.
"""

from __future__ import annotations

import gzip
import inspect
import json
import os
import pickle
import tarfile

import numpy as np
import pytest
from conftest import DATA_DIR, has_dataset_dir

from rkeras import datasets as ds
from rkeras.datasets import (
    DatasetNotFoundError,
    dataset_boston_housing,
    dataset_cifar10,
    dataset_cifar100,
    dataset_fashion_mnist,
    dataset_imdb,
    dataset_imdb_word_index,
    dataset_mnist,
    dataset_reuters,
    dataset_reuters_word_index,
)
from rkeras.errors import ArgumentError

DATA = str(DATA_DIR)
needs_data = pytest.mark.skipif(not has_dataset_dir(), reason=f"no offline data in {DATA}")


# ----------------------------------------------------------------- fixtures
@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No network, an empty Keras cache, no RKERAS_DATASETS."""
    home = tmp_path / "keras_home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setenv("RKERAS_OFFLINE", "1")
    monkeypatch.delenv("RKERAS_DATASETS", raising=False)

    def no_download(*args, **kwargs):
        raise AssertionError(f"a test tried to download: {args} {kwargs}")

    import keras.utils

    monkeypatch.setattr(keras.utils, "get_file", no_download)
    return home


@pytest.fixture
def shared_data(monkeypatch):
    monkeypatch.setenv("RKERAS_DATASETS", DATA)
    return DATA


@pytest.fixture(scope="module")
def mnist():
    old = os.environ.get("RKERAS_DATASETS")
    os.environ["RKERAS_DATASETS"] = DATA
    try:
        return dataset_mnist()
    finally:
        if old is None:
            del os.environ["RKERAS_DATASETS"]
        else:
            os.environ["RKERAS_DATASETS"] = old


def keras_load(monkeypatch, module_name, files, function="load_data", **kwargs):
    """Run Keras's own loader with its get_file redirected to local files.

    `files` maps the fname Keras asks for to a local path (or is one path).
    """
    import importlib

    module = importlib.import_module(f"keras.src.datasets.{module_name}")

    def fake_get_file(fname=None, origin=None, **kw):
        if isinstance(files, dict):
            return str(files[fname])
        return str(files)

    monkeypatch.setattr(module, "get_file", fake_get_file)
    return getattr(module, function)(**kwargs)


def assert_same_as_keras(ours, theirs):
    """Our RList result equals Keras's ((x_train, y_train), (x_test, y_test))."""
    (kx_train, ky_train), (kx_test, ky_test) = theirs
    for got, want in ((ours.train.x, kx_train), (ours.train.y, ky_train),
                      (ours.test.x, kx_test), (ours.test.y, ky_test)):
        assert type(got) is type(want)
        if isinstance(want, np.ndarray):
            assert got.dtype == want.dtype
            assert got.shape == want.shape
            if want.dtype == object:
                assert [list(a) for a in got] == [list(b) for b in want]
                assert [type(a) for a in got] == [type(b) for b in want]
            else:
                np.testing.assert_array_equal(got, want)
        else:
            assert got == want


# ------------------------------------------------------------------- mnist
@needs_data
def test_mnist_figures_from_the_data_readme(mnist):
    x_train, y_train = mnist.train.x, mnist.train.y
    x_test, y_test = mnist.test.x, mnist.test.y
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert int(x_train[0].sum()) == 27525
    assert int(x_test[0].sum()) == 18454
    assert int(x_train.sum(dtype=np.int64)) == 1_567_298_545
    assert int(x_test.sum(dtype=np.int64)) == 264_923_200
    assert int(x_train.max()) == 255


@needs_data
def test_mnist_equals_keras_loader(mnist, monkeypatch):
    theirs = keras_load(monkeypatch, "mnist", os.path.join(DATA, "mnist.npz"))
    assert_same_as_keras(mnist, theirs)


@needs_data
def test_three_access_styles_and_unpacking(mnist):
    # attribute (R's $), item (R's [[ ]]), position
    assert mnist.train.x is mnist["train"]["x"] is mnist[0][0]
    assert mnist.test.y is mnist["test"]["y"] is mnist[1][1] is mnist[-1][-1]
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train is mnist.train.x and y_test is mnist.test.y
    train, test = mnist
    assert train.names() == ["x", "y"] and test is mnist.test
    assert mnist.names() == ["train", "test"] and list(mnist.keys()) == ["train", "test"]
    assert len(mnist) == 2 and len(mnist.train) == 2
    assert [name for name, _ in mnist.items()] == ["train", "test"]
    assert "train" in mnist and "x" not in mnist
    assert repr(mnist) == (
        "List of 2\n"
        " $ train:List of 2\n"
        "  ..$ x: int [1:60000, 1:28, 1:28] 0 0 0 0 0 0 0 0 0 0 ...\n"
        "  ..$ y: int [1:60000(1d)] 5 0 4 1 9 2 1 3 1 4 ...\n"
        " $ test :List of 2\n"
        "  ..$ x: int [1:10000, 1:28, 1:28] 0 0 0 0 0 0 0 0 0 0 ...\n"
        "  ..$ y: int [1:10000(1d)] 7 2 1 0 4 1 4 9 5 9 ..."
    )
    with pytest.raises(AttributeError, match="no element named 'validation'.*'train', 'test'"):
        mnist.validation
    with pytest.raises(KeyError, match="no element named 'xx'"):
        mnist.train["xx"]


# ------------------------------------------------------------------ boston
@needs_data
def test_boston_housing_figures_and_keras(shared_data, monkeypatch):
    boston = dataset_boston_housing()
    assert boston.train.x.shape == (404, 13) and boston.test.x.shape == (102, 13)
    assert boston.train.x.dtype == np.float64 and boston.train.y.shape == (404,)
    assert boston.train.x[0].tolist() == [1.23247, 0, 8.14, 0, 0.538, 6.142, 91.7, 3.9769,
                                          4, 307, 21, 396.9, 18.72]
    assert boston.train.y[0] == 15.2
    assert boston.test.x[0].tolist() == [18.0846, 0, 18.1, 0, 0.679, 6.434, 100, 1.8347,
                                         24, 666, 20.2, 27.25, 29.05]
    assert boston.test.y[0] == 7.2
    all_y = np.concatenate([boston.train.y, boston.test.y])
    assert round(float(all_y.mean()), 4) == 22.5328 and all_y.min() == 5 and all_y.max() == 50
    file = os.path.join(DATA, "boston_housing.npz")
    assert_same_as_keras(boston, keras_load(monkeypatch, "boston_housing", file))
    for kwargs in ({"test_split": 0.3, "seed": 1}, {"test_split": 0.0, "seed": 42.0}):
        ours = dataset_boston_housing(**kwargs)
        keras_kwargs = {k: int(v) if k == "seed" else v for k, v in kwargs.items()}
        assert_same_as_keras(ours, keras_load(monkeypatch, "boston_housing", file, **keras_kwargs))
    assert dataset_boston_housing(test_split=0.3).train.x.shape == (354, 13)


@needs_data
def test_boston_housing_argument_errors(shared_data):
    with pytest.raises(ArgumentError, match=r"`test_split` must be in \[0, 1\); got 1\."):
        dataset_boston_housing(test_split=1)
    with pytest.raises(ArgumentError, match=r"`test_split` must be a number in \[0, 1\); got '0\.2' \(str\)"):
        dataset_boston_housing(test_split="0.2")
    with pytest.raises(ArgumentError, match=r"`seed` must be a whole number; got 1\.5"):
        dataset_boston_housing(seed=1.5)


# -------------------------------------------------------------------- imdb
@needs_data
def test_imdb_figures_from_the_data_readme(shared_data):
    imdb = dataset_imdb()
    x_train, y_train, x_test, y_test = imdb.train.x, imdb.train.y, imdb.test.x, imdb.test.y
    assert x_train.shape == (2500,) and x_train.dtype == object
    assert x_test.shape == (2500,) and x_test.dtype == object
    assert all(type(s) is list for s in x_train)
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == [1258, 1242]
    assert np.bincount(y_test).tolist() == [1225, 1275]
    assert x_train[0][:10] == [1, 296, 147, 375, 6956, 8092, 14, 40, 579, 16]
    assert y_train[0] == 0
    # start_char adds one index per review: 589,273 + 2500 and 596,696 + 2500
    assert sum(map(len, x_train)) == 589_273 + 2500
    assert sum(map(len, x_test)) == 596_696 + 2500

    word_index = dataset_imdb_word_index()
    assert len(word_index) == 41800 and sorted(word_index.values()) == list(range(1, 41801))
    ranks = [word_index[w] for w in ("the", "and", "a", "of", "to", "movie", "film")]
    assert ranks == [1, 2, 3, 4, 5, 17, 18]
    inverted = {i + 3: w for w, i in word_index.items()}
    inverted.update({1: "[START]", 2: "[OOV]"})
    decoded = " ".join(inverted[i] for i in x_train[0][:16])
    assert decoded.startswith("[START] someone should tell goldie hawn that her career as a teen age gamin")

    small = dataset_imdb(num_words=1000, maxlen=200)
    assert len(small.train.x) == 1430
    assert max(max(s) for s in small.train.x) == 999


@needs_data
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 1000, "maxlen": 200},
        {"num_words": 5000, "skip_top": 20, "seed": 7},
        {"maxlen": 150, "start_char": None, "oov_char": None, "num_words": 300},
        {"index_from": 0, "start_char": None},
        {"index_from": 0, "start_char": None, "oov_char": 9, "skip_top": 5, "num_words": 50},
        {"start_char": 7, "oov_char": 5, "index_from": 10, "skip_top": 100},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "defaults",
)
def test_imdb_equals_keras_loader(shared_data, monkeypatch, kwargs):
    ours = dataset_imdb(**kwargs)
    theirs = keras_load(monkeypatch, "imdb", os.path.join(DATA, "imdb.npz"), **kwargs)
    assert_same_as_keras(ours, theirs)


@needs_data
def test_imdb_word_index_equals_keras(shared_data, monkeypatch):
    theirs = keras_load(monkeypatch, "imdb", os.path.join(DATA, "imdb_word_index.json"),
                        function="get_word_index")
    assert dataset_imdb_word_index() == theirs


@needs_data
def test_imdb_integer_arguments_like_r(shared_data):
    # R passes doubles (num_words = 1000 is 1000.0); numpy scalars too
    a = dataset_imdb(num_words=1000.0, maxlen=np.int32(200), seed=113.0)
    b = dataset_imdb(num_words=1000, maxlen=200)
    assert a == b
    with pytest.raises(ArgumentError, match=r"`num_words` must be a whole number; got 10\.5"):
        dataset_imdb(num_words=10.5)
    with pytest.raises(ArgumentError, match="`skip_top` must be >= 0; got -1"):
        dataset_imdb(skip_top=-1)
    with pytest.raises(ArgumentError, match="`maxlen` must be an integer or None; got 'long'"):
        dataset_imdb(maxlen="long")
    # One rule on both paths: the verb and the module function refuse num_words = 0 alike.
    import rkeras
    for load in (dataset_imdb, rkeras.dataset_imdb):
        with pytest.raises(ArgumentError, match="`num_words` must be positive; got 0"):
            load(num_words=0)
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        dataset_imdb(maxlen=5)


# ------------------------------------------------------- lookup precedence
def fake_mnist(path, marker):
    """A tiny file in mnist.npz's format whose first label is `marker`."""
    rng = np.random.default_rng(marker)
    np.savez(
        path,
        x_train=rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        y_train=np.array([marker, 1, 2], dtype=np.uint8),
        x_test=rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
        y_test=np.array([marker, 3], dtype=np.uint8),
    )
    return str(path)


def test_path_beats_rkeras_datasets_beats_cache(tmp_path, monkeypatch, offline):
    explicit = fake_mnist(tmp_path / "explicit.npz", 11)
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    fake_mnist(env_dir / "mnist.npz", 22)
    cache_dir = offline / "datasets"
    cache_dir.mkdir()
    fake_mnist(cache_dir / "mnist.npz", 33)

    assert dataset_mnist().train.y[0] == 33                       # Keras's cache
    monkeypatch.setenv("RKERAS_DATASETS", str(env_dir))
    assert dataset_mnist().train.y[0] == 22                       # RKERAS_DATASETS
    assert dataset_mnist(path=explicit).train.y[0] == 11          # explicit path
    m = dataset_mnist(path=explicit)
    assert m.train.x.shape == (3, 28, 28) and m.test.y.tolist() == [11, 3]

    # a relative path to an existing file, from the working directory
    monkeypatch.chdir(tmp_path)
    assert dataset_mnist(path="explicit.npz").train.y[0] == 11
    # a bare name that is not a file here: Keras's meaning, a file name in the folders
    fake_mnist(env_dir / "other.npz", 44)
    assert dataset_mnist(path="other.npz").train.y[0] == 44
    fake_mnist(cache_dir / "cached.npz", 55)
    assert dataset_mnist(path="cached.npz").train.y[0] == 55

    # several folders, separated by os.pathsep: the first that has the file wins
    first = tmp_path / "first"
    first.mkdir()
    monkeypatch.setenv("RKERAS_DATASETS", os.pathsep.join([str(first), str(env_dir)]))
    assert dataset_mnist().train.y[0] == 22
    fake_mnist(first / "mnist.npz", 66)
    assert dataset_mnist().train.y[0] == 66


def test_missing_explicit_path_is_an_error(tmp_path):
    missing = tmp_path / "nowhere" / "mnist.npz"
    with pytest.raises(DatasetNotFoundError, match=r"`path` = '.*nowhere/mnist.npz' does not exist"):
        dataset_mnist(path=str(missing))
    with pytest.raises(TypeError, match="`path` must be a file name or path"):
        dataset_mnist(path=3)


def test_no_file_and_offline_error_lists_the_places(tmp_path, monkeypatch, offline):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("RKERAS_DATASETS", str(empty))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatasetNotFoundError) as info:
        dataset_mnist()
    message = str(info.value)
    assert message.startswith("dataset_mnist(): cannot find the dataset file 'mnist.npz'.")
    assert f"path = 'mnist.npz' in the working directory ({tmp_path})" in message
    assert f"$RKERAS_DATASETS folder {empty}: no mnist.npz" in message
    assert f"Keras cache {offline / 'datasets'}: no mnist.npz" in message
    assert "download skipped because $RKERAS_OFFLINE is set" in message
    assert "set the environment variable RKERAS_DATASETS to that folder" in message
    assert ("Sys.setenv(RKERAS_DATASETS = '/path/to/data') in R; "
            "or pass path = '/path/to/data/mnist.npz'.") in message
    assert isinstance(info.value, FileNotFoundError)

    monkeypatch.delenv("RKERAS_DATASETS")
    with pytest.raises(DatasetNotFoundError, match=(
            r"(?s)\$RKERAS_DATASETS: not set.*no "
            r"imdb_word_index.json")):
        dataset_imdb_word_index()
    # loaders without a `path` argument do not suggest one; all their names are listed
    with pytest.raises(DatasetNotFoundError) as info:
        dataset_cifar10()
    message = str(info.value)
    assert ("no cifar-10-batches-py or cifar-10-batches-py-target/cifar-10-batches-py "
            "or cifar-10-python.tar.gz") in message
    assert message.endswith("Sys.setenv(RKERAS_DATASETS = '/path/to/data') in R.")


def test_download_uses_keras_get_file_with_keras_url_and_hash(tmp_path, monkeypatch, offline):
    import keras.utils

    monkeypatch.delenv("RKERAS_OFFLINE")
    calls = []

    def failing_get_file(**kwargs):
        calls.append(kwargs)
        raise Exception("URL fetch failure on https://...: None -- [Errno -3] "
                        "Temporary failure in name resolution")

    monkeypatch.setattr(keras.utils, "get_file", failing_get_file)
    with pytest.raises(DatasetNotFoundError, match=(
            r"(?s)download from https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
            r"mnist.npz failed: URL fetch failure.*RKERAS_DATASETS")) as info:
        dataset_mnist()
    assert "Temporary failure in name resolution" in str(info.value)
    assert calls == [{
        "fname": "mnist.npz",
        "origin": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        "file_hash": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        "cache_subdir": "datasets",
        "extract": False,
        "cache_dir": str(offline),
    }]

    # a successful "download": the file get_file returns is loaded
    downloaded = fake_mnist(tmp_path / "downloaded.npz", 77)
    monkeypatch.setattr(keras.utils, "get_file", lambda **kw: calls.append(kw) or downloaded)
    assert dataset_mnist().train.y[0] == 77
    # with a bare custom name, Keras's fname is that name
    dataset_mnist(path="custom.npz")
    assert calls[-1]["fname"] == "custom.npz"
    # CIFAR: Keras's extract=True call, then the folder inside the archive
    calls.clear()
    with pytest.raises(Exception):
        dataset_cifar10()
    assert calls[0]["fname"] == "cifar-10-batches-py-target" and calls[0]["extract"] is True
    assert calls[0]["origin"] == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


# ---------------------------------------------------------- fashion mnist
def write_idx_gz(path, array):
    """Keras's Fashion-MNIST files: gzipped IDX, header 8 (labels) or 16 (images) bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def test_fashion_mnist_synthetic_files(tmp_path, monkeypatch):
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    data = {
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 5),
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 3),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28)),
    }
    for name, array in data.items():
        write_idx_gz(folder / name, array)
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    fashion = dataset_fashion_mnist()
    assert fashion.train.x.shape == (5, 28, 28) and fashion.train.x.dtype == np.uint8
    np.testing.assert_array_equal(fashion.train.y, data["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(fashion.test.x, data["t10k-images-idx3-ubyte.gz"])
    files = {name: folder / name for name in data}
    assert_same_as_keras(fashion, keras_load(monkeypatch, "fashion_mnist", files))

    # flat files (without the fashion-mnist folder) are not taken: MNIST's raw
    # files have the same names
    os.rename(folder, tmp_path / "elsewhere")
    with pytest.raises(DatasetNotFoundError, match="no fashion-mnist/train-labels-idx1-ubyte.gz"):
        dataset_fashion_mnist()


# ------------------------------------------------------------------- cifar
def write_cifar_batch(path, data, labels, label_key=b"labels"):
    """A CIFAR python batch: bytes keys like the real (Python 2) files; protocol 3, which
    stores bytes natively (protocol 2 from Python 3 goes through _codecs.encode)."""
    batch = {b"batch_label": b"test", label_key: labels, b"data": data, b"filenames": []}
    if isinstance(label_key, tuple):
        batch = {b"data": data, b"filenames": []}
        batch.update(dict(zip(label_key, labels)))
    with open(path, "wb") as f:
        pickle.dump(batch, f, protocol=3)


def make_cifar10(root, per_batch=2, seed=0):
    rng = np.random.default_rng(seed)
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, per_batch)]
        write_cifar_batch(folder / name, data, labels)
        batches[name] = (data, labels)
    return folder, batches


def test_cifar10_synthetic_folder_tarball_and_keras_cache(tmp_path, monkeypatch, offline):
    from keras.src.datasets.cifar import load_batch

    env = tmp_path / "env"
    folder, batches = make_cifar10(env)
    monkeypatch.setenv("RKERAS_DATASETS", str(env))
    cifar = dataset_cifar10()
    assert cifar.train.x.shape == (10, 32, 32, 3) and cifar.train.x.dtype == np.uint8
    assert cifar.train.y.shape == (10, 1) and cifar.train.y.dtype == np.uint8
    assert cifar.test.x.shape == (2, 32, 32, 3) and cifar.test.y.shape == (2, 1)
    expected_x = np.concatenate([batches[f"data_batch_{i}"][0] for i in range(1, 6)])
    expected_x = expected_x.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(cifar.train.x, expected_x)
    assert cifar.train.y[:, 0].tolist() == sum((batches[f"data_batch_{i}"][1] for i in range(1, 6)), [])
    # the pixels of one image: channel c of pixel (i, j) is data[c*1024 + i*32 + j]
    data0 = batches["test_batch"][0][0]
    pixel = 5 * 32 + 7   # row 5, column 7 of the first test image, one value per channel plane
    assert cifar.test.x[0, 5, 7].tolist() == [data0[pixel], data0[1024 + pixel], data0[2048 + pixel]]
    # Keras's own batch parser gives the same arrays
    kx, ky = load_batch(str(folder / "test_batch"))
    np.testing.assert_array_equal(cifar.test.x, kx.transpose(0, 2, 3, 1))
    assert cifar.test.y[:, 0].tolist() == list(ky)

    # the downloaded archive itself, read without extracting it
    tar_dir = tmp_path / "tar"
    tar_dir.mkdir()
    with tarfile.open(tar_dir / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")
    monkeypatch.setenv("RKERAS_DATASETS", str(tar_dir))
    assert dataset_cifar10() == cifar

    # Keras 3's cache layout: <KERAS_HOME>/datasets/cifar-10-batches-py-target/cifar-10-batches-py
    monkeypatch.delenv("RKERAS_DATASETS")
    make_cifar10(offline / "datasets" / "cifar-10-batches-py-target")
    assert dataset_cifar10() == cifar


def test_cifar100_synthetic_equals_keras(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    root = tmp_path / "env"
    folder = root / "cifar-100-python"
    folder.mkdir(parents=True)
    for name, n in (("train", 4), ("test", 3)):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        fine = [int(v) for v in rng.integers(0, 100, n)]
        coarse = [int(v) for v in rng.integers(0, 20, n)]
        write_cifar_batch(folder / name, data, (fine, coarse), label_key=(b"fine_labels", b"coarse_labels"))
    monkeypatch.setenv("RKERAS_DATASETS", str(root))
    for mode in ("fine", "coarse"):
        ours = dataset_cifar100(label_mode=mode)
        assert ours.train.x.shape == (4, 32, 32, 3) and ours.test.y.shape == (3, 1)
        assert_same_as_keras(ours, keras_load(monkeypatch, "cifar100", root, label_mode=mode))
    assert dataset_cifar100().train.y.max() < 100
    with pytest.raises(ValueError, match=(
            r'`label_mode` must be one of "fine", "coarse". Received: '
            r'label_mode=\'medium\'')):
        dataset_cifar100(label_mode="medium")


# ----------------------------------------------------------------- reuters
def make_reuters(path, n=40, seed=3):
    rng = np.random.default_rng(seed)
    x = np.empty(n, dtype=object)
    for i in range(n):
        x[i] = [int(v) for v in rng.integers(1, 60, rng.integers(3, 30))]
    y = rng.integers(0, 46, n).astype(np.int64)
    np.savez(path, x=x, y=y)
    return path


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_words": 30, "maxlen": 20, "test_split": 0.25},
        {"skip_top": 10, "seed": 5, "oov_char": None},
        {"start_char": None, "index_from": 0},
        {"start_char": None, "index_from": 0, "maxlen": 15, "num_words": 40},
        {"test_split": 0.0},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "defaults",
)
def test_reuters_synthetic_equals_keras(tmp_path, monkeypatch, kwargs):
    file = make_reuters(tmp_path / "reuters.npz")
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    ours = dataset_reuters(**kwargs)
    assert_same_as_keras(ours, keras_load(monkeypatch, "reuters", file, **kwargs))


def test_reuters_word_index_and_errors(tmp_path, monkeypatch):
    (tmp_path / "reuters_word_index.json").write_text(json.dumps({"the": 1, "of": 2, "said": 5}))
    make_reuters(tmp_path / "reuters.npz", n=10)
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    assert dataset_reuters_word_index() == {"the": 1, "of": 2, "said": 5}
    assert len(dataset_reuters().train.x) == 8 and len(dataset_reuters().test.x) == 2
    with pytest.raises(ArgumentError, match=r"`test_split` must be in \[0, 1\); got 1\.5"):
        dataset_reuters(test_split=1.5)


def test_object_arrays_are_unpickled_safely(tmp_path, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    x = np.empty(2, dtype=object)
    x[0], x[1] = [1, 2], Evil()
    np.savez(tmp_path / "reuters.npz", x=x, y=np.array([0, 1]))
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    with pytest.raises(pickle.UnpicklingError, match=(
            "Refusing to deserialize `posix.system`|Refusing to deserialize "
            "`nt.system`")):
        dataset_reuters()


def test_wrong_file_format_names_missing_arrays(tmp_path, monkeypatch):
    np.savez(tmp_path / "mnist.npz", images=np.zeros(3))
    monkeypatch.setenv("RKERAS_DATASETS", str(tmp_path))
    with pytest.raises(ValueError, match=(
            r"not in Keras's format: it lacks the arrays \['x_train', 'y_train', "
            r"'x_test', 'y_test'\]")):
        dataset_mnist()


# ------------------------------------------------------------ verb surface
def test_all_lists_exactly_the_public_verbs_with_real_signatures():
    assert ds.__all__ == [
        "dataset_mnist", "dataset_fashion_mnist", "dataset_cifar10", "dataset_cifar100",
        "dataset_imdb", "dataset_imdb_word_index", "dataset_reuters",
        "dataset_reuters_word_index", "dataset_boston_housing", "dataset_california_housing",
    ]
    assert str(inspect.signature(dataset_imdb)).startswith(
        "(path: 'str' = 'imdb.npz', num_words: 'int | None' = None, skip_top: 'int' = 0, "
        "maxlen: 'int | None' = None, seed: 'int' = 113, start_char: 'int' = 1, "
        "oov_char: 'int' = 2, index_from: 'int' = 3)"
    )
    assert list(inspect.signature(dataset_reuters).parameters) == [
        "path", "num_words", "skip_top", "maxlen", "test_split", "seed",
        "start_char", "oov_char", "index_from"]
    assert inspect.signature(dataset_boston_housing).parameters["test_split"].default == 0.2
    assert inspect.signature(dataset_cifar100).parameters["label_mode"].default == "fine"
    for name in ds.__all__:
        fn = getattr(ds, name)
        params = inspect.signature(fn).parameters.values()
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params), name
        doc = inspect.getdoc(fn)
        assert doc and doc.splitlines()[0].endswith("."), name
        assert "Returns:" in doc and "Examples:" in doc, name
        if params:
            assert "Args:" in doc and all(f"    {p.name}:" in doc for p in params), name
