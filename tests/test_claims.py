"""What the chapters say about the libraries, tested: one test per claim, named after its chapter and section.

A library upgrade that changes one of these behaviours fails its test, and the sentence that
relies on it must then be rewritten.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
from keras import layers, regularizers

from lib import vision


def test_ch1_compilation_rmsprop_steps_are_about_the_learning_rate_whatever_the_gradients_scale():
    """Chapter 1, "Compilation": RMSprop divides by the running RMS of the gradient, so a weight
    with a steady gradient moves by about the learning rate per step, however large the gradient."""
    steps = {}
    for scale in (1e-3, 1.0, 1e3):
        weight = keras.Variable(np.zeros(1, dtype="float32"))
        optimizer = keras.optimizers.RMSprop(learning_rate=0.01)
        for _ in range(60):
            before = float(weight.numpy()[0])
            optimizer.apply_gradients([(keras.ops.convert_to_tensor([scale], dtype="float32"), weight)])
        steps[scale] = before - float(weight.numpy()[0])
    for scale, step in steps.items():
        assert step == pytest.approx(0.01, rel=0.05), (scale, step)


def test_ch3_label_encodings_give_the_same_loss():
    """Chapter 3, "Preparing the data": categorical cross-entropy on one-hot labels and sparse
    categorical cross-entropy on integer labels compute the same loss."""
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(46), size=8).astype("float32")
    labels = rng.integers(0, 46, size=8)
    one_hot = keras.losses.CategoricalCrossentropy()(np.eye(46)[labels], probabilities)
    sparse = keras.losses.SparseCategoricalCrossentropy()(labels, probabilities)
    assert float(one_hot) == pytest.approx(float(sparse), rel=1e-6)


def test_ch5_weight_regularization_l2_adds_its_penalty_to_the_loss_and_no_parameter():
    """Chapter 5, "Remedy 2": `regularizers.l2(0.001)` adds 0.001 · Σw² of the layer's kernel to the
    loss that training minimises and `evaluate` reports; the number of parameters does not change."""
    keras.utils.set_random_seed(0)
    inputs = np.random.default_rng(1).random((16, 5)).astype("float32")
    targets = np.random.default_rng(2).random((16, 1)).astype("float32")
    plain = keras.Sequential([keras.Input((5,)), layers.Dense(3), layers.Dense(1)])
    penalised = keras.Sequential(
        [keras.Input((5,)), layers.Dense(3, kernel_regularizer=regularizers.l2(0.001)), layers.Dense(1)]
    )
    penalised.set_weights(plain.get_weights())
    assert penalised.count_params() == plain.count_params()
    for model in (plain, penalised):
        model.compile(optimizer="sgd", loss="mse")
    kernel = penalised.layers[0].kernel.numpy()
    difference = penalised.evaluate(inputs, targets, verbose=0) - plain.evaluate(inputs, targets, verbose=0)
    assert difference == pytest.approx(0.001 * float(np.sum(kernel**2)), rel=1e-4)


def test_ch5_dropout_scales_the_kept_values_up_in_training_and_passes_everything_at_test_time():
    """Chapter 5, "Remedy 3": Keras's inverted dropout zeroes a fraction of its inputs in training
    and multiplies the rest by 1 / (1 - rate); at inference it is the identity."""
    dropout = layers.Dropout(0.2, seed=1)
    inputs = np.ones((200, 50), dtype="float32")
    trained = np.asarray(dropout(inputs, training=True))
    np.testing.assert_allclose(np.unique(trained), [0.0, 1 / 0.8], rtol=1e-6)
    assert 0.15 < np.mean(trained == 0) < 0.25
    np.testing.assert_array_equal(np.asarray(dropout(inputs, training=False)), inputs)


def test_ch5_question_5_a_dropout_layer_draws_its_seed_when_it_is_created():
    """Chapter 5, question 5: seeding before `fit` does not fix the dropout masks of layers created
    earlier; a `Dropout` layer's random seed is drawn when the layer is created."""
    inputs = np.ones((4, 100), dtype="float32")
    masks = []
    for later_seed in (2, 3):
        keras.utils.set_random_seed(1)
        dropout = layers.Dropout(0.5)
        keras.utils.set_random_seed(later_seed)  # what seeding "before fit" would do
        masks.append(np.asarray(dropout(inputs, training=True)))
    np.testing.assert_array_equal(masks[0], masks[1])
    keras.utils.set_random_seed(4)
    other = np.asarray(layers.Dropout(0.5)(inputs, training=True))
    assert not np.array_equal(other, masks[0])


