"""Writing R source text from Python values: names, literals, strings.

Both the R front end (one R function per verb) and the handles (an R closure
per exposed Python function) write R code; they share these rules.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Optional

# R's reserved words (?Reserved): not usable as argument names without backticks.
R_RESERVED = frozenset({
    "if", "else", "repeat", "while", "function", "for", "next", "break", "in",
    "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
    "NA_character_", "NA_complex_",
})

VALID_R_NAME = re.compile(r"^(?:[A-Za-z]|[.](?![0-9]))[A-Za-z0-9._]*$")


def r_string(text: str) -> str:
    # JSON's escapes (\", \\, \n, \uXXXX) are valid in R string literals.
    return json.dumps(text)


def r_literal(value: Any) -> Optional[str]:
    """R source for a Python default value, or None when R cannot spell it.

    Example:
        >>> r_literal(None), r_literal(True), r_literal((1, 1)), r_literal("relu")
        ('NULL', 'TRUE', 'c(1L, 1L)', '"relu"')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value}L" if abs(value) <= 2147483647 else repr(float(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, str):
        return r_string(value)
    if isinstance(value, (tuple, list)):
        if not value:
            return "list()"
        parts = [r_literal(v) for v in value]
        if any(p is None for p in parts):
            return None
        atomic = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) \
            or all(isinstance(v, str) for v in value) or all(isinstance(v, bool) for v in value)
        return ("c(" if atomic else "list(") + ", ".join(parts) + ")"
    return None


def r_symbol(name: str) -> str:
    if VALID_R_NAME.match(name) and name not in R_RESERVED:
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"
