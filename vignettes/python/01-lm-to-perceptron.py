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
# # From `lm()` to the perceptron
#
# *The first part of "Deep Learning with R" (I. Rudnytskyi, R-lunches 2020), in
# Python with rkeras. The same lab in R, through the rkeras bridge, is
# `vignettes/r/01-lm-to-perceptron.Rmd`.*
#
# The slides start from the first model every statistician learns, linear
# regression, and walk to the multilayer perceptron in four steps:
#
# 1. `lm()` fits `y = α + βᵀx + ε` with a formula, the closed-form least-squares
#    solution;
# 2. the same coefficients can be found **iteratively**, by gradient descent;
# 3. a single dense unit, trained by gradient descent in Keras, **is** a linear
#    regression; add a step function and it becomes a threshold logic unit (TLU),
#    the artificial neuron of the perceptron;
# 4. a single TLU cannot learn XOR; a small **multilayer** perceptron can.
#
# The environment variable `RKERAS_VIGNETTE_FRACTION` (default 1) shrinks the
# epochs of every training run, so that the test suite runs this vignette in
# seconds.

# %%
import json
import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from rkeras import *
from rkeras.r import r_eval, to_python

FRACTION = float(os.environ.get("RKERAS_VIGNETTE_FRACTION", "1"))


def epochs(n):
    """How many of n epochs this run trains."""
    return n if FRACTION >= 1 else max(1, int(np.ceil(n * FRACTION)))


RESULTS = {"fraction": FRACTION}
set_random_seed(42)

# %% [markdown]
# ## 1. `lm()`: the closed form
#
# The data is R's own `mtcars`: fuel consumption (`mpg`, miles per gallon) of 32
# cars of 1973–74, with their weight (`wt`, in 1000 lbs) and power (`hp`). The
# model: `mpg = α + β₁ wt + β₂ hp + ε`.
#
# `rkeras.r` runs R in this Python process: `r_eval()` evaluates R code and
# `to_python()` brings the result back (a data frame becomes a pandas
# `DataFrame`). So this is R's `lm()` itself, not a Python imitation.

# %%
cars = to_python(r_eval("mtcars"))
cars[["mpg", "wt", "hp"]].head()

# %%
print("\n".join(to_python(r_eval("capture.output(summary(lm(mpg ~ wt + hp, data = mtcars)))"))))
ols = to_python(r_eval("coef(lm(mpg ~ wt + hp, data = mtcars))"))
ols

# %% [markdown]
# `lm()` minimises the mean squared error
# `MSE = (1/m) Σ (α + βᵀxᵢ − yᵢ)²` exactly, with the normal equations: with a
# first column of ones in `X` for the intercept (the "bias neuron" that always
# outputs 1), `β̂ = (XᵀX)⁻¹ Xᵀy`. The same formula in NumPy gives the same
# numbers:

# %%
X = np.column_stack([np.ones(len(cars)), cars["wt"], cars["hp"]])
y = cars["mpg"].to_numpy()
beta_closed = np.linalg.solve(X.T @ X, X.T @ y)
pd.DataFrame({"lm()": ols.to_numpy(), "(X'X)^-1 X'y": beta_closed}, index=ols.index)

# %% [markdown]
# The formula is precise and convenient, but it does not always exist (for most
# models there is no closed form) and it does not scale: with many features
# `XᵀX` is too big to build or to invert.
#
# ## 2. Gradient descent
#
# The iterative alternative: start anywhere and repeatedly step downhill, in the
# direction of steepest descent of the cost (the slides: find the bottom of a
# valley in dense fog by following the slope under your feet).
#
# With one feature and no intercept there is a single parameter β and the step is
#
# `β(k+1) = β(k) − η · dMSE/dβ`, with `dMSE/dβ = (2/m) Σ (β xᵢ − yᵢ) xᵢ`,
#
# where η is the **learning rate**. A positive derivative means that increasing
# β increases the MSE, so we decrease β, and vice versa. To make "no intercept"
# harmless we centre `wt` and `mpg` (the least-squares line then goes through
# the origin).

