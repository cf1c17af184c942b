"""Tests for rkeras.history: R keras3's keras_training_history in Python.

Expected texts and frames were checked against keras3's R/history.R run
under R 4.2.2 (print, as.data.frame) and against R's loess(surface="direct").
"""

import io
import math
import os
import pickle

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from rkeras.history import (
    KerasTrainingHistory,
    as_data_frame,
    format_r_number,
    loess_smooth,
    plot_history,
    to_keras_training_history,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def fitted_history():
    """A real 3-epoch fit: 64 random samples, tiny Dense model, 25% validation."""
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(1)
    x = np.random.rand(64, 4).astype("float32")
    y = (np.random.rand(64) > 0.5).astype("float32")
    model = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=3, validation_split=0.25, verbose=0)


def two_epoch_history():
    return KerasTrainingHistory(
        params={"verbose": 0, "epochs": 2, "steps": 1},
        metrics={"loss": [0.5, 0.25], "accuracy": [0.8, 0.91234567]},
    )


def early_stopped_history():
    """epochs=10 asked for, 4 trained (as after callback_early_stopping)."""
    return KerasTrainingHistory(
        params={"verbose": 0, "epochs": 10, "steps": 2},
        metrics={
            "accuracy": [0.5, 0.6, 0.7, 0.75],
            "loss": [0.9, 0.7, 0.6, 0.55],
            "val_accuracy": [0.4, 0.5, 0.55, 0.6],
            "val_loss": [1.0, 0.8, 0.7, 0.65],
        },
    )


def long_history(epochs=12, validation=True):
    rng = np.random.default_rng(0)
    steps = np.arange(1, epochs + 1)
    metrics = {
        "accuracy": list(0.5 + 0.4 * (1 - np.exp(-steps / 4)) + rng.normal(0, 0.02, epochs)),
        "loss": list(np.exp(-steps / 5) + rng.normal(0, 0.02, epochs)),
    }
    if validation:
        metrics["val_accuracy"] = [v - 0.05 for v in metrics["accuracy"]]
        metrics["val_loss"] = [v + 0.1 for v in metrics["loss"]]
    return KerasTrainingHistory({"verbose": 0, "epochs": epochs, "steps": 2}, metrics)


# -- construction -----------------------------------------------------------

def test_from_keras_copies_params_and_metrics(fitted_history):
    history = KerasTrainingHistory.from_keras(fitted_history)
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}
    assert list(history.metrics) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    for name, values in history.metrics.items():
        assert values == pytest.approx(fitted_history.history[name])
        assert all(type(v) is float for v in values)
    assert history.metrics is not fitted_history.history
    assert len(history) == 3
    assert to_keras_training_history(fitted_history) == history
    assert to_keras_training_history(history) is history


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


def test_container_protocol_and_equality():
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


# -- print ------------------------------------------------------------------

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


def test_print_uses_last_trained_epoch_after_early_stopping():
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


@pytest.mark.parametrize("value, text", [
    # Each pair checked with R: prettyNum(x, big.mark=",", digits=4, scientific=FALSE).
    (0.25, "0.25"), (0.91234567, "0.9123"), (12345.67, "12,346"), (1e-10, "0.0000000001"),
    (0.1 + 0.2, "0.3"), (None, "NA"), (float("nan"), "NaN"), (float("inf"), "Inf"),
    (-float("inf"), "-Inf"), (-0.00012345, "-0.0001234"), (99999.5, "100,000"),
    (0.99995, "1"), (1, "1"), (1234567.891, "1,234,568"), (0.15, "0.15"),
    (2.675e-5, "0.00002675"), (100, "100"), (0.5, "0.5"), (0, "0"), (np.float32(0.5), "0.5"),
])
def test_format_r_number_matches_r(value, text):
    assert format_r_number(value) == text


# -- as_data_frame ----------------------------------------------------------

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


def test_long_frame_pads_early_stopping_with_nan_in_r_order():
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


def test_wide_frame():
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


# -- smoother ---------------------------------------------------------------

def test_loess_matches_r_direct_surface():
    # R: predict(loess(v ~ y, control = loess.control(surface = "direct")), ...)
    y = [0.9, 0.7, 0.65, 0.5, 0.52, 0.4, 0.41, 0.35, 0.3, 0.31]
    smoothed = loess_smooth(np.arange(1, 11), y, np.linspace(1, 10, 7))
    expected = [0.8883526512, 0.6704805176, 0.5448595466, 0.4528464182,
                0.3883436671, 0.3317897020, 0.3017543104]
    assert smoothed == pytest.approx(expected, abs=1e-9)


def test_loess_reproduces_quadratic_and_skips_nan():
    x = np.arange(1.0, 13.0)
    y = 0.5 * x ** 2 - x + 2
    y_missing = y.copy()
    y_missing[[3, 7]] = np.nan
    grid = np.linspace(1, 12, 23)
    assert loess_smooth(x, y_missing, grid) == pytest.approx(0.5 * grid ** 2 - grid + 2)
    assert loess_smooth(x, y).shape == (80,)


# -- plot -------------------------------------------------------------------

def point_series(ax):
    return [line for line in ax.get_lines() if line.get_gid() != "smooth"]


def smooth_lines(ax):
    return [line for line in ax.get_lines() if line.get_gid() == "smooth"]


