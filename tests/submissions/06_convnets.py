"""Submissions of `06_convnets` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# The task's convnet, built and not (yet) trained; used by WRONG and by a gaming submission.
_CONVNET = (
    "def build_convnet():\n"
    "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
    "        keras.layers.Conv2D(32, 3, activation='relu'), keras.layers.MaxPooling2D(2),\n"
    "        keras.layers.Conv2D(64, 3, activation='relu'), keras.layers.MaxPooling2D(2),\n"
    "        keras.layers.Flatten(), keras.layers.Dense(10, activation='softmax')])\n"
    "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "    return model\n"
    "\n"
    "convnet = build_convnet()\n"
)

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
        # builds the convnet but never trains it
        "build_convnet": _CONVNET,
    },
    "expected": {
        "test_conv_output_size": 0,
        "test_conv_params": 0,
        "test_max_pool": 2,
        "test_convnet_spec": 0,
        "test_convnet_accuracy": 0,
        "test_convnet_shifted": 0,
    },
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
_WEAK_CONVNET = (
    "def build_convnet():\n"
    "    # a dense network in disguise: a 1x1 convolution and a 1x1 'pooling' see no neighbourhood\n"
    "    model = keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
    "        keras.layers.Conv2D(1, 1), keras.layers.MaxPooling2D(1), keras.layers.Flatten(),\n"
    "        keras.layers.Dense(100, activation='relu'), keras.layers.Dense(10, activation='softmax')])\n"
    "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
    "    return model\n\n"
)

GAMING: dict[str, dict] = {
    # the "by hand" pooling handed to the Keras layer
    "keras_maxpool": {
        "answers": {
            "max_pool": (
                "def max_pool_2x2(feature_maps):\n    return np.asarray(keras.layers.MaxPooling2D(2)(feature_maps))\n"
            )
        },
        "zero": ["test_max_pool"],
    },
    # TensorFlow's pooling op, which keeps float64
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
    # a network that cannot cope with shifts, trained on the shifted *test* images as well
    # (batch size chosen so that the step count still matches 3 epochs of 5,000 images)
    "trained_on_shifted_test": {
        "answers": {
            "build_convnet": _WEAK_CONVNET
            + (
                "convnet = build_convnet()\n"
                "convnet.fit(np.concatenate([x_train, x_test_shifted]), np.concatenate([y_train, y_test]),\n"
                "            epochs=3, batch_size=89, verbose=0)\n"
            )
        },
        "zero": ["test_convnet_shifted"],
    },
    # a convnet trained on shuffled labels, then the test labels overwritten with its own predictions
    "relabelled_test_set": {
        "answers": {
            "build_convnet": _CONVNET
            + (
                "convnet.fit(x_train, np.random.default_rng(0).permutation(y_train), epochs=3, batch_size=64, verbose=0)\n"
                "test_labels = y_test = np.asarray(convnet.predict(x_test, verbose=0)).argmax(axis=1)\n"
            )
        },
        "zero": ["test_convnet_accuracy"],
    },
}
