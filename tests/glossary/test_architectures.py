"""Claims of docs/glossary/architectures.md, checked on what the build computed.

The page's inputs are hand-made or drawn from fixed NumPy generators, and its claims are
identities (a layer against its formula, a permutation, a parameter count), so the checks
below are exact or hold to float32 rounding. The independent references are computed here:
linear programs for linear separability, the formulas in NumPy, Keras layers built afresh,
and routing by agreement written out from the paper.
"""

from __future__ import annotations

import inspect
import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.optimize import linprog

from dlguide.models.capsule_layers import DigitCapsules, squash

pytestmark = pytest.mark.build
PAGE = "glossary/architectures.md"
SESSION = "glossary-architectures"


def _separable(inputs: np.ndarray, targets: np.ndarray, with_bias: bool) -> bool:
    """Whether some w (and b) puts every 1 strictly above zero and every 0 at or below it."""
    signs = np.where(targets == 1, -1.0, 1.0)  # w.x + b >= 1 for ones, <= 0 for zeros
    rows = np.hstack([inputs, np.ones((len(inputs), 1))]) if with_bias else inputs
    bounds = np.where(targets == 1, -1.0, 0.0)
    result = linprog(
        np.zeros(rows.shape[1]),
        A_ub=signs[:, None] * rows,
        b_ub=bounds,
        bounds=[(None, None)] * rows.shape[1],
    )
    return result.status == 0  # 2 means infeasible


# Perceptron


def test_the_perceptron_learns_and_with_a_negative_bias(page):
    weights, bias, errors = page["perceptrons"]["AND"]
    inputs, targets = page["inputs"], page["truth_tables"]["AND"]
    first_clean = errors.index(0)
    assert first_clean < len(errors) - 1  # the output shows it staying at zero
    assert errors[first_clean:] == [0] * (len(errors) - first_clean)
    np.testing.assert_array_equal((inputs @ weights + bias > 0).astype(int), targets)
    assert bias < 0  # the learned threshold, -b, is positive


def test_the_perceptron_never_learns_xor_and_cycles(page):
    train, inputs = page["train_perceptron"], page["inputs"]
    xor = page["truth_tables"]["XOR"]
    assert min(page["perceptrons"]["XOR"][2]) > 0
    assert min(train(inputs, xor, epochs=200)[2]) > 0
    # "From the second epoch on, the weights and bias are back where they were."
    states = [train(inputs, xor, epochs=epochs)[:2] for epochs in range(2, 12)]
    for weights, bias in states:
        np.testing.assert_array_equal(weights, states[0][0])
        assert bias == states[0][1]
    first_weights, first_bias, _ = train(inputs, xor, epochs=1)
    assert not (np.array_equal(first_weights, states[0][0]) and first_bias == states[0][1])


def test_linear_separability_by_linear_programming(page):
    inputs = page["inputs"].astype(float)
    and_, xor = page["truth_tables"]["AND"], page["truth_tables"]["XOR"]
    assert _separable(inputs, and_, with_bias=True)
    assert not _separable(inputs, and_, with_bias=False)  # AND needs the threshold
    assert not _separable(inputs, xor, with_bias=True)  # no line separates XOR


def test_a_step_function_passes_no_gradient():
    z = tf.constant([-2.0, -0.1, 0.3, 5.0])
    with tf.GradientTape() as tape:
        tape.watch(z)
        step = (tf.sign(z) + 1) / 2  # 0 below the threshold, 1 above
    np.testing.assert_array_equal(tape.gradient(step, z).numpy(), np.zeros(4))


# Dense layer and bias


def test_the_dense_layer_is_x_w_plus_b_with_n_plus_1_times_m_parameters(page):
    kernel, bias = page["kernel"], page["bias"]
    assert kernel.shape == (4, 3) and bias.shape == (3,)
    assert page["dense"].count_params() == (4 + 1) * 3 == 15
    assert np.abs(bias).max() > 0  # drawn at random, so the check covers the bias
    gap = np.abs(page["dense_output"] - (page["rows"] @ kernel + bias)).max()
    assert gap < 1e-6  # printed: 0.0


