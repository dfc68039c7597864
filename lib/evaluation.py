"""Reading validation curves: picking the best epoch and smoothing noisy curves.

Chapter 2 introduces :func:`best_epoch` (choosing how long to train from the
validation loss, never from the test set); chapters 3, 4 and 5 reuse it.
Chapter 4 introduces :func:`k_fold_splits` (the folds of a k-fold
cross-validation, written out in the chapter) and :func:`smooth_curve` for the
noisy per-epoch validation error averaged over the folds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

_MODES = ("min", "max")


def _as_curve(values, name: str) -> np.ndarray:
    """A 1-D float array of finite numbers, or a clear error."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of numbers, not a string")
    array = np.asarray(values)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}")
    if array.ndim != 1:
        raise ValueError(f"{name} must be one value per epoch (1-D), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty: there are no epochs to look at")
    array = array.astype(float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values (did training diverge?)")
    return array


def best_epoch(history: object, metric: str = "val_loss", mode: str = "min") -> int:
    """The epoch (numbered from 1, as Keras prints it) where ``metric`` is best (chapter 2).

    ``history`` is a Keras ``History``, its ``.history`` dict, or a plain
    sequence of per-epoch values (then ``metric`` is ignored). ``mode`` is
    ``"min"`` for losses and errors, ``"max"`` for accuracies. Ties go to the
    earliest epoch: the shorter training is the cheaper one.
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be 'min' or 'max', not {mode!r}")
    data = getattr(history, "history", history)
    if isinstance(data, Mapping):
        if metric not in data:
            raise KeyError(f"{metric!r} is not in the history; it has {sorted(data)}")
        values = _as_curve(data[metric], metric)
    else:
        values = _as_curve(data, "history")
    index = int(np.argmin(values) if mode == "min" else np.argmax(values))
    return index + 1


def smooth_curve(values: Sequence[float], factor: float = 0.9) -> np.ndarray:
    """Exponential moving average of a per-epoch curve (chapter 4).

    Each point becomes ``factor × previous smoothed point + (1 − factor) × value``,
    so the jitter of single epochs fades and the trend (where the validation
    error stops falling and starts to rise) shows. ``factor=0`` returns the
    curve unchanged; values closer to 1 smooth more but lag behind the trend.
    """
    if isinstance(factor, bool) or not isinstance(factor, (int, float, np.floating)) or not 0 <= factor < 1:
        raise ValueError(f"factor must be a number in [0, 1), not {factor!r}")
    curve = _as_curve(values, "values")
    smoothed = np.empty_like(curve)
    smoothed[0] = curve[0]
    for i in range(1, curve.size):
        smoothed[i] = factor * smoothed[i - 1] + (1 - factor) * curve[i]
    return smoothed


def k_fold_splits(n_samples: int, k: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(training rows, validation rows)`` for each of ``k`` consecutive folds (chapter 4).

    The rows ``0 … n_samples − 1`` are cut into ``k`` consecutive blocks whose sizes
    differ by at most one (the first ``n_samples % k`` blocks are one row longer), the
    same folds as scikit-learn's ``KFold(n_splits=k)`` without shuffling. Each block is
    the validation part of one fold and every other row its training part, so every row
    is validated exactly once. Shuffle the rows beforehand if their order carries
    information (Keras's Boston split is already shuffled).
    """
    for name, value in (("n_samples", n_samples), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, not {value!r}")
    if k < 2:
        raise ValueError(f"k must be at least 2 (one fold to validate, one to train), not {k}")
    if n_samples < k:
        raise ValueError(f"cannot split {n_samples} rows into {k} non-empty folds")
    folds = np.array_split(np.arange(int(n_samples)), int(k))
    for i, validation in enumerate(folds):
        training = np.concatenate([fold for j, fold in enumerate(folds) if j != i])
        yield training, validation
