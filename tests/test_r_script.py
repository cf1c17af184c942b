"""The slide labs in r_scripts/ run unchanged with `rkeras run`, like Rscript.

Each lab runs as a subprocess on a small slice of its data (seconds) and must
exit with status 0 and print its test metric line; a script with an error
must exit non-zero with the R message on stderr.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "r_scripts"
DATA = Path(os.environ.get("RKERAS_DATASETS") or ROOT.parent / "shared" / "data")
RKERAS = [sys.executable, "-m", "rkeras.cli"]


def rkeras_run(script: Path, *args: str, cwd: Path, timeout: int = 240):
    env = dict(os.environ, RKERAS_DATASETS=str(DATA), TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONUNBUFFERED="1")
    return subprocess.run([*RKERAS, "run", str(script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def metric(stdout: str, name: str) -> float:
    found = re.findall(rf"^{name}: ([0-9.]+)$", stdout, flags=re.MULTILINE)
    assert found, f"no '{name}: ...' line in the output:\n{stdout[-2000:]}"
    return float(found[-1])


LABS = [
    ("mnist_dense.R", ["--n", "2000", "--epochs", "1"], "test_accuracy", 0.5, 1.0),
    ("mnist_cnn.R", ["--n", "1000", "--epochs", "1"], "test_accuracy", 0.2, 1.0),
    ("boston_regression.R", ["--epochs", "5"], "test_mae", 0.0, 25.0),
    ("imdb_rnn.R", ["--n", "300", "--maxlen", "80", "--max_features", "2000",
                    "--epochs", "1"], "test_accuracy", 0.0, 1.0),
]


@pytest.mark.skipif(not (DATA / "mnist.npz").exists(), reason="offline datasets not found")
@pytest.mark.parametrize("script,args,name,low,high", LABS, ids=[lab[0] for lab in LABS])
def test_lab_runs_on_a_slice(tmp_path, script, args, name, low, high):
    result = rkeras_run(SCRIPTS / script, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    value = metric(result.stdout, name)
    assert low <= value <= high
    assert (tmp_path / "Rplots.pdf").exists()          # plot(history), as with Rscript
    assert "Final epoch (plot to see history):" in result.stdout


def test_script_error_exits_nonzero_with_message(tmp_path):
    script = tmp_path / "broken.R"
    script.write_text('library(keras)\ncat("before\\n")\n'
                      'model <- keras_model_sequential() %>% layer_dense(units = 4, activation = "rleu")\n'
                      'cat("after\\n")\n')
    result = rkeras_run(script, cwd=tmp_path)
    assert result.returncode == 1
    assert "before" in result.stdout and "after" not in result.stdout
    assert "rleu" in result.stderr and "Execution halted" in result.stderr


def test_script_args_quit_status_and_printing(tmp_path):
    script = tmp_path / "args.R"
    script.write_text('args <- commandArgs(trailingOnly = TRUE)\nargs\n'
                      'invisible(7)\nx <- 5\nwarning("watch out")\n'
                      'quit(status = as.integer(args[[2]]))\ncat("unreachable\\n")\n')
    result = rkeras_run(script, "--code", "3", cwd=tmp_path)
    assert result.returncode == 3
    assert '[1] "--code" "3"' in result.stdout and "[1] 7" not in result.stdout
    assert "unreachable" not in result.stdout
    assert "Warning message:\nwatch out" in result.stderr


def test_missing_script_fails(tmp_path):
    result = rkeras_run(tmp_path / "nope.R", cwd=tmp_path)
    assert result.returncode != 0 and "nope.R" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("RKERAS_SLOW_TESTS") != "1",
                    reason="full-data run (~30 s of training): set RKERAS_SLOW_TESTS=1")
@pytest.mark.skipif(not (DATA / "mnist.npz").exists(), reason="offline datasets not found")
def test_slides_mnist_verbatim_full_data(tmp_path):
    result = rkeras_run(SCRIPTS / "slides_mnist.R", cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert metric(result.stdout, "test_accuracy") > 0.95


def test_jupyter_activate_makes_verbs_work_in_percent_r_cells(tmp_path):
    pytest.importorskip("IPython")
    code = """
from IPython.testing.globalipapp import start_ipython
ip = start_ipython()
ip.run_cell("import rkeras.r.frontend; seconds = rkeras.r.frontend.activate()")
result = ip.run_cell('''%%R
library(keras)
m <- keras_model_sequential(input_shape = 4) %>% layer_dense(units = 2)
cat("layers:", length(m$layers), "\\\\n")
''')
assert result.error_in_exec is None, result.error_in_exec
"""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "layers: 1" in result.stdout
