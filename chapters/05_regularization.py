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
# # 5. Regularization: fighting overfitting
#
# In {doc}`02_imdb` the IMDB network fitted its training reviews better with every epoch,
# while on the real reviews its validation loss turned around after about four epochs: it
# *overfitted*. Stopping early is one remedy. This chapter tries the others on the same
# problem and compares each with the original network on one plot: a network with less
# capacity; weight regularization (L2, L1, and both); and dropout.
#
# **Reference results.** On the real IMDB reviews {cite}`maas2011` the lecture
# {cite}`vanschoren_deck` reports that the 4-unit network starts to overfit later than the
# original and more slowly; that L2 regularization (0.001) makes the network much more
# resistant to overfitting with the same number of parameters; and that dropout (0.5)
# finds a better model that also overfits more slowly. The run card below tells you which
# data and settings *this* page ran with.

# %% tags=["remove-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% [markdown]
# ## The data: IMDB reviews, multi-hot encoded
#
# As in {doc}`02_imdb`: 25,000 training and 25,000 test reviews, each a list of word
# indices limited to the 10,000 most frequent words, labelled 1 (positive) or 0 (negative).

# %% tags=["hide-cell"]
# How much this chapter trains in each compute profile (lib.profiles): BDLS_PROFILE
# picks the profile; one line per setting, its values in (full, cpu, smoke).
# train_samples None means every training review that is not a validation review.
from lib import profiles

PROFILES = profiles.table(
    validation_samples=(10000, 10000, 1000),
    train_samples=(None, None, 2000),
    epochs=(20, 20, 4),
    batch_size=(512, 512, 512),
)

# %% tags=["remove-stderr"]
import keras
import matplotlib.pyplot as plt
import numpy as np
from keras import layers, regularizers

from lib import chapter, data, plots, text
from lib.batching import ArrayBatches
from lib.runcard import show_run_card
from lib.seeding import seed_everything

# %% tags=["remove-stderr"]
config = chapter.start(PROFILES, seed=42)

# %% tags=["remove-stderr"]
imdb = data.load_imdb(num_words=10000)
(train_sequences, train_labels), (test_sequences, test_labels) = imdb
show_run_card(
    "Chapter 5 — regularization", config.profile, config.seed, [imdb.provenance]
)

# %% [markdown]
# Every comparison is judged on a **validation set** carved out of the training reviews:
# the first 10,000 validate, the other 15,000 train (the `smoke` profile uses fewer of
# each). Choosing a variant or an epoch count by its *test* score would leak the test set
# into the choice, so the test reviews are used once, at the very end.
#
# Each review becomes a multi-hot vector of 10,000 zeros and ones, 1 where a word occurs,
# as in {doc}`02_imdb`. `encode`, in the collapsed cell, does that and stores the result
# compactly; *Running in 2 GB* at the end explains how.


# %% tags=["hide-cell"]
def encode(reviews, labels):
    """Multi-hot encode reviews as a uint8 matrix (see "Running in 2 GB"); labels as
    float32."""
    matrix = text.multi_hot(reviews, dimension=10000, dtype=np.uint8)
    return matrix, np.asarray(labels, dtype="float32")


# %%
n_val = config.validation_samples
n_train = config.train_samples or len(train_sequences) - n_val
x_val, y_val = encode(train_sequences[:n_val], train_labels[:n_val])
x_train, y_train = encode(
    train_sequences[n_val : n_val + n_train], train_labels[n_val : n_val + n_train]
)
del imdb, train_sequences  # encoded: the word lists can go (see "Running in 2 GB")
# Keras gets the matrices one batch at a time, as float32 (ArrayBatches, as in 02_imdb)
val_batches = ArrayBatches(x_val, y_val, batch_size=config.batch_size)
val_inputs = ArrayBatches(x_val, batch_size=config.batch_size)  # inputs only: predict
print(f"training on {len(y_train):,} reviews, validating on {len(y_val):,}")


