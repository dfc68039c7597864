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
# # 2. Binary classification: movie reviews
#
# {doc}`01_mnist` classified pictures. This chapter classifies *text*: is a movie review
# positive or negative? Three questions come with it. How does text become a tensor that a
# network can read? How do we choose the number of epochs, layers and units without
# peeking at the test set? And how can scikit-learn's grid search tune a Keras model?
# The chapter follows the lecture {cite}`vanschoren_deck`, which takes the example from
# Chollet's *Deep Learning with Python* {cite}`chollet2017`.

# %% tags=["remove-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% [markdown]
# ## From text to tensors
#
# A network multiplies and adds numbers, so text must first become numbers. The usual
# route has two steps.
#
# 1. **A dictionary of words.** Count how often each word occurs in the training reviews,
#    keep the 10,000 most frequent, and replace each word by its rank (its *word index*).
#    Rarer words all become one "unknown" marker, shown as `?`. A review is now a list of
#    integers of any length.
# 2. **A fixed-size vector per review.** A word index is a *category*, not a quantity:
#    word 40 is not "twice" word 20. So we do not feed the integers themselves. The
#    simplest encoding is **multi-hot** (the lecture calls it one-hot encoding of the
#    words): a vector of 10,000 zeros with a 1 at the index of every word that occurs in
#    the review. It keeps *which* words appear and drops their order and counts, a "bag
#    of words".
#
# Multi-hot vectors are long and sparse, and they treat "good" and "great" as unrelated.
# The alternative is a **word embedding** (word2vec is a well-known way to learn one): a
# dense vector per word, a few hundred numbers, in which similar words end up close
# together. Keras's `Embedding` layer looks these vectors up for padded sequences of word
# indices, turning a 2-D batch of indices into a 3-D batch of vectors; it is the usual
# first layer of sequence models, which this book does not cover. Multi-hot is all we
# need here.

# %% tags=["hide-cell"]
# How much this chapter computes in each profile (see "How every chapter starts" in
# chapter 1). `full` is the lecture's setup. `cpu` trains on all 25,000 training reviews
# but, to stay within 1.5 GB of memory, tests on 5,000 of the test reviews and runs the
# grid search on 2,000 reviews with smaller networks. `smoke` only checks that every
# line runs. One line per setting, its values in (full, cpu, smoke); None means "all of
# them".
from lib import profiles

