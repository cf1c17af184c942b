"""`rkeras console` (alias `rkeras r`): an interactive R session with the keras3 front end attached.

R's REPL, driven from Python so that every piece stays safe to interrupt:

* input is read with Python's ``input()`` and GNU readline (line editing,
  history kept in ``$R_HISTFILE`` or ``~/.rkeras_history``, as R keeps
  ``.Rhistory``);
* each input is parsed with R's own parser (``R_ParseVector`` through rpy2):
  an incomplete expression asks for more with R's continuation prompt
  (``getOption("continue")``, ``"+ "``), a syntax error prints R's message;
* complete expressions are evaluated at R's top level by ``.rk_console_eval``
  (``rkeras/r/R/console.R``): values printed, warnings after the call, errors
  as "Error in call : message";
* Ctrl-C at the prompt drops the current input; during a call it interrupts
  the call (R's interrupt, or a ``KeyboardInterrupt`` in Keras's code) and the
  session stays; Ctrl-D or ``q()`` leaves (``q(status = n)`` exits with n).

Why not R's own ``run_Rmainloop``: R reads its input through rpy2's console
callback, a Python function, and R's Ctrl-C at the prompt and its error
recovery ``longjmp`` to R's top level across that Python frame, which is
undefined behaviour; and R's ``q()`` there ends the process from C, without
saving the history. Here R's stack is always entered and left from Python.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

__all__ = ["run_console", "history_file"]

BANNER = ("rkeras console: R {r_version} with the keras3 front end attached "
          "(library(keras) is optional).\n"
          "Keras loads on the first verb; ?layer_dense and args(fit) show a verb's R usage.\n"
          "Type q() or Ctrl-D to leave.\n")


def history_file() -> str:
    """Where the console keeps its history: ``$R_HISTFILE``, else ``~/.rkeras_history``."""
    return os.environ.get("R_HISTFILE") or os.path.join(os.path.expanduser("~"), ".rkeras_history")


def _readline() -> Optional[object]:
    try:
        import readline
    except ImportError:         # no GNU readline (some builds): plain input()
        return None
    try:
        readline.read_history_file(history_file())
    except OSError:
        pass
    readline.set_history_length(int(os.environ.get("R_HISTSIZE", "512")))
    return readline


def _save_history(readline) -> None:
    if readline is None:
        return
    try:
        readline.write_history_file(history_file())
    except OSError:
        pass


def _console_streams():
    """R's output to sys.stdout, its messages and warnings to sys.stderr (as in a terminal R)."""
    from rpy2.rinterface_lib import callbacks

    callbacks.consolewrite_print = lambda text: sys.stdout.write(text)
    callbacks.consolewrite_warnerror = lambda text: sys.stderr.write(text)


def _parse(sess, text: str):
    """('ok', expressions) | ('incomplete', None) | ('null', None) | ('error', R's message)."""
    capi = sess.capi
    try:
        exprs = sess.ri.parse(text)
    except capi.RParsingError as error:
        status = error.status
        if status is capi.PARSING_STATUS.PARSE_INCOMPLETE:
            return "incomplete", None
        if status is capi.PARSING_STATUS.PARSE_NULL:
            return "null", None
        message = sess.env[".rk_console_parse_error"](sess.ri.StrSexpVector([text]))[0]
        return "error", message
    return ("ok", exprs) if len(exprs) else ("null", None)


def _option(sess, name: str, default: str) -> str:
    value = sess.ri.baseenv["getOption"](name)
    try:
        return str(value[0])
    except (IndexError, TypeError):
        return default


def run_console(banner: bool = True) -> int:
    """Run the interactive R console until ``q()`` or end of input; return the exit status."""
    from ..progress import progress
    from .frontend import front_end
    from .session import entered

    with progress("starting R", delay=1.0):
        env = front_end().env
    _console_streams()
    readline = _readline()
    with entered() as sess:
        sess.ri.baseenv["options"](width=_terminal_width())
        if banner:
            version = str(sess.ri.baseenv["R.version.string"][0]).replace("R version ", "")
            sys.stdout.write(BANNER.format(r_version=version))
        evaluate = env[".rk_console_eval"]
    lines: list[str] = []
    status = 0
    while True:
        with entered() as sess:
            prompt = _option(sess, "continue", "+ ") if lines else _option(sess, "prompt", "> ")
        sys.stdout.flush()
        try:
            line = input(prompt)
        except EOFError:            # Ctrl-D: leave, as R's REPL does (without saving the workspace)
            sys.stdout.write("\n")
            break
        except KeyboardInterrupt:   # Ctrl-C at the prompt: drop the input, as R does
            sys.stdout.write("\n")
            lines = []
            continue
        lines.append(line)
        with entered() as sess:
            kind, parsed = _parse(sess, "\n".join(lines))
            if kind == "incomplete":
                continue
            lines = []
            if kind == "error":
                sys.stderr.write(f"Error: {parsed}\n")
                continue
            if kind == "null":
                continue
            try:
                result = evaluate(parsed)
            except KeyboardInterrupt:   # the interrupt reached Python after R finished
                sys.stdout.write("\n")
                continue
            except sess.embedded.RRuntimeError as error:   # R itself failed to report
                sys.stderr.write(f"Error: {error}\n")
                continue
            quit_status = result[0]
            if quit_status is not sess.ri.NA_Integer:
                status = int(quit_status)
                break
        sys.stdout.flush()
    _save_history(readline)
    sys.stdout.flush()
    return status


def _terminal_width() -> int:
    try:
        return max(40, min(os.get_terminal_size(sys.stdout.fileno()).columns, 10000))
    except (OSError, ValueError):
        return 80
