"""The verb registry: one definition per verb, for both front ends.

A :class:`Verb` records everything that both the Python functions
(`rkeras.layer_dense`) and the R functions of the bridge (`layer_dense` in the
embedded R session) are generated from: the R keras3 name, what it calls, its
R-facing parameters (with Keras's defaults), how it is called and its help text.

Most verbs are derived from Keras itself (`FAMILIES`): every public class of
`keras.layers`, `keras.callbacks`, `keras.optimizers` ... becomes a verb named
by :func:`rkeras.verb_names.r_name`, so a Keras upgrade brings its new layers
without new code. Verbs Keras has no class for (`fit`, `dataset_mnist`,
`array_reshape`, `plot_history` ...) are plain functions in rkeras modules
listed in `HAND_WRITTEN`, picked up from their `__all__`.

How a verb is called is its `kind`:

* ``layer``: builds a Keras layer; composes with its `object` (R keras3's
  `create_layer`: none -> the layer, Sequential -> added in place, tensor ->
  called);
* ``model``: acts on a model given first (`compile`, `fit`); without one it
  waits for the pipe (`model >> fit(x, y)`);
* ``function``: acts on its first argument (`array_reshape`,
  `activation_relu`); without it, it waits for the pipe;
* ``loss`` / ``metric``: an instance, or the value when `y_true`, `y_pred` are given;
* ``object``: builds and returns an object (callbacks, optimizers, datasets,
  `config_*`, `random_*`, `application_*`).

Besides classes, a family may take a module's public functions (`keras.ops`
-> `op_*`, `keras.config` -> `config_*`) or an explicit list of members with
their keras3 names (`keras.utils.load_img` -> `image_load`). keras3's second
names for the same thing (`op_pmax` for `op_maximum`, `rnn_cell_gru` for
`layer_gru_cell`) are listed in `ALIASES`.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .conventions import rules_doc
from .verb_names import r_name

KINDS = ("layer", "model", "function", "loss", "metric", "object")


@dataclass(frozen=True)
class Verb:
    """One R keras verb.

    Attributes:
        name: the R keras3 name, e.g. ``"layer_dense"``.
        family: ``"layer"``, ``"callback"``, ``"optimizer"``, ``"model"`` ...
        kind: how the verb is called (see the module docstring).
        target: the Keras class or function, or the rkeras implementation.
        parameters: the R-facing parameters, in order; the first is the pipe
            subject for kinds ``layer``, ``model`` and ``function``.
        doc: the help text.
        passthrough: extra keyword arguments are forwarded to `target`
            (Keras validates them) instead of being refused.
    """

    name: str
    family: str
    kind: str
    target: Callable
    parameters: tuple[inspect.Parameter, ...]
    doc: str = ""
    passthrough: bool = False
    keras_path: str = ""
    # Name of the parameter that collects extra unnamed arguments (R's `...`,
    # Python's *args: `op_einsum("ij,jk", a, b)`), or "".
    varargs: str = ""

    @property
    def signature(self) -> inspect.Signature:
        # R signatures put an optional `object` before required arguments
        # (`layer_dense(object, units, ...)`); Python's ordering check does not apply.
        return inspect.Signature(list(self.parameters), __validate_parameters__=False)

    @property
    def subject(self) -> str | None:
        """Name of the parameter that `>>` (or R's `%>%`) fills, if any."""
        if self.kind in ("layer", "model", "function") and self.parameters:
            return self.parameters[0].name
        return None

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.parameters
                if p.default is not inspect.Parameter.empty}


# --- verbs derived from Keras ---------------------------------------------------

@dataclass(frozen=True)
class Family:
    """A Keras module whose public classes (or functions) become verbs."""

    prefix: str
    module: str
    kind: str
    base: str | None = None            # only subclasses of this class
    functions: bool = False            # take public functions, not classes
    exclude: frozenset[str] = field(default_factory=frozenset)
    # Only these members, Keras name -> R name (keras3's own names for them).
    names: tuple[tuple[str, str], ...] = ()
    # Dotted name of `wrap(target, verb_name) -> callable`: rkeras behaviour
    # around every member (applications: weights only from the local cache).
    wrap: str | None = None


