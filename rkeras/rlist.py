"""`RList`: a small ordered, named, R-list-like result container.

R keras3 returns nested named lists (`mnist$train$x`, `evaluate()` results,
...). `RList` gives Python the same thing without losing Python idioms:

* `obj.name`, `obj["name"]` (R's `obj$name`, `obj[["name"]]`),
* `obj[0]`, `obj[-1]`, `obj[1:3]` by position (0-based, as in Python),
* iteration over the *values*, so that tuple unpacking works:
  `(x_train, y_train), (x_test, y_test) = dataset_mnist()`
  (R's `c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset_mnist()`),
* `len()`, `names()`, `keys()`, `values()`, `items()`, `get()`,
  `"name" in obj` (tests the names, like R's `"name" %in% names(obj)`),
* `==` (names and values, numpy arrays compared by value),
* a `repr` that mimics R's `str()` of a list.

Elements may be unnamed (name `None`) and names may repeat, as in R; lookups
by name return the first match, like R's `[[`. Attribute access only reaches
names that are not methods of the class (`obj.names` is the method; use
`obj["names"]` for an element called "names").
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable, Mapping
from typing import Any, Iterator

import numpy as np

__all__ = ["RList"]

_MISSING = object()


class RList:
    """An ordered, optionally named list of values, like an R `list()`.

    Args:
        data: a mapping (its keys become the names), another `RList`, or an
            iterable of `(name, value)` pairs, as for `dict()`. Use
            `RList.from_values()` for unnamed elements.
        **named: more named elements, appended after `data`.

    Examples:
        ```python
        r = RList(loss=0.25, accuracy=0.9)
        r.loss, r["accuracy"], r[0]        # 0.25, 0.9, 0.25
        loss, accuracy = r                 # unpacks the values
        r.names()                          # ['loss', 'accuracy']
        ```
    """

    __slots__ = ("_names", "_values", "_index")

    def __init__(self, data: Any = None, /, **named: Any) -> None:
        object.__setattr__(self, "_names", [])
        object.__setattr__(self, "_values", [])
        object.__setattr__(self, "_index", {})
        if data is not None:
            if isinstance(data, RList):
                pairs: Iterable = data.items()
            elif isinstance(data, Mapping):
                pairs = data.items()
            elif isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
                raise TypeError(
                    "RList(data): `data` must be a mapping or an iterable of "
                    f"(name, value) pairs; got {type(data).__name__}. Use "
                    "RList.from_values() for unnamed values."
                )
            else:
                pairs = data
            for pair in pairs:
                try:
                    name, value = pair
                except (TypeError, ValueError):
                    raise TypeError(
                        "RList(data): every element of `data` must be a "
                        f"(name, value) pair; got {pair!r}. Use "
                        "RList.from_values() for unnamed values."
                    ) from None
                self._append(name, value)
        for name, value in named.items():
            self._append(name, value)

    # ------------------------------------------------------------------ build
    @classmethod
    def from_values(cls, values: Iterable[Any], names: Iterable[Any] | None = None) -> "RList":
        """Build an RList from values, unnamed or with the given names.

        Args:
            values: the elements, in order.
            names: optional names, one per value (`None` for an unnamed one).

        Returns:
            A new `RList`.
        """
        values = list(values)
        if names is None:
            names = [None] * len(values)
        else:
            names = list(names)
            if len(names) != len(values):
                raise ValueError(
                    f"RList.from_values(): {len(names)} names for "
                    f"{len(values)} values; give one name per value."
                )
        out = cls()
        for name, value in zip(names, values):
            out._append(name, value)
        return out

    def _append(self, name: Any, value: Any) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"RList names must be strings or None; got {name!r}.")
        self._names.append(name)
        self._values.append(value)
        if name is not None and name not in self._index:
            self._index[name] = len(self._values) - 1

    def _reindex(self) -> None:
        index = {}
        for i, name in enumerate(self._names):
            if name is not None and name not in index:
                index[name] = i
        object.__setattr__(self, "_index", index)

    # ---------------------------------------------------------------- access
    def names(self) -> list:
        """The element names, in order (`None` for unnamed elements), like R's `names()`."""
        return list(self._names)

    def keys(self) -> list:
        """Same as `names()`."""
        return list(self._names)

    def values(self) -> list:
        """The element values, in order."""
        return list(self._values)

    def items(self) -> list:
        """`(name, value)` pairs, in order."""
        return list(zip(self._names, self._values))

    def get(self, name: str, default: Any = None) -> Any:
        """The element called `name`, or `default` when there is none."""
        i = self._index.get(name)
        return default if i is None else self._values[i]

    def to_dict(self) -> dict:
        """A plain (nested) dict of the named elements; nested RLists become dicts too."""
        out = {}
        for i, (name, value) in enumerate(zip(self._names, self._values)):
            key = name if name is not None else i
            if key in out:
                continue
            out[key] = value.to_dict() if isinstance(value, RList) else value
        return out

    def _position(self, key: Any) -> int:
        if isinstance(key, str):
            i = self._index.get(key)
            if i is None:
                raise KeyError(
                    f"no element named {key!r}; the names are {self._shown_names()}"
                )
            return i
        try:
            i = operator.index(key)
        except TypeError:
            raise TypeError(
                "RList indices must be names (str), integers or slices; got "
                f"{type(key).__name__}"
            ) from None
        n = len(self._values)
        if not -n <= i < n:
            raise IndexError(f"RList index {i} out of range for a list of length {n}")
        return i % n

    def _shown_names(self) -> str:
        names = [n for n in self._names if n is not None]
        return ", ".join(repr(n) for n in names) if names else "(none)"

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return RList.from_values(self._values[key], self._names[key])
        return self._values[self._position(key)]

    def __setitem__(self, key: Any, value: Any) -> None:
        if isinstance(key, str) and key not in self._index:
            self._append(key, value)
            return
        self._values[self._position(key)] = value

    def __delitem__(self, key: Any) -> None:
        i = self._position(key)
        del self._names[i]
        del self._values[i]
        self._reindex()

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for element names.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            index = object.__getattribute__(self, "_index")
        except AttributeError:
            raise AttributeError(name) from None
        i = index.get(name)
        if i is None:
            raise AttributeError(
                f"RList has no element named {name!r}; the names are {self._shown_names()}"
            )
        return self._values[i]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"use obj[{name!r}] = value to set an element of an RList"
        )

    def __dir__(self) -> list:
        extra = [n for n in self._index if n.isidentifier()]
        return sorted(set(super().__dir__()) | set(extra))

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._values))

    def __contains__(self, name: Any) -> bool:
        return isinstance(name, str) and name in self._index

    def __reversed__(self) -> Iterator[Any]:
        return reversed(list(self._values))

    # ------------------------------------------------------------- pickling
    def __getstate__(self) -> dict:
        return {"names": list(self._names), "values": list(self._values)}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "_names", list(state["names"]))
        object.__setattr__(self, "_values", list(state["values"]))
        self._reindex()

    def __copy__(self) -> "RList":
        return RList.from_values(self._values, self._names)

    # -------------------------------------------------------------- equality
    def __eq__(self, other: Any) -> bool:
        if isinstance(other, RList):
            return self._names == other._names and _equal(self._values, other._values)
        if isinstance(other, Mapping):
            if any(n is None for n in self._names) or len(set(self._names)) != len(self._names):
                return False
            return list(other.keys()) == self._names and _equal(self._values, list(other.values()))
        return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # mutable

    # ----------------------------------------------------------------- print
    def str(self, list_len: int = 99, vec_len: int = 4, max_level: int | None = None) -> str:
        """The text of R's `str()` for this list.

        Args:
            list_len: at most this many elements of each (nested) list are
                shown, as R's `list.len` (R's default is 99).
            vec_len: R's `vec.len`: about how many leading values of each
                vector are shown (10 integers, 5 or 10 doubles, 4 strings).
            max_level: nesting depth to show; `None` for all levels.

        Returns:
            A multi-line string.
        """
        opts = _StrOptions(list_len=list_len, vec_len=vec_len, max_level=max_level)
        return _str_list(self.items(), 0, opts)

    def __repr__(self) -> str:
        return self.str(list_len=10)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text("RList(...)" if cycle else repr(self))


