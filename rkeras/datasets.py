"""The `dataset_*()` loaders: Keras's datasets, as R keras3 returns them.

A port of `keras.datasets` (tethered to Keras 3.15.1, `keras/src/datasets/*.py`):
every loader returns exactly what Keras's own `keras.datasets.X.load_data()`
returns (same arrays, dtypes, shuffling, seeds and index conventions). Code
marked "From here on: Keras's ..." follows Keras step by step; when upgrading
Keras, diff those blocks against Keras's files (the tests compare the results
with Keras's own loaders). The result is shaped as R keras3 shapes it: a
nested named list (`RList`) with `train` and `test`, each with `x` and `y`:

```python
mnist = dataset_mnist()
mnist.train.x                 # R: mnist$train$x
mnist["train"]["y"]           # R: mnist[["train"]][["y"]]
(x_train, y_train), (x_test, y_test) = dataset_mnist()   # R: %<-%
```

The files are found offline first (`path=`, `$RKERAS_DATASETS`, Keras's
cache) and downloaded only as a last resort: see `rkeras.dataset_files`.
"""

from __future__ import annotations

import gzip
import json
import os
from typing import Any

import numpy as np

from .conventions import as_choice, as_count, as_nonnegative, as_number
from .dataset_files import (
    KERAS_ORIGIN,
    CifarFiles,
    DatasetSource,
    check_npz_keys,
    find_dataset_file,
    load_npz,
    load_numeric_npz,
)
from .errors import (
    ArgumentError,
    DatasetNotFoundError,  # noqa: F401 - importable from here, where it was defined
)
from .rlist import RList

__all__ = [
    "dataset_mnist",
    "dataset_fashion_mnist",
    "dataset_cifar10",
    "dataset_cifar100",
    "dataset_imdb",
    "dataset_imdb_word_index",
    "dataset_reuters",
    "dataset_reuters_word_index",
    "dataset_boston_housing",
    "dataset_california_housing",
]

def _result(x_train: Any, y_train: Any, x_test: Any, y_test: Any) -> RList:
    return RList(train=RList(x=x_train, y=y_train), test=RList(x=x_test, y=y_test))


def _remove_long_seq(maxlen: int, seq: list, label: Any) -> tuple:
    """Keras's `python_utils.remove_long_seq`: keep sequences shorter than maxlen."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def _check_test_split(test_split: Any) -> float:
    return as_number(test_split, "test_split", 0, 1, what="a number")


def _sequence_args(num_words, skip_top, maxlen, seed, start_char, oov_char, index_from) -> tuple:
    """The integer arguments of the IMDB and Reuters loaders, checked as R's conventions say."""
    return (
        as_count(num_words, "num_words", strict=True),
        as_nonnegative(skip_top, "skip_top", strict=True, allow_none=False),
        as_count(maxlen, "maxlen", strict=True),
        as_nonnegative(seed, "seed", strict=True),
        as_nonnegative(start_char, "start_char", strict=True),
        as_nonnegative(oov_char, "oov_char", strict=True),
        as_nonnegative(index_from, "index_from", strict=True, allow_none=False),
    )


def _index_sequences(parts: list, num_words, skip_top, maxlen, start_char, oov_char,
                     index_from) -> list:
    """Keras's IMDB/Reuters pipeline, after the shuffle, on one or more (x, labels) parts.

    From here on: Keras's `imdb.load_data()` and `reuters.load_data()`, which
    repeat the same steps: mark the start and shift the indexes by
    `index_from`, drop the sequences of `maxlen` or more, then cut the
    vocabulary to `num_words` (and `skip_top`), replacing or dropping the
    words cut. `num_words` defaults to the largest index over all parts.

    Returns:
        One `(sequences, labels)` per part, sequences as lists of ints.
    """
    indexed = []
    for xs, labels in parts:
        if start_char is not None:
            xs = [[start_char] + [w + index_from for w in x] for x in xs]
        elif index_from:
            xs = [[w + index_from for w in x] for x in xs]
        else:
            xs = [[w for w in x] for x in xs]
        if maxlen:
            xs, labels = _remove_long_seq(maxlen, xs, labels)
            if not xs:
                raise ArgumentError(
                    "After filtering for sequences shorter than maxlen="
                    f"{str(maxlen)}, no sequence was kept. Increase maxlen."
                )
        indexed.append((xs, labels))

    xs = [x for part, _ in indexed for x in part]
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]

    out, start = [], 0
    for part, labels in indexed:
        out.append((xs[start:start + len(part)], labels))
        start += len(part)
    return out


