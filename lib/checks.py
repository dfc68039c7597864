"""Reference computations for the exercises' hidden tests.

A hidden test must not trust anything the notebook could have changed: not its variables, not
the data loaders, not a helper the notebook could have patched. So every hidden test that
needs a reference starts with

    import importlib

    import lib.checks

    checks = importlib.reload(lib.checks)

which runs this file again from disk (the grader puts the genuine ``importlib.reload`` back
before every test cell, see ``grading/kernel_startup.py``), and takes its data and reference
numbers from the functions here: :func:`fresh_data` reloads the loaders as well, and
:func:`dense_logits` computes a network's output in NumPy from the model's own weights.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

import numpy as np

#: What a "by hand" answer may not run: the deep-learning and scientific libraries, and the
#: book's own ``lib`` (whose helpers do the exercise's work).
RULED_OUT = ("keras", "tensorflow", "tf_keras", "jax", "torch", "sklearn", "scipy", "lib")

#: The modules the data loaders read through, each after those it imports.
DATA_MODULES = ("lib.sources", "lib.standins", "lib.text", "lib.data")


def fresh_data() -> ModuleType:
    """``lib.data`` and the modules it reads through, reloaded from disk; returns the fresh ``lib.data``.

    Whatever a notebook replaced in them (a loader, a generator, a parser) is defined anew.
    """
    for name in DATA_MODULES:
        importlib.reload(importlib.import_module(name))
    return sys.modules["lib.data"]


def offline_imdb_rows(*rows: tuple[str, int, int], num_words: int = 10_000) -> list[tuple[np.ndarray, np.ndarray]]:
    """Reviews of the offline IMDB stand-in, multi-hot encoded (uint8), with their float32 labels.

    Each of ``rows`` is ``(split, start, stop)`` with ``split`` ``"train"`` or ``"test"``: the
    reviews ``start:stop`` of what ``lib.data.load_imdb(num_words, source="offline")`` returns.
    Rebuilt from freshly reloaded modules the way ``load_imdb`` builds them (the stand-in of
    25,000 + 25,000 reviews put into Keras's format), but only for the rows asked for, which
    takes less memory than loading all 50,000 reviews.
    """
    data = fresh_data()
    train, train_labels, test, test_labels, _ = data.standins.imdb_like(25_000, 25_000)
    splits = {"train": (train, train_labels), "test": (test, test_labels)}
    found = []
    for split, start, stop in rows:
        reviews, labels = splits[split]
        vectors = multi_hot(data.keras_sequences(reviews[start:stop], num_words), num_words, dtype=np.uint8)
        found.append((vectors, np.asarray(labels[start:stop], dtype=np.float32)))
    return found


def multi_hot(sequences: Sequence[Sequence[int]], dimension: int, dtype: Any = np.float32) -> np.ndarray:
    """Row ``i`` holds 1 at every index in ``sequences[i]`` and 0 elsewhere.

    Written independently of ``lib.text.multi_hot``, so that a test can hold a student's
    encoder (or ``lib.text``) against it.
    """
    vectors = np.zeros((len(sequences), dimension), dtype=dtype)
    for row, sequence in enumerate(sequences):
        vectors[row, np.asarray(sequence, dtype=int)] = 1
    return vectors


#: Builtins through which a function reaches what runs beside it: other threads' stacks (the hidden
#: test's frames and its references) and every object in the process.
PEEKING = {("sys", "_current_frames"), ("gc", "get_objects"), ("gc", "get_referrers"), ("gc", "get_referents")}

#: Builtins that start work the profiler of one thread does not see: threads and processes.
SPAWNING = {
    ("_thread", "start_new_thread"),
    ("_thread", "start_joinable_thread"),
    ("posix", "fork"),
    ("posix", "forkpty"),
    ("posix", "system"),
    ("posix", "posix_spawn"),
    ("posix", "posix_spawnp"),
    ("posix", "execv"),
    ("posix", "execve"),
    ("_posixsubprocess", "fork_exec"),
}


def _builtin_name(function: Any) -> tuple[str, str]:
    owner = getattr(function, "__self__", None)
    module = owner.__name__ if isinstance(owner, ModuleType) else getattr(function, "__module__", None) or ""
    return module, getattr(function, "__name__", "")


class _Watch:
    """A profiler for one call: notes the files of :data:`RULED_OUT` libraries that ran, the threads
    and processes started, and any peek at other stacks or at the garbage collector.

    Installed with ``sys.setprofile`` in the thread that runs the call and with
    ``threading.setprofile`` for every thread started meanwhile, so work moved to a thread is seen.
    """

    def __init__(self, ruled_out: Sequence[str] = RULED_OUT) -> None:
        roots = []
        for name in ruled_out:
            spec = importlib.util.find_spec(name)
            for path in (spec.submodule_search_locations or []) if spec else []:
                roots += [os.path.join(path, ""), os.path.join(os.path.realpath(path), "")]
        self.roots = tuple(roots)
        self.libraries: set[str] = set()
        self.spawned: set[str] = set()
        self.peeked: set[str] = set()
        self.removed = False

    def __call__(self, frame: types.FrameType, event: str, arg: Any) -> None:
        if event == "call":
            if self.roots and frame.f_code.co_filename.startswith(self.roots):
                self.libraries.add(frame.f_code.co_filename)
        elif event == "c_call":
            name = _builtin_name(arg)
            if name in SPAWNING:
                self.spawned.add(".".join(name))
            elif name in PEEKING:
                self.peeked.add(".".join(name))

    def run(self, function: Callable, args: tuple, kwargs: dict) -> Any:
        """``function(*args, **kwargs)`` under this watch, in the calling thread."""
        previous, previous_threads = sys.getprofile(), threading.getprofile()
        sys.setprofile(self)
        threading.setprofile(self)
        try:
            return function(*args, **kwargs)
        finally:
            self.removed = sys.getprofile() is not self or threading.getprofile() is not self
            sys.setprofile(previous)
            threading.setprofile(previous_threads)


def libraries_run_by(function: Callable, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call ``function(*args, **kwargs)``; return its result and what of a "by hand" rule it broke.

    The list holds the files of :data:`RULED_OUT` libraries that ran (a profiler notes every
    Python function called, so a library is found however it is reached: an alias, a wrapper, a
    module imported inside the function, a thread it starts), and a line for each thread or
    process started (work there could escape the profiler) and for a removed profiler.
    """
    watch = _Watch()
    result = watch.run(function, args, kwargs)
    found = set(watch.libraries)
    found.update(f"started a thread or process ({name})" for name in watch.spawned)
    if watch.removed:
        found.add("the profiler was removed")
    return result, sorted(found)


# ------------------------------------------------------------------ the grader's instruments
#: Methods a test measures a model through: a model may not bring its own (its instance, or a
#: class of its own that overrides Keras's). ``call`` stays free: that is what subclassing is for.
MEASURING = (
    "__call__",
    "predict",
    "predict_step",
    "predict_on_batch",
    "make_predict_function",
    "evaluate",
    "test_step",
    "test_on_batch",
    "make_test_function",
    "compute_loss",
    "compute_metrics",
    "get_metrics_result",
    "count_params",
    "get_weights",
    "weights",
    "trainable_weights",
    "non_trainable_weights",
    "variables",
    "trainable_variables",
    "__getattribute__",
    "__getattr__",
)

#: Libraries whose classes and functions are instruments; :func:`instrument_changes` compares them.
INSTRUMENT_MODULES = (
    "keras",
    "keras.layers",
    "keras.models",
    "keras.ops",
    "keras.optimizers",
    "keras.losses",
    "keras.metrics",
    "keras.callbacks",
    "keras.activations",
    "keras.regularizers",
    "numpy",
    "numpy.random",
    "numpy.testing",
    "os",
    "random",
    "math",
)


def _library_roots() -> tuple[str, ...]:
    roots = []
    for name in ("keras", "tensorflow"):
        spec = importlib.util.find_spec(name)
        for path in (spec.submodule_search_locations or []) if spec else []:
            roots.append(os.path.join(os.path.realpath(path), ""))
    return tuple(roots)


def _functions_of(value: Any) -> Iterator[types.FunctionType]:
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        yield from (f for f in (value.fget, value.fset) if isinstance(f, types.FunctionType))
    elif isinstance(value, types.FunctionType):
        yield value


def _is_library_class(cls: type) -> bool:
    return cls.__module__.split(".")[0] in ("keras", "tensorflow")


def _instruments() -> dict[tuple[int, str], tuple[Any, Any]]:
    """``(id(owner), name) -> (owner, value)`` for every callable of :data:`INSTRUMENT_MODULES` and
    every attribute of their Keras and TensorFlow classes (with their bases)."""
    found: dict[tuple[int, str], tuple[Any, Any]] = {}
    classes: set[type] = set()
    for name in INSTRUMENT_MODULES:
        module = sys.modules.get(name)
        if module is None and "." in name and sys.modules.get(name.split(".")[0]) is not None:
            module = getattr(sys.modules[name.split(".")[0]], name.split(".", 1)[1], None)
        if not isinstance(module, ModuleType):
            continue
        for key, value in list(vars(module).items()):
            if isinstance(value, type):
                classes.update(c for c in value.__mro__ if _is_library_class(c))
            elif callable(value) and not key.startswith("__"):
                found[(id(module), key)] = (module, value)
    for cls in classes:
        for key, value in list(vars(cls).items()):
            if callable(value) or isinstance(value, (staticmethod, classmethod, property)):
                found[(id(cls), key)] = (cls, value)
    return found


def _restore(before: dict, after: dict) -> list[str]:
    """Put back every instrument that changed between two snapshots; name each."""
    changed = []
    for key, (owner, value) in before.items():
        if key not in after or after[key][1] is not value:
            changed.append(f"{getattr(owner, '__name__', owner)}.{key[1]}")
            setattr(owner, key[1], value)
    owners = {id(owner) for owner, _ in before.values()}
    for key, (owner, _) in after.items():
        if key not in before and id(owner) in owners:
            changed.append(f"{getattr(owner, '__name__', owner)}.{key[1]}")
            delattr(owner, key[1])
    return sorted(changed)


def assert_genuine_model(model: Any) -> None:
    """Fail unless ``model``'s measuring methods (:data:`MEASURING`) are Keras's own.

    A model of any style passes (``Sequential``, functional, subclassed with its own ``call``),
    and so do its layers' classes. It fails when the instance carries a measuring method of its
    own, when a class of its own defines one, or when a Keras or TensorFlow class in its
    ancestry holds a function that is not the library's (a replaced ``keras.Model.evaluate``).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise AssertionError(f"expected a Keras model, got {type(model).__name__}")
    own = sorted(name for name in MEASURING if name in vars(model))
    if own:
        raise AssertionError(f"the model carries its own {', '.join(own)}: measure it with Keras's own methods")
    roots = _library_roots()
    layers = [model, *getattr(model, "layers", [])]
    for cls in {c for layer in layers for c in type(layer).__mro__}:
        if _is_library_class(cls):
            for name, value in vars(cls).items():
                for function in _functions_of(value):
                    genuine = os.path.realpath(function.__code__.co_filename).startswith(roots)
                    if not genuine or function.__qualname__.rsplit(".", 1)[-1] != name:
                        raise AssertionError(
                            f"{cls.__name__}.{name} was replaced: the grader measures with Keras's own"
                        )
        elif cls is not object and isinstance(model, cls):
            redefined = sorted(name for name in MEASURING if name in vars(cls))
            if redefined:
                raise AssertionError(
                    f"{cls.__name__} defines its own {', '.join(redefined)}: a model may define `call`, "
                    "not how it is measured"
                )


def call_student(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """Run a student's ``function(*args, **kwargs)`` on the grader's inputs; return its result.

    It runs in a fresh thread, so its stack holds nothing of the hidden test that called it,
    under a watch (:class:`_Watch`) that also follows the threads it starts. It fails with an
    ``AssertionError`` for the student when the function peeked at other stacks or at the
    garbage collector (where the grader's references live), replaced or added an instrument
    (:data:`INSTRUMENT_MODULES`: Keras's classes and functions, NumPy, ``random``, ``os``; the
    genuine ones are put back first), removed the watch, or left a thread running. Exceptions
    raised by the function are raised again here.
    """
    if not callable(function):
        raise AssertionError(f"expected a function, got {type(function).__name__}")
    before = _instruments()
    threads_before = set(threading.enumerate())
    watch = _Watch(ruled_out=())
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = watch.run(function, args, kwargs)
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    runner = threading.Thread(target=target, name="student-code", daemon=True)
    runner.start()
    runner.join()
    problems = []
    if watch.peeked:
        problems.append("looked into other stacks or the garbage collector (" + ", ".join(sorted(watch.peeked)) + ")")
    changed = _restore(before, _instruments())
    if changed:
        problems.append("replaced " + ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else ""))
    if watch.removed:
        problems.append("removed the grader's watch")
    left = [t for t in set(threading.enumerate()) - threads_before if t.is_alive() and t is not runner]
    if left:
        problems.append(f"left {len(left)} thread(s) running")
    if problems:
        raise AssertionError(f"{getattr(function, '__name__', 'your function')} " + "; ".join(problems))
    if "error" in outcome:
        raise outcome.pop("error")
    return outcome.get("result")


def grading_rng() -> np.random.Generator:
    """A NumPy generator seeded from ``os.urandom``: no notebook can predict its draws or seed it.

    For the grader's secret draws (a teacher's weights, a permutation, a held-out sample); any
    threshold that depends on them must hold for every draw.
    """
    genuine = os.urandom if isinstance(os.urandom, types.BuiltinFunctionType) else None
    if genuine is None or _builtin_name(genuine) != ("posix", "urandom"):
        raise AssertionError("os.urandom was replaced")
    return np.random.Generator(np.random.PCG64(int.from_bytes(genuine(16), "little")))


def predict(model: Any, inputs: Any, batch_size: int = 256) -> np.ndarray:
    """``model``'s outputs on ``inputs`` (float64), measured through Keras's own ``predict``.

    Refuses a model that brings its own measuring methods (:func:`assert_genuine_model`) and runs
    the prediction under :func:`call_student`'s watch, since a model's ``call`` is student code.
    """
    import keras

    assert_genuine_model(model)
    genuine_predict = keras.Model.predict
    outputs = call_student(genuine_predict, model, np.asarray(inputs), batch_size=batch_size, verbose=0)
    return np.asarray(outputs, dtype=np.float64)


def dense_logits(model: Any, inputs: Any, sizes: Sequence[int], dtype: Any = np.float64) -> np.ndarray:
    """What a stack of dense ReLU layers puts into its last activation, computed in NumPy from its weights.

    ``sizes`` are the widths from the input to the output, e.g. ``(784, 512, 10)``: the model's
    weights (kernel, bias, kernel, bias, ...) must have exactly the shapes of that network, or
    an ``AssertionError`` says which network was expected. ReLU follows every layer but the
    last. Computed in ``dtype`` (float32 follows Keras's own arithmetic, float64 is exact);
    returns float64, one column per output unit.
    """
    expected = [shape for fan_in, fan_out in zip(sizes, sizes[1:]) for shape in ((fan_in, fan_out), (fan_out,))]
    weights = [np.asarray(weight, dtype=dtype) for weight in model.weights]
    found = [weight.shape for weight in weights]
    network = "-".join(str(size) for size in sizes)
    if found != expected:
        raise AssertionError(f"expected the {network} network of the task, found weights of shapes {found}")
    outputs = np.asarray(inputs, dtype=dtype)
    for layer in range(0, len(weights), 2):
        if layer:
            outputs = np.maximum(outputs, 0)
        outputs = outputs @ weights[layer] + weights[layer + 1]
    return outputs.astype(np.float64)


def accuracy(scores: np.ndarray, labels: Sequence[int]) -> float:
    """Share of rows whose highest score (logit or probability) is at the integer label."""
    return float(np.mean(np.argmax(scores, axis=1) == np.asarray(labels)))


def cross_entropy_from_logits(logits: np.ndarray, labels: Sequence[int]) -> float:
    """Mean softmax cross-entropy of integer labels, from logits (shifted, so large logits do not overflow)."""
    shifted = np.asarray(logits, dtype=np.float64)
    shifted = shifted - shifted.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probabilities[np.arange(len(shifted)), np.asarray(labels)].mean())


def needs(label: str, value: float, op: str, bar: float) -> bool:
    """Print ``label: value (needs op bar)`` and return whether ``value`` meets the bar.

    ``op`` is ``">="`` or ``"<="``. The printed line is the one the task announces and that
    ``tools/exercise_margins.py`` reads.
    """
    if op not in (">=", "<="):
        raise ValueError(f"op must be '>=' or '<=', not {op!r}")
    value = float(value)
    print(f"{label}: {value:.4f} (needs {op} {bar})")
    return value >= bar if op == ">=" else value <= bar


# ---- 04_boston ----
def boston_teacher(rng: np.random.Generator, n_features: int = 13) -> Callable[[int], tuple[np.ndarray, np.ndarray]]:
    """A made-up housing market drawn from ``rng``: returns ``houses(n)``, ``n`` new houses and their prices.

    The features are on very different scales (each column its own mean and spread, as in the
    Boston table), so a network learns only after normalization; the prices (in $1000s, around
    22, spread 7) are what a randomly drawn teacher, mostly linear and a little curved, computes
    from the standardized features, plus noise of 1. Only a model that learned from these houses
    follows them.
    """
    centre, spread = rng.uniform(-50, 50, n_features), rng.uniform(0.5, 30, n_features)
    linear, hidden, out = rng.normal(size=n_features), rng.normal(size=(n_features, 8)), rng.normal(size=8)
    probe = rng.normal(size=(4096, n_features))

    def raw_score(z: np.ndarray) -> np.ndarray:
        return 0.8 * z @ linear / np.sqrt(n_features) + 0.4 * np.tanh(z @ hidden / np.sqrt(n_features)) @ out / 3

    mean, std = raw_score(probe).mean(), raw_score(probe).std()

    def houses(n: int) -> tuple[np.ndarray, np.ndarray]:
        z = rng.normal(size=(n, n_features))
        prices = 22 + 7 * (raw_score(z) - mean) / std + rng.normal(0, 1, n)
        return z * spread + centre, prices.astype(np.float32)

    return houses


def boston_normalize(train: Any, test: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both sets standardized with the per-feature mean and standard deviation of ``train``."""
    train, test = np.asarray(train, dtype=np.float64), np.asarray(test, dtype=np.float64)
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / std


def boston_build_model(n_features: int = 13) -> Any:
    """The task's n_features-64-64-1 regression network, compiled with RMSprop, MSE and MAE."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(n_features,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="mse", metrics=["mae"])
    return model


def boston_average_curves(curves: Any) -> np.ndarray:
    """Mean over the folds, epoch by epoch."""
    return np.mean(np.asarray(curves, dtype=np.float64), axis=0)


def call_with_references(
    namespace: dict, references: dict[str, Any], function: Callable, *args: Any, **kwargs: Any
) -> Any:
    """:func:`call_student` with ``namespace``'s names in ``references`` standing for the grader's own.

    A student's function that calls an earlier answer (``normalize``, ``build_model``) is then
    graded on its own work, whatever that earlier answer does; the names are put back afterwards.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in references}
    namespace.update(references)
    try:
        return call_student(function, *args, **kwargs)
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


# ---- 06_convnets ----
#: How Keras trains a model: the grader trains with Keras's own, so a model may not bring its own.
TRAINING = ("fit", "train_step", "train_on_batch", "make_train_function")

#: The seven ways to turn or mirror an image other than leaving it as it is: (quarter turns, mirrored).
FASHION_TURNS = tuple((turns, mirror) for turns in range(4) for mirror in (False, True) if turns or mirror)


def fashion_images() -> tuple[np.ndarray, np.ndarray]:
    """All 7,000 images of the Fashion-MNIST sample as ``(n, 28, 28, 1)`` float32 in [0, 1], and their labels.

    Loaded through freshly reloaded loaders (:func:`fresh_data`), the training images first.
    """
    (train_images, train_labels), (test_images, test_labels) = fresh_data().load_fashion_mnist_sample()
    images = np.concatenate([train_images, test_images])[:, :, :, None].astype(np.float32) / 255
    return images, np.concatenate([train_labels, test_labels]).astype(np.int64)


def fashion_draw(rng: np.random.Generator, n_train: int = 5000, n_held: int = 2000, turn: bool = True) -> tuple:
    """The grader's own data for exercise 6: ``(x_train, y_train), (x_held, y_held)``.

    ``n_train`` and ``n_held`` images drawn without overlap from the 7,000, the classes renumbered
    by a permutation drawn from ``rng`` and, with ``turn``, every image turned and/or mirrored the
    same way (one of :data:`FASHION_TURNS`): weights prepared on the upright images do not fit
    them, while a network that learns from them learns as well as on upright ones.
    """
    images, labels = fashion_images()
    order = rng.permutation(len(images))
    classes = rng.permutation(10)
    if turn:
        turns, mirror = FASHION_TURNS[rng.integers(len(FASHION_TURNS))]
        images = np.rot90(images, turns, axes=(1, 2))
        images = np.ascontiguousarray(images[:, :, ::-1] if mirror else images)
    train, held = order[:n_train], order[n_train : n_train + n_held]
    return (images[train], classes[labels[train]]), (images[held], classes[labels[held]])


def shuffle_pixels(images: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """``(n, h, w, c)`` images with their pixels moved by ``permutation`` (of ``h * w * c``), the same way in each."""
    flat = np.asarray(images).reshape(len(images), -1)
    return flat[:, permutation].reshape(np.shape(images))


def roll_images(images: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Each image moved by its ``(dy, dx)`` of ``offsets`` (what leaves one side comes back at the other)."""
    return np.stack([np.roll(image, (int(dy), int(dx)), axis=(0, 1)) for image, (dy, dx) in zip(images, offsets)])


def dense_reference() -> Any:
    """The grader's own dense baseline of exercise 6: flatten, 128 ReLU units, softmax; Adam."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def dense_baseline_logits(model: Any, images: np.ndarray) -> np.ndarray:
    """The logits of exercise 6's dense baseline (784 -> 128 ReLU -> 10), in NumPy from ``model``'s weights.

    The weights are found by their shapes, whatever order the model created them in; any other
    weight (or one missing) fails with an ``AssertionError``.
    """
    weights = {}
    for weight in model.weights:
        value = np.asarray(weight, dtype=np.float64)
        weights.setdefault(value.shape, []).append(value)
    wanted = [(784, 128), (128,), (128, 10), (10,)]
    if sorted(weights) != sorted(wanted) or any(len(found) != 1 for found in weights.values()):
        raise AssertionError(
            "build_dense_baseline should hold exactly the weights of flatten -> 128 ReLU units -> 10 units: "
            "re-read Task 4"
        )
    flat = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    hidden = np.maximum(flat @ weights[(784, 128)][0] + weights[(128,)][0], 0)
    return hidden @ weights[(128, 10)][0] + weights[(10,)][0]


class quiet_tensorflow:  # noqa: N801 (used like a function: ``with checks.quiet_tensorflow():``)
    """TensorFlow's logger raised to ERROR meanwhile: its retracing notes, logged when the grader measures
    several models, would otherwise reach stderr (Python's warnings are left as they are)."""

    def __enter__(self) -> None:
        import logging

        self.logger = logging.getLogger("tensorflow")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc: Any) -> None:
        self.logger.setLevel(self.level)


def all_layers(model: Any) -> list:
    """Every layer inside ``model``, nested ones included (Sequential, functional or subclassed)."""
    return list(model._flatten_layers(include_self=False, recursive=True))


def _assert_library_classes_genuine(value: Any, what: str) -> None:
    roots = _library_roots()
    for cls in type(value).__mro__:
        if _is_library_class(cls):
            for name, member in vars(cls).items():
                for function in _functions_of(member):
                    genuine = os.path.realpath(function.__code__.co_filename).startswith(roots)
                    if not genuine or function.__qualname__.rsplit(".", 1)[-1] != name:
                        raise AssertionError(
                            f"{cls.__name__}.{name} was replaced: the grader trains with Keras's own {what}"
                        )


def assert_trainable_as_is(model: Any) -> None:
    """Fail unless ``model`` is a genuine, compiled, untrained Keras model that Keras's own ``fit`` trains.

    On top of :func:`assert_genuine_model`: no training method of its own (:data:`TRAINING`), every
    layer's and the optimizer's Keras classes genuine, and no update made yet.
    """
    assert_genuine_model(model)
    for cls in type(model).__mro__:
        if cls is object or _is_library_class(cls):
            continue
        redefined = sorted(name for name in TRAINING if name in vars(cls))
        if redefined:
            raise AssertionError(
                f"{cls.__name__} defines its own {', '.join(redefined)}: the grader trains your model with "
                "Keras's own fit (define `call`, not how it is trained)"
            )
    own = sorted(name for name in TRAINING if name in vars(model))
    if own:
        raise AssertionError(f"the model carries its own {', '.join(own)}: the grader trains with Keras's own fit")
    for layer in all_layers(model):
        _assert_library_classes_genuine(layer, "layers")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise AssertionError("the model is not compiled: compile it in the builder, as the task says")
    _assert_library_classes_genuine(optimizer, "optimizer")
    if int(np.asarray(optimizer.iterations)) != 0:
        raise AssertionError("the builder should return a new, untrained model (its optimizer has made updates)")


def train_as_the_task_says(
    model: Any, images: np.ndarray, labels: np.ndarray, epochs: int = 3, batch_size: int = 64
) -> None:
    """Train ``model`` with Keras's own ``fit`` on the grader's images (watched, since the model is
    student code), and check that it made exactly the updates of that run."""
    import keras

    assert_trainable_as_is(model)
    call_student(keras.Model.fit, model, images, labels, epochs=epochs, batch_size=batch_size, verbose=0)
    steps = int(np.asarray(model.optimizer.iterations))
    if steps != epochs * -(-len(images) // batch_size):
        raise AssertionError("the model did not train as compiled: Keras's fit made other updates than asked for")


def convnet_as_the_task_says(build_convnet: Callable) -> Any:
    """A new model from a student's ``build_convnet()`` (called under :func:`call_student`), checked
    against exercise 6's Task 5: a Keras model built anew on every call, with ``Conv2D`` and pooling
    layers and no random augmentation layer, at most 100,000 parameters, ``(n, 28, 28, 1)`` images
    in and ``(n, 10)`` probabilities out."""
    import keras

    model = call_student(build_convnet)
    if not isinstance(model, keras.Model):
        raise AssertionError("build_convnet must return a Keras model")
    if model is call_student(build_convnet):
        raise AssertionError("build_convnet must build a new model on every call")
    probe = np.random.default_rng(0).random((8, 28, 28, 1)).astype(np.float32)
    outputs = predict(model, probe)
    if outputs.shape != (8, 10) or not np.allclose(outputs.sum(axis=1), 1, atol=1e-4):
        raise AssertionError("the model should take (28, 28, 1) images and give 10 probabilities per image (Task 5)")
    kinds = [type(layer) for layer in all_layers(model)]
    if not any(issubclass(kind, keras.layers.Conv2D) for kind in kinds):
        raise AssertionError("use Conv2D layers, as the task says")
    if not any(issubclass(kind, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)) for kind in kinds):
        raise AssertionError("use pooling between the convolutions, as the task says")
    pooling = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    layers = all_layers(model)
    if not any(isinstance(layer, keras.layers.Conv2D) and max(layer.kernel_size) > 1 for layer in layers) or not any(
        isinstance(layer, pooling) and max(layer.pool_size) > 1 for layer in layers
    ):
        raise AssertionError("1x1 convolutions or poolings see no neighbourhood: re-read Task 5")
    if any(kind.__name__.startswith("Random") for kind in kinds):
        raise AssertionError("no augmentation layers in this exercise: re-read Task 5")
    parameters = sum(int(np.prod(weight.shape)) for weight in model.weights)
    if parameters > 100_000:
        raise AssertionError(f"{parameters:,} parameters is more than 100,000")
    assert_plain_graph(model)
    return model


# ---- 07_transfer ----
def transfer_images() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The Fashion-MNIST sample through freshly reloaded loaders: ``(train, test)`` pairs of
    ``(n, 28, 28, 1)`` float32 images in [0, 1] and integer labels."""
    (train_images, train_labels), (test_images, test_labels) = fresh_data().load_fashion_mnist_sample()

    def prepared(images: np.ndarray) -> np.ndarray:
        return np.asarray(images)[:, :, :, None].astype(np.float32) / 255

    return (prepared(train_images), np.asarray(train_labels, dtype=np.int64)), (
        prepared(test_images),
        np.asarray(test_labels, dtype=np.int64),
    )


def conv2d_valid(images: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """A stride-1 'valid' convolution of ``(n, h, w, c)`` images with a Keras ``(kh, kw, c, f)`` kernel, in NumPy
    (float32, as Keras computes)."""
    images = np.asarray(images, dtype=np.float32)
    kernel = np.asarray(kernel, dtype=np.float32)
    kh, kw = kernel.shape[:2]
    height, width = images.shape[1] - kh + 1, images.shape[2] - kw + 1
    if kh * kw * images.shape[3] <= 64:  # few inputs per window: one product of the windows with the kernel
        windows = np.stack([images[:, i : i + height, j : j + width, :] for i in range(kh) for j in range(kw)], axis=3)
        out = windows.reshape(*windows.shape[:3], -1) @ kernel.reshape(-1, kernel.shape[3])
    else:  # many: one product per kernel position
        out = np.zeros((len(images), height, width, kernel.shape[3]), dtype=np.float32)
        for i in range(kh):
            for j in range(kw):
                out += images[:, i : i + height, j : j + width, :] @ kernel[i, j]
    return out + np.asarray(bias, dtype=np.float32)


def max_pool2(images: np.ndarray) -> np.ndarray:
    """2x2 max-pooling with stride 2 ('valid', as Keras's ``MaxPooling2D(2)``), in NumPy."""
    n, height, width, channels = images.shape
    cut = images[:, : height // 2 * 2, : width // 2 * 2]
    return cut.reshape(n, height // 2, 2, width // 2, 2, channels).max(axis=(2, 4))


def source_convnet(rng: np.random.Generator, filters: tuple[int, int] = (32, 64), classes: int = 5) -> tuple:
    """The grader's own source convnet: exercise 7's ``source_model`` architecture (two 3x3 ReLU
    convolutions, each followed by 2x2 max-pooling, a Flatten layer and a softmax layer), with layer
    names and initial weights drawn from ``rng``. Returns ``(model, name of its Flatten layer)``."""
    import keras

    keras.utils.set_random_seed(int(rng.integers(2**31)))
    tag = f"{int(rng.integers(10**6)):06d}"
    flatten = f"features_{tag}"
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(filters[0], 3, activation="relu", name=f"low_{tag}"),
            keras.layers.MaxPooling2D(2, name=f"shrink_{tag}"),
            keras.layers.Conv2D(filters[1], 3, activation="relu", name=f"high_{tag}"),
            keras.layers.MaxPooling2D(2, name=f"shrink_more_{tag}"),
            keras.layers.Flatten(name=flatten),
            keras.layers.Dense(classes, activation="softmax", name=f"classes_{tag}"),
        ],
        name=f"source_{tag}",
    )
    return model, flatten


def pretrained_source(rng: np.random.Generator, n_images: int = 1500, epochs: int = 2) -> tuple:
    """A :func:`source_convnet` pretrained by the grader on ``n_images`` training images of the sample's
    first five classes (drawn from ``rng``). Returns ``(model, flatten name, weights)``, the weights
    being NumPy copies of its two convolutions' kernels and biases (:func:`source_features`)."""
    model, flatten = source_convnet(rng)
    (train_images, train_labels), _ = transfer_images()
    old = rng.permutation(np.flatnonzero(train_labels < 5))[:n_images]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(train_images[old], train_labels[old], epochs=epochs, batch_size=64, verbose=0)
    return model, flatten, source_weights(model)


def source_weights(model: Any) -> list[np.ndarray]:
    """NumPy copies of a :func:`source_convnet`'s convolution kernels and biases, in order."""
    return [np.array(weight, dtype=np.float32) for weight in model.weights[:4]]


def source_features(weights: Sequence[np.ndarray], images: np.ndarray) -> np.ndarray:
    """What a :func:`source_convnet` with these convolution ``weights`` puts out of its Flatten layer, in NumPy."""
    kernel1, bias1, kernel2, bias2 = weights
    hidden = max_pool2(np.maximum(conv2d_valid(images, kernel1, bias1), 0))
    hidden = max_pool2(np.maximum(conv2d_valid(hidden, kernel2, bias2), 0))
    return hidden.reshape(len(hidden), -1)


def transfer_reference(source: Any, layer_name: str, classes: int) -> Any:
    """The grader's own transfer model: ``source`` up to ``layer_name``, frozen, under a new softmax head; compiled."""
    import keras

    extractor = keras.Model(source.inputs[0], source.get_layer(layer_name).output)
    extractor.trainable = False
    head = keras.layers.Dense(classes, activation="softmax")
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), extractor, head])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def transfer_head(model: Any, n_features: int, classes: int, task: str) -> tuple[np.ndarray, np.ndarray]:
    """The kernel and bias of a transfer model's head: its only trainable weights, found by their shapes."""
    trainable = [np.array(weight, dtype=np.float64) for weight in model.trainable_weights]
    shapes = sorted(weight.shape for weight in trainable)
    if shapes != sorted([(n_features, classes), (classes,)]):
        raise AssertionError(
            f"only the new Dense head may be trainable, and nothing else may be added: found trainable weights "
            f"of shapes {[weight.shape for weight in trainable]}; re-read {task} (freeze the extractor)"
        )
    kernel = next(weight for weight in trainable if weight.ndim == 2)
    bias = next(weight for weight in trainable if weight.ndim == 1)
    return kernel, bias


