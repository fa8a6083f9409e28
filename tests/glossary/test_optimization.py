"""Claims of docs/glossary/optimization.md, checked on what the build computed.

Every optimizer example runs a Keras optimizer on the valley 1/2 (w1^2 + 100 w2^2) from
w = (1, 1); these tests replay each update rule in NumPy, written here independently of
the page, and compare it with the path Keras took. The random examples (backpropagation,
exploding and vanishing gradients) use seed 0; their margins come from seeds 0-5.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

pytestmark = pytest.mark.build
PAGE = "glossary/optimization.md"
SESSION = "glossary-optimization"

ROOT = Path(__file__).resolve().parents[2]
CURVATURE = np.array([1.0, 100.0])


def _valley_path(update, steps):
    """Run `update(w, gradient, t) -> w` on the valley from (1, 1); return w after each step."""
    w, path = np.ones(2), []
    for t in range(1, steps + 1):
        w = update(w, CURVATURE * w, t)
        path.append(w)
    return np.array(path)


def _valley_loss(path):
    return 0.5 * np.sum(CURVATURE * np.asarray(path) ** 2, axis=-1)


def test_one_step_of_gradient_descent_is_w_minus_rate_times_gradient(page):
    # Loss (w - 1)^2 at w = 3: loss 4, gradient 2 (w - 1) = 4, new w = 3 - 0.1 * 4.
    step = page["first_step"]
    assert step["loss"] == pytest.approx(4.0)
    assert step["gradient"] == pytest.approx(4.0)
    assert step["new w"] == pytest.approx(3.0 - 0.1 * 4.0, abs=1e-6)


def test_gradient_descent_converges_only_below_two_over_the_curvature(page):
    final = page["final_loss"]
    assert list(final) == [0.01, 0.05, 0.1, 0.15, 0.21]
    for rate, loss in final.items():
        # Each step multiplies w by (1 - 10 rate); the loss 5 w^2 by its square.
        assert loss == pytest.approx(5.0 * (1 - 10 * rate) ** 20, rel=1e-3, abs=1e-9)
    assert final[0.21] > 5.0  # past 2 / 10: the loss grew from its start of 5
    assert final[0.1] < 1e-10  # 1 / curvature: the minimum in one step
    assert final[0.05] < 1e-4 and final[0.15] < 1e-4  # both sides of 1/10 converge
    assert final[0.01] > 0.1  # the small rate is still far from the minimum


def test_the_schedules_follow_their_formulas(page):
    steps = np.array(page["steps"], dtype=float)
    values = page["schedule_values"]
    np.testing.assert_allclose(values["exponential"], 0.1 * 0.5 ** (steps / 100), rtol=1e-5)
    cosine = 0.05 * (1 + np.cos(np.pi * np.minimum(steps, 400) / 400))
    np.testing.assert_allclose(values["cosine"], cosine, rtol=1e-5, atol=1e-7)
    assert values["cosine"][-2] == values["cosine"][-1] == pytest.approx(0.0, abs=1e-7)
    assert min(values["exponential"]) > 0  # it halves but never reaches zero


def test_an_optimizer_evaluates_its_schedule_at_its_step_counter(page):
    optimizer = keras.optimizers.SGD(learning_rate=page["schedules"]["exponential"])
    optimizer.iterations.assign(200)
    assert float(optimizer.learning_rate) == pytest.approx(0.025)


def test_keras_3_ignores_the_old_decay_argument_with_a_warning():
    with pytest.warns(UserWarning, match="decay"):
        keras.optimizers.SGD(learning_rate=0.1, decay=0.1)


def test_keras_defaults_quoted_on_the_page():
    adam = keras.optimizers.Adam()
    assert float(adam.learning_rate) == pytest.approx(0.001)
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.9, 0.999, 1e-7)
    adagrad = keras.optimizers.Adagrad()
    assert (adagrad.initial_accumulator_value, adagrad.epsilon) == (0.1, 1e-7)
    rmsprop = keras.optimizers.RMSprop()
    assert (rmsprop.rho, rmsprop.momentum, rmsprop.centered) == (0.9, 0.0, False)


def test_plain_sgd_solves_the_steep_coordinate_and_crawls_along_the_shallow_one(page):
    plain = page["plain"]
    assert plain.shape == (100, 2)
    np.testing.assert_allclose(plain[:, 0], 0.99 ** np.arange(1, 101), rtol=1e-4)
    assert np.all(np.abs(plain[:, 1]) < 1e-6)  # 1 - 0.01 * 100 = 0


def test_keras_momentum_is_the_velocity_rule_and_beats_sgd_in_the_valley(page):
    velocity = np.zeros(2)

    def heavy_ball(w, gradient, t):
        nonlocal velocity
        velocity = 0.9 * velocity - 0.01 * gradient
        return w + velocity

    np.testing.assert_allclose(page["heavy"], _valley_path(heavy_ball, 100), atol=1e-5)
    plain, heavy = _valley_loss(page["plain"]), _valley_loss(page["heavy"])
    assert heavy[9] > plain[9]  # "overshoots at first"
    assert heavy[99] < plain[99] / 100  # seen: 9.5e-5 against 6.7e-2


def test_keras_nesterov_stores_the_look_ahead_point(page):
    velocity, lookahead = np.zeros(2), []
    w = np.ones(2)
    for _ in range(100):
        velocity = 0.9 * velocity - 0.01 * CURVATURE * (w + 0.9 * velocity)
        w = w + velocity
        lookahead.append(w + 0.9 * velocity)
    np.testing.assert_allclose(page["nesterov"], lookahead, atol=1e-5)
    # The plain heavy-ball path is a different one.
    assert np.max(np.abs(page["heavy"] - np.array(lookahead))) > 0.1
    nesterov, heavy = _valley_loss(page["nesterov"]), _valley_loss(page["heavy"])
    assert nesterov[99] < heavy[99] / 10  # seen: 2.5e-7 against 9.5e-5


def test_keras_adagrad_divides_by_the_root_of_a_growing_sum(page):
    accumulator = np.full(2, 0.1)

    def adagrad(w, gradient, t):
        nonlocal accumulator
        accumulator = accumulator + gradient**2
        return w - 0.1 * gradient / np.sqrt(accumulator + 1e-7)

    path = page["adagrad"]
    np.testing.assert_allclose(path, _valley_path(adagrad, 20), atol=1e-5)
    # The first steps of both coordinates are close although the gradients are 1 and 100.
    np.testing.assert_allclose(1 - path[0], [0.1, 0.1], rtol=0.06)
    effective = 0.1 / np.sqrt(accumulator)
    assert effective[1] < effective[0] / 10  # the steep coordinate's rate shrank far more


def test_keras_rmsprop_is_the_uncorrected_moving_average_rule(page):
    average = np.zeros(2)

    def rmsprop(w, gradient, t):
        nonlocal average
        average = 0.9 * average + 0.1 * gradient**2
        return w - 0.1 * gradient / np.sqrt(average + 1e-7)

    path = page["rmsprop"]
    np.testing.assert_allclose(path, _valley_path(rmsprop, 20), atol=1e-5)
    # First step eta / sqrt(1 - rho) in both coordinates, larger than eta.
    np.testing.assert_allclose(1 - path[0], [0.1 / np.sqrt(0.1)] * 2, rtol=1e-4)


def test_rmsprop_evens_out_gradient_scales_but_not_a_vanished_gradient(page):
    scales = page["scales"].numpy()
    steps = page["step_over_rate"]
    np.testing.assert_allclose(steps["SGD"], scales, rtol=1e-5)
    expected = scales / np.sqrt(0.1 * scales**2 + 1e-7)  # one step, in units of the rate
    np.testing.assert_allclose(steps["RMSprop"], expected, rtol=1e-4)
    # The first three get the same step; the 1e-6 gradient keeps a tiny one.
    np.testing.assert_allclose(steps["RMSprop"][:3], 1 / np.sqrt(0.1), rtol=0.01)
    assert steps["RMSprop"][3] < 0.01
    # No step exceeds the cap eta / sqrt(1 - rho).
    assert np.all(steps["RMSprop"] <= 1 / np.sqrt(0.1) * (1 + 1e-5))


def test_keras_adam_is_bias_corrected_momentum_over_rmsprop_scaling(page):
    m, v = np.zeros(2), np.zeros(2)

    def adam(w, gradient, t):
        nonlocal m, v
        m = 0.9 * m + 0.1 * gradient  # momentum
        v = 0.999 * v + 0.001 * gradient**2  # RMSprop-style average
        return w - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-7)

    path = page["adam"]
    np.testing.assert_allclose(path, _valley_path(adam, 20), atol=1e-4)  # seen: 7.2e-6

    # Keras adds epsilon before the bias correction of v (the paper's faster form). Over
    # the valley the two forms agree to float32 rounding; a gradient near epsilon shows
    # the difference: one step on g = 1e-6.
    w = keras.Variable([0.0])
    keras.optimizers.Adam(learning_rate=0.1).apply_gradients([(tf.constant([1e-6]), w)])
    keras_form = 0.1 * np.sqrt(1 - 0.999) * 1e-6 / (np.sqrt(1 - 0.999) * 1e-6 + 1e-7)
    textbook = 0.1 * 1e-6 / (1e-6 + 1e-7)
    assert -float(w.numpy()[0]) == pytest.approx(keras_form, rel=1e-4)
    assert keras_form < textbook / 2


def test_the_bias_correction_makes_adams_first_step_the_learning_rate(page):
    np.testing.assert_allclose(1 - page["adam"][0], [0.1, 0.1], rtol=1e-4)
    uncorrected = 0.1 * (1 - 0.9) / np.sqrt(1 - 0.999)
    assert uncorrected / 0.1 == pytest.approx(3.16, abs=0.01)  # "about three times larger"


def test_adam_is_not_an_adagrad_rmsprop_mix(page):
    # The seed's reading: an AdaGrad-style growing sum in place of v. It takes another path.
    m, total = np.zeros(2), np.zeros(2)

    def adagrad_mix(w, gradient, t):
        nonlocal m, total
        m = 0.9 * m + 0.1 * gradient
        total = total + gradient**2
        return w - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(total) + 1e-7)

    assert np.max(np.abs(page["adam"] - _valley_path(adagrad_mix, 20))) > 0.05


def test_backpropagation_matches_the_hand_chain_rule_and_finite_differences(page):
    by_tape = [gradient.numpy() for gradient in page["by_tape"]]
    np.testing.assert_allclose(by_tape[0], page["grad_W1"], atol=1e-12)
    np.testing.assert_allclose(by_tape[1], page["grad_W2"], atol=1e-12)
    assert max(page["gaps"]) < 1e-12

    x, y, w1, w2 = page["x"], page["y"], page["W1"], page["W2"]
    assert x.shape == (8, 3) and w1.shape == (3, 4) and w2.shape == (4, 1)

    def loss(first, second):
        return np.mean((np.tanh(x @ first) @ second - y) ** 2)

    # Independent reference: central differences on every weight.
    for index, weight in enumerate([w1, w2]):
        numeric = np.zeros_like(weight)
        for position in np.ndindex(weight.shape):
            shift = np.zeros_like(weight)
            shift[position] = 1e-6
            pair = [w1, w2]
            plus = [p + shift if i == index else p for i, p in enumerate(pair)]
            minus = [p - shift if i == index else p for i, p in enumerate(pair)]
            numeric[position] = (loss(*plus) - loss(*minus)) / 2e-6
        np.testing.assert_allclose(by_tape[index], numeric, atol=1e-7)


def test_the_gradient_doubles_per_layer_with_weights_twice_he_size(page):
    he_size, twice_he = np.array(page["he_size"]), np.array(page["twice_he"])
    assert len(he_size) == len(twice_he) == 10
    per_layer = (twice_he[0] / twice_he[-1]) ** (1 / 9)
    assert 1.8 < per_layer < 2.5  # seen: 2.12-2.16 over seeds 0-5
    assert np.all(np.diff(twice_he) < 0)  # larger at every layer further back
    he_per_layer = (he_size[0] / he_size[-1]) ** (1 / 9)
    assert 0.8 < he_per_layer < 1.25  # "grows only slowly"; seen: 1.08-1.13


def test_the_gradient_vanishes_through_ten_sigmoid_layers(page):
    network = page["sigmoid_network"]
    dense = [layer for layer in network.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.activation.__name__ for layer in dense] == ["sigmoid"] * 11
    norms = list(page["vanishing"].values())
    assert len(norms) == 11
    hidden = norms[:-1]
    assert np.all(np.diff(hidden) > 0)  # shrinks at every layer back
    assert hidden[0] / hidden[-1] < 1e-4  # seen: 1e-6
    shrink = page["shrink_per_layer"]
    assert shrink == pytest.approx((hidden[-1] / hidden[0]) ** (1 / 9))
    assert 3.0 < shrink < 6.5  # seen: 3.7-5.2 over seeds 0-5


def test_the_sigmoid_slope_is_at_most_a_quarter():
    z = tf.linspace(-8.0, 8.0, 1601)
    with tf.GradientTape() as tape:
        tape.watch(z)
        value = tf.sigmoid(z)
    assert float(tf.reduce_max(tape.gradient(value, z))) == pytest.approx(0.25, abs=1e-6)


def test_the_clipping_options_do_what_the_page_says(page):
    gradients = [g.numpy() for g in page["gradients"]]
    results = page["clipping_results"]
    # clipnorm: each variable on its own, as tf.clip_by_norm.
    for got, gradient in zip(results["clipnorm=1"], gradients, strict=True):
        np.testing.assert_allclose(got, tf.clip_by_norm(gradient, 1.0).numpy(), rtol=1e-6)
    # global_clipnorm: all together, as tf.clip_by_global_norm, keeping 3 : 4 : 12.
    together = np.concatenate(results["global_clipnorm=1"])
    np.testing.assert_allclose(together, np.array([3.0, 4.0, 12.0]) / 13, rtol=1e-6)
    reference = np.concatenate([g.numpy() for g in page["reference"]])
    np.testing.assert_allclose(together, reference, rtol=1e-6)
    assert np.linalg.norm(together) == pytest.approx(1.0, rel=1e-6)
    # Per-variable norm clipping and value clipping change the direction of the update.
    per_variable = np.concatenate(results["clipnorm=1"])
    assert not np.allclose(per_variable / np.linalg.norm(per_variable), together)
    np.testing.assert_array_equal(np.concatenate(results["clipvalue=1"]), [1.0, 1.0, 1.0])


def test_clipping_leaves_a_gradient_below_the_threshold_untouched(page):
    # The correction: clipping cannot help a vanished (small) gradient.
    untouched = page["clipping_results"]["global_clipnorm=20"]
    for got, gradient in zip(untouched, page["gradients"], strict=True):
        np.testing.assert_array_equal(got, gradient.numpy())
    tiny = tf.constant([1e-7, -2e-7])
    w = keras.Variable([0.0, 0.0])
    keras.optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply_gradients([(tiny, w)])
    np.testing.assert_array_equal(-w.numpy(), tiny.numpy())


def test_clipping_acts_on_finished_gradients_inside_the_optimizer():
    # The correction: the tape's gradient is not clipped; the optimizer clips what it gets.
    w = keras.Variable([0.0, 0.0])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.constant([30.0, 40.0]) * w)
    gradient = tape.gradient(loss, w)
    np.testing.assert_array_equal(gradient.numpy(), [30.0, 40.0])
    keras.optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply_gradients([(gradient, w)])
    np.testing.assert_allclose(-w.numpy(), [0.6, 0.8], rtol=1e-6)


# The page's format: the parser and the site's tooltips depend on it.
