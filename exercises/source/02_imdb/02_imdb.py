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
# This exercise follows [chapter 2](../../../chapters/02_imdb.ipynb). You will turn reviews
# into tensors, build the binary classifier, choose the number of epochs from a validation
# curve instead of from the test set, and run a small grid search through Keras's
# scikit-learn wrapper.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check: they recompute your
# results from your models on a fresh copy of the data, and never trust a number you
# report. Keep the names the tasks ask for. The written question at the end is graded by hand. Before you submit, restart
# the kernel and run all cells: the grader runs the notebook from top to bottom.

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
# keep the exercise fast we use the first 4,000 training and the first 2,000 test reviews.
NUM_WORDS = 10_000
imdb = data.load_imdb(num_words=NUM_WORDS, source="offline")
print(imdb.provenance.summary())
(train_data, train_labels), (test_data, test_labels) = imdb
train_data, train_labels = train_data[:4000].copy(), train_labels[:4000].astype("float32")
test_data, test_labels = test_data[:2000].copy(), test_labels[:2000].astype("float32")
del imdb  # keep only the sample in memory
print("first review, as word indices:", train_data[0][:12], "...  label:", train_labels[0])

# Keras (and TensorFlow) only now: loading the reviews needs a few hundred MB for a moment,
# given back before TensorFlow takes its own share.
import keras

from lib.seeding import exercise_seed, seed_everything

SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
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
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # the references, fresh from disk
rng = np.random.default_rng(11)
sequences = [list(rng.integers(0, 50, size=n)) for n in (0, 1, 7, 30)]
before = [list(s) for s in sequences]
out, libraries = checks.libraries_run_by(vectorize_sequences, sequences, dimension=50)
assert not libraries, "write the multi-hot encoding yourself with NumPy, without lib.text, Keras or another library"
assert isinstance(out, np.ndarray) and out.shape == (4, 50) and out.dtype == np.float32
np.testing.assert_array_equal(out, checks.multi_hot(sequences, 50))
assert sequences == before, "the input sequences were modified"
reviews = [[1] + [int(i) for i in rng.integers(2, 10_000, size=n)] for n in rng.integers(20, 400, size=60)]
reviews[3] = reviews[3] + reviews[3]  # every word twice
encoded, libraries = checks.libraries_run_by(vectorize_sequences, reviews)
assert not libraries, "write the multi-hot encoding yourself with NumPy, without lib.text, Keras or another library"
assert isinstance(encoded, np.ndarray) and encoded.shape == (60, 10_000) and encoded.dtype == np.float32
np.testing.assert_array_equal(encoded, checks.multi_hot(reviews, 10_000))
### END HIDDEN TESTS

# %% [markdown]
# The whole sample, vectorized. From here on the notebook uses the book's
# `lib.text.multi_hot` (it does what your `vectorize_sequences` should do), so a slip in
# Task 1 does not cost you points again in Tasks 4 and 5. It stores the 0/1 values as
# `uint8`, one byte each instead of float32's four, which keeps this notebook small in
# memory; Keras turns each batch into float32 as it feeds the network.

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


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(hidden_units=16, hidden_layers=2, input_dim=10000):
    """A new compiled binary classifier: input_dim -> hidden_layers x hidden_units (ReLU) -> 1 (sigmoid)."""
    ### BEGIN SOLUTION
    model = keras.Sequential([keras.Input(shape=(input_dim,))])
    for _ in range(hidden_layers):
        model.add(keras.layers.Dense(hidden_units, activation="relu"))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

default_model = build_model()
assert isinstance(default_model, keras.Model), "build_model must return a Keras model"
assert default_model.count_params() == 160_305, f"{default_model.count_params():,} parameters, expected 160,305"
assert default_model.output_shape == (None, 1)
### BEGIN HIDDEN TESTS
assert build_model() is not default_model, "build a new model on every call"
for units, layers, inputs in ((64, 1, 300), (8, 3, 20)):
    other = build_model(hidden_units=units, hidden_layers=layers, input_dim=inputs)
    expected = (inputs * units + units) + (layers - 1) * (units * units + units) + units + 1
    assert isinstance(other, keras.Model) and other.count_params() == expected, (units, layers, inputs)
    assert tuple(other.input_shape) == (None, inputs)
