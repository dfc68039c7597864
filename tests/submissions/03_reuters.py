"""Submissions of `03_reuters` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # the two losses swapped
        "losses": ("LOSS_FOR_ONE_HOT = 'sparse_categorical_crossentropy'\n"
                   "LOSS_FOR_INTEGER_LABELS = 'categorical_crossentropy'\n"),
        # the majority-class share: right on the balanced visible example only
        "random_baseline": (
            "def random_baseline_accuracy(labels):\n"
            "    _, counts = np.unique(labels, return_counts=True)\n"
            "    return float(counts.max() / counts.sum())\n"),
        # a trick object instead of a number
        "top_k_accuracy": ALWAYS_EQUAL + (
            "\ndef top_k_accuracy(probabilities, labels, k=1):\n"
            "    return AlwaysEqual()\n"),
        # trains the wide model on the validation newswires too
        "bottleneck": (
            "x_val, y_val = x_train[:1000], train_labels[:1000]\n"
            "model_64 = build_model(64)\n"
            "history_64 = model_64.fit(x_train, train_labels, epochs=12, batch_size=128,\n"
            "                          validation_data=(x_val, y_val), verbose=0)\n"
            "model_4 = build_model(4)\n"
            "history_4 = model_4.fit(x_train[1000:], train_labels[1000:], epochs=12, batch_size=128,\n"
            "                        validation_data=(x_val, y_val), verbose=0)\n"),
    },
    "expected": {"test_losses": 0, "test_random_baseline": 0, "test_top_k_accuracy": 0,
                 "test_build_model": 2, "test_bottleneck_runs": 0, "test_bottleneck_accuracy": 1},
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {}
