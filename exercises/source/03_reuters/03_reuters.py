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
# # Exercise 3 — Classifying newswires into 46 topics
#
# This exercise follows [chapter 3](../../../chapters/03_reuters.ipynb). With 46 classes,
# three choices must agree: how the labels are encoded, which loss reads them, and how
# wide the layers are. You will match encodings to losses, compute the baselines a
# classifier must beat, measure top-k accuracy, and create an information bottleneck on
# purpose.
#
# **Data.** This exercise runs on the course's generated Reuters stand-in: 46 unevenly
# frequent topics with topic words, in exactly the format of `keras.datasets.reuters`
# (the setup cell loads it with `source="offline"`). You, Colab, Binder and the grader
# therefore all see the same newswires, so the accuracies stated in the tasks mean the
# same thing everywhere; chapter 3 shows the real newswires.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. The hidden tests reload the
# data themselves and look at your models (their weights, training histories and optimizer
# steps), so changing the data or reported numbers in the notebook earns nothing. Keep the
# names the tasks ask for. The written question at the end is graded by hand. Before you
# submit, restart the kernel and run all cells: the grader runs the notebook from top to
# bottom.

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

from lib import data, text
from lib.seeding import exercise_seed, seed_everything

SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
seed_everything(SEED)
NUM_WORDS = 10_000
NUM_TOPICS = 46

# Newswires as word indices: the course's generated Reuters stand-in (46 topics, the format
# of keras.datasets.reuters), loaded with source="offline" so that every machine, the
# grader's included, sees the same data. We use 4,000 training newswires and the whole
# test set (2,246), multi-hot encoded as in chapter 2.
reuters = data.load_reuters(num_words=NUM_WORDS, source="offline")
(train_data, train_labels), (test_data, test_labels) = reuters
train_data, train_labels = train_data[:4000], train_labels[:4000]
x_train = text.multi_hot(train_data, dimension=NUM_WORDS)
x_test = text.multi_hot(test_data, dimension=NUM_WORDS)
print(reuters.provenance.summary())
print("inputs:", x_train.shape, x_test.shape, " labels:", train_labels[:10], "...")

# %% [markdown]
# ## Task 1 — Label encodings and their losses (1 point)
#
# The labels are integers 0–45. Keras offers a loss for each way of handing them over:
# as one-hot vectors of 46 values, or as the integers themselves. Set the two names below
# to the Keras loss (its string name) that fits each encoding.

# %% nbgrader={"grade": false, "grade_id": "losses", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
LOSS_FOR_ONE_HOT = "categorical_crossentropy"
LOSS_FOR_INTEGER_LABELS = "sparse_categorical_crossentropy"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "test_losses", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

assert isinstance(LOSS_FOR_ONE_HOT, str) and isinstance(LOSS_FOR_INTEGER_LABELS, str), "give the losses' names"
assert LOSS_FOR_ONE_HOT != LOSS_FOR_INTEGER_LABELS
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(4)
probabilities = rng.dirichlet(np.ones(NUM_TOPICS), size=8).astype("float32")
integers = rng.integers(0, NUM_TOPICS, size=8)
expected = -np.log(probabilities[np.arange(8), integers])
one_hot_loss = keras.losses.get(LOSS_FOR_ONE_HOT)
integer_loss = keras.losses.get(LOSS_FOR_INTEGER_LABELS)
np.testing.assert_allclose(np.asarray(one_hot_loss(np.eye(NUM_TOPICS)[integers], probabilities)), expected, rtol=1e-4)
np.testing.assert_allclose(np.asarray(integer_loss(integers, probabilities)), expected, rtol=1e-4)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — The baseline to beat (1 point)
#
# Is 60 % accuracy good on 46 topics? Compare it with a classifier that knows nothing: one
# that answers with a random shuffle of the true labels. It is right on an example of
# topic $c$ with probability $p_c$, the share of topic $c$ among the labels, so its
# expected accuracy is $\sum_c p_c^2$. Write `random_baseline_accuracy(labels)` returning
# that number as a float.


