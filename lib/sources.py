"""Where the book's data lives and how it reaches the cache, verified.

This module is the plumbing under :mod:`lib.data` (introduced in chapter 1):
one cache directory, one switch that forces offline mode, downloads that are
checked against a pinned checksum before they are used, and a record of where
every loaded dataset came from.

Environment variables
---------------------
``BDLS_DATA_DIR``
    The cache directory (default ``~/.cache/bdls``).
``BDLS_OFFLINE``
    ``1``/``true``/``yes`` forces offline mode: no download is attempted and
    every loader goes straight to its offline fallback. CI sets it.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

CACHE_ENV = "BDLS_DATA_DIR"
OFFLINE_ENV = "BDLS_OFFLINE"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

#: How a loader may obtain its data.
SOURCE_MODES = ("auto", "online", "offline")


class DataUnavailableError(RuntimeError):
    """Raised when data is required from its real source but cannot be had."""


class ChecksumError(RuntimeError):
    """Raised when a downloaded or cached file does not match its checksum."""


@dataclass(frozen=True)
class RemoteFile:
    """A file of a real data source, with the checksum that proves it intact.

    ``checksum`` is a hex digest; its length says the algorithm
    (32 = md5, as Keras pins some files; 64 = sha256).
    """

    name: str
    url: str
    checksum: str
    size_hint: str = ""


@dataclass(frozen=True)
class Provenance:
    """Where a loaded dataset came from (chapter 1's run card prints it).

    ``origin`` is one of:

    * ``"original"``  – the real data from its real source;
    * ``"packaged"``  – real data, shipped offline by a package (may be a subset);
    * ``"generated"`` – a stand-in generated in the real format: the numbers a
      chapter reports on it are *not* the real results.
    """

    dataset: str
    source: str
    origin: str
    counts: dict = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if self.origin not in ("original", "packaged", "generated"):
            raise ValueError(f"origin must be 'original', 'packaged' or 'generated', not {self.origin!r}")

    @property
    def is_real(self) -> bool:
        """True unless the data is a generated stand-in."""
        return self.origin != "generated"

    @property
    def is_substitute(self) -> bool:
        """True when the data is not the full original (a page should warn)."""
        return self.origin != "original"

    def summary(self) -> str:
        """One line: dataset, real or stand-in, source and sample counts."""
        kind = {"original": "real", "packaged": "real, offline copy", "generated": "STAND-IN (generated)"}[self.origin]
        counts = ", ".join(f"{k} {v:,}" for k, v in self.counts.items())
        text = f"{self.dataset}: {kind} — {self.source}"
        if counts:
            text += f" [{counts}]"
        return text

    def __str__(self) -> str:
        return self.summary()


def cache_dir() -> Path:
    """The one cache directory for downloads and generated data (created on demand)."""
    path = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "bdls").expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def offline_forced() -> bool:
    """Whether ``BDLS_OFFLINE`` forces offline mode; a value that is not a boolean is an error."""
    raw = os.environ.get(OFFLINE_ENV, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{OFFLINE_ENV}={raw!r} is not understood; use one of 1/0, true/false, yes/no, on/off")


def check_source_mode(source: str) -> str:
    """Validate a loader's ``source`` argument and apply ``BDLS_OFFLINE``."""
    if source not in SOURCE_MODES:
        raise ValueError(f"source={source!r} is not allowed; choose one of {', '.join(SOURCE_MODES)}")
    if source == "auto" and offline_forced():
        return "offline"
    if source == "online" and offline_forced():
        raise DataUnavailableError(f"source='online' was requested but {OFFLINE_ENV} forces offline mode")
    return source


def file_digest(path: Path, algorithm: str) -> str:
    """Hex digest of a file, read in chunks so large archives stay out of memory."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _algorithm(checksum: str) -> str:
    lengths = {32: "md5", 64: "sha256"}
    if len(checksum) not in lengths:
        raise ValueError(f"checksum {checksum!r} is neither md5 (32 hex digits) nor sha256 (64)")
    return lengths[len(checksum)]


def matches_checksum(path: Path, checksum: str) -> bool:
    """True when the file at ``path`` has the given md5 or sha256 digest."""
    return file_digest(path, _algorithm(checksum)) == checksum.lower()


def verified_file(path: Path, checksum: str) -> Path | None:
    """``path`` if it exists and has ``checksum`` (md5 or sha256), else None.

    The one verification of a file in the cache: a file whose checksum does not match
    (corrupt, truncated, tampered) is removed and reported with a warning, never used.
    """
    if not path.exists():
        return None
    if matches_checksum(path, checksum):
        return path
    path.unlink()
    warnings.warn(
        f"cached file {path} failed its checksum (corrupt or truncated); it was removed",
        RuntimeWarning,
        stacklevel=3,
    )
    return None


def verified_cache_path(remote: RemoteFile, subdir: str = "") -> Path | None:
    """The cached copy of ``remote`` if it exists and is intact, else None (see :func:`verified_file`)."""
    return verified_file(cache_dir() / subdir / remote.name, remote.checksum)


def download(remote: RemoteFile, subdir: str = "", timeout: float = 30.0, retries: int = 2) -> Path:
    """Fetch ``remote`` into the cache and verify it; return the verified path.

    The download goes through `pooch <https://www.fatiando.org/pooch/>`_: a progress bar,
    ``retries`` more tries on a failed transfer, and an atomic write (a temporary file moved
    into place only after its checksum matched, so a failed or interrupted download leaves no
    partial file behind). Raises :class:`ChecksumError` on a mismatch and
    :class:`DataUnavailableError` when the source cannot be reached.
    """
    cached = verified_cache_path(remote, subdir)
    if cached is not None:
        return cached
    import pooch
    import requests

    target = cache_dir() / subdir / remote.name
    target.parent.mkdir(parents=True, exist_ok=True)
    fetcher = pooch.create(
        path=target.parent,
        base_url="",
        registry={remote.name: _pooch_hash(remote.checksum)},
        urls={remote.name: remote.url},
        retry_if_failed=retries,
    )
    downloader = pooch.HTTPDownloader(progressbar=True, timeout=timeout)
    try:
        return Path(fetcher.fetch(remote.name, downloader=downloader))
    except ValueError as error:  # pooch's checksum mismatch; its temporary file is already gone
        raise ChecksumError(f"{remote.url} downloaded, but its checksum is not {remote.checksum}: refused") from error
    except (requests.RequestException, OSError) as error:
        raise DataUnavailableError(f"could not download {remote.url}: {error}") from error


def _pooch_hash(checksum: str) -> str:
    """Our pinned hex digest in pooch's ``algorithm:digest`` notation."""
    return f"{_algorithm(checksum)}:{checksum.lower()}"