def softmax(logits: np.ndarray) -> np.ndarray:
    """Each row of ``logits`` as probabilities (shifted by its maximum, so large logits do not overflow)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def transfer_probabilities(
    model: Any, weights: Sequence[np.ndarray], images: np.ndarray, classes: int, task: str, checked: int = 200
) -> np.ndarray:
    """What ``model`` must compute on ``images`` if it is the source's extractor (with these ``weights``)
    under its trainable softmax head, computed in NumPy; fails unless Keras's own ``predict`` of the
    model agrees on the first ``checked`` images."""
    features = source_features(weights, images)
    kernel, bias = transfer_head(model, features.shape[1], classes, task)
    probabilities = softmax(features @ kernel + bias)
    found = predict(model, images[:checked])
    if found.shape != probabilities[:checked].shape or not np.allclose(found, probabilities[:checked], atol=1e-4):
        raise AssertionError(
            "the model does not compute head(extractor(x)) with the source model's own (unchanged) weights: "
            f"re-read {task}"
        )
    return probabilities


def transfer_teacher(
    rng: np.random.Generator, features: np.ndarray, classes: int = 4
) -> Callable[[np.ndarray], np.ndarray]:
    """Labels made up by the grader: ``classes`` sectors, at an angle drawn from ``rng``, of the plane of
    (about) the two directions in which ``features`` vary most. A linear rule of the features (an argmax of ``classes``
    linear scores), so a softmax head on them can learn it, each class about equally common on ``features``;
    only a head that learned from images labelled by it can follow it."""
    centre = features.mean(axis=0)
    centred = np.asarray(features - centre, dtype=np.float64)
    plane = rng.normal(size=(centred.shape[1], 2))
    for _ in range(10):  # subspace iteration: the plane turns towards the two directions of most variance
        plane, _ = np.linalg.qr(centred.T @ (centred @ plane))
    plane = plane / np.linalg.norm(centred @ plane, axis=0)
    angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(classes) / classes
    sectors = plane @ np.stack([np.cos(angles), np.sin(angles)])

    def labels(values: np.ndarray) -> np.ndarray:
        return np.argmax((values - centre) @ sectors, axis=1)

    return labels


# ---- 01_mnist ----
def mnist_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 5,000 offline MNIST digits as ``(n, 784)`` float32 vectors in [0, 1], the 4,000 training
    digits first, and their labels; loaded through freshly reloaded loaders (:func:`fresh_data`)."""
    (train_images, train_labels), (test_images, test_labels) = fresh_data().load_mnist(source="offline")
    images = np.concatenate([train_images, test_images]).reshape(-1, 28 * 28).astype(np.float32) / 255
    return images, np.concatenate([train_labels, test_labels]).astype(np.int64)