@pytest.mark.parametrize("size", [5, 28, 150])
@pytest.mark.parametrize("kernel", [1, 3, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_ch6_output_size_rule(size, kernel, stride):
    """Chapter 6, "Stride" and "Padding": along one axis, `padding="valid"` gives ⌊(n − k) / s⌋ + 1
    positions and `padding="same"` gives ⌈n / s⌉."""
    image = np.zeros((1, size, size, 1), dtype="float32")
    for padding, expected in (("valid", (size - kernel) // stride + 1), ("same", math.ceil(size / stride))):
        if expected < 1:
            continue
        output = layers.Conv2D(1, kernel, strides=stride, padding=padding)(image)
        assert tuple(output.shape[1:3]) == (expected, expected), padding
        if padding == "valid":
            assert vision.conv_output_size(size, kernel_size=kernel, stride=stride) == expected


def test_ch6_max_pooling_drops_windows_that_do_not_fit():
    """Chapter 6, "Max-pooling": 2×2 windows with stride 2 halve height and width, rounding down."""
    assert tuple(layers.MaxPooling2D(2)(np.zeros((1, 7, 6, 3), dtype="float32")).shape) == (1, 3, 3, 3)


def test_ch7_flatten_only_reshapes():
    """Chapter 7, "Reusing a pretrained network": `Flatten` reorders nothing and loses nothing; it
    lays the feature maps out in one row, as NumPy's reshape does."""
    maps = np.random.default_rng(0).random((2, 4, 4, 8)).astype("float32")
    np.testing.assert_array_equal(np.asarray(layers.Flatten()(maps)), maps.reshape(2, -1))


def test_ch7_a_frozen_base_gets_no_update_and_no_optimizer_slot():
    """Chapter 7, feature extraction: with `base.trainable = False` set before compiling, training
    leaves the base's weights as they were and the optimizer keeps state only for the head."""
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((6,)), layers.Dense(4, activation="relu")])
    model = keras.Sequential([base, layers.Dense(1)])
    base.trainable = False
    model.compile(optimizer="rmsprop", loss="mse")
    before = [w.copy() for w in base.get_weights()]
    inputs = np.random.default_rng(1).random((32, 6)).astype("float32")
    model.fit(inputs, inputs.sum(axis=1), epochs=2, verbose=0)
    for old, new in zip(before, base.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert len(model.trainable_weights) == 2
    velocities = [v for v in model.optimizer.variables if "velocity" in v.path]
    shapes = sorted(tuple(v.shape) for v in velocities)
    assert shapes == [(1,), (4, 1)], f"slots only for the head's kernel and bias: {[v.path for v in velocities]}"


def test_ch7_vgg16_has_no_batch_normalization():
    """Chapter 7, "Fine-tuning networks with batch normalization": VGG16 has no normalization layers."""
    base = keras.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    kinds = {type(layer).__name__ for layer in base.layers}
    assert kinds == {"InputLayer", "Conv2D", "MaxPooling2D"}, kinds


def test_ch7_batch_normalization_uses_batch_statistics_in_training_and_moving_averages_otherwise():
    """Chapter 7, "Fine-tuning networks with batch normalization": in training the layer normalizes
    with the batch's own statistics and updates its moving averages; with `training=False`, or with
    `trainable = False`, it uses the moving averages and leaves them unchanged."""
    features = np.random.default_rng(0).normal(loc=5.0, scale=3.0, size=(64, 4)).astype("float32")
    norm = layers.BatchNormalization()
    norm.build(features.shape)
    trained = np.asarray(norm(features, training=True))
    np.testing.assert_allclose(trained.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(trained.std(axis=0), 1, atol=1e-2)
    moving = np.asarray(norm.moving_mean)
    assert np.all(moving > 0), "the moving mean moved towards the batch's mean"
    inferred = np.asarray(norm(features, training=False))
    expected = (features - moving) / np.sqrt(np.asarray(norm.moving_variance) + norm.epsilon)
    np.testing.assert_allclose(inferred, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(np.asarray(norm.moving_mean), moving)
    norm.trainable = False
    np.testing.assert_allclose(np.asarray(norm(features, training=True)), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(np.asarray(norm.moving_mean), moving)


def test_ch2_the_lectures_scikit_learn_wrapper_is_gone_and_keras_3_has_its_own():
    """Chapter 2, "Keras models as scikit-learn estimators": `keras.wrappers.scikit_learn` no longer
    exists; `keras.wrappers.SKLearnClassifier` and `SKLearnRegressor` take its place."""
    import importlib

    with pytest.raises(ImportError):
        importlib.import_module("keras.wrappers.scikit_learn")
    assert callable(keras.wrappers.SKLearnClassifier) and callable(keras.wrappers.SKLearnRegressor)


def _wrapped_classifier(seen: dict):
    from keras.wrappers import SKLearnClassifier

    def build(X, y):
        seen["targets"] = y.shape
        model = keras.Sequential([keras.Input((X.shape[1],)), layers.Dense(y.shape[1], activation="softmax")])
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        return model

    return SKLearnClassifier(model=build, fit_kwargs={"epochs": 3, "verbose": 0})


def test_ch2_the_classifier_wrapper_one_hot_encodes_two_labels_into_two_columns():
    """Chapter 2, "Keras models as scikit-learn estimators": `SKLearnClassifier` hands the build
    function one-hot targets, so a yes/no problem arrives as two columns."""
    seen = {}
    features = np.random.default_rng(0).random((20, 3)).astype("float32")
    _wrapped_classifier(seen).fit(features, np.array([0, 1] * 10))
    assert seen["targets"] == (20, 2)


def test_ch2_a_cloned_wrapper_loses_the_fit_kwargs_given_to_its_constructor():
    """Chapter 2, same section: the pitfall the chapter works around. scikit-learn's `clone`, which
    every search applies, keeps constructor parameters only, and `fit_kwargs` is not one of them."""
    from sklearn.base import clone

    features = np.random.default_rng(0).random((20, 3)).astype("float32")
    labels = np.array([0, 1] * 10)
    original = _wrapped_classifier({})
    original.fit(features, labels)
    cloned = clone(original)
    cloned.fit(features, labels)
    assert int(original.model_.optimizer.iterations) == 3  # 3 epochs of one batch
    assert int(cloned.model_.optimizer.iterations) == 1  # the clone trained one epoch, Keras's default


def test_ch5_clone_model_copies_regularizers_and_dropout_and_draws_new_weights():
    """Chapter 5, "One look at the test set": `clone_model` copies the architecture, regularizers
    and dropout included, and draws fresh weights rather than copying the trained ones."""
    original = keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(4, activation="relu", kernel_regularizer=regularizers.l2(0.001)),
            layers.Dropout(0.5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    clone = keras.models.clone_model(original)
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in original.layers]
    assert clone.layers[0].kernel_regularizer.get_config() == {"l2": pytest.approx(0.001)}
    assert clone.layers[1].rate == 0.5
    assert not np.allclose(clone.layers[0].get_weights()[0], original.layers[0].get_weights()[0])


def test_exercise_1_task_3_keras_cross_entropy_clips_predictions_at_1e_7():
    """Exercise 1, Task 3: Keras's categorical cross-entropy clips a predicted probability of
    1e-12 to 1e-7, so it differs from the formula there (the task asks for the formula)."""
    loss = keras.losses.CategoricalCrossentropy()(np.array([[1.0, 0.0]]), np.array([[1e-12, 1 - 1e-12]]))
    assert float(loss) == pytest.approx(-math.log(1e-7), rel=1e-4)
    assert float(loss) != pytest.approx(-math.log(1e-12), rel=0.1)
