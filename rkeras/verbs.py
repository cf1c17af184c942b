"""The Python front end: one Python function per registry verb, and `call_verb`.

Every function generated here runs the same steps, R keras3's
`capture_args` + `create_layer` in one place:

1. find the pipe subject (a model, a tensor, the data) if one was given;
2. bind the other arguments by position and name, refusing misspelled names
   with a suggestion;
3. resolve rkeras objects to Keras ones (a layer waiting in a pipe -> its
   Keras layer, an uncalled verb such as `activation_relu` -> Keras's
   function, R objects -> Python);
4. apply R's argument conventions (`rkeras.conventions`) to what the user
   supplied, for verbs derived from Keras (hand-written verbs apply them
   themselves: one validation point per verb), and check names Keras would
   only reject later (activations);
5. call the target, or wait for the pipe when the subject is missing.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any, Callable

from . import conventions
from .argument_checks import (
    check_optional_packages,
    check_subject,
    check_values,
    single_values,
)
from .errors import ArgumentError, did_you_mean
from .keras_refusals import keras_errors_named, refusals_named
from .labels import as_labels
from .name_checks import check_activation
from .pipe import Deferred, PendingLayer, compose_layer, unwrap
from .registry import Verb, registry

MISSING = object()

# Arguments whose string values are names Keras looks up (checked early).
_NAME_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "activation": check_activation,
    "recurrent_activation": check_activation,
}



def _is_r_object(value: Any) -> bool:
    return type(value).__module__.startswith("rpy2.")


def _is_tensor_like(value: Any) -> bool:
    import keras
    import numpy as np

    if isinstance(value, (np.ndarray, keras.KerasTensor, keras.Variable)):
        return True
    module = type(value).__module__
    return module.startswith(("tensorflow", "pandas")) or _is_r_object(value)


def accepts_subject(verb: Verb, value: Any) -> bool:
    """Is `value`, given first, the verb's subject (rather than its first argument)?"""
    import keras

    value = unwrap(value)
    if verb.kind == "model":
        return isinstance(value, (keras.Model, keras.Layer))
    if verb.kind == "layer":
        if isinstance(value, (list, tuple)):
            return bool(value) and all(_is_tensor_like(unwrap(v)) for v in value)
        return isinstance(value, keras.Model) or _is_tensor_like(value)
    return verb.kind == "function"


def resolve_value(value: Any) -> Any:
    """rkeras and R objects given as arguments, as the Keras objects they stand for."""
    if isinstance(value, PendingLayer):
        return value.layer
    verb = getattr(value, "__rkeras_verb__", None) if callable(value) else None
    if isinstance(verb, Verb):
        target = verb.target
        if inspect.isclass(target):
            return target()
        return target
    if isinstance(value, list):
        return [resolve_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve_value(v) for v in value)
    if isinstance(value, dict):
        return {k: resolve_value(v) for k, v in value.items()}
    if _is_r_object(value):
        from .r import to_python
        return to_python(value)
    return value


def _bind(verb: Verb, args: tuple, kwargs: dict) -> tuple[Any, dict[str, Any]]:
    """Split a call into (subject, keyword arguments), checking every name."""
    subject = MISSING
    subject_name = verb.subject
    args = list(args)
    if subject_name is not None:
        if subject_name in kwargs:
            subject = kwargs.pop(subject_name)
        elif args and accepts_subject(verb, args[0]):
            subject = args.pop(0)
            # Merge layers take several inputs, as R's `layer_add(x, y)`.
            if verb.kind == "layer" and subject_name == "inputs":
                extra = []
                while args and accepts_subject(verb, args[0]):
                    extra.append(args.pop(0))
                if extra:
                    subject = [subject, *extra]
    params = [p for p in verb.parameters if p.name != subject_name]
    known = {p.name for p in params}
    if verb.varargs:
        # R's `...` (Python's *args): values fill the parameters before it, the rest go in it.
        params = params[:[p.name for p in params].index(verb.varargs)]
        if len(args) > len(params):
            if verb.varargs in kwargs:
                raise ArgumentError(f"{verb.name}(): argument `{verb.varargs}` was given twice.")
            kwargs[verb.varargs] = list(args[len(params):])
            args = args[:len(params)]
    if len(args) > len(params):
        raise ArgumentError(
            f"{verb.name}(): too many unnamed arguments ({len(args)}); "
            f"name them, e.g. {verb.name}({', '.join(p.name + '=...' for p in params[:2])})."
        )
    bound = {p.name: value for p, value in zip(params, args)}
    for name, value in kwargs.items():
        if name in bound:
            raise ArgumentError(f"{verb.name}(): argument `{name}` was given twice.")
        if name not in known and not verb.passthrough:
            raise ArgumentError(
                f"{verb.name}(): unknown argument `{name}`.{did_you_mean(name, known)} "
                f"Arguments of {verb.name}: {', '.join(sorted(known))}."
            )
        bound[name] = value
    return subject, bound


def _check_required(verb: Verb, bound: dict[str, Any]) -> None:
    for p in verb.parameters:
        if (p.name != verb.subject and p.default is inspect.Parameter.empty
                and p.name not in bound):
            raise ArgumentError(f"{verb.name}(): argument `{p.name}` is missing, with no default.")


