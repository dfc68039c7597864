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
# # 7. Transfer learning: reusing a pretrained convnet
#
# Deep networks need many examples, but many real problems come with few: here, 2,000
# training photos of cats and dogs. A convnet trained from scratch on so little data
# overfits quickly. The way out is to borrow a network that has already learned to see: a
# convnet trained on ImageNet {cite}`deng2009`, more than a million photos of 1,000 kinds
# of objects. The patterns
# it learned, from edges and textures up to eyes and fur, are useful far beyond the classes
# it was trained on. This chapter reuses the convolutional part of **VGG16**
# {cite}`simonyan2015` in the three ways the lecture shows {cite}`vanschoren_deck`: fast
# feature extraction, feature extraction with data augmentation, and fine-tuning.
# Chollet's book {cite}`chollet2017`, on which the lecture builds, works through the same
# three on the same photos.
#
# **Reference result** (real photos, ImageNet weights, the `full` profile): the lecture
# reports that feature extraction with data augmentation on a frozen VGG16 reaches about
# **96 % validation accuracy**, with very little overfitting.


# %% tags=["remove-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% [markdown]
# ## The data: cats and dogs
#
# The images come from the Kaggle *Dogs vs. Cats* collection, photos from Microsoft's
# Asirra project {cite}`elson2007asirra` (the archive Microsoft publishes). As in the
# lecture we use a small part of it: per class 1,000 training, 500 validation and 500 test
# images (the `full` profile), in one folder per split and class. The pretrained weights
# are downloaded once and checked; offline, `vgg16_weights` returns `None`, which makes
# Keras start from random weights. Such a run uses generated stand-in images and a VGG16
# with *random* weights: every step runs, but nothing pretrained is transferred, so its
# numbers say nothing about transfer learning. The run card says what this page ran with.

# %% tags=["hide-cell"]
# How much this chapter trains in each compute profile (lib.profiles). VGG16 is slow on
# a CPU, so `cpu` and `smoke` use a few dozen images and a few epochs; `full` uses the
# lecture's images and epochs, and wants a GPU. `cpu` also feeds batches of 10 images
# instead of the lecture's 20, which keeps the chapter within 1.5 GB of memory. One line
# per setting, its values in (full, cpu, smoke); per_class: images per class for (train,
# validation, test).
from lib import profiles

PROFILES = profiles.table(
    per_class=((1000, 500, 500), (40, 20, 20), (4, 2, 2)),
    batch_size=(20, 10, 2),
    feature_epochs=(30, 30, 10),
    augmented_epochs=(30, 4, 2),
    fine_tune_epochs=(100, 4, 2),
)

# %% tags=["remove-stderr"]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import layers

from lib import chapter, data, freezing, plots, vision
from lib.runcard import show_run_card

# %% tags=["remove-stderr"]
config = chapter.start(PROFILES, seed=42)

# %% tags=["remove-stderr"]
folders = data.load_cats_vs_dogs(per_class=config.per_class)
vgg16_weights_path, weights_provenance = data.vgg16_weights()
show_run_card(
    "Chapter 7 — transfer learning",
    config.profile,
    config.seed,
    [folders.provenance, weights_provenance],
)

# %%
for split in (folders.train_dir, folders.validation_dir, folders.test_dir):
    counts = {
        name: len(list((split / name).glob("*.jpg"))) for name in folders.class_names
    }
    print(f"{split.name:10s}", counts)


# %% [markdown]
# `keras.utils.image_dataset_from_directory` turns such a folder tree into a dataset of
# batches: it finds the class folders (`cats` → 0, `dogs` → 1), decodes the JPEGs, resizes
# them to 150×150 and yields (images, labels) batches, reshuffling the training images in
# every epoch. Validation and test images keep their order.


# %%
def image_dataset(directory, shuffle):
    return keras.utils.image_dataset_from_directory(
        directory,
        image_size=(150, 150),
        batch_size=config.batch_size,
        label_mode="binary",
        shuffle=shuffle,
        seed=config.seed,
    )


