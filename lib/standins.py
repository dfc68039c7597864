"""Generated stand-ins in the real data formats, for when the real data is out of reach.

Used by :mod:`lib.data` (chapter 1 onwards) only when neither the real source
nor a package shipping the real data is available. Every stand-in has the
real dataset's format and conventions and a class signal a model can learn,
so every line of a chapter runs; the numbers it produces are *not* the real
results, and :class:`lib.sources.Provenance` says so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Words for readable decoded text. Indexes follow frequency rank, as in Keras's
# word indexes (1 = most frequent word); rarer ranks get placeholder words.
_COMMON = (
    "the and a of to is in it i this that was as with for but film movie on not you are his have he be one "
    "all at they by an who so from like her just about out if has what some there can more when very up no "
    "time even she my would which story only really see their had we were me well than much get been also "
    "people will other do because how first into great most its made make way could too any after then them"
).split()
_POSITIVE = "good best love excellent wonderful beautiful perfect brilliant enjoyed favorite amazing superb".split()
_NEGATIVE = "bad worst awful boring waste terrible poor stupid horrible dull mess disappointing".split()
_NEWS = (
    "said mln dlrs pct year company shares net quarter loss profit sales bank oil trade market prices "
    "billion stock reuter inc corp rate tonnes government exchange week month dividend offer group"
).split()


def synthetic_word_index(vocabulary_size: int, special_words: list[str], special_rank: int = 400) -> dict[str, int]:
    """A word → rank index in Keras's convention (ranks start at 1).

    Common function words take the top ranks, ``special_words`` (the class
    signal) start at ``special_rank`` so they are not swamped by frequent
    noise, and the remaining ranks get placeholder words ``w<rank>``.
    """
    words = list(dict.fromkeys(_COMMON))
    words += [f"w{rank}" for rank in range(len(words) + 1, special_rank)]
    words += [w for w in dict.fromkeys(special_words) if w not in words]
    words += [f"w{rank}" for rank in range(len(words) + 1, vocabulary_size + 1)]
    return {word: rank for rank, word in enumerate(words[:vocabulary_size], start=1)}


def _zipf_probabilities(size: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1)
    return weights / weights.sum()


def _topic_sequences(
    rng: np.random.Generator,
    labels: np.ndarray,
    topic_words: np.ndarray,
    vocabulary_size: int,
    mean_length: int,
    signal: float,
) -> list[np.ndarray]:
    """Word-rank sequences (before Keras's offset) whose topic words depend on the label.

    The sequences are views into one flat int64 array rather than Python lists:
    50,000 reviews of ~260 words as lists of Python ints would cost several
    hundred MB more at peak, which a 2 GB Binder session cannot spare.
    """
    background = _zipf_probabilities(vocabulary_size)
    lengths = np.clip(rng.lognormal(np.log(mean_length), 0.5, size=len(labels)).astype(int), 10, 6 * mean_length)
    # Draw every word of every document at once (fast), then plant topic words.
    words = rng.choice(vocabulary_size, size=int(lengths.sum()), p=background) + 1
    owner = np.repeat(np.arange(len(labels)), lengths)
    planted = np.flatnonzero(rng.random(words.size) < signal)
    for label in np.unique(labels):
        here = planted[labels[owner[planted]] == label]
        words[here] = rng.choice(topic_words[label], size=here.size)
    return np.split(words, np.cumsum(lengths)[:-1])


#: Share of documents whose label disagrees with their words, as real labels sometimes do
#: (sarcasm, mixed reviews, ambiguous newswires). It caps the accuracy below 100% and gives
#: a network wrong labels to memorize, so validation curves show overfitting as on the
#: real data (tuned so the chapter-2 and chapter-3 networks land near the deck's numbers).
IMDB_LABEL_NOISE = 0.04
REUTERS_LABEL_NOISE = 0.10


def imdb_like(
    n_train: int, n_test: int, vocabulary_size: int = 20000, seed: int = 113
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """IMDB-format stand-in: sentiment-labelled rank sequences and a word index (chapter 2).

    Returns ``(train_sequences, train_labels, test_sequences, test_labels, word_index)``
    with raw word ranks (no start marker, no offset: :mod:`lib.data` applies
    Keras's conventions exactly as for the real file). Sentiment words are
    planted in Zipf-distributed noise and 4% of labels disagree with the words,
    so the 16-16-1 network of chapter 2 peaks near 0.89 validation accuracy
    after a few epochs and then overfits, as on the real reviews.
    """
    rng = np.random.default_rng(seed)
    word_index = synthetic_word_index(vocabulary_size, _POSITIVE + _NEGATIVE)
    positive = np.array([word_index[w] for w in _POSITIVE] + list(range(1000, 1300, 5)))
    negative = np.array([word_index[w] for w in _NEGATIVE] + list(range(1002, 1302, 5)))
    topic_words = np.array([negative, positive], dtype=object)
    content = rng.integers(0, 2, size=n_train + n_test)
    # A weak signal, so accuracy lands below 100% and overfitting can show.
    sequences = _topic_sequences(rng, content, topic_words, vocabulary_size, mean_length=230, signal=0.02)
    labels = np.where(rng.random(content.size) < IMDB_LABEL_NOISE, 1 - content, content)
    return sequences[:n_train], labels[:n_train], sequences[n_train:], labels[n_train:], word_index


def reuters_like(
    n_train: int, n_test: int, vocabulary_size: int = 30000, n_topics: int = 46, seed: int = 113
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Reuters-format stand-in: 46 unevenly frequent topics with topic words, and a word index (chapter 3).

    Topics draw their 25 topic words from one shared pool of 400, so topics
    overlap, and 10% of the labels are reassigned at random: the 64-64-46
    network of chapter 3 reaches about 0.75 and overfits after ~10 epochs, and
    a 4-unit bottleneck costs it dearly, as on the real newswires.
    """
    rng = np.random.default_rng(seed)
    word_index = synthetic_word_index(vocabulary_size, _NEWS)
    # Real Reuters is dominated by topics 3 and 4; mimic that imbalance.
    frequency = np.full(n_topics, 1.0)
    frequency[3], frequency[4], frequency[19], frequency[1] = 40.0, 25.0, 6.0, 5.0
    frequency /= frequency.sum()
    content = rng.choice(n_topics, size=n_train + n_test, p=frequency)
    pool = rng.choice(np.arange(200, 9000), size=400, replace=False)
    topic_words = np.empty(n_topics, dtype=object)
    for topic in range(n_topics):
        topic_words[topic] = rng.choice(pool, size=25, replace=False)
    sequences = _topic_sequences(rng, content, topic_words, vocabulary_size, mean_length=140, signal=0.065)
    relabelled = rng.random(content.size) < REUTERS_LABEL_NOISE
    labels = np.where(relabelled, rng.choice(n_topics, size=content.size, p=frequency), content)
    return sequences[:n_train], labels[:n_train], sequences[n_train:], labels[n_train:], word_index


def image_classes_like(n: int, n_classes: int = 10, size: int = 28, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Grayscale uint8 images whose class sets the position/orientation of a bar, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, size=n)
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1) - 0.5
    images = np.empty((n, size, size), dtype=np.uint8)
    for i, label in enumerate(labels):
        angle = np.pi * label / n_classes + rng.normal(0, 0.08)
        distance = np.abs(np.cos(angle) * xx + np.sin(angle) * yy)
        canvas = np.exp(-((distance / 0.08) ** 2)) + rng.normal(0, 0.15, (size, size))
        images[i] = np.clip(canvas * 255, 0, 255).astype(np.uint8)
    return images, labels.astype(np.uint8)


def write_pet_images(directory: Path, label: str, count: int, start: int, seed: int, size: int = 150) -> None:
    """Write ``count`` generated JPEGs named like the real archive (``cat.1000.jpg``).

    Cats are warm, striped textures; dogs cooler, spotted ones, so a classifier
    can separate them without pretrained features.
    """
    from PIL import Image

    rng = np.random.default_rng(seed)
    directory.mkdir(parents=True, exist_ok=True)
    yy, xx = np.mgrid[0:size, 0:size] / size
    for index in range(start, start + count):
        frequency = rng.uniform(6, 14)
        phase = rng.uniform(0, 2 * np.pi)
        if label == "cat":
            pattern = np.sin(2 * np.pi * frequency * (xx + 0.3 * yy) + phase)
            base = np.array([200, 140, 80])
        else:
            pattern = np.sin(2 * np.pi * frequency * xx + phase) * np.sin(2 * np.pi * frequency * yy)
            base = np.array([90, 110, 160])
        tint = base + rng.normal(0, 25, 3)
        pixels = tint[None, None, :] + 50 * pattern[:, :, None] + rng.normal(0, 20, (size, size, 3))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        image.save(directory / f"{label}.{index}.jpg", quality=85)
