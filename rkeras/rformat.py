"""How R prints: `str()` of a list, `format()`/`prettyNum()` of numbers, NA/NaN/Inf.

Everything rkeras shows the way R would (an `RList`'s repr, the printed
training history) formats through this module, so R's rules are written once:

* :func:`format_special`: NaN, Inf and -Inf as R spells them;
* :func:`format_r_number`: one number as `prettyNum(x, big.mark = ",",
  digits = 4)` (keras3's history print);
* :func:`format_numbers`: a vector as `format(x, digits = 3)` (one notation
  and one number of decimals for all, as `str()` shows them);
* :func:`str_list`: R's `str()` of a (nested) named list.

It imports nothing from rkeras. Named lists are recognised by shape (an object
with `names()` and `items()`, such as `rkeras.rlist.RList`), so this module
does not import the class it prints.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["format_special", "format_r_number", "format_count", "format_numbers",
           "StrOptions", "str_list"]


def format_special(value: Any) -> str | None:
    """R's spelling of a non-finite number (`NaN`, `Inf`, `-Inf`), or None for others.

    Example:
        >>> format_special(float("inf")), format_special(float("nan")), format_special(1.5)
        ('Inf', 'NaN', None)
    """
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Inf" if f > 0 else "-Inf"
    return None


def format_r_number(value: Any, digits: int = 4, big_mark: str = ",") -> str:
    """Formats a number as R's `prettyNum(x, big.mark=",", digits=4, scientific=FALSE)`.

    This is how keras3's `print.keras_training_history` formats each final
    metric value: at most `digits` significant digits, trailing zeros dropped
    (R keeps only as many significant digits as the value needs), never
    scientific notation, all integer digits kept, thousands separated by
    `big_mark`. Missing values print as R prints them: `NA`, `NaN`, `Inf`.

    Args:
        value: A number (Python, numpy) or `None` (R's `NA`).
        digits: Maximum number of significant digits, as R's `digits=`.
        big_mark: Separator inserted every three integer digits, as R's
            `big.mark=`; `""` for none.

    Returns:
        The formatted string.

    Example:
        >>> format_r_number(0.91234567)
        '0.9123'
        >>> format_r_number(12345.67)
        '12,346'
        >>> format_r_number(0.5)
        '0.5'
    """
    if value is None:
        return "NA"
    special = format_special(value)
    if special is not None:
        return special
    number = float(value)
    if number == 0:
        return "0"
    # Round to `digits` significant digits in scientific form, then count the
    # significant digits that survive once trailing zeros are dropped: that is
    # how many R shows. Rounding may carry into the exponent (9.99995 -> 1e1),
    # which reading the exponent back from the string takes care of.
    mantissa, exponent = f"{abs(number):.{digits - 1}e}".split("e")
    significant = len(mantissa.replace(".", "").rstrip("0")) or 1
    decimals = max(0, significant - 1 - int(exponent))
    text = f"{number:.{decimals}f}"
    if big_mark:
        sign = "-" if text.startswith("-") else ""
        integer, _, fraction = text.lstrip("-").partition(".")
        integer = f"{int(integer):,}".replace(",", big_mark)
        text = sign + integer + ("." + fraction if fraction else "")
    return text


def format_count(value: Any) -> str:
    """A count as R's `prettyNum(x, big.mark = ",")` prints it (`None` is "NULL")."""
    # R's prettyNum() on a missing list element gives the string "NULL".
    if value is None:
        return "NULL"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    return format_r_number(value, digits=7)


# ----------------------------------------------------------------- R str()
class StrOptions:
    """R's `str()` options: `list.len`, `vec.len`, `max.level`."""

    __slots__ = ("list_len", "vec_len", "max_level")

    def __init__(self, list_len: int, vec_len: int, max_level: int | None):
        self.list_len = list_len
        self.vec_len = vec_len
        self.max_level = max_level


def _prefix(level: int) -> str:
    # R: " $ " at the top level, "  ..$ " below it, "  .. ..$ " below that ...
    if level == 0:
        return " $ "
    return "  " + " ".join([".."] * level) + "$ "


def _is_named_list(value: Any) -> bool:
    """An R-list-like object (`RList`): has `names()` and `items()` of (name, value) pairs."""
    return callable(getattr(type(value), "names", None)) and callable(getattr(type(value), "items", None))


def str_list(items: list, level: int, opts: StrOptions, total: int | None = None) -> str:
    """R's `str()` of a list given as (name, value) pairs (name None when unnamed).

    Example:
        >>> print(str_list([("loss", 0.25), ("x", np.arange(3))], 0, StrOptions(99, 4, None)))
        List of 2
         $ loss: num 0.25
         $ x   : int [1:3(1d)] 0 1 2
    """
    n = len(items) if total is None else total
    if n == 0:
        return " list()"
    head = f"List of {n}"
    if opts.max_level is not None and level >= opts.max_level:
        return head
    shown = items[: opts.list_len]
    width = max(len(name or "") for name, _ in shown)
    lines = [head]
    for name, value in shown:
        label = (name or "").ljust(width)
        lines.append(f"{_prefix(level)}{label}:{_str_value(value, level + 1, opts)}")
    if n > opts.list_len:
        lines.append(_prefix(level)[:-2] + " [list output truncated]")
    return "\n".join(lines)


_R_TYPES = {"b": "logi", "i": "int", "u": "int", "f": "num", "c": "cplx", "U": "chr", "S": "chr"}


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (numbers.Number, np.generic, str, bytes)) and not isinstance(value, np.ndarray)