# %% [markdown]
# ## One network, several variants
#
# Every variant is {doc}`02_imdb`'s network, two hidden ReLU layers and a sigmoid output,
# with one thing changed: the number of units, a penalty on the weights of the hidden
# layers (`kernel_regularizer`), or dropout after each hidden layer. One function builds
# them all:


# %%
def imdb_network(units=16, regularizer=None, dropout_rate=0.0):
    """Two hidden ReLU layers of `units` and a sigmoid output; optionally
    regularized."""
    model = keras.Sequential([keras.Input(shape=(10000,))])
    for _ in range(2):
        model.add(
            layers.Dense(units, activation="relu", kernel_regularizer=regularizer)
        )
        if dropout_rate:
            model.add(layers.Dropout(dropout_rate))
    model.add(layers.Dense(1, activation="sigmoid"))
    return model


# %% [markdown]
# Each variant is compiled and trained as in {doc}`02_imdb`: RMSprop, binary cross-entropy,
# 20 epochs in batches of 512 (fewer in the `smoke` profile), the validation loss recorded
# after every epoch. `train` seeds *before* building the model, because the initial
# weights are drawn when the layers are built: every variant then starts from weights
# drawn the same way and sees its batches in the same order, so a difference between
# curves comes from the variant, not from luck.


# %%
def train(**variant):
    """Seed, build `imdb_network(**variant)`, compile and fit it; return the model
    and its History."""
    seed_everything(config.seed)
    model = imdb_network(**variant)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    train_batches = ArrayBatches(
        x_train, y_train, batch_size=config.batch_size, shuffle=True
    )
    history = model.fit(
        train_batches, epochs=config.epochs, validation_data=val_batches, verbose=0
    )
    train_batches.release()  # TensorFlow keeps the batches: let go of x_train
    return model, history


# %% [markdown]
# ## The baseline: the original network
#
# Two hidden layers of 16 units, as in {doc}`02_imdb`.

# %%
original, original_history = train()
figure = plots.plot_history(
    original_history, metrics=["loss"], title="Original network"
)

# %% [markdown]
# On the real reviews the training loss keeps falling while the validation loss reaches
# its minimum after a few epochs and climbs from there on: from that point the network
# learns its training reviews rather than what makes a review positive. Compare the
# curves of this run above.

# %% [markdown]
# ## Remedy 1: a smaller network
#
# The simplest way to prevent overfitting is to give the model less room to overfit. A
# model's **capacity** is how complex a function it can fit; within one architecture it
# grows with the number of learnable parameters, the knob this section turns. Capacity is
# also *memorization capacity*: a network with enough weights can store the mapping from
# every training example to its label, a lookup table that says nothing about new
# examples. A network that is forced to be small must find a compressed representation,
# and compressing means keeping what is common to many examples, which is what
# generalizes.
#
# Too small, on the other hand, and the network cannot represent the problem at all
# (underfitting). There is no formula for the right size: start with few layers and units
# and add capacity until the validation loss stops improving.
#
# Here is the same network with 4 units per hidden layer instead of 16.

# %%
smaller, smaller_history = train(units=4)
print(f"original: {original.count_params():,} parameters")
print(f"smaller:  {smaller.count_params():,} parameters")

# %%
figure = plots.compare_histories(
    {"original (16 units)": original_history, "smaller (4 units)": smaller_history},
    metric="val_loss",
    title="Validation loss: less capacity",
)


# %%
def best_epoch(history):
    """The epoch (counted from 1) with the lowest validation loss."""
    return int(np.argmin(history.history["val_loss"])) + 1


# %%
chapter.glue("original_best_epoch", best_epoch(original_history))
chapter.glue("smaller_best_epoch", best_epoch(smaller_history))

# %% [markdown]
# In the lecture's run on the real reviews, the smaller network starts to overfit later
# than the original, and once it does, its validation loss rises more slowly. In this run
# the original's validation loss was lowest after epoch
# {glue:text}`original_best_epoch`, the smaller network's after epoch
# {glue:text}`smaller_best_epoch`.