train_dataset = image_dataset(folders.train_dir, shuffle=True)
validation_dataset = image_dataset(folders.validation_dir, shuffle=False)
test_dataset = image_dataset(folders.test_dir, shuffle=False)

# %%
sample_images, sample_labels = next(iter(train_dataset))
labels = keras.ops.convert_to_numpy(sample_labels)[:6, 0]
names = [folders.class_names[int(label)] for label in labels]
images = keras.ops.convert_to_numpy(sample_images)[:6]
figure = plots.image_grid(images, titles=names, ncols=6, size=1.8)


# %% [markdown]
# VGG16 was trained on images prepared in a particular way: colour channels in BGR order
# and the ImageNet mean colour subtracted. `keras.applications.vgg16.preprocess_input`
# does exactly that, and we apply it to every batch as it is loaded. (The lecture's code
# rescaled pixels to 0–1 instead, which is not what the pretrained weights expect.)


# %%
def vgg16_inputs(images, labels):
    return keras.applications.vgg16.preprocess_input(images), labels


train_inputs = train_dataset.map(vgg16_inputs)
validation_inputs = validation_dataset.map(vgg16_inputs)
test_inputs = test_dataset.map(vgg16_inputs)

# %% [markdown]
# ## Reusing a pretrained network
#
# An image classifier built as a convnet has two parts: a **convolutional base** (the
# stack of convolution and pooling layers) and a **classifier** on top (dense layers).
# Only the base is worth reusing:
#
# * its feature maps say *where* generic visual patterns occur, which helps in almost any
#   vision task, whereas the classifier is built for ImageNet alone: its outputs are
#   scores of the 1,000 ImageNet classes, and its first dense layer expects the flattened
#   7 × 7 × 512 maps of a 224 × 224 image, so it fits neither new classes nor another
#   input size;
# * how generic a layer is depends on its depth: early layers detect edges, colours and
#   textures, later ones more abstract, class-specific parts (an ear, an eye). The further
#   the new task is from ImageNet, the fewer top layers are worth keeping as they are.
#
# VGG16 {cite}`simonyan2015` is a simple, deep stack of 3×3 convolutions and
# 2×2 max-poolings in five blocks. `include_top=False` leaves out its classifier, and we
# ask for 150×150 colour images.

# %% tags=["build-model"]
conv_base = keras.applications.VGG16(
    weights=vgg16_weights_path,  # the ImageNet weights, or None (random) offline
    include_top=False,
    input_shape=(150, 150, 3),
)
conv_base.summary()

# %% [markdown]
# Each block halves height and width with its pooling layer: 150 → 75 → 37 → 18 → 9 → 4.
# The final feature map is **4×4×512**: 512 pattern detectors on a 4×4 grid over the image.
# With 14,714,688 weights, VGG16's base is a big network, and the lecture's.

# %% tags=["build-model"]
assert conv_base.count_params() == 14_714_688, conv_base.count_params()
assert conv_base.output_shape == (None, 4, 4, 512), conv_base.output_shape


# %% [markdown]
# ## Three ways to use a pretrained base
#
# 1. **Fast feature extraction.** Run every image through the base once, store the
#    resulting feature maps, and train a small dense classifier on them. Cheap: the
#    expensive base runs once per image. But every epoch sees exactly the same features,
#    so there is no room for data augmentation.
# 2. **Feature extraction with data augmentation.** Put the base, frozen, inside an
#    end-to-end model with the classifier on top, and train on randomly transformed
#    images. The base now runs on every image in every epoch: much more expensive, and
#    much less overfitting.
# 3. **Fine-tuning.** After either of the above, unfreeze the top layers of the base and
#    train them together with the classifier, slowly, so that the most abstract features
#    adapt to the new task.

# %% [markdown]
# ## 1. Fast feature extraction
#
# `predict` on the base turns a batch of images into a batch of 4×4×512 feature maps. We
# collect features and labels batch by batch, so each feature map stays with its label.


# %%
def extract_features(dataset):
    """Run every batch through the convolutional base; return features and labels."""
    all_features, all_labels = [], []
    for images, labels in dataset:
        all_features.append(conv_base.predict(images, verbose=0))
        all_labels.append(keras.ops.convert_to_numpy(labels))
    return np.concatenate(all_features), np.concatenate(all_labels)