def is_hand_written(verb: Verb) -> bool:
    """A verb rkeras writes itself (its function applies the conventions)."""
    return verb.keras_path.startswith("rkeras.")


def prepare(verb: Verb, bound: dict[str, Any]) -> dict[str, Any]:
    """Resolve objects and apply the conventions to the supplied arguments."""
    bound = {name: resolve_value(value) for name, value in bound.items()}
    # One value where Keras takes one (every verb, hand-written ones too): before the
    # conventions, so `units = list(3)` is 3 and `rate = c(0.1, 0.2)` never reaches Keras.
    bound = single_values(verb, bound)
    check_optional_packages(verb, bound)
    # Hand-written callbacks keep Keras's arguments (checkpoint verbs) or take plain functions
    # (callback_lambda): the same conventions and value checks fit them.
    if not is_hand_written(verb) or verb.family == "callback":
        bound = conventions.normalize_arguments(verb.name, bound, verb.defaults)
        check_values(verb, bound)
    for name, check in _NAME_CHECKS.items():
        if name in bound and bound[name] is not None:
            check(bound[name], name)
    return bound


def _construct(verb: Verb, bound: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        # R code passes input_shape to the first layer; Keras 3 accepts it but warns.
        warnings.filterwarnings("ignore", message=".*Do not pass an `input_shape`.*")
        return verb.target(**bound)


def _call_layer(verb: Verb, subject: Any, bound: dict[str, Any]) -> Any:
    # Only the construction: calling the layer on a tensor may run user code (custom layers).
    with keras_errors_named(verb.name, bound):
        layer = _construct(verb, bound)
    if subject is MISSING or subject is None:
        return PendingLayer(verb.name, layer)
    subject = resolve_value(subject) if _is_r_object(subject) else subject
    if verb.subject == "inputs" and not isinstance(unwrap(subject), (list, tuple)):
        return PendingLayer(verb.name, layer, extra_inputs=(subject,))
    return compose_layer(subject, layer)


def loss_function(verb: Verb) -> Callable | None:
    """Keras's function form of a loss/metric verb (`keras.losses.mean_squared_error`), if any.

    keras3 calls it when `y_true` and `y_pred` are given: per-sample values,
    not the batch mean the `Loss` object's reduction gives.
    """
    import keras

    module = keras.losses if verb.kind == "loss" else keras.metrics
    fn = getattr(module, verb.name.split("_", 1)[1], None)
    return fn if inspect.isfunction(fn) else None


def _floatx(value: Any) -> Any:
    """R's doubles as Keras's float type (keras3's as_py_array): float32 results, as keras3."""
    import keras
    import numpy as np

    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(keras.config.floatx())
    return value


def _call_loss_or_metric(verb: Verb, bound: dict[str, Any]) -> Any:
    y_true, y_pred = bound.pop("y_true", None), bound.pop("y_pred", None)
    if y_true is None and y_pred is None:
        return _construct(verb, bound)
    if y_true is None or y_pred is None:
        raise ArgumentError(f"{verb.name}(): give both `y_true` and `y_pred`, or neither.")
    y_true = as_labels(y_true, "y_true")   # a factor's 0-based codes, as fit()'s y
    fn = loss_function(verb)
    if fn is not None:
        # The object's own arguments (name, reduction, dtype) mean nothing to the function.
        accepted = inspect.signature(fn).parameters
        return fn(_floatx(y_true), _floatx(y_pred), **{k: v for k, v in bound.items() if k in accepted})
    instance = _construct(verb, bound)
    if verb.kind == "metric":
        instance.update_state(y_true, y_pred)
        return instance.result()
    return instance(y_true, y_pred)


def call_verb(verb: Verb, args: tuple, kwargs: dict) -> Any:
    """Run one verb call (the body of every generated function)."""
    subject, bound = _bind(verb, args, dict(kwargs))
    _check_required(verb, bound)
    if subject is not MISSING:
        check_subject(verb, subject)
    bound = prepare(verb, bound)
    if verb.kind == "layer":
        return _call_layer(verb, subject, bound)
    given = dict(bound) if subject is MISSING else {verb.subject: subject, **bound}
    with refusals_named(verb, given):
        if verb.kind in ("loss", "metric"):
            return _call_loss_or_metric(verb, bound)
        if verb.kind in ("model", "function"):
            if subject is MISSING:
                shown = ", ".join(f"{k}=..." for k in bound)
                return Deferred(verb.name, lambda s: verb.target(s, **bound), shown)
            return verb.target(subject, **bound)
        return _construct(verb, bound)


def python_function(verb: Verb) -> Callable:
    """The Python function of a verb, with its real signature and help."""

    def function(*args: Any, **kwargs: Any) -> Any:
        return call_verb(verb, args, kwargs)

    function.__name__ = function.__qualname__ = verb.name
    function.__doc__ = verb.doc
    function.__module__ = "rkeras"
    try:
        function.__signature__ = verb.signature
    except ValueError:  # a Keras signature Python cannot re-express; help() still works
        pass
    # Read by `resolve_value`: an uncalled verb given as an argument is its Keras target.
    function.__rkeras_verb__ = verb
    return function


def python_functions() -> dict[str, Callable]:
    """All verbs as Python functions, by R name."""
    return {name: python_function(verb) for name, verb in registry().items()}
