"""Convolutions by hand, parameter counts, layer freezing and feature-map figures.

Introduced in chapter 6 (convolutional networks) and used again in chapter 7
(transfer learning):

* :func:`convolve2d`, :func:`max_pool2d` and :func:`conv_output_size` compute
  what ``Conv2D`` and ``MaxPooling2D`` compute, in plain NumPy, so a small worked
  example can be checked by hand and against Keras;
* :func:`plot_sliding_filter` draws a filter sliding over an image (stride and
  padding included);
* :func:`parameter_counts` and :func:`unfreeze_from` are the bookkeeping of
  freezing a convolutional base and fine-tuning its top block;
* :func:`feature_maps`, :func:`plot_feature_maps` and :func:`plot_filters` show
  what a trained convnet has learned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import keras

PADDINGS = ("valid", "same")


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return int(value)


def _check_padding(padding: str) -> str:
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, not {padding!r}")
    return padding


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: str = "valid") -> int:
    """Output length along one axis of a convolution or pooling window (chapter 6).

    ``valid``: only windows that fit, ``floor((size - kernel) / stride) + 1``;
    ``same``: zero padding so that ``ceil(size / stride)`` windows fit, as in Keras.
    """
    size, kernel_size, stride = (_check_positive_int(v, n) for v, n in
                                 ((size, "size"), (kernel_size, "kernel_size"), (stride, "stride")))
    if _check_padding(padding) == "same":
        return -(-size // stride)
    if kernel_size > size:
        raise ValueError(f"a {kernel_size}-wide window does not fit in {size} values without padding")
    return (size - kernel_size) // stride + 1


def same_padding(size: int, kernel_size: int, stride: int = 1) -> tuple[int, int]:
    """Zeros added (before, after) along one axis for ``padding="same"``, split as TensorFlow does."""
    out = conv_output_size(size, kernel_size, stride, "same")
    total = max((out - 1) * stride + kernel_size - size, 0)
    return total // 2, total - total // 2


def _pad_2d(image: np.ndarray, kernel_shape: tuple[int, int], stride: int, padding: str) -> np.ndarray:
    if padding == "valid":
        return image
    rows = same_padding(image.shape[0], kernel_shape[0], stride)
    cols = same_padding(image.shape[1], kernel_shape[1], stride)
    return np.pad(image, (rows, cols))


def _as_2d(array: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    return array


def convolve2d(image: ArrayLike, kernel: ArrayLike, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Slide ``kernel`` over a 2-D ``image``; each output is the sum of window × kernel (chapter 6).

    This is what ``keras.layers.Conv2D`` computes for one input channel, one
    filter and no bias (strictly a cross-correlation: the kernel is not
    flipped). ``padding`` is ``"valid"`` or ``"same"`` as in Keras.
    """
    image, kernel = _as_2d(image, "image"), _as_2d(kernel, "kernel")
    stride = _check_positive_int(stride, "stride")
    _check_padding(padding)
    out_rows = conv_output_size(image.shape[0], kernel.shape[0], stride, padding)
    out_cols = conv_output_size(image.shape[1], kernel.shape[1], stride, padding)
    padded = _pad_2d(image, kernel.shape, stride, padding)
    kh, kw = kernel.shape
    output = np.empty((out_rows, out_cols))
    for i in range(out_rows):
        for j in range(out_cols):
            window = padded[i * stride: i * stride + kh, j * stride: j * stride + kw]
            output[i, j] = np.sum(window * kernel)
    return output


def max_pool2d(image: ArrayLike, pool_size: int = 2, stride: int | None = None) -> np.ndarray:
    """Keep the largest value of each ``pool_size`` × ``pool_size`` window (chapter 6).

    ``stride`` defaults to ``pool_size`` (non-overlapping windows), and windows
    that do not fit are dropped, as ``keras.layers.MaxPooling2D`` does.
    """
    image = _as_2d(image, "image")
    pool_size = _check_positive_int(pool_size, "pool_size")
    stride = pool_size if stride is None else _check_positive_int(stride, "stride")
    rows = conv_output_size(image.shape[0], pool_size, stride)
    cols = conv_output_size(image.shape[1], pool_size, stride)
    return np.array([[image[i * stride: i * stride + pool_size, j * stride: j * stride + pool_size].max()
                      for j in range(cols)] for i in range(rows)])


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
                ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=7,
                        color="white" if value > middle else "black")


