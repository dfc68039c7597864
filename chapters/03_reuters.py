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
# # 3. Multiclass classification: newswire topics
#
# {doc}`02_imdb` sorted reviews into two classes. Here each short Reuters newswire from
# 1987 belongs to one of **46 topics**, such as earnings, acquisitions, crude oil or
# grain. Three things change when there are many classes: the labels need a new encoding,
# the output layer grows to one unit per class with a softmax, and the hidden layers must
# be wide enough to carry what tells 46 topics apart. The chapter follows the lecture
# {cite}`vanschoren_deck` and Chollet's book {cite}`chollet2017`.

# %% tags=["remove-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% [markdown]
# ## The data: 11,228 newswires, 46 topics
#
# The Reuters-21578 collection {cite}`lewis1997reuters` holds newswires of 1987 labelled
# with topics; Keras ships 11,228 wires from it, each with one of 46 topics, in the same format as the
# IMDB reviews: each wire is a list of word indices (1 = start, 2 = a word outside the
# 10,000 most frequent, ranks shifted by 3), and its label is an integer from 0 to 45.
# Keras splits them 80/20 into 8,982 training and 2,246 test wires. Without a network
# connection, `data.load_reuters` generates a stand-in of the same shape, and the run card
# says so.

# %% tags=["hide-cell"]
# How much this chapter computes in each profile (see "How every chapter starts" in
# chapter 1). Reuters is small enough for the lecture's full setup on a CPU; `smoke`
# only checks that every line runs. One line per setting, its values in (full, cpu,
# smoke); None means "all of them".
from lib import profiles

PROFILES = profiles.table(
    train_samples=(None, None, 2_000),
    test_samples=(None, None, 500),
    validation_samples=(1_000, 1_000, 500),
    epochs=(20, 20, 3),
    batch_size=(512, 512, 128),
    bottleneck_widths=([4, 8, 16, 32, 64, 128], [4, 8, 16, 32, 64, 128], [4, 64]),
)

# %% tags=["remove-stderr"]
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lib import chapter, data, plots, text
from lib.batching import ArrayBatches
from lib.evaluation import best_epoch
from lib.runcard import show_run_card

# %%
config = chapter.start(PROFILES, seed=42)
NUM_WORDS = 10_000
NUM_TOPICS = 46

# %% tags=["remove-stderr"]
reuters = data.load_reuters(num_words=NUM_WORDS)
show_run_card(
    "Chapter 3 — classifying newswires",
    config.profile,
    config.seed,
    [reuters.provenance],
)

# %%
# Keep the profile's number of wires (None keeps them all).
(train_data, train_labels), (test_data, test_labels) = reuters.head(
    config.train_samples, config.test_samples
)

print(f"{len(train_data):,} training and {len(test_data):,} test newswires")
index_to_word = text.reverse_word_index(reuters.word_index)
print("newswire 0:", text.decode_sequence(train_data[0][:50], index_to_word), "...")
print("encoded:   ", train_data[0][:15], "...")
print("topic:     ", train_labels[0])

# %% [markdown]
# The topics are far from equally common. In the real data two of them (3 and 4 in
# Keras's numbering: earnings and acquisitions) account for more than half of the wires,
# while many topics have only a handful. A classifier that always answered the most
# common topic would already be right quite often, so accuracy must be read against that
# baseline.

# %%
topic_counts = np.bincount(train_labels, minlength=NUM_TOPICS)
fig, ax = plt.subplots(figsize=(8, 2.8))
ax.bar(range(NUM_TOPICS), topic_counts)
ax.set(
    xlabel="topic",
    ylabel="training newswires",
    yscale="log",
    title="Topic frequencies (log scale)",
)
most_common_share = topic_counts.max() / topic_counts.sum()
print(
    f"always guessing topic {topic_counts.argmax()} "
    f"would be right {most_common_share:.1%} of the time"
)

# %% [markdown]
# ## Preparing the data
#
# The inputs are vectorized exactly as in {doc}`02_imdb`: one multi-hot row of 10,000
# `uint8` values per wire (90 MB for the training set, rather than 720 MB as float64).
# `text.multi_hot` is the tested version of that chapter's `vectorize_sequences`.
#
# The labels need an encoding too. With one softmax output per topic, the natural target
# is a **one-hot** vector of 46 values: all 0 except a 1 at the wire's topic. The lines
# are few:


