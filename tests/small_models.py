"""A tiny convolutional base shared by the tests of :mod:`lib.freezing` and :mod:`lib.vision`.

Three named ``Conv2D`` layers on 8×8×3 inputs, named as VGG16 names its blocks, so the
tests can freeze, unfreeze and read feature maps by layer name in milliseconds.
"""

from __future__ import annotations

import keras
from keras import layers


def small_base() -> keras.Model:
    """``block1_conv1`` (4 filters) → ``block2_conv1`` (4) → ``block3_conv1`` (2), 3×3 kernels, no padding."""
    inputs = keras.Input(shape=(8, 8, 3))
    x = layers.Conv2D(4, 3, name="block1_conv1")(inputs)
    x = layers.Conv2D(4, 3, name="block2_conv1")(x)
    x = layers.Conv2D(2, 3, name="block3_conv1")(x)
    return keras.Model(inputs, x, name="base")
