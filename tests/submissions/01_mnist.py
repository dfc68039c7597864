"""Submissions of `01_mnist` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # forgets the float32 conversion (the visible test already says so)
        "preprocess_images": (
            "def preprocess_images(images):\n"
            "    return images.reshape(len(images), 28 * 28) / 255\n"),
        # a trick object instead of an array
        "encode_labels": ALWAYS_EQUAL + (
            "\ndef encode_labels(labels, num_classes=10):\n"
            "    return AlwaysEqual((len(labels), num_classes))\n"),
        # sums instead of averaging: right on the one-example visible test only
        "cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n"
            "    return float(-np.sum(np.asarray(y_true) * np.log(y_pred)))\n"),
        # reports the last training accuracy as the test accuracy
        "train_and_evaluate": (
            "x_train = preprocess_images(train_images).astype('float32')\n"
            "y_train = keras.utils.to_categorical(train_labels, num_classes=10)\n"
            "model = build_model()\n"
            "history = model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)\n"
            "test_accuracy = history.history['accuracy'][-1]\n"),
    },
    "expected": {"test_preprocess_images": 0, "test_encode_labels": 0, "test_cross_entropy": 0,
                 "test_build_model": 2, "test_trained_model": 1, "test_reported_accuracy": 0},
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {}
