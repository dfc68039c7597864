"""Shared figures (lib.plots)."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lib import plots  # noqa: E402

HISTORY = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.8], "accuracy": [0.5, 0.8, 0.9],
           "val_accuracy": [0.5, 0.7, 0.7]}


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
