"""The model verbs: create, compile, fit, evaluate, predict, inspect, save.

These are R keras3's verbs (`R/model-creation.R`, `R/model-training.R`,
`R/model-persistence.R`, `R/freeze.R`) on plain Keras models. Each takes the
model first, so `fit(model, x, y)` and `model >> fit(x, y)` are the same call;
`compile`, `set_weights`, `freeze_weights` ... return the model for piping.

Each function applies R's conventions to its own arguments
(`rkeras.conventions`: integers, shapes, 1-based `initial_epoch`), so
`rkeras.fit(...)` and `rkeras.models.fit(...)` are the same call.
"""

from __future__ import annotations

import warnings

import numpy as np

from .argument_checks import check_callback_packages, check_compile_arguments, check_fit_arguments
from .atomic_files import atomic_path, check_model_file, explain_load_error
from .conventions import as_count, as_index, as_nonnegative, as_number, as_verbose, normalize_shape
from .data_values import lend_to_keras
from .errors import ArgumentError, did_you_mean
from .freeze import freeze_weights, layer_position, unfreeze_weights
from .function_batches import is_batch_function, reading
from .input_layout import as_text_input, match_columns, remember_columns
from .labels import as_labels, factor_codes, is_factor
from .model_data import as_model_data, check_batch_size, check_input_shape, check_labels, check_lengths
from .name_checks import check_name
from .pipe import unwrap
from .registry import verb_kind

__all__ = [
    "keras_model_sequential", "keras_model", "keras_input", "layer_input",
    "compile", "fit", "evaluate", "predict", "summary",
    "save_model", "load_model", "save_model_weights", "load_model_weights",
    "get_weights", "set_weights", "freeze_weights", "unfreeze_weights",
    "get_layer", "pop_layer", "count_params", "clone_model",
    "set_random_seed", "clear_session",
]


# --- creation -------------------------------------------------------------------------

@verb_kind("object")
def keras_model_sequential(input_shape=None, name=None, layers=None, trainable=True,
                           input_dtype=None, input_batch_size=None, input_name=None, dtype=None,
                           batch_size=None):
    """Create a Sequential model (R keras3's `keras_model_sequential`).

    Args:
        input_shape: shape of one sample (an int, list or tuple, without the
            batch dimension). When given, the model starts with an input layer,
            so it is built and `summary()` shows parameter counts at once.
        name: the model's name.
        layers: layers to add, in order.
        trainable: whether the model's weights are trainable.
        input_dtype, input_batch_size, input_name: passed to the input layer.
        dtype, batch_size: other names of `input_dtype` and `input_batch_size`
            (keras3 passes its `...` to the input layer, which takes both).

    Returns:
        A plain `keras.Sequential` model.

    Example:
        ```python
        model = keras_model_sequential(input_shape=784) >> layer_dense(units=10)
        ```
    """
    import keras

    input_shape = normalize_shape(input_shape, "input_shape")
    stack = []
    if input_shape is not None:
        if batch_size is not None:
            input_batch_size = batch_size
        input_batch_size = as_count(input_batch_size, "input_batch_size")
        stack.append(keras.Input(shape=input_shape, dtype=input_dtype if dtype is None else dtype,
                                 batch_size=input_batch_size, name=input_name))
    layers = unwrap(layers)
    # keras3 takes one layer as well as a list of them (its `as_list`).
    stack += [layers] if isinstance(layers, keras.Layer) else list(layers or [])
    return keras.Sequential(stack, name=name, trainable=trainable)


@verb_kind("object")
def keras_model(inputs, outputs=None, name=None):
    """Create a functional model from input and output tensors.

    Args:
        inputs: a `keras_input()` tensor, or a list/dict of them.
        outputs: the output tensor(s) computed from `inputs`.
        name: the model's name.

    Example:
        ```python
        inputs = keras_input(shape=784)
        outputs = inputs >> layer_dense(units=10, activation="softmax")
        model = keras_model(inputs, outputs)
        ```
    """
    import keras

    return keras.Model(inputs=unwrap(inputs), outputs=unwrap(outputs), name=name)


@verb_kind("object")
def keras_input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                name=None, tensor=None, optional=False):
    """A symbolic input tensor (`keras.Input`); `layer_input` is the same verb.

    Args:
        shape: shape of one sample, without the batch dimension (int, list or tuple).
        batch_size: fixed batch size, if any.
        dtype: the input's dtype.
        sparse, batch_shape, name, tensor, optional: as `keras.Input`.
    """
    import keras

    shape = normalize_shape(shape, "shape")
    batch_shape = normalize_shape(batch_shape, "batch_shape")
    batch_size = as_count(batch_size, "batch_size")
    return keras.Input(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, tensor=tensor, optional=optional)