# %%
train_features, train_labels = extract_features(train_inputs)
validation_features, validation_labels = extract_features(validation_inputs)
test_features, test_labels = extract_features(test_inputs)
print("training features:", train_features.shape, "  labels:", train_labels.shape)

# %% [markdown]
# The classifier flattens each map into 4 · 4 · 512 = 8,192 numbers and feeds them to a
# dense layer of 256 units with dropout ({doc}`05_regularization`) and one sigmoid output: cat (0) or
# dog (1). The learning rate is small, as is usual on top of pretrained features.

# %%
feature_classifier = keras.Sequential(
    [
        keras.Input(shape=(4, 4, 512)),
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.5),
        layers.Dense(1, activation="sigmoid"),
    ]
)
feature_classifier.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=2e-5),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
print(f"{feature_classifier.count_params():,} parameters to train")

# %%
feature_history = feature_classifier.fit(
    train_features,
    train_labels,
    epochs=config.feature_epochs,
    batch_size=config.batch_size,
    validation_data=(validation_features, validation_labels),
    verbose=0,
)
figure = plots.plot_history(feature_history, title="Fast feature extraction")

# %% [markdown]
# Training is quick: only the classifier's 2 million weights are fitted, on 8,192 numbers
# per image, and the base never runs again. But every epoch shows the classifier exactly
# the same features, so with 2,000 images and no augmentation expect its training accuracy
# to pull away from its validation accuracy: it overfits, dropout or not.

# %% [markdown]
# ## 2. Feature extraction with data augmentation
#
# **Data augmentation** manufactures more training data from the data we have: every time
# an image is used, it is randomly flipped, rotated, zoomed and shifted, so the model
# (almost) never sees the same picture twice and cannot memorize individual pictures.
# Keras provides the transformations as *preprocessing layers*. They are active while
# training and pass images through unchanged at inference, so they can live inside the
# model. The settings follow the lecture's `ImageDataGenerator` arguments, one layer each:
# rotations up to 40° (`rotation_range=40`), shifts up to 20 % (`width_shift_range`,
# `height_shift_range`), shears (`shear_range=0.2`), zooms up to 20 % (`zoom_range`) and
# horizontal flips (a mirrored cat is still a cat; an upside-down one is rare).
#
# One unit differs: `ImageDataGenerator` read `shear_range` as an angle in *degrees*, so
# the lecture's 0.2 sheared by at most 0.2°, invisibly. `RandomShear` reads its factor as
# a fraction of the image: a factor of 0.2 shifts rows by up to 20 % of the width (an
# angle of up to about 11°), which is the shear the number suggests. We write the range as
# `(0.0, 0.2)`: the layer gives each image's shear a random sign anyway, and unlike a
# plain `0.2` this form survives saving and reloading the model in Keras 3.15.

# %% tags=["build-model"]
data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(40 / 360),  # a fraction of a full turn: ±40°
        layers.RandomTranslation(height_factor=0.2, width_factor=0.2),
        layers.RandomShear(
            x_factor=(0.0, 0.2), fill_mode="reflect"
        ),  # ±20 %: a random sign per image
        layers.RandomZoom(0.2),
    ],
    name="data_augmentation",
)

# %% [markdown]
# Eight random versions of one training image (the corners are filled by reflecting the
# image, Keras's default):

# %%
first_image = sample_images[:1]
augmented = [data_augmentation(first_image, training=True)[0] for _ in range(8)]
augmented = keras.ops.convert_to_numpy(keras.ops.stack(augmented))
figure = plots.image_grid(augmented, ncols=8, size=1.6)

# %% [markdown]
# Now the end-to-end model: augmentation, the convolutional base, and the classifier on
# top. The base must be **frozen** (`trainable = False`) *before* compiling. Otherwise the
# large, random gradients of the fresh classifier would flow into the pretrained weights in
# the first steps and destroy what they learned.

# %% tags=["build-model"]
conv_base.trainable = False

