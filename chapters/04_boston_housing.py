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
# # 4. Regression: house prices
#
# Classification predicts a label; **regression** predicts a number. This chapter
# predicts the median price of owner-occupied homes in the census tracts of Boston around
# 1970, from 13 properties of each tract {cite}`harrison1978`. The dataset is tiny, 506
# rows, which brings two lessons of its own: with so little data a single validation
# split is too noisy to trust, so we use **k-fold cross-validation**; and features on
# wildly different scales must be **normalized**, using the training data only. The
# chapter follows the lecture {cite}`vanschoren_deck` and Chollet's book
# {cite}`chollet2017`.

# %% tags=["remove-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    package = "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)

# %% [markdown]
# ## The data: 506 census tracts, 13 features
#
# Each row is a census tract of the Boston area, described by numbers such as the crime
# rate (`CRIM`), the average number of rooms per dwelling (`RM`), the share of
# lower-status population (`LSTAT`) or the pupil-teacher ratio (`PTRATIO`). The target
# is the median value of owner-occupied homes in the tract, in thousands of dollars. Keras
# shuffles the 506 rows and splits them into 404 for training and 102 for testing.
#
# This chapter runs on the real table in every profile: `data.load_boston_housing` takes
# it from Keras when the network can be reached and otherwise from the complete copy that
# ships with the `mlxtend` package, split the same way; the run card says which.

# %% tags=["hide-cell"]
# How much this chapter computes in each profile (see "How every chapter starts" in
# chapter 1). The lecture cross-validates with batches of one row for 100 epochs
# (`full`). `cpu` uses batches of 16: much faster on a CPU, but 16 times fewer weight
# updates per epoch, so its cross-validation scores are not the lecture's setup. The
# per-epoch curve trains with batches of 16 in every profile, for 500 epochs in `full`
# and 400 in `cpu`. One line per setting, its values in (full, cpu, smoke).
from lib import profiles

PROFILES = profiles.table(
    cv_epochs=(100, 100, 5),
    cv_batch_size=(1, 16, 16),
    curve_epochs=(500, 400, 24),
    batch_size=(16, 16, 16),
)

# %% tags=["remove-stderr"]
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from lib import chapter, data
from lib.evaluation import best_epoch, smooth_curve
from lib.runcard import show_run_card

# %%
config = chapter.start(PROFILES, seed=42)
K = 4  # folds

# %% tags=["remove-stderr"]
boston = data.load_boston_housing()
(train_data, train_targets), (test_data, test_targets) = boston
show_run_card(
    "Chapter 4 — predicting house prices",
    config.profile,
    config.seed,
    [boston.provenance],
)

# %%
print(
    f"{len(train_data)} training and {len(test_data)} "
    f"test tracts, {train_data.shape[1]} features"
)
print("first training prices ($1000s):", train_targets[:5])
features = pd.DataFrame(train_data, columns=boston.feature_names)
features.describe().loc[["mean", "std", "min", "max"]].round(2)

# %% [markdown]
# The features live on very different scales: `NOX` stays below 1, `TAX` runs into the
# hundreds, `CHAS` is 0 or 1. Two of them relate to the price quite visibly:

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for ax, name in zip(axes, ["RM", "LSTAT"]):
    ax.scatter(features[name], train_targets, s=8, alpha=0.6)
    ax.set(xlabel=name)
axes[0].set_ylabel("median price ($1000s)")
# %% [markdown]
# :::{note} Why scikit-learn removed this dataset, and why we still use it
# The table comes from a 1978 study of how clean air affects house prices
# {cite}`harrison1978`. One of its features, `B`, is $1000\,(B_k - 0.63)^2$, where $B_k$
# is the proportion of Black residents in the tract. The authors built it on the
# assumption that racial self-segregation raises house prices, and the squared form
# cannot even be inverted to recover $B_k$: values on either side of 0.63 give the same
# `B`. Because of this, scikit-learn deprecated `load_boston` in version 1.0 and removed
# it in 1.2, recommending other housing datasets (California, Ames).
#
# Keras still ships the table, and the lecture uses it because it is small enough to make
# the problems of small datasets visible, which is this chapter's real subject. We keep
# all 13 features so that the results stay comparable with the lecture, and at the end we
# check how much the model relies on `B`. For new work, prefer a dataset without such a
# feature.
# :::
#
# ## Normalization without leakage
#
# A network can in principle cope with features on any scale, but learning is much harder
# when one input is a thousand times larger than another. The standard fix is to
# **standardize** each feature: subtract its mean and divide by its standard deviation,
# so every feature is centred on 0 with unit spread.
#
# The mean and standard deviation are computed on the **training data only** and then
# applied, unchanged, to the test data. Computing them on all the data would let
# information about the test rows leak into training, and the test score would no longer
# measure performance on unseen data. By hand, as in the lecture:

# %%
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
x_train = ((train_data - mean) / std).astype("float32")
# the training statistics, not the test's
x_test = ((test_data - mean) / std).astype("float32")
y_train, y_test = train_targets.astype("float32"), test_targets.astype("float32")
print("training means after scaling:", np.round(x_train.mean(axis=0), 2))
print(
    "test means after scaling:    ",
    np.round(x_test.mean(axis=0), 2),
    "(close to 0, not exactly)",
)

# %% [markdown]
# The lecture notes that Keras had no built-in support for this. Today's Keras has one:
# the `keras.layers.Normalization` layer. Its `adapt` method computes each feature's mean
# and variance from the data it is given (the training data, and only that), and calling
# the layer then standardizes any input with those statistics. It gives the same numbers
# as the lines above:

# %%
normalizer = keras.layers.Normalization()
# learns the training data's mean and variance, per feature
normalizer.adapt(train_data)
print(
    "same as by hand, training:",
    np.allclose(normalizer(train_data), x_train, atol=1e-4),
)
print(
    "same as by hand, test:    ", np.allclose(normalizer(test_data), x_test, atol=1e-4)
)

# %% [markdown]
# As the first layer of a model, such a layer carries the training statistics with the
# model, so the model can be given raw features later. This chapter keeps the explicit
# arithmetic, because inside cross-validation the statistics must change with every fold.
#
# ## The network
#
# * With so few examples the network is easily overfitted, so it stays small: two hidden
#   layers of 64 units.
# * The output is **one unit with no activation**: a linear unit can output any number,
#   where a sigmoid would squash the price into 0 to 1.
# * The loss is the **mean squared error** (MSE), which punishes large errors more than
#   small ones. We also track the **mean absolute error** (MAE), which is easier to read:
#   an MAE of 2.5 means the predictions are off by $2,500 on average.
#
# Cross-validation builds a new model for every fold, so the model is created by a
# function. Its arguments `X` and `y` are what the scikit-learn wrapper below passes; the
# model only uses the number of features.


# %%
def build_model(X, y):
    """A fresh, compiled 64-64-1 regression network for inputs shaped like X."""
    model = keras.Sequential(
        [
            keras.Input(shape=(X.shape[1],)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),  # linear output: any real number
        ]
    )
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


# %%
build_model(x_train, y_train).summary()

# %% [markdown]
# $13 \times 64 + 64$, $64 \times 64 + 64$ and $64 + 1$ weights: 5,121 in all.
#
# ## K-fold cross-validation
#
# Holding out 100 of the 404 training rows for validation would leave little to train on,
# and the score would depend heavily on *which* 100 rows were held out. **K-fold
# cross-validation** uses every row for validation once: split the training data into
# $K$ folds (here 4), train $K$ models, each on $K-1$ folds while validating on the
# remaining one, and average the $K$ scores.

# %%
folds = list(range(K))
fig, ax = plt.subplots(figsize=(6, 1.8))
for model_number in folds:
    for fold in folds:
        ax.barh(
            model_number,
            1,
            left=fold,
            color="tab:orange" if fold == model_number else "tab:blue",
            edgecolor="white",
        )
ax.set(
    yticks=folds,
    yticklabels=[f"model {m + 1}" for m in folds],
    xticks=[],
    title="4-fold cross-validation: validation fold (orange), training folds (blue)",
)
ax.invert_yaxis()

# %% [markdown]
# ### By hand
#
# The folds are consecutive blocks of rows (Keras already shuffled the rows). For each
# fold, the loop below normalizes with the statistics of that fold's *training* part only
# (within cross-validation, each validation fold plays the role of unseen data), builds a
# fresh model, trains it, and keeps its training and validation MAE after every epoch.
# `fit` stores both in its `History`; the training MAE of an epoch is the running mean
# over that epoch's batches.
#
# For speed, each fold's data goes through a `tf.data` pipeline built once: with only
# about 300 rows per epoch, `fit` on NumPy arrays spends more time preparing the data
# than training.