# ------------------------------------------------------------------- mnist
_MNIST = DatasetSource(
    dataset="mnist",
    names=("mnist.npz",),
    origin=f"{KERAS_ORIGIN}mnist.npz",
    file_hash="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
)


def dataset_mnist(path: str = "mnist.npz") -> RList:
    """Loads the MNIST dataset of handwritten digits.

    60,000 28x28 grayscale training images of the 10 digits and 10,000 test
    images, exactly as `keras.datasets.mnist.load_data()` returns them.

    Args:
        path: an existing `mnist.npz` file (absolute or relative path), or the
            file name to look for in `$RKERAS_DATASETS` and Keras's cache
            (`~/.keras/datasets`) before downloading it there.

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        `uint8` array of shape `(num_samples, 28, 28)` (values 0-255) and `y` a
        `uint8` array of digit labels 0-9, shape `(num_samples,)`.

    Examples:
        ```python
        mnist = dataset_mnist()
        mnist.train.x.shape          # (60000, 28, 28)
        (x_train, y_train), (x_test, y_test) = dataset_mnist()
        ```
    """
    file = find_dataset_file(_MNIST, path)
    x_train, y_train, x_test, y_test = load_numeric_npz(
        file, ("x_train", "y_train", "x_test", "y_test")
    )
    return _result(x_train, y_train, x_test, y_test)


# ----------------------------------------------------------- fashion mnist
_FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def _fashion_source(fname: str) -> DatasetSource:
    return DatasetSource(
        dataset="fashion_mnist",
        names=(f"fashion-mnist/{fname}",),
        origin=f"{KERAS_ORIGIN}{fname}",
        cache_subdir=os.path.join("datasets", "fashion-mnist"),
        fname=fname,
    )