PROFILES = profiles.table(
    train_samples=(None, None, 3_000),
    test_samples=(None, 5_000, 2_000),
    validation_samples=(10_000, 10_000, 1_000),
    epochs=(20, 20, 3),
    batch_size=(512, 512, 128),
    variant_epochs=(20, 10, 2),
    grid_samples=(None, 2_000, 600),
    grid_epochs=([1, 5, 10], [1, 5, 10], [1, 2]),
    grid_hidden_sizes=([32, 64, 256], [16, 32, 64], [4, 16]),
    grid_folds=(3, 3, 2),
    grid_batch_size=(32, 32, 32),
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
NUM_WORDS = 10_000  # keep the 10,000 most frequent words

# %% [markdown]
# ## The data: 50,000 labelled reviews
#
# The IMDB dataset {cite}`maas2011` holds 50,000 movie reviews from the Internet Movie
# Database, half for training and half for testing, each labelled 1 (positive) or 0
# (negative). Keras ships it already encoded as word indices, with three conventions
# worth knowing: index 1 marks the start of a review, 2 marks a word outside the
# vocabulary, and every word's frequency rank is shifted up by 3 to make room for these
# markers (0 is reserved for padding). `data.load_imdb` returns exactly that format, plus
# the word dictionary to decode it; without a network connection it generates a stand-in
# of the same shape, and the run card says so.

# %% tags=["remove-stderr"]
imdb = data.load_imdb(num_words=NUM_WORDS)
show_run_card(
    "Chapter 2 — classifying movie reviews",
    config.profile,
    config.seed,
    [imdb.provenance],
)

# %%
# Keep the profile's number of reviews (None keeps them all).
(train_data, train_labels), (test_data, test_labels) = imdb.head(
    config.train_samples, config.test_samples
)

print(f"{len(train_data):,} training and {len(test_data):,} test reviews")
print("share of positive training reviews:", round(float(np.mean(train_labels)), 3))
print("first review, encoded:", train_data[0][:12], "...")

# %% [markdown]
# Decoding turns the indices back into words, using the inverse of the word dictionary
# and undoing the offset of 3. Markers and rare words come out as `?`.

# %%
index_to_word = text.reverse_word_index(imdb.word_index)
del imdb  # the reviews kept above are all we need (see "Running in 2 GB")
print(text.decode_sequence(train_data[0][:60], index_to_word), "...")
print("label:", train_labels[0])

# %% [markdown]
# Reviews vary a lot in length, which is one reason for an encoding whose size does not
# depend on it:

# %%
review_lengths = [len(review) for review in train_data]
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(review_lengths, bins=50, range=(0, 1200))
ax.set(
    xlabel="words per review",
    ylabel="reviews",
    title=f"median length {int(np.median(review_lengths))} words",
)

# %% [markdown]
# ## Multi-hot vectorization
#
# Vectorizing means building one row of 10,000 zeros and ones per review: start from a
# matrix of zeros and, in each review's row, set the columns of its words to 1. NumPy
# does the second step in one assignment, `results[i, sequence] = 1`, which sets every
# listed column at once.
#
# The lecture's version calls `np.zeros((len(sequences), dimension))`, whose numbers are
# float64: 8 bytes for each 0 or 1, 2 GB for the 25,000 training reviews alone. A 0 or 1
# fits in one byte, so we store the matrix as `uint8`, 250 MB. (The closing section,
# [Running in 2 GB](running-in-2gb), measures this.)


# %%
def vectorize_sequences(sequences, dimension=10_000):
    """Multi-hot encode lists of word indices: row i has a 1 in column w for every
    word w of sequence i."""
    results = np.zeros((len(sequences), dimension), dtype="uint8")
    for i, sequence in enumerate(sequences):
        results[i, sequence] = 1  # all of the review's words at once
    return results


# %% [markdown]
# On three tiny "reviews" over a 10-word vocabulary:

# %%
vectorize_sequences([[1, 4, 4, 7], [1, 2, 9], [1, 3, 5, 7, 8]], dimension=10)

# %% [markdown]
# The repeated word 4 in the first review still gives a single 1: multi-hot records
# presence, not counts. (`lib.text.multi_hot` is the same function with input checks;
# the book's tests check that the two agree, and {doc}`03_reuters` uses it.)
#
# Now the real thing. The labels become float32 numbers, the type the loss computes with.
# The test reviews are vectorized only at the end, when the model has been chosen.

# %%
x_train = vectorize_sequences(train_data, dimension=NUM_WORDS)
y_train = train_labels.astype("float32")
print(
    "training matrix:", x_train.shape, x_train.dtype, f"{x_train.nbytes / 1e6:.0f} MB"
)
print(
    "review 0 as a vector:",
    x_train[0][:12],
    "...  ",
    int(x_train[0].sum()),
    "distinct words",
)


# %% [markdown]
# ## The network
#
# The input is a vector of 0s and 1s and the answer a single yes/no, a setting in which a
# plain stack of dense layers with ReLU activations works well. Two design questions
# remain: how many layers, and how many units per layer? We start small, with **two
# hidden layers of 16 units**, and question that choice later. The output is **one unit
# with a sigmoid** activation, $\sigma(z) = 1/(1+e^{-z})$, which squashes a score into a
# number between 0 and 1, read as the probability that the review is positive.


# %%
def build_model(hidden_layers=2, units=16, activation="relu", num_words=10_000):
    """A stack of dense hidden layers and one sigmoid output unit (the review's
    positiveness)."""
    model = keras.Sequential([keras.Input(shape=(num_words,))])
    for _ in range(hidden_layers):
        model.add(keras.layers.Dense(units, activation=activation))
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    return model


# %%
model = build_model(num_words=NUM_WORDS)
model.summary()

# %% [markdown]
# The first layer holds almost all the weights: $10{,}000 \times 16 + 16 = 160{,}016$
# of the network's 160,305.
#
# ## Compiling: strings or objects
#
# A yes/no output with a probability calls for **binary cross-entropy**, the two-class
# case of the loss met in {doc}`01_mnist`. The short way names everything with strings:

# %%
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])

