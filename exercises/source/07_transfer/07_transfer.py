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
# # Exercise 7 — Reusing a pretrained network
#
# This exercise follows [chapter 7](../../../chapters/07_transfer_learning.ipynb). Transfer learning
# is mostly bookkeeping: which layers learn and which stay frozen, and how many parameters
# that leaves to train. You will count trainable parameters, freeze and unfreeze VGG16's
# layers by name, put a classifier on a frozen convolutional base, write a data
# augmentation block, and finally transfer a small convnet, pretrained on five kinds of
# clothes, to five other classes it never saw, from only 200 labelled images.
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

from lib import data
from lib.seeding import exercise_seed, seed_everything

SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
seed_everything(SEED)

# VGG16's architecture without its ImageNet weights (weights=None): the bookkeeping tasks
# need its layers and parameter counts, not what it learned, so nothing is downloaded.
conv_base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(150, 150, 3))
print(f"VGG16 convolutional base: {len(conv_base.layers)} layers, {conv_base.count_params():,} parameters")
print("layer names:", [layer.name for layer in conv_base.layers])


# %% [markdown]
# ## Task 1 — Count what will learn (1 point)
#
# Write `count_trainable_parameters(model)` returning the number of parameters that
# training would update: the total size of the model's **trainable weights**, as an `int`.
# Frozen layers do not count, and neither do weights that are never trained by gradient
# descent, such as the moving averages of a `BatchNormalization` layer.


# %% nbgrader={"grade": false, "grade_id": "count_trainable", "locked": false, "schema_version": 3, "solution": true, "task": false}
def count_trainable_parameters(model):
    """Total number of values in model.trainable_weights."""
    ### BEGIN SOLUTION
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_count_trainable", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import keras

small = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
count = count_trainable_parameters(small)
assert isinstance(count, numbers.Integral) and not isinstance(count, bool), "return an int"
assert count == 4 * 3 + 3 + 3 * 2 + 2
small.layers[0].trainable = False
assert count_trainable_parameters(small) == 3 * 2 + 2, "a frozen layer does not count"
### BEGIN HIDDEN TESTS
normalized = keras.Sequential(
    [keras.Input(shape=(6,)), keras.layers.Dense(5), keras.layers.BatchNormalization(), keras.layers.Dense(1)]
)
assert count_trainable_parameters(normalized) == (6 * 5 + 5) + 2 * 5 + (5 + 1), (
    "BatchNormalization's moving mean and variance are not trainable"
)
assert count_trainable_parameters(conv_base) == 14_714_688
frozen = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
frozen.trainable = False
assert count_trainable_parameters(frozen) == 0
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — Unfreeze the top block (2 points)
#
# For fine-tuning, the lower layers of the base stay frozen and the top ones learn again.
# Write `freeze_before(model, layer_name)`: every layer of `model` **before** the layer
# called `layer_name` becomes frozen (`trainable = False`), and that layer and **every
# layer after it** become trainable, whatever they were before. The model itself must end up
# trainable (`model.trainable = True`): Keras ignores trainable layers inside a frozen model.
# Mind the order: on a frozen model, `model.trainable = True` makes *every* layer trainable again.
# If no layer has that name, raise a `ValueError` and change nothing. Unfreezing VGG16 from
# `"block5_conv1"` leaves its three block-5 convolutions, 7,079,424 parameters, to train.


# %% nbgrader={"grade": false, "grade_id": "freeze_before", "locked": false, "schema_version": 3, "solution": true, "task": false}
def freeze_before(model, layer_name):
    """Freeze the layers before `layer_name`; make it and all later layers trainable."""
    ### BEGIN SOLUTION
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"no layer named {layer_name!r}")
    first = names.index(layer_name)
    model.trainable = True
    for index, layer in enumerate(model.layers):
        layer.trainable = index >= first
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_freeze_before", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
conv_base.trainable = False  # the whole base frozen first, as for feature extraction
freeze_before(conv_base, "block5_conv1")
trainable_names = [layer.name for layer in conv_base.layers if layer.trainable and layer.weights]
hint = ""
if len(trainable_names) == len([layer for layer in conv_base.layers if layer.weights]):
    hint = (
        " Every layer is trainable again: setting `model.trainable = True` on a frozen model AFTER the loop "
        "sets every layer's `trainable` to True (Keras passes it on to all sublayers). Set it before the loop."
    )
