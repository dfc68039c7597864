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
# # Exercise 4 — Predicting house prices
#
# This exercise follows [chapter 4](../../../chapters/04_boston_housing.ipynb). With only 404
# training houses, every decision about data handling shows in the result: you will
# normalize without leaking the test set, write K-fold cross-validation by hand, read an
# averaged validation curve to pick the number of epochs, and retrain a final model.
#
# **Data.** The real Boston housing table (506 houses), split exactly as `keras.datasets`
# splits it. The setup cell loads it with `source="offline"`: from the complete table that
# ships with the `mlxtend` package, so it needs no download and you, Colab and the grader
# all work on the same numbers.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the visible
# tests there help you; further *hidden* tests decide the grade, so make your code do what
# the task says, not just what the visible tests check. The hidden tests reload the data
# themselves and look at your models (their weights, training histories and optimizer
# steps), so changing the data or reported numbers in the notebook earns nothing. Keep the
# names the tasks ask for. The written question at the end is graded by hand. Before you
# submit, restart the kernel and run all cells: the grader runs the notebook from top to
# bottom.

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

# The real Boston housing data, split as keras.datasets splits it (404 training and 102 test
# houses), read from the complete table shipped with mlxtend (source="offline": no download,
# the same numbers on every machine, the grader's included).
boston = data.load_boston_housing(source="offline")
(train_data, train_targets), (test_data, test_targets) = boston
print(boston.provenance.summary())
print("features:", boston.feature_names)
print("train:", train_data.shape, " test:", test_data.shape, " first prices ($1000s):", train_targets[:5])

# Seeded before any model is built (a model draws its initial weights when it is built).
SEED = exercise_seed(42)  # 42 for you; the grader gives each student a seed of their own
seed_everything(SEED)


# %% [markdown]
# ## Task 1 — Normalize without leaking (2 points)
#
# The features have very different scales (a tax rate in hundreds, a proportion below 1).
# Write `normalize(train, test)` returning `(train_normalized, test_normalized)`, both new
# float arrays (`float64` or `float32`; the tests allow for float32 rounding): subtract the **training** mean of each feature (column) and divide by the
# **training** standard deviation, in both sets. Nothing about the test set may influence
# the result for the training set, or the transformation of the test set. Do not modify
# the inputs.


# %% nbgrader={"grade": false, "grade_id": "normalize", "locked": false, "schema_version": 3, "solution": true, "task": false}
def normalize(train, test):
    """Standardize both sets with the per-feature mean and std of `train` only."""
    ### BEGIN SOLUTION
    train = np.asarray(train, dtype=np.float64)
    test = np.asarray(test, dtype=np.float64)
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / std
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_normalize", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numpy as np

train_n, test_n = normalize(train_data, test_data)
assert isinstance(train_n, np.ndarray) and isinstance(test_n, np.ndarray), "return two numpy arrays"
assert train_n.shape == train_data.shape and test_n.shape == test_data.shape
# tolerances that float32 arithmetic meets
np.testing.assert_allclose(np.mean(train_n, axis=0, dtype=np.float64), np.zeros(13), atol=1e-4)
np.testing.assert_allclose(np.std(train_n, axis=0, dtype=np.float64), np.ones(13), rtol=1e-4)
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(12)
train = rng.normal(loc=[5.0, -2.0, 300.0], scale=[1.0, 0.1, 50.0], size=(40, 3))
test = rng.normal(loc=[9.0, -2.0, 100.0], scale=[3.0, 0.1, 10.0], size=(10, 3))
train_before, test_before = train.copy(), test.copy()
a, b = normalize(train, test)
assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
np.testing.assert_array_equal(train, train_before, err_msg="the training set was modified")
np.testing.assert_array_equal(test, test_before, err_msg="the test set was modified")
mean, std = train.mean(axis=0), train.std(axis=0)
np.testing.assert_allclose(a, (train - mean) / std, rtol=1e-4, atol=1e-4)
np.testing.assert_allclose(
    b, (test - mean) / std, rtol=1e-4, atol=1e-4, err_msg="the test set must use the training statistics"
)
a2, _ = normalize(train, test * 10 + 7)
np.testing.assert_allclose(a2, a, rtol=1e-6, atol=1e-6, err_msg="the test set influences the normalized training set")
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
(ref_train_x, _), (ref_test_x, _) = checks.fresh_data().load_boston_housing(source="offline")
ref_train_n, ref_test_n = normalize(ref_train_x, ref_test_x)
ref_mean, ref_std = ref_train_x.mean(axis=0), ref_train_x.std(axis=0)
np.testing.assert_allclose(ref_train_n, (ref_train_x - ref_mean) / ref_std, rtol=1e-4, atol=1e-4)
np.testing.assert_allclose(ref_test_n, (ref_test_x - ref_mean) / ref_std, rtol=1e-4, atol=1e-4)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — K-fold indices (2 points)
#
# Keras has no cross-validation of its own, so we write it. Write
# `kfold_indices(n_samples, k)` returning a list of `k` pairs `(train_indices,
# validation_indices)`, both NumPy integer arrays. The `k` validation folds must not
# overlap and must together contain every sample exactly once; their sizes may differ by at
# most one. Each training part is every sample that is not in that fold's validation part.
# (Contiguous folds, in order, are fine: fold 0 validates on the first samples.)