model = keras.Sequential(
    [
        keras.Input(shape=(150, 150, 3)),
        data_augmentation,
        conv_base,
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.summary()

# %% [markdown]
# Of the 16,812,353 parameters only the classifier's 2,097,665 are trainable: the base's
# 14,714,688 are kept as they are. (Augmentation layers have no weights.)

# %% tags=["build-model"]
counts = freezing.parameter_counts(model)
expected = {"total": 16_812_353, "trainable": 2_097_665, "non_trainable": 14_714_688}
assert counts == expected, counts
print(counts)

# %%
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=2e-5),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
augmented_history = model.fit(
    train_inputs,
    validation_data=validation_inputs,
    epochs=config.augmented_epochs,
    shuffle=False,  # the dataset itself reshuffles the training images every epoch
    verbose=2,
)

# %%
figure = plots.plot_history(
    augmented_history, title="Feature extraction with data augmentation"
)

# %% [markdown]
# On the real photos the lecture reaches about 96 % validation accuracy this way, with
# training and validation curves close together: very little overfitting. The price is
# time: VGG16 now processes every image in every epoch, hours on a CPU for the full run.

# %% [markdown]
# ## 3. Fine-tuning the top block
#
# The recipe:
#
# 1. add a classifier on top of a pretrained base;
# 2. freeze the base;
# 3. train the classifier (done above);
# 4. unfreeze the top layers of the base;
# 5. train those layers and the classifier together, with a small learning rate.
#
# Steps 1–3 matter: a randomly initialised classifier would send large gradients into the
# unfrozen layers and wreck them. Only the top block (`block5`) is unfrozen because its
# features are the most specific to ImageNet; the lower blocks' edges and textures are
# useful as they are, and unfreezing more weights means more overfitting on 2,000 images.
#
# Step 4 is a walk through the base's layers, in order, with a flag that turns on at the
# first layer to unfreeze: every layer before it is frozen, it and every layer after it
# train. The base's own flag must be switched on first: `conv_base.trainable = False`
# above froze every one of its layers, and Keras only trains a layer whose enclosing
# model is trainable too.


# %%
def unfreeze_from(base, first_trainable):
    """Freeze the layers of `base` before `first_trainable`; unfreeze it and every
    later one."""
    base.trainable = True
    set_trainable = False
    for layer in base.layers:
        if layer.name == first_trainable:
            set_trainable = True
        layer.trainable = set_trainable
    return [layer.name for layer in base.layers if layer.trainable]


# %% [markdown]
# The lecture's version of this loop lost two lines: it never sets `base.trainable` nor
# uses its flag,
#
# ```python
# for layer in conv_base.layers:
#     if layer.name == 'block5_conv1':
#         set_trainable = True
#     else:
#         layer.trainable = False
# ```
#
# so it freezes every other layer and leaves `block5_conv1` with the flag it already has,
# here `False`: on our frozen base it unfreezes *nothing*. Checking the trainable parameter
# count after such a loop catches the mistake; running it shows only the classifier's
# 2,097,665 parameters would train:

# %%
set_trainable = False
for layer in conv_base.layers:
    if layer.name == "block5_conv1":
        set_trainable = True
    else:
        layer.trainable = False
trainable = freezing.parameter_counts(model)["trainable"]
# the classifier's weights only: block 5 stayed frozen
assert trainable == 2_097_665, trainable
print(f"trainable parameters after the lecture's loop: {trainable:,}")

# %% [markdown]
# Our loop unfreezes what was intended. (`lib.freezing.unfreeze_from` is the same loop,
# tested, with a clear error for a layer name the base does not have.)

# %% tags=["build-model"]
unfrozen = unfreeze_from(conv_base, "block5_conv1")
print("unfrozen layers:", unfrozen)
for layer in conv_base.layers[-6:]:
    print(f"  {layer.name:14s} trainable={layer.trainable}")

# %% [markdown]
# Now the three convolutions of block 5, 3 × 2,359,808 = 7,079,424 weights, train along
# with the classifier:

# %% tags=["build-model"]
counts = freezing.parameter_counts(model)
assert counts["trainable"] == 2_097_665 + 7_079_424, counts
print(f"trainable: {counts['trainable']:,}   frozen: {counts['non_trainable']:,}")

# %% [markdown]
# A change of `trainable` takes effect at the next `compile`, which is also where the
# small learning rate goes: 10⁻⁵, so that the pretrained features are adjusted rather than
# unlearned. The lecture trains for many epochs (100) at this rate.
#
# A `ModelCheckpoint` callback saves the model to a `.keras` file whenever the validation
# loss improves (`save_best_only=True`). The epoch with the best validation loss may be
# any of them; keeping its model protects the test evaluation from the last epochs' luck.
# The file goes to a temporary folder, not next to the notebook.

# %%
checkpoint_folder = tempfile.TemporaryDirectory(prefix="bdls-chapter7-")
checkpoint_path = Path(checkpoint_folder.name) / "fine_tuned.keras"
callbacks = [
    keras.callbacks.ModelCheckpoint(
        filepath=str(checkpoint_path), monitor="val_loss", save_best_only=True
    )
]

model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=1e-5),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
fine_tune_history = model.fit(
    train_inputs,
    validation_data=validation_inputs,
    epochs=config.fine_tune_epochs,
    callbacks=callbacks,
    shuffle=False,
    verbose=2,
)

