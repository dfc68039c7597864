"""Submissions of `03_reuters` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# The validation split of Task 5, shared by the submissions below.
_SPLIT = (
    "x_val, partial_x_train = x_train[:1000], x_train[1000:]\n"
    "y_val, partial_y_train = train_labels[:1000], train_labels[1000:]\n"
)
_MODEL_4 = (
    "model_4 = build_model(4)\n"
    "history_4 = model_4.fit(partial_x_train, partial_y_train, epochs=12, batch_size=128,\n"
    "                        validation_data=(x_val, y_val), verbose=0)\n"
)
# model_64 trained on shuffled labels: it learns nothing about the topics
_SHUFFLED_64 = _SPLIT + (
    "shuffled = np.random.default_rng(0).permutation(partial_y_train)\n"
    "model_64 = build_model(64)\n"
    "history_64 = model_64.fit(partial_x_train, shuffled, epochs=12, batch_size=128,\n"
    "                          validation_data=(x_val, y_val), verbose=0)\n"
)

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # the two losses swapped
        "losses": (
            "LOSS_FOR_ONE_HOT = 'sparse_categorical_crossentropy'\n"
            "LOSS_FOR_INTEGER_LABELS = 'categorical_crossentropy'\n"
        ),
        # the majority-class share: right on the balanced visible example only
        "random_baseline": (
            "def random_baseline_accuracy(labels):\n"
            "    _, counts = np.unique(labels, return_counts=True)\n"
            "    return float(counts.max() / counts.sum())\n"
        ),
        # a trick object instead of a number
        "top_k_accuracy": ALWAYS_EQUAL
        + ("\ndef top_k_accuracy(probabilities, labels, k=1):\n    return AlwaysEqual()\n"),
        # trains the wide model on the validation newswires too: it still generalizes (test
        # accuracy ~0.74, far above 0.65) but was not trained as asked (384 steps, not 288)
        "bottleneck": (
            "x_val, y_val = x_train[:1000], train_labels[:1000]\n"
            "model_64 = build_model(64)\n"
            "history_64 = model_64.fit(x_train, train_labels, epochs=12, batch_size=128,\n"
            "                          validation_data=(x_val, y_val), verbose=0)\n"
            "model_4 = build_model(4)\n"
            "history_4 = model_4.fit(x_train[1000:], train_labels[1000:], epochs=12, batch_size=128,\n"
            "                        validation_data=(x_val, y_val), verbose=0)\n"
        ),
    },
    "expected": {
        "test_losses": 0,
        "test_random_baseline": 0,
        "test_top_k_accuracy": 0,
        "test_build_model": 2,
        "test_bottleneck_runs": 0,
        "test_bottleneck_accuracy": 1,
        "test_bottleneck_gap": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # issue 10: trained on shuffled labels, then the global test labels replaced by the model's
    # own predictions, so any accuracy computed from the notebook's globals is perfect
    "shuffled_labels_overwrite_test_labels": {
        "answers": {
            "bottleneck": _SHUFFLED_64
            + (
                "model_4 = build_model(4)\n"
                "history_4 = model_4.fit(partial_x_train, shuffled, epochs=12, batch_size=128,\n"
                "                        validation_data=(x_val, y_val), verbose=0)\n"
                "test_labels = model_64.predict(x_test, verbose=0).argmax(axis=1)\n"
                "train_labels = np.concatenate([y_val, model_64.predict(partial_x_train, verbose=0).argmax(axis=1)])\n"
            )
        },
        "zero": ["test_bottleneck_runs", "test_bottleneck_accuracy", "test_bottleneck_gap"],
    },
    # model_64 trained on the test set, with a batch size chosen so that 12 epochs over the
    # 2,246 test newswires take exactly the 288 optimizer steps of honest training
    "train_on_test_with_matching_steps": {
        "answers": {
            "bottleneck": _SPLIT
            + (
                "model_64 = build_model(64)\n"
                "history_64 = model_64.fit(x_test, test_labels, epochs=12, batch_size=94,\n"
                "                          validation_data=(x_val, y_val), verbose=0)\n"
            )
            + _MODEL_4
        },
        "zero": ["test_bottleneck_runs", "test_bottleneck_accuracy"],
    },
    # honest models, but made-up validation curves instead of the histories fit returns
    "made_up_histories": {
        "answers": {
            "bottleneck": _SPLIT
            + (
                "model_64, model_4 = build_model(64), build_model(4)\n"
                "model_64.fit(partial_x_train, partial_y_train, epochs=12, batch_size=128, verbose=0)\n"
                "model_4.fit(partial_x_train, partial_y_train, epochs=12, batch_size=128, verbose=0)\n"
                "class MadeUpHistory:\n"
                "    def __init__(self, model, top):\n"
                "        self.model, self.epoch = model, list(range(12))\n"
                "        self.history = {'val_accuracy': list(np.linspace(0.3, top, 12)),\n"
                "                        'val_loss': list(np.linspace(3.0, 1.0, 12))}\n"
                "history_64, history_4 = MadeUpHistory(model_64, 0.8), MadeUpHistory(model_4, 0.6)\n"
            )
        },
        "zero": ["test_bottleneck_runs"],
    },
    # the shuffled-label model of the first submission, with the loaders that hidden tests use patched
    # to return its own predictions as labels, and importlib.reload and lib.checks disabled so that
    # the tests cannot load the genuine ones again (the grader restores both before every test cell)
    "patched_loader_and_reload": {
        "answers": {
            "bottleneck": _SHUFFLED_64
            + _MODEL_4
            + (
                "import importlib\n"
                "import lib.checks\n"
                "import lib.data\n"
                "genuine_load_reuters = lib.data.load_reuters\n"
                "def load_reuters(*args, **kwargs):\n"
                "    (train, train_y), (test, _) = genuine_load_reuters(*args, **kwargs)\n"
                "    train_y = train_y.copy()\n"
                "    train_y[:4000] = model_64.predict(x_train, verbose=0).argmax(axis=1)\n"
                "    return (train, train_y), (test, model_64.predict(x_test, verbose=0).argmax(axis=1))\n"
                "lib.data.load_reuters = load_reuters\n"
                "lib.checks.fresh_data = lambda: lib.data\n"
                "importlib.reload = lambda module: module\n"
                "test_labels = model_64.predict(x_test, verbose=0).argmax(axis=1)\n"
                "train_labels = model_64.predict(x_train, verbose=0).argmax(axis=1)\n"
            )
        },
        "zero": ["test_bottleneck_runs", "test_bottleneck_accuracy", "test_bottleneck_gap"],
    },
    # no bottleneck at all: "model_4" is a second wide model, trained as asked
    "model_4_without_bottleneck": {
        "answers": {
            "bottleneck": _SPLIT
            + (
                "model_64 = build_model(64)\n"
                "history_64 = model_64.fit(partial_x_train, partial_y_train, epochs=12, batch_size=128,\n"
                "                          validation_data=(x_val, y_val), verbose=0)\n"
                "model_4 = build_model(64)\n"
                "history_4 = model_4.fit(partial_x_train, partial_y_train, epochs=12, batch_size=128,\n"
                "                        validation_data=(x_val, y_val), verbose=0)\n"
            )
        },
        "zero": ["test_bottleneck_runs", "test_bottleneck_gap"],
    },
}
