"""Reference computations for the exercises' hidden tests.

A hidden test must not trust anything the notebook could have changed: not its variables, not
the data loaders, not a helper the notebook could have patched. So every hidden test that
needs a reference starts with

    import importlib

    import lib.checks

    checks = importlib.reload(lib.checks)

which runs this file again from disk (the grader puts the genuine ``importlib.reload`` back
before every test cell, see ``grading/kernel_startup.py``), and takes its data and reference
numbers from the functions here: :func:`fresh_data` reloads the loaders as well, and
:func:`dense_logits` computes a network's output in NumPy from the model's own weights.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

#: What a "by hand" answer may not run: the deep-learning and scientific libraries, and the
#: book's own ``lib`` (whose helpers do the exercise's work).
RULED_OUT = ("keras", "tensorflow", "tf_keras", "jax", "torch", "sklearn", "scipy", "lib")

#: The modules the data loaders read through, each after those it imports.
DATA_MODULES = ("lib.sources", "lib.standins", "lib.text", "lib.data")


def fresh_data() -> ModuleType:
    """``lib.data`` and the modules it reads through, reloaded from disk; returns the fresh ``lib.data``.

    Whatever a notebook replaced in them (a loader, a generator, a parser) is defined anew.
    """
    for name in DATA_MODULES:
        importlib.reload(importlib.import_module(name))
    return sys.modules["lib.data"]


def offline_imdb_rows(*rows: tuple[str, int, int], num_words: int = 10_000) -> list[tuple[np.ndarray, np.ndarray]]:
    """Reviews of the offline IMDB stand-in, multi-hot encoded (uint8), with their float32 labels.

    Each of ``rows`` is ``(split, start, stop)`` with ``split`` ``"train"`` or ``"test"``: the
    reviews ``start:stop`` of what ``lib.data.load_imdb(num_words, source="offline")`` returns.
    Rebuilt from freshly reloaded modules the way ``load_imdb`` builds them (the stand-in of
    25,000 + 25,000 reviews put into Keras's format), but only for the rows asked for, which
    takes less memory than loading all 50,000 reviews.
    """
    data = fresh_data()
    train, train_labels, test, test_labels, _ = data.standins.imdb_like(25_000, 25_000)
    splits = {"train": (train, train_labels), "test": (test, test_labels)}
    found = []
    for split, start, stop in rows:
        reviews, labels = splits[split]
        vectors = multi_hot(data.keras_sequences(reviews[start:stop], num_words), num_words, dtype=np.uint8)
        found.append((vectors, np.asarray(labels[start:stop], dtype=np.float32)))
    return found


def multi_hot(sequences: Sequence[Sequence[int]], dimension: int, dtype: Any = np.float32) -> np.ndarray:
    """Row ``i`` holds 1 at every index in ``sequences[i]`` and 0 elsewhere.

    Written independently of ``lib.text.multi_hot``, so that a test can hold a student's
    encoder (or ``lib.text``) against it.
    """
    vectors = np.zeros((len(sequences), dimension), dtype=dtype)
    for row, sequence in enumerate(sequences):
        vectors[row, np.asarray(sequence, dtype=int)] = 1
    return vectors


def libraries_run_by(function: Callable, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call ``function(*args, **kwargs)``; return its result and the files of :data:`RULED_OUT` libraries it ran.

    A profiler notes every Python function called meanwhile, so the libraries are found
    however they are reached (an alias, a wrapper, a module imported inside the function).
    A function that removes the profiler is reported too.
    """
    roots = []
    for name in RULED_OUT:
        spec = importlib.util.find_spec(name)
        for path in (spec.submodule_search_locations or []) if spec else []:
            roots += [os.path.join(path, ""), os.path.join(os.path.realpath(path), "")]
    roots, seen = tuple(roots), set()

    def watcher(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(roots):
            seen.add(frame.f_code.co_filename)

    previous = sys.getprofile()
    sys.setprofile(watcher)
    try:
        result = function(*args, **kwargs)
    finally:
        untouched = sys.getprofile() is watcher
        sys.setprofile(previous)
    if not untouched:
        seen.add("the profiler was removed")
    return result, sorted(seen)


def dense_logits(model: Any, inputs: Any, sizes: Sequence[int], dtype: Any = np.float64) -> np.ndarray:
    """What a stack of dense ReLU layers puts into its last activation, computed in NumPy from its weights.

    ``sizes`` are the widths from the input to the output, e.g. ``(784, 512, 10)``: the model's
    weights (kernel, bias, kernel, bias, ...) must have exactly the shapes of that network, or
    an ``AssertionError`` says which network was expected. ReLU follows every layer but the
    last. Computed in ``dtype`` (float32 follows Keras's own arithmetic, float64 is exact);
    returns float64, one column per output unit.
    """
    expected = [shape for fan_in, fan_out in zip(sizes, sizes[1:]) for shape in ((fan_in, fan_out), (fan_out,))]
    weights = [np.asarray(weight, dtype=dtype) for weight in model.weights]
    found = [weight.shape for weight in weights]
    network = "-".join(str(size) for size in sizes)
    if found != expected:
        raise AssertionError(f"expected the {network} network of the task, found weights of shapes {found}")
    outputs = np.asarray(inputs, dtype=dtype)
    for layer in range(0, len(weights), 2):
        if layer:
            outputs = np.maximum(outputs, 0)
        outputs = outputs @ weights[layer] + weights[layer + 1]
    return outputs.astype(np.float64)


def accuracy(scores: np.ndarray, labels: Sequence[int]) -> float:
    """Share of rows whose highest score (logit or probability) is at the integer label."""
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(labels)))


def cross_entropy_from_logits(logits: np.ndarray, labels: Sequence[int]) -> float:
    """Mean softmax cross-entropy of integer labels, from logits (shifted, so large logits do not overflow)."""
    shifted = np.asarray(logits, dtype=np.float64)
    shifted = shifted - shifted.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probabilities[np.arange(len(shifted)), np.asarray(labels)].mean())


def needs(label: str, value: float, op: str, bar: float) -> bool:
    """Print ``label: value (needs op bar)`` and return whether ``value`` meets the bar.

    ``op`` is ``">="`` or ``"<="``. The printed line is the one the task announces and that
    ``tools/exercise_margins.py`` reads.
    """
    if op not in (">=", "<="):
        raise ValueError(f"op must be '>=' or '<=', not {op!r}")
    value = float(value)
    print(f"{label}: {value:.4f} (needs {op} {bar})")
    return value >= bar if op == ">=" else value <= bar