# %%
x1 = cars["wt"].to_numpy() - cars["wt"].mean()
y1 = cars["mpg"].to_numpy() - cars["mpg"].mean()


def mse(beta):
    return np.mean((np.multiply.outer(beta, x1) - y1) ** 2, axis=-1)


def gradient_descent(eta, beta=0.0, steps=15):
    path = [beta]
    for _ in range(steps):
        beta = beta - eta * 2 * np.mean((beta * x1 - y1) * x1)
        path.append(beta)
    return np.array(path)


beta_exact = np.sum(x1 * y1) / np.sum(x1 ** 2)
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
grid = np.linspace(-10, 2, 200)
for ax, eta in zip(axes, [0.05, 0.4, 1.0]):
    path = gradient_descent(eta)
    ax.plot(grid, mse(grid), color="grey")
    ax.plot(path, mse(path), "o-", color="#F8766D", markersize=4)
    ax.axvline(beta_exact, linestyle=":", color="black")
    ax.set_title(f"η = {eta}: β after 15 steps = {path[-1]:.2f}")
    ax.set_xlabel("β")
    ax.set_ylim(0, 90)
axes[0].set_ylabel("MSE")
fig.suptitle(f"Gradient descent on MSE(β), mpg ~ wt centred (closed form: β = {beta_exact:.3f})")
fig.tight_layout()
plt.show()

# %% [markdown]
# Too small a learning rate crawls, a good one converges in a few steps, too large
# a one overshoots and zig-zags (and, larger still, diverges).
#
# ## 3. A single dense unit is a linear regression
#
# A Keras dense layer with one unit and no activation computes
# `ŷ = w₁x₁ + w₂x₂ + b`: exactly the linear model, with the weights as β and the
# bias as α. Trained with plain gradient descent (`optimizer_sgd`) on the MSE
# loss, it must find the coefficients of `lm()`.
#
# Two practical points. Gradient descent needs features on similar scales (`hp`
# is in the hundreds, `wt` around 3: one learning rate cannot suit both), so we
# standardise them and convert the weights back afterwards. And with
# `batch_size` equal to the number of cars, each update uses all the data:
# that is **batch** gradient descent, the one of the slides.

# %%
features = cars[["wt", "hp"]].to_numpy()
centre, spread = features.mean(axis=0), features.std(axis=0, ddof=1)
scaled = (features - centre) / spread

unit = keras_model_sequential(input_shape=2) >> layer_dense(units=1)
unit >> compile(optimizer=optimizer_sgd(learning_rate=0.1), loss="mse")
history = unit >> fit(scaled, y, epochs=epochs(200), batch_size=len(y), verbose=0)
print(history)

# %%
plot(history)
plt.show()

# %% [markdown]
# Back on the original scale: `β = w / sd(x)` and `α = b − Σ w · mean(x) / sd(x)`.

# %%
kernel, bias = get_weights(unit)
beta_unit = kernel[:, 0] / spread
alpha_unit = bias[0] - np.sum(kernel[:, 0] * centre / spread)
coefficients = pd.DataFrame({"lm()": ols.to_numpy(),
                             "dense unit (SGD)": np.r_[alpha_unit, beta_unit]},
                            index=ols.index)
coefficients["difference"] = coefficients["dense unit (SGD)"] - coefficients["lm()"]
coefficients

# %%
RESULTS["lm_coefficients"] = ols.round(6).to_dict()
RESULTS["unit_coefficients"] = dict(zip(ols.index, np.r_[alpha_unit, beta_unit].round(6).tolist()))
RESULTS["max_coef_diff"] = float(coefficients["difference"].abs().max())
RESULTS["unit_final_mse"] = history.metrics["loss"][-1]
print(f"largest difference: {RESULTS['max_coef_diff']:.2g}")

