"""The bad-input catalogue (docs/errors.md), written in R through the bridge.

Each case is R code a user of R keras might write. The rkeras error must reach
R as an R error, catchable with `tryCatch`, carrying the same message as in
Python (what was wrong, where, what to do), and the session must stay usable.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("rpy2")

pytestmark = pytest.mark.r

MODEL = """
set_random_seed(0)
model <- keras_model_sequential(input_shape = 4) %>%
  layer_dense(units = 3, activation = "softmax") %>%
  compile(loss = "categorical_crossentropy")
x <- matrix(rnorm(48), nrow = 12)
y <- to_categorical(rep(0:2, 4), 3)
"""

# case (as in docs/errors.md) -> (R code that fails, pattern of the message)
CASES = {
    "na-in-features": ("x[3, 2] <- NA; fit(model, x, y, verbose = 0)",
                       r"NA/NaN at position \[3, 2\]"),
    "na-in-features (integer NA)": (
        "xi <- matrix(1:48, nrow = 12); xi[5, 1] <- NA_integer_; fit(model, xi, y, verbose = 0)",
        r"NA/NaN at position \[5, 1\]"),
    "na-in-features (logical NA)": (
        "xl <- matrix(TRUE, 12, 4); xl[2, 4] <- NA; fit(model, xl, y, verbose = 0)",
        r"NA/NaN at position \[2, 4\]"),
    "na-in-labels": ("y[4, 1] <- NA; fit(model, x, y, verbose = 0)",
                     r"`y` contains 1 missing.*position \[4, 1\]"),
    "label-out-of-range-for-loss": (
        "compile(model, loss = 'sparse_categorical_crossentropy'); "
        "fit(model, x, factor(rep(c('a', 'b', 'c'), 4)), verbose = 0); "
        "fit(model, x, rep(1:3, 4), verbose = 0)",
        r"class numbers 0\.\.2.*as\.integer\(f\) - 1"),
    "label-out-of-range-to-categorical": ("to_categorical(c(1, 2, 3), 3)",
                                          r"outside 0\.\.2"),
    "x-y-length-mismatch": ("fit(model, x, y[1:5, ], verbose = 0)",
                            r"`x` has 12 samples but `y` has 5"),
    "shape-does-not-fit-input-shape": ("fit(model, x[, 1:3], y, verbose = 0)",
                                       # R syntax for an R user (c(), not Python's tuple)
                                       r"shape c\(12, 3\) but the model expects c\(n, 4\)"),
    "factor-column-where-numbers-needed": (
        "df <- data.frame(a = x[, 1], b = x[, 2], c = x[, 3], kind = factor(rep(c('u', 'v'), 6))); "
        "fit(model, df, y, verbose = 0)",
        r"column 'kind' is a factor/category"),
    "character-column-where-numbers-needed": (
        "df <- data.frame(a = x[, 1], b = x[, 2], c = x[, 3], name = 'x'); fit(model, df, y, verbose = 0)",
        r"column 'name' holds"),
    "empty-data": ("fit(model, x[0, , drop = FALSE], y[0, , drop = FALSE], verbose = 0)",
                   r"empty"),
    "non-integral-size": ("layer_dense(units = 10.5)", r"`units` must be a whole number; got 10\.5"),
    "negative-size": ("layer_conv_2d(filters = -8, kernel_size = 3)",
                      r"`filters` must be positive; got -8"),
    "unknown-activation": ("layer_dense(units = 2, activation = 'sigmoud')",
                           r"unknown activation 'sigmoud'\. Did you mean 'sigmoid'"),
    "unknown-optimizer": ("compile(model, optimizer = 'adamm', loss = 'mse')", r"Did you mean 'adam'"),
    "unknown-loss": ("compile(model, loss = 'mean_squared_eror')",
                     r"Did you mean 'mean_squared_error'"),
    "unknown-metric": ("compile(model, loss = 'mse', metrics = c('accuracy', 'maee'))",
                       r"unknown metric 'maee'"),
    "misspelled-argument": ("layer_dense(units = 2, activaton = 'relu')",
                            r"unknown argument `activaton`\. Did you mean 'activation'"),
    "zero-axis": ("layer_concatenate(axis = 0)", r"1-based"),
    "zero-initial-epoch": ("fit(model, x, y, initial_epoch = 0, verbose = 0)",
                           r"`initial_epoch` is 1-based"),
    "layer-index-out-of-range": ("get_layer(model, index = 5)", r"`index` = 5 but the model has 1 layer"),
    "load-missing-file": ("load_model('/nonexistent/model.keras')", r"no file at"),
}


@pytest.fixture(scope="module")
def r_error():
    """Run R code in a fresh local scope; return the message tryCatch caught (or None)."""
    from rkeras.r import frontend
    from rkeras.r.evaluate import r_eval

    frontend.install()

    def run(code: str):
        wrapped = ("local({\n" + MODEL + "\ntryCatch({" + code + "; NULL}, "
                   "error = function(e) conditionMessage(e))\n})")
        value = r_eval(wrapped)
        return None if value is None or len(value) == 0 else str(list(value)[0])
    return run


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_an_r_error_with_the_message(case, r_error):
    code, pattern = CASES[case]
    message = r_error(code)
    assert message is not None, f"{case}: no R error"
    assert re.search(pattern, message, re.S), message


def test_the_session_is_usable_after_the_errors(r_error):
    from rkeras.r.evaluate import r_eval

    assert r_error("stop('plain R error')") == "plain R error"
    assert list(r_eval("sum(1:10)"))[0] == 55


def test_every_r_case_is_in_the_documented_catalogue():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "errors.md").read_text()
    missing = [case for case in CASES if f"`{case.split(' (')[0]}`" not in text]
    assert missing == []
