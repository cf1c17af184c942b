"""Where R is, remembered: rpy2's two start-up probes answered from a small cache.

Importing rpy2 runs R twice as a subprocess before R itself starts: ``R RHOME``
when ``R_HOME`` is not set, and ``Rscript -e 'cat(Sys.getenv("LD_LIBRARY_PATH"))'``
always (``rpy2/rinterface_lib/openrlib.py``, module level). Together they cost
~0.25-0.4 s on this 2-core machine, more than the rest of ``rkeras run``'s own
start (BENCHMARKS.md, issue 15). Both answers only change when R is reinstalled,
so rkeras asks once and keeps them in ``~/.cache/rkeras/r-location.json``, keyed
on the R executable's path, size and mtime; a changed R is probed again.

``R_HOME`` is set the documented way (the environment variable rpy2 reads). The
library-path probe has no such switch, so :func:`rpy2_probes_answered` replaces
``rpy2.situation.r_ld_library_path_from_subprocess`` with the cached answer while
``openrlib`` is first imported, and puts it back right after (a scoped
replacement of one rpy2 function, not of any Keras or rpy2 class).
``RKERAS_NO_R_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, Optional

__all__ = ["rpy2_probes_answered"]


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rkeras" / "r-location.json"


def _r_executable() -> Optional[str]:
    if os.environ.get("R_HOME"):
        return os.path.join(os.environ["R_HOME"], "bin", "R")
    return shutil.which("R")


def _key(r_exe: str) -> list:
    st = os.stat(os.path.realpath(r_exe))
    return [os.path.realpath(r_exe), st.st_size, int(st.st_mtime)]


def _probe(r_exe: str) -> dict:
    r_home = os.environ.get("R_HOME") or subprocess.check_output(
        [r_exe, "RHOME"], text=True, stderr=subprocess.DEVNULL).strip()
    ld_path = subprocess.check_output(
        [os.path.join(r_home, "bin", "Rscript"), "-e", 'cat(Sys.getenv("LD_LIBRARY_PATH"))'],
        text=True, stderr=subprocess.DEVNULL)
    return {"r_home": r_home, "ld_library_path": ld_path}


def _cached_location() -> Optional[dict]:
    """R_HOME and R's LD_LIBRARY_PATH, from the cache or probed once; None: let rpy2 probe."""
    if os.environ.get("RKERAS_NO_R_CACHE") or sys.platform == "win32":
        return None
    r_exe = _r_executable()
    if not r_exe or not os.path.exists(r_exe):
        return None  # no R on PATH: rpy2's own probes give the clearer error
    path = _cache_file()
    try:
        key = _key(r_exe)
        cached = json.loads(path.read_text())
        if cached.get("key") == key:
            return cached
    except (OSError, ValueError):
        pass
    try:
        found = {"key": key, **_probe(r_exe)}
    except (OSError, subprocess.SubprocessError):
        return None
    try:  # a cache that cannot be written only costs the probe next time
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(found))
        os.replace(tmp, path)
    except OSError:
        pass
    return found


@contextlib.contextmanager
def rpy2_probes_answered() -> Iterator[None]:
    """Around rpy2's first import: R_HOME set and the LD_LIBRARY_PATH probe answered."""
    import rpy2.situation as situation

    location = None if "rpy2.rinterface_lib.openrlib" in sys.modules else _cached_location()
    if location is None:
        yield
        return
    os.environ.setdefault("R_HOME", location["r_home"])
    original = situation.r_ld_library_path_from_subprocess
    situation.r_ld_library_path_from_subprocess = lambda r_home: location["ld_library_path"]
    try:
        yield
    finally:
        situation.r_ld_library_path_from_subprocess = original
