# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # MNIST with dense layers
#
# *Lab 3 of "An Introduction to Machine Learning and Deep Learning with R", the
# first example of Chollet & Allaire, "Deep Learning with R" (2018), section 2.1;
# here in Python with rkeras. The same lab in R, run through the rkeras bridge, is
# `vignettes/r/02-mnist-dense.Rmd`.*
#
# The problem: classify grayscale images of handwritten digits, 28 × 28 pixels,
# into their 10 categories (0 to 9). MNIST has 60,000 training images and 10,000
# test images, collected by the US National Institute of Standards and Technology
# in the 1980s. It is the "hello world" of deep learning: the point of this lab is
# not the digits but the workflow every later lab repeats:
#
# 1. **build** the network from layers,
# 2. **compile** it: choose a loss, an optimizer and metrics,
# 3. **fit** it to the training data,
# 4. **evaluate** it on data it has never seen.
#
# ## Setup
#
# `from rkeras import *` brings the R keras verbs (`keras_model_sequential`,
# `layer_dense`, `compile`, `fit`, `evaluate`, `plot` ...) into Python. `>>` plays
# the part of R's `%>%`.
#
# One environment variable sets how much data the vignette uses:
# `RKERAS_VIGNETTE_FRACTION` (default `1`, all of it). The test suite sets it to a
# small value so that every vignette runs in seconds; with a fraction below 1 the
# numbers of training images, test images and epochs all shrink by that factor.

# %%
import json
import os

import matplotlib.pyplot as plt
import numpy as np

from rkeras import *

FRACTION = float(os.environ.get("RKERAS_VIGNETTE_FRACTION", "1"))


def part(n):
    """How many of n samples this run uses."""
    return n if FRACTION >= 1 else max(1, round(n * FRACTION))


def epochs(n):
    """How many of n epochs this run trains."""
    return n if FRACTION >= 1 else max(1, int(np.ceil(n * FRACTION)))


RESULTS = {"fraction": FRACTION}
set_random_seed(42)

# %% [markdown]
# ## Loading the MNIST dataset
#
# `dataset_mnist()` returns a nested list, as in R: `mnist.train.x` is
# `mnist$train$x`.

# %%
mnist = dataset_mnist()
train_images = mnist.train.x
train_labels = mnist.train.y
test_images = mnist.test.x
test_labels = mnist.test.y

n_train, n_test = part(len(train_images)), part(len(test_images))
train_images, train_labels = train_images[:n_train], train_labels[:n_train]
test_images, test_labels = test_images[:n_test], test_labels[:n_test]

print(train_images.shape, train_images.dtype, train_images.min(), train_images.max())
print(train_labels[:10])

# %% [markdown]
# The images are a 3D array (image, row, column) of integers from 0 (black) to
# 255 (white); the labels are a 1D array of digits from 0 to 9. A look at the
# first 36 training images, with their labels:

# %%
fig, axes = plt.subplots(6, 6, figsize=(6, 6.6))
for i, ax in enumerate(axes.flat):
    ax.imshow(train_images[i], cmap="gray_r")
    ax.set_title(str(train_labels[i]), fontsize=9)
    ax.axis("off")
fig.suptitle("The first 36 training images")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The network
#
# The core building block of neural networks is the **layer**, a data-processing
# module that works as a filter: data comes in and comes out in a more useful form.
# Layers extract **representations** from the data they are fed, hopefully
# representations more meaningful for the problem at hand. Deep learning chains
# simple layers into a progressive "data distillation".
#
# This network is a sequence of two dense (fully connected) layers. The first has
# 512 units with the ReLU activation. The second is a 10-way **softmax** layer: it
# returns 10 probabilities summing to 1, each the probability that the image shows
# that digit.

# %%
network = (keras_model_sequential()
           >> layer_dense(units=512, activation="relu", input_shape=28 * 28)
           >> layer_dense(units=10, activation="softmax"))
summary(network)

# %% [markdown]
# Each unit of a dense layer computes `activation(w · x + b)`: the first layer has
# 784 × 512 weights plus 512 biases = 401,920 parameters, the second
# 512 × 10 + 10 = 5,130. Together 407,050 numbers to learn.
#
# ## Compilation: loss, optimizer, metrics
#
# To make the network ready for training we pick three more things:
#
# * **a loss function**: how the network measures how well it does on the training
#   data, and so how it can steer itself in the right direction. For a
#   single-label, multi-class problem with one-hot labels it is the categorical
#   cross-entropy;
# * **an optimizer**: how the network updates its weights from the gradient of the
#   loss. Here RMSprop, a variant of gradient descent;
# * **metrics** to monitor during training and testing: here accuracy, the
#   fraction of correctly classified images.
#
# `compile()` changes the model in place (in R as in Python): no assignment needed.

# %%
network >> compile(optimizer="rmsprop", loss="categorical_crossentropy",
                   metrics=["accuracy"])

