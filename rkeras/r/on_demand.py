"""The R front end installs itself on first need: no set-up call before `to_r` or `library(keras)`.

The front end (:mod:`rkeras.r.frontend`) gives R its verbs and the R classes
of rkeras's objects (`keras_training_history` with print/as.data.frame/plot,
model handles with `$`). It imports Keras and builds the registry, so it is
not installed when R starts (`rkeras.r` users converting data frames do not
pay for it), but the first time something needs it, once:

* :func:`ensure_for_object`: `to_r` is given an object from rkeras, Keras or
  TensorFlow (also inside a list or dict);
* :func:`ensure_for_code`: `r_eval` is given code that asks for keras
  (`library(keras)`, `require(keras3)`, `keras::fit`), as R code asks for
  a package before using it;
* `%load_ext rkeras` (:mod:`rkeras.ipython`) and `rkeras run` install it at once.

Each check is a flag test when the front end is already there.
"""

from __future__ import annotations

import re
from typing import Any

from .convert.to_r import BEFORE_TO_R
from .evaluate import BEFORE_EVAL

_installed = False
_installing = False

_ASKS_FOR_KERAS = re.compile(
    r"\b(?:library|require|requireNamespace)\s*\(\s*[\"']?(?:keras3?|rkeras)[\"']?\s*[,)]"
    r"|\b(?:keras3?|rkeras):::?")
_MODULES = ("rkeras.", "keras", "tensorflow")


def _install() -> None:
    global _installed, _installing
    if _installed or _installing:
        return
    _installing = True
    try:
        from .frontend import install

        install()
        _installed = True
    finally:
        _installing = False


def installed() -> bool:
    """Has this module seen the front end installed?"""
    return _installed


def _needs(obj: Any, depth: int = 0) -> bool:
    module = type(obj).__module__ or ""
    if module.startswith(_MODULES) and not module.startswith(("rkeras.rlist", "rkeras.r.")):
        return True
    if depth < 2 and isinstance(obj, (list, tuple)):
        return any(_needs(v, depth + 1) for v in obj[:50])
    if depth < 2 and isinstance(obj, dict):
        return any(_needs(v, depth + 1) for v in list(obj.values())[:50])
    return False


def ensure_for_object(obj: Any) -> None:
    """Install the front end if `obj` is (or holds) an rkeras/Keras object."""
    if not _installed and not _installing and _needs(obj):
        _install()


def ensure_for_code(code: str) -> None:
    """Install the front end if R code asks for keras (library(keras), keras3::...)."""
    if not _installed and not _installing and _ASKS_FOR_KERAS.search(code):
        _install()


def ensure() -> None:
    """Install the front end now (once)."""
    _install()


# The bridge calls these before each to_r / r_eval; it does not import this module
# (that would be an import cycle through the front end): rkeras.r's lazy API does.
if ensure_for_object not in BEFORE_TO_R:
    BEFORE_TO_R.append(ensure_for_object)
if ensure_for_code not in BEFORE_EVAL:
    BEFORE_EVAL.append(ensure_for_code)
