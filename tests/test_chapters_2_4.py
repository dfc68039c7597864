"""Chapters 2–4 (IMDB, Reuters, Boston housing): their models, their data stand-ins, their hygiene.

The notebooks themselves re-execute under ``pytest --nbval-lax`` (smoke profile).
These tests check, fast and in isolation, the claims the chapters make: the
networks have the lecture's parameter counts, the IMDB grid search really
varies the hidden size, the Boston wrapper is a regressor, the generated
IMDB/Reuters stand-ins are learnable but not trivial, and the committed
notebooks carry no outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from lib import standins, text
from lib.data import keras_sequences

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = {name: CHAPTERS / f"{name}.ipynb" for name in ("02_imdb", "03_reuters", "04_boston_housing")}


def code_cells(name: str) -> list[str]:
    notebook = json.loads(NOTEBOOKS[name].read_text())
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def define(name: str, function: str, **namespace) -> dict:
    """Execute the one notebook cell that defines ``function`` and return its namespace."""
    cells = [source for source in code_cells(name) if f"def {function}(" in source]
    assert len(cells) == 1, f"{name} should define {function} in exactly one cell"
    namespace = {"keras": keras, "np": np, **namespace}
    exec(cells[0], namespace)
    return namespace


# ------------------------------------------------------------------ notebook hygiene
@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebooks_are_committed_without_outputs(name):
    notebook = json.loads(NOTEBOOKS[name].read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebooks_follow_the_book_conventions(name):
    source = "\n".join(code_cells(name))
    assert "profiles.settings({" in source and '"smoke"' in source and '"cpu"' in source
    assert "show_run_card(" in source and "seed_everything(SEED)" in source
    assert "import *" not in source and "filterwarnings" not in source
    assert "KerasClassifier" not in source and "keras.wrappers.scikit_learn" not in source
    assert "input_shape=" not in source and "lr=" not in source


# ------------------------------------------------------------------ chapter 2: IMDB
def test_imdb_network_has_the_lecture_parameter_count():
    namespace = define("02_imdb", "build_model", NUM_WORDS=10_000)
    assert namespace["build_model"]().count_params() == 160_305
    assert namespace["build_model"](hidden_layers=3, units=64).layers[2].units == 64


def test_imdb_grid_search_really_varies_the_hidden_size():
    make_classifier = define("02_imdb", "make_classifier")["make_classifier"]
    x, y = np.zeros((8, 100), dtype=np.uint8), np.zeros((8, 2))
    widths = {size: make_classifier(x, y, hidden_size=size).layers[0].units for size in (4, 32, 256)}
    assert widths == {4: 4, 32: 32, 256: 256}
    assert len(make_classifier(x, y, hidden_size=8, hidden_layers=3).layers) == 4
    grid_cell = next(source for source in code_cells("02_imdb") if "param_grid = {" in source)
    assert '"hidden_size": size' in grid_cell and '"epochs": epochs' in grid_cell


# ------------------------------------------------------------------ chapter 3: Reuters
def test_reuters_network_and_bottleneck():
    build_model = define("03_reuters", "build_model", NUM_WORDS=10_000, NUM_TOPICS=46)["build_model"]
    assert build_model().count_params() == 647_214
    bottleneck = build_model(bottleneck_units=4)
    assert [layer.units for layer in bottleneck.layers] == [64, 4, 46]
    assert bottleneck.layers[-1].activation.__name__ == "softmax"


# ------------------------------------------------------------------ chapter 4: Boston housing
def test_boston_network_is_a_linear_output_regressor():
    build_model = define("04_boston_housing", "build_model", x_train=np.zeros((4, 13), "float32"),
                         y_train=np.zeros(4, "float32"))["build_model"]
    model = build_model(np.zeros((4, 13)), np.zeros(4))
    assert model.count_params() == 5_121
    assert model.layers[-1].units == 1 and model.layers[-1].activation.__name__ == "linear"
    source = "\n".join(code_cells("04_boston_housing"))
    assert "SKLearnRegressor(build_model)" in source and "SKLearnClassifier" not in source
    assert "StandardScaler()" in source and "KFold(n_splits=K)" in source


# ------------------------------------------------------------------ stand-ins: learnable, not trivial
def _linear_accuracy(x_train, y_train, x_test, y_test) -> float:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(max_iter=300).fit(x_train, y_train)
    return float(model.score(x_test, y_test))


def test_imdb_standin_is_learnable_but_not_trivial():
    x_tr, y_tr, x_te, y_te, word_index = standins.imdb_like(3000, 1000)
    assert set(np.unique(y_tr)) == {0, 1} and len(x_tr) == 3000 and len(x_te) == 1000
    encode = lambda sequences: text.multi_hot(keras_sequences(sequences, 10_000), dtype=np.float32)  # noqa: E731
    accuracy = _linear_accuracy(encode(x_tr), y_tr, encode(x_te), y_te)
    assert 0.75 < accuracy < 0.92, accuracy  # 4% of the labels disagree with the words
    assert word_index["good"] > 100 and word_index["the"] == 1


def test_reuters_standin_is_learnable_but_not_trivial():
    x_tr, y_tr, x_te, y_te, _ = standins.reuters_like(4000, 1000)
    assert y_tr.min() == 0 and y_tr.max() == 45
    counts = np.bincount(y_tr, minlength=46)
    assert counts.argmax() == 3 and counts[3] / counts.sum() < 0.5     # imbalanced, like the real wires
    encode = lambda sequences: text.multi_hot(keras_sequences(sequences, 10_000), dtype=np.float32)  # noqa: E731
    accuracy = _linear_accuracy(encode(x_tr), y_tr, encode(x_te), y_te)
    assert counts[3] / counts.sum() + 0.2 < accuracy < 0.9, accuracy  # 10% of the labels are reassigned


def test_standins_are_reproducible():
    first = standins.imdb_like(50, 10)
    second = standins.imdb_like(50, 10)
    np.testing.assert_array_equal(first[1], second[1])
    assert all(np.array_equal(a, b) for a, b in zip(first[0], second[0]))
