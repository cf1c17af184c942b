"""rkeras.history: R keras3's keras_training_history in Python (object, print, data frame).

Expected texts and frames were checked against keras3's R/history.R run
under R 4.2.2 (print, as.data.frame).
"""

import io
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import rkeras
from rkeras.history import KerasTrainingHistory, as_data_frame
from rkeras.rformat import format_r_number


def two_epoch_history():
    return KerasTrainingHistory(
        params={"verbose": 0, "epochs": 2, "steps": 1},
        metrics={"loss": [0.5, 0.25], "accuracy": [0.8, 0.91234567]},
    )


def test_from_keras_copies_params_and_metrics(fitted_history):
    history = KerasTrainingHistory.from_keras(fitted_history)
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}
    assert list(history.metrics) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for name, values in history.metrics.items():
        assert values == pytest.approx(fitted_history.history[name])
        assert all(type(v) is float for v in values)
    assert history.metrics is not fitted_history.history
    assert len(history) == 3
    # The one converter: a KerasTrainingHistory is copied, not shared.
    copy = KerasTrainingHistory.from_keras(history)
    assert copy == history and copy is not history and copy.metrics is not history.metrics


def test_from_keras_rejects_non_history():
    with pytest.raises(TypeError, match="keras.callbacks.History"):
        KerasTrainingHistory.from_keras({"loss": [1.0]})


def test_r_bridge_values_are_normalised():
    # R sends doubles for counts and a scalar for a one-epoch series.
    history = KerasTrainingHistory(
        {"verbose": 1.0, "epochs": 1.0, "steps": np.int64(5)},
        {"loss": 0.3, "val_loss": np.array([0.4]), "acc": [None]},
    )
    assert history.params == {"verbose": 1, "epochs": 1, "steps": 5}
    assert all(isinstance(v, int) for v in history.params.values())
    assert history.metrics["loss"] == [0.3]
    assert history.metrics["val_loss"] == [0.4]
    assert math.isnan(history.metrics["acc"][0])


def test_container_protocol_and_equality(early_stopped_history):
    history = two_epoch_history()
    assert len(history) == 2
    assert history["loss"] == [0.5, 0.25]
    assert history.history is history.metrics
    assert "accuracy" in history and "val_loss" not in history
    with pytest.raises(KeyError, match="'loss', 'accuracy'"):
        history["val_loss"]
    with pytest.raises(TypeError):
        iter(history)
    assert history == two_epoch_history()
    assert history != early_stopped_history()
    with pytest.raises(TypeError):
        hash(history)
    nan_history = KerasTrainingHistory({"epochs": 1}, {"loss": [float("nan")]})
    assert nan_history == KerasTrainingHistory({"epochs": 1}, {"loss": [None]})


def test_to_dict_from_dict_and_pickle_round_trip(fitted_history):
    history = KerasTrainingHistory.from_keras(fitted_history)
    as_dict = history.to_dict()
    assert set(as_dict) == {"params", "metrics"}
    as_dict["metrics"]["loss"].append(99.0)  # a copy, not the history's list
    assert len(history["loss"]) == 3
    assert KerasTrainingHistory.from_dict(history.to_dict()) == history
    restored = pickle.loads(pickle.dumps(history))
    assert restored == history and restored is not history


def test_print_matches_r_format():
    expected = (
        "Final epoch (plot to see history):\n"
        "    loss: 0.25\n"
        "accuracy: 0.9123"
    )
    history = two_epoch_history()
    assert str(history) == expected
    assert repr(history) == expected
    buffer = io.StringIO()
    history.print(file=buffer)
    assert buffer.getvalue() == expected + "\n"