# %% [markdown]
# For more control, pass objects instead. They take arguments, such as the optimizer's
# learning rate (named `learning_rate` in current Keras; the lecture's older code says
# `lr`), and make explicit which loss and which accuracy are meant. This compiles the same
# setup:

# %%
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=0.001),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=[keras.metrics.BinaryAccuracy(name="accuracy")],
)

# %% [markdown]
# ## Model selection with a validation set
#
# How many epochs should we train? The test set must not answer that: every choice made
# by looking at test scores makes the final test score optimistic. Instead we set aside
# the first 10,000 training reviews as a **validation set**, train on the rest for 20
# epochs in batches of 512, and score both sets after every epoch. `fit` records the
# scores in the `History` it returns.
#
# `ArrayBatches` hands the `uint8` matrix to Keras one batch of rows at a time, as
# float32, reshuffled every epoch; otherwise `fit` would first convert the whole matrix
# (see [Running in 2 GB](running-in-2gb)). It takes the batch size that `fit` would
# otherwise get.

# %% tags=["remove-stderr"]
n_val = config.validation_samples
x_val, partial_x_train = x_train[:n_val], x_train[n_val:]
y_val, partial_y_train = y_train[:n_val], y_train[n_val:]
train_batches = ArrayBatches(
    partial_x_train, partial_y_train, batch_size=config.batch_size, shuffle=True
)
val_batches = ArrayBatches(x_val, y_val, batch_size=config.batch_size)

history = model.fit(
    train_batches, validation_data=val_batches, epochs=config.epochs, verbose=2
)

# %%
plots.plot_history(
    history, metrics=["loss", "accuracy"], title="16-16-1 network on IMDB"
)
# %% [markdown]
# On the real data, the training loss falls with every epoch, as gradient descent
# promises. The validation loss falls only for the first few epochs and then climbs,
# while the training accuracy heads for 100% (the lecture's run would stop after four
# epochs). From there on the network learns particulars of its 15,000 training reviews
# that do not hold for other reviews: it **overfits**. The best epoch is the one with the
# lowest validation loss:

# %%
epochs_chosen = best_epoch(history, metric="val_loss")
print(
    f"lowest validation loss after epoch {epochs_chosen}: "
    f"{history.history['val_loss'][epochs_chosen - 1]:.3f} "
    f"(validation accuracy {history.history['val_accuracy'][epochs_chosen - 1]:.3f})"
)

# %% [markdown]
# ## Early stopping, and the test result
#
# The simplest defence against overfitting is to stop at that epoch. Having used the
# validation set to choose the number of epochs, we train a fresh network on *all* the
# training data for that many epochs and only then look at the test set, once. (Keras can
# also stop automatically: the `keras.callbacks.EarlyStopping` callback ends training when
# the validation loss stops improving and can restore the best weights.)

# %%
final_model = build_model(num_words=NUM_WORDS)
final_model.compile(
    optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"]
)
all_batches = ArrayBatches(x_train, y_train, batch_size=config.batch_size, shuffle=True)
final_model.fit(all_batches, epochs=epochs_chosen, verbose=0)