# %% nbgrader={"grade": false, "grade_id": "kfold_indices", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kfold_indices(n_samples, k):
    """k (train_indices, validation_indices) pairs of integer arrays; folds partition range(n_samples)."""
    ### BEGIN SOLUTION
    indices = np.arange(n_samples)
    folds = np.array_split(indices, k)
    return [(np.setdiff1d(indices, fold), fold) for fold in folds]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_kfold_indices", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
import numpy as np

folds = kfold_indices(12, 4)
assert isinstance(folds, list) and len(folds) == 4, "return a list of k pairs"
for train_idx, val_idx in folds:
    assert isinstance(train_idx, np.ndarray) and isinstance(val_idx, np.ndarray), "use numpy arrays"
    assert np.issubdtype(train_idx.dtype, np.integer) and np.issubdtype(val_idx.dtype, np.integer)
    assert len(val_idx) == 3 and len(train_idx) == 9
### BEGIN HIDDEN TESTS
for n, k in ((12, 4), (404, 4), (10, 3), (7, 7), (101, 5)):
    folds = kfold_indices(n, k)
    assert isinstance(folds, list) and len(folds) == k, (n, k)
    validation = []
    for train_idx, val_idx in folds:
        assert isinstance(train_idx, np.ndarray) and isinstance(val_idx, np.ndarray)
        assert np.issubdtype(train_idx.dtype, np.integer) and np.issubdtype(val_idx.dtype, np.integer)
        np.testing.assert_array_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(n))
        assert len(np.intersect1d(train_idx, val_idx)) == 0, "a sample is in both parts of a fold"
        validation.append(val_idx)
    np.testing.assert_array_equal(
        np.sort(np.concatenate(validation)),
        np.arange(n),
        err_msg="the validation folds must cover every sample exactly once",
    )
    sizes = [len(v) for v in validation]
    assert max(sizes) - min(sizes) <= 1, f"unbalanced folds for n={n}, k={k}: {sizes}"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 — Reading many noisy curves (1 point)
#
# Cross-validation gives one validation curve per fold. Write
# `average_curves(curves)`: given a list of `k` equally long lists (one value per epoch),
# return a NumPy array with the mean over the folds at each epoch. Then write
# `smooth_curve(points, factor=0.9)`: the exponential moving average of the chapter, where
# the first smoothed value is the first point and every next one is
# `previous * factor + point * (1 - factor)`; return a NumPy array as long as `points`.


# %% nbgrader={"grade": false, "grade_id": "curves", "locked": false, "schema_version": 3, "solution": true, "task": false}
def average_curves(curves):
    """Mean over folds, epoch by epoch."""
    ### BEGIN SOLUTION
    return np.mean(np.asarray(curves, dtype=np.float64), axis=0)
    ### END SOLUTION


def smooth_curve(points, factor=0.9):
    """Exponential moving average: s[0] = p[0], s[i] = s[i-1] * factor + p[i] * (1 - factor)."""
    ### BEGIN SOLUTION
    smoothed = []
    for point in points:
        smoothed.append(smoothed[-1] * factor + point * (1 - factor) if smoothed else point)
    return np.asarray(smoothed, dtype=np.float64)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_curves", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numpy as np

average = average_curves([[3.0, 2.0, 1.0], [5.0, 2.0, 3.0]])
assert isinstance(average, np.ndarray), "return a numpy array"
np.testing.assert_allclose(average, [4.0, 2.0, 2.0])
smooth = smooth_curve([1.0, 2.0, 3.0], factor=0.5)
assert isinstance(smooth, np.ndarray)
np.testing.assert_allclose(smooth, [1.0, 1.5, 2.25])
### BEGIN HIDDEN TESTS
rng = np.random.default_rng(6)
curves = rng.random((4, 30)).tolist()
got = average_curves(curves)
assert isinstance(got, np.ndarray) and got.shape == (30,)
np.testing.assert_allclose(got, np.mean(curves, axis=0))
points = rng.random(25)
expected = [points[0]]
for point in points[1:]:
    expected.append(expected[-1] * 0.9 + point * 0.1)