FAMILIES: tuple[Family, ...] = (
    Family("layer", "keras.layers", "layer", base="keras.layers.Layer"),
    Family("callback", "keras.callbacks", "object", base="keras.callbacks.Callback"),
    Family("optimizer", "keras.optimizers", "object", base="keras.optimizers.Optimizer"),
    Family("loss", "keras.losses", "loss", base="keras.losses.Loss"),
    Family("metric", "keras.metrics", "metric", base="keras.metrics.Metric"),
    Family("activation", "keras.activations", "function", functions=True,
           exclude=frozenset({"get", "serialize", "deserialize"})),
    Family("initializer", "keras.initializers", "object", base="keras.initializers.Initializer"),
    Family("regularizer", "keras.regularizers", "object", base="keras.regularizers.Regularizer"),
    Family("constraint", "keras.constraints", "object", base="keras.constraints.Constraint"),
    Family("learning_rate_schedule", "keras.optimizers.schedules", "object",
           base="keras.optimizers.schedules.LearningRateSchedule"),
    # keras.ops: op_add, op_matmul, op_conv ... (keras3's 1-based axes come from
    # rkeras.conventions; keras3's extra behaviour is in rkeras.ops).
    Family("op", "keras.ops", "function", functions=True),
    Family("op_image", "keras.ops.image", "function", functions=True),
    Family("random", "keras.random", "object", functions=True),
    Family("random", "keras.random", "object", names=(("SeedGenerator", "random_seed_generator"),)),
    Family("config", "keras.config", "object", functions=True),
    Family("application", "keras.applications", "object", functions=True,
           wrap="rkeras.applications.offline_weights"),
    Family("feature", "keras.utils.FeatureSpace", "object", names=(
        ("cross", "feature_cross"), ("feature", "feature_custom"), ("float", "feature_float"),
        ("float_discretized", "feature_float_discretized"),
        ("float_normalized", "feature_float_normalized"),
        ("float_rescaled", "feature_float_rescaled"),
        ("integer_categorical", "feature_integer_categorical"),
        ("integer_hashed", "feature_integer_hashed"),
        ("string_categorical", "feature_string_categorical"),
        ("string_hashed", "feature_string_hashed"))),
    Family("utils", "keras.utils", "object", names=(
        ("FeatureSpace", "layer_feature_space"),
        ("get_file", "get_file"), ("get_source_inputs", "get_source_inputs"),
        ("image_dataset_from_directory", "image_dataset_from_directory"),
        ("text_dataset_from_directory", "text_dataset_from_directory"),
        ("audio_dataset_from_directory", "audio_dataset_from_directory"),
        ("timeseries_dataset_from_array", "timeseries_dataset_from_array"),
        ("split_dataset", "split_dataset"),
        ("get_registered_name", "get_registered_name"),
        ("get_registered_object", "get_registered_object"),
        ("serialize_keras_object", "serialize_keras_object"),
        ("deserialize_keras_object", "deserialize_keras_object"),
        ("load_img", "image_load"), ("array_to_img", "image_from_array"))),
    # keras3's metric_* for Keras's metric functions that have no class of that name.
    Family("metric", "keras.metrics", "function", names=(
        ("binary_focal_crossentropy", "metric_binary_focal_crossentropy"),
        ("categorical_focal_crossentropy", "metric_categorical_focal_crossentropy"),
        ("huber", "metric_huber"), ("log_cosh", "metric_log_cosh"))),
    Family("utils", "keras.preprocessing.image", "function",
           names=(("smart_resize", "image_smart_resize"),)),
)

# keras3's second names for a verb (alias -> verb): the same verb under both.
ALIASES: dict[str, str] = {
    "op_pmax": "op_maximum",
    "op_pmin": "op_minimum",
    "op_convert_to_array": "op_convert_to_numpy",
    "application_nasnetlarge": "application_nasnet_large",
    "application_nasnetmobile": "application_nasnet_mobile",
    "rnn_cell_gru": "layer_gru_cell",
    "rnn_cell_lstm": "layer_lstm_cell",
    "rnn_cell_simple": "layer_simple_rnn_cell",
    "rnn_cells_stack": "layer_stacked_rnn_cells",
    "bidirectional": "layer_bidirectional",
    "time_distributed": "layer_time_distributed",
}

# Keras classes that are deliberately not verbs, and why (checked by the tests).
NOT_MAPPED: dict[str, str] = {
    "keras.layers.Layer": "the base class: subclass it (or keras.Layer) for custom layers",
    "keras.layers.Wrapper": "abstract base of layer_bidirectional/layer_time_distributed",
    "keras.layers.InputLayer": "layer_input()/keras_input() (keras.Input) is its verb, as in keras3",
    "keras.callbacks.Callback": "the base class for custom callbacks",
    "keras.callbacks.CallbackList": "Keras-internal container, not a callback users create",
    "keras.callbacks.History": "fit() returns it converted to a KerasTrainingHistory",
    "keras.callbacks.LambdaCallback": "callback_lambda() wraps it with R's 1-based epochs",
    "keras.callbacks.ModelCheckpoint": "callback_model_checkpoint() returns a subclass that "
                                       "writes atomically (rkeras.checkpoint_callbacks)",
    "keras.callbacks.BackupAndRestore": "callback_backup_and_restore() returns a subclass that "
                                        "writes atomically (rkeras.checkpoint_callbacks)",
    **{f"{module}.{base}": "the base class, for subclassing" for module, base in (
        ("keras.optimizers", "Optimizer"), ("keras.losses", "Loss"), ("keras.metrics", "Metric"),
        ("keras.initializers", "Initializer"), ("keras.regularizers", "Regularizer"),
        ("keras.constraints", "Constraint"),
        ("keras.optimizers.schedules", "LearningRateSchedule"))},
}