# %%
def to_one_hot(labels, num_classes=46):
    """One row per label: all zeros except a 1 in the label's column."""
    results = np.zeros((len(labels), num_classes), dtype="float32")
    results[np.arange(len(labels)), labels] = 1  # row i, column labels[i]
    return results


# %% [markdown]
# `keras.utils.to_categorical` does the same, and is what we use:

# %%
x_train = text.multi_hot(train_data, dimension=NUM_WORDS, dtype=np.uint8)
x_test = text.multi_hot(test_data, dimension=NUM_WORDS, dtype=np.uint8)

y_train = keras.utils.to_categorical(train_labels, num_classes=NUM_TOPICS)
y_test = keras.utils.to_categorical(test_labels, num_classes=NUM_TOPICS)
print(
    "same as to_one_hot:", np.array_equal(y_train, to_one_hot(train_labels, NUM_TOPICS))
)
print("inputs:", x_train.shape, x_train.dtype, "  labels:", y_train.shape)
print(f"topic {train_labels[0]} as a one-hot vector: {y_train[0].astype(int)}")

# %% [markdown]
# **The alternative: integer labels.** One-hot labels store 46 numbers to say one thing.
# Keras can instead take the integer topic directly, with the
# `sparse_categorical_crossentropy` loss. It is the same loss, computed from the index
# rather than from the one-hot vector, as a quick check on made-up predictions shows:

# %%
some_predictions = keras.ops.softmax(
    np.random.default_rng(0).normal(size=(5, NUM_TOPICS))
)
one_hot_loss = keras.losses.CategoricalCrossentropy()(y_train[:5], some_predictions)
integer_loss = keras.losses.SparseCategoricalCrossentropy()(
    train_labels[:5], some_predictions
)
print(f"categorical (one-hot labels): {float(one_hot_loss):.5f}")
print(f"sparse (integer labels):      {float(integer_loss):.5f}")


# %% [markdown]
# Which to use is a matter of convenience; this chapter keeps the lecture's one-hot
# labels.
#
# ## The network, and why 16 units are too few
#
# The task looks like {doc}`02_imdb`'s, but the output space grew from 2 classes to 46.
# In a stack of dense layers, each layer only sees what the previous one passes on: if a
# layer is too narrow, the information it drops is gone for every layer above. Sixteen
# numbers are likely too few to keep 46 topics apart, so such a layer would be an
# **information bottleneck**. We give both hidden layers 64 units.
#
# The output layer has **46 units with a softmax**: for each wire it produces a
# probability distribution over the 46 topics. The loss is **categorical cross-entropy**,
# which compares that distribution with the one-hot label. A softmax fits because each
# wire has exactly one topic (*single-label*, multi-class classification); if a wire could
# carry several topics at once (*multi-label* classification), each output would get its
# own sigmoid and binary cross-entropy instead.


