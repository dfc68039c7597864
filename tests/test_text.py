"""lib.text: decoding word indices and multi-hot vectorization (chapters 2, 3 and 5)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from lib import text

WORD_INDEX = {"the": 1, "film": 2, "was": 3, "brilliant": 4}


# ------------------------------------------------------------------ decoding
def test_reverse_word_index_inverts_ranks():
    assert text.reverse_word_index(WORD_INDEX) == {1: "the", 2: "film", 3: "was", 4: "brilliant"}


def test_reverse_word_index_rejects_empty_index():
    with pytest.raises(ValueError, match="empty"):
        text.reverse_word_index({})


def test_decode_sequence_applies_keras_offset_and_markers():
    # Keras: 1 = start, 2 = out-of-vocabulary, ranks shifted by 3.
    encoded = [1, 3 + 1, 3 + 2, 2, 3 + 3, 3 + 4]
    assert text.decode_sequence(encoded, WORD_INDEX) == "? the film ? was brilliant"


def test_decode_sequence_accepts_reverse_index_and_numpy_integers():
    reverse = text.reverse_word_index(WORD_INDEX)
    encoded = np.array([3 + 4, 3 + 2], dtype=np.int32)
    assert text.decode_sequence(encoded, reverse) == "brilliant film"
    assert text.decode_sequence([4, 9], WORD_INDEX, index_from=0, unknown="<unk>") == "brilliant <unk>"


@pytest.mark.parametrize("bad", ["the film", [1, 2.5], [True, 4]])
def test_decode_sequence_rejects_non_integer_input(bad):
    with pytest.raises(TypeError):
        text.decode_sequence(bad, WORD_INDEX)


# ------------------------------------------------------------------ multi-hot
def test_multi_hot_marks_each_word_once():
    encoded = text.multi_hot([[1, 3, 3, 5], [], [0]], dimension=6)
    np.testing.assert_array_equal(encoded, [[0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0]])
    assert encoded.dtype == np.float32 and encoded.shape == (3, 6)


def test_multi_hot_keeps_requested_dtype_and_accepts_keras_object_arrays():
    sequences = np.empty(2, dtype=object)
    sequences[0], sequences[1] = [1, 2], [4]
    encoded = text.multi_hot(sequences, dimension=5, dtype=np.uint8)
    assert encoded.dtype == np.uint8
    np.testing.assert_array_equal(encoded.sum(axis=1), [2, 1])
    assert text.multi_hot([[2]], dimension=3, dtype=bool).tolist() == [[False, False, True]]


@pytest.mark.parametrize("index", [10, -1])
def test_multi_hot_rejects_index_outside_vocabulary(index):
    with pytest.raises(IndexError, match=r"outside \[0, 10\)"):
        text.multi_hot([[1, 2], [3, index]], dimension=10)


def test_multi_hot_rejects_wrong_dtypes():
    with pytest.raises(TypeError, match="non-integer"):
        text.multi_hot([[1.0, 2.0]], dimension=10)
    with pytest.raises(TypeError, match="dtype must be numeric"):
        text.multi_hot([[1, 2]], dimension=10, dtype=str)
    with pytest.raises(TypeError, match="not a string"):
        text.multi_hot("1 2 3", dimension=10)


def test_multi_hot_rejects_a_single_flat_review():
    with pytest.raises(TypeError, match=r"pass \[review\]"):
        text.multi_hot([1, 4, 2], dimension=10)


@pytest.mark.parametrize("dimension", [0, -3, 2.5, True])
def test_multi_hot_rejects_bad_dimension(dimension):
    with pytest.raises(ValueError, match="dimension"):
        text.multi_hot([[1]], dimension=dimension)


def test_multi_hot_rejects_empty_input():
    with pytest.raises(ValueError, match="no sequences"):
        text.multi_hot([], dimension=10)
    with pytest.raises(ValueError, match="no sequences"):
        text.multi_hot(iter([]), dimension=10)


def test_multi_hot_peak_memory_is_the_result_only():
    # 2,000 reviews × 10,000 words: the deck's float64 would allocate 160 MB; uint8 needs 20 MB.
    rng = np.random.default_rng(0)
    sequences = [rng.integers(0, 10000, size=200).tolist() for _ in range(2000)]
    tracemalloc.start()
    encoded = text.multi_hot(sequences, dimension=10000, dtype=np.uint8)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert encoded.nbytes == 2000 * 10000
    assert peak < 1.1 * encoded.nbytes, f"peak {peak / 1e6:.1f} MB for a {encoded.nbytes / 1e6:.1f} MB result"