def test_print_with_validation_metrics_keeps_logged_order():
    history = KerasTrainingHistory(
        {"verbose": 2, "epochs": 2, "steps": 782},
        {
            "loss": [0.3410, 0.1588],
            "sparse_categorical_accuracy": [0.9035, 0.9532],
            "val_loss": [0.1869, 0.1303],
            "val_sparse_categorical_accuracy": [0.9455, 0.9626],
        },
    )
    # keras3 vignette training_with_built_in_methods.Rmd, lines 163-170.
    assert str(history).splitlines() == [
        "Final epoch (plot to see history):",
        "                           loss: 0.1588",
        "    sparse_categorical_accuracy: 0.9532",
        "                       val_loss: 0.1303",
        "val_sparse_categorical_accuracy: 0.9626",
    ]


def test_print_uses_last_trained_epoch_after_early_stopping(early_stopped_history):
    assert str(early_stopped_history()).splitlines()[1:] == [
        "    accuracy: 0.75",
        "        loss: 0.55",
        "val_accuracy: 0.6",
        "    val_loss: 0.65",
    ]
    assert len(early_stopped_history()) == 4


def test_print_trained_on_line_only_with_samples():
    history = KerasTrainingHistory(
        {"samples": 60000, "validation_samples": 10000, "batch_size": 128, "epochs": 10},
        {"loss": [0.5] * 4, "val_loss": [0.3] * 4},
    )
    assert str(history).splitlines()[0] == (
        "Trained on 60,000 samples, validated on 10,000 samples (batch_size=128, epochs=4)"
    )
    no_validation = KerasTrainingHistory({"samples": 1000.0, "batch_size": 32, "epochs": 1},
                                         {"loss": [0.1]})
    assert str(no_validation).splitlines()[0] == "Trained on 1,000 samples (batch_size=32, epochs=1)"
    assert str(two_epoch_history()).splitlines()[0] == "Final epoch (plot to see history):"


def test_print_real_fit(fitted_history):
    lines = str(KerasTrainingHistory.from_keras(fitted_history)).splitlines()
    assert lines[0] == "Final epoch (plot to see history):"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "    accuracy", "        loss", "val_accuracy", "    val_loss"]
    loss = fitted_history.history["loss"][-1]
    assert lines[2] == f"        loss: {format_r_number(loss)}"


def test_long_frame_columns_dtypes_and_categories():
    frame = as_data_frame(two_epoch_history())
    assert list(frame.columns) == ["epoch", "value", "metric", "data"]
    assert frame["epoch"].dtype == np.int64
    assert frame["value"].dtype == np.float64
    assert isinstance(frame["metric"].dtype, pd.CategoricalDtype)
    assert list(frame["metric"].cat.categories) == ["loss", "accuracy"]
    assert list(frame["data"].cat.categories) == ["training", "validation"]
    assert frame["epoch"].tolist() == [1, 2, 1, 2]
    assert frame["value"].tolist() == [0.5, 0.25, 0.8, 0.91234567]
    assert frame["metric"].tolist() == ["loss", "loss", "accuracy", "accuracy"]
    assert frame["data"].tolist() == ["training"] * 4
    assert list(frame.index) == [0, 1, 2, 3]


def test_long_frame_pads_early_stopping_with_nan_in_r_order(early_stopped_history):
    history = early_stopped_history()
    frame = history.as_data_frame()
    assert len(frame) == 4 * 10
    # R: one block per series in logged order, epoch 1..params$epochs within.
    assert frame["epoch"].tolist() == list(range(1, 11)) * 4
    assert frame["metric"].tolist() == (["accuracy"] * 10 + ["loss"] * 10) * 2
    assert frame["data"].tolist() == ["training"] * 20 + ["validation"] * 20
    assert list(frame["metric"].cat.categories) == ["accuracy", "loss"]
    for block, name in enumerate(history.metrics):
        values = frame["value"].iloc[block * 10:(block + 1) * 10]
        assert values.iloc[:4].tolist() == history[name]
        assert values.iloc[4:].isna().all()
    assert frame["value"].isna().sum() == 4 * 6
    assert history.to_pandas().equals(frame)


