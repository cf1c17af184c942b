"""The Python version of r_scripts/mnist_dense.R, step for step, with rkeras's verbs.

Used by bench_r_path.py as the Python contender of the R script: the same
data, slicing, model, arguments and printed output (the history, plot(history)
to Rplots.pdf as R's default device does, evaluate, predict of 10 images).

    python benchmarks/lab_mnist_dense.py [--n N] [--epochs E]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from rkeras import (
    array_reshape,
    as_data_frame,
    compile,
    dataset_mnist,
    evaluate,
    fit,
    keras_model_sequential,
    layer_dense,
    plot,
    predict,
    to_categorical,
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args(argv)
    n, epochs = args.n, args.epochs

    mnist = dataset_mnist()
    train_images = mnist.train.x
    train_labels = mnist.train.y
    test_images = mnist.test.x
    test_labels = mnist.test.y

    if n is not None:
        train_images = train_images[:n]
        train_labels = train_labels[:n]
        test_images = test_images[:min(n, 10000)]
        test_labels = test_labels[:min(n, 10000)]
    print(f" {train_images.dtype} {list(train_images.shape)} {train_images.ravel()[:10]} ...")

    network = (keras_model_sequential()
               >> layer_dense(units=512, activation="relu", input_shape=28 * 28)
               >> layer_dense(units=10, activation="softmax"))
    network >> compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])

    train_images = array_reshape(train_images, (train_images.shape[0], 28 * 28))
    train_images = train_images / 255
    test_images = array_reshape(test_images, (test_images.shape[0], 28 * 28))
    test_images = test_images / 255

    train_labels = to_categorical(train_labels)
    test_labels = to_categorical(test_labels, 10)

    history = network >> fit(train_images, train_labels, epochs=epochs, batch_size=128)
    print(history)
    plot(history, file="Rplots.pdf")
    print(as_data_frame(history).head())

    metrics = network >> evaluate(test_images, test_labels, verbose=0)
    print(metrics)

    classes = network >> predict(test_images[:10], verbose=0)
    print(np.argmax(classes, axis=1))

    print(f"test_accuracy: {metrics['accuracy']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
