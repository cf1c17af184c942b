"""The slides' MNIST lab (r_scripts/slides_mnist.R) in plain Python Keras: the baseline of bench_slides.py.

Same steps as the R script: load MNIST, print its shape, a 512-relu / 10-softmax
dense network, rmsprop + categorical cross-entropy + accuracy, images reshaped
to 784 and scaled by 255, one-hot labels, fit (batch 128), evaluate, one
`test_accuracy:` line. Written the way a Python Keras user writes it (float32
images), without rkeras.

    python benchmarks/lab_slides_keras.py [--epochs 2]
"""

from __future__ import annotations

import argparse
import os

import keras
import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    path = os.path.join(os.environ.get("RKERAS_DATASETS", "/work/shared/data"), "mnist.npz")
    with np.load(path) as f:
        train_images, train_labels = f["x_train"], f["y_train"]
        test_images, test_labels = f["x_test"], f["y_test"]
    print(train_images.dtype, train_images.shape)
    network = keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    network.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    train_images = train_images.reshape((60000, 28 * 28)).astype("float32") / 255
    test_images = test_images.reshape((10000, 28 * 28)).astype("float32") / 255
    train_labels = keras.utils.to_categorical(train_labels)
    test_labels = keras.utils.to_categorical(test_labels)
    network.fit(train_images, train_labels, epochs=args.epochs, batch_size=128)
    loss, accuracy = network.evaluate(test_images, test_labels)
    print({"loss": loss, "accuracy": accuracy})
    print(f"test_accuracy: {accuracy:.4f}")


if __name__ == "__main__":
    main()