# R keras3: `layer_input` is an alias of `keras_input`.
layer_input = keras_input


# --- training ---------------------------------------------------------------------------

def _as_list(value):
    if value is None or isinstance(value, (list, dict)):
        return value
    if isinstance(value, tuple):
        return list(value)
    return [value]


def _check_losses(loss, verb="compile"):
    if isinstance(loss, (list, tuple)):
        return [_check_losses(item, verb) for item in loss]
    if isinstance(loss, dict):
        return {k: _check_losses(v, verb) for k, v in loss.items()}
    return check_name("loss", loss, "loss", verb)


def _check_metrics(metrics):
    if isinstance(metrics, dict):
        return {k: _check_metrics(_as_list(v)) for k, v in metrics.items()}
    return [check_name("metric", m, "metrics", "compile") if not isinstance(m, list)
            else _check_metrics(m) for m in metrics]


def _optimizer(optimizer):
    """An optimizer name as the one Keras optimizer compile() uses.

    Built once here: checking the name by building it and letting Keras build
    it again would make the second one `rm_sprop_1` in saved files (keras3
    writes `rm_sprop`).
    """
    import keras

    if not isinstance(optimizer, str):
        return optimizer
    try:
        return keras.optimizers.get(optimizer)
    except (ValueError, TypeError, KeyError):
        return check_name("optimizer", optimizer, "optimizer", "compile")


def compile(object, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
            weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
            jit_compile="auto", auto_scale_loss=True, **kwargs):
    """Configure a model for training; returns the model (for piping).

    Names are checked before Keras sees them: `optimizer="rmsprp"` fails at
    once with "Did you mean 'rmsprop'?". `metrics` may be one name or a list.

    Args:
        object: the model.
        optimizer: a name ("rmsprop", "adam" ...) or an `optimizer_*()` object.
        loss: a name ("categorical_crossentropy", "mse" ...), a `loss_*()`
            object or a function `f(y_true, y_pred)`; a list/dict for several outputs.
        metrics: a name, a list of names/`metric_*()` objects, or a dict per output.
        loss_weights, weighted_metrics, run_eagerly, steps_per_execution,
        jit_compile, auto_scale_loss: as `keras.Model.compile`.
        **kwargs: only for a model class with its own `compile()` (keras3's
            GAN example: `compile(gan, d_optimizer = ..., loss_fn = ...)`).

    Example:
        ```python
        model >> compile(optimizer="rmsprop", loss="categorical_crossentropy",
                         metrics="accuracy")
        ```
    """
    model = unwrap(object)
    if _own_compile(model):
        # A subclass's compile() has its own signature (keras3 calls object$compile(...)):
        # it gets the extra arguments and the standard ones that were changed.
        given = dict(optimizer=optimizer, loss=loss, metrics=metrics, loss_weights=loss_weights,
                     weighted_metrics=weighted_metrics, run_eagerly=run_eagerly,
                     steps_per_execution=steps_per_execution, jit_compile=jit_compile,
                     auto_scale_loss=auto_scale_loss)
        changed = {k: v for k, v in given.items() if not _is_default(v, _COMPILE_DEFAULTS[k])}
        model.compile(**changed, **kwargs)
        return object
    if kwargs:
        name = next(iter(kwargs))
        raise ArgumentError(f"compile(): unknown argument `{name}`."
                            f"{did_you_mean(name, _COMPILE_DEFAULTS)} Arguments of compile: "
                            f"{', '.join(sorted(_COMPILE_DEFAULTS))}.")
    steps_per_execution = as_nonnegative(steps_per_execution, "steps_per_execution")
    check_compile_arguments(optimizer, loss, metrics)
    optimizer = _optimizer(optimizer)
    loss = _check_losses(loss)
    metrics = _check_metrics(_as_list(metrics)) if metrics is not None else None
    if isinstance(loss_weights, np.ndarray):
        # R's c(1, 0.2) is a list to Keras (reticulate), not an array it tests for truth.
        loss_weights = loss_weights.tolist()
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics, loss_weights=loss_weights,
                  weighted_metrics=weighted_metrics, run_eagerly=run_eagerly,
                  steps_per_execution=steps_per_execution, jit_compile=jit_compile,
                  auto_scale_loss=auto_scale_loss)
    return object


