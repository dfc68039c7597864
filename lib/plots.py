"""Figures the chapters share (introduced in chapter 1).

Learning curves and image grids (chapters 1-7); a filter sliding over an image,
the filters of a ``Conv2D`` layer and the channels of a feature map (chapters 6
and 7, from the NumPy maths of :mod:`lib.vision`). Each function draws on a new figure (or given axes) and returns the
matplotlib ``Figure``, so a notebook shows it and a test can inspect it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

from lib import vision


def _history_dict(history) -> dict[str, list[float]]:
    """Accept a Keras ``History`` or its ``.history`` dict."""
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping) or not data:
        raise TypeError("expected a keras History (from model.fit) or a non-empty dict of per-epoch lists")
    return {key: list(values) for key, values in data.items()}


def _label_epoch_axes(ax, metric: str) -> None:
    """Epochs along x, ``metric`` along y, a light grid and the legend: how every learning curve is dressed."""
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend()


def plot_history(history: object, metrics: Sequence[str] | None = None, title: str | None = None) -> Figure:
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
    for ax, metric in zip(axes[0], metrics, strict=False):
        epochs = np.arange(1, len(data[metric]) + 1)
        ax.plot(epochs, data[metric], "o-", markersize=3, label=f"training {metric}")
        if f"val_{metric}" in data:
            ax.plot(epochs, data[f"val_{metric}"], "s-", markersize=3, label=f"validation {metric}")
        _label_epoch_axes(ax, metric)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def compare_histories(histories: Mapping[str, object], metric: str = "val_loss", title: str | None = None) -> Figure:
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
    _label_epoch_axes(ax, metric)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def image_grid(
    images: ArrayLike, titles: Sequence[str] | None = None, ncols: int = 8, cmap: str | None = "gray", size: float = 1.4
) -> Figure:
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
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * nrows + 0.3 * (titles is not None)), squeeze=False
    )
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


def plot_predictions(
    images: ArrayLike, probabilities: ArrayLike, true_labels: ArrayLike, class_names: Sequence[str] | None = None
) -> Figure:
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
    fig, axes = plt.subplots(2, n, figsize=(1.9 * n, 3.6), squeeze=False, gridspec_kw={"height_ratios": [1.2, 1]})
    for i in range(n):
        image = (
            images[i].reshape(images[i].shape[:2]) if images[i].ndim == 3 and images[i].shape[-1] == 1 else images[i]
        )
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


def _draw_grid(ax, values: np.ndarray, cmap: str, annotate: bool, vmin=None, vmax=None) -> None:
    ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks(np.arange(-0.5, values.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0], 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="both", bottom=False, left=False, labelbottom=False, labelleft=False)
    if annotate:
        finite = values[np.isfinite(values)]
        middle = (finite.min() + finite.max()) / 2 if finite.size else 0
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                # dark cells (large values in these colour maps) get white text
                ax.text(
                    j,
                    i,
                    f"{value:g}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > middle else "black",
                )


def plot_sliding_filter(
    image: ArrayLike, kernel: ArrayLike, stride: int = 1, padding: str = "valid", steps: int = 3, annotate: bool = True
) -> Figure:
    """A filter sliding over an image: one column per step, input above, output below (chapter 6).

    The top row shows the (padded) input with the current window outlined; the
    bottom row the output filled in up to the current step. Padding zeros are
    drawn hatched. Returns the figure.
    """
    image, kernel = vision.as_2d(image, "image"), vision.as_2d(kernel, "kernel")
    steps = vision.check_positive_int(steps, "steps")
    output = vision.convolve2d(image, kernel, stride, padding)
    steps = min(steps, output.size)
    padded = vision.pad2d(image, kernel.shape, stride, padding)
    top, left = (
        (
            vision.same_padding(image.shape[0], kernel.shape[0], stride)[0],
            vision.same_padding(image.shape[1], kernel.shape[1], stride)[0],
        )
        if padding == "same"
        else (0, 0)
    )
    kh, kw = kernel.shape
    fig, axes = plt.subplots(
        2,
        steps,
        figsize=(2.4 * steps, 4.6),
        squeeze=False,
        gridspec_kw={"height_ratios": [padded.shape[0], max(output.shape[0], 2)]},
    )
    for step in range(steps):
        i, j = divmod(step, output.shape[1])
        _draw_grid(axes[0, step], padded, "Blues", annotate, vmin=image.min(), vmax=image.max())
        for (r, c), _ in np.ndenumerate(padded):
            if not (top <= r < top + image.shape[0] and left <= c < left + image.shape[1]):
                axes[0, step].add_patch(
                    Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="none", edgecolor="gray", hatch="///", linewidth=0)
                )
        axes[0, step].add_patch(
            Rectangle((j * stride - 0.5, i * stride - 0.5), kw, kh, fill=False, edgecolor="tab:red", linewidth=2.5)
        )
        axes[0, step].set_title(f"step {step + 1}: window at ({i * stride}, {j * stride})", fontsize=8)
        shown = np.full(output.shape, np.nan)
        shown.flat[: step + 1] = output.flat[: step + 1]
        _draw_grid(axes[1, step], shown, "Oranges", annotate, vmin=output.min(), vmax=output.max())
        axes[1, step].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="tab:red", linewidth=2.5))
        axes[1, step].set_title(f"output[{i}, {j}] = {output[i, j]:g}", fontsize=8)
    fig.suptitle(
        f"{kh}×{kw} filter, stride {stride}, padding '{padding}': "
        f"{image.shape[0]}×{image.shape[1]} input → {output.shape[0]}×{output.shape[1]} output",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def plot_feature_maps(
    maps: ArrayLike,
    ncols: int = 8,
    max_channels: int | None = 16,
    title: str | None = None,
    cmap: str = "viridis",
    size: float = 1.3,
) -> Figure:
    """The channels of one feature map side by side, each as an image (chapters 6 and 7).

    ``maps`` is (height, width, channels) or a batch of one, (1, height, width,
    channels). Each channel is scaled on its own, so weak and strong responses
    are both visible; an all-zero channel (a ReLU that never fired) stays dark.
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"expected one feature map (H×W×C or 1×H×W×C), got shape {maps.shape}")
    ncols = vision.check_positive_int(ncols, "ncols")
    channels = (
        maps.shape[-1]
        if max_channels is None
        else min(maps.shape[-1], vision.check_positive_int(max_channels, "max_channels"))
    )
    ncols = min(ncols, channels)
    nrows = -(-channels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.4), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < channels:
            channel = maps[..., index]
            ax.imshow(channel, cmap=cmap, vmin=channel.min(), vmax=max(channel.max(), channel.min() + 1e-9))
            ax.set_title(str(index), fontsize=7)
    if title:
        fig.suptitle(f"{title} ({maps.shape[0]}×{maps.shape[1]}, {channels} of {maps.shape[-1]} channels)", fontsize=9)
    fig.tight_layout()
    return fig


def plot_filters(kernel: ArrayLike, ncols: int = 8, input_channel: int = 0, size: float = 1.1) -> Figure:
    """The filters of a ``Conv2D`` layer, one small image per filter (chapter 6).

    ``kernel`` is the layer's weight tensor, (height, width, input channels,
    filters), e.g. ``layer.get_weights()[0]``; the filters are shown for one
    input channel, on a shared red (positive) to blue (negative) scale.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4:
        raise ValueError(f"expected a Conv2D kernel (height, width, in, filters), got shape {kernel.shape}")
    if not 0 <= input_channel < kernel.shape[2]:
        raise ValueError(f"input_channel {input_channel} outside [0, {kernel.shape[2]})")
    filters = kernel[:, :, input_channel, :]
    ncols = min(vision.check_positive_int(ncols, "ncols"), filters.shape[-1])
    nrows = -(-filters.shape[-1] // ncols)
    limit = np.abs(filters).max() or 1.0
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < filters.shape[-1]:
            ax.imshow(filters[..., index], cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_title(str(index), fontsize=7)
    fig.tight_layout()
    return fig