assert trainable_names == ["block5_conv1", "block5_conv2", "block5_conv3"], (
    f"trainable layers with weights: {trainable_names}.{hint}"
)
assert conv_base.trainable, "the model itself must be trainable, or Keras trains none of its layers"
assert sum(w.numpy().size for w in conv_base.trainable_weights) == 7_079_424
### BEGIN HIDDEN TESTS
freeze_before(conv_base, "block4_conv1")
assert sum(w.numpy().size for w in conv_base.trainable_weights) == 1_180_160 + 2 * 2_359_808 + 7_079_424
freeze_before(conv_base, "block5_conv3")
assert [layer.name for layer in conv_base.layers if layer.trainable and layer.weights] == ["block5_conv3"], (
    "layers after the named one that were frozen must be unfrozen, earlier ones frozen"
)
before = [layer.trainable for layer in conv_base.layers]
try:
    freeze_before(conv_base, "no_such_layer")
except ValueError:
    pass
else:
    raise AssertionError("an unknown layer name must raise ValueError")
assert [layer.trainable for layer in conv_base.layers] == before, "a failed call must change nothing"
conv_base.trainable = False
freeze_before(conv_base, "block5_pool")
assert conv_base.trainable and conv_base.get_layer("block5_pool").trainable and not conv_base.trainable_weights
freeze_before(conv_base, conv_base.layers[0].name)
assert sum(w.numpy().size for w in conv_base.trainable_weights) == 14_714_688
small = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        keras.layers.Dense(3, name="first"),
        keras.layers.Dense(3, name="second"),
        keras.layers.Dense(2, name="third"),
    ]
)
freeze_before(small, "second")
assert [layer.trainable for layer in small.layers] == [False, True, True], "works on any model, not only VGG16"
### END HIDDEN TESTS


# %% [markdown]
# ## Task 3 — A classifier on a frozen base (2 points)
#
# Write `build_transfer_model(base)` returning a new compiled `keras.Sequential` model: the
# `base`, then `Flatten`, a dense ReLU layer of 256 units and one sigmoid output unit (cats
# vs dogs in the chapter). The **whole base is frozen** (set this before compiling), so only
# the new layers learn. Compile with RMSprop (learning rate 1e-4), binary cross-entropy and
# accuracy. On VGG16 this gives 16,812,353 parameters of which 2,097,665 are trainable. The tests
# hand your function bases of their own, some of them partly unfrozen; they do not use your
# `freeze_before`, so a mistake in Task 2 costs no points here.


# %% nbgrader={"grade": false, "grade_id": "build_transfer_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_transfer_model(base):
    """base (frozen) -> Flatten -> Dense(256, relu) -> Dense(1, sigmoid), compiled."""
    ### BEGIN SOLUTION
    base.trainable = False
    model = keras.Sequential(
        [
            base,
            keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-4), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_transfer_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import keras

# a fresh VGG16 base, partly unfrozen by the test itself: build_transfer_model must freeze all of it
vgg_base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(150, 150, 3))
for layer in vgg_base.layers:
    layer.trainable = layer.name.startswith("block5")
cats_vs_dogs = build_transfer_model(vgg_base)
assert isinstance(cats_vs_dogs, keras.Model), "return a Keras model"
assert cats_vs_dogs.count_params() == 16_812_353, f"{cats_vs_dogs.count_params():,} parameters"
assert sum(w.numpy().size for w in cats_vs_dogs.trainable_weights) == 2_097_665, "only the new layers may learn"
### BEGIN HIDDEN TESTS
import numpy as np