# %%
def k_fold_splits(n_samples, k):
    """(training rows, validation rows) for each of k consecutive folds; every row
    validates once."""
    folds = np.array_split(np.arange(n_samples), k)
    for i in range(k):
        training = np.concatenate([fold for j, fold in enumerate(folds) if j != i])
        yield training, folds[i]


def as_dataset(x, y, batch_size, shuffle=False):
    """Batches of (features, price) as a tf.data pipeline; reshuffled every epoch if
    asked."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x))
    return dataset.batch(batch_size)


def k_fold_curves(x, y, k, epochs, batch_size):
    """Train one fresh model per fold; return each fold's training and validation MAE
    after every epoch."""
    training_mae, validation_mae = [], []
    for training, validation in k_fold_splits(len(x), k):
        # this fold's training part only
        mean, std = x[training].mean(axis=0), x[training].std(axis=0)
        x_scaled = ((x - mean) / std).astype("float32")
        model = build_model(x_scaled, y)
        history = model.fit(
            as_dataset(x_scaled[training], y[training], batch_size, shuffle=True),
            validation_data=as_dataset(x_scaled[validation], y[validation], batch_size),
            epochs=epochs,
            shuffle=False,  # the dataset shuffles itself
            verbose=0,
        )
        training_mae.append(history.history["mae"])
        validation_mae.append(history.history["val_mae"])
    return np.array(training_mae), np.array(validation_mae)


# %% [markdown]
# The lecture trains for 500 epochs to see where overfitting starts:

# %%
training_mae, validation_mae = k_fold_curves(
    train_data, y_train, K, config.curve_epochs, config.batch_size
)
for fold in range(K):
    print(
        f"fold {fold + 1}: lowest validation MAE {validation_mae[fold].min():.2f} "
        f"after epoch {validation_mae[fold].argmin() + 1}"
    )

# %% [markdown]
# Averaging over the folds gives one curve per kind of error. The first epochs, where the
# error plunges from above 20, would squash everything else in the plot, so we leave them
# out.

# %%
average_training_mae = training_mae.mean(axis=0)
average_mae = validation_mae.mean(axis=0)
skip = min(10, config.curve_epochs // 4)
epochs_axis = np.arange(skip + 1, config.curve_epochs + 1)
smoothed = smooth_curve(average_mae[skip:], factor=0.9)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(epochs_axis, average_mae[skip:], alpha=0.4, label="validation, mean over folds")
ax.plot(
    epochs_axis, smoothed, label="validation, smoothed (exponential moving average)"
)
ax.plot(
    epochs_axis,
    average_training_mae[skip:],
    alpha=0.6,
    label="training, mean over folds",
)
ax.set(
    xlabel="epoch",
    ylabel="MAE ($1000s)",
    title=f"{K}-fold training and validation MAE per epoch",
)
ax.grid(alpha=0.3)
ax.legend()
# %% [markdown]
# The raw average still jumps from epoch to epoch. An **exponential moving average**
# (`lib.evaluation.smooth_curve`) replaces each point by 0.9 × the previous smoothed point
# plus 0.1 × the new value, which keeps the trend and removes the jitter. In the lecture's
# run, the validation error stopped improving after about 80 epochs and the model started
# to overfit; the deck does not show the batch size of that curve. The curve to read is
# the one above: where the smoothed validation error is lowest, and whether the training
# error keeps falling past that point while the validation error no longer does. A
# minimum on a broad, flat stretch is not sharp, and any epoch count on that stretch
# gives similar results.

# %%
epochs_chosen = skip + best_epoch(smoothed)
print(
    "the smoothed validation MAE is lowest after epoch "
    f"{epochs_chosen}: {smoothed[epochs_chosen - skip - 1]:.2f}"
)
print(
    f"mean training MAE: {average_training_mae[epochs_chosen - 1]:.2f} at that epoch, "
    f"{average_training_mae[-1]:.2f} after the last"
)

# %% [markdown]
# ### With scikit-learn
#
# The lecture hands the folds to scikit-learn instead. `keras.wrappers.SKLearnRegressor`
# turns `build_model` into a scikit-learn regressor, so scikit-learn's `cross_val_score`,
# or `cross_validate`, which also reports the error on each fold's training part, can run
# the folds. (The lecture wrapped this regression model in the *classifier* wrapper,
# which would treat every distinct price as a class; the regressor wrapper is the right
# one.)
#
# A scikit-learn `Pipeline` that starts with a `StandardScaler` repeats the per-fold
# normalization of the loop above: in every fold, the scaler is fitted on that fold's
# training part only. The pipeline therefore gets the *raw* training data. Settings of
# `fit`, such as the number of epochs, are passed through `params`, addressed to the
# pipeline step by name. `KFold(n_splits=K)` makes the same consecutive folds as
# `k_fold_splits`.

# %%
from keras.wrappers import SKLearnRegressor
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# %%
kfold = KFold(n_splits=K)
pipeline = make_pipeline(StandardScaler(), SKLearnRegressor(build_model))
fit_settings = {
    "sklearnregressor__epochs": config.cv_epochs,
    "sklearnregressor__batch_size": config.cv_batch_size,
    "sklearnregressor__verbose": 0,
}


# %%
def cross_validated_mae(features):
    """Each fold's validation and training MAE of `pipeline`, learning from
    `features` (the training rows)."""
    # The wrapper's predict() would print a progress bar for every fold; silence Keras's
    # bars.
    keras.config.disable_interactive_logging()
    results = cross_validate(
        pipeline,
        features,
        train_targets,
        cv=kfold,
        scoring="neg_mean_absolute_error",
        params=fit_settings,
        return_train_score=True,
    )
    keras.config.enable_interactive_logging()
    # scikit-learn maximizes scores, so it reports errors negated
    return -results["test_score"], -results["train_score"]


# %%
cv_mae, cv_train_mae = cross_validated_mae(train_data)
print(
    pd.DataFrame(
        {"validation MAE": cv_mae, "training MAE": cv_train_mae},
        index=[f"fold {k + 1}" for k in range(K)],
    ).round(2)
)
print(
    f"\nmean validation MAE: {cv_mae.mean():.2f} "
    f"± {cv_mae.std():.2f} (thousand dollars)"
)
chapter.glue("boston_cv_mae", cv_mae.mean())
chapter.glue("boston_cv_min", cv_mae.min())
chapter.glue("boston_cv_max", cv_mae.max())
chapter.glue("boston_cv_epochs", config.cv_epochs)
chapter.glue("boston_cv_batch", config.cv_batch_size)

# %% [markdown]
# In this run ({glue:text}`boston_cv_epochs` epochs, batches of
# {glue:text}`boston_cv_batch`), the folds' validation MAE ranges from
# {glue:text}`boston_cv_min:.2f` to {glue:text}`boston_cv_max:.2f`, a mean of
# {glue:text}`boston_cv_mae:.2f`; the lecture reports a mean of 2.51 with batches of one
# row. Folds disagree because one validation quarter is harder to predict than another,
# and because each fold's network starts from different random weights: with neural
# networks, some folds may settle in a worse place, or not converge at all. That spread is
# why a single small validation set would mislead us, and why the mean over folds is the
# number to trust.
#
# ## Retraining with the chosen number of epochs
#
# Cross-validation has done its job: it chose the number of epochs. The final model is
# trained on all 404 training rows (normalized with the statistics of all of them) and
# evaluated once on the 102 test rows.

# %%
final_model = build_model(x_train, y_train)
final_model.fit(
    x_train, y_train, epochs=epochs_chosen, batch_size=config.batch_size, verbose=0
)
test_mse, test_mae = final_model.evaluate(x_test, y_test, verbose=0)
baseline_mae = np.mean(np.abs(y_test - y_train.mean()))
print(f"test MAE: {test_mae:.2f} (thousand dollars), test MSE: {test_mse:.2f}")
print(
    f"for comparison, always predicting the mean training price: MAE {baseline_mae:.2f}"
)
chapter.glue("boston_test_mae", test_mae)
chapter.glue("boston_baseline_mae", baseline_mae)
chapter.glue("boston_epochs_chosen", epochs_chosen)

# %% [markdown]
# Trained for {glue:text}`boston_epochs_chosen` epochs, this run's model is off by
# {glue:text}`boston_test_mae:.2f` thousand dollars on average on the test tracts,
# against {glue:text}`boston_baseline_mae:.2f` for always predicting the mean training
# price. The lecture, training for 80 epochs, reports a test MAE of 2.50. The two need not
# agree to the digit: the initial weights, the number of epochs chosen and, outside the
# `full` profile, the length of the curve differ. Predictions for a few test tracts:

# %%
predicted_prices = final_model.predict(x_test[:6], verbose=0)[:, 0]
pd.DataFrame(
    {
        "true price": y_test[:6],
        "predicted": predicted_prices,
        "error": predicted_prices - y_test[:6],
    }
).astype("float64").round(1)

# %% [markdown]
# ### How much does the model rely on `B`?
#
# Back to the note above: we rerun the scikit-learn cross-validation without the `B`
# column and compare the mean validation MAE (validation folds again, never the test set).

# %%
without_b = [i for i, name in enumerate(boston.feature_names) if name != "B"]
mae_without_b, train_mae_without_b = cross_validated_mae(train_data[:, without_b])
print(
    f"all 13 features: validation MAE {cv_mae.mean():.2f}, "
    f"training MAE {cv_train_mae.mean():.2f}"
)
print(
    f"without B:       validation MAE {mae_without_b.mean():.2f}, "
    f"training MAE {train_mae_without_b.mean():.2f}"
)
chapter.glue("boston_b_difference", mae_without_b.mean() - cv_mae.mean())
chapter.glue("boston_cv_std", cv_mae.std())

# %% [markdown]
# Without `B`, the mean validation MAE changes by {glue:text}`boston_b_difference:+.2f`
# thousand dollars in this run, against a spread between folds (standard deviation) of
# {glue:text}`boston_cv_std:.2f`. A change well inside that spread is no evidence that the
# predictions hinge on `B`.
#
# ## Takeaways
#
# * Regression ends in a single linear unit, trained with the mean squared error and
#   reported with the more readable mean absolute error.
# * Features on different scales are standardized, with statistics from the training data
#   only; inside cross-validation, from each fold's training part only. By hand or with
#   `keras.layers.Normalization` and `adapt`.
# * Small datasets call for K-fold cross-validation (a single validation split is too
#   noisy), small networks, and small batches with more epochs.
# * `keras.wrappers.SKLearnRegressor` (not the classifier wrapper) puts a Keras regression
#   model into scikit-learn's `Pipeline`, `cross_val_score` and `cross_validate`.
#
# ## Check your understanding
#
# 1. Which rows does `k_fold_splits(10, 3)` use for validation in each fold?
#
#    ```{admonition} Answer
#    :class: dropdown
#    `np.array_split` makes blocks of 4, 3 and 3 rows: rows 0–3, then 4–6, then 7–9. Each
#    fold trains on the other 6 or 7 rows. scikit-learn's `KFold(n_splits=3)` makes the
#    same folds.
#    ```
#
# 2. Why must the mean and standard deviation come from the training data only, and
#    inside cross-validation from each fold's training part only?
#
#    ```{admonition} Answer
#    :class: dropdown
#    The data used to score a model stands for data the model has never seen. If its
#    values shape the normalization, information about it leaks into training and the
#    score is optimistic. In cross-validation each validation fold is that unseen data,
#    so each fold computes its own statistics.
#    ```
#
# 3. Why does the output layer have no activation, and what would a sigmoid do?
#
#    ```{admonition} Answer
#    :class: dropdown
#    A price can be any positive number, tens of thousands of dollars here. A linear unit
#    can output it; a sigmoid would squash every prediction into the range 0 to 1.
#    ```
#
# 4. Two models have the same MAE, 3.0, but one has the larger MSE. What does that tell
#    you about its errors?
#
#    ```{admonition} Answer
#    :class: dropdown
#    Its errors are more uneven: the squared error weighs large errors more, so with the
#    same average absolute error, a larger MSE means some predictions are far off and
#    others are close.
#    ```
#
# 5. Training with batches of 16 instead of 1 for the same number of epochs: how many
#    weight updates per epoch does each make on 303 training rows?
#
#    ```{admonition} Answer
#    :class: dropdown
#    Batches of 1: 303 updates per epoch. Batches of 16: $\lceil 303/16 \rceil = 19$. The
#    same number of epochs is therefore far less training with the larger batches, which
#    is why the `cpu` profile's cross-validation is not the lecture's setup.
#    ```
#
# 6. Why is the loss MSE but the reported metric MAE?
#
#    ```{admonition} Answer
#    :class: dropdown
#    MSE has a smooth gradient that grows with the error, which suits training; MAE is in
#    the unit of the target (thousands of dollars), which makes it easy to read.
#    ```
#
# **Exercise.** Normalize without leakage, write the k-fold indices yourself and
# cross-validate the regressor in {doc}`../exercises/release/04_boston/04_boston`.
