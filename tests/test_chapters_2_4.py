"""Chapters 2–4 (IMDB, Reuters, Boston housing): the code they teach, checked against ``lib`` and the claims they make.

The notebooks themselves re-execute under ``pytest --nbval-lax`` (smoke profile).
These tests take the functions each chapter writes in sight (through
``tests/chapter_code.py``) and check, fast and in isolation, that they do what the
text says: the chapter's multi-hot vectorizer and k-fold splits agree with the
tested versions in ``lib``, the networks have the lecture's parameter counts, the
grid search's hidden size reaches the network, Keras's ``Normalization`` layer
standardizes like the manual lines, and the k-fold loop normalizes each fold with
its own training statistics. The generated IMDB/Reuters stand-ins are learnable but
not trivial.
"""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import keras
import numpy as np
import pytest

from lib import data, standins, text
from lib.data import keras_sequences
from lib.evaluation import k_fold_splits
from tests.chapter_code import chapter_namespace

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NAMES = ("02_imdb", "03_reuters", "04_boston_housing")


@pytest.fixture(scope="module")
def imdb():
    return chapter_namespace("02_imdb")


@pytest.fixture(scope="module")
def reuters():
    return chapter_namespace("03_reuters")


@pytest.fixture(scope="module")
def boston():
    return chapter_namespace("04_boston_housing")


def _standin_reviews(n_train: int = 300, n_test: int = 50):
    x_train, y_train, x_test, y_test, word_index = standins.imdb_like(n_train, n_test)
    return keras_sequences(x_train, 10_000), y_train, keras_sequences(x_test, 10_000)


# ------------------------------------------------------------------ notebook hygiene
@pytest.mark.parametrize("name", NAMES)
def test_notebooks_are_committed_without_outputs(name):
    notebook = json.loads((CHAPTERS / f"{name}.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_in_sync_with_its_text_source(name):
    source = jupytext.read(CHAPTERS / f"{name}.py")
    notebook = jupytext.read(CHAPTERS / f"{name}.ipynb")
    assert [(c.cell_type, c.source) for c in source.cells] == [(c.cell_type, c.source) for c in notebook.cells]


# ------------------------------------------------------------------ chapter 2: IMDB
def test_imdb_vectorizer_agrees_with_lib_on_reviews(imdb):
    train, _, test = _standin_reviews()
    for reviews in (train, test):
        ours = imdb["vectorize_sequences"](reviews, dimension=10_000)
        np.testing.assert_array_equal(ours, text.multi_hot(reviews, dimension=10_000, dtype=np.uint8))
        assert ours.dtype == np.uint8 and ours.shape == (len(reviews), 10_000)


def test_imdb_vectorizer_records_presence_not_counts(imdb):
    toy = [[1, 4, 4, 7], [1, 2, 9], []]
    ours = imdb["vectorize_sequences"](toy, dimension=10)
    np.testing.assert_array_equal(ours, text.multi_hot(toy, dimension=10, dtype=np.uint8))
    assert ours[0].tolist() == [0, 1, 0, 0, 1, 0, 0, 1, 0, 0] and ours[2].sum() == 0


def test_imdb_network_has_the_lecture_parameter_count(imdb):
    build_model = imdb["build_model"]
    assert build_model().count_params() == 160_305
    deeper = build_model(hidden_layers=3, units=64)
    assert [layer.units for layer in deeper.layers] == [64, 64, 64, 1]
    assert deeper.layers[-1].activation is keras.activations.sigmoid


def test_imdb_network_learns_the_standin_reviews(imdb):
    keras.utils.set_random_seed(0)
    train, labels, _ = _standin_reviews(600, 10)
    x = imdb["vectorize_sequences"](train).astype("float32")
    model = imdb["build_model"]()
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, labels.astype("float32"), epochs=3, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_imdb_grid_hidden_size_reaches_the_network(imdb):
    from keras.wrappers import SKLearnClassifier
    from sklearn.model_selection import GridSearchCV

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).integers(0, 2, size=(40, 30)).astype("uint8")
    y = np.arange(40) % 2
    grid = GridSearchCV(
        SKLearnClassifier(imdb["make_classifier"]),
        param_grid={"model_kwargs": [{"hidden_size": 3}, {"hidden_size": 7}], "fit_kwargs": [{"epochs": 1}]},
        cv=2,
    )
    grid.fit(x, y, verbose=0)
    best = grid.best_params_["model_kwargs"]["hidden_size"]
    assert grid.best_estimator_.model_.layers[0].units == best
    other = SKLearnClassifier(imdb["make_classifier"], model_kwargs={"hidden_size": 5, "hidden_layers": 3})
    other.fit(x, y, epochs=1, verbose=0)
    assert [layer.units for layer in other.model_.layers] == [5, 5, 5, 2]


# ------------------------------------------------------------------ chapter 3: Reuters
def test_reuters_one_hot_agrees_with_keras(reuters):
    labels = np.array([3, 0, 45, 4, 3])
    ours = reuters["to_one_hot"](labels, num_classes=46)
    np.testing.assert_array_equal(ours, keras.utils.to_categorical(labels, num_classes=46))
    assert ours.sum(axis=1).tolist() == [1] * 5


def test_reuters_sparse_and_categorical_losses_agree():
    labels = np.array([3, 0, 45, 4])
    predictions = keras.ops.softmax(np.random.default_rng(1).normal(size=(4, 46)))
    categorical = keras.losses.CategoricalCrossentropy()(keras.utils.to_categorical(labels, 46), predictions)
    sparse = keras.losses.SparseCategoricalCrossentropy()(labels, predictions)
    assert float(categorical) == pytest.approx(float(sparse), rel=1e-5)


def test_reuters_network_and_bottleneck(reuters):
    build_model = reuters["build_model"]
    assert build_model().count_params() == 647_214
    bottleneck = build_model(bottleneck_units=4)
    assert [layer.units for layer in bottleneck.layers] == [64, 4, 46]
    assert bottleneck.layers[-1].activation is keras.activations.softmax
    probabilities = bottleneck.predict(np.zeros((2, 10_000), "float32"), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


# ------------------------------------------------------------------ chapter 4: Boston housing
@pytest.mark.parametrize("n_samples, k", [(404, 4), (10, 3), (303, 4)])
def test_boston_k_fold_splits_agree_with_lib_and_scikit_learn(boston, n_samples, k):
    from sklearn.model_selection import KFold

    ours = list(boston["k_fold_splits"](n_samples, k))
    for reference in (list(k_fold_splits(n_samples, k)), list(KFold(n_splits=k).split(np.zeros(n_samples)))):
        assert len(ours) == len(reference) == k
        for (training, validation), (ref_training, ref_validation) in zip(ours, reference):
            np.testing.assert_array_equal(training, ref_training)
            np.testing.assert_array_equal(validation, ref_validation)


def test_boston_normalization_layer_matches_manual_standardization():
    (train, _), (test, _) = data.load_boston_housing(source="offline")
    mean, std = train.mean(axis=0), train.std(axis=0)
    normalizer = keras.layers.Normalization()
    normalizer.adapt(train)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalizer(train)), (train - mean) / std, atol=1e-4)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(normalizer(test)), (test - mean) / std, atol=1e-4)


