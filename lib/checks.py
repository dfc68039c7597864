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
