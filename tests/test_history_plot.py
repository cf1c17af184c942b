"""rkeras.history_plot: keras3's plot(history) in matplotlib, and R's loess().

The smooth was checked against R's loess(surface = "direct") under R 4.2.2.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import rkeras
from rkeras.history import KerasTrainingHistory, plot_history
from rkeras.history_plot import loess_smooth

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


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


def test_plot_smooth_only_from_ten_epochs(long_history):
    fig = plot_history(long_history(epochs=12))
    for ax in fig.axes:
        assert len(smooth_lines(ax)) == 2
        assert all(len(line.get_xdata()) == 80 for line in smooth_lines(ax))
    fig = plot_history(long_history(epochs=12), smooth=False)
    assert all(smooth_lines(ax) == [] for ax in fig.axes)
    fig = plot_history(long_history(epochs=9))
    assert all(smooth_lines(ax) == [] for ax in fig.axes)


def test_plot_early_stopping_draws_trained_epochs_only(early_stopped_history):
    fig = early_stopped_history().plot()
    for ax in fig.axes:
        for line in point_series(ax):
            assert list(line.get_xdata()) == [1, 2, 3, 4]
        # params epochs is 10, so keras3 adds the smooth and spans the axis to 10.
        assert len(smooth_lines(ax)) == 2
    left, right = fig.axes[-1].get_xlim()
    assert left < 1 and right > 10


def test_plot_metric_selection(long_history):
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


def test_plot_unknown_metric_lists_available(long_history):
    with pytest.raises(ValueError) as error:
        plot_history(long_history(epochs=3), metrics=["loss", "auc"])
    message = str(error.value)
    assert "'auc'" in message and "'accuracy', 'loss'" in message
    with pytest.raises(ValueError, match="method"):
        plot_history(long_history(epochs=3), method="lattice")
    with pytest.raises(ValueError, match="no metrics"):
        plot_history(KerasTrainingHistory({"epochs": 1}, {}))


def test_plot_without_validation_has_single_series_and_no_legend(long_history):
    fig = plot_history(long_history(epochs=12, validation=False))
    for ax in fig.axes:
        assert [line.get_label() for line in point_series(ax)] == ["training"]
        assert len(smooth_lines(ax)) == 1
    assert fig.legends == []


def test_plot_theme_bw_and_base_methods(long_history):
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