_COMPILE_DEFAULTS = dict(optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                         weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                         jit_compile="auto", auto_scale_loss=True)


def _is_default(value, default) -> bool:
    return value is default or (type(value) is type(default) and value == default)


def _own_compile(model) -> bool:
    """True when the model's class defines compile() itself (an R- or Python-written subclass)."""
    import keras
    return getattr(type(model), "compile", None) is not keras.Model.compile


def _is_dataset(value) -> bool:
    """A tf.data.Dataset, a Keras PyDataset or a generator: Keras reads it itself."""
    if hasattr(value, "__next__") or callable(value):
        return True
    module = type(value).__module__ or ""
    if module.startswith(("tensorflow", "keras", "torch")):
        return not (hasattr(value, "shape") and hasattr(value, "dtype"))
    return False


def _validation_data(validation_data, model=None):
    if validation_data is None:
        return None
    if is_batch_function(validation_data):
        return as_model_data(validation_data, "validation_data")   # keras3: called per batch
    if _is_dataset(validation_data):
        # tf.data gives (x, y) batches itself, as in `fit(ds, validation_data = val_ds)`.
        return validation_data
    if _is_r_object(validation_data):
        from .r import to_python
        validation_data = to_python(validation_data)
    items = list(validation_data.values() if isinstance(validation_data, dict)
                 else validation_data)
    if len(items) not in (2, 3):
        raise ArgumentError(
            "`validation_data` must be list(x_val, y_val) (or with sample weights as third); "
            f"got {len(items)} elements."
        )
    roles = ["validation_data[[1]] (x)", "validation_data[[2]] (y)", "validation_data[[3]]"]
    if model is not None:
        items[0] = match_columns(model, items[0], "fit")
        text = as_text_input(model, items[0])
    else:
        text = None
    items = [text if i == 0 and text is not None else as_model_data(as_labels(v, role), role)
             for i, (v, role) in enumerate(zip(items, roles))]
    check_lengths(items[0], items[1])
    return tuple(items)


def _output_units(model):
    try:
        outputs = model.outputs
        return int(outputs[0].shape[-1]) if len(outputs) == 1 and outputs[0].shape[-1] else None
    except (AttributeError, ValueError, TypeError):
        return None


def _class_weight(class_weight, model=None, levels=None):
    """R's named list/vector of 0-based class weights as Keras's {int: float}.

    Keys are class numbers 0..K-1 (strings of them, as R's `list("0" = 1)`
    names, too), or the levels of the factor `y` was given as. A key outside
    0..K-1 (R users' 1-based weights) would be ignored by Keras: refused.
    """
    if class_weight is None:
        return None
    if _is_r_object(class_weight):
        from .r import to_python
        class_weight = to_python(class_weight)
    if hasattr(class_weight, "to_dict") and not isinstance(class_weight, dict):
        class_weight = class_weight.to_dict()
    if not isinstance(class_weight, dict):
        return {i: float(w) for i, w in enumerate(np.asarray(class_weight).ravel())}
    units = _output_units(model)
    classes = units if units and units > 1 else 2
    out = {}
    for key, weight in class_weight.items():
        name = str(key)
        if levels is not None and name in levels:
            code = levels.index(name)
        else:
            try:
                code = float(key)
            except (TypeError, ValueError):
                shown = f"; or the levels of y: {levels}" if levels else ""
                raise ArgumentError(f"fit(): `class_weight` key {key!r} is not a class number "
                                    f"(0..{classes - 1}, 0-based){shown}.") from None
            if code != int(code) or not 0 <= code <= classes - 1:
                fix = (f" Class numbers are 0-based: use {int(code) - 1} (key - 1) for R's class "
                       f"{int(code)}." if code == int(code) and code == classes else "")
                raise ArgumentError(
                    f"fit(): `class_weight` key {key!r} is outside the classes 0..{classes - 1} "
                    f"of this model; Keras would ignore its weight.{fix} For 1-based keys, "
                    f"subtract 1 from every key (- 1).")
            code = int(code)
        out[code] = float(np.asarray(weight).reshape(-1)[0])
    return out


def _is_r_object(value) -> bool:
    return type(value).__module__.startswith("rpy2.")


def _model_x(model, x, verb):
    """x for `model`: data-frame columns matched by name, text kept as text, else numbers."""
    x = remember_columns(model, x) if verb == "fit" else match_columns(model, x, verb)
    text = as_text_input(model, x)
    return text if text is not None else as_model_data(x, "x")


