"""Claims of docs/glossary/losses.md, checked on what the build computed.

The page's examples use fixed inputs and fixed weights, so the margins below only absorb
float32 rounding. Each loss is also recomputed here from its formula, in float64 NumPy
or SciPy, independently of the code on the page.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import scipy.special
import scipy.stats
import tensorflow as tf

pytestmark = pytest.mark.build
PAGE = "glossary/losses.md"
SESSION = "glossary-losses"


def test_the_reported_loss_is_the_data_term_plus_the_weight_penalty(page):
    x, y = page["x"].astype(np.float64), page["y"].astype(np.float64)
    kernel, bias = (np.asarray(w, dtype=np.float64) for w in page["model"].layers[0].get_weights())
    assert kernel.tolist() == [[1.5]] and bias.tolist() == [0.5]
    squared_errors = ((x @ kernel + bias - y) ** 2)[:, 0]
    np.testing.assert_allclose(page["per_example"], squared_errors, rtol=1e-6)
    assert page["penalty"] == pytest.approx(0.1 * 1.5**2, rel=1e-6)  # L2(0.1): 0.1 * sum(w²)
    # The correction: the loss training reports is not only a prediction-vs-target term.
    assert page["reported"] == pytest.approx(squared_errors.mean() + page["penalty"], rel=1e-5)
    assert page["reported"] > squared_errors.mean()


def test_sparse_and_categorical_cross_entropy_agree_with_the_formula(page):
    logits, labels = page["logits"].astype(np.float64), page["labels"]
    # Independent reference: SciPy's log-softmax, float64.
    expected = -scipy.special.log_softmax(logits, axis=1)[np.arange(3), labels].mean()
    assert page["sparse"] == pytest.approx(expected, rel=1e-5)
    assert page["categorical"] == pytest.approx(expected, rel=1e-5)
    assert page["cross_entropy_by_hand"] == pytest.approx(expected, rel=1e-5)


def test_binary_cross_entropy_from_logits_agrees_with_the_formula(page):
    logits = page["binary_logits"].astype(np.float64)
    labels = page["binary_labels"].astype(np.float64)
    # -log sigmoid(z) = log(1 + e^-z), -log(1 - sigmoid(z)) = log(1 + e^z)
    expected = np.mean(labels * np.logaddexp(0, -logits) + (1 - labels) * np.logaddexp(0, logits))
    assert page["binary"] == pytest.approx(expected, rel=1e-5)
    assert page["binary_by_hand"] == pytest.approx(expected, rel=1e-5)


def test_from_probabilities_the_loss_is_clipped_and_the_gradient_is_lost(page):
    # Exact value: -log softmax(z)_0 for z = (0, 40, -10), about 40.
    exact = -scipy.special.log_softmax(np.array([0.0, 40.0, -10.0]))[0]
    assert float(page["loss_from_logits"]) == pytest.approx(exact, rel=1e-5)
    # Clipped at 1e-7: the loss is capped at -log(1e-7), about 16.12.
    assert keras.config.epsilon() == 1e-7
    assert float(page["loss_from_probabilities"]) == pytest.approx(-math.log(1e-7), rel=1e-4)
    assert np.all(page["gradient_from_probabilities"] == 0.0)
    # From the logits the gradient is softmax(z) - target.
    expected_gradient = scipy.special.softmax(np.array([0.0, 40.0, -10.0])) - [1.0, 0.0, 0.0]
    np.testing.assert_allclose(page["gradient_from_logits"][0], expected_gradient, atol=1e-6)


def test_keras_recovers_the_logits_of_its_own_softmax_only():
    # The page says the TensorFlow backend rescues probabilities that come straight from
    # keras.activations.softmax, and not those from another operation.
    logits = tf.constant([[0.0, 40.0, -10.0]])
    target = np.array([[1.0, 0.0, 0.0]], dtype="float32")
    loss = keras.losses.CategoricalCrossentropy()
    assert float(loss(target, keras.activations.softmax(logits))) == pytest.approx(40.0)
    assert float(loss(target, tf.nn.softmax(logits))) == pytest.approx(-math.log(1e-7), rel=1e-4)


def test_cross_entropy_of_a_soft_target_with_itself_is_its_entropy(page):
    # The correction: cross-entropy = entropy + KL, so a perfect prediction of a soft
    # target still costs the target's entropy.
    soft = page["soft"][0].astype(np.float64)
    entropy = -np.sum(soft * np.log(soft))
    assert page["soft_cross_entropy"] == pytest.approx(entropy, rel=1e-5)  # seen: 0.8018
    assert page["soft_cross_entropy"] > 0.5
    assert page["soft_kl"] == pytest.approx(0.0, abs=1e-6)


def test_mean_squared_error_and_the_weight_of_an_outlier(page):
    targets = page["targets"].astype(np.float64)
    predictions = page["predictions"].astype(np.float64)
    squared = (targets - predictions) ** 2
    assert page["mse"] == pytest.approx(squared.mean(), rel=1e-6)
    assert page["mse"] == pytest.approx(keras.losses.MeanSquaredError()(targets, predictions))
    # "A single outlier can outweigh all the other examples together."
    assert squared[-1] > squared[:-1].sum()
    assert squared[-1] / squared.sum() == pytest.approx(36 / 38.25)


def test_the_best_constant_is_the_mean_under_mse_and_the_median_under_mae(page):
    targets = page["targets"].astype(np.float64)
    assert page["best_under_mse"] == pytest.approx(np.mean(targets))
    assert page["best_under_mae"] == pytest.approx(np.median(targets))
    assert np.mean(targets) != np.median(targets)  # the example tells them apart


def test_keras_hinge_converts_zero_one_labels_and_matches_the_formula(page):
    scores = page["scores"].astype(np.float64)[:, 0]
    labels = page["signed_labels"].astype(np.float64)[:, 0]
    expected = np.maximum(0.0, 1.0 - labels * scores)
    np.testing.assert_allclose(page["hinge_signed"], expected, atol=1e-6)
    np.testing.assert_allclose(page["hinge_zero_one"], expected, atol=1e-6)
    assert set(page["zero_one_labels"].ravel().tolist()) == {0.0, 1.0}


def test_a_correct_example_inside_the_margin_still_pays(page):
    # The correction: y f(x) = 0.5 is classified correctly and costs 0.5.
    margins = (page["signed_labels"] * page["scores"])[:, 0]
    inside = (margins > 0) & (margins < 1)
    assert inside.any()
    np.testing.assert_allclose(page["hinge_signed"][inside], 1 - margins[inside], atol=1e-6)
    assert np.all(page["hinge_signed"][margins >= 1] == 0.0)


def test_contrastive_loss_on_the_hand_example(page):
    np.testing.assert_allclose(page["pair_losses"].numpy(), [0.25, 0.25, 0.0], atol=1e-6)
    # Independent reference: the formula in NumPy, on the page's pairs.
    first, second = page["first"].numpy(), page["second"].numpy()
    distance = np.linalg.norm(first - second, axis=1)
    np.testing.assert_allclose(distance, [0.5, 0.5, 2.0], atol=1e-6)
    similar = page["similar"].numpy()
    expected = similar * distance**2 + (1 - similar) * np.maximum(1.0 - distance, 0) ** 2
    np.testing.assert_allclose(page["pair_losses"].numpy(), expected, atol=1e-6)


def test_contrastive_gradients_pull_push_and_ignore_far_pairs(page):
    gradients, second = page["pair_gradients"], page["second"].numpy()
    # Gradient descent moves second by -gradient: toward the origin (first) for the
    # similar pair, away from it for the near dissimilar pair, not at all for the far one.
    assert np.dot(-gradients[0], second[0]) < 0
    assert np.dot(-gradients[1], second[1]) > 0
    assert np.all(gradients[2] == 0.0)
    np.testing.assert_allclose(gradients[0], 2 * second[0], atol=1e-6)  # d(d²)/d second


def test_entropy_in_bits_and_nats_against_scipy(page):
    p = page["p"]
    assert page["entropy_bits"] == pytest.approx(1.5)  # 0.5 * 1 + 2 * 0.25 * 2
    assert page["entropy_bits"] == pytest.approx(scipy.stats.entropy(p, base=2))
    assert page["entropy_nats"] == pytest.approx(scipy.stats.entropy(p))
    assert page["entropy_nats"] == pytest.approx(page["entropy_bits"] * math.log(2))
    assert scipy.stats.entropy(np.full(4, 0.25), base=2) == pytest.approx(2.0)
    assert scipy.stats.entropy([1.0, 0.0, 0.0]) == 0.0


def test_cross_entropy_is_entropy_plus_kl(page):
    p, q = page["p"], page["q"]
    kl = np.sum(p * np.log(p / q))
    assert page["kl"] == pytest.approx(kl)
    assert page["cross"] == pytest.approx(page["entropy_nats"] + kl)
    assert page["cross"] > page["entropy_nats"]
    assert page["keras_cross"] == pytest.approx(page["cross"], rel=1e-5)