# %% [markdown]
# The same coefficients, to the precision of 32-bit floats: the closed form and
# the iterative route reach the same minimum of the same cost. What the neural
# network adds is not in this unit; it is in what comes next: non-linear
# activations and layers.
#
# ## 4. The threshold logic unit and XOR
#
# The TLU (or linear threshold unit) of the slides sums its weighted inputs, as
# linear regression does, then applies a **step function**:
# `ŷ = 1 if wᵀx ≥ 0, else 0`. Like a biological neuron, it "fires" when it
# receives enough signal. A single TLU is a binary classifier whose decision
# boundary is the line `wᵀx = 0`; the perceptron is a layer of TLUs.
#
# The step function has no useful derivative, so a TLU is not trained by
# gradient descent but by Rosenblatt's perceptron rule: for each example,
# `w ← w + η (y − ŷ) x` (only mistakes move the weights). Here it is, on the
# three logical functions of two inputs the slides mention, with a bias input of 1:

# %%
inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
truth = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]),
         "XOR": np.array([0, 1, 1, 0])}


def train_tlu(x, target, passes=25, eta=1.0):
    xb = np.column_stack([np.ones(len(x)), x])  # the bias input
    w = np.zeros(3)
    accuracy = []
    for _ in range(passes):
        for xi, ti in zip(xb, target):
            w += eta * (ti - float(xi @ w >= 0)) * xi
        accuracy.append(np.mean((xb @ w >= 0) == target))
    return w, accuracy


tlu = {name: train_tlu(inputs, target) for name, target in truth.items()}
for name, (w, accuracy) in tlu.items():
    print(f"{name:>3}: weights (bias, w1, w2) = {w}, accuracy after each pass: "
          f"{' '.join(f'{a:.2f}' for a in accuracy[:8])} ...")

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
line = np.linspace(-0.5, 1.5, 10)
for ax, (name, target) in zip(axes, truth.items()):
    w = tlu[name][0]
    for value, marker, colour in [(0, "o", "white"), (1, "s", "black")]:
        chosen = target == value
        ax.scatter(inputs[chosen, 0], inputs[chosen, 1], s=120, marker=marker,
                   facecolor=colour, edgecolor="black", zorder=3, label=f"y = {value}")
    if abs(w[2]) > 1e-9:
        ax.plot(line, -(w[0] + w[1] * line) / w[2], color="#F8766D")
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_title(f"{name}: accuracy {tlu[name][1][-1]:.2f}"
                 + (" (no line fits)" if name == "XOR" else ""))
    ax.set_xlabel("x1")
axes[0].set_ylabel("x2")
axes[0].legend(loc="upper left", fontsize=8)
fig.suptitle("A single threshold unit: its boundary is a straight line")
fig.tight_layout()
plt.show()

# %% [markdown]
# AND and OR are learned in a few passes. XOR never is: the rule cycles for ever,
# and no weights do better than 3 points out of 4. No line separates
# {(0,1), (1,0)} from {(0,0), (1,1)}. The proof fits in one line: firing on
# (1,0) and (0,1) needs `w₁ + b ≥ 0` and `w₂ + b ≥ 0`, staying silent on (0,0)
# needs `b < 0`; adding the first two gives `w₁ + w₂ + b ≥ −b > 0`, so the unit
# fires on (1,1) too. XOR is not **linearly separable**.
#
# A smooth activation (the sigmoid, the second ingredient of the 1986 revival with
# backpropagation) makes the unit trainable by gradient descent, but not any more
# powerful: its boundary is still a line. In Keras, a single sigmoid unit on XOR:

# %%
single = keras_model_sequential(input_shape=2) >> layer_dense(units=1, activation="sigmoid")
single >> compile(optimizer=optimizer_adam(learning_rate=0.1), loss="binary_crossentropy",
                  metrics="accuracy")
single_history = single >> fit(inputs, truth["XOR"], epochs=epochs(300), batch_size=4,
                               verbose=0)
print(single_history)
np.round(single >> predict(inputs, verbose=0), 3)