def _model_data(model, x, y, verb):
    """x and y checked and made numeric for `model` (shared by fit and evaluate)."""
    x = _model_x(model, x, verb)
    y = as_model_data(as_labels(y, "y"), "y")
    check_lengths(x, y)
    check_input_shape(model, x)
    return x, y


def fit(object, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
        validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
        sample_weight=None, initial_epoch=1, steps_per_epoch=None, validation_steps=None,
        validation_batch_size=None, validation_freq=1):
    """Train a model; returns a `KerasTrainingHistory` (R's `keras_training_history`).

    Data may be numpy arrays, pandas frames/series, R objects (rpy2) or a
    `tf.data.Dataset`; it is checked first (NA, lengths, shapes, see
    `rkeras.model_data`). `initial_epoch` is 1-based, as in R. Ctrl-C stops
    training cleanly: the history of the epochs completed so far is returned
    and the model keeps the weights it had reached.

    Args:
        object: the compiled model.
        x, y: features and labels.
        batch_size: samples per gradient update (Keras's default 32).
        epochs: number of epochs.
        verbose: "auto", 0 (silent), 1 (progress bar) or 2 (one line per epoch).
        callbacks: a `callback_*()` object or a list of them.
        validation_split: fraction of the training data held out (the last samples).
        validation_data: list(x_val, y_val).
        shuffle, class_weight, sample_weight, steps_per_epoch, validation_steps,
        validation_batch_size, validation_freq: as `keras.Model.fit`.
        initial_epoch: epoch to start at (1-based).

    Returns:
        The training history: `print()` it, `plot_history()` it, or
        `as_data_frame()` it.

    Example:
        ```python
        history = model >> fit(x_train, y_train, epochs=5, batch_size=128,
                               validation_split=0.2)
        ```
    """
    from .history import KerasTrainingHistory

    model = unwrap(object)
    check_fit_arguments("fit", epochs=epochs, batch_size=batch_size, callbacks=callbacks,
                        validation_split=validation_split, steps_per_epoch=steps_per_epoch,
                        validation_steps=validation_steps, shuffle=shuffle,
                        validation_batch_size=validation_batch_size,
                        validation_freq=validation_freq)
    batch_size, validation_batch_size = (as_count(batch_size, "batch_size"),
                                         as_count(validation_batch_size, "validation_batch_size"))
    steps_per_epoch = as_count(steps_per_epoch, "steps_per_epoch")
    validation_steps = as_count(validation_steps, "validation_steps")
    epochs, validation_freq = (as_nonnegative(epochs, "epochs"),
                               as_nonnegative(validation_freq, "validation_freq"))
    verbose = as_verbose(verbose)
    initial_epoch = as_index(initial_epoch, "initial_epoch")
    levels = _factor_levels(y)
    raw_x = x
    check_batch_size(unwrap(x), batch_size)
    x, y = _model_data(model, x, y, "fit")
    check_labels(model, y)
    validation_split = as_number(validation_split, "validation_split", 0, 1)
    validation_data = _validation_data(validation_data, model)
    check_callback_packages(_as_list(unwrap(callbacks)))
    try:
        with reading(x, validation_data):
            keras_history = model.fit(
                x=lend_to_keras(x), y=lend_to_keras(y), batch_size=batch_size, epochs=epochs, verbose=verbose,
                callbacks=_as_list(unwrap(callbacks)), validation_split=validation_split,
                validation_data=validation_data,
                # A function's batches come in its own order (Keras would warn, to no use).
                shuffle=shuffle and not is_batch_function(raw_x),
                class_weight=_class_weight(class_weight, model, levels),
                sample_weight=as_model_data(sample_weight, "sample_weight"),
                initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                validation_steps=validation_steps, validation_batch_size=validation_batch_size,
                validation_freq=validation_freq)
    except KeyboardInterrupt:
        keras_history = model.history
        done = len(next(iter(keras_history.history.values()), []))
        warnings.warn(f"Training interrupted (Ctrl-C) after {done} complete epoch(s); "
                      f"returning the history so far.", RuntimeWarning, stacklevel=2)
    return KerasTrainingHistory.from_keras(keras_history, validation_freq=validation_freq)


def _factor_levels(y):
    """The levels of `y` when it is a factor (class_weight may be keyed by them)."""
    if _is_r_object(y) or is_factor(y):
        try:
            return factor_codes(y, na="minus1").levels
        except (TypeError, ValueError):
            return None
    return None


