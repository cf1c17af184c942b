"""Where R is, remembered: rpy2's three start-up probes answered from a small cache.

Starting R through rpy2 runs R three times as a subprocess first: ``R RHOME``
when ``R_HOME`` is not set and ``Rscript -e 'cat(Sys.getenv("LD_LIBRARY_PATH"))'``
(``rpy2/rinterface_lib/openrlib.py``, at import), then ``Rscript -e
'Sys.getenv()'`` in ``initr()`` for the variables R's front-end script sets
(``R_LIBS_USER``, ``R_SHARE_DIR``, ...). Together ~0.35-0.5 s on this 2-core
machine, most of ``rkeras run``'s start (BENCHMARKS.md, issue 15). The answers
only change with R's installation, its Renviron files and a few environment
variables, so rkeras asks once and keeps them in ``~/.cache/rkeras/r-location.json``,
keyed on all of those; any change is probed again.

``R_HOME`` is set the documented way (the environment variable rpy2 reads). The
other two probes have no switch, so :func:`rpy2_probes_answered` and
:func:`r_environment_answered` replace the one rpy2 function that runs each
probe with the cached answer for the length of the import or of ``initr()``,
and put it back right after (a scoped replacement of a function, not of any
Keras or rpy2 class). ``RKERAS_NO_R_CACHE=1`` turns the cache off.
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

__all__ = ["r_environment_answered", "rpy2_probes_answered"]


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rkeras" / "r-location.json"


def _r_executable() -> Optional[str]:
    if os.environ.get("R_HOME"):
        return os.path.join(os.environ["R_HOME"], "bin", "R")
    return shutil.which("R")


def _key(r_exe: str) -> list:
    # Size and mtime, not the path: /usr/bin/R and $R_HOME/bin/R are copies of one script,
    # and which one is found depends on whether R_HOME is set (R sets it for its children).
    st = os.stat(os.path.realpath(r_exe))
    return [st.st_size, int(st.st_mtime)]


# What R's front-end script reads besides R itself: these variables and Renviron files.
_INPUT_VARIABLES = ("HOME", "R_LIBS", "R_LIBS_USER", "R_LIBS_SITE", "R_ENVIRON", "R_ENVIRON_USER",
                    "R_PAPERSIZE", "R_PAPERSIZE_USER", "LD_LIBRARY_PATH", "EDITOR", "PAGER", "TMPDIR")
# Set by the probing R process for itself: never carried over.
_PER_PROCESS = ("R_SESSION_TMPDIR",)


def _environment_key(r_home: str) -> list:
    files = [os.path.join(r_home, "etc", name) for name in ("Renviron", "Renviron.site")]
    files += [os.path.join(os.path.expanduser("~"), ".Renviron"), os.path.abspath(".Renviron")]
    stamps = [[f, int(os.stat(f).st_mtime)] if os.path.exists(f) else [f, None] for f in files]
    return [[v, os.environ.get(v)] for v in _INPUT_VARIABLES] + stamps


def _probe(r_exe: str) -> dict:
    r_home = os.environ.get("R_HOME") or subprocess.check_output(
        [r_exe, "RHOME"], text=True, stderr=subprocess.DEVNULL).strip()
    rscript = os.path.join(r_home, "bin", "Rscript")
    ld_path = subprocess.check_output(
        [rscript, "-e", 'cat(Sys.getenv("LD_LIBRARY_PATH"))'], text=True, stderr=subprocess.DEVNULL)
    # R's whole environment, as rpy2's initr() asks for it (as JSON: values may hold any text).
    env = json.loads(subprocess.check_output(
        [rscript, "-e", "cat(jsonlite::toJSON(as.list(Sys.getenv()), auto_unbox = TRUE))"],
        text=True, stderr=subprocess.DEVNULL))
    r_env = {k: v for k, v in env.items() if k not in _PER_PROCESS and os.environ.get(k) != v}
    return {"r_home": r_home, "ld_library_path": ld_path, "r_environment": r_env}


_found: dict = {}  # this process's answer: the same for every probe, whatever R_HOME is now


def _cached_location() -> Optional[dict]:
    """R_HOME, R's LD_LIBRARY_PATH and front-end variables, cached or probed once; None: rpy2 probes."""
    if os.environ.get("RKERAS_NO_R_CACHE") or sys.platform == "win32":
        return None
    if "answer" in _found:
        return _found["answer"]
    r_exe = _r_executable()
    if not r_exe or not os.path.exists(r_exe):
        return None  # no R on PATH: rpy2's own probes give the clearer error
    path = _cache_file()
    try:
        cached = json.loads(path.read_text())
        if cached.get("key") == [_key(r_exe), _environment_key(cached["r_home"])]:
            _found["answer"] = cached
            return cached
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        found = _probe(r_exe)
        found["key"] = [_key(r_exe), _environment_key(found["r_home"])]
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    try:  # a cache that cannot be written only costs the probes next time
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(found))
        os.replace(tmp, path)
    except OSError:
        pass
    _found["answer"] = found
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


@contextlib.contextmanager
def r_environment_answered() -> Iterator[None]:
    """Around rpy2's ``initr()``: R's front-end variables from the cache, not from a third R."""
    import rpy2.rinterface as ri

    location = _cached_location()
    if location is None or "r_environment" not in location:
        yield
        return
    r_env = location["r_environment"]

    def known_r_environment(baselinevars=None, r_home=None):
        base = os.environ if baselinevars is None else baselinevars
        return tuple((k, v) for k, v in r_env.items() if base.get(k) != v)

    original = ri._getrenvvars
    ri._getrenvvars = known_r_environment
    try:
        yield
    finally:
        ri._getrenvvars = original
