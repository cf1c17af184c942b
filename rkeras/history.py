"""The training history that `fit()` returns, as R keras3's `keras_training_history`.

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
- `history.plot()`: keras3's `plot(history)`, drawn by `rkeras.history_plot`.

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

from .conventions import scalar
from .errors import ArgumentError, ArgumentTypeError, DataError, ElementNotFoundError
from .history_plot import MIN_EPOCHS_FOR_SMOOTH, draw_history
from .rformat import format_count, format_r_number

# The verbs (the registry makes every function listed here an R keras verb).
__all__ = [
    "KerasTrainingHistory",
    "as_data_frame",
    "plot_history",
]

VALIDATION_PREFIX = "val_"
DATA_LEVELS = ("training", "validation")

# Params that R hands over as doubles (R has no integer literals by default)
# but that Keras and the printed summary treat as counts.
_COUNT_PARAMS = ("epochs", "steps", "verbose", "samples", "validation_samples", "batch_size")


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


def _is_count(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _as_series(name: str, values: Any) -> list[float] | list[int]:
    """A metric's per-epoch values as a list of Python floats (ints when all are ints).

    Keras logs floats; a callback may log whole numbers (``logs[["my_epoch"]] <-
    epoch``), which keras3 keeps as an R integer vector (reticulate converts a
    list of Python ints to one), so a series made only of ints stays ints.
    """
    if values is None:
        return []
    if isinstance(values, (str, bytes)):
        raise ArgumentTypeError(
            f"KerasTrainingHistory(metrics=): metric {name!r} must be a sequence of "
            f"numbers, got the string {values!r}."
        )
    if isinstance(values, numbers.Number) or np.ndim(values) == 0:
        # A one-epoch R vector arrives through reticulate/rpy2 as a scalar.
        values = [values]
    values = list(np.asarray(values, dtype=object).reshape(-1))
    if values and all(_is_count(v) for v in values):
        return [int(v) for v in values]
    return [_as_float(v) for v in values]


def _normalise_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    normalised = dict(params or {})
    for key in _COUNT_PARAMS:
        # R's numbers arrive as doubles or length-1 vectors; whole ones are counts.
        value = scalar(normalised.get(key))
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            continue
        if isinstance(value, numbers.Integral) or (math.isfinite(value) and float(value).is_integer()):
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
                 metrics: Mapping[str, Any] | None = None,
                 measured: Mapping[str, Sequence[int]] | None = None):
        if metrics is not None and not isinstance(metrics, Mapping):
            raise ArgumentTypeError(
                "KerasTrainingHistory(metrics=): expected a mapping of metric name to "
                f"per-epoch values, got {type(metrics).__name__}."
            )
        if params is not None and not isinstance(params, Mapping):
            raise ArgumentTypeError(
                "KerasTrainingHistory(params=): expected a mapping such as "
                f"{{'verbose': 0, 'epochs': 10, 'steps': 2}}, got {type(params).__name__}."
            )
        self.params: dict[str, Any] = _normalise_params(params)
        self.metrics: dict[str, list[float]] = {
            str(name): _as_series(str(name), values) for name, values in (metrics or {}).items()
        }
        # metric -> the 1-based epochs its values were measured at, when that is not
        # simply 1..n (initial_epoch > 1, validation_freq > 1); see as_data_frame().
        self.measured: dict[str, list[int]] = {
            str(name): [int(e) for e in epochs] for name, epochs in (measured or {}).items()
            if str(name) in self.metrics and len(epochs) == len(self.metrics[str(name)])
        }

    # -- construction -------------------------------------------------------

    @classmethod
    def from_keras(cls, history: Any, verb: str = "KerasTrainingHistory.from_keras",
                   validation_freq: Any = 1) -> "KerasTrainingHistory":
        """Builds the history from what `keras.Model.fit()` returns (the one converter).

        Args:
            history: A `keras.callbacks.History` (or anything with a
                `history` dict and a `params` dict, such as `model.history`
                after `fit()`), or a `KerasTrainingHistory` (returned as a
                copy).
            verb: the name the error message shows (the verb that was given
                something else).
            validation_freq: the `validation_freq` fit() ran with (an int, or
                a list of 1-based epochs): with the epochs Keras records
                (`history.epoch`), it says at which epoch each value was
                measured.

        Returns:
            A new `KerasTrainingHistory` holding copies of the params and the
            per-epoch values as Python floats; it keeps no reference to the
            model.

        Example:
            ```python
            keras_history = model.fit(x, y, epochs=3, verbose=0)
            history = KerasTrainingHistory.from_keras(keras_history)
            ```
        """
        if isinstance(history, KerasTrainingHistory):
            return cls(history.params, history.metrics, history.measured)
        logged = getattr(history, "history", None)
        if not isinstance(logged, Mapping):
            raise ArgumentTypeError(
                f"{verb}(history=): expected a KerasTrainingHistory or the "
                "keras.callbacks.History returned by fit(), got "
                f"{type(history).__name__}."
            )
        return cls(getattr(history, "params", None) or {}, logged,
                   _measured_epochs(getattr(history, "epoch", None), logged, validation_freq))

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
        return cls(data.get("params"), data.get("metrics"), data.get("measured"))

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Returns the history as plain dicts (JSON-friendly, R-list-like).

        Returns:
            `{"params": {...}, "metrics": {name: [floats]}}`, deep copies.

        Example:

        >>> KerasTrainingHistory({"epochs": 1}, {"loss": [0.3]}).to_dict()
        {'params': {'epochs': 1}, 'metrics': {'loss': [0.3]}}
        """
        out = {
            "params": dict(self.params),
            "metrics": {name: list(values) for name, values in self.metrics.items()},
        }
        if self.measured:
            out["measured"] = {name: list(epochs) for name, epochs in self.measured.items()}
        return out

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
            raise ElementNotFoundError(
                f"history[{name!r}]: no such metric. Available metrics: {available}."
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.metrics

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KerasTrainingHistory):
            return NotImplemented
        return (
            self.params == other.params
            and self.measured == other.measured
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
                    f", validated on {format_count(self.params['validation_samples'])} samples"
                )
            lines.append(
                f"Trained on {format_count(self.params['samples'])} samples{validated} "
                f"(batch_size={format_count(self.params.get('batch_size'))}, epochs={epochs})"
            )
        lines.append("Final epoch (plot to see history):")
        if self.metrics:
            width = max(len(name) for name in self.metrics)
            final = self._final_epoch(epochs)
            for name, values in self.metrics.items():
                # A series shorter than the epochs trained (e.g. validation_freq > 1)
                # has no value for the last epoch: R would show NA.
                if name in self.measured:
                    at = self.measured[name]
                    last = values[at.index(final)] if final in at else None
                else:
                    last = values[epochs - 1] if 0 < epochs <= len(values) else None
                lines.append(f"{name:>{width}}: {format_r_number(last)}")
        return "\n".join(lines)

    def _final_epoch(self, epochs: int) -> int:
        """The 1-based number of the last trained epoch."""
        first = next(iter(self.metrics), None)
        if first in self.measured and self.measured[first]:
            return max(self.measured[first])
        return epochs

    def epochs_of(self, name: str) -> list[int]:
        """The 1-based epochs at which metric `name`'s values were measured.

        Example:
            >>> h = KerasTrainingHistory({"epochs": 4}, {"loss": [1, 2, 3, 4], "val_loss": [5, 6]},
            ...                          measured={"val_loss": [2, 4]})
            >>> h.epochs_of("loss"), h.epochs_of("val_loss")
            ([1, 2, 3, 4], [2, 4])
        """
        if name in self.measured:
            return list(self.measured[name])
        return list(range(1, len(self[name]) + 1))

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

    # -- data frames and plots (the verbs, as methods) ---------------------

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