def _scalar_list_kind(values: list) -> str | None:
    """The R vector type a Python list of scalars would become, or None."""
    if not values or not all(_is_scalar(v) for v in values):
        return None
    kinds = set()
    for v in values:
        if isinstance(v, (bool, np.bool_)):
            kinds.add("logi")
        elif isinstance(v, (numbers.Integral, np.integer)):
            kinds.add("int")
        elif isinstance(v, (numbers.Real, np.floating)):
            kinds.add("num")
        elif isinstance(v, (numbers.Complex, np.complexfloating)):
            kinds.add("cplx")
        elif isinstance(v, (str, bytes, np.str_, np.bytes_)):
            kinds.add("chr")
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {"int", "num"}:
        return "num"
    return None


def _str_value(value: Any, level: int, opts: StrOptions) -> str:
    if _is_named_list(value) and not isinstance(value, Mapping):
        return str_list(value.items(), level, opts)
    if isinstance(value, Mapping):
        return str_list([(str(k), v) for k, v in value.items()], level, opts)
    if value is None:
        return " NULL"
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            if value.ndim == 1:
                shown = [(None, v) for v in value[: opts.list_len]]
                return str_list(shown, level, opts, total=len(value))
            return f" obj {_dims(value.shape, True)} ..."
        kind = _R_TYPES.get(value.dtype.kind)
        if kind is None:
            return f" <{value.dtype} array {_dims(value.shape, True)}>"
        if value.ndim == 0:
            return f" {kind} {_format_values(kind, [value[()]], opts.vec_len)[0]}"
        return _str_vector(kind, value, value.shape, True, opts)
    if _is_scalar(value):
        kind = _scalar_list_kind([value])
        return f" {kind} {_format_values(kind, [value], opts.vec_len)[0]}"
    if isinstance(value, (list, tuple)):
        kind = _scalar_list_kind(list(value))
        if kind is not None:
            return _str_vector(kind, list(value), (len(value),), False, opts)
        shown = [(None, v) for v in list(value)[: opts.list_len]]
        return str_list(shown, level, opts, total=len(value))
    shape = getattr(value, "shape", None)
    name = type(value).__name__
    if shape is not None:
        try:
            return f" <{name} {_dims(tuple(shape), True)}>"
        except Exception:
            pass
    return f" <{name}>"


def _dims(shape: tuple, is_array: bool) -> str:
    if len(shape) == 1:
        return f"[1:{shape[0]}(1d)]" if is_array else f"[1:{shape[0]}]"
    return "[" + ", ".join(f"1:{d}" for d in shape) + "]"


