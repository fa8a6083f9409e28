"""BernoulliRBM and train_rbm against brute-force enumeration of a tiny RBM's states.

A 4-visible, 3-hidden RBM has 2**7 = 128 joint states, few enough to sum exp(-E) over all
of them in NumPy (float64): the references below never call the code under test.
"""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from dlguide import set_seed
from dlguide.models.rbm import BernoulliRBM, train_rbm

NUM_VISIBLE, NUM_HIDDEN = 4, 3


def all_states(num_units):
    return np.array(list(itertools.product((0.0, 1.0), repeat=num_units)))  # (2**n, n)


VISIBLE_STATES, HIDDEN_STATES = all_states(NUM_VISIBLE), all_states(NUM_HIDDEN)


def random_parameters(seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0.0, scale, (NUM_VISIBLE, NUM_HIDDEN)),
        rng.normal(0.0, scale, NUM_VISIBLE),
        rng.normal(0.0, scale, NUM_HIDDEN),
    )


def tiny_rbm(parameters):
    rbm = BernoulliRBM(NUM_VISIBLE, NUM_HIDDEN)
    for variable, value in zip(
        (rbm.weights_matrix, rbm.visible_bias, rbm.hidden_bias), parameters, strict=True
    ):
        variable.assign(value.astype(np.float32))
    return rbm


def minus_energies(parameters):
    """-E(v, h) for every visible state (rows) and hidden state (columns), in NumPy."""
    weights, visible_bias, hidden_bias = parameters
    return (
        (VISIBLE_STATES @ visible_bias)[:, None]
        + (HIDDEN_STATES @ hidden_bias)[None, :]
        + VISIBLE_STATES @ weights @ HIDDEN_STATES.T
    )  # (16, 8)


def log_sum_exp(values, axis=None):
    largest = np.max(values, axis=axis, keepdims=True)
    total = np.log(np.sum(np.exp(values - largest), axis=axis, keepdims=True)) + largest
    return np.squeeze(total, axis=axis) if axis is not None else total.item()


def exact_log_likelihood(parameters, data):
    """Mean log p(v) over the rows of `data`, by summing over all 128 joint states."""
    scores = minus_energies(parameters)
    log_partition = log_sum_exp(scores)
    log_marginal = log_sum_exp(scores, axis=1) - log_partition  # (16,) log p(v)
    rows = (data @ (2 ** np.arange(NUM_VISIBLE)[::-1])).astype(int)  # index of each state
    return float(np.mean(log_marginal[rows]))


def exact_gradient(parameters, data):
    """E_data[.] - E_model[.] for W, a and b, both expectations by enumeration."""
    weights, _, hidden_bias = parameters
    data_hidden = 1 / (1 + np.exp(-(data @ weights + hidden_bias)))  # p(h = 1 | v), (n, 3)
    scores = minus_energies(parameters)
    joint = np.exp(scores - log_sum_exp(scores))  # p(v, h), (16, 8)
    model_weights = VISIBLE_STATES.T @ joint @ HIDDEN_STATES  # E_model[v h^T], (4, 3)
    return [
        data.T @ data_hidden / len(data) - model_weights,
        data.mean(axis=0) - joint.sum(axis=1) @ VISIBLE_STATES,
        data_hidden.mean(axis=0) - joint.sum(axis=0) @ HIDDEN_STATES,
    ]


