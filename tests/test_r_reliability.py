"""Issue 14 (bridge): no crash, no hang, no lost data, R behaviour kept across the bridge.

Every case that once killed the process runs in a subprocess, so that a crash
fails the test (with the child's stderr) instead of killing pytest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1", RKERAS_PROGRESS="0")
RKERAS = [sys.executable, "-m", "rkeras.cli"]


def run_python(code: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process; the test fails (does not crash) if it dies."""
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=ENV, cwd=ROOT,
                         capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"child exited {res.returncode}:\n{res.stderr[-3000:]}"
    return res


def rkeras_run(tmp_path: Path, script: str, *args: str, timeout: int = 180, **kw):
    path = tmp_path / "script.R"
    path.write_text(textwrap.dedent(script))
    return subprocess.run([*RKERAS, "run", str(path), *args], env=ENV, cwd=tmp_path,
                          capture_output=True, text=True, timeout=timeout, **kw)


# --------------------------------------------------------------------------- 1-3: R API errors
def test_bytes_encoded_string_converts_without_killing_the_process():
    res = run_python(r"""
        from rkeras.r import r_eval, to_python, to_r
        x = to_python(r_eval('x <- "caf\\xe9"; Encoding(x) <- "bytes"; x'))
        assert x.encode("utf-8", "surrogateescape") == b"caf\xe9", repr(x)
        # back to R byte-exact
        print(to_python(r_eval("function(s) identical(charToRaw(s), as.raw(c(0x63,0x61,0x66,0xe9)))",
                               )(to_r(x))))
    """)
    assert res.stdout.strip() == "True"


def test_allocation_beyond_mem_max_vsize_is_a_memory_error():
    res = run_python("""
        import numpy as np
        from rkeras.r import r_eval, to_r
        r_eval("invisible(mem.maxVSize(300))")
        try:
            to_r(np.ones(50_000_000))
        except MemoryError as e:
            print("MemoryError:", e)
        r_eval("invisible(mem.maxVSize(Inf))")
        print(float(r_eval("sum(1:10)")[0]))
    """)
    assert "MemoryError:" in res.stdout and "vector memory exhausted" in res.stdout
    assert res.stdout.strip().endswith("55.0")


def test_dimension_beyond_r_integer_range_is_a_clear_error():
    res = run_python("""
        import numpy as np
        from rkeras.r import to_r
        try:
            to_r(np.zeros((2**31, 0)))
        except ValueError as e:
            print("ValueError:", e)
    """)
    assert "ValueError:" in res.stdout and "2147483648" in res.stdout


# --------------------------------------------------------------------------- 4: lock after error
def test_r_error_inside_r_function_under_trycatch_releases_the_lock():
    res = run_python(r"""
        import threading
        from rkeras.r import r_assign, r_eval, r_function
        r_assign("f", r_function(lambda s: s))
        out = r_eval('x <- "caf\\xe9"; Encoding(x) <- "bytes"; '
                     'tryCatch(f(x), error = function(e) "caught")')
        got = []
        t = threading.Thread(target=lambda: got.append(float(r_eval("1 + 1")[0])), daemon=True)
        t.start(); t.join(20)
        print(got, t.is_alive())
    """)
    assert res.stdout.strip() == "[2.0] False"


# --------------------------------------------------------------------------- 16: invalid UTF-8
def test_invalid_utf8_round_trips_byte_exact():
    res = run_python(r"""
        from rkeras.r import r_eval, to_python, to_r
        s = to_python(r_eval('"f\\xff"'))
        assert "<ff>" not in s and s.encode("utf-8", "surrogateescape") == b"f\xff", repr(s)
        same = r_eval('function(a, b) identical(charToRaw(a), charToRaw(b))')
        print(to_python(same(to_r(s), r_eval('"f\\xff"'))))
        latin = to_python(r_eval('x <- "caf\\xe9"; Encoding(x) <- "latin1"; x'))
        print(latin == "caf\u00e9")
    """)
    assert res.stdout.split() == ["True", "True"]
