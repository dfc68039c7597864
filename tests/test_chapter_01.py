"""Chapter 1 (classifying digits): the code the chapter teaches, run on real digits.

The chapter's functions are taken from its text source (tests/chapter_code.py) and checked
against Keras: the network is the lecture's, the hand-written RMSprop step is the update
Keras applies, and the chapter's claim about ``history["accuracy"]`` holds.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from chapter_code import chapter_namespace

from lib import data, profiles
from lib.seeding import seed_everything


@pytest.fixture(scope="module")
def chapter():
    return chapter_namespace("01_mnist")


@pytest.fixture(scope="module")
def digits():
    """1,000 real training digits (the offline copy), prepared as the chapter prepares them."""
    (images, labels), _ = data.load_mnist(source="offline")
    x = images[:1000].reshape((-1, 28 * 28)).astype("float32") / 255
    y = keras.utils.to_categorical(labels[:1000], num_classes=10)
    return x, y


def test_the_network_is_the_lectures(chapter, digits):
    x, _ = digits
    model = chapter["build_network"]()
    assert model.count_params() == 407_050
    assert [layer.units for layer in model.layers] == [512, 10]
    probabilities = keras.ops.convert_to_numpy(model(x[:64]))
    assert probabilities.shape == (64, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert chapter["build_network"]() is not model, "every call builds a fresh network"


def test_rmsprop_step_is_the_update_keras_applies(chapter, digits):
    """Three steps on the chapter network's real gradients, by hand and by keras.optimizers.RMSprop."""
    x, y = digits
    seed_everything(0)
    model = chapter["build_network"]()
    loss = keras.losses.CategoricalCrossentropy()
    kernel = model.layers[0].kernel
    start = kernel.numpy().astype("float64")
    variable = keras.Variable(start)
    optimizer = keras.optimizers.RMSprop()
    weights, mean_square = start.copy(), np.zeros_like(start)
    for batch in range(3):
        rows = slice(128 * batch, 128 * (batch + 1))
        with tf.GradientTape() as tape:
            value = loss(y[rows], model(x[rows]))
        gradient = tape.gradient(value, kernel).numpy().astype("float64")
        assert np.abs(gradient).max() > 0
        weights, mean_square = chapter["rmsprop_step"](weights, gradient, mean_square)
        optimizer.apply_gradients([(tf.constant(gradient), variable)])
    np.testing.assert_allclose(weights, variable.numpy(), rtol=1e-6, atol=1e-9)
    assert not np.allclose(weights, start), "the steps moved the weights"


def test_rmsprop_step_divides_by_the_root_of_the_mean_square(chapter):
    weights = np.zeros(2)
    gradients = np.array([1.0, 1.0])
    # Running means of squared gradients of 4 and 0.01 (rho=1 keeps the new gradient out of them).
    after, _ = chapter["rmsprop_step"](weights, gradients, np.array([4.0, 0.01]), rho=1.0, epsilon=0.0)
    np.testing.assert_allclose(-after / 0.001, [1 / 2, 1 / 0.1])


def test_running_accuracy_lags_the_trained_network(chapter, digits):
    """The chapter's claim: history["accuracy"][-1] averages over the epoch; evaluate scores the final weights."""
    x, y = digits
    seed_everything(42)
    model = chapter["build_network"]()
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, batch_size=128, verbose=0)
    _, trained_accuracy = model.evaluate(x, y, verbose=0)
    running_accuracy = history.history["accuracy"][-1]
    assert trained_accuracy > running_accuracy + 0.05, (trained_accuracy, running_accuracy)


def test_profile_table_is_written_one_line_per_setting():
    table = profiles.table(train_samples=(None, None, 1000), epochs=(5, 5, 2))
    assert table == {
        "full": {"train_samples": None, "epochs": 5},
        "cpu": {"train_samples": None, "epochs": 5},
        "smoke": {"train_samples": 1000, "epochs": 2},
    }
    assert profiles.settings(table, profile="smoke").train_samples == 1000
    for wrong in ((5, 2), [5, 5, 2], 5):
        with pytest.raises(ValueError, match="one value per profile"):
            profiles.table(epochs=wrong)


def test_head_keeps_the_profiles_number_of_examples():
    mnist = data.load_mnist(source="offline")
    (train_images, train_labels), (test_images, test_labels) = mnist.head(train=10)
    assert len(train_images) == len(train_labels) == 10
    np.testing.assert_array_equal(train_images, mnist.train[0][:10])
    assert len(test_images) == len(test_labels) == len(mnist.test[0]), "None keeps a split whole"
    assert mnist.head(test=3).provenance == mnist.provenance
    assert len(mnist.train[0]) > 10, "the loaded dataset is not changed"
