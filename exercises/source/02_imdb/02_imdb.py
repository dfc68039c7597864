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
# # Exercise 2 — Classifying movie reviews
#
# This exercise follows [chapter 2](../../../chapters/02_imdb.ipynb). You will write the
# steps of the chapter as short functions: turn reviews into tensors, build the binary
# classifier, choose the number of epochs from a validation curve instead of from the test
# set, retrain on all the training data, and run a small grid search through Keras's
# scikit-learn wrapper. Then your functions do all of it on the reviews.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. The tests call your
# functions themselves, on inputs of their own (other reviews, labels drawn at grading
# time, networks they built), and measure the results with their own code; the variables
# your notebook leaves behind earn nothing. Keep the function names and their arguments.
# The written question at the end is graded by hand. Before you submit, restart the kernel
# and run all cells: the grader runs the notebook from top to bottom.
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
import numpy as np

from lib import data

# The book's IMDB stand-in (source="offline"): reviews generated in IMDB's format, word
# indices with sentiment words planted in noise. It is the same data on Colab, on your
# laptop and at the grader, online or not, so the grader sees exactly what you see. To
# keep the exercise fast we use the first 4,000 training and the first 2,000 test
# reviews.
NUM_WORDS = 10_000
imdb = data.load_imdb(num_words=NUM_WORDS, source="offline")
print(imdb.provenance.summary())
(train_data, train_labels), (test_data, test_labels) = imdb
train_data, train_labels = (
    train_data[:4000].copy(),
    train_labels[:4000].astype("float32"),
)
test_data, test_labels = test_data[:2000].copy(), test_labels[:2000].astype("float32")
del imdb  # keep only the sample in memory
print(
    "first review, as word indices:", train_data[0][:12], "...  label:", train_labels[0]
)

# Keras (and TensorFlow) only now: loading the reviews needs a few hundred MB for a
# moment, given back before TensorFlow takes its own share.
import keras

from lib.seeding import exercise_seed, seed_everything

# 42 for you; the grader gives each student a seed of their own
SEED = exercise_seed(42)
seed_everything(SEED)


# %% [markdown]
# ## Task 1 — Multi-hot vectors (2 points)
#
# A review is a list of word indices of any length; the network needs a fixed-size vector.
# Write `vectorize_sequences(sequences, dimension=10000)`: it returns a **float32** array
# of shape `(len(sequences), dimension)` whose row `i` holds 1.0 at every index that occurs
# in sequence `i` (once or several times) and 0.0 everywhere else. Write it yourself with
# NumPy: the book's `lib.text.multi_hot` does the same, but don't call it, nor Keras,
# TensorFlow, scikit-learn or SciPy, in this function (the grader watches which libraries
# your function runs).


# %% nbgrader={"grade": false, "grade_id": "vectorize_sequences", "locked": false, "schema_version": 3, "solution": true, "task": false}
def vectorize_sequences(sequences, dimension=10000):
    """Multi-hot encode word-index sequences into a float32 (n, dimension) array."""
    ### BEGIN SOLUTION
    results = np.zeros((len(sequences), dimension), dtype="float32")
    for i, sequence in enumerate(sequences):
        results[i, np.asarray(sequence, dtype=int)] = 1.0
    return results
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_vectorize_sequences", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numpy as np

