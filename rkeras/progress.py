"""A word on the console when a step is long and otherwise silent (issue 15, item 6).

Loading TensorFlow and Keras takes seconds and prints nothing (rkeras keeps
its start-up noise away, `rkeras.quiet_tf`), so a command would look hung.
:func:`progress` says what is happening, on stderr, only when stderr is a
terminal (pipes, logs and test output stay clean) and only once the step has
taken longer than `delay` seconds (quick steps say nothing).
``RKERAS_PROGRESS=1`` shows the notes everywhere, ``RKERAS_PROGRESS=0`` nowhere.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import IO, Iterator

__all__ = ["progress", "shows_progress"]


def shows_progress(stream: IO | None = None) -> bool:
    """Should progress notes be written to `stream` (default: stderr)?"""
    setting = os.environ.get("RKERAS_PROGRESS", "").strip().lower()
    if setting in ("1", "true", "yes"):
        return True
    if setting in ("0", "false", "no"):
        return False
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def progress(message: str, delay: float = 0.5) -> Iterator[None]:
    """Write ``rkeras: <message> ...`` to stderr if the block runs longer than `delay` s."""
    if not shows_progress():
        yield
        return
    import threading  # only when a note may be shown

    # The lock and flag keep a note that fires as the step ends from landing
    # after the step, in the middle of what comes next (a script's output).
    lock = threading.Lock()
    done = False

    def say() -> None:
        with lock:
            if not done:
                sys.stderr.write(f"rkeras: {message} ...\n")
                sys.stderr.flush()

    timer = threading.Timer(delay, say)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            done = True
