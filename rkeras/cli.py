"""The `rkeras` command: `rkeras demo`, `rkeras doctor`, `rkeras run FILE.R [ARGS...]`, `rkeras console`.

This module imports only the standard library: `rkeras --help` answers at
once, and each command imports TensorFlow, Keras or R only when it needs them
(tests/test_cli.py checks that `--help` imports no TensorFlow).
"""

from __future__ import annotations

import argparse
import os
import sys


def _doctor() -> int:
    from .doctor import report

    return report()


def _demo(args) -> int:
    from .demo import main

    return main(epochs=args.epochs)


def _run(args) -> None:
    from .r.script import run_script

    exit_after_script(run_script(args.file, args.args))


def _console(_args) -> None:
    from .r.console import run_console

    exit_after_script(run_console())


def exit_after_script(status: int) -> None:
    """End the process after an R script, as `rkeras run` does.

    The script's process has nothing left to save: end R (closing its devices,
    removing its temporary folder), then leave without Python's teardown, which
    would spend ~0.15 s on a full garbage collection over TensorFlow's objects.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        import rpy2.rinterface_lib.embedded as embedded

        if embedded.isinitialized():
            embedded.endr(0)
    finally:
        os._exit(status)


ENVIRONMENT = """environment:
  RKERAS_TF_LOGS=1     show TensorFlow's start-up logs (hidden by default; its warnings
                       and errors always show)
  RKERAS_PROGRESS=0|1  progress notes on stderr: never | always (default: on a terminal)
  RKERAS_DATASETS=DIR  read Keras's dataset files from DIR (offline)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rkeras", description=__doc__.split("\n\n")[0], epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="train the MNIST lab end to end")
    demo.add_argument("--epochs", type=int, default=5)
    demo.set_defaults(handler=_demo)
    doctor = commands.add_parser("doctor", help="check Python, Keras, TensorFlow, R and rpy2")
    doctor.set_defaults(handler=lambda _args: _doctor())
    run = commands.add_parser("run", help="run an R keras script in the embedded R session")
    run.add_argument("file", help="the R script")
    run.add_argument("args", nargs=argparse.REMAINDER,
                     help="arguments for the script (commandArgs(trailingOnly = TRUE))")
    run.set_defaults(handler=_run)
    for name in ("console", "r"):
        console = commands.add_parser(
            name, help="an interactive R session with the keras3 front end"
            + (" (alias of console)" if name == "r" else ""))
        console.set_defaults(handler=_console)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