assert cats_vs_dogs.output_shape == (None, 1)
assert not vgg_base.trainable_weights
assert isinstance(cats_vs_dogs.optimizer, keras.optimizers.RMSprop)
np.testing.assert_allclose(float(cats_vs_dogs.optimizer.learning_rate.numpy()), 1e-4, rtol=1e-6)
assert cats_vs_dogs.loss in ("binary_crossentropy", keras.losses.binary_crossentropy) or isinstance(
    cats_vs_dogs.loss, keras.losses.BinaryCrossentropy
), "binary cross-entropy"
tiny_base = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Conv2D(4, 3)])
tiny = build_transfer_model(tiny_base)
assert tiny.count_params() == (3 * 3 * 3 * 4 + 4) + (6 * 6 * 4 * 256 + 256) + 257
assert sum(w.numpy().size for w in tiny.trainable_weights) == (6 * 6 * 4 * 256 + 256) + 257
probe = np.random.default_rng(0).random((5, 8, 8, 3)).astype("float32")
outputs = np.asarray(tiny.predict(probe, verbose=0)).ravel()
assert ((outputs > 0) & (outputs < 1)).all(), "sigmoid output"
kernel_before = np.asarray(tiny_base.layers[0].kernel).copy()
tiny.fit(probe, np.array([0, 1, 0, 1, 1], dtype="float32"), epochs=2, verbose=0)
np.testing.assert_array_equal(
    np.asarray(tiny_base.layers[0].kernel), kernel_before, err_msg="training changed the frozen base"
)
### END HIDDEN TESTS


# %% [markdown]
# ## Task 4 — Data augmentation as layers (1 point)
#
# Write `make_augmentation()` returning a new `keras.Sequential` of random preprocessing
# layers for photos: a horizontal flip (`RandomFlip("horizontal")`) plus at least one more
# random transformation of your choice (rotation, zoom, translation, ...). Such layers change
# the images only during training and pass them through unchanged at inference.


# %% nbgrader={"grade": false, "grade_id": "make_augmentation", "locked": false, "schema_version": 3, "solution": true, "task": false}
def make_augmentation():
    """Random flips, rotations and zooms, active only in training."""
    ### BEGIN SOLUTION
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomRotation(0.1),
            keras.layers.RandomZoom(0.2),
        ]
    )
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_make_augmentation", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

augment = make_augmentation()
assert isinstance(augment, keras.Sequential), "return a keras.Sequential"
images = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
np.testing.assert_allclose(
    np.asarray(augment(images, training=False)),
    images,
    atol=1e-6,
    err_msg="at inference the images must pass unchanged",
)
### BEGIN HIDDEN TESTS
assert make_augmentation() is not augment
flips = [layer for layer in augment.layers if isinstance(layer, keras.layers.RandomFlip)]
assert flips and flips[0].mode == "horizontal", "flip horizontally (a mirrored cat is still a cat)"
assert len(augment.layers) >= 2, "add at least one more random transformation"
changed = np.asarray(augment(images, training=True))
assert changed.shape == images.shape and not np.allclose(changed, images), "in training the images must change"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Transfer to classes the network never saw (2 points)
#
# The cell below pretrains a small convnet, `source_model`, on the first five
# Fashion-MNIST classes (T-shirt/top, trouser, pullover, dress, coat) and keeps a copy of
# its convolution kernels in `pretrained_kernels`. The new task is the other five classes
# (sandal, shirt, sneaker, bag, ankle boot), relabelled 0–4, with only **200** labelled
# training images (`x_new, y_new`). The data is a real sample of Fashion-MNIST shipped with the course (its first 5,000
# training and 2,000 test images), the same for you and the grader.
#
# Build `transfer_model`, a model from 28×28×1 images to 5 softmax probabilities that
# reuses `source_model`'s own layers up to and including the one named `"flatten"` as a
# **frozen** feature extractor (its pretrained weights must not change), with a new head of
# one `Dense(5, activation="softmax")` layer: `transfer_model(x)` is `head(extractor(x))`.
# Compile it with Adam, `sparse_categorical_crossentropy` and accuracy, and train it on
# `x_new, y_new` only, for 10 epochs with batch size 32. Hint:
# `keras.Model(source_model.inputs[0], source_model.get_layer("flatten").output)` is the
# feature extractor.
#
# What is checked: (1 point) the model is built, frozen, compiled and trained as asked: only the
# head's 8,005 parameters are trainable, the pretrained kernels are inside it unchanged, and
# its optimizer took 10 × 7 steps; (1 point) it really is the pretrained extractor plus your head,
# and its accuracy on the sample's test images of the new classes is **at least 0.82**. (A frozen
# extractor that was never pretrained stays below that; an honest transfer reaches about 0.87.)
# Careful: `trainable = True` on a frozen model (or on a model containing it) makes every one of
# its layers trainable again.
#

