"""The R front end: every registry verb as an R function in the embedded R, and the Python R calls back.

R code written for R keras3 (``library(keras)``, ``%>%``, ``%<-%``,
``layer_dense(units = 512)``, ``fit()``, ``plot(history)``) runs unchanged in
rkeras's embedded R session, against the same verbs the Python API uses.

:func:`install` evaluates the verbs' R source (:func:`rkeras.r.rsource.generate_source`)
into rkeras's R environment (which already holds the hand-written
``rkeras/r/R/*.R`` code: S3 methods, ``library()`` shims, print methods) and
attaches it to R's search path as ``"rkeras"``. Verbs whose names R already
has (``summary``, ``predict``) become S3 methods for rkeras objects instead of
masking R's generics.

A verb called in R collects the arguments **the user supplied** (``.rk_verb``
in ``00-core.R``; R-side defaults are documentation, Keras's apply) and hands
them to :func:`run_verb_from_r`, which converts them with ``to_python``, maps R
names to Python names and runs :func:`rkeras.verbs.call_verb`, the single call
path the Python API uses too. The result goes back with ``to_r`` (after
:func:`_for_r`'s front-end shapes) and is returned invisibly where keras3 does.

Layers as R functions
    A layer that is not yet part of a model (``layer_dense(units = 10)``
    alone, ``get_layer()``) comes to R as an R function of class
    ``c("rkeras_layer_fn", "rkeras_layer", "function")``, as in keras3:
    ``model %>% my_layer()`` adds it, ``my_layer(x)`` calls it on a tensor;
    passed back to Python it is the same Keras layer. Models and tensors are
    handles (:mod:`rkeras.r.handles`) whose ``print`` shows the model summary;
    ``model$count_params()`` reaches Python attributes. Tensor handles support
    R arithmetic and ``mean()``/``sum()``/``abs()``... (as ``keras.ops``), so
    losses and metrics written in R keep gradients.

Entry points: :func:`install` (idempotent; returns the seconds it took) and
:func:`activate` (the same for Jupyter ``%%R`` cells). ``rkeras run FILE.R``
is :mod:`rkeras.r.script`.
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from typing import Any, Optional

import numpy as np

from ..caller_syntax import r_syntax
from ..conventions import as_integer
from ..errors import ArgumentError
from ..pipe import PendingLayer, unwrap
from ..registry import registry
from ..rlist import RList
from ..verbs import call_verb
from . import python_objects
from .convert import (
    RFunction,
    UnnamedList,
    r_function,
    register_to_python,
    register_to_r,
    set_class,
    to_python,
    to_r,
)
from .convert.r_vectors import verb_argument
from .convert.to_r import array_to_r, vector_to_r
from .evaluate import r_call, r_eval
from .handles import new_handle, python_class_chain
from .model_plot import model_plot_file
from .rsource import (
    R_NAME_OVERRIDES,
    generate_source,
    python_param_name,
    r_param_name,
    read_verbs_file,
    verb_help,
    write_verbs_cache,
)
from .session import entered

__all__ = [
    "install",
    "activate",
    "front_end",
    "FrontEnd",
    "run_verb_from_r",
    "install_seconds",
    "R_NAME_OVERRIDES",
]

# Verbs that keras3 returns invisibly even though they return something new.
_INVISIBLE_VERBS = frozenset({"fit", "set_random_seed", "clear_session"})


# --------------------------------------------------------------------------
# Python side of the verbs
# --------------------------------------------------------------------------
def _items(args: Any) -> list[tuple[str, Any]]:
    """(name, value) pairs of what `.rk_collect` gave (a dict, RList or list)."""
    if args is None:
        return []
    if isinstance(args, dict):
        return [(str(k), v) for k, v in args.items()]
    items = getattr(args, "items", None)
    if callable(items):
        return [(k or "", v) for k, v in items()]
    if isinstance(args, (list, tuple)):
        return [("", v) for v in args]
    return [("", args)]


def _same(a: Any, b: Any) -> bool:
    return unwrap(a) is unwrap(b)


def _named_function(fn: Any, name: str):
    """An R function as a Python function with a name Keras shows (logs, history)."""
    def r_function(y_true, y_pred):
        return fn(y_true, y_pred)
    r_function.__name__ = r_function.__qualname__ = name
    return r_function


def _name_r_losses_and_metrics(kwargs: dict) -> dict:
    """keras3's naming of R functions given to compile(): a named list element
    keeps its name, others are `custom_metric` / `custom_loss`."""

    metrics = kwargs.get("metrics")
    if isinstance(metrics, RFunction):
        metrics = [metrics]
    if isinstance(metrics, dict) and metrics and all(isinstance(v, RFunction) for v in metrics.values()):
        kwargs["metrics"] = [_named_function(v, str(k)) for k, v in metrics.items()]
    elif isinstance(metrics, list):
        unnamed = [m for m in metrics if isinstance(m, RFunction)]
        named, count = [], 0
        for m in metrics:
            if isinstance(m, RFunction):
                count += 1
                m = _named_function(m, "custom_metric" if len(unnamed) == 1 else f"custom_metric_{count}")
            named.append(m)
        kwargs["metrics"] = named
    if isinstance(kwargs.get("loss"), RFunction):
        kwargs["loss"] = _named_function(kwargs["loss"], "custom_loss")
    return kwargs


def _is_formula(value: Any) -> bool:
    rclass = getattr(value, "rclass", None)
    return rclass is not None and "formula" in list(rclass)


def _formula_which_as_function(kwargs: dict) -> dict:
    """keras3: `which = ~ grepl("^dense", .x$name)` is a function of the layer
    (rlang::as_function(), `.x` the layer), as in keras3's freeze_weights()."""
    if _is_formula(kwargs.get("which")):
        kwargs["which"] = to_python(r_call("rlang::as_function", kwargs["which"]))
    return kwargs


