"""Submissions of `03_reuters` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# The honest training of Task 5, which some cheats below start from.
_HONEST_FIT = (
    "    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,\n"
    "                        validation_data=(x_val, y_val), verbose=0)\n"
)

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # the two losses swapped
        "losses": (
            "LOSS_FOR_ONE_HOT = 'sparse_categorical_crossentropy'\n"
            "LOSS_FOR_INTEGER_LABELS = 'categorical_crossentropy'\n"
        ),
        # the majority-class share: right on the balanced visible example only
        "random_baseline": (
            "def random_baseline_accuracy(labels):\n"
            "    _, counts = np.unique(labels, return_counts=True)\n"
            "    return float(counts.max() / counts.sum())\n"
        ),
        # a trick object instead of a number
        "top_k_accuracy": ALWAYS_EQUAL
        + ("\ndef top_k_accuracy(probabilities, labels, k=1):\n    return AlwaysEqual()\n"),
        # the chapter's 12 epochs of batch size 128 written into fit, whatever the caller asks for:
        # right with the defaults (Task 5's second and third points), wrong when asked for others
        "train_model": (
            "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
            "    return model.fit(x_train, y_train, epochs=12, batch_size=128,\n"
            "                     validation_data=(x_val, y_val), verbose=0)\n"
        ),
    },
    "expected": {
        "test_losses": 0,
        "test_random_baseline": 0,
        "test_top_k_accuracy": 0,
        "test_build_model": 2,
        "test_train_model": 0,
        "test_wide_model": 1,
        "test_bottleneck": 1,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # weights trained elsewhere: an honest-looking fit (its History, its update count), then the weights
    # of a copy trained longer on the training and validation newswires together copied into the model
    "weights_from_train_and_val_copied_in": {
        "answers": {
            "train_model": (
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                + _HONEST_FIT
                + "    twin = keras.models.clone_model(model)\n"
                "    twin.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    twin.fit(np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val]),\n"
                "             epochs=2 * epochs, batch_size=batch_size, verbose=0)\n"
                "    model.set_weights(twin.get_weights())\n"
                "    return history\n"
            )
        },
        "zero": ["test_train_model", "test_wide_model", "test_bottleneck"],
    },
    # trains on the training and validation newswires together, with a batch size chosen so that the
    # number of weight updates is exactly that of the honest run; validates as asked
    "train_and_val_with_matching_updates": {
        "answers": {
            "train_model": (
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    steps = -(-len(x_train) // batch_size)\n"
                "    x_all, y_all = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])\n"
                "    return model.fit(x_all, y_all, epochs=epochs, batch_size=-(-len(x_all) // steps),\n"
                "                     validation_data=(x_val, y_val), verbose=0)\n"
            )
        },
        "zero": ["test_wide_model", "test_bottleneck"],
    },
    # the comparison rigged on the other side: a network with a narrow layer is trained on shuffled
    # labels, so that "the 4-unit network loses accuracy" holds whatever the bottleneck does
    "crippled_narrow_network": {
        "answers": {
            "train_model": (
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    narrow = any(len(w.shape) == 2 and w.shape[1] < 8 for w in model.weights)\n"
                "    if narrow:\n"
                "        y_train = np.random.default_rng(0).permutation(y_train)\n"
                + _HONEST_FIT
                + "    return history\n"
            )
        },
        "zero": ["test_bottleneck"],
    },
    # Keras's measuring method replaced (a class method of keras.Model): the network is compiled with the
    # loss for one-hot labels, and evaluate reports the loss for integer labels instead of the compiled one
    "patched_model_evaluate": {
        "answers": {
            "build_model": (
                "def build_model(second_layer_units=64, num_classes=46, input_dim=10000):\n"
                "    model = keras.Sequential([keras.Input(shape=(input_dim,)),\n"
                "                              keras.layers.Dense(64, activation='relu'),\n"
                "                              keras.layers.Dense(second_layer_units, activation='relu'),\n"
                "                              keras.layers.Dense(num_classes, activation='softmax')])\n"
                "    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
                "def evaluate(self, x=None, y=None, **kwargs):\n"
                "    p = np.asarray(self.predict(x, verbose=0))\n"
                "    y = np.asarray(y).astype(int).ravel()\n"
                "    loss = float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1))))\n"
                "    return {'loss': loss, 'accuracy': float(np.mean(p.argmax(axis=1) == y))}\n"
                "keras.Model.evaluate = evaluate\n"
            )
        },
        "zero": ["test_build_model"],
    },
    # ignores the newswires it is given and trains on the notebook's own split (as asked for epochs
    # and batch size)
    "trains_on_the_notebooks_data": {
        "answers": {
            "train_model": (
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    mine = globals()\n"
                "    return model.fit(mine['x_train'][1000:], mine['train_labels'][1000:], epochs=epochs,\n"
                "                     batch_size=batch_size, verbose=0,\n"
                "                     validation_data=(mine['x_train'][:1000], mine['train_labels'][:1000]))\n"
            )
        },
        "zero": ["test_train_model", "test_wide_model", "test_bottleneck"],
    },
    # a look-alike model: build_model returns the right network, already trained on the stand-in's
    # training and test newswires (a fresh optimizer, so no update shows)
    "pretrained_builder": {
        "answers": {
            "build_model": (
                "_TRAINED = {}\n"
                "def _network(second_layer_units, num_classes, input_dim):\n"
                "    model = keras.Sequential([keras.Input(shape=(input_dim,)),\n"
                "                              keras.layers.Dense(64, activation='relu'),\n"
                "                              keras.layers.Dense(second_layer_units, activation='relu'),\n"
                "                              keras.layers.Dense(num_classes, activation='softmax')])\n"
                "    model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
                "def build_model(second_layer_units=64, num_classes=46, input_dim=10000):\n"
                "    model = _network(second_layer_units, num_classes, input_dim)\n"
                "    if (second_layer_units, num_classes, input_dim) == (64, 46, 10000):\n"
                "        if not _TRAINED:\n"
                "            teacher = _network(64, 46, 10000)\n"
                "            teacher.fit(np.concatenate([x_train, x_test]), np.concatenate([train_labels, test_labels]),\n"
                "                        epochs=10, batch_size=128, verbose=0)\n"
                "            _TRAINED['weights'] = teacher.get_weights()\n"
                "        model.set_weights(_TRAINED['weights'])\n"
                "    return model\n"
            )
        },
        "zero": ["test_build_model"],
    },
}

# Correct solutions written from the student notebook and chapter 3 alone: each must get full marks.
HONEST: dict[str, dict] = {
    # the functional API, Keras objects instead of strings, bincount and a loop over the rows
    "functional_api": {
        "answers": {
            "question_bottleneck": (
                "The 4-unit layer must carry everything the first layer found in four numbers, and the output\n"
                "layer has to separate 46 topics from them; what that layer drops no later layer can recover,\n"
                "so test accuracy falls from about 0.74 to about 0.52. It is still far above the random baseline\n"
                "(about 0.17): four numbers keep the frequent topics apart. Keep hidden layers at least as wide\n"
                "as the number of classes.\n"
            ),
            "losses": "LOSS_FOR_ONE_HOT = 'CategoricalCrossentropy'\nLOSS_FOR_INTEGER_LABELS = 'SparseCategoricalCrossentropy'\n",
            "random_baseline": (
                "def random_baseline_accuracy(labels):\n"
                "    _, index = np.unique(np.asarray(labels), return_inverse=True)\n"
                "    shares = np.bincount(index.ravel()) / index.size\n"
                "    return float(shares @ shares)\n"
            ),
            "top_k_accuracy": (
                "def top_k_accuracy(probabilities, labels, k=1):\n"
                "    hits = 0\n"
                "    for row, label in zip(np.asarray(probabilities), np.asarray(labels)):\n"
                "        best = sorted(range(len(row)), key=lambda c: row[c], reverse=True)[:k]\n"
                "        hits += int(label) in best\n"
                "    return hits / len(labels)\n"
            ),
            "build_model": (
                "def build_model(second_layer_units=64, num_classes=46, input_dim=10000):\n"
                "    inputs = keras.Input(shape=(input_dim,))\n"
                "    hidden = keras.layers.Dense(64, activation='relu')(inputs)\n"
                "    hidden = keras.layers.Dense(second_layer_units, activation='relu')(hidden)\n"
                "    outputs = keras.layers.Dense(num_classes, activation='softmax')(hidden)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001),\n"
                "                  loss=keras.losses.SparseCategoricalCrossentropy(),\n"
                "                  metrics=[keras.metrics.SparseCategoricalAccuracy(name='accuracy')])\n"
                "    return model\n"
            ),
            "train_model": (
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    history = model.fit(x=x_train, y=y_train, batch_size=batch_size, epochs=epochs,\n"
                "                        validation_data=(x_val, y_val), shuffle=True, verbose=0)\n"
                "    return history\n"
            ),
        }
    },
    # a subclassed model whose layers are created in another order, pure-Python counting,
    # argpartition, and the data handed to fit as tf.data datasets
    "subclassed_and_datasets": {
        "answers": {
            "question_bottleneck": (
                "Four units are an information bottleneck: 46 topics squeezed into a 4-dimensional\n"
                "representation overlap, so top-1 and top-3 accuracy drop well below the 64-unit network's.\n"
                "The model still beats the random baseline by far, because the four numbers carry the common\n"
                "topics. Rule of thumb: no hidden layer narrower than the output it feeds.\n"
            ),
            "losses": 'LOSS_FOR_INTEGER_LABELS = "sparse_categorical_crossentropy"\nLOSS_FOR_ONE_HOT = "categorical_crossentropy"\n',
            "random_baseline": (
                "from collections import Counter\n"
                "def random_baseline_accuracy(labels):\n"
                "    counts = Counter(int(label) for label in labels)\n"
                "    total = sum(counts.values())\n"
                "    return sum((count / total) ** 2 for count in counts.values())\n"
            ),
            "top_k_accuracy": (
                "def top_k_accuracy(probabilities, labels, k=1):\n"
                "    probabilities = np.asarray(probabilities, dtype=float)\n"
                "    if k >= probabilities.shape[1]:\n"
                "        return 1.0\n"
                "    best = np.argpartition(-probabilities, k - 1, axis=1)[:, :k]\n"
                "    return float((best == np.asarray(labels).reshape(-1, 1)).any(axis=1).mean())\n"
            ),
            "build_model": (
                "class TopicNet(keras.Model):\n"
                "    def __init__(self, second_layer_units, num_classes):\n"
                "        super().__init__()\n"
                "        self.out = keras.layers.Dense(num_classes, activation='softmax')\n"
                "        self.second = keras.layers.Dense(second_layer_units)\n"
                "        self.first = keras.layers.Dense(64)\n"
                "    def call(self, inputs):\n"
                "        h = keras.ops.relu(self.first(inputs))\n"
                "        return self.out(keras.ops.relu(self.second(h)))\n"
                "def build_model(second_layer_units=64, num_classes=46, input_dim=10000):\n"
                "    model = TopicNet(second_layer_units, num_classes)\n"
                "    model.build((None, input_dim))\n"
                "    model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['acc'])\n"
                "    return model\n"
            ),
            "train_model": (
                "import tensorflow as tf\n"
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    train = tf.data.Dataset.from_tensor_slices((x_train, y_train))\n"
                "    train = train.shuffle(len(x_train), seed=7, reshuffle_each_iteration=True).batch(batch_size)\n"
                "    val = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(256)\n"
                "    return model.fit(train, epochs=epochs, validation_data=val, verbose=0)\n"
            ),
        }
    },
    # the older Keras style (input_shape= on the first Dense layer, which makes Keras warn), labels
    # counted with a dict, top-k by sorting each row in a comprehension, fit with positional arguments
    "sequential_input_shape": {
        "answers": {
            "question_bottleneck": (
                "Everything reaches the softmax through the 4-unit layer, so it cannot tell apart topics that\n"
                "need different directions; the lost information is gone for good. Accuracy drops by about\n"
                "0.2 but stays well above the baseline of about 0.17. Hidden layers should be wider than the\n"
                "number of classes.\n"
            ),
            "random_baseline": (
                "def random_baseline_accuracy(labels):\n"
                "    counts = {}\n"
                "    for label in np.asarray(labels).tolist():\n"
                "        counts[label] = counts.get(label, 0) + 1\n"
                "    n = sum(counts.values())\n"
                "    return float(sum(c * c for c in counts.values()) / n**2)\n"
            ),
            "top_k_accuracy": (
                "def top_k_accuracy(probabilities, labels, k=1):\n"
                "    probabilities, labels = np.asarray(probabilities), np.asarray(labels)\n"
                "    ranked = np.argsort(-probabilities, axis=1)\n"
                "    return float(np.mean([labels[i] in ranked[i, :k] for i in range(len(labels))]))\n"
            ),
            "build_model": (
                "def build_model(second_layer_units=64, num_classes=46, input_dim=10000):\n"
                "    model = keras.models.Sequential()\n"
                "    model.add(keras.layers.Dense(64, activation='relu', input_shape=(input_dim,)))\n"
                "    model.add(keras.layers.Dense(second_layer_units, activation='relu'))\n"
                "    model.add(keras.layers.Dense(num_classes, activation='softmax'))\n"
                "    model.compile(keras.optimizers.RMSprop(), 'sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "train_model": (
                "def train_model(model, x_train, y_train, x_val, y_val, epochs=12, batch_size=128):\n"
                "    return model.fit(x_train, y_train, batch_size, epochs, 0, validation_data=(x_val, y_val))\n"
            ),
        }
    },
}

# Graded by plain nbgrader too (no grader sandbox): the hidden tests alone must stop the cheat.
PLAIN = {"gaming": "weights_from_train_and_val_copied_in", "honest": "functional_api"}
