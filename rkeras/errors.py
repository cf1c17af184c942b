"""Exceptions raised by rkeras before anything reaches Keras or TensorFlow.

Every message says three things: which argument (or column, or position) was
wrong, what was given, and what is accepted. The classes subclass the builtin
exceptions a Python user would already catch (`ValueError`, `TypeError`), so
`except ValueError:` keeps working around rkeras calls.
"""

from __future__ import annotations

import difflib
from typing import Iterable


class RKerasError(Exception):
    """Base class of the errors rkeras raises itself."""


class ArgumentError(RKerasError, ValueError):
    """An argument has a value rkeras cannot turn into what Keras needs."""


class UnknownNameError(ArgumentError):
    """A name (activation, optimizer, loss, argument ...) that does not exist."""


class DataError(RKerasError, ValueError):
    """Training or prediction data that a model cannot take (NA, shapes, types)."""


def closest(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices closest to `name`, best first (difflib ratio, case-insensitive)."""
    by_lower = {}
    for choice in choices:
        by_lower.setdefault(str(choice).lower(), str(choice))
    hits = difflib.get_close_matches(str(name).lower(), list(by_lower), n=n, cutoff=0.6)
    return [by_lower[h] for h in hits]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A ' Did you mean ...?' suffix, or '' when nothing is close."""
    hits = closest(name, choices)
    if not hits:
        return ""
    return " Did you mean " + " or ".join(repr(h) for h in hits) + "?"


def unknown_name(what: str, argument: str, given: str, choices: Iterable[str],
                 verb: str | None = None) -> UnknownNameError:
    """Build the error for an unknown activation/optimizer/loss/metric name."""
    choices = sorted(set(choices))
    where = f"{verb}({argument}=)" if verb else f"`{argument}`"
    shown = ", ".join(repr(c) for c in choices[:40])
    more = f", ... ({len(choices)} in all)" if len(choices) > 40 else ""
    return UnknownNameError(
        f"{where}: unknown {what} {given!r}.{did_you_mean(given, choices)} "
        f"Known {what} names: {shown}{more}."
    )