def _keras_order(model, names):
    """Keras's positional order of evaluate()'s results (`model.evaluate(return_dict=False)`).

    The loss first, then the compiled metrics in the order given to compile,
    then anything else by name: Keras's `Trainer._flatten_metrics_in_order`,
    rebuilt from the public `model.metrics` list.
    """
    ordered = []
    for metric in getattr(model, "metrics", []):
        if type(metric).__name__ == "CompileMetrics":
            ordered += [m.name for m in metric.metrics]
        else:
            ordered.append(metric.name)
    first = [n for n in ordered if n in names]
    return first + sorted(n for n in names if n not in first)


def _named_results(model, values: dict):
    from .rlist import NamedResults

    return NamedResults((k, float(np.asarray(values[k]))) for k in _keras_order(model, values))


def evaluate(object, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
             steps=None, callbacks=None):
    """Evaluate a model; returns a named mapping metric -> value (R's named list).

    The results come in Keras's order (`model.evaluate()`'s list: the loss
    first, then the compiled metrics), so `loss, acc = model >> evaluate(x, y)`
    unpacks as in Keras. Index them by name (`results["accuracy"]`,
    `results.loss`); `dict(results)`, `pd.Series(results)` and
    `json.dumps(results)` keep the names. In R they are keras3's named list.
    A data frame `x` is matched to the columns `fit` saw by name.

    Example:
        ```python
        model >> evaluate(x_test, y_test)
        # List of 2
        #  $ loss    : num 0.0712
        #  $ accuracy: num 0.979
        ```
    """
    model = unwrap(object)
    batch_size, steps = as_count(batch_size, "batch_size"), as_count(steps, "steps")
    verbose = as_verbose(verbose)
    x, y = _model_data(model, x, y, "evaluate")
    with reading(x):
        values = model.evaluate(x=lend_to_keras(x), y=lend_to_keras(y), batch_size=batch_size,
                                verbose=verbose,
                                sample_weight=as_model_data(sample_weight, "sample_weight"),
                                steps=steps, callbacks=_as_list(unwrap(callbacks)),
                                return_dict=True)
    return _named_results(model, values)


