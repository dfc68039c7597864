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
# # Exercise 6 — Convolutional networks for Fashion-MNIST
#
# This exercise follows [chapter 6](../../../chapters/06_convnets.ipynb). You will compute
# what convolution and pooling layers do to shapes and parameter counts, write max-pooling
# yourself, and build a dense baseline and a small convnet for Fashion-MNIST (photos of
# clothes, 28×28 pixels, 10 classes): the convnet recognises a garment even when it is not
# centred, where the dense network of the same training budget falls apart.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. Keep the names the tasks
# ask for. Where a task asks for a function that builds a network, the grader calls it and
# trains the new model itself, on its own random draw of the images; the models this
# notebook trains are there for your own feedback and earn no points by themselves. The
# written question at the end is graded by hand. Before you submit, restart the kernel and
# run all cells: the grader runs the notebook from top to bottom.
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

from lib import data, plots
from lib.seeding import exercise_seed, seed_everything

# 42 for you; the grader gives each student a seed of their own
SEED = exercise_seed(42)
seed_everything(SEED)

# Fashion-MNIST: the first 5,000 training and 2,000 test images of the real data set.
# The course ships them (in lib, verified by checksum); without that file they are taken
# from Debian's dataset-fashion-mnist or downloaded, and must match the same checksum.
# So you, Colab, Binder and the grader all work on exactly the same images.
fashion = data.load_fashion_mnist_sample()
(train_images, train_labels), (test_images, test_labels) = fashion
x_train = train_images[:, :, :, None].astype("float32") / 255
y_train = train_labels
x_test = test_images[:, :, :, None].astype("float32") / 255
y_test = test_labels
print(fashion.provenance.summary())
print("train:", x_train.shape, " test:", x_test.shape)
plots.image_grid(
    train_images[:8], titles=[fashion.class_names[i] for i in train_labels[:8]], ncols=8
)


# %% [markdown]
# ## Task 1 — Output sizes (2 points)
#
# A convolution with a `k × k` kernel and stride `s` over an input of `n × n` pixels gives
# `floor((n - k) / s) + 1` positions per side with `padding="valid"` (the window stays
# inside the input) and `ceil(n / s)` with `padding="same"` (zeros are added around the
# input). Max-pooling with a `p × p` window and stride `p` follows the same rule. Write
# `conv_output_size(size, kernel_size, stride=1, padding="valid")` returning the output size
# along one side as an `int`.


