"""Reading validation curves: picking the best epoch and smoothing noisy curves.

Chapter 2 introduces :func:`best_epoch` (choosing how long to train from the
validation loss, never from the test set); chapters 3, 4 and 5 reuse it.
Chapter 4 introduces :func:`smooth_curve` for the noisy per-epoch validation
error averaged over the folds of a k-fold cross-validation.
"""

from __future__ import annotations

from typing import Mapping, Sequence

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


def best_epoch(history, metric: str = "val_loss", mode: str = "min") -> int:
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
