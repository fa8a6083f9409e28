"""Facts the glossary's activation, initialization and normalization entries state,
checked against TensorFlow and Keras themselves (independently of the pages' examples)."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf


def _slope(function, z):
    with tf.GradientTape() as tape:
        tape.watch(z)
        value = function(z)
    return tape.gradient(value, z)


def test_sigmoid_slope_peaks_at_a_quarter_and_tanh_at_one():
    z = tf.linspace(-8.0, 8.0, 1601)
    assert float(tf.reduce_max(_slope(tf.sigmoid, z))) == pytest.approx(0.25, abs=1e-6)
    assert float(tf.reduce_max(_slope(tf.tanh, z))) == pytest.approx(1.0, abs=1e-6)


def test_leaky_relu_default_slopes():
    activation = inspect.signature(keras.activations.leaky_relu).parameters["negative_slope"]
    layer = inspect.signature(keras.layers.LeakyReLU).parameters["negative_slope"]
    assert (activation.default, layer.default) == (0.2, 0.3)
    assert float(keras.activations.leaky_relu(np.float32(-1.0))) == pytest.approx(-0.2)
    assert float(keras.layers.LeakyReLU()(np.float32(-1.0))) == pytest.approx(-0.3)


def test_elu_alpha_is_one_in_keras():
    assert float(keras.activations.elu(np.float32(-50.0))) == pytest.approx(-1.0)


def test_relu_slope_is_one_for_active_units():
    z = tf.constant([0.5, 2.0, 10.0])
    assert _slope(tf.nn.relu, z).numpy().tolist() == [1.0, 1.0, 1.0]


def test_he_initialization_has_variance_two_over_fan_in():
    fan_in = 256
    kernel = keras.initializers.HeNormal(seed=0)((fan_in, 512))
    assert float(np.var(kernel)) == pytest.approx(2 / fan_in, rel=0.05)


def test_batch_normalization_learns_two_parameters_per_feature():
    layer = keras.layers.BatchNormalization()
    layer.build((None, 8))
    assert [w.shape for w in layer.trainable_weights] == [(8,), (8,)]  # scale and shift
    assert len(layer.non_trainable_weights) == 2  # the running mean and variance