def dataset_fashion_mnist() -> RList:
    """Loads the Fashion-MNIST dataset of fashion articles.

    60,000 28x28 grayscale training images of 10 fashion categories and 10,000
    test images, exactly as `keras.datasets.fashion_mnist.load_data()` returns
    them. Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat,
    5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.

    The four gzipped IDX files keep Keras's names and sub-folder:
    `fashion-mnist/train-labels-idx1-ubyte.gz`,
    `fashion-mnist/train-images-idx3-ubyte.gz`,
    `fashion-mnist/t10k-labels-idx1-ubyte.gz` and
    `fashion-mnist/t10k-images-idx3-ubyte.gz`, looked up under
    `$RKERAS_DATASETS`, then Keras's cache, then downloaded.

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        `uint8` array of shape `(num_samples, 28, 28)`, `y` a `uint8` array of
        labels 0-9.

    Examples:
        ```python
        fashion = dataset_fashion_mnist()
        fashion.train.x.shape        # (60000, 28, 28)
        ```
    """
    paths = [find_dataset_file(_fashion_source(f)) for f in _FASHION_FILES]
    with gzip.open(paths[0], "rb") as lbpath:
        y_train = np.frombuffer(lbpath.read(), np.uint8, offset=8)
    with gzip.open(paths[1], "rb") as imgpath:
        x_train = np.frombuffer(imgpath.read(), np.uint8, offset=16).reshape(len(y_train), 28, 28)
    with gzip.open(paths[2], "rb") as lbpath:
        y_test = np.frombuffer(lbpath.read(), np.uint8, offset=8)
    with gzip.open(paths[3], "rb") as imgpath:
        x_test = np.frombuffer(imgpath.read(), np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return _result(x_train, y_train, x_test, y_test)


# ------------------------------------------------------------------- cifar
_CIFAR10 = DatasetSource(
    dataset="cifar10",
    names=(
        "cifar-10-batches-py",                              # the archive's folder
        os.path.join("cifar-10-batches-py-target", "cifar-10-batches-py"),  # Keras 3 cache
        "cifar-10-python.tar.gz",                           # the archive itself
    ),
    origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    extract=True,
    fname="cifar-10-batches-py-target",
    after_download="cifar-10-batches-py",
)

_CIFAR100 = DatasetSource(
    dataset="cifar100",
    names=(
        "cifar-100-python",
        os.path.join("cifar-100-python-target", "cifar-100-python"),
        "cifar-100-python.tar.gz",
    ),
    origin="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
    file_hash="85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
    extract=True,
    fname="cifar-100-python-target",
    after_download="cifar-100-python",
)


def _image_data_format() -> str:
    from keras import config

    return config.image_data_format()


def dataset_cifar10() -> RList:
    """Loads the CIFAR10 small images classification dataset.

    50,000 32x32 color training images and 10,000 test images, labeled over 10
    categories (0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog,
    7 horse, 8 ship, 9 truck), exactly as `keras.datasets.cifar10.load_data()`
    returns them.

    Looks for the folder `cifar-10-batches-py` (the one inside Keras's
    archive), `cifar-10-batches-py-target/cifar-10-batches-py` (Keras 3's
    cache) or the archive `cifar-10-python.tar.gz`, under `$RKERAS_DATASETS`
    then Keras's cache, before downloading.

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        `uint8` array of shape `(num_samples, 32, 32, 3)` (channels last, or
        `(num_samples, 3, 32, 32)` when Keras's image data format is
        `"channels_first"`); `y` a `uint8` array of shape `(num_samples, 1)`.

    Examples:
        ```python
        cifar = dataset_cifar10()
        cifar.train.x.shape          # (50000, 32, 32, 3)
        cifar.train.y.shape          # (50000, 1)
        ```
    """
    location = find_dataset_file(_CIFAR10)
    with CifarFiles(location, "cifar-10-batches-py") as files:
        batches = [files.load_batch(f"data_batch_{i}") for i in range(1, 6)]
        x_test, y_test = files.load_batch("test_batch")
    # Keras fills preallocated uint8 arrays of 5 x 10000 samples; the sizes are
    # taken from the batches here, so that the same code also reads smaller
    # (e.g. subset or test) files.
    num_train_samples = sum(len(labels) for _, labels in batches)
    x_train = np.empty((num_train_samples, 3, 32, 32), dtype="uint8")
    y_train = np.empty((num_train_samples,), dtype="uint8")
    start = 0
    for data, labels in batches:
        x_train[start : start + len(labels), :, :, :] = data
        y_train[start : start + len(labels)] = labels
        start += len(labels)

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if _image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    x_test = x_test.astype(x_train.dtype)
    y_test = y_test.astype(y_train.dtype)
    return _result(x_train, y_train, x_test, y_test)


def dataset_cifar100(label_mode: str = "fine") -> RList:
    """Loads the CIFAR100 small images classification dataset.

    50,000 32x32 color training images and 10,000 test images, labeled over
    100 fine-grained classes grouped into 20 coarse-grained classes, exactly
    as `keras.datasets.cifar100.load_data()` returns them.

    Looks for the folder `cifar-100-python` (the one inside Keras's archive),
    `cifar-100-python-target/cifar-100-python` (Keras 3's cache) or the
    archive `cifar-100-python.tar.gz`, under `$RKERAS_DATASETS` then Keras's
    cache, before downloading.

    Args:
        label_mode: `"fine"` (the 100 classes) or `"coarse"` (the 20
            superclasses).

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        `uint8` array of shape `(num_samples, 32, 32, 3)` (channels last); `y`
        an integer array of shape `(num_samples, 1)`.

    Examples:
        ```python
        cifar = dataset_cifar100(label_mode="coarse")
        cifar.test.y.shape           # (10000, 1)
        ```
    """
    if label_mode not in ("fine", "coarse"):
        raise ArgumentError(
            '`label_mode` must be one of "fine", "coarse". '
            f"Received: label_mode={label_mode!r}."
        )
    location = find_dataset_file(_CIFAR100)
    with CifarFiles(location, "cifar-100-python") as files:
        x_train, y_train = files.load_batch("train", label_key=f"{label_mode}_labels")
        x_test, y_test = files.load_batch("test", label_key=f"{label_mode}_labels")

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if _image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return _result(x_train, y_train, x_test, y_test)


# -------------------------------------------------------------------- imdb
_IMDB = DatasetSource(
    dataset="imdb",
    names=("imdb.npz",),
    origin=f"{KERAS_ORIGIN}imdb.npz",
    file_hash="69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
)

_IMDB_WORD_INDEX = DatasetSource(
    dataset="imdb_word_index",
    names=("imdb_word_index.json",),
    origin=f"{KERAS_ORIGIN}imdb_word_index.json",
    file_hash="bfafd718b763782e994055a2d397834f",
)


def dataset_imdb(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int = 1,
    oov_char: int = 2,
    index_from: int = 3,
) -> RList:
    """Loads the IMDB movie reviews sentiment classification dataset.

    Reviews labeled by sentiment (0 negative, 1 positive), each encoded as a
    sequence of word indexes: words are ranked by frequency (rank 1 is the
    most frequent word) and the word of rank `r` appears as `r + index_from`,
    so that "the 10,000 most frequent words" is a simple cut. The
    result is exactly what `keras.datasets.imdb.load_data()` returns for the
    same arguments and file (same shuffling with `seed`, same `start_char`,
    `oov_char`, `index_from`, `skip_top`, `num_words` and `maxlen` rules).

    Args:
        path: an existing `imdb.npz` file (absolute or relative path), or the
            file name to look for in `$RKERAS_DATASETS` and Keras's cache.
        num_words: keep only the `num_words` most frequent words (indexes
            below `num_words`); others become `oov_char`. `None` keeps all.
        skip_top: replace the indexes below `skip_top` (the most frequent
            words, and the reserved indexes) with `oov_char`.
        maxlen: drop the sequences of `maxlen` or more indexes (counting the
            start character). `None` keeps all.
        seed: seed of the shuffling of the training and test sets.
        start_char: index marking the start of each sequence (`None` for no
            start mark). 0 is usually the padding index.
        oov_char: index replacing words cut by `num_words` or `skip_top`
            (`None` drops them instead).
        index_from: the word of frequency rank 1 gets index `1 + index_from`.

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        1-D numpy object array of Python lists of int (one per review, ragged);
        `y` an integer array of 0/1 labels.

    Examples:
        ```python
        imdb = dataset_imdb(num_words=10000)
        x = pad_sequences(imdb.train.x, maxlen=200)
        (x_train, y_train), (x_test, y_test) = dataset_imdb(num_words=10000)
        ```
    """
    num_words, skip_top, maxlen, seed, start_char, oov_char, index_from = _sequence_args(
        num_words, skip_top, maxlen, seed, start_char, oov_char, index_from
    )
    file = find_dataset_file(_IMDB, path)
    f = load_npz(file)
    check_npz_keys(f, ("x_train", "y_train", "x_test", "y_test"), file)
    x_train, labels_train = f["x_train"], f["y_train"]
    x_test, labels_test = f["x_test"], f["y_test"]

    # From here on: Keras's imdb.load_data(), step by step.
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x_train))
    rng.shuffle(indices)
    x_train = x_train[indices]
    labels_train = labels_train[indices]

    indices = np.arange(len(x_test))
    rng.shuffle(indices)
    x_test = x_test[indices]
    labels_test = labels_test[indices]

    (x_train, labels_train), (x_test, labels_test) = _index_sequences(
        [(x_train, labels_train), (x_test, labels_test)],
        num_words, skip_top, maxlen, start_char, oov_char, index_from)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    x_train, y_train = np.array(x_train, dtype="object"), labels[:idx]
    x_test, y_test = np.array(x_test, dtype="object"), labels[idx:]
    return _result(x_train, y_train, x_test, y_test)


