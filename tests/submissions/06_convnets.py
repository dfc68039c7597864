"""Submissions of `06_convnets` that must not get the marks they do not earn (see ``tests/submissions/__init__.py``)."""

from __future__ import annotations

from submissions import ALWAYS_EQUAL

# A plausible wrong answer: the score each autograded cell must get.
WRONG = {
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
}

# Submissions that try to get the points without the work: each must score 0 on the test cells in "zero".
GAMING: dict[str, dict] = {}
