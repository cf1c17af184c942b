"""rkeras.model_data: x and y are checked before Keras sees them (NA, lengths, shapes, labels)."""

import numpy as np
import pytest

from rkeras import *  # noqa: F403 - the point is that this works
from rkeras.errors import DataError


def test_bad_data_errors_come_before_keras(tiny_data, tiny_model):
    x, _, y = tiny_data
    model = tiny_model() >> compile(loss="categorical_crossentropy")
    with pytest.raises(DataError, match="`x` has 96 samples but `y` has 10"):
        model >> fit(x, y[:10])
    bad = x.copy()
    bad[5, 2] = np.nan
    with pytest.raises(DataError, match=r"NA/NaN at position \[6, 3\]"):
        model >> fit(bad, y)
    with pytest.raises(DataError, match=r"`x` has shape \(96, 4\) but the model expects \(n, 8\)"):
        model >> fit(x[:, :4], y)
    with pytest.raises(DataError, match="empty"):
        model >> fit(x[:0], y[:0])


def test_pandas_frame_goes_into_fit_and_factor_columns_are_refused(tiny_data):
    import pandas as pd

    x, labels, _ = tiny_data
    frame = pd.DataFrame(x.copy(), columns=[f"v{i}" for i in range(8)])
    model = (keras_model_sequential(input_shape=8) >> layer_dense(units=2, activation="softmax")
             >> compile(loss="sparse_categorical_crossentropy"))
    target = pd.Series(pd.Categorical.from_codes(labels, ["no", "yes"]))
    history = model >> fit(frame, target, epochs=1, verbose=0)
    assert len(history.metrics["loss"]) == 1
    frame["v3"] = pd.Categorical(["a"] * 96)
    with pytest.raises(DataError, match="column 'v3' is a factor/category"):
        model >> fit(frame, target)
    frame["v3"] = 1.0
    frame.loc[10, "v5"] = np.nan
    with pytest.raises(DataError, match="column 'v5', row 11"):
        model >> fit(frame, target)


def test_labels_outside_the_classes_are_caught(tiny_data, tiny_model):
    x, labels, _ = tiny_data
    model = tiny_model() >> compile(loss="sparse_categorical_crossentropy")
    with pytest.raises(DataError, match=(
            r"class numbers 0\.\.1 .* y\[\d+\] \(1-based\) is 2.*as.integer\(f\) - "
            r"1")):
        model >> fit(x, labels + 1)
    model >> compile(loss="categorical_crossentropy")
    with pytest.raises(DataError, match=r"needs one-hot rows \(2 columns\): use to_categorical\(y, 2\)"):
        model >> fit(x, labels)

