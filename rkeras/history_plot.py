"""Drawing keras3's `plot(history)` figure with matplotlib, and R's `loess()`.

keras3 draws a training history with ggplot2: one panel per metric, training
and validation points in ggplot2's two default colours, a LOESS smooth from
10 epochs on (`geom_smooth(method = "loess")`), or the base-graphics layout
with `method = "base"`. This module draws the same figure with matplotlib,
with R's `loess()` computed exactly (:func:`loess_smooth`). It draws the long data
frame of `rkeras.history.as_data_frame` (as keras3's plot method draws
`as.data.frame(history)`); `rkeras.history.plot_history` is the verb.

(Not named `plot.py`: importing a submodule `rkeras.plot` would replace the
function `rkeras.plot`, R's generic `plot()`, in the package's namespace.)
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any, Sequence

import numpy as np

from .errors import DataError

# Not a verb module: `plot_history` (rkeras.history) chooses what to draw and
# calls `draw_history`, so this module needs nothing from rkeras.history.
__all__: list[str] = []

# ggplot2's default discrete hue palette for two levels (scales::hue_pal()(2)),
# so the matplotlib figure has the colours R users know from plot(history).
GGPLOT_COLOURS = {"training": "#F8766D", "validation": "#00BFC4"}
# geom_smooth()'s default colour when no colour aesthetic is mapped.
GGPLOT_SMOOTH_BLUE = "#3366FF"
GGPLOT_PANEL_GREY = "#EBEBEB"  # theme_grey() panel background (grey92)
THEME_BW_SMOOTH_GREY = "#787878"  # "gray47", theme_bw smooth colour in keras3

# keras3 adds the smooth only from this many epochs on (params$epochs >= 10).
MIN_EPOCHS_FOR_SMOOTH = 10


# ---------------------------------------------------------------------------
# LOESS smoother (stands in for ggplot2's geom_smooth(method = "loess"))
# ---------------------------------------------------------------------------

def loess_smooth(x: Sequence[float], y: Sequence[float], x_new: Sequence[float] | None = None,
                 span: float = 0.75, degree: int = 2) -> np.ndarray:
    """Local polynomial regression (LOESS), as R's `loess(y ~ x)` defaults.

    At each evaluation point `x0` a polynomial of `degree` in `x - x0` is
    fitted by weighted least squares to the `q = floor(span * n)` nearest
    observations, weighted with the tricube kernel `(1 - (d / h)^3)^3` where
    `h` is the distance to the q-th nearest observation (scaled by
    `span` when `span > 1`, as R does). This is Cleveland's LOESS computed
    exactly at every point, i.e. R's `loess(..., surface = "direct")`; R's
    default `surface = "interpolate"` interpolates between kd-tree vertices,
    so its curve can differ in the third decimal. No robustness iterations
    (R's `family = "gaussian"`, which `geom_smooth()` uses).

    Defaults (`span = 0.75`, `degree = 2`) are those of R's `loess()` and so of
    keras3's `geom_smooth(method = "loess")`. NaN pairs are dropped
    (`na.rm = TRUE`). With fewer points than the polynomial needs, the degree
    is lowered so a curve can still be drawn.

    Args:
        x: Predictor values.
        y: Responses, same length as `x`.
        x_new: Where to evaluate the smooth; defaults to 80 evenly spaced
            points over the range of `x` (ggplot2's `n = 80`).
        span: Fraction of the observations in each local fit.
        degree: Degree of the local polynomial (0, 1 or 2).

    Returns:
        The smoothed values at `x_new`, a float64 array.

    Example:
        >>> xs = np.arange(1, 11)
        >>> loess_smooth(xs, 2.0 * xs, x_new=[3.0, 7.5]).round(6)
        array([ 6., 15.])
    """
    x_arr = np.asarray(x, dtype=np.float64)
    y_arr = np.asarray(y, dtype=np.float64)
    if x_arr.shape != y_arr.shape:
        raise DataError(f"loess_smooth(): x and y differ in length ({x_arr.size} vs {y_arr.size}).")
    keep = ~(np.isnan(x_arr) | np.isnan(y_arr))
    x_arr, y_arr = x_arr[keep], y_arr[keep]
    n = x_arr.size
    if n == 0:
        raise DataError("loess_smooth(): no non-missing (x, y) pairs to smooth.")
    if x_new is None:
        x_new = np.linspace(x_arr.min(), x_arr.max(), 80)
    x_eval = np.asarray(x_new, dtype=np.float64)

    degree = max(0, min(int(degree), np.unique(x_arr).size - 1))
    q = min(n, max(int(math.floor(span * n)), degree + 1))
    smoothed = np.empty(x_eval.shape, dtype=np.float64)
    for i, x0 in np.ndenumerate(x_eval):
        distance = np.abs(x_arr - x0)
        bandwidth = np.sort(distance)[q - 1]
        if span > 1:
            bandwidth *= span  # R widens the window beyond the data for span > 1
        if bandwidth <= 0:
            smoothed[i] = y_arr[distance == 0].mean()
            continue
        weight = np.clip(1 - (distance / bandwidth) ** 3, 0, None) ** 3
        design = np.vander(x_arr - x0, degree + 1, increasing=True)
        root_weight = np.sqrt(weight)
        coef, *_ = np.linalg.lstsq(design * root_weight[:, None], y_arr * root_weight, rcond=None)
        smoothed[i] = coef[0]  # the local polynomial's value at x0
    return smoothed


# ---------------------------------------------------------------------------
# plot()
# ---------------------------------------------------------------------------

def _import_pyplot():
    import matplotlib

    # Without a display (CI, servers) an interactive backend would fail on the
    # first figure; Agg renders to files. An explicit MPLBACKEND (Jupyter sets
    # one) or an already imported pyplot is respected.
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _style_ggplot_axes(ax, theme_bw: bool) -> None:
    if theme_bw:
        ax.set_facecolor("white")
        ax.grid(True, color=GGPLOT_PANEL_GREY, linewidth=0.8)
        for spine in ax.spines.values():
            spine.set_color("#333333")
    else:
        ax.set_facecolor(GGPLOT_PANEL_GREY)
        ax.grid(True, color="white", linewidth=1.0)
        for spine in ax.spines.values():
            spine.set_visible(False)
    ax.set_axisbelow(True)
    ax.tick_params(colors="#4D4D4D", length=3)


def draw_history(frame, panels: Sequence[str], *, method: str, smooth: bool, theme_bw: bool,
                 total_epochs: int, file: str | os.PathLike | None = None, **kwargs: Any):
    """Draws the long history frame (`epoch`, `value`, `metric`, `data`): one panel per metric.

    `rkeras.history.plot_history` chooses `panels` and checks the arguments;
    see it for the layout. `smooth` is whether to add the LOESS lines.
    """
    levels = [str(level) for level in frame["data"].cat.categories]
    do_validation = bool((frame["data"] == levels[-1]).any())  # val_ series were logged
    draw_smooth = smooth
    plt = _import_pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    kwargs.setdefault("figsize", (7.0, max(3.0, 1.0 + 2.2 * len(panels))))
    fig = plt.figure(**kwargs)
    axes = fig.subplots(nrows=len(panels), ncols=1, sharex=True, squeeze=False)[:, 0]

    for ax, metric in zip(axes, panels):
        panel = frame[frame["metric"] == metric]
        for data_level in levels:
            series = panel[(panel["data"] == data_level) & panel["value"].notna()]
            if series.empty and not (panel["data"] == data_level).any():
                continue
            x = series["epoch"].to_numpy(dtype=np.float64)
            y = series["value"].to_numpy(dtype=np.float64)
            if method == "base":
                marker = "o" if data_level == "training" else "x"
                legend_name = metric if data_level == "training" else "val_" + metric  # keras3's legend
                ax.plot(x, y, linestyle="none", marker=marker, color="black",
                        markerfacecolor="none", label=legend_name)
                continue
            if theme_bw:
                marker_style = dict(marker="o" if data_level == "training" else "^",
                                    markerfacecolor="none", markeredgecolor="black",
                                    markersize=6)
                smooth_style = dict(color=THEME_BW_SMOOTH_GREY, linewidth=1.0,
                                    linestyle="-" if data_level == "training" else "--")
            elif do_validation:
                # geom_point(shape = 21, col = 1): filled by data, black edge.
                marker_style = dict(marker="o", markerfacecolor=GGPLOT_COLOURS[data_level],
                                    markeredgecolor="black", markersize=6)
                smooth_style = dict(color=GGPLOT_COLOURS[data_level], linewidth=1.5)
            else:
                # No fill mapped: shape 21 is an open black circle.
                marker_style = dict(marker="o", markerfacecolor="none",
                                    markeredgecolor="black", markersize=6)
                smooth_style = dict(color=GGPLOT_SMOOTH_BLUE, linewidth=1.5)
            ax.plot(x, y, linestyle="none", label=data_level, zorder=3, **marker_style)
            if draw_smooth and x.size >= 2:
                x_grid = np.linspace(x.min(), x.max(), 80)
                ax.plot(x_grid, loess_smooth(x, y, x_grid), gid="smooth",
                        label=f"_{data_level} smooth", zorder=2, **smooth_style)
        ax.set_ylabel(metric, fontsize=11)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if method == "base":
            training = panel.loc[panel["data"] == "training", "value"].to_numpy()
            ax.legend(loc=_base_legend_corner(training), frameon=True)
        else:
            _style_ggplot_axes(ax, theme_bw)
    axes[-1].set_xlabel("epoch")
    # Like ggplot2 (scales are trained before NA rows are dropped), the epoch
    # axis spans every requested epoch, so early stopping shows as a gap.
    if total_epochs > 1:
        margin = 0.05 * (total_epochs - 1)
        axes[-1].set_xlim(1 - margin, total_epochs + margin)

    if method != "base" and do_validation:
        handles, labels = [], []
        for line in axes[0].get_lines():
            if line.get_label() in levels and line.get_label() not in labels:
                handles.append(line)
                labels.append(line.get_label())
        if len(handles) < len(levels):
            handles = [Line2D([], [], linestyle="none", marker="o", markeredgecolor="black",
                              markerfacecolor=GGPLOT_COLOURS[level]) for level in levels]
            labels = list(levels)
        fig.legend(handles, labels, title="data", loc="center right", frameon=False)
        fig.tight_layout(rect=(0, 0, 0.82, 1))
    else:
        fig.tight_layout()

    if file is not None:
        fig.savefig(os.fspath(file), bbox_inches="tight")
    return fig


def _base_legend_corner(training_values: np.ndarray) -> str:
    # keras3's base method puts the legend top-right when the training curve
    # falls (first value above the last), so it sits where the curve is not.
    observed = training_values[~np.isnan(training_values)]
    if observed.size and observed[0] > observed[-1]:
        return "upper right"
    return "lower right"