def test_boston_network_is_a_linear_output_regressor(boston):
    model = boston["build_model"](np.zeros((4, 13)), np.zeros(4))
    assert model.count_params() == 5_121
    assert model.layers[-1].units == 1 and model.layers[-1].activation is keras.activations.linear
    assert model.predict(np.full((1, 13), 50.0, "float32"), verbose=0).shape == (1, 1)


def test_boston_k_fold_loop_normalizes_each_fold_with_its_own_training_part(boston):
    seen = []
    original = boston["build_model"]

    def recording_build_model(X, y):
        seen.append(np.array(X))
        return original(X, y)

    rng = np.random.default_rng(0)
    x = rng.normal(loc=50, scale=10, size=(24, 13))
    x[:12] += 100  # the two halves differ: each fold's statistics come from the other half
    y = rng.normal(size=24).astype("float32")
    boston["build_model"] = recording_build_model
    try:
        training_mae, validation_mae = boston["k_fold_curves"](x, y, k=2, epochs=2, batch_size=8)
    finally:
        boston["build_model"] = original
    assert training_mae.shape == validation_mae.shape == (2, 2)
    assert len(seen) == 2
    for scaled, (training, validation) in zip(seen, k_fold_splits(24, 2)):
        np.testing.assert_allclose(scaled[training].mean(axis=0), 0, atol=1e-4)
        np.testing.assert_allclose(scaled[training].std(axis=0), 1, atol=1e-3)
        assert np.all(np.abs(scaled[validation].mean(axis=0)) > 3)  # not the validation part's statistics


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
    assert counts.argmax() == 3 and counts[3] / counts.sum() < 0.5  # imbalanced, like the real wires
    encode = lambda sequences: text.multi_hot(keras_sequences(sequences, 10_000), dtype=np.float32)  # noqa: E731
    accuracy = _linear_accuracy(encode(x_tr), y_tr, encode(x_te), y_te)
    assert counts[3] / counts.sum() + 0.2 < accuracy < 0.9, accuracy  # 10% of the labels are reassigned


def test_standins_are_reproducible():
    first = standins.imdb_like(50, 10)
    second = standins.imdb_like(50, 10)
    np.testing.assert_array_equal(first[1], second[1])
    assert all(np.array_equal(a, b) for a, b in zip(first[0], second[0]))
