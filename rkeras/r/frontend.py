"""The R front end: every registry verb as an R function in the embedded R.

R code written for R keras3 (``library(keras)``, ``%>%``, ``%<-%``,
``layer_dense(units = 512)``, ``fit()``, ``plot(history)``) runs unchanged in
rkeras's embedded R session, against the same verbs the Python API uses.

How the R functions are made
    At start-up :func:`generate_source` renders one R function per verb of
    :func:`rkeras.registry.registry` (cached in memory for the process)::

        layer_dense <- function(object, units, activation = NULL, use_bias = TRUE,
                                kernel_initializer = "glorot_uniform", <...>,
                                trainable = TRUE, ...) .rk_verb("layer_dense")

    The formals are the verb's R-facing parameters with Keras's defaults
    rendered in R syntax (:func:`r_literal`: None -> ``NULL``, True ->
    ``TRUE``, ints -> ``1L``, strings quoted, tuples -> ``c(...)`` or
    ``list(...)``; a default R cannot spell becomes ``NULL`` and is kept in
    the help text), plus a final ``...`` (merge layers: right after
    ``inputs``, where keras3 has it, so ``layer_add(x, y)`` works). The body
    is one call of ``.rk_verb`` (``rkeras/r/R/00-core.R``): it collects the
    arguments **the user supplied** (``missing()``, as keras3's
    ``capture_args``; R-side defaults are documentation, Keras's apply) and
    hands them to :func:`_dispatch_verb`, which converts them with
    :func:`rkeras.r.convert.to_python`, maps R names to Python names
    (:func:`python_param_name`) and runs :func:`rkeras.verbs.call_verb`, the
    single call path the Python API uses too. The result goes back with
    :func:`rkeras.r.convert.to_r` and is returned invisibly where keras3
    does (a layer added to a model, ``compile``, ``fit``, verbs that return
    their model).

    The source text, the hand-written R files (``rkeras/r/R/*.R``: S3
    methods, ``library()`` shims, print methods) and the verbs are evaluated
    into one environment attached to R's search path as ``"rkeras"``. Verbs
    whose names R already has (``summary``, ``predict``) become S3 methods for
    rkeras handles instead of masking R's generics.

Argument names
    One rule maps Python parameter names to R (:func:`r_param_name`): a
    Python name with a trailing underscore (Python's escape for a reserved
    word, e.g. ``from_``) is the bare word in R (``from``); a Python name that
    is an R reserved word (``function``, ``in`` ...) gets a trailing underscore
    in R, except where keras3 chose another spelling (``layer_lambda(f =)``,
    :data:`R_NAME_OVERRIDES`).

Layers as R functions
    A layer that is not yet part of a model (``layer_dense(units = 10)``
    alone, ``get_layer()``) comes to R as an R function of class
    ``c("rkeras_layer_fn", "rkeras_layer", "function")``, as in keras3:
    ``model %>% my_layer()`` adds it, ``my_layer(x)`` calls it on a tensor;
    passed back to Python it is the same Keras layer. Models and tensors are
    handles (external pointers, :mod:`rkeras.r.handles`) whose ``print`` shows
    the model summary; ``model$count_params()`` reaches Python attributes.
    A model handle is not an R function: to use a model as a layer of another
    model, call it from Python, or wrap its layers again in the new model.
    Tensor handles support R arithmetic and ``mean()``/``sum()``/``abs()``...
    (as ``keras.ops``), so losses and metrics written in R keep gradients.

Entry points
    * :func:`install` -- install the front end into the embedded R (idempotent;
      returns the seconds it took).
    * :func:`activate` -- the same for Jupyter: ``%load_ext rpy2.ipython``,
      then ``import rkeras.r.frontend; rkeras.r.frontend.activate()`` and the
      verbs work in ``%%R`` cells.
    * :func:`run_script` -- ``rkeras run FILE.R [ARGS...]``, like ``Rscript``.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Optional

__all__ = [
    "install",
    "activate",
    "run_script",
    "generate_source",
    "r_param_name",
    "python_param_name",
    "r_literal",
    "r_formals",
    "install_seconds",
    "R_NAME_OVERRIDES",
]

from .rsource import R_RESERVED, VALID_R_NAME, r_literal, r_string, r_symbol  # noqa: E402

R_DIR = Path(__file__).with_name("R")

# (verb, Python name) -> R name, where keras3 spells an argument its own way.
R_NAME_OVERRIDES: dict[tuple[str, str], str] = {
    ("layer_lambda", "function"): "f",
}

# Verbs that keras3 returns invisibly even though they return something new.
_INVISIBLE_VERBS = frozenset({"fit", "set_random_seed", "clear_session"})


# --------------------------------------------------------------------------
# Names and literals
# --------------------------------------------------------------------------
def r_param_name(verb: str, python_name: str) -> str:
    """The R name of a Python parameter (the one documented rule).

    * keras3's own spellings first (:data:`R_NAME_OVERRIDES`):
      ``layer_lambda(function=)`` is ``f``;
    * ``word_`` (Python's escape for a reserved word) is ``word`` in R when
      ``word`` is a valid, non-reserved R name: ``from_`` -> ``from``;
    * an R reserved word gets a trailing underscore: ``in`` -> ``in_``;
    * anything else R cannot spell (a leading underscore) gets a leading dot.

    Example:
        >>> r_param_name("freeze_weights", "from_")
        'from'
    """
    if (verb, python_name) in R_NAME_OVERRIDES:
        return R_NAME_OVERRIDES[(verb, python_name)]
    if python_name.endswith("_") and len(python_name) > 1:
        bare = python_name[:-1]
        if bare not in R_RESERVED and VALID_R_NAME.match(bare):
            return bare
    if python_name in R_RESERVED:
        return python_name + "_"
    if not VALID_R_NAME.match(python_name):
        return "." + python_name.lstrip("_") if python_name.startswith("_") else python_name
    return python_name


@functools.lru_cache(maxsize=None)
def _name_maps(verb_name: str) -> tuple[dict, dict]:
    """(R name -> Python name, Python name -> R name) for one verb."""
    from ..registry import registry

    verb = registry()[verb_name]
    to_r, to_py = {}, {}
    for p in verb.parameters:
        r = r_param_name(verb_name, p.name)
        if r in to_py:          # two Python names would collide: keep the plain one
            r = p.name
        to_r[p.name] = r
        to_py[r] = p.name
    return to_py, to_r


def python_param_name(verb: str, r_name: str) -> str:
    """The Python name of an R argument of `verb` (inverse of :func:`r_param_name`)."""
    return _name_maps(verb)[0].get(r_name, r_name)


def r_formals(verb) -> tuple[str, list[str], dict[str, str]]:
    """(formals source, R formal names, {R name: Python default repr} not spelled in R)."""
    _, to_r = _name_maps(verb.name)
    parts, names, unspelled = [], [], {}
    dots_after_subject = verb.kind == "layer" and verb.subject == "inputs"
    for p in verb.parameters:
        r = to_r[p.name]
        src = r_symbol(r)
        # The pipe subject (and y_true/y_pred) have no default in keras3's
        # signatures: `missing()` is what tells "not given".
        no_default = (p.name == verb.subject
                      or (verb.kind in ("loss", "metric") and p.name in ("y_true", "y_pred")))
        if p.default is not inspect.Parameter.empty and not no_default:
            lit = r_literal(p.default)
            if lit is None:
                unspelled[r] = repr(p.default)
                lit = "NULL"
            src += " = " + lit
        parts.append(src)
        names.append(r)
        if dots_after_subject and p.name == verb.subject:
            parts.append("...")
            names.append("...")
    if "..." not in names:
        parts.append("...")
        names.append("...")
    return ", ".join(parts), names, unspelled


def _verb_source(verb, as_name: str) -> str:
    formals, _, _ = r_formals(verb)
    return f"{r_symbol(as_name)} <- function({formals}) .rk_verb({r_string(verb.name)})\n"


@functools.lru_cache(maxsize=None)
def generate_source(masked: frozenset = frozenset()) -> str:
    """The R source defining every registry verb (cached per process).

    Args:
        masked: verb names R already has (``summary``, ``predict``): these are
            defined as ``.rk_verb_<name>`` and installed as S3 methods for
            rkeras handles, so R's own generics keep working.
    """
    from ..registry import registry

    chunks = ["# Generated by rkeras.r.frontend.generate_source() from the verb registry.\n"]
    for name in sorted(registry()):
        verb = registry()[name]
        chunks.append(_verb_source(verb, f".rk_verb_{name}" if name in masked else name))
    return "".join(chunks)


def verb_help(name: str) -> str:
    """The help text of a verb, as R's ``?verb`` shows it in the front end."""
    from ..registry import registry

    verb = registry().get(name)
    if verb is None:
        return ""
    formals, _, unspelled = r_formals(verb)
    lines = [f"{name}({formals})", ""]
    if unspelled:
        lines.append("Defaults R cannot spell (shown as NULL above; Keras's default applies):")
        lines += [f"  {k} = {v}" for k, v in unspelled.items()]
        lines.append("")
    lines.append(verb.doc or "")
    return "\n".join(lines)


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
    from ..pipe import unwrap
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
    from .convert import RFunction

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


# Verb -> fix-up of the converted R arguments, for R-only conventions.
_R_ARGUMENT_FIXES = {"compile": _name_r_losses_and_metrics}


def _dispatch_verb(name: str, args: Any = None):
    """Run verb `name` with the arguments R collected; return (value, visible)."""
    from ..errors import ArgumentError
    from ..registry import registry
    from ..verbs import call_verb

    verb = registry()[name]
    kwargs: dict[str, Any] = {}
    unnamed: list[Any] = []
    for rname, value in _items(args):
        if not rname:
            unnamed.append(value)
            continue
        kwargs[python_param_name(name, rname)] = value
    subject = verb.subject
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
    result = call_verb(verb, (), kwargs)
    visible = True
    if result is None or name in _INVISIBLE_VERBS:
        visible = False
    elif verb.kind == "layer" and kwargs.get(subject) is not None:
        visible = False
    elif subject is not None and subject in kwargs and _same(result, kwargs[subject]):
        visible = False
    return (_for_r(result), visible)


# Helpers R calls as .rk_python("name", ...).
def _format_object(obj: Any, **summary_args: Any) -> str:
    """The text R prints for a handle; for a model its summary (keras3's print)."""
    import keras
    from ..conventions import as_integer
    from ..pipe import PendingLayer

    if isinstance(obj, PendingLayer):
        obj = obj.layer
    if isinstance(obj, keras.Model):
        if not obj.built:
            return f'Model: "{obj.name}"\n(unbuilt: give it an input_shape, or call it on data)'
        if summary_args.get("line_length") is not None:
            summary_args["line_length"] = as_integer(summary_args["line_length"], "line_length")
        lines: list[str] = []
        obj.summary(print_fn=lambda line, **_: lines.append(line), **summary_args)
        return "\n".join(line for line in "\n".join(lines).splitlines() if line.strip())
    if isinstance(obj, keras.Layer):
        config = {}
        try:
            config = obj.get_config()
        except Exception:   # noqa: BLE001 - printing must not fail
            pass
        shown = ", ".join(f"{k}={v!r}" for k, v in config.items()
                          if k in ("units", "filters", "kernel_size", "activation", "rate",
                                   "pool_size", "input_dim", "output_dim", "return_sequences"))
        head = f"<{type(obj).__name__} name={obj.name}, built={obj.built}"
        return head + (f", {shown}" if shown else "") + ">"
    return repr(obj)


def _getattr(obj: Any, attr: str) -> Any:
    from ..pipe import PendingLayer

    if isinstance(obj, PendingLayer):
        obj = obj.layer
    try:
        value = getattr(obj, attr)
    except AttributeError:
        raise AttributeError(f"{type(obj).__name__} object has no attribute '{attr}'") from None
    if callable(value) and not isinstance(value, type):
        from .handles import r_function
        return r_function(value, signature=False)
    return _for_r(value)


def _setattr(obj: Any, attr: str, value: Any) -> Any:
    from ..pipe import PendingLayer

    target = obj.layer if isinstance(obj, PendingLayer) else obj
    setattr(target, attr, value)
    return obj


def _compose(layer: Any, subject: Any, *args: Any, **kwargs: Any):
    """`my_layer(object, ...)` for a layer function: keras3's compose rule."""
    from ..pipe import PendingLayer, unwrap
    import keras

    pending = layer if isinstance(layer, PendingLayer) else PendingLayer(type(layer).__name__, layer)
    if subject is None:
        return (_for_r(pending), True)
    if args or kwargs:
        return (_for_r(pending.layer(unwrap(subject), *args, **kwargs)), True)
    result = pending.apply(subject)
    return (_for_r(result), not (isinstance(unwrap(subject), keras.Sequential) and _same(result, subject)))


def _op(name: str, *args: Any):
    """Arithmetic on tensor handles (R's Ops/Math/Summary group generics)."""
    import keras
    ops = keras.ops
    table = {
        "+": ops.add, "-": ops.subtract, "*": ops.multiply, "/": ops.divide,
        "^": ops.power, "%%": ops.mod, "%/%": ops.floor_divide,
        "==": ops.equal, "!=": ops.not_equal, "<": ops.less, "<=": ops.less_equal,
        ">": ops.greater, ">=": ops.greater_equal, "&": ops.logical_and, "|": ops.logical_or,
        "abs": ops.abs, "sqrt": ops.sqrt, "exp": ops.exp, "log": ops.log, "log1p": ops.log1p,
        "expm1": ops.expm1, "cos": ops.cos, "sin": ops.sin, "tan": ops.tan, "tanh": ops.tanh,
        "floor": ops.floor, "ceiling": ops.ceil, "round": ops.round, "sign": ops.sign,
        "sum": ops.sum, "prod": ops.prod, "max": ops.max, "min": ops.min, "mean": ops.mean,
        "cumsum": ops.cumsum, "cumprod": ops.cumprod,
    }
    if name == "-" and len(args) == 1:
        return ops.negative(args[0])
    if name == "!":
        return ops.logical_not(args[0])
    if name == "+" and len(args) == 1:
        return args[0]
    fn = table.get(name)
    if fn is None:
        raise NotImplementedError(f"the R operation `{name}` is not defined for tensors")
    if name in ("sum", "prod", "max", "min") and len(args) > 1:
        result = fn(args[0])
        for a in args[1:]:
            result = {"sum": ops.add, "prod": ops.multiply, "max": ops.maximum,
                      "min": ops.minimum}[name](result, fn(a))
        return result
    return fn(*args)


def _as_array(obj: Any) -> Any:
    import numpy as np
    import keras
    return np.asarray(keras.ops.convert_to_numpy(obj))


def _classes(name: str, *args: Any, **kwargs: Any) -> Any:
    """Keras classes written in R (rkeras/r/classes.py, R/classes.R)."""
    from .classes import r_helper
    return r_helper(name, *args, **kwargs)


_HELPERS = {
    "format": _format_object,
    "getattr": _getattr,
    "setattr": _setattr,
    "compose": _compose,
    "doc": verb_help,
    "op": _op,
    "as_array": _as_array,
    "classes": _classes,
}


def _python_helper(name: str, *args: Any, **kwargs: Any) -> Any:
    if name == "reattach":
        _attach_env(reattach=True)
        return None
    return _HELPERS[name](*args, **kwargs)


# --------------------------------------------------------------------------
# Conversion rules the front end adds
# --------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _history_to_r(history):
    import numpy as np
    from .convert import set_class, to_r

    params = {}
    for key, value in history.params.items():
        params[str(key)] = value
    metrics = {name: np.asarray(values, dtype=np.float64) for name, values in history.metrics.items()}
    robj = to_r({"params": params, "metrics": metrics})
    # A one-element metrics list must stay a named list, as must params.
    set_class(robj, ["keras_training_history"])
    return robj


def _history_from_r(robj, options):
    """An R keras_training_history (from fit(), or readRDS) as the Python object."""
    from ..history import KerasTrainingHistory
    from .convert import to_python

    names = list(robj.names) if len(robj) else []
    parts = {name: to_python(robj[i]) for i, name in enumerate(names)}
    params, metrics = parts.get("params") or {}, parts.get("metrics") or {}
    if not isinstance(metrics, dict):     # a one-metric list may come as a list
        metrics = dict(getattr(metrics, "items", lambda: [])())
    return KerasTrainingHistory(dict(params), metrics)


def _is_lone_layer(obj: Any) -> bool:
    from ..pipe import PendingLayer
    if isinstance(obj, PendingLayer):
        return True
    keras = sys.modules.get("keras")
    return (keras is not None and isinstance(obj, keras.Layer)
            and not isinstance(obj, keras.Model))


def _layer_to_r(obj: Any):
    from .handles import new_handle
    from .session import r_call

    return r_call(_STATE["layer_function"], new_handle(obj, ["rkeras_layer_object", "rkeras_py_object"]))


def _layer_from_r(robj, *options):
    from .convert import to_python
    env = robj.closureenv
    return to_python(env.find(".rk_layer"))


def _is_ragged_sequences(obj: Any) -> bool:
    """A 1-D object array of integer sequences (dataset_imdb()$train$x ...)."""
    import numpy as np
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
    import numpy as np
    from ..rlist import RList

    if depth > 20:
        return value
    if _is_lone_layer(value):
        return _layer_to_r(value)
    if _is_ragged_sequences(value):
        return [np.asarray(seq, dtype=np.int32) for seq in value]
    if isinstance(value, RList):
        return RList.from_values([_for_r(v, depth + 1) for v in value.values()], value.names())
    if type(value) is dict:
        return {k: _for_r(v, depth + 1) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_for_r(v, depth + 1) for v in value)
    return value


def _register_rules() -> None:
    if _STATE.get("rules"):
        return
    from ..history import KerasTrainingHistory
    from .convert import register_to_python, register_to_r

    register_to_r(KerasTrainingHistory)(_history_to_r)
    register_to_python("rkeras_layer_fn")(_layer_from_r)
    register_to_python("keras_training_history")(_history_from_r)
    _STATE["rules"] = True


# --------------------------------------------------------------------------
# Installing into R
# --------------------------------------------------------------------------
_BASE_PACKAGES = ("base", "stats", "graphics", "grDevices", "utils", "methods", "datasets")

_INSTALL_SECONDS: Optional[float] = None


def install_seconds() -> Optional[float]:
    """Seconds the last :func:`install` took (None before the first)."""
    return _INSTALL_SECONDS


def _r_files() -> list[Path]:
    return sorted(R_DIR.glob("*.R"))


def _masked(sess) -> frozenset:
    """Verb names that R's default packages already define."""
    from ..registry import registry
    from .convert import to_python
    from .session import r_call

    names = sorted(registry())
    found = r_call(_STATE["masked_fn"], list(names), list(_BASE_PACKAGES))
    found = to_python(found)
    if isinstance(found, str):
        found = [found]
    return frozenset(found or ())


_R_MASKED_FN = r"""
function(names, packages) {
  envs <- lapply(packages, function(p) tryCatch(asNamespace(p), error = function(e) NULL))
  envs <- Filter(Negate(is.null), envs)
  hit <- vapply(names, function(n)
    any(vapply(envs, function(e) exists(n, envir = e, inherits = FALSE), NA)), NA)
  names[hit]
}
"""

_R_ATTACH_FN = r"""
function(env) {
  if ("rkeras" %in% search()) detach("rkeras", character.only = TRUE)
  # attach() copies; the verbs' closures keep `env` as their environment.
  base::attach(env, pos = 2L, name = "rkeras", warn.conflicts = FALSE)
  invisible(NULL)
}
"""

_R_S3_FN = r"""
function(env, masked) {
  # registerS3method() puts the method in the S3 table of the generic's
  # namespace (found from the global environment: base, stats ...).
  reg <- function(generic, class, fun) registerS3method(generic, class, fun, envir = .GlobalEnv)
  for (m in get(".rk_s3", envir = env)) reg(m[[1L]], m[[2L]], get(m[[3L]], envir = env))
  for (n in masked) {
    fun <- get(paste0(".rk_verb_", n), envir = env)
    reg(n, "rkeras_py_object", fun)
    reg(n, "rkeras_layer_fn", fun)
  }
  invisible(NULL)
}
"""


def _attach_env(reattach: bool = False) -> None:
    from .session import r_call
    r_call(_STATE["attach_fn"], _STATE["env"])


def install(force: bool = False) -> float:
    """Install the R front end into the embedded R (once per process).

    Builds the registry, generates the verbs' R source, evaluates it with the
    hand-written R files into one environment and attaches it to R's search
    path as ``"rkeras"`` (``library(keras)`` then finds everything there).

    Args:
        force: re-create the environment even if already installed.

    Returns:
        The seconds the installation took (0.0 when already installed).
    """
    global _INSTALL_SECONDS
    if _STATE.get("installed") and not force:
        return 0.0
    start = time.perf_counter()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import rkeras  # noqa: F401  (builds the registry, imports Keras)
    from ..registry import registry
    from .handles import r_function
    from .session import entered, r_call, r_eval

    registry()
    with entered() as sess:
        ri = sess.ri
        _register_rules()
        env = ri.baseenv["new.env"](parent=ri.baseenv)
        _STATE["env"] = env
        _STATE["masked_fn"] = r_eval(_R_MASKED_FN, ri.baseenv)
        _STATE["attach_fn"] = r_eval(_R_ATTACH_FN, ri.baseenv)
        s3_fn = r_eval(_R_S3_FN, ri.baseenv)
        env[".rk_env"] = env
        env[".rk_collect"] = sess.bridge["collect_args"]
        env[".rk_dispatch"] = r_function(_dispatch_verb)
        env[".rk_python"] = r_function(_python_helper)
        for path in _r_files():
            r_eval(path.read_text(encoding="utf-8"), env)
        _STATE["layer_function"] = env.find(".rk_layer_function")
        masked = _masked(sess)
        r_eval(generate_source(masked), env)
        r_call(s3_fn, env, list(masked) if masked else ri.StrSexpVector([]))
        _attach_env()
        # The attached copy is what `search()` shows; the verbs live in `env`.
    _STATE["installed"] = True
    _STATE["masked"] = masked
    _INSTALL_SECONDS = time.perf_counter() - start
    return _INSTALL_SECONDS


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


# --------------------------------------------------------------------------
# rkeras run FILE.R
# --------------------------------------------------------------------------
_R_RUN_FN = r"""
function(.rk_path) {
  # Like Rscript: evaluate each top-level expression in the global
  # environment, print visible values, report warnings after each expression
  # and stop at the first error ("Error in call : message", "Execution halted").
  # Returns the exit status.
  .rk_exprs <- parse(file = .rk_path, keep.source = FALSE)
  shown_call <- function(cl) {
    if (is.null(cl)) return(NULL)
    txt <- paste(deparse(cl, nlines = 1L, width.cutoff = 200L), collapse = "")
    if (startsWith(txt, "eval(.rk_expr") || startsWith(txt, "withVisible(")) NULL else txt
  }
  for (.rk_expr in .rk_exprs) {
    warns <- character()
    res <- tryCatch(
      withCallingHandlers(
        withVisible(eval(.rk_expr, globalenv())),
        warning = function(w) {
          cl <- shown_call(conditionCall(w))
          warns <<- c(warns, if (is.null(cl)) conditionMessage(w) else
            paste0("In ", cl, " : ", conditionMessage(w)))
          invokeRestart("muffleWarning")
        }),
      rkeras_quit = function(q) q,
      error = function(e) e)
    if (length(warns)) {
      head <- if (length(warns) == 1L) "Warning message:" else "Warning messages:"
      body <- if (length(warns) == 1L) warns else paste0(seq_along(warns), ": ", warns)
      message(paste(c(head, body), collapse = "\n"))
    }
    if (inherits(res, "rkeras_quit")) return(res$status)
    if (inherits(res, "error")) {
      cl <- shown_call(conditionCall(res))
      msg <- conditionMessage(res)
      message(if (is.null(cl)) paste0("Error: ", msg) else paste0("Error in ", cl, " : ", msg))
      message("Execution halted")
      return(1L)
    }
    if (res$visible) {
      if (isS4(res$value)) methods::show(res$value) else print(res$value)
    }
  }
  0L
}
"""


def _set_interactive(sess, value: bool) -> None:
    import ctypes
    try:
        ctypes.c_int.in_dll(sess._libR, "R_Interactive").value = 1 if value else 0
    except (ValueError, AttributeError):
        pass


def _console_to_std_streams():
    """Send R's stdout/stderr console output to sys.stdout/sys.stderr, as Rscript.

    rpy2's default sends R's stderr (messages, warnings) to Python logging
    with a prefix. Returns a function that restores the previous callbacks.
    """
    from rpy2.rinterface_lib import callbacks

    previous = (callbacks.consolewrite_print, callbacks.consolewrite_warnerror)
    callbacks.consolewrite_print = lambda text: sys.stdout.write(text)
    callbacks.consolewrite_warnerror = lambda text: sys.stderr.write(text)

    def restore():
        sys.stdout.flush()
        callbacks.consolewrite_print, callbacks.consolewrite_warnerror = previous
    return restore


def run_script(path: str, args: Iterable[str] = ()) -> int:
    """Run an R script in the embedded R with the front end, as ``Rscript`` would.

    ``commandArgs(trailingOnly = TRUE)`` gives `args`; visible top-level
    values are printed; graphics go to ``Rplots.pdf`` unless the script opens
    a device; ``quit(status = n)`` ends the script with status n.

    Returns:
        The exit status: 0, the status given to ``quit()``, or 1 after an R
        error (whose message goes to stderr, as ``Rscript`` prints it).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        print(f"Fatal error: cannot open file '{path}': No such file or directory", file=sys.stderr)
        return 2
    install()
    from .convert import to_python, to_r
    from .session import RError, entered, r_call, r_eval

    args = [str(a) for a in args]
    if args[:1] == ["--"]:
        args = args[1:]
    with entered() as sess:
        env = _STATE["env"]
        env[".rk_script_args"] = to_r(args) if args else sess.ri.StrSexpVector([])
        env[".rk_script_file"] = sess.ri.StrSexpVector([os.path.abspath(path)])
        _set_interactive(sess, False)
        r_eval('options(device = function(...) grDevices::pdf(...))', sess.ri.baseenv)
        run_fn = r_eval(_R_RUN_FN, env)
        status = 1
        restore = _console_to_std_streams()
        try:
            status = int(to_python(r_call(run_fn, os.path.abspath(path))))
        except RError as error:   # an error the R-side handler could not catch
            print(f"Error: {error}\nExecution halted", file=sys.stderr)
        finally:
            try:
                r_eval("if (length(grDevices::dev.list())) grDevices::graphics.off()", sess.ri.baseenv)
            except RError:
                pass
            env[".rk_script_args"] = sess.ri.StrSexpVector([])
            _set_interactive(sess, True)
            restore()
            sys.stderr.flush()
    sys.stdout.flush()
    return status
