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
# # Exercise 5 — Fighting overfitting
#
# This exercise follows [chapter 5](../../../chapters/05_regularization.ipynb). You will
# give the IMDB classifier (on the book's offline IMDB stand-in, the same data for you and the grader) the chapter's three remedies (less capacity, weight
# regularization, dropout), check by hand what Keras computes for the weight penalty and
# for dropout, and compare the validation curves of the four variants.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. Keep the names the tasks
# ask for. The written question at the end is graded by hand. Before you submit, restart
# the kernel and run all cells: the grader runs the notebook from top to bottom.

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

NUM_WORDS = 10_000
SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
seed_everything(SEED)

# IMDB-like reviews: the book's generated stand-in (source="offline"), the same on your
# machine, on Colab/Binder and at the grader, so your curves are the ones that are graded.
# Multi-hot encoded. 2,000 reviews to train on and 1,000 to validate on are few enough for
# the network to overfit quickly, which is what we want to study.
imdb = data.load_imdb(num_words=NUM_WORDS, source="offline")
(train_data, train_labels), _ = imdb
x_val = text.multi_hot(train_data[:1000], dimension=NUM_WORDS)
y_val = train_labels[:1000].astype("float32")
x_train = text.multi_hot(train_data[1000:3000], dimension=NUM_WORDS)
y_train = train_labels[1000:3000].astype("float32")
print(imdb.provenance.summary())
print("train:", x_train.shape, " validation:", x_val.shape)


