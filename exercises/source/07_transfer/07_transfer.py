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
# augmentation block, and finally write the two functions that transfer a small convnet,
# pretrained on five kinds of clothes, to five other classes it never saw, from only 200
# labelled images. Every task asks for a function: the hidden tests call it on models,
# images and labels of their own, drawn when they run, and check what comes back.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the
# visible tests there help you; further *hidden* tests decide the grade, so make your code
# do what the task says, not just what the visible tests check. Keep the names the tasks
# ask for. The written question at the end is graded by hand. Before you submit, restart
# the kernel and run all cells: the grader runs the notebook from top to bottom.
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

# VGG16's architecture without its ImageNet weights (weights=None): the bookkeeping
# tasks need its layers and parameter counts, not what it learned, so nothing is
# downloaded.
conv_base = keras.applications.VGG16(
    weights=None, include_top=False, input_shape=(150, 150, 3)
)
print(
    f"VGG16 convolutional base: {len(conv_base.layers)} layers, "
    f"{conv_base.count_params():,} parameters"
)
print("layer names:", [layer.name for layer in conv_base.layers])


# %% [markdown]
# ## Task 1 — Count what will learn (1 point)
#
# Write `count_trainable_parameters(model)` returning the number of parameters that
# training would update: the total size of the model's **trainable weights**, as an `int`.
# Frozen layers do not count, and neither do weights that are never trained by gradient
# descent, such as the moving averages of a `BatchNormalization` layer. The tests call it on
# models of their own.


# %% nbgrader={"grade": false, "grade_id": "count_trainable", "locked": false, "schema_version": 3, "solution": true, "task": false}
def count_trainable_parameters(model):
    """Total number of values in model.trainable_weights."""
    ### BEGIN SOLUTION
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_count_trainable", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import keras

small = keras.Sequential(
    [keras.Input(shape=(4,)), keras.layers.Dense(3), keras.layers.Dense(2)]
)
count = count_trainable_parameters(small)
assert isinstance(count, numbers.Integral) and not isinstance(count, bool), (
    "return an int"
)
assert count == 4 * 3 + 3 + 3 * 2 + 2
small.layers[0].trainable = False
assert count_trainable_parameters(small) == 3 * 2 + 2, "a frozen layer does not count"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import keras

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    def counted(model):
        count = checks.call_student(count_trainable_parameters, model)
        assert isinstance(count, numbers.Integral) and not isinstance(count, bool), (
            "return an int"
        )
        return int(count)

    inputs, hidden = int(rng.integers(3, 40)), int(rng.integers(2, 30))
    normalized = keras.Sequential(
        [
            keras.Input(shape=(inputs,)),
            keras.layers.Dense(hidden),
            keras.layers.BatchNormalization(),
            keras.layers.Dense(1),
        ]
    )
    assert counted(normalized) == (inputs * hidden + hidden) + 2 * hidden + (
        hidden + 1
    ), (
        "BatchNormalization's moving mean and variance are not trainable: count only "
        "trainable weights"
    )
    entry = keras.Input(shape=(inputs,))
    first = keras.layers.Dense(hidden)
    functional = keras.Model(entry, keras.layers.Dense(2)(first(entry)))
    first.trainable = False
    assert counted(functional) == hidden * 2 + 2, (
        "a frozen layer does not count (re-read Task 1)"
    )
    functional.trainable = False
    assert counted(functional) == 0, "a frozen model has nothing to train"
    vgg = keras.applications.VGG16(
        weights=None, include_top=False, input_shape=(32, 32, 3)
    )
    assert counted(vgg) == sum(w.numpy().size for w in vgg.weights)
    vgg.get_layer("block1_conv1").trainable = False
    assert counted(vgg) == sum(w.numpy().size for w in vgg.weights) - (
        3 * 3 * 3 * 64 + 64
    )


