"""Word-index sequences: decoding them to text and multi-hot encoding them (chapter 2).

Shared by the IMDB (2), Reuters (3) and regularization (5) chapters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import DTypeLike


def reverse_word_index(word_index: Mapping[str, int]) -> dict[int, str]:
    """Invert a Keras word index (word → rank) to rank → word."""
    if not word_index:
        raise ValueError("word_index is empty")
    return {rank: word for word, rank in word_index.items()}


def decode_sequence(
    sequence: Sequence[int], word_index: Mapping[str, int] | dict[int, str], index_from: int = 3, unknown: str = "?"
) -> str:
    """Turn an encoded review or newswire back into words.

    Keras shifts every rank by ``index_from`` (3) to make room for
    0 = padding, 1 = start and 2 = out-of-vocabulary; those markers, and any
    index missing from the index, decode to ``unknown`` ("?"), as in the deck.
    ``word_index`` may be the word → rank index or its inverse.
    """
    if isinstance(sequence, (str, bytes)):
        raise TypeError("sequence must be a list of word indices, not a string")
    reverse = (
        word_index
        if word_index and isinstance(next(iter(word_index)), (int, np.integer))
        else reverse_word_index(word_index)
    )
    words = []
    for index in sequence:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"word indices must be integers, got {index!r}")
        words.append(reverse.get(int(index) - index_from, unknown))
    return " ".join(words)


def multi_hot(sequences: Iterable[Sequence[int]], dimension: int = 10000, dtype: DTypeLike = np.float32) -> np.ndarray:
    """Encode sequences as a (n, dimension) 0/1 matrix: 1 where a word occurs.

    Unlike the deck's ``np.zeros(...)`` (float64), this allocates the result
    once in ``dtype`` (float32 by default: 25,000 × 10,000 is 1 GB instead of
    2 GB; use ``np.uint8`` for 250 MB) and fills it row by row, with no
    intermediate copies. An index outside ``[0, dimension)`` is an error, not a
    silent wrap-around; a non-numeric ``dtype`` or a sequence of non-integers
    is a ``TypeError``, and no sequences at all a ``ValueError``. Chapter 2
    writes the same lesson in sight as ``vectorize_sequences``; the tests check
    that the two agree.
    """
    if isinstance(dimension, bool) or not isinstance(dimension, (int, np.integer)) or dimension < 1:
        raise ValueError(f"dimension must be a positive integer, not {dimension!r}")
    target = np.dtype(dtype)
    if not (np.issubdtype(target, np.number) or target == np.bool_):
        raise TypeError(f"dtype must be numeric or bool (e.g. np.float32, np.uint8), not {target}")
    if isinstance(sequences, (str, bytes)):
        raise TypeError("sequences must be a list of word-index sequences, not a string")
    sequences = list(sequences)
    if not sequences:
        raise ValueError("no sequences to encode")
    result = np.zeros((len(sequences), dimension), dtype=dtype)
    for row, sequence in enumerate(sequences):
        indices = np.asarray(sequence)
        if indices.ndim != 1:
            raise TypeError(
                f"sequence {row} is not a 1-D list of word indices (shape {indices.shape}); "
                "to encode a single review, pass [review]"
            )
        if indices.size == 0:
            continue
        if not np.issubdtype(indices.dtype, np.integer):
            raise TypeError(f"sequence {row} holds non-integer values ({indices.dtype})")
        if indices.min() < 0 or indices.max() >= dimension:
            bad = int(indices.max()) if indices.max() >= dimension else int(indices.min())
            raise IndexError(
                f"sequence {row} has word index {bad} outside [0, {dimension}); "
                f"load the data with num_words={dimension}"
            )
        result[row, indices] = 1
    return result