small = vectorize_sequences([[1, 3], [0, 4, 4]], dimension=5)
assert isinstance(small, np.ndarray), "return a numpy array"
assert small.shape == (2, 5), f"expected shape (2, 5), got {small.shape}"
assert small.dtype == np.float32, f"expected float32, got {small.dtype}"
np.testing.assert_array_equal(small, [[0, 1, 0, 1, 0], [1, 0, 0, 0, 1]])


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    sequences = [[int(i) for i in rng.integers(0, 50, size=n)] for n in (0, 1, 7, 30)]
    sequences.append(sequences[3] + sequences[3][:5])  # some words twice
    before = [list(s) for s in sequences]
    out, libraries = checks.libraries_run_by(
        vectorize_sequences, sequences, dimension=50
    )
    assert not libraries, (
        "write the multi-hot encoding yourself with NumPy, without lib.text, Keras or "
        "another library"
    )
    assert (
        isinstance(out, np.ndarray) and out.shape == (5, 50) and out.dtype == np.float32
    )
    assert sequences == before, "the input sequences were modified"
    np.testing.assert_array_equal(out, checks.multi_hot(sequences, 50))
    lengths = rng.integers(20, 400, size=60)
    reviews = [[1] + [int(i) for i in rng.integers(2, 10_000, size=n)] for n in lengths]
    reviews[3] = reviews[3] + reviews[3]  # every word twice
    # reviews may come as arrays too
    as_arrays = [np.asarray(review) for review in reviews[:10]]
    encoded, libraries = checks.libraries_run_by(vectorize_sequences, reviews)
    assert not libraries, (
        "write the multi-hot encoding yourself with NumPy, without lib.text, Keras or "
        "another library"
    )
    assert (
        isinstance(encoded, np.ndarray)
        and encoded.shape == (60, 10_000)
        and encoded.dtype == np.float32
    )
    np.testing.assert_array_equal(encoded, checks.multi_hot(reviews, 10_000))
    from_arrays = checks.call_student(vectorize_sequences, as_arrays, dimension=10_000)
    np.testing.assert_array_equal(from_arrays, checks.multi_hot(reviews[:10], 10_000))


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# The whole sample, vectorized. From here on the notebook uses the book's
# `lib.text.multi_hot` (it does what your `vectorize_sequences` should do), so a slip in
# Task 1 does not cost you points again later. It stores the 0/1 values as `uint8`, one
# byte each instead of float32's four, which keeps this notebook small in memory; Keras
# turns each batch into float32 as it feeds the network.

# %% nbgrader={"grade": false, "grade_id": "vectorize_sample", "locked": true, "schema_version": 3, "solution": false, "task": false}
from lib.text import multi_hot

x_train = multi_hot(train_data, dimension=NUM_WORDS, dtype=np.uint8)
x_test = multi_hot(test_data, dimension=NUM_WORDS, dtype=np.uint8)
print(x_train.dtype, x_train.shape, x_test.shape)
y_train, y_test = train_labels, test_labels