def _inputs_of_numbers(value: Any) -> Any:
    """R's `list(1, 2)` as data: one input per element, each a vector of one sample.

    It reaches Python as ``[1.0, 2.0]`` (an R vector would be an array), which
    numpy reads as one input of two samples; keras3 hands Keras two arrays of
    shape (1,) (test-generators.R: ``validation_data = list(list(1, 2), 3)``).
    """
    if type(value) is not list:
        return value
    if value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return [np.array([v], dtype=float) for v in value]
    return [_inputs_of_numbers(v) for v in value]


def _r_data_lists(kwargs: dict) -> dict:
    for key in ("x", "y", "validation_data"):
        if key in kwargs:
            kwargs[key] = _inputs_of_numbers(kwargs[key])
    return kwargs


# Verb -> fix-up of the converted R arguments, for R-only conventions.
_R_ARGUMENT_FIXES = {"compile": _name_r_losses_and_metrics,
                     "fit": _r_data_lists, "evaluate": _r_data_lists, "predict": _r_data_lists,
                     "freeze_weights": _formula_which_as_function,
                     "unfreeze_weights": _formula_which_as_function}


def _seed_r(kwargs: dict) -> None:
    """keras3's set_random_seed() also calls set.seed(): R's runif()/sample() repeat too."""
    r_call("set.seed", as_integer(kwargs["seed"], "seed"))


# Verb -> what it also does in R (after the Python verb ran).
_R_SIDE_EFFECTS = {"set_random_seed": _seed_r}


def _r_lists(value: Any) -> Any:
    """Python lists as R lists, also when all items are strings (zip_lists(): list("a", "b"))."""
    if type(value) is list:
        return UnnamedList(_r_lists(v) for v in value)
    if isinstance(value, RList):
        return RList.from_values([_r_lists(v) for v in value.values()], value.names())
    return value


# Verb -> fix-up of its result for R (R shapes Python has no need for).
_R_RESULT_FIXES = {"zip_lists": _r_lists}


# Verbs whose data Keras copies (cast to float32, tensors): R's garbage goes first.
_DATA_VERBS = frozenset({"fit", "evaluate", "predict", "train_on_batch", "test_on_batch",
                         "predict_on_batch"})
_BIG_DATA_BYTES = 64 << 20


def _collect_r_garbage_before_copies(kwargs: dict) -> None:
    """A full R garbage collection before Keras copies large data (about 40 ms).

    R collects when *its* allocations pass a threshold; it does not see the
    hundreds of MB Keras is about to allocate for a large `x`, so R vectors
    the script no longer uses (`x <- x / 255` leaves the old `x`) would
    otherwise stay in memory through the whole `fit`: 210 MB of the slides'
    MNIST script's peak (BENCHMARKS.md, issue 15).
    """
    big = sum(v.nbytes for v in kwargs.values() if isinstance(v, np.ndarray))
    if big >= _BIG_DATA_BYTES:
        with entered() as sess:
            sess.rlib.R_gc()


