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
# yourself, and build a small convnet for Fashion-MNIST (photos of clothes, 28×28 pixels,
# 10 classes) that recognises a garment even when it is not centred, where a dense network
# of the same training budget falls apart.
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

from lib import data, plots
from lib.seeding import exercise_seed, seed_everything

SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
seed_everything(SEED)

# Fashion-MNIST: the first 5,000 training and 2,000 test images of the real data set. The
# course ships them (in lib, verified by checksum); without that file they are
# taken from Debian's dataset-fashion-mnist or downloaded, and must match the same checksum.
# So you, Colab, Binder and the grader all work on exactly the same images.
fashion = data.load_fashion_mnist_sample()
(train_images, train_labels), (test_images, test_labels) = fashion
x_train = train_images[:, :, :, None].astype("float32") / 255
y_train = train_labels
x_test = test_images[:, :, :, None].astype("float32") / 255
y_test = test_labels
print(fashion.provenance.summary())
print("train:", x_train.shape, " test:", x_test.shape)
plots.image_grid(train_images[:8], titles=[fashion.class_names[i] for i in train_labels[:8]], ncols=8)


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
                assert got == expected, f"size {size}, kernel {kernel}, stride {stride}, {padding}: {got} != {expected}"
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
    """Weights and biases of Conv2D(filters, (kernel_size, kernel_size)) over in_channels channels."""
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
    assert isinstance(got, numbers.Integral) and got == layer.count_params(), (channels, filters, kernel)
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
import keras
import tensorflow as tf


def _library_pooling(*args, **kwargs):
    raise AssertionError("max_pool_2x2 must pool with NumPy, not with Keras or TensorFlow")


rng = np.random.default_rng(17)
cases = [rng.normal(size=shape).astype("float32") for shape in ((3, 6, 8, 2), (2, 7, 5, 3), (1, 26, 26, 32))]
expected = [np.asarray(keras.layers.MaxPooling2D(2)(maps)) for maps in cases]
fine = 1 + rng.integers(0, 10**6, size=(2, 6, 10, 3)) * 1e-13
large = rng.integers(2**40, 2**41, size=(2, 5, 6, 2), dtype=np.int64)
exact = [
    (fine, fine.reshape(2, 3, 2, 5, 2, 3).max(axis=(2, 4))),
    (large, large[:, :4, :, :].reshape(2, 2, 2, 3, 2, 2).max(axis=(2, 4))),
]
patched = [
    (keras.layers.MaxPooling2D, "call"),
    (keras.ops, "max_pool"),
    (tf.nn, "max_pool2d"),
    (tf.nn, "max_pool"),
    (tf.nn, "pool"),
    (tf.raw_ops, "MaxPool"),
    (tf.raw_ops, "MaxPoolV2"),
]
saved = [(owner, name, getattr(owner, name)) for owner, name in patched]
try:
    for owner, name, _ in saved:
        setattr(owner, name, _library_pooling)
    results = [max_pool_2x2(maps) for maps in cases]
    exact_results = [max_pool_2x2(maps) for maps, _ in exact]
finally:
    for owner, name, original in saved:
        setattr(owner, name, original)
for maps, want, got in zip(cases, expected, results):
    assert isinstance(got, np.ndarray) and got.shape == want.shape, maps.shape
    np.testing.assert_allclose(got, want, rtol=1e-6)
for (maps, want), got in zip(exact, exact_results):
    assert isinstance(got, np.ndarray) and got.dtype == maps.dtype, f"{maps.dtype} maps gave {got.dtype}"
    np.testing.assert_array_equal(got, want)
before = cases[0].copy()
max_pool_2x2(cases[0])
np.testing.assert_array_equal(cases[0], before, err_msg="the input was modified")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — A convnet that sees garments anywhere (3 points)
#
# Below, a dense network is trained as a baseline: flatten the image, 128 ReLU units,
# softmax, trained with the Adam optimizer. Write `build_convnet()` returning a new compiled
# model for these images: input `(28, 28, 1)`, some `Conv2D` layers with max-pooling between
# them (the chapter's pattern), then `Flatten` and a softmax output of 10 units; **at most
# 100,000 parameters**. The labels are integers, so compile with
# `sparse_categorical_crossentropy` and accuracy, and use Adam like the baseline (in a run
# this short, RMSprop's last steps still jump around and leave the accuracy to chance). Then
# train `convnet = build_convnet()` on `x_train, y_train` only, for **3 epochs** with batch
# size 64, the same budget as the baseline. (About ten seconds.)
#
# What is checked, one point each:
#
# 1. `build_convnet()` returns such a model, and `convnet` was trained on the 5,000 training
#    images for 3 epochs with batch size 64 (no more, no fewer steps);
# 2. `convnet` reaches a **test accuracy of at least 0.70** on the 2,000 test images as they are;
# 3. on test images **shifted by up to 4 pixels** in each direction, a fresh model from your
#    `build_convnet()`, trained by the grader exactly as above (3 epochs, batch size 64,
#    the 5,000 training images), must beat the dense baseline trained the same way by
#    **at least 0.05** in accuracy. So it is your architecture that has to cope with shifts;
#    training on shifted or test images would not help.


# %% nbgrader={"grade": false, "grade_id": "dense_baseline", "locked": true, "schema_version": 3, "solution": false, "task": false}
def shift_images(images, max_shift=4, seed=0):
    """Move each image by a random whole number of pixels (at most max_shift) along each axis."""
    rng = np.random.default_rng(seed)
    shifted = np.empty_like(images)
    for i, image in enumerate(images):
        dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
        shifted[i] = np.roll(image, (dy, dx), axis=(0, 1))
    return shifted


