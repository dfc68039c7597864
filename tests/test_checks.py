"""lib.checks: the reference computations of the exercises' hidden tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
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


# ------------------------------------------------------------------ the grader's instruments
def tiny_data():
    rng = np.random.default_rng(1)
    inputs = rng.random((48, 6)).astype("float32")
    return inputs, (inputs.sum(axis=1) > 3).astype("float32")


def sequential_model():
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])


def functional_model():
    inputs = keras.Input((6,))
    return keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Dense(4, activation="relu")(inputs)))


class SubclassedModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden, self.out = keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


@pytest.mark.parametrize("build", [sequential_model, functional_model, SubclassedModel])
def test_call_student_and_predict_accept_every_style_of_model(build):
    inputs, targets = tiny_data()

    def train():
        model = build()
        model.compile(optimizer="sgd", loss="mse")
        model.fit(inputs, targets, epochs=1, batch_size=16, verbose=0)
        model.evaluate(inputs, targets, verbose=0)
        return model

    model = checks.call_student(train)
    outputs = checks.predict(model, inputs)
    assert outputs.shape == (48, 1) and outputs.dtype == np.float64
    np.testing.assert_allclose(outputs, model(inputs).numpy(), rtol=1e-5, atol=1e-6)


def test_call_student_puts_back_a_replaced_keras_method_and_fails():
    genuine = keras.Model.evaluate

    def patch():
        keras.Model.evaluate = lambda self, *args, **kwargs: [0.0, 1.0]

    with pytest.raises(AssertionError, match="Model.evaluate"):
        checks.call_student(patch)
    assert keras.Model.evaluate is genuine and "evaluate" not in vars(keras.Model)


def test_call_student_fails_a_peek_at_other_stacks_and_a_thread_left_running():
    with pytest.raises(AssertionError, match="other stacks"):
        checks.call_student(lambda: sys._current_frames())
    release = threading.Event()
    with pytest.raises(AssertionError, match="thread"):
        checks.call_student(lambda: threading.Thread(target=release.wait, daemon=True).start())
    release.set()


def test_call_student_hides_the_callers_stack_and_passes_on_errors():
    secret = object()  # noqa: F841 -- what a student must not find on the stack

    def look_up_the_stack():
        frame, names = sys._getframe(), set()
        while frame is not None:
            names.update(frame.f_locals)
            frame = frame.f_back
        return names

    assert "secret" not in checks.call_student(look_up_the_stack)
    with pytest.raises(ZeroDivisionError):
        checks.call_student(lambda: 1 / 0)


def test_predict_refuses_a_model_that_measures_itself():
    inputs, _ = tiny_data()
    model = sequential_model()
    model.predict = lambda *args, **kwargs: np.zeros((48, 1))
    with pytest.raises(AssertionError, match="its own predict"):
        checks.predict(model, inputs)

    class Flattering(SubclassedModel):
        def predict(self, *args, **kwargs):
            return np.zeros((48, 1))

    with pytest.raises(AssertionError, match="defines its own predict"):
        checks.predict(Flattering(), inputs)
    genuine = vars(keras.Model).get("predict")

    def forged(self, *args, **kwargs):
        return np.zeros((48, 1))

    forged.__qualname__ = "TensorFlowTrainer.predict"
    keras.Model.predict = forged
    try:
        with pytest.raises(AssertionError, match="Model.predict was replaced"):
            checks.predict(sequential_model(), inputs)
    finally:
        del keras.Model.predict
    assert vars(keras.Model).get("predict") is genuine


def test_libraries_run_by_follows_work_moved_to_a_thread():
    def in_a_thread(y_true, y_pred):
        box = {}
        worker = threading.Thread(target=lambda: box.update(loss=keras.losses.categorical_crossentropy(y_true, y_pred)))
        worker.start()
        worker.join()
        return float(np.mean(box["loss"]))

    _, found = checks.libraries_run_by(in_a_thread, np.eye(3), np.full((3, 3), 1 / 3))
    assert any("keras" in name for name in found)
    assert any(name.startswith("started a thread") for name in found)


def test_grading_rng_draws_differ_and_refuse_a_replaced_urandom(monkeypatch):
    first, second = checks.grading_rng().integers(0, 2**62, 4), checks.grading_rng().integers(0, 2**62, 4)
    assert not np.array_equal(first, second)
    monkeypatch.setattr(checks.os, "urandom", lambda n: bytes(n))
    with pytest.raises(AssertionError, match="urandom"):
        checks.grading_rng()
