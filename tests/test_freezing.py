"""lib.freezing: parameter counts and unfreezing the top of a convolutional base (chapter 7)."""

from __future__ import annotations

import keras
import pytest
from keras import layers
from small_models import small_base

from lib import freezing


def test_parameter_counts_split_trainable_and_frozen():
    base = small_base()
    expected = {
        "block1_conv1": (3 * 3 * 3 + 1) * 4,
        "block2_conv1": (3 * 3 * 4 + 1) * 4,
        "block3_conv1": (3 * 3 * 4 + 1) * 2,
    }
    total = sum(expected.values())
    assert freezing.parameter_counts(base) == {"total": total, "trainable": total, "non_trainable": 0}
    base.get_layer("block1_conv1").trainable = False
    assert freezing.parameter_counts(base) == {
        "total": total,
        "trainable": total - expected["block1_conv1"],
        "non_trainable": expected["block1_conv1"],
    }
    base.trainable = False
    assert freezing.parameter_counts(base)["trainable"] == 0


def test_parameter_counts_needs_a_built_model():
    with pytest.raises(ValueError, match="not built"):
        freezing.parameter_counts(keras.Sequential([layers.Dense(3)]))


def test_unfreeze_from_unfreezes_the_top_of_a_base_frozen_as_a_whole():
    """Chapter 7 freezes the whole base for feature extraction, then fine-tunes its top layers:
    ``unfreeze_from`` must undo ``base.trainable = False`` for those layers (the lecture's loop,
    which the chapter runs and counts, did not)."""
    base = small_base()
    model = keras.Sequential([keras.Input(shape=(8, 8, 3)), base, layers.Flatten(), layers.Dense(1)])
    base.trainable = False
    head = freezing.parameter_counts(model)["trainable"]
    assert not base.get_layer("block2_conv1").trainable

    assert freezing.unfreeze_from(base, "block2_conv1") == ["block2_conv1", "block3_conv1"]
    flags = {layer.name: layer.trainable for layer in base.layers if not isinstance(layer, layers.InputLayer)}
    assert flags == {"block1_conv1": False, "block2_conv1": True, "block3_conv1": True}
    assert freezing.parameter_counts(model)["trainable"] == head + (3 * 3 * 4 + 1) * 4 + (3 * 3 * 4 + 1) * 2


def test_unfreeze_from_unknown_layer():
    with pytest.raises(ValueError, match="no layer 'block9_conv1'"):
        freezing.unfreeze_from(small_base(), "block9_conv1")
