"""Figures the chapters share: learning curves and image grids (introduced in chapter 1).

Each function draws on a new figure (or given axes) and returns the
matplotlib ``Figure``, so a notebook shows it and a test can inspect it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def _history_dict(history) -> dict[str, list[float]]:
    """Accept a Keras ``History`` or its ``.history`` dict."""
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping) or not data:
        raise TypeError("expected a keras History (from model.fit) or a non-empty dict of per-epoch lists")
    return {key: list(values) for key, values in data.items()}


def plot_history(history, metrics: Sequence[str] | None = None, title: str | None = None):
    """Learning curves from one ``fit``: one panel per metric, training vs validation.

    ``metrics`` defaults to every metric in the history that is not a
    ``val_`` entry (for example ``loss`` and ``accuracy``). Epochs are numbered
    from 1, as Keras prints them.
    """
    data = _history_dict(history)
    metrics = list(metrics) if metrics else [k for k in data if not k.startswith("val_")]
    unknown = [m for m in metrics if m not in data]
    if unknown:
        raise KeyError(f"{unknown} not in the history; it has {sorted(data)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(data[metric]) + 1)
        ax.plot(epochs, data[metric], "o-", markersize=3, label=f"training {metric}")
        if f"val_{metric}" in data:
            ax.plot(epochs, data[f"val_{metric}"], "s-", markersize=3, label=f"validation {metric}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def compare_histories(histories: Mapping[str, object], metric: str = "val_loss", title: str | None = None):
    """One curve per model for the same metric (e.g. validation loss of several variants).

    Used where the deck puts an original model and its variants on one plot.
    """
    if not histories:
        raise ValueError("histories is empty: give at least one name → History")
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, history in histories.items():
        data = _history_dict(history)
        if metric not in data:
            raise KeyError(f"{metric!r} not in the history of {name!r}; it has {sorted(data)}")
        ax.plot(np.arange(1, len(data[metric]) + 1), data[metric], "o-", markersize=3, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def image_grid(images, titles: Sequence[str] | None = None, ncols: int = 8, cmap: str | None = "gray",
               size: float = 1.4):
    """Show images in a grid with optional titles; grayscale (H×W) or colour (H×W×3).

    Colour images may be uint8 or floats in [0, 255] or [0, 1].
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(f"expected a non-empty batch of images (N×H×W or N×H×W×C), got shape {images.shape}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images")
    if ncols < 1:
        raise ValueError("ncols must be at least 1")
    ncols = min(ncols, len(images))
    nrows = int(np.ceil(len(images) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3 * (titles is not None)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        image = images[i]
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        if image.ndim == 3 and image.dtype != np.uint8:
            image = image / 255.0 if image.max() > 1.0 else image
            image = np.clip(image, 0, 1)
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None)
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    fig.tight_layout()
    return fig


def plot_predictions(images, probabilities, true_labels, class_names: Sequence[str] | None = None):
    """Each image above a bar chart of the predicted class probabilities (chapter 1).

    The true class's bar is drawn in green when it is the prediction and the
    predicted bar in red when it is wrong, so mistakes stand out.
    """
    images = np.asarray(images)
    probabilities = np.asarray(probabilities, dtype=float)
    true_labels = np.asarray(true_labels).astype(int)
    if not (len(images) == len(probabilities) == len(true_labels)) or len(images) == 0:
        raise ValueError("images, probabilities and true_labels must be non-empty and equally long")
    if probabilities.ndim != 2:
        raise ValueError(f"probabilities must be (n, classes), got shape {probabilities.shape}")
    n, n_classes = probabilities.shape
    names = list(class_names) if class_names is not None else [str(c) for c in range(n_classes)]
    fig, axes = plt.subplots(2, n, figsize=(1.9 * n, 3.6), squeeze=False,
                             gridspec_kw={"height_ratios": [1.2, 1]})
    for i in range(n):
        image = images[i].reshape(images[i].shape[:2]) if images[i].ndim == 3 and images[i].shape[-1] == 1 \
            else images[i]
        axes[0, i].imshow(image, cmap="gray")
        axes[0, i].axis("off")
        predicted = int(np.argmax(probabilities[i]))
        axes[0, i].set_title(f"true {names[true_labels[i]]}\npred {names[predicted]}", fontsize=8)
        colors = ["lightgray"] * n_classes
        colors[predicted] = "tab:green" if predicted == true_labels[i] else "tab:red"
        axes[1, i].bar(range(n_classes), probabilities[i], color=colors)
        axes[1, i].set_ylim(0, 1)
        axes[1, i].set_xticks(range(n_classes))
        axes[1, i].set_xticklabels(names if n_classes <= 10 else [""] * n_classes, fontsize=6)
        if i:
            axes[1, i].set_yticklabels([])
    axes[1, 0].set_ylabel("probability")
    fig.tight_layout()
    return fig
