"""`rkeras run FILE.R`: run an R script in the embedded R with the front end, as Rscript would.

The R side is ``.rk_run_script`` (``rkeras/r/R/run.R``); this module sets up
what Rscript sets up around it: the script's arguments, a non-interactive R,
a PDF graphics device, and R's console output on stdout/stderr.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Iterable

from ..progress import progress
from .convert import to_python, to_r
from .evaluate import RError, r_call, r_eval
from .frontend import front_end
from .session import entered

__all__ = ["run_script"]


def _set_interactive(sess, value: bool) -> None:
    try:
        ctypes.c_int.in_dll(sess.libR, "R_Interactive").value = 1 if value else 0
    except (ValueError, AttributeError):
        pass


class _Console:
    """R's console output to sys.stdout/sys.stderr, as Rscript; a closed stdout stops R.

    rpy2's default sends R's stderr (messages, warnings) to Python logging
    with a prefix. When stdout is a pipe whose reader has gone
    (``rkeras run x.R | head -1``), the first failed write sends the rest of
    the output to /dev/null and interrupts R, and the script ends with
    status 1, as Rscript's "ignoring SIGPIPE signal" error does (rpy2 would
    otherwise log one BrokenPipeError per line of output).
    """

    def __init__(self, pending) -> None:
        self.pending = pending
        self.broken = False

    def out(self, text: str) -> None:
        if self.broken:
            return
        try:
            sys.stdout.write(text)
        except (BrokenPipeError, ValueError, OSError):
            self._stdout_closed()

    def err(self, text: str) -> None:
        try:
            sys.stderr.write(text)
        except (BrokenPipeError, ValueError, OSError):
            pass

    def _stdout_closed(self) -> None:
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
        self.pending.value = 1        # R stops at its next interrupt check

    def install(self):
        """Route R's console here; returns a function that restores rpy2's callbacks."""
        from rpy2.rinterface_lib import callbacks

        previous = (callbacks.consolewrite_print, callbacks.consolewrite_warnerror)
        callbacks.consolewrite_print = self.out
        callbacks.consolewrite_warnerror = self.err

        def restore():
            try:
                sys.stdout.flush()
            except (BrokenPipeError, ValueError, OSError):
                self._stdout_closed()
            callbacks.consolewrite_print, callbacks.consolewrite_warnerror = previous
        return restore


def _printable(text: str) -> str:
    """A file name or argument for a message (bytes that are not UTF-8 shown escaped)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _flush_c_streams() -> None:
    """fflush(NULL): data R wrote through C stdio must reach its files before os._exit."""
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):
        pass


def run_script(path: str, args: Iterable[str] = ()) -> int:
    """Run an R script in the embedded R with the front end, as ``Rscript`` would.

    ``commandArgs(trailingOnly = TRUE)`` gives `args`; visible top-level
    values are printed; graphics go to ``Rplots.pdf`` unless the script opens
    a device; ``quit(status = n)`` ends the script with status n (a restart:
    ``tryCatch``/``try`` in the script cannot swallow it). At the end, as
    Rscript: ``.Last()`` runs, connections left open are flushed and closed,
    exit finalizers (``reg.finalizer(onexit = TRUE)``) run.

    Returns:
        The exit status: 0, the status given to ``quit()``, or 1 after an R
        error (whose message goes to stderr, as ``Rscript`` prints it), after
        Ctrl-C ("Execution halted", no Python traceback) or when stdout closed.
    """
    path = os.fspath(path)
    shown = _printable(path)
    if not os.path.isfile(path):
        print(f"Fatal error: cannot open file '{shown}': No such file or directory", file=sys.stderr)
        return 2
    try:
        return _run(path, [str(a) for a in args])
    except KeyboardInterrupt:
        _say("\nExecution halted")
        return 1
    except UnicodeError as error:      # a name or argument R cannot take
        _say(f"Error: rkeras run: {error} (file '{shown}'). Rename the file or pass "
             f"UTF-8 arguments.\nExecution halted")
        return 2


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _run(path: str, args: list) -> int:
    # R's start and the front end are silent; on a terminal, a note after 1 s (stderr,
    # before the script's first output).
    with progress("starting R", delay=1.0):
        env = front_end().env
    if args[:1] == ["--"]:
        args = args[1:]
    with entered() as sess:
        env[".rk_script_args"] = to_r(args) if args else sess.ri.StrSexpVector([])
        env[".rk_script_file"] = to_r(os.path.abspath(path))
        _set_interactive(sess, False)
        r_eval('options(device = function(...) grDevices::pdf(...))', sess.ri.baseenv)
        status = 1
        console = _Console(sess.interrupts_pending)
        restore = console.install()
        try:
            status = int(to_python(r_call(env[".rk_run_script"], to_r(os.path.abspath(path)))))
        except RError as error:   # an error the R-side handler could not catch
            _say(f"Error: {error}\nExecution halted")
        except KeyboardInterrupt:
            if not console.broken:
                raise
            _say("Error: ignoring SIGPIPE signal (stdout was closed)\nExecution halted")
            status = 1
        finally:
            try:
                r_eval("if (length(grDevices::dev.list())) grDevices::graphics.off()", sess.ri.baseenv)
            except RError:
                pass
            # Exit-time finalizers, as R_CleanUp runs them (R protects each one).
            sess.rlib.R_RunExitFinalizers()
            _flush_c_streams()
            env[".rk_script_args"] = sess.ri.StrSexpVector([])
            _set_interactive(sess, True)
            restore()
            try:
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
    if console.broken:
        status = status or 1
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    return status
