"""lib.batching.ArrayBatches: feeding a large array to Keras batch by batch (chapters 2, 3 and 5)."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import keras
import numpy as np
import pytest

from lib.batching import ArrayBatches


def test_batches_cover_every_row_once_in_order():
    x = np.arange(20, dtype=np.uint8).reshape(10, 2)
    y = np.arange(10)
    batches = ArrayBatches(x, y, batch_size=4)
    assert len(batches) == 3
    inputs, targets = batches[2]  # the last batch is smaller
    np.testing.assert_array_equal(targets, [8, 9])
    assert inputs.dtype == np.float32 and inputs.shape == (2, 2)
    np.testing.assert_array_equal(np.concatenate([batches[i][1] for i in range(3)]), y)


def test_inputs_only_for_predict():
    batches = ArrayBatches(np.ones((5, 3)), batch_size=2)
    assert isinstance(batches[0], np.ndarray) and batches[0].shape == (2, 3)


def test_shuffle_reorders_every_epoch_reproducibly():
    x, y = np.zeros((50, 1)), np.arange(50)

    def epoch(batches):
        return np.concatenate([batches[i][1] for i in range(len(batches))])

    first = ArrayBatches(x, y, batch_size=8, shuffle=True, seed=3)
    order_1 = epoch(first)
    first.on_epoch_end()
    order_2 = epoch(first)
    assert sorted(order_1) == sorted(order_2) == list(range(50))
    assert not np.array_equal(order_1, order_2)
    assert not np.array_equal(order_1, y)
    np.testing.assert_array_equal(epoch(ArrayBatches(x, y, batch_size=8, shuffle=True, seed=3)), order_1)


def test_unseeded_shuffle_follows_numpy_global_seed():
    x, y = np.zeros((30, 1)), np.arange(30)
    np.random.seed(0)
    a = ArrayBatches(x, y, batch_size=30, shuffle=True)[0][1]
    np.random.seed(0)
    b = ArrayBatches(x, y, batch_size=30, shuffle=True)[0][1]
    np.testing.assert_array_equal(a, b)


def test_a_batch_does_not_copy_the_whole_array():
    x = np.zeros((20000, 1000), dtype=np.uint8)  # 20 MB
    batches = ArrayBatches(x, np.zeros(20000), batch_size=100)
    tracemalloc.start()
    batches[7]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 2_000_000, f"one batch of 100 rows allocated {peak / 1e6:.1f} MB"


def test_keras_trains_evaluates_and_predicts_from_batches():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).integers(0, 2, size=(256, 20), dtype=np.uint8)
    y = (x[:, 0] == 1).astype("float32")  # label = first feature
    model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(ArrayBatches(x, y, batch_size=32, shuffle=True, seed=0), epochs=15, verbose=0)
    assert len(history.history["loss"]) == 15
    _, accuracy = model.evaluate(ArrayBatches(x, y, batch_size=64), verbose=0)
    assert accuracy > 0.95
    assert model.predict(ArrayBatches(x, batch_size=100), verbose=0).shape == (256, 1)


def test_release_lets_the_array_go_although_tensorflow_keeps_the_dataset():
    """The memory claim of chapters 2 and 5: after Keras has read from batches, TensorFlow holds
    them, so deleting the array's name frees nothing until the batches are released."""
    model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    x = np.zeros((64, 20), dtype=np.uint8)
    gone = weakref.ref(x)
    batches = ArrayBatches(x, batch_size=16)
    model.predict(batches, verbose=0)
    kept = weakref.ref(batches)
    del x, batches  # no name of ours refers to either any more
    gc.collect()
    assert kept() is not None and gone() is not None, (
        "TensorFlow let the dataset go: chapters 2 and 5 need release() no longer"
    )
    batches = kept()
    batches.release()
    gc.collect()
    assert gone() is None
    with pytest.raises(RuntimeError, match="released"):
        len(batches)


def test_bad_input_is_reported_clearly():
    with pytest.raises(TypeError, match="NumPy array"):
        ArrayBatches([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="non-empty"):
        ArrayBatches(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="2-D"):
        ArrayBatches(np.zeros(5))
    with pytest.raises(TypeError, match="numbers"):
        ArrayBatches(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="3 rows but y has 2"):
        ArrayBatches(np.zeros((3, 2)), np.zeros(2))
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="batch_size"):
            ArrayBatches(np.zeros((3, 2)), batch_size=bad)
    with pytest.raises(IndexError, match="out of range"):
        ArrayBatches(np.zeros((3, 2)), batch_size=2)[2]
