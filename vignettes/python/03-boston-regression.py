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
# # Boston housing regression
#
# *Lab 3 ("Regression, the Boston dataset") of "An Introduction to Machine
# Learning and Deep Learning with R", with the example of Chollet & Allaire,
# "Deep Learning with R" (2018), section 3.6; here in Python with rkeras. The same
# lab in R, through the rkeras bridge, is `vignettes/r/03-boston-regression.Rmd`.*
#
# The slides ask three questions about this lab:
#
# 1. What is the output of a Keras model when doing **regression**?
# 2. **Callbacks**: how to act on the training while it runs.
# 3. **Scaling vs. no scaling** of the input features.
#
# and the book adds a fourth: with only a few hundred samples, how do we
# validate reliably? (**K-fold validation**.)
#
# The task: predict the median price of homes in a Boston suburb in the mid-1970s
# from 13 numbers about the suburb (crime rate, rooms per dwelling, tax rate ...).
# `RKERAS_VIGNETTE_FRACTION` (default 1) shrinks the samples and epochs for quick
# test runs.

# %%
import json
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from rkeras import *
from rkeras.history_plot import loess_smooth  # the LOESS smooth that plot(history) draws

FRACTION = float(os.environ.get("RKERAS_VIGNETTE_FRACTION", "1"))


def part(n, minimum=1):
    """How many of n samples this run uses."""
    return n if FRACTION >= 1 else max(minimum, round(n * FRACTION))


def epochs(n):
    """How many of n epochs this run trains."""
    return n if FRACTION >= 1 else max(1, int(np.ceil(n * FRACTION)))


RESULTS = {"fraction": FRACTION}
set_random_seed(42)

# %% [markdown]
# ## The data
#
# `dataset_boston_housing()` gives Keras's split: 404 training and 102 test
# suburbs. The targets are median home values in **thousands of dollars**
# (mid-1970s, not adjusted for inflation).

# %%
(train_data, train_targets), (test_data, test_targets) = dataset_boston_housing()
n_train, n_test = part(len(train_data), minimum=48), part(len(test_data), minimum=10)
train_data, train_targets = train_data[:n_train], train_targets[:n_train]
test_data, test_targets = test_data[:n_test], test_targets[:n_test]
print(train_data.shape, test_data.shape)
print(train_targets[:10])

# %% [markdown]
# Very few samples, and 13 features on very different scales: proportions
# between 0 and 1, a number of rooms around 6, a tax rate in the hundreds:

# %%
columns = ["crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax",
           "ptratio", "black", "lstat"]
pd.DataFrame(train_data, columns=columns).describe().loc[["mean", "std", "min", "max"]].round(2)

# %% [markdown]
# ## 1. The output of a regression network
#
# For classification the last layer has a softmax (probabilities of classes) or a
# sigmoid (a probability). To predict a **number** the last layer is a single unit
# with **no activation**: a linear unit, free to output any value. A sigmoid there
# would squash every prediction into [0, 1].
#
# The loss is the mean squared error (`mse`); we also monitor the mean absolute
# error (`mae`), which is in the unit of the target: an MAE of 2.5 means the
# predictions are off by $2,500 on average.
#
# With so little data the network is small (two hidden layers of 64 units: a big
# network would overfit). We will build it several times, so it is a function.
# (`steps_per_execution = 32` only makes Keras run 32 batches per call into
# TensorFlow: the arithmetic, and so the results, are the same as with 1, and the
# batch-size-1 runs below are three times faster.)

# %%
def build_model():
    model = (keras_model_sequential()
             >> layer_dense(units=64, activation="relu", input_shape=train_data.shape[1])
             >> layer_dense(units=64, activation="relu")
             >> layer_dense(units=1))
    model >> compile(optimizer="rmsprop", loss="mse", metrics=["mae"],
                     steps_per_execution=32)
    return model


summary(build_model())

# %% [markdown]
# ## 2. Scaling vs. no scaling
#
# Feeding a network values with wildly different ranges makes learning harder:
# the gradient is dominated by the large features, and one learning rate cannot
# suit all weights. The usual fix is feature-wise normalisation: subtract each
# column's mean and divide by its standard deviation, so every feature is centred
# on 0 with unit spread. The mean and standard deviation are computed on the
# **training** data only, and applied unchanged to the test data: no quantity
# computed on the test data may enter the workflow. (R's `scale()` and `sd()`
# divide by n − 1; so does `ddof=1` here.)

# %%
mean = train_data.mean(axis=0)
std = train_data.std(axis=0, ddof=1)
train_scaled = (train_data - mean) / std
test_scaled = (test_data - mean) / std

# %% [markdown]
# The slides' question answered by experiment: the same network, trained the same
# way (200 epochs, batches of 16, the last 20 % of the training data held out for
# validation) on the raw features and on the scaled ones.

