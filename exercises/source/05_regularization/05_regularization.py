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
# give the IMDB classifier (on the book's offline IMDB stand-in, the same data for you and
# the grader) the chapter's three remedies (less capacity, weight regularization, dropout),
# check by hand what Keras computes for the weight penalty and for dropout, and write the
# experiment that compares the validation curves of the four variants, as short functions.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. The tests call your
# functions themselves, on inputs of their own (other sizes, factors and rates, other
# reviews), and measure the results with their own code; the variables your notebook leaves
# behind earn nothing. Keep the function names and their arguments. The written question
# at the end is graded by hand. Before you submit, restart the kernel and run all cells:
# the grader runs the notebook from top to bottom.
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

NUM_WORDS = 10_000
# 42 for you; the grader gives each student a seed of their own
SEED = exercise_seed(42)
seed_everything(SEED)

# IMDB-like reviews: the book's generated stand-in (source="offline"), the same on your
# machine, on Colab/Binder and at the grader, so your curves are the ones that are
# graded. Multi-hot encoded. 2,000 reviews to train on and 1,000 to validate on are few
# enough for the network to overfit quickly, which is what we want to study.
imdb = data.load_imdb(num_words=NUM_WORDS, source="offline")
(train_data, train_labels), _ = imdb
x_val = text.multi_hot(train_data[:1000], dimension=NUM_WORDS)
y_val = train_labels[:1000].astype("float32")
x_train = text.multi_hot(train_data[1000:3000], dimension=NUM_WORDS)
y_train = train_labels[1000:3000].astype("float32")
print(imdb.provenance.summary())
print("train:", x_train.shape, " validation:", x_val.shape)
# 3,000 reviews are encoded: free the word lists (chapter 5, "Running in 2 GB")
del imdb, train_data, train_labels


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
# `Sequential`, functional or subclassed: your choice.
#
# **What is checked**, one point each. The grader calls `build_model` with arguments of its
# own (other unit counts, input sizes, factors and rates) and measures what the models
# compute, with Keras's own methods and in NumPy from their weights:
#
# 1. the plain network: a new model on every call, the parameter count of the task's
#    network, outputs equal to those of two ReLU layers and a sigmoid unit computed from its
#    weights, the same outputs in training and at inference, RMSprop, and a loss (what
#    `evaluate` reports) that is the plain binary cross-entropy;
# 2. with `l2`: the same outputs, and the loss `evaluate` reports exceeds the cross-entropy
#    by exactly the chapter's penalty on the two hidden kernels, for the weights the model
#    holds (double the weights and it must follow);
# 3. with `dropout`: at inference the outputs of the network without dropout; in training,
#    random outputs, with each hidden layer's outputs dropped at the given rate and the
#    survivors scaled up, as a `Dropout` layer does.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):
    """The IMDB classifier, optionally with L2 on both hidden kernels and dropout after
    each hidden layer."""
    ### BEGIN SOLUTION
    regularizer = keras.regularizers.L2(l2) if l2 is not None else None
    layers = [keras.Input(shape=(input_dim,))]
    for _ in range(2):
        layers.append(
            keras.layers.Dense(
                hidden_units, activation="relu", kernel_regularizer=regularizer
            )
        )
        if dropout is not None:
            layers.append(keras.layers.Dropout(dropout))
    model = keras.Sequential([*layers, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras

plain = build_model()
assert isinstance(plain, keras.Model), "build_model must return a Keras model"
assert plain.count_params() == 160_305, (
    f"{plain.count_params():,} parameters, expected 160,305"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import logging

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    # no retracing notices on stderr
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    rng = checks.grading_rng()
    first = checks.call_student(build_model)
    assert first is not checks.call_student(build_model), (
        "build_model must build a new model on every call"
    )
    drawn_units, drawn_dim = int(rng.integers(3, 13)), int(rng.integers(20, 200))
    other = checks.call_student(build_model, drawn_units, None, None, drawn_dim)
    for model, units, dim in ((first, 16, 10000), (other, drawn_units, drawn_dim)):
        assert isinstance(model, keras.Model), "build_model must return a Keras model"
        checks.assert_genuine_model(model)
        assert (
            model.count_params()
            == dim * units + units + units * units + units + units + 1
        ), (
            f"build_model(hidden_units={units}, input_dim={dim}) has the wrong number "
            "of parameters: re-read Task 1"
        )
        probe = (rng.random((64, dim)) < 0.05).astype("float32")
        labels = rng.integers(0, 2, size=64).astype("float32")
        outputs = checks.predict(model, probe)
        assert outputs.shape == (64, 1), "the model should give one output per review"
        expected = checks.imdb_probabilities(model, probe, units)
        np.testing.assert_allclose(
            outputs[:, 0],
            expected,
            rtol=1e-4,
            atol=1e-6,
            err_msg="the outputs are not those of ReLU, ReLU, sigmoid",
        )
        training = checks.call_student(
            keras.Model.__call__, model, probe, training=True
        )
        np.testing.assert_allclose(
            np.asarray(training, dtype=np.float64)[:, 0],
            expected,
            rtol=1e-4,
            atol=1e-6,
            err_msg=(
                "without the options, training and inference should compute the same"
            ),
        )
        assert isinstance(model.optimizer, keras.optimizers.RMSprop), (
            "compile with RMSprop (re-read Task 1)"
        )
        reported = checks.call_student(
            keras.Model.evaluate, model, probe, labels, verbose=0, return_dict=True
        )
        assert np.isclose(
            reported["loss"],
            checks.binary_cross_entropy(outputs[:, 0], labels),
            rtol=1e-4,
            atol=1e-6,
        ), (
            "the loss should be the plain binary cross-entropy when l2 is None "
            "(re-read Task 1)"
        )
        assert any("acc" in name for name in reported), (
            "compile with the accuracy metric"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_build_model_l2", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
with_l2 = build_model(l2=0.001)
assert with_l2.count_params() == 160_305, "a penalty adds no parameters"
assert len(with_l2.losses) == 2, (
    "both hidden layers need the penalty (model.losses holds one term per layer)"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import logging

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    # no retracing notices on stderr
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    rng = checks.grading_rng()
    drawn_units, drawn_dim = int(rng.integers(3, 13)), int(rng.integers(20, 200))
    drawn_factor = float(np.exp(rng.uniform(np.log(0.002), np.log(0.05))))
    cases = [(checks.call_student(build_model, l2=0.001), 16, 10000, 0.001)]
    other = checks.call_student(build_model, drawn_units, drawn_factor, None, drawn_dim)
    cases.append((other, drawn_units, drawn_dim, drawn_factor))
    for model, units, dim, factor in cases:
        assert isinstance(model, keras.Model), "build_model must return a Keras model"
        checks.assert_genuine_model(model)
        assert (
            model.count_params()
            == dim * units + units + units * units + units + units + 1
        ), "a penalty adds no parameters: re-read Task 1"
        probe = (rng.random((64, dim)) < 0.05).astype("float32")
        labels = rng.integers(0, 2, size=64).astype("float32")
        for scale in (1.0, 2.0):
            if scale != 1.0:
                for weight in model.weights:
                    weight.assign(np.asarray(weight) * scale)
            outputs = checks.predict(model, probe)[:, 0]
            np.testing.assert_allclose(
                outputs,
                checks.imdb_probabilities(model, probe, units),
                rtol=1e-4,
                atol=1e-6,
                err_msg="the penalty should not change what the network computes",
            )
            kernels = checks.imdb_weights(model, dim, units)[0:4:2]
            penalty = factor * sum(
                float(np.sum(np.square(np.asarray(k, dtype=np.float64))))
                for k in kernels
            )
            reported = checks.call_student(
                keras.Model.evaluate, model, probe, labels, verbose=0, return_dict=True
            )
            extra = reported["loss"] - checks.binary_cross_entropy(outputs, labels)
            assert np.isclose(extra, penalty, rtol=2e-3, atol=1e-5), (
                f"with l2={factor:.4g} the loss should be the cross-entropy plus the "
                "L2 penalty of both hidden "
                "kernels (and nothing else): re-read Task 1 and the chapter's L2 "
                "section"
            )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_build_model_dropout", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

with_dropout = build_model(dropout=0.5)
assert with_dropout.count_params() == 160_305, "dropout adds no parameters"
probe = (np.random.default_rng(0).random((8, 10000)) < 0.05).astype("float32")
assert not np.allclose(
    with_dropout(probe, training=True), with_dropout(probe, training=True)
), "in training, dropout should make the outputs random"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import logging

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    # no retracing notices on stderr
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    rng = checks.grading_rng()
    drawn_units, drawn_dim = int(rng.integers(3, 13)), int(rng.integers(20, 200))
    drawn_rate = float(rng.uniform(0.2, 0.6))
    cases = [(checks.call_student(build_model, dropout=0.5), 16, 10000, 0.5)]
    other = checks.call_student(build_model, drawn_units, None, drawn_rate, drawn_dim)
    cases.append((other, drawn_units, drawn_dim, drawn_rate))
    for model, units, dim, rate in cases:
        assert isinstance(model, keras.Model), "build_model must return a Keras model"
        checks.assert_genuine_model(model)
        assert (
            model.count_params()
            == dim * units + units + units * units + units + units + 1
        ), "dropout adds no parameters: re-read Task 1"
        probe = (rng.random((64, dim)) < 0.05).astype("float32")
        np.testing.assert_allclose(
            checks.predict(model, probe)[:, 0],
            checks.imdb_probabilities(model, probe, units),
            rtol=1e-4,
            atol=1e-6,
            err_msg=(
                "at inference a network with dropout should compute what it computes "
                "without"
            ),
        )
        runs = [
            np.asarray(
                checks.call_student(keras.Model.__call__, model, probe, training=True)
            )
            for _ in range(2)
        ]
        assert not np.allclose(runs[0], runs[1]), (
            "in training, dropout should make the outputs random"
        )
        # One path through the network: input 0 -> hidden unit 0 -> hidden unit 0 ->
        # output, weights 1.
        values = [
            np.zeros(weight.shape, dtype="float32")
            for weight in checks.imdb_weights(model, dim, units)
        ]
        for kernel in values[0::2]:
            kernel[0, 0] = 1.0
        for weight, value in zip(checks.imdb_weights(model, dim, units), values):
            weight.assign(value)
        one = np.zeros((4000, dim), dtype="float32")
        one[:, 0] = 1.0
        outputs = np.asarray(
            checks.call_student(keras.Model.__call__, model, one, training=True),
            dtype=np.float64,
        )
        logits = np.log(outputs[:, 0]) - np.log1p(-outputs[:, 0])
        kept = logits > 1e-3
        survive = (1 - rate) ** 2
        assert abs(kept.mean() - survive) < 0.04, (
            f"with dropout={rate:.3f}, a value passing both hidden layers survived "
            f"{kept.mean():.0%} of the time: "
            "each hidden layer's outputs should be dropped at that rate (re-read Task "
            "1)"
        )
        np.testing.assert_allclose(
            logits[kept],
            1 / survive,
            rtol=2e-3,
            err_msg=(
                "the surviving values should be scaled up as Keras's Dropout does "
                "(re-read Task 1)"
            ),
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — The weight penalty by hand (1 point)
#
# Write `weight_penalty(weights, l1=0.0, l2=0.0)`: given a list of weight arrays, return
# what the regularizers add to the loss, $\sum_w \left(l_1 |w| + l_2 w^2\right)$ over every
# weight of every array, as a float. (This is what `keras.regularizers.L1L2(l1, l2)` computes
# for one array.) Compute it yourself with NumPy: an answer that runs Keras, TensorFlow or
# another library's code (in any thread) gets no points. Float64 weights must give the
# float64 result (relative error below 1e-10).
#
# **What is checked.** The grader calls your function on arrays and factors of its own
# draw and compares with the penalty it computes itself.


# %% nbgrader={"grade": false, "grade_id": "weight_penalty", "locked": false, "schema_version": 3, "solution": true, "task": false}
def weight_penalty(weights, l1=0.0, l2=0.0):
    """Sum over all arrays of l1 * sum|w| + l2 * sum w**2."""
    ### BEGIN SOLUTION
    return float(
        sum(
            l1 * np.sum(np.abs(w)) + l2 * np.sum(np.square(w))
            for w in map(np.asarray, weights)
        )
    )
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_weight_penalty", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

value = weight_penalty([np.array([[1.0, -2.0], [0.0, 3.0]])], l2=0.1)
assert isinstance(value, numbers.Real) and not isinstance(value, bool), "return a float"
np.testing.assert_allclose(value, 0.1 * (1 + 4 + 9))


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    shapes = [
        (int(rng.integers(2, 40)), int(rng.integers(2, 20))),
        (int(rng.integers(2, 20)),),
        (3, 4, 5),
    ]
    arrays = [rng.normal(size=shape) for shape in shapes]
    precise = [rng.normal(size=(30, 7)), 1 + rng.integers(0, 1000, size=(9,)) * 1e-12]
    settings = [
        (float(rng.uniform(0.001, 0.1)), 0.0),
        (0.0, float(rng.uniform(0.001, 0.1))),
    ]
    settings.append((float(rng.uniform(0.001, 0.1)), float(rng.uniform(0.001, 0.1))))
    for weights in (arrays, precise, [w.astype("float32") for w in arrays]):
        for l1, l2 in [*settings, (0.0, 0.0)]:
            before = [w.copy() for w in weights]
            got, ran = checks.call_student(
                checks.libraries_run_by, weight_penalty, weights, l1=l1, l2=l2
            )
            assert not ran, (
                "weight_penalty must compute the penalty with NumPy alone: it ran "
                + ", ".join(ran[:3])
            )
            assert all(np.array_equal(a, b) for a, b in zip(weights, before)), (
                "weight_penalty changed its input"
            )
            assert isinstance(got, numbers.Real) and not isinstance(got, bool), (
                "weight_penalty must return a float"
            )
            exact = sum(
                l1 * np.sum(np.abs(w.astype(np.float64)))
                + l2 * np.sum(w.astype(np.float64) ** 2)
                for w in weights
            )
            rtol = 1e-10 if weights[0].dtype == np.float64 else 1e-5
            assert np.isclose(float(got), exact, rtol=rtol, atol=0), (
                "not the penalty the task defines (or not to float64 precision): "
                "re-read Task 2"
            )


_grade()
del _grade
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
# unchanged copy. Do it yourself with NumPy: an answer that runs Keras, TensorFlow or another
# library's code (in any thread) gets no points. Keep float64 inputs in float64 (survivors
# equal `x / (1 - rate)` to float64 precision).
#
# **What is checked.** The grader calls your function on arrays, rates and generators of
# its own: the share of dropped values, the survivors' values, the mean, and that the mask
# follows `rng` (the same generator state gives the same mask, another gives another).


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
assert isinstance(dropped, np.ndarray) and dropped.shape == ones.shape, (
    "return an array of the same shape"
)
assert set(np.unique(dropped)) <= {0.0, 2.0}, (
    "survivors must be scaled by 1 / (1 - rate)"
)
assert 0.45 < (dropped == 0).mean() < 0.55, "about half the values should be zero"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    def dropout(x, rate, seed):
        before = x.copy()
        got, ran = checks.call_student(
            checks.libraries_run_by,
            inverted_dropout,
            x,
            rate,
            np.random.default_rng(seed),
        )
        assert not ran, (
            "inverted_dropout must drop values with NumPy alone: it ran "
            + ", ".join(ran[:3])
        )
        np.testing.assert_array_equal(x, before, err_msg="inverted_dropout changed x")
        assert isinstance(got, np.ndarray) and got.shape == x.shape, (
            "return a NumPy array of x's shape"
        )
        return got

    x = rng.normal(
        loc=3.0, size=(int(rng.integers(300, 500)), int(rng.integers(200, 300)))
    )
    seeds = [int(seed) for seed in rng.integers(2**32, size=4)]
    for rate in (float(rng.uniform(0.1, 0.3)), float(rng.uniform(0.6, 0.8))):
        out = dropout(x, rate, seeds[0])
        zeros = out == 0
        assert abs(zeros.mean() - rate) < 0.01, (
            f"rate {rate:.3f}: {zeros.mean():.3f} of the values were dropped"
        )
        np.testing.assert_allclose(
            out[~zeros],
            x[~zeros] / (1 - rate),
            rtol=1e-12,
            err_msg="the survivors are not x / (1 - rate)",
        )
        np.testing.assert_allclose(
            out.mean(), x.mean(), rtol=0.02, err_msg="the mean should stay the same"
        )
    np.testing.assert_array_equal(
        dropout(x, 0.0, seeds[1]), x, err_msg="rate 0 should give an unchanged copy"
    )
    first, again, other = (
        dropout(x, 0.5, seeds[2]),
        dropout(x, 0.5, seeds[2]),
        dropout(x, 0.5, seeds[3]),
    )
    np.testing.assert_array_equal(
        first, again, err_msg="the mask must come from rng alone"
    )
    assert not np.array_equal(first == 0, other == 0), "the mask must come from rng"


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — Four networks, four validation curves (2 points)
#
# Write `run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128)`,
# the chapter's comparison as a function. `build` builds the network as your `build_model`
# does (it takes the same options, and knows the input size); build the four variants with
# it,
#
# * `"baseline"`: `build()`;
# * `"smaller"`: `build(hidden_units=4)`;
# * `"l2"`: `build(l2=0.001)`;
# * `"dropout"`: `build(dropout=0.5)`;
#
# train each with its `fit` on `x_train, y_train` for `epochs` epochs with batch size
# `batch_size`, passing `(x_val, y_val)` as validation data, and return the four `History`
# objects that `fit` returns in a dict with those keys. The validation reviews are only for
# watching the curves, never for training. The cell after yours runs it on this notebook's
# reviews with your `build_model` (about ten seconds) and plots the four curves.
#
# **What is checked**, one point each. The grader calls your function on reviews of its
# own: a fresh draw of the stand-in whose words are shuffled (the same way in every review,
# so they are as learnable as before, but no network trained on other reviews knows them),
# and hands it a `build` of its own, which builds the same networks and notes how each is
# trained.
#
# 1. A short run (600 training and 300 validation reviews, a few epochs, another batch
#    size): each variant is a model that `build` made with that variant's options, trained
#    once by its own `fit` on exactly the training reviews given, validating on the
#    validation reviews given, for `epochs` epochs of `batch_size`, with the optimizer
#    `build` compiled and no other options; the `History` is the one `fit` returned,
#    unchanged, and the model's weights are the ones its training left.
# 2. The full run (2,000 training, 1,000 validation reviews, 12 epochs, batch size 128): the
#    same, both sides of the comparison learned (the baseline, L2 and dropout networks'
#    training accuracy **>= 0.9** and their accuracy on 1,000 further reviews **>= 0.65**),
#    and the remedies do what the chapter says, measured from the final weights without
#    dropout or penalty: dropout overfits less than the baseline (its validation minus
#    training cross-entropy is smaller: **difference <= 0**), and L2 keeps the weights
#    small (the sum of the squared weights of its two hidden layers is at most **0.75**
#    times the baseline's).


# %% nbgrader={"grade": false, "grade_id": "experiment", "locked": false, "schema_version": 3, "solution": true, "task": false}
def run_experiment(build, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):
    """Train the four variants; return their History objects by name."""
    ### BEGIN SOLUTION
    variants = {
        "baseline": {},
        "smaller": {"hidden_units": 4},
        "l2": {"l2": 0.001},
        "dropout": {"dropout": 0.5},
    }
    histories = {}
    for name, options in variants.items():
        model = build(**options)
        histories[name] = model.fit(
            x_train,
            y_train,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(x_val, y_val),
            verbose=0,
        )
    return histories
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "experiment_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
histories = run_experiment(build_model, x_train, y_train, x_val, y_val)
for name, history in histories.items():
    val_loss = history.history["val_loss"]
    print(
        f"{name:9s} lowest validation loss {min(val_loss):.3f} (epoch "
        f"{int(np.argmin(val_loss)) + 1}), "
        f"final {val_loss[-1]:.3f}"
    )

# %% nbgrader={"grade": true, "grade_id": "test_experiment_runs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
assert isinstance(histories, dict) and set(histories) == {
    "baseline",
    "smaller",
    "l2",
    "dropout",
}, "run_experiment must return a dict with the keys baseline, smaller, l2 and dropout"
assert all(len(h.history["val_loss"]) == 12 for h in histories.values()), (
    "12 epochs, with validation data"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import logging

    import lib.checks

    checks = importlib.reload(lib.checks)
    # no retracing notices on stderr
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    rng = checks.grading_rng()
    epochs, batch_size = int(rng.integers(2, 5)), int(rng.choice([50, 64, 100]))
    checks.experiment_run(run_experiment, rng, (600, 300), epochs, batch_size)


_grade()
del _grade
### END HIDDEN TESTS


# %% nbgrader={"grade": true, "grade_id": "test_experiment_effect", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
def cross_entropy(model, x, y):
    """Mean binary cross-entropy of the model's predictions (no dropout, no penalty)."""
    predicted = model.predict(x, batch_size=512, verbose=0)[:, 0]
    return float(keras.ops.mean(keras.losses.binary_crossentropy(y, predicted)))


gaps = {
    name: cross_entropy(histories[name].model, x_val, y_val)
    - cross_entropy(histories[name].model, x_train, y_train)
    for name in ("baseline", "l2", "dropout")
}
print(
    "in your run, validation minus training cross-entropy: "
    + ", ".join(f"{k} {v:.3f}" for k, v in gaps.items())
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import logging

    import lib.checks

    checks = importlib.reload(lib.checks)
    # no retracing notices on stderr
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    rng = checks.grading_rng()
    found, parts = checks.experiment_run(
        run_experiment, rng, (2000, 1000, 1000), 12, 128
    )
    measured = checks.experiment_measures(found, parts)
    learned = ("baseline", "l2", "dropout")
    verdicts = [  # every measurement printed before the verdict
        *(
            checks.needs(
                f"training accuracy of {name}", measured[name]["train"], ">=", 0.9
            )
            for name in learned
        ),
        *(
            checks.needs(
                f"held-out accuracy of {name}", measured[name]["held"], ">=", 0.65
            )
            for name in learned
        ),
        checks.needs(
            "validation minus training cross-entropy of dropout minus that of the "
            "baseline",
            measured["dropout"]["gap"] - measured["baseline"]["gap"],
            "<=",
            0,
        ),
        checks.needs(
            "squared hidden weights of l2 / those of the baseline",
            measured["l2"]["squares"] / measured["baseline"]["squares"],
            "<=",
            0.75,
        ),
    ]
    assert all(verdicts), (
        "on the grader's reviews the networks did not learn, or the remedies did not "
        "do what the chapter says "
        "(dropout: less overfitting; L2: smaller weights), as Task 4 asks (see the "
        "printed measurements)"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# The four validation curves:

# %%
from lib import plots

plots.compare_histories(
    histories, metric="val_loss", title="Validation loss of four variants"
)

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
