"""lib.evaluation: best epoch from a validation curve (chapter 2), k-fold splits and curve smoothing (chapter 4)."""

from __future__ import annotations

import numpy as np
import pytest

from lib.evaluation import best_epoch, k_fold_splits, smooth_curve


class FakeHistory:
    """What keras.callbacks.History exposes: a .history dict of per-epoch lists."""

    def __init__(self, history):
        self.history = history


HISTORY = {"val_loss": [0.5, 0.3, 0.25, 0.27, 0.4], "val_accuracy": [0.80, 0.86, 0.88, 0.89, 0.87]}


def test_best_epoch_counts_from_one_and_reads_histories():
    assert best_epoch(FakeHistory(HISTORY)) == 3
    assert best_epoch(HISTORY, metric="val_accuracy", mode="max") == 4
    assert best_epoch([3.0, 2.0, 2.5]) == 2


def test_best_epoch_breaks_ties_towards_the_shorter_training():
    assert best_epoch([0.4, 0.2, 0.2, 0.3]) == 2
    assert best_epoch([0.1, 0.9, 0.9], mode="max") == 2


def test_best_epoch_rejects_bad_input():
    with pytest.raises(KeyError, match="val_mae"):
        best_epoch(HISTORY, metric="val_mae")
    with pytest.raises(ValueError, match="mode"):
        best_epoch(HISTORY, mode="smallest")
    with pytest.raises(ValueError, match="empty"):
        best_epoch({"val_loss": []})
    with pytest.raises(TypeError, match="numbers"):
        best_epoch(["low", "high"])
    with pytest.raises(ValueError, match="NaN"):
        best_epoch([0.3, float("nan"), 0.2])
    with pytest.raises(ValueError, match="1-D"):
        best_epoch(np.ones((2, 3)))


def test_smooth_curve_is_an_exponential_moving_average():
    np.testing.assert_allclose(smooth_curve([1.0, 2.0, 4.0], factor=0.5), [1.0, 1.5, 2.75])
    np.testing.assert_allclose(smooth_curve([5, 1, 3], factor=0), [5, 1, 3])
    assert smooth_curve([7]).tolist() == [7.0]


def test_smooth_curve_reduces_noise_and_keeps_the_trend():
    rng = np.random.default_rng(0)
    epochs = np.arange(300)
    trend = 3 + 0.00005 * (epochs - 150) ** 2  # falls, bottoms out at epoch 150, rises
    noisy = trend + rng.normal(0, 0.3, size=epochs.size)
    smoothed = smooth_curve(noisy, factor=0.9)
    assert np.std(np.diff(smoothed)) < 0.2 * np.std(np.diff(noisy))
    assert 140 <= int(np.argmin(smoothed[20:])) + 20 <= 175


@pytest.mark.parametrize("factor", [1.0, -0.1, 2, "0.9", True])
def test_smooth_curve_rejects_bad_factor(factor):
    with pytest.raises(ValueError, match="factor"):
        smooth_curve([1.0, 2.0], factor=factor)


def test_smooth_curve_rejects_empty_and_non_numeric_input():
    with pytest.raises(ValueError, match="empty"):
        smooth_curve([])
    with pytest.raises(TypeError):
        smooth_curve("1 2 3")
    with pytest.raises(TypeError, match="numbers"):
        smooth_curve([{"mae": 1}])


# ------------------------------------------------------------------ k-fold splits
@pytest.mark.parametrize("n_samples, k", [(404, 4), (10, 3), (7, 7), (101, 5)])
def test_k_fold_splits_match_scikit_learns_kfold(n_samples, k):
    from sklearn.model_selection import KFold

    ours = list(k_fold_splits(n_samples, k))
    theirs = list(KFold(n_splits=k).split(np.zeros(n_samples)))
    assert len(ours) == k
    for (training, validation), (sk_training, sk_validation) in zip(ours, theirs):
        np.testing.assert_array_equal(training, sk_training)
        np.testing.assert_array_equal(validation, sk_validation)


def test_k_fold_splits_validate_every_row_once_and_never_train_on_it():
    splits = list(k_fold_splits(10, 3))
    validated = np.concatenate([validation for _, validation in splits])
    np.testing.assert_array_equal(np.sort(validated), np.arange(10))
    for training, validation in splits:
        assert not set(training) & set(validation)
        assert len(training) + len(validation) == 10
    assert [len(validation) for _, validation in splits] == [4, 3, 3]


@pytest.mark.parametrize(
    "n_samples, k, error", [(10, 1, ValueError), (3, 4, ValueError), (10, 2.5, TypeError), (True, 2, TypeError)]
)
def test_k_fold_splits_reject_impossible_requests(n_samples, k, error):
    with pytest.raises(error):
        list(k_fold_splits(n_samples, k))
