"""Every vignette renders, in Python and in R, on a small slice of its data.

Each test renders one lab twice with `vignettes/render.py`'s own functions,
with `RKERAS_VIGNETTE_FRACTION` set small (1 % of the samples and epochs,
at least a few samples): the Python version (Jupytext -> nbconvert execution
-> Markdown + PNG) and the R version (knitr inside `rkeras run`). It checks
that both complete, write their page and figures, and report their metrics;
and, since both run the same Keras with the same seed and the same sequence
of calls, that the R and the Python numbers agree.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("RKERAS_DATASETS") or ROOT.parent / "shared" / "data")
FRACTION = float(os.environ.get("RKERAS_TEST_VIGNETTE_FRACTION", "0.01"))

pytest.importorskip("jupytext")
pytest.importorskip("nbconvert")

_spec = importlib.util.spec_from_file_location("vignette_render", ROOT / "vignettes" / "render.py")
render = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render)

pytestmark = pytest.mark.skipif(not (DATA / "mnist.npz").exists(),
                                reason="offline datasets not found")

# Per lab: the metrics it must report, and how many figures each version draws.
EXPECTED = {
    "01-lm-to-perceptron": (["max_coef_diff", "xor_single_accuracy", "xor_mlp_accuracy",
                             "xor_tlu_accuracy"], 4),
    "02-mnist-dense": (["test_accuracy", "test_loss", "errors"], 4),
    "03-boston-regression": (["kfold_mae_100", "test_mae", "test_mae_unscaled",
                              "callback_epochs"], 3),
    "04-mnist-cnn": (["cnn_test_accuracy", "dense_test_accuracy", "deeper_test_accuracy",
                      "cnn_params"], 3),
    "05-imdb-rnn": (["embedding_val_accuracy", "simple_rnn_val_accuracy",
                     "lstm_val_accuracy", "lstm_test_accuracy"], 5),
}
# Numbers that do not depend on the data size: the same at any fraction.
FIXED = {"04-mnist-cnn": {"cnn_params": 93322, "dense_params": 407050}}


def _have_r() -> bool:
    try:
        import rpy2  # noqa: F401
    except ImportError:
        return False
    return (ROOT / "rkeras" / "r" / "frontend.py").exists()


def _check_page(out: Path, lang: str, name: str, record: dict, min_figures: int) -> None:
    page = out / lang / f"{name}.md"
    assert page.exists(), f"{lang}: no page {page}"
    text = page.read_text(encoding="utf-8")
    assert "Traceback" not in text and "## Error" not in text, f"{lang}: an error in {page}"
    figures = [f for f in record["figures"] if f.endswith(".png")]
    assert len(figures) >= min_figures, f"{lang}: {len(figures)} figures, expected {min_figures}"
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text):
        assert (out / lang / link).exists(), f"{lang}: the page links a missing figure {link}"
        assert (out / lang / link).stat().st_size > 1000
    assert len(re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)) >= min_figures


def _check_metrics(lang: str, name: str, metrics: dict, keys: list) -> None:
    assert metrics.get("fraction") == pytest.approx(FRACTION), f"{lang}: metrics not written"
    for key in keys:
        assert key in metrics, f"{lang}: metric {key!r} missing from {sorted(metrics)}"
        assert isinstance(metrics[key], (int, float)) and math.isfinite(metrics[key])
    for key, value in FIXED.get(name, {}).items():
        assert metrics[key] == value


@pytest.mark.parametrize("name", render.VIGNETTES)
def test_vignette_renders_in_both_languages(name, tmp_path):
    keys, min_figures = EXPECTED[name]
    python = render.render(name, "python", tmp_path, FRACTION, workdir=tmp_path / "work-py",
                           timeout=600)
    _check_page(tmp_path, "python", name, python, min_figures)
    _check_metrics("python", name, python["metrics"], keys)

    if not _have_r():
        pytest.skip("R front end (rpy2) not available: Python version checked only")
    r = render.render(name, "r", tmp_path, FRACTION, workdir=tmp_path / "work-r", timeout=600)
    _check_page(tmp_path, "r", name, r, min_figures)
    _check_metrics("r", name, r["metrics"], keys)

    # Same Keras, same seed, same calls in the same order: the same numbers.
    for key, value in python["metrics"].items():
        if isinstance(value, (int, float)) and not key.endswith("seconds"):
            assert r["metrics"].get(key) == pytest.approx(value, rel=1e-3, abs=1e-4), (
                f"{name}: {key} is {value} in Python but {r['metrics'].get(key)} in R")
