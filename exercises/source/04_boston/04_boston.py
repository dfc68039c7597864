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
# normalize without leaking the test set, write K-fold cross-validation by hand, read the
# averaged validation curves to pick the number of epochs, and retrain a final model. Each
# step is a short function; at the end they run together on the Boston houses.
#
# **Data.** The real Boston housing table (506 houses), split exactly as `keras.datasets`
# splits it. The setup cell loads it with `source="offline"`: from the complete table that
# ships with the `mlxtend` package, so it needs no download and you, Colab and the grader
# all work on the same numbers.
#
# **How this notebook is graded.** Write your code where it says `YOUR CODE HERE` (delete
# the `raise NotImplementedError()` line). Each task is followed by a test cell: the visible
# tests there help you; further *hidden* tests decide the grade, so make your code do what
# the task says, not just what the visible tests check. The hidden tests call your
# functions on data of their own, drawn when they run (other houses, other folds, prices
# made up by a rule only a model that learned from those houses can follow), and measure
# the models your functions return themselves; numbers or models left in the notebook earn
# nothing. Keep the names and arguments the tasks ask for. The written question at the end
# is graded by hand. Before you submit, restart the kernel and run all cells: the grader
# runs the notebook from top to bottom.
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

# The real Boston housing data, split as keras.datasets splits it (404 training and 102
# test houses), read from the complete table shipped with mlxtend (source="offline": no
# download, the same numbers on every machine, the grader's included).
boston = data.load_boston_housing(source="offline")
(train_data, train_targets), (test_data, test_targets) = boston
print(boston.provenance.summary())
print("features:", boston.feature_names)
print(
    "train:",
    train_data.shape,
    " test:",
    test_data.shape,
    " first prices ($1000s):",
    train_targets[:5],
)

# Seeded before any model is built (a model draws its initial weights when it is built).
# 42 for you; the grader gives each student a seed of their own
SEED = exercise_seed(42)
seed_everything(SEED)


