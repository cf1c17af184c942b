"""`callback_lambda`: a callback of plain functions, with R's 1-based epochs and batches.

Every other `callback_*` verb is derived from `keras.callbacks` by the registry.
"""

from __future__ import annotations

from typing import Any, Callable

from .registry import verb_kind

__all__ = ["callback_lambda"]

_INDEXED_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
                  "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
                  "on_predict_batch_begin", "on_predict_batch_end")
_LOGS_HOOKS = ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
               "on_predict_begin", "on_predict_end")


def _indexed(fn: Callable) -> Callable:
    """R sees 1-based epoch/batch numbers; a returned dict is merged into the logs."""
    def hook(index: int, logs: dict | None = None) -> None:
        extra = fn(index + 1, logs)
        if isinstance(extra, dict) and logs is not None:
            logs.update(extra)
    return hook


def _with_logs(fn: Callable) -> Callable:
    def hook(logs: dict | None = None) -> None:
        extra = fn(logs)
        if isinstance(extra, dict) and logs is not None:
            logs.update(extra)
    return hook


@verb_kind("object")
def callback_lambda(on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                    on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                    on_test_begin=None, on_test_end=None, on_test_batch_begin=None,
                    on_test_batch_end=None, on_predict_begin=None, on_predict_end=None,
                    on_predict_batch_begin=None, on_predict_batch_end=None) -> Any:
    """A callback made of plain functions, with R keras3's conventions.

    Epoch and batch hooks are called as `f(epoch, logs)` / `f(batch, logs)` with
    **1-based** numbers, as in R; the other hooks as `f(logs)`. A hook that
    returns a dict adds its entries to the logs (so they reach the history).
    An exception in a hook stops `fit` with that exception.

    Example:
        ```python
        seen = []
        cb = callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        model >> fit(x, y, epochs=3, callbacks=cb)   # seen == [1, 2, 3]
        ```
    """
    import keras

    from .conventions import describe
    from .errors import ArgumentTypeError

    hooks = dict(locals())
    for name in _INDEXED_HOOKS + _LOGS_HOOKS:
        hook = hooks[name]
        if hook is not None and not callable(hook):
            # Keras's LambdaCallback would take it and fail at the first epoch, deep in fit().
            takes = "(epoch, logs)" if name in _INDEXED_HOOKS else "(logs)"
            raise ArgumentTypeError(f"callback_lambda(): `{name}` must be a function{takes}; got "
                                    f"{describe(hook, True)}.")
    kwargs = {}
    for name in _INDEXED_HOOKS:
        if hooks[name] is not None:
            kwargs[name] = _indexed(hooks[name])
    for name in _LOGS_HOOKS:
        if hooks[name] is not None:
            kwargs[name] = _with_logs(hooks[name])
    return keras.callbacks.LambdaCallback(**kwargs)