def test_keras_dense_biases_start_at_zero():
    layer = keras.layers.Dense(5)
    layer.build((None, 3))
    np.testing.assert_array_equal(layer.bias.numpy(), np.zeros(5))


def test_dense_acts_on_the_last_axis_with_the_same_weights_everywhere(page):
    dense, kernel, bias = page["dense"], page["kernel"], page["bias"]
    sequence = np.random.default_rng(7).normal(size=(2, 5, 4)).astype("float32")
    output = keras.ops.convert_to_numpy(dense(sequence))
    assert output.shape == (2, 5, 3)
    for position in range(5):
        expected = sequence[:, position] @ kernel + bias
        np.testing.assert_allclose(output[:, position], expected, atol=1e-6)


def test_the_bias_shifts_the_sigmoid_to_minus_b_over_w(page):
    points, outputs = page["points"][:, 0], page["outputs"]
    assert outputs[0.0][list(points).index(0.0)] == pytest.approx(0.5, abs=1e-7)
    assert outputs[-3.0][list(points).index(1.5)] == pytest.approx(0.5, abs=1e-7)
    # Same curve, moved by 1.5 (two grid steps of 0.75): the shape did not change.
    np.testing.assert_allclose(outputs[-3.0][2:], outputs[0.0][:3], atol=1e-6)
    np.testing.assert_allclose(outputs[-3.0], 1 / (1 + np.exp(-(2 * points - 3))), atol=1e-6)


def test_one_bias_per_unit_or_filter_unless_use_bias_is_false():
    dense, conv = keras.layers.Dense(6), keras.layers.Conv2D(5, 3)
    dense.build((None, 4))
    conv.build((None, 8, 8, 2))
    assert dense.bias.shape == (6,) and conv.bias.shape == (5,)
    no_bias = keras.layers.Dense(6, use_bias=False)
    no_bias.build((None, 4))
    assert no_bias.bias is None and no_bias.count_params() == 24


def test_batch_normalization_cancels_a_bias_before_it():
    x = np.random.default_rng(8).normal(size=(32, 4)).astype("float32")
    kernel = np.random.default_rng(9).normal(size=(4, 3)).astype("float32")
    normalize = keras.layers.BatchNormalization()
    without = keras.ops.convert_to_numpy(normalize(x @ kernel, training=True))
    shifted = keras.ops.convert_to_numpy(normalize(x @ kernel + [5.0, -2.0, 0.7], training=True))
    np.testing.assert_allclose(shifted, without, atol=1e-4)


# Residual connection


def test_a_residual_block_with_zero_f_is_the_identity(page):
    x, y = page["x"].numpy(), page["y"].numpy()
    assert np.abs(y - x).max() == 0.0
    np.testing.assert_array_equal(page["jacobian"], np.eye(4))
    assert any(isinstance(layer, keras.layers.Add) for layer in page["block"].layers)


def test_the_jacobian_of_a_residual_block_is_identity_plus_that_of_f(page):
    block = page["block"]
    last = block.layers[2]  # the Dense layer that ends F
    saved = last.get_weights()
    try:
        rng = np.random.default_rng(10)
        last.set_weights([rng.normal(size=w.shape).astype("float32") for w in saved])
        f_only = keras.Model(block.inputs, last.output)
        x = tf.constant(rng.normal(size=(3, 4)), dtype="float32")
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y, f = block(x), f_only(x)
        difference = tape.batch_jacobian(y, x) - tape.batch_jacobian(f, x)
        np.testing.assert_allclose(
            difference.numpy(), np.broadcast_to(np.eye(4), (3, 4, 4)), atol=1e-6
        )
        assert np.abs(tape.batch_jacobian(f, x).numpy()).max() > 0.01
    finally:
        last.set_weights(saved)


# Recurrent neural network and bidirectional RNN


def test_simple_rnn_is_the_tanh_recurrence(page):
    sequence, states = page["sequence"], page["states"]
    assert sequence.shape == (1, 4, 2) and states.shape == (4, 3)
    W, U, b = page["rnn"].get_weights()
    h, by_hand = np.zeros(3), []
    for t in range(4):
        h = np.tanh(sequence[0, t] @ W + h @ U + b)
        by_hand.append(h)
    np.testing.assert_allclose(states, np.array(by_hand), atol=1e-5)


