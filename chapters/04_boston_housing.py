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
# Classification predicts a label; **regression** predicts a number. This chapter predicts
# the median price of homes in Boston suburbs of the mid-1970s from 13 properties of the
# neighbourhood. The dataset is tiny, 506 examples, which brings two lessons of its own:
# with so little data, a single validation split is too noisy to trust, so we use
# **k-fold cross-validation**; and features on wildly different scales must be
# **normalized**, using the training data only.
#
# **Reference results.** The lecture's 4-fold cross-validation gives a mean absolute
# error (MAE) of about **2.5** (thousand dollars); after choosing the number of epochs
# from the validation curves and retraining, the test MAE is **2.50** (lecture:
# 2.4989). Unlike chapters 2 and 3, this chapter runs on the **real data** in every
# profile, online or offline: the complete 506-house table ships with the `mlxtend`
# package, and `lib.data` splits it exactly as Keras does. The numbers below are real
# results.

# %% tags=["hide-cell"]
# Colab setup: install the book's `lib` package (skipped elsewhere).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "bdls-lib[colab] @ git+https://github.com/bdls-course/building-deep-learning-systems"], check=True)

# %% [markdown]
# ## Setup
#
# The lecture trains its cross-validation with batches of a single house for 100 epochs;
# the `cpu` profile uses batches of 16, which is much faster on a CPU and lands in the same
# place. The long per-epoch curve runs for 500 epochs in `full`, 400 in `cpu`.

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf

from lib import data, profiles
from lib.evaluation import best_epoch, smooth_curve
from lib.runcard import seed_everything, show_run_card

SEED = 42
seed_everything(SEED)
K = 4  # folds

config = profiles.settings({
    "full":  {"cv_epochs": 100, "cv_batch_size": 1, "curve_epochs": 500, "batch_size": 16},
    "cpu":   {"cv_epochs": 100, "cv_batch_size": 16, "curve_epochs": 400, "batch_size": 16},
    "smoke": {"cv_epochs": 5, "cv_batch_size": 16, "curve_epochs": 24, "batch_size": 16},
})
config

# %% [markdown]
# ## The data: 506 houses, 13 features
#
# Each example is a town or suburb, described by numbers such as the crime rate (`CRIM`),
# the average number of rooms per dwelling (`RM`), the share of lower-status population
# (`LSTAT`) or the pupil-teacher ratio (`PTRATIO`). The target is the median value of
# owner-occupied homes, in thousands of dollars. Keras splits the 506 rows into 404 for
# training and 102 for testing.

# %%
boston = data.load_boston_housing()
(train_data, train_targets), (test_data, test_targets) = boston

# %%
show_run_card("Chapter 4 — predicting house prices", config.profile, SEED, [boston.provenance])

# %%
print(f"{len(train_data)} training and {len(test_data)} test houses, {train_data.shape[1]} features")
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
axes[0].set_ylabel("median price ($1000s)");

# %% [markdown]
# :::{note} Why scikit-learn removed this dataset, and why we still use it
# The table comes from a 1978 study of how clean air affects house prices. One of its
# features, `B`, is $1000\,(B_k - 0.63)^2$, where $B_k$ is the proportion of Black
# residents in the town. The authors built it on the assumption that racial
# self-segregation raises house prices, and the squared form cannot even be inverted to
# recover $B_k$. Because of this, scikit-learn deprecated `load_boston` in version 1.0
# and removed it in 1.2, recommending other housing datasets (California, Ames).
#
# Keras still ships the table, and the lecture uses it because it is small enough to make
# the problems of small datasets visible, which is this chapter's real subject. We keep
# all 13 features so that the results stay comparable with the lecture, and at the end we
# check how much the model actually relies on `B`. For new work, prefer a dataset without
# such a feature.
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
# information about the test houses leak into training, and the test score would no
# longer measure performance on unseen data.

# %%
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
x_train = ((train_data - mean) / std).astype("float32")
x_test = ((test_data - mean) / std).astype("float32")  # the training statistics, not the test's
y_train, y_test = train_targets.astype("float32"), test_targets.astype("float32")
print("training means after scaling:", np.round(x_train.mean(axis=0), 2))
print("test means after scaling:    ", np.round(x_test.mean(axis=0), 2), "(close to 0, not exactly)")


# %% [markdown]
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
    model = keras.Sequential([
        keras.Input(shape=(X.shape[1],)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),  # linear output: any real number
    ])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


build_model(x_train, y_train).summary()

# %%
# 13 × 64 + 64, 64 × 64 + 64 and 64 + 1 weights.
assert build_model(x_train, y_train).count_params() == 5_121

