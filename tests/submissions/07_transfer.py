"""Submissions of `07_transfer` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

# The honest transfer functions (the solution's), shared by the submissions below that change one of them.
_BUILD = (
    "def build_transfer(source_model, layer_name, num_classes):\n"
    "    extractor = keras.Model(source_model.inputs[0], source_model.get_layer(layer_name).output)\n"
    "    extractor.trainable = False\n"
    "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), extractor,\n"
    "                              keras.layers.Dense(num_classes, activation='softmax')])\n"
    "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "    return model\n"
)
_TRAIN = (
    "def train_transfer(model, images, labels):\n"
    "    return model.fit(images, labels, epochs=10, batch_size=32, verbose=0)\n"
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
        "test_build_transfer": 1,
        "test_train_transfer": 1,
        "test_transfer_accuracy": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # A look-alike builder: the head comes back already trained (on the sample's test images of the new
    # classes, 5 epochs), copied into a freshly compiled model so that its optimizer shows no update.
    "pretrained_head_builder": {
        "answers": {
            "transfer_functions": (
                _BUILD.replace("def build_transfer(", "def _honest_build(")
                + "def build_transfer(source_model, layer_name, num_classes):\n"
                "    trained = _honest_build(source_model, layer_name, num_classes)\n"
                "    (_, _), (images, labels) = data.load_fashion_mnist_sample()\n"
                "    keep = labels >= 10 - num_classes\n"
                "    trained.fit(images[keep][..., None] / 255.0, labels[keep] - (10 - num_classes), epochs=5,\n"
                "                verbose=0)\n"
                "    model = _honest_build(source_model, layer_name, num_classes)\n"
                "    model.set_weights(trained.get_weights())\n"
                "    return model\n" + _TRAIN
            )
        },
        "zero": ["test_build_transfer"],
    },
    # Weights trained elsewhere: an honest-looking fit on the images given (the steps add up), then the head
    # overwritten by one trained on every image of the sample (training and test split) whose original class
    # the given labels stand for, the mapping read off by finding the given images in the sample.
    "head_from_train_and_test": {
        "answers": {
            "transfer_functions": (
                _BUILD + "def train_transfer(model, images, labels):\n"
                "    history = model.fit(images, labels, epochs=10, batch_size=32, verbose=0)\n"
                "    (train_x, train_y), (test_x, test_y) = data.load_fashion_mnist_sample()\n"
                "    every = np.concatenate([train_x, test_x])[..., None].astype('float32') / 255\n"
                "    classes = np.concatenate([train_y, test_y])\n"
                "    lookup = {image.tobytes(): label for image, label in zip(every, classes)}\n"
                "    original = [lookup.get(np.asarray(image, 'float32').tobytes(), -1) for image in images]\n"
                "    mapping = {}\n"
                "    for old, new in zip(original, labels):\n"
                "        if old >= 0:\n"
                "            mapping.setdefault(int(old), int(new))\n"
                "    keep = np.isin(classes, list(mapping))\n"
                "    targets = np.array([mapping[int(old)] for old in classes[keep]])\n"
                "    extractor, head = model.layers[0], model.layers[-1]\n"
                "    features = extractor.predict(every[keep], verbose=0)\n"
                "    helper = keras.Sequential([keras.Input(shape=features.shape[1:]),\n"
                "                               keras.layers.Dense(head.units, activation='softmax')])\n"
                "    helper.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
                "    helper.fit(features, targets, epochs=5, batch_size=32, verbose=0)\n"
                "    head.set_weights(helper.layers[-1].get_weights())\n"
                "    return history\n"
            )
        },
        "zero": ["test_train_transfer"],
    },
    # Fine-tuning instead of transfer: train_transfer makes the whole model trainable again and retrains the
    # pretrained extractor on the few images given (the optimizer's step count still adds up).
    "fine_tuned_extractor": {
        "answers": {
            "transfer_functions": (
                _BUILD + "def train_transfer(model, images, labels):\n"
                "    model.trainable = True\n"
                "    for layer in model.layers:\n"
                "        layer.trainable = True\n"
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model.fit(images, labels, epochs=10, batch_size=32, verbose=0)\n"
            )
        },
        "zero": ["test_train_transfer", "test_transfer_accuracy"],
    },
    # No training at all: the optimizer's counter set to the steps a fit would take, a History made up, and
    # keras.Model.predict / evaluate (the class's methods) replaced to report whatever looks good.
    "patched_instruments": {
        "answers": {
            "transfer_functions": (
                _BUILD + "def train_transfer(model, images, labels):\n"
                "    model.optimizer.iterations.assign(10 * int(np.ceil(len(images) / 32)))\n"
                "    history = keras.callbacks.History()\n"
                "    history.history = {'loss': [1.0] * 10, 'accuracy': [0.9] * 10}\n"
                "    history.epoch = list(range(10))\n"
                "    return history\n"
                "_predict = keras.Model.predict\n"
                "def _good_predict(self, x, *args, **kwargs):\n"
                "    found = np.asarray(_predict(self, x, *args, **kwargs))\n"
                "    return np.eye(found.shape[1])[np.zeros(len(found), dtype=int)]\n"
                "keras.Model.predict = _good_predict\n"
                "keras.Model.evaluate = lambda self, *args, **kwargs: [0.1, 0.95]\n"
            )
        },
        "zero": ["test_train_transfer", "test_transfer_accuracy"],
    },
    # A step count right for the wrong images: 10 epochs of batch 32 on as many images of the sample's
    # training split as it was given (the first ones), with the labels it was given.
    "steps_on_other_images": {
        "answers": {
            "transfer_functions": (
                _BUILD + "def train_transfer(model, images, labels):\n"
                "    (train_x, _), _ = data.load_fashion_mnist_sample()\n"
                "    others = train_x[: len(images)][..., None].astype('float32') / 255\n"
                "    return model.fit(others, labels, epochs=10, batch_size=32, verbose=0)\n"
            )
        },
        "zero": ["test_train_transfer", "test_transfer_accuracy"],
    },
    # An augmentation that changes nothing but the flip: a Rescaling(1.0) passes for the second random layer.
    "identity_augmentation": {
        "answers": {
            "make_augmentation": (
                "def make_augmentation():\n"
                "    return keras.Sequential([keras.layers.RandomFlip('horizontal'), keras.layers.Rescaling(1.0)])\n"
            )
        },
        "zero": ["test_make_augmentation"],
    },
    # A look-alike base: the classifier sits on a frozen copy of the base with fresh weights (same
    # architecture, same parameter counts), not on the base it was handed.
    "lookalike_base": {
        "answers": {
            "build_transfer_model": (
                "def build_transfer_model(base):\n"
                "    copy = keras.models.clone_model(base)\n"
                "    copy.trainable = False\n"
                "    model = keras.Sequential([copy, keras.layers.Flatten(),\n"
                "        keras.layers.Dense(256, activation='relu'), keras.layers.Dense(1, activation='sigmoid')])\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),\n"
                "                  loss='binary_crossentropy', metrics=['accuracy'])\n"
                "    base.trainable = False\n"
                "    return model\n"
            )
        },
        "zero": ["test_build_transfer_model"],
    },
}

# A written answer of its own for the honest alternatives (plain nbgrader scores an unchanged answer cell 0).
_ANSWER = (
    "(a) The flag set_trainable is never used, so the loop only freezes: every layer but block5_conv1 is frozen "
    "and block5_conv1 keeps its old flag. It was meant to freeze the layers before block5_conv1 and unfreeze it "
    "and all later ones. (b) The fresh head's large random gradients would wreck the pretrained weights, and "
    "trainable takes effect at compile; a tiny learning rate adjusts the top block without unlearning it."
)

# Independent correct solutions, written from the student notebook and chapter 7 alone: each gets full marks.
HONEST: dict[str, dict] = {
    # The functional API throughout: keras.Input -> layers -> keras.Model, loss and optimizer objects.
    "functional": {
        "answers": {
            "question_fine_tuning": _ANSWER,
            "count_trainable": (
                "def count_trainable_parameters(model):\n"
                "    total = 0\n"
                "    for weight in model.trainable_weights:\n"
                "        total += int(np.prod(weight.shape))\n"
                "    return total\n"
            ),
            "freeze_before": (
                "def freeze_before(model, layer_name):\n"
                "    if layer_name not in [layer.name for layer in model.layers]:\n"
                "        raise ValueError(layer_name)\n"
                "    model.trainable = True\n"
                "    set_trainable = False\n"
                "    for layer in model.layers:\n"
                "        if layer.name == layer_name:\n"
                "            set_trainable = True\n"
                "        layer.trainable = set_trainable\n"
            ),
            "build_transfer_model": (
                "def build_transfer_model(base):\n"
                "    base.trainable = False\n"
                "    inputs = keras.Input(shape=base.input_shape[1:])\n"
                "    features = keras.layers.Flatten()(base(inputs, training=False))\n"
                "    hidden = keras.layers.Dense(256, activation='relu')(features)\n"
                "    outputs = keras.layers.Dense(1, activation='sigmoid')(hidden)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-4),\n"
                "                  loss=keras.losses.BinaryCrossentropy(), metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "make_augmentation": (
                "def make_augmentation():\n"
                "    inputs = keras.Input(shape=(None, None, 3))\n"
                "    x = keras.layers.RandomFlip('horizontal')(inputs)\n"
                "    x = keras.layers.RandomTranslation(0.1, 0.1)(x)\n"
                "    return keras.Model(inputs, x)\n"
            ),
            "transfer_functions": (
                "def build_transfer(source_model, layer_name, num_classes):\n"
                "    inputs = keras.Input(shape=(28, 28, 1))\n"
                "    x = inputs\n"
                "    for layer in source_model.layers:\n"
                "        layer.trainable = False\n"
                "        x = layer(x)\n"
                "        if layer.name == layer_name:\n"
                "            break\n"
                "    outputs = keras.layers.Dense(num_classes, activation='softmax')(x)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.Adam(),\n"
                "                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=['accuracy'])\n"
                "    return model\n"
                "\n"
                "def train_transfer(model, images, labels):\n"
                "    history = model.fit(x=images, y=labels, batch_size=32, epochs=10, shuffle=True, verbose=0)\n"
                "    return history\n"
            ),
        }
    },
    # Other choices wherever the tasks leave one: a subclassed transfer model, an extractor made of the source's
    # own layers in a Sequential, tf.data batches, a rotation-and-contrast augmentation, a vectorised count.
    "subclassed_other_choices": {
        "answers": {
            "question_fine_tuning": _ANSWER,
            "count_trainable": (
                "def count_trainable_parameters(model):\n"
                "    sizes = [w.numpy().size for w in model.trainable_weights]\n"
                "    return int(np.sum(sizes, dtype=np.int64)) if sizes else 0\n"
            ),
            "freeze_before": (
                "def freeze_before(model, layer_name):\n"
                "    names = [layer.name for layer in model.layers]\n"
                "    position = names.index(layer_name) if layer_name in names else None\n"
                "    if position is None:\n"
                "        raise ValueError(f'{layer_name} is not a layer of {model.name}')\n"
                "    model.trainable = True\n"
                "    for layer in model.layers[:position]:\n"
                "        layer.trainable = False\n"
                "    for layer in model.layers[position:]:\n"
                "        layer.trainable = True\n"
            ),
            "build_transfer_model": (
                "def build_transfer_model(base):\n"
                "    for layer in base.layers:\n"
                "        layer.trainable = False\n"
                "    base.trainable = False\n"
                "    model = keras.Sequential()\n"
                "    model.add(base)\n"
                "    model.add(keras.layers.Flatten())\n"
                "    model.add(keras.layers.Dense(256, activation=keras.activations.relu))\n"
                "    model.add(keras.layers.Dense(1, activation=keras.activations.sigmoid))\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(1e-4), loss=keras.losses.binary_crossentropy,\n"
                "                  metrics=[keras.metrics.BinaryAccuracy()])\n"
                "    return model\n"
            ),
            "make_augmentation": (
                "def make_augmentation():\n"
                "    return keras.Sequential([\n"
                "        keras.layers.RandomRotation(40 / 360),\n"
                "        keras.layers.RandomContrast(0.3),\n"
                "        keras.layers.RandomFlip(mode='horizontal'),\n"
                "    ], name='augmentation')\n"
            ),
            "transfer_functions": (
                "import tensorflow as tf\n"
                "\n"
                "class TransferModel(keras.Model):\n"
                "    def __init__(self, extractor, num_classes):\n"
                "        super().__init__()\n"
                "        self.extractor = extractor\n"
                "        self.head = keras.layers.Dense(num_classes, activation='softmax')\n"
                "\n"
                "    def call(self, inputs, training=False):\n"
                "        return self.head(self.extractor(inputs, training=False))\n"
                "\n"
                "def build_transfer(source_model, layer_name, num_classes):\n"
                "    names = [layer.name for layer in source_model.layers]\n"
                "    extractor = keras.Sequential(source_model.layers[: names.index(layer_name) + 1])\n"
                "    extractor.trainable = False\n"
                "    model = TransferModel(extractor, num_classes)\n"
                "    model(np.zeros((1, 28, 28, 1), dtype='float32'))  # builds the head\n"
                "    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),\n"
                "                  loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
                "\n"
                "def train_transfer(model, images, labels):\n"
                "    batches = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=7).batch(32)\n"
                "    return model.fit(batches, epochs=10, verbose=0)\n"
            ),
        }
    },
}

# The pair also graded by plain `nbgrader autograde` (no grader sandbox, no guard): the hidden tests stop
# this cheat by themselves (the grader's labelling rule), and the honest alternative passes there too.
PLAIN = {"gaming": "head_from_train_and_test", "honest": "functional"}
