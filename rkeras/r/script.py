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


def _console_to_std_streams():
    """Send R's stdout/stderr console output to sys.stdout/sys.stderr, as Rscript.

    rpy2's default sends R's stderr (messages, warnings) to Python logging
    with a prefix. Returns a function that restores the previous callbacks.
    """
    from rpy2.rinterface_lib import callbacks

    previous = (callbacks.consolewrite_print, callbacks.consolewrite_warnerror)
    callbacks.consolewrite_print = lambda text: sys.stdout.write(text)
    callbacks.consolewrite_warnerror = lambda text: sys.stderr.write(text)

    def restore():
        sys.stdout.flush()
        callbacks.consolewrite_print, callbacks.consolewrite_warnerror = previous
    return restore


def run_script(path: str, args: Iterable[str] = ()) -> int:
    """Run an R script in the embedded R with the front end, as ``Rscript`` would.

    ``commandArgs(trailingOnly = TRUE)`` gives `args`; visible top-level
    values are printed; graphics go to ``Rplots.pdf`` unless the script opens
    a device; ``quit(status = n)`` ends the script with status n.

    Returns:
        The exit status: 0, the status given to ``quit()``, or 1 after an R
        error (whose message goes to stderr, as ``Rscript`` prints it).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        print(f"Fatal error: cannot open file '{path}': No such file or directory", file=sys.stderr)
        return 2
    env = front_end().env
    args = [str(a) for a in args]
    if args[:1] == ["--"]:
        args = args[1:]
    with entered() as sess:
        env[".rk_script_args"] = to_r(args) if args else sess.ri.StrSexpVector([])
        env[".rk_script_file"] = sess.ri.StrSexpVector([os.path.abspath(path)])
        _set_interactive(sess, False)
        r_eval('options(device = function(...) grDevices::pdf(...))', sess.ri.baseenv)
        status = 1
        restore = _console_to_std_streams()
        try:
            status = int(to_python(r_call(env[".rk_run_script"], os.path.abspath(path))))
        except RError as error:   # an error the R-side handler could not catch
            print(f"Error: {error}\nExecution halted", file=sys.stderr)
        finally:
            try:
                r_eval("if (length(grDevices::dev.list())) grDevices::graphics.off()", sess.ri.baseenv)
            except RError:
                pass
            env[".rk_script_args"] = sess.ri.StrSexpVector([])
            _set_interactive(sess, True)
            restore()
            sys.stderr.flush()
    sys.stdout.flush()
    return status
