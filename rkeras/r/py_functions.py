"""keras3:::py_func2(): an R function as a named Python function with the R function's signature.

Keras reads a callable's ``__name__`` when it serializes it (a custom
activation registered with ``register_keras_serializable``) and inspects its
signature in places (metrics, losses); an R function that crossed the bridge
(:class:`rkeras.r.convert.RFunction`) has neither, so keras3's internal
``py_func2(fn, convert, name)`` gives it both.
"""

from __future__ import annotations

import inspect
import keyword
from typing import Any, Callable, Sequence

__all__ = ["python_function"]


def python_function(fn: Callable, name: str, formals: Sequence[str]) -> Callable:
    """A Python function called `name` that calls `fn`, with parameters `formals`.

    R's `...` (or a name Python cannot spell) adds ``*args, **kwargs``.
    """
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__signature__ = _signature(formals)
    return wrapper


def _signature(formals: Sequence[str]) -> inspect.Signature:
    P = inspect.Parameter
    usable = [n for n in formals if n.isidentifier() and not keyword.iskeyword(n)]
    params = [P(n, P.POSITIONAL_OR_KEYWORD) for n in usable]
    if len(usable) < len(formals):    # R's `...`, or a name Python cannot spell (`.x`)
        params += [P("args", P.VAR_POSITIONAL), P("kwargs", P.VAR_KEYWORD)]
    return inspect.Signature(params)