# %% [markdown]
# ## K-fold cross-validation
#
# Holding out 100 of the 404 training houses for validation would leave little to train
# on, and the score would depend heavily on *which* 100 houses were held out. **K-fold
# cross-validation** uses every house for validation once: split the training data into
# $K$ folds (here 4), train $K$ models, each on $K-1$ folds while validating on the
# remaining one, and average the $K$ scores.

# %%
folds = list(range(K))
fig, ax = plt.subplots(figsize=(6, 1.8))
for model_number in folds:
    for fold in folds:
        ax.barh(model_number, 1, left=fold, color="tab:orange" if fold == model_number else "tab:blue",
                edgecolor="white")
ax.set(yticks=folds, yticklabels=[f"model {m + 1}" for m in folds], xticks=[],
       title="4-fold cross-validation: validation fold (orange), training folds (blue)")
ax.invert_yaxis()

# %% [markdown]
# ### With scikit-learn
#
# `keras.wrappers.SKLearnRegressor` turns `build_model` into a scikit-learn regressor, so
# scikit-learn's `cross_val_score`, or `cross_validate`, which also reports the error on
# each fold's training part, can run the folds. (The lecture wrapped this regression model in the
# *classifier* wrapper, which would treat every distinct price as a class; the regressor
# wrapper is the right one.)
#
# One subtlety: within cross-validation, each fold's validation houses play the role of
# unseen data, so they must not influence the normalization either. A scikit-learn
# `Pipeline` that starts with a `StandardScaler` does this right: in every fold, the
# scaler is fitted on that fold's training part only. The pipeline therefore gets the
# *raw* training data. Settings of `fit`, such as the number of epochs, are passed
# through `params`, addressed to the pipeline step by name.

# %%
from keras.wrappers import SKLearnRegressor
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

kfold = KFold(n_splits=K)  # Keras already shuffled the rows, so consecutive folds are fine
pipeline = make_pipeline(StandardScaler(), SKLearnRegressor(build_model))
fit_settings = {"sklearnregressor__epochs": config.cv_epochs,
                "sklearnregressor__batch_size": config.cv_batch_size, "sklearnregressor__verbose": 0}

# %%
# The wrapper's predict() would print a progress bar for every fold; silence Keras's bars.
keras.config.disable_interactive_logging()
cv_results = cross_validate(pipeline, train_data, train_targets, cv=kfold, scoring="neg_mean_absolute_error",
                            params=fit_settings, return_train_score=True)
keras.config.enable_interactive_logging()
# scikit-learn maximizes scores, so it reports errors negated
cv_mae, cv_train_mae = -cv_results["test_score"], -cv_results["train_score"]
print(pd.DataFrame({"validation MAE": cv_mae, "training MAE": cv_train_mae},
                   index=[f"fold {k + 1}" for k in range(K)]).round(2))
print(f"\nmean validation MAE: {cv_mae.mean():.2f} ± {cv_mae.std():.2f} (thousand dollars)")


# %% [markdown]
# The folds disagree noticeably: one validation quarter is simply harder to predict than
# another. (With enough epochs, each network also fits its own training part better than
# its validation fold.) That spread is exactly why a single small validation set would mislead us, and
# why the mean over folds is the number to trust. Cross-validation with neural networks
# has a second source of variation: each fold's network starts from different random
# weights, and on some folds training may settle in a worse place.
#
# ### By hand: the per-epoch validation curve
#
# `cross_validate` returns one number per fold. To choose how long to train, we want
# the validation error after *every* epoch, averaged over the folds, so we write the
# loop ourselves, over the same folds, with normalization again computed per fold.
#
# For speed, each fold's data goes through a `tf.data` pipeline built once. With only
# ~300 houses per epoch, converting NumPy arrays anew at every epoch would cost more time
# than the training itself.

# %%
def as_dataset(x, y, shuffle=False):
    """Batches of (features, price) as a tf.data pipeline; reshuffled every epoch if asked."""
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(len(x), seed=SEED)
    return dataset.batch(config.batch_size)


# %%
validation_mae_per_fold = []
for fold, (train_rows, val_rows) in enumerate(kfold.split(train_data)):
    scaler = StandardScaler().fit(train_data[train_rows])  # this fold's training part only
    x_fold = scaler.transform(train_data).astype("float32")
    model = build_model(x_fold, y_train)
    history = model.fit(as_dataset(x_fold[train_rows], y_train[train_rows], shuffle=True),
                        validation_data=as_dataset(x_fold[val_rows], y_train[val_rows]),
                        epochs=config.curve_epochs, shuffle=False,  # the dataset shuffles itself
                        verbose=0)
    validation_mae_per_fold.append(history.history["val_mae"])
    print(f"fold {fold + 1}: lowest validation MAE {min(history.history['val_mae']):.2f}")

