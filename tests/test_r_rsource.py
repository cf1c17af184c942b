"""rkeras.r.rsource: R source written from Python (names, literals, formals, the verbs' R functions).

None of this needs R: the tests run without rpy2.
"""

from __future__ import annotations

import re

from rkeras.r.rsource import (
    function_formals,
    generate_source,
    python_param_name,
    r_literal,
    r_param_name,
    r_symbol,
    verb_help,
)
from rkeras.registry import registry


def test_param_name_rule_and_literals():
    assert r_param_name("freeze_weights", "from_") == "from"
    assert python_param_name("freeze_weights", "from") == "from_"
    assert r_param_name("x", "in") == "in_"
    assert r_param_name("layer_lambda", "function") == "f"
    assert r_param_name("x", "units") == "units"
    assert [r_literal(v) for v in (None, True, 1, 0.5, 1e-07, "a\"b", (1, 1), ("a", None))] == \
        ["NULL", "TRUE", "1L", "0.5", "1e-07", '"a\\"b"', "c(1L, 1L)", 'list("a", NULL)']
    assert r_literal(object()) is None and r_literal(float("inf")) == "Inf"


def test_symbols_that_r_cannot_spell_get_backticks():
    assert r_symbol("units") == "units"
    assert r_symbol("if") == "`if`" and r_symbol("_x") == "`_x`" and r_symbol("a`b") == "`a\\`b`"


def test_python_signature_as_r_formals():
    def f(a, b=2, *args, c="z", flag=True, obj=object(), **kw):
        return a

    src, names = function_formals(f)
    assert src == 'a, b = 2L, ..., c = "z", flag = TRUE, obj = NULL'
    assert names == ["a", "b", "...", "c", "flag", "obj"]
    assert function_formals(print)[1] == ["...", "sep", "end", "file", "flush"]


def test_generated_source_has_one_function_per_verb():
    src = generate_source(frozenset({"summary"}))
    defined = re.findall(r"^(\S+) <- function\(", src, flags=re.MULTILINE)
    assert len(defined) == len(registry())
    assert ".rk_verb_summary" in defined and "summary" not in defined
    line = next(ln for ln in src.splitlines() if ln.startswith("layer_dense <- "))
    assert line.startswith("layer_dense <- function(object, units, activation = NULL")
    assert line.endswith('...) .rk_verb("layer_dense")')


def test_verb_help_shows_the_r_signature():
    text = verb_help("layer_dense")
    assert text.startswith("layer_dense(object, units, activation = NULL")
    assert verb_help("no_such_verb") == ""
