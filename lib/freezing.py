"""Freezing a convolutional base and unfreezing its top layers for fine-tuning (chapter 7).

Chapter 7 writes the unfreeze loop in sight; :func:`unfreeze_from` is the tested
version, and :func:`parameter_counts` the check that a loop really changed what
trains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras


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
