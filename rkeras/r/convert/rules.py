"""The conversion rule tables: RuleTable, TO_R / TO_PYTHON, register_*, and applying them.

:func:`rkeras.r.convert.to_python` (R -> Python) and
:func:`rkeras.r.convert.to_r` (Python -> R) each look their argument up in a
:class:`RuleTable`, an ordered list of ``(matcher, function)`` rules, first
match wins, in the style of rpy2's converters. The built-in rules
(:mod:`.to_python`, :mod:`.to_r`, :mod:`.dates`, :mod:`.functions`) are
installed in order by :mod:`rkeras.r.convert`; rules registered with
:func:`register_to_r` / :func:`register_to_python` go in front of them.
Rules convert nested values through :func:`r_value` and :func:`python_value`,
which apply the tables (lock held, R started).
"""

from __future__ import annotations

import inspect
import threading
from typing import Any, Callable, NamedTuple, Optional, Sequence

from .. import handles
from ..sexp import cdata, rclass, typeof

__all__ = [
    "Rule",
    "RuleTable",
    "TO_R",
    "TO_PYTHON",
    "ConvertOptions",
    "StrList",
    "UnnamedList",
    "NAName",
    "NA_NAME",
    "MAX_DEPTH",
    "plain_lists",
    "register_to_r",
    "register_to_python",
    "r_value",
    "python_value",
    "by_storage_type",
]


class Rule(NamedTuple):
    """One conversion rule: ``matcher`` selects objects, ``function`` converts them."""

    matcher: Any
    function: Callable
    name: str


class RuleTable:
    """An ordered table of conversion rules; the first matching rule wins.

    A matcher is one of:

    * a ``str``: an R class name (only in the R -> Python table), matched
      against the object's ``class`` attribute in S3 order;
    * an ``int``: an R storage type (``SEXPTYPE``, e.g. 14 for double);
    * a type or tuple of types: ``isinstance`` (Python objects for ``to_r``,
      rpy2 classes for ``to_python``);
    * any other callable: a predicate ``matcher(obj) -> bool``.
    """

    def __init__(self, name: str):
        self.name = name
        self._rules: list[Rule] = []

    def __iter__(self):
        return iter(list(self._rules))

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        lines = [f"<RuleTable {self.name}: {len(self._rules)} rules>"]
        for r in self._rules:
            lines.append(f"  {_matcher_text(r.matcher):<40} -> {r.name}")
        return "\n".join(lines)

    def add(self, matcher: Any, function: Callable, *, first: bool = True,
            name: Optional[str] = None) -> Callable:
        """Add a rule (in front by default, so it overrides the built-in ones)."""
        rule = Rule(matcher, function, name or getattr(function, "__qualname__", repr(function)))
        if first:
            self._rules.insert(0, rule)
        else:
            self._rules.append(rule)
        return function

    def remove(self, function: Callable) -> None:
        """Remove every rule that uses ``function`` (as registered, or as wrapped by ``register_*``)."""
        self._rules = [r for r in self._rules if r.function is not function
                       and getattr(r.function, "__wrapped__", None) is not function]

    def find_for_python(self, obj: Any) -> Optional[Rule]:
        """The first rule whose type or predicate matches a Python object."""
        for rule in self._rules:
            m = rule.matcher
            if isinstance(m, (type, tuple)):
                if isinstance(obj, m):
                    return rule
            elif isinstance(m, (str, int)):
                continue
            elif m(obj):
                return rule
        return None

    def find_for_r(self, robj: Any, rclass: Sequence[str], typeof: int) -> Optional[Rule]:
        """The rule for an R object: its classes in order, then types/predicates."""
        rules = self._rules
        for cls in rclass:
            for rule in rules:
                if rule.matcher == cls and isinstance(rule.matcher, str):
                    return rule
        for rule in rules:
            m = rule.matcher
            if isinstance(m, str):
                continue
            if isinstance(m, bool):
                continue
            if isinstance(m, int):
                if m == typeof:
                    return rule
            elif isinstance(m, (type, tuple)):
                if isinstance(robj, m):
                    return rule
            elif m(robj):
                return rule
        return None


def _matcher_text(m: Any) -> str:
    if isinstance(m, str):
        return f"R class {m!r}"
    if isinstance(m, int):
        return f"R type {m}"
    if isinstance(m, type):
        return f"{m.__module__}.{m.__qualname__}"
    if isinstance(m, tuple):
        return " | ".join(_matcher_text(x) for x in m)
    return f"predicate {getattr(m, '__qualname__', repr(m))}"


TO_R = RuleTable("to_r")
"""Python -> R rules; functions take the Python object and return an rpy2 object."""

TO_PYTHON = RuleTable("to_python")
"""R -> Python rules; functions take ``(robj, options)`` and return a Python object."""


class ConvertOptions(NamedTuple):
    """Options of one ``to_python`` conversion, passed to R -> Python rules."""

    copy: bool = False
    simplify: bool = True


class StrList(list):
    """A ``list`` of ``str`` / ``None`` that came from an R character vector.

    It is an ordinary list in every way; it only remembers that it was a
    character vector, so that :func:`to_r` gives a character vector back even
    when every element is NA (a plain ``[None, None]`` is an R list of NULLs).
    """

    __slots__ = ()


