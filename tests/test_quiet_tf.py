"""rkeras.quiet_tf: TensorFlow's start-up noise stays off the console, its warnings do not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rkeras.quiet_tf import ENV_VAR, filtered_stderr, is_startup_noise

ROOT = Path(__file__).resolve().parent.parent
RKERAS = Path(sys.executable).with_name("rkeras")

# What TensorFlow 2.21 prints at import on this CPU (issue 15).
NOISE = ("All log messages before absl::InitializeLog() is called",
         "oneDNN custom operations are on",
         "cpu_feature_guard")


def _env(**extra: str) -> dict[str, str]:
    """The user's environment without any TensorFlow logging setting of ours."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", ENV_VAR, "TF_ENABLE_ONEDNN_OPTS")}
    env.update(extra)
    return env


def _run(args: list[str], **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=_env(**extra),
                          cwd=ROOT, timeout=300)


def _noise(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(n in line for n in NOISE)]


IMPORT_AND_USE = ("import rkeras, keras; "
                  "print(float(keras.ops.sum(keras.ops.ones(3))))")


@pytest.fixture(scope="module")
def plain_keras_noise() -> list[str]:
    """The noise lines a plain `import keras` prints here (what rkeras must hide)."""
    out = _run([sys.executable, "-c", "import keras"])
    noise = _noise(out.stderr)
    if not noise:
        pytest.skip("TensorFlow prints no start-up noise on this machine: nothing to hide")
    return noise


def test_import_rkeras_then_keras_is_quiet(plain_keras_noise):
    out = _run([sys.executable, "-c", IMPORT_AND_USE])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "3.0"
    assert _noise(out.stderr) == []
    assert out.stderr.strip() == ""


def test_opt_in_shows_tensorflow_logs(plain_keras_noise):
    out = _run([sys.executable, "-c", IMPORT_AND_USE], **{ENV_VAR: "1"})
    assert out.returncode == 0, out.stderr
    # Every kind of line a plain `import keras` prints is back.
    kinds = {n for n in NOISE if any(n in line for line in plain_keras_noise)}
    assert kinds and all(n in out.stderr for n in kinds)


def test_user_asking_tf_for_info_logs_gets_them(plain_keras_noise):
    out = _run([sys.executable, "-c", IMPORT_AND_USE], TF_CPP_MIN_LOG_LEVEL="0")
    assert "oneDNN custom operations are on" in out.stderr


def test_warnings_and_errors_still_show(plain_keras_noise):
    # A bad TF_ENABLE_ONEDNN_OPTS makes TensorFlow's C++ log a WARNING while it
    # loads, inside the filtered import: it must come through, the INFO lines
    # not; so must Python's warnings and errors.
    code = ("import rkeras, keras, warnings; warnings.warn('a real warning'); "
            "raise SystemExit('a real error')")
    out = _run([sys.executable, "-c", code], TF_ENABLE_ONEDNN_OPTS="maybe")
    assert out.returncode == 1
    assert "TF_ENABLE_ONEDNN_OPTS is not set to either '0', 'false'" in out.stderr
    assert "UserWarning: a real warning" in out.stderr
    assert "a real error" in out.stderr
    assert _noise(out.stderr) == []


def test_rkeras_doctor_is_quiet(plain_keras_noise):
    out = _run([str(RKERAS), "doctor"])
    assert out.stdout.startswith("rkeras doctor\n")
    assert "Keras + TensorFlow: trained a tiny model" in out.stdout
    assert _noise(out.stderr) == []


@pytest.mark.r
def test_rkeras_run_of_an_r_script_is_quiet(plain_keras_noise, tmp_path):
    if shutil.which("R") is None:
        pytest.skip("R is not installed")
    script = tmp_path / "lab.R"
    script.write_text('library(keras)\nl <- layer_dense(units = 2)\ncat("ok\\n")\n')
    out = _run([str(RKERAS), "run", str(script)])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
    assert _noise(out.stderr) == []


def test_startup_noise_lines_are_recognised():
    assert is_startup_noise(b"WARNING: All log messages before absl::InitializeLog() is called "
                            b"are written to STDERR")
    assert is_startup_noise(b"I0000 00:00:1796041865.646514    9457 port.cc:153] oneDNN custom "
                            b"operations are on.")
    assert is_startup_noise(b"I0000 00:00:1796041865.678788    9457 cpu_feature_guard.cc:227] "
                            b"This TensorFlow binary is optimized")
    assert not is_startup_noise(b"W0000 00:00:1796041865.646514    9457 port.cc:140] "
                                b"TF_ENABLE_ONEDNN_OPTS is not set")
    assert not is_startup_noise(b"E0000 00:00:1796041865.646514    9457 x.cc:1] failed")
    assert not is_startup_noise(b"Info about my data")
    assert not is_startup_noise(b"UserWarning: WARNING: All log messages")


def test_filtered_stderr_drops_only_noise_and_restores_fd2(capfd):
    with filtered_stderr():
        os.write(2, b"I0000 00:00:1.5 12 port.cc:153] oneDNN custom operations are on.\n"
                    b"keep me\n"
                    b"W0000 00:00:1.5 12 x.cc:1] a warning\n"
                    b"no newline at the end")
    os.write(2, b"|after")
    err = capfd.readouterr().err
    assert err == "keep me\nW0000 00:00:1.5 12 x.cc:1] a warning\nno newline at the end|after"
