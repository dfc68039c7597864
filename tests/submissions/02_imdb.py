"""Submissions of `02_imdb` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # counts words instead of marking them (a bag of words, not multi-hot)
        "vectorize_sequences": (
            "def vectorize_sequences(sequences, dimension=10000):\n"
            "    results = np.zeros((len(sequences), dimension), dtype='float32')\n"
            "    for i, sequence in enumerate(sequences):\n"
            "        np.add.at(results[i], np.asarray(sequence, dtype=int), 1.0)\n"
            "    return results\n"
        ),
        # works on the dict of the visible test, not on a History object
        "best_epoch": ("def best_epoch(history):\n    return int(np.argmin(history['val_loss'])) + 1\n"),
        # never retrains on all the training data
        "model_selection": (
            "x_val, partial_x_train = x_train[:1000], x_train[1000:]\n"
            "y_val, partial_y_train = y_train[:1000], y_train[1000:]\n"
            "model = build_model()\n"
            "history = model.fit(partial_x_train, partial_y_train, epochs=10, batch_size=128,\n"
            "                    validation_data=(x_val, y_val), verbose=0)\n"
            "chosen_epochs = int(np.argmin(history.history['val_loss'])) + 1\n"
            "final_model = build_model()\n"
            "final_model.fit(partial_x_train, partial_y_train, epochs=chosen_epochs, batch_size=128, verbose=0)\n"
            "test_loss, test_accuracy = final_model.evaluate(x_test, y_test, verbose=0)\n"
        ),
    },
    "expected": {
        "test_vectorize_sequences": 0,
        "test_build_model": 2,
        "test_best_epoch": 0,
        "test_validation_run": 1,
        "test_final_model": 0,
        "test_make_classifier": 1,
        "test_grid_search": 1,
    },
}

# Task 4 as the solution writes it, in pieces that the gaming submissions swap.
SPLIT = (
    "x_val, partial_x_train = x_train[:1000], x_train[1000:]\n"
    "y_val, partial_y_train = y_train[:1000], y_train[1000:]\n"
    "model = build_model()\n"
)
VALIDATE = (
    "history = model.fit(partial_x_train, partial_y_train, epochs=10, batch_size=128,\n"
    "                    validation_data=(x_val, y_val), verbose=0)\n"
    "chosen_epochs = best_epoch(history)\n"
)
RETRAIN = (
    "final_model = build_model()\nfinal_model.fit(x_train, y_train, epochs=chosen_epochs, batch_size=128, verbose=0)\n"
)
EVALUATE = "test_loss, test_accuracy = final_model.evaluate(x_test, y_test, verbose=0)\n"

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # the "write it yourself" task answered by the book's own function
    "lib-multi-hot": {
        "answers": {
            "vectorize_sequences": (
                "from lib.text import multi_hot\n\n\n"
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    return multi_hot(sequences, dimension=dimension)\n"
            )
        },
        "zero": ["test_vectorize_sequences"],
    },
    # ... or by scikit-learn's
    "sklearn-multi-hot": {
        "answers": {
            "vectorize_sequences": (
                "from sklearn.preprocessing import MultiLabelBinarizer\n\n\n"
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    binarizer = MultiLabelBinarizer(classes=list(range(dimension)))\n"
                "    return binarizer.fit_transform([list(s) for s in sequences]).astype('float32')\n"
            )
        },
        "zero": ["test_vectorize_sequences"],
    },
    # the number of epochs chosen on the test set: the "validation" curve is the test curve
    "epochs-on-test": {
        "answers": {
            "model_selection": SPLIT
            + (
                "history = model.fit(partial_x_train, partial_y_train, epochs=10, batch_size=128,\n"
                "                    validation_data=(x_test, y_test), verbose=0)\n"
                "chosen_epochs = best_epoch(history)\n"
            )
            + RETRAIN
            + EVALUATE
        },
        "zero": ["test_validation_run", "test_final_model"],
    },
    # the final model also trained on the test reviews
    "final-on-test": {
        "answers": {
            "model_selection": SPLIT
            + VALIDATE
            + (
                "final_model = build_model()\n"
                "final_model.fit(np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test]),\n"
                "                epochs=chosen_epochs, batch_size=128, verbose=0)\n"
            )
            + EVALUATE
        },
        "zero": ["test_final_model"],
    },
    # the notebook's test labels replaced by the model's own predictions: a perfect "test accuracy"
    "overwritten-test-labels": {
        "answers": {
            "model_selection": SPLIT
            + VALIDATE
            + RETRAIN
            + (
                "test_labels = (final_model.predict(x_test, verbose=0).ravel() > 0.5).astype('float32')\n"
                "y_test = test_labels\n"
            )
            + EVALUATE
        },
        "zero": ["test_final_model"],
    },
}
