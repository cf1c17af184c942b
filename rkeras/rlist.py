"""`RList`: the R named list that users get back (datasets, `evaluate()` ...).

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
* a `repr` that mimics R's `str()` of a list (written by `rkeras.rformat`).

Elements may be unnamed (name `None`) and names may repeat, as in R; lookups
by name return the first match, like R's `[[`. Attribute access only reaches
names that are not methods of the class (`obj.names` is the method; use
`obj["names"]` for an element called "names").
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping
from typing import Any, Iterator

import numpy as np

from .errors import ArgumentError, ArgumentTypeError, ElementNotFoundError, ReadOnlyError
from .rformat import StrOptions, str_list

__all__ = ["RList", "NamedResults"]


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
                raise ArgumentTypeError(
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
                    raise ArgumentTypeError(
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
                raise ArgumentError(
                    f"RList.from_values(): {len(names)} names for "
                    f"{len(values)} values; give one name per value."
                )
        out = cls()
        for name, value in zip(names, values):
            out._append(name, value)
        return out

    def _append(self, name: Any, value: Any) -> None:
        if name is not None and not isinstance(name, str):
            raise ArgumentTypeError(f"RList names must be strings or None; got {name!r}.")
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
                raise ElementNotFoundError(
                    f"no element named {key!r}; the names are {self._shown_names()}"
                )
            return i
        try:
            i = operator.index(key)
        except TypeError:
            raise ArgumentTypeError(
                "RList indices must be names (str), integers or slices; got "
                f"{type(key).__name__}"
            ) from None
        n = len(self._values)
        if not -n <= i < n:
            raise ElementNotFoundError(f"RList index {i} out of range for a list of length {n}")
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
        if name.startswith("_"):   # Python's own protocols (copy, pickle) probe these
            raise AttributeError(name)
        try:
            index = object.__getattribute__(self, "_index")
        except AttributeError:
            raise AttributeError(name) from None
        i = index.get(name)
        if i is None:
            raise ElementNotFoundError(
                f"RList has no element named {name!r}; the names are {self._shown_names()}"
            )
        return self._values[i]

    def __setattr__(self, name: str, value: Any) -> None:
        raise ReadOnlyError(
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
        opts = StrOptions(list_len=list_len, vec_len=vec_len, max_level=max_level)
        return str_list(self.items(), 0, opts)

    def __repr__(self) -> str:
        return self.str(list_len=10)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text("RList(...)" if cycle else repr(self))


class NamedResults(dict):
    """Named numbers that unpack in order: what `evaluate()` returns.

    A `dict` (so `dict(r)`, `pd.Series(r)` and `json.dumps(r)` see the names
    and values) whose *iteration yields the values*, in the order they were
    given, so that `loss, accuracy = model >> evaluate(x, y)` unpacks as
    Keras's `model.evaluate()` list does. `r["accuracy"]`, `r.accuracy`,
    `r.names()`, `"loss" in r` and `len(r)` work as for an `RList`; it
    prints as R's `str()` of a named list.

    Example:
        >>> r = NamedResults([("loss", 0.25), ("accuracy", 0.9)])
        >>> loss, accuracy = r
        >>> loss, r.accuracy, dict(r)
        (0.25, 0.9, {'loss': 0.25, 'accuracy': 0.9})
    """

    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        # Unpacking gives the values; dict(), json and pandas use keys()/items().
        return iter(list(dict.values(self)))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise ElementNotFoundError(
                f"no result named {name!r}; the names are {', '.join(map(repr, self.keys()))}"
            ) from None

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, slice)) and not isinstance(key, bool):
            values = list(dict.values(self))
            return values[key]
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise ElementNotFoundError(
                f"no result named {key!r}; the names are {', '.join(map(repr, self.keys()))}"
            ) from None

    def names(self) -> list:
        """The names, in order (R's `names()`)."""
        return list(self.keys())

    def to_dict(self) -> dict:
        """A plain dict of the results."""
        return dict(self.items())

    def __reduce__(self):
        return (NamedResults, (list(self.items()),))

    def __repr__(self) -> str:
        return str_list(list(self.items()), 0, StrOptions(list_len=10, vec_len=4, max_level=None))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text("NamedResults(...)" if cycle else repr(self))


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