def plot_sliding_filter(image: ArrayLike, kernel: ArrayLike, stride: int = 1, padding: str = "valid",
                        steps: int = 3, annotate: bool = True) -> Figure:
    """A filter sliding over an image: one column per step, input above, output below (chapter 6).

    The top row shows the (padded) input with the current window outlined; the
    bottom row the output filled in up to the current step. Padding zeros are
    drawn hatched. Returns the figure.
    """
    image, kernel = _as_2d(image, "image"), _as_2d(kernel, "kernel")
    steps = _check_positive_int(steps, "steps")
    output = convolve2d(image, kernel, stride, padding)
    steps = min(steps, output.size)
    padded = _pad_2d(image, kernel.shape, stride, padding)
    top, left = (same_padding(image.shape[0], kernel.shape[0], stride)[0],
                 same_padding(image.shape[1], kernel.shape[1], stride)[0]) if padding == "same" else (0, 0)
    kh, kw = kernel.shape
    fig, axes = plt.subplots(2, steps, figsize=(2.4 * steps, 4.6), squeeze=False,
                             gridspec_kw={"height_ratios": [padded.shape[0], max(output.shape[0], 2)]})
    for step in range(steps):
        i, j = divmod(step, output.shape[1])
        _draw_grid(axes[0, step], padded, "Blues", annotate, vmin=image.min(), vmax=image.max())
        for (r, c), _ in np.ndenumerate(padded):
            if not (top <= r < top + image.shape[0] and left <= c < left + image.shape[1]):
                axes[0, step].add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="none",
                                                  edgecolor="gray", hatch="///", linewidth=0))
        axes[0, step].add_patch(Rectangle((j * stride - 0.5, i * stride - 0.5), kw, kh, fill=False,
                                          edgecolor="tab:red", linewidth=2.5))
        axes[0, step].set_title(f"step {step + 1}: window at ({i * stride}, {j * stride})", fontsize=8)
        shown = np.full(output.shape, np.nan)
        shown.flat[:step + 1] = output.flat[:step + 1]
        _draw_grid(axes[1, step], shown, "Oranges", annotate, vmin=output.min(), vmax=output.max())
        axes[1, step].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="tab:red",
                                          linewidth=2.5))
        axes[1, step].set_title(f"output[{i}, {j}] = {output[i, j]:g}", fontsize=8)
    fig.suptitle(f"{kh}×{kw} filter, stride {stride}, padding '{padding}': "
                 f"{image.shape[0]}×{image.shape[1]} input → {output.shape[0]}×{output.shape[1]} output",
                 fontsize=9)
    fig.tight_layout()
    return fig


def parameter_counts(model: keras.Model) -> dict[str, int]:
    """Total, trainable and non-trainable parameters of a built Keras model (chapters 6 and 7).

    The same numbers ``model.summary()`` prints, as a dict a chapter or a test can check.
    """
    if not getattr(model, "built", False):
        raise ValueError("the model is not built yet: give it a keras.Input or call it on data first")
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return {"total": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable}


def unfreeze_from(base: keras.Model, first_trainable: str) -> list[str]:
    """Make ``first_trainable`` and every layer after it trainable, and freeze the rest (chapter 7).

    The base's own flag is set to ``True`` first, so that it agrees with its
    layers (setting ``base.trainable`` later still freezes or unfreezes them
    all at once). This is the loop the lecture meant to write for fine-tuning.
    Returns the names of the layers left trainable. Compile the model again
    afterwards: the change takes effect at the next ``compile``.
    """
    names = [layer.name for layer in base.layers]
    if first_trainable not in names:
        raise ValueError(f"{base.name!r} has no layer {first_trainable!r}; its layers are {names}")
    base.trainable = True
    start = names.index(first_trainable)
    for position, layer in enumerate(base.layers):
        layer.trainable = position >= start
    return [layer.name for layer in base.layers[start:]]


def feature_maps(model: keras.Model, images: ArrayLike, layer_names: Sequence[str]) -> dict[str, np.ndarray]:
    """The outputs of the named layers of ``model`` for a batch of ``images`` (chapters 6 and 7).

    Builds a second model that shares the layers (and weights) of ``model`` and
    returns one array per layer, shaped (batch, height, width, channels).
    """
    import keras

    if isinstance(layer_names, str) or not layer_names:
        raise ValueError("layer_names must be a non-empty list of layer names")
    outputs = [model.get_layer(name).output for name in layer_names]
    probe = keras.Model(inputs=model.inputs, outputs=outputs)
    activations = probe.predict(np.asarray(images), verbose=0)
    if len(layer_names) == 1:
        activations = [activations]
    return {name: np.asarray(a) for name, a in zip(layer_names, activations)}


def plot_feature_maps(maps: ArrayLike, ncols: int = 8, max_channels: int | None = 16,
                      title: str | None = None, cmap: str = "viridis", size: float = 1.3) -> Figure:
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
    ncols = _check_positive_int(ncols, "ncols")
    channels = maps.shape[-1] if max_channels is None else min(maps.shape[-1], _check_positive_int(
        max_channels, "max_channels"))
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
        fig.suptitle(f"{title} ({maps.shape[0]}×{maps.shape[1]}, {channels} of {maps.shape[-1]} channels)",
                     fontsize=9)
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
    ncols = min(_check_positive_int(ncols, "ncols"), filters.shape[-1])
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
