"""Values Keras would take and misuse: refused here, naming the argument.

Keras accepts a NaN learning rate (every weight ends NaN), `use_bias=None`
(no bias: R's `NA` arrives as None), `compile(loss=42)` (fails at `fit`),
`fit(epochs="5")` (fails deep inside with "'str' object cannot be interpreted
as an integer"). These checks run before Keras sees the call:

* :func:`check_values`, on every verb derived from Keras (`layer_*`,
  `optimizer_*`, `learning_rate_schedule_*`, `regularizer_*` ...), after R's
  conventions: NaN (R's `NA_real_`) and complex numbers anywhere, Inf where it
  has no meaning, a float beyond float32's range for a hyper-parameter,
  NULL/NA for a TRUE/FALSE argument, and :data:`R_NA` (the bridge's marker for
  a logical/character NA) for any argument;
  The hand-written callback verbs (`callback_lambda`, the checkpoint verbs)
  get the same checks (:func:`rkeras.verbs.prepare`);
* :func:`check_fit_arguments` and :func:`check_compile_arguments`, for the
  hand-written `fit` / `evaluate` / `predict` and `compile`;
* :func:`single_values`, on every verb, before R's conventions: an argument
  that takes one value (`rkeras.argument_kinds.scalar_kinds`, derived from Keras's
  default and its "Args:" text: "Float", "Integer", "Boolean") refuses a vector or list of
  length 0 or 2+ and a string, instead of Keras's "The truth value of an array
  with more than one element is ambiguous" or "'<=' not supported between
  instances of 'int' and 'list'";
* :func:`check_optional_packages`, on the verbs that need a Python package Keras
  does not install (`OPTIONAL_PACKAGES`: tensorboard, scipy, Pillow ...).
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Any

import numpy as np

from .argument_kinds import (
    IDENTIFIERS,
    Single,
    describe_for_caller,
    documented_arguments,
    identifier_kind,
    identifier_names,
    r_atom,
    scalar_kinds,
    single_kind,
)
from .caller_syntax import in_r
from .conventions import as_integer, describe, scalar
from .errors import ArgumentError, ArgumentTypeError

__all__ = ["R_NA", "check_values", "check_fit_arguments", "check_compile_arguments",
           "scalar_kinds", "single_values", "describe_for_caller", "check_optional_packages",
           "OPTIONAL_PACKAGES", "check_subject"]


class _RNA:
    """R's NA for a logical, character or integer scalar argument.

    The R bridge converts a length-1 NA to None, which is also R's NULL; a
    bridge that keeps the difference passes this marker instead, and every
    verb refuses it with the argument's name.
    """

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __bool__(self) -> bool:
        raise ArgumentError("R's NA has no truth value: give TRUE or FALSE.")


R_NA = _RNA()

# Arguments where an infinite value means something ("no bound", "any value").
INFINITY_ALLOWED = frozenset({
    "max_value", "min_value", "baseline", "initial_value_threshold", "clipvalue", "clipnorm",
    "global_clipnorm", "mask_value", "threshold", "max_norm", "min_delta", "value",
    "fill_value", "x1", "x2", "maxval", "minval", "lower", "upper",
})
# Families whose float arguments are training hyper-parameters: float32 is their type.
HYPER_PARAMETER_FAMILIES = frozenset({"optimizer", "learning_rate_schedule", "regularizer",
                                      "initializer", "constraint", "loss", "metric", "callback"})
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_INT32_MAX = 2**31 - 1


def _bad_number(verb: str, family: str, arg: str, value: Any) -> str | None:
    if isinstance(value, (complex, np.complexfloating)):
        return f"a complex number ({value}); Keras's hyper-parameters are real numbers"
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return None
    value = float(value)
    if math.isnan(value):
        return "NA/NaN; give a number, or leave the argument out for Keras's default"
    if math.isinf(value):
        if arg in INFINITY_ALLOWED:
            return None
        return f"{value} (infinite); give a finite number"
    if family in HYPER_PARAMETER_FAMILIES and abs(value) > _FLOAT32_MAX:
        return (f"{value!r}, beyond float32's range (about ±3.4e38), which Keras computes in: "
                f"it would become Inf")
    return None


def check_values(verb, bound: dict[str, Any]) -> None:
    """Refuse NA/NaN, complex, misplaced Inf and NULL-for-logical arguments of `verb`.

    Args:
        verb: the registry's Verb (its name, family and Keras defaults are used).
        bound: the supplied arguments, after R's conventions.

    Raises:
        ArgumentError: naming the verb, the argument and the value.
    """
    defaults = verb.defaults
    for arg, value in bound.items():
        if value is R_NA:
            raise ArgumentError(f"{verb.name}(): `{arg}` is NA; give a value, or leave the "
                                f"argument out for Keras's default.")
        if value is None and isinstance(defaults.get(arg), bool) and arg != "verbose":
            raise ArgumentError(f"{verb.name}(): `{arg}` must be TRUE or FALSE; got NULL/NA "
                                f"(None). Leave it out for the default, "
                                f"{'TRUE' if defaults[arg] else 'FALSE'}.")
        if (isinstance(scalar(value), (str, bytes)) and isinstance(defaults.get(arg), bool)
                and arg != "verbose"):
            # Keras tests a string for truth: save_best_only = "FALSE" would mean TRUE.
            raise ArgumentError(f"{verb.name}(): `{arg}` must be TRUE or FALSE; got "
                                f"{describe(value, True)}.")
        if isinstance(value, (list, tuple)) and len(value) <= 16:
            items = list(value)
        else:
            items = [scalar(value)]
        for position, item in enumerate(items, start=1):
            problem = _bad_number(verb.name, verb.family, arg, scalar(item))
            if problem:
                where = f"`{arg}`" if len(items) == 1 else f"`{arg}` (element {position})"
                raise ArgumentError(f"{verb.name}(): {where} is {problem}.")


# --- fit / evaluate / predict and compile --------------------------------------------

def _strict_integer(value: Any, arg: str, minimum: int, allow_none: bool) -> None:
    if value is R_NA:
        raise ArgumentError(f"`{arg}` is NA; give a whole number.")
    as_integer(value, arg, minimum=minimum, strict=True, allow_none=allow_none)


def _is_callback(value: Any) -> bool:
    import keras

    return isinstance(value, keras.callbacks.Callback)


def check_callbacks(callbacks: Any, verb: str = "fit") -> None:
    """`callbacks` must be NULL, one callback_*() object or a list of them."""
    from .pipe import unwrap

    callbacks = unwrap(callbacks)
    if callbacks is None or _is_callback(callbacks):
        return
    items = list(callbacks) if isinstance(callbacks, (list, tuple)) else None
    if items is None:
        raise ArgumentError(f"{verb}(): `callbacks` must be a callback_*() object or a list of "
                            f"them; got {describe(callbacks, True)}.")
    for position, item in enumerate(items, start=1):
        if not _is_callback(unwrap(item)):
            raise ArgumentError(
                f"{verb}(): `callbacks` element {position} is {describe(item, True)}, not a "
                f"callback. Make callbacks with callback_*() (e.g. callback_early_stopping(), "
                f"callback_lambda(on_epoch_end = ...)).")


def check_fit_arguments(verb: str = "fit", **arguments: Any) -> None:
    """Types of fit()/evaluate()/predict()'s scalar arguments, before Keras.

    Keras reports `fit(epochs = "5")` as "'str' object cannot be interpreted as
    an integer"; here it is "`epochs` must be an integer".
    """
    counts = {"batch_size": 1, "steps_per_epoch": 1, "validation_steps": 1, "steps": 1,
              "validation_batch_size": 1, "epochs": 0, "validation_freq": 1}
    for arg, value in arguments.items():
        if arg in counts:
            _strict_integer(value, arg, counts[arg], allow_none=arg != "epochs")
        elif arg == "validation_split":
            item = scalar(value, lists=True)
            if isinstance(item, bool) or not isinstance(item, numbers.Real) or math.isnan(item):
                raise ArgumentError(f"{verb}(): `validation_split` must be a number in [0, 1); "
                                    f"got {describe(value, True)}.")
        elif arg == "callbacks":
            check_callbacks(value, verb)
        elif arg == "shuffle":
            item = scalar(value, lists=True)
            if not (isinstance(item, bool) or item == "batch"):
                raise ArgumentError(f"{verb}(): `shuffle` must be TRUE, FALSE or \"batch\"; "
                                    f"got {describe(value, True)}.")


def _check_named_thing(value: Any, arg: str, what: str, allow_none: bool) -> None:
    """A loss/metric/optimizer given as a name, an object or a function (or lists of them)."""
    if value is None:
        if allow_none:
            return
        raise ArgumentError(f"compile(): `{arg}` must be {what}; got NULL/NA (None).")
    if value is R_NA:
        raise ArgumentError(f"compile(): `{arg}` is NA; give {what}.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_named_thing(item, f"{arg}${key}", what, allow_none)
        return
    if isinstance(value, (list, tuple)):
        for position, item in enumerate(value, start=1):
            _check_named_thing(item, f"{arg}[[{position}]]", what, allow_none)
        return
    item = scalar(value)
    if isinstance(item, str) or (callable(item) and not isinstance(item, (numbers.Number, bool))):
        return
    if isinstance(item, numbers.Number) and isinstance(item, float) and math.isnan(item):
        raise ArgumentError(f"compile(): `{arg}` is NA; give {what}.")
    raise ArgumentError(f"compile(): `{arg}` must be {what}; got {describe(value, True)}.")


def check_compile_arguments(optimizer: Any, loss: Any, metrics: Any) -> None:
    """compile()'s optimizer, loss and metrics: names, objects or functions, never numbers.

    Keras accepts `loss = 42` or `optimizer = None` at compile time and fails
    only at fit(); keras3 users then look for the mistake in their data.
    """
    import keras

    from .pipe import unwrap

    optimizer = unwrap(optimizer)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        _check_named_thing(optimizer, "optimizer",
                           "an optimizer name ('rmsprop', 'adam' ...) or an optimizer_*() object",
                           allow_none=False)
    _check_named_thing(unwrap(loss), "loss",
                       "a loss name ('mse', 'categorical_crossentropy' ...), a loss_*() object "
                       "or a function(y_true, y_pred)", allow_none=True)
    _check_named_thing(unwrap(metrics), "metrics",
                       "metric names ('accuracy', 'mae' ...), metric_*() objects or functions",
                       allow_none=True)


def _wanted(single: Single) -> str:
    if single.kind == "tensor":
        return "numbers (an array or a tensor)"
    if single.kind == "string":
        return "a string" if single.strings_only else "a single value"
    if single.kind == "logical":
        return "TRUE or FALSE" if in_r() else "True or False"
    return "a single whole number" if single.kind == "whole" else "a single number"


def _example(arg: str, item: Any) -> str:
    item = scalar(item)
    if isinstance(item, float) and item.is_integer() and abs(item) < 1e15:
        item = int(item)
    text = r_atom(item) if in_r() else repr(item)
    if in_r() and text.endswith("L"):
        text = text[:-1]
    return f"{arg} = {text}" if in_r() else f"{arg}={text}"


def _refuse_several(verb, arg: str, single: Single, value: Any, size: int, first: Any) -> None:
    got = describe_for_caller(value)
    if size == 0:
        default = verb.defaults.get(arg, inspect.Parameter.empty)
        todo = ("Give one value" + ("" if default is inspect.Parameter.empty else
                                    f", or leave `{arg}` out for Keras's default"))
    else:
        todo = f"It takes one value: give one, e.g. {_example(arg, first)}"
    raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got {got}. "
                            f"{todo}.")


def _check_tensor(verb, arg: str, value: Any) -> Any:
    text = isinstance(value, (str, bytes)) or (
        isinstance(value, np.ndarray) and value.dtype.kind in "USO" and value.size
        and isinstance(value.flat[0], (str, bytes)))
    if text:
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(Single('tensor', False, False))}; "
                                f"got {describe_for_caller(value)}, which is text.")
    return value


def _check_single(verb, arg: str, single: Single, value: Any) -> Any:
    if single.kind == "tensor":
        return _check_tensor(verb, arg, value)
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            _refuse_several(verb, arg, single, value, len(value), value[0] if value else None)
        value = value[0]
        if isinstance(value, (list, tuple, dict)) or (
                isinstance(value, np.ndarray) and value.size != 1):
            size = len(value) if not isinstance(value, np.ndarray) else value.size
            _refuse_several(verb, arg, single, value, size,
                            None if not size else np.ravel(np.asarray(value, dtype=object))[0])
    elif isinstance(value, np.ndarray) and value.size != 1:
        _refuse_several(verb, arg, single, value, value.size,
                        value.ravel()[0] if value.size else None)
    elif isinstance(value, dict):
        _refuse_several(verb, arg, single, value, len(value),
                        next(iter(value.values()), None))
    item = scalar(value, lists=True)
    if (single.kind == "whole" and isinstance(item, numbers.Real) and not isinstance(item, bool)
            and math.isfinite(item) and abs(item) > _INT32_MAX and "seed" not in arg):
        # No count Keras takes fits beyond int32; Keras would try (metric_auc(num_thresholds =
        # 1e12) builds a Python list of 1e12 thresholds; TensorFlow aborts on a larger stride).
        raise ArgumentError(f"{verb.name}(): `{arg}` = {item:.6g} is beyond 2147483647, the "
                            f"largest count or size Keras and TensorFlow take (a 32-bit integer).")
    if single.kind == "logical" and isinstance(item, float) and math.isnan(item):
        raise ArgumentError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got NA/NaN.")
    if single.strings_only and not isinstance(item, str):
        accepted = (" (" + ", ".join(f'"{o}"' for o in single.options) + ")"
                    if single.options else f" (see help({verb.name}))")
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be a string{accepted}; got "
                                f"{describe_for_caller(item)}.")
    if isinstance(item, (str, bytes)) and not single.strings:
        wanted = {"whole": "a whole number", "number": "a number"}.get(single.kind, _wanted(single))
        try:
            hint = (f" Give {wanted} ({_example(arg, float(item))}, not "
                    f"{r_atom(item) if in_r() else repr(item)}).")
        except ValueError:
            hint = f" Give {wanted}."
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got "
                                f"{describe_for_caller(item)}.{hint}")
    if (isinstance(item, (bool, np.bool_)) and single.kind != "logical" and not single.logicals
            and not isinstance(value, np.ndarray)):
        raise ArgumentTypeError(f"{verb.name}(): `{arg}` must be {_wanted(single)}; got "
                                f"{describe_for_caller(item)}, a logical.")
    # R's length-1 vector (np.array([0.5])) or list (list(0.5)) is its one value.
    return item if isinstance(value, (list, tuple, np.ndarray)) else value


def check_subject(verb, subject: Any) -> None:
    """The pipe subject (an op's `x`, a model): never R's NA, never text where numbers go."""
    if subject is R_NA:
        raise ArgumentError(f"{verb.name}(): `{verb.subject}` is NA; give a value.")
    if verb.subject is not None and verb.kind == "function":
        param = next(p for p in verb.parameters if p.name == verb.subject)
        single = single_kind(verb, param, documented_arguments(verb.doc or "").get(param.name, ""))
        if single is not None and single.kind == "tensor":
            _check_tensor(verb, verb.subject, subject)


def single_values(verb, bound: dict[str, Any]) -> dict[str, Any]:
    """Check that each one-value argument got one value; a list of one becomes its element.

    Runs on every verb, before R's conventions (so `units = list(3)` is
    `units = 3`, then an int).

    Raises:
        ArgumentTypeError: for a vector or list of length 0 or 2+, a string where a
            number or TRUE/FALSE is wanted, or TRUE/FALSE where a number is; the
            message shows the value in the caller's language (R or Python).
    """
    kinds = scalar_kinds(verb)
    out = dict(bound)
    for arg, value in bound.items():
        if value is R_NA:
            raise ArgumentError(f"{verb.name}(): `{arg}` is NA; give a value, or leave the "
                                f"argument out for its default.")
        check_identifier(verb.name, arg, value)
        single = kinds.get(arg)
        if single is None or value is None:
            continue
        out[arg] = _check_single(verb, arg, single, value)
    return out


# --- optional Python packages ---------------------------------------------------------
#
# Verbs whose Keras code imports a package Keras does not install. Without it Keras fails
# late (TensorBoard: "TBNotInstalledError" in the middle of fit) or with a message that names
# neither the verb nor the Python to install into. Checked before the call, with what needs it.

def _given(bound: dict[str, Any], verb, arg: str) -> Any:
    return bound.get(arg, verb.defaults.get(arg))


_BACKEND_PACKAGES = {"jax": "jax", "torch": "torch", "openvino": "openvino",
                     "tensorflow": "tensorflow"}

# verb -> (import name, pip name, what needs it, when (bound, verb) -> bool)
OPTIONAL_PACKAGES: dict[str, list[tuple[str, str, str, Any]]] = {
    "layer_stft_spectrogram": [("scipy", "scipy", "its window function (scipy.signal.get_window "
                                "for a named `window` such as \"hann\", the default)",
                                lambda b, v: isinstance(_given(b, v, "window"), str))],
    "initializer_stft": [("scipy", "scipy", "its window function (scipy.signal.get_window for a "
                          "named `window` such as \"hann\", the default)",
                          lambda b, v: isinstance(_given(b, v, "window"), str))],
    "image_load": [("PIL", "pillow", "reading image files (Pillow's PIL.Image)", None)],
    "image_from_array": [("PIL", "pillow", "making images (Pillow's PIL.Image)", None)],
    "image_array_save": [("PIL", "pillow", "writing image files (Pillow's PIL.Image)", None)],
    "audio_dataset_from_directory": [("tensorflow_io", "tensorflow-io",
                                      "resampling audio to `sampling_rate`",
                                      lambda b, v: _given(b, v, "sampling_rate") is not None)],
    "layer_jax_model_wrapper": [("jax", "jax", "running a JAX function as a layer", None)],
    "layer_flax_module_wrapper": [("jax", "jax", "running a Flax module as a layer", None),
                                  ("flax", "flax", "running a Flax module as a layer", None)],
    "layer_torch_module_wrapper": [("torch", "torch", "running a PyTorch module as a layer", None)],
    "callback_orbax_checkpoint": [("orbax.checkpoint", "orbax-checkpoint",
                                   "writing Orbax checkpoints", None)],
    "callback_remote_monitor": [("requests", "requests", "sending the logs over HTTP", None)],
}


def _installed(module: str) -> bool:
    import importlib
    import importlib.util

    def find() -> bool:
        try:
            return importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):       # a parent package missing, or blocked
            return False

    if find():
        return True
    importlib.invalidate_caches()               # installed since this Python started?
    return find()


def missing_package_message(verb_name: str, package: str, why: str, again: str = "") -> str:
    """What is missing, what needs it, and the install command for this Python (R or Python)."""
    import sys

    python = sys.executable
    if in_r():
        install = (f'In R: system2("{python}", c("-m", "pip", "install", "{package}")), '
                   f'or in a shell: {python} -m pip install {package}')
    else:
        install = f"In a shell: {python} -m pip install {package} (in a notebook: %pip install " \
                  f"{package})"
    return (f"{verb_name}() needs the Python package '{package}' for {why}, and it is not "
            f"installed in rkeras's Python ({python}). {install}; then call {again or verb_name}() "
            f"again.")


def check_optional_packages(verb, bound: dict[str, Any]) -> None:
    """Refuse a verb whose optional Python package is missing, before Keras imports it.

    Raises:
        MissingPackageError: naming the package, the verb and what needs it, with the
            `pip install` command for rkeras's own Python.
    """
    from .errors import MissingPackageError

    for module, package, why, when in OPTIONAL_PACKAGES.get(verb.name, ()):
        if when is not None and not when(bound, verb):
            continue
        if not _installed(module):
            raise MissingPackageError(missing_package_message(verb.name, package, why), package)
    if verb.name == "config_set_backend":
        backend = scalar(_given(bound, verb, "backend"), lists=True)
        module = _BACKEND_PACKAGES.get(backend) if isinstance(backend, str) else None
        if module and not _installed(module):
            raise MissingPackageError(missing_package_message(
                verb.name, module, f"Keras's {backend!r} backend"), module)


def check_identifier(verb_name: str, arg: str, value: Any) -> None:
    """A name, an object or a function for `*_initializer`, `*_regularizer`, `*_constraint`,
    `activation`: never a number, a vector or a list (Keras: "Could not interpret
    regularizer identifier: [1.0, 2.0]"); an unknown name gets the closest known ones."""
    kind = identifier_kind(arg)
    if kind is None or value is None or callable(value) or isinstance(value, dict):
        return
    if isinstance(value, str):
        if kind == "activation":
            return                      # rkeras.name_checks.check_activation has its message
        import importlib

        from .errors import unknown_name

        try:
            importlib.import_module(f"keras.{IDENTIFIERS[kind][0]}").get(value)
        except (ValueError, TypeError, KeyError):
            raise unknown_name(kind, arg, value, identifier_names(kind), verb_name) from None
        return
    if type(value).__module__.startswith("keras"):
        return                          # a Keras object: Keras knows what to do with it
    raise ArgumentTypeError(f"{verb_name}(): `{arg}` must be {IDENTIFIERS[kind][1]}; got "
                            f"{describe_for_caller(value)}.")


def check_callback_packages(callbacks: Any) -> None:
    """Refuse fit() with a TensorBoard callback when the tensorboard package is missing.

    keras3 (and Keras) create `callback_tensorboard()` without it, so creating it
    stays allowed; Keras would fail at the first batch of fit() with
    TBNotInstalledError, so fit() refuses before training instead.

    Raises:
        MissingPackageError: naming tensorboard, what needs it and the install command.
    """
    from .errors import MissingPackageError

    for callback in callbacks or ():
        cls = type(callback)
        if (cls.__name__ == "TensorBoard" and cls.__module__.startswith("keras")
                and not _installed("tensorboard")):
            raise MissingPackageError(missing_package_message(
                "callback_tensorboard", "tensorboard",
                "TensorBoard's log writer (tf.summary), used from fit()'s first batch",
                again="fit"), "tensorboard")