def run_verb_from_r(name: str, args: Any = None):
    """Run verb `name` with the arguments R collected (``.rk_verb``).

    Returns (value, visible), or (None, False, name) when the verb returned its
    subject: R then returns the argument `name` it was given, unchanged.
    """
    verb = registry()[name]
    kwargs: dict[str, Any] = {}
    unnamed: list[Any] = []
    for rname, value in _items(args):
        if not rname:
            unnamed.append(verb_argument(verb, verb.varargs, value))
            continue
        pname = python_param_name(name, rname)
        # R vectors (marked in R): Python lists where keras3 hands them on so (float32 tensors).
        kwargs[pname] = verb_argument(verb, pname, value)
    subject = verb.subject
    if unnamed and verb.varargs and verb.varargs not in kwargs:
        kwargs[verb.varargs] = unnamed          # R's `...`: op_einsum("ij,jk->ik", a, b)
        unnamed = []
    if unnamed:
        if verb.kind == "layer" and subject == "inputs" and "inputs" in kwargs:
            first = kwargs["inputs"]
            first = list(first) if isinstance(first, (list, tuple)) else [first]
            kwargs["inputs"] = first + unnamed
        else:
            raise ArgumentError(
                f"{name}(): all arguments after the named ones must be named; got "
                f"{len(unnamed)} unnamed value(s) in `...`.")
    if subject is not None and subject not in kwargs and verb.kind in ("model", "function"):
        param = next(p for p in verb.parameters if p.name == subject)
        if param.default is inspect.Parameter.empty:
            raise ArgumentError(
                f'{name}(): argument "{r_param_name(name, subject)}" is missing, with no default.')
    if name in _R_ARGUMENT_FIXES:
        kwargs = _R_ARGUMENT_FIXES[name](kwargs)
    if name in _DATA_VERBS:
        _collect_r_garbage_before_copies(kwargs)
    with r_syntax():         # messages show R code (c(60000, 784)), not Python's
        result = call_verb(verb, (), kwargs)
    if name in _R_SIDE_EFFECTS:
        _R_SIDE_EFFECTS[name](kwargs)
    if name in _R_RESULT_FIXES:
        result = _R_RESULT_FIXES[name](result)
    visible = True
    if result is None or name in _INVISIBLE_VERBS:
        visible = False
    elif verb.kind == "layer" and kwargs.get(subject) is not None:
        visible = False
    elif subject is not None and subject in kwargs and _same(result, kwargs[subject]):
        # keras3 modifies the model in place and returns invisible(object): the
        # very R object it was given (identical(model, compile(model, ...))).
        return (None, False, r_param_name(name, subject))
    return (_for_r(result), visible)


# Helpers R calls as .rk_python("name", ...).
def _format_object(obj: Any, **summary_args: Any) -> str:
    """The text R prints for a handle; for a model its summary (keras3's print)."""
    import keras

    if isinstance(obj, PendingLayer):
        obj = obj.layer
    if isinstance(obj, keras.Model):
        if not obj.built:
            return f'Model: "{obj.name}"\n(unbuilt: give it an input_shape, or call it on data)'
        if summary_args.get("line_length") is not None:
            summary_args["line_length"] = as_integer(summary_args["line_length"], "line_length")
        lines: list[str] = []
        # Keras draws the table with rich, whose console is as wide as $COLUMNS (else
        # the terminal), whatever line_length says: keras3 sets COLUMNS the same way.
        from unittest import mock  # here, not at start-up: it imports asyncio

        width = summary_args.get("line_length")
        columns = {} if width is None else {"COLUMNS": str(width)}
        with mock.patch.dict(os.environ, columns):
            obj.summary(print_fn=lambda line, **_: lines.append(line), **summary_args)
        return "\n".join(line for line in "\n".join(lines).splitlines() if line.strip())
    # reticulate's print(): the repr, and a callable's signature (a layer's too, as keras3).
    return python_objects.print_text(obj)


