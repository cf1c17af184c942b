"""rkeras: the R keras verbs in Python, on Keras 3, with a real bridge to R.

    from rkeras import *

    mnist = dataset_mnist()
    x_train = array_reshape(mnist.train.x, (60000, 28 * 28)) / 255
    y_train = to_categorical(mnist.train.y, 10)

    model = (keras_model_sequential()
             >> layer_dense(units=512, activation="relu", input_shape=784)
             >> layer_dense(units=10, activation="softmax"))
    model >> compile(optimizer="rmsprop", loss="categorical_crossentropy",
                     metrics="accuracy")
    history = model >> fit(x_train, y_train, epochs=5, batch_size=128)
    print(history); plot(history)

Every verb is generated from one registry (`rkeras.registry`): the Keras
families (`layer_*`, `callback_*`, `optimizer_*`, `loss_*`, `metric_*`,
`activation_*`, `initializer_*`, `regularizer_*`, `constraint_*`,
`learning_rate_schedule_*`) straight from Keras's classes, the rest from
rkeras's own modules. Models stay plain Keras objects. Importing rkeras does
not start R; `rkeras.r` does, on first use.
"""

from __future__ import annotations

import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .pipe import pipe, then  # noqa: E402
from .verbs import python_functions as _python_functions  # noqa: E402

__version__ = "0.1.0"

_VERBS = _python_functions()
globals().update(_VERBS)


def plot(x, *args, **kwargs):
    """R's `plot()`: a training history is drawn as keras3 draws it.

    See `plot_history` for the arguments.
    """
    from .history import KerasTrainingHistory, plot_history

    if isinstance(x, KerasTrainingHistory):
        return plot_history(x, *args, **kwargs)
    raise TypeError(f"plot(): don't know how to plot a {type(x).__name__}; "
                    f"rkeras plots training histories (the result of fit()).")


from .history import KerasTrainingHistory  # noqa: E402

__all__ = sorted(_VERBS) + ["pipe", "then", "plot", "KerasTrainingHistory"]
