"""R <-> Python conversion: to_python, to_r, register_to_r / register_to_python, factor_codes, converter().

:func:`to_python` (R -> Python) and :func:`to_r` (Python -> R) each look their
argument up in an ordered rule table (:mod:`.rules`), first match wins, in the
style of rpy2's converters. Other modules extend them::

    @register_to_r(KerasTrainingHistory)
    def _(history): ...                       # -> an rpy2 object

    @register_to_python("keras_training_history")
    def _(robj): ...                          # -> a Python object

Registered rules go in front of the built-in ones. ``to_python`` first walks
the object's R ``class`` attribute in order (S3 style: ``c("ordered",
"factor")`` finds a ``"factor"`` rule) and then tries the storage-type and
predicate rules. ``to_r`` tries its rules in order; Python objects no rule
matches become R handles (:mod:`rkeras.r.handles`), so nothing fails to cross.

The rules, by topic: :mod:`.to_python` (with the conversion table and the NA
and memory policy), :mod:`.to_r` (numpy fast paths, pandas), :mod:`.dates`
(Date/POSIXct both ways), :mod:`.functions` (functions both ways).
"""

from __future__ import annotations

# Factors -> 0-based codes: one routine for every path (rkeras.labels), re-exported here.
from ...labels import FactorCodes, factor_codes
from .. import session, sexp
from ..sexp import R, cdata, set_class
from . import keras_config as _keras_config
from . import keras_shape as _keras_shape
from . import to_python as _to_python_rules
from . import to_r as _to_r_rules
from .functions import RFunction, r_function
from .r_vectors import R_VECTOR_CLASS, RVector, r_vector_to_python, unmark
from .rarray import RArray
from .rules import (
    NA_NAME,
    TO_PYTHON,
    TO_R,
    ConvertOptions,
    NAName,
    RuleTable,
    StrList,
    UnnamedList,
    r_value,
    register_to_python,
    register_to_r,
)
from .to_python import to_python
from .to_r import to_r

__all__ = [
    "to_python",
    "to_r",
    "register_to_r",
    "register_to_python",
    "RuleTable",
    "TO_R",
    "TO_PYTHON",
    "ConvertOptions",
    "RFunction",
    "StrList",
    "UnnamedList",
    "NAName",
    "NA_NAME",
    "RArray",
    "RVector",
    "unmark",
    "FactorCodes",
    "factor_codes",
    "converter",
    "r_function",
    "set_class",
    "set_attr",
]

for _matcher, _function in _to_r_rules.RULES:
    TO_R.add(_matcher, _function, first=False)
for _matcher, _function in _to_python_rules.RULES:
    TO_PYTHON.add(_matcher, _function, first=False)
# R vectors marked where reticulate would make them Python lists (.rk_mark_vectors).
TO_PYTHON.add(R_VECTOR_CLASS, r_vector_to_python)
# get_config()'s class travels with the config (keras3's attr(config, "__class__")).
_keras_config.install()
# op_shape(x), shape(): keras3's keras_shape (printed shape(2, 3)).
_keras_shape.install()


def set_attr(robj, name: str, value) -> None:
    """Set an attribute of an rpy2 object (in place); ``value`` is an rpy2 object or a Python value."""
    with session.entered():
        R.ensure()
        if not isinstance(value, R.ri.Sexp):
            value = r_value(value)
        sexp.set_attr(cdata(robj), R.rlib.Rf_install(name.encode()), value)


# ==========================================================================
# rpy2 converter using these rules
# ==========================================================================
_CONVERTER = None


def converter():
    """An ``rpy2.robjects.conversion.Converter`` whose rules are :func:`to_r` / :func:`to_python`.

    rkeras sets it (not a copy: the ``ContextVar`` is set directly) for the
    calling thread on every entry into R (:func:`rkeras.r.session.use_converter`),
    so ``rpy2.robjects`` code run by rkeras, including Python functions called
    from R, converts with the same rules. Use it yourself with
    ``with converter().context(): ...``.
    """
    global _CONVERTER
    if _CONVERTER is None:
        import rpy2.rinterface as ri
        from rpy2.robjects.conversion import Converter
        cv = Converter("rkeras")

        @cv.py2rpy.register(object)
        def _py2rpy(obj):
            return to_r(obj)

        @cv.rpy2py.register(object)
        def _rpy2py(obj):
            if isinstance(obj, ri.Sexp):
                return to_python(obj)
            return obj

        _CONVERTER = cv
    return _CONVERTER


session.use_converter(converter)