dense_baseline = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
dense_baseline.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
dense_baseline.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
x_test_shifted = shift_images(x_test)
print(
    f"dense baseline ({dense_baseline.count_params():,} parameters): "
    f"test accuracy {dense_baseline.evaluate(x_test, y_test, verbose=0)[1]:.3f}, "
    f"on shifted images {dense_baseline.evaluate(x_test_shifted, y_test, verbose=0)[1]:.3f}"
)
plots.image_grid(x_test_shifted[:8, :, :, 0], titles=[fashion.class_names[i] for i in y_test[:8]], ncols=8)


# %% nbgrader={"grade": false, "grade_id": "build_convnet", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_convnet():
    """A compiled convnet for (28, 28, 1) images and 10 classes, at most 100,000 parameters."""
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
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


### BEGIN SOLUTION
convnet = build_convnet()
convnet.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
### END SOLUTION
print(
    f"convnet ({convnet.count_params():,} parameters): "
    f"test accuracy {convnet.evaluate(x_test, y_test, verbose=0)[1]:.3f}, "
    f"on shifted images {convnet.evaluate(x_test_shifted, y_test, verbose=0)[1]:.3f}"
)

# %% nbgrader={"grade": true, "grade_id": "test_convnet_spec", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras

fresh = build_convnet()
assert isinstance(fresh, keras.Model), "build_convnet must return a Keras model"
assert tuple(fresh.input_shape) == (None, 28, 28, 1) and fresh.output_shape == (None, 10)
assert fresh.count_params() <= 100_000, f"{fresh.count_params():,} parameters is more than 100,000"
### BEGIN HIDDEN TESTS
import numpy as np

assert build_convnet() is not fresh
assert any(isinstance(layer, keras.layers.Conv2D) for layer in fresh.layers), "use Conv2D layers"
assert any(isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)) for layer in fresh.layers), (
    "use pooling between the convolutions"
)
probe = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
np.testing.assert_allclose(np.asarray(fresh.predict(probe, verbose=0)).sum(axis=1), np.ones(4), rtol=1e-4)
assert isinstance(convnet, keras.Model) and convnet.count_params() <= 100_000
assert int(convnet.optimizer.iterations.numpy()) == 3 * int(np.ceil(5000 / 64)), (
    "train convnet for 3 epochs with batch size 64 on x_train"
)
assert convnet.layers[0].input.shape[1:] == (28, 28, 1) and convnet.output_shape == (None, 10)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_convnet_accuracy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

accuracy = float((np.asarray(convnet.predict(x_test, verbose=0)).argmax(axis=1) == y_test).mean())
print(f"test accuracy of convnet: {accuracy:.4f} (needs >= 0.7)")
assert accuracy >= 0.70, "the convnet should reach a test accuracy of at least 0.70"
### BEGIN HIDDEN TESTS
import importlib

import lib.data

importlib.reload(lib.data)
(_, _), (reference_images, reference_labels) = lib.data.load_fashion_mnist_sample()
reference_x = reference_images[:, :, :, None].astype("float32") / 255
accuracy = float((np.asarray(convnet.predict(reference_x, verbose=0)).argmax(axis=1) == reference_labels).mean())
print(f"test accuracy of convnet on the reloaded test images: {accuracy:.4f} (needs >= 0.7)")
assert accuracy >= 0.70
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_convnet_shifted", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

gain = float((np.asarray(convnet.predict(x_test_shifted, verbose=0)).argmax(axis=1) == y_test).mean()) - float(
    (np.asarray(dense_baseline.predict(x_test_shifted, verbose=0)).argmax(axis=1) == y_test).mean()
)
print(f"shifted-test accuracy of convnet minus dense baseline: {gain:.4f} (needs >= 0.05)")
assert gain >= 0.05, "on shifted images the convnet should beat the dense baseline by at least 0.05"
### BEGIN HIDDEN TESTS
import importlib

import keras

import lib.data

importlib.reload(lib.data)
(reference_images, reference_labels), (held_images, held_labels) = lib.data.load_fashion_mnist_sample()
reference_train = reference_images[:, :, :, None].astype("float32") / 255
reference_test = held_images[:, :, :, None].astype("float32") / 255
shifts = np.random.default_rng(1).integers(-4, 5, size=(len(reference_test), 2))
moved = np.stack([np.roll(image, tuple(shift), axis=(0, 1)) for image, shift in zip(reference_test, shifts)])
keras.utils.set_random_seed(0)
dense = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
dense.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
dense.fit(reference_train, reference_labels, epochs=3, batch_size=64, verbose=0)
keras.utils.set_random_seed(0)
fresh = build_convnet()
assert isinstance(fresh, keras.Model) and fresh.count_params() <= 100_000
fresh.fit(reference_train, reference_labels, epochs=3, batch_size=64, verbose=0)
assert int(fresh.optimizer.iterations.numpy()) == 3 * int(np.ceil(len(reference_train) / 64))
dense_accuracy = float(
    (np.asarray(dense.predict(moved, batch_size=500, verbose=0)).argmax(axis=1) == held_labels).mean()
)
conv_accuracy = float(
    (np.asarray(fresh.predict(moved, batch_size=500, verbose=0)).argmax(axis=1) == held_labels).mean()
)
print(
    f"shifted-test accuracy of a fresh build_convnet minus dense: {conv_accuracy - dense_accuracy:.4f} (needs >= 0.05)"
)
assert conv_accuracy - dense_accuracy >= 0.05
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
