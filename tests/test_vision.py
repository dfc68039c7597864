"""lib.vision: convolution and pooling in NumPy, feature maps (chapters 6 and 7)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers
from small_models import small_base

from lib import vision


def keras_conv(image: np.ndarray, kernel: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """What a one-filter, bias-free Conv2D computes on a 2-D image."""
    conv = layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    conv.build((None, *image.shape, 1))
    conv.set_weights([kernel.reshape(*kernel.shape, 1, 1).astype("float32")])
    return keras.ops.convert_to_numpy(conv(image.reshape(1, *image.shape, 1).astype("float32")))[0, :, :, 0]


# ------------------------------------------------------------------ output sizes and padding
@pytest.mark.parametrize(
    "size, kernel, stride, padding, expected",
    [
        (28, 3, 1, "valid", 26),
        (26, 2, 2, "valid", 13),
        (11, 2, 2, "valid", 5),
        (7, 3, 2, "valid", 3),
        (28, 3, 1, "same", 28),
        (5, 3, 2, "same", 3),
        (150, 2, 2, "valid", 75),
        (9, 2, 2, "valid", 4),
    ],
)
def test_conv_output_size(size, kernel, stride, padding, expected):
    assert vision.conv_output_size(size, kernel, stride, padding) == expected


def test_conv_output_size_errors():
    with pytest.raises(ValueError, match="does not fit"):
        vision.conv_output_size(2, 3)
    with pytest.raises(ValueError, match="padding"):
        vision.conv_output_size(5, 3, padding="full")
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="positive integer"):
            vision.conv_output_size(5, 3, stride=bad)


def test_same_padding_splits_like_tensorflow():
    assert vision.same_padding(5, 3, 1) == (1, 1)
    assert vision.same_padding(6, 2, 1) == (0, 1)  # an odd total puts the extra zero after
    assert vision.same_padding(28, 2, 2) == (0, 0)
    assert vision.same_padding(7, 3, 2) == (1, 1)


# ------------------------------------------------------------------ convolution and pooling
def test_convolve2d_worked_example():
    image = np.array([[0, 0, 0, 9, 9]] * 5, dtype=float)
    edge = np.array([[-1, 0, 1]] * 3, dtype=float)
    np.testing.assert_array_equal(vision.convolve2d(image, edge), [[0, 27, 27]] * 3)
    # The kernel is not flipped (cross-correlation, as in Keras): the flipped filter gives -27.
    np.testing.assert_array_equal(vision.convolve2d(image, edge[:, ::-1]), [[0, -27, -27]] * 3)


@pytest.mark.parametrize(
    "shape, kernel_size, stride, padding",
    [
        ((7, 7), 3, 1, "valid"),
        ((7, 7), 3, 2, "valid"),
        ((7, 6), 3, 2, "same"),
        ((8, 8), 5, 3, "same"),
        ((6, 6), 2, 1, "same"),
        ((9, 5), 2, 2, "valid"),
    ],
)
def test_convolve2d_matches_keras_conv2d(shape, kernel_size, stride, padding):
    rng = np.random.default_rng(0)
    image = rng.normal(size=shape)
    kernel = rng.normal(size=(kernel_size, kernel_size))
    ours = vision.convolve2d(image, kernel, stride=stride, padding=padding)
    np.testing.assert_allclose(ours, keras_conv(image, kernel, stride, padding), atol=1e-4)


def test_convolve2d_errors():
    with pytest.raises(ValueError, match="2-D"):
        vision.convolve2d(np.zeros((2, 5, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="2-D"):
        vision.convolve2d(np.zeros((5, 5)), np.ones(3))
    with pytest.raises(ValueError, match="does not fit"):
        vision.convolve2d(np.zeros((2, 2)), np.ones((3, 3)))


def test_max_pool2d_keeps_the_largest_value_of_each_window():
    activations = np.array([[1, 3, 2, 0], [4, 2, 1, 1], [0, 1, 5, 2], [2, 2, 3, 8]], dtype=float)
    np.testing.assert_array_equal(vision.max_pool2d(activations), [[4, 2], [2, 8]])
    # Overlapping windows (stride 1) and a dropped odd row/column, as in MaxPooling2D.
    np.testing.assert_array_equal(
        vision.max_pool2d(activations, pool_size=2, stride=1), [[4, 3, 2], [4, 5, 5], [2, 5, 8]]
    )
    odd = np.arange(25, dtype=float).reshape(5, 5)
    pooled = vision.max_pool2d(odd)
    keras_pooled = keras.ops.convert_to_numpy(layers.MaxPooling2D(2)(odd.reshape(1, 5, 5, 1)))[0, :, :, 0]
    np.testing.assert_array_equal(pooled, keras_pooled)
    assert pooled.shape == (2, 2)


# ------------------------------------------------------------------ feature maps
def test_feature_maps_returns_the_named_layer_outputs():
    keras.utils.set_random_seed(0)
    base = small_base()
    images = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    maps = vision.feature_maps(base, images, ["block1_conv1", "block3_conv1"])
    assert list(maps) == ["block1_conv1", "block3_conv1"]
    assert maps["block1_conv1"].shape == (2, 6, 6, 4) and maps["block3_conv1"].shape == (2, 2, 2, 2)
    direct = keras.ops.convert_to_numpy(base.get_layer("block1_conv1")(images))
    np.testing.assert_allclose(maps["block1_conv1"], direct, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(maps["block3_conv1"], keras.ops.convert_to_numpy(base(images)), rtol=1e-5, atol=1e-6)
    single = vision.feature_maps(base, images[:1], ["block2_conv1"])
    assert single["block2_conv1"].shape == (1, 4, 4, 4)


def test_feature_maps_errors():
    base = small_base()
    with pytest.raises(ValueError, match="non-empty list"):
        vision.feature_maps(base, np.zeros((1, 8, 8, 3)), "block1_conv1")
    with pytest.raises(ValueError):
        vision.feature_maps(base, np.zeros((1, 8, 8, 3)), ["no_such_layer"])
