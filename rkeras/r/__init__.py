"""rkeras's bridge to R (lazy public API): an embedded R session (rpy2) and R <-> Python conversion.

Importing this package is cheap: it does not import rpy2 and does not start R.
R starts on the first call that needs it.

Public API (imported lazily from the submodules):

* :func:`to_python` (R -> Python) and :func:`to_r` (Python -> R): rule-table
  converters (:mod:`rkeras.r.convert`; NA policy, zero-copy arrays, data
  frames, factors, dates, handles).
* :func:`register_to_r`, :func:`register_to_python`: add conversion rules.
* :func:`factor_codes`: 0-based codes and levels of an R factor, for Keras.
* :func:`r_eval`, :func:`r_call`, :func:`r_assign`: run R code (one lock,
  any thread, R errors as :class:`RError`, R warnings as :class:`RWarning`;
  :mod:`rkeras.r.evaluate`).
* :func:`r_function`: a Python callable as an R function (Python exceptions
  become R errors; :mod:`rkeras.r.convert.functions`); other Python objects
  cross as handles (:mod:`rkeras.r.handles`).
* :func:`r_lock`: the re-entrant lock held around every call into R.
* :func:`is_r_object`: is this an rpy2 object? (never imports rpy2).

Example::

    from rkeras.r import r_eval, to_python, to_r
    x = to_python(r_eval("matrix(1:6, 2)"))      # int32 (2, 3), x[1, 2] == 6
    df = to_python(r_eval("head(iris)"))          # pandas, Species categorical
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "to_r",
    "to_python",
    "register_to_r",
    "register_to_python",
    "factor_codes",
    "r_eval",
    "r_call",
    "r_assign",
    "r_function",
    "RError",
    "RWarning",
    "RThreadError",
    "RFunction",
    "is_r_object",
    "r_lock",
    "get_r",
]

_LAZY = {
    "to_r": "convert",
    "to_python": "convert",
    "register_to_r": "convert",
    "register_to_python": "convert",
    "factor_codes": "convert",
    "RFunction": "convert",
    "r_function": "convert",
    "r_eval": "evaluate",
    "r_call": "evaluate",
    "r_assign": "evaluate",
    "RError": "evaluate",
    "RWarning": "evaluate",
    "RThreadError": "session",
    "get_r": "session",
    "r_lock": "session",
}


def is_r_object(obj: Any) -> bool:
    """True if ``obj`` is an rpy2 object (an R value seen from Python).

    Cheap: looks at the module name of the object's type; never imports rpy2
    and never starts R.
    """
    return type(obj).__module__.startswith("rpy2.")


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'rkeras.r' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    # The R front end installs itself when to_r / r_eval first need it
    # (rkeras.r.on_demand hooks into them; the bridge itself does not import it).
    importlib.import_module(f"{__name__}.on_demand")
    globals()[name] = value
    return value


def __dir__() -> list:
    return sorted(set(globals()) | set(__all__))