# %% [markdown]
# ## Remedy 2: weight regularization
#
# Of two models that explain the data equally well, the simpler one is more likely to
# generalize. For a network of a given size, "simpler" can mean *smaller weights*: we add
# a penalty on the weights to the loss, so that every large weight has to pay for itself
# by reducing the error. Two penalties are common:
#
# * **L2** adds $\lambda \sum_i w_i^2$. Large weights cost a lot, small ones hardly anything,
#   so it leads to many small weights.
# * **L1** adds $\lambda \sum_i |w_i|$. Every weight pays the same price per unit of size,
#   small ones included, so many weights are driven to (almost) zero: a *sparse* network.
#
# L2 is also called **weight decay**, and for plain stochastic gradient descent the two are
# the same thing: the penalty's gradient, $2\lambda w$, shrinks every weight by a fixed
# fraction at each step. With adaptive optimizers such as RMSprop (used here) or Adam
# (RMSprop's per-weight scaling combined with a running mean of the gradients, which
# smooths the direction of the steps)
# they are not: the penalty's gradient is rescaled per weight like every other gradient,
# so weights with large gradients decay less. AdamW {cite}`loshchilov2019` therefore
# *decouples* weight decay, shrinking the weights directly at each step, apart from the
# gradient: `keras.optimizers.AdamW(weight_decay=...)`.
#
# In Keras the penalty is set per layer, with `kernel_regularizer`. `regularizers.l2(0.001)`
# adds $0.001 \cdot w^2$ for every weight of that layer's kernel to the loss. The number of
# parameters does not change.

# %%
l2_model, l2_history = train(regularizer=regularizers.l2(0.001))

# %%
figure = plots.compare_histories(
    {"original": original_history, "L2 (0.001)": l2_history},
    metric="val_loss",
    title="Validation loss: L2 regularization",
)

# %% [markdown]
# On the real reviews, the L2-regularized network, with exactly as many parameters as the
# original, is much more resistant to overfitting: its validation loss stays far flatter
# after its minimum.
#
# The penalty is part of the loss that training minimizes; that is how it shapes the
# weights. Keras also includes it in the loss it *reports*, for the training and the
# validation data alike: a regularized model's `loss` and `val_loss` are its
# cross-entropy plus the penalty. We can take the validation loss apart:

# %%
reported_loss = l2_model.evaluate(val_batches, verbose=0)[0]
probabilities = l2_model.predict(val_inputs, verbose=0)[:, 0]
cross_entropy = float(
    keras.ops.mean(keras.losses.binary_crossentropy(y_val, probabilities))
)
penalty = float(sum(keras.ops.convert_to_numpy(loss) for loss in l2_model.losses))
print(
    f"reported validation loss {reported_loss:.4f} = "
    f"cross-entropy {cross_entropy:.4f} + L2 penalty {penalty:.4f}"
)

# %% [markdown]
# So the loss curves of a regularized model sit above the cross-entropy it achieves, by an
# amount that depends on the penalty; comparing variants with different penalties on their
# reported loss is unfair. Accuracy is a fairer second opinion.

# %% [markdown]
# ### L1, and both together
#
# `regularizers.l1(0.001)` gives the L1 penalty; `regularizers.l1_l2(l1=0.001, l2=0.001)`
# adds both.

# %%
l1_model, l1_history = train(regularizer=regularizers.l1(0.001))
l1_l2_model, l1_l2_history = train(regularizer=regularizers.l1_l2(l1=0.001, l2=0.001))

# %%
weight_penalties = {
    "original": original_history,
    "L2": l2_history,
    "L1": l1_history,
    "L1 + L2": l1_l2_history,
}
plots.compare_histories(
    weight_penalties, metric="val_loss", title="Validation loss (penalties included)"
)
figure = plots.compare_histories(
    weight_penalties,
    metric="val_accuracy",
    title="Validation accuracy: weight penalties",
)