# %%
runs = {}
for label, x_train, x_test in [("raw features", train_data, test_data),
                               ("scaled features", train_scaled, test_scaled)]:
    model = build_model()
    history = model >> fit(x_train, train_targets, epochs=epochs(200), batch_size=16,
                           validation_split=0.2, verbose=0)
    test_score = model >> evaluate(x_test, test_targets, verbose=0)
    runs[label] = (history, test_score)
    print(f"{label:>16}: validation MAE (last epoch) {history.metrics['val_mae'][-1]:.2f}, "
          f"test MAE {test_score['mae']:.2f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
colours = {"raw features": "#F8766D", "scaled features": "#00BFC4"}
for ax, series in zip(axes, ["mae", "val_mae"]):
    for label, (history, _) in runs.items():
        values = history.metrics[series]
        ax.plot(np.arange(1, len(values) + 1), values, color=colours[label], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_title("training MAE" if series == "mae" else "validation MAE")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_ylabel("MAE (k$, log scale)")
axes[1].legend()
fig.suptitle("Scaling vs. no scaling: the same network, the same 200 epochs")
fig.tight_layout()
plt.show()

# %%
RESULTS["test_mae_unscaled"] = runs["raw features"][1]["mae"]
RESULTS["test_mae_scaled_200"] = runs["scaled features"][1]["mae"]
RESULTS["val_mae_unscaled"] = runs["raw features"][0].metrics["val_mae"][-1]
RESULTS["val_mae_scaled"] = runs["scaled features"][0].metrics["val_mae"][-1]

# %% [markdown]
# With scaled features the validation error falls fast and low. On the raw
# features the network learns slowly and erratically, and ends clearly worse on
# the test data. Scaling is not optional for neural networks.
#
# ## 3. Callbacks
#
# A callback is an object `fit()` calls at given points of training (end of each
# epoch, of each batch ...), to look at the model's state and act on it. Three
# of Keras's, as in the slides and the old keras tutorial for this dataset:
#
# * `callback_early_stopping()`: stop when the monitored quantity (here the
#   validation loss) has not improved for `patience` epochs, and go back to the
#   best weights seen;
# * `callback_reduce_lr_on_plateau()`: divide the learning rate by 2 when the
#   validation loss has stalled for 10 epochs;
# * `callback_csv_logger()`: write each epoch's metrics (and the learning rate)
#   to a CSV file.
#
# We ask for 500 epochs and let the callbacks decide.

# %%
callbacks = [
    callback_early_stopping(monitor="val_loss", patience=epochs(30),
                            restore_best_weights=True),
    callback_reduce_lr_on_plateau(monitor="val_loss", factor=0.5, patience=epochs(10)),
    callback_csv_logger("boston_training_log.csv"),
]
model = build_model()
history = model >> fit(train_scaled, train_targets, epochs=epochs(500), batch_size=16,
                       validation_split=0.2, callbacks=callbacks, verbose=0)
trained = len(history.metrics["loss"])
print(f"asked for {history.params['epochs']} epochs, trained {trained}")
print(history)

# %% [markdown]
# `plot(history)` keeps the 500 epochs asked for on the x axis; the first epochs
# (an error of $20,000) would flatten the rest, so we zoom on the y axis, as the
# old keras tutorial for this dataset did with `coord_cartesian()`:

# %%
fig = plot(history, metrics="mae", smooth=False)
fig.axes[0].set_ylim(0, 5)
plt.show()

# %% [markdown]
# The CSV log holds one row per epoch; the learning rate column shows the
# halvings made by `callback_reduce_lr_on_plateau()`:

# %%
log = pd.read_csv("boston_training_log.csv")
print(log.round(4).tail(8).to_string(index=False))
changes = log.index[log["learning_rate"].diff().fillna(0) != 0] + 1
print("learning rate halved after epochs:", list(changes))

# %%
callback_score = model >> evaluate(test_scaled, test_targets, verbose=0)
RESULTS.update(callback_epochs=trained, callback_test_mae=callback_score["mae"],
               callback_lr_changes=len(changes))
print(f"test MAE with the best weights: {callback_score['mae']:.2f}")

# %% [markdown]
# ## 4. K-fold validation
#
# With 404 training samples a hold-out validation set of ~100 suburbs gives a
# noisy estimate: a different split gives a different score. K-fold validation
# splits the training data into K parts (here K = 4, as in the book), trains K
# models, each on K − 1 parts, evaluates each on the part it did not see, and
# averages the K scores.
#
# `dataset_boston_housing()` has already shuffled the rows (Keras's seed 113), so
# the four folds are simply the four consecutive quarters, as in the Python
# edition of the book. (The R edition draws the folds with `sample()`; consecutive
# quarters give both language versions of this vignette the same folds.) As in the
# book: 500 epochs, batches of 1 sample, and each fold's validation MAE recorded
# after every epoch.

# %%
k = 4
num_epochs = epochs(500)
fold_size = len(train_scaled) // k
all_mae_histories = []
for i in range(k):
    print(f"processing fold #{i + 1}")
    held_out = np.arange(i * fold_size, (i + 1) * fold_size)
    val_data, val_targets = train_scaled[held_out], train_targets[held_out]
    partial_data = np.delete(train_scaled, held_out, axis=0)
    partial_targets = np.delete(train_targets, held_out, axis=0)
    model = build_model()
    history = model >> fit(partial_data, partial_targets,
                           validation_data=[val_data, val_targets],
                           epochs=num_epochs, batch_size=1, verbose=0)
    all_mae_histories.append(history.metrics["val_mae"])

all_mae_histories = np.array(all_mae_histories)  # folds x epochs
average_mae_history = all_mae_histories.mean(axis=0)

# %% [markdown]
# The book's first run stops at 100 epochs and reports the four fold scores and
# their mean; those are the scores after epoch 100 here:

# %%
at = min(100, num_epochs) - 1
print("fold validation MAEs after 100 epochs:", np.round(all_mae_histories[:, at], 2))
print(f"mean: {all_mae_histories[:, at].mean():.2f}   (book: 2.07 2.23 2.86 2.40, mean 2.39)")
print(f"after {num_epochs} epochs: mean {average_mae_history[-1]:.2f}; "
      f"lowest average {average_mae_history.min():.2f} at epoch {average_mae_history.argmin() + 1}")

# %% [markdown]
# The folds differ a lot (one quarter of the suburbs is harder to predict than
# another): this spread is why the average over the folds is the more reliable
# number. The average validation MAE per epoch, as the book plots it (the first
# 10 epochs left out, they are on another scale; the line is a LOESS smooth):

# %%
epochs_axis = np.arange(1, num_epochs + 1)
start = 10 if num_epochs > 20 else 0
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(epochs_axis[start:], average_mae_history[start:], "o", markersize=2.5,
        color="grey", label="average of the 4 folds")
if num_epochs - start >= 10:
    ax.plot(epochs_axis[start:], loess_smooth(epochs_axis[start:], average_mae_history[start:],
                                                 x_new=epochs_axis[start:]),
            color="#3366FF", linewidth=2, label="LOESS smooth")
ax.set_xlabel("epoch")
ax.set_ylabel("validation MAE (k$)")
ax.set_title("4-fold validation, 500 epochs, batch size 1")
ax.legend()
ax.grid(True, alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# Here the average validation MAE is lowest early, after some 40 epochs, and
# rises afterwards: past that point the network **overfits**, it keeps fitting the
# training folds better while getting worse on the held-out one. (The book's
# curve bottomed out later, around epoch 80; with batches of a single sample the
# exact point moves from run to run.)
#
# ## The final model
#
# As in the book: train a fresh model on all the training data for 80 epochs,
# batches of 16, and look at the test set once.

# %%
model = build_model()
model >> fit(train_scaled, train_targets, epochs=epochs(80), batch_size=16, verbose=0)
result = model >> evaluate(test_scaled, test_targets, verbose=0)
print(f"test MAE: {result['mae']:.2f}, i.e. off by about ${1000 * result['mae']:,.0f} "
      f"(book: 2.55, about $2,550)")
result

# %% [markdown]
# The point of the validation curve is to choose such settings: a second final
# model, trained for as many epochs as the lowest point of our own curve:

# %%
best_epochs = int(average_mae_history.argmin() + 1)
model = build_model()
model >> fit(train_scaled, train_targets, epochs=best_epochs, batch_size=16, verbose=0)
result_best = model >> evaluate(test_scaled, test_targets, verbose=0)
print(f"{best_epochs} epochs: test MAE {result_best['mae']:.2f} "
      f"(80 epochs: {result['mae']:.2f})")

# %% [markdown]
# In this run it does not do better on the test set than the book's 80 epochs.
# With 102 test suburbs, and one training run each, differences of a few hundred
# dollars are within the noise: the k-fold curve tells the region where the network
# stops improving, not an exact epoch.

# %%
RESULTS.update(test_mae_best_epochs=result_best["mae"])
RESULTS.update(kfold_mae_100=float(all_mae_histories[:, at].mean()),
               kfold_fold_mae_100=all_mae_histories[:, at].round(4).tolist(),
               kfold_mae_last=float(average_mae_history[-1]),
               kfold_best_epoch=int(average_mae_history.argmin() + 1),
               kfold_best_mae=float(average_mae_history.min()),
               test_mae=result["mae"], test_mse=result["loss"],
               n_train=n_train, n_test=n_test)
if os.environ.get("RKERAS_VIGNETTE_METRICS"):
    with open(os.environ["RKERAS_VIGNETTE_METRICS"], "w") as f:
        json.dump(RESULTS, f, indent=2)

# %% [markdown]
# ## What we learned
#
# * Regression: one output unit with no activation, the `mse` loss, and `mae` to
#   read the error in the target's unit (here thousands of dollars).
# * Features on different scales must be normalised, with statistics of the
#   training data only. Without scaling the same network is much worse.
# * Callbacks act during training: stop early and keep the best weights, lower
#   the learning rate on a plateau, log every epoch to a file.
# * With little data, K-fold validation gives a usable estimate where a single
#   small validation set would not; its curve tells when the network starts to
#   overfit, and so how long to train the final model.