_grade()
del _grade
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
# `"block5_conv1"` leaves its three block-5 convolutions, 7,079,424 parameters, to train. The
# tests also call it on models of their own, with other layer names.


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
trainable_names = [
    layer.name for layer in conv_base.layers if layer.trainable and layer.weights
]
hint = ""
if len(trainable_names) == len([layer for layer in conv_base.layers if layer.weights]):
    hint = (
        " Every layer is trainable again: setting `model.trainable = True` on a frozen "
        "model AFTER the loop "
        "sets every layer's `trainable` to True (Keras passes it on to all sublayers). "
        "Set it before the loop."
    )
assert trainable_names == ["block5_conv1", "block5_conv2", "block5_conv3"], (
    f"trainable layers with weights: {trainable_names}.{hint}"
)
assert conv_base.trainable, (
    "the model itself must be trainable, or Keras trains none of its layers"
)
assert sum(w.numpy().size for w in conv_base.trainable_weights) == 7_079_424


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    def freeze(model, name):
        checks.call_student(freeze_before, model, name)

    def trainable_size(model):
        return sum(w.numpy().size for w in model.trainable_weights)

    vgg = keras.applications.VGG16(
        weights=None, include_top=False, input_shape=(32, 32, 3)
    )
    vgg.trainable = False
    freeze(vgg, "block5_conv1")
    assert trainable_size(vgg) == 7_079_424, (
        "re-read Task 2: mind the order of the model's flag and the loop"
    )
    freeze(vgg, "block4_conv1")
    assert trainable_size(vgg) == 1_180_160 + 2 * 2_359_808 + 7_079_424
    freeze(vgg, "block5_conv3")
    assert [
        layer.name for layer in vgg.layers if layer.trainable and layer.weights
    ] == ["block5_conv3"], (
        "layers after the named one that were frozen must be unfrozen, earlier ones "
        "frozen"
    )
    vgg.trainable = False
    freeze(vgg, "block5_pool")
    assert (
        vgg.trainable
        and vgg.get_layer("block5_pool").trainable
        and not vgg.trainable_weights
    )
    freeze(vgg, vgg.layers[0].name)
    assert trainable_size(vgg) == sum(w.numpy().size for w in vgg.weights)

    # a model of the grader's own, functional, with layer names drawn now, some frozen,
    # some not
    tag = f"{int(rng.integers(10**6)):06d}"
    count = int(rng.integers(4, 8))
    names = [f"stage{index}_{tag}" for index in rng.permutation(count)]
    entry = keras.Input(shape=(5,))
    flow = entry
    for name in names:
        flow = keras.layers.Dense(int(rng.integers(2, 6)), name=name)(flow)
    model = keras.Model(entry, flow)
    for layer in model.layers[1:]:
        layer.trainable = bool(rng.integers(2))
    model.trainable = bool(rng.integers(2))
    cut = int(rng.integers(1, count))
    freeze(model, names[cut])
    found = {layer.name: layer.trainable for layer in model.layers if layer.weights}
    assert model.trainable and found == {
        name: index >= cut for index, name in enumerate(names)
    }, (
        "on any model: the layers before the named one frozen, it and every later one "
        "trainable"
    )
    before = [layer.trainable for layer in model.layers]
    try:
        freeze(model, f"missing_{tag}")
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown layer name must raise ValueError")
    assert [layer.trainable for layer in model.layers] == before, (
        "a failed call must change nothing"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — A classifier on a frozen base (2 points)
#
# Write `build_transfer_model(base)` returning a new compiled model: the `base`, then
# `Flatten`, a dense ReLU layer of 256 units and one sigmoid output unit (cats vs dogs in the
# chapter). The **whole base is frozen** (set this before compiling), so only the new layers
# learn, and they are new: freshly initialised, untrained. Compile with RMSprop (learning rate
# 1e-4), binary cross-entropy and accuracy. On VGG16 this gives 16,812,353 parameters of which
# 2,097,665 are trainable. `keras.Sequential` is the natural way to write it; a functional
# model does as well. The tests hand your function bases of their own, some of them partly
# unfrozen, check what the model computes from the base's own weights, and train it; they do
# not use your `freeze_before`, so a mistake in Task 2 costs no points here.


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
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_transfer_model", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import keras

# a fresh VGG16 base, partly unfrozen by the test itself: build_transfer_model must
# freeze all of it
vgg_base = keras.applications.VGG16(
    weights=None, include_top=False, input_shape=(150, 150, 3)
)
for layer in vgg_base.layers:
    layer.trainable = layer.name.startswith("block5")
cats_vs_dogs = build_transfer_model(vgg_base)
assert isinstance(cats_vs_dogs, keras.Model), "return a Keras model"
assert cats_vs_dogs.count_params() == 16_812_353, (
    f"{cats_vs_dogs.count_params():,} parameters"
)
assert sum(w.numpy().size for w in cats_vs_dogs.trainable_weights) == 2_097_665, (
    "only the new layers may learn"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    vgg = keras.applications.VGG16(
        weights=None, include_top=False, input_shape=(150, 150, 3)
    )
    for layer in vgg.layers:
        layer.trainable = bool(rng.integers(2))
    model = checks.call_student(build_transfer_model, vgg)
    checks.assert_genuine_model(model)
    assert sum(w.numpy().size for w in model.weights) == 16_812_353, (
        "base, Flatten, Dense(256), Dense(1): nothing more"
    )
    assert sum(w.numpy().size for w in model.trainable_weights) == 2_097_665, (
        "the whole base must be frozen"
    )
    assert not vgg.trainable_weights, "the whole base must be frozen"
    assert isinstance(model.optimizer, keras.optimizers.RMSprop), "compile with RMSprop"
    assert np.isclose(float(model.optimizer.learning_rate.numpy()), 1e-4, rtol=1e-6), (
        "re-read the learning rate"
    )
    assert model.loss in (
        "binary_crossentropy",
        keras.losses.binary_crossentropy,
    ) or isinstance(model.loss, keras.losses.BinaryCrossentropy), "binary cross-entropy"
    del vgg, model

    # a small base of the grader's own, with weights drawn now: what does the model
    # compute, and what trains?
    size, filters = int(rng.integers(6, 11)), int(rng.integers(2, 7))
    keras.utils.set_random_seed(int(rng.integers(2**31)))
    base = keras.Sequential(
        [
            keras.Input(shape=(size, size, 3)),
            keras.layers.Conv2D(filters, 3, activation="relu"),
        ],
        name=f"base_{int(rng.integers(10**6))}",
    )
    kernel, bias = (np.array(w) for w in base.weights)
    model = checks.call_student(build_transfer_model, base)
    checks.assert_genuine_model(model)
    flat = (size - 2) ** 2 * filters
    head = {
        w.shape: np.array(w, dtype=np.float64)
        for w in (np.asarray(v) for v in model.trainable_weights)
    }
    assert sorted(head) == sorted([(flat, 256), (256,), (256, 1), (1,)]), (
        "only the new Dense(256) and Dense(1) layers may be trainable (re-read Task 3)"
    )
    assert (
        sum(w.numpy().size for w in model.weights)
        == kernel.size + bias.size + flat * 256 + 256 + 257
    )
    assert (
        int(model.optimizer.iterations.numpy()) == 0
        and not head[(256,)].any()
        and not head[(1,)].any()
    ), "return a new, untrained model: its new layers freshly initialised"
    again = checks.call_student(build_transfer_model, base)
    assert again is not model and not any(
        np.array_equal(np.asarray(w), head[(flat, 256)])
        for w in again.trainable_weights
    ), "each call builds new layers of its own"
    probe = rng.random((16, size, size, 3)).astype("float32")
    features = (
        np.maximum(checks.conv2d_valid(probe, kernel, bias), 0)
        .reshape(16, -1)
        .astype(np.float64)
    )
    hidden = np.maximum(features @ head[(flat, 256)] + head[(256,)], 0)
    expected = 1 / (1 + np.exp(-(hidden @ head[(256, 1)] + head[(1,)])))
    outputs = checks.predict(model, probe)
    assert outputs.shape == expected.shape and np.allclose(
        outputs, expected, atol=1e-4
    ), (
        "the model must compute base -> Flatten -> Dense(256, relu) -> Dense(1, "
        "sigmoid) with the base's own weights"
    )
    labels = rng.integers(0, 2, 16).astype("float32")
    checks.call_student(
        keras.Model.fit, model, probe, labels, epochs=2, batch_size=8, verbose=0
    )
    assert np.array_equal(np.asarray(base.weights[0]), kernel), (
        "training changed the frozen base"
    )
    trained = {np.asarray(w).shape: np.asarray(w) for w in model.trainable_weights}
    assert not np.allclose(trained[(flat, 256)], head[(flat, 256)]), (
        "training must change the new layers"
    )


_grade()
del _grade
### END HIDDEN TESTS


# %% [markdown]
# ## Task 4 — Data augmentation as layers (1 point)
#
# Write `make_augmentation()` returning a new Keras model (a `keras.Sequential`, say) of random
# preprocessing layers for photos: a horizontal flip (`RandomFlip("horizontal")`) plus at least
# one more random transformation of your choice (rotation, zoom, translation, ...). Such layers
# change the images only during training, differently each time, and pass them through unchanged
# at inference. The tests check exactly that on images of their own: called with
# `training=True` the model mirrors some images and transforms them in other ways than a mirror,
# differently at every call; with `training=False` it returns them unchanged.


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
assert isinstance(augment, keras.Model), "return a Keras model, e.g. a keras.Sequential"
images = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
np.testing.assert_allclose(
    np.asarray(augment(images, training=False)),
    images,
    atol=1e-6,
    err_msg="at inference the images must pass unchanged",
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    augment = checks.call_student(make_augmentation)
    assert isinstance(augment, keras.Model), (
        "return a Keras model, e.g. a keras.Sequential"
    )
    assert checks.call_student(make_augmentation) is not augment, (
        "return a new model at each call"
    )
    flips = [
        layer
        for layer in augment._flatten_layers(include_self=True, recursive=True)
        if isinstance(layer, keras.layers.RandomFlip)
    ]
    assert any(flip.mode == "horizontal" for flip in flips), (
        "flip horizontally (a mirrored cat is still a cat)"
    )

    height, width = (int(size) for size in rng.integers(24, 40, 2))
    photos = rng.random((8, height, width, 3)).astype("float32")
    kept = np.asarray(checks.call_student(augment, photos, training=False))
    assert kept.shape == photos.shape and np.allclose(kept, photos, atol=1e-5), (
        "at inference the images must pass unchanged"
    )

    # one picture, brighter on the right, with a texture of its own: 32 augmented copies
    # in one batch
    ramp = np.linspace(0.2, 0.8, width)[None, :, None] + 0.2 * rng.random(
        (height, width, 3)
    )
    picture = np.clip(ramp, 0, 1).astype("float32")
    mirror = picture[:, ::-1]
    batch = np.repeat(picture[None], 32, axis=0)
    first = np.asarray(checks.call_student(augment, batch, training=True))
    second = np.asarray(checks.call_student(augment, batch, training=True))
    assert first.shape == batch.shape, "augmentation keeps the images' shape"
    assert not np.allclose(first, second, atol=1e-4), (
        "in training, each call must transform the images anew"
    )
    right_minus_left = first[:, :, width // 2 :].mean(axis=(1, 2, 3)) - first[
        :, :, : width // 2
    ].mean(axis=(1, 2, 3))
    assert (right_minus_left < 0).any(), (
        "in training, some images must come out mirrored left to right"
    )
    assert (right_minus_left > 0).any(), (
        "in training, not every image may come out mirrored"
    )
    neither = [
        np.abs(out - picture).max() > 1e-3 and np.abs(out - mirror).max() > 1e-3
        for out in (*first, *second)
    ]
    assert sum(neither) >= 8, (
        "add at least one more random transformation than the flip"
    )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Transfer to classes the network never saw (3 points)
#
# The cell below pretrains a small convnet, `source_model`, on the first five
# Fashion-MNIST classes (T-shirt/top, trouser, pullover, dress, coat) and keeps a copy of
# its convolution kernels in `pretrained_kernels`. The new task is the other five classes
# (sandal, shirt, sneaker, bag, ankle boot), relabelled 0–4, with only **200** labelled
# training images (`x_new, y_new`). The data is a real sample of Fashion-MNIST shipped with
# the course (its first 5,000 training and 2,000 test images), the same for you and the grader.
#
# Write two functions:
#
# * `build_transfer(source_model, layer_name, num_classes)` returns a new compiled model from
#   28×28×1 images to `num_classes` softmax probabilities. It reuses `source_model`'s own
#   layers up to and including the one called `layer_name` as a **frozen** feature extractor
#   (its pretrained weights must not change), under a new head of one
#   `Dense(num_classes, activation="softmax")` layer: `model(x)` is `head(extractor(x))`.
#   Compile it with Adam, `sparse_categorical_crossentropy` and accuracy, and do not train it
#   here: it comes back untrained. Hint:
#   `keras.Model(source_model.inputs[0], source_model.get_layer(layer_name).output)` is the
#   feature extractor.
# * `train_transfer(model, images, labels)` trains such a compiled model on `images, labels`,
#   all of them and nothing else, for 10 epochs with batch size 32, and returns the `History`.
#
# The cell after them uses them on the new task. Careful: `trainable = True` on a frozen
# model (or on a model containing it) makes every one of its layers trainable again.
#
# What is checked. The hidden tests call your functions on source models, layer names, images
# and labels of their own, drawn when they run; `train_transfer` gets models the grader built
# itself, so a mistake in `build_transfer` costs no points there.
# (1 point) `build_transfer`: only the head is trainable, the model computes
# `head(extractor(x))` with the source model's own unchanged weights, the head is freshly
# initialised, untrained and new at each call, and the model is compiled as asked.
# (1 point) `train_transfer` trains as asked on the images it is given: the optimizer takes
# 10 × ⌈n / 32⌉ steps for n images, the extractor stays unchanged, and the model learns what
# those labels say. The grader takes images of one kind of clothing and labels them by a
# rule of its own (four classes, made up from the extractor's features); after training on
# n of them, the model must agree with that rule on the other images of that kind. It does
# this twice, with two kinds and two rules, and the mean agreement must be **at least
# 55 %** (an honest run: about 75-80 %; a head trained on anything else: about 25-35 %).
# (1 point) On a convnet the grader pretrains itself on the first five classes, a transfer
# model trained by your `train_transfer` on 200 images of the other five reaches an accuracy
# of **at least 0.80** on the sample's test images of those five (an honest transfer: about
# 0.86; a frozen extractor that was never pretrained stays below that).

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
source_model.compile(
    optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
)
source_model.fit(x_old, y_old, epochs=3, batch_size=64, verbose=0)
pretrained_kernels = {
    name: np.asarray(source_model.get_layer(name).kernel).copy()
    for name in ("conv1", "conv2")
}

x_new = train_images[new_classes][:200, :, :, None].astype("float32") / 255
y_new = train_labels[new_classes][:200] - 5
new_test = test_labels >= 5
x_new_test = test_images[new_test][:, :, :, None].astype("float32") / 255
y_new_test = test_labels[new_test] - 5
print(fashion.provenance.summary())
print(
    f"source_model: {source_model.count_params():,} parameters, pretrained on "
    f"{len(x_old):,} images of "
    f"{fashion.class_names[:5]}"
)
print(
    f"new task: {len(x_new)} training images of {fashion.class_names[5:]}, "
    f"{len(x_new_test):,} test images"
)


# %% nbgrader={"grade": false, "grade_id": "transfer_functions", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_transfer(source_model, layer_name, num_classes):
    """source_model's layers up to `layer_name`, frozen, under a new Dense(num_classes,
    softmax); compiled."""
    ### BEGIN SOLUTION
    feature_extractor = keras.Model(
        source_model.inputs[0], source_model.get_layer(layer_name).output
    )
    feature_extractor.trainable = False
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            feature_extractor,
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model
    ### END SOLUTION


def train_transfer(model, images, labels):
    """Train the compiled model on these images and labels: 10 epochs, batch size 32;
    return the History."""
    ### BEGIN SOLUTION
    return model.fit(images, labels, epochs=10, batch_size=32, verbose=0)
    ### END SOLUTION


# %% nbgrader={"grade": false, "grade_id": "transfer_run", "locked": true, "schema_version": 3, "solution": false, "task": false}
transfer_model = build_transfer(source_model, "flatten", 5)
history = train_transfer(transfer_model, x_new, y_new)
_, new_accuracy = transfer_model.evaluate(x_new_test, y_new_test, verbose=0)
print(
    "transfer_model: "
    f"{sum(int(np.prod(w.shape)) for w in transfer_model.trainable_weights):,} "
    "trainable "
    f"parameters, {len(history.epoch)} epochs, accuracy on the new classes "
    f"{new_accuracy:.3f}"
)

# %% nbgrader={"grade": true, "grade_id": "test_build_transfer", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

fresh = build_transfer(source_model, "flatten", 5)
assert isinstance(fresh, keras.Model), "build_transfer must return a Keras model"
assert fresh.predict(x_new[:3], verbose=0).shape == (3, 5), (
    "from 28x28x1 images to 5 probabilities"
)
trainable = sum(int(np.prod(w.shape)) for w in fresh.trainable_weights)
hint = ""
if trainable > 1600 * 5 + 5:
    hint = (
        " The feature extractor is trainable: did you set `trainable = True` on the "
        "extractor or the model "
        "after freezing? That makes every layer trainable again. Freeze the extractor, "
        "then compile."
    )
assert trainable == 1600 * 5 + 5, (
    f"{trainable:,} trainable parameters; only the new Dense(5) head (8,005) may "
    f"learn.{hint}"
)
assert int(fresh.optimizer.iterations.numpy()) == 0, (
    "build_transfer returns the model untrained"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    filters = (int(rng.integers(8, 33)), int(rng.integers(16, 49)))
    source, layer_name = checks.source_convnet(rng, filters=filters)
    weights = checks.source_weights(source)
    everything = [np.array(w) for w in source.weights]
    classes = int(rng.integers(2, 10))
    model = checks.call_student(build_transfer, source, layer_name, classes)
    checks.assert_genuine_model(model)
    images, _ = checks.transfer_images()[1]
    probe = images[rng.choice(len(images), 64, replace=False)]
    # a model whose layers are built when first called is built now
    outputs = checks.predict(model, probe)
    assert outputs.shape == (64, classes), (
        "from 28x28x1 images to num_classes probabilities"
    )
    n_features = 5 * 5 * filters[1]
    kernel, bias = checks.transfer_head(model, n_features, classes, "Task 5")
    extractor_size = sum(w.size for w in weights)
    assert (
        sum(w.numpy().size for w in model.weights)
        == extractor_size + kernel.size + bias.size
    ), (
        "the extractor (the source's layers up to layer_name) and one Dense head, "
        "nothing more"
    )
    assert not bias.any() and int(model.optimizer.iterations.numpy()) == 0, (
        "build_transfer returns a new, untrained model: do not train it there"
    )
    probabilities = checks.transfer_probabilities(
        model, weights, probe, classes, "Task 5", checked=64
    )
    assert np.allclose(probabilities.sum(axis=1), 1), "softmax probabilities"
    again = checks.call_student(build_transfer, source, layer_name, classes)
    other_kernel, _ = checks.transfer_head(again, n_features, classes, "Task 5")
    assert again is not model and not np.array_equal(other_kernel, kernel), (
        "each call builds a new head of its own"
    )
    for found, kept in zip(source.weights, everything):
        assert np.array_equal(np.asarray(found), kept), (
            "build_transfer changed the source model's weights"
        )
    assert isinstance(model.optimizer, keras.optimizers.Adam), "compile with Adam"
    assert model.loss in (
        "sparse_categorical_crossentropy",
        keras.losses.sparse_categorical_crossentropy,
    ) or (isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)), (
        "compile with sparse_categorical_crossentropy"
    )


_grade()
del _grade
### END HIDDEN TESTS


# %% nbgrader={"grade": true, "grade_id": "test_train_transfer", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

assert int(transfer_model.optimizer.iterations.numpy()) == 10 * int(
    np.ceil(len(x_new) / 32)
), "train for 10 epochs with batch size 32 on the images given"
for name, kernel in pretrained_kernels.items():
    assert np.array_equal(np.asarray(source_model.get_layer(name).kernel), kernel), (
        f"the pretrained {name} changed: freeze the feature extractor before compiling "
        "and training"
    )


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    source, layer_name, weights = checks.pretrained_source(rng)
    (train_images, train_labels), (test_images, test_labels) = checks.transfer_images()
    classes, agreements = 4, []
    # Two rules, each on its own kind of clothing: a head trained on other images can
    # match one rule by chance (its random sectors lie in the same plane), hardly two.
    with checks.quiet_tensorflow():  # TensorFlow's retracing notes: four models
        for _ in range(2):
            # one kind of clothing: its class says nothing of the rule's labels
            kind = int(rng.integers(10))
            images = np.concatenate(
                [train_images[train_labels == kind], test_images[test_labels == kind]]
            )
            order = rng.permutation(len(images))
            n = int(rng.integers(150, 251))
            given, other = images[order[:n]], images[order[n:]]
            features = checks.source_features(weights, images[order])
            teacher = checks.transfer_teacher(rng, features, classes)
            labels, other_labels = teacher(features[:n]), teacher(features[n:])
            model = checks.transfer_reference(source, layer_name, classes)
            kernel_before, _ = checks.transfer_head(
                model, features.shape[1], classes, "Task 5"
            )
            history = checks.call_student(train_transfer, model, given, labels)
            assert isinstance(history, keras.callbacks.History), (
                "return the History that fit returns"
            )
            assert len(history.history.get("loss", [])) == 10, "train for 10 epochs"
            steps = int(np.asarray(model.optimizer.iterations))
            assert steps == 10 * int(np.ceil(n / 32)), (
                "train for 10 epochs with batch size 32 on all the images given"
            )
            probabilities = checks.transfer_probabilities(
                model, weights, other, classes, "Task 5"
            )
            kernel_after, _ = checks.transfer_head(
                model, features.shape[1], classes, "Task 5"
            )
            assert not np.allclose(kernel_after, kernel_before), (
                "training must change the head"
            )
            agreements.append(checks.accuracy(probabilities, other_labels))
    assert checks.needs(
        "agreement with the grader's labelling rules on other images (mean of two)",
        float(np.mean(agreements)),
        ">=",
        0.55,
    ), (
        "the model did not learn what the labels it was given say: train on the images "
        "and labels given, only"
    )


_grade()
del _grade
### END HIDDEN TESTS


# %% nbgrader={"grade": true, "grade_id": "test_transfer_accuracy", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)
    rng = checks.grading_rng()

    source, layer_name, weights = checks.pretrained_source(rng)
    (images, labels), (test_images, test_labels) = checks.transfer_images()
    new = rng.permutation(np.flatnonzero(labels >= 5))[:200]
    renumber = rng.permutation(5)
    model = checks.transfer_reference(source, layer_name, 5)
    checks.call_student(train_transfer, model, images[new], renumber[labels[new] - 5])
    steps = int(np.asarray(model.optimizer.iterations))
    assert steps == 10 * 7, (
        "train for 10 epochs with batch size 32 on all the images given"
    )
    held = np.flatnonzero(test_labels >= 5)
    probabilities = checks.transfer_probabilities(
        model, weights, test_images[held], 5, "Task 5"
    )
    accuracy = checks.accuracy(probabilities, renumber[test_labels[held] - 5])
    assert checks.needs("transfer accuracy on the new classes", accuracy, ">=", 0.8), (
        "the transfer model trained by train_transfer is not accurate enough on the "
        "new classes"
    )


_grade()
del _grade
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