def metric_base_name(name: str) -> str:
    """`val_loss` -> `loss`: the panel (and `metric` level) a series belongs to."""
    return name[len(VALIDATION_PREFIX):] if name.startswith(VALIDATION_PREFIX) else name


def _measured_epochs(epochs: Any, logged: Mapping[str, Any], validation_freq: Any) -> dict:
    """metric -> 1-based epochs measured at, from Keras's `History.epoch` (0-based).

    Training metrics are logged at every epoch Keras ran (`history.epoch`,
    which starts at `initial_epoch`); validation ones only where Keras's
    `_should_eval` held: the 1-based epoch is a multiple of `validation_freq`
    (or in its list). Only series whose epochs are not simply 1..n are kept.
    """
    if not epochs:
        return {}
    ran = [int(e) + 1 for e in epochs]
    freq = scalar(validation_freq)
    if isinstance(freq, (list, tuple, np.ndarray)):
        chosen = {int(v) for v in np.asarray(freq).ravel()}
        validated = [e for e in ran if e in chosen]
    elif isinstance(freq, numbers.Integral) and freq > 1:
        validated = [e for e in ran if e % int(freq) == 0]
    else:
        validated = ran
    out = {}
    for name, values in logged.items():
        n = len(_as_series(str(name), values))
        at = validated if str(name).startswith(VALIDATION_PREFIX) else ran
        if len(at) < n:
            continue
        at = at[:n]
        if at != list(range(1, n + 1)):
            out[str(name)] = at
    return out


def row_count(history: KerasTrainingHistory) -> int:
    """Epochs in the data frame: those asked for (`params["epochs"]`) or more if recorded."""
    # keras3 uses params$epochs (asked-for epochs) so an early-stopped run gets
    # NaN rows; never drop recorded values should a series be longer.
    longest = max((max(history.epochs_of(name), default=0) for name in history.metrics),
                  default=0)
    requested = history.params.get("epochs")
    if isinstance(requested, numbers.Integral):
        return max(int(requested), longest)
    return longest


