"""The training history as R users know it: print, long data frame, plot."""

import numpy as np
import pandas as pd
import pytest

from rkeras import *  # noqa: F403
from rkeras.history import KerasTrainingHistory, as_data_frame, plot_history

METRICS = {"loss": [0.5, 0.25], "accuracy": [0.8, 0.91234567],
           "val_loss": [0.6, 0.3], "val_accuracy": [0.7, 0.85]}


def early_stopped():
    """10 epochs asked for, 4 trained (as after callback_early_stopping)."""
    return KerasTrainingHistory(
        params={"verbose": 0, "epochs": 10, "steps": 3},
        metrics={"loss": [4.0, 3.0, 2.0, 1.0], "val_loss": [4.5, 3.5, 2.5, 2.0]})


def test_print_is_keras3s_final_epoch_block():
    history = KerasTrainingHistory(params={"epochs": 2}, metrics=METRICS)
    assert str(history).splitlines() == [
        "Final epoch (plot to see history):",
        "        loss: 0.25",
        "    accuracy: 0.9123",
        "    val_loss: 0.3",
        "val_accuracy: 0.85",
    ]


def test_print_after_early_stopping_uses_the_last_trained_epoch():
    text = str(early_stopped())
    assert "    loss: 1\n" in text + "\n"
    assert "val_loss: 2" in text


def test_long_data_frame_matches_keras3():
    frame = as_data_frame(KerasTrainingHistory(params={"epochs": 2}, metrics=METRICS))
    assert list(frame.columns) == ["epoch", "value", "metric", "data"]
    assert frame["epoch"].tolist() == [1, 2] * 4
    assert frame["metric"].tolist() == ["loss", "loss", "accuracy", "accuracy"] * 2
    assert list(frame["metric"].cat.categories) == ["loss", "accuracy"]
    assert frame["data"].tolist() == ["training"] * 4 + ["validation"] * 4
    assert list(frame["data"].cat.categories) == ["training", "validation"]
    np.testing.assert_allclose(frame["value"], [0.5, 0.25, 0.8, 0.91234567, 0.6, 0.3, 0.7, 0.85])


def test_long_frame_is_padded_with_na_after_early_stopping():
    frame = as_data_frame(early_stopped())
    assert len(frame) == 20
    training = frame[frame["data"] == "training"]
    assert training["epoch"].tolist() == list(range(1, 11))
    assert training["value"].isna().tolist() == [False] * 4 + [True] * 6


def test_wide_form_is_one_argument_away():
    wide = as_data_frame(KerasTrainingHistory(params={"epochs": 2}, metrics=METRICS), wide=True)
    assert list(wide.columns) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]
    assert wide["accuracy"].tolist() == [0.8, 0.91234567]


def point_series(ax):
    return [line for line in ax.get_lines() if line.get_marker() not in (None, "None", "")]


def smooth_lines(ax):
    return [line for line in ax.get_lines() if line.get_marker() in (None, "None", "")]


def test_plot_has_one_panel_per_metric_with_both_series(tmp_path):
    history = KerasTrainingHistory(params={"epochs": 2}, metrics=METRICS)
    path = tmp_path / "history.png"
    figure = plot(history, file=str(path))
    panels = [ax for ax in figure.axes if ax.get_ylabel()]
    assert [ax.get_ylabel() for ax in panels] == ["loss", "accuracy"]
    for ax in panels:
        assert len(point_series(ax)) == 2        # training and validation points
        assert len(smooth_lines(ax)) == 0        # no smooth line under 10 epochs
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_smooths_from_ten_epochs_and_selects_metrics():
    history = KerasTrainingHistory(
        params={"epochs": 12},
        metrics={"loss": list(np.linspace(2, 1, 12)), "mae": list(np.linspace(3, 1, 12)),
                 "val_loss": list(np.linspace(2.5, 1.5, 12)), "val_mae": list(np.linspace(3, 2, 12))})
    figure = plot_history(history, metrics="mae")
    panels = [ax for ax in figure.axes if ax.get_ylabel()]
    assert [ax.get_ylabel() for ax in panels] == ["mae"]
    assert len(point_series(panels[0])) == 2
    assert len(smooth_lines(panels[0])) == 2     # a smooth line per series
    assert len(smooth_lines(plot_history(history, smooth=False).axes[0])) == 0


def test_plot_rejects_unknown_metric_names():
    history = KerasTrainingHistory(params={"epochs": 2}, metrics=METRICS)
    with pytest.raises(ValueError, match=r"acc.*loss.*accuracy|loss.*accuracy.*acc"):
        plot_history(history, metrics="acc")


def test_plot_of_something_else_says_what_it_can_plot():
    with pytest.raises(TypeError, match="plots training histories"):
        plot(np.arange(3))


def test_history_from_a_real_fit_and_its_containers():
    set_random_seed(1)
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    model = (keras_model_sequential(input_shape=3) >> layer_dense(units=1)
             >> compile(optimizer="sgd", loss="mse", metrics="mae"))
    history = model >> fit(x, x.sum(axis=1), epochs=3, validation_split=0.25, verbose=0)
    assert history.params["epochs"] == 3
    assert list(history.metrics) == ["loss", "mae", "val_loss", "val_mae"]
    assert len(history) == 3 and history["loss"] == history.metrics["loss"]
    frame = history.as_data_frame()
    assert len(frame) == 12 and not frame["value"].isna().any()
    assert KerasTrainingHistory.from_dict(history.to_dict()) == history
    assert isinstance(as_data_frame(history), pd.DataFrame)
