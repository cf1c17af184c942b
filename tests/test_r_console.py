"""`rkeras console` (rkeras/r/console.py) driven through a pseudo-terminal, as a user types.

R's REPL behaviour: a prompt, multi-line input with the continuation prompt,
printed values, R's error and warning wording, Ctrl-C that interrupts a
running call (and drops a half-typed input) and keeps the session, q() with
its exit status, the verbs' R signatures, and the history kept between runs.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("rpy2")

pytestmark = pytest.mark.r


def _spawn(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb", TF_CPP_MIN_LOG_LEVEL="3",
               RKERAS_PROGRESS="0", R_HISTFILE=str(tmp_path / "hist"))
    child = pexpect.spawn(sys.executable, ["-m", "rkeras.cli", "console"], env=env, cwd=str(tmp_path),
                          encoding="utf-8", timeout=120)
    child.expect("Type q\\(\\) or Ctrl-D to leave")
    child.expect("> ")
    return child


def _ask(child, line: str, *expected: str) -> str:
    child.sendline(line)
    for pattern in expected:
        child.expect(pattern)
    child.expect("\n> ")
    return child.before


def test_console_session(tmp_path):
    child = _spawn(tmp_path)
    try:
        # multi-line input: the continuation prompt, then one value
        child.sendline("x <- c(1,")
        child.expect("\\+ ")
        _ask(child, "  2, 3)")
        _ask(child, "sum(x) * 2", "\\[1\\] 12")
        _ask(child, ".Last.value + 1", "\\[1\\] 13")
        # R's error and warning wording; the session goes on
        _ask(child, "stop('boom')", "Error: boom")
        _ask(child, "f <- function(v) log(v); f(-1)", "\\[1\\] NaN", "Warning message:",
             "In log\\(v\\) : NaNs produced")
        _ask(child, "x y", "unexpected symbol")
        # the verbs: R signatures without loading Keras
        _ask(child, "args(layer_dense)", "function \\(object, units, activation = NULL")
        # Ctrl-C interrupts a running call and keeps the session
        child.sendline("while (TRUE) {}")
        time.sleep(1.0)
        child.sendintr()
        child.expect("\n> ")
        _ask(child, "x[2]", "\\[1\\] 2")
        # Ctrl-C drops a half-typed input
        child.sendline("(1 +")
        child.expect("\\+ ")
        child.sendintr()
        child.expect("\n> ")
        _ask(child, "3 * 3", "\\[1\\] 9")
        child.sendline("q(status = 3)")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 3
    history = (tmp_path / "hist").read_text(encoding="utf-8")
    assert "sum(x) * 2" in history and "x <- c(1," in history


def test_console_help_and_ctrl_d(tmp_path):
    child = _spawn(tmp_path)
    try:
        _ask(child, "?layer_dense", "layer_dense\\(object, units", "Dense")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
