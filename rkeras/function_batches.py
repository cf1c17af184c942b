"""A function as `x` of fit/evaluate/predict: called once per batch, on the thread that made it.

keras3 lets R users pass a function as data (`fit(model, function() list(x, y),
steps_per_epoch = 10)`): each call returns one batch, `list(x, y)` or
`list(x)`, and NULL ends the data. Keras takes Python generators, which its
TensorFlow backend reads through `tf.data.Dataset.from_generator` on a
background thread; R must never run there (R is single-threaded; keras3
#986/#1073, bridge-pitfalls.md item 8). So, as keras3 does with reticulate's
`py_iterator(prefetch = 1)`:

* one batch is computed ahead, on the creating thread;
* a background thread takes the batch ready and asks the creating (main)
  thread for the next one with `Py_AddPendingCall`, which the main thread runs
  between two steps of training, when it is back in Python.

The function is called from the creating thread only. When that thread is not
Python's main thread (pending calls run only there), the function is called
directly (an R function takes rkeras's R lock itself).
"""

from __future__ import annotations

import ctypes
import queue
import threading
from typing import Any, Callable

__all__ = ["FunctionBatches", "batch_generator", "is_batch_function"]

_PENDING_CALL = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


def is_batch_function(value: Any) -> bool:
    """A plain function (R or Python) given as data: not a generator, class or Keras object."""
    if not callable(value) or hasattr(value, "__next__") or isinstance(value, type):
        return False
    module = type(value).__module__ or ""
    return not module.startswith(("tensorflow", "keras", "jax", "torch"))


def batch_generator(fn: Callable[[], Any], convert: Callable[[Any], Any] = lambda b: b):
    """`fn`'s batches as a Python generator (what Keras's data adapters take)."""
    yield from FunctionBatches(fn, convert)


class _Raised:
    __slots__ = ("error",)

    def __init__(self, error: BaseException):
        self.error = error


class FunctionBatches:
    """An iterator over `fn()`'s batches (see the module doc).

    Args:
        fn: called with no arguments; returns one batch, or None at the end.
        convert: applied to each batch (e.g. R's list -> Keras's tuple).
    """

    def __init__(self, fn: Callable[[], Any], convert: Callable[[Any], Any] = lambda b: b):
        self._fn, self._convert = fn, convert
        self._owner = threading.get_ident()
        self._pending_ok = threading.current_thread() is threading.main_thread()
        self._ready: queue.Queue = queue.Queue()
        self._scheduled = threading.Lock()   # held while a refill is asked for
        # The C callback must outlive every pending call that may still run it.
        self._callback = _PENDING_CALL(self._pending_refill)
        self._fill()

    def __iter__(self) -> "FunctionBatches":
        return self

    def _next_item(self) -> Any:
        try:
            batch = self._fn()
            return None if batch is None else self._convert(batch)
        except BaseException as e:  # noqa: BLE001 - re-raised in the thread that asks
            return _Raised(e)

    def _fill(self) -> None:
        self._ready.put(self._next_item())

    def _pending_refill(self, _arg) -> int:
        try:
            item = self._next_item()
            if self._ready.empty() and not isinstance(item, _Raised) and item is not None:
                # Two batches ahead while the reader waits: slack for a step that
                # starts before the reader asks again.
                self._ready.put(item)
                item = self._next_item()
        finally:
            # Released before the batch is handed over: a reader woken by it
            # must be able to ask for the next one (else it waits for ever).
            self._scheduled.release()
        self._ready.put(item)
        return 0

    def _ask_refill(self) -> None:
        if self._scheduled.acquire(blocking=False):
            if ctypes.pythonapi.Py_AddPendingCall(self._callback, None) != 0:
                self._scheduled.release()   # queue of pending calls full: try at the next batch

    def __next__(self) -> Any:
        if threading.get_ident() == self._owner:
            if self._ready.empty():
                self._fill()
            item = self._ready.get_nowait()
        elif self._pending_ok:
            self._ask_refill()
            while True:
                try:
                    item = self._ready.get(timeout=0.05)
                    break
                except queue.Empty:
                    # Ask again: a refill asked for while the main thread was between
                    # pending-call checks may have been taken before the queue emptied.
                    self._ask_refill()
            self._ask_refill()
        else:
            # No main thread to ask: call here (an R function takes rkeras's R lock itself).
            self._fill()
            item = self._ready.get()
        if isinstance(item, _Raised):
            raise item.error
        if item is None:
            raise StopIteration
        return item