def _read_word_index(file: str) -> dict:
    with open(file, encoding="utf-8") as f:
        return json.load(f)


def dataset_imdb_word_index(path: str = "imdb_word_index.json") -> dict:
    """Retrieves the dict mapping words to their index in the IMDB dataset.

    Exactly `keras.datasets.imdb.get_word_index()`: ranks start at 1 (the most
    frequent word); in `dataset_imdb()` sequences a word of rank `r` appears
    as `r + index_from` (3 by default), indexes 0, 1, 2 being padding, start
    and out-of-vocabulary.

    Args:
        path: an existing `imdb_word_index.json` file (absolute or relative
            path), or the file name to look for in `$RKERAS_DATASETS` and
            Keras's cache.

    Returns:
        A dict `{word: rank}` (an R named list).

    Examples:
        ```python
        word_index = dataset_imdb_word_index()
        reverse = {rank + 3: word for word, rank in word_index.items()}
        " ".join(reverse.get(i, "?") for i in dataset_imdb().train.x[0][1:])
        ```
    """
    return _read_word_index(find_dataset_file(_IMDB_WORD_INDEX, path))


# ----------------------------------------------------------------- reuters
_REUTERS = DatasetSource(
    dataset="reuters",
    names=("reuters.npz",),
    origin=f"{KERAS_ORIGIN}reuters.npz",
    file_hash="d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
)