x_test = vectorize_sequences(test_data, dimension=NUM_WORDS)
y_test = test_labels.astype("float32")
test_batches = ArrayBatches(x_test, y_test, batch_size=config.batch_size)
test_loss, test_accuracy = final_model.evaluate(test_batches, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
chapter.glue("imdb_test_accuracy", test_accuracy)
chapter.glue("imdb_epochs_chosen", epochs_chosen)

# %% [markdown]
# This run, trained for {glue:text}`imdb_epochs_chosen` epochs on the data of the run
# card, reaches a test accuracy of {glue:text}`imdb_test_accuracy:.3f`. The lecture's run,
# four epochs on all the real reviews, reports 0.858.
#
# ## Predictions
#
# `predict` returns, for each review, the probability that it is positive. Reading a few
# test reviews next to their predictions shows what the network reacts to:

# %%
test_inputs = ArrayBatches(x_test, batch_size=config.batch_size)  # inputs only
positiveness = final_model.predict(test_inputs, verbose=0)[:, 0]
# The test matrix has served: free it (see "Running in 2 GB").
test_batches.release()
test_inputs.release()
del x_test
for i in range(3):
    words = text.decode_sequence(test_data[i][:45], index_to_word)
    print(
        f"review {i} (label {int(test_labels[i])}), predicted "
        f"positiveness {positiveness[i]:.3f}:\n  {words} ...\n"
    )

# %% [markdown]
# Over the whole test set, the histogram shows how confident the predictions are and
# where the two classes overlap; the mistakes are the reviews on the wrong side of 0.5:

# %%
fig, ax = plt.subplots(figsize=(6, 3))
ax.hist(
    [positiveness[test_labels == 0], positiveness[test_labels == 1]],
    bins=20,
    range=(0, 1),
    label=["negative reviews", "positive reviews"],
    stacked=True,
)
ax.set(xlabel="predicted positiveness", ylabel="test reviews")
ax.legend()
# %% [markdown]
# ## Takeaways, tested
#
# * Text needs real preprocessing before a network can use it.
# * Stacks of dense layers with ReLU solve a wide range of problems.
# * Binary classification ends in one sigmoid unit and uses binary cross-entropy.
# * Networks overfit easily, and the validation curves show when.
#
# Many design choices affect accuracy and overfitting. Rather than take them on faith, we
# try the alternatives the lecture suggests on the same split: one or three hidden layers
# instead of two, 64 units instead of 16, mean squared error instead of cross-entropy,
# and tanh instead of ReLU. We compare their best validation accuracy with that of the
# 16-16-1 network trained above. (In the `cpu` and `smoke` profiles the variants train
# for fewer epochs.)

# %%
variants = {  # name: (architecture, loss); the baseline is the network trained above
    "1 hidden layer": ({"hidden_layers": 1}, "binary_crossentropy"),
    "3 hidden layers": ({"hidden_layers": 3}, "binary_crossentropy"),
    "64 units per layer": ({"units": 64}, "binary_crossentropy"),
    "mse loss": ({}, "mse"),
    "tanh activation": ({"activation": "tanh"}, "binary_crossentropy"),
}

variant_histories = {"baseline: 2 × 16 relu, cross-entropy": history}
for name, (architecture, loss) in variants.items():
    variant = build_model(**architecture, num_words=NUM_WORDS)
    variant.compile(optimizer="rmsprop", loss=loss, metrics=["accuracy"])
    variant_histories[name] = variant.fit(
        train_batches,
        validation_data=val_batches,
        epochs=config.variant_epochs,
        verbose=0,
    )

# %%
pd.DataFrame.from_dict(
    orient="index",
    data={
        name: {
            "best validation accuracy": max(h.history["val_accuracy"]),
            "at epoch": best_epoch(h, metric="val_accuracy", mode="max"),
            "validation accuracy, last epoch": h.history["val_accuracy"][-1],
            "training accuracy, last epoch (running mean)": h.history["accuracy"][-1],
        }
        for name, h in variant_histories.items()
    },
).round(3)

# %%
plots.compare_histories(
    variant_histories, metric="val_accuracy", title="Variants on the validation set"
)
# %% [markdown]
# Read the table for three things: how far apart the best validation accuracies are, at
# which epoch each variant peaks, and how far each falls from its peak by the last epoch.
# On the real data the variants end up close to each other, and bigger or deeper networks
# fit the training set faster, so they also start to overfit sooner. The training
# accuracy column is the running mean over the last epoch's batches, as in
# {doc}`01_mnist`, not the accuracy of the final weights. (The validation *accuracy*
# compares fairly across losses; the validation *loss* would not, since MSE and
# cross-entropy are on different scales.)
#
# ## Keras models as scikit-learn estimators
#
# Trying variants by hand gets tedious. scikit-learn already has the tools for it. A
# **grid search** trains one model for every combination of the settings we list. It scores
# each by **cross-validation**: the training data is cut into $k$ parts (*folds*), the
# model is trained $k$ times, each time validated on a different fold after training on
# the others, and the $k$ validation scores are averaged, so every review serves for
# validation once and no single split's luck decides. ({doc}`04_boston_housing` writes
# this loop by hand.) Keras 3 provides wrappers that make a Keras model
# behave like a scikit-learn estimator: `keras.wrappers.SKLearnClassifier` and
# `keras.wrappers.SKLearnRegressor` ({doc}`04_boston_housing`). (The lecture's
# `keras.wrappers.scikit_learn.KerasClassifier` no longer exists.)
#
# The wrapper takes a **function that builds and compiles a model**. It calls it with the
# training data `X` and the (encoded) targets `y`, plus any `model_kwargs` we give, such
# as the hidden size. Two details matter:
#
# * The classifier wrapper one-hot encodes the labels, so a binary problem arrives as two
#   columns. The model therefore ends in **two softmax units** with categorical
#   cross-entropy, which describes the same family of models as one sigmoid unit with
#   binary cross-entropy: a softmax over two scores is the sigmoid of their difference.
# * Settings of `fit`, such as `epochs`, go in a `fit_kwargs` dict, or are passed to the
#   search's own `fit`. (A pitfall in Keras 3.x: when scikit-learn clones the wrapper,
#   which every search does, `fit_kwargs` given to the constructor are lost; set them
#   through the grid or pass them to `fit`, as below.)

# %%
from keras.wrappers import SKLearnClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score


def make_classifier(X, y, hidden_size=16, hidden_layers=2):
    """Build and compile a network sized by the data and by the grid's
    hyperparameters."""
    model = keras.Sequential([keras.Input(shape=(X.shape[1],))])
    for _ in range(hidden_layers):
        model.add(keras.layers.Dense(hidden_size, activation="relu"))
    # one unit per class
    model.add(keras.layers.Dense(y.shape[1], activation="softmax"))
    model.compile(
        optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"]
    )
    return model


# %% [markdown]
# ### Grid search over epochs × hidden size
#
# `GridSearchCV` trains one model per combination of settings and per fold, and scores
# each on the fold it left out. Everything happens inside the training set: the folds
# play the role of validation sets. The grid lists the hidden sizes as `model_kwargs`
# (passed to `make_classifier`) and the epochs as `fit_kwargs` (passed to `fit`).
#
# Each model trains with batches of 32 reviews, Keras's default; the lecture's grid sets
# no batch size either. (With batches of 512, one epoch on a few thousand reviews would be
# only a handful of updates.)
#
# **What the lecture's table shows.** In the lecture's results, all three hidden sizes
# have the same validation score to two decimals within each number of epochs; their
# training scores differ only after one epoch (0.94, 0.93, 0.93). The deck shows the
# grid but not the model-building function, so we cannot tell whether its `hidden_size`
# reached the network (identical validation scores are what a function that ignores it
# would produce) or whether the width simply matters little here. In the
# code below the size does reach the model, and we check that it does.
#
# The search runs on a sample of the training reviews in the `cpu` and `smoke` profiles
# (all of them in `full`): it trains dozens of models, and each leaves some memory behind
# in TensorFlow, more than a 2 GB machine can spare for the full set. The sample is
# copied out of the training matrix, and the full matrix and everything that refers to it
# is deleted first, so the search starts with that memory handed back (see
# [Running in 2 GB](running-in-2gb)).

# %%
x_grid = x_train[: config.grid_samples].copy()  # None keeps them all
y_grid = train_labels[: len(x_grid)]  # integer labels: the wrapper encodes them itself
for batches in (train_batches, val_batches, all_batches):
    batches.release()
del x_train, x_val, partial_x_train  # the training matrix is no longer needed

param_grid = {
    "model_kwargs": [{"hidden_size": size} for size in config.grid_hidden_sizes],
    "fit_kwargs": [{"epochs": epochs} for epochs in config.grid_epochs],
}
grid = GridSearchCV(
    SKLearnClassifier(make_classifier),
    param_grid=param_grid,
    cv=config.grid_folds,
    return_train_score=True,
)

# %%
# The wrapper's predict() would print a progress bar for every fold; silence Keras's
# bars.
keras.config.disable_interactive_logging()
grid.fit(x_grid, y_grid, batch_size=config.grid_batch_size, verbose=0)
keras.config.enable_interactive_logging()
print(
    f"{len(grid.cv_results_['params'])} settings × "
    f"{config.grid_folds} folds on {len(x_grid):,} reviews"
)

# %% [markdown]
# The results, arranged like the lecture's table. "Validation" is the mean accuracy on
# the held-out folds, "training" on the folds each model was trained on:

# %%
results = (
    pd.DataFrame(
        {
            "epochs": [p["fit_kwargs"]["epochs"] for p in grid.cv_results_["params"]],
            "hidden_size": [
                p["model_kwargs"]["hidden_size"] for p in grid.cv_results_["params"]
            ],
            "mean validation accuracy": grid.cv_results_["mean_test_score"],
            "mean training accuracy": grid.cv_results_["mean_train_score"],
            "fit time (s)": grid.cv_results_["mean_fit_time"],
        }
    )
    .sort_values(["epochs", "hidden_size"])
    .set_index(["epochs", "hidden_size"])
)
results.round(3)

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for size, rows in results.groupby(level="hidden_size"):
    epochs_axis = rows.index.get_level_values("epochs")
    (line,) = ax.plot(
        epochs_axis,
        rows["mean validation accuracy"],
        "o-",
        label=f"{size} units, validation",
    )
    ax.plot(
        epochs_axis,
        rows["mean training accuracy"],
        "s--",
        color=line.get_color(),
        alpha=0.5,
        label=f"{size} units, training",
    )
ax.set(
    xlabel="epochs", ylabel="accuracy", title="Grid search: cross-validated accuracy"
)
ax.grid(alpha=0.3)
ax.legend(fontsize=7)
# %% [markdown]
# The search refits the best setting on all the grid's data. Its network really has the
# chosen width:

# %%
best_size = grid.best_params_["model_kwargs"]["hidden_size"]
best_epochs = grid.best_params_["fit_kwargs"]["epochs"]
print(
    f"best: {best_size} units, {best_epochs} epochs, "
    f"cross-validated accuracy {grid.best_score_:.3f}"
)
print(
    "units in the refitted network's first layer: "
    f"{grid.best_estimator_.model_.layers[0].units}"
)

# %% [markdown]
# In the lecture's run, more epochs drove the training accuracy from 0.94 to 0.99 while
# the validation accuracy slipped from 0.89 after one epoch to 0.87 after ten. Compare
# the table above: on a sample of a few thousand reviews, differences between settings
# can be of the same order as the noise between folds.
#
# ### Going deeper: three hidden layers
#
# Does a third hidden layer help? `cross_val_score` answers with the same folds, keeping
# the best width and number of epochs:

# %%
deeper = SKLearnClassifier(
    make_classifier, model_kwargs={"hidden_size": best_size, "hidden_layers": 3}
)
keras.config.disable_interactive_logging()
deeper_scores = cross_val_score(
    deeper,
    x_grid,
    y_grid,
    cv=config.grid_folds,
    params={"epochs": best_epochs, "batch_size": config.grid_batch_size, "verbose": 0},
)
keras.config.enable_interactive_logging()
print(
    f"2 hidden layers: {grid.best_score_:.3f}   "
    f"3 hidden layers: {deeper_scores.mean():.3f} "
    f"(folds: {np.round(deeper_scores, 3)})"
)

# %% [markdown]
# The lecture found very similar scores and judged the third layer not worth it: it adds
# weights to train without a clear gain. Compare the two numbers above with the spread
# between the folds before concluding anything from this run.
#
# (running-in-2gb)=
# ## Running in 2 GB
#
# This section is for the curious: it explains the memory measures the chapter takes so
# that it runs on a 2 GB machine such as Binder.
#
# **`uint8` storage.** The lecture's `np.zeros((len(sequences), 10000))` is float64, 8
# bytes per 0 or 1:

# %%
values = len(train_data) * NUM_WORDS
pd.DataFrame(
    {
        "bytes per 0/1": [8, 4, 1],
        "training matrix (MB)": [values * 8 / 1e6, values * 4 / 1e6, values / 1e6],
    },
    index=["float64 (np.zeros default)", "float32", "uint8 (used here)"],
)

# %% [markdown]
# Python's `tracemalloc` sees NumPy's allocations, so it can measure the peak memory that
# vectorizing really takes. On the first 5,000 training reviews (fewer in the `smoke` profile):

# %%
import tracemalloc

tracemalloc.start()
sample = vectorize_sequences(train_data[:5_000], dimension=NUM_WORDS)
_, peak_bytes = tracemalloc.get_traced_memory()
tracemalloc.stop()
print(
    f"peak while vectorizing: {peak_bytes / 1e6:.1f} "
    f"MB for a {sample.nbytes / 1e6:.1f} MB result"
)
del sample

# %% [markdown]
# The peak is the size of the result (plus a little bookkeeping): no float64 copy is ever
# made.
#
# **Batches instead of one big tensor.** Given a NumPy array, `fit` converts it into
# TensorFlow tensors before training, a second copy of the matrix, and TensorFlow does not
# hand all of that memory back afterwards, so a few `fit` and `evaluate` calls in a row
# can exhaust a 2 GB session. `lib.batching.ArrayBatches` is a `keras.utils.PyDataset`: Keras
# asks it for one batch at a time, and only that batch is converted to float32. The
# network computes exactly what it would compute on a float32 matrix.
#
# **Deleting what is no longer needed.** `del` removes a name; once nothing refers to a
# large NumPy array any more, its memory goes back to the operating system. Two things
# can still refer to it. A slice such as `x_train[:2000]` is a view that keeps the whole
# matrix alive, which is why the grid search's sample is a `.copy()`. And TensorFlow
# keeps every `PyDataset` that Keras has read from, so an `ArrayBatches` used in `fit`,
# `evaluate` or `predict` lives on and holds its matrix; its `release()` method lets go
# of it. The chapter releases the test matrix's batches as soon as the predictions are
# made, and the training matrix's before the grid search. It also deletes the loaded
# dataset once the profile's reviews are taken from it (`imdb.head` copies them), so
# the test reviews it does not use are freed.
#
# **What it adds up to.** TensorFlow takes several hundred MB as soon as it is imported,
# before any data, and training adds TensorFlow's own buffers; the matrices come on top.
# The operating system reports how much memory this kernel holds (its *resident set
# size*), here measured after everything above has run:

# %%
import psutil  # installed with Jupyter

kernel_mb = psutil.Process().memory_info().rss / 1e6
print(f"this kernel holds {kernel_mb:,.0f} MB")
chapter.glue("imdb_kernel_mb", round(kernel_mb))

# %% [markdown]
# In this run the kernel held {glue:text}`imdb_kernel_mb` MB at the end. Binder gives a
# session 2 GB for everything it runs, the Jupyter server and every open notebook together,
# which is why the book's `cpu` profile keeps each notebook under 1.5 GB, and why a
# kernel you have finished with is best shut down (*Kernel → Shut Down Kernel*).
#
# ## Summary
#
# * Text becomes tensors through a word dictionary (the 10,000 most frequent words, a `?`
#   for the rest) and a multi-hot vector per review, written in a few lines of NumPy.
# * Binary classification: one sigmoid output unit and binary cross-entropy (or, with the
#   scikit-learn wrapper's one-hot labels, two softmax units and categorical
#   cross-entropy).
# * A validation set, never the test set, decides how long to train: the validation loss
#   turns upward after a few epochs while the training loss keeps falling.
# * `keras.wrappers.SKLearnClassifier` lets `GridSearchCV` and `cross_val_score` tune a
#   Keras model; hyperparameters of the architecture go through `model_kwargs`, those of
#   training through `fit_kwargs`.
#
# ## Check your understanding
#
# 1. What does `vectorize_sequences([[1, 3, 3], [2]], dimension=5)` return?
#
#    ```{admonition} Answer
#    :class: dropdown
#    `[[0, 1, 0, 1, 0], [0, 0, 1, 0, 0]]`: a 1 in column 1 and column 3 for the first
#    sequence (the repeated 3 still gives a single 1), a 1 in column 2 for the second.
#    ```
#
# 2. Why not feed the word indices themselves, padded to a common length, into a dense
#    layer?
#
#    ```{admonition} Answer
#    :class: dropdown
#    A word index is a category, not a quantity: a dense layer would treat word 40 as
#    "twice" word 20 and a word's meaning would depend on its position in the list. A
#    multi-hot vector (or an embedding) gives every word its own input or vector.
#    ```
#
# 3. How many weights does a first dense layer of 64 units have on 10,000-long multi-hot
#    inputs?
#
#    ```{admonition} Answer
#    :class: dropdown
#    $10{,}000 \times 64 + 64 = 640{,}064$: one weight per word and unit, plus a bias per
#    unit.
#    ```
#
# 4. The validation loss is lowest after epoch 4 and the training loss still falls at
#    epoch 20. What do you train for the test run, and on which data?
#
#    ```{admonition} Answer
#    :class: dropdown
#    A fresh network, for 4 epochs, on all the training data (training and validation
#    part together); then evaluate it once on the test set. The later epochs only fit
#    the training reviews better: the network overfits.
#    ```
#
# 5. In a grid search, why must the hidden size be passed through `model_kwargs` and the
#    number of epochs through `fit_kwargs`?
#
#    ```{admonition} Answer
#    :class: dropdown
#    The hidden size shapes the network, so it must reach the function that builds it;
#    the number of epochs is an argument of `fit`. A grid entry that reaches neither
#    changes nothing, and every setting would train the same model.
#    ```
#
# 6. Why does the scikit-learn classifier wrapper need a model with two softmax outputs
#    for a yes/no problem?
#
#    ```{admonition} Answer
#    :class: dropdown
#    The wrapper one-hot encodes the labels, so each target has two columns; the model
#    needs one output per column. Two softmax units with categorical cross-entropy can
#    represent the same predictions as one sigmoid unit with binary cross-entropy.
#    ```
#
# **Exercise.** Vectorize the reviews, build and train the network, and choose its
# number of epochs yourself in {doc}`../exercises/release/02_imdb/02_imdb`.