got = smooth_curve(points)
assert isinstance(got, np.ndarray) and got.shape == (25,)
np.testing.assert_allclose(got, expected)
np.testing.assert_allclose(smooth_curve(list(points), factor=0.0), points)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — The regression network (1 point)
#
# Write `build_model(n_features=13)` returning a new compiled model: two dense ReLU layers
# of 64 units and an output layer of **one unit without activation** (a price can be any
# number). Compile it with RMSprop, the mean squared error loss and the mean absolute error
# metric (`"mae"`). With 13 features it has 5,121 parameters.


# %% nbgrader={"grade": false, "grade_id": "build_model", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(n_features=13):
    """n_features -> 64 (ReLU) -> 64 (ReLU) -> 1 (linear); MSE loss, MAE metric."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_build_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

default_model = build_model()
assert isinstance(default_model, keras.Model), "build_model must return a Keras model"
assert default_model.output_shape == (None, 1) and default_model.count_params() == 5_121, (
    f"{default_model.count_params():,} parameters and output shape {default_model.output_shape}, "
    "expected 5,121 and (None, 1)"
)
### BEGIN HIDDEN TESTS
assert build_model() is not default_model, "build a new model on every call"
assert build_model(n_features=3).count_params() == (3 * 64 + 64) + (64 * 64 + 64) + 65
assert isinstance(default_model.optimizer, keras.optimizers.RMSprop), "use RMSprop"
last = [layer for layer in default_model.layers if isinstance(layer, keras.layers.Dense)][-1]
assert last.activation in (keras.activations.linear, None), "the output layer needs no activation"
rng = np.random.default_rng(1)
probe = rng.normal(size=(16, 13)).astype("float32")
targets = rng.normal(loc=20.0, scale=5.0, size=(16, 1)).astype("float32")
outputs = np.asarray(default_model.predict(probe, verbose=0))
scores = default_model.evaluate(probe, targets, verbose=0, return_dict=True)
np.testing.assert_allclose(scores["loss"], np.mean((outputs - targets) ** 2), rtol=1e-3, err_msg="use the MSE loss")
mae_keys = [key for key in scores if "mae" in key or "mean_absolute_error" in key]
assert mae_keys, f"compile with the MAE metric (got {sorted(scores)})"
np.testing.assert_allclose(scores[mae_keys[0]], np.mean(np.abs(outputs - targets)), rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Cross-validate, then retrain (3 points)
#
# 1. Normalize `train_data` and `test_data` with your `normalize` → `x_train`, `x_test`.
# 2. `folds = kfold_indices(len(x_train), 4)`. For each of the 4 folds: train a new
#    `build_model()` on the fold's training part for **20 epochs** with batch size 16,
#    passing the fold's validation part as `validation_data`. Append the `History` that
#    `fit` returns to `fold_histories`, and its list of validation MAEs per epoch
#    (`history.history["val_mae"]`) to `all_mae_histories`.
# 3. `average_mae = average_curves(all_mae_histories)`, and `best_epochs`: the epoch
#    (counting from 1, a Python `int`) with the lowest average validation MAE.
# 4. Train `final_model = build_model()` on all of `x_train` for `best_epochs` epochs
#    (batch size 16) and store its MAE on the test set, a float in $1000s, in `test_mae`.
#
# What is checked: the grader reloads the data and looks at your fold models through
# `fold_histories` and `folds`: one `History` and model per fold, each trained for 20 epochs
# of batch size 16 on its fold's training part (counted by the optimizer's steps), whose
# validation MAEs are those of its model on the fold's validation part, every fold's final
# validation MAE at most **8**; `average_mae` is the mean of those curves; `final_model` was
# trained on the 404 training houses for `best_epochs` epochs, reaches a test MAE of at most
# **4** (in $1000s) and fits its training houses better than the test houses; `test_mae` is
# its test MAE.
#
# Twenty epochs keep this to about half a minute on a laptop; the curve is then usually
# still falling, so `best_epochs` tends to be the last one. The chapter trains for 500
# epochs and finds the validation MAE bottoming out around epoch 80.

# %% nbgrader={"grade": false, "grade_id": "cross_validation", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
x_train, x_test = normalize(train_data, test_data)
folds = kfold_indices(len(x_train), 4)
fold_histories = []
all_mae_histories = []
for fold_train, fold_val in folds:
    model = build_model()
    history = model.fit(
        x_train[fold_train],
        train_targets[fold_train],
        epochs=20,
        batch_size=16,
        validation_data=(x_train[fold_val], train_targets[fold_val]),
        verbose=0,
    )
    fold_histories.append(history)
    all_mae_histories.append(history.history["val_mae"])

average_mae = average_curves(all_mae_histories)
best_epochs = int(np.argmin(average_mae)) + 1

final_model = build_model()
final_model.fit(x_train, train_targets, epochs=best_epochs, batch_size=16, verbose=0)
test_mse, test_mae = final_model.evaluate(x_test, test_targets, verbose=0)
### END SOLUTION
print(f"lowest average validation MAE after epoch {best_epochs}; test MAE {test_mae:.2f} (× $1000)")

# %% nbgrader={"grade": true, "grade_id": "test_cross_validation", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

assert isinstance(all_mae_histories, list) and len(all_mae_histories) == 4, "one curve per fold"
assert all(len(curve) == 20 for curve in all_mae_histories), "20 epochs per fold"
assert isinstance(fold_histories, list) and len(fold_histories) == 4, "keep one History per fold"
assert all(isinstance(h, keras.callbacks.History) for h in fold_histories), "keep the History objects fit returns"
largest = float(max(curve[-1] for curve in all_mae_histories))
print(f"largest final validation MAE of the folds: {largest:.4f} (needs <= 8)")
assert largest <= 8, "every fold's model should learn"
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
(ref_train_x, ref_train_y), _ = checks.fresh_data().load_boston_housing(source="offline")
ref_x = (ref_train_x - ref_train_x.mean(axis=0)) / ref_train_x.std(axis=0)
assert isinstance(folds, list) and len(folds) == 4, "folds = kfold_indices(len(x_train), 4)"
ref_seen = []
for ref_fold_train, ref_fold_val in folds:
    ref_fold_train, ref_fold_val = np.asarray(ref_fold_train), np.asarray(ref_fold_val)
    assert np.issubdtype(ref_fold_train.dtype, np.integer) and np.issubdtype(ref_fold_val.dtype, np.integer)
    np.testing.assert_array_equal(np.sort(np.concatenate([ref_fold_train, ref_fold_val])), np.arange(404))
    ref_seen.append(ref_fold_val)
np.testing.assert_array_equal(
    np.sort(np.concatenate(ref_seen)), np.arange(404), err_msg="folds must partition the houses"
)
ref_models = [h.model for h in fold_histories]
assert all(isinstance(m, keras.Model) for m in ref_models), "keep the History objects fit returns"
assert len({id(m) for m in ref_models}) == 4, "train a new model for every fold"
ref_curves = []
for (ref_fold_train, ref_fold_val), ref_history, ref_curve in zip(folds, fold_histories, all_mae_histories):
    ref_fold_train, ref_fold_val = np.asarray(ref_fold_train), np.asarray(ref_fold_val)
    assert list(ref_history.epoch) == list(range(20)), "train every fold for 20 epochs"
    ref_steps = int(ref_history.model.optimizer.iterations.numpy())
    assert ref_steps == 20 * int(np.ceil(len(ref_fold_train) / 16)), (
        f"{ref_steps} training steps: train on the fold's training part, 20 epochs, batch size 16"
    )
    ref_val_mae = np.asarray(ref_history.history["val_mae"], dtype=float)
    np.testing.assert_allclose(
        np.asarray(ref_curve, dtype=float),
        ref_val_mae,
        rtol=1e-6,
        err_msg="all_mae_histories holds each fold's History val_mae",
    )
    # the fold's 13-64-64-1 network, computed in NumPy from its own weights
    ref_predicted = checks.dense_logits(ref_history.model, ref_x[ref_fold_val], (13, 64, 64, 1), np.float32)
    ref_measured = float(np.mean(np.abs(ref_predicted.ravel() - ref_train_y[ref_fold_val])))
    np.testing.assert_allclose(
        ref_val_mae[-1], ref_measured, rtol=1e-3, err_msg="validate each fold's model on that fold's validation part"
    )
    ref_curves.append(ref_val_mae)
ref_curves = np.asarray(ref_curves)
assert checks.needs("largest final validation MAE of the folds recomputed", ref_curves[:, -1].max(), "<=", 8), (
    "every fold's model should learn"
)
np.testing.assert_allclose(
    np.asarray(average_mae, dtype=float),
    ref_curves.mean(axis=0),
    rtol=1e-6,
    err_msg="average_mae is the mean of the fold curves",
)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_best_epochs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import numpy as np

assert isinstance(best_epochs, numbers.Integral) and not isinstance(best_epochs, bool), "best_epochs must be an int"
assert 1 <= best_epochs <= 20
### BEGIN HIDDEN TESTS
assert best_epochs == int(np.argmin(np.mean(all_mae_histories, axis=0))) + 1, (
    "pick the epoch of the lowest average validation MAE"
)
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_final_model", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import keras
import numpy as np

assert isinstance(final_model, keras.Model) and final_model.count_params() == 5_121
assert isinstance(test_mae, numbers.Real) and not isinstance(test_mae, bool)
print(f"test MAE of final_model: {float(test_mae):.4f} (needs <= 4)")
assert test_mae <= 4, "final_model's test MAE is too high"
### BEGIN HIDDEN TESTS
import importlib

import lib.checks

checks = importlib.reload(lib.checks)  # reference computations and data, fresh from disk
(ref_train_x, ref_train_y), (ref_test_x, ref_test_y) = checks.fresh_data().load_boston_housing(source="offline")
ref_mean, ref_std = ref_train_x.mean(axis=0), ref_train_x.std(axis=0)
# final_model's predictions, computed in NumPy from its own weights (the 13-64-64-1 network of build_model())
ref_predictions = {
    split: checks.dense_logits(final_model, (houses - ref_mean) / ref_std, (13, 64, 64, 1), np.float32).ravel()
    for split, houses in (("train", ref_train_x), ("test", ref_test_x))
}
assert isinstance(best_epochs, numbers.Integral) and 1 <= best_epochs <= 20
assert int(final_model.optimizer.iterations.numpy()) == best_epochs * int(np.ceil(404 / 16)), (
    "train final_model on all 404 training houses for best_epochs epochs with batch size 16"
)
ref_test_mae = float(np.mean(np.abs(ref_predictions["test"] - ref_test_y)))
ref_train_mae = float(np.mean(np.abs(ref_predictions["train"] - ref_train_y)))
assert checks.needs("test MAE of final_model recomputed", ref_test_mae, "<=", 4), (
    f"test MAE {ref_test_mae:.2f} is too high (20 epochs should reach about 3)"
)
assert checks.needs("test minus training MAE of final_model", ref_test_mae - ref_train_mae, ">=", 0), (
    "final_model fits the test houses better than its training houses"
)
assert abs(float(test_mae) - ref_test_mae) < 0.01, "test_mae must be final_model's MAE on the test set"
### END HIDDEN TESTS

# %% [markdown]
# The averaged validation curve, raw and smoothed:

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3.5))
epochs = np.arange(1, len(average_mae) + 1)
ax.plot(epochs, average_mae, label="mean over 4 folds")
ax.plot(epochs, smooth_curve(average_mae), label="smoothed")
ax.axvline(best_epochs, color="grey", linestyle="--", label=f"chosen: epoch {best_epochs}")
ax.set(xlabel="epoch", ylabel="validation MAE ($1000s)")
ax.legend()

# %% [markdown]
# ## Question — Leakage and small data (2 points, graded by hand)
#
# (a) Suppose you had normalized with the mean and standard deviation of *all* 506 houses.
# Why would the test MAE you report then be untrustworthy, even though the network never
# trained on a test house? (b) Why does this chapter cross-validate instead of using one
# validation split, and why do the four fold curves differ so much? Three to six sentences.

# %% [markdown] nbgrader={"grade": true, "grade_id": "question_leakage", "locked": false, "points": 2, "schema_version": 3, "solution": true, "task": false}
# (a) The test statistics would then shape the features the model trains on: information
# about the test houses (their mean and spread) leaks into training, so the test set no
# longer plays the role of unseen data and the reported MAE is optimistic. In deployment we
# would have to normalize new houses with statistics computed without them. (b) With 404
# houses, a single validation split of about 100 houses gives a noisy estimate that depends
# heavily on which houses landed in it; averaging four folds uses every house for validation
# once and reduces that variance. The fold curves differ because each fold validates on
# different (and few) houses, some with unusual prices, and because each network starts from
# different random weights.
#
# === BEGIN MARK SCHEME ===
# 1 point for (a): test statistics leak information about the test set into the model, so the
# estimate is optimistic / not an honest estimate for new data. 1 point for (b): small data →
# one split is a high-variance estimate; k-fold averages over folds; curves differ because of
# the few and different validation houses (and random initialisation).
# === END MARK SCHEME ===