# ---------------------------------------------------------------- equality
def _equal(a: Any, b: Any) -> bool:
    """Value equality that understands numpy arrays, nested lists and RLists."""
    if a is b:
        return True
    if isinstance(a, RList) or isinstance(b, RList):
        return bool(a == b) if isinstance(a, RList) else bool(b == a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            a_arr, b_arr = np.asarray(a), np.asarray(b)
        except Exception:
            return False
        if a_arr.shape != b_arr.shape:
            return False
        if a_arr.dtype == object or b_arr.dtype == object:
            return all(_equal(x, y) for x, y in zip(a_arr.ravel(), b_arr.ravel()))
        try:
            return bool(np.array_equal(a_arr, b_arr, equal_nan=True))
        except TypeError:
            return bool(np.array_equal(a_arr, b_arr))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(a.keys()) == list(b.keys()) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


# ----------------------------------------------------------------- R str()
class _StrOptions:
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


def _str_list(items: list, level: int, opts: _StrOptions, total: int | None = None) -> str:
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


def _str_value(value: Any, level: int, opts: _StrOptions) -> str:
    if isinstance(value, RList):
        return _str_list(value.items(), level, opts)
    if isinstance(value, Mapping):
        return _str_list([(str(k), v) for k, v in value.items()], level, opts)
    if value is None:
        return " NULL"
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            if value.ndim == 1:
                shown = [(None, v) for v in value[: opts.list_len]]
                return _str_list(shown, level, opts, total=len(value))
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
        return _str_list(shown, level, opts, total=len(value))
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


def _str_vector(kind: str, data: Any, shape: tuple, is_array: bool, opts: _StrOptions) -> str:
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
        return [_r_special(v) or str(int(v)) for v in values]
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
    return _r_format_num([float(v) for v in values])


def _r_special(v: Any) -> str | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Inf" if f > 0 else "-Inf"
    return None


def _r_format_num(values: list, digits: int = 3) -> list:
    """R's `format(x, digits = 3, drop0trailing = TRUE)`, approximately.

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
        special = _r_special(v)
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
