"""Submissions of `04_boston` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

_NORMALIZED = "x_train, x_test = normalize(train_data, test_data)\nfolds = kfold_indices(len(x_train), 4)\n"
# An honest cross-validation; the submissions below change one part of it.
_CROSS_VALIDATION = _NORMALIZED + (
    "fold_histories, all_mae_histories = [], []\n"
    "for fold_train, fold_val in folds:\n"
    "    history = build_model().fit(x_train[fold_train], train_targets[fold_train], epochs=20, batch_size=16,\n"
    "        validation_data=(x_train[fold_val], train_targets[fold_val]), verbose=0)\n"
    "    fold_histories.append(history)\n"
    "    all_mae_histories.append(history.history['val_mae'])\n"
)
_SELECTION = "average_mae = average_curves(all_mae_histories)\nbest_epochs = int(np.argmin(average_mae)) + 1\n"
_FINAL = (
    "final_model = build_model()\n"
    "final_model.fit(x_train, train_targets, epochs=best_epochs, batch_size=16, verbose=0)\n"
    "test_mse, test_mae = final_model.evaluate(x_test, test_targets, verbose=0)\n"
)

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # the test set standardized with its own statistics
        "normalize": (
            "def normalize(train, test):\n"
            "    train, test = np.asarray(train, float), np.asarray(test, float)\n"
            "    return ((train - train.mean(axis=0)) / train.std(axis=0),\n"
            "            (test - test.mean(axis=0)) / test.std(axis=0))\n"
        ),
        # equal folds of n // k: the remainder is never validated (fine for 12 and 4 only)
        "kfold_indices": (
            "def kfold_indices(n_samples, k):\n"
            "    size = n_samples // k\n"
            "    indices = np.arange(n_samples)\n"
            "    return [(np.concatenate([indices[:i * size], indices[(i + 1) * size:]]),\n"
            "             indices[i * size:(i + 1) * size]) for i in range(k)]\n"
        ),
        # the epoch counted from 0 (the task's own normalization, so no cascade from Task 1):
        # 20 epochs leave the curve falling, so the final model trains 19 epochs and is still fine
        "cross_validation": _CROSS_VALIDATION.replace(
            "x_train, x_test = normalize(train_data, test_data)\n",
            "mean, std = train_data.mean(axis=0), train_data.std(axis=0)\n"
            "x_train, x_test = (train_data - mean) / std, (test_data - mean) / std\n",
        )
        + "average_mae = average_curves(all_mae_histories)\n"
        "best_epochs = int(np.argmin(average_mae))\n" + _FINAL,
    },
    "expected": {
        "test_normalize": 0,
        "test_kfold_indices": 0,
        "test_curves": 1,
        "test_build_model": 1,
        "test_cross_validation": 1,
        "test_best_epochs": 0,
        "test_final_model": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # issue 10: four made-up validation curves instead of a cross-validation (one model,
    # trained once, its History handed in four times)
    "made_up_curves": {
        "answers": {
            "cross_validation": _NORMALIZED
            + (
                "history = build_model().fit(x_train, train_targets, epochs=20, batch_size=16,\n"
                "                            validation_split=0.25, verbose=0)\n"
                "fold_histories = [history] * 4\n"
                "rng = np.random.default_rng(0)\n"
                "all_mae_histories = [list(2.5 + 15 * np.exp(-np.arange(20) / 3) + rng.normal(0, 0.2, 20))\n"
                "                     for _ in range(4)]\n"
            )
            + _SELECTION
            + _FINAL
        },
        "zero": ["test_cross_validation"],
    },
    # each fold's model trained on its (small) validation part and validated on it: real
    # Histories and distinct models, but not a cross-validation
    "folds_trained_on_validation_part": {
        "answers": {
            "cross_validation": _CROSS_VALIDATION.replace(
                "fit(x_train[fold_train], train_targets[fold_train]", "fit(x_train[fold_val], train_targets[fold_val]"
            )
            + _SELECTION
            + _FINAL
        },
        "zero": ["test_cross_validation"],
    },
    # one model carried through all folds (it has seen every validation house by the last fold)
    "one_model_for_all_folds": {
        "answers": {
            "cross_validation": _CROSS_VALIDATION.replace(
                "fold_histories, all_mae_histories = [], []\n",
                "fold_histories, all_mae_histories = [], []\nshared_model = build_model()\n",
            ).replace("history = build_model().fit(", "history = shared_model.fit(")
            + _SELECTION
            + _FINAL
        },
        "zero": ["test_cross_validation"],
    },
    # the final model fitted to the test houses, with a batch size chosen so that it takes
    # exactly the optimizer steps of best_epochs epochs over the 404 training houses
    "final_model_fit_on_test_with_matching_steps": {
        "answers": {
            "cross_validation": _CROSS_VALIDATION
            + _SELECTION
            + (
                "final_model = build_model()\n"
                "final_model.fit(x_test, test_targets, epochs=best_epochs, batch_size=4, verbose=0)\n"
                "test_mse, test_mae = final_model.evaluate(x_test, test_targets, verbose=0)\n"
            )
        },
        "zero": ["test_final_model"],
    },
    # an honest final model, but a made-up test MAE reported
    "made_up_test_mae": {
        "answers": {"cross_validation": _CROSS_VALIDATION + _SELECTION + _FINAL + "test_mae = 2.1\n"},
        "zero": ["test_final_model"],
    },
}