def predict(object, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """Predictions as an array of shape (samples, outputs...).

    Class labels are `predictions.argmax(axis=1)` (R: `max.col(p) - 1`). A
    data frame `x` is matched to the columns `fit` saw by name.
    """
    model = unwrap(object)
    batch_size, steps = as_count(batch_size, "batch_size"), as_count(steps, "steps")
    verbose = as_verbose(verbose)
    x = _model_x(model, x, "predict")
    check_input_shape(model, x)
    with reading(x):
        return model.predict(lend_to_keras(x), batch_size=batch_size, verbose=verbose, steps=steps,
                             callbacks=_as_list(unwrap(callbacks)))


def summary(object, line_length=None, positions=None, expand_nested=False,
            show_trainable=False, layer_range=None):
    """Print the model's layer table (Keras's summary); returns None.

    It returns nothing so that a Python prompt shows the table once (keras3
    returns it invisibly, which Python cannot do). For the text, use
    `rkeras.models.format_summary(model)` (the same arguments).
    """
    print(format_summary(object, line_length=line_length, positions=positions,
                         expand_nested=expand_nested, show_trainable=show_trainable,
                         layer_range=layer_range))


def format_summary(object, line_length=None, positions=None, expand_nested=False,
                   show_trainable=False, layer_range=None):
    """The text of `summary(model)` (Keras's layer table), without printing it."""
    model = unwrap(object)
    if not model.built:
        return f'Model: "{model.name}" (unbuilt: give it an input_shape or call it on data)'
    lines: list[str] = []
    model.summary(line_length=line_length, positions=positions, expand_nested=expand_nested,
                  show_trainable=show_trainable, layer_range=layer_range,
                  print_fn=lambda line, **_: lines.append(line))
    return "\n".join(lines)


# --- persistence -------------------------------------------------------------------------

def save_model(object, filepath, overwrite=True):
    """Save the whole model to a `.keras` file, atomically; returns the model.

    A symbolic link is written through (its target gets the new model).
    """
    with atomic_path(filepath, ".keras", overwrite, "save_model") as temporary:
        unwrap(object).save(temporary)
    return object


def named_objects(custom_objects):
    """`custom_objects` as Keras's {name: object}, as keras3 names them: `list(f, MyLayer, my_loss =
    my_loss)` names an unnamed element by its `__name__` (else its `name`); a dict is used as given.
    """
    from .pipe import unwrap as _unwrap
    from .rlist import RList

    if custom_objects is None or isinstance(custom_objects, dict):
        return custom_objects
    if isinstance(custom_objects, RList):
        given, items = custom_objects.names(), list(custom_objects.values())
    else:
        items = custom_objects if isinstance(custom_objects, (list, tuple)) else [custom_objects]
        given = [None] * len(items)
    named = {}
    for position, (item, name) in enumerate(zip(items, given), start=1):
        item = _unwrap(item)
        name = name or getattr(item, "__name__", None) or getattr(item, "name", None)
        if not isinstance(name, str) or not name:
            raise ArgumentError(
                f"load_model(): `custom_objects` element {position} ({type(item).__name__}) has "
                f"no name; give a named list, e.g. custom_objects = list(my_loss = my_loss).")
        named[name] = item
    return named


@verb_kind("object")
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with `save_model` (`.keras`).

    Keras's safe mode stays on: a file that needs to run Python code it
    carries (a `layer_lambda`) is refused unless you pass `safe_mode=False`,
    which you should do only for files you trust.
    """
    import keras

    filepath = check_model_file(filepath, "load_model")
    custom_objects = named_objects(custom_objects)
    try:
        return keras.models.load_model(filepath, custom_objects=custom_objects,
                                       compile=compile, safe_mode=safe_mode)
    except Exception as error:
        retold = explain_load_error(error, filepath, "load_model")
        if retold is not None:
            raise retold from error
        if isinstance(error, ValueError) and "safe_mode" in str(error):
            raise ArgumentError(
                f"load_model(): {filepath!r} contains code (e.g. a layer_lambda) that Keras's safe "
                f"mode will not run. If you trust this file, call "
                f"load_model({filepath!r}, safe_mode=False)."
            ) from error
        raise


def save_model_weights(object, filepath, overwrite=True):
    """Save the weights to a `.weights.h5` file, atomically; returns the model."""
    with atomic_path(filepath, ".weights.h5", overwrite, "save_model_weights") as temporary:
        unwrap(object).save_weights(temporary)
    return object


def load_model_weights(object, filepath, skip_mismatch=False):
    """Load weights saved with `save_model_weights`; returns the model."""
    model = unwrap(object)
    filepath = check_model_file(filepath, "load_model_weights")
    try:
        model.load_weights(filepath, skip_mismatch=skip_mismatch)
    except Exception as error:
        retold = explain_load_error(error, filepath, "load_model_weights")
        if retold is not None:
            raise retold from error
        raise
    return object


# --- weights and layers ----------------------------------------------------------------

def get_weights(object, trainable=None):
    """The weights as a list of arrays; `trainable=True/False` selects a subset."""
    model = unwrap(object)
    if trainable is None:
        return model.get_weights()
    chosen = model.trainable_weights if trainable else model.non_trainable_weights
    return [np.asarray(w) for w in chosen]


def set_weights(object, weights):
    """Set the weights from a list of arrays (as `get_weights` gives); returns the model."""
    unwrap(object).set_weights([np.asarray(w) for w in weights])
    return object


def get_layer(object, name=None, index=None):
    """A layer by name or by 1-based position (negative counts from the end)."""
    model = unwrap(object)
    if (name is None) == (index is None):
        raise ArgumentError("get_layer(): give exactly one of `name` or `index`.")
    layers = list(model.layers)
    return layers[layer_position(layers, name if name is not None else index,
                                 "name" if name is not None else "index")]


def pop_layer(object):
    """Remove the last layer of a Sequential model; returns the model."""
    import keras

    model = unwrap(object)
    if not isinstance(model, keras.Sequential):
        raise ArgumentError("pop_layer() works on Sequential models only.")
    if not model.layers:
        raise ArgumentError("pop_layer(): the model has no layers left.")
    model.pop()
    return object


def count_params(object):
    """The total number of weights (trainable and not)."""
    model = unwrap(object)
    if not model.built:
        raise ArgumentError("count_params(): the model is not built yet; give it an input_shape.")
    return int(model.count_params())


def clone_model(object, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights."""
    import keras

    return keras.models.clone_model(unwrap(object), input_tensors=input_tensors,
                                    clone_function=clone_function)


@verb_kind("object")
def set_random_seed(seed):
    """Seed Python, NumPy and the backend at once (R keras3 also seeds R)."""
    import keras

    keras.utils.set_random_seed(as_nonnegative(seed, "seed"))
    return None


@verb_kind("object")
def clear_session():
    """Reset Keras's global state (layer name counters, graph)."""
    import keras

    keras.backend.clear_session()
    return None