def test_an_rnn_state_depends_on_earlier_inputs_only(page):
    rnn, sequence = page["rnn"], page["sequence"]
    changed = sequence.copy()
    changed[0, -1] += 1.0
    before = keras.ops.convert_to_numpy(rnn(sequence))[0]
    after = keras.ops.convert_to_numpy(rnn(changed))[0]
    np.testing.assert_array_equal(after[:-1], before[:-1])
    assert np.abs(after[-1] - before[-1]).max() > 1e-3


def test_bidirectional_doubles_units_and_parameters(page):
    assert page["both"].shape == (1, 5, 16)
    assert page["bidirectional"].count_params() == 2 * page["one_way"].count_params()
    assert page["one_way"].count_params() == 4 * 8 * (3 + 8 + 1)
    merge = inspect.signature(keras.layers.Bidirectional).parameters["merge_mode"]
    assert merge.default == "concat"


def test_the_backward_half_sees_the_future_and_the_forward_half_does_not(page):
    bidirectional, signal, both = page["bidirectional"], page["signal"], page["both"]
    changed = signal.copy()
    changed[0, -1] += 1.0
    gap = np.abs(keras.ops.convert_to_numpy(bidirectional(changed)) - both)[0]  # (5, 16)
    assert gap[:-1, :8].max() == 0.0  # forward states before the last step
    assert gap[0, 8:].max() > 1e-3  # printed: about 0.05
    assert gap[-1, :8].max() > 1e-3  # the forward half does see the change at the end
    np.testing.assert_allclose(page["gap"], gap[0], atol=1e-7)


# LSTM and GRU


def test_lstm_has_four_blocks_of_simple_rnn_weights(page):
    lstm = page["lstm"]
    assert [tuple(w.shape) for w in lstm.weights] == [(10, 64), (16, 64), (64,)]
    assert lstm.count_params() == 4 * 16 * (10 + 16 + 1) == 1728


@pytest.mark.parametrize(("n", "u"), [(1, 1), (3, 7), (20, 5)])
def test_recurrent_parameter_counts(n, u):
    def count(layer):
        layer.build((None, None, n))
        return layer.count_params()

    assert count(keras.layers.SimpleRNN(u)) == u * (n + u + 1)
    assert count(keras.layers.LSTM(u)) == 4 * u * (n + u + 1)
    assert count(keras.layers.GRU(u)) == 3 * u * (n + u + 2)  # reset_after=True
    assert count(keras.layers.GRU(u, reset_after=False)) == 3 * u * (n + u + 1)
    assert inspect.signature(keras.layers.GRU).parameters["reset_after"].default is True


# Dynamic routing


def _routing_by_hand(u_hat: np.ndarray, iterations: int):
    """Procedure 1 of Sabour et al. (2017) for one input, u_hat of shape (lower, upper, dim)."""
    logits = np.zeros(u_hat.shape[:2])
    all_couplings = []
    for _ in range(iterations):
        couplings = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        s = np.einsum("ij,ijd->jd", couplings, u_hat)
        norm2 = (s**2).sum(axis=1, keepdims=True)
        v = norm2 / (1 + norm2) * s / np.sqrt(norm2)
        logits = logits + np.einsum("ijd,jd->ij", u_hat, v)
        all_couplings.append(couplings)
    return v, np.array(all_couplings)


def test_couplings_sum_to_one_and_start_even(page):
    couplings = page["couplings"]
    assert couplings.shape == (3, 3, 2)  # iterations, lower, upper
    np.testing.assert_allclose(couplings.sum(axis=2), 1.0, atol=1e-6)
    np.testing.assert_allclose(couplings[0], 0.5, atol=1e-7)


def test_agreeing_capsules_gain_and_the_dissenter_moves(page):
    couplings = page["couplings"]
    for lower, upper in [(0, 0), (1, 0), (2, 1)]:
        shares = couplings[:, lower, upper]
        assert np.all(np.diff(shares) > 0), (lower, shares)
        assert shares[-1] > 0.9  # printed: 0.927, 0.914 and 0.957


