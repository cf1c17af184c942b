"""The bad-input catalogue (docs/errors.md), checked message by message.

Each case is one row of the catalogue: a bad call, the rkeras error it must
raise, and a pattern its message must match (what was wrong, where, what to
do). The R front end runs the same cases in tests/test_r_error_catalogue.py.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rkeras as rk
from rkeras.errors import ArgumentError, DataError, DatasetNotFoundError, UnknownNameError

CATALOGUE = Path(__file__).resolve().parents[1] / "docs" / "errors.md"


def compiled(loss="categorical_crossentropy", units=3, features=4):
    rk.set_random_seed(0)
    return (rk.keras_model_sequential(input_shape=features)
            >> rk.layer_dense(units=units, activation="softmax") >> rk.compile(loss=loss))


X = np.random.default_rng(0).normal(size=(12, 4)).astype("float32")
LABELS = np.arange(12) % 3
Y = rk.to_categorical(LABELS, 3)


def with_value(array, position, value):
    array = array.astype("float64").copy()
    array[position] = value
    return array


CASES = {
    "na-in-features": (lambda: compiled() >> rk.fit(with_value(X, (2, 1), np.nan), Y, verbose=0),
                       DataError, r"NA/NaN at position \[3, 2\].*remove those rows"),
    "inf-in-features": (lambda: compiled() >> rk.fit(with_value(X, (0, 0), np.inf), Y, verbose=0),
                        DataError, r"first is Inf at position \[1, 1\]"),
    "na-in-labels": (lambda: compiled() >> rk.fit(X, with_value(Y, (4, 0), np.nan), verbose=0),
                     DataError, r"`y` contains 1 missing.*position \[5, 1\]"),
    "na-in-data-frame": (lambda: compiled() >> rk.fit(
        pd.DataFrame(with_value(X, (6, 3), np.nan), columns=list("abcd")), Y, verbose=0),
        DataError, r"column 'd', row 7"),
    "label-out-of-range-to-categorical": (lambda: rk.to_categorical([0, 1, 3], 3),
                                          DataError, r"3"),
    "label-out-of-range-for-loss": (lambda: compiled("sparse_categorical_crossentropy")
                                    >> rk.fit(X, LABELS + 1, verbose=0),
                                    DataError, r"class numbers 0\.\.2.*subtract 1"),
    "class-vector-for-categorical-loss": (lambda: compiled() >> rk.fit(X, LABELS, verbose=0),
                                          DataError, r"to_categorical\(y, 3\)"),
    "x-y-length-mismatch": (lambda: compiled() >> rk.fit(X, Y[:5], verbose=0),
                            DataError, r"`x` has 12 samples but `y` has 5"),
    "shape-does-not-fit-input-shape": (lambda: compiled() >> rk.fit(X[:, :3], Y, verbose=0),
                                       DataError, r"shape \(12, 3\) but the model expects \(n, 4\)"),
    "image-not-reshaped": (lambda: compiled(features=16) >> rk.fit(
        np.zeros((12, 4, 4), "float32"), Y, verbose=0),
        DataError, r"array_reshape\(x, \(12, 16\)\)"),
    "factor-column-where-numbers-needed": (lambda: compiled() >> rk.fit(
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2],
                      "kind": pd.Categorical(["u", "v"] * 6)}), Y, verbose=0),
        DataError, r"column 'kind' is a factor/category"),
    "character-column-where-numbers-needed": (lambda: compiled() >> rk.fit(
        pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "name": ["x"] * 12}), Y, verbose=0),
        DataError, r"column 'name' holds object values"),
    "empty-data": (lambda: compiled() >> rk.fit(X[:0], Y[:0], verbose=0),
                   DataError, r"`x` is empty"),
    "non-integral-size": (lambda: rk.layer_dense(units=10.5),
                          ArgumentError, r"`units` must be a whole number; got 10\.5"),
    "negative-size": (lambda: rk.layer_conv_2d(filters=-8, kernel_size=3),
                      ArgumentError, r"`filters` must be positive; got -8"),
    "non-integral-shape": (lambda: rk.keras_model_sequential(input_shape=[28, 28.5]),
                           ArgumentError, r"`input_shape`.*element 2 is 28\.5"),
    "unknown-activation": (lambda: rk.layer_dense(units=2, activation="sigmoud"),
                           UnknownNameError, r"unknown activation 'sigmoud'\. Did you mean 'sigmoid'"),
    "unknown-optimizer": (lambda: compiled() >> rk.compile(optimizer="adamm", loss="mse"),
                          UnknownNameError, r"Did you mean 'adam'"),
    "unknown-loss": (lambda: compiled() >> rk.compile(loss="mean_squared_eror"),
                     UnknownNameError, r"Did you mean 'mean_squared_error'"),
    "unknown-metric": (lambda: compiled() >> rk.compile(loss="mse", metrics=["accuracy", "maee"]),
                       UnknownNameError, r"unknown metric 'maee'.*Did you mean 'mae'"),
    "misspelled-argument": (lambda: rk.layer_dense(units=2, activaton="relu"),
                            ArgumentError, r"unknown argument `activaton`\. Did you mean 'activation'"),
    "misspelled-fit-argument": (lambda: compiled() >> rk.fit(X, Y, batchsize=4),
                                ArgumentError, r"Did you mean 'batch_size'"),
    "zero-axis": (lambda: rk.layer_concatenate(axis=0),
                  ArgumentError, r"1-based.*got 0"),
    "zero-initial-epoch": (lambda: compiled() >> rk.fit(X, Y, initial_epoch=0),
                           ArgumentError, r"`initial_epoch` is 1-based"),
    "validation-split-out-of-range": (lambda: compiled() >> rk.fit(X, Y, validation_split=1.5),
                                      ArgumentError, r"`validation_split` must be in \[0, 1\)"),
    "layer-index-out-of-range": (lambda: rk.get_layer(compiled(), index=5),
                                 ArgumentError, r"`index` = 5 but the model has 1 layer\(s\)"),
    "reshape-size-mismatch": (lambda: rk.array_reshape(np.zeros((10, 28, 28)), (10, 700)),
                              ArgumentError, r"7840.*7000|7000.*7840"),
    "bad-padding-value": (lambda: rk.pad_sequences([[1, 2]], padding="left"),
                          ArgumentError, r'`padding` must be "pre" or "post".*got .left.'),
    "save-wrong-extension": (lambda: rk.save_model(compiled(), "/tmp/model.h5"),
                             ArgumentError, r"must end in '\.keras'"),
    "load-missing-file": (lambda: rk.load_model("/nonexistent/model.keras"),
                          ArgumentError, r"no file at '/nonexistent/model\.keras'"),
    "dataset-file-missing": (lambda: rk.dataset_mnist(path="/nonexistent/mnist.npz"),
                             DatasetNotFoundError, r"RKERAS_DATASETS"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_a_specific_message(case, monkeypatch):
    monkeypatch.setenv("RKERAS_OFFLINE", "1")
    monkeypatch.delenv("RKERAS_DATASETS", raising=False)
    monkeypatch.setenv("KERAS_HOME", "/nonexistent-keras-home")
    call, error, pattern = CASES[case]
    with pytest.raises(error) as caught:
        call()
    assert re.search(pattern, str(caught.value), re.S), str(caught.value)


def test_every_case_is_in_the_documented_catalogue():
    text = CATALOGUE.read_text()
    missing = [case for case in CASES if f"`{case}`" not in text]
    assert missing == []