def _padded(values: Sequence[float], length: int) -> list[float]:
    return list(values[:length]) + [math.nan] * (length - len(values))


def _placed(history: KerasTrainingHistory, name: str, length: int) -> list[float]:
    """Metric `name` over epochs 1..length: each value at the epoch it was measured, NaN elsewhere."""
    values = history.metrics[name]
    if name not in history.measured:
        return _padded(values, length)
    out = [math.nan] * length
    for epoch, value in zip(history.measured[name], values):
        if 1 <= epoch <= length:
            out[epoch - 1] = value
    return out


# ---------------------------------------------------------------------------
# as.data.frame()
# ---------------------------------------------------------------------------

def as_data_frame(history: Any, wide: bool = False) -> pd.DataFrame:
    """Returns a training history as a pandas DataFrame.

    The long form (default) is keras3's `as.data.frame(history)`: one row per
    metric series and epoch, with columns

    - `epoch` (int): 1 to `params["epochs"]`;
    - `value` (float): the metric value at the epoch it was measured, NaN for
      the epochs where it was not: epochs not trained (early stopping, the
      epochs before `initial_epoch`) and, with `validation_freq > 1`, the
      epochs without validation. Every series has `params["epochs"]` rows.

    Where this differs from keras3: keras3 (1.5.1) pads every series at the
    end, so with `validation_freq = 2` its validation values sit at epochs
    1, 2, ... instead of 2, 4, ..., and after `initial_epoch = 3` the values
    of epochs 3..5 sit at 1..3. rkeras places each value at its own epoch
    (from Keras's `History.epoch` and the `validation_freq` of `fit`).
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
    history = KerasTrainingHistory.from_keras(history, "as_data_frame")
    rows = row_count(history)
    epochs = np.arange(1, rows + 1, dtype=np.int64)
    names = list(history.metrics)

    if wide:
        frame = pd.DataFrame({"epoch": epochs})
        for name in names:
            frame[name] = np.asarray(_placed(history, name, rows), dtype=np.float64)
        return frame

    base_names = [metric_base_name(name) for name in names]
    metric_levels = list(dict.fromkeys(base_names))
    values = [v for name in names for v in _placed(history, name, rows)]
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


# --- plot(history) ------------------------------------------------------------------

def _select_metrics(history: KerasTrainingHistory, metrics: str | Sequence[str] | None) -> list[str]:
    """Base metric names (no `val_`) to draw, in the order the panels appear."""
    available = list(dict.fromkeys(metric_base_name(m) for m in history.metrics))
    if metrics is None:
        # keras3 default: every non-val_ name; their val_ series come along.
        return [m for m in available if m in history.metrics] or available
    requested = [metrics] if isinstance(metrics, str) else list(metrics)
    if not requested:
        raise ArgumentError(
            "plot(metrics=): no metric selected. Available metrics: "
            + ", ".join(repr(m) for m in available) + "."
        )
    wanted = []
    for name in requested:
        base = metric_base_name(str(name))
        if base not in available and str(name) in available:
            base = str(name)  # a metric whose own name starts with "val_"
        if base not in available:
            raise ArgumentError(
                f"plot(metrics=): unknown metric {name!r}. Available metrics: "
                + ", ".join(repr(m) for m in available)
                + " (give 'loss' or 'val_loss' to draw the loss panel with both series)."
            )
        wanted.append(base)
    # facet_grid() orders panels by the factor levels, i.e. logged order.
    return [m for m in available if m in wanted]


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
        ArgumentError: If a requested metric is not in the history (the
            message lists the available ones), or `method` is unknown (a
            `ValueError`).

    Example:
        ```python
        history = KerasTrainingHistory({"epochs": 2}, {"loss": [0.5, 0.3], "val_loss": [0.6, 0.4]})
        fig = plot_history(history, file="history.png")
        ```
    """
    history = KerasTrainingHistory.from_keras(history, "plot")
    if method not in ("matplotlib", "auto", "ggplot2", "base"):
        raise ArgumentError(
            f"plot(method=): unknown method {method!r}; use 'matplotlib' (also 'auto', "
            "'ggplot2') or 'base'."
        )
    if not history.metrics:
        raise DataError("plot(): the history has no metrics to plot.")
    panels = _select_metrics(history, metrics)
    frame = as_data_frame(history)
    requested_epochs = history.params.get("epochs")
    if not isinstance(requested_epochs, numbers.Integral):
        requested_epochs = row_count(history)
    draw_smooth = bool(smooth) and method != "base" and requested_epochs >= MIN_EPOCHS_FOR_SMOOTH
    return draw_history(frame, panels, method=method, smooth=draw_smooth, theme_bw=theme_bw,
                        total_epochs=row_count(history), file=file, **kwargs)
