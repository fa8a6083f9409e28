"""Claims of docs/glossary/activations.md, checked on what the build computed.

Every example on the page is deterministic (fixed inputs, seed 0), so the margins below
only absorb float32 rounding; each claim is also checked against an independent
reference: the NumPy formula, a finite difference, or a closed form.
"""

from __future__ import annotations

import inspect
import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.stats import norm

pytestmark = pytest.mark.build
PAGE = "glossary/activations.md"
SESSION = "glossary-activations"


def _slope(function, values):
    z = tf.constant(values, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(z)
        output = function(z)
    return tape.gradient(output, z).numpy()


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_without_activations_two_dense_layers_are_one_linear_map(page):
    assert page["linear_gap"] < 1e-5  # seen: 2.4e-07 (float32 rounding)
    assert page["relu_gap"] > 0.1  # seen: 1.82
    # Independent reference: compose the two layers' affine maps in float64.
    (w1, b1), (w2, b2) = (layer.get_weights() for layer in page["linear_stack"].layers)
    inputs = page["inputs"].astype(np.float64)
    composed = (inputs @ w1 + b1) @ w2 + b2
    np.testing.assert_allclose(page["one_map"], composed, atol=1e-5)


def test_a_dense_layer_is_linear_unless_told_otherwise(page):
    # The correction: not every layer has a non-linear activation.
    assert keras.layers.Dense(3).activation is keras.activations.linear
    assert page["relu_stack"].layers[0].activation is keras.activations.relu


def test_sigmoid_matches_its_formula_and_its_slope_peaks_at_a_quarter(page):
    grid, values, slope = page["grid"], page["sigmoid"].numpy(), page["sigmoid_slope"]
    assert grid.tolist() == list(range(-4, 5))
    np.testing.assert_allclose(values, 1 / (1 + np.exp(-grid.astype(np.float64))), atol=1e-6)
    np.testing.assert_allclose(slope, values * (1 - values), atol=1e-6)
    assert page["sigmoid_gap"] < 1e-6
    assert slope.max() == pytest.approx(0.25, abs=1e-7)
    assert grid[slope.argmax()] == 0
    # The correction's bound, on a fine grid with a finite difference (no TensorFlow).
    fine = np.linspace(-10.0, 10.0, 20001)
    step = 1e-5
    numerical = (_sigmoid(fine + step) - _sigmoid(fine - step)) / (2 * step)
    assert numerical.max() == pytest.approx(0.25, abs=1e-6)
    assert np.all(numerical <= 0.25 + 1e-9)
    assert page["sigmoid_slope"].max() ** 10 <= 0.25**10 * (1 + 1e-6)


def test_tanh_is_a_rescaled_sigmoid_with_slope_one_at_zero(page):
    grid, values, slope = page["grid"], page["tanh"].numpy(), page["tanh_slope"]
    np.testing.assert_allclose(values, np.tanh(grid.astype(np.float64)), atol=1e-6)
    np.testing.assert_allclose(page["rescaled_sigmoid"], values, atol=1e-6)
    np.testing.assert_allclose(slope, 1 - values**2, atol=1e-6)
    assert slope.max() == pytest.approx(1.0) and grid[slope.argmax()] == 0
    assert np.all(np.abs(values) < 1)
    assert values[grid == 0].tolist() == [0.0]


def test_recurrent_layers_use_tanh_and_their_gates_the_sigmoid(page):
    lstm = page["lstm"]
    assert (lstm.activation.__name__, lstm.recurrent_activation.__name__) == ("tanh", "sigmoid")
    gru = keras.layers.GRU(4)
    assert (gru.activation.__name__, gru.recurrent_activation.__name__) == ("tanh", "sigmoid")
    assert keras.layers.SimpleRNN(4).activation.__name__ == "tanh"


def test_relu_slope_is_one_above_zero_and_zero_at_and_below(page):
    slope = _slope(keras.activations.relu, [-3.0, -0.5, 0.0, 0.5, 3.0])
    assert slope.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]


def test_dead_relu_units_get_exactly_zero_gradient(page):
    dead, gradient, hidden = page["dead"], page["relu_gradient"], page["hidden"].numpy()
    assert dead.shape == (16,) and gradient.shape == (8, 16)
    assert 3 <= dead.sum() <= 12  # seen: 7 of 16
    # Independent reference: the pre-activations in NumPy are <= 0 on every input for
    # exactly the dead units.
    layer = page["layer"]
    kernel, bias = (np.asarray(w) for w in layer.get_weights())
    pre_activation = page["batch"] @ kernel + bias  # (256, 16)
    np.testing.assert_array_equal(np.all(pre_activation <= 0, axis=0), dead)
    np.testing.assert_allclose(hidden, np.maximum(pre_activation, 0), atol=1e-5)
    assert np.all(gradient[:, dead] == 0.0)
    assert np.all(np.abs(gradient[:, ~dead]).max(axis=0) > 0)
    assert page["largest_per_unit"][dead].max() == 0.0