# %% [markdown]
# ## Task 1 — One builder, three remedies (3 points)
#
# Write `build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000)` returning a
# new compiled model: two dense ReLU layers of `hidden_units` units and a sigmoid output
# unit, compiled with RMSprop, binary cross-entropy and accuracy (the network of chapter
# 2), with two options:
#
# * `l2`: when it is a number, **both hidden layers** get an L2 weight penalty of that
#   factor on their kernels (`kernel_regularizer`);
# * `dropout`: when it is a number, a `Dropout` layer with that rate follows **each hidden
#   layer**.
#
# With `None` the option is off. Neither option changes the number of parameters.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):
    """The IMDB classifier, optionally with L2 on both hidden kernels and dropout after each hidden layer."""
    ### BEGIN SOLUTION
    regularizer = keras.regularizers.L2(l2) if l2 is not None else None
    layers = [keras.Input(shape=(input_dim,))]
    for _ in range(2):
        layers.append(keras.layers.Dense(hidden_units, activation="relu", kernel_regularizer=regularizer))
        if dropout is not None:
            layers.append(keras.layers.Dropout(dropout))
    model = keras.Sequential([*layers, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

plain = build_model()
assert isinstance(plain, keras.Model), "build_model must return a Keras model"
assert plain.count_params() == 160_305, f"{plain.count_params():,} parameters, expected 160,305"
### BEGIN HIDDEN TESTS
assert build_model() is not plain
assert build_model(hidden_units=4).count_params() == 10000 * 4 + 4 + 4 * 4 + 4 + 5
assert build_model(hidden_units=8, input_dim=50).count_params() == 50 * 8 + 8 + 8 * 8 + 8 + 9
assert not any(isinstance(layer, keras.layers.Dropout) for layer in plain.layers)
assert all(layer.kernel_regularizer is None for layer in plain.layers if isinstance(layer, keras.layers.Dense))
assert isinstance(plain.optimizer, keras.optimizers.RMSprop)
rng = np.random.default_rng(3)
probe = (rng.random((16, 10000)) < 0.02).astype("float32")
outputs = np.asarray(plain.predict(probe, verbose=0)).ravel()
assert ((outputs > 0) & (outputs < 1)).all(), "sigmoid output"
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_build_model_l2", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

with_l2 = build_model(l2=0.001)
assert with_l2.count_params() == 160_305, "a penalty adds no parameters"
assert len(with_l2.losses) == 2, "both hidden layers need the penalty (model.losses holds one term per layer)"
### BEGIN HIDDEN TESTS
dense = [layer for layer in with_l2.layers if isinstance(layer, keras.layers.Dense)]
assert dense[-1].kernel_regularizer is None, "no penalty on the output layer"
expected = 0.001 * sum(float(np.sum(np.square(np.asarray(layer.kernel)))) for layer in dense[:2])
np.testing.assert_allclose(sum(float(loss) for loss in with_l2.losses), expected, rtol=1e-4)
strong = build_model(l2=0.05)
strong_dense = [layer for layer in strong.layers if isinstance(layer, keras.layers.Dense)]
expected = 0.05 * sum(float(np.sum(np.square(np.asarray(layer.kernel)))) for layer in strong_dense[:2])
np.testing.assert_allclose(sum(float(loss) for loss in strong.losses), expected, rtol=1e-4)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_build_model_dropout", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

with_dropout = build_model(dropout=0.5)
assert with_dropout.count_params() == 160_305, "dropout adds no parameters"
rates = [layer.rate for layer in with_dropout.layers if isinstance(layer, keras.layers.Dropout)]
assert rates == [0.5, 0.5], f"expected a Dropout(0.5) after each hidden layer, found rates {rates}"
### BEGIN HIDDEN TESTS
kinds = [type(layer).__name__ for layer in with_dropout.layers]
assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"], kinds
assert [layer.rate for layer in build_model(dropout=0.2).layers if isinstance(layer, keras.layers.Dropout)] == [
    0.2,
    0.2,
]
rng = np.random.default_rng(4)
probe = (rng.random((8, 10000)) < 0.05).astype("float32")
at_test_time = [np.asarray(with_dropout(probe, training=False)) for _ in range(2)]
np.testing.assert_allclose(at_test_time[0], at_test_time[1], err_msg="no dropout at inference")
in_training = [np.asarray(with_dropout(probe, training=True)) for _ in range(2)]
assert not np.allclose(in_training[0], in_training[1]), "dropout must be active in training"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — The weight penalty by hand (1 point)
#
# Write `weight_penalty(weights, l1=0.0, l2=0.0)`: given a list of weight arrays, return
# what the regularizers add to the loss, $\sum_w \left(l_1 |w| + l_2 w^2\right)$ over every
# weight of every array, as a float. (This is what `keras.regularizers.L1L2(l1, l2)` computes
# for one array.) Compute it yourself with NumPy: an answer that calls `keras.regularizers`
# gets no points. Float64 weights must give the float64 result (relative error below 1e-10).


# %% nbgrader={"grade": false, "grade_id": "weight_penalty", "locked": false, "schema_version": 3, "solution": true, "task": false}
def weight_penalty(weights, l1=0.0, l2=0.0):
    """Sum over all arrays of l1 * sum|w| + l2 * sum w**2."""
    ### BEGIN SOLUTION
    return float(sum(l1 * np.sum(np.abs(w)) + l2 * np.sum(np.square(w)) for w in map(np.asarray, weights)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_weight_penalty", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

value = weight_penalty([np.array([[1.0, -2.0], [0.0, 3.0]])], l2=0.1)
assert isinstance(value, numbers.Real) and not isinstance(value, bool), "return a float"
np.testing.assert_allclose(value, 0.1 * (1 + 4 + 9))
### BEGIN HIDDEN TESTS
import keras


def _library_penalty(*args, **kwargs):
    raise AssertionError("weight_penalty must compute the penalty itself, not call keras.regularizers")


rng = np.random.default_rng(14)
arrays = [rng.normal(size=(20, 5)).astype("float32"), rng.normal(size=(5,)).astype("float32")]
precise = [rng.normal(size=(30, 7)), 1 + rng.integers(0, 1000, size=(9,)) * 1e-12]
settings = ((0.01, 0.0), (0.0, 0.003), (0.002, 0.004))
keras_values = [sum(float(keras.regularizers.L1L2(l1=l1, l2=l2)(a)) for a in arrays) for l1, l2 in settings]
exact_values = [sum(l1 * np.sum(np.abs(a)) + l2 * np.sum(a * a) for a in precise) for l1, l2 in settings]
classes = (keras.regularizers.Regularizer, keras.regularizers.L1, keras.regularizers.L2, keras.regularizers.L1L2)
saved = [(cls, cls.__dict__.get("__call__")) for cls in classes]
try:
    for cls, _ in saved:
        cls.__call__ = _library_penalty
    got = [weight_penalty(arrays, l1=l1, l2=l2) for l1, l2 in settings]
    got_precise = [weight_penalty(precise, l1=l1, l2=l2) for l1, l2 in settings]
    got_zero = weight_penalty(arrays)
finally:
    for cls, original in saved:
        if original is None:
            del cls.__call__
        else:
            cls.__call__ = original
for value, expected in zip(got, keras_values):
    assert isinstance(value, numbers.Real) and not isinstance(value, bool)
    np.testing.assert_allclose(value, expected, rtol=1e-4)
for value, expected in zip(got_precise, exact_values):
    np.testing.assert_allclose(value, expected, rtol=1e-10)
assert got_zero == 0
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — Dropout by hand (2 points)
#
# Keras implements *inverted* dropout: during training each value is set to 0 with
# probability `rate` and the survivors are divided by `1 - rate`, so the expected value of
# each output equals its input and nothing needs rescaling at test time. (The lecture
# describes the original variant, which instead scales the outputs down at test time; the
# two give the same expected values.) Write `inverted_dropout(x, rate, rng)` doing that
# to a NumPy array, drawing its random numbers from `rng`, a `numpy.random.Generator`, and
# returning a new array of the same shape (leave `x` unchanged). With `rate=0` it returns an
# unchanged copy. Do it
# yourself with NumPy: an answer that calls Keras's or TensorFlow's dropout gets no points.
# Keep float64 inputs in float64 (survivors equal `x / (1 - rate)` to float64 precision).


# %% nbgrader={"grade": false, "grade_id": "inverted_dropout", "locked": false, "schema_version": 3, "solution": true, "task": false}
def inverted_dropout(x, rate, rng):
    """Zero each value with probability `rate`, scale the rest by 1 / (1 - rate)."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_inverted_dropout", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numpy as np

ones = np.ones((200, 50))
dropped = inverted_dropout(ones, 0.5, np.random.default_rng(0))
assert isinstance(dropped, np.ndarray) and dropped.shape == ones.shape, "return an array of the same shape"
assert set(np.unique(dropped)) <= {0.0, 2.0}, "survivors must be scaled by 1 / (1 - rate)"
assert 0.45 < (dropped == 0).mean() < 0.55, "about half the values should be zero"
### BEGIN HIDDEN TESTS
import keras
import tensorflow as tf


def _library_dropout(*args, **kwargs):
    raise AssertionError("inverted_dropout must drop values itself, not call Keras or TensorFlow dropout")


patched = [
    (keras.random, "dropout"),
    (keras.layers.Dropout, "call"),
    (tf.nn, "dropout"),
    (tf.nn, "experimental.stateless_dropout"),
    (keras.layers, "Dropout"),
]
saved = [(owner, name, getattr(owner, name)) for owner, name in patched if "." not in name]
rng = np.random.default_rng(1)
x = rng.normal(loc=3.0, size=(400, 250))
x_before = x.copy()
try:
    for owner, name, _ in saved:
        setattr(owner, name, _library_dropout)
    outs = {rate: inverted_dropout(x, rate, np.random.default_rng(2)) for rate in (0.2, 0.7)}
    unchanged = inverted_dropout(x, 0.0, np.random.default_rng(3))
    first = inverted_dropout(x, 0.5, np.random.default_rng(5))
    second = inverted_dropout(x, 0.5, np.random.default_rng(6))
    again = inverted_dropout(x, 0.5, np.random.default_rng(5))
finally:
    for owner, name, original in saved:
        setattr(owner, name, original)
for rate, out in outs.items():
    assert isinstance(out, np.ndarray) and out.shape == x.shape
    zeros = out == 0
    assert abs(zeros.mean() - rate) < 0.01, f"rate {rate}: {zeros.mean():.3f} of the values were dropped"
    np.testing.assert_allclose(out[~zeros], x[~zeros] / (1 - rate), rtol=1e-12)
    np.testing.assert_allclose(out.mean(), x.mean(), rtol=0.02)
np.testing.assert_array_equal(x, x_before, err_msg="x was modified")
assert isinstance(unchanged, np.ndarray)
np.testing.assert_allclose(unchanged, x)
assert not np.array_equal(first == 0, second == 0), "the mask must come from rng"
np.testing.assert_array_equal(first, again)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — Four networks, four validation curves (2 points)
#
# Train four networks on `x_train, y_train` for **12 epochs** with batch size 128, passing
# `(x_val, y_val)` as validation data, and collect the `History` objects that `fit` returns
# in a dict `histories` with these keys:
#
# * `"baseline"`: `build_model()`;
# * `"smaller"`: `build_model(hidden_units=4)`;
# * `"l2"`: `build_model(l2=0.001)`;
# * `"dropout"`: `build_model(dropout=0.5)`.
#
# (About ten seconds.) The validation reviews are only for watching the curves, never for
# training. What is checked, one point each:
#
# 1. the four `History` objects belong to four models of the right kind, each trained for
#    12 epochs of batch size 128 on the 2,000 training reviews only (the last validation
#    loss in each history must be what its model gives on the validation reviews, and the
#    validation loss may not be more than **0.15 below** the loss on other reviews the
#    models never saw);
# 2. the remedies work as the chapter says: the dropout network ends with a lower
#    validation loss than the baseline (**difference <= 0**), and the L2 and dropout curves
#    climb less after their lowest point than the baseline's (**differences <= 0**).

# %% nbgrader={"grade": false, "grade_id": "experiment", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
variants = {
    "baseline": {},
    "smaller": {"hidden_units": 4},
    "l2": {"l2": 0.001},
    "dropout": {"dropout": 0.5},
}
histories = {}
for name, options in variants.items():
    model = build_model(**options)
    histories[name] = model.fit(x_train, y_train, epochs=12, batch_size=128, validation_data=(x_val, y_val), verbose=0)
### END SOLUTION
for name, history in histories.items():
    val_loss = history.history["val_loss"]
    print(
        f"{name:9s} lowest validation loss {min(val_loss):.3f} (epoch {int(np.argmin(val_loss)) + 1}), "
        f"final {val_loss[-1]:.3f}"
    )

# %% nbgrader={"grade": true, "grade_id": "test_experiment_runs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras

assert isinstance(histories, dict) and set(histories) == {"baseline", "smaller", "l2", "dropout"}, (
    "histories needs the keys baseline, smaller, l2 and dropout"
)
assert all(len(h.history["val_loss"]) == 12 for h in histories.values()), "12 epochs, with validation data"
### BEGIN HIDDEN TESTS
import importlib

import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
# the validation reviews, and 1,000 reviews that no model may have seen
(reference_val, reference_val_labels), (unseen, unseen_labels) = checks.offline_imdb_rows(
    ("train", 0, 1000), ("train", 3000, 4000)
)
assert all(isinstance(h, keras.callbacks.History) and isinstance(h.model, keras.Model) for h in histories.values())
models = {name: history.model for name, history in histories.items()}
assert len({id(model) for model in models.values()}) == 4, "four separately trained models"
assert models["smaller"].count_params() == 40_029
assert all(models[name].count_params() == 160_305 for name in ("baseline", "l2", "dropout"))
assert len(models["l2"].losses) == 2 and not models["baseline"].losses
assert sum(isinstance(layer, keras.layers.Dropout) for layer in models["dropout"].layers) == 2
assert all(int(model.optimizer.iterations.numpy()) == 12 * 16 for model in models.values()), (
    "train each model on the 2,000 training reviews for 12 epochs, batch size 128"
)
for name, fitted in histories.items():
    assert list(fitted.epoch) == list(range(12)), name
    val_loss = float(models[name].evaluate(reference_val, reference_val_labels, verbose=0, return_dict=True)["loss"])
    np.testing.assert_allclose(
        fitted.history["val_loss"][-1],
        val_loss,
        rtol=1e-3,
        atol=1e-4,
        err_msg=f"{name}: the history's validation loss is not its model's",
    )
    unseen_loss = float(models[name].evaluate(unseen, unseen_labels, verbose=0, return_dict=True)["loss"])
    assert checks.needs(f"unseen-review loss minus validation loss of {name}", unseen_loss - val_loss, "<=", 0.15), (
        f"{name}: the validation reviews were used for training"
    )
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_experiment_effect", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

difference = histories["dropout"].history["val_loss"][-1] - histories["baseline"].history["val_loss"][-1]
print(f"final validation loss of dropout minus baseline: {difference:.4f} (needs <= 0)")
assert difference <= 0, "dropout should end with a lower validation loss than the baseline"
### BEGIN HIDDEN TESTS
import importlib

import keras

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
[(reference_val, reference_val_labels)] = checks.offline_imdb_rows(("train", 0, 1000))
final = {}
for name, fitted in histories.items():
    assert isinstance(fitted, keras.callbacks.History) and isinstance(fitted.model, keras.Model)
    assert list(fitted.epoch) == list(range(12)) and len(fitted.history["val_loss"]) == 12
    assert int(fitted.model.optimizer.iterations.numpy()) == 12 * 16
    final[name] = float(fitted.model.evaluate(reference_val, reference_val_labels, verbose=0, return_dict=True)["loss"])
    np.testing.assert_allclose(fitted.history["val_loss"][-1], final[name], rtol=1e-3, atol=1e-4)
overfit = {name: h.history["val_loss"][-1] - min(h.history["val_loss"]) for name, h in histories.items()}
effects = [  # every measurement printed before the verdict
    checks.needs(
        "recomputed final validation loss of dropout minus baseline", final["dropout"] - final["baseline"], "<=", 0
    ),
    checks.needs("climb after the best epoch of l2 minus baseline", overfit["l2"] - overfit["baseline"], "<=", 0),
    checks.needs(
        "climb after the best epoch of dropout minus baseline", overfit["dropout"] - overfit["baseline"], "<=", 0
    ),
]
assert all(effects), "L2 and dropout should each curb the overfitting of the baseline (see the printed differences)"
### END HIDDEN TESTS

# %% [markdown]
# The four validation curves:

# %%
from lib import plots

plots.compare_histories(histories, metric="val_loss", title="Validation loss of four variants")

# %% [markdown]
# ## Question — Which remedy, and why (2 points, graded by hand)
#
# Describe in three to six sentences what each remedy did to the validation curve
# compared with the baseline (when it reaches its lowest point, how fast it rises after,
# how low it gets). Which would you keep, and what would you try next if the validation
# loss were still rising at the end? Explain *why* a smaller network overfits later.

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_remedies", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# The baseline reaches its lowest validation loss after a few epochs and then climbs
# steadily: it memorises the 2,000 reviews. The 4-unit network learns more slowly, reaches
# its best point later and climbs more slowly, because with a quarter of the parameters it
# cannot store as many idiosyncrasies of the training set; its capacity forces a more compressed
# representation. L2 keeps the weights small, so the curve rises much less after its minimum,
# and dropout does best here: the lowest and flattest curve, since randomly silencing units
# breaks up co-adapted patterns that only fit noise. I would keep dropout (perhaps with a mild
# L2); if the loss still rose at the end I would stop earlier (early stopping on the
# validation loss), raise the dropout rate or the L2 factor, or get more training data.
#
# === BEGIN MARK SCHEME ===
# 1 point: a correct reading of the curves of their run (on the offline IMDB stand-in, the same data the grader uses) (timing of the minimum, slope after it,
# level) for at least three variants. 1 point: a justified choice plus a sensible next step,
# AND capacity as the reason a smaller network overfits later (fewer parameters, less
# memorisation).
# === END MARK SCHEME ===
