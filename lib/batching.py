"""Feeding a large in-memory array to Keras one batch at a time (introduced in chapter 2).

Given a NumPy array, ``model.fit`` first copies the whole array into a
TensorFlow tensor and builds a data pipeline around it. For the 25,000 × 10,000
multi-hot IMDB matrix that copy is another 250 MB (uint8), and the memory is
not all handed back afterwards, so a few ``fit``/``evaluate`` calls push a
2 GB Binder session over its limit. :class:`ArrayBatches` serves the rows
batch by batch instead; only one batch at a time is converted. Chapters 2, 3 and 5
use it.

TensorFlow keeps every ``PyDataset`` that Keras has read from alive until the process ends
(Keras reads a ``PyDataset`` through ``tf.data.Dataset.from_generator``, whose generator
TensorFlow never lets go of), so deleting the last name of an array an ``ArrayBatches``
serves does not free it: :meth:`ArrayBatches.release` drops the batches' own references
first.
"""

from __future__ import annotations

import keras
import numpy as np


class ArrayBatches(keras.utils.PyDataset):
    """Batches of rows of ``x`` (and ``y``) for ``fit``, ``evaluate`` and ``predict`` (chapter 2).

    ``x`` and ``y`` are indexed, never copied whole; each batch is converted to
    ``dtype`` (float32) on its way to the model. With ``shuffle=True`` the rows
    are visited in a new random order every epoch (seeded: ``seed``, or a draw
    from NumPy's global generator, which ``seed_everything`` seeds). Without
    ``y``, batches hold inputs only, as ``predict`` expects.
    """

    def __init__(
        self, x, y=None, batch_size: int = 32, shuffle: bool = False, seed: int | None = None, dtype: str = "float32"
    ):
        super().__init__()
        if not isinstance(x, np.ndarray):
            raise TypeError(f"x must be a NumPy array, not {type(x).__name__}")
        if x.ndim < 2 or len(x) == 0:
            raise ValueError(f"x must be a non-empty array of rows (2-D or more), got shape {x.shape}")
        if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
            raise TypeError(f"x must hold numbers, got dtype {x.dtype}")
        if y is not None:
            y = np.asarray(y)
            if len(y) != len(x):
                raise ValueError(f"x has {len(x)} rows but y has {len(y)}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")
        self.x, self.y, self.batch_size, self.shuffle, self.dtype = x, y, int(batch_size), bool(shuffle), dtype
        self._rng = np.random.default_rng(seed if seed is not None else np.random.randint(2**31))
        self._order = self._rng.permutation(len(x)) if self.shuffle else np.arange(len(x))

    def __len__(self) -> int:
        if self.x is None:
            raise RuntimeError("these batches were released (ArrayBatches.release)")
        return -(-len(self.x) // self.batch_size)  # ceiling division: a last, smaller batch

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} out of range (0 to {len(self) - 1})")
        # Sorted row numbers make the gather from a large array faster; order within a batch does not matter.
        rows = np.sort(self._order[index * self.batch_size : (index + 1) * self.batch_size])
        inputs = self.x[rows].astype(self.dtype)
        return inputs if self.y is None else (inputs, self.y[rows])

    def release(self) -> None:
        """Let go of ``x`` and ``y``, so their memory is freed once no other name refers to them.

        Needed because TensorFlow holds on to every ``PyDataset`` Keras has read from (see the
        module's docstring): ``del x`` alone frees nothing while an ``ArrayBatches`` used in
        ``fit``, ``evaluate`` or ``predict`` still refers to ``x``. The batches cannot be
        used afterwards.
        """
        self.x = self.y = None
        self._order = np.arange(0)

    def on_epoch_end(self) -> None:
        if self.shuffle and self.x is not None:
            self._order = self._rng.permutation(len(self.x))