def _str_vector(kind: str, data: Any, shape: tuple, is_array: bool, opts: StrOptions) -> str:
    size = int(np.prod(shape)) if shape else 1
    if size == 0:
        return f" {kind}(0) "
    n_show = _n_show(kind, data, shape, opts.vec_len)
    first = _first_values(data, shape, min(n_show, size))
    if kind == "num" and n_show > _n_show_plain(opts.vec_len):
        # R shows 2.5 * vec.len doubles only when they print exactly with 3 digits.
        if not all(_prints_exactly(v) for v in first):
            first = first[: _n_show_plain(opts.vec_len)]
    text = " ".join(_format_values(kind, first, opts.vec_len))
    more = " ..." if size > len(first) else ""
    if size == 1 and not is_array:
        return f" {kind} {text}"
    return f" {kind} {_dims(shape, is_array)} {text}{more}"


def _n_show_plain(vec_len: int) -> int:
    return int(round(1.25 * vec_len))


def _n_show(kind: str, data: Any, shape: tuple, vec_len: int) -> int:
    if kind in ("int", "num"):
        return int(round(2.5 * vec_len))
    if kind == "logi":
        return int(round(1.5 * vec_len))
    return max(1, vec_len)


def _prints_exactly(v: Any) -> bool:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return False
    if not math.isfinite(f) or f == 0:
        return True
    a = abs(f)
    if not (1e-10 < a < 1e10):
        return False
    return abs(a - float(f"{a:.3g}")) <= 1e-12 * max(1.0, a)


def _first_values(data: Any, shape: tuple, k: int) -> list:
    """The first k elements in R's (column-major) order, without copying the array."""
    if isinstance(data, np.ndarray):
        if data.ndim <= 1:
            return [data.reshape(-1)[i] for i in range(k)] if data.ndim == 1 else [data[()]]
        idx = np.unravel_index(np.arange(k), shape, order="F")
        return list(data[idx])
    return list(data)[:k]


def _format_values(kind: str, values: list, vec_len: int) -> list:
    if kind == "int":
        return [format_special(v) or str(int(v)) for v in values]
    if kind == "logi":
        return ["TRUE" if bool(v) else "FALSE" for v in values]
    if kind == "chr":
        out = []
        for v in values:
            if isinstance(v, (bytes, np.bytes_)):
                v = v.decode("utf-8", "replace")
            out.append('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"')
        return out
    if kind == "cplx":
        return [f"{complex(v).real:.3g}{complex(v).imag:+.3g}i" for v in values]
    return format_numbers([float(v) for v in values])


def format_numbers(values: list, digits: int = 3) -> list:
    """R's `format(x, digits = 3, drop0trailing = TRUE)`, approximately.

    Example:
        >>> format_numbers([1.0, 2.5, float("nan")])
        ['1', '2.5', 'NaN']

    Like R, one notation and one number of decimals is chosen for all the
    values (enough for the one needing most), then trailing zeros dropped.
    """
    finite = [v for v in values if math.isfinite(v)]
    rgt = 0       # decimals in fixed notation
    mxsig = 1     # significant digits in scientific notation
    left = 1      # digits left of the decimal point
    neg = any(v < 0 for v in finite)
    for v in finite:
        if v == 0:
            continue
        mant, exp_text = f"{abs(v):.{digits - 1}e}".split("e")
        exp = int(exp_text)
        sig = len(mant.replace(".", "").rstrip("0")) or 1
        mxsig = max(mxsig, sig)
        rgt = max(rgt, sig - 1 - exp)
        left = max(left, exp + 1)
    rgt = max(0, rgt)
    fixed_width = neg + left + (rgt + 1 if rgt else 0)
    sci_width = neg + (mxsig + 1 if mxsig > 1 else mxsig) + 4
    use_sci = bool(finite) and fixed_width > sci_width
    out = []
    for v in values:
        special = format_special(v)
        if special is not None:
            out.append(special)
        elif use_sci:
            mant, exp_text = f"{v:.{mxsig - 1}e}".split("e")
            if "." in mant:
                mant = mant.rstrip("0").rstrip(".")
            exp = int(exp_text)
            out.append(f"{mant}e{'+' if exp >= 0 else '-'}{abs(exp):02d}")
        else:
            text = f"{v:.{rgt}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            if text in ("-0", ""):
                text = "0"
            out.append(text)
    return out