def mnist_network() -> Any:
    """The grader's own network of exercise 1, from Keras's own classes: 784 inputs, 512 ReLU units,
    10 softmax outputs, compiled with RMSprop, categorical cross-entropy and accuracy."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(28 * 28,)),
            keras.layers.Dense(512, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def mnist_teacher_draw(rng: np.random.Generator, n_train: int = 3500) -> tuple:
    """The grader's own data for exercise 1: ``(x_train, y_train), (x_held, held_labels), permutation``.

    All 5,000 digits, their pixels shuffled by ``permutation`` (drawn from ``rng``) and labelled by a
    random linear teacher (ten random directions of the centred pixels, offsets that give the ten
    classes about equal shares); ``n_train`` of them drawn at random for training (one-hot float32
    labels), the others held out (integer labels). A network trained on the digits' own labels is
    at chance on these labels; one that learns from the training images follows the teacher on
    the held-out ones.
    """
    images, _ = mnist_digits()
    permutation = rng.permutation(images.shape[1])
    images = images[:, permutation]
    scores = (images - images.mean(axis=0)) @ rng.normal(size=(images.shape[1], 10))
    offsets = np.zeros(10)
    for _ in range(200):
        shares = np.bincount(np.argmax(scores - offsets, axis=1), minlength=10) / len(images)
        offsets += 0.05 * (shares - 0.1) * scores.std()
    labels = np.argmax(scores - offsets, axis=1)
    order = rng.permutation(len(images))
    train, held = order[:n_train], order[n_train:]
    return (images[train], np.eye(10, dtype=np.float32)[labels[train]]), (images[held], labels[held]), permutation


def mnist_digit_knowledge(permutation: np.ndarray, *models: Any) -> list[float]:
    """How well each of ``models`` (784-512-10) names the digits themselves: its highest accuracy on the
    digits' own labels over the 4,000 training and the 1,000 test digits, each with pixels as they are
    and shuffled by ``permutation``. About chance for a network trained only on a random rule's labels."""
    images, labels = mnist_digits()
    knowledge = []
    for model in models:
        found = []
        for pixels in (images, images[:, permutation]):
            logits = dense_logits(model, pixels, (784, 512, 10), dtype=np.float32)
            found += [accuracy(logits[:4000], labels[:4000]), accuracy(logits[4000:], labels[4000:])]
        knowledge.append(max(found))
    return knowledge


