"""TensorFlow's start-up noise kept off the console (issue 15, item 2).

Importing TensorFlow 2.21 prints, on every run::

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1796041865.646514    9457 port.cc:153] oneDNN custom operations are on. ...
    I0000 00:00:1796041865.678788    9457 cpu_feature_guard.cc:227] This TensorFlow binary ...

Where it comes from: TensorFlow's C++ libraries log through absl. The oneDNN
line is logged (at INFO) by two shared libraries, each with its own copy of
absl, while they load, before anything has told absl a minimum level; so
`TF_CPP_MIN_LOG_LEVEL` (read later, by TensorFlow's own logging set-up)
hides the `cpu_feature_guard` line but not these two, and absl has no
environment variable of its own. The only variable that removes the oneDNN
line, `TF_ENABLE_ONEDNN_OPTS=0`, turns oneDNN off, which changes results
(the MNIST loss differs in the 8th digit) and speed, so rkeras does not use it.

The cure, in :func:`quiet_tensorflow_startup` (called by ``import rkeras``,
so by every command, script and notebook that goes through rkeras):

* ``TF_CPP_MIN_LOG_LEVEL`` defaults to 1: TensorFlow's INFO lines go,
  its warnings and errors stay. A value the user set is kept.
* While TensorFlow is first imported, file descriptor 2 goes through a pipe
  that drops absl's INFO lines and the "before absl::InitializeLog()"
  notice, and passes every other byte on as it arrives (a crash during the
  import still shows its message). This wraps the import itself, whoever
  triggers it (``import keras`` after ``import rkeras`` too), through an
  import hook that removes itself once TensorFlow is loaded.

``RKERAS_TF_LOGS=1`` keeps everything TensorFlow prints (nothing is set,
nothing is filtered); so does ``TF_CPP_MIN_LOG_LEVEL=0`` set by the user.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import os
import re
import sys
from typing import Iterator

__all__ = ["quiet_tensorflow_startup", "filtered_stderr", "is_startup_noise", "ENV_VAR"]

ENV_VAR = "RKERAS_TF_LOGS"

# absl's INFO line: "I0000 00:00:1796041865.646514    9457 port.cc:153] ..."
# (severity letter, MMDD, time, thread id, file:line]). Warnings (W), errors
# (E) and fatal messages (F) are not matched.
_NOISE = re.compile(
    rb"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|I\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w./-]+:\d+\] )")


def is_startup_noise(line: bytes) -> bool:
    """Is this stderr line one of TensorFlow's start-up INFO messages?"""
    return _NOISE.match(line) is not None


def _wanted() -> bool:
    """Does the user want TensorFlow's start-up logs?"""
    if os.environ.get(ENV_VAR, "").strip().lower() in ("1", "true", "yes"):
        return True
    return os.environ.get("TF_CPP_MIN_LOG_LEVEL", "").strip() == "0"


@contextlib.contextmanager
def filtered_stderr() -> Iterator[None]:
    """Pass file descriptor 2 through a filter that drops :func:`is_startup_noise` lines.

    A thread forwards the other lines as they arrive, so nothing is held
    back or reordered beyond one line. Where the descriptors cannot be
    redirected (no fd 2), the block runs unfiltered.
    """
    import threading  # here, not at the top: `import rkeras` stays cheap

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def forward() -> None:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            pending = b""
            while chunk := pipe.read(65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                kept = b"".join(line + b"\n" for line in lines if not is_startup_noise(line))
                if kept:
                    os.write(saved, kept)
            if pending and not is_startup_noise(pending):
                os.write(saved, pending)

    thread = threading.Thread(target=forward, name="rkeras-stderr-filter", daemon=True)
    thread.start()
    try:
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved, 2)          # the pipe's last write end closes: the thread sees EOF
        thread.join(timeout=5)
        if not thread.is_alive():  # a child process still holding the pipe keeps `saved` open
            os.close(saved)


# Plain classes (the import system only calls these methods): `importlib.abc`
# would add 20 ms to `import rkeras` by importing importlib.resources.
class _QuietLoader:
    """Runs the wrapped loader's `exec_module` (TensorFlow's import) inside `filtered_stderr`."""

    def __init__(self, loader, finder: "_QuietImportHook") -> None:
        self._loader = loader
        self._finder = finder

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._finder.remove()
        with filtered_stderr():
            self._loader.exec_module(module)

    def __getattr__(self, name: str):   # get_resource_reader, is_package ...
        return getattr(self._loader, name)


class _QuietImportHook:
    """Finds `tensorflow` as the other finders do, with its loader wrapped once."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "tensorflow" or fullname in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _QuietLoader(spec.loader, self)
        return spec

    def remove(self) -> None:
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)


def quiet_tensorflow_startup() -> bool:
    """Keep TensorFlow's start-up INFO lines off the console, unless asked for.

    Call it before TensorFlow is imported (``import rkeras`` does). It is
    idempotent and never imports TensorFlow itself.

    Returns:
        True when the quiet start-up is in place, False when the user asked for
        TensorFlow's logs (``RKERAS_TF_LOGS=1`` or ``TF_CPP_MIN_LOG_LEVEL=0``)
        or TensorFlow was already imported.
    """
    if _wanted():
        return False
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    if "tensorflow" in sys.modules:
        return False
    if not any(isinstance(finder, _QuietImportHook) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietImportHook())
    return True
