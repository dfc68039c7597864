"""Submissions of `07_transfer` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
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
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {}
