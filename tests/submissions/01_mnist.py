"""Submissions of `01_mnist` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # forgets the float32 conversion (the visible test already says so)
        "preprocess_images": (
            "def preprocess_images(images):\n    return images.reshape(len(images), 28 * 28) / 255\n"
        ),
        # a trick object instead of an array
        "encode_labels": ALWAYS_EQUAL
        + ("\ndef encode_labels(labels, num_classes=10):\n    return AlwaysEqual((len(labels), num_classes))\n"),
        # sums instead of averaging: right on the one-example visible tests only
        "cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n    return float(-np.sum(np.asarray(y_true) * np.log(y_pred)))\n"
        ),
        # reports the last training accuracy as the test accuracy
        "train_and_evaluate": (
            "x_train = preprocess_images(train_images).astype('float32')\n"
            "y_train = keras.utils.to_categorical(train_labels, num_classes=10)\n"
            "model = build_model()\n"
            "history = model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)\n"
            "test_accuracy = history.history['accuracy'][-1]\n"
        ),
    },
    "expected": {
        "test_preprocess_images": 0,
        "test_encode_labels": 0,
        "test_cross_entropy": 0,
        "test_build_model": 2,
        "test_trained_model": 1,
        "test_reported_accuracy": 0,
    },
}

# Task 5 as the solution writes it, with one line swapped in at the marked places.
HONEST_PREPARATION = (
    "x_train = preprocess_images(train_images)\n"
    "x_test = preprocess_images(test_images)\n"
    "y_train = encode_labels(train_labels)\n"
    "y_test = encode_labels(test_labels)\n"
    "model = build_model()\n"
)
TRAIN_ON_BOTH = "x_both = np.concatenate([x_train, x_test])\ny_both = np.concatenate([y_train, y_test])\n"
EVALUATE = "test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)\n"

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # the "by hand" task answered by Keras's own loss
    "keras-cross-entropy": {
        "answers": {
            "cross_entropy": (
                "def cross_entropy(y_true, y_pred):\n"
                "    return float(np.mean(keras.losses.categorical_crossentropy(y_true, y_pred)))\n"
            )
        },
        "zero": ["test_cross_entropy"],
    },
    # Keras again, on log-probabilities as logits: no clipping, so the numbers are exact
    "keras-from-logits": {
        "answers": {
            "cross_entropy": (
                "def cross_entropy(y_true, y_pred):\n"
                "    logits = np.log(np.asarray(y_pred, dtype='float64'))\n"
                "    losses = keras.losses.categorical_crossentropy(np.asarray(y_true, dtype='float64'), logits,\n"
                "                                                  from_logits=True)\n"
                "    return float(np.mean(keras.ops.convert_to_numpy(losses)))\n"
            )
        },
        "zero": ["test_cross_entropy"],
    },
    # the model trained on the training and the test images
    "train-on-test": {
        "answers": {
            "train_and_evaluate": HONEST_PREPARATION
            + TRAIN_ON_BOTH
            + ("history = model.fit(x_both, y_both, epochs=5, batch_size=128, verbose=0)\n")
            + EVALUATE
        },
        "zero": ["test_trained_model"],
    },
    # train + test in batches of 160: the same 160 weight updates as the honest run
    "train-on-test-same-updates": {
        "answers": {
            "train_and_evaluate": HONEST_PREPARATION
            + TRAIN_ON_BOTH
            + ("history = model.fit(x_both, y_both, epochs=5, batch_size=160, verbose=0)\n")
            + EVALUATE
        },
        "zero": ["test_trained_model"],
    },
    # train + test, then the optimizer's update counter set to what the honest run shows
    "train-on-test-fake-counter": {
        "answers": {
            "train_and_evaluate": HONEST_PREPARATION
            + TRAIN_ON_BOTH
            + (
                "history = model.fit(x_both, y_both, epochs=5, batch_size=128, verbose=0)\n"
                "model.optimizer.iterations.assign(160)\n"
            )
            + EVALUATE
        },
        "zero": ["test_trained_model"],
    },
    # an honest model, but a made-up test accuracy
    "made-up-accuracy": {
        "answers": {
            "train_and_evaluate": HONEST_PREPARATION
            + ("history = model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)\ntest_accuracy = 0.985\n")
        },
        "zero": ["test_reported_accuracy"],
    },
    # the notebook's test set replaced by training images, so the reported accuracy looks better
    "overwritten-test-set": {
        "answers": {
            "train_and_evaluate": HONEST_PREPARATION
            + (
                "history = model.fit(x_train, y_train, epochs=5, batch_size=128, verbose=0)\n"
                "test_images, test_labels = train_images[:1000], train_labels[:1000]\n"
                "x_test, y_test = preprocess_images(test_images), encode_labels(test_labels)\n"
            )
            + EVALUATE
        },
        "zero": ["test_reported_accuracy"],
    },
}
