"""A Keras config crosses to R and back with its class, as keras3's `get_config()` output does.

keras3's `get_config(object)` is an R named list with the Python class in the
attribute `"__class__"`, and `from_config(config)` reads that attribute. rkeras's
`get_config` returns a :class:`rkeras.serialization.KerasConfig` (a dict that
remembers its class); these two rules keep the class on the way to R (the
attribute, holding the class's handle) and back (a ``KerasConfig`` again), so
`from_config(get_config(layer))` works after the config went through R, and
`attr(config, "__class__")` is there for R code that reads it.
"""

from __future__ import annotations

from ...serialization import KerasConfig
from ..sexp import R, cdata, get_attr, set_attr, typeof, wrap
from .rules import TO_PYTHON, ConvertOptions, Rule, python_value, r_value, register_to_r

__all__ = ["keras_config_to_r", "keras_config_from_r", "install"]

_VECSXP = 19
_SYMBOL = None


def _class_symbol():
    global _SYMBOL
    if _SYMBOL is None:
        _SYMBOL = R.rlib.Rf_install(b"__class__")
    return _SYMBOL


def keras_config_to_r(config: KerasConfig):
    """The config as an R named list, its class in `attr(, "__class__")`."""
    out = r_value(dict(config))
    cls = getattr(config, "keras_class", None)
    if cls is not None:
        set_attr(cdata(out), _class_symbol(), r_value(cls))
    return out


def _has_class_attr(robj) -> bool:
    # Only lists reach this rule (it sits just before the list rule), and only
    # the attribute lookup is paid by the other lists.
    c = cdata(robj)
    return typeof(c) == _VECSXP and get_attr(c, _class_symbol()) is not None


def keras_config_from_r(robj, opts: ConvertOptions):
    """An R list carrying `"__class__"` (a Python class) -> a KerasConfig; other lists as usual."""
    c = cdata(robj)
    cls = python_value(wrap(get_attr(c, _class_symbol())), opts)
    values = _plain_list(robj, opts)
    if not isinstance(cls, type) or not isinstance(values, dict):
        return values
    config = KerasConfig(values)
    config.keras_class = cls
    return config


def _plain_list(robj, opts: ConvertOptions):
    for rule in TO_PYTHON:
        if rule.matcher == _VECSXP and not isinstance(rule.matcher, bool):
            return rule.function(robj, opts)
    raise RuntimeError("rkeras.r.convert: no rule for R lists")   # the built-in table always has one


def install() -> None:
    """Add both rules: to_r in front, to_python just before the list rule."""
    register_to_r(KerasConfig)(keras_config_to_r)
    rules = TO_PYTHON._rules
    at = next((i for i, r in enumerate(rules)
               if r.matcher == _VECSXP and not isinstance(r.matcher, bool)), len(rules))
    rules.insert(at, Rule(_has_class_attr, keras_config_from_r, "keras_config_from_r"))