DATA = VISIBLE_STATES[[0, 3, 5, 6, 9, 12, 15, 15]]  # a small training set, (8, 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_energy_matches_the_formula(seed):
    parameters = random_parameters(seed)
    rbm = tiny_rbm(parameters)
    for row, visible in enumerate(VISIBLE_STATES):
        batch = np.repeat(visible[None], len(HIDDEN_STATES), axis=0)  # (8, 4)
        energy = np.asarray(rbm.energy(batch, HIDDEN_STATES))
        np.testing.assert_allclose(-energy, minus_energies(parameters)[row], atol=1e-5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_free_energy_sums_out_the_hidden_states(seed):
    parameters = random_parameters(seed)
    expected = -log_sum_exp(minus_energies(parameters), axis=1)  # (16,)
    np.testing.assert_allclose(
        tiny_rbm(parameters).free_energy(VISIBLE_STATES), expected, atol=1e-5
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_conditionals_match_enumeration(seed):
    parameters = random_parameters(seed)
    rbm = tiny_rbm(parameters)
    joint = np.exp(minus_energies(parameters))  # unnormalised p(v, h), (16, 8)
    hidden_given_visible = joint @ HIDDEN_STATES / joint.sum(axis=1, keepdims=True)  # (16, 3)
    visible_given_hidden = joint.T @ VISIBLE_STATES / joint.sum(axis=0)[:, None]  # (8, 4)
    np.testing.assert_allclose(
        rbm.hidden_probabilities(VISIBLE_STATES), hidden_given_visible, atol=1e-6
    )
    np.testing.assert_allclose(rbm(VISIBLE_STATES), hidden_given_visible, atol=1e-6)
    np.testing.assert_allclose(
        rbm.visible_probabilities(HIDDEN_STATES), visible_given_hidden, atol=1e-6
    )


def test_the_enumerated_gradient_matches_finite_differences():
    # Checks the reference itself: central differences of the exact log-likelihood.
    parameters = random_parameters(3)
    analytic = exact_gradient(parameters, DATA)
    step = 1e-5
    for index, array in enumerate(parameters):
        numeric = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            shifted = [np.array(value, copy=True) for value in parameters]
            shifted[index][position] += step
            upper = exact_log_likelihood(shifted, DATA)
            shifted[index][position] -= 2 * step
            lower = exact_log_likelihood(shifted, DATA)
            numeric[position] = (upper - lower) / (2 * step)
        np.testing.assert_allclose(analytic[index], numeric, atol=1e-7)


def cd_estimate(rbm, k, copies=5000):
    compiled = tf.function(lambda batch: rbm.contrastive_divergence(batch, k))
    batch = np.tile(DATA, (copies, 1)).astype(np.float32)  # (40000, 4): many chains per row
    return [np.asarray(value, dtype=np.float64) for value in compiled(batch)]


def test_cd_with_a_long_chain_approaches_the_exact_gradient_and_cd1_is_biased():
    set_seed(0)
    parameters = random_parameters(4, scale=1.5)
    exact = exact_gradient(parameters, DATA)
    rbm = tiny_rbm(parameters)
    long_chain = cd_estimate(rbm, k=100)
    one_step = cd_estimate(rbm, k=1)
    long_error = max(np.max(np.abs(a - b)) for a, b in zip(long_chain, exact, strict=True))
    one_step_error = max(np.max(np.abs(a - b)) for a, b in zip(one_step, exact, strict=True))
    # 40,000 chains: the sampling error of each entry is at most about 0.0025.
    assert long_error < 0.02
    # CD-1's chain has not forgotten the data, so its model term is pulled towards it.
    assert one_step_error > 3 * long_error


def test_gibbs_chains_sample_the_model_distribution():
    set_seed(1)
    parameters = random_parameters(5)
    rbm = tiny_rbm(parameters)
    scores = minus_energies(parameters)
    exact = np.exp(log_sum_exp(scores, axis=1) - log_sum_exp(scores))  # p(v), (16,)
    start = np.zeros((50000, NUM_VISIBLE), dtype=np.float32)  # every chain from one state
    samples = np.asarray(rbm.gibbs_chain(start, 50))
    assert set(np.unique(samples)) <= {0.0, 1.0}
    rows = (samples @ (2 ** np.arange(NUM_VISIBLE)[::-1])).astype(int)
    empirical = np.bincount(rows, minlength=16) / len(rows)
    assert 0.5 * np.abs(empirical - exact).sum() < 0.02  # total variation distance


def test_zero_steps_return_the_start_and_sampling_is_reproducible():
    start = np.eye(NUM_VISIBLE, dtype=np.float32)
    set_seed(2)
    rbm = BernoulliRBM(NUM_VISIBLE, NUM_HIDDEN, weight_scale=1.0)
    np.testing.assert_array_equal(rbm.gibbs_chain(start, 0), start)
    first = np.asarray(rbm.gibbs_chain(start, 5))
    set_seed(2)
    again = BernoulliRBM(NUM_VISIBLE, NUM_HIDDEN, weight_scale=1.0)
    np.testing.assert_array_equal(again.weights_matrix, rbm.weights_matrix)
    np.testing.assert_array_equal(again.gibbs_chain(start, 5), first)


def test_new_rbm_starts_small_and_reconstructs_at_chance():
    set_seed(0)
    rbm = BernoulliRBM(64, 16)
    assert rbm.weights_matrix.shape == (64, 16)
    assert np.std(rbm.weights_matrix) == pytest.approx(0.01, rel=0.1)
    assert not np.any(rbm.visible_bias) and not np.any(rbm.hidden_bias)
    # Every p(v | h) is close to 0.5, so a binary pixel is off by 0.5: squared, 0.25.
    data = np.random.default_rng(0).integers(0, 2, (50, 64)).astype(np.float32)
    assert rbm.reconstruction_error(data) == pytest.approx(0.25, abs=0.005)


def test_reconstruction_error_matches_numpy():
    parameters = random_parameters(6)
    rbm = tiny_rbm(parameters)
    weights, visible_bias, hidden_bias = parameters
    hidden = 1 / (1 + np.exp(-(DATA @ weights + hidden_bias)))
    reconstruction = 1 / (1 + np.exp(-(hidden @ weights.T + visible_bias)))
    expected = np.mean((DATA - reconstruction) ** 2)
    assert rbm.reconstruction_error(DATA) == pytest.approx(expected, rel=1e-5)


def prototypes(num_samples=400, seed=0):
    """Noisy copies of two 16-pixel patterns: a structure an RBM can learn in seconds."""
    rng = np.random.default_rng(seed)
    patterns = np.array([[1.0] * 8 + [0.0] * 8, [0.0, 1.0] * 8])
    data = patterns[rng.integers(0, 2, num_samples)]
    flips = rng.random(data.shape) < 0.05
    return np.abs(data - flips).astype(np.float32)


def test_training_lowers_the_reconstruction_error_and_raises_the_likelihood():
    data = prototypes()
    set_seed(0)
    rbm = BernoulliRBM(16, 4)
    free_energy_before = float(np.mean(rbm.free_energy(data)))
    history = train_rbm(rbm, data, epochs=15, learning_rate=0.1, validation_data=data[:50])
    assert len(history["train"]) == len(history["validation"]) == 16
    assert history["train"][-1] < 0.3 * history["train"][0]
    assert history["validation"][-1] < 0.3 * history["validation"][0]
    # Free energy of the data falls: the model moves probability onto it.
    assert float(np.mean(rbm.free_energy(data))) < free_energy_before - 5


def test_training_is_reproducible_and_history_without_validation_is_empty():
    data = prototypes(64)

    def run():
        set_seed(3)
        rbm = BernoulliRBM(16, 4)
        history = train_rbm(rbm, data, epochs=2, batch_size=10, k=2, seed=3)
        return history, np.asarray(rbm.weights_matrix)

    (first, weights), (second, again) = run(), run()
    assert first == second and first["validation"] == []
    np.testing.assert_array_equal(weights, again)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: BernoulliRBM(0, 3), r"^num_visible must be a positive int"),
        (lambda: BernoulliRBM(4, 2.0), r"^num_hidden must be a positive int"),
        (lambda: BernoulliRBM(4, 3, weight_scale=0), r"^weight_scale must be a positive number"),
    ],
)
def test_constructor_rejects_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("method", "arguments", "message"),
    [
        ("energy", (np.zeros((2, 5)), np.zeros((2, 3))), r"^visible must have shape \(batch, 4\)"),
        ("energy", (np.zeros((2, 4)), np.zeros(3)), r"^hidden must have shape \(batch, 3\)"),
        ("free_energy", (np.zeros(4),), r"^visible must have shape \(batch, 4\), got \(4,\)"),
        ("hidden_probabilities", (np.zeros((1, 3)),), r"^visible must have shape"),
        ("visible_probabilities", (np.zeros((1, 4)),), r"^hidden must have shape \(batch, 3\)"),
        ("gibbs_chain", (np.zeros((1, 4)), -1), r"^steps must be a non-negative int"),
        ("gibbs_chain", (np.zeros((1, 4)), 2.0), r"^steps must be a non-negative int"),
        ("contrastive_divergence", (np.zeros((1, 4)), 0), r"^k must be a positive int"),
        ("reconstruction_error", (np.zeros((0, 4)),), r"^visible must hold at least one row"),
    ],
)
def test_methods_reject_bad_arguments(method, arguments, message):
    rbm = BernoulliRBM(NUM_VISIBLE, NUM_HIDDEN)
    with pytest.raises(ValueError, match=message):
        getattr(rbm, method)(*arguments)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"data": np.zeros((3, 5))}, r"^data must have shape \(batch, 4\)"),
        ({"data": np.zeros((0, 4))}, r"^data must hold at least one row"),
        ({"epochs": 0}, r"^epochs must be a positive int"),
        ({"batch_size": True}, r"^batch_size must be a positive int"),
        ({"learning_rate": -0.1}, r"^learning_rate must be a positive number"),
        ({"momentum": 1.0}, r"^momentum must be a number in \[0, 1\)"),
        ({"k": 0}, r"^k must be a positive int"),
        ({"validation_data": np.zeros((2, 3))}, r"^validation_data must have shape \(batch, 4\)"),
    ],
)
def test_train_rbm_rejects_bad_arguments(arguments, message):
    call = {"data": DATA, **arguments}
    with pytest.raises(ValueError, match=message):
        train_rbm(BernoulliRBM(NUM_VISIBLE, NUM_HIDDEN), **call)
