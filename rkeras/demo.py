"""The MNIST lab of "Deep Learning with R", in Python with rkeras (`rkeras demo`).

The same verbs, argument names and steps as the slides' R code:
load, reshape and scale, one-hot labels, build, compile, fit, evaluate.
"""

from __future__ import annotations

import time

from .progress import progress


def run_mnist_lab(epochs: int = 5, batch_size: int = 128, n_train: int | None = None,
                  verbose: str | int = "auto", seed: int = 42) -> dict:
    """Train the slides' dense network on MNIST and return the test metrics.

    Args:
        epochs: epochs to train (the book uses 5).
        batch_size: samples per update (the book uses 128).
        n_train: train on the first `n_train` images only (for quick checks).
        verbose: Keras's progress display.
        seed: random seed, for repeatable runs.

    Returns:
        A dict with `accuracy`, `loss`, `seconds` and the history.
    """
    with progress("loading TensorFlow and Keras"):
        from rkeras import (
            array_reshape,
            compile,
            dataset_mnist,
            evaluate,
            fit,
            keras_model_sequential,
            layer_dense,
            set_random_seed,
            to_categorical,
        )

    set_random_seed(seed)
    started = time.perf_counter()
    with progress("loading MNIST"):
        mnist = dataset_mnist()
    train_images, train_labels = mnist.train.x, mnist.train.y
    test_images, test_labels = mnist.test.x, mnist.test.y
    if n_train is not None:
        train_images, train_labels = train_images[:n_train], train_labels[:n_train]

    train_images = array_reshape(train_images, (len(train_images), 28 * 28)) / 255
    test_images = array_reshape(test_images, (len(test_images), 28 * 28)) / 255
    train_labels = to_categorical(train_labels)
    test_labels = to_categorical(test_labels)

    network = (keras_model_sequential()
               >> layer_dense(units=512, activation="relu", input_shape=28 * 28)
               >> layer_dense(units=10, activation="softmax"))
    network >> compile(optimizer="rmsprop", loss="categorical_crossentropy",
                       metrics=["accuracy"])
    history = network >> fit(train_images, train_labels, epochs=epochs,
                             batch_size=batch_size, verbose=verbose)
    metrics = network >> evaluate(test_images, test_labels, verbose=0)
    return {"accuracy": metrics["accuracy"], "loss": metrics["loss"],
            "seconds": time.perf_counter() - started, "history": history}


def main(epochs: int = 5) -> int:
    print("rkeras demo: the MNIST lab of 'Deep Learning with R' (dense network, full data)",
          flush=True)
    result = run_mnist_lab(epochs=epochs)
    print(result["history"])
    print(f"\nTest accuracy: {result['accuracy']:.4f}   test loss: {result['loss']:.4f}   "
          f"({result['seconds']:.0f} s)")
    return 0 if result["accuracy"] >= 0.97 else 1