# %%
def build_model(bottleneck_units=64, num_words=10_000, num_topics=46):
    """64 → bottleneck_units → 46-way softmax: the chapter's network, with a second
    layer of any width."""
    model = keras.Sequential(
        [
            keras.Input(shape=(num_words,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(
                bottleneck_units, activation="relu", name="layer_2"
            ),  # the width under test
            keras.layers.Dense(num_topics, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model


# %%
model = build_model()
model.summary()

# %% [markdown]
# The three layers hold $10{,}000 \times 64 + 64$, $64 \times 64 + 64$ and
# $64 \times 46 + 46$ weights, 647,214 in all.
#
# ## Model selection
#
# As before, a validation set taken from the training data, here the first 1,000 wires,
# tells us how long to train. We train for 20 epochs and watch the curves. The bottleneck
# experiment below trains more networks on the same split, so the training call is a
# function. As in {doc}`02_imdb`, `ArrayBatches` hands the `uint8` matrices to Keras one
# batch at a time, as float32, so that `fit` does not first copy each whole matrix into a
# tensor of its own.

# %%
n_val = config.validation_samples
x_val, partial_x_train = x_train[:n_val], x_train[n_val:]
y_val, partial_y_train = y_train[:n_val], y_train[n_val:]


# %%
def fit_on_split(model, verbose=0):
    """Train `model` on the wires after the first n_val, validating on those n_val
    after every epoch."""
    return model.fit(
        ArrayBatches(
            partial_x_train, partial_y_train, batch_size=config.batch_size, shuffle=True
        ),
        epochs=config.epochs,
        validation_data=ArrayBatches(x_val, y_val, batch_size=config.batch_size),
        verbose=verbose,
    )


# %% tags=["remove-stderr"]
history = fit_on_split(model, verbose=2)

# %%
plots.plot_history(
    history, metrics=["loss", "accuracy"], title="64-64-46 network on Reuters"
)
# %% [markdown]
# On the real data the validation loss bottoms out after some epochs and then rises while
# the training accuracy keeps climbing towards 100%: that is where overfitting starts. The
# lecture saw it after about 8 epochs.

# %%
epochs_chosen = best_epoch(history, metric="val_loss")
print(
    f"lowest validation loss after epoch {epochs_chosen} "
    f"(validation accuracy {history.history['val_accuracy'][epochs_chosen - 1]:.3f})"
)

# %% [markdown]
# ## Retraining, and the test result
#
# A fresh network, trained on all training wires for that many epochs, is evaluated once
# on the test set.

# %%
final_model = build_model()
train_batches = ArrayBatches(
    x_train, y_train, batch_size=config.batch_size, shuffle=True
)
test_batches = ArrayBatches(x_test, y_test, batch_size=config.batch_size)
final_model.fit(train_batches, epochs=epochs_chosen, verbose=0)
test_loss, test_accuracy = final_model.evaluate(test_batches, verbose=0)
majority_accuracy = np.mean(test_labels == topic_counts.argmax())
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
print(f"(always the most common topic: {majority_accuracy:.4f})")
chapter.glue("reuters_test_accuracy", test_accuracy)
chapter.glue("reuters_majority_accuracy", majority_accuracy)
chapter.glue("reuters_epochs_chosen", epochs_chosen)

# %% [markdown]
# This run, trained for {glue:text}`reuters_epochs_chosen` epochs on the data of the run
# card, reaches a test accuracy of {glue:text}`reuters_test_accuracy:.3f`, against
# {glue:text}`reuters_majority_accuracy:.3f` for always answering the most common topic.
# The lecture's run, 8 epochs on the real wires, reports 0.763.
#
# ## Predictions
#
# For every wire, `predict` returns 46 probabilities that sum to 1; the predicted topic is
# the most probable one. The three most likely topics for a few test wires:

# %%
probabilities = final_model.predict(x_test[:4], verbose=0)
print(
    "sum of the 46 probabilities for wire 0:", round(float(probabilities[0].sum()), 4)
)
for i, wire in enumerate(probabilities):
    top3 = np.argsort(wire)[::-1][:3]
    ranked = ", ".join(f"topic {t}: {wire[t]:.2f}" for t in top3)
    print(f"wire {i} (true topic {test_labels[i]}): {ranked}")

# %% [markdown]
# ## An information bottleneck, on purpose
#
# What if the second hidden layer is much narrower than the 46 outputs? With 4 units, the
# network must squeeze everything it knows about a wire into 4 numbers before deciding
# between 46 topics: the output layer's 46 units must then separate the topics from a
# 4-dimensional representation. Some information survives, much does not.
#
# We train the same network with a second layer of several widths, from 4 to 128 units,
# on the same split, and compare their best validation accuracy.

# %%
width_histories = {
    width: fit_on_split(build_model(bottleneck_units=width))
    for width in config.bottleneck_widths
}
best_by_width = {
    width: max(h.history["val_accuracy"]) for width, h in width_histories.items()
}
pd.Series(best_by_width, name="best validation accuracy").rename_axis(
    "units in layer 2"
).round(3)

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(list(best_by_width), list(best_by_width.values()), "o-")
ax.axvline(NUM_TOPICS, color="gray", linestyle=":", label=f"{NUM_TOPICS} topics")
ax.set(
    xscale="log",
    xlabel="units in the second hidden layer",
    ylabel="best validation accuracy",
    title="Narrow layers lose information",
)
ax.set_xticks(list(best_by_width), [str(w) for w in best_by_width])
ax.grid(alpha=0.3)
ax.legend()
# %% [markdown]
# Read the curve of this run: how much accuracy do the narrowest layers lose, and from
# which width on does widening stop paying? (The lecture compared two widths on the real
# data, 64 and 4 units; its numbers follow below.) For the test set, we retrain the 4-unit
# network the same way as the 64-unit one (its number of epochs chosen on the validation
# set) and compare:

# %%
bottleneck_epochs = best_epoch(width_histories[4], metric="val_loss")
bottleneck_model = build_model(bottleneck_units=4)
bottleneck_model.fit(train_batches, epochs=bottleneck_epochs, verbose=0)
_, bottleneck_accuracy = bottleneck_model.evaluate(test_batches, verbose=0)
print(
    f"test accuracy, 64 units: {test_accuracy:.4f} "
    f"  4 units: {bottleneck_accuracy:.4f} "
    f"(drop {test_accuracy - bottleneck_accuracy:.3f})"
)

# %% [markdown]
# In the lecture's run the 4-unit layer dropped the test accuracy from 0.763 to 0.699:
# the 4 numbers retain a surprising amount, but clearly not enough.
#
# ## Takeaways
#
# * For a problem with $C$ classes, the last dense layer has $C$ units.
# * Single-label multiclass classification ends in a softmax and uses categorical
#   cross-entropy, with one-hot labels, or sparse categorical cross-entropy with integer
#   labels; the two compute the same loss.
# * A hidden layer must be wide enough for what it has to carry. In this run, with this
#   architecture, a 4-unit layer in front of 46 classes cost accuracy that the output
#   layer could not win back: an observation of this experiment, not a law for every
#   layer narrower than the number of classes.
# * As in {doc}`02_imdb`, the validation curves, not the test set, decide how long to
#   train. Worth trying on your own: one or three hidden layers, or 32 or 128 units.
#
# ## Check your understanding
#
# 1. What does `to_one_hot([2, 0], num_classes=3)` return?
#
#    ```{admonition} Answer
#    :class: dropdown
#    `[[0, 0, 1], [1, 0, 0]]` (as float32): one row per label, a 1 in the label's column.
#    ```
#
# 2. A model's softmax gives the true topic of a wire probability 0.25. What does that
#    wire contribute to the categorical cross-entropy, and does it matter whether the
#    label was one-hot or an integer?
#
#    ```{admonition} Answer
#    :class: dropdown
#    $-\log 0.25 \approx 1.386$. It does not matter: categorical cross-entropy with a
#    one-hot label and sparse categorical cross-entropy with the integer label pick out
#    the same probability.
#    ```
#
# 3. Why would a 46-class problem end in 46 softmax units rather than 46 sigmoid units?
#
#    ```{admonition} Answer
#    :class: dropdown
#    Each wire has exactly one topic. A softmax makes the 46 outputs a probability
#    distribution (positive, summing to 1), so raising one topic's probability lowers the
#    others'. Independent sigmoids would suit wires that can carry several topics at once
#    (multi-label classification).
#    ```
#
# 4. How many weights does the output layer have after a 4-unit bottleneck layer, and
#    why does the bottleneck hurt even though the first layer still has 64 units?
#
#    ```{admonition} Answer
#    :class: dropdown
#    $4 \times 46 + 46 = 230$. Everything the output layer learns about a wire must pass
#    through the 4 numbers of the layer below it; what that layer drops, no later layer
#    can recover, however wide the first layer is.
#    ```
#
# 5. Suppose always answering the most common topic is right 35% of the time. Why does
#    that matter when you read an accuracy of 0.76?
#
#    ```{admonition} Answer
#    :class: dropdown
#    Accuracy must be compared with what a trivial rule achieves on the same data. With
#    imbalanced classes that baseline is far above $1/46$, so 0.76 is a gain over 0.35,
#    not over 2%.
#    ```
#
# **Exercise.** Prepare the labels, build the 46-way classifier and probe the bottleneck
# yourself in {doc}`../exercises/release/03_reuters/03_reuters`.