class NAName(str):
    """An R ``NA`` name of a list element: the text ``"<NA>"`` (as R prints it) that remembers it was NA.

    R names are strings or NA, and ``""`` means "no name"; an ``RList`` name is
    a ``str`` or None (no name). ``to_python`` gives an NA name as ``NA_NAME``
    and ``to_r`` gives it back as ``NA_character_``, not as the text ``"<NA>"``.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "NA_NAME"


NA_NAME = NAName("<NA>")


class UnnamedList(list):
    """A ``list`` that came from an unnamed R list.

    An ordinary list; it only remembers its origin so that :func:`to_r` gives
    an R list back even when all elements are strings (a plain list of ``str``
    becomes a character vector).
    """

    __slots__ = ()


def plain_lists(value: Any) -> Any:
    """`value` with every :class:`UnnamedList` in it (nested in lists and dicts) a plain ``list``.

    For arguments handed to Keras: its tree utilities treat a list subclass as
    one leaf, so `op_concatenate(list(x_train, x_test))` would try to make one
    tensor of two arrays. Containers without one are returned as they are.
    """
    if isinstance(value, UnnamedList):
        return [plain_lists(v) for v in value]
    if type(value) is list:
        out = [plain_lists(v) for v in value]
        return value if all(a is b for a, b in zip(out, value)) else out
    if type(value) is dict:
        out_d = {k: plain_lists(v) for k, v in value.items()}
        return value if all(out_d[k] is v for k, v in value.items()) else out_d
    return value


def _takes_options(fn: Callable) -> bool:
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return True
    return len(params) >= 2 or any(
        p.kind is p.VAR_POSITIONAL for p in inspect.signature(fn).parameters.values())


def register_to_r(type_or_predicate: Any, *, first: bool = True) -> Callable:
    """Decorator: register a Python -> R rule.

    Args:
        type_or_predicate: a Python type (or tuple of types) matched with
            ``isinstance``, or a predicate ``f(obj) -> bool``.
        first: put the rule in front of the table (default) or at its end
            (after the built-in rules, before the handle fallback).

    The decorated function takes the Python object and returns an rpy2 object
    (build it with ``to_r`` of simpler values and the helpers of
    :mod:`rkeras.r.sexp`, e.g. ``set_class``). It runs with the R lock held.
    """
    def deco(fn: Callable) -> Callable:
        if first:
            TO_R.add(type_or_predicate, fn, first=True)
        else:
            # before the handle fallback, which is always last
            TO_R._rules.insert(max(len(TO_R._rules) - 1, 0),
                               Rule(type_or_predicate, fn, fn.__qualname__))
        return fn
    return deco


def register_to_python(r_class: Any, *, first: bool = True) -> Callable:
    """Decorator: register an R -> Python rule.

    Args:
        r_class: an R class name (``"keras_training_history"``), an R storage
            type (``int`` SEXPTYPE), an rpy2 class, or a predicate on the rpy2
            object.
        first: put the rule in front of the built-in rules (default).

    The decorated function takes ``(robj)`` or ``(robj, options)`` (a
    :class:`ConvertOptions`); it runs with the R lock held and may call
    :func:`to_python` recursively.
    """
    def deco(fn: Callable) -> Callable:
        f = fn if _takes_options(fn) else (lambda robj, opts, _fn=fn: _fn(robj))
        TO_PYTHON.add(r_class, f, first=first, name=getattr(fn, "__qualname__", None))
        if f is not fn:
            f.__wrapped__ = fn
        return fn
    return deco


# --------------------------------------------------------------------------
# Applying the tables (R started, lock held)
# --------------------------------------------------------------------------
MAX_DEPTH = 100
"""How deep values may nest (lists in lists ...) in one conversion, either way.

Nested values are converted recursively, a few Python frames per level; far
below Python's recursion limit a clear ``DataError`` says how deep the value
is (and whether it contains itself), instead of a ``RecursionError``.
"""

_nesting = threading.local()


def _too_deep(direction: str, stack: list):
    from ...errors import DataError
    if direction == "to_r":
        seen: dict = {}
        for i, x in enumerate(stack):
            if id(x) in seen:
                return DataError(
                    f"to_r(): the {type(x).__name__} contains itself ({i - seen[id(x)]} level(s) down), "
                    f"so it has no R value. Pass a copy without the self-reference.")
            seen[id(x)] = i
    what = "Python value" if direction == "to_r" else "R list"
    return DataError(
        f"{direction}(): the {what} is nested more than {MAX_DEPTH} levels deep (lists within lists); "
        f"the R bridge converts at most {MAX_DEPTH} levels. Flatten it first, or pass it as one object "
        f"(in R: a Python handle / an environment) instead of nested lists.")


def _nested(direction: str, fn: Callable, value: Any, *args: Any):
    stack = getattr(_nesting, direction, None)
    if stack is None:
        stack = []
        setattr(_nesting, direction, stack)
    if len(stack) >= MAX_DEPTH:
        raise _too_deep(direction, stack + [value])
    stack.append(value)
    try:
        return fn(value, *args)
    finally:
        stack.pop()


def _python_value(robj, opts: ConvertOptions):
    c = cdata(robj)
    rule = TO_PYTHON.find_for_r(robj, rclass(c), typeof(c))
    if rule is None:
        return robj
    return rule.function(robj, opts)


def python_value(robj, opts: ConvertOptions):
    """``robj`` converted by the first matching R -> Python rule (unchanged if none)."""
    return _nested("to_python", _python_value, robj, opts)


def _r_value(obj):
    rule = TO_R.find_for_python(obj)
    if rule is None:   # only before the built-in rules are installed: the last one matches all
        return handles.new_handle(obj)
    return rule.function(obj)


def r_value(obj):
    """``obj`` converted by the first matching Python -> R rule."""
    return _nested("to_r", _r_value, obj)


def by_storage_type(robj, opts: ConvertOptions):
    """Convert by storage type, ignoring the class attribute (for a class on an unexpected type)."""
    t = typeof(cdata(robj))
    for rule in TO_PYTHON:
        m = rule.matcher
        if isinstance(m, int) and not isinstance(m, bool) and m == t:
            return rule.function(robj, opts)
    return robj