# Layer keyword arguments that every layer accepts through Keras's **kwargs.
_LAYER_KWARGS = tuple(
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
    for name, default in (("input_shape", None), ("batch_size", None), ("input_dim", None),
                          ("dtype", None), ("name", None), ("trainable", True),
                          ("activity_regularizer", None)))


def _resolve(dotted: str):
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _keras_parameters(target: Callable, extra: tuple[inspect.Parameter, ...] = ()
                      ) -> tuple[list[inspect.Parameter], bool]:
    """R-facing parameters of a Keras class/function, and whether it takes **kwargs.

    Keras's own Parameter objects are reused as they are: building new ones for
    every argument of every class would double the import time of rkeras.
    """
    func = target.__init__ if inspect.isclass(target) else target
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return [], True
    params, has_kwargs = [], False
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            has_kwargs = True
        elif p.name != "self" and p.kind is not inspect.Parameter.VAR_POSITIONAL:
            params.append(p)
    if has_kwargs:
        have = {p.name for p in params}
        params += [p for p in extra if p.name not in have]
    return params, has_kwargs


def _subject(name: str) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)


def _usage_doc(name: str, target, keras_path: str) -> str:
    head = f"R keras3 verb `{name}`, calling `{keras_path}`.\n\n"
    return head + (inspect.getdoc(target) or "")


def _is_merge_layer(cls) -> bool:
    from keras.src.layers.merging.base_merge import Merge
    return issubclass(cls, Merge)


