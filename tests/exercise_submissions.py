"""Plausible wrong submissions for the nbgrader round trips, one per assignment.

Each entry replaces some solution cells of the instructor's solution with a
mistake students make (or a trick), and states the score every autograded test
cell must then get. Solution cells not listed keep the instructor's answer; the
written answer is left untouched (nbgrader then scores it 0 without a grader).
"""

from __future__ import annotations

# An answer that claims to equal anything: no test may be fooled by it.
ALWAYS_EQUAL = '''
class AlwaysEqual:
    """Equal to everything, with whatever shape a test might ask for."""
    shape = property(lambda self: self._shape)
    def __init__(self, shape=()):
        self._shape = shape
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __bool__(self):
        return True
    def __len__(self):
        return self._shape[0] if self._shape else 1
    def __getattr__(self, name):
        return lambda *args, **kwargs: self
'''

WRONG: dict[str, dict] = {
    "01_mnist": {
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
    },
    "02_imdb": {
        "answers": {
            # counts words instead of marking them (a bag of words, not multi-hot)
            "vectorize_sequences": (
                "def vectorize_sequences(sequences, dimension=10000):\n"
                "    results = np.zeros((len(sequences), dimension), dtype='float32')\n"
                "    for i, sequence in enumerate(sequences):\n"
                "        np.add.at(results[i], np.asarray(sequence, dtype=int), 1.0)\n"
                "    return results\n"),
            # works on the dict of the visible test, not on a History object
            "best_epoch": (
                "def best_epoch(history):\n"
                "    return int(np.argmin(history['val_loss'])) + 1\n"),
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
                "test_loss, test_accuracy = final_model.evaluate(x_test, y_test, verbose=0)\n"),
        },
        "expected": {"test_vectorize_sequences": 0, "test_build_model": 2, "test_best_epoch": 0,
                     "test_validation_run": 1, "test_final_model": 0, "test_grid_search": 2},
    },
    "03_reuters": {
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
    },
    "04_boston": {
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
    },
    "05_regularization": {
        "answers": {
            # the penalty also on the output layer
            "build_model": (
                "def build_model(hidden_units=16, l2=None, dropout=None, input_dim=10000):\n"
                "    reg = keras.regularizers.L2(l2) if l2 is not None else None\n"
                "    model = keras.Sequential([keras.Input(shape=(input_dim,))])\n"
                "    for _ in range(2):\n"
                "        model.add(keras.layers.Dense(hidden_units, activation='relu', kernel_regularizer=reg))\n"
                "        if dropout is not None:\n"
                "            model.add(keras.layers.Dropout(dropout))\n"
                "    model.add(keras.layers.Dense(1, activation='sigmoid', kernel_regularizer=reg))\n"
                "    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"),
            # ignores l1: right on the visible (l2-only) example
            "weight_penalty": (
                "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
                "    return float(sum(l2 * np.sum(np.square(w)) for w in weights))\n"),
            # drops values but forgets to scale the survivors
            "inverted_dropout": (
                "def inverted_dropout(x, rate, rng):\n"
                "    return np.asarray(x) * (rng.random(np.shape(x)) >= rate)\n"),
            # leaves out the smaller network
            "experiment": (
                "histories = {}\n"
                "for name, options in {'baseline': {}, 'l2': {'l2': 0.001}, 'dropout': {'dropout': 0.5}}.items():\n"
                "    histories[name] = build_model(**options).fit(x_train, y_train, epochs=12, batch_size=128,\n"
                "                                                 validation_data=(x_val, y_val), verbose=0)\n"),
        },
        "expected": {"test_build_model": 1, "test_build_model_l2": 0, "test_build_model_dropout": 1,
                     "test_weight_penalty": 0, "test_inverted_dropout": 0, "test_experiment_runs": 0,
                     "test_experiment_effect": 1},
    },
    "06_convnets": {
        "answers": {
            # forgets the stride with "same" padding: right on the visible examples only
            "conv_output_size": (
                "def conv_output_size(size, kernel_size, stride=1, padding='valid'):\n"
                "    if padding == 'same':\n"
                "        return size\n"
                "    return (size - kernel_size) // stride + 1\n"),
            # a trick object passes the visible `==` checks, not the hidden ones
            "conv_params": ALWAYS_EQUAL + (
                "\ndef conv_params(in_channels, filters, kernel_size):\n"
                "    return AlwaysEqual()\n"),
            # builds the convnet but never trains it
            "build_convnet": (
                "def build_convnet():\n"
                "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
                "        keras.layers.Conv2D(32, 3, activation='relu'), keras.layers.MaxPooling2D(2),\n"
                "        keras.layers.Conv2D(64, 3, activation='relu'), keras.layers.MaxPooling2D(2),\n"
                "        keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
                "\n"
                "convnet = build_convnet()\n"),
        },
        "expected": {"test_conv_output_size": 0, "test_conv_params": 0, "test_max_pool": 2,
                     "test_convnet_spec": 0, "test_convnet_accuracy": 0, "test_convnet_shifted": 0},
    },
    "07_transfer": {
        "answers": {
            # counts the parameters of trainable layers: BatchNormalization's statistics slip in
            "count_trainable": (
                "def count_trainable_parameters(model):\n"
                "    return sum(layer.count_params() for layer in model.layers if layer.trainable)\n"),
            # the lecture's loop, repaired, but an unknown name silently freezes everything
            "freeze_before": (
                "def freeze_before(model, layer_name):\n"
                "    set_trainable = False\n"
                "    for layer in model.layers:\n"
                "        if layer.name == layer_name:\n"
                "            set_trainable = True\n"
                "        layer.trainable = set_trainable\n"),
            # forgets to freeze the base
            "build_transfer_model": (
                "def build_transfer_model(base):\n"
                "    model = keras.Sequential([base, keras.layers.Flatten(),\n"
                "        keras.layers.Dense(256, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),\n"
                "                  loss='binary_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"),
        },
        "expected": {"test_count_trainable": 0, "test_freeze_before": 0, "test_build_transfer_model": 0,
                     "test_make_augmentation": 1, "test_transfer_spec": 1, "test_transfer_accuracy": 1},
    },
}


def cheating_answers(solution_code: dict[str, str]) -> dict[str, str]:
    """Every function of the solution replaced by one returning an ``AlwaysEqual``.

    Solution cells without a function are left unanswered. No test cell may give
    such a submission a single point.
    """
    import re

    answers = {}
    for grade_id, text in solution_code.items():
        names = re.findall(r"^def (\w+)\(", text, flags=re.MULTILINE)
        if names:
            answers[grade_id] = ALWAYS_EQUAL + "".join(
                f"\ndef {name}(*args, **kwargs):\n    return AlwaysEqual((3, 10))\n" for name in names)
    return answers
