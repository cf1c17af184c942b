"""The training history returned by `fit()`, as R keras3's `keras_training_history`.

R keras3 turns the Python `keras.callbacks.History` into a plain, serialisable
R list of class `keras_training_history` with two elements, `params` and
`metrics`, and gives it `print()`, `plot()` and `as.data.frame()` methods.
This module mirrors that object and those three verbs for Python users:

- `KerasTrainingHistory`: plain Python object (picklable, no Keras state)
  holding `params` (Keras 3 `History.params`: `verbose`, `epochs`, `steps`)
  and `metrics` (metric name -> per-epoch floats, `val_*` included).
- `print(history)` / `history.print()`: R's "Final epoch (plot to see
  history):" summary, right-aligned, 4 significant digits.
- `as_data_frame(history)`: R's long data frame (`epoch`, `value`, `metric`,
  `data`), padded with NaN when training stopped early; `wide=True` for one
  column per metric.
- `plot_history(history)`: R's ggplot2 layout (one panel per metric, training
  and validation points, LOESS smooth from 10 epochs on) drawn with
  matplotlib.

Early stopping is handled the way keras3 handles it (pain point: keras
2.0.8, 2.1.2, 2.4.0): `params["epochs"]` is what was asked for, the series
are as long as what was trained, so printing uses the last *trained* epoch
and the data frame pads the missing epochs with NaN.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

# The verbs (the registry makes every function listed here an R keras verb).
__all__ = [
    "KerasTrainingHistory",
    "as_data_frame",
    "plot_history",
]

VALIDATION_PREFIX = "val_"
DATA_LEVELS = ("training", "validation")

# ggplot2's default discrete hue palette for two levels (scales::hue_pal()(2)),
# so the matplotlib figure has the colours R users know from plot(history).
GGPLOT_COLOURS = {"training": "#F8766D", "validation": "#00BFC4"}
# geom_smooth()'s default colour when no colour aesthetic is mapped.
GGPLOT_SMOOTH_BLUE = "#3366FF"
GGPLOT_PANEL_GREY = "#EBEBEB"  # theme_grey() panel background (grey92)
THEME_BW_SMOOTH_GREY = "#787878"  # "gray47", theme_bw smooth colour in keras3

# keras3 adds the smooth only from this many epochs on (params$epochs >= 10).
MIN_EPOCHS_FOR_SMOOTH = 10

# Params that R hands over as doubles (R has no integer literals by default)
# but that Keras and the printed summary treat as counts.
_COUNT_PARAMS = ("epochs", "steps", "verbose", "samples", "validation_samples", "batch_size")


# ---------------------------------------------------------------------------
# Number formatting (R's format()/prettyNum())
# ---------------------------------------------------------------------------

def format_r_number(value: Any, digits: int = 4, big_mark: str = ",") -> str:
    """Formats a number as R's `prettyNum(x, big.mark=",", digits=4, scientific=FALSE)`.

    This is how keras3's `print.keras_training_history` formats each final
    metric value: at most `digits` significant digits, trailing zeros dropped
    (R keeps only as many significant digits as the value needs), never
    scientific notation, all integer digits kept, thousands separated by
    `big_mark`. Missing values print as R prints them: `NA`, `NaN`, `Inf`.

    Args:
        value: A number (Python, numpy) or `None` (R's `NA`).
        digits: Maximum number of significant digits, as R's `digits=`.
        big_mark: Separator inserted every three integer digits, as R's
            `big.mark=`; `""` for none.

    Returns:
        The formatted string.

    Example:

    >>> format_r_number(0.91234567)
    '0.9123'
    >>> format_r_number(12345.67)
    '12,346'
    >>> format_r_number(0.5)
    '0.5'
    """
    if value is None:
        return "NA"
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Inf" if number > 0 else "-Inf"
    if number == 0:
        return "0"
    # Round to `digits` significant digits in scientific form, then count the
    # significant digits that survive once trailing zeros are dropped: that is
    # how many R shows. Rounding may carry into the exponent (9.99995 -> 1e1),
    # which reading the exponent back from the string takes care of.
    mantissa, exponent = f"{abs(number):.{digits - 1}e}".split("e")
    significant = len(mantissa.replace(".", "").rstrip("0")) or 1
    decimals = max(0, significant - 1 - int(exponent))
    text = f"{number:.{decimals}f}"
    if big_mark:
        sign = "-" if text.startswith("-") else ""
        integer, _, fraction = text.lstrip("-").partition(".")
        integer = f"{int(integer):,}".replace(",", big_mark)
        text = sign + integer + ("." + fraction if fraction else "")
    return text


def _format_count(value: Any) -> str:
    # R's prettyNum() on a missing list element gives the string "NULL".
    if value is None:
        return "NULL"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    return format_r_number(value, digits=7)


# ---------------------------------------------------------------------------
# Normalisation of what Keras or the R bridge hands over
# ---------------------------------------------------------------------------

def _as_float(value: Any) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        # Keras may log 0-d tensors or numpy arrays of size 1.
        return float(np.asarray(value).reshape(-1)[0])


def _as_series(name: str, values: Any) -> list[float]:
    """A metric's per-epoch values as a list of Python floats."""
    if values is None:
        return []
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"KerasTrainingHistory(metrics=): metric {name!r} must be a sequence of "
            f"numbers, got the string {values!r}."
        )
    if isinstance(values, numbers.Number) or np.ndim(values) == 0:
        # A one-epoch R vector arrives through reticulate/rpy2 as a scalar.
        return [_as_float(values)]
    return [_as_float(v) for v in np.asarray(values, dtype=object).reshape(-1)]