def _getattr(obj: Any, attr: str) -> Any:
    if isinstance(obj, PendingLayer):
        obj = obj.layer
    try:
        value = getattr(obj, attr)
    except AttributeError:
        raise AttributeError(f"{type(obj).__name__} object has no attribute '{attr}'") from None
    if inspect.isroutine(value):
        return r_function(value, signature=False)
    if callable(value) and not isinstance(value, type):
        # A callable object (a model, metric or loss held by a custom class):
        # an R function that also has `$` (keras3: self$loss_fn(y, y_pred),
        # self$model$stop_training <- TRUE).
        return _layer_to_r(value)
    return _for_r(value)


def _setattr(obj: Any, attr: str, value: Any, as_list: bool = False) -> Any:
    target = obj.layer if isinstance(obj, PendingLayer) else obj
    if as_list:
        # reticulate's r_to_py(): an R vector of length > 1 is a Python list
        # (self$losses <- c(self$losses, loss) stores [0.5, 0.4], read back as c(0.5, 0.4)).
        value = np.asarray(value).tolist()
    # `self$inner <- layer_dense(...)` stores the Keras layer (tracked), not its R wrapper.
    setattr(target, attr, unwrap(value))
    return obj


def _compose(layer: Any, subject: Any, *args: Any, **kwargs: Any):
    """`my_layer(object, ...)` for a layer function: keras3's compose rule."""
    import keras

    pending = layer if isinstance(layer, PendingLayer) else PendingLayer(type(layer).__name__, layer)
    if subject is None:
        return (_for_r(pending), True)
    if args or kwargs:
        return (_for_r(pending.layer(unwrap(subject), *args, **kwargs)), True)
    result = pending.apply(subject)
    return (_for_r(result), not (isinstance(unwrap(subject), keras.Sequential) and _same(result, subject)))


def _as_array(obj: Any) -> Any:
    import keras
    array = np.asarray(keras.ops.convert_to_numpy(obj))
    # as.array() of a scalar tensor is a 1-d array of one value, as R's as.array(5)
    # and keras3's (as.array(target[1]) == as.array(data[11])).
    return array_to_r(array.reshape(1) if array.ndim == 0 else array)


def _classes(name: str, *args: Any, **kwargs: Any) -> Any:
    """Keras classes written in R (rkeras/r/classes.py, R/classes.R)."""
    from .classes import r_helper
    result = r_helper(name, *args, **kwargs)
    # An R-defined Model's (Loss's, Metric's) instance is an R function, as keras3's (mlp(x)).
    return _for_r(result) if name == "instantiate" and python_objects.is_presented_callable(
        result) else result


_HELPERS = {
    "format": _format_object,
    "getattr": _getattr,
    "setattr": _setattr,
    "compose": _compose,
    "doc": verb_help,
    "op": python_objects.r_operator,
    "as_array": _as_array,
    "classes": _classes,
    "plot_model": model_plot_file,
}


def _python_helper(rkeras_helper: str, *args: Any, **kwargs: Any) -> Any:
    # Not `name`: R would match a Python call's own `name = "ctp"` argument to it
    # (.rk_python("py_call", f, name = "ctp") must reach f as name="ctp").
    if rkeras_helper == "reattach":
        _attach(_front_end.env)
        return None
    return _HELPERS[rkeras_helper](*args, **kwargs)


# --------------------------------------------------------------------------
# Conversion rules the front end adds
# --------------------------------------------------------------------------
def _history_to_r(history):
    params = {}
    for key, value in history.params.items():
        params[str(key)] = value
    # doubles, as keras3's (reticulate: a list of Python floats); a series of ints only
    # (a callback's logs[["my_epoch"]] <- epoch) an integer vector, as keras3's.
    metrics = {name: vector_to_r(np.asarray(values, np.int64 if _all_ints(values) else np.float64))
               for name, values in history.metrics.items()}     # (NaN stays NaN, as keras3's)
    robj = to_r({"params": params, "metrics": metrics})
    # A one-element metrics list must stay a named list, as must params.
    set_class(robj, ["keras_training_history"])
    return robj


def is_scalar_list(value: Any) -> bool:
    """A Python list whose items are all floats, all ints or all bools (reticulate simplifies it)."""
    if type(value) is not list or not value:
        return False
    kind = type(value[0])
    return kind in (float, int, bool) and all(type(v) is kind for v in value)


def _all_ints(values) -> bool:
    return bool(values) and all(type(v) is int for v in values)


