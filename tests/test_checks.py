"""lib.checks: the reference computations of the exercises' hidden tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

from lib import checks

ROOT = Path(__file__).resolve().parents[1]


def small_model(last_activation):
    keras.utils.set_random_seed(3)
    return keras.Sequential(
        [
            keras.Input(shape=(6,)),
            keras.layers.Dense(5, activation="relu"),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(3, activation=last_activation),
        ]
    )


def test_dense_logits_is_what_the_model_puts_into_its_last_activation():
    inputs = np.random.default_rng(0).normal(size=(20, 6)).astype("float32")
    linear, softmax = small_model(None), small_model("softmax")
    logits = checks.dense_logits(linear, inputs, (6, 5, 4, 3))
    assert logits.dtype == np.float64 and logits.shape == (20, 3)
    np.testing.assert_allclose(logits, linear.predict(inputs, verbose=0), rtol=1e-4, atol=1e-5)
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(probabilities, softmax.predict(inputs, verbose=0), rtol=1e-4, atol=1e-6)
    in_float32 = checks.dense_logits(linear, inputs, (6, 5, 4, 3), dtype=np.float32)
    np.testing.assert_allclose(in_float32, logits, rtol=1e-5, atol=1e-5)


def test_dense_logits_names_the_network_it_expected():
    with pytest.raises(AssertionError, match="expected the 6-5-5-3 network"):
        checks.dense_logits(small_model(None), np.zeros((2, 6)), (6, 5, 5, 3))
    with_dropout = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dropout(0.5), keras.layers.Dense(2)])
    assert checks.dense_logits(with_dropout, np.ones((1, 6)), (6, 2)).shape == (1, 2)  # no weights, no matter


def test_libraries_run_by_sees_keras_but_not_numpy():
    values = np.array([[0.2, 0.8], [0.6, 0.4]])
    result, libraries = checks.libraries_run_by(np.sum, values, axis=1)
    np.testing.assert_allclose(result, [1.0, 1.0])
    assert libraries == []
    _, libraries = checks.libraries_run_by(lambda x: keras.ops.convert_to_numpy(keras.ops.softmax(x)), values)
    assert any("/keras/" in path for path in libraries)
    _, libraries = checks.libraries_run_by(lambda: checks.multi_hot([[1]], 3))  # the book's own lib counts
    assert any(path.endswith("checks.py") for path in libraries)


def test_libraries_run_by_reports_a_removed_profiler():
    previous = sys.getprofile()
    try:
        _, libraries = checks.libraries_run_by(sys.setprofile, None)
    finally:
        sys.setprofile(previous)
    assert "the profiler was removed" in libraries


def test_multi_hot_accuracy_and_cross_entropy():
    vectors = checks.multi_hot([[1, 3, 3], [], [0]], 4, dtype=np.uint8)
    assert vectors.dtype == np.uint8
    np.testing.assert_array_equal(vectors, [[0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]])
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 5.0], [1000.0, 0.0, 0.0]])
    labels = np.array([0, 1, 0])
    assert checks.accuracy(logits, labels) == pytest.approx(2 / 3)
    expected = keras.losses.sparse_categorical_crossentropy(labels[:2], logits[:2], from_logits=True)
    two = checks.cross_entropy_from_logits(logits[:2], labels[:2])
    assert two == pytest.approx(float(np.mean(keras.ops.convert_to_numpy(expected))), rel=1e-5)
    assert checks.cross_entropy_from_logits(logits[2:], labels[2:]) == pytest.approx(0.0)  # no overflow


def test_needs_prints_the_line_the_margins_tool_reads(capsys):
    assert checks.needs("test accuracy of model", np.float32(0.9), ">=", 0.88)
    assert not checks.needs("relative difference", 0.002, "<=", 1e-3)
    assert capsys.readouterr().out.splitlines() == [
        "test accuracy of model: 0.9000 (needs >= 0.88)",
        "relative difference: 0.0020 (needs <= 0.001)",
    ]
    with pytest.raises(ValueError):
        checks.needs("x", 1, ">", 0)


def test_fresh_data_and_a_reloaded_checks_undo_a_notebooks_patches():
    """In a process of its own: reloading lib's modules here would swap classes under other tests."""
    script = textwrap.dedent(
        """
        import importlib

        import lib.checks
        import lib.data
        import lib.standins

        lib.data.load_boston_housing = lambda source: "patched"
        lib.standins.imdb_like = lambda *args: "patched"
        lib.checks.accuracy = lambda scores, labels: 1.0
        checks = importlib.reload(lib.checks)
        assert checks.accuracy([[0.0, 1.0]], [0]) == 0.0
        data = checks.fresh_data()
        assert data is lib.data
        (train_x, train_y), (test_x, test_y) = data.load_boston_housing(source="offline")
        assert train_x.shape == (404, 13) and test_x.shape == (102, 13)
        assert lib.standins.imdb_like is not None and data.standins.imdb_like(20, 10)[0] is not None
        (x, y), = checks.offline_imdb_rows(("test", 5, 9))
        (_, _), (sequences, labels) = data.load_imdb(source="offline")
        assert x.dtype == np.uint8 and y.dtype == np.float32
        np.testing.assert_array_equal(x, checks.multi_hot(sequences[5:9], 10_000))
        np.testing.assert_array_equal(y, labels[5:9])
        print("ok")
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", "import numpy as np\n" + script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-3000:]