def _normalise_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    normalised = dict(params or {})
    for key in _COUNT_PARAMS:
        value = normalised.get(key)
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)):
            if math.isfinite(value) and float(value).is_integer():
                normalised[key] = int(value)
        elif isinstance(value, np.integer):
            normalised[key] = int(value)
    return normalised


def _same_series(a: Sequence[float], b: Sequence[float]) -> bool:
    # NaN marks a missing epoch; two histories missing the same epoch are equal.
    if len(a) != len(b):
        return False
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b))


# ---------------------------------------------------------------------------
# The history object
# ---------------------------------------------------------------------------

class KerasTrainingHistory:
    """The record of a `fit()` run, as R keras3's `keras_training_history`.

    A plain Python object (no Keras or TensorFlow state; it pickles and
    compares by value) with the two fields of the R object:

    - `params`: dict of training parameters, Keras 3's `History.params`
      (`verbose`, `epochs`, `steps`). `epochs` is the number of epochs asked
      for, which is more than were trained when a callback stopped early.
    - `metrics`: dict of metric name -> list of per-epoch floats, in the
      order Keras logged them, validation metrics (`val_*`) included.

    Build it with `KerasTrainingHistory.from_keras(history)` from the object
    `keras.Model.fit()` returns, or directly from `params` and `metrics`
    (which is what the R bridge does with an R `keras_training_history`).

    Args:
        params: Mapping of training parameters. Whole-number doubles for
            counts (`epochs`, `steps`, `verbose`, ...) are turned into ints,
            since R sends numbers as doubles.
        metrics: Mapping of metric name to per-epoch values (list, numpy
            array, or a scalar for a single epoch). `None` values become NaN.

    Example:

    >>> history = KerasTrainingHistory(
    ...     params={"verbose": 0, "epochs": 2, "steps": 1},
    ...     metrics={"loss": [0.5, 0.25], "accuracy": [0.8, 0.91234567]},
    ... )
    >>> print(history)
    Final epoch (plot to see history):
        loss: 0.25
    accuracy: 0.9123
    >>> len(history)
    2
    >>> history["loss"]
    [0.5, 0.25]
    """

    # Iterating would be ambiguous (epochs? metric names?) and the sequence
    # protocol would fall back to __getitem__(0); make it an explicit error.
    __iter__ = None

    def __init__(self, params: Mapping[str, Any] | None = None,
                 metrics: Mapping[str, Any] | None = None):
        if metrics is not None and not isinstance(metrics, Mapping):
            raise TypeError(
                "KerasTrainingHistory(metrics=): expected a mapping of metric name to "
                f"per-epoch values, got {type(metrics).__name__}."
            )
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(
                "KerasTrainingHistory(params=): expected a mapping such as "
                f"{{'verbose': 0, 'epochs': 10, 'steps': 2}}, got {type(params).__name__}."
            )
        self.params: dict[str, Any] = _normalise_params(params)
        self.metrics: dict[str, list[float]] = {
            str(name): _as_series(str(name), values) for name, values in (metrics or {}).items()
        }

    # -- construction -------------------------------------------------------

    @classmethod
    def from_keras(cls, history: Any) -> "KerasTrainingHistory":
        """Builds the history from what `keras.Model.fit()` returns.

        Args:
            history: A `keras.callbacks.History` (or anything with a
                `history` dict and a `params` dict, such as `model.history`
                after `fit()`), or a `KerasTrainingHistory` (returned as a
                copy).

        Returns:
            A new `KerasTrainingHistory` holding copies of the params and the
            per-epoch values as Python floats; it keeps no reference to the
            model.

        Example:

        >>> keras_history = model.fit(x, y, epochs=3, verbose=0)  # doctest: +SKIP
        >>> history = KerasTrainingHistory.from_keras(keras_history)  # doctest: +SKIP
        """
        if isinstance(history, KerasTrainingHistory):
            return cls(history.params, history.metrics)
        logged = getattr(history, "history", None)
        if not isinstance(logged, Mapping):
            raise TypeError(
                "KerasTrainingHistory.from_keras(history=): expected the "
                "keras.callbacks.History returned by Model.fit(), got "
                f"{type(history).__name__}."
            )
        return cls(getattr(history, "params", None) or {}, logged)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "KerasTrainingHistory":
        """Builds the history from the output of `to_dict()`.

        Args:
            data: Mapping with keys `params` and `metrics`.

        Returns:
            A new `KerasTrainingHistory`.

        Example:

        >>> h = KerasTrainingHistory({"epochs": 1}, {"loss": [0.3]})
        >>> KerasTrainingHistory.from_dict(h.to_dict()) == h
        True
        """
        return cls(data.get("params"), data.get("metrics"))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Returns the history as plain dicts (JSON-friendly, R-list-like).

        Returns:
            `{"params": {...}, "metrics": {name: [floats]}}`, deep copies.

        Example:

        >>> KerasTrainingHistory({"epochs": 1}, {"loss": [0.3]}).to_dict()
        {'params': {'epochs': 1}, 'metrics': {'loss': [0.3]}}
        """
        return {
            "params": dict(self.params),
            "metrics": {name: list(values) for name, values in self.metrics.items()},
        }

    # -- containers ---------------------------------------------------------

    @property
    def history(self) -> dict[str, list[float]]:
        """The metrics under the name `keras.callbacks.History` uses.

        Lets code written for Keras (`h.history["loss"]`) run unchanged.
        """
        return self.metrics

    @property
    def epochs_trained(self) -> int:
        """Number of epochs actually trained.

        As keras3 computes it for printing: the smaller of
        `params["epochs"]` and the length of the first metric series, so a
        run stopped early by a callback reports the epochs it really ran.
        """
        if not self.metrics:
            return 0
        recorded = len(next(iter(self.metrics.values())))
        requested = self.params.get("epochs")
        if isinstance(requested, numbers.Integral):
            return min(int(requested), recorded)
        return recorded

    def __len__(self) -> int:
        return self.epochs_trained

    def __getitem__(self, name: str) -> list[float]:
        try:
            return self.metrics[name]
        except KeyError:
            available = ", ".join(repr(m) for m in self.metrics) or "none"
            raise KeyError(
                f"history[{name!r}]: no such metric. Available metrics: {available}."
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.metrics

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KerasTrainingHistory):
            return NotImplemented
        return (
            self.params == other.params
            and list(self.metrics) == list(other.metrics)
            and all(_same_series(self.metrics[m], other.metrics[m]) for m in self.metrics)
        )

    # Mutable, compared by value: not hashable (like dict).
    __hash__ = None  # type: ignore[assignment]

    # -- print --------------------------------------------------------------

    def format(self) -> str:
        """Returns the text `print()` shows, as keras3's print method.

        Format: a first line `Trained on N samples, validated on M samples
        (batch_size=B, epochs=E)` only when `params` has `samples` (never
        under Keras 3), then `Final epoch (plot to see history):` and one
        `name: value` line per metric for the last trained epoch, names
        right-aligned to the longest name, values with 4 significant digits
        as R's `format(x, digits = 4)`.

        Returns:
            The summary text, without a trailing newline.

        Example:

        >>> h = KerasTrainingHistory({"epochs": 2},
        ...                          {"loss": [0.5, 0.25], "val_loss": [0.6, 0.3]})
        >>> print(h.format())
        Final epoch (plot to see history):
            loss: 0.25
        val_loss: 0.3
        """
        epochs = self.epochs_trained
        lines = []
        if self.params.get("samples") is not None:
            validated = ""
            if self.params.get("validation_samples") is not None:
                validated = (
                    f", validated on {_format_count(self.params['validation_samples'])} samples"
                )
            lines.append(
                f"Trained on {_format_count(self.params['samples'])} samples{validated} "
                f"(batch_size={_format_count(self.params.get('batch_size'))}, epochs={epochs})"
            )
        lines.append("Final epoch (plot to see history):")
        if self.metrics:
            width = max(len(name) for name in self.metrics)
            for name, values in self.metrics.items():
                # A series shorter than the epochs trained (e.g. validation_freq > 1)
                # has no value for the last epoch: R would show NA.
                last = values[epochs - 1] if 0 < epochs <= len(values) else None
                lines.append(f"{name:>{width}}: {format_r_number(last)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return self.format()

    def print(self, file=None) -> None:
        """Prints the final-epoch summary, as R's `print(history)`.

        Args:
            file: Text stream to write to; defaults to `sys.stdout`.

        Example:

        >>> KerasTrainingHistory({"epochs": 1}, {"loss": [0.123456]}).print()
        Final epoch (plot to see history):
        loss: 0.1235
        """
        stream = sys.stdout if file is None else file
        stream.write(self.format() + "\n")

    # -- data frames and plots (thin wrappers over the module functions) ---

    def as_data_frame(self, wide: bool = False) -> pd.DataFrame:
        """Returns the history as a pandas DataFrame; see `as_data_frame()`."""
        return as_data_frame(self, wide=wide)

    to_pandas = as_data_frame

    def plot(self, metrics: str | Sequence[str] | None = None, method: str = "matplotlib",
             smooth: bool = True, theme_bw: bool = False, file: str | os.PathLike | None = None,
             **kwargs: Any):
        """Plots the history; see `plot_history()`."""
        return plot_history(self, metrics=metrics, method=method, smooth=smooth,
                            theme_bw=theme_bw, file=file, **kwargs)


def to_keras_training_history(history: Any) -> KerasTrainingHistory:
    """Converts `fit()`'s Keras `History` into a `KerasTrainingHistory`.

    The Python counterpart of keras3's internal `to_keras_training_history()`,
    for the `fit()` wrapper to call. A `KerasTrainingHistory` is returned
    unchanged.

    Args:
        history: A `keras.callbacks.History` or a `KerasTrainingHistory`.

    Returns:
        A `KerasTrainingHistory`.

    Example:

    >>> history = to_keras_training_history(model.fit(x, y, verbose=0))  # doctest: +SKIP
    """
    if isinstance(history, KerasTrainingHistory):
        return history
    return KerasTrainingHistory.from_keras(history)


def _coerce_history(history: Any, verb: str) -> KerasTrainingHistory:
    if isinstance(history, KerasTrainingHistory):
        return history
    if isinstance(getattr(history, "history", None), Mapping):
        return KerasTrainingHistory.from_keras(history)
    raise TypeError(
        f"{verb}(history=): expected a KerasTrainingHistory or the keras.callbacks.History "
        f"returned by fit(), got {type(history).__name__}."
    )


def _metric_base_name(name: str) -> str:
    return name[len(VALIDATION_PREFIX):] if name.startswith(VALIDATION_PREFIX) else name


def _row_count(history: KerasTrainingHistory) -> int:
    # keras3 uses params$epochs (asked-for epochs) so an early-stopped run gets
    # NaN rows; never drop recorded values should a series be longer.
    longest = max((len(v) for v in history.metrics.values()), default=0)
    requested = history.params.get("epochs")
    if isinstance(requested, numbers.Integral):
        return max(int(requested), longest)
    return longest


def _padded(values: Sequence[float], length: int) -> list[float]:
    return list(values[:length]) + [math.nan] * (length - len(values))


# ---------------------------------------------------------------------------
# as.data.frame()
# ---------------------------------------------------------------------------

def as_data_frame(history: Any, wide: bool = False) -> pd.DataFrame:
    """Returns a training history as a pandas DataFrame.

    The long form (default) is keras3's `as.data.frame(history)`: one row per
    metric series and epoch, with columns

    - `epoch` (int): 1 to `params["epochs"]`;
    - `value` (float): the metric value, NaN for epochs not trained (early
      stopping) so every series has `params["epochs"]` rows;
    - `metric` (Categorical): the metric name without its `val_` prefix,
      categories in the order the metrics were logged;
    - `data` (Categorical, categories `training`, `validation`): whether the
      series is a validation one (`val_` prefix).

    Rows come in R's order: one block per series, in the order the metrics
    were logged (Keras 3 logs e.g. `accuracy`, `loss`, `val_accuracy`,
    `val_loss`), epochs ascending within a block.

    Args:
        history: A `KerasTrainingHistory` or a `keras.callbacks.History`.
        wide: If `True`, return one row per epoch instead, with an `epoch`
            column followed by one float column per metric under its full
            name (`loss`, `accuracy`, `val_loss`, ...), in logged order.

    Returns:
        A `pandas.DataFrame` with a fresh `RangeIndex`.

    Example:

    >>> h = KerasTrainingHistory({"epochs": 3}, {"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]})
    >>> as_data_frame(h)
       epoch  value metric        data
    0      1    0.5   loss    training
    1      2    0.4   loss    training
    2      3    NaN   loss    training
    3      1    0.6   loss  validation
    4      2    0.5   loss  validation
    5      3    NaN   loss  validation
    """
    history = _coerce_history(history, "as_data_frame")
    rows = _row_count(history)
    epochs = np.arange(1, rows + 1, dtype=np.int64)
    names = list(history.metrics)

    if wide:
        frame = pd.DataFrame({"epoch": epochs})
        for name in names:
            frame[name] = np.asarray(_padded(history.metrics[name], rows), dtype=np.float64)
        return frame

    base_names = [_metric_base_name(name) for name in names]
    metric_levels = list(dict.fromkeys(base_names))
    values = [v for name in names for v in _padded(history.metrics[name], rows)]
    return pd.DataFrame({
        "epoch": np.tile(epochs, len(names)),
        "value": np.asarray(values, dtype=np.float64),
        "metric": pd.Categorical(np.repeat(base_names, rows) if names else [],
                                 categories=metric_levels),
        "data": pd.Categorical(
            np.repeat([DATA_LEVELS[name.startswith(VALIDATION_PREFIX)] for name in names], rows)
            if names else [],
            categories=list(DATA_LEVELS),
        ),
    })


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
        raise ValueError(f"loess_smooth(): x and y differ in length ({x_arr.size} vs {y_arr.size}).")
    keep = ~(np.isnan(x_arr) | np.isnan(y_arr))
    x_arr, y_arr = x_arr[keep], y_arr[keep]
    n = x_arr.size
    if n == 0:
        raise ValueError("loess_smooth(): no non-missing (x, y) pairs to smooth.")
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


def _select_metrics(history: KerasTrainingHistory, metrics: str | Sequence[str] | None) -> list[str]:
    """Base metric names (no `val_`) to draw, in the order the panels appear."""
    available = list(dict.fromkeys(_metric_base_name(m) for m in history.metrics))
    if metrics is None:
        # keras3 default: every non-val_ name; their val_ series come along.
        return [m for m in available if m in history.metrics] or available
    requested = [metrics] if isinstance(metrics, str) else list(metrics)
    if not requested:
        raise ValueError(
            "plot(metrics=): no metric selected. Available metrics: "
            + ", ".join(repr(m) for m in available) + "."
        )
    wanted = []
    for name in requested:
        base = _metric_base_name(str(name))
        if base not in available and str(name) in available:
            base = str(name)  # a metric whose own name starts with "val_"
        if base not in available:
            raise ValueError(
                f"plot(metrics=): unknown metric {name!r}. Available metrics: "
                + ", ".join(repr(m) for m in available)
                + " (give 'loss' or 'val_loss' to draw the loss panel with both series)."
            )
        wanted.append(base)
    # facet_grid() orders panels by the factor levels, i.e. logged order.
    return [m for m in available if m in wanted]


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


def plot_history(history: Any, metrics: str | Sequence[str] | None = None,
                 method: str = "matplotlib", smooth: bool = True, theme_bw: bool = False,
                 file: str | os.PathLike | None = None, **kwargs: Any):
    """Plots a training history with keras3's layout, in matplotlib.

    Mirrors `plot(history)` in R keras3 (its ggplot2 method): one panel per
    metric, stacked vertically with a shared `epoch` axis (`facet_grid(metric ~ .)`),
    the metric name as the panel's y label, training and validation values
    as circles in ggplot2's two default colours with a legend (`training`,
    `validation`), integer epoch ticks, and a LOESS smooth line per series
    when `smooth` is true and `params["epochs"] >= 10`. Epochs not trained
    (early stopping) are simply absent.

    Args:
        history: A `KerasTrainingHistory` or a `keras.callbacks.History`.
        metrics: Metric name or names to draw, e.g. `"loss"` or
            `["loss", "accuracy"]`. `"val_accuracy"` means the same panel as
            `"accuracy"`: a panel always shows both series. Defaults to every
            metric that is not a `val_` one. Panels come in the order the
            metrics were logged, as ggplot2's facets do.
        method: `"matplotlib"` (also `"auto"` or `"ggplot2"`) for the
            layout above; `"base"` for keras3's base-graphics layout (black
            open circles for training, crosses for validation, legend
            `metric`/`val_metric` in the corner the curve leaves free, no
            smooth).
        smooth: Whether to add the LOESS smooth (see `loess_smooth()`);
            forced off below 10 epochs, as in keras3.
        theme_bw: Black-and-white look, as keras3's `theme_bw = TRUE`:
            white panels, open circles and triangles, grey smooth lines
            (solid for training, dashed for validation).
        file: Path to save the figure to; the format follows the extension
            (`.png`, `.pdf`, `.svg`, ...).
        **kwargs: Passed to `matplotlib.pyplot.figure()`, e.g. `figsize`,
            `dpi`.

    Returns:
        The `matplotlib.figure.Figure`, with one `Axes` per metric
        (`fig.axes`). Each training/validation point series is a `Line2D`
        labelled `training`/`validation`; smooth lines have gid `smooth`.

    Raises:
        ValueError: If a requested metric is not in the history (the message
            lists the available ones), or `method` is unknown.

    Example:

    >>> history = KerasTrainingHistory({"epochs": 2}, {"loss": [0.5, 0.3], "val_loss": [0.6, 0.4]})
    >>> fig = plot_history(history, file="history.png")  # doctest: +SKIP
    """
    history = _coerce_history(history, "plot")
    if method not in ("matplotlib", "auto", "ggplot2", "base"):
        raise ValueError(
            f"plot(method=): unknown method {method!r}; use 'matplotlib' (also 'auto', "
            "'ggplot2') or 'base'."
        )
    if not history.metrics:
        raise ValueError("plot(): the history has no metrics to plot.")
    panels = _select_metrics(history, metrics)
    frame = as_data_frame(history)
    do_validation = any(name.startswith(VALIDATION_PREFIX) for name in history.metrics)
    requested_epochs = history.params.get("epochs")
    if not isinstance(requested_epochs, numbers.Integral):
        requested_epochs = _row_count(history)
    draw_smooth = bool(smooth) and method != "base" and requested_epochs >= MIN_EPOCHS_FOR_SMOOTH

    plt = _import_pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    kwargs.setdefault("figsize", (7.0, max(3.0, 1.0 + 2.2 * len(panels))))
    fig = plt.figure(**kwargs)
    axes = fig.subplots(nrows=len(panels), ncols=1, sharex=True, squeeze=False)[:, 0]

    for ax, metric in zip(axes, panels):
        panel = frame[frame["metric"] == metric]
        for data_level in DATA_LEVELS:
            series = panel[(panel["data"] == data_level) & panel["value"].notna()]
            if series.empty and not (panel["data"] == data_level).any():
                continue
            x = series["epoch"].to_numpy(dtype=np.float64)
            y = series["value"].to_numpy(dtype=np.float64)
            if method == "base":
                marker = "o" if data_level == "training" else "x"
                legend_name = metric if data_level == "training" else VALIDATION_PREFIX + metric
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
    total_epochs = _row_count(history)
    if total_epochs > 1:
        margin = 0.05 * (total_epochs - 1)
        axes[-1].set_xlim(1 - margin, total_epochs + margin)

    if method != "base" and do_validation:
        handles, labels = [], []
        for line in axes[0].get_lines():
            if line.get_label() in DATA_LEVELS and line.get_label() not in labels:
                handles.append(line)
                labels.append(line.get_label())
        if len(handles) < len(DATA_LEVELS):
            handles = [Line2D([], [], linestyle="none", marker="o", markeredgecolor="black",
                              markerfacecolor=GGPLOT_COLOURS[level]) for level in DATA_LEVELS]
            labels = list(DATA_LEVELS)
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


# Python users who shadow `plot` can keep `plot_history`; `plot` is the R verb.
plot = plot_history