# %% [markdown]
# What the penalties did to the weights is easiest to see in a histogram of the first
# layer's 160,000 weights (counts on a log scale).

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8), sharey=True)
histogram_models = {"original": original, "L2": l2_model, "L1": l1_model}
near_zero = {}
for ax, (name, model) in zip(axes, histogram_models.items(), strict=True):
    weights = model.layers[0].get_weights()[0].ravel()
    ax.hist(weights, bins=80, range=(-0.2, 0.2), color="tab:blue", log=True)
    near_zero[name] = np.mean(np.abs(weights) < 0.005)
    ax.set_title(f"{name}: {near_zero[name]:.0%} of weights ≈ 0", fontsize=9)
    ax.set_xlabel("weight")
axes[0].set_ylabel("count")
fig.tight_layout()
for name, share in near_zero.items():
    chapter.glue(f"near_zero_{name}", 100 * share)

# %% [markdown]
# L2 pulls the weights towards zero; L1 pushes many of them to (nearly) zero, so the
# network ignores many words. In this run {glue:text}`near_zero_L1:.0f` % of the L1
# network's first-layer weights are within 0.005 of zero, against
# {glue:text}`near_zero_original:.0f` % for the original and
# {glue:text}`near_zero_L2:.0f` % with L2.

# %% [markdown]
# ## Remedy 3: dropout
#
# Dropout {cite}`srivastava2014` is one of the most effective and most used regularization
# techniques for neural networks. During training, a dropout layer sets a random fraction
# of its inputs to zero, a different random selection for every example in every batch.
# The fraction is the **dropout rate**, usually between 0.2 and 0.5.
#
# Why would destroying information help? A unit can no longer count on any particular
# other unit being present, so the network cannot build fragile conspiracies of units that
# only fit the noise of the training data; it has to learn patterns that are supported in
# many ways at once.
#
# At test time nothing is dropped, so more units are active than during training, which
# must be compensated. Srivastava et al. multiply the outputs (equivalently, the outgoing
# weights) at test time by the **keep probability**, $1 - \text{rate}$: the fraction of
# units that was present during training. (The lecture says "scaled down by the dropout
# rate"; at rate 0.5 the two factors are the same number, at rate 0.2 the factor is 0.8,
# not 0.2.) Keras does the equivalent the other way round, *inverted dropout*: during
# training it scales the surviving values *up* by $1 / (1 - \text{rate})$, and at test
# time it passes everything through unchanged.

# %%
dropout = layers.Dropout(0.2)
ones = np.ones((1, 10), dtype="float32")
print("training:", keras.ops.convert_to_numpy(dropout(ones, training=True)))
print("testing: ", keras.ops.convert_to_numpy(dropout(ones, training=False)))

# %% [markdown]
# With rate 0.2, about one value in five is zeroed and the survivors become
# 1 / 0.8 = 1.25, so the expected sum is unchanged. In a model, a `Dropout` layer goes
# after the layer whose outputs it drops; `imdb_network` puts one after each hidden layer.
# The lecture uses rate 0.5.

# %%
dropout_model, dropout_history = train(dropout_rate=0.5)
dropout_model.summary()

# %%
figure = plots.compare_histories(
    {"original": original_history, "dropout (0.5)": dropout_history},
    metric="val_loss",
    title="Validation loss: dropout",
)

# %% [markdown]
# In the lecture's run on the real reviews, dropout gives a lower minimum of the
# validation loss and a slower rise afterwards: a better model that also overfits more
# slowly. Unlike a weight penalty, dropout adds nothing to the reported loss.

# %% [markdown]
# ## All variants side by side
#
# For each variant: the epoch with the lowest validation loss (a choice made within one
# model), the best validation accuracy reached, and, after the last epoch, the validation
# cross-entropy alone. Across models we compare only the last two: the reported
# `val_loss` of a penalised model includes its penalty, so it would make L1 and L2 look
# worse than they predict.

