"""The cache, checksums, downloads and offline switch under every loader (lib.sources)."""

from __future__ import annotations

import hashlib

import pytest

from lib import sources
from lib.sources import ChecksumError, DataUnavailableError, Provenance, RemoteFile


@pytest.fixture
def remote_for(url_for):
    """``remote_for(path)``: a RemoteFile served over HTTP on 127.0.0.1, with its true sha256 by default."""

    def remote(path, checksum=None, name="file.bin") -> RemoteFile:
        return RemoteFile(name, url_for(path), checksum or hashlib.sha256(path.read_bytes()).hexdigest())

    return remote


def test_cache_dir_follows_environment(cache):
    assert sources.cache_dir() == cache
    assert cache.is_dir()


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("0", False), ("", False), ("off", False)])
def test_offline_switch(monkeypatch, value, expected):
    monkeypatch.setenv("BDLS_OFFLINE", value)
    assert sources.offline_forced() is expected


def test_offline_switch_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("BDLS_OFFLINE", "maybe")
    with pytest.raises(ValueError, match="BDLS_OFFLINE"):
        sources.offline_forced()


def test_source_mode_validation(offline):
    with pytest.raises(ValueError, match="auto, online, offline"):
        sources.check_source_mode("internet")
    assert sources.check_source_mode("auto") == "offline"
    with pytest.raises(DataUnavailableError, match="forces offline"):
        sources.check_source_mode("online")


def test_download_verifies_and_caches(cache, tmp_path, remote_for):
    served = tmp_path / "served.bin"
    served.write_bytes(b"real data" * 1000)
    remote = remote_for(served)
    path = sources.download(remote)
    assert path == cache / "file.bin"
    assert path.read_bytes() == served.read_bytes()
    served.unlink()  # a second call must come from the cache, not the source
    assert sources.download(remote) == path


def test_download_md5_checksums_are_accepted(cache, tmp_path, remote_for):
    served = tmp_path / "served.bin"
    served.write_bytes(b"keras pins some files by md5")
    remote = remote_for(served, hashlib.md5(served.read_bytes()).hexdigest(), name="m.bin")
    assert sources.download(remote).read_bytes() == served.read_bytes()


def test_checksum_mismatch_is_refused_and_leaves_nothing(cache, tmp_path, remote_for):
    served = tmp_path / "served.bin"
    served.write_bytes(b"tampered")
    remote = remote_for(served, checksum="0" * 64)
    with pytest.raises(ChecksumError, match="refused"):
        sources.download(remote)
    assert list(cache.rglob("*")) == []  # no partial or temporary file


def test_unreachable_source_leaves_nothing(cache, tmp_path, url_for):
    remote = RemoteFile("x.bin", url_for(tmp_path / "missing.bin"), "0" * 64)
    with pytest.raises(DataUnavailableError, match="could not download"):
        sources.download(remote)
    assert list(cache.rglob("*")) == []


def test_corrupt_cached_file_is_removed_reported_and_refetched(cache, tmp_path, remote_for):
    served = tmp_path / "served.bin"
    served.write_bytes(b"the real bytes" * 100)
    remote = remote_for(served)
    cached = sources.download(remote)
    cached.write_bytes(b"the real bytes" * 10)  # truncated on disk
    with pytest.warns(RuntimeWarning, match="failed its checksum"):
        assert sources.verified_cache_path(remote) is None
    assert not cached.exists()
    assert sources.download(remote).read_bytes() == served.read_bytes()


def test_bad_checksum_length_is_an_error(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x")
    with pytest.raises(ValueError, match="neither md5"):
        sources.matches_checksum(path, "abc")


def test_provenance_reports_kind_and_counts():
    real = Provenance("MNIST", "OpenML 554", "original", {"train": 60000, "test": 10000})
    fake = Provenance("IMDB", "generated", "generated", {"train": 10})
    assert real.is_real and not real.is_substitute
    assert "real" in real.summary() and "60,000" in real.summary()
    assert not fake.is_real and fake.is_substitute and "STAND-IN" in str(fake)
    with pytest.raises(ValueError, match="origin"):
        Provenance("x", "y", "invented")