# ---- 05_regularization ----
#: Exercise 5's four variants: the options each is built with (``build_model``'s keywords).
REGULARIZATION_VARIANTS = {
    "baseline": {"hidden_units": 16, "l2": None, "dropout": None},
    "smaller": {"hidden_units": 4, "l2": None, "dropout": None},
    "l2": {"hidden_units": 16, "l2": 0.001, "dropout": None},
    "dropout": {"hidden_units": 16, "l2": None, "dropout": 0.5},
}


def imdb_draw(rng: np.random.Generator, sizes: Sequence[int], num_words: int = 10_000) -> list[tuple]:
    """The grader's own reviews for exercise 5: ``[(x, y), ...]``, one pair per entry of ``sizes``.

    A fresh draw of the IMDB stand-in (its generator seeded from ``rng``: reviews nobody has seen),
    multi-hot encoded over ``num_words`` words as float32, the columns shuffled by a permutation
    drawn from ``rng`` (the same for every review, so the task is as learnable as before, but no
    network trained on the stand-in's own word order follows it); float32 labels.
    """
    data = fresh_data()
    reviews, labels, _, _, _ = data.standins.imdb_like(int(sum(sizes)), 0, seed=int(rng.integers(2**31)))
    vectors = multi_hot(data.keras_sequences(reviews, num_words), num_words)[:, rng.permutation(num_words)]
    labels = np.asarray(labels, dtype=np.float32)
    bounds = np.cumsum([0, *sizes])
    return [(vectors[start:stop], labels[start:stop]) for start, stop in zip(bounds, bounds[1:])]