assert isinstance(default_model.optimizer, keras.optimizers.RMSprop), "use RMSprop"
rng = np.random.default_rng(5)
probe = (rng.random((64, 10000)) < 0.02).astype("float32")
probabilities = np.asarray(default_model.predict(probe, verbose=0)).ravel()
assert ((probabilities > 0) & (probabilities < 1)).all(), "the output must be a sigmoid probability"
targets = rng.integers(0, 2, size=64).astype("float32")
scores = default_model.evaluate(probe, targets, verbose=0, return_dict=True)
assert "accuracy" in scores, "compile with the accuracy metric"
p = np.clip(probabilities, 1e-7, 1 - 1e-7)
expected_loss = float(np.mean(-(targets * np.log(p) + (1 - targets) * np.log(1 - p))))
np.testing.assert_allclose(scores["loss"], expected_loss, rtol=1e-3, err_msg="use the binary cross-entropy loss")
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

import keras

chosen = best_epoch({"loss": [0.6, 0.4, 0.3, 0.2], "val_loss": [0.5, 0.35, 0.38, 0.45]})
assert isinstance(chosen, numbers.Integral) and not isinstance(chosen, bool), "return an int"
assert chosen == 2, f"expected epoch 2, got {chosen}"
### BEGIN HIDDEN TESTS
assert best_epoch({"val_loss": [0.9, 0.8, 0.7, 0.6, 0.5]}) == 5
assert best_epoch({"val_loss": [0.3, 0.4, 0.3, 0.2, 0.2, 0.6]}) == 4
assert best_epoch({"val_loss": [0.1]}) == 1
recorded = keras.callbacks.History()
recorded.history = {
    "loss": [1.0, 0.5, 0.4],
    "val_loss": [0.7, 0.6, 0.65],
    "accuracy": [0.5, 0.9, 0.95],
    "val_accuracy": [0.4, 0.99, 0.3],
}
from_object = best_epoch(recorded)
assert isinstance(from_object, numbers.Integral) and from_object == 2, "use the validation loss"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — Choose the number of epochs, then retrain (2 points)
#
# Do what the chapter does, in three steps:
#
# 1. Split off the **first 1,000** training reviews (`x_train[:1000]`) as a validation set;
#    train a new `build_model()` on the other 3,000 for **10 epochs** with batch size 128,
#    passing the validation set to `fit`. Keep the result of `fit` in `history`.
# 2. `chosen_epochs = best_epoch(history)`.
# 3. Train a **new** `build_model()` on **all 4,000** training reviews for `chosen_epochs`
#    epochs with batch size 128 and keep it in `final_model`; store its accuracy on the test
#    set, as a float, in `test_accuracy`.
#
# The test set plays no part in steps 1 and 2. What is checked, from your objects and a fresh
# copy of the data: the model in `history` made 10 × 24 = 240 weight updates (3,000 reviews
# in batches of 128) and its last validation loss is its loss on the first 1,000 training
# reviews (within 0.1 %); `chosen_epochs` is the best epoch of that curve; `final_model` made
# `chosen_epochs` × 32 weight updates (4,000 reviews), reaches a test accuracy of at least
# **0.80**, and `test_accuracy` is that accuracy (within 0.005).

# %% nbgrader={"grade": false, "grade_id": "model_selection", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
x_val, partial_x_train = x_train[:1000], x_train[1000:]
y_val, partial_y_train = y_train[:1000], y_train[1000:]
model = build_model()
history = model.fit(
    partial_x_train, partial_y_train, epochs=10, batch_size=128, validation_data=(x_val, y_val), verbose=0
)
chosen_epochs = best_epoch(history)

final_model = build_model()
final_model.fit(x_train, y_train, epochs=chosen_epochs, batch_size=128, verbose=0)
test_loss, test_accuracy = final_model.evaluate(x_test, y_test, verbose=0)
### END SOLUTION
print(f"validation loss was lowest after epoch {chosen_epochs}; test accuracy {test_accuracy:.3f}")

# %% nbgrader={"grade": true, "grade_id": "test_validation_run", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