# %% [markdown]
# ## Task 1 — Normalize without leaking (2 points)
#
# The features have very different scales (a tax rate in hundreds, a proportion below 1).
# Write `normalize(train, test)` returning `(train_normalized, test_normalized)`, both new
# float arrays (`float64` or `float32`; the tests allow for float32 rounding): subtract the
# **training** mean of each feature (column) and divide by the **training** standard
# deviation, in both sets. Nothing about the test set may influence the result for the
# training set, or the transformation of the test set. Do not modify the inputs.
#
# What is checked: the grader calls `normalize` on training and test sets of its own whose
# means and spreads differ (so statistics of both sets together, or of the test set, give
# other numbers), of any number of rows and columns.


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
assert isinstance(train_n, np.ndarray) and isinstance(test_n, np.ndarray), (
    "return two numpy arrays"
)
assert train_n.shape == train_data.shape and test_n.shape == test_data.shape
# tolerances that float32 arithmetic meets
np.testing.assert_allclose(
    np.mean(train_n, axis=0, dtype=np.float64), np.zeros(13), atol=1e-4
)
np.testing.assert_allclose(
    np.std(train_n, axis=0, dtype=np.float64), np.ones(13), rtol=1e-4
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    for _ in range(2):
        n_train, n_test, n_features = (
            int(rng.integers(20, 60)),
            int(rng.integers(5, 30)),
            int(rng.integers(2, 9)),
        )
        centre, spread = (
            rng.uniform(-50, 50, n_features),
            rng.uniform(0.5, 50, n_features),
        )
        train = rng.normal(size=(n_train, n_features)) * spread + centre
        # a test set whose statistics differ from the training set's
        test = (
            rng.normal(size=(n_test, n_features))
            * spread
            * rng.uniform(2, 4, n_features)
            + centre
            + 3 * spread
        )
        train_before, test_before = train.copy(), test.copy()
        got = checks.call_student(normalize, train, test)
        assert isinstance(got, tuple) and len(got) == 2, (
            "normalize returns a pair (train_normalized, test_normalized)"
        )
        a, b = got
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), (
            "normalize returns two numpy arrays"
        )
        assert a.shape == train.shape and b.shape == test.shape, (
            "normalized sets keep their shapes"
        )
        assert np.array_equal(train, train_before) and np.array_equal(
            test, test_before
        ), "normalize modified its inputs: work on new arrays"
        mean, std = train.mean(axis=0), train.std(axis=0)
        assert np.allclose(a, (train - mean) / std, rtol=1e-4, atol=1e-4), (
            "the training set must be standardized with its own per-feature mean and "
            "standard deviation"
        )
        assert np.allclose(b, (test - mean) / std, rtol=1e-4, atol=1e-4), (
            "the test set must be transformed with the training set's statistics "
            "(re-read Task 1)"
        )
        other_test = rng.normal(size=(n_test + 3, n_features)) * 10 * spread - centre
        a2, _ = checks.call_student(normalize, train, other_test)
        assert np.allclose(a2, a, rtol=1e-6, atol=1e-6), (
            "the test set influences the normalized training set"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 — K-fold indices (2 points)
#
# Keras has no cross-validation of its own, so we write it. Write
# `kfold_indices(n_samples, k)` returning a list of `k` pairs `(train_indices,
# validation_indices)`, both NumPy integer arrays. The `k` validation folds must not
# overlap and must together contain every sample exactly once; their sizes may differ by at
# most one. Each training part is every sample that is not in that fold's validation part.
# (Contiguous folds, in order, are fine: fold 0 validates on the first samples. Any other
# assignment of samples to folds that meets these rules is fine too.)


# %% nbgrader={"grade": false, "grade_id": "kfold_indices", "locked": false, "schema_version": 3, "solution": true, "task": false}
def kfold_indices(n_samples, k):
    """k (train_indices, validation_indices) pairs of integer arrays; folds partition
    range(n_samples)."""
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
    assert isinstance(train_idx, np.ndarray) and isinstance(val_idx, np.ndarray), (
        "use numpy arrays"
    )
    assert np.issubdtype(train_idx.dtype, np.integer) and np.issubdtype(
        val_idx.dtype, np.integer
    )
    assert len(val_idx) == 3 and len(train_idx) == 9


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    cases = [(12, 4), (404, 4), (10, 3), (7, 7), (101, 5)]
    cases += [
        (int(n), int(rng.integers(2, min(n, 12) + 1)))
        for n in rng.integers(5, 300, size=4)
    ]
    for n, k in cases:
        folds = checks.call_student(kfold_indices, n, k)
        assert isinstance(folds, list) and len(folds) == k, (
            f"kfold_indices({n}, {k}) must return a list of {k} pairs"
        )
        validation = []
        for pair in folds:
            assert len(pair) == 2, (
                "each fold is a pair (train_indices, validation_indices)"
            )
            train_idx, val_idx = pair
            assert isinstance(train_idx, np.ndarray) and isinstance(
                val_idx, np.ndarray
            ), "use numpy arrays"
            assert np.issubdtype(train_idx.dtype, np.integer) and np.issubdtype(
                val_idx.dtype, np.integer
            ), "indices are integer arrays"
            assert len(np.intersect1d(train_idx, val_idx)) == 0, (
                f"kfold_indices({n}, {k}): a sample is in both parts"
            )
            assert np.array_equal(
                np.sort(np.concatenate([train_idx, val_idx])), np.arange(n)
            ), (
                f"kfold_indices({n}, {k}): each training part is every sample outside "
                "its validation part, once"
            )
            validation.append(val_idx)
        assert np.array_equal(np.sort(np.concatenate(validation)), np.arange(n)), (
            f"kfold_indices({n}, {k}): the validation folds must cover every sample "
            "exactly once"
        )
        sizes = [len(v) for v in validation]
        assert max(sizes) - min(sizes) <= 1, (
            f"kfold_indices({n}, {k}): fold sizes differ by more than one"
        )


_grade()
del _grade
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
    """Exponential moving average: s[0] = p[0], s[i] = s[i-1] * factor + p[i] * (1 -
    factor)."""
    ### BEGIN SOLUTION
    smoothed = []
    for point in points:
        smoothed.append(
            smoothed[-1] * factor + point * (1 - factor) if smoothed else point
        )
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
def _grade():
    import importlib

    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    k, epochs = int(rng.integers(2, 7)), int(rng.integers(5, 40))
    curves = (rng.random((k, epochs)) * 10).tolist()
    got = checks.call_student(average_curves, [list(curve) for curve in curves])
    assert isinstance(got, np.ndarray) and got.shape == (epochs,), (
        "average_curves returns one value per epoch"
    )
    assert np.allclose(got, np.mean(curves, axis=0)), (
        "average_curves: the mean over the folds at each epoch"
    )
    for factor in (0.9, float(rng.uniform(0.1, 0.95)), 0.0):
        points = rng.random(int(rng.integers(5, 40))) * 10
        expected = [points[0]]
        for point in points[1:]:
            expected.append(expected[-1] * factor + point * (1 - factor))
        if factor == 0.9:  # the default factor, points given as a list
            got = checks.call_student(smooth_curve, list(points))
        else:
            got = checks.call_student(smooth_curve, points.copy(), factor=factor)
        assert isinstance(got, np.ndarray) and got.shape == points.shape, (
            "smooth_curve returns an array as long as points"
        )
        assert np.allclose(got, expected), (
            "smooth_curve: re-read the moving average's rule in Task 3"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 — The regression network (1 point)
#
# Write `build_model(n_features=13)` returning a new compiled model for inputs of
# `n_features` columns: two dense ReLU layers of 64 units and an output layer of **one unit
# without activation** (a price can be any number). Compile it with RMSprop, the mean
# squared error loss and the mean absolute error metric (`"mae"`). With 13 features it has
# 5,121 parameters. `keras.Sequential`, the functional API or a subclass of `keras.Model`
# are all fine.
#
# What is checked: for the grader's number of features, what the model computes (the
# 64-64-1 network with ReLU between its layers and a linear output), a new model on every
# call, RMSprop, and a loss and MAE metric that are those of its predictions.


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
print(
    "outputs for 2 houses:", default_model.predict(np.zeros((2, 13)), verbose=0).shape
)
assert default_model.count_params() == 5_121, (
    f"{default_model.count_params():,} parameters, expected 5,121"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()

    def dense_layers(layer):
        for inner in getattr(layer, "layers", []):
            if isinstance(inner, keras.layers.Dense):
                yield inner
            else:
                yield from dense_layers(inner)

    n_features = int(rng.choice([n for n in range(3, 40) if n != 64]))
    models = [
        checks.call_student(build_model),
        checks.call_student(build_model, n_features=n_features),
    ]
    assert checks.call_student(build_model) is not models[0], (
        "build a new model on every call"
    )
    for model, n in zip(models, (13, n_features)):
        assert isinstance(model, keras.Model), "build_model must return a Keras model"
        checks.assert_genuine_model(model)
        probe = rng.normal(size=(64, n)).astype("float32")
        outputs = checks.predict(model, probe)
        assert outputs.shape == (64, 1), "one output unit per house"
        expected_params = (n * 64 + 64) + (64 * 64 + 64) + 65
        assert model.count_params() == expected_params, (
            f"build_model(n_features={n}): {model.count_params():,} parameters, not "
            "those of the task's network"
        )
        # the network in NumPy, from its own Dense layers, chained by their shapes
        by_shape = {tuple(layer.kernel.shape): layer for layer in dense_layers(model)}
        chain = [by_shape.get(shape) for shape in ((n, 64), (64, 64), (64, 1))]
        assert all(layer is not None for layer in chain), (
            "two dense layers of 64 units and one output unit"
        )
        values = probe.astype(np.float64)
        for depth, layer in enumerate(chain):
            values = values @ np.asarray(layer.kernel, np.float64) + np.asarray(
                layer.bias, np.float64
            )
            if depth < 2:
                values = np.maximum(values, 0)
        assert np.allclose(outputs, values, rtol=1e-3, atol=1e-3), (
            "the model does not compute ReLU after each hidden layer and a linear "
            "output (re-read Task 4)"
        )
        assert isinstance(model.optimizer, keras.optimizers.RMSprop), (
            "compile with RMSprop"
        )
        targets = rng.normal(loc=20.0, scale=5.0, size=(64, 1)).astype("float32")
        scores = checks.call_student(
            keras.Model.evaluate, model, probe, targets, verbose=0, return_dict=True
        )
        assert np.isclose(
            scores["loss"], np.mean((outputs - targets) ** 2), rtol=1e-3
        ), "compile with the MSE loss"
        mae_keys = [key for key in scores if key in ("mae", "mean_absolute_error")]
        assert mae_keys, "compile with the MAE metric"
        assert np.isclose(
            scores[mae_keys[0]], np.mean(np.abs(outputs - targets)), rtol=1e-3
        ), "compile with the MAE metric"


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 — Cross-validation (2 points)
#
# Write `cross_validate(features, targets, folds, epochs, batch_size=16)`. `features` are
# raw, unnormalized rows (NumPy), `targets` their prices, `folds` a list of
# `(train_indices, validation_indices)` pairs such as `kfold_indices` returns. For each
# fold, in the order given, as in the chapter's loop:
#
# 1. normalize the fold's training rows and its validation rows with your `normalize`
#    (so the statistics come from the fold's training part only);
# 2. build a new `build_model(...)` for the number of feature columns;
# 3. train it with `fit` on the fold's training part for `epochs` epochs with batch size
#    `batch_size`, passing the fold's validation part as `validation_data`.
#
# Return the list of the `History` objects that `fit` returns, one per fold, in the order
# of `folds` (each `History` knows its model and its per-epoch `"val_mae"`).
#
# What is checked: the grader calls `cross_validate` on houses and folds of its own (new
# features, prices made up by a randomly drawn rule) and measures each fold's model
# itself. While it runs, `normalize` and `build_model` are the grader's own versions of
# Tasks 1 and 4, so a mistake there costs no points here (and the same holds for
# `average_curves` and `build_model` in Task 6). First point: one `History` per fold,
# from a new model trained for `epochs` epochs of `batch_size` on that fold's training
# part (counted by its optimizer's steps); each `History`'s last validation MAE is the
# grader's own measurement of that model on the fold's validation part, normalized with
# the training part's statistics; the mean of the folds' last validation MAEs is at most
# **0.85** times that of predicting each fold's mean training price. Second point: no fold's model learned from its validation part. The
# grader runs two folds that hold the same houses at prices 10 ($1000s) apart; the model
# trained on the dearer copy must predict at least **5** more, on average over those houses,
# than the model trained on the cheaper one (a model that also learned from its validation
# part predicts about the same).


# %% nbgrader={"grade": false, "grade_id": "cross_validate", "locked": false, "schema_version": 3, "solution": true, "task": false}
def cross_validate(features, targets, folds, epochs, batch_size=16):
    """One new model per fold, normalized and trained on the fold's training part;
    their Histories."""
    ### BEGIN SOLUTION
    histories = []
    for train_idx, val_idx in folds:
        x_fold_train, x_fold_val = normalize(features[train_idx], features[val_idx])
        model = build_model(features.shape[1])
        history = model.fit(
            x_fold_train,
            targets[train_idx],
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(x_fold_val, targets[val_idx]),
            verbose=0,
        )
        histories.append(history)
    return histories
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_cross_validate", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras
import numpy as np

# a quick run on 40 made-up houses with 3 features
small_x = np.random.default_rng(0).normal(size=(40, 3)) * [1.0, 10.0, 100.0]
small_y = small_x @ [1.0, 0.1, 0.01] + 20
small_histories = cross_validate(small_x, small_y, kfold_indices(40, 2), epochs=2)
assert isinstance(small_histories, list) and len(small_histories) == 2, (
    "one History per fold"
)
assert all(isinstance(h, keras.callbacks.History) for h in small_histories), (
    "return the History objects fit returns"
)
assert all(len(h.history["val_mae"]) == 2 for h in small_histories), (
    "2 epochs, with validation data"
)


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    houses = checks.boston_teacher(rng, n_features=int(rng.integers(8, 16)))
    n_houses, k, epochs, batch_size = int(rng.integers(170, 200)), 3, 15, 8
    x, y = houses(n_houses)
    parts = np.array_split(rng.permutation(n_houses), k)
    folds = [
        (rng.permutation(np.concatenate(parts[:i] + parts[i + 1 :])), parts[i])
        for i in range(k)
    ]
    references = {
        "normalize": checks.boston_normalize,
        "build_model": checks.boston_build_model,
    }
    histories = checks.call_with_references(
        globals(),
        references,
        cross_validate,
        x.copy(),
        y.copy(),
        [(a.copy(), b.copy()) for a, b in folds],
        epochs,
        batch_size=batch_size,
    )
    assert isinstance(histories, (list, tuple)) and len(histories) == k, (
        "cross_validate returns one History per fold"
    )
    assert all(isinstance(h, keras.callbacks.History) for h in histories), (
        "return the History objects fit returns"
    )
    models = [h.model for h in histories]
    assert len({id(m) for m in models}) == k, "train a new model for every fold"
    finals, baselines = [], []
    for (fold_train, fold_val), history, model in zip(folds, histories, models):
        checks.assert_genuine_model(model)
        assert list(history.epoch) == list(range(epochs)), (
            "train every fold for `epochs` epochs"
        )
        curve = history.history.get(
            "val_mae", history.history.get("val_mean_absolute_error", [])
        )
        curve = np.asarray(curve, dtype=float)
        assert curve.shape == (epochs,), (
            "pass the fold's validation part as validation_data (with the MAE metric)"
        )
        steps = int(model.optimizer.iterations.numpy())
        assert steps == epochs * int(np.ceil(len(fold_train) / batch_size)), (
            "the optimizer's steps do not match training on the fold's training part "
            "for `epochs` epochs "
            "of `batch_size`"
        )
        mean, std = x[fold_train].mean(axis=0), x[fold_train].std(axis=0)
        predicted = checks.predict(model, (x[fold_val] - mean) / std).ravel()
        measured = float(np.mean(np.abs(predicted - y[fold_val])))
        assert abs(curve[-1] - measured) <= 2e-3 * measured + 1e-3, (
            "a fold's validation MAE is not that of its model on the fold's validation "
            "part, normalized with "
            "the fold's training statistics (re-read Task 5, step 1)"
        )
        finals.append(measured)
        baselines.append(float(np.mean(np.abs(y[fold_val] - y[fold_train].mean()))))
    ratio = np.mean(finals) / np.mean(baselines)
    assert checks.needs(
        "mean final validation MAE / predicting the mean", ratio, "<=", 0.85
    ), "the fold models did not learn the grader's houses"


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_cross_validate_unseen", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
assert callable(cross_validate), "write cross_validate in the cell of Task 5"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    houses = checks.boston_teacher(rng, n_features=13)
    n_houses, epochs, batch_size = 128, 15, 8
    x, y = houses(n_houses)
    # the same houses twice: one copy 5 dearer, the other 5 cheaper
    features, prices = np.concatenate([x, x]), np.concatenate([y + 5, y - 5])
    order = rng.permutation(2 * n_houses)  # the rows in a secret order
    features, prices = features[order], prices[order]
    rows = np.argsort(order)  # rows[i]: where row i of the concatenation went
    dear, cheap = rng.permutation(rows[:n_houses]), rng.permutation(rows[n_houses:])
    dear_first = bool(rng.integers(2))
    folds = (
        [(dear, cheap), (cheap, dear)] if dear_first else [(cheap, dear), (dear, cheap)]
    )
    references = {
        "normalize": checks.boston_normalize,
        "build_model": checks.boston_build_model,
    }
    histories = checks.call_with_references(
        globals(),
        references,
        cross_validate,
        features.copy(),
        prices.copy(),
        [(a.copy(), b.copy()) for a, b in folds],
        epochs,
        batch_size=batch_size,
    )
    assert isinstance(histories, (list, tuple)) and len(histories) == 2, (
        "cross_validate returns one History per fold"
    )
    assert all(isinstance(h, keras.callbacks.History) for h in histories), (
        "return the History objects fit returns"
    )
    models = [h.model for h in histories]
    assert models[0] is not models[1], "train a new model for every fold"
    for model in models:
        checks.assert_genuine_model(model)
        assert int(model.optimizer.iterations.numpy()) == epochs * int(
            np.ceil(n_houses / batch_size)
        ), "the optimizer's steps do not match training on the fold's training part"
    dear_model, cheap_model = models if dear_first else models[::-1]
    z = (x - x.mean(axis=0)) / x.std(axis=0)  # both copies have these statistics
    gap = float(np.mean(checks.predict(dear_model, z) - checks.predict(cheap_model, z)))
    assert checks.needs(
        "dearer minus cheaper fold model on the same houses", gap, ">=", 5
    ), "a fold's model learned from rows outside its training part (re-read Task 5)"


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## Task 6 — Choose the epochs, then retrain (2 points)
#
# Write `choose_epochs(histories)`: given the fold `History` objects that `cross_validate`
# returns, the epoch (counting from 1, a Python `int`) at which the **average validation
# MAE** over the folds (`average_curves` of each `History`'s `history["val_mae"]`) is
# lowest. Only the validation curves decide: not the training MAE, not the loss, not one
# fold alone.
#
# Then write `retrain(x, y, epochs, batch_size=16)`: a new `build_model(...)` for the
# number of columns of `x`, trained with `fit` on all of `x` (already normalized) and `y`
# for `epochs` epochs with batch size `batch_size`, no validation split; return the model.
#
# What is checked: `choose_epochs` on fold histories the grader makes up (their training
# curves, losses and single folds have their lowest points at other epochs) (first point);
# `retrain` on the grader's own houses (second point): trained for the asked number of
# epochs on all rows (its optimizer's steps); its MAE on the grader's test houses, which
# only the grader holds and measures, at most **0.7** times that of predicting the mean
# training price; and trained for 1 epoch, its training MAE at least **0.6** times that of
# a model the grader trains for 1 epoch itself (a model trained for longer than asked
# fails).


# %% nbgrader={"grade": false, "grade_id": "choose_and_retrain", "locked": false, "schema_version": 3, "solution": true, "task": false}
def choose_epochs(histories):
    """The epoch (from 1) with the lowest mean validation MAE over the folds."""
    ### BEGIN SOLUTION
    average = average_curves([history.history["val_mae"] for history in histories])
    return int(np.argmin(average)) + 1
    ### END SOLUTION


def retrain(x, y, epochs, batch_size=16):
    """A new model trained on all of x (normalized) and y for `epochs` epochs."""
    ### BEGIN SOLUTION
    model = build_model(x.shape[1])
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "test_choose_epochs", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import numbers

import keras

example = []
for curve in ([5.0, 3.0, 4.0], [6.0, 4.0, 3.5]):
    history = keras.callbacks.History()
    history.epoch, history.history = (
        [0, 1, 2],
        {"val_mae": curve, "mae": [4.0, 3.0, 2.0]},
    )
    example.append(history)
chosen = choose_epochs(example)
assert isinstance(chosen, numbers.Integral) and not isinstance(chosen, bool), (
    "return an int"
)
assert chosen == 2, "the lowest average validation MAE of this example is after epoch 2"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib
    import numbers

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    for _ in range(3):
        k, epochs = int(rng.integers(3, 6)), int(rng.integers(12, 40))
        best = int(rng.integers(3, epochs - 2))  # 0-based epoch of the lowest average
        t = np.arange(epochs)
        base = 3 + 0.02 * (t - best) ** 2 + 8 * np.exp(-t / 2)
        base[best] = base.min() - 0.3  # a clear lowest point of the average
        # fold curves that wander around the average (their deviations cancel out epoch
        # by epoch), each with its own lowest point elsewhere
        deviations = rng.normal(0, 0.6, size=(k, epochs))
        deviations -= deviations.mean(axis=0)
        histories = []
        for fold in range(k):
            history = keras.callbacks.History()
            val_mae = base + deviations[fold]
            history.epoch = list(range(epochs))
            history.history = {
                "loss": list(30 * np.exp(-t / 5) + 1),
                # training: lowest at the last epoch
                "mae": list(8 * np.exp(-t / 6) + 0.5),
                "val_loss": list(
                    20
                    + (t - (best + epochs) // 2) ** 2 / 4
                    + rng.normal(0, 0.1, epochs)
                ),
                "val_mae": [float(v) for v in val_mae],
            }
            histories.append(history)
        expected = (
            int(np.argmin(np.mean([h.history["val_mae"] for h in histories], axis=0)))
            + 1
        )
        references = {"average_curves": checks.boston_average_curves}
        chosen = checks.call_with_references(
            globals(), references, choose_epochs, histories
        )
        assert isinstance(chosen, numbers.Integral) and not isinstance(chosen, bool), (
            "choose_epochs returns an int"
        )
        assert chosen == expected, (
            "choose the epoch of the lowest average validation MAE, counting from 1"
        )


_grade()
del _grade
### END HIDDEN TESTS

# %% nbgrader={"grade": true, "grade_id": "test_retrain", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
import keras

assert callable(retrain), "write retrain in the cell of Task 6"


### BEGIN HIDDEN TESTS
def _grade():
    import importlib

    import keras
    import numpy as np

    import lib.checks

    checks = importlib.reload(lib.checks)  # the grader's tools, fresh from disk
    rng = checks.grading_rng()
    houses = checks.boston_teacher(rng, n_features=13)
    (x, y), (x_test, y_test) = houses(300), houses(100)
    mean, std = x.mean(axis=0), x.std(axis=0)
    x, x_test = (x - mean) / std, (x_test - mean) / std
    batch_size = 8
    steps_per_epoch = int(np.ceil(len(x) / batch_size))

    def trained(epochs):
        references = {"build_model": checks.boston_build_model}
        model = checks.call_with_references(
            globals(),
            references,
            retrain,
            x.copy(),
            y.copy(),
            epochs,
            batch_size=batch_size,
        )
        assert isinstance(model, keras.Model), "retrain returns the trained Keras model"
        checks.assert_genuine_model(model)
        assert int(model.optimizer.iterations.numpy()) == epochs * steps_per_epoch, (
            "the optimizer's steps do not match training on all rows for `epochs` "
            "epochs of `batch_size`"
        )
        return model

    def mae(model, inputs, targets):
        return float(np.mean(np.abs(checks.predict(model, inputs).ravel() - targets)))

    final = trained(20)
    ratio = mae(final, x_test, y_test) / float(np.mean(np.abs(y_test - y.mean())))
    assert checks.needs(
        "test MAE of the retrained model / predicting the mean", ratio, "<=", 0.7
    ), "the retrained model did not learn the grader's houses"
    short = trained(1)
    reference = keras.Sequential(
        [
            keras.Input(shape=(x.shape[1],)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    reference.compile(optimizer=keras.optimizers.RMSprop(), loss="mse")
    reference.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
    ratio = mae(short, x, y) / mae(reference, x, y)
    assert checks.needs(
        "training MAE after 1 epoch / the grader's 1-epoch model", ratio, ">=", 0.6
    ), "the model retrain returns learned more than `epochs` epochs of training give"


_grade()
del _grade
### END HIDDEN TESTS

# %% [markdown]
# ## All together on the Boston houses
#
# The cell below runs your functions the way the chapter does: normalize, 4-fold
# cross-validation for 20 epochs with batch size 16 (each fold normalized with its own
# training part), the epochs with the lowest average validation MAE, a final model on all
# 404 training houses, and its MAE on the 102 test houses, measured once at the very end.
# It earns no points by itself (the tests above ran your functions on the grader's data);
# it shows what they do on the real table. Twenty epochs keep this to about half a minute
# on a laptop; the curve is then usually still falling, so the last epochs tend to win.
# The chapter trains for up to 500 epochs to find where the validation MAE stops
# improving; in the lecture's run that was after about 80 epochs.

# %%
x_train, x_test = normalize(train_data, test_data)
folds = kfold_indices(len(train_data), 4)
fold_histories = cross_validate(train_data, train_targets, folds, epochs=20)
all_mae_histories = [history.history["val_mae"] for history in fold_histories]
average_mae = average_curves(all_mae_histories)
best_epochs = choose_epochs(fold_histories)
final_model = retrain(x_train, train_targets, best_epochs)
test_mae = float(
    np.mean(np.abs(final_model.predict(x_test, verbose=0).ravel() - test_targets))
)
print(
    f"lowest average validation MAE after epoch {best_epochs}; test MAE {test_mae:.2f} "
    "(× $1000)"
)

# %% [markdown]
# The averaged validation curve, raw and smoothed:

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3.5))
epochs = np.arange(1, len(average_mae) + 1)
ax.plot(epochs, average_mae, label="mean over 4 folds")
ax.plot(epochs, smooth_curve(average_mae), label="smoothed")
ax.axvline(
    best_epochs, color="grey", linestyle="--", label=f"chosen: epoch {best_epochs}"
)
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