def _family_module(dotted: str):
    """A module, or a class whose class methods are the members (FeatureSpace)."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        return _resolve(dotted)


def _family_members(family: Family) -> Iterator[tuple[str, Any]]:
    module = _family_module(family.module)
    if family.names:
        for attr, _ in family.names:
            yield attr, getattr(module, attr)
        return
    base = _resolve(family.base) if family.base else None
    seen: set[int] = set()
    for attr in sorted(dir(module)):
        if attr.startswith("_") or attr in family.exclude:
            continue
        obj = getattr(module, attr)
        if family.functions:
            if inspect.isfunction(obj) or inspect.isbuiltin(obj):
                yield attr, obj
            continue
        if not inspect.isclass(obj) or (base is not None and not issubclass(obj, base)):
            continue
        if f"{family.module}.{obj.__name__}" in NOT_MAPPED or id(obj) in seen:
            continue
        seen.add(id(obj))
        yield obj.__name__, obj


def _one_based_defaults(params: list[inspect.Parameter]) -> list[inspect.Parameter]:
    """Show axis defaults as R writes them (`op_concatenate(axis = 1)`).

    Only the signature (documentation, and the R formals) changes: a default is
    never passed to Keras, so Keras's own 0-based default still applies.
    """
    from .conventions import AXIS_ARGS, INDEX_ARRAY_ARGS

    out = []
    for p in params:
        d = p.default
        one_based = p.name in AXIS_ARGS | INDEX_ARRAY_ARGS
        if one_based and isinstance(d, int) and not isinstance(d, bool) and d >= 0:
            p = p.replace(default=d + 1)
        elif (p.name in AXIS_ARGS and isinstance(d, tuple)
              and all(isinstance(a, int) and a >= 0 for a in d)):
            p = p.replace(default=tuple(a + 1 for a in d))
        out.append(p)
    return out


def _converted_first(verb: str, param: inspect.Parameter) -> bool:
    from .conventions import transform_for

    return transform_for(verb, param.name, param.default) is not None


def _family_verbs(family: Family) -> Iterator[Verb]:
    names = dict(family.names)
    wrap = _resolve(family.wrap) if family.wrap else None
    for python_name, target in _family_members(family):
        name = names.get(python_name) or r_name(family.prefix, python_name)
        keras_path = f"{family.module}.{python_name}"
        extra = _LAYER_KWARGS if family.kind == "layer" else ()
        params, has_kwargs = _keras_parameters(target, extra)
        if family.kind != "layer":
            params = _one_based_defaults(params)
        if wrap is not None:
            target = wrap(target, name)
        kind = family.kind
        if kind == "function" and params and _converted_first(name, params[0]):
            # `op_zeros(shape)`, `op_eye(N)`: the first argument is not data to pipe
            # but an argument with a conversion (a shape, a count): bind it as one.
            kind = "object"
        if kind == "layer":
            subject = "inputs" if _is_merge_layer(target) else "object"
            params = [_subject(subject)] + params
        elif kind in ("loss", "metric"):
            params = [_subject("y_true"), _subject("y_pred")] + params
        yield Verb(
            name=name, family=family.prefix, kind=kind, target=target,
            parameters=tuple(params), doc=_usage_doc(name, target, keras_path) + rules_doc(name, params),
            passthrough=has_kwargs and kind != "layer", keras_path=keras_path,
        )


# --- hand-written verbs ------------------------------------------------------------

# module -> (family, default kind). A function may set `__rkeras_kind__`.
HAND_WRITTEN: dict[str, tuple[str, str]] = {
    "rkeras.models": ("model", "model"),
    "rkeras.callbacks": ("callback", "object"),
    "rkeras.checkpoint_callbacks": ("callback", "object"),
    "rkeras.preprocessing": ("preprocessing", "function"),
    "rkeras.datasets": ("dataset", "object"),
    "rkeras.history": ("history", "function"),
    "rkeras.distribute": ("distribute", "object"),
    "rkeras.ops": ("op", "function"),
    "rkeras.applications": ("application", "function"),
    "rkeras.serialization": ("serialization", "object"),
    "rkeras.model_methods": ("model", "model"),
    "rkeras.utils": ("utils", "object"),
}


def takes_dots(parameter: str):
    """Decorator: extra unnamed arguments (R's `...`) arrive as a list in `parameter`.

    `op_einsum("ij,jk->ik", a, b)` calls `op_einsum(subscripts="ij,jk->ik",
    operands=[a, b])`; the function declares `operands` as an ordinary parameter.
    """
    def mark(fn):
        fn.__rkeras_varargs__ = parameter
        return fn
    return mark


def verb_kind(kind: str, family: str | None = None):
    """Decorator: declare how a hand-written verb is called (see KINDS), and its family
    when it is not its module's (ops.py's random_categorical is a random_* verb)."""
    if kind not in KINDS:
        raise ValueError(f"unknown verb kind {kind!r}; expected one of {KINDS}")

    def mark(fn):
        fn.__rkeras_kind__ = kind
        if family is not None:
            fn.__rkeras_family__ = family
        return fn
    return mark


def _hand_written_verbs() -> Iterator[Verb]:
    for module_name, (module_family, default_kind) in HAND_WRITTEN.items():
        module = importlib.import_module(module_name)
        for attr in getattr(module, "__all__", ()):
            fn = getattr(module, attr)
            if inspect.isclass(fn) or not callable(fn):
                continue
            kind = getattr(fn, "__rkeras_kind__", default_kind)
            family = getattr(fn, "__rkeras_family__", module_family)
            params = tuple(p for p in inspect.signature(fn).parameters.values()
                           if p.kind not in (inspect.Parameter.VAR_POSITIONAL,
                                             inspect.Parameter.VAR_KEYWORD))
            has_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD
                             for p in inspect.signature(fn).parameters.values())
            yield Verb(name=attr, family=family, kind=kind, target=fn, parameters=params,
                       doc=inspect.getdoc(fn) or "", passthrough=has_kwargs,
                       keras_path=f"{module_name}.{attr}",
                       varargs=getattr(fn, "__rkeras_varargs__", ""))


@functools.lru_cache(maxsize=None)
def registry() -> dict[str, Verb]:
    """All verbs, by R name. Hand-written verbs win over derived ones."""
    # Building ~850 verbs allocates enough to trigger Python's full collections,
    # each walking all of TensorFlow's objects: about half the build time here
    # (0.41 s -> ~0.2 s measured, BENCHMARKS.md). Nothing built here is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_registry()
    finally:
        if collecting:
            gc.enable()


def _build_registry() -> dict[str, Verb]:
    verbs: dict[str, Verb] = {}
    for family in FAMILIES:
        for verb in _family_verbs(family):
            verbs.setdefault(verb.name, verb)
    for verb in _hand_written_verbs():
        verbs[verb.name] = verb
    for alias, name in ALIASES.items():
        if name in verbs and alias not in verbs:
            verb = verbs[name]
            if alias.startswith("rnn_cell"):
                # keras3's rnn_cell_*(units, ...) build a cell for layer_rnn(): no `object`
                # to compose onto (rnn_cell_gru(4) is units = 4).
                verb = dataclasses.replace(verb, kind="object", parameters=verb.parameters[1:])
            verbs[alias] = dataclasses.replace(
                verb, name=alias, doc=f"`{alias}()` is keras3's other name for `{name}()`.\n\n"
                                      + verb.doc)
    return verbs


def verbs_in(family: str) -> list[Verb]:
    return [v for v in registry().values() if v.family == family]