def _history_from_r(robj, options):
    """An R keras_training_history (from fit(), or readRDS) as the Python object."""
    from ..history import KerasTrainingHistory

    names = list(robj.names) if len(robj) else []
    parts = {name: to_python(robj[i]) for i, name in enumerate(names)}
    params, metrics = parts.get("params") or {}, parts.get("metrics") or {}
    if not isinstance(metrics, dict):     # a one-metric list may come as a list
        metrics = dict(getattr(metrics, "items", lambda: [])())
    return KerasTrainingHistory(dict(params), metrics)


def _is_lone_layer(obj: Any) -> bool:
    if isinstance(obj, PendingLayer):
        return True
    keras = sys.modules.get("keras")
    return (keras is not None and isinstance(obj, keras.Layer)
            and not isinstance(obj, keras.Model))


def _is_model(obj: Any) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(obj, keras.Model)


def _is_loss(obj: Any) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(obj, keras.losses.Loss)


def _layer_to_r(obj: Any):
    # keras3: a layer's class is its Python class chain (but python.builtin.object, last).
    chain = python_class_chain(obj.layer if isinstance(obj, PendingLayer) else obj)[:-1]
    handle = new_handle(obj, [*chain, "rkeras_layer_object", "rkeras_py_object"])
    return r_call(_front_end.layer_function, handle)


def _layer_from_r(robj, *options):
    env = robj.closureenv
    return to_python(env.find(".rk_layer"))


def _is_ragged_sequences(obj: Any) -> bool:
    """A 1-D object array of integer sequences (dataset_imdb()$train$x ...)."""
    if not (isinstance(obj, np.ndarray) and obj.dtype == object and obj.ndim == 1 and obj.size):
        return False
    first = obj[0]
    return isinstance(first, (list, tuple, np.ndarray)) and all(
        isinstance(v, (int, np.integer)) for v in list(first)[:3])


def _for_r(value: Any, depth: int = 0) -> Any:
    """Front-end shapes of a verb's result before `to_r` converts it.

    Only what the R front end hands back to R code is changed here (the
    converters' global rules stay as they are for everyone else):

    * a Keras layer that is not a model -> an R layer function
      (:func:`_layer_to_r`), also inside lists (``model$layers``);
    * a ragged object array of integer sequences (``dataset_imdb()$train$x``)
      -> a list of int32 arrays, i.e. an R list of integer vectors.
      WORKAROUND (converters): ``to_r`` makes a Python list of ints an R list
      of length-1 vectors, element by element (17 s for IMDB's 5,000
      reviews, and not what keras3 returns); as int32 arrays it takes 0.1 s.
    """
    if depth > 20:
        return value
    if _is_lone_layer(value):
        return _layer_to_r(value)
    if ((_is_model(value) or _is_loss(value) or python_objects.is_presented_callable(value))
            and "py_callable" in _HELPERS):
        # keras3: a model is an R function too, and so is a loss object
        # (loss_fn <- loss_sparse_categorical_crossentropy(); loss_fn(y, logits)).
        return _HELPERS["py_callable"](value)
    if _is_ragged_sequences(value):
        return [np.asarray(seq, dtype=np.int32) for seq in value]
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return array_to_r(value)     # keras3 (reticulate): labels are int [1:60000(1d)]
    if is_scalar_list(value):
        # reticulate: a list of Python floats (ints, bools) of one type is a plain R
        # vector, c(1, 2), not list(1, 2) (self$losses <- c(self$losses, loss); lh$losses).
        return to_r(np.asarray(value))
    if isinstance(value, RList):
        return RList.from_values([_for_r(v, depth + 1) for v in value.values()], value.names())
    if type(value) is dict:
        return {k: _for_r(v, depth + 1) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_for_r(v, depth + 1) for v in value)
    return value


_rules_registered = False


def _is_history(obj: Any) -> bool:
    # A predicate, not the class: importing rkeras.history (pandas) at install
    # would cost `rkeras run` 0.17 s; no history exists before it is imported.
    history = sys.modules.get("rkeras.history")
    return history is not None and isinstance(obj, history.KerasTrainingHistory)


def _register_rules() -> None:
    global _rules_registered
    if _rules_registered:
        return
    register_to_r(_is_history)(_history_to_r)
    register_to_python("rkeras_layer_fn")(_layer_from_r)
    register_to_python("keras_training_history")(_history_from_r)
    _rules_registered = True


