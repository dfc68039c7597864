"""Convolutional networks in NumPy: what ``Conv2D`` and ``MaxPooling2D`` compute (chapters 6 and 7).

* :func:`convolve2d`, :func:`max_pool2d` and :func:`conv_output_size` compute
  what ``Conv2D`` and ``MaxPooling2D`` compute, in plain NumPy, so a small worked
  example can be checked by hand and against Keras (chapter 6 writes the same
  loops in sight; this is the tested version later chapters and exercises call);
* :func:`feature_maps` returns what the layers of a trained convnet output.

Figures of convolutions and feature maps live in :mod:`lib.plots`; freezing and
unfreezing layers in :mod:`lib.freezing`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import keras

PADDINGS = ("valid", "same")


def check_positive_int(value: object, name: str) -> int:
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
    size, kernel_size, stride = (
        check_positive_int(v, n) for v, n in ((size, "size"), (kernel_size, "kernel_size"), (stride, "stride"))
    )
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


def pad2d(image: np.ndarray, kernel_shape: tuple[int, int], stride: int, padding: str) -> np.ndarray:
    """``image`` with the zeros ``padding="same"`` adds around it (unchanged for ``"valid"``)."""
    if padding == "valid":
        return image
    rows = same_padding(image.shape[0], kernel_shape[0], stride)
    cols = same_padding(image.shape[1], kernel_shape[1], stride)
    return np.pad(image, (rows, cols))


def as_2d(array: ArrayLike, name: str) -> np.ndarray:
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
    image, kernel = as_2d(image, "image"), as_2d(kernel, "kernel")
    stride = check_positive_int(stride, "stride")
    _check_padding(padding)
    out_rows = conv_output_size(image.shape[0], kernel.shape[0], stride, padding)
    out_cols = conv_output_size(image.shape[1], kernel.shape[1], stride, padding)
    padded = pad2d(image, kernel.shape, stride, padding)
    kh, kw = kernel.shape
    output = np.empty((out_rows, out_cols))
    for i in range(out_rows):
        for j in range(out_cols):
            window = padded[i * stride : i * stride + kh, j * stride : j * stride + kw]
            output[i, j] = np.sum(window * kernel)
    return output


def max_pool2d(image: ArrayLike, pool_size: int = 2, stride: int | None = None) -> np.ndarray:
    """Keep the largest value of each ``pool_size`` × ``pool_size`` window (chapter 6).

    ``stride`` defaults to ``pool_size`` (non-overlapping windows), and windows
    that do not fit are dropped, as ``keras.layers.MaxPooling2D`` does.
    """
    image = as_2d(image, "image")
    pool_size = check_positive_int(pool_size, "pool_size")
    stride = pool_size if stride is None else check_positive_int(stride, "stride")
    rows = conv_output_size(image.shape[0], pool_size, stride)
    cols = conv_output_size(image.shape[1], pool_size, stride)
    return np.array(
        [
            [image[i * stride : i * stride + pool_size, j * stride : j * stride + pool_size].max() for j in range(cols)]
            for i in range(rows)
        ]
    )


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
    return {name: np.asarray(a) for name, a in zip(layer_names, activations, strict=True)}
