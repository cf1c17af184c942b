"""plot(<model>) in R: Keras's plot_model() drawn to a PNG file that R shows (keras3's plot method).

Keras draws the graph with pydot and graphviz's `dot` program. Without them
the user gets one error naming both and how to install them (keras3 points to
its help page; Keras's own ImportError names only pydot).
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any, Optional

from ..errors import RKerasError
from ..pipe import unwrap

__all__ = ["ModelPlotError", "model_plot_file"]


class ModelPlotError(RKerasError, ImportError):
    """plot(<model>) cannot draw: pydot or graphviz is missing."""


def _missing() -> list[str]:
    missing = []
    try:
        import pydot  # noqa: F401 - only checking that it is there
    except ImportError:
        missing.append("the Python package pydot (pip install pydot, in rkeras's Python)")
    if shutil.which("dot") is None:
        missing.append("graphviz's `dot` program (apt-get install graphviz, brew install graphviz, "
                       "or https://graphviz.org/download/)")
    return missing


def model_plot_file(model: Any, to_file: Optional[str] = None, **kwargs: Any) -> str:
    """Draw `model` with keras.utils.plot_model into a PNG; return the file's path."""
    import keras

    missing = _missing()
    if missing:
        raise ModelPlotError(
            "plot(<model>) draws the model with Keras's plot_model(), which needs "
            + " and ".join(missing) + ". Install them and call plot() again; "
            "summary(model) shows the layers as text meanwhile.")
    path = to_file or tempfile.mktemp(suffix=".png", prefix="rkeras-model-")
    keras.utils.plot_model(unwrap(model), to_file=path, **kwargs)
    return path