# %% [markdown]
# Its best compromise is to answer 0.5 everywhere (loss log 2 = 0.693, accuracy
# 0.5).
#
# ## The multilayer perceptron solves XOR
#
# Stack a **hidden layer** between the inputs and the output, as neurons are
# organised in layers in the brain: this is the multilayer perceptron (MLP). Each
# hidden unit draws its own line; the output unit combines them. Four hidden
# units with a `tanh` activation are plenty:

# %%
mlp = (keras_model_sequential(input_shape=2)
       >> layer_dense(units=4, activation="tanh")
       >> layer_dense(units=1, activation="sigmoid"))
mlp >> compile(optimizer=optimizer_adam(learning_rate=0.1), loss="binary_crossentropy",
               metrics="accuracy")
mlp_history = mlp >> fit(inputs, truth["XOR"], epochs=epochs(300), batch_size=4, verbose=0)
print(mlp_history)
np.round(mlp >> predict(inputs, verbose=0), 3)

# %%
fig, axes = plt.subplots(1, 2, figsize=(9.5, 4), layout="constrained")
g1, g2 = np.meshgrid(np.linspace(-0.5, 1.5, 101), np.linspace(-0.5, 1.5, 101))
grid_points = np.column_stack([g1.ravel(), g2.ravel()]).astype("float32")
for ax, (title, model) in zip(axes, [("one sigmoid unit", single), ("MLP, 4 hidden units", mlp)]):
    surface = (model >> predict(grid_points, verbose=0)).reshape(g1.shape)
    image = ax.contourf(g1, g2, surface, levels=np.linspace(0, 1, 11), cmap="RdBu_r")
    ax.contour(g1, g2, surface, levels=[0.5], colors="black", linewidths=1.5)
    target = truth["XOR"]
    for value, marker, colour in [(0, "o", "white"), (1, "s", "black")]:
        chosen = target == value
        ax.scatter(inputs[chosen, 0], inputs[chosen, 1], s=120, marker=marker,
                   facecolor=colour, edgecolor="black", zorder=3)
    ax.set_title(f"XOR, {title}")
    ax.set_xlabel("x1")
axes[0].set_ylabel("x2")
fig.colorbar(image, ax=axes, shrink=0.85, label="predicted P(y = 1)")
plt.show()

# %% [markdown]
# The hidden layer has learned a new **representation** of the inputs, one in
# which XOR is linearly separable, and the output unit draws its line there. The
# hidden activations of the four points:

# %%
hidden = keras_model(inputs=mlp.inputs, outputs=mlp.layers[0].output)
pd.DataFrame(np.round(hidden >> predict(inputs, verbose=0), 2),
             index=["(0,0)", "(0,1)", "(1,0)", "(1,1)"],
             columns=[f"h{i}" for i in range(1, 5)])

# %%
xor_single = float(np.mean((single >> predict(inputs, verbose=0))[:, 0].round() == truth["XOR"]))
xor_mlp = float(np.mean((mlp >> predict(inputs, verbose=0))[:, 0].round() == truth["XOR"]))
RESULTS.update(xor_tlu_accuracy=float(tlu["XOR"][1][-1]), xor_single_accuracy=xor_single,
               xor_mlp_accuracy=xor_mlp, xor_mlp_loss=mlp_history.metrics["loss"][-1])
if os.environ.get("RKERAS_VIGNETTE_METRICS"):
    with open(os.environ["RKERAS_VIGNETTE_METRICS"], "w") as f:
        json.dump(RESULTS, f, indent=2)
{k: v for k, v in RESULTS.items() if not isinstance(v, dict)}

# %% [markdown]
# ## What we learned
#
# * Linear regression and a single dense unit are the same model; `lm()` solves
#   it in closed form, Keras by gradient descent, and both find the same
#   coefficients.
# * The learning rate decides whether gradient descent crawls, converges or
#   diverges; features on very different scales need standardising first.
# * A threshold unit only draws lines: it cannot learn XOR. Layers of units can,
#   because the hidden layer learns a representation in which the problem becomes
#   linear. That is the whole idea of deep learning, repeated over many layers.
