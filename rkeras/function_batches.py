"""A function as `x` of fit/evaluate/predict: called once per batch, on Keras's reader thread.

keras3 lets R users pass a function as data (`fit(model, function() list(x, y),
steps_per_epoch = 10)`): each call returns one batch, `list(x, y)` or
`list(x)`, and NULL ends the data. Keras takes Python generators, which its
TensorFlow backend reads through `tf.data.Dataset.from_generator` on a
background thread, while the thread that called `fit` waits inside
TensorFlow for the batch.

An R function can run on that reader thread: rkeras serialises every call
into R under one lock and points R's C-stack check at the calling thread
(rkeras.r.session). What must not happen is the thread that called `fit`
from R keeping the lock while it waits for the batch (a deadlock; keras3
#986/#1073). So:

* :func:`reading` wraps Keras's fit/evaluate/predict: while Keras reads, the
  calling thread lends the R lock (``rkeras.r.session.lent``);
* each batch is made under the R lock, taken with a timeout so that a reader
  still asking after Keras has finished (TensorFlow reads ahead) gives up
  instead of waiting for ever for a lock the caller has taken back: after
  :func:`reading` ends, the function is never called again.

An earlier design made every batch on the calling thread (asked for with
``Py_AddPendingCall``, keras3 PR #1197's idea); it deadlocked about one run in
eight, whenever TensorFlow waited for a batch before the calling thread was
back in Python to make it.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import types
import weakref
from typing import Any, Callable, Iterator

__all__ = ["FunctionBatches", "batch_generator", "is_batch_function", "reading"]

_POLL = 0.05
"""Seconds between two checks of "has Keras finished?" while a reader waits for the R lock."""

# The batches behind each generator handed to Keras (a generator takes no attributes).
_batches_of: "weakref.WeakKeyDictionary[Any, FunctionBatches]" = weakref.WeakKeyDictionary()


def is_batch_function(value: Any) -> bool:
    """A plain function (R or Python) given as data: not a generator, class or Keras object."""
    if not callable(value) or hasattr(value, "__next__") or isinstance(value, type):
        return False
    module = type(value).__module__ or ""
    return not module.startswith(("tensorflow", "keras", "jax", "torch"))


def batch_generator(fn: Callable[[], Any], convert: Callable[[Any], Any] = lambda b: b):
    """`fn`'s batches as a Python generator (what Keras's data adapters take)."""
    batches = FunctionBatches(fn, convert)

    def generate():
        yield from batches

    gen = generate()
    _batches_of[gen] = batches
    return gen


def _r_lock():
    """The R lock when the embedded R runs (checked without importing the bridge), else None."""
    session = sys.modules.get("rkeras.r.session")
    if session is None or not session.is_started():
        return None
    return session.r_lock()


class FunctionBatches:
    """An iterator over `fn()`'s batches (see the module doc).

    Args:
        fn: called with no arguments; returns one batch, or None at the end.
        convert: applied to each batch (e.g. R's list -> Keras's tuple), under
            the same lock as `fn`, since it may read R objects.
    """

    def __init__(self, fn: Callable[[], Any], convert: Callable[[Any], Any] = lambda b: b):
        self._fn, self._convert = fn, convert
        self._closed = threading.Event()

    def close(self) -> None:
        """Never call `fn` again: the next batch asked for is the end of the data."""
        self._closed.set()

    def __iter__(self) -> "FunctionBatches":
        return self

    def _batch(self) -> Any:
        batch = self._fn()
        return None if batch is None else self._convert(batch)

    def __next__(self) -> Any:
        if self._closed.is_set():
            raise StopIteration
        lock = _r_lock()
        if lock is None:
            batch = self._batch()
        else:
            while not lock.acquire(timeout=_POLL):
                if self._closed.is_set():
                    raise StopIteration
            try:
                if self._closed.is_set():
                    raise StopIteration
                batch = self._batch()
            finally:
                lock.release()
        if batch is None:
            raise StopIteration
        return batch


@contextlib.contextmanager
def reading(*data: Any) -> Iterator[None]:
    """Run Keras's fit/evaluate/predict on `data`, some of which may be batch generators.

    When one of them comes from :func:`batch_generator` and this thread is
    inside R, the R lock is lent while Keras reads; afterwards every such
    generator is closed, so that TensorFlow's read-ahead never calls R again.
    """
    batches = [_batches_of[d] for d in data
               if isinstance(d, types.GeneratorType) and d in _batches_of]
    if not batches:
        yield
        return
    session = sys.modules.get("rkeras.r.session")
    lend = session.lent() if session is not None else contextlib.nullcontext()
    with lend:
        try:
            yield
        finally:
            # Before the lock is taken back: a reader waiting for it gives up at once.
            for b in batches:
                b.close()