# %%
variants = {
    "original": (original, original_history),
    "smaller": (smaller, smaller_history),
    "L2": (l2_model, l2_history),
    "L1": (l1_model, l1_history),
    "L1 + L2": (l1_l2_model, l1_l2_history),
    "dropout": (dropout_model, dropout_history),
}
print(
    f"{'variant':10s} {'best epoch':>10s} {'max val acc.':>13s} {'val cross-ent.':>15s}"
)
for name, (model, history) in variants.items():
    predicted = model.predict(val_inputs, verbose=0)[:, 0]
    cross_entropy_alone = float(
        keras.ops.mean(keras.losses.binary_crossentropy(y_val, predicted))
    )
    best_accuracy = max(history.history["val_accuracy"])
    print(
        f"{name:10s} {best_epoch(history):10d} "
        f"{best_accuracy:13.3f} {cross_entropy_alone:15.3f}"
    )

# %%
figure = plots.compare_histories(
    {name: history for name, (_, history) in variants.items()},
    metric="val_accuracy",
    title="Validation accuracy, all variants",
)

# %% [markdown]
# ## One look at the test set
#
# Now, and only now, the test set. We pick the variant with the best validation accuracy
# and retrain a fresh copy of it (`clone_model` copies the architecture, regularizers and
# dropout included, and draws new weights, after seeding) for the number of epochs at
# which it was best. We retrain on the same training reviews, because that epoch count was
# measured for them; {doc}`02_imdb` retrains on all 25,000, which usually gains a little
# more.

# %%
best_name = max(
    variants, key=lambda name: max(variants[name][1].history["val_accuracy"])
)
best_model, best_history = variants[best_name]
best_epochs = int(np.argmax(best_history.history["val_accuracy"])) + 1

seed_everything(config.seed)
final_model = keras.models.clone_model(best_model)
final_model.compile(
    optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"]
)
final_batches = ArrayBatches(
    x_train, y_train, batch_size=config.batch_size, shuffle=True
)
final_history = final_model.fit(final_batches, epochs=best_epochs, verbose=0)

# %% tags=["remove-stderr"]
# free the training matrices (see "Running in 2 GB")
for batches in (final_batches, val_batches, val_inputs):
    batches.release()
x_train = x_val = None
x_test = text.multi_hot(test_sequences, dimension=10000, dtype=np.uint8)
y_test = np.asarray(test_labels, dtype="float32")
# as in 02_imdb
test_batches = ArrayBatches(x_test, y_test, batch_size=config.batch_size)
test_loss, test_accuracy = final_model.evaluate(test_batches, verbose=0)
chapter.glue("best_variant", best_name)
chapter.glue("best_epochs", best_epochs)
chapter.glue("test_accuracy", test_accuracy)
print(
    f"{best_name}, retrained for {best_epochs} "
    f"epochs: test accuracy {test_accuracy:.4f}"
)

# %% [markdown]
# In this run the best variant was *{glue:text}`best_variant`*; retrained for
# {glue:text}`best_epochs` epochs it scored {glue:text}`test_accuracy:.3f` on the test
# reviews. The lecture reports no test scores for these variants; for its original
# network, stopped after four epochs, it reports 0.858 on the real test reviews (see
# {doc}`02_imdb`). What regularization bought in the lecture's runs is mostly robustness:
# the regularized networks stayed close to their best validation score over more
# epochs, so less depended on stopping at exactly the right moment. When the run card
# says the reviews are a generated stand-in, what carries over from it is the *shape* of
# the curves, not the numbers.