# %%
figure = plots.plot_history(fine_tune_history, title="Fine-tuning block 5")

# %% [markdown]
# ### Fine-tuning networks with batch normalization
#
# VGG16 has no normalization layers, but most convnets after it (ResNet, EfficientNet and
# their successors) do, and fine-tuning them needs one more precaution. **Batch
# normalization** {cite}`ioffe2015` (`layers.BatchNormalization`) rescales each feature of
# a layer's output to zero mean and unit variance, then applies a learned scale and
# offset; keeping activations well scaled this way helps much deeper networks train. In
# training it uses the statistics of the current batch and updates moving averages of
# them; at inference it uses those moving averages. A pretrained base's moving averages
# come from ImageNet, and a few epochs of small batches of a new dataset would overwrite
# them. So call such a base with `training=False` when you build the new model (`features
# = base(inputs, training=False)`): its batch-normalization layers then stay in inference
# mode even while the unfrozen layers train. Setting a `BatchNormalization` layer's
# `trainable` to `False` also puts it in inference mode in Keras 3.

# %% [markdown]
# ### Evaluating the best model on the test set
#
# We reload the best checkpoint, which restores the architecture, the weights (and which
# of them are trainable) and the optimizer state, and evaluate it once on the test images.

# %%
best_model = keras.models.load_model(checkpoint_path)
reloaded_trainable = freezing.parameter_counts(best_model)["trainable"]
print(f"reloaded, with {reloaded_trainable:,} trainable parameters")
test_loss, test_accuracy = best_model.evaluate(test_inputs, verbose=0)
chapter.glue("fine_tuned_accuracy", test_accuracy)
print(f"test accuracy of the fine-tuned model: {test_accuracy:.3f}")

# %% [markdown]
# For comparison, the fast-feature-extraction classifier on the same test images:

# %%
_, feature_test_accuracy = feature_classifier.evaluate(
    test_features, test_labels, verbose=0
)
chapter.glue("feature_accuracy", feature_test_accuracy)
print(f"fast feature extraction: {feature_test_accuracy:.3f}")
print(f"fine-tuned:              {test_accuracy:.3f}")

# %% [markdown]
# This run: {glue:text}`feature_accuracy:.3f` for fast feature extraction,
# {glue:text}`fine_tuned_accuracy:.3f` after fine-tuning. The lecture's reference point
# on the real photos, with ImageNet weights and the `full` profile, is its 96 % validation
# accuracy for feature extraction with augmentation, which fine-tuning sets out to
# improve. With the stand-in images and random weights of an offline run, or the handful
# of images and epochs of the `cpu` and `smoke` profiles, these numbers only show that
# every step runs.

# %% [markdown]
# ## Inspecting the representations
#
# As in {doc}`06_convnets`, the intermediate feature maps can be looked at directly. Here are the
# first channels of three depths of the base for one test image: early layers respond to
# edges and colours all over the picture, the top block to sparse, abstract patterns on a
# coarse grid. (With random weights, the patterns are those of random filters.)