# %% [markdown]
# ## Preparing the data
#
# The network expects each image as a vector of 784 numbers in [0, 1]: we reshape
# the `(60000, 28, 28)` array into a `(60000, 784)` matrix and divide by 255.
# `array_reshape()` reshapes in row-major (C) order, as Keras and NumPy do; in R,
# `dim<-` would fill column-major and scramble the pixels, which is why the R lab
# uses `array_reshape()` too.

# %%
train_x = array_reshape(train_images, (n_train, 28 * 28)) / 255
test_x = array_reshape(test_images, (n_test, 28 * 28)) / 255

# %% [markdown]
# The labels are encoded categorically ("one-hot"): digit 3 becomes
# `0 0 0 1 0 0 0 0 0 0`, as the categorical cross-entropy expects.

# %%
train_y = to_categorical(train_labels, 10)
test_y = to_categorical(test_labels, 10)
print(train_labels[0], train_y[0])

# %% [markdown]
# ## Training
#
# `fit()` trains the network on the training data: 5 passes over the 60,000
# images (epochs), in mini-batches of 128 images, one gradient update per batch:
# 469 updates per epoch.

# %%
history = network >> fit(train_x, train_y, epochs=epochs(5), batch_size=128, verbose=2)
print(history)

# %%
plot(history)
plt.show()

# %% [markdown]
# Two quantities are displayed during training: the loss of the network over the
# training data and its accuracy. The training accuracy reaches about 99 %.
#
# ## Evaluation on the test set
#
# The test images were never seen during training: the test accuracy tells how
# well the network **generalises**.

# %%
score = network >> evaluate(test_x, test_y, verbose=0)
score

# %%
RESULTS.update(test_accuracy=score["accuracy"], test_loss=score["loss"],
               train_accuracy=history.metrics["accuracy"][-1],
               n_train=n_train, n_test=n_test)
print(f"test accuracy: {score['accuracy']:.4f}   (book: 0.9785)")

# %% [markdown]
# The test accuracy is about 97.5 %, a little below the training accuracy: the gap
# is **overfitting**, machine-learning models tend to do worse on new data than on
# their training data. The book reports 0.9785.
#
# ## Which digits does the network confuse?
#
# `predict()` returns the 10 probabilities per test image; the predicted class is
# the most probable (R: `max.col(p) - 1`). A confusion matrix counts, for each
# true digit (row), how often each digit was predicted (column).

# %%
probabilities = network >> predict(test_x, verbose=0)
predicted = probabilities.argmax(axis=1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (test_labels, predicted), 1)
print("rows: true digit, columns: predicted digit")
print("     " + "".join(f"{d:>6}" for d in range(10)))
for d in range(10):
    print(f"{d:>5}" + "".join(f"{c:>6}" for c in confusion[d]))

# %%
fig, ax = plt.subplots(figsize=(6.2, 5.2))
errors = confusion.astype(float)
np.fill_diagonal(errors, np.nan)
image = ax.imshow(errors, cmap="Reds")
for i in range(10):
    for j in range(10):
        ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7,
                color="black" if i != j else "grey")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("Confusion matrix on the test set (colour: errors only)")
fig.colorbar(image, ax=ax, shrink=0.8, label="misclassified images")
fig.tight_layout()
plt.show()

# %% [markdown]
# Most errors are between digits that look alike when written quickly: 4 and 9,
# 7 and 2, 3 and 5, 8 and several others. Some of the misclassified images:

# %%
wrong = np.flatnonzero(predicted != test_labels)[:18]
fig, axes = plt.subplots(3, 6, figsize=(7, 4.2))
for ax in axes.flat:
    ax.axis("off")
for ax, i in zip(axes.flat, wrong):
    ax.imshow(test_images[i], cmap="gray_r")
    ax.set_title(f"true {test_labels[i]}, said {predicted[i]}", fontsize=8)
fig.suptitle("Misclassified test images")
fig.tight_layout()
plt.show()

# %%
RESULTS["errors"] = int((predicted != test_labels).sum())
per_digit = confusion.diagonal() / confusion.sum(axis=1).clip(min=1)
RESULTS["worst_digit"] = int(per_digit.argmin())
if os.environ.get("RKERAS_VIGNETTE_METRICS"):
    with open(os.environ["RKERAS_VIGNETTE_METRICS"], "w") as f:
        json.dump(RESULTS, f, indent=2)
RESULTS

# %% [markdown]
# ## What we learned
#
# * A network is a stack of layers; a dense layer computes `activation(W x + b)`.
# * Before training: a loss (what to minimise), an optimizer (how), metrics (what
#   to watch), and data in the shape the network expects (`array_reshape`, scaling,
#   `to_categorical`).
# * Training accuracy overstates what the network does on new data: always
#   evaluate on a held-out test set.
#
# Lab 4 (`04-mnist-cnn`) replaces the dense layers with convolutions and gets to
# about 99 %.