# %% [markdown]
# Averaging over the folds gives one curve. The first epochs, where the error plunges from
# above 20, would squash everything else in the plot, so we leave them out.

# %%
average_mae = np.mean(validation_mae_per_fold, axis=0)
skip = min(10, config.curve_epochs // 4)
epochs_axis = np.arange(skip + 1, config.curve_epochs + 1)

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(epochs_axis, average_mae[skip:], alpha=0.4, label="mean over folds")
smoothed = smooth_curve(average_mae[skip:], factor=0.9)
ax.plot(epochs_axis, smoothed, label="smoothed (exponential moving average)")
ax.set(xlabel="epoch", ylabel="validation MAE ($1000s)", title=f"{K}-fold validation MAE per epoch")
ax.grid(alpha=0.3)
ax.legend();

# %% [markdown]
# The raw average still jumps from epoch to epoch. An **exponential moving average**
# (`lib.evaluation.smooth_curve`) replaces each point by 0.9 × the previous smoothed point
# plus 0.1 × the new value, which keeps the trend and removes the jitter. The smoothed
# curve drops steeply at first, then flattens out; past its minimum the validation error
# creeps up again, slowly, while the training error keeps falling: the networks start to
# overfit. The minimum sits on a broad, flat stretch, so its exact position is not sharp,
# and any epoch count on the flat stretch gives similar results. (The lecture's run, with
# batches of one house, turned upward after about 80 epochs; with batches of 16 each epoch
# makes 16 times fewer updates, so the turn comes later.)

# %%
epochs_chosen = skip + best_epoch(smoothed)
print(f"the smoothed validation MAE is lowest after epoch {epochs_chosen}: "
      f"{smoothed[epochs_chosen - skip - 1]:.2f}")

# %% [markdown]
# ## Retraining with the chosen number of epochs
#
# Cross-validation has done its job: it chose the number of epochs. The final model is
# trained on all 404 training houses (normalized with the statistics of all of them) and
# evaluated once on the 102 test houses.

# %%
final_model = build_model(x_train, y_train)
final_model.fit(x_train, y_train, epochs=epochs_chosen, batch_size=config.batch_size, verbose=0)
test_mse, test_mae = final_model.evaluate(x_test, y_test, verbose=0)
baseline_mae = np.mean(np.abs(y_test - y_train.mean()))
print(f"test MAE: {test_mae:.2f} (thousand dollars), test MSE: {test_mse:.2f}")
print(f"for comparison, always predicting the mean training price: MAE {baseline_mae:.2f}")

# %% [markdown]
# The lecture reports a test MAE of **2.50**; this chapter runs on the same real data, so
# the number above is a real result too. Differences of a few tenths come from random
# initialization and, in the `cpu` profile, from the shorter curve and larger
# cross-validation batches. Predictions for a few test houses:

# %%
predicted_prices = final_model.predict(x_test[:6], verbose=0)[:, 0]
pd.DataFrame({"true price": y_test[:6], "predicted": predicted_prices,
              "error": predicted_prices - y_test[:6]}).astype("float64").round(1)

# %% [markdown]
# ### How much does the model rely on `B`?
#
# Back to the note above: we rerun the scikit-learn cross-validation without the `B`
# column and compare the mean validation MAE (validation folds again, never the test set).

# %%
without_b = [i for i, name in enumerate(boston.feature_names) if name != "B"]
keras.config.disable_interactive_logging()
results_without_b = cross_validate(pipeline, train_data[:, without_b], train_targets, cv=kfold,
                                   scoring="neg_mean_absolute_error", params=fit_settings,
                                   return_train_score=True)
keras.config.enable_interactive_logging()
print(f"all 13 features: validation MAE {cv_mae.mean():.2f}, training MAE {cv_train_mae.mean():.2f}")
print(f"without B:       validation MAE {-results_without_b['test_score'].mean():.2f}, "
      f"training MAE {-results_without_b['train_score'].mean():.2f}")

# %% [markdown]
# The difference is small next to the spread between folds: the predictions do not hinge
# on `B`, and dropping it costs little or nothing.
#
# ## Takeaways
#
# * Regression ends in a single linear unit, trained with the mean squared error and
#   reported with the more readable mean absolute error.
# * Features on different scales are standardized, with statistics from the training data
#   only; inside cross-validation, from each fold's training part only.
# * Small datasets call for K-fold cross-validation (a single validation split is too
#   noisy), small networks, and small batches with more epochs.
# * `keras.wrappers.SKLearnRegressor` (not the classifier wrapper) puts a Keras regression
#   model into scikit-learn's `Pipeline`, `cross_val_score` and `cross_validate`.
