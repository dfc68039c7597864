"""Submissions of `04_boston` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# The instructor's answers to Tasks 5 and 6, which the submissions below change in one place each.
_CROSS_VALIDATE = (
    "def cross_validate(features, targets, folds, epochs, batch_size=16):\n"
    "    histories = []\n"
    "    for train_idx, val_idx in folds:\n"
    "        x_fold_train, x_fold_val = normalize(features[train_idx], features[val_idx])\n"
    "        model = build_model(features.shape[1])\n"
    "        history = model.fit(x_fold_train, targets[train_idx], epochs=epochs, batch_size=batch_size,\n"
    "                            validation_data=(x_fold_val, targets[val_idx]), verbose=0)\n"
    "        histories.append(history)\n"
    "    return histories\n"
)
_CHOOSE = (
    "def choose_epochs(histories):\n"
    "    average = average_curves([history.history['val_mae'] for history in histories])\n"
    "    return int(np.argmin(average)) + 1\n"
)
_RETRAIN = (
    "def retrain(x, y, epochs, batch_size=16):\n"
    "    model = build_model(x.shape[1])\n"
    "    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)\n"
    "    return model\n"
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
        # every fold normalized once with the statistics of all rows (its validation part included);
        # the fold models still learn, and the duplicated-houses check (same statistics) still passes
        "cross_validate": (
            "def cross_validate(features, targets, folds, epochs, batch_size=16):\n"
            "    mean, std = features.mean(axis=0), features.std(axis=0)\n"
            "    x = (features - mean) / std\n"
            "    histories = []\n"
            "    for train_idx, val_idx in folds:\n"
            "        model = build_model(features.shape[1])\n"
            "        histories.append(model.fit(x[train_idx], targets[train_idx], epochs=epochs,\n"
            "                                   batch_size=batch_size, verbose=0,\n"
            "                                   validation_data=(x[val_idx], targets[val_idx])))\n"
            "    return histories\n"
        ),
        # the epoch counted from 0; retrain is the instructor's
        "choose_and_retrain": _CHOOSE.replace("int(np.argmin(average)) + 1", "int(np.argmin(average))") + _RETRAIN,
    },
    "expected": {
        "test_normalize": 0,
        "test_kfold_indices": 0,
        "test_curves": 1,
        "test_build_model": 1,
        "test_cross_validate": 0,
        "test_cross_validate_unseen": 1,
        "test_choose_epochs": 0,
        "test_retrain": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # statistics of train + test together (the test set leaks into both normalized sets)
    "normalize_with_train_and_test": {
        "answers": {
            "normalize": (
                "def normalize(train, test):\n"
                "    both = np.concatenate([train, test])\n"
                "    mean, std = both.mean(axis=0), both.std(axis=0)\n"
                "    return (np.asarray(train, float) - mean) / std, (np.asarray(test, float) - mean) / std\n"
            )
        },
        "zero": ["test_normalize"],
    },
    # an honest-looking fit per fold, then the weights of a model trained on all rows of the
    # fold (training and validation part, longer) copied in: optimizer steps and History look right
    "fold_weights_trained_on_all_rows": {
        "answers": {
            "cross_validate": _CROSS_VALIDATE.replace(
                "        histories.append(history)\n",
                "        x_all = np.concatenate([x_fold_train, x_fold_val])\n"
                "        y_all = np.concatenate([targets[train_idx], targets[val_idx]])\n"
                "        better = build_model(features.shape[1])\n"
                "        better.fit(x_all, y_all, epochs=2 * epochs, batch_size=batch_size, verbose=0)\n"
                "        model.set_weights(better.get_weights())\n"
                "        histories.append(history)\n",
            )
        },
        "zero": ["test_cross_validate_unseen"],
    },
    # each fold's model trained on its training part and then on its validation part too,
    # with a batch size stretched so that the optimizer takes the steps of the training part alone
    "folds_also_fit_validation_part": {
        "answers": {
            "cross_validate": _CROSS_VALIDATE.replace(
                "        history = model.fit(x_fold_train, targets[train_idx], epochs=epochs, batch_size=batch_size,\n",
                "        steps = int(np.ceil(len(train_idx) / batch_size))\n"
                "        x_all = np.concatenate([x_fold_train, x_fold_val])\n"
                "        y_all = np.concatenate([targets[train_idx], targets[val_idx]])\n"
                "        history = model.fit(x_all, y_all, epochs=epochs, batch_size=int(np.ceil(len(x_all) / steps)),\n",
            ).replace(
                "validation_data=(x_fold_val, targets[val_idx]), verbose=0)",
                "validation_data=(x_fold_val, targets[val_idx]), verbose=0, shuffle=True)",
            )
        },
        "zero": ["test_cross_validate_unseen"],
    },
    # honest fold runs returned at once, then a background thread swaps in the weights of models
    # trained on each fold's training and validation parts, after the grader's call has returned
    "late_weights_from_a_thread": {
        "answers": {
            "cross_validate": _CROSS_VALIDATE.replace(
                "    return histories\n",
                "    import threading, time\n"
                "    def swap_later():\n"
                "        time.sleep(1.0)\n"
                "        for (train_idx, val_idx), history in zip(folds, histories):\n"
                "            a, b = normalize(features[train_idx], features[val_idx])\n"
                "            better = build_model(features.shape[1])\n"
                "            better.fit(np.concatenate([a, b]), np.concatenate([targets[train_idx], targets[val_idx]]),\n"
                "                       epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "            history.model.set_weights(better.get_weights())\n"
                "    threading.Thread(target=swap_later, daemon=True).start()\n"
                "    return histories\n",
            )
        },
        "zero": ["test_cross_validate", "test_cross_validate_unseen"],
    },
    # the epochs chosen where the training MAE is lowest (not on the validation folds)
    "choose_epochs_on_training_mae": {
        "answers": {
            "choose_and_retrain": _CHOOSE.replace("history.history['val_mae']", "history.history['mae']") + _RETRAIN
        },
        "zero": ["test_choose_epochs"],
    },
    # the returned model carries the weights of a model trained five times as long; its own
    # optimizer took exactly the asked steps
    "retrain_longer_and_copy_weights": {
        "answers": {
            "choose_and_retrain": _CHOOSE
            + _RETRAIN.replace(
                "    return model\n",
                "    longer = build_model(x.shape[1])\n"
                "    longer.fit(x, y, epochs=5 * epochs, batch_size=batch_size, verbose=0)\n"
                "    model.set_weights(longer.get_weights())\n"
                "    return model\n",
            )
        },
        "zero": ["test_retrain"],
    },
    # the returned model trained for the right steps on shuffled prices (useless), and
    # keras.Model.predict replaced at class level inside retrain: every model then answers with the
    # predictions of a model trained 5 times as long
    "patched_predict_class_method": {
        "answers": {
            "choose_and_retrain": _CHOOSE
            + (
                "_genuine_predict = keras.Model.predict\n"
                "_better = {}\n"
                "def _predict(self, x, *args, **kwargs):\n"
                "    if 'model' in _better and np.shape(x)[-1] == _better['n']:\n"
                "        return _genuine_predict(_better['model'], x, *args, **kwargs)\n"
                "    return _genuine_predict(self, x, *args, **kwargs)\n"
                "def retrain(x, y, epochs, batch_size=16):\n"
                "    model = build_model(x.shape[1])\n"
                "    model.fit(x, np.random.permutation(y), epochs=epochs, batch_size=batch_size, verbose=0)\n"
                "    longer = build_model(x.shape[1])\n"
                "    longer.fit(x, y, epochs=5 * epochs, batch_size=batch_size, verbose=0)\n"
                "    _better.update(model=longer, n=x.shape[1])\n"
                "    keras.Model.predict = _predict\n"
                "    return model\n"
            )
        },
        "zero": ["test_retrain"],
    },
}

# Independent correct solutions written from the student notebook and chapter 4 alone: each must
# get full marks on every autograded cell.
HONEST: dict[str, dict] = {
    # the functional API, compiled with loss and metric objects; keras.layers.Normalization for Task 1;
    # shuffled folds; a cross-validation loop with enumerate and explicit keyword arguments
    "functional_api": {
        "answers": {
            "normalize": (
                "def normalize(train, test):\n"
                "    layer = keras.layers.Normalization()\n"
                "    layer.adapt(np.asarray(train, dtype='float32'))\n"
                "    return (np.asarray(layer(np.asarray(train, dtype='float32'))),\n"
                "            np.asarray(layer(np.asarray(test, dtype='float32'))))\n"
            ),
            "kfold_indices": (
                "def kfold_indices(n_samples, k):\n"
                "    order = np.random.permutation(n_samples)\n"
                "    pairs = []\n"
                "    for part in np.array_split(order, k):\n"
                "        pairs.append((np.setdiff1d(order, part), np.sort(part)))\n"
                "    return pairs\n"
            ),
            "build_model": (
                "def build_model(n_features=13):\n"
                "    inputs = keras.Input(shape=(n_features,))\n"
                "    hidden = keras.layers.Dense(64, activation='relu')(inputs)\n"
                "    hidden = keras.layers.Dense(64, activation='relu')(hidden)\n"
                "    outputs = keras.layers.Dense(1)(hidden)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),\n"
                "                  loss=keras.losses.MeanSquaredError(), metrics=['mae'])\n"
                "    return model\n"
            ),
            "cross_validate": (
                "def cross_validate(features, targets, folds, epochs, batch_size=16):\n"
                "    features, targets = np.asarray(features), np.asarray(targets)\n"
                "    histories = []\n"
                "    for fold, (train_idx, val_idx) in enumerate(folds):\n"
                "        x_tr, x_val = normalize(features[train_idx], features[val_idx])\n"
                "        model = build_model(n_features=features.shape[1])\n"
                "        histories.append(model.fit(x=x_tr, y=targets[train_idx], batch_size=batch_size,\n"
                "                                   epochs=epochs, verbose=0, shuffle=True,\n"
                "                                   validation_data=(x_val, targets[val_idx])))\n"
                "    return histories\n"
            ),
            "question_leakage": (
                "(a) The mean and spread of all 506 houses include the test houses, so the features the network "
                "learns from already carry information about them; the test MAE is then measured on houses that "
                "were not really unseen and is likely too optimistic. (b) With 404 houses one validation split "
                "of about 100 is a noisy estimate that depends on which houses it holds; K folds use every house "
                "once for validation and average. The fold curves differ because each fold validates on other, "
                "few houses and each network starts from other random weights."
            ),
        }
    },
    # a subclassed model with separate ReLU layers, interleaved folds, vectorised smoothing,
    # the mean done by hand, pure-Python epoch choice, a tf.data pipeline for retraining
    "subclassed_and_loops": {
        "answers": {
            "normalize": (
                "def normalize(train, test):\n"
                "    train = np.array(train, dtype=np.float32)\n"
                "    test = np.array(test, dtype=np.float32)\n"
                "    mu = train.sum(axis=0) / len(train)\n"
                "    sigma = np.sqrt(((train - mu) ** 2).sum(axis=0) / len(train))\n"
                "    return (train - mu) / sigma, (test - mu) / sigma\n"
            ),
            "kfold_indices": (
                "def kfold_indices(n_samples, k):\n"
                "    everything = np.arange(n_samples)\n"
                "    result = []\n"
                "    for i in range(k):\n"
                "        validation = everything[i::k]\n"
                "        training = everything[np.arange(n_samples) % k != i]\n"
                "        result.append((training, validation))\n"
                "    return result\n"
            ),
            "curves": (
                "def average_curves(curves):\n"
                "    total = np.zeros(len(curves[0]))\n"
                "    for curve in curves:\n"
                "        total = total + np.asarray(curve, dtype=float)\n"
                "    return total / len(curves)\n"
                "\n"
                "def smooth_curve(points, factor=0.9):\n"
                "    points = np.asarray(points, dtype=float)\n"
                "    out = np.empty_like(points)\n"
                "    for i, p in enumerate(points):\n"
                "        out[i] = p if i == 0 else out[i - 1] * factor + p * (1 - factor)\n"
                "    return out\n"
            ),
            "build_model": (
                "class HouseNet(keras.Model):\n"
                "    def __init__(self, n_features):\n"
                "        super().__init__()\n"
                "        self.first = keras.layers.Dense(64)\n"
                "        self.relu1 = keras.layers.ReLU()\n"
                "        self.second = keras.layers.Dense(64)\n"
                "        self.relu2 = keras.layers.ReLU()\n"
                "        self.price = keras.layers.Dense(1, activation=None)\n"
                "        self.build((None, n_features))\n"
                "\n"
                "    def call(self, x):\n"
                "        return self.price(self.relu2(self.second(self.relu1(self.first(x)))))\n"
                "\n"
                "def build_model(n_features=13):\n"
                "    net = HouseNet(n_features)\n"
                "    net.compile(optimizer='rmsprop', loss='mean_squared_error', metrics=['mae'])\n"
                "    return net\n"
            ),
            "cross_validate": (
                "def cross_validate(features, targets, folds, epochs, batch_size=16):\n"
                "    def one_fold(pair):\n"
                "        tr, va = pair\n"
                "        a, b = normalize(features[tr], features[va])\n"
                "        m = build_model(a.shape[1])\n"
                "        return m.fit(a, targets[tr], batch_size=batch_size, epochs=epochs,\n"
                "                     validation_data=(b, targets[va]), verbose=0)\n"
                "    return [one_fold(pair) for pair in folds]\n"
            ),
            "choose_and_retrain": (
                "def choose_epochs(histories):\n"
                "    mean_curve = list(average_curves([h.history['val_mae'] for h in histories]))\n"
                "    return mean_curve.index(min(mean_curve)) + 1\n"
                "\n"
                "def retrain(x, y, epochs, batch_size=16):\n"
                "    import tensorflow as tf\n"
                "    data = tf.data.Dataset.from_tensor_slices((np.asarray(x, 'float32'), np.asarray(y, 'float32')))\n"
                "    data = data.shuffle(len(x)).batch(batch_size)\n"
                "    model = build_model(n_features=np.shape(x)[1])\n"
                "    model.fit(data, epochs=epochs, verbose=0)\n"
                "    return model\n"
            ),
            "question_leakage": (
                "Normalizing with statistics of train and test together lets the test set shape what the model "
                "trains on: information leaks, so the reported error is no honest estimate for new houses. "
                "Cross-validation is used because the data are few: a single validation split would be small and "
                "its score would depend on luck; averaging over folds is steadier. The curves of the folds differ "
                "since the validation houses differ from fold to fold (some are unusual) and the initial weights "
                "are random."
            ),
        }
    },
}

# The pair also graded with plain `nbgrader autograde` (no sandbox, no integrity guard): the
# hidden test of Task 6 stops this cheat by itself (its 1-epoch check).
PLAIN = {"gaming": "retrain_longer_and_copy_weights", "honest": "functional_api"}
