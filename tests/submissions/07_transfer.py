"""Submissions of `07_transfer` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# The honest extractor of Task 5, shared by the submissions below that get it right.
_EXTRACTOR = 'feature_extractor = keras.Model(source_model.inputs[0], source_model.get_layer("flatten").output)\n'
_HEAD_AND_FIT = (
    "transfer_model = keras.Sequential([keras.Input(shape=(28, 28, 1)), feature_extractor,\n"
    "                                  keras.layers.Dense(5, activation='softmax')])\n"
    "transfer_model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "transfer_model.fit(x_new, y_new, epochs=10, batch_size=32, verbose=0)\n"
)

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # counts the parameters of trainable layers: BatchNormalization's statistics slip in
        "count_trainable": (
            "def count_trainable_parameters(model):\n"
            "    return sum(layer.count_params() for layer in model.layers if layer.trainable)\n"
        ),
        # the common Keras trap: the model made trainable AFTER the freezing loop, which unfreezes every layer
        "freeze_before": (
            "def freeze_before(model, layer_name):\n"
            "    set_trainable = False\n"
            "    for layer in model.layers:\n"
            "        if layer.name == layer_name:\n"
            "            set_trainable = True\n"
            "        layer.trainable = set_trainable\n"
            "    model.trainable = True\n"
        ),
        # forgets to freeze the base
        "build_transfer_model": (
            "def build_transfer_model(base):\n"
            "    model = keras.Sequential([base, keras.layers.Flatten(),\n"
            "        keras.layers.Dense(256, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])\n"
            "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),\n"
            "                  loss='binary_crossentropy', metrics=['accuracy'])\n"
            "    return model\n"
        ),
    },
    "expected": {
        "test_count_trainable": 0,
        "test_freeze_before": 0,
        "test_build_transfer_model": 0,
        "test_make_augmentation": 1,
        "test_transfer_spec": 1,
        "test_transfer_accuracy": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # No transfer at all: the same architecture trained from scratch on the 200 new images, then frozen
    # under a new head trained exactly as asked (70 steps, 8,005 trainable parameters).
    "scratch_extractor": {
        "answers": {
            "transfer": (
                "scratch = keras.models.clone_model(source_model)\n"
                "scratch.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "scratch.fit(x_new, y_new, epochs=10, batch_size=32, verbose=0)\n"
                "feature_extractor = keras.Model(scratch.inputs[0], scratch.get_layer('flatten').output)\n"
                "feature_extractor.trainable = False\n" + _HEAD_AND_FIT
            )
        },
        "zero": ["test_transfer_spec", "test_transfer_accuracy"],
    },
    # A frozen extractor that was never pretrained (fresh weights of the same architecture).
    "untrained_extractor": {
        "answers": {
            "transfer": (
                "fresh = keras.models.clone_model(source_model)\n"
                "feature_extractor = keras.Model(fresh.inputs[0], fresh.get_layer('flatten').output)\n"
                "feature_extractor.trainable = False\n" + _HEAD_AND_FIT
            )
        },
        "zero": ["test_transfer_spec", "test_transfer_accuracy"],
    },
    # The honest structure with an untrained head, and the reference data faked: the notebook's test
    # globals replaced by the model's own predictions and lib.data patched to serve them.
    "fake_test_data": {
        "answers": {
            "transfer": (
                _EXTRACTOR + "feature_extractor.trainable = False\n"
                "transfer_model = keras.Sequential([keras.Input(shape=(28, 28, 1)), feature_extractor,\n"
                "                                  keras.layers.Dense(5, activation='softmax')])\n"
                "transfer_model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "guesses = transfer_model.predict(test_images[..., None].astype('float32') / 255, verbose=0).argmax(1)\n"
                "test_labels = (guesses + 5).astype(test_labels.dtype)\n"
                "import lib.data\n"
                "_real_load = lib.data.load_fashion_mnist_sample\n"
                "def _fake_load(*args, **kwargs):\n"
                "    loaded = _real_load(*args, **kwargs)\n"
                "    return lib.data.Dataset(loaded.train, (test_images, test_labels), loaded.provenance,\n"
                "                            class_names=loaded.class_names)\n"
                "lib.data.load_fashion_mnist_sample = _fake_load\n"
                "data.load_fashion_mnist_sample = _fake_load\n"
            )
        },
        "zero": ["test_transfer_spec", "test_transfer_accuracy"],
    },
    # Fine-tuning instead of transfer: the extractor left trainable, so 200 images retrain the pretrained kernels.
    "unfrozen_extractor": {
        "answers": {"transfer": _EXTRACTOR + _HEAD_AND_FIT},
        "zero": ["test_transfer_spec", "test_transfer_accuracy"],
    },
}
