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


# --------------------------------------------------------------------------- 7-8: ending a script
def test_script_ends_like_rscript_quit_is_not_an_error(tmp_path):
    res = rkeras_run(tmp_path, """
        con <- file("out.txt", "w")
        writeLines("kept", con)                     # never closed by the script
        .Last <- function() cat("last ran\\n")
        invisible(reg.finalizer(environment(), function(e) cat("finalizer ran\\n"), onexit = TRUE))
        f <- function() {
          on.exit(cat("on.exit ran\\n"))
          tryCatch(quit(status = 3), error = function(e) cat("swallowed by tryCatch\\n"))
        }
        try(f())
        cat("not reached\\n")
    """)
    assert res.returncode == 3, res.stderr
    assert res.stdout.split("\n")[:3] == ["on.exit ran", "last ran", "finalizer ran"], res.stdout
    assert "swallowed" not in res.stdout and "not reached" not in res.stdout
    assert (tmp_path / "out.txt").read_text() == "kept\n"


def test_quit_without_run_last_and_after_error(tmp_path):
    res = rkeras_run(tmp_path, """
        .Last <- function() cat("last ran\\n")
        quit(status = 4, runLast = FALSE)
    """)
    assert (res.returncode, res.stdout) == (4, "")
    res = rkeras_run(tmp_path, """
        .Last <- function() cat("last ran\\n")
        stop("boom")
    """)
    assert res.returncode == 1 and "last ran" not in res.stdout and "boom" in res.stderr


