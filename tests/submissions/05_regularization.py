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
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {}
