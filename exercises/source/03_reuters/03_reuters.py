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
# classifier must beat, measure top-k accuracy, write the classifier and its training as
# short functions, and create an information bottleneck on purpose.
#
# **Data.** This exercise runs on the course's generated Reuters stand-in: 46 unevenly
# frequent topics with topic words, in exactly the format of `keras.datasets.reuters`
# (the setup cell loads it with `source="offline"`). You, Colab, Binder and the grader
# therefore all see the same newswires, so the numbers your notebook prints mean the same
# thing everywhere; chapter 3 shows the real newswires. The grader also draws newswires of
# its own from the same stand-in, to run your functions on.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. The tests call your
# functions themselves, on inputs of their own (other labels, other newswires, networks they
# built), and measure the results with their own code; the variables your notebook leaves
# behind earn nothing. Keep the function names and their arguments. The written question at
# the end is graded by hand. Before you submit, restart the kernel and run all cells
# (*Kernel → Restart & Run All*): the grader runs the notebook from top to bottom.
#
# **Memory.** On Binder your session has 2 GB of memory for all its notebooks together, and
# each notebook of this course may use up to 1.5 GB. If the chapter is still open in the same
# session, shut its kernel down before you start here (in the chapter: *Kernel → Shut Down
# Kernel*, or from the *Running* tab).

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

# 42 for you; the grader gives each student a seed of their own
SEED = exercise_seed(42)
seed_everything(SEED)
NUM_WORDS = 10_000
NUM_TOPICS = 46

# Newswires as word indices: the course's generated Reuters stand-in (46 topics, the
# format of keras.datasets.reuters), loaded with source="offline" so that every machine,
# the grader's included, sees the same data. We use 4,000 training newswires and the
# whole test set (2,246), multi-hot encoded as in chapter 2.
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
assert isinstance(LOSS_FOR_ONE_HOT, str) and isinstance(LOSS_FOR_INTEGER_LABELS, str), (
    "give the losses' names"
)
assert LOSS_FOR_ONE_HOT != LOSS_FOR_INTEGER_LABELS, (
    "the two encodings need different losses"
)


