"""Submissions of `05_regularization` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
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
            "    return model\n"
        ),
        # ignores l1: right on the visible (l2-only) example
        "weight_penalty": (
            "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
            "    return float(sum(l2 * np.sum(np.square(w)) for w in weights))\n"
        ),
        # drops values but forgets to scale the survivors
        "inverted_dropout": (
            "def inverted_dropout(x, rate, rng):\n    return np.asarray(x) * (rng.random(np.shape(x)) >= rate)\n"
        ),
        # leaves out the smaller network
        "experiment": (
            "histories = {}\n"
            "for name, options in {'baseline': {}, 'l2': {'l2': 0.001}, 'dropout': {'dropout': 0.5}}.items():\n"
            "    histories[name] = build_model(**options).fit(x_train, y_train, epochs=12, batch_size=128,\n"
            "                                                 validation_data=(x_val, y_val), verbose=0)\n"
        ),
    },
    "expected": {
        "test_build_model": 1,
        "test_build_model_l2": 0,
        "test_build_model_dropout": 1,
        "test_weight_penalty": 0,
        "test_inverted_dropout": 0,
        "test_experiment_runs": 0,
        "test_experiment_effect": 1,
    },
}

_VARIANTS = "{'baseline': {}, 'smaller': {'hidden_units': 4}, 'l2': {'l2': 0.001}, 'dropout': {'dropout': 0.5}}"

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # the "by hand" penalty handed to Keras's own regularizer
    "keras_penalty": {
        "answers": {
            "weight_penalty": (
                "def weight_penalty(weights, l1=0.0, l2=0.0):\n"
                "    return float(sum(float(keras.regularizers.L1L2(l1=l1, l2=l2)(w)) for w in weights))\n"
            )
        },
        "zero": ["test_weight_penalty"],
    },
    # the "by hand" dropout handed to Keras, seeded from rng so that the mask still follows it
    "keras_dropout": {
        "answers": {
            "inverted_dropout": (
                "def inverted_dropout(x, rate, rng):\n"
                "    x = np.asarray(x, dtype='float64')\n"
                "    if rate == 0:\n"
                "        return x.copy()\n"
                "    return np.asarray(keras.random.dropout(x, rate, seed=int(rng.integers(2**31))))\n"
            )
        },
        "zero": ["test_inverted_dropout"],
    },
    # the validation reviews trained on as well (batch size chosen so the step count still matches)
    "train_on_validation": {
        "answers": {
            "experiment": (
                "histories = {}\n"
                "x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])\n"
                f"for name, options in {_VARIANTS}.items():\n"
                "    histories[name] = build_model(**options).fit(x_all, y_all, epochs=12, batch_size=188,\n"
                "                                                 validation_data=(x_val, y_val), verbose=0)\n"
            )
        },
        "zero": ["test_experiment_runs"],
    },
    # real training, but the validation curves replaced by made-up textbook curves
    "faked_histories": {
        "answers": {
            "experiment": (
                "histories = {}\n"
                f"for name, options in {_VARIANTS}.items():\n"
                "    histories[name] = build_model(**options).fit(x_train, y_train, epochs=12, batch_size=128,\n"
                "                                                 validation_data=(x_val, y_val), verbose=0)\n"
                "shapes = {'baseline': (0.30, 0.05), 'smaller': (0.32, 0.02), 'l2': (0.29, 0.01), 'dropout': (0.28, 0.0)}\n"
                "for name, (low, climb) in shapes.items():\n"
                "    histories[name].history['val_loss'] = [low + climb * max(0, epoch - 3) for epoch in range(12)]\n"
            )
        },
        "zero": ["test_experiment_runs", "test_experiment_effect"],
    },
    # the validation set overwritten with the training set, so the curves show the training loss
    "validate_on_training_data": {
        "answers": {
            "experiment": (
                "x_val, y_val = x_train[:1000], y_train[:1000]\n"
                "histories = {}\n"
                f"for name, options in {_VARIANTS}.items():\n"
                "    histories[name] = build_model(**options).fit(x_train, y_train, epochs=12, batch_size=128,\n"
                "                                                 validation_data=(x_val, y_val), verbose=0)\n"
            )
        },
        "zero": ["test_experiment_runs", "test_experiment_effect"],
    },
}