def test_long_frame_from_real_fit(fitted_history):
    frame = as_data_frame(fitted_history)
    assert frame.shape == (12, 4)
    assert list(frame["metric"].cat.categories) == ["accuracy", "loss"]
    assert frame.groupby(["metric", "data"], observed=True).size().tolist() == [3, 3, 3, 3]
    assert frame.loc[frame["data"] == "validation", "value"].tolist() == pytest.approx(
        fitted_history.history["val_accuracy"] + fitted_history.history["val_loss"])


def test_wide_frame(early_stopped_history):
    frame = as_data_frame(early_stopped_history(), wide=True)
    assert list(frame.columns) == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert frame["epoch"].tolist() == list(range(1, 11))
    assert frame["epoch"].dtype == np.int64
    assert frame["loss"].iloc[:4].tolist() == [0.9, 0.7, 0.6, 0.55]
    assert frame.iloc[4:, 1:].isna().all().all()
    assert (frame.dtypes.iloc[1:] == np.float64).all()


def test_as_data_frame_rejects_other_objects():
    with pytest.raises(TypeError, match="as_data_frame"):
        as_data_frame({"loss": [1.0]})


def test_history_from_the_fit_verb_and_its_containers():
    rkeras.set_random_seed(1)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    model = (rkeras.keras_model_sequential(input_shape=3) >> rkeras.layer_dense(units=1)
             >> rkeras.compile(optimizer="sgd", loss="mse", metrics="mae"))
    history = model >> rkeras.fit(x, x.sum(axis=1), epochs=3, validation_split=0.25, verbose=0)
    assert isinstance(history, KerasTrainingHistory)
    assert history.params["epochs"] == 3
    assert list(history.metrics) == ["loss", "mae", "val_loss", "val_mae"]
    assert len(history) == 3 and history["loss"] == history.metrics["loss"]
    frame = history.as_data_frame()
    assert len(frame) == 12 and not frame["value"].isna().any()
    assert KerasTrainingHistory.from_dict(history.to_dict()) == history
    assert str(history).splitlines()[0] == "Final epoch (plot to see history):"



# --- issue 13, item 5: values at the epochs they were measured --------------------------

def _fit_history(**fit_args):
    import keras

    keras.utils.set_random_seed(2)
    x = np.random.rand(32, 3).astype("float32")
    y = np.random.rand(32, 1).astype("float32")
    model = rkeras.keras_model_sequential(input_shape=3) >> rkeras.layer_dense(units=1)
    model >> rkeras.compile(optimizer="sgd", loss="mse")
    return rkeras.fit(model, x, y, verbose=0, **fit_args)


def test_data_frame_places_validation_values_at_their_epochs():
    history = _fit_history(epochs=5, validation_split=0.25, validation_freq=2)
    assert len(history["val_loss"]) == 2
    assert history.epochs_of("val_loss") == [2, 4]
    wide = as_data_frame(history, wide=True)
    assert wide["val_loss"].isna().tolist() == [True, False, True, False, True]
    assert wide["val_loss"].dropna().tolist() == history["val_loss"]
    long = as_data_frame(history)
    val = long[(long["data"] == "validation")]
    assert val.dropna()["epoch"].tolist() == [2, 4]
    assert "val_loss: NA" in history.format()       # no validation at the last epoch (5)


def test_data_frame_places_values_after_initial_epoch():
    history = _fit_history(epochs=5, initial_epoch=3)
    assert history.epochs_of("loss") == [3, 4, 5]
    wide = as_data_frame(history, wide=True)
    assert wide["epoch"].tolist() == [1, 2, 3, 4, 5]
    assert wide["loss"].isna().tolist() == [True, True, False, False, False]
    assert wide["loss"].dropna().tolist() == history["loss"]
    assert f"loss: {history['loss'][-1]:.4g}"[:10] in history.format()
    again = KerasTrainingHistory.from_dict(history.to_dict())
    assert again == history and again.epochs_of("loss") == [3, 4, 5]