assert isinstance(history, keras.callbacks.History), "keep the History returned by fit in `history`"
assert len(history.history["loss"]) == 10, "train for 10 epochs"
assert "val_loss" in history.history, "pass the validation set to fit (validation_data=...)"
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations, fresh from disk
# a fresh copy of the validation reviews, whatever happened to the notebook's variables
[(fresh_x_val, fresh_y_val)] = checks.offline_imdb_rows(("train", 0, 1000))
validated = history.model
assert isinstance(validated, keras.Model) and validated.count_params() == 160_305, (
    "keep the History of the validation run (a build_model() network) in `history`"
)
recomputed_val_loss = validated.evaluate(fresh_x_val, fresh_y_val, batch_size=128, verbose=0, return_dict=True)["loss"]
val_loss_difference = abs(history.history["val_loss"][-1] - recomputed_val_loss) / recomputed_val_loss
label = "relative difference to the validation loss on the first 1,000 reviews"
assert checks.needs(label, val_loss_difference, "<=", 1e-3), (
    "the validation curve in `history` is not that of the first 1,000 training reviews"
)
updates = int(validated.optimizer.iterations.numpy())
assert updates == 10 * int(np.ceil(3000 / 128)), (
    f"{updates} weight updates: train on the 3,000 reviews that are not in the validation set, 10 epochs"
)
assert chosen_epochs == int(np.argmin(history.history["val_loss"])) + 1, (
    "chosen_epochs must be the epoch with the lowest validation loss"
)
del fresh_x_val
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_final_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations, fresh from disk
# fresh copies of the validation and test reviews, whatever happened to the notebook's variables
(fresh_x_val, fresh_y_val), (fresh_x_test, fresh_y_test) = checks.offline_imdb_rows(
    ("train", 0, 1000), ("test", 0, 2000)
)
assert isinstance(final_model, keras.Model) and final_model is not history.model, "final_model must be a new model"
assert final_model.count_params() == 160_305, "final_model is a build_model() network"
# final_model's output before the sigmoid, computed in NumPy from its weights: positive means "positive"
test_logits = checks.dense_logits(final_model, fresh_x_test, (10_000, 16, 16, 1)).ravel()
measured_accuracy = float(np.mean((test_logits > 0) == (fresh_y_test > 0.5)))
assert checks.needs("test accuracy of final_model", measured_accuracy, ">=", 0.8), (
    f"final_model reaches only {measured_accuracy:.3f} on the test set"
)
### BEGIN HIDDEN TESTS
import numbers

assert isinstance(history, keras.callbacks.History) and "val_loss" in history.history
validated = history.model
assert isinstance(validated, keras.Model) and validated.count_params() == 160_305, "validate a build_model() network"
validated_loss = validated.evaluate(fresh_x_val, fresh_y_val, batch_size=128, verbose=0, return_dict=True)["loss"]
relative = abs(history.history["val_loss"][-1] - validated_loss) / validated_loss
assert checks.needs("relative difference to the validation loss on the first 1,000 reviews", relative, "<=", 1e-3), (
    "the validation curve in `history` is not that of the first 1,000 training reviews"
)
validated_epochs = int(np.argmin(history.history["val_loss"])) + 1
updates = int(final_model.optimizer.iterations.numpy())
assert updates == validated_epochs * int(np.ceil(4000 / 128)), (
    f"{updates} weight updates: train final_model on all 4,000 reviews for the validated number of epochs"
)
assert isinstance(test_accuracy, numbers.Real) and not isinstance(test_accuracy, bool)
assert abs(test_accuracy - measured_accuracy) < 0.005, (
    f"test_accuracy ({test_accuracy:.4f}) is not final_model's accuracy on the test set ({measured_accuracy:.4f})"
)
del fresh_x_val, fresh_x_test
### END HIDDEN TESTS

# %% [markdown]
# The curves you chose from:

# %%
from lib import plots

plots.plot_history(history, title="3,000 reviews, validated on 1,000")


# %% [markdown]
# ## Task 5 — A grid search with the scikit-learn wrapper (2 points)
#
# `keras.wrappers.SKLearnClassifier` makes a Keras model look like a scikit-learn
# classifier, so `GridSearchCV` can tune it. The wrapper one-hot encodes the labels: a
# binary problem gets targets with **two** columns. So:
#
# * (1 point) Write `make_classifier(X, y, hidden_units=16)`, the model-building function
#   the wrapper calls: it returns a new compiled model with an input of `X.shape[1]` values,
#   two dense ReLU layers of `hidden_units` units, and a softmax output with `y.shape[1]`
#   units, compiled with RMSprop and the **categorical** cross-entropy loss.
# * (1 point) Create `grid`, a `GridSearchCV` over `SKLearnClassifier(model=make_classifier)`
#   that tries `hidden_units` 4 and 32 (the parameter to search is the wrapper's
#   `model_kwargs`, one dict per candidate) with `cv=2`, and fit it on the **first 1,000**
#   rows of `x_train` and `y_train` for 3 epochs with batch size 32. Pass the training
#   arguments to `grid.fit(..., epochs=3, batch_size=32, verbose=0)`, which hands them to
#   every fit: in Keras 3.15 the wrapper's own `fit_kwargs` are lost when scikit-learn clones
#   it. The best candidate's cross-validated accuracy must be at least **0.58**, and its
#   refitted model must have made 3 × 32 = 96 weight updates (1,000 rows in batches of 32).


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
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_make_classifier", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

