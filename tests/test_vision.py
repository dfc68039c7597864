"""lib.vision: convolutions by hand, parameter counts, layer freezing, feature-map figures (chapters 6 and 7)."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import layers  # noqa: E402

from lib import vision  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def keras_conv(image: np.ndarray, kernel: np.ndarray, stride: int, padding: str) -> np.ndarray:
    """What a one-filter, bias-free Conv2D computes on a 2-D image."""
    conv = layers.Conv2D(1, kernel.shape, strides=stride, padding=padding, use_bias=False)
    conv.build((None, *image.shape, 1))
    conv.set_weights([kernel.reshape(*kernel.shape, 1, 1).astype("float32")])
    return keras.ops.convert_to_numpy(conv(image.reshape(1, *image.shape, 1).astype("float32")))[0, :, :, 0]


# ------------------------------------------------------------------ output sizes and padding
@pytest.mark.parametrize("size, kernel, stride, padding, expected", [
    (28, 3, 1, "valid", 26), (26, 2, 2, "valid", 13), (11, 2, 2, "valid", 5), (7, 3, 2, "valid", 3),
    (28, 3, 1, "same", 28), (5, 3, 2, "same", 3), (150, 2, 2, "valid", 75), (9, 2, 2, "valid", 4),
])
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
    assert vision.same_padding(6, 2, 1) == (0, 1)    # an odd total puts the extra zero after
    assert vision.same_padding(28, 2, 2) == (0, 0)
    assert vision.same_padding(7, 3, 2) == (1, 1)


# ------------------------------------------------------------------ convolution and pooling
def test_convolve2d_worked_example():
    image = np.array([[0, 0, 0, 9, 9]] * 5, dtype=float)
    edge = np.array([[-1, 0, 1]] * 3, dtype=float)
    np.testing.assert_array_equal(vision.convolve2d(image, edge), [[0, 27, 27]] * 3)
    # The kernel is not flipped (cross-correlation, as in Keras): the flipped filter gives -27.
    np.testing.assert_array_equal(vision.convolve2d(image, edge[:, ::-1]), [[0, -27, -27]] * 3)


@pytest.mark.parametrize("shape, kernel_size, stride, padding", [
    ((7, 7), 3, 1, "valid"), ((7, 7), 3, 2, "valid"), ((7, 6), 3, 2, "same"), ((8, 8), 5, 3, "same"),
    ((6, 6), 2, 1, "same"), ((9, 5), 2, 2, "valid"),
])
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
    np.testing.assert_array_equal(vision.max_pool2d(activations, pool_size=2, stride=1),
                                  [[4, 3, 2], [4, 5, 5], [2, 5, 8]])
    odd = np.arange(25, dtype=float).reshape(5, 5)
    pooled = vision.max_pool2d(odd)
    keras_pooled = keras.ops.convert_to_numpy(layers.MaxPooling2D(2)(odd.reshape(1, 5, 5, 1)))[0, :, :, 0]
    np.testing.assert_array_equal(pooled, keras_pooled)
    assert pooled.shape == (2, 2)


# ------------------------------------------------------------------ figures of convolution
def red_windows(ax):
    return [p for p in ax.patches if p.get_edgecolor()[:3] == matplotlib.colors.to_rgb("tab:red")]


def test_plot_sliding_filter_draws_window_and_output_per_step():
    image = np.arange(49, dtype=float).reshape(7, 7) % 4
    fig = vision.plot_sliding_filter(image, np.ones((3, 3)), stride=2, steps=4)
    assert len(fig.axes) == 8                       # input and output panel per step
    top = fig.axes[:4]
    # With stride 2 the window jumps two columns, then wraps to the next output row.
    corners = [red_windows(ax)[0].get_xy() for ax in top]
    assert corners == [(-0.5, -0.5), (1.5, -0.5), (3.5, -0.5), (-0.5, 1.5)]
    assert "7×7 input → 3×3 output" in fig._suptitle.get_text()
    assert fig.axes[4].get_title() == f"output[0, 0] = {vision.convolve2d(image, np.ones((3, 3)), 2)[0, 0]:g}"


def test_plot_sliding_filter_same_padding_and_step_cap():
    image = np.ones((3, 3))
    fig = vision.plot_sliding_filter(image, np.ones((3, 3)), padding="same", steps=50)
    assert len(fig.axes) == 2 * 9                    # capped at the number of output positions
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 5 * 5 - 3 * 3             # one hatched patch per padding zero
    with pytest.raises(ValueError, match="padding"):
        vision.plot_sliding_filter(image, np.ones((3, 3)), padding="full")


# ------------------------------------------------------------------ parameter counts and freezing
def small_base() -> keras.Model:
    inputs = keras.Input(shape=(8, 8, 3))
    x = layers.Conv2D(4, 3, name="block1_conv1")(inputs)
    x = layers.Conv2D(4, 3, name="block2_conv1")(x)
    x = layers.Conv2D(2, 3, name="block3_conv1")(x)
    return keras.Model(inputs, x, name="base")


def test_parameter_counts_split_trainable_and_frozen():
    base = small_base()
    expected = {"block1_conv1": (3 * 3 * 3 + 1) * 4, "block2_conv1": (3 * 3 * 4 + 1) * 4,
                "block3_conv1": (3 * 3 * 4 + 1) * 2}
    total = sum(expected.values())
    assert vision.parameter_counts(base) == {"total": total, "trainable": total, "non_trainable": 0}
    base.get_layer("block1_conv1").trainable = False
    assert vision.parameter_counts(base) == {"total": total, "trainable": total - expected["block1_conv1"],
                                             "non_trainable": expected["block1_conv1"]}
    base.trainable = False
    assert vision.parameter_counts(base)["trainable"] == 0


def test_parameter_counts_needs_a_built_model():
    with pytest.raises(ValueError, match="not built"):
        vision.parameter_counts(keras.Sequential([layers.Dense(3)]))


def test_the_lecture_loop_unfreezes_nothing_and_unfreeze_from_does():
    base = small_base()
    model = keras.Sequential([keras.Input(shape=(8, 8, 3)), base, layers.Flatten(), layers.Dense(1)])
    base.trainable = False
    head = vision.parameter_counts(model)["trainable"]
    # The lecture's loop: set_trainable is never used, every other layer is frozen explicitly,
    # and block2_conv1 keeps the False it got when the whole base was frozen.
    set_trainable = False
    for layer in base.layers:
        if layer.name == "block2_conv1":
            set_trainable = True
        else:
            layer.trainable = False
    assert set_trainable and vision.parameter_counts(model)["trainable"] == head
    assert not base.get_layer("block2_conv1").trainable

    assert vision.unfreeze_from(base, "block2_conv1") == ["block2_conv1", "block3_conv1"]
    flags = {layer.name: layer.trainable for layer in base.layers if not isinstance(layer, layers.InputLayer)}
    assert flags == {"block1_conv1": False, "block2_conv1": True, "block3_conv1": True}
    assert vision.parameter_counts(model)["trainable"] == head + (3 * 3 * 4 + 1) * 4 + (3 * 3 * 4 + 1) * 2


def test_unfreeze_from_unknown_layer():
    with pytest.raises(ValueError, match="no layer 'block9_conv1'"):
        vision.unfreeze_from(small_base(), "block9_conv1")


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


def test_plot_feature_maps_one_panel_per_channel():
    maps = np.random.default_rng(1).random((1, 6, 6, 20))
    maps[..., 3] = 0                                     # a channel that never fired
    fig = vision.plot_feature_maps(maps, ncols=8, max_channels=16, title="conv")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 16 and [ax.get_title() for ax in shown] == [str(i) for i in range(16)]
    assert "16 of 20 channels" in fig._suptitle.get_text()
    np.testing.assert_array_equal(shown[5].images[0].get_array(), maps[0, :, :, 5])
    everything = vision.plot_feature_maps(maps[0], max_channels=None)
    assert len([ax for ax in everything.axes if ax.images]) == 20
    with pytest.raises(ValueError, match="one feature map"):
        vision.plot_feature_maps(np.zeros((2, 6, 6, 3)))


def test_plot_filters_one_panel_per_filter_on_a_shared_scale():
    kernel = np.random.default_rng(2).normal(size=(3, 3, 2, 10))
    fig = vision.plot_filters(kernel, ncols=4, input_channel=1)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10
    np.testing.assert_array_equal(shown[7].images[0].get_array(), kernel[:, :, 1, 7])
    limits = {ax.images[0].get_clim() for ax in shown}
    assert limits == {(-np.abs(kernel[:, :, 1, :]).max(), np.abs(kernel[:, :, 1, :]).max())}
    with pytest.raises(ValueError, match="Conv2D kernel"):
        vision.plot_filters(np.zeros((3, 3, 4)))
    with pytest.raises(ValueError, match="input_channel"):
        vision.plot_filters(kernel, input_channel=2)
