"""Submissions of `01_mnist` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # forgets the float32 conversion (the visible test already says so)
        "preprocess_images": (
            "def preprocess_images(images):\n    return images.reshape(len(images), 28 * 28) / 255\n"
        ),
        # a trick object instead of an array
        "encode_labels": ALWAYS_EQUAL
        + ("\ndef encode_labels(labels, num_classes=10):\n    return AlwaysEqual((len(labels), num_classes))\n"),
        # sums instead of averaging: right on the one-example visible tests only
        "cross_entropy": (
            "def cross_entropy(y_true, y_pred):\n    return float(-np.sum(np.asarray(y_true) * np.log(y_pred)))\n"
        ),
        # forgets the batch size: Keras's default of 32 makes four times the updates
        "train_model": (
            "def train_model(model, x_train, y_train):\n    return model.fit(x_train, y_train, epochs=5, verbose=0)\n"
        ),
        # reads the wrong entry of what evaluate returns: the loss, not the accuracy
        "evaluate_model": (
            "def evaluate_model(model, x_test, y_test):\n    return float(model.evaluate(x_test, y_test, verbose=0)[0])\n"
        ),
    },
    "expected": {
        "test_preprocess_images": 0,
        "test_encode_labels": 0,
        "test_cross_entropy": 0,
        "test_build_model": 2,
        "test_train_model": 0,
        "test_evaluate_model": 0,
    },
}

# Weights prepared on all 5,000 digits (training and test): a network that knows the test digits.
PREPARED = (
    "import lib.data as _data\n"
    "(_tri, _trl), (_tei, _tel) = _data.load_mnist(source='offline')\n"
    "_x = np.concatenate([_tri, _tei]).reshape(-1, 784).astype('float32') / 255\n"
    "_y = keras.utils.to_categorical(np.concatenate([_trl, _tel]), 10)\n"
    "_prepared = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation='relu'),\n"
    "                              keras.layers.Dense(10, activation='softmax')])\n"
    "_prepared.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])\n"
    "_prepared.fit(_x, _y, epochs=5, batch_size=128, verbose=0)\n"
)

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # Keras's loss on log-probabilities as logits (exact, no clipping), computed in a thread of its own
    "keras-cross-entropy-in-thread": {
        "answers": {
            "cross_entropy": (
                "import threading\n"
                "def cross_entropy(y_true, y_pred):\n"
                "    found = {}\n"
                "    def work():\n"
                "        logits = np.log(np.asarray(y_pred, dtype='float64'))\n"
                "        losses = keras.losses.categorical_crossentropy(np.asarray(y_true, dtype='float64'), logits,\n"
                "                                                      from_logits=True)\n"
                "        found['value'] = float(np.mean(keras.ops.convert_to_numpy(losses)))\n"
                "    worker = threading.Thread(target=work)\n"
                "    worker.start()\n"
                "    worker.join()\n"
                "    return found['value']\n"
            )
        },
        "zero": ["test_cross_entropy"],
    },
    # TensorFlow's own softmax cross-entropy instead of Keras's
    "tensorflow-cross-entropy": {
        "answers": {
            "cross_entropy": (
                "import tensorflow as tf\n"
                "def cross_entropy(y_true, y_pred):\n"
                "    logits = tf.math.log(tf.constant(y_pred, dtype=tf.float64))\n"
                "    losses = tf.nn.softmax_cross_entropy_with_logits(tf.constant(y_true, dtype=tf.float64), logits)\n"
                "    return float(tf.reduce_mean(losses).numpy())\n"
            )
        },
        "zero": ["test_cross_entropy"],
    },
    # a look-alike builder: the network of the task, with weights already trained on the digits
    "pretrained-builder": {
        "answers": {
            "build_model": PREPARED
            + (
                "def build_model():\n"
                "    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation='relu'),\n"
                "                              keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])\n"
                "    model.set_weights(_prepared.get_weights())\n"
                "    return model\n"
            )
        },
        "zero": ["test_build_model"],
    },
    # weights trained elsewhere (on train + test) copied into the model, update counter set to the honest one
    "prepared-weights": {
        "answers": {
            "train_model": PREPARED
            + (
                "def train_model(model, x_train, y_train):\n"
                "    history = model.fit(x_train[:128], y_train[:128], epochs=1, batch_size=128, verbose=0)\n"
                "    model.set_weights(_prepared.get_weights())\n"
                "    model.optimizer.iterations.assign(5 * int(np.ceil(len(x_train) / 128)))\n"
                "    return history\n"
            )
        },
        "zero": ["test_train_model"],
    },
    # trained on the data it is given, but 15 epochs, then the update counter set to what 5 epochs show
    "train-longer": {
        "answers": {
            "train_model": (
                "def train_model(model, x_train, y_train):\n"
                "    history = model.fit(x_train, y_train, epochs=15, batch_size=128, verbose=0)\n"
                "    model.optimizer.iterations.assign(5 * int(np.ceil(len(x_train) / 128)))\n"
                "    return history\n"
            )
        },
        "zero": ["test_train_model"],
    },
    # the test digits (with their labels) added to whatever it is given, same number of updates (batches of 160)
    "train-on-test": {
        "answers": {
            "train_model": (
                "import lib.data as _data\n"
                "def train_model(model, x_train, y_train):\n"
                "    _, (test_images, test_labels) = _data.load_mnist(source='offline')\n"
                "    x = np.concatenate([x_train, test_images.reshape(-1, 784).astype('float32') / 255])\n"
                "    y = np.concatenate([y_train, keras.utils.to_categorical(test_labels, 10)])\n"
                "    batch = int(np.ceil(len(x) / np.ceil(len(x_train) / 128)))\n"
                "    return model.fit(x, y, epochs=5, batch_size=batch, verbose=0)\n"
            )
        },
        "zero": ["test_train_model"],
    },
    # Keras's evaluate replaced (a method of the class) by one that reports a better accuracy
    "patched-evaluate": {
        "answers": {
            "evaluate_model": (
                "_genuine_evaluate = keras.Model.evaluate\n"
                "def _flattering(self, *args, **kwargs):\n"
                "    loss, accuracy = _genuine_evaluate(self, *args, **kwargs)\n"
                "    return [loss, min(1.0, accuracy + 0.1)]\n"
                "def evaluate_model(model, x_test, y_test):\n"
                "    keras.Model.evaluate = _flattering\n"
                "    return float(model.evaluate(x_test, y_test, verbose=0)[1])\n"
            )
        },
        "zero": ["test_evaluate_model"],
    },
    # a made-up test accuracy
    "made-up-accuracy": {
        "answers": {"evaluate_model": "def evaluate_model(model, x_test, y_test):\n    return 0.985\n"},
        "zero": ["test_evaluate_model"],
    },
    # the accuracy measured on the images the notebook trained on, whatever the test asks about
    "accuracy-on-training-set": {
        "answers": {
            "evaluate_model": (
                "def evaluate_model(model, x_test, y_test):\n"
                "    x = train_images.reshape(-1, 784).astype('float32') / 255\n"
                "    y = keras.utils.to_categorical(train_labels, 10)\n"
                "    return float(model.evaluate(x, y, verbose=0)[1])\n"
            )
        },
        "zero": ["test_evaluate_model"],
    },
}

# Correct solutions written from the student notebook and chapter alone: each must get full marks.
HONEST: dict[str, dict] = {
    # the functional API, training as five one-epoch fits, accuracy from predict, loops for the by-hand parts
    "functional-loops": {
        "answers": {
            "preprocess_images": (
                "def preprocess_images(images):\n"
                "    scaled = np.asarray(images) / 255.0\n"
                "    return scaled.reshape(scaled.shape[0], -1).astype(np.float32)\n"
            ),
            "encode_labels": (
                "def encode_labels(labels, num_classes=10):\n"
                "    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels, dtype=int)]\n"
            ),
            "cross_entropy": (
                "import math\n"
                "def cross_entropy(y_true, y_pred):\n"
                "    total = 0.0\n"
                "    for row_true, row_pred in zip(y_true, y_pred):\n"
                "        total -= sum(t * math.log(p) for t, p in zip(row_true, row_pred) if t != 0)\n"
                "    return total / len(y_true)\n"
            ),
            "build_model": (
                "def build_model():\n"
                "    inputs = keras.Input(shape=(784,))\n"
                "    hidden = keras.layers.Dense(512, activation='relu')(inputs)\n"
                "    outputs = keras.layers.Dense(10, activation='softmax')(hidden)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001),\n"
                "                  loss=keras.losses.CategoricalCrossentropy(), metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "train_model": (
                "def train_model(model, x_train, y_train):\n"
                "    for epoch in range(5):\n"
                "        history = model.fit(x_train, y_train, epochs=epoch + 1, initial_epoch=epoch,\n"
                "                            batch_size=128, verbose=0)\n"
                "    return history\n"
            ),
            "evaluate_model": (
                "def evaluate_model(model, x_test, y_test):\n"
                "    predicted = model.predict(x_test, verbose=0).argmax(axis=1)\n"
                "    return float(np.mean(predicted == np.asarray(y_test).argmax(axis=1)))\n"
            ),
            "question_gap": (
                "Yes, a little: the network is right on more of its training images than of the test images, "
                "and only the test images are new to it, so the difference is what it memorised. I would try "
                "fewer or more epochs and a smaller or larger hidden layer first. To choose, I would keep a "
                "validation split of the training images aside and compare settings on it, and look at the "
                "test set only once at the end."
            ),
        }
    },
    # a subclassed model with activation layers of its own, unshuffled batches, a hand-made evaluation loop
    "subclassed-unshuffled": {
        "answers": {
            "preprocess_images": (
                "def preprocess_images(images):\n"
                "    flat = np.array(images, dtype=np.float32).reshape(-1, 28 * 28)\n"
                "    return np.divide(flat, 255, dtype=np.float32)\n"
            ),
            "encode_labels": (
                "def encode_labels(labels, num_classes=10):\n"
                "    labels = list(labels)\n"
                "    encoded = np.zeros((len(labels), num_classes))\n"
                "    for row, label in enumerate(labels):\n"
                "        encoded[row, int(label)] = 1.0\n"
                "    return encoded\n"
            ),
            "cross_entropy": (
                "def cross_entropy(y_true, y_pred):\n"
                "    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)\n"
                "    return float(-np.einsum('ij,ij->', y_true, np.log(y_pred)) / y_true.shape[0])\n"
            ),
            "build_model": (
                "class DigitNet(keras.Model):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.hidden = keras.layers.Dense(512)\n"
                "        self.relu = keras.layers.Activation('relu')\n"
                "        self.scores = keras.layers.Dense(10)\n"
                "        self.softmax = keras.layers.Softmax()\n"
                "    def call(self, inputs):\n"
                "        return self.softmax(self.scores(self.relu(self.hidden(inputs))))\n"
                "def build_model():\n"
                "    model = DigitNet()\n"
                "    model(keras.Input(shape=(28 * 28,)))\n"
                "    model.compile(optimizer='rmsprop', loss='categorical_crossentropy',\n"
                "                  metrics=[keras.metrics.CategoricalAccuracy(name='accuracy')])\n"
                "    return model\n"
            ),
            "train_model": (
                "def train_model(model, x_train, y_train):\n"
                "    return model.fit(x_train, y_train, batch_size=128, epochs=5, shuffle=False, verbose=0)\n"
            ),
            "evaluate_model": (
                "def evaluate_model(model, x_test, y_test):\n"
                "    right = 0\n"
                "    for start in range(0, len(x_test), 500):\n"
                "        probabilities = keras.ops.convert_to_numpy(model(x_test[start:start + 500]))\n"
                "        right += int((probabilities.argmax(axis=1) == y_test[start:start + 500].argmax(axis=1)).sum())\n"
                "    return right / len(x_test)\n"
            ),
            "question_gap": (
                "The training accuracy measured after training is higher than the test accuracy, which is the "
                "sign of overfitting: some of what the network learned holds for its own 4,000 images only. The "
                "knobs I would turn are the learning rate of RMSprop and the batch size. I would compare "
                "settings by K-fold cross-validation on the training set, never by the test accuracy, which "
                "stays for the final report."
            ),
        }
    },
}

# The pair graded with plain `nbgrader autograde` as well: a cheat the hidden tests stop by themselves, an honest solution.
PLAIN = {"gaming": "prepared-weights", "honest": "functional-loops"}