### BEGIN HIDDEN TESTS
def _grade():
    import keras
    import numpy as np

    def plain(name):
        return "".join(
            character for character in str(name).lower() if character.isalnum()
        )

    one_hot, integer = str(LOSS_FOR_ONE_HOT), str(LOSS_FOR_INTEGER_LABELS)
    assert plain(one_hot) == "categoricalcrossentropy", (
        "LOSS_FOR_ONE_HOT is not the Keras loss for one-hot labels: re-read 'Preparing "
        "the data' in chapter 3"
    )
    assert plain(integer) == "sparsecategoricalcrossentropy", (
        "LOSS_FOR_INTEGER_LABELS is not the Keras loss for integer labels: re-read "
        "'The alternative: integer labels'"
    )
    rng = np.random.default_rng(4)
    probabilities = rng.dirichlet(np.ones(46), size=8).astype("float32")
    integers = rng.integers(0, 46, size=8)
    expected = -np.log(probabilities[np.arange(8), integers])
    # a function name gives one loss per example, a class name a Loss object that
    # averages them
    found_one_hot = float(
        np.mean(
            np.asarray(keras.losses.get(one_hot)(np.eye(46)[integers], probabilities))
        )
    )
    found_integer = float(
        np.mean(np.asarray(keras.losses.get(integer)(integers, probabilities)))
    )
    assert np.isclose(found_one_hot, expected.mean(), rtol=1e-4), (
        "LOSS_FOR_ONE_HOT must name a Keras loss"
    )
    assert np.isclose(found_integer, expected.mean(), rtol=1e-4), (
        "LOSS_FOR_INTEGER_LABELS must name a Keras loss"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — The baseline to beat (1 point)
#
# Is 60 % accuracy good on 46 topics? Compare it with a classifier that knows nothing: one
# that answers with a random shuffle of the true labels. It is right on an example of
# topic $c$ with probability $p_c$, the share of topic $c$ among the labels, so its
# expected accuracy is $\sum_c p_c^2$. Write `random_baseline_accuracy(labels)` returning
# that number as a float, for integer labels of any values (a NumPy array or a list).


# %% nbgrader={"grade": false, "grade_id": "random_baseline", "locked": false, "schema_version": 3, "solution": true, "task": false}
def random_baseline_accuracy(labels):
    """Expected accuracy of predicting a random permutation of `labels`: sum of squared
    class shares."""
    ### BEGIN SOLUTION
    _, counts = np.unique(np.asarray(labels), return_counts=True)
    shares = counts / counts.sum()
    return float(np.sum(shares**2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_random_baseline", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib
import numbers

import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
value = checks.call_student_quietly(random_baseline_accuracy, np.array([0, 0, 1, 1]))
assert isinstance(value, numbers.Real) and not isinstance(value, bool), "return a float"
assert abs(value - 0.5) < 1e-9, (
    f"random_baseline_accuracy([0, 0, 1, 1]) gives {value}; two equal shares give 0.5"
)
print(
    f"random baseline on the test labels: {random_baseline_accuracy(test_labels):.3f}"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    cases = [np.array([5, 5, 5, 9]), [3, 3, 3], np.arange(10)]
    for _ in range(3):
        classes = int(rng.integers(3, 60))
        values = rng.choice(np.arange(-5, 200), size=classes, replace=False)
        cases.append(
            values[
                rng.choice(
                    classes,
                    size=int(rng.integers(50, 3000)),
                    p=rng.dirichlet(np.ones(classes)),
                )
            ]
        )
    cases.append(list(cases[-1]))
    for labels in cases:
        counts = np.unique(np.asarray(labels), return_counts=True)[1]
        expected = float(np.sum((counts / counts.sum()) ** 2))
        copy = labels.copy() if isinstance(labels, np.ndarray) else list(labels)
        got = checks.call_student_quietly(random_baseline_accuracy, copy)
        assert isinstance(got, numbers.Real) and not isinstance(got, bool), (
            "return a float"
        )
        assert abs(float(got) - expected) < 1e-9, (
            "random_baseline_accuracy does not give the sum of the squared shares of "
            "the labels' classes"
        )


_grade()
del _grade
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
import importlib
import numbers

import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
probabilities = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]])
labels = np.array([2, 0, 1])
top1 = checks.call_student_quietly(top_k_accuracy, probabilities, labels, k=1)
assert isinstance(top1, numbers.Real) and not isinstance(top1, bool), "return a float"
assert abs(top1 - 1 / 3) < 1e-9, (
    f"top-1 accuracy {top1}; one of the three rows has its label on top"
)
top2 = checks.call_student_quietly(top_k_accuracy, probabilities, labels, k=2)
assert abs(top2 - 1.0) < 1e-9, (
    f"top-2 accuracy {top2}; every label is among its row's two highest"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    for classes in (46, int(rng.integers(6, 30))):
        n = int(rng.integers(200, 800))
        probabilities = rng.dirichlet(np.ones(classes), size=n).astype("float32")
        labels = rng.integers(0, classes, size=n)
        # how many classes are more probable than the true one (continuous draws: no
        # ties)
        above = (probabilities > probabilities[np.arange(n), labels][:, None]).sum(
            axis=1
        )
        for k in sorted({1, 2, 3, int(rng.integers(4, classes)), classes}):
            got = checks.call_student_quietly(
                top_k_accuracy, probabilities.copy(), labels.copy(), k=k
            )
            assert isinstance(got, numbers.Real) and not isinstance(got, bool), (
                "return a float"
            )
            assert abs(float(got) - float(np.mean(above < k))) < 1e-9, (
                f"top_k_accuracy is wrong for k={k} on {classes} classes: count a row "
                "when its label is among "
                "its k highest probabilities"
            )
        got = checks.call_student_quietly(
            top_k_accuracy, probabilities.copy(), probabilities.argmax(axis=1)
        )
        assert abs(float(got) - 1.0) < 1e-9, (
            "with the default k=1, top_k_accuracy is the ordinary accuracy"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — The classifier (2 points)
#
# Write `build_model(second_layer_units=64, num_classes=46, input_dim=10000)` returning a
# **new, compiled** model: an input of `input_dim` values, a dense ReLU layer of 64 units, a
# dense ReLU layer of `second_layer_units` units and a softmax output of `num_classes`
# units. We keep the labels as integers, so compile with RMSprop (its default settings, as
# in the chapter), **the loss for integer labels** and the accuracy metric. With the
# defaults it has 647,214 parameters.
#
# `keras.Sequential`, as in the chapter, is one way to write it; the functional API
# (`keras.Input` → layers → `keras.Model`) is another. The tests check what the network
# computes (from a probe of random inputs and from its weights) for several widths, class
# counts and input sizes, its compilation, and that every call returns a new, untrained
# network.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(second_layer_units=64, num_classes=46, input_dim=10000):
    """input_dim -> 64 (ReLU) -> second_layer_units (ReLU) -> num_classes (softmax),
    for integer labels."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(second_layer_units, activation="relu"),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
model_under_test = checks.call_student_quietly(build_model)
assert isinstance(model_under_test, keras.Model), (
    "build_model must return a Keras model"
)
probe = (np.random.default_rng(0).random((32, 10_000)) < 0.02).astype("float32")
probabilities = checks.predict_quietly(model_under_test, probe)
assert probabilities.shape == (32, 46), (
    f"the network gives outputs of shape {probabilities.shape} for 32 newswires"
)
parameters = sum(int(np.prod(weight.shape)) for weight in model_under_test.weights)
assert parameters == 647_214, f"{parameters:,} parameters, expected 647,214"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    model = model_under_test
    assert checks.call_student_quietly(build_model) is not model, (
        "build_model must build a new model on every call"
    )
    rng = checks.grading_rng()
    shapes = [
        (64, 46, 10_000),
        (4, 46, 10_000),
        (int(rng.integers(5, 20)), int(rng.integers(3, 12)), int(rng.integers(20, 80))),
    ]
    for units, classes, inputs in shapes:
        if (units, classes, inputs) != (64, 46, 10_000):
            model = checks.call_student_quietly(
                build_model,
                second_layer_units=units,
                num_classes=classes,
                input_dim=inputs,
            )
            assert isinstance(model, keras.Model), (
                "build_model must return a Keras model"
            )
        probe = (rng.random((32, inputs)) < 0.1).astype("float32") - (
            rng.random((32, inputs)) < 0.05
        )
        probabilities = checks.predict_quietly(model, probe)
        assert probabilities.shape == (32, classes), (
            "build_model(second_layer_units, num_classes, input_dim) must give "
            "num_classes outputs for input_dim inputs"
        )
        assert np.allclose(probabilities.sum(axis=1), 1, rtol=1e-4), (
            "the outputs must be probabilities (softmax)"
        )
        logits = checks.reuters_logits(model, probe, units, classes, dtype=np.float64)
        softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
        softmax /= softmax.sum(axis=1, keepdims=True)
        assert np.allclose(probabilities, softmax, rtol=1e-3, atol=1e-5), (
            "the network does not compute two ReLU layers (64, then second_layer_units "
            "units) followed by a softmax "
            "layer: re-read 'The network, and why 16 units are too few' in chapter 3"
        )
        assert isinstance(model.optimizer, keras.optimizers.RMSprop), (
            "compile with the RMSprop optimizer"
        )
        assert np.isclose(float(np.asarray(model.optimizer.learning_rate)), 0.001), (
            "use RMSprop's default settings"
        )
        assert int(np.asarray(model.optimizer.iterations)) == 0, (
            "build_model must return an untrained network"
        )
    model = model_under_test
    (_, _), (test_wires, test_topics) = checks.fresh_data().load_reuters(
        num_words=10_000, source="offline"
    )
    untrained = checks.accuracy(
        checks.reuters_logits(model, checks.multi_hot(test_wires, 10_000), 64),
        test_topics,
    )
    assert untrained <= 0.5, (
        "build_model must return a new, untrained network, not trained weights"
    )
    targets = rng.integers(0, 46, size=32)
    probe = (rng.random((32, 10_000)) < 0.02).astype("float32")
    probabilities = checks.predict_quietly(model, probe)
    checks.assert_genuine_model(model)
    scores = checks.call_student_quietly(
        keras.Model.evaluate, model, probe, targets, verbose=0, return_dict=True
    )
    expected_loss = float(
        np.mean(-np.log(np.clip(probabilities[np.arange(32), targets], 1e-7, 1)))
    )
    assert abs(scores["loss"] - expected_loss) <= 1e-3 * expected_loss, (
        "the loss must be the one for integer labels: re-read Task 1"
    )
    reported = [value for name, value in scores.items() if "acc" in name]
    assert reported, (
        f"compile with the accuracy metric (the model reports {sorted(scores)})"
    )
    assert abs(reported[0] - checks.accuracy(probabilities, targets)) < 1e-6, (
        "the metric is not the accuracy of the predictions: compile with the accuracy "
        "metric"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Training on a split, and a bottleneck on purpose (3 points)
#
# Write `train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128)`: it
# trains the compiled `model` it is given on exactly `x_train` (multi-hot rows) and
# `y_train` (integer labels) for `epochs` epochs with batch size `batch_size`, validating on
# `(x_val, y_val)` after every epoch, and returns the `History` that `fit` returns. It
# builds no model of its own and uses no other data: the tests hand it networks of Task 4
# and newswires they choose, and measure those networks afterwards themselves.
#
# The cell after it runs chapter 3's experiment with your functions: the first 1,000
# training newswires are the validation set, the other 3,000 train `build_model(64)` and
# `build_model(4)` (about ten seconds), and both are measured on the test set.
#
# What is checked, on networks the grader builds (Task 4's classifier, with initial weights
# it draws) and on a fresh sample of stand-in newswires drawn at grading time (new topic
# words, the words in a shuffled order), of which the grader keeps 1,000 to itself:
#
# * trained as asked (1 point): for the epochs and batch size passed in, exactly
#   epochs × ⌈n / batch_size⌉ weight updates for n training newswires; the `History` holds
#   one entry per epoch, and its last validation loss and accuracy are those of the trained
#   network on the validation newswires; and the network's accuracy on the validation
#   newswires is at most 0.1 above its accuracy on the newswires kept back (a network
#   trained on its validation set gives itself away that way);
# * the 64-unit network learns (1 point): with the defaults, on 2,000 newswires, it fits them
#   (training accuracy at least **0.9**), reaches an accuracy of at least **0.6** on the
#   1,000 kept back, and passes the validation check of the point before (on your
#   notebook's split: at least **0.65** on the test set);
# * the bottleneck shows (1 point): trained by `train_model` on the same newswires, the
#   network with a 4-unit second layer is at least **0.05** less accurate on the newswires
#   kept back than the 64-unit one (which passes the checks of the point before), and
#   learned as much as an honest run of it does: on the newswires kept back, its accuracy is
#   at most 0.08 below, and its cross-entropy at most 0.4 above, those of the grader's own
#   training of it from the same initial weights.


# %% nbgrader={"grade": false, "grade_id": "train_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):
    """Train the compiled model on (x_train, y_train), validating on (x_val, y_val);
    return the History."""
    ### BEGIN SOLUTION
    return model.fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(x_val, y_val),
        verbose=0,
    )
    ### END SOLUTION


# %% [markdown]
# Your functions at work, as in the chapter (this cell earns no points: the tests below run
# `train_model` themselves):

# %% nbgrader={"grade": false, "grade_id": "bottleneck", "locked": true, "schema_version": 3, "solution": false, "task": false}
x_val, partial_x_train = x_train[:1000], x_train[1000:]
y_val, partial_y_train = train_labels[:1000], train_labels[1000:]

model_64 = build_model(second_layer_units=64)
history_64 = train_model(model_64, partial_x_train, partial_y_train, x_val, y_val)
model_4 = build_model(second_layer_units=4)
history_4 = train_model(model_4, partial_x_train, partial_y_train, x_val, y_val)
for name, trained in (("64 units", model_64), ("4 units", model_4)):
    probabilities = trained.predict(x_test, verbose=0)
    print(
        f"{name}: test accuracy {top_k_accuracy(probabilities, test_labels):.3f}, "
        f"top-3 {top_k_accuracy(probabilities, test_labels, k=3):.3f}"
    )

# %% nbgrader={"grade": true, "grade_id": "test_train_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
# the grader's own network of Task 4
network = checks.reuters_network(np.random.default_rng(0), 64)
trained = checks.call_student_quietly(
    train_model,
    network,
    x_train[1000:2000],
    train_labels[1000:2000],
    x_train[:200],
    train_labels[:200],
    2,
    100,
)
assert isinstance(trained, keras.callbacks.History), (
    "return the History that fit returns"
)
assert len(trained.history.get("val_loss", [])) == 2, (
    "2 epochs asked for, validated after each: see the History"
)
updates = int(network.optimizer.iterations.numpy())
assert updates == 20, (
    f"{updates} weight updates for 2 epochs of batch size 100 on 1,000 newswires "
    "(expected 20)"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    parts = checks.reuters_draw(rng, (1500, 500, 1000))
    epochs, batch_size = int(rng.integers(4, 8)), int(rng.choice([64, 100, 150, 200]))
    model = checks.reuters_network(rng, 64)
    found = checks.reuters_training(train_model, model, 64, parts, epochs, batch_size)
    assert checks.needs(
        "validation minus kept-back accuracy", found["val"] - found["held"], "<=", 0.1
    ), (
        "the network does much better on its validation newswires than on others: "
        "train on x_train only"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_wide_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
# the grader's own network of Task 4
network = checks.reuters_network(np.random.default_rng(1), 64)
checks.call_student_quietly(
    train_model,
    network,
    x_train[1000:],
    train_labels[1000:],
    x_train[:1000],
    train_labels[:1000],
)
test_accuracy = checks.accuracy(checks.reuters_logits(network, x_test, 64), test_labels)
assert checks.needs(
    "test accuracy of a network trained by train_model", test_accuracy, ">=", 0.65
), (
    "the network train_model trained is not accurate enough: train it on the newswires "
    "it is given, "
    "12 epochs with batch size 128 unless told otherwise"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    parts = checks.reuters_draw(rng, (2000, 500, 1000))
    model = checks.reuters_network(rng, 64)
    found = checks.reuters_training(train_model, model, 64, parts)
    assert checks.needs(
        "training accuracy of the 64-unit network", found["train"], ">=", 0.9
    ), (
        "the 64-unit network does not fit the newswires it was trained on: 12 epochs "
        "with batch size 128"
    )
    assert checks.needs(
        "kept-back accuracy of the 64-unit network", found["held"], ">=", 0.6
    ), "the 64-unit network learned less than an honest run of it does"
    assert checks.needs(
        "validation minus kept-back accuracy", found["val"] - found["held"], "<=", 0.1
    ), (
        "the network does much better on its validation newswires than on others: "
        "train on x_train only"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_bottleneck", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
# the grader's network with a 4-unit second layer
narrow = checks.reuters_network(np.random.default_rng(2), 4)
trained = checks.call_student_quietly(
    train_model,
    narrow,
    x_train[1000:1500],
    train_labels[1000:1500],
    x_train[:200],
    train_labels[:200],
    1,
    100,
)
assert isinstance(trained, keras.callbacks.History), (
    "train_model must train a network of any width"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    parts = checks.reuters_draw(rng, (2000, 500, 1000))
    (x_train, y_train), _, (x_held, held_labels) = parts
    wide, narrow = checks.reuters_network(rng, 64), checks.reuters_network(rng, 4)
    reference = checks.reuters_network(rng, 4)
    # the grader's own run starts where the narrow network starts
    reference.set_weights(narrow.get_weights())
    found_wide = checks.reuters_training(train_model, wide, 64, parts)
    found_narrow = checks.reuters_training(train_model, narrow, 4, parts)
    checks.assert_trainable_as_is(reference)
    reference.fit(x_train, y_train, epochs=12, batch_size=128, verbose=0)
    honest_logits = checks.reuters_logits(reference, x_held, 4)
    honest = checks.accuracy(honest_logits, held_labels)
    honest_loss = checks.cross_entropy_from_logits(honest_logits, held_labels)
    assert checks.needs(
        "training accuracy of the 64-unit network", found_wide["train"], ">=", 0.9
    ), (
        "the 64-unit network does not fit the newswires it was trained on: 12 epochs "
        "with batch size 128"
    )
    assert checks.needs(
        "kept-back accuracy of the 64-unit network", found_wide["held"], ">=", 0.6
    ), "the 64-unit network learned less than an honest run of it does"
    assert checks.needs(
        "validation minus kept-back accuracy",
        found_wide["val"] - found_wide["held"],
        "<=",
        0.1,
    ), (
        "the network does much better on its validation newswires than on others: "
        "train on x_train only"
    )
    lag = found_narrow["held"] - honest
    assert checks.needs(
        "4-unit network's accuracy minus the grader's own run's", lag, ">=", -0.08
    ), (
        "the 4-unit network learned less than an honest run of it does: train every "
        "network alike"
    )
    excess = found_narrow["held_loss"] - honest_loss
    assert checks.needs(
        "4-unit network's cross-entropy minus the grader's own run's", excess, "<=", 0.4
    ), (
        "the 4-unit network learned less than an honest run of it does: train every "
        "network alike"
    )
    lost = found_wide["held"] - found_narrow["held"]
    assert checks.needs(
        "kept-back accuracy lost to the bottleneck", lost, ">=", 0.05
    ), "the 4-unit network should lose accuracy against the 64-unit one"


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# The validation accuracy of both networks of your run, epoch by epoch:

# %%
from lib import plots

metric = next(
    name for name in history_64.history if name.startswith("val_") and "acc" in name
)
plots.compare_histories(
    {"64 units": history_64, "4 units": history_4},
    metric=metric,
    title="Second hidden layer: 64 vs 4 units",
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
