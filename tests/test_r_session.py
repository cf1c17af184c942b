"""rkeras.r.session and rkeras.r.interrupts: start-up, lock, threads, release queue, C stack, Ctrl-C."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("rpy2")

from rkeras.r import (  # noqa: E402
    r_eval,
    r_lock,
    session,  # noqa: E402
    to_python,
)
from rkeras.r.evaluate import r_call  # noqa: E402
from rkeras.r.session import RThreadError, entered  # noqa: E402

pytestmark = pytest.mark.r

ROOT = Path(__file__).resolve().parents[1]


def run_py(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, cwd=str(ROOT), env=env)


# --------------------------------------------------------------------------- start-up
def test_import_does_not_start_r():
    res = run_py("""
        import sys
        import rkeras
        import rkeras.r
        from rkeras.r import is_r_object
        assert not is_r_object(1.0)
        started = [m for m in sys.modules if m.startswith('rpy2')]
        print('RPY2', started)
    """)
    assert res.returncode == 0, res.stderr
    assert "RPY2 []" in res.stdout


def test_started_and_lock():
    r_eval("1")
    assert session.is_started()
    from rpy2.rinterface_lib import openrlib
    assert r_lock() is openrlib.rlock
    with r_lock:                       # re-entrant with rkeras's own calls
        assert to_python(r_eval("1 + 1")) == 2.0


# --------------------------------------------------------------------------- threads
def test_threads_4_x_50_locked_calls():
    results: dict = {}
    errors: list = []

    def work(k):
        try:
            got = []
            for i in range(50):
                v = r_eval(f"sum(as.numeric(1:{i + k + 1}))")
                got.append(to_python(v))
                arr = to_python(r_call("rnorm", 100))          # results dropped outside the lock
                assert arr.shape == (100,)
            results[k] = got
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert sorted(results) == [0, 1, 2, 3]
    for k, got in results.items():
        assert got == [float((i + k + 1) * (i + k + 2) // 2) for i in range(50)]


def test_thread_has_conversion_rules():
    out = {}

    def work():
        import rpy2.robjects as ro
        from rpy2.robjects import conversion
        with entered():
            out["cv"] = conversion.get_conversion().name
            out["val"] = ro.r("1:3")          # robjects inside rkeras: rkeras rules, no W3 error

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert "rkeras" in out["cv"]
    assert out["val"].tolist() == [1, 2, 3]


def test_thread_policy_owner():
    session.set_thread_policy("owner")
    try:
        err = []

        def work():
            try:
                r_eval("1")
            except RThreadError as e:
                err.append(str(e))

        t = threading.Thread(target=work)
        t.start()
        t.join()
        assert err and "owner" in err[0]
        assert to_python(r_eval("2")) == 2.0         # the owner thread still may
    finally:
        session.set_thread_policy("serialize")
    with pytest.raises(ValueError):
        session.set_thread_policy("never")


def test_waiting_for_the_lock_warns(monkeypatch):
    monkeypatch.setattr(session, "LOCK_WAIT_WARNING", 0.2)
    caught = []

    def work():
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            out = to_python(r_eval("3"))
        caught.extend(str(w.message) for w in rec)
        caught.append(out)

    with entered():                       # this thread runs R (holds the lock) ...
        t = threading.Thread(target=work, name="waiter")
        t.start()
        time.sleep(0.7)                   # ... while the other one waits
    t.join(30)
    assert caught[-1] == 3.0
    assert any("waited" in m and "deadlock" in m for m in caught[:-1])


def test_release_from_other_thread_is_deferred():
    sess = session.get_r()
    objs = [r_eval("runif(3)") for _ in range(5)]
    done = threading.Event()

    def drop():
        objs.clear()
        gc.collect()
        done.set()

    with r_lock:                      # another thread holds R: releases must wait
        t = threading.Thread(target=drop)
        t.start()
        done.wait(30)
        t.join()
        assert sess.pending_releases() >= 5
    with entered():
        pass
    assert sess.pending_releases() == 0


# --------------------------------------------------------------------------- C stack
def test_deep_recursion_is_an_error_not_a_segfault():
    res = run_py("""
        import threading
        from rkeras.r import r_eval, RError
        code = "f <- function(n) if (n == 0) 0 else 1 + f(n - 1); f(1e5)"
        try:
            r_eval(code)
            print("NO ERROR")
        except RError as e:
            print("MAIN", e.r_class[0], str(e)[:40])
        out = []
        def work():
            try:
                r_eval("f(1e5)")
            except RError as e:
                out.append(str(e)[:40])
            out.append(float(list(r_eval("f(100)"))[0]))
        t = threading.Thread(target=work); t.start(); t.join()
        print("THREAD", out)
        print("AFTER", list(r_eval("f(500)"))[0])
    """)
    assert res.returncode == 0, (res.returncode, res.stderr[-2000:])
    assert "MAIN CStackOverflowError C stack usage" in res.stdout
    assert "THREAD ['C stack usage" in res.stdout and "100.0]" in res.stdout
    assert "AFTER 500.0" in res.stdout


# --------------------------------------------------------------------------- Ctrl-C
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_pure_r_loop():
    res = run_py("""
        import os, signal, threading, time
        from rkeras.r import r_eval, to_python
        r_eval("1")
        def later():
            time.sleep(1.0)
            os.kill(os.getpid(), signal.SIGINT)
        threading.Thread(target=later).start()
        t = time.perf_counter()
        try:
            r_eval("{s <- 0; for (i in 1:2e9) s <- s + i; s}")
            print("FINISHED")
        except KeyboardInterrupt:
            print("INTERRUPTED", round(time.perf_counter() - t, 1))
        threading.Thread(target=later).start()
        loop = "tryCatch({for (i in 1:2e9) NULL; 'done'}, interrupt = function(e) 'caught')"
        print("R", to_python(r_eval(loop)))
        print("AFTER", to_python(r_eval("1 + 1")))
        threading.Thread(target=later).start()
        try:
            time.sleep(5)                         # outside R: Python's own behaviour
            print("SLEPT")
        except KeyboardInterrupt:
            print("PYTHON INTERRUPTED")
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "INTERRUPTED" in res.stdout
    secs = float(res.stdout.split("INTERRUPTED")[1].split()[0])
    assert secs < 10
    assert "R caught" in res.stdout and "AFTER 2.0" in res.stdout
    assert "PYTHON INTERRUPTED" in res.stdout


def test_starting_r_leaves_the_library_path_of_child_processes_alone():
    """R's ldpaths would make child Pythons load the system libpython."""
    code = ("import os, subprocess, sys\n"
            "before = os.environ.get('LD_LIBRARY_PATH')\n"
            "from rkeras.r import r_eval\n"
            "r_eval('1')\n"
            "assert os.environ.get('LD_LIBRARY_PATH') == before, os.environ.get('LD_LIBRARY_PATH')\n"
            "child = subprocess.run([sys.executable, '-c', 'import ssl'], capture_output=True, text=True)\n"
            "assert child.returncode == 0, child.stderr\n"
            "print('ok')\n")
    import subprocess
    import sys
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ok" in result.stdout
