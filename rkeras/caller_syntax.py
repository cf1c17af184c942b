"""Which language the user called a verb from, so that messages show that language's syntax.

A verb called from R (``rkeras.r.frontend.run_verb_from_r``) runs inside
:func:`r_syntax`; error hints then write R code (``array_reshape(x, c(60000, 784))``)
where the same verb called from Python writes Python (``(60000, 784)``). It
imports nothing from rkeras, so any module can use it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Sequence

__all__ = ["r_syntax", "in_r", "shape_text"]

_SYNTAX: contextvars.ContextVar[str] = contextvars.ContextVar("rkeras_caller_syntax", default="python")


@contextlib.contextmanager
def r_syntax() -> Iterator[None]:
    """Messages raised inside are written for an R user."""
    token = _SYNTAX.set("r")
    try:
        yield
    finally:
        _SYNTAX.reset(token)


def in_r() -> bool:
    """True while a verb called from R runs."""
    return _SYNTAX.get() == "r"


def shape_text(dims: Sequence) -> str:
    """A shape as the caller writes one: ``c(60000, 784)`` in R, ``(60000, 784)`` in Python."""
    parts = ", ".join("NA" if d is None and in_r() else str(d) for d in dims)
    if in_r():
        return f"c({parts})"
    return f"({parts},)" if len(dims) == 1 else f"({parts})"