built = make_classifier(np.zeros((5, 20), dtype="float32"), np.eye(2, dtype="float32")[[0, 1, 1, 0, 1]])
assert isinstance(built, keras.Model), "make_classifier must return a Keras model"
assert built.output_shape == (None, 2), f"output shape {built.output_shape}, expected (None, 2)"
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(2)
X = rng.random((10, 30)).astype("float32")
Y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=10)]
built = make_classifier(X, Y, hidden_units=7)
assert make_classifier(X, Y, hidden_units=7) is not built, "build a new model on every call"
assert isinstance(built, keras.Model) and built.output_shape == (None, 3)
assert tuple(built.input_shape) == (None, 30)
assert built.count_params() == (30 * 7 + 7) + (7 * 7 + 7) + (7 * 3 + 3)
dense = [layer for layer in built.layers if isinstance(layer, keras.layers.Dense)]
assert [layer.units for layer in dense] == [7, 7, 3]
assert isinstance(built.optimizer, keras.optimizers.RMSprop), "use RMSprop"
rows = np.asarray(built.predict(X, verbose=0))
np.testing.assert_allclose(rows.sum(axis=1), np.ones(10), rtol=1e-4, err_msg="the output must be a softmax")
hidden = keras.Model(built.inputs, dense[0].output)
assert (np.asarray(hidden.predict(-X, verbose=0)) == 0).mean() > 0.2, "the hidden layers use ReLU"
loss = built.evaluate(X, Y, verbose=0, return_dict=True)["loss"]
expected_loss = float(np.mean(-np.sum(Y * np.log(np.clip(rows, 1e-7, 1)), axis=1)))
np.testing.assert_allclose(loss, expected_loss, rtol=1e-3, err_msg="use the categorical cross-entropy loss")
wide = make_classifier(
    np.zeros((4, 10_000), dtype="float32"), np.eye(2, dtype="float32")[[0, 1, 0, 1]], hidden_units=32
)
assert wide.count_params() == (10_000 * 32 + 32) + (32 * 32 + 32) + (32 * 2 + 2)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "grid_search", "locked": false, "schema_version": 3, "solution": true, "task": false}
from sklearn.model_selection import GridSearchCV

### BEGIN SOLUTION
classifier = keras.wrappers.SKLearnClassifier(model=make_classifier)
grid = GridSearchCV(classifier, param_grid={"model_kwargs": [{"hidden_units": 4}, {"hidden_units": 32}]}, cv=2)
grid.fit(x_train[:1000], y_train[:1000], epochs=3, batch_size=32, verbose=0)
### END SOLUTION
print("best:", grid.best_params_, "cross-validated accuracy:", round(grid.best_score_, 3))

# %% nbgrader={"grade": true, "grade_id": "test_grid_search", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np
from sklearn.model_selection import GridSearchCV

assert isinstance(grid, GridSearchCV), "grid must be a GridSearchCV"
assert hasattr(grid, "cv_results_"), "fit the grid search"
best_score = float(np.max(grid.cv_results_["mean_test_score"]))
print(f"best cross-validated accuracy: {best_score:.4f} (needs >= 0.58)")
assert best_score >= 0.58
### BEGIN HIDDEN TESTS
assert isinstance(grid.estimator, keras.wrappers.SKLearnClassifier)
tried = sorted(params["model_kwargs"]["hidden_units"] for params in grid.cv_results_["params"])
assert tried == [4, 32], f"try hidden_units 4 and 32, tried {tried}"
assert grid.n_splits_ == 2, "cv=2"
best = grid.best_estimator_
units = grid.best_params_["model_kwargs"]["hidden_units"]
assert best.model_.count_params() == (10_000 * units + units) + (units * units + units) + (2 * units + 2)
assert len(best.history_.history["loss"]) == 3, "train every candidate for 3 epochs"
updates = int(best.model_.optimizer.iterations.numpy())
assert updates == 3 * int(np.ceil(1000 / 32)), (
    f"{updates} weight updates: fit on the first 1,000 rows for 3 epochs with batch size 32"
)
assert best.n_features_in_ == 10_000
rng = np.random.default_rng(4)
probe = (rng.random((20, 10_000)) < 0.02).astype("float32")
predicted = grid.predict(probe)
assert len(predicted) == 20 and set(np.unique(predicted)) <= {0.0, 1.0}
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
