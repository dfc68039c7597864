"""The data the exercises run on is the same with and without optional system packages.

Exercise 6 trains on a Fashion-MNIST sample (the first 5,000 training and 2,000 test
images) that the course ships in ``lib/datasets/``; Debian's ``dataset-fashion-mnist``
and the real download are only fallbacks that must give the very same arrays. A machine
without the Debian package is simulated with ``BDLS_DEBIAN_DATASETS`` pointing elsewhere.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest

from lib import data
from lib.sources import DataUnavailableError

DEBIAN_INSTALLED = data.FASHION_MNIST_DEBIAN_DIR.exists()
needs_debian = pytest.mark.skipif(not DEBIAN_INSTALLED, reason="Debian dataset-fashion-mnist not installed")


def arrays(dataset) -> list[np.ndarray]:
    return [*dataset.train, *dataset.test]


def assert_same(first, second) -> None:
    for a, b in zip(arrays(first), arrays(second), strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.fixture
def without_debian(monkeypatch, tmp_path):
    """A machine without Debian's dataset-fashion-mnist."""
    monkeypatch.setenv(data.DEBIAN_DATASETS_ENV, str(tmp_path / "no-debian-datasets"))


@pytest.fixture
def without_shipped_file(monkeypatch, tmp_path):
    """An installed lib without its shipped sample."""
    monkeypatch.setattr(
        data, "fashion_mnist_sample_paths", lambda: [tmp_path / "absent" / data.FASHION_MNIST_SAMPLE_FILE]
    )


def test_shipped_sample_is_small_and_verified(offline):
    shipped = [p for p in data.fashion_mnist_sample_paths() if p.exists()]
    assert shipped, "lib/datasets/fashion_mnist_sample.npz is missing"
    assert shipped[0].stat().st_size < 4_000_000
    sample = data.load_fashion_mnist_sample()
    assert sample.provenance.origin == "packaged" and sample.provenance.is_real
    assert [len(sample.train[0]), len(sample.test[0])] == list(data.FASHION_MNIST_SAMPLE_SIZES)
    assert sample.train[0].shape[1:] == (28, 28) and sample.train[0].dtype == np.uint8
    assert set(np.unique(sample.train[1])) == set(range(10)) and sample.class_names[9] == "Ankle boot"
    assert data.arrays_digest(*arrays(sample)) == data.FASHION_MNIST_SAMPLE_SHA256


def test_sample_is_the_same_without_the_debian_package(offline, without_debian):
    assert not data.fashion_mnist_debian_dir().exists()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback, no warning
        without = data.load_fashion_mnist_sample()
    assert data.arrays_digest(*arrays(without)) == data.FASHION_MNIST_SAMPLE_SHA256


@needs_debian
def test_sample_is_the_same_with_and_without_the_debian_package(offline, monkeypatch, tmp_path):
    with_debian = data.load_fashion_mnist_sample()
    monkeypatch.setenv(data.DEBIAN_DATASETS_ENV, str(tmp_path / "elsewhere"))
    assert_same(with_debian, data.load_fashion_mnist_sample())


@needs_debian
def test_sample_is_the_first_images_of_the_real_data_set(offline, without_shipped_file):
    from_debian = data.load_fashion_mnist_sample()
    assert from_debian.provenance.source == "Debian package dataset-fashion-mnist"
    full = data.load_fashion_mnist(source="offline")
    n_train, n_test = data.FASHION_MNIST_SAMPLE_SIZES
    np.testing.assert_array_equal(from_debian.train[0], full.train[0][:n_train])
    np.testing.assert_array_equal(from_debian.train[1], full.train[1][:n_train])
    np.testing.assert_array_equal(from_debian.test[0], full.test[0][:n_test])
    np.testing.assert_array_equal(from_debian.test[1], full.test[1][:n_test])


def test_no_sample_anywhere_is_a_clear_error_not_a_stand_in(offline, without_debian, without_shipped_file):
    with pytest.raises(DataUnavailableError, match="dataset-fashion-mnist"):
        data.load_fashion_mnist_sample()


def test_a_tampered_sample_file_is_refused(offline, without_debian, monkeypatch, tmp_path):
    genuine = data.load_fashion_mnist_sample()
    x_train, y_train, x_test, y_test = arrays(genuine)
    tampered = tmp_path / data.FASHION_MNIST_SAMPLE_FILE
    np.savez_compressed(tampered, x_train=x_train, y_train=y_train, x_test=x_test, y_test=(y_test + 1) % 10)
    monkeypatch.setattr(data, "fashion_mnist_sample_paths", lambda: [tampered])
    with pytest.warns(RuntimeWarning, match="fails its checksum"), pytest.raises(DataUnavailableError):
        data.load_fashion_mnist_sample()


@needs_debian
def test_debian_directory_can_be_overridden(offline, monkeypatch, tmp_path):
    fake_root = tmp_path / "datasets"
    shutil.copytree(data.FASHION_MNIST_DEBIAN_DIR, fake_root / "fashion-mnist")
    monkeypatch.setenv(data.DEBIAN_DATASETS_ENV, str(fake_root))
    assert data.fashion_mnist_debian_dir() == fake_root / "fashion-mnist"
    assert data.load_fashion_mnist().provenance.origin == "packaged"
    monkeypatch.setenv(data.DEBIAN_DATASETS_ENV, str(tmp_path / "nowhere"))
    assert data.load_fashion_mnist().provenance.origin == "generated"
