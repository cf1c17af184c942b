"""The exceptions rkeras raises: one base class, `RKerasError`, for all of them.

Every message says three things: which argument (or column, or position) was
wrong, what was given, and what is accepted. Each class also subclasses the
builtin exception a Python user would already catch (`ValueError`,
`TypeError`, `FileNotFoundError`, `KeyError` ...), so `except ValueError:`
keeps working around rkeras calls, and `except RKerasError:` catches every
error rkeras raises itself, from any module (verbs, preprocessing, datasets,
history, the R bridge's argument checks).
"""

from __future__ import annotations

import difflib
import pickle
from typing import Iterable


class RKerasError(Exception):
    """Base class of the errors rkeras raises itself."""


class ArgumentError(RKerasError, ValueError):
    """An argument has a value rkeras cannot turn into what Keras needs."""


class ArgumentTypeError(RKerasError, TypeError):
    """An argument is of a type rkeras cannot use at all (a `TypeError`)."""


class UnknownNameError(ArgumentError):
    """A name (activation, optimizer, loss, argument ...) that does not exist."""


class KerasArgumentError(RKerasError, ValueError):
    """Keras refused a verb's arguments without naming them (`rkeras.keras_refusals`)."""


class KerasArgumentTypeError(RKerasError, TypeError):
    """Keras refused a verb's arguments' types without naming them (a `TypeError`)."""


class KerasArgumentAttributeError(RKerasError, AttributeError):
    """Keras looked for an attribute an argument does not have (an `AttributeError`)."""


class KerasArgumentIndexError(RKerasError, IndexError):
    """Keras indexed past the end of a list or vector argument (an `IndexError`)."""


class DataError(RKerasError, ValueError):
    """Data that cannot be used (NA, shapes, labels, a file not in Keras's format)."""


class DatasetNotFoundError(RKerasError, FileNotFoundError):
    """A dataset file is neither available locally nor downloadable."""


class UnsafeFileError(RKerasError, pickle.UnpicklingError):
    """A dataset file asks to unpickle something other than numpy arrays."""


class ElementNotFoundError(RKerasError, KeyError, IndexError, AttributeError):
    """No element by that name or position in an `RList` or a training history.

    It is a `KeyError`, an `IndexError` and an `AttributeError` at once, so
    `obj["name"]`, `obj[5]` and `obj.name` fail the way Python code expects
    (`hasattr()`, `getattr(obj, name, default)`, `except KeyError:`).
    """

    def __str__(self) -> str:
        # KeyError shows repr(message); the message is meant to be read.
        return str(self.args[0]) if self.args else ""


class MissingPackageError(RKerasError, ImportError):
    """A verb needs an optional Python package that is not installed (says which, and how)."""

    def __init__(self, message: str, package: str = ""):
        super().__init__(message, name=package or None)
        self.package = package


class ReadOnlyError(RKerasError, AttributeError):
    """An attribute rkeras does not let you set (e.g. `rlist.name = value`)."""


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