# %% nbgrader={"grade": false, "grade_id": "random_baseline", "locked": false, "schema_version": 3, "solution": true, "task": false}
def random_baseline_accuracy(labels):
    """Expected accuracy of predicting a random permutation of `labels`: sum of squared class shares."""
    ### BEGIN SOLUTION
    _, counts = np.unique(np.asarray(labels), return_counts=True)
    shares = counts / counts.sum()
    return float(np.sum(shares**2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_random_baseline", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

value = random_baseline_accuracy(np.array([0, 0, 1, 1]))
assert isinstance(value, numbers.Real) and not isinstance(value, bool), "return a float"
np.testing.assert_allclose(value, 0.5)
print(f"random baseline on the test labels: {random_baseline_accuracy(test_labels):.3f}")
### BEGIN HIDDEN TESTS
np.testing.assert_allclose(random_baseline_accuracy(np.array([5, 5, 5, 9])), 0.625)
np.testing.assert_allclose(random_baseline_accuracy([3, 3, 3]), 1.0)
np.testing.assert_allclose(random_baseline_accuracy(np.arange(10)), 0.1)
rng = np.random.default_rng(9)
labels = rng.choice(NUM_TOPICS, size=3000, p=rng.dirichlet(np.ones(NUM_TOPICS)))
shuffled_hits = np.mean([(rng.permutation(labels) == labels).mean() for _ in range(200)])
np.testing.assert_allclose(random_baseline_accuracy(labels), shuffled_hits, atol=0.004)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — Top-k accuracy (2 points)
#
# With many classes it helps to know whether the right topic was at least among the
# model's first few guesses. Write `top_k_accuracy(probabilities, labels, k=1)`: given
# predicted probabilities of shape `(n, C)` and integer labels of shape `(n,)`, return the
# fraction of examples whose true label is among the `k` highest probabilities (a float).
# With `k=1` this is ordinary accuracy. A few lines of NumPy do it (`np.argsort` helps).


# %% nbgrader={"grade": false, "grade_id": "top_k_accuracy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def top_k_accuracy(probabilities, labels, k=1):
    """Share of rows whose true label is among the k most probable classes."""
    ### BEGIN SOLUTION
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    top_k = np.argsort(probabilities, axis=1)[:, -k:]
    return float(np.mean(np.any(top_k == labels[:, None], axis=1)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_top_k_accuracy", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

probabilities = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]])
labels = np.array([2, 0, 1])
top1 = top_k_accuracy(probabilities, labels, k=1)
assert isinstance(top1, numbers.Real) and not isinstance(top1, bool), "return a float"
np.testing.assert_allclose(top1, 1 / 3)
np.testing.assert_allclose(top_k_accuracy(probabilities, labels, k=2), 1.0)
### BEGIN HIDDEN TESTS
import keras

rng = np.random.default_rng(21)
probabilities = rng.dirichlet(np.ones(NUM_TOPICS), size=500).astype("float32")
labels = rng.integers(0, NUM_TOPICS, size=500)
for k in (1, 3, 5, 46):
    expected = float(np.mean(keras.metrics.sparse_top_k_categorical_accuracy(labels, probabilities, k=k)))
    got = top_k_accuracy(probabilities, labels, k=k)
    assert isinstance(got, numbers.Real) and not isinstance(got, bool)
    np.testing.assert_allclose(got, expected, atol=1e-9, err_msg=f"k={k}")
np.testing.assert_allclose(top_k_accuracy(probabilities, probabilities.argmax(axis=1)), 1.0)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — The classifier (2 points)
#
# Write `build_model(second_layer_units=64, num_classes=46, input_dim=10000)` returning a
# new compiled model: an input of `input_dim` values, a dense ReLU layer of 64 units, a
# dense ReLU layer of `second_layer_units` units and a softmax output of `num_classes`
# units. We keep the labels as integers, so compile with RMSprop, **the loss for integer
# labels** and the accuracy metric. With the defaults it has 647,214 parameters.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(second_layer_units=64, num_classes=46, input_dim=10000):
    """input_dim -> 64 (ReLU) -> second_layer_units (ReLU) -> num_classes (softmax), for integer labels."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(second_layer_units, activation="relu"),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

default_model = build_model()
assert isinstance(default_model, keras.Model), "build_model must return a Keras model"
assert default_model.output_shape == (None, 46), f"output shape {default_model.output_shape}, expected (None, 46)"
assert default_model.count_params() == 647_214, f"{default_model.count_params():,} parameters, expected 647,214"
### BEGIN HIDDEN TESTS
assert build_model() is not default_model, "build a new model on every call"
narrow = build_model(second_layer_units=4)
assert isinstance(narrow, keras.Model) and narrow.count_params() == 640_064 + 260 + 230
small = build_model(second_layer_units=8, num_classes=5, input_dim=30)
assert isinstance(small, keras.Model) and small.count_params() == (30 * 64 + 64) + (64 * 8 + 8) + (8 * 5 + 5)
assert small.output_shape == (None, 5)
assert isinstance(default_model.optimizer, keras.optimizers.RMSprop), "use RMSprop"
rng = np.random.default_rng(8)
probe = (rng.random((32, 10000)) < 0.02).astype("float32")
rows = np.asarray(default_model.predict(probe, verbose=0))
np.testing.assert_allclose(rows.sum(axis=1), np.ones(32), rtol=1e-4)
integer_targets = rng.integers(0, 46, size=32)
scores = default_model.evaluate(probe, integer_targets, verbose=0, return_dict=True)
assert "accuracy" in scores, "compile with the accuracy metric"
expected_loss = float(np.mean(-np.log(np.clip(rows[np.arange(32), integer_targets], 1e-7, 1))))
np.testing.assert_allclose(scores["loss"], expected_loss, rtol=1e-3, err_msg="use the loss for integer labels")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — An information bottleneck on purpose (3 points)
#
# Use the **first 1,000** training newswires as a validation set and train on the other
# 3,000. Train `model_64 = build_model(64)` and `model_4 = build_model(4)` for **12
# epochs** each, batch size 128, with the validation set passed to `fit`; keep the
# histories `fit` returns in `history_64` and `history_4`. (About ten seconds.)
#
# What is checked, on the test set the grader reloads itself:
#
# * both models were trained as asked: 12 epochs of batch size 128 on the 3,000 training
#   newswires (counted by the optimizer's steps), validated on the 1,000 validation
#   newswires, and `model_64` fits its training newswires (accuracy >= 0.9 on them);
# * `model_64` reaches a test accuracy of at least **0.65**, and no more than 0.1 above its
#   validation accuracy (a model that has seen the test set gives itself away that way);
# * the bottleneck shows: `model_4` (a network with a 4-unit second layer) has a test accuracy
#   at least **0.05** below that of `model_64`.

# %% nbgrader={"grade": false, "grade_id": "bottleneck", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
x_val, partial_x_train = x_train[:1000], x_train[1000:]
y_val, partial_y_train = train_labels[:1000], train_labels[1000:]

model_64 = build_model(second_layer_units=64)
history_64 = model_64.fit(
    partial_x_train, partial_y_train, epochs=12, batch_size=128, validation_data=(x_val, y_val), verbose=0
)
model_4 = build_model(second_layer_units=4)
history_4 = model_4.fit(
    partial_x_train, partial_y_train, epochs=12, batch_size=128, validation_data=(x_val, y_val), verbose=0
)
### END SOLUTION
for name, trained in (("64 units", model_64), ("4 units", model_4)):
    probabilities = trained.predict(x_test, verbose=0)
    print(
        f"{name}: test accuracy {top_k_accuracy(probabilities, test_labels):.3f}, "
        f"top-3 {top_k_accuracy(probabilities, test_labels, k=3):.3f}"
    )

# %% nbgrader={"grade": true, "grade_id": "test_bottleneck_runs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

assert isinstance(model_64, keras.Model) and isinstance(model_4, keras.Model)
assert len(history_64.history["val_accuracy"]) == 12 and len(history_4.history["val_accuracy"]) == 12, (
    "train both models for 12 epochs with validation data"
)
assert history_64.model is model_64 and history_4.model is model_4, "keep the histories that fit returns"
fit_64 = float(np.mean(np.asarray(model_64.predict(x_train[1000:], verbose=0)).argmax(axis=1) == train_labels[1000:]))
print(f"training accuracy of model_64: {fit_64:.4f} (needs >= 0.9)")
assert fit_64 >= 0.9, "model_64 should fit its 3,000 training newswires"
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
(ref_train, ref_train_labels), _ = checks.fresh_data().load_reuters(num_words=10_000, source="offline")
ref_x = checks.multi_hot(ref_train[:4000], 10_000)
for ref_units, ref_model, ref_history in ((64, model_64, history_64), (4, model_4, history_4)):
    assert isinstance(ref_model, keras.Model) and ref_history.model is ref_model
    assert int(ref_model.optimizer.iterations.numpy()) == 12 * int(np.ceil(3000 / 128)), (
        "train for 12 epochs of batch size 128 on the 3,000 newswires outside the validation set"
    )
    # the network's output before its softmax, computed in NumPy from the model's own weights
    ref_z = checks.dense_logits(ref_model, ref_x[:1000], (10_000, 64, ref_units, 46), dtype=np.float32)
    np.testing.assert_allclose(
        ref_history.history["val_accuracy"][-1],
        checks.accuracy(ref_z, ref_train_labels[:1000]),
        atol=0.003,
        err_msg="validate on the first 1,000 training newswires",
    )
    np.testing.assert_allclose(
        ref_history.history["val_loss"][-1],
        checks.cross_entropy_from_logits(ref_z, ref_train_labels[:1000]),
        rtol=2e-3,
        err_msg="validate on the first 1,000 training newswires",
    )
ref_fit_64 = checks.accuracy(
    checks.dense_logits(model_64, ref_x[1000:], (10_000, 64, 64, 46), dtype=np.float32), ref_train_labels[1000:4000]
)
assert checks.needs("training accuracy of model_64 recomputed", ref_fit_64, ">=", 0.9), (
    "model_64 does not fit the 3,000 training newswires"
)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_bottleneck_accuracy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

accuracy_64 = float(np.mean(np.asarray(model_64.predict(x_test, verbose=0)).argmax(axis=1) == test_labels))
print(f"test accuracy of model_64: {accuracy_64:.4f} (needs >= 0.65)")
assert accuracy_64 >= 0.65, f"model_64 reaches only {accuracy_64:.3f} on the test set"
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
(ref_train, ref_train_labels), (ref_test, ref_test_labels) = checks.fresh_data().load_reuters(
    num_words=10_000, source="offline"
)
ref_sizes = (10_000, 64, 64, 46)  # model_64, checked weight by weight
ref_test_64 = checks.accuracy(
    checks.dense_logits(model_64, checks.multi_hot(ref_test, 10_000), ref_sizes, dtype=np.float32), ref_test_labels
)
ref_val_64 = checks.accuracy(
    checks.dense_logits(model_64, checks.multi_hot(ref_train[:1000], 10_000), ref_sizes, dtype=np.float32),
    ref_train_labels[:1000],
)
assert checks.needs("test accuracy of model_64 recomputed", ref_test_64, ">=", 0.65), (
    f"model_64 reaches only {ref_test_64:.3f} on the test set"
)
assert checks.needs("test minus validation accuracy of model_64", ref_test_64 - ref_val_64, "<=", 0.1), (
    "model_64 does much better on the test set than on the validation set"
)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_bottleneck_gap", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

accuracy_64 = float(np.mean(np.asarray(model_64.predict(x_test, verbose=0)).argmax(axis=1) == test_labels))
accuracy_4 = float(np.mean(np.asarray(model_4.predict(x_test, verbose=0)).argmax(axis=1) == test_labels))
print(f"test accuracy lost to the bottleneck: {accuracy_64 - accuracy_4:.4f} (needs >= 0.05)")
assert accuracy_64 - accuracy_4 >= 0.05, "model_4 should be clearly worse than model_64"
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
_, (ref_test, ref_test_labels) = checks.fresh_data().load_reuters(num_words=10_000, source="offline")
ref_x_test = checks.multi_hot(ref_test, 10_000)
ref_test_accuracy = {
    units: checks.accuracy(checks.dense_logits(model, ref_x_test, (10_000, 64, units, 46), np.float32), ref_test_labels)
    for units, model in ((64, model_64), (4, model_4))
}
lost = ref_test_accuracy[64] - ref_test_accuracy[4]
assert checks.needs("test accuracy lost to the bottleneck recomputed", lost, ">=", 0.05), (
    "the 4-unit model should lose accuracy against model_64"
)
### END HIDDEN TESTS

# %% [markdown]
# The validation accuracy of both models, epoch by epoch:

# %%
from lib import plots

plots.compare_histories(
    {"64 units": history_64, "4 units": history_4}, metric="val_accuracy", title="Second hidden layer: 64 vs 4 units"
)

# %% [markdown]
# ## Question — Why 4 units hurt (2 points, graded by hand)
#
# Using the numbers your notebook printed (test and top-3 accuracy of both models, the
# random baseline of Task 2), explain in three to six sentences why squeezing the second
# layer to 4 units costs accuracy even though the first layer still has 64, and what it
# means that the 4-unit model is still far above the random baseline. What rule of thumb
# for the width of hidden layers do you take from this?

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_bottleneck", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# Every layer can only pass on what its output can represent, and nothing later can recover
# what it dropped. A 4-unit layer must squeeze everything the first layer found into four
# numbers, from which the output layer has to draw 46 separate decision boundaries: topics
# that need different directions end up on top of each other, so test accuracy falls from
# about 0.74 to about 0.52, and top-3 accuracy from about 0.84 to about 0.62. Still, 0.52 is
# far above the random baseline of about 0.17: the four numbers keep a good part of the
# information (enough for the frequent topics), they just cannot keep the rarer topics apart.
# Rule of thumb: hidden layers should not be narrower than the number of classes the output
# must separate.
#
# === BEGIN MARK SCHEME ===
# Numbers on the course's Reuters stand-in (what the notebook prints, on every machine):
# model_64 about 0.74 test accuracy (top-3 about 0.84); model_4 about 0.52 (top-3 about 0.62),
# though a 4-unit network varies more with its initial weights (0.3-0.6); random baseline
# about 0.17, always-the-most-frequent-topic about 0.32. Judge the reasoning against the
# student's own printed numbers. 1 point: the information bottleneck (lost information cannot be
# recovered downstream; 4 dimensions for 46 classes), supported by their own numbers.
# 1 point: a sensible reading of the baseline comparison (the 4 numbers still carry much
# information, e.g. the frequent topics) or of top-3 vs top-1, AND the rule that hidden layers
# should not be much narrower than the number of classes.
# === END MARK SCHEME ===