def test_leaky_relu_defaults_differ_between_function_and_layer(page):
    function_default = inspect.signature(keras.activations.leaky_relu).parameters
    layer_default = inspect.signature(keras.layers.LeakyReLU).parameters
    assert function_default["negative_slope"].default == 0.2
    assert layer_default["negative_slope"].default == 0.3
    assert page["leaky_function"] == pytest.approx(-0.2)
    assert page["leaky_layer"] == pytest.approx(-0.3)
    assert _slope(keras.activations.leaky_relu, [-2.0, 2.0]).tolist() == pytest.approx([0.2, 1.0])


def test_leaky_relu_sends_a_gradient_to_every_unit(page):
    gradient = page["leaky_gradient"]
    assert gradient.shape == (8, 16)
    assert np.all(np.abs(gradient).max(axis=0) > 0)
    # The same layer with ReLU left some units without any gradient.
    assert page["dead"].any()


def test_elu_matches_its_formula_with_alpha_one(page):
    grid = page["grid"].astype(np.float64)
    expected = np.where(grid > 0, grid, np.expm1(grid))
    np.testing.assert_allclose(page["elu_values"], expected, atol=1e-6)
    assert inspect.signature(keras.activations.elu).parameters["alpha"].default == 1.0
    assert inspect.signature(keras.layers.ELU).parameters["alpha"].default == 1.0
    assert float(keras.activations.elu(np.float32(-50.0))) == pytest.approx(-1.0)


def test_elu_has_no_kink_at_zero():
    left, right = _slope(keras.activations.elu, [-1e-4, 1e-4])
    assert left == pytest.approx(1.0, abs=1e-3) and right == pytest.approx(1.0)
    relu_left, relu_right = _slope(keras.activations.relu, [-1e-4, 1e-4])
    assert (relu_left, relu_right) == (0.0, 1.0)


def test_elu_mean_output_is_nearer_zero_than_relus(page):
    # Closed forms for a standard normal input z:
    # E[max(0, z)] = 1 / sqrt(2 pi); E[ELU(z)] = 1 / sqrt(2 pi) + e^(1/2) Phi(-1) - 1/2.
    relu_mean = 1 / math.sqrt(2 * math.pi)
    elu_mean = relu_mean + math.exp(0.5) * norm.cdf(-1.0) - 0.5
    assert page["mean_relu"] == pytest.approx(relu_mean, abs=0.01)  # seen: 0.399
    assert page["mean_elu"] == pytest.approx(elu_mean, abs=0.01)  # seen: 0.160
    assert 0 < page["mean_elu"] < page["mean_relu"]


def test_softmax_sums_to_one_and_ignores_a_common_shift(page):
    probabilities, scores = page["probabilities"], page["scores"].astype(np.float64)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-6)
    assert np.all(probabilities > 0)
    assert probabilities.argmax() == scores.argmax()
    np.testing.assert_allclose(probabilities, np.exp(scores) / np.exp(scores).sum(), atol=1e-6)
    np.testing.assert_allclose(page["shifted"], probabilities, atol=1e-6)
    assert page["softmax_gap"] < 1e-6


def test_softmax_is_not_applied_unit_by_unit(page):
    # Raising the first score alone changes every output: the first rises, the others fall.
    nudged, probabilities = page["nudged"], page["probabilities"]
    assert nudged[0] > probabilities[0]
    assert np.all(nudged[1:] < probabilities[1:])
    assert nudged.sum() == pytest.approx(1.0, abs=1e-6)


def test_log_of_a_saturated_softmax_is_lost_and_log_softmax_is_not(page):
    # The correction: with a confident score, float32 probabilities underflow to zero.
    assert page["log_of_softmax"][0] == 0.0
    assert np.all(np.isneginf(page["log_of_softmax"][1:]))
    confident = page["confident"].astype(np.float64)
    exact = confident - confident.max() - np.log(np.exp(confident - confident.max()).sum())
    np.testing.assert_allclose(page["log_softmax"], exact, atol=1e-4)
    assert np.all(np.isfinite(page["log_softmax"]))