# --------------------------------------------------------------------------- 15: closed stdout
def test_closed_stdout_stops_the_script_with_status_1(tmp_path):
    path = tmp_path / "loop.R"
    path.write_text("for (i in 1:100000) print(i)\n")
    proc = subprocess.Popen([*RKERAS, "run", str(path)], env=ENV, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()                        # like `| head -1`
    start = time.monotonic()
    err = proc.stderr.read().decode()
    status = proc.wait(timeout=60)
    assert first.strip() == b"[1] 1"
    assert status == 1 and time.monotonic() - start < 30
    assert "BrokenPipeError" not in err and len(err.splitlines()) <= 3, err[-2000:]
    assert "Execution halted" in err


# --------------------------------------------------------------------------- 22: SIGINT, names
def test_sigint_in_r_code_prints_no_traceback(tmp_path):
    path = tmp_path / "sleep.R"
    path.write_text('cat("started\\n")\nfor (i in 1:600) Sys.sleep(0.1)\ncat("not reached\\n")\n')
    proc = subprocess.Popen([*RKERAS, "run", str(path)], env=ENV, cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "started"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "not reached" not in out
    assert "Traceback" not in err and "Execution halted" in err, err


def test_non_utf8_file_name_and_arguments_give_one_line_messages(tmp_path):
    bad = os.fsencode(tmp_path) + b"/caf\xe9.R"
    with open(bad, "wb") as fh:
        fh.write(b'cat(length(commandArgs(trailingOnly = TRUE)), "\\n")\n')
    res = subprocess.run([*(os.fsencode(a) for a in RKERAS), b"run", bad, b"x\xff"], env=ENV,
                         cwd=tmp_path, capture_output=True, timeout=120)
    assert b"Traceback" not in res.stderr, res.stderr.decode(errors="replace")[-2000:]
    assert res.returncode == 0 and res.stdout.strip() == b"1", res.stderr[-1000:]
    missing = subprocess.run([*(os.fsencode(a) for a in RKERAS), b"run", b"nope\xff.R"], env=ENV,
                             cwd=tmp_path, capture_output=True, timeout=120)
    assert missing.returncode == 2 and b"Traceback" not in missing.stderr
    assert len(missing.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- 5: Ctrl-C in fit
FIT_SCRIPT = """
    library(keras3)
    x <- matrix(runif(2000 * 8), ncol = 8); y <- matrix(runif(2000), ncol = 1)
    model <- keras_model_sequential(input_shape = 8) |> layer_dense(64) |> layer_dense(1)
    model |> compile(loss = "mse", optimizer = "sgd")
    cat("fitting\\n")
    history <- model |> fit(x, y, epochs = 100000, batch_size = 8, verbose = 0)
    cat("epochs kept:", length(history$metrics$loss), "\\n")
"""


def test_ctrl_c_stops_fit_in_rkeras_run_and_keeps_the_history(tmp_path):
    path = tmp_path / "fit.R"
    path.write_text(textwrap.dedent(FIT_SCRIPT))
    proc = subprocess.Popen([*RKERAS, "run", str(path)], env=ENV, cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "fitting"
    time.sleep(8)                               # a few epochs of 250 batches
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    kept = int(out.split("epochs kept:")[1].split()[0])
    assert kept >= 1 and "Training interrupted" in err and "Traceback" not in err
    assert time.monotonic() - sent < 20


# --------------------------------------------------------------------------- 10: R conditions
def test_r_conditions_keep_r_behaviour_across_python():
    from rkeras.r import r_assign, r_eval, r_function, to_python
    r_assign("through_python", r_function(lambda f: f()))
    caught = to_python(r_eval("""
        tryCatch(through_python(function() stop(structure(class = c("myError", "error", "condition"),
                                                          list(message = "mine", call = NULL)))),
                 myError = function(e) paste("caught", conditionMessage(e)))"""))
    assert caught == "caught mine"
    stopped = to_python(r_eval("""
        old <- options(warn = 2)
        res <- tryCatch(through_python(function() { warning("careful"); "went on" }),
                        error = function(e) paste("stopped:", conditionMessage(e)))
        options(old)
        res"""))
    assert stopped.startswith("stopped:") and "careful" in stopped


def test_warn_2_in_an_r_callback_stops_fit(tmp_path):
    res = rkeras_run(tmp_path, """
        library(keras3)
        options(warn = 2)
        model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
        model |> compile(loss = "mse", optimizer = "sgd")
        cb <- callback_lambda(on_epoch_end = function(epoch, logs) warning("careful"))
        r <- tryCatch(fit(model, matrix(runif(20), 10), runif(10), epochs = 5, verbose = 0,
                          callbacks = list(cb)), error = function(e) conditionMessage(e))
        cat("result:", if (is.character(r)) r else "fit went on", "\\n")
    """)
    assert "result:" in res.stdout and "careful" in res.stdout.split("result:")[1], res.stderr[-2000:]


# --------------------------------------------------------------------------- 17: labels
def test_labels_that_print_the_same_are_refused():
    import pandas as pd

    from rkeras.errors import RKerasError
    from rkeras.r import to_python, to_r
    with pytest.raises(RKerasError, match=r"1 and '1' are different in Python"):
        to_r(pd.Categorical([1, "1"]))
    with pytest.raises(ValueError, match="index label"):
        to_r(pd.DataFrame({"a": [1.0, 2.0]}, index=[1, "1"]))
    ok = to_python(to_r(pd.Categorical(["1", "2", "1"])))
    assert list(ok.categories) == ["1", "2"] and list(ok.codes) == [0, 1, 0]


# --------------------------------------------------------------------------- 9: NA arguments
def test_na_arguments_from_r_are_refused_naming_the_argument(tmp_path):
    res = rkeras_run(tmp_path, """
        library(keras3)
        for (expr in list(quote(layer_dense(units = 2, activation = NA)),
                          quote(layer_dense(units = 2, use_bias = NA)),
                          quote(layer_dense(units = NA_integer_)),
                          quote(layer_dense(units = 2, name = NA_character_))))
          cat(tryCatch({ eval(expr); "accepted" }, error = function(e) conditionMessage(e)), "\\n")
    """)
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 4, res.stderr[-2000:]
    for line, arg in zip(lines, ["activation", "use_bias", "units", "name"]):
        assert f"`{arg}` is NA" in line, line


# --------------------------------------------------------------------------- 18: real reticulate
def _real_reticulate() -> bool:
    out = subprocess.run(["Rscript", "-e", 'cat(nzchar(system.file(package = "reticulate")))'],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip() == "TRUE"


def test_installed_reticulate_is_never_loaded_into_the_embedded_r(tmp_path):
    if not _real_reticulate():
        pytest.skip("R package reticulate is not installed (tools/setup.sh installs r-cran-reticulate)")
    res = rkeras_run(tmp_path, """
        library(keras)
        reticulate:::py_register_load_hook("keras", function() NULL)
        m <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
        library(reticulate)
        real <- normalizePath(file.path(.libPaths(), "reticulate"), mustWork = FALSE)
        ours <- normalizePath(getNamespaceInfo("reticulate", "path"), mustWork = FALSE)
        cat("namespace from:", !any(ours %in% real), "\\n")
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "namespace from: TRUE" in res.stdout
    only = rkeras_run(tmp_path, "invisible(requireNamespace('reticulate'))\ncat('done\\n')\n")
    assert (only.returncode, only.stdout) == (0, "done\n"), only.stderr[-2000:]


# --------------------------------------------------------------------------- 10: relayed conditions
def test_warnings_and_messages_inside_python_reach_the_callers_handlers():
    from rkeras.r import r_assign, r_eval, r_function, to_python
    r_assign("through_python", r_function(lambda f: f()))
    seen = to_python(r_eval("""
        seen <- character()
        value <- withCallingHandlers(
          through_python(function() {
            warning(structure(class = c("myWarning", "warning", "condition"),
                              list(message = "w1", call = NULL)))
            message("m1")
            through_python(function() warning("deep"))        # nested: R -> Py -> R -> Py -> R
            "value"
          }),
          myWarning = function(w) seen <<- c(seen, "classed"),
          warning = function(w) { seen <<- c(seen, paste("W", conditionMessage(w)))
                                  invokeRestart("muffleWarning") },
          message = function(m) { seen <<- c(seen, paste("M", trimws(conditionMessage(m))))
                                  invokeRestart("muffleMessage") })
        c(value, seen)"""))
    assert seen == ["value", "classed", "W w1", "M m1", "W deep"]


def test_suppress_and_capture_of_conditions_raised_inside_python():
    from rkeras.r import r_assign, r_eval, r_function, to_python
    r_assign("through_python", r_function(lambda f: f()))
    out = to_python(r_eval("""
        noisy <- function() { message("hello from R"); warning("careful"); 1 }
        shown <- capture.output(withCallingHandlers(through_python(noisy),
                                  warning = function(w) invokeRestart("muffleWarning")),
                                type = "message")
        hidden <- capture.output(suppressMessages(suppressWarnings(through_python(noisy))),
                                 type = "message")
        caught <- tryCatch(through_python(noisy), warning = function(w) conditionMessage(w))
        list(shown = shown, hidden = length(hidden), caught = caught)"""))
    assert out["shown"] == "hello from R"
    assert out["hidden"] == 0 and out["caught"] == "careful"


def test_conditions_before_an_error_inside_python_are_signalled_first():
    from rkeras.r import r_assign, r_eval, r_function, to_python
    r_assign("through_python", r_function(lambda f: f()))
    got = to_python(r_eval("""
        seen <- character()
        tryCatch(withCallingHandlers(through_python(function() { warning("first"); stop("then") }),
                                     warning = function(w) { seen <<- c(seen, conditionMessage(w))
                                                             invokeRestart("muffleWarning") }),
                 error = function(e) seen <<- c(seen, conditionMessage(e)))
        seen"""))
    assert got[0] == "first" and "then" in got[1]


def test_relayed_conditions_are_capped_with_a_count(monkeypatch):
    from rkeras.r import conditions, r_assign, r_eval, r_function, to_python
    monkeypatch.setattr(conditions, "RELAY_MAX", 3)
    r_assign("through_python", r_function(lambda f: f()))
    got = to_python(r_eval("""
        seen <- character()
        withCallingHandlers(through_python(function() for (i in 1:5) warning(paste("w", i))),
                            warning = function(w) { seen <<- c(seen, conditionMessage(w))
                                                    invokeRestart("muffleWarning") })
        seen"""))
    assert got[:3] == ["w 1", "w 2", "w 3"] and len(got) == 4
    assert got[3].startswith("2 more warnings/messages")


def test_pure_python_callers_still_get_r_warnings_as_rwarning():
    from rkeras.r import RWarning, r_eval
    with pytest.warns(RWarning, match=r"^plain \(in R: f\(\)\)$"):
        r_eval('f <- function() warning("plain"); f2 <- function() f(); invisible(f2())')


def test_callback_warnings_and_messages_reach_r_around_fit(tmp_path):
    res = rkeras_run(tmp_path, """
        library(keras3)
        model <- keras_model_sequential(input_shape = 2) |> layer_dense(1)
        model |> compile(loss = "mse", optimizer = "sgd")
        cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
          message("epoch done ", epoch)
          warning("careful ", epoch)
        })
        x <- matrix(runif(20), 10); y <- runif(10)
        seen <- character()
        h <- withCallingHandlers(
          fit(model, x, y, epochs = 3, verbose = 0, callbacks = list(cb)),
          warning = function(w) { seen <<- c(seen, conditionMessage(w)); invokeRestart("muffleWarning") })
        cat("seen:", paste(seen, collapse = "|"), "\\n")
        cat("quiet start\\n", file = stderr())
        h <- suppressMessages(suppressWarnings(fit(model, x, y, epochs = 2, verbose = 0,
                                                    callbacks = list(cb))))
        cat("quiet end\\n", file = stderr())
        h <- fit(model, x, y, epochs = 1, verbose = 0, callbacks = list(cb))
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "seen: careful 1|careful 2|careful 3" in res.stdout
    err = res.stderr
    first, quiet, last = err.split("quiet start")[0], err.split("quiet start")[1].split("quiet end")[0], \
        err.split("quiet end")[1]
    assert [ln for ln in first.splitlines() if ln.startswith("epoch done")] == \
        ["epoch done 1", "epoch done 2", "epoch done 3"]       # keras3's epochs are 1-based
    assert quiet.strip() == "", quiet
    assert "epoch done 1" in last and "Warning message:\ncareful 1" in last