# %% nbgrader={"grade": false, "grade_id": "pretraining", "locked": true, "schema_version": 3, "solution": false, "task": false}
fashion = data.load_fashion_mnist_sample()  # real images, the same everywhere
(train_images, train_labels), (test_images, test_labels) = fashion
old_classes, new_classes = train_labels < 5, train_labels >= 5
x_old = train_images[old_classes][:, :, :, None].astype("float32") / 255
y_old = train_labels[old_classes]

source_model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu", name="conv1"),
        keras.layers.MaxPooling2D(2, name="pool1"),
        keras.layers.Conv2D(64, 3, activation="relu", name="conv2"),
        keras.layers.MaxPooling2D(2, name="pool2"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(5, activation="softmax", name="old_classes"),
    ],
    name="source_model",
)
source_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
source_model.fit(x_old, y_old, epochs=3, batch_size=64, verbose=0)
pretrained_kernels = {name: np.asarray(source_model.get_layer(name).kernel).copy() for name in ("conv1", "conv2")}

x_new = train_images[new_classes][:200, :, :, None].astype("float32") / 255
y_new = train_labels[new_classes][:200] - 5
new_test = test_labels >= 5
x_new_test = test_images[new_test][:, :, :, None].astype("float32") / 255
y_new_test = test_labels[new_test] - 5
print(fashion.provenance.summary())
print(
    f"source_model: {source_model.count_params():,} parameters, pretrained on {len(x_old):,} images of "
    f"{fashion.class_names[:5]}"
)
print(f"new task: {len(x_new)} training images of {fashion.class_names[5:]}, {len(x_new_test):,} test images")

# %% nbgrader={"grade": false, "grade_id": "transfer", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
feature_extractor = keras.Model(source_model.inputs[0], source_model.get_layer("flatten").output)
feature_extractor.trainable = False
transfer_model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        feature_extractor,
        keras.layers.Dense(5, activation="softmax"),
    ]
)
transfer_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
transfer_model.fit(x_new, y_new, epochs=10, batch_size=32, verbose=0)
### END SOLUTION
print(
    f"transfer_model: {sum(int(np.prod(w.shape)) for w in transfer_model.trainable_weights):,} "
    "trainable parameters, "
    f"accuracy on the new classes {transfer_model.evaluate(x_new_test, y_new_test, verbose=0)[1]:.3f}"
)

# %% nbgrader={"grade": true, "grade_id": "test_transfer_spec", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

assert isinstance(transfer_model, keras.Model), "transfer_model must be a Keras model"
assert tuple(transfer_model.input_shape) == (None, 28, 28, 1) and transfer_model.output_shape == (None, 5)
trainable = sum(int(np.prod(w.shape)) for w in transfer_model.trainable_weights)
hint = ""
if trainable > 1600 * 5 + 5:
    hint = (
        " The feature extractor is trainable: did you set `trainable = True` on the extractor or the model "
        "after freezing? That makes every layer trainable again. Freeze the extractor, then compile, then fit."
    )
assert trainable == 1600 * 5 + 5, (
    f"{trainable:,} trainable parameters; only the new Dense(5) head (8,005) may learn.{hint}"
)
for name, kernel in pretrained_kernels.items():
    assert np.array_equal(np.asarray(source_model.get_layer(name).kernel), kernel), (
        f"the pretrained {name} changed: freeze the feature extractor before compiling and training"
    )
### BEGIN HIDDEN TESTS
import importlib

import lib.data

importlib.reload(lib.data)
(_, _), (check_images, check_labels) = lib.data.load_fashion_mnist_sample()
old_images = check_images[check_labels < 5][:, :, :, None].astype("float32") / 255
old_accuracy = float(
    (np.asarray(source_model.predict(old_images, verbose=0)).argmax(axis=1) == check_labels[check_labels < 5]).mean()
)
print(f"source_model accuracy on the old classes: {old_accuracy:.4f} (needs >= 0.7)")
assert old_accuracy >= 0.7, "source_model is no longer the model pretrained on the old classes"
frozen_ids = {id(w) for w in transfer_model.non_trainable_weights}
for name in ("conv1", "conv2"):
    layer_kernel = source_model.get_layer(name).kernel
    np.testing.assert_array_equal(np.asarray(layer_kernel), pretrained_kernels[name])
    assert id(layer_kernel) in frozen_ids or any(
        w.shape == layer_kernel.shape and np.array_equal(np.asarray(w), pretrained_kernels[name])
        for w in transfer_model.non_trainable_weights
    ), f"transfer_model must contain the frozen pretrained {name}"