# %% nbgrader={"grade": false, "grade_id": "conv_output_size", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv_output_size(size, kernel_size, stride=1, padding="valid"):
    """Positions per side of a convolution or pooling window over `size` pixels."""
    ### BEGIN SOLUTION
    if padding == "valid":
        return (size - kernel_size) // stride + 1
    if padding == "same":
        return -(-size // stride)
    raise ValueError(f"unknown padding {padding!r}")
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_output_size", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numbers

assert isinstance(conv_output_size(28, 3), numbers.Integral), "return an int"
assert conv_output_size(28, 3) == 26
assert conv_output_size(26, 2, stride=2) == 13, "a 2×2 max-pooling halves 26 to 13"
assert conv_output_size(28, 3, padding="same") == 28
### BEGIN HIDDEN TESTS
import keras

for size in (5, 7, 13, 28, 31):
    for kernel in (1, 2, 3, 5):
        for stride in (1, 2, 3):
            for padding in ("valid", "same"):
                if kernel > size:
                    continue
                layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
                expected = layer.compute_output_shape((None, size, size, 1))[1]
                got = conv_output_size(size, kernel, stride=stride, padding=padding)
                assert isinstance(got, numbers.Integral) and not isinstance(got, bool)
                assert got == expected, (
                    f"size {size}, kernel {kernel}, stride {stride}, {padding}: {got} "
                    f"!= {expected}"
                )
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — Parameters of a convolution layer (1 point)
#
# Each of the `filters` output channels has one `k × k` kernel per input channel plus one
# bias. Write `conv_params(in_channels, filters, kernel_size)` returning the number of
# parameters of a `Conv2D(filters, kernel_size)` layer applied to an input with
# `in_channels` channels. (The chapter's second layer, 64 filters of 3×3 over 32 channels,
# has 18,496.)


# %% nbgrader={"grade": false, "grade_id": "conv_params", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv_params(in_channels, filters, kernel_size):
    """Weights and biases of Conv2D(filters, (kernel_size, kernel_size)) over
    in_channels channels."""
    ### BEGIN SOLUTION
    return (kernel_size * kernel_size * in_channels + 1) * filters
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_conv_params", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
assert conv_params(32, 64, 3) == 18_496
assert conv_params(1, 32, 3) == 320
### BEGIN HIDDEN TESTS
import numbers

import keras

for channels, filters, kernel in ((3, 8, 5), (64, 64, 3), (16, 4, 1), (2, 7, 4)):
    layer = keras.layers.Conv2D(filters, kernel)
    layer.build((None, 12, 12, channels))
    got = conv_params(channels, filters, kernel)
    assert isinstance(got, numbers.Integral) and got == layer.count_params(), (
        channels,
        filters,
        kernel,
    )
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — Max-pooling by hand (2 points)
#
# Write `max_pool_2x2(feature_maps)`: given a batch of feature maps of shape
# `(n, height, width, channels)`, return the maximum of every non-overlapping 2×2 window,
# per channel, as an array of shape `(n, height // 2, width // 2, channels)` (an odd last
# row or column is dropped, as `MaxPooling2D` does). Use NumPy, without loops over pixels
# (hint: reshape so that each window gets its own two axes). The point is to do it
# yourself: an answer that calls Keras's or TensorFlow's pooling gets no points. The result
# keeps the input's dtype and exact values (float64 maps give float64 maxima, integer maps
# integers), as NumPy's `max` does; leave the input unchanged.


# %% nbgrader={"grade": false, "grade_id": "max_pool", "locked": false, "schema_version": 3, "solution": true, "task": false}
def max_pool_2x2(feature_maps):
    """2×2 max-pooling with stride 2 of an (n, h, w, c) array."""
    ### BEGIN SOLUTION
    maps = np.asarray(feature_maps)
    n, height, width, channels = maps.shape
    cropped = maps[:, : height // 2 * 2, : width // 2 * 2, :]
    windows = cropped.reshape(n, height // 2, 2, width // 2, 2, channels)
    return windows.max(axis=(2, 4))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_max_pool", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numpy as np

maps = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
pooled = max_pool_2x2(maps)
assert isinstance(pooled, np.ndarray), "return a numpy array"
assert pooled.shape == (1, 2, 2, 1), f"expected shape (1, 2, 2, 1), got {pooled.shape}"
np.testing.assert_array_equal(pooled[0, :, :, 0], [[5, 7], [13, 15]])
precise = 1 + np.arange(16, dtype="float64").reshape(1, 4, 4, 1) * 1e-12
assert max_pool_2x2(precise).dtype == np.float64, "float64 maps give float64 maxima"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()
    shapes = [
        (3, 6, 8, 2),
        (2, 7, 5, 3),
        (1, 26, 26, 32),
        tuple(int(n) for n in rng.integers((1, 2, 2, 1), (4, 13, 13, 6))),
    ]
    cases = [rng.normal(size=shape).astype("float32") for shape in shapes]
    fine = 1 + rng.integers(0, 10**6, size=(2, 6, 10, 3)) * 1e-13
    large = rng.integers(2**40, 2**41, size=(2, 5, 6, 2), dtype=np.int64)
    results = []
    for maps in [*cases, fine, large]:
        before = maps.copy()
        got, ran = checks.call_student(checks.libraries_run_by, max_pool_2x2, maps)
        assert not ran, (
            "max_pool_2x2 must pool with NumPy alone (re-read Task 3): it ran "
            + ", ".join(ran[:3])
        )
        np.testing.assert_array_equal(
            maps, before, err_msg="max_pool_2x2 changed its input"
        )
        assert isinstance(got, np.ndarray), "max_pool_2x2 must return a NumPy array"
        results.append(got)
    for maps, got in zip(cases, results):
        want = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2)(maps))
        assert got.shape == want.shape, (
            f"maps of shape {maps.shape} gave the wrong shape: re-read Task 3"
        )
        np.testing.assert_allclose(
            got, want, rtol=1e-6, err_msg="not the maximum of each 2×2 window"
        )
    for maps, got in zip((fine, large), results[len(cases) :]):
        n, height, width, channels = maps.shape
        cropped = maps[:, : height // 2 * 2, : width // 2 * 2]
        want = cropped.reshape(n, height // 2, 2, width // 2, 2, channels).max(
            axis=(2, 4)
        )
        assert got.dtype == maps.dtype, (
            "the maxima should keep the maps' dtype and exact values"
        )
        np.testing.assert_array_equal(
            got, want, err_msg="the maxima should keep the maps' exact values"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — A dense baseline (1 point)
#
# A convnet is worth its complexity only if it beats a simpler network trained the same way.
# Write `build_dense_baseline()` returning a **new compiled** Keras model for these images:
# input `(28, 28, 1)`, flattened, one layer of **128 ReLU units**, a **softmax output of 10
# units** (101,770 parameters), compiled with the Adam optimizer, the loss
# `sparse_categorical_crossentropy` (the labels are integers) and accuracy. `Sequential`,
# functional or subclassed: your choice. Every model in this exercise trains for **3 epochs
# with batch size 64** on 5,000 images; the cell after yours does that with
# `keras.Model.fit`, and measures the model on the test images as they are and shifted by
# up to 4 pixels in each direction (`shift_images`).
#
# **What is checked.** The grader calls your function and trains the new model itself,
# with Keras's own `fit` (3 epochs, batch size 64), on its own draw: 5,000 training and
# 2,000 held-out images taken at random from the 7,000 of this notebook, the classes
# renumbered and the pixels shuffled, the same way in every image (a dense network does
# not care where a pixel is, so it learns them as well as the originals). Your model must
# compute flatten → 128 ReLU units → softmax, and its held-out accuracy must be **at least
# the grader's own dense network's minus 0.05**, that network trained the same way on the
# same draw. So a baseline that cannot learn as a dense network does gets no point.


# %% nbgrader={"grade": false, "grade_id": "shift_images", "locked": true, "schema_version": 3, "solution": false, "task": false}
def shift_images(images, max_shift=4, seed=0):
    """Move each image by a random whole number of pixels (at most max_shift) along
    each axis."""
    rng = np.random.default_rng(seed)
    shifted = np.empty_like(images)
    for i, image in enumerate(images):
        dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
        shifted[i] = np.roll(image, (dy, dx), axis=(0, 1))
    return shifted


x_test_shifted = shift_images(x_test)
plots.image_grid(
    x_test_shifted[:8, :, :, 0],
    titles=[fashion.class_names[i] for i in y_test[:8]],
    ncols=8,
)


# %% nbgrader={"grade": false, "grade_id": "build_dense_baseline", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_dense_baseline():
    """A new compiled dense network: flatten, 128 ReLU units, softmax over 10 classes;
    Adam."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "train_dense_baseline", "locked": true, "schema_version": 3, "solution": false, "task": false}
def report(name, model):
    """Test accuracy of a trained model on the test images as they are and shifted."""
    plain = model.evaluate(x_test, y_test, verbose=0)[1]
    shifted = model.evaluate(x_test_shifted, y_test, verbose=0)[1]
    print(
        f"{name} ({model.count_params():,} parameters): test accuracy {plain:.3f}, on "
        f"shifted images {shifted:.3f}"
    )
    return plain, shifted


dense_baseline = build_dense_baseline()
dense_baseline.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
dense_plain, dense_shifted = report("dense baseline", dense_baseline)

# %% nbgrader={"grade": true, "grade_id": "test_dense_baseline", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

fresh = build_dense_baseline()
assert isinstance(fresh, keras.Model), "build_dense_baseline must return a Keras model"
assert fresh is not build_dense_baseline(), (
    "build_dense_baseline must build a new model on every call"
)
outputs = np.asarray(fresh.predict(x_test[:4], verbose=0))
assert outputs.shape == (4, 10), (
    "the model should take (28, 28, 1) images and give 10 outputs per image"
)
np.testing.assert_allclose(
    outputs.sum(axis=1), 1, rtol=1e-4, err_msg="end with a softmax over the 10 classes"
)
assert fresh.count_params() == 101_770, (
    "flatten, 128 ReLU units, 10 softmax units: re-read Task 4"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    model = checks.call_student(build_dense_baseline)
    assert isinstance(model, keras.Model), (
        "build_dense_baseline must return a Keras model"
    )
    assert model is not checks.call_student(build_dense_baseline), (
        "build_dense_baseline must build a new model"
    )
    rng = checks.grading_rng()
    (x_train, y_train), (x_held, y_held) = checks.fashion_draw(rng, turn=False)
    pixels = rng.permutation(28 * 28)
    x_train, x_held = (
        checks.shuffle_pixels(x_train, pixels),
        checks.shuffle_pixels(x_held, pixels),
    )
    probabilities = checks.predict(model, x_held[:64])
    assert probabilities.shape == (64, 10), (
        "the model should take (28, 28, 1) images and give 10 outputs per image"
    )
    logits = checks.dense_baseline_logits(model, x_held[:64])
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(probabilities, expected, atol=1e-4), (
        "the model should compute flatten -> 128 ReLU units -> softmax over 10 "
        "classes: re-read Task 4"
    )
    checks.train_as_the_task_says(model, x_train, y_train)
    reference = checks.dense_reference()
    checks.train_as_the_task_says(reference, x_train, y_train)
    mine = checks.accuracy(checks.dense_baseline_logits(model, x_held), y_held)
    theirs = checks.accuracy(checks.dense_baseline_logits(reference, x_held), y_held)
    print(
        f"held-out accuracy: build_dense_baseline() {mine:.3f}, the grader's dense "
        f"network {theirs:.3f}"
    )
    assert checks.needs(
        "held-out accuracy of build_dense_baseline() minus the grader's dense network",
        mine - theirs,
        ">=",
        -0.05,
    ), (
        "trained as the task says, your dense baseline learns less than a dense "
        "network of that shape: "
        "check its optimizer, loss and activations (Task 4)"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — A convnet that sees garments anywhere (2 points)
#
# Write `build_convnet()` returning a **new, untrained, compiled** model for the same images:
# input `(28, 28, 1)`, some `Conv2D` layers with max-pooling between them (the chapter's
# pattern), then `Flatten` and a softmax output of 10 units; **at most 100,000 parameters**.
# Compile it like the baseline, with Adam (met in chapter 5; the thresholds below were
# measured with it), `sparse_categorical_crossentropy` and accuracy. Keras layers only:
# no augmentation layers, no Python functions or stored data inside the model, and
# windows of at least 2 pixels (a 1×1 window sees no neighbourhood); the point is what
# the architecture does. `Sequential`, functional or subclassed: your choice (a
# subclassed model defines `call`; the grader trains and measures it with Keras's own
# methods). The cell after yours trains one exactly like the baseline and compares the
# two. (About ten seconds.)
#
# **What is checked.** The grader calls your `build_convnet()` and trains the new model
# itself, with Keras's own `fit` for 3 epochs with batch size 64, on its own draw: 5,000
# training and 2,000 held-out images taken at random from the 7,000 of this notebook, all
# of them turned by quarter turns and/or mirrored (the same way for every image), the
# classes renumbered. Next to it, the grader trains its own dense baseline (Task 4's
# network) the same way. One point each:
#
# 1. your convnet reaches a **held-out accuracy of at least 0.70**, on the held-out images as
#    they are;
# 2. on the held-out images **shifted by up to 4 pixels** in each direction (offsets drawn
#    after training), your convnet beats the dense baseline by **at least 0.05** in accuracy
#    (and the dense baseline must have learned: on the images as they are it must reach at
#    least 0.60).
#
# So it is your architecture that has to cope with shifts: weights prepared in advance,
# training on shifted or test images, or a training loop of your own would not help.


# %% nbgrader={"grade": false, "grade_id": "build_convnet", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_convnet():
    """A new compiled convnet for (28, 28, 1) images and 10 classes, at most 100,000
    parameters."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "train_convnet", "locked": true, "schema_version": 3, "solution": false, "task": false}
convnet = build_convnet()
convnet.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
convnet_plain, convnet_shifted = report("convnet", convnet)
print(
    "on shifted images, the convnet beats the dense baseline by "
    f"{convnet_shifted - dense_shifted:.3f}"
)

# %% nbgrader={"grade": true, "grade_id": "test_convnet_accuracy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

fresh = build_convnet()
assert isinstance(fresh, keras.Model), "build_convnet must return a Keras model"
assert fresh is not build_convnet(), (
    "build_convnet must build a new model on every call"
)
outputs = np.asarray(fresh.predict(x_test[:4], verbose=0))
assert outputs.shape == (4, 10), (
    "the model should take (28, 28, 1) images and give 10 outputs per image"
)
np.testing.assert_allclose(
    outputs.sum(axis=1), 1, rtol=1e-4, err_msg="end with a softmax over the 10 classes"
)
assert fresh.count_params() <= 100_000, (
    f"{fresh.count_params():,} parameters is more than 100,000"
)
print(
    f"your convnet in this notebook: test accuracy {convnet_plain:.3f} (the grader "
    "asks for 0.70 on its own draw)"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import lib.checks

    checks = importlib.reload(lib.checks)
    with checks.quiet_tensorflow():
        model = checks.convnet_as_the_task_says(build_convnet)
        rng = checks.grading_rng()
        (x_train, y_train), (x_held, y_held) = checks.fashion_draw(rng)
        checks.train_as_the_task_says(model, x_train, y_train)
        accuracy = checks.accuracy(checks.predict(model, x_held), y_held)
    assert checks.needs(
        "held-out accuracy of a fresh build_convnet() on the grader's draw",
        accuracy,
        ">=",
        0.70,
    ), (
        "trained as the task says on the grader's images, your convnet learns too "
        "little: "
        "re-read Task 5 and compare your layers with the chapter's"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_convnet_shifted", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
print(
    "your convnet in this notebook beats the dense baseline on shifted images by "
    f"{convnet_shifted - dense_shifted:.3f}"
    " (the grader asks for 0.05 on its own draw)"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import lib.checks

    checks = importlib.reload(lib.checks)
    with checks.quiet_tensorflow():
        model = checks.convnet_as_the_task_says(build_convnet)
        rng = checks.grading_rng()
        (x_train, y_train), (x_held, y_held) = checks.fashion_draw(rng)
        checks.train_as_the_task_says(model, x_train, y_train)
        dense = checks.dense_reference()
        checks.train_as_the_task_says(dense, x_train, y_train)
        dense_plain = checks.accuracy(
            checks.dense_baseline_logits(dense, x_held), y_held
        )
        assert dense_plain >= 0.60, (
            "the grader's dense baseline did not learn: has something changed how "
            "Keras trains?"
        )
        shifted = checks.roll_images(x_held, rng.integers(-4, 5, size=(len(x_held), 2)))
        convnet_shifted = checks.accuracy(checks.predict(model, shifted), y_held)
    dense_shifted = checks.accuracy(
        checks.dense_baseline_logits(dense, shifted), y_held
    )
    print(
        f"shifted held-out accuracy: build_convnet() {convnet_shifted:.3f}, dense "
        f"baseline {dense_shifted:.3f}"
    )
    gain = convnet_shifted - dense_shifted
    assert checks.needs(
        "shifted held-out accuracy of a fresh build_convnet() minus the dense baseline",
        gain,
        ">=",
        0.05,
    ), (
        "trained as the task says on the grader's images, your convnet copes with "
        "shifts hardly better than a dense "
        "network: re-read the chapter on convolution and pooling (Task 5)"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Question — Why the convnet copes with shifts (2 points, graded by hand)
#
# In three to six sentences: why does the dense network lose so much accuracy on shifted
# images while the convnet loses less? Which part of the convnet is responsible, the
# convolutions, the pooling, or both? And use your `conv_output_size` and `conv_params` to
# say what would happen to the size of the `Dense` layer after `Flatten` if you removed all
# pooling layers from the chapter's network.

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_shifts", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# A dense layer has one weight per pixel and unit, so a pattern it learned at one position
# means nothing to it at another: a shifted sleeve lands on different weights. A convolution
# slides the same small filter over every position, so it detects an edge or a texture
# wherever it occurs (its feature maps shift with the input), and max-pooling then keeps the
# strongest response in each window, so small shifts barely change the pooled maps; after a
# few conv/pool stages the representation is largely insensitive to shifts of a few pixels.
# Both parts contribute: convolutions give translation-equivariant features, pooling turns
# that into approximate invariance. Without pooling, the chapter's three 3×3 convolutions map
# 28×28 to 22×22×64 = 30,976 values instead of 3×3×64 = 576, so a 64-unit dense layer after
# Flatten would need 30,976 × 64 + 64 ≈ 2 million parameters instead of 36,928.
#
# === BEGIN MARK SCHEME ===
# 1 point: weight sharing / local filters applied at every position vs position-specific dense
# weights, and pooling adding tolerance to small shifts. 1 point: the no-pooling computation
# (22×22×64 = 30,976 inputs to the dense layer; about 2 million parameters vs 36,928), or an
# equivalent correct calculation.
# === END MARK SCHEME ===
