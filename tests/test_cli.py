"""The `rkeras` command and `import rkeras` start without TensorFlow (issue 15, items 1 and 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rkeras.progress import progress

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("tensorflow", "keras", "rpy2", "numpy", "pandas", "matplotlib")


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=300, env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return out


def _loaded(code: str) -> list[str]:
    """Heavy top-level packages in sys.modules after running `code` in a fresh process."""
    out = _python(code + f"\nimport sys; print(sorted({{m.split('.')[0] for m in sys.modules}} "
                         f"& set({HEAVY!r})))")
    return eval(out.stdout.strip().splitlines()[-1])


def test_help_imports_no_tensorflow_keras_or_r():
    code = ("import contextlib, io\n"
            "from rkeras.cli import main\n"
            "buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):\n"
            "    main(['--help'])\n"
            "assert 'RKERAS_TF_LOGS' in buf.getvalue() and 'doctor' in buf.getvalue()")
    assert _loaded(code) == []


def test_help_from_the_installed_command():
    out = subprocess.run([str(Path(sys.executable).with_name("rkeras")), "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "usage: rkeras" in out.stdout and "RKERAS_TF_LOGS=1" in out.stdout


def test_doctor_and_demo_modules_import_nothing_heavy():
    # `rkeras doctor` prints its first lines before any check imports Keras or R.
    assert _loaded("import rkeras.doctor, rkeras.demo, rkeras.cli") == []


def test_import_rkeras_is_lazy_and_submodules_do_not_load_the_verbs():
    assert _loaded("import rkeras; from rkeras import errors, pipe, then") == []


def test_verbs_appear_on_first_use():
    code = (
        "import inspect, pydoc, sys, rkeras\n"
        "assert 'keras' not in sys.modules\n"
        "ns = {}\n"
        "exec('from rkeras import *', ns)\n"
        "assert {'layer_dense', 'fit', 'compile', 'pipe', 'plot', 'dataset_mnist'} <= set(ns)\n"
        "assert 'keras' in sys.modules\n"
        "assert ns['layer_dense'] is rkeras.layer_dense\n"
        "assert 'layer_dense' in dir(rkeras) and 'layer_dense' in rkeras.__all__\n"
        "print(list(inspect.signature(rkeras.layer_dense).parameters)[:3])\n"
        "print('keras.layers.Dense' in pydoc.render_doc(rkeras.layer_dense))\n"
        "print(rkeras.layer_dense(units=3).layer.units)\n"
    )
    lines = _python(code).stdout.split("\n")
    assert lines[:3] == ["['object', 'units', 'activation']", "True", "3"]


def test_unknown_attribute_says_what_it_may_be():
    code = ("import rkeras\ntry:\n    rkeras.layer_dens\nexcept AttributeError as e:\n"
            "    print(e)\n")
    message = _python(code).stdout.strip()
    assert "has no attribute 'layer_dens'" in message and "Did you mean 'layer_dense'" in message


def test_progress_note_after_the_delay_only(monkeypatch, capsys):
    monkeypatch.setenv("RKERAS_PROGRESS", "1")
    with progress("loading Keras", delay=0.05):
        time.sleep(0.4)
    with progress("a quick step", delay=2):
        pass
    err = capsys.readouterr().err
    assert err == "rkeras: loading Keras ...\n"


def test_progress_silent_off_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv("RKERAS_PROGRESS", raising=False)
    with progress("loading Keras", delay=0.01):
        time.sleep(0.2)
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_shown_on_a_terminal():
    primary, secondary = os.openpty()
    code = ("import time; from rkeras.progress import progress\n"
            "with progress('starting R', delay=0.05):\n    time.sleep(0.4)\n")
    env = {k: v for k, v in os.environ.items() if k != "RKERAS_PROGRESS"}
    proc = subprocess.run([sys.executable, "-c", code], stderr=secondary, env=env, timeout=60)
    os.close(secondary)
    text = b""
    try:
        while chunk := os.read(primary, 1024):
            text += chunk
    except OSError:   # EIO once the child's end is closed
        pass
    os.close(primary)
    assert proc.returncode == 0
    assert b"rkeras: starting R ..." in text
