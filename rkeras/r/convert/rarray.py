"""`RArray`: a numpy array that remembers the R attributes numpy has no place for.

An R matrix with ``dimnames``, a ``table``, a ``difftime`` carry attributes
that a plain ``ndarray`` would drop (reticulate drops them). Python code should
still get an ordinary array (Keras, numpy and pandas take it as one, with no
copy), and the same value given back to R should be the same R object. So
:func:`rkeras.r.to_python` returns such arrays as an ``RArray``: an ``ndarray``
subclass with one extra field, :attr:`RArray.r_attributes` (a dict of the
kept R attributes as Python values), which :func:`rkeras.r.to_r` puts back
(:mod:`.attributes`).

The attributes belong to this very array only: any array derived from it
(a slice, ``a.T``, ``a + 1``, ``a.copy()``) has none, because dimnames that
followed a transpose or a slice would silently label the wrong rows.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

__all__ = ["RArray", "with_r_attributes"]


class RArray(np.ndarray):
    """An ``ndarray`` from R with its R attributes (``dimnames``, ``class``, ``units``).

    Attributes:
        r_attributes: ``{"dimnames": [["a", "b"], None], "class": ["table"], ...}``;
            empty for every array derived from this one.
    """

    r_attributes: dict

    def __array_finalize__(self, obj: Any) -> None:
        # Views, slices, ufunc results and copies: no attributes (see the module doc).
        self.r_attributes = {}

    @property
    def dimnames(self) -> Optional[list]:
        """R's ``dimnames(x)``: one list of labels (or None) per axis, or None."""
        return self.r_attributes.get("dimnames")

    def __reduce__(self):
        # Pickles (and copies made through pickle) are plain arrays with no R attributes.
        return np.asarray(self).__reduce__()


def with_r_attributes(a: np.ndarray, attributes: dict) -> np.ndarray:
    """``a`` as an :class:`RArray` (a view, no copy) carrying ``attributes``; ``a`` itself if none."""
    if not attributes:
        return a
    out = a.view(RArray)
    out.r_attributes = dict(attributes)
    return out