# --------------------------------------------------------------------------
# Installing into R
# --------------------------------------------------------------------------
_BASE_PACKAGES = ("base", "stats", "graphics", "grDevices", "utils", "methods", "datasets")


class FrontEnd:
    """The installed R front end.

    Attributes:
        env: rkeras's R environment (verbs, R code), attached as ``"rkeras"``.
        masked: verb names R's default packages already define (S3 methods here).
        layer_function: the R function making a layer into an R function (handles.R).
        seconds: how long :func:`install` took.
    """

    __slots__ = ("env", "masked", "layer_function", "seconds")

    def __init__(self, env, masked: frozenset, layer_function, seconds: float) -> None:
        self.env = env
        self.masked = masked
        self.layer_function = layer_function
        self.seconds = seconds


_front_end: Optional[FrontEnd] = None


def front_end() -> FrontEnd:
    """The installed front end (installing it first if needed)."""
    install()
    return _front_end


def install_seconds() -> Optional[float]:
    """Seconds the last :func:`install` took (None before the first)."""
    return None if _front_end is None else _front_end.seconds


def _masked(env, names: list[str]) -> frozenset:
    """Verb names that R's default packages already define."""
    found = to_python(r_call(env[".rk_masked_verbs"], names, list(_BASE_PACKAGES)))
    if isinstance(found, str):
        found = [found]
    return frozenset(found or ())


def _attach(env) -> None:
    r_call(env[".rk_attach"], env)


def install(force: bool = False) -> float:
    """Install the R front end into the embedded R (once per process).

    Evaluates the verbs' R source into rkeras's R environment and attaches
    that to R's search path as ``"rkeras"`` (``library(keras)`` then finds
    everything there). The source is the committed file made ahead of time
    (:func:`rkeras.r.rsource.read_verbs_file`), so installing imports no
    Keras: each verb imports it on its first call (:func:`run_verb_from_r`).
    Without a file for the installed Keras it is generated from the registry.

    Args:
        force: install again even if already installed.

    Returns:
        The seconds the installation took (0.0 when already installed).
    """
    global _front_end
    if _front_end is not None and not force:
        return 0.0
    start = time.perf_counter()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    pregenerated = read_verbs_file()
    with entered() as sess:
        env = sess.env
        _register_rules()
        env[".rk_run_verb"] = r_function(run_verb_from_r)
        env[".rk_python"] = r_function(_python_helper)
        if pregenerated is None:            # builds the registry (imports Keras)
            masked = _masked(env, sorted(registry()))
            r_eval(generate_source(masked), env)
            write_verbs_cache()             # the next start needs no Keras
        else:
            r_eval(pregenerated, env)
            masked = _masked(env, list(env[".rk_verb_names"]))
            for name in masked:             # R's generic stays; the verb becomes its method
                env[f".rk_verb_{name}"] = env[name]
                del env[name]
        r_call(env[".rk_register_s3"], env, sorted(masked) if masked else sess.ri.StrSexpVector([]))
        _HELPERS.update(python_objects.helpers(_for_r, env))   # reticulate's surface
        r_call(env[".rk_finish_namespaces"], env)                 # keras3 namespace, `keras`, `tf`
        _attach(env)        # the attached copy is what search() shows; the verbs live in env
        layer_function = env[".rk_layer_function"]
    _front_end = FrontEnd(env, masked, layer_function, time.perf_counter() - start)
    return _front_end.seconds


def activate() -> float:
    """One call to use the R front end from Jupyter ``%%R`` cells.

    Example (in a notebook)::

        %load_ext rpy2.ipython
        import rkeras.r.frontend
        rkeras.r.frontend.activate()

        %%R
        library(keras)
        model <- keras_model_sequential(input_shape = 784) %>%
          layer_dense(units = 10, activation = "softmax")

    Loads the ``rpy2.ipython`` extension itself when run inside IPython.

    Returns:
        The seconds :func:`install` took.
    """
    seconds = install()
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None and "rpy2.ipython" not in getattr(shell.extension_manager, "loaded", ()):
        try:
            shell.run_line_magic("load_ext", "rpy2.ipython")
        except Exception:   # noqa: BLE001 - the front end works without the magic
            pass
    return seconds