def test_plot_one_panel_per_metric_with_both_series(fitted_history):
    fig = plot_history(fitted_history)
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 2
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy", "loss"]
    for ax in fig.axes:
        assert [line.get_label() for line in point_series(ax)] == ["training", "validation"]
        for line in point_series(ax):
            assert list(line.get_xdata()) == [1, 2, 3]
            assert line.get_linestyle() == "None" and line.get_marker() == "o"
        # Fewer than 10 epochs: no smooth, as keras3.
        assert smooth_lines(ax) == []
    assert fig.axes[0].get_shared_x_axes().joined(fig.axes[0], fig.axes[1])
    assert fig.axes[-1].get_xlabel() == "epoch"
    colours = {line.get_label(): line.get_markerfacecolor() for line in point_series(fig.axes[0])}
    assert colours["training"] != colours["validation"]
    legend_texts = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
    assert legend_texts == ["training", "validation"]
    ticks = fig.axes[-1].get_xticks()
    assert np.allclose(ticks, np.round(ticks))


def test_plot_smooth_only_from_ten_epochs():
    fig = plot_history(long_history(epochs=12))
    for ax in fig.axes:
        assert len(smooth_lines(ax)) == 2
        assert all(len(line.get_xdata()) == 80 for line in smooth_lines(ax))
    fig = plot_history(long_history(epochs=12), smooth=False)
    assert all(smooth_lines(ax) == [] for ax in fig.axes)
    fig = plot_history(long_history(epochs=9))
    assert all(smooth_lines(ax) == [] for ax in fig.axes)


def test_plot_early_stopping_draws_trained_epochs_only():
    fig = early_stopped_history().plot()
    for ax in fig.axes:
        for line in point_series(ax):
            assert list(line.get_xdata()) == [1, 2, 3, 4]
        # params epochs is 10, so keras3 adds the smooth and spans the axis to 10.
        assert len(smooth_lines(ax)) == 2
    left, right = fig.axes[-1].get_xlim()
    assert left < 1 and right > 10


def test_plot_metric_selection():
    history = long_history(epochs=3)
    for selection in ("accuracy", "val_accuracy", ["val_accuracy"]):
        fig = plot_history(history, metrics=selection)
        assert len(fig.axes) == 1
        assert fig.axes[0].get_ylabel() == "accuracy"
        assert len(point_series(fig.axes[0])) == 2
        plt.close(fig)
    # Panels follow the logged order, as ggplot2's facets do.
    fig = plot_history(history, metrics=["loss", "accuracy"])
    assert [ax.get_ylabel() for ax in fig.axes] == ["accuracy", "loss"]


def test_plot_unknown_metric_lists_available():
    with pytest.raises(ValueError) as error:
        plot_history(long_history(epochs=3), metrics=["loss", "auc"])
    message = str(error.value)
    assert "'auc'" in message and "'accuracy', 'loss'" in message
    with pytest.raises(ValueError, match="method"):
        plot_history(long_history(epochs=3), method="lattice")
    with pytest.raises(ValueError, match="no metrics"):
        plot_history(KerasTrainingHistory({"epochs": 1}, {}))


def test_plot_without_validation_has_single_series_and_no_legend():
    fig = plot_history(long_history(epochs=12, validation=False))
    for ax in fig.axes:
        assert [line.get_label() for line in point_series(ax)] == ["training"]
        assert len(smooth_lines(ax)) == 1
    assert fig.legends == []


def test_plot_theme_bw_and_base_methods():
    fig = plot_history(long_history(epochs=12), theme_bw=True)
    markers = [line.get_marker() for line in point_series(fig.axes[0])]
    assert markers == ["o", "^"]
    assert [line.get_linestyle() for line in smooth_lines(fig.axes[0])] == ["-", "--"]
    fig = plot_history(long_history(epochs=12), method="base")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["accuracy", "val_accuracy"]
    assert [line.get_marker() for line in ax.get_lines()] == ["o", "x"]
    assert smooth_lines(ax) == []
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["accuracy", "val_accuracy"]


@pytest.mark.parametrize("suffix, magic", [
    (".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF"), (".svg", b"<?xml"),
])
def test_plot_writes_file(tmp_path, fitted_history, suffix, magic):
    target = tmp_path / f"history{suffix}"
    fig = plot_history(fitted_history, file=target, figsize=(5, 4))
    assert target.stat().st_size > 1000
    assert target.read_bytes().startswith(magic)
    assert tuple(fig.get_size_inches()) == (5, 4)


# -- through the package's R verbs (rkeras.plot, fit) ---------------------------

import rkeras  # noqa: E402


def test_package_plot_dispatches_to_history(tmp_path):
    history = KerasTrainingHistory(
        params={"epochs": 2},
        metrics={"loss": [0.5, 0.25], "accuracy": [0.8, 0.9], "val_loss": [0.6, 0.3],
                 "val_accuracy": [0.7, 0.85]})
    path = tmp_path / "history.png"
    figure = rkeras.plot(history, file=str(path))
    assert [ax.get_ylabel() for ax in figure.axes] == ["loss", "accuracy"]
    assert all(len(point_series(ax)) == 2 for ax in figure.axes)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_package_plot_of_something_else_says_what_it_can_plot():
    with pytest.raises(TypeError, match="plots training histories"):
        rkeras.plot(np.arange(3))


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