def test_routing_matches_the_paper_written_out(page):
    v, couplings = _routing_by_hand(page["predictions"][0].astype(float), iterations=3)
    np.testing.assert_allclose(page["couplings"], couplings, atol=1e-5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(page["upper"])[0], v, atol=1e-5)


def test_routing_changes_couplings_per_input_and_no_weight():
    layer = DigitCapsules(num_capsules=2, capsule_dim=4)
    rng = np.random.default_rng(11)
    first, second = (squash(rng.normal(size=(1, 6, 3)).astype("float32")) for _ in range(2))
    layer(first)
    # Larger matrices than the initial ones, as after training, so that the votes differ.
    layer.transforms.assign(rng.normal(size=layer.transforms.shape).astype("float32"))
    before = [w.numpy().copy() for w in layer.weights]
    _, couplings_first = layer.route(first)
    _, couplings_second = layer.route(second)
    assert np.abs(np.asarray(couplings_first)[-1] - np.asarray(couplings_second)[-1]).max() > 1e-3
    assert [w.name for w in layer.trainable_weights] == ["transforms"]
    for saved, weight in zip(before, layer.weights, strict=True):
        np.testing.assert_array_equal(saved, weight.numpy())
    np.testing.assert_allclose(np.asarray(couplings_first)[0], 0.5)  # even shares every time


def test_core_keras_has_no_capsule_or_graph_layers():
    names = [name.lower() for name in dir(keras.layers)]
    assert not [name for name in names if "capsule" in name or "graph" in name]


# Graph neural network


def _by_hand(adjacency, features, weights):
    """h'_v = relu(sum over u in N(v) and v itself of h_u W / sqrt(d_u d_v)), node by node."""
    degrees = adjacency.sum(axis=1) + 1
    out = np.zeros((len(adjacency), weights.shape[1]))
    for v in range(len(adjacency)):
        for u in [v, *np.flatnonzero(adjacency[v])]:
            out[v] += features[u] @ weights / np.sqrt(degrees[u] * degrees[v])
    return np.maximum(out, 0)


def test_the_graph_convolution_follows_the_formula(page):
    adjacency, features, weights = page["adjacency"], page["features"], page["weights"]
    np.testing.assert_array_equal(adjacency, adjacency.T)
    nodes_out = page["nodes_out"]
    assert nodes_out.shape == (4, 2)
    np.testing.assert_allclose(nodes_out, _by_hand(adjacency, features, weights), atol=1e-12)
    d = np.diag(1 / np.sqrt(adjacency.sum(axis=1) + 1))
    reference = np.maximum(d @ (adjacency + np.eye(4)) @ d @ features @ weights, 0)
    np.testing.assert_allclose(nodes_out, reference, atol=1e-12)


def test_the_layer_is_permutation_equivariant_for_every_renumbering(page):
    convolve, adjacency = page["graph_convolution"], page["adjacency"]
    features, weights, nodes_out = page["features"], page["weights"], page["nodes_out"]
    np.testing.assert_allclose(page["renumbered"], nodes_out[page["order"]], atol=1e-12)
    for order in map(np.array, itertools.permutations(range(4))):
        renumbered = convolve(adjacency[order][:, order], features[order], weights)
        np.testing.assert_allclose(renumbered, nodes_out[order], atol=1e-12)
        # A mean over the nodes ignores the numbering altogether.
        np.testing.assert_allclose(renumbered.mean(axis=0), nodes_out.mean(axis=0), atol=1e-12)


def test_k_layers_reach_k_edges(page):
    convolve = page["graph_convolution"]
    path = np.diag(np.ones(3), 1) + np.diag(np.ones(3), -1)  # 0-1-2-3
    features = np.random.default_rng(12).uniform(1, 2, size=(4, 3))  # positive: ReLU passes
    changed = features.copy()
    changed[2] += 1.0  # node 2 is two edges from node 0
    identity = np.eye(3)
    one = [convolve(path, f, identity) for f in (features, changed)]
    two = [convolve(path, convolve(path, f, identity), identity) for f in (features, changed)]
    np.testing.assert_array_equal(one[0][0], one[1][0])
    assert np.abs(two[0][0] - two[1][0]).max() > 1e-3


# The page itself