_REUTERS_WORD_INDEX = DatasetSource(
    dataset="reuters_word_index",
    names=("reuters_word_index.json",),
    origin=f"{KERAS_ORIGIN}reuters_word_index.json",
    file_hash="4d44cc38712099c9e383dc6e5f11a921",
)


def dataset_reuters(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int = 1,
    oov_char: int = 2,
    index_from: int = 3,
) -> RList:
    """Loads the Reuters newswire topics classification dataset.

    11,228 newswires labeled over 46 topics, each encoded as a sequence of
    word indexes with the same conventions as `dataset_imdb()`. The result is
    exactly what `keras.datasets.reuters.load_data()` returns for the same
    arguments and file.

    Args:
        path: an existing `reuters.npz` file (absolute or relative path), or
            the file name to look for in `$RKERAS_DATASETS` and Keras's cache.
        num_words: keep only the `num_words` most frequent words; others
            become `oov_char`. `None` keeps all.
        skip_top: replace the indexes below `skip_top` with `oov_char`.
        maxlen: drop the sequences of `maxlen` or more indexes. `None` keeps
            all.
        test_split: fraction of the (shuffled) newswires used as test data,
            in [0, 1).
        seed: seed of the shuffling.
        start_char: index marking the start of each sequence (`None` for no
            start mark).
        oov_char: index replacing words cut by `num_words` or `skip_top`
            (`None` drops them instead).
        index_from: the word of frequency rank 1 gets index `1 + index_from`.

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        1-D numpy object array of Python lists of int; `y` an integer array of
        topic labels 0-45.

    Examples:
        ```python
        reuters = dataset_reuters(num_words=10000)
        len(reuters.train.x), len(reuters.test.x)    # (8982, 2246)
        ```
    """
    num_words, skip_top, maxlen, seed, start_char, oov_char, index_from = _sequence_args(
        num_words, skip_top, maxlen, seed, start_char, oov_char, index_from
    )
    test_split = _check_test_split(test_split)
    file = find_dataset_file(_REUTERS, path)
    f = load_npz(file)
    check_npz_keys(f, ("x", "y"), file)
    xs, labels = f["x"], f["y"]

    # From here on: Keras's reuters.load_data(), step by step.
    rng = np.random.RandomState(seed)
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    xs = xs[indices]
    labels = labels[indices]

    [(xs, labels)] = _index_sequences([(xs, labels)], num_words, skip_top, maxlen,
                                      start_char, oov_char, index_from)

    idx = int(len(xs) * (1 - test_split))
    x_train, y_train = np.array(xs[:idx], dtype="object"), np.array(labels[:idx])
    x_test, y_test = np.array(xs[idx:], dtype="object"), np.array(labels[idx:])
    return _result(x_train, y_train, x_test, y_test)