# %% [markdown]
# ## Task 2 — The binary classifier (2 points)
#
# Write `build_model(hidden_units=16, hidden_layers=2, input_dim=10000)` returning a new
# compiled model: an input of `input_dim` values, `hidden_layers` dense ReLU layers of
# `hidden_units` units each, and one output unit with the sigmoid activation (the
# probability that a review is positive). Compile it with RMSprop, the binary
# cross-entropy loss and the accuracy metric. With the defaults it has 160,305 parameters.
# `keras.Sequential`, as in the chapter, is one way to write it; the functional API
# (`keras.Input` → layers → `keras.Model`) is another. The tests check what the network
# computes (from probes of random inputs and from its weights, for other sizes too), its
# compilation, and that every call returns a new, untrained network.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(hidden_units=16, hidden_layers=2, input_dim=10000):
    """A new compiled binary classifier: input_dim -> hidden_layers x hidden_units
    (ReLU) -> 1 (sigmoid)."""
    ### BEGIN SOLUTION
    model = keras.Sequential([keras.Input(shape=(input_dim,))])
    for _ in range(hidden_layers):
        model.add(keras.layers.Dense(hidden_units, activation="relu"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
default_model = checks.call_student(build_model)
assert isinstance(default_model, keras.Model), "build_model must return a Keras model"
probe = (np.random.default_rng(0).random((8, 10_000)) < 0.02).astype("float32")
probabilities = checks.predict(default_model, probe)
assert probabilities.shape == (8, 1), (
    f"the network gives outputs of shape {probabilities.shape} for 8 reviews"
)
assert default_model.count_params() == 160_305, (
    f"{default_model.count_params():,} parameters, expected 160,305"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    assert checks.call_student(build_model) is not default_model, (
        "build_model must build a new model on every call"
    )
    units, layers, inputs = (
        int(rng.integers(5, 40)),
        int(rng.integers(1, 4)),
        int(rng.integers(20, 400)),
    )
    for options, sizes in (
        ({}, (10_000, 16, 16, 1)),
        (
            {"hidden_units": units, "hidden_layers": layers, "input_dim": inputs},
            (inputs, *[units] * layers, 1),
        ),
        ({"hidden_units": 8, "hidden_layers": 3, "input_dim": 20}, (20, 8, 8, 8, 1)),
    ):
        model = (
            default_model
            if not options
            else checks.call_student(build_model, **options)
        )
        assert isinstance(model, keras.Model), "build_model must return a Keras model"
        probe = (rng.random((64, sizes[0])) < 0.05).astype("float32") * rng.uniform(
            -2, 2, size=(64, sizes[0])
        )
        probabilities = checks.predict(model, probe.astype("float32"))
        assert probabilities.shape == (64, 1), "one output unit per review"
        assert model.count_params() == sum(
            a * b + b for a, b in zip(sizes, sizes[1:])
        ), (
            "the network does not have the layers and sizes the arguments ask for: "
            "re-read Task 2"
        )
        # the network's output before the sigmoid, in NumPy from its weights (ReLU
        # hidden layers)
        logits = checks.dense_logits(model, probe, sizes)
        assert np.allclose(
            probabilities, 1 / (1 + np.exp(-logits)), rtol=1e-3, atol=1e-5
        ), (
            "the network does not compute dense ReLU layers followed by one sigmoid "
            "unit: re-read 'The network' "
            "in chapter 2"
        )
        assert isinstance(model.optimizer, keras.optimizers.RMSprop), (
            "compile with the RMSprop optimizer"
        )
        assert int(model.optimizer.iterations.numpy()) == 0, (
            "build_model must return an untrained network"
        )
    targets = rng.integers(0, 2, size=64).astype("float32")
    checks.assert_genuine_model(model)
    scores = checks.call_student(
        keras.Model.evaluate, model, probe, targets, verbose=0, return_dict=True
    )
    p = np.clip(probabilities.ravel(), 1e-7, 1 - 1e-7)
    expected_loss = float(
        np.mean(-(targets * np.log(p) + (1 - targets) * np.log(1 - p)))
    )
    assert abs(scores["loss"] - expected_loss) <= 1e-3 * expected_loss, (
        "the loss must be the binary cross-entropy: re-read 'Compiling' in chapter 2"
    )
    reported = [value for name, value in scores.items() if "acc" in name]
    assert reported, "compile with the accuracy metric"
    assert (
        abs(
            reported[0]
            - float(np.mean((probabilities.ravel() > 0.5) == (targets > 0.5)))
        )
        < 1e-6
    ), (
        "the metric is not the accuracy of the predictions: compile with the accuracy "
        "metric"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — Pick the epoch from a History (1 point)
#
# `fit` returns a `History` whose `.history` dict holds one list per metric, one value per
# epoch: `history.history["val_loss"][0]` is the validation loss after the first epoch.
# Write `best_epoch(history)` returning the **epoch number, counting from 1**, at which
# the validation loss is lowest (the first such epoch if there is a tie), as a Python `int`.
# It must accept either a `History` object or its `.history` dict.


# %% nbgrader={"grade": false, "grade_id": "best_epoch", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_epoch(history):
    """1-based epoch with the lowest validation loss (first one on ties)."""
    ### BEGIN SOLUTION
    logs = history.history if hasattr(history, "history") else history
    return int(np.argmin(logs["val_loss"])) + 1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_best_epoch", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

chosen = best_epoch({"loss": [0.6, 0.4, 0.3, 0.2], "val_loss": [0.5, 0.35, 0.38, 0.45]})
assert isinstance(chosen, numbers.Integral) and not isinstance(chosen, bool), (
    "return an int"
)
assert chosen == 2, f"expected epoch 2, got {chosen}"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    cases = [[0.9, 0.8, 0.7, 0.6, 0.5], [0.3, 0.4, 0.3, 0.2, 0.2, 0.6], [0.1]]
    for _ in range(6):
        curve = np.round(rng.uniform(0.2, 0.8, size=int(rng.integers(2, 21))), 2)
        curve[int(rng.integers(len(curve)))] = curve.min()  # a tie, sometimes
        cases.append([float(value) for value in curve])
    for curve in cases:
        expected = int(np.argmin(curve)) + 1
        logs = {"loss": sorted(curve, reverse=True), "val_loss": list(curve)}
        got = checks.call_student(best_epoch, logs)
        assert isinstance(got, numbers.Integral) and not isinstance(got, bool), (
            "return an int"
        )
        assert got == expected, (
            "best_epoch does not give the first epoch (counting from 1) of the lowest "
            "validation loss"
        )
    recorded = keras.callbacks.History()
    recorded.history = {
        "loss": [1.0, 0.5, 0.4],
        "val_loss": [0.7, 0.6, 0.65],
        "accuracy": [0.5, 0.9, 0.95],
        "val_accuracy": [0.4, 0.99, 0.3],
    }
    from_object = checks.call_student(best_epoch, recorded)
    assert isinstance(from_object, numbers.Integral) and from_object == 2, (
        "use the validation loss of a History"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — Choose the number of epochs on a validation split (1 point)
#
# Do what the chapter does to choose the number of epochs. Write
# `choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128)`: it sets the
# **first** `validation_rows` rows of `x` and `y` aside as the validation set, trains the
# compiled `model` it is given on the **other** rows, with one call of its `fit`, for `epochs`
# epochs with batch size `batch_size`, passing the validation set as `validation_data`, and
# returns `(best_epoch(history), history)` with the `History` that `fit` returned. It builds
# no model of its own and uses no other data: no test set takes part in the choice.
#
# What is checked: the tests hand it a network they built and reviews they drew at grading
# time, their labels made by a **random rule** drawn at grading time (a random linear map of
# the words, unknown to anyone in advance), and other `validation_rows`, `epochs` and
# `batch_size`; they check what `fit` was given (exactly those rows for training, exactly the
# first rows for validation, nothing else), that the returned epoch is the best one of the
# returned curve, that the weights are what that training left, and that the network
# follows the rule on reviews it never saw with an accuracy of at least **0.6** (chance is
# 0.5): only a network that learned from the reviews it was given can.


# %% nbgrader={"grade": false, "grade_id": "choose_epochs", "locked": false, "schema_version": 3, "solution": true, "task": false}
def choose_epochs(model, x, y, validation_rows=1000, epochs=10, batch_size=128):
    """Train model on x[validation_rows:], validated on x[:validation_rows]; return
    (best epoch, History)."""
    ### BEGIN SOLUTION
    x_val, partial_x = x[:validation_rows], x[validation_rows:]
    y_val, partial_y = y[:validation_rows], y[validation_rows:]
    history = model.fit(
        partial_x,
        partial_y,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(x_val, y_val),
        verbose=0,
    )
    return best_epoch(history), history
    ### END SOLUTION


# %% [markdown]
# ## Task 5 — Retrain on all the training data (1 point)
#
# Having chosen the number of epochs, the chapter trains a fresh network on *all* the
# training data (the validation part too) for that many epochs. Write
# `train_final(model, x, y, epochs, batch_size=128)`: it trains the compiled `model` it is
# given on all of `x` and `y`, with one call of its `fit`, for `epochs` epochs with batch
# size `batch_size`, and returns the `History`.
#
# What is checked, as in Task 4 on a network and reviews of the grader's with labels from a
# rule drawn at grading time: what `fit` was given (all those rows, the epochs and the batch
# size passed in, nothing else), that the weights are what that training left, and that the
# network follows the rule on reviews it never saw with an accuracy of at least **0.6**.


# %% nbgrader={"grade": false, "grade_id": "train_final", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_final(model, x, y, epochs, batch_size=128):
    """Train model on all of (x, y) for `epochs` epochs; return the History."""
    ### BEGIN SOLUTION
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    ### END SOLUTION


# %% [markdown]
# Your functions at work, as in the chapter: the first 1,000 of the 4,000 training reviews
# validate a network trained on the other 3,000 for 10 epochs; a fresh network is trained on
# all 4,000 for the chosen number of epochs and measured once on the test set. (Training
# takes a few seconds. This cell earns no points: the tests run your functions themselves.)

# %% nbgrader={"grade": false, "grade_id": "select_and_retrain", "locked": true, "schema_version": 3, "solution": false, "task": false}
chosen_epochs, history = choose_epochs(build_model(), x_train, y_train)
final_model = build_model()
train_final(final_model, x_train, y_train, chosen_epochs)
test_loss, test_accuracy = final_model.evaluate(x_test, y_test, verbose=0)
print(
    f"validation loss was lowest after epoch {chosen_epochs}; test accuracy "
    f"{test_accuracy:.3f}"
)

# %% nbgrader={"grade": true, "grade_id": "test_choose_epochs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import keras
import numpy as np

assert isinstance(history, keras.callbacks.History), (
    "choose_epochs must return the History that fit returns"
)
assert len(history.history["loss"]) == 10, "train for `epochs` epochs"
assert "val_loss" in history.history, (
    "pass the validation set to fit (validation_data=...)"
)
assert (
    isinstance(chosen_epochs, numbers.Integral)
    and chosen_epochs == int(np.argmin(history.history["val_loss"])) + 1
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
    validation_rows, epochs, batch_size = (
        int(rng.choice([800, 1000])),
        int(rng.integers(6, 9)),
        int(rng.choice([100, 128])),
    )
    (x, y), (x_held, y_held) = checks.imdb_teacher_draw(rng, (3000, 2000))
    model, fits = checks.imdb_recording_network(x.shape[1])
    initial = [np.array(weight.numpy()) for weight in model.weights]
    returned = checks.call_student(
        choose_epochs,
        model,
        x.copy(),
        y.copy(),
        validation_rows=validation_rows,
        epochs=epochs,
        batch_size=batch_size,
    )
    assert isinstance(returned, tuple) and len(returned) == 2, (
        "return (best_epoch(history), history)"
    )
    chosen, history = returned
    fit = checks.imdb_fit_as_asked(
        model, fits, initial, "choose_epochs", epochs, batch_size
    )
    (trained_x, trained_y), validation = fit["data"], fit["validation"]
    assert np.array_equal(
        np.asarray(trained_x), x[validation_rows:]
    ) and np.array_equal(np.asarray(trained_y).ravel(), y[validation_rows:]), (
        "train on the rows after the first validation_rows, exactly as given (re-read "
        "Task 4)"
    )
    assert (
        isinstance(validation, tuple)
        and len(validation) == 2
        and np.array_equal(np.asarray(validation[0]), x[:validation_rows])
        and np.array_equal(np.asarray(validation[1]).ravel(), y[:validation_rows])
    ), (
        "pass the first validation_rows rows and their labels to fit as "
        "validation_data (re-read Task 4)"
    )
    assert history is fit["history"] and history.history == fit["numbers"], (
        "return the History as fit returned it"
    )
    assert fit["iterations"] == epochs * int(
        np.ceil((len(x) - validation_rows) / batch_size)
    )
    assert isinstance(chosen, numbers.Integral) and not isinstance(chosen, bool), (
        "the chosen epoch is an int"
    )
    assert chosen == int(np.argmin(fit["numbers"]["val_loss"])) + 1, (
        "the chosen epoch is not the one with the lowest validation loss of the "
        "returned History"
    )
    held_accuracy = float(
        np.mean(
            (checks.imdb_probabilities_of(model, x_held)[:, 0] > 0.5) == (y_held > 0.5)
        )
    )
    assert checks.needs(
        "held-out accuracy on the grader's random rule (choose_epochs)",
        held_accuracy,
        ">=",
        0.6,
    ), (
        "the network choose_epochs trained does not follow the labels of the reviews "
        "it was given"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_train_final", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras

assert isinstance(final_model, keras.Model) and final_model is not history.model, (
    "final_model must be a new model"
)
assert int(final_model.optimizer.iterations.numpy()) == chosen_epochs * 32, (
    "train on all 4,000 reviews (32 batches)"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    epochs, batch_size = int(rng.integers(3, 5)), int(rng.choice([100, 128]))
    (x, y), (x_held, y_held) = checks.imdb_teacher_draw(rng, (3000, 2000))
    model, fits = checks.imdb_recording_network(x.shape[1])
    initial = [np.array(weight.numpy()) for weight in model.weights]
    returned = checks.call_student(
        train_final, model, x.copy(), y.copy(), epochs, batch_size=batch_size
    )
    fit = checks.imdb_fit_as_asked(
        model, fits, initial, "train_final", epochs, batch_size
    )
    trained_x, trained_y = fit["data"]
    assert np.array_equal(np.asarray(trained_x), x) and np.array_equal(
        np.asarray(trained_y).ravel(), y
    ), "train on all the rows and labels given, as given (re-read Task 5)"
    assert fit["validation"] is None, "train on all the rows: nothing is set aside now"
    assert (
        isinstance(returned, keras.callbacks.History) and returned is fit["history"]
    ), "return the History that fit returned"
    assert fit["iterations"] == epochs * int(np.ceil(len(x) / batch_size))
    held_accuracy = float(
        np.mean(
            (checks.imdb_probabilities_of(model, x_held)[:, 0] > 0.5) == (y_held > 0.5)
        )
    )
    assert checks.needs(
        "held-out accuracy on the grader's random rule (train_final)",
        held_accuracy,
        ">=",
        0.6,
    ), (
        "the network train_final trained does not follow the labels of the reviews it "
        "was given"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# The curves you chose from:

# %%
from lib import plots

plots.plot_history(history, title="3,000 reviews, validated on 1,000")


# %% [markdown]
# ## Task 6 — A grid search with the scikit-learn wrapper (2 points)
#
# `keras.wrappers.SKLearnClassifier` makes a Keras model look like a scikit-learn
# classifier, so `GridSearchCV` can tune it. The wrapper one-hot encodes the labels: a
# binary problem gets targets with **two** columns. So:
#
# * (1 point) Write `make_classifier(X, y, hidden_units=16)`, the model-building function
#   the wrapper calls: it returns a new compiled model with an input of `X.shape[1]` values,
#   two dense ReLU layers of `hidden_units` units, and a softmax output with `y.shape[1]`
#   units, compiled with RMSprop and the **categorical** cross-entropy loss.
# * (1 point) Write `grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3,
#   batch_size=32)`: it creates a `GridSearchCV` over `SKLearnClassifier(model=build)` that
#   tries every value of `hidden_units` (the parameter to search is the wrapper's
#   `model_kwargs`, one dict per candidate) with `cv=cv`, fits it on `x` and `y` (all of
#   them, nothing else) and returns it. Pass the training arguments to
#   `grid.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)`, which hands them to
#   every fit: in Keras 3.15 the wrapper's own `fit_kwargs` are lost when scikit-learn clones
#   it. Leave the rest of `GridSearchCV` as it is (every fit in this process, the best
#   candidate refitted on all the rows).
#
# What is checked: the tests call `grid_search` with a `build` of their own (the network of
# the first point), reviews they drew with labels from a random rule drawn at grading time,
# and other `hidden_units`, `epochs` and `batch_size`; they check which rows each network was
# trained on (every row in all folds but one, for each candidate; all of them for the
# refit), that every cross-validated score is the accuracy of that fold's network on the
# rows it left out, and that the refitted network follows the rule on reviews it never saw
# with an accuracy of at least **0.55** (chance is 0.5).


# %% nbgrader={"grade": false, "grade_id": "make_classifier", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_classifier(X, y, hidden_units=16):
    """Model-building function for keras.wrappers.SKLearnClassifier."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(X.shape[1],)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(y.shape[1], activation="softmax"),
        ]
    )
    model.compile(
        optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_make_classifier", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
X_probe = np.zeros((5, 20), dtype="float32")
built = checks.call_student(
    make_classifier, X_probe, np.eye(2, dtype="float32")[[0, 1, 1, 0, 1]]
)
assert isinstance(built, keras.Model), "make_classifier must return a Keras model"
assert checks.predict(built, X_probe).shape == (5, 2), "one output unit per column of y"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    for features, classes, units in (
        (int(rng.integers(20, 60)), 3, int(rng.integers(3, 12))),
        (10_000, 2, None),
    ):
        X = (rng.random((12, features)) < 0.1).astype("float32")
        Y = np.eye(classes, dtype="float32")[rng.integers(0, classes, size=12)]
        options = {} if units is None else {"hidden_units": units}
        built = checks.call_student(make_classifier, X, Y, **options)
        assert isinstance(built, keras.Model), (
            "make_classifier must return a Keras model"
        )
        assert checks.call_student(make_classifier, X, Y, **options) is not built, (
            "build a new model on every call"
        )
        probe = (
            rng.normal(size=(32, features)) * (rng.random((32, features)) < 0.2)
        ).astype("float32")
        rows = checks.predict(built, probe)
        assert rows.shape == (32, classes), "one output unit per column of y"
        sizes = (features, units or 16, units or 16, classes)
        logits = checks.dense_logits(built, probe, sizes)
        softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
        softmax /= softmax.sum(axis=1, keepdims=True)
        assert np.allclose(rows, softmax, rtol=1e-3, atol=1e-5), (
            "the network does not compute two dense ReLU layers of hidden_units "
            "followed by a softmax layer"
        )
        assert isinstance(built.optimizer, keras.optimizers.RMSprop), (
            "compile with the RMSprop optimizer"
        )
        assert int(built.optimizer.iterations.numpy()) == 0, (
            "make_classifier must return an untrained network"
        )
    targets = np.eye(2, dtype="float32")[rng.integers(0, 2, size=32)]
    checks.assert_genuine_model(built)
    loss = checks.call_student(
        keras.Model.evaluate, built, probe, targets, verbose=0, return_dict=True
    )["loss"]
    expected_loss = float(
        np.mean(-np.sum(targets * np.log(np.clip(rows, 1e-7, 1)), axis=1))
    )
    assert abs(loss - expected_loss) <= 1e-3 * expected_loss, (
        "use the categorical cross-entropy loss"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "grid_search", "locked": false, "schema_version": 3, "solution": true, "task": false}
from keras.wrappers import SKLearnClassifier
from sklearn.model_selection import GridSearchCV


def grid_search(build, x, y, hidden_units=(4, 32), cv=2, epochs=3, batch_size=32):
    """A GridSearchCV over SKLearnClassifier(model=build) and hidden_units, fitted on
    (x, y); return it."""
    ### BEGIN SOLUTION
    classifier = SKLearnClassifier(model=build)
    param_grid = {"model_kwargs": [{"hidden_units": units} for units in hidden_units]}
    grid = GridSearchCV(classifier, param_grid=param_grid, cv=cv)
    grid.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return grid
    ### END SOLUTION


# %% [markdown]
# Your grid search on the first 1,000 training reviews, with your `make_classifier`. (This
# cell earns no points: the test below runs `grid_search` itself.)

# %% nbgrader={"grade": false, "grade_id": "run_grid_search", "locked": true, "schema_version": 3, "solution": false, "task": false}
# no progress bar for every fold's predictions
keras.config.disable_interactive_logging()
grid = grid_search(make_classifier, x_train[:1000], y_train[:1000])
keras.config.enable_interactive_logging()
print(
    "best:", grid.best_params_, "cross-validated accuracy:", round(grid.best_score_, 3)
)

# %% nbgrader={"grade": true, "grade_id": "test_grid_search", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
from sklearn.model_selection import GridSearchCV

assert isinstance(grid, GridSearchCV), "grid_search must return a GridSearchCV"
assert hasattr(grid, "cv_results_"), "fit the grid search"
assert len(grid.cv_results_["params"]) == 2, "one candidate per value of hidden_units"


### BEGIN HIDDEN TESTS
def _grade():
    import collections
    import contextlib
    import importlib
    import io

    import keras
    import numpy as np
    from sklearn.model_selection import GridSearchCV

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    units = (int(rng.integers(3, 7)), int(rng.integers(16, 41)))
    # 4 x 32 steps per fold: enough for the smaller candidate to learn
    folds, epochs, batch_size = 2, 4, 16
    (x, y), (x_held, y_held) = checks.imdb_teacher_draw(
        rng, (1000, 2000), words=(500, 1000), teacher_words=20
    )
    built = []

    def build(X, y, hidden_units=16):
        """The network of make_classifier, as the grader builds it."""
        model, fits = checks.imdb_recording_network(
            np.shape(X)[1], hidden_units, outputs=np.shape(y)[1]
        )
        initial = [np.array(weight.numpy()) for weight in model.weights]
        built.append(
            {"units": hidden_units, "model": model, "fits": fits, "initial": initial}
        )
        return model

    # the wrapper's progress bars, one per fold
    with contextlib.redirect_stdout(io.StringIO()):
        grid = checks.call_student(
            grid_search,
            build,
            x.copy(),
            y.copy(),
            hidden_units=units,
            cv=folds,
            epochs=epochs,
            batch_size=batch_size,
        )
    assert type(grid) is GridSearchCV and hasattr(grid, "cv_results_"), (
        "return the fitted GridSearchCV"
    )
    assert (
        isinstance(grid.estimator, keras.wrappers.SKLearnClassifier)
        and grid.estimator.model is build
    ), "search over SKLearnClassifier(model=build), with the build passed in"
    tried = [
        params.get("model_kwargs", {}).get("hidden_units")
        for params in grid.cv_results_["params"]
    ]
    assert sorted(tried) == sorted(units), (
        "try every value of hidden_units, through the wrapper's model_kwargs"
    )
    assert grid.n_splits_ == folds, "cross-validate with cv folds"
    assert len(built) == len(units) * folds + 1, (
        "one network per candidate and fold, and one refit: leave GridSearchCV's other "
        "settings as they are"
    )
    for record in built:
        checks.imdb_fit_as_asked(
            record["model"],
            record["fits"],
            record["initial"],
            "grid_search",
            epochs,
            batch_size,
        )
    given = collections.Counter(checks.imdb_rows(x))
    *fold_records, refit = built
    assert (
        collections.Counter(checks.imdb_rows(refit["fits"][0]["data"][0])) == given
    ), "refit the best on all the rows"
    assert grid.best_estimator_.model_ is refit["model"], (
        "the refitted network is the one trained on all the rows"
    )
    for candidate, value in enumerate(tried):
        mine = [record for record in fold_records if record["units"] == value]
        seen = collections.Counter()
        measured = []
        for record in mine:
            rows = checks.imdb_rows(record["fits"][0]["data"][0])
            seen.update(rows)
            trained_on = set(rows)
            left_out = [
                i for i, key in enumerate(checks.imdb_rows(x)) if key not in trained_on
            ]
            probabilities = checks.imdb_probabilities_of(
                record["model"], x[left_out], value
            )
            measured.append(float(np.mean(probabilities.argmax(axis=1) == y[left_out])))
        assert len(mine) == folds and seen == collections.Counter(
            {k: n * (folds - 1) for k, n in given.items()}
        ), (
            "each candidate's networks must be trained on the rows given, each row in "
            "all folds but one"
        )
        reported = sorted(
            float(grid.cv_results_[f"split{i}_test_score"][candidate])
            for i in range(folds)
        )
        assert np.allclose(sorted(measured), reported, atol=0.006), (
            "the cross-validated scores are not the accuracies of the folds' networks "
            "on the rows they left out"
        )
    held_accuracy = float(
        np.mean(
            checks.imdb_probabilities_of(refit["model"], x_held, refit["units"]).argmax(
                axis=1
            )
            == y_held
        )
    )
    assert checks.needs(
        "held-out accuracy of the refitted network on the grader's rule",
        held_accuracy,
        ">=",
        0.55,
    ), "the refitted network does not follow the labels of the reviews it was given"


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Question — Choosing epochs honestly (2 points, graded by hand)
#
# Look at your validation curve. In three to six sentences: what happens to the training
# loss and to the validation loss after `chosen_epochs`, and why? Why is it wrong to
# choose the number of epochs (or `hidden_units`) by the test accuracy instead? Name one
# change from the chapter's takeaways you would try next, and what you would expect.

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_epochs", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# After the best epoch the training loss keeps falling while the validation loss turns and
# rises: the network starts to fit particularities of its 3,000 training reviews (memorising
# rare words tied to a label) that do not carry over to new reviews, i.e. it overfits.
# Choosing epochs or units by test accuracy turns the test set into a second validation set:
# the choice is tuned to those reviews, so the reported test accuracy is optimistic and no
# longer estimates performance on new data. Next I would try a smaller network (fewer hidden
# units) or a single hidden layer: it should overfit later and more slowly, possibly with a
# similar best validation loss.
#
# === BEGIN MARK SCHEME ===
# The grader's data is the book's IMDB stand-in (the same as the student's): there the
# validation loss is lowest after a few epochs (about 3-4) and then rises.
# 1 point: training loss keeps decreasing while validation loss rises after the minimum, and
# this is explained as overfitting/memorising. 1 point: test-set selection leaks the test set
# and makes the estimate optimistic, AND a sensible next experiment (units, layers, loss,
# activation, regularization) with a plausible expectation.
# === END MARK SCHEME ===
