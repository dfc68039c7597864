"""Shared figures (lib.plots): learning curves, image grids, and the convolution figures of chapters 6 and 7."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lib import plots, vision  # noqa: E402

HISTORY = {
    "loss": [1.0, 0.5, 0.3],
    "val_loss": [1.1, 0.7, 0.8],
    "accuracy": [0.5, 0.8, 0.9],
    "val_accuracy": [0.5, 0.7, 0.7],
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class FakeHistory:
    history = HISTORY


def test_plot_history_draws_train_and_validation_per_metric():
    fig = plots.plot_history(FakeHistory())
    assert len(fig.axes) == 2
    loss_axis = fig.axes[0]
    assert [line.get_label() for line in loss_axis.lines] == ["training loss", "validation loss"]
    np.testing.assert_array_equal(loss_axis.lines[1].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(loss_axis.lines[1].get_ydata(), HISTORY["val_loss"])


def test_plot_history_errors():
    with pytest.raises(KeyError, match="auc"):
        plots.plot_history(HISTORY, metrics=["auc"])
    with pytest.raises(TypeError, match="History"):
        plots.plot_history([1, 2, 3])


def test_compare_histories_one_curve_per_model():
    fig = plots.compare_histories({"original": HISTORY, "smaller": {"val_loss": [2.0, 1.0, 0.5]}})
    assert [line.get_label() for line in fig.axes[0].lines] == ["original", "smaller"]
    with pytest.raises(KeyError, match="smaller"):
        plots.compare_histories({"smaller": {"loss": [1]}})


def test_image_grid_shapes_and_titles():
    fig = plots.image_grid(np.zeros((5, 28, 28), dtype=np.uint8), titles=list("abcde"), ncols=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 5 and len(fig.axes) == 6
    assert shown[4].get_title() == "e"
    plots.image_grid(np.random.rand(2, 8, 8, 3) * 255)  # colour floats in 0-255
    with pytest.raises(ValueError, match="titles"):
        plots.image_grid(np.zeros((2, 4, 4)), titles=["one"])
    with pytest.raises(ValueError, match="non-empty"):
        plots.image_grid(np.zeros((0, 4, 4)))


def test_plot_predictions_marks_right_and_wrong():
    probabilities = np.array([[0.9, 0.1], [0.8, 0.2]])
    fig = plots.plot_predictions(np.zeros((2, 4, 4)), probabilities, [0, 1], class_names=["cat", "dog"])
    right_bar, wrong_bar = fig.axes[2].patches[0], fig.axes[3].patches[0]
    assert right_bar.get_facecolor()[:3] == matplotlib.colors.to_rgb("tab:green")
    assert wrong_bar.get_facecolor()[:3] == matplotlib.colors.to_rgb("tab:red")
    with pytest.raises(ValueError, match="equally long"):
        plots.plot_predictions(np.zeros((2, 4, 4)), probabilities, [0])


# ------------------------------------------------------------------ figures of convolution
def red_windows(ax):
    return [p for p in ax.patches if p.get_edgecolor()[:3] == matplotlib.colors.to_rgb("tab:red")]


def test_plot_sliding_filter_draws_window_and_output_per_step():
    image = np.arange(49, dtype=float).reshape(7, 7) % 4
    fig = plots.plot_sliding_filter(image, np.ones((3, 3)), stride=2, steps=4)
    assert len(fig.axes) == 8  # input and output panel per step
    top = fig.axes[:4]
    # With stride 2 the window jumps two columns, then wraps to the next output row.
    corners = [red_windows(ax)[0].get_xy() for ax in top]
    assert corners == [(-0.5, -0.5), (1.5, -0.5), (3.5, -0.5), (-0.5, 1.5)]
    assert "7×7 input → 3×3 output" in fig._suptitle.get_text()
    assert fig.axes[4].get_title() == f"output[0, 0] = {vision.convolve2d(image, np.ones((3, 3)), 2)[0, 0]:g}"


def test_plot_sliding_filter_same_padding_and_step_cap():
    image = np.ones((3, 3))
    fig = plots.plot_sliding_filter(image, np.ones((3, 3)), padding="same", steps=50)
    assert len(fig.axes) == 2 * 9  # capped at the number of output positions
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert len(hatched) == 5 * 5 - 3 * 3  # one hatched patch per padding zero
    with pytest.raises(ValueError, match="padding"):
        plots.plot_sliding_filter(image, np.ones((3, 3)), padding="full")


def test_plot_feature_maps_one_panel_per_channel():
    maps = np.random.default_rng(1).random((1, 6, 6, 20))
    maps[..., 3] = 0  # a channel that never fired
    fig = plots.plot_feature_maps(maps, ncols=8, max_channels=16, title="conv")
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 16 and [ax.get_title() for ax in shown] == [str(i) for i in range(16)]
    assert "16 of 20 channels" in fig._suptitle.get_text()
    np.testing.assert_array_equal(shown[5].images[0].get_array(), maps[0, :, :, 5])
    everything = plots.plot_feature_maps(maps[0], max_channels=None)
    assert len([ax for ax in everything.axes if ax.images]) == 20
    with pytest.raises(ValueError, match="one feature map"):
        plots.plot_feature_maps(np.zeros((2, 6, 6, 3)))


def test_plot_filters_one_panel_per_filter_on_a_shared_scale():
    kernel = np.random.default_rng(2).normal(size=(3, 3, 2, 10))
    fig = plots.plot_filters(kernel, ncols=4, input_channel=1)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 10
    np.testing.assert_array_equal(shown[7].images[0].get_array(), kernel[:, :, 1, 7])
    limits = {ax.images[0].get_clim() for ax in shown}
    assert limits == {(-np.abs(kernel[:, :, 1, :]).max(), np.abs(kernel[:, :, 1, :]).max())}
    with pytest.raises(ValueError, match="Conv2D kernel"):
        plots.plot_filters(np.zeros((3, 3, 4)))
    with pytest.raises(ValueError, match="input_channel"):
        plots.plot_filters(kernel, input_channel=2)
