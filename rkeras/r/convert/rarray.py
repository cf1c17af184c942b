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

:func:`empty_in_r` is the other way round: a new numpy array whose memory is
a fresh R vector, for a Python function that makes a new array from R data
(``array_reshape`` of an R array). Python fills it once, and :func:`rkeras.r.to_r`
hands that very R vector to R (with its ``dim``) instead of copying the array
into another one: one large allocation and one pass over memory less.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import session
from ..sexp import CPLXSXP, INTSXP, REALSXP, R, RMemory, alloc, cdata, dim_vector, set_attr
from .rules import register_to_r

__all__ = ["RArray", "with_r_attributes", "empty_in_r"]


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


# ------------------------------------------- new arrays in R's memory (empty_in_r)
_R_TYPES = {np.dtype("<i4"): INTSXP, np.dtype("<f8"): REALSXP, np.dtype("<c16"): CPLXSXP}
_MIN_BYTES = 1 << 20      # below this a copy costs less than the bookkeeping


class _RVectorMemory:
    """Owner of a writable numpy view of a fresh R vector (the array's ``base``); holds the R object."""

    __slots__ = ("robj", "addr", "shape", "dtype", "__array_interface__", "__weakref__")

    def __init__(self, robj, shape: tuple, dtype: np.dtype):
        self.robj, self.shape, self.dtype = robj, shape, dtype
        self.addr = int(R.ffi.cast("uintptr_t", R.rlib.DATAPTR(cdata(robj))))
        strides, step = [], dtype.itemsize
        for d in shape:
            strides.append(step)
            step *= d
        self.__array_interface__ = {"version": 3, "shape": shape, "typestr": dtype.str,
                                    "strides": tuple(strides), "data": (self.addr, False)}


def empty_in_r(like: np.ndarray, shape, dtype=None) -> Optional[np.ndarray]:
    """A new, column-major array of `shape` in a fresh R vector, when `like` is R's memory; else None.

    Only for data that came from R (`like` a view of an R vector, as
    :func:`rkeras.r.to_python` gives) and for the types R stores as they are
    (int32, float64, complex128): the result is then going back to R, where
    :func:`rkeras.r.to_r` returns the R vector itself. Values are whatever
    the caller writes: the vector starts as R's zeros.
    """
    dtype = np.dtype(dtype if dtype is not None else like.dtype)
    shape = tuple(int(d) for d in shape)
    n = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if (not isinstance(like.base, RMemory) or dtype not in _R_TYPES or len(shape) < 2
            or n * dtype.itemsize < _MIN_BYTES):
        return None
    with session.entered():
        R.ensure()
        robj, _ = alloc(_R_TYPES[dtype], n)
        return np.asarray(_RVectorMemory(robj, shape, dtype))


def _is_whole_r_vector(obj: Any) -> bool:
    """An array from :func:`empty_in_r` itself (not a slice, transpose or reshaped view of it)."""
    if type(obj) is not np.ndarray:
        return False
    owner = obj.base
    return (type(owner) is _RVectorMemory and obj.shape == owner.shape and obj.dtype == owner.dtype
            and obj.__array_interface__["data"][0] == owner.addr and obj.flags.f_contiguous)


@register_to_r(_is_whole_r_vector)
def _r_vector_to_r(a: np.ndarray):
    """The R vector under the array, with its `dim`, not a copy.

    The array turns read-only and the vector not-mutable (R copies before
    changing it), so neither side ever sees the other change: the same
    guarantee as the zero-copy views of :func:`rkeras.r.to_python`.
    """
    owner = a.base
    a.flags.writeable = False
    with session.entered():
        c = cdata(owner.robj)
        set_attr(c, R.S_dim, dim_vector(a.shape, a.size))
        R.mark_not_mutable(int(R.ffi.cast("uintptr_t", c)))
    return owner.robj