# %% [markdown]
# ## Recap: how to fight overfitting
#
# 1. **Get more training data.** Nothing beats it: a model that has seen more variation
#    generalizes better. ({doc}`07_transfer_learning` fakes more data with augmentation.)
# 2. **Reduce the capacity** of the network: fewer layers, fewer units.
# 3. **Add weight regularization**: L2 for many small weights, L1 for sparse weights.
# 4. **Add dropout** between layers.
#
# Two ways to arrive at a good model, both judged on a validation set:
#
# * start with a simple model and add capacity while the validation score improves; or
# * start with a model that is big enough to overfit and regularize it with weight
#   penalties and dropout until it stops overfitting.
#
# Either way, keep the test set out of these decisions and use it once, at the end.
#
# ## Running in 2 GB
#
# The chapter runs in a 2 GB session (Binder), which takes three precautions the lesson
# does not depend on:
#
# * `encode` stores the multi-hot matrices as bytes (`uint8`): 150 MB for 15,000 training
#   reviews instead of 1.2 GB as float64, the NumPy default the lecture used.
# * `ArrayBatches` (from {doc}`02_imdb`) hands the matrices to Keras one batch at a time,
#   converted to float32 as Keras takes it. Given a NumPy array, Keras would first copy the
#   whole matrix into a tensor of its own, at every call to `fit`, `evaluate` and
#   `predict`, and this chapter calls `fit` seven times.
# * The training reviews' word lists are deleted once encoded, and the training matrices
#   before the test reviews are encoded, so the two never take memory at the same time.
#   Deleting the names is not enough: TensorFlow keeps every `PyDataset` Keras has read
#   from, so the batches are released first (`release()`, see {doc}`02_imdb`'s *Running
#   in 2 GB*).
#
# ## Check your understanding
#
# 1. The smaller network has far fewer parameters than the original. Why can that reduce
#    overfitting, and what happens if you go too far?
#
# ```{admonition} Answer
# :class: dropdown
# Fewer parameters mean less memorization capacity: the network cannot store a lookup
# table of its training reviews and must keep what is common to many of them. Too few,
# and it cannot represent the problem at all: it underfits, and both training and
# validation loss stay high.
# ```
#
# 2. Two networks, one with `kernel_regularizer=regularizers.l2(0.001)`, reach the same
#    validation accuracy, but the regularized one reports a higher `val_loss`. Is it the
#    worse model?
#
# ```{admonition} Answer
# :class: dropdown
# Not necessarily. Keras includes the penalty in the reported loss, for validation as
# well as training, so the regularized model's `val_loss` is its cross-entropy plus the
# penalty. Compare the cross-entropy alone, or accuracy.
# ```
#
# 3. A layer has dropout rate 0.2. By what factor must its outputs be scaled at test time
#    in the original formulation, and what does Keras do instead?
#
# ```{admonition} Answer
# :class: dropdown
# By the keep probability, 1 − 0.2 = 0.8 (not by the rate, 0.2). Keras uses inverted
# dropout: during training it multiplies the surviving values by 1 / 0.8 = 1.25, and at
# test time it leaves the outputs unchanged.
# ```
#
# 4. Is an L2 penalty the same as weight decay when training with Adam?
#
# ```{admonition} Answer
# :class: dropdown
# No. The two coincide for plain SGD only. Adam rescales the penalty's gradient per weight
# like every other gradient, so weights with large gradients decay less. AdamW decouples
# the decay and applies it to the weights directly.
# ```
#
# 5. Why does `train` seed *before* building the model rather than before `fit`?
#
# ```{admonition} Answer
# :class: dropdown
# The initial weights are drawn when the layers are built, and in Keras 3 each `Dropout`
# layer draws its random seed when it is created. Seeding only before `fit` makes the
# batch order repeatable but leaves every variant with differently drawn initial weights
# (and dropout masks), so part of the difference between two curves would be luck.
# ```
#
# 6. Why does this chapter validate on 10,000 of the training reviews instead of on the
#    test set?
#
# ```{admonition} Answer
# :class: dropdown
# The validation scores decide which variant and how many epochs to use. Deciding on test
# scores fits those choices to the test set, so the final test score is no longer an
# honest estimate of performance on new reviews.
# ```
#
# **Exercise.** Practise these ideas in
# {doc}`../exercises/release/05_regularization/05_regularization`.
