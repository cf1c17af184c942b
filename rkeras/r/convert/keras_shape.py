"""A keras3 shape crosses to R as keras3's ``keras_shape``: ``op_shape(x)`` prints ``shape(2, 3)``.

keras3's ``shape()`` and ``op_shape()`` return an R list of sizes (NULL where
unknown) of class ``keras_shape``, printed ``shape(2, NA)``
(``rkeras/r/R/tensorflow.R``). rkeras's verbs return
:class:`rkeras.utils.Shape` (a tuple); without this rule it reached R as a
plain list. Back in Python an R ``keras_shape`` is a list of sizes, which every
shape argument takes.
"""

from __future__ import annotations

import sys
from typing import Any

from ..sexp import set_class
from .rules import r_value, register_to_r

__all__ = ["is_shape", "shape_to_r", "install"]


def is_shape(obj: Any) -> bool:
    # A predicate, not the class: rkeras.utils loads the registry; no Shape exists before it does.
    utils = sys.modules.get("rkeras.utils")
    return utils is not None and isinstance(obj, utils.Shape)


def shape_to_r(shape: Any):
    out = r_value([None if d is None else d for d in shape])
    set_class(out, ["keras_shape"])
    return out


def install() -> None:
    register_to_r(is_shape)(shape_to_r)