def dataset_reuters_word_index(path: str = "reuters_word_index.json") -> dict:
    """Retrieves the dict mapping words to their index in the Reuters dataset.

    Exactly `keras.datasets.reuters.get_word_index()`: ranks start at 1; in
    `dataset_reuters()` sequences a word of rank `r` appears as
    `r + index_from` (3 by default).

    Args:
        path: an existing `reuters_word_index.json` file (absolute or relative
            path), or the file name to look for in `$RKERAS_DATASETS` and
            Keras's cache.

    Returns:
        A dict `{word: rank}` (an R named list).

    Examples:
        ```python
        word_index = dataset_reuters_word_index()
        word_index["the"]
        ```
    """
    return _read_word_index(find_dataset_file(_REUTERS_WORD_INDEX, path))


# ---------------------------------------------------------- boston housing
_BOSTON = DatasetSource(
    dataset="boston_housing",
    names=("boston_housing.npz",),
    origin=f"{KERAS_ORIGIN}boston_housing.npz",
    file_hash="f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
)


def dataset_boston_housing(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
) -> RList:
    """Loads the Boston housing price regression dataset.

    506 Boston suburbs of the late 1970s, 13 attributes each; the target is
    the median home value (in k$). Exactly what
    `keras.datasets.boston_housing.load_data()` returns: the rows are shuffled
    with `seed`, then the first `int(506 * (1 - test_split))` are the training
    set.

    Args:
        path: an existing `boston_housing.npz` file (absolute or relative
            path), or the file name to look for in `$RKERAS_DATASETS` and
            Keras's cache.
        test_split: fraction of the data reserved as test set, in [0, 1).
        seed: seed of the shuffling done before the split.

    Returns:
        A nested `RList`: `train$x`, `train$y`, `test$x`, `test$y`. `x` is a
        float64 array of shape `(num_samples, 13)`, `y` a float64 array of
        shape `(num_samples,)`.

    Examples:
        ```python
        boston = dataset_boston_housing()
        boston.train.x.shape         # (404, 13)
        (x_train, y_train), (x_test, y_test) = dataset_boston_housing()
        ```
    """
    test_split = _check_test_split(test_split)
    seed = as_nonnegative(seed, "seed", strict=True)
    file = find_dataset_file(_BOSTON, path)
    x, y = load_numeric_npz(file, ("x", "y"))

    return _shuffle_split(x, y, test_split, seed)


def _shuffle_split(x: Any, y: Any, test_split: float, seed: int) -> RList:
    """The end of Keras's boston_housing and california_housing load_data(), step by step."""
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x = x[indices]
    y = y[indices]
    n_train = int(len(x) * (1 - test_split))
    return _result(np.array(x[:n_train]), np.array(y[:n_train]),
                   np.array(x[n_train:]), np.array(y[n_train:]))


# ------------------------------------------------------ california housing
_CALIFORNIA = DatasetSource(
    dataset="california_housing",
    names=("california_housing.npz",),
    origin=f"{KERAS_ORIGIN}california_housing.npz",
    file_hash="1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f",
)


def dataset_california_housing(version: str = "large", path: str = "california_housing.npz",
                               test_split: float = 0.2, seed: int = 113) -> RList:
    """Loads the California Housing price regression dataset.

    20,640 census block groups (1990), 8 features each; the target is the
    median house value in dollars. Exactly Keras's
    `keras.datasets.california_housing.load_data()`.

    Args:
        version: `"large"` (20,640 rows) or `"small"` (600 rows).
        path: an existing file, or the name to look for in `$RKERAS_DATASETS`, Keras's cache.
        test_split: the test fraction, in [0, 1).
        seed: the seed of the shuffle before the split.

    Returns:
        A nested `RList`: `train$x` (`(num_samples, 8)`), `train$y`, `test$x`, `test$y`.

    Examples:
        ```python
        (x_train, y_train), (x_test, y_test) = dataset_california_housing(version="small")
        ```
    """
    version = as_choice(version, "version", ("small", "large"))
    test_split = _check_test_split(test_split)
    seed = as_nonnegative(seed, "seed", strict=True)
    file = find_dataset_file(_CALIFORNIA, path)
    x, y = load_numeric_npz(file, ("x", "y"))

    if version == "small":      # Keras: the first 600 rows, before the shuffle
        x, y = x[:600], y[:600]
    return _shuffle_split(x, y, test_split, seed)