def imdb_weights(model: Any, input_dim: int, units: int) -> list:
    """The weight variables of exercise 5's network, ``[kernel, bias]`` of its three dense layers from
    input to output, found by their shapes (``input_dim × units``, ``units × units``, ``units × 1``)
    in whatever order the model holds its layers (``Sequential``, functional or subclassed)."""
    pairs = {}
    for layer in all_layers(model):
        weights = list(layer.weights)
        if len(weights) == 2 and len(weights[0].shape) == 2 and len(weights[1].shape) == 1:
            pairs.setdefault(tuple(int(n) for n in weights[0].shape), []).append(weights)
    chain = [(input_dim, units), (units, units), (units, 1)]
    found = [pairs.get(shape, []) for shape in chain]
    dense = sum(len(layers) for layers in pairs.values())
    if len(model.weights) != 6 or dense != 3 or any(len(layers) != 1 for layers in found):
        raise AssertionError(
            f"expected two dense layers of {units} units on {input_dim} inputs and one output unit: re-read Task 1"
        )
    return [weight for layers in found for weight in layers[0]]


def imdb_probabilities(model: Any, inputs: np.ndarray, units: int) -> np.ndarray:
    """What exercise 5's network outputs (ReLU, ReLU, sigmoid; no dropout), computed in NumPy in float64
    from its weights: a vector of probabilities."""
    k1, b1, k2, b2, k3, b3 = (np.asarray(w, dtype=np.float64) for w in imdb_weights(model, np.shape(inputs)[1], units))
    hidden = np.maximum(np.asarray(inputs, dtype=np.float64) @ k1 + b1, 0)
    hidden = np.maximum(hidden @ k2 + b2, 0)
    return 1 / (1 + np.exp(-(hidden @ k3 + b3)[:, 0]))