# %%
raw_test_images, _ = next(iter(test_dataset))
one_image = raw_test_images[:1]
fine_tuned_base = best_model.get_layer(conv_base.name)
inspected = ["block1_conv2", "block3_conv3", "block5_conv3"]
vgg16_input = keras.applications.vgg16.preprocess_input(one_image)
maps = vision.feature_maps(fine_tuned_base, vgg16_input, inspected)
figure = plots.image_grid(keras.ops.convert_to_numpy(one_image), ncols=1, size=2)

# %%
for name, activation in maps.items():
    plots.plot_feature_maps(activation, ncols=8, max_channels=16, title=name)

# %%
checkpoint_folder.cleanup()  # remove the saved model from the temporary folder

# %% [markdown]
# ## Takeaways
#
# * Convnets are the tool of choice for image classification. They learn a hierarchy of
#   modular patterns, from edges to object parts, to represent the visual world.
# * On a small dataset, reuse a network pretrained on a large one. Fast feature extraction
#   is cheap; extraction with augmentation on a frozen base overfits much less; fine-tuning
#   the top block adapts the most abstract features and adds a last bit of accuracy.
# * Freeze before compiling, recompile after every change of `trainable`, and check the
#   trainable parameter count: a loop that was meant to unfreeze may unfreeze nothing.
# * Data augmentation fights overfitting when images are scarce; in Keras it is a stack of
#   preprocessing layers inside the model, active only during training.
# * When fine-tuning a base with batch normalization, call it with `training=False`, so
#   that its ImageNet statistics are not overwritten by the small new dataset.
# * Representations are easy to inspect: filters and feature maps are images
#   ({doc}`06_convnets`), so we can see what each layer responds to.
#
# ## Check your understanding
#
# 1. Why reuse only VGG16's convolutional base and not its dense classifier?
#
# ```{admonition} Answer
# :class: dropdown
# The base's feature maps say where generic visual patterns occur, which helps in most
# vision tasks. The classifier's outputs are scores of the 1,000 ImageNet classes, and its
# first dense layer is sized for the flattened maps of a 224 × 224 input: it fits neither
# the new classes nor the new image size. (Flattening itself only reshapes the maps.)
# ```
#
# 2. Fast feature extraction cannot use data augmentation. Why not, and what does
#    augmentation cost in the second method?
#
# ```{admonition} Answer
# :class: dropdown
# Fast feature extraction runs each image through the base once and trains on the stored
# features, so every epoch sees exactly the same inputs. Augmentation needs a new random
# version of every image in every epoch, so the frozen base must run on every image in
# every epoch: many times the computation.
# ```
#
# 3. Why must the base be frozen before the model with a fresh classifier is compiled and
#    trained?
#
# ```{admonition} Answer
# :class: dropdown
# The new classifier starts from random weights, so its first gradients are large and
# essentially noise. Flowing back into a trainable base they would wreck the pretrained
# features before the classifier has learned anything. `trainable` takes effect at
# `compile`, so freeze first, then compile.
# ```
#
# 4. After `unfreeze_from(conv_base, "block5_conv1")`, what must you do before training,
#    and why use a learning rate as small as 10⁻⁵?
#
# ```{admonition} Answer
# :class: dropdown
# Compile the model again: changes of `trainable` only take effect at the next
# `compile`. The small learning rate adjusts the pretrained block-5 features a little
# instead of overwriting them with what 2,000 images can teach.
# ```
#
# 5. A loop meant to unfreeze the top block ran without error. How do you check that it
#    did what it should?
#
# ```{admonition} Answer
# :class: dropdown
# Count the trainable parameters (`freezing.parameter_counts(model)` or
# `model.summary()`): they should grow by block 5's 7,079,424 weights. The lecture's loop
# leaves the count at the classifier's 2,097,665, which shows at once that nothing was
# unfrozen.
# ```
#
# **Exercise.** Practise these ideas in {doc}`../exercises/release/07_transfer/07_transfer`.
