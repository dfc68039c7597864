"""Chapters 5–7: the models the chapters build have the lecture's parameter counts, and the
chapters keep to their rules (chapter 5 never validates on the test set, chapter 7 saves
its model outside the repository).

The model tests execute the chapter's own cells, not copies: the setup cell and every cell
tagged ``build-model``, in order, without the data loading and training in between. The
whole notebooks are re-executed separately by ``pytest --nbval-lax``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def code_cells(stem: str) -> list:
    notebook = nbformat.read(CHAPTERS / f"{stem}.ipynb", as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def run_model_cells(stem: str, namespace: dict, snapshot) -> list:
    """Execute the setup cell and the ``build-model`` cells of a chapter; snapshot after each."""
    cells = code_cells(stem)
    setup = [c for c in cells if "SEED = 42" in c.source and "profiles.settings(" in c.source]
    tagged = [c for c in cells if "build-model" in c.metadata.get("tags", [])]
    assert len(setup) == 1, "the chapter has one setup cell"
    assert tagged, "the chapter tags its model-building cells with 'build-model'"
    exec(compile(setup[0].source, f"{stem}:setup", "exec"), namespace)
    snapshots = []
    for index, cell in enumerate(tagged):
        exec(compile(cell.source, f"{stem}:build-model[{index}]", "exec"), namespace)
        snapshots.append(snapshot(namespace))
    return snapshots


@pytest.fixture
def smoke_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("BDLS_PROFILE", "smoke")
    monkeypatch.setenv("BDLS_OFFLINE", "1")
    monkeypatch.setenv("BDLS_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "agg")


# ------------------------------------------------------------------ chapter 6
def test_chapter6_convnet_has_the_lecture_shapes_and_counts(smoke_offline):
    from keras import layers

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
    assert kinds == [layers.Conv2D, layers.MaxPooling2D, layers.Conv2D, layers.MaxPooling2D, layers.Conv2D,
                     layers.Flatten, layers.Dense, layers.Dense]
    assert model.layers[5].output.shape == (None, 576)          # 3 × 3 × 64, flattened
    assert sum(layer.count_params() for layer in model.layers[:5]) == 55_744

    no_pooling = namespace["no_pooling"]
    assert no_pooling.count_params() == 55_744
    assert no_pooling.output_shape == (None, 22, 22, 64)
    assert not any(isinstance(layer, layers.MaxPooling2D) for layer in no_pooling.layers)


# ------------------------------------------------------------------ chapter 7
def test_chapter7_vgg16_models_have_the_lecture_counts_and_really_fine_tune(smoke_offline):
    from keras import layers

    from lib import data, vision

    weights_path, provenance = data.vgg16_weights()
    assert weights_path is None and not provenance.is_real      # offline: random weights, same shapes

    def snapshot(ns):
        return vision.parameter_counts(ns["model"]) if "model" in ns else None

    namespace: dict = {"vgg16_weights_path": weights_path}
    snapshots = run_model_cells("07_transfer_learning", namespace, snapshot)

    conv_base = namespace["conv_base"]
    assert conv_base.count_params() == 14_714_688
    assert conv_base.input_shape == (None, 150, 150, 3) and conv_base.output_shape == (None, 4, 4, 512)

    frozen = {"total": 16_812_353, "trainable": 2_097_665, "non_trainable": 14_714_688}
    fine_tuning = {"total": 16_812_353, "trainable": 2_097_665 + 7_079_424,
                   "non_trainable": 14_714_688 - 7_079_424}
    assert frozen in snapshots, snapshots
    assert snapshots[-1] == fine_tuning
    assert snapshots.index(frozen) < len(snapshots) - 1        # frozen first, unfrozen later

    flags = {layer.name: layer.trainable for layer in conv_base.layers if layer.name.startswith("block")}
    assert all(flags[name] for name in flags if name.startswith("block5"))
    assert not any(flags[name] for name in flags if not name.startswith("block5"))

    model = namespace["model"]
    augmentation = model.layers[0]
    kinds = {type(layer) for layer in augmentation.layers}
    assert kinds == {layers.RandomFlip, layers.RandomRotation, layers.RandomZoom, layers.RandomTranslation}
    assert augmentation.count_params() == 0


def test_chapter7_saves_models_outside_the_repository():
    sources = [cell.source for cell in code_cells("07_transfer_learning")]
    text = "\n".join(sources)
    assert "keras.callbacks.ModelCheckpoint(" in text and "save_best_only=True" in text
    assert "keras.models.load_model(checkpoint_path)" in text
    # The one .keras path lives in a temporary folder, which the chapter removes at the end.
    keras_paths = [s for s in sources if ".keras\"" in s]
    assert len(keras_paths) == 1 and "tempfile.TemporaryDirectory(" in keras_paths[0]
    assert "checkpoint_folder.cleanup()" in text
    assert not re.search(r"\.save\(|save_weights\(", text)


def test_chapter7_asks_colab_for_a_gpu():
    notebook = nbformat.read(CHAPTERS / "07_transfer_learning.ipynb", as_version=4)
    assert notebook.metadata.get("accelerator") == "GPU"


# ------------------------------------------------------------------ chapter 5
def test_chapter5_never_touches_the_test_set_before_the_end():
    sources = [cell.source for cell in code_cells("05_regularization")]
    test_data = re.compile(r"\b(x_test|test_sequences|test_labels)\b")
    load_cell = next(i for i, s in enumerate(sources) if "data.load_imdb(" in s)
    last_fit = max(i for i, s in enumerate(sources) if ".fit(" in s)
    users = [i for i, s in enumerate(sources) if test_data.search(s)]
    assert users and all(i == load_cell or i > last_fit for i in users), \
        f"cells {users} use test data; only the loading cell and cells after the last fit may"
    # Validation comes from the training reviews.
    assert "validation_data=(x_val, y_val)" in "\n".join(sources)
    assert any("train_sequences[:n_val]" in s for s in sources)


def test_chapter5_compares_every_variant_of_the_lecture():
    text = "\n".join(cell.source for cell in code_cells("05_regularization"))
    assert text.count("regularizers.l2(0.001)") == 2
    assert text.count("regularizers.l1(0.001)") == 2
    assert text.count("regularizers.l1_l2(l1=0.001, l2=0.001)") == 2
    assert text.count("layers.Dropout(0.5),") == 2             # after each hidden layer
    assert "layers.Dense(4, activation=\"relu\")" in text
    assert text.count("plots.compare_histories(") >= 4