def binary_cross_entropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """Mean binary cross-entropy, probabilities clipped as Keras clips them (1e-7)."""
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-7, 1 - 1e-7)
    y = np.asarray(labels, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def recording_builder(
    x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray, epochs: int, batch_size: int
) -> tuple[Callable, dict]:
    """The ``build`` the grader hands to exercise 5's ``run_experiment``: ``(build, runs)``.

    ``build(hidden_units=16, l2=None, dropout=None, input_dim=...)`` builds the task's network
    (compiled with RMSprop, binary cross-entropy and accuracy) as a Keras ``Sequential`` whose
    ``fit`` notes, in ``runs[id(model)]``, what it was asked to do (on which data, how many
    epochs, which batch size, with which optimizer) and what it left behind (the History, a copy
    of its numbers, the weights). :func:`experiment_as_the_task_says` reads that back.
    """
    import copy
    import inspect

    import keras

    runs: dict[int, dict] = {}
    signature = inspect.signature(keras.Model.fit)
    free = {"self", "x", "y", "epochs", "batch_size", "validation_data", "verbose", "shuffle"}
    input_dim = int(np.shape(x_train)[1])

    def same(value, reference) -> bool:
        try:
            value = np.asarray(value)
        except Exception:
            return False
        return value.shape == reference.shape and np.array_equal(value, reference)

    def unchanged(value, default) -> bool:
        if value is default:
            return True
        numbers = (int, float, np.integer, np.floating)
        return isinstance(value, numbers) and isinstance(default, numbers) and value == default

    class Network(keras.Sequential):
        def fit(self, *args, **kwargs):
            record = runs.get(id(self))
            if record is None or record["model"] is not self:
                raise AssertionError("train only models that `build` returned")
            bound = signature.bind(self, *args, **kwargs)
            asked = bound.arguments
            defaults = {name: p.default for name, p in signature.parameters.items()}
            validation = asked.get("validation_data")
            fit = {
                "data": same(asked.get("x"), x_train) and same(asked.get("y"), y_train),
                "validation": isinstance(validation, (tuple, list))
                and len(validation) == 2
                and same(validation[0], x_val)
                and same(validation[1], y_val),
                "epochs": asked.get("epochs", defaults["epochs"]) == epochs,
                "batch_size": asked.get("batch_size", defaults["batch_size"]) == batch_size,
                "extras": sorted(
                    name for name, value in asked.items() if name not in free and not unchanged(value, defaults[name])
                ),
                "optimizer": self.optimizer is record["optimizer"]
                and int(np.asarray(self.optimizer.iterations)) == 0
                and np.isclose(float(np.asarray(self.optimizer.learning_rate)), 0.001)
                and self.loss == "binary_crossentropy",
            }
            record["fits"].append(fit)
            problem = fit_problem(fit)
            if problem or len(record["fits"]) > 1:  # stop at once: no point training what earns nothing
                raise AssertionError(problem or "train each model with one call of its fit, as Task 4 says")
            history = super().fit(*args, **kwargs)
            fit["history"] = history
            fit["numbers"] = copy.deepcopy(history.history)
            fit["epoch"] = list(history.epoch)
            fit["weights"] = [np.array(weight) for weight in self.weights]
            fit["iterations"] = int(np.asarray(self.optimizer.iterations))
            return history

    def build(hidden_units=16, l2=None, dropout=None, input_dim=input_dim):
        """The IMDB classifier of Task 1, as the grader builds it."""
        regularizer = keras.regularizers.L2(l2) if l2 is not None else None
        model = Network([keras.Input(shape=(input_dim,))])
        for _ in range(2):
            model.add(keras.layers.Dense(hidden_units, activation="relu", kernel_regularizer=regularizer))
            if dropout is not None:
                model.add(keras.layers.Dropout(dropout))
        model.add(keras.layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="binary_crossentropy", metrics=["accuracy"])
        options = {"hidden_units": hidden_units, "l2": l2, "dropout": dropout}
        runs[id(model)] = {"model": model, "options": options, "optimizer": model.optimizer, "fits": []}
        return model

    return build, runs


def fit_problem(fit: dict) -> str | None:
    """What is wrong with one ``fit`` call that :func:`recording_builder` noted, for the student; None if nothing."""
    if not fit["data"]:
        return "train on x_train and y_train exactly as given (re-read Task 4)"
    if not fit["validation"]:
        return "pass (x_val, y_val) as validation_data, unchanged"
    if not (fit["epochs"] and fit["batch_size"]):
        return "train for `epochs` epochs with batch size `batch_size`, as passed in"
    if fit["extras"]:
        return f"fit was given {', '.join(fit['extras'])}: the task asks for none of these"
    if not fit["optimizer"]:
        return "train the model as `build` compiled it (optimizer, learning rate, loss), once"
    return None


def experiment_as_the_task_says(histories: Any, runs: dict, epochs: int, batch_size: int, n_train: int) -> dict:
    """Check what exercise 5's ``run_experiment`` returned against what ``build`` recorded; return
    ``{name: (model, numbers)}`` with each variant's model and its History's numbers.

    Each of the four variants must be a History that the ``fit`` of a model built by ``build``
    with the variant's options returned, that model trained once, as Task 4 says (the grader's
    training data, its validation data, ``epochs`` epochs of ``batch_size``, the compiled
    optimizer, nothing else), and left as that training left it (weights, History).
    """
    import keras

    if not isinstance(histories, dict) or set(histories) != set(REGULARIZATION_VARIANTS):
        raise AssertionError("run_experiment must return a dict with the keys baseline, smaller, l2 and dropout")
    found, seen = {}, set()
    for name, options in REGULARIZATION_VARIANTS.items():
        history = histories[name]
        if not isinstance(history, keras.callbacks.History):
            raise AssertionError(f"{name}: return the History object that fit returns")
        model = getattr(history, "model", None)
        record = runs.get(id(model))
        if record is None or record["model"] is not model:
            raise AssertionError(f"{name}: the History is not that of a model built with `build` (re-read Task 4)")
        if id(model) in seen:
            raise AssertionError("each variant needs a model of its own")
        seen.add(id(model))
        built = record["options"]
        matches = built["hidden_units"] == options["hidden_units"] and all(
            (built[key] is None) == (options[key] is None)
            and (options[key] is None or np.isclose(float(built[key]), options[key]))
            for key in ("l2", "dropout")
        )
        if not matches:
            raise AssertionError(f"{name}: built with other options than the task gives for this variant")
        fits = record["fits"]
        if len(fits) != 1:
            raise AssertionError(f"{name}: train each model with one call of its fit, as the task says")
        fit = fits[0]
        problem = fit_problem(fit)
        if problem or "history" not in fit:
            raise AssertionError(f"{name}: {problem or 'its training did not finish'}")
        if fit["history"] is not history or history.history != fit["numbers"] or list(history.epoch) != fit["epoch"]:
            raise AssertionError(f"{name}: return the History as fit returned it")
        if len(fit["epoch"]) != epochs or fit["iterations"] != epochs * -(-n_train // batch_size):
            raise AssertionError(f"{name}: the training did not run for `epochs` epochs")
        now = [np.asarray(weight) for weight in model.weights]
        if len(now) != len(fit["weights"]) or not all(
            a.shape == b.shape and np.array_equal(a, b) for a, b in zip(now, fit["weights"])
        ):
            raise AssertionError(f"{name}: the model's weights are not those its training left")
        found[name] = (model, fit["numbers"])
    return found


def experiment_measures(found: dict, parts: Sequence[tuple]) -> dict:
    """What exercise 5's effect test measures of each variant of :func:`experiment_run`, in NumPy from
    its final weights (no dropout, no penalty): ``{name: {...}}`` with the accuracy on the training,
    and held-out reviews (``parts`` = training, validation, held out), the *gap* (validation minus
    training cross-entropy: how much the network overfits) and ``squares``, the sum of the squared
    weights of its two hidden kernels (what L2 penalises)."""
    (x_train, y_train), (x_val, y_val), (x_held, y_held) = parts[:3]
    measured = {}
    for name, (model, _) in found.items():
        units = REGULARIZATION_VARIANTS[name]["hidden_units"]
        train = imdb_probabilities(model, x_train, units)
        kernels = imdb_weights(model, np.shape(x_train)[1], units)[0:4:2]
        measured[name] = {
            "train": float(np.mean((train > 0.5) == y_train)),
            "held": float(np.mean((imdb_probabilities(model, x_held, units) > 0.5) == y_held)),
            "gap": binary_cross_entropy(imdb_probabilities(model, x_val, units), y_val)
            - binary_cross_entropy(train, y_train),
            "squares": float(sum(np.sum(np.asarray(kernel, dtype=np.float64) ** 2) for kernel in kernels)),
        }
    return measured


def experiment_run(
    run_experiment: Callable, rng: np.random.Generator, sizes: Sequence[int], epochs: int, batch_size: int
) -> tuple[dict, list]:
    """Exercise 5's ``run_experiment`` run by the grader: on a fresh :func:`imdb_draw` of ``sizes``
    (training, validation, then any held-out parts), with a :func:`recording_builder`, ``epochs`` and
    ``batch_size``; checked by :func:`experiment_as_the_task_says`. Returns ``(found, parts)``: the
    variants' models and History numbers, and the draw's ``(x, y)`` parts (the grader's copies, which
    the student's function never saw)."""
    parts = imdb_draw(rng, sizes)
    (x_train, y_train), (x_val, y_val) = parts[:2]
    build, runs = recording_builder(x_train, y_train, x_val, y_val, epochs, batch_size)
    given = [array.copy() for array in (x_train, y_train, x_val, y_val)]
    histories = call_student(run_experiment, build, *given, epochs, batch_size)
    return experiment_as_the_task_says(histories, runs, epochs, batch_size, len(x_train)), parts


# ---- 02_imdb ----
def imdb_teacher_draw(
    rng: np.random.Generator, sizes: Sequence[int], words: tuple[int, int] = (1000, 2000), teacher_words: int = 50
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The grader's own reviews for exercise 2: ``[(x, y), ...]``, one pair per entry of ``sizes``.

    Fresh reviews of the IMDB stand-in (its generator seeded from ``rng``), multi-hot encoded
    (uint8) over the most frequent ``D`` words, ``D`` drawn from ``words``; labelled by a random
    linear teacher drawn from ``rng``: Gaussian weights on ``teacher_words`` words that occur in
    5 % to 50 % of the reviews, a review positive when its score is above the median. Neither
    the stand-in's sentiment nor any network trained before grading follows that rule.
    """
    data = fresh_data()
    dimension = int(rng.integers(words[0], words[1] + 1))
    reviews, _, _, _, _ = data.standins.imdb_like(int(sum(sizes)), 0, seed=int(rng.integers(2**31)))
    x = multi_hot(data.keras_sequences(reviews, dimension), dimension, dtype=np.uint8)
    share = x.mean(axis=0)
    candidates = np.flatnonzero((share > 0.05) & (share < 0.5))
    weights = np.zeros(dimension)
    chosen = rng.choice(candidates, size=min(teacher_words, len(candidates)), replace=False)
    weights[chosen] = rng.normal(size=len(chosen))
    scores = x @ weights
    y = (scores > np.median(scores)).astype(np.float32)
    bounds = np.cumsum([0, *sizes])
    return [(x[start:stop].copy(), y[start:stop].copy()) for start, stop in zip(bounds, bounds[1:])]


def imdb_rows(x: Any) -> list[bytes]:
    """One key per row of a multi-hot matrix (which columns are set), to compare rows as multisets."""
    return [row.tobytes() for row in np.packbits(np.asarray(x) != 0, axis=1)]


def imdb_recording_network(input_dim: int, hidden_units: int = 16, outputs: int = 1) -> tuple[Any, list]:
    """``(model, fits)``: the grader's own compiled classifier of exercise 2 (``input_dim`` -> two ReLU
    layers of ``hidden_units`` -> one sigmoid unit, or ``outputs`` > 1 softmax units; RMSprop), whose
    ``fit`` notes in ``fits`` what it was asked (the arguments), the weights before and after, the
    History it returned and its numbers, and the number of weight updates."""
    import copy
    import inspect

    import keras

    signature = inspect.signature(keras.Model.fit)
    fits: list[dict] = []

    class Network(keras.Sequential):
        def fit(self, *args, **kwargs):
            asked = dict(signature.bind(self, *args, **kwargs).arguments)
            asked.pop("self", None)
            kwargs_given = asked.pop("kwargs", {})
            asked.update(kwargs_given)
            record = {"asked": asked, "before": [np.array(weight.numpy()) for weight in self.weights]}
            record["iterations_before"] = int(self.optimizer.iterations.numpy())
            history = super().fit(*args, **kwargs)
            record["history"] = history
            record["numbers"] = copy.deepcopy(history.history)
            record["after"] = [np.array(weight.numpy()) for weight in self.weights]
            record["iterations"] = int(self.optimizer.iterations.numpy())
            fits.append(record)
            return history

    model = Network([keras.Input(shape=(input_dim,))])
    for _ in range(2):
        model.add(keras.layers.Dense(hidden_units, activation="relu"))
    if outputs == 1:
        model.add(keras.layers.Dense(1, activation="sigmoid"))
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="binary_crossentropy", metrics=["accuracy"])
    else:
        model.add(keras.layers.Dense(outputs, activation="softmax"))
        model.compile(optimizer=keras.optimizers.RMSprop(), loss="categorical_crossentropy", metrics=["accuracy"])
    return model, fits


def _imdb_batches(value: Any) -> tuple[Any, Any, Any] | None:
    """``(x, y, batch_size)`` of a ``lib.batching.ArrayBatches`` (the chapter's way to feed ``fit``), else None."""
    kind = type(value)
    if kind.__name__ == "ArrayBatches" and kind.__module__ == "lib.batching":
        return value.x, value.y, value.batch_size
    return None


def _imdb_default(value: Any, default: Any) -> bool:
    if value is default:
        return True
    try:
        return bool(value == default)
    except Exception:
        return False


def imdb_fit_as_asked(model: Any, fits: list, initial: list, what: str, epochs: int, batch_size: int) -> dict:
    """The one ``fit`` of a :func:`imdb_recording_network`, checked: called once, on the weights it
    was built with (``initial``, noted by the test before the student's code ran), ``epochs``
    epochs of ``batch_size`` (nothing else asked of ``fit`` but validation data, verbosity and
    shuffling), and the weights left as that training left them. Returns its record, with what it
    was trained on as ``data`` (``(x, y)``) and validated on as ``validation`` (``(x, y)`` or None),
    arrays or the chapter's ``ArrayBatches`` alike."""
    import inspect

    import keras

    assert_genuine_model(model)
    if len(fits) != 1:
        raise AssertionError(f"{what}: train the model it is given with one call of its fit ({len(fits)} calls)")
    fit = fits[0]
    asked = fit["asked"]
    defaults = {name: p.default for name, p in inspect.signature(keras.Model.fit).parameters.items()}
    free = {"x", "y", "epochs", "batch_size", "validation_data", "validation_batch_size", "verbose", "shuffle"}
    extras = sorted(
        name
        for name, value in asked.items()
        if name not in free and not (name in defaults and _imdb_default(value, defaults[name]))
    )
    if extras:
        raise AssertionError(f"{what}: fit was given {', '.join(extras)}: the task asks for none of these")
    if fit["iterations_before"] != 0 or not all(np.array_equal(a, b) for a, b in zip(fit["before"], initial)):
        raise AssertionError(f"{what}: train the model as it was given to you, from its own initial weights")
    asked_batch = asked.get("batch_size", defaults["batch_size"])
    batches = _imdb_batches(asked.get("x"))
    if batches is not None and asked_batch is None:
        fit["data"], asked_batch = batches[:2], batches[2]
    else:
        fit["data"] = (asked.get("x"), asked.get("y"))
    validation = asked.get("validation_data")
    if _imdb_batches(validation) is not None:
        validation = _imdb_batches(validation)[:2]
    fit["validation"] = tuple(validation) if isinstance(validation, (tuple, list)) else validation
    if asked.get("epochs", defaults["epochs"]) != epochs or asked_batch != batch_size:
        raise AssertionError(f"{what}: train for the number of epochs and the batch size passed in")
    now = [np.array(weight.numpy()) for weight in model.weights]
    if len(now) != len(fit["after"]) or not all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(now, fit["after"])
    ):
        raise AssertionError(f"{what}: the model's weights are not those its training left")
    return fit


def imdb_probabilities_of(model: Any, x: Any, hidden_units: int = 16) -> np.ndarray:
    """The grader's network's outputs, in NumPy (float32) from its weights: a column per output unit
    (sigmoid for one unit, softmax for several)."""
    weights = model.weights
    sizes = (int(np.shape(x)[1]), hidden_units, hidden_units, int(weights[-1].shape[0]))
    logits = dense_logits(model, x, sizes, dtype=np.float32)
    if sizes[-1] == 1:
        return 1 / (1 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


# ---- 03_reuters ----
def call_student_quietly(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """:func:`call_student` with Python's warnings silenced meanwhile: a warning that a library raises for a
    correct answer (Keras on ``input_shape=`` in a ``Dense`` layer, on ``build()`` of a subclassed model)
    would print to stderr, and nbgrader scores a test cell with stderr output as failed."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call_student(function, *args, **kwargs)


def predict_quietly(model: Any, inputs: Any) -> np.ndarray:
    """:func:`predict` with Python's warnings silenced meanwhile (see :func:`call_student_quietly`)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return predict(model, inputs)


def reuters_draw(rng: np.random.Generator, sizes: Sequence[int], num_words: int = 10_000) -> list[tuple]:
    """The grader's own newswires for exercise 3: ``[(x, labels), ...]``, one pair per entry of ``sizes``.

    A fresh draw of the Reuters stand-in (its generator seeded from ``rng``: topic words nobody has
    seen), multi-hot encoded over ``num_words`` words as float32, the columns shuffled by a
    permutation drawn from ``rng`` (the same for every newswire); integer labels 0-45.
    """
    data = fresh_data()
    wires, labels, _, _, _ = data.standins.reuters_like(int(sum(sizes)), 0, seed=int(rng.integers(2**31)))
    vectors = multi_hot(data.keras_sequences(wires, num_words), num_words)[:, rng.permutation(num_words)]
    labels = np.asarray(labels, dtype=np.int64)
    bounds = np.cumsum([0, *sizes])
    return [(vectors[start:stop], labels[start:stop]) for start, stop in zip(bounds, bounds[1:])]


def reuters_network(rng: np.random.Generator, units: int, input_dim: int = 10_000, classes: int = 46) -> Any:
    """The grader's own network of exercise 3, from Keras's own classes: ``input_dim`` inputs, 64 ReLU
    units, ``units`` ReLU units, ``classes`` softmax outputs, compiled with RMSprop (its defaults), sparse
    categorical cross-entropy and accuracy; its initial weights drawn from ``rng`` (Glorot uniform, zero
    biases), so that the grader knows where a training started."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(input_dim,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.RMSprop(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    weights = []
    for fan_in, fan_out in zip((input_dim, 64, units), (64, units, classes)):
        limit = np.sqrt(6 / (fan_in + fan_out))
        weights += [rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32), np.zeros(fan_out, np.float32)]
    model.set_weights(weights)
    return model


def reuters_weights(model: Any, input_dim: int, units: int, classes: int = 46) -> list:
    """The weights of exercise 3's network, ``[kernel, bias]`` of its three dense layers from input to
    output, found by their shapes (``input_dim × 64``, ``64 × units``, ``units × classes``) in whatever
    order the model holds its layers (``Sequential``, functional or subclassed)."""
    pairs: dict[tuple, list] = {}
    for layer in all_layers(model):
        weights = list(layer.weights)
        if len(weights) == 2 and len(weights[0].shape) == 2 and len(weights[1].shape) == 1:
            pairs.setdefault(tuple(int(n) for n in weights[0].shape), []).append(weights)
    chain = [(input_dim, 64), (64, units), (units, classes)]
    found = [pairs.get(shape, []) for shape in chain]
    dense = sum(len(layers) for layers in pairs.values())
    if len(model.weights) != 6 or dense != 3 or any(len(layers) != 1 for layers in found):
        raise AssertionError(
            f"expected dense layers of 64 and {units} units on {input_dim} inputs and {classes} outputs "
            "(and no other weights): re-read Task 4"
        )
    return [np.asarray(weight) for layers in found for weight in layers[0]]


def reuters_logits(
    model: Any, inputs: np.ndarray, units: int, classes: int = 46, dtype: Any = np.float32
) -> np.ndarray:
    """What exercise 3's network puts into its softmax (ReLU, ReLU, then the output layer), computed in
    NumPy from its weights (float32 by default, as Keras computes); float64 out."""
    k1, b1, k2, b2, k3, b3 = (
        np.asarray(w, dtype=dtype) for w in reuters_weights(model, np.shape(inputs)[1], units, classes)
    )
    hidden = np.maximum(np.asarray(inputs, dtype=dtype) @ k1 + b1, 0)
    hidden = np.maximum(hidden @ k2 + b2, 0)
    return (hidden @ k3 + b3).astype(np.float64)


def reuters_training(
    train_model: Callable,
    model: Any,
    units: int,
    parts: Sequence[tuple],
    epochs: int | None = None,
    batch_size: int | None = None,
) -> dict[str, float]:
    """Exercise 3's ``train_model`` run by the grader on its own network and newswires; returns the trained
    network's accuracy on each of ``parts`` (``"train"``, ``"val"``, then ``"held"``: the newswires the
    student's function never saw) and its cross-entropy there (``"train_loss"``, ...), measured in NumPy
    from its weights.

    ``parts`` are the grader's ``(x, labels)``: training, validation, held out. ``epochs`` and
    ``batch_size`` are passed on when given (else the function's defaults must be 12 and 128). Fails
    unless the function returned the ``History`` of that training: one entry per epoch, its last
    validation loss and accuracy those of the trained weights on the validation newswires given, and
    exactly ``epochs × ⌈n / batch_size⌉`` weight updates for the ``n`` training newswires.
    """
    import keras

    (x_train, y_train), (x_val, y_val) = parts[:2]
    asked = {} if epochs is None else {"epochs": epochs, "batch_size": batch_size}
    epochs, batch_size = epochs or 12, batch_size or 128
    given = [array.copy() for array in (x_train, y_train, x_val, y_val)]
    history = call_student_quietly(train_model, model, *given, **asked)
    if not isinstance(history, keras.callbacks.History):
        raise AssertionError("train_model must return the History that fit returns")
    assert_genuine_model(model)
    numbers = history.history if isinstance(getattr(history, "history", None), dict) else {}
    val_accuracy = [key for key in numbers if key.startswith("val_") and "acc" in key]
    if "val_loss" not in numbers or not val_accuracy:
        raise AssertionError("the History holds no validation loss and accuracy: validate on (x_val, y_val)")
    if any(len(numbers[key]) != epochs for key in ("val_loss", val_accuracy[0])):
        raise AssertionError(f"asked for {epochs} epochs, the History holds {len(numbers['val_loss'])}")
    updates = int(np.asarray(model.optimizer.iterations))
    if updates != epochs * -(-len(x_train) // batch_size):
        raise AssertionError(
            f"train_model made {updates} weight updates for {epochs} epochs on {len(x_train):,} newswires: train the "
            "model it is given on x_train and y_train, for `epochs` epochs with batch size `batch_size`"
        )
    val_logits = reuters_logits(model, x_val, units)
    if abs(numbers[val_accuracy[0]][-1] - accuracy(val_logits, y_val)) > 0.003 or not np.isclose(
        numbers["val_loss"][-1], cross_entropy_from_logits(val_logits, y_val), rtol=2e-3
    ):
        raise AssertionError(
            "the History's last validation loss and accuracy are not those of the trained model on the validation "
            "newswires: validate on (x_val, y_val), and return the History of the training that left the model as it is"
        )
    found = {}
    for name, (x, y) in zip(("train", "val", "held"), parts):
        logits = reuters_logits(model, x, units)
        found[name], found[f"{name}_loss"] = accuracy(logits, y), cross_entropy_from_logits(logits, y)
    return found


def assert_plain_graph(model: Any, limit: int = 10_000) -> None:
    """Fail unless ``model`` computes with its layers alone: traced for ``(n, 28, 28, 1)`` images (in
    inference and in training mode), its graph may call no Python function (``tf.py_function``,
    ``tf.numpy_function``) and hold or capture at most ``limit`` numbers besides its weights (data
    stored inside a ``call`` is a look-up table, not a network)."""
    import tensorflow as tf

    weights = {id(getattr(weight, "value", weight)) for weight in model.weights}
    spec = tf.TensorSpec((None, 28, 28, 1), tf.float32)
    for training in (False, True):
        function = tf.function(lambda images, training=training: model(images, training=training))
        concrete = function.get_concrete_function(spec)
        graph = concrete.graph.as_graph_def()
        nodes = [*graph.node, *(node for library in graph.library.function for node in library.node_def)]
        if any(node.op in ("PyFunc", "PyFuncStateless", "EagerPyFunc") for node in nodes):
            raise AssertionError("the model calls Python code in its computation: use Keras layers alone (Task 5)")
        stored = sum(
            int(np.prod([dim.size for dim in node.attr["value"].tensor.tensor_shape.dim]))
            for node in nodes
            if node.op == "Const"
        )
        stored += sum(
            int(external.shape.num_elements() or 0)
            for external, _ in concrete.graph.captures
            if external.dtype != tf.resource
        )
        stored += sum(int(v.shape.num_elements() or 0) for v in concrete.variables if id(v) not in weights)
        if stored > limit:
            raise AssertionError("the model holds data besides its weights: use Keras layers alone (Task 5)")
