"""Submissions of `04_boston` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # the test set standardized with its own statistics
        "normalize": (
            "def normalize(train, test):\n"
            "    train, test = np.asarray(train, float), np.asarray(test, float)\n"
            "    return ((train - train.mean(axis=0)) / train.std(axis=0),\n"
            "            (test - test.mean(axis=0)) / test.std(axis=0))\n"),
        # equal folds of n // k: the remainder is never validated (fine for 12 and 4 only)
        "kfold_indices": (
            "def kfold_indices(n_samples, k):\n"
            "    size = n_samples // k\n"
            "    indices = np.arange(n_samples)\n"
            "    return [(np.concatenate([indices[:i * size], indices[(i + 1) * size:]]),\n"
            "             indices[i * size:(i + 1) * size]) for i in range(k)]\n"),
        # the epoch counted from 0
        "cross_validation": (
            "mean, std = train_data.mean(axis=0), train_data.std(axis=0)\n"
            "x_train, x_test = (train_data - mean) / std, (test_data - mean) / std\n"
            "all_mae_histories = []\n"
            "for fold_train, fold_val in kfold_indices(len(x_train), 4):\n"
            "    history = build_model().fit(x_train[fold_train], train_targets[fold_train], epochs=20,\n"
            "        batch_size=16, validation_data=(x_train[fold_val], train_targets[fold_val]), verbose=0)\n"
            "    all_mae_histories.append(history.history['val_mae'])\n"
            "average_mae = average_curves(all_mae_histories)\n"
            "best_epochs = int(np.argmin(average_mae))\n"
            "final_model = build_model()\n"
            "final_model.fit(x_train, train_targets, epochs=best_epochs, batch_size=16, verbose=0)\n"
            "test_mse, test_mae = final_model.evaluate(x_test, test_targets, verbose=0)\n"),
    },
    "expected": {"test_normalize": 0, "test_kfold_indices": 0, "test_curves": 1, "test_build_model": 1,
                 "test_cross_validation": 1, "test_best_epochs": 0, "test_final_model": 1},
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {}
