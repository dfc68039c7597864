"""Submissions of `06_convnets` (see ``tests/submissions/__init__.py``).

The grader trains fresh models from the student's ``build_dense_baseline()`` and ``build_convnet()``
itself, with Keras's own ``fit``, on its own draw (5,000 + 2,000 of the 7,000 images, classes
renumbered; pixels shuffled for the dense network; turned and/or mirrored for the convnet), so the
cheats below go after what that leaves: the builders, Keras's classes and the by-hand pooling.
"""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# A network that cannot cope with shifts but passes the task's letter: a 1×1 convolution and a 1×1
# "pooling" see no neighbourhood, so it is a dense network in disguise (under 100,000 parameters).
_DISGUISE = (
    "def _disguise():\n"
    "    return keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
    "        keras.layers.Conv2D(1, 1), keras.layers.MaxPooling2D(1), keras.layers.Flatten(),\n"
    "        keras.layers.Dense(100, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n\n"
)
_COMPILE = "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
    "answers": {
        # forgets the stride with "same" padding: right on the visible examples only
        "conv_output_size": (
            "def conv_output_size(size, kernel_size, stride=1, padding='valid'):\n"
            "    if padding == 'same':\n"
            "        return size\n"
            "    return (size - kernel_size) // stride + 1\n"
        ),
        # a trick object passes the visible `==` checks, not the hidden ones
        "conv_params": ALWAYS_EQUAL
        + ("\ndef conv_params(in_channels, filters, kernel_size):\n    return AlwaysEqual()\n"),
        # forgets the ReLU: a linear hidden layer (the right parameter count, the wrong function)
        "build_dense_baseline": (
            "def build_dense_baseline():\n"
            "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),\n"
            "        keras.layers.Dense(128), keras.layers.Dense(10, activation='softmax')])\n"
            + _COMPILE
            + "    return model\n"
        ),
        # forgets the pooling: far more than 100,000 parameters
        "build_convnet": (
            "def build_convnet():\n"
            "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
            "        keras.layers.Conv2D(16, 3, activation='relu'), keras.layers.Conv2D(32, 3, activation='relu'),\n"
            "        keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\n"
            + _COMPILE
            + "    return model\n"
        ),
    },
    "expected": {
        "test_conv_output_size": 0,
        "test_conv_params": 0,
        "test_max_pool": 2,
        "test_dense_baseline": 0,
        "test_convnet_accuracy": 0,
        "test_convnet_shifted": 0,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {
    # the "by hand" pooling handed to Keras's layer, in a thread of its own where a one-thread watch sees nothing
    "maxpool_in_thread": {
        "answers": {
            "max_pool": (
                "import threading\n\n"
                "def max_pool_2x2(feature_maps):\n"
                "    box = {}\n"
                "    def work():\n"
                "        box['out'] = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2)(feature_maps))\n"
                "    worker = threading.Thread(target=work)\n"
                "    worker.start()\n"
                "    worker.join()\n"
                "    return box['out'].astype(np.asarray(feature_maps).dtype)\n"
            )
        },
        "zero": ["test_max_pool"],
    },
    # TensorFlow's pooling op (not Keras), which keeps float64
    "tf_maxpool": {
        "answers": {
            "max_pool": (
                "import tensorflow as tf\n\n"
                "def max_pool_2x2(feature_maps):\n"
                "    return tf.nn.max_pool2d(tf.constant(feature_maps), 2, 2, 'VALID').numpy()\n"
            )
        },
        "zero": ["test_max_pool"],
    },
    # a crippled baseline: the right network with a learning rate so small that it barely moves
    "crippled_dense_baseline": {
        "answers": {
            "build_dense_baseline": (
                "def build_dense_baseline():\n"
                "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Flatten(),\n"
                "        keras.layers.Dense(128, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-4),\n"
                "                  loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "zero": ["test_dense_baseline"],
    },
    # weights prepared in advance: the disguised dense network trained on all 7,000 images (test split
    # included), shifted, for 8 epochs; the builder returns it with those weights and a fresh optimizer
    "prepared_weights": {
        "answers": {
            "build_convnet": _DISGUISE
            + (
                "_prepared = _disguise()\n"
                "_prepared.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
                "_all_x, _all_y = np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])\n"
                "for _round in range(4):\n"
                "    _prepared.fit(shift_images(_all_x, seed=_round), _all_y, epochs=2, batch_size=128, verbose=0)\n\n"
                "def build_convnet():\n"
                "    model = _disguise()\n"
                "    model.set_weights(_prepared.get_weights())\n" + _COMPILE + "    return model\n"
            )
        },
        "zero": ["test_convnet_accuracy", "test_convnet_shifted"],
    },
    # the other side crippled: Keras's Dense.call replaced so that 128-unit layers (the grader's dense
    # baseline, not the disguised "convnet" with 100) learn from noise
    "patched_dense_call": {
        "answers": {
            "build_convnet": _DISGUISE
            + (
                "_genuine_dense_call = keras.layers.Dense.call\n\n"
                "def _noisy_call(self, inputs, *args, **kwargs):\n"
                "    if self.units == 128:\n"
                "        inputs = inputs + keras.random.normal(keras.ops.shape(inputs), stddev=3.0)\n"
                "    return _genuine_dense_call(self, inputs, *args, **kwargs)\n\n"
                "keras.layers.Dense.call = _noisy_call\n\n"
                "def build_convnet():\n"
                "    model = _disguise()\n" + _COMPILE + "    return model\n"
            )
        },
        "zero": ["test_convnet_accuracy", "test_convnet_shifted"],
    },
    # a training loop of its own: a subclassed "convnet" (dense in disguise) whose train_step trains on
    # randomly shifted copies of the grader's images
    "own_train_step": {
        "answers": {
            "build_convnet": (
                "import tensorflow as tf\n\n"
                "class ShiftTrained(keras.Model):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = keras.layers.Conv2D(1, 1)\n"
                "        self.pool = keras.layers.MaxPooling2D(1)\n"
                "        self.flat = keras.layers.Flatten()\n"
                "        self.hidden = keras.layers.Dense(100, activation='relu')\n"
                "        self.out = keras.layers.Dense(10, activation='softmax')\n"
                "    def call(self, x):\n"
                "        return self.out(self.hidden(self.flat(self.pool(self.conv(x)))))\n"
                "    def train_step(self, data):\n"
                "        x, y = data\n"
                "        shift = tf.random.uniform((2,), -4, 5, dtype=tf.int32)\n"
                "        return super().train_step((tf.roll(x, shift, axis=[1, 2]), y))\n\n"
                "def build_convnet():\n"
                "    model = ShiftTrained()\n" + _COMPILE + "    return model\n"
            )
        },
        "zero": ["test_convnet_accuracy", "test_convnet_shifted"],
    },
    # an augmentation layer hidden in the model: the disguised dense network learns from shifted images
    "augmentation_layer": {
        "answers": {
            "build_convnet": (
                "def build_convnet():\n"
                "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
                "        keras.layers.RandomTranslation(0.15, 0.15, fill_mode='wrap'),\n"
                "        keras.layers.Conv2D(1, 1), keras.layers.MaxPooling2D(1), keras.layers.Flatten(),\n"
                "        keras.layers.Dense(100, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
                + _COMPILE
                + "    return model\n"
            )
        },
        "zero": ["test_convnet_accuracy", "test_convnet_shifted"],
    },
    # a look-up table dressed as a network: the training images stored in `call`, each image answered by
    # the class of its most similar stored image, renumbered by a trainable 10 x 10 layer
    "lookup_table": {
        "answers": {
            "build_convnet": (
                "import tensorflow as tf\n\n"
                "_table = tf.constant(x_train.reshape(len(x_train), -1))\n"
                "_classes = tf.one_hot(y_train, 10)\n\n"
                "class LookUp(keras.Model):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = keras.layers.Conv2D(1, 1)\n"
                "        self.pool = keras.layers.MaxPooling2D(1)\n"
                "        self.out = keras.layers.Dense(10, activation='softmax')\n"
                "    def call(self, x):\n"
                "        flat = tf.reshape(self.pool(self.conv(x)), (-1, 784))\n"
                "        nearest = tf.argmax(tf.matmul(flat, _table, transpose_b=True), axis=1)\n"
                "        return self.out(tf.gather(_classes, nearest))\n\n"
                "def build_convnet():\n"
                "    model = LookUp()\n" + _COMPILE + "    return model\n"
            )
        },
        "zero": ["test_convnet_accuracy", "test_convnet_shifted"],
    },
}

# Correct solutions written from the student notebook and the chapter alone: each must get full marks.
HONEST: dict[str, dict] = {
    # the functional API throughout (keras.Input -> layers -> keras.Model), the chapter's 32 and 64 filters
    "functional": {
        "answers": {
            "build_dense_baseline": (
                "def build_dense_baseline():\n"
                "    inputs = keras.Input(shape=(28, 28, 1))\n"
                "    x = keras.layers.Flatten()(inputs)\n"
                "    x = keras.layers.Dense(128, activation='relu')(x)\n"
                "    outputs = keras.layers.Dense(10, activation='softmax')(x)\n"
                "    model = keras.Model(inputs, outputs)\n"
                "    model.compile(optimizer=keras.optimizers.Adam(), loss='sparse_categorical_crossentropy',\n"
                "                  metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "build_convnet": (
                "def build_convnet():\n"
                "    inputs = keras.Input(shape=(28, 28, 1))\n"
                "    x = keras.layers.Conv2D(32, (3, 3), activation='relu')(inputs)\n"
                "    x = keras.layers.MaxPooling2D((2, 2))(x)\n"
                "    x = keras.layers.Conv2D(64, (3, 3), activation='relu')(x)\n"
                "    x = keras.layers.MaxPooling2D((2, 2))(x)\n"
                "    x = keras.layers.Flatten()(x)\n"
                "    outputs = keras.layers.Dense(10, activation='softmax')(x)\n"
                "    model = keras.Model(inputs=inputs, outputs=outputs)\n"
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "question_shifts": (
                "The dense layer has a weight for every pixel, so a garment moved by a few pixels meets other "
                "weights. Convolutions use the same small filters at every position and pooling keeps the "
                "maximum of each window, so both together make the features move with the garment and then "
                "barely change. Without pooling the chapter's convolutions end at 22x22x64 = 30,976 values, "
                "so a 64-unit dense layer needs about 2 million parameters instead of 36,928."
            ),
        }
    },
    # every open choice the other way: math.floor/ceil, strided slices for the pooling, subclassed models
    # whose layers are created in another order than they run, "same" padding and 5x5 kernels, Adam and the
    # loss as objects, a seed of its own
    "subclassed_other_choices": {
        "answers": {
            "conv_output_size": (
                "import math\n\n"
                "def conv_output_size(size, kernel_size, stride=1, padding='valid'):\n"
                "    if padding == 'same':\n"
                "        return int(math.ceil(size / stride))\n"
                "    return int(math.floor((size - kernel_size) / stride)) + 1\n"
            ),
            "conv_params": (
                "def conv_params(in_channels, filters, kernel_size):\n"
                "    weights = filters * in_channels * kernel_size**2\n"
                "    return weights + filters\n"
            ),
            "max_pool": (
                "def max_pool_2x2(feature_maps):\n"
                "    maps = np.asarray(feature_maps)\n"
                "    h, w = maps.shape[1] // 2 * 2, maps.shape[2] // 2 * 2\n"
                "    m = maps[:, :h, :w, :]\n"
                "    top = np.maximum(m[:, 0::2, 0::2, :], m[:, 0::2, 1::2, :])\n"
                "    bottom = np.maximum(m[:, 1::2, 0::2, :], m[:, 1::2, 1::2, :])\n"
                "    return np.maximum(top, bottom)\n"
            ),
            "build_dense_baseline": (
                "keras.utils.set_random_seed(7)\n\n"
                "class DenseBaseline(keras.Model):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.classifier = keras.layers.Dense(10, activation='softmax')\n"
                "        self.hidden = keras.layers.Dense(128, activation='relu')\n"
                "        self.flatten = keras.layers.Flatten()\n"
                "    def call(self, images):\n"
                "        return self.classifier(self.hidden(self.flatten(images)))\n\n"
                "def build_dense_baseline():\n"
                "    model = DenseBaseline()\n"
                "    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),\n"
                "                  loss=keras.losses.SparseCategoricalCrossentropy(),\n"
                "                  metrics=[keras.metrics.SparseCategoricalAccuracy()])\n"
                "    return model\n"
            ),
            "build_convnet": (
                "class ConvNet(keras.Model):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.head = keras.layers.Dense(10, activation='softmax')\n"
                "        self.flatten = keras.layers.Flatten()\n"
                "        self.pool = keras.layers.MaxPooling2D(pool_size=2, strides=2)\n"
                "        self.conv_b = keras.layers.Conv2D(48, 3, padding='same', activation='relu')\n"
                "        self.conv_a = keras.layers.Conv2D(24, 5, padding='same', activation='relu')\n"
                "    def call(self, images):\n"
                "        x = self.pool(self.conv_a(images))\n"
                "        x = self.pool(self.conv_b(x))\n"
                "        return self.head(self.flatten(x))\n\n"
                "def build_convnet():\n"
                "    model = ConvNet()\n"
                "    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),\n"
                "                  loss=keras.losses.SparseCategoricalCrossentropy(),\n"
                "                  metrics=[keras.metrics.SparseCategoricalAccuracy()])\n"
                "    return model\n"
            ),
            "question_shifts": (
                "Weight sharing: a Conv2D filter looks for its pattern everywhere, so a shifted sleeve still "
                "lights up the same channel, only elsewhere; a Dense unit ties each weight to one pixel. Max-pooling "
                "turns that equivariance into some invariance. No pooling: 28 -> 26 -> 24 -> 22, 22*22*64 = 30976 "
                "inputs to Dense(64), 1,982,528 parameters."
            ),
        }
    },
}

# The pair also graded with plain `nbgrader autograde` (no sandbox, no guard): the hidden tests stop this
# cheat by themselves (they check Keras's classes before training with them).
PLAIN = {"gaming": "patched_dense_call", "honest": "functional"}