assert isinstance(transfer_model.optimizer, keras.optimizers.Adam), "compile with Adam"
assert int(transfer_model.optimizer.iterations.numpy()) == 10 * int(np.ceil(200 / 32)), (
    "train for 10 epochs with batch size 32 on the 200 images"
)
### END HIDDEN TESTS


# %% nbgrader={"grade": true, "grade_id": "test_transfer_accuracy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
import importlib

import keras
import numpy as np

import lib.data

importlib.reload(lib.data)
(_, _), (check_images, check_labels) = lib.data.load_fashion_mnist_sample()
new_images = check_images[check_labels >= 5][:, :, :, None].astype("float32") / 255
new_labels = check_labels[check_labels >= 5] - 5
old_images = check_images[check_labels < 5][:, :, :, None].astype("float32") / 255
old_accuracy = float(
    (np.asarray(source_model.predict(old_images, verbose=0)).argmax(axis=1) == check_labels[check_labels < 5]).mean()
)
assert old_accuracy >= 0.7, "source_model is no longer the model pretrained on the old classes"
for name in ("conv1", "conv2"):
    np.testing.assert_array_equal(
        np.asarray(source_model.get_layer(name).kernel),
        pretrained_kernels[name],
        err_msg=f"the pretrained {name} changed",
    )
head = transfer_model.layers[-1]
assert isinstance(head, keras.layers.Dense) and head.units == 5, "the head is one Dense(5) layer"
extractor = keras.Model(source_model.inputs[0], source_model.get_layer("flatten").output)
probabilities = np.asarray(transfer_model.predict(new_images, verbose=0))
reference = np.asarray(head(extractor(new_images[:500], training=False)))
np.testing.assert_allclose(
    probabilities[:500], reference, atol=1e-5, err_msg="transfer_model(x) must be head(pretrained extractor(x))"
)
accuracy = float((probabilities.argmax(axis=1) == new_labels).mean())
print(f"transfer_model accuracy on the new classes: {accuracy:.4f} (needs >= 0.82)")
assert accuracy >= 0.82, f"transfer_model reaches only {accuracy:.3f} on the new classes"
### END HIDDEN TESTS


# %% [markdown]
# ## Question — A loop that unfreezes nothing (2 points, graded by hand)
#
# The lecture's fine-tuning slide unfreezes the top block with this loop:
#
# ```python
# for layer in conv_base.layers:
#     if layer.name == 'block5_conv1':
#         set_trainable = True
#     else:
#         layer.trainable = False
# ```
#
# (a) Which layers does it actually leave trainable, and what was it meant to do? (b) Why
# must the base be frozen *before* the model is compiled and trained, and why does
# fine-tuning use a very small learning rate (the lecture uses 1e-5)? Three to six sentences.

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_fine_tuning", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# (a) `set_trainable` is assigned but never used, so the loop only freezes: every layer except
# `block5_conv1` is frozen, and `block5_conv1` keeps whatever state it had. The intent was to
# freeze everything before `block5_conv1` and make it and all later layers (block5_conv2,
# block5_conv3, block5_pool) trainable, e.g. `layer.trainable = set_trainable` after setting
# the flag once the name is reached (what `freeze_before` does). (b) Freezing decides which
# weights the optimizer updates; the randomly initialised new head sends large, noisy
# gradients at first, which would wreck the pretrained features if they were trainable, and
# in Keras changes to `trainable` must happen before `compile` (or be followed by a new
# `compile`) to take effect in training. A tiny learning rate when fine-tuning lets the top
# block adapt slightly without unlearning what it learned on ImageNet.
#
# === BEGIN MARK SCHEME ===
# 1 point for (a): only freezing happens / the flag is unused, with the intended behaviour
# (freeze before block5_conv1, unfreeze it and everything after). 1 point for (b): large
# gradients from the untrained head would destroy the pretrained representation AND trainable
# must be set before compile (or recompile); small learning rate to avoid unlearning.
# === END MARK SCHEME ===
