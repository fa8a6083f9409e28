import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlguide import set_seed
from dlguide.envs import GridWorld
from dlguide.models import dqn
from dlguide.replay import ReplayBuffer

# ---------------------------------------------------------------- replay buffer


def fill(buffer, count, start=0):
    for number in range(start, start + count):
        buffer.add([number, -number], number % 3, float(number), [number + 1, 0], number % 2 == 1)


def test_the_buffer_grows_then_wraps_around_overwriting_the_oldest():
    buffer = ReplayBuffer(capacity=4, observation_size=2)
    assert len(buffer) == 0
    fill(buffer, 3)
    assert len(buffer) == 3 and buffer.rewards.tolist() == [0, 1, 2, 0]
    fill(buffer, 4, start=3)  # transitions 3, 4, 5, 6: 4 to 6 overwrite 0 to 2
    assert len(buffer) == 4
    assert buffer.rewards.tolist() == [4, 5, 6, 3]
    assert buffer.observations.tolist() == [[4, -4], [5, -5], [6, -6], [3, -3]]
    assert buffer.next_observations[:, 0].tolist() == [5, 6, 7, 4]
    assert buffer.actions.tolist() == [1, 2, 0, 0]
    assert buffer.terminated.tolist() == [0, 1, 0, 1]
    assert buffer.actions.dtype == np.int32 and buffer.observations.dtype == np.float32


def test_sampling_keeps_transitions_whole_and_draws_only_stored_ones():
    buffer = ReplayBuffer(capacity=10, observation_size=2)
    fill(buffer, 6)  # slots 6 to 9 are still empty
    observations, actions, rewards, next_observations, terminated = buffer.sample(
        500, np.random.default_rng(1)
    )
    assert observations.shape == next_observations.shape == (500, 2)
    assert actions.shape == rewards.shape == terminated.shape == (500,)
    assert set(rewards.tolist()) == {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}
    # Every drawn row is one stored transition, not a mix of several.
    np.testing.assert_array_equal(observations[:, 0], rewards)
    np.testing.assert_array_equal(observations[:, 1], -rewards)
    np.testing.assert_array_equal(next_observations[:, 0], rewards + 1)
    np.testing.assert_array_equal(actions, rewards.astype(int) % 3)
    np.testing.assert_array_equal(terminated, rewards % 2)


def test_sampling_is_uniform_and_reproducible():
    buffer = ReplayBuffer(capacity=5, observation_size=1)
    for number in range(12):  # wraps twice; keeps 7 to 11
        buffer.add([number], 0, float(number), [number], False)
    draws = buffer.sample(50_000, np.random.default_rng(0))[2]
    values, counts = np.unique(draws, return_counts=True)
    assert values.tolist() == [7, 8, 9, 10, 11]
    # Binomial(50000, 0.2): standard deviation about 89, so 500 is more than 5 of them.
    assert np.abs(counts - 10_000).max() < 500
    first = buffer.sample(16, np.random.default_rng(7))
    second = buffer.sample(16, np.random.default_rng(7))
    for left, right in zip(first, second, strict=True):
        np.testing.assert_array_equal(left, right)


def test_the_buffer_rejects_bad_arguments():
    for capacity in (0, -1, 2.5):
        with pytest.raises(ValueError, match="capacity"):
            ReplayBuffer(capacity, 2)
    with pytest.raises(ValueError, match="observation_size"):
        ReplayBuffer(4, 0)
    buffer = ReplayBuffer(4, 2)
    with pytest.raises(ValueError, match="empty"):
        buffer.sample(1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="shape"):
        buffer.add([1, 2, 3], 0, 0.0, [1, 2], False)
    with pytest.raises(ValueError, match="action"):
        buffer.add([1, 2], -1, 0.0, [1, 2], False)
    fill(buffer, 1)
    with pytest.raises(ValueError, match="batch_size"):
        buffer.sample(0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="generator"):
        buffer.sample(1, 0)


# ---------------------------------------------------------------- targets and loss


def test_bellman_targets_by_hand_with_terminal_transitions():
    rewards = tf.constant([1.0, -1.0, 0.5, -1.0])
    next_q_values = tf.constant([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [-2.0, -3.0]])
    terminated = tf.constant([0.0, 1.0, 0.0, 1.0])
    targets = dqn.bellman_targets(rewards, next_q_values, terminated, 0.9)
    # r + 0.9 * max: 1 + 1.8; terminal: -1 alone; 0.5 + 5.4; terminal: -1 alone.
    np.testing.assert_allclose(targets.numpy(), [2.8, -1.0, 5.9, -1.0], rtol=1e-6)
    zero_discount = dqn.bellman_targets(rewards, next_q_values, terminated, 0.0)
    np.testing.assert_allclose(zero_discount.numpy(), rewards.numpy())


def numpy_huber(errors, delta):
    small = np.abs(errors) <= delta
    return np.where(small, 0.5 * errors**2, delta * (np.abs(errors) - 0.5 * delta))


def linear_networks(observation_size=3, num_actions=2):
    """Two Q-networks without hidden layers, Q = x W + b, with different weights."""
    online = dqn.build_q_network(observation_size, num_actions, hidden_units=())
    target = dqn.build_q_network(observation_size, num_actions, hidden_units=())
    generator = np.random.default_rng(0)
    for network in (online, target):
        kernel = generator.normal(size=(observation_size, num_actions)).astype(np.float32)
        bias = generator.normal(size=num_actions).astype(np.float32)
        network.set_weights([kernel, bias])
    return online, target


def test_one_update_matches_a_numpy_gradient_step():
    # Independent reference: for Q = x W + b and a mean Huber loss over the taken
    # actions, dL/dQ(s_i, a_i) = clip(Q(s_i, a_i) - y_i, -delta, delta) / batch.
    online, target = linear_networks()
    kernel, bias = online.get_weights()
    target_kernel, target_bias = target.get_weights()
    generator = np.random.default_rng(3)
    observations = generator.normal(size=(6, 3)).astype(np.float32)
    next_observations = generator.normal(size=(6, 3)).astype(np.float32)
    actions = np.array([0, 1, 1, 0, 1, 0], np.int32)
    rewards = np.array([-1, 2, 0.5, -3, 1, 4], np.float32)
    terminated = np.array([0, 0, 1, 0, 1, 0], np.float32)
    gamma, delta, learning_rate = 0.9, 1.0, 0.1

    next_values = (next_observations @ target_kernel + target_bias).max(axis=1)
    targets = rewards + gamma * next_values * (1 - terminated)
    taken = (observations @ kernel + bias)[np.arange(6), actions]
    errors = taken - targets
    assert np.abs(errors).max() > delta > np.abs(errors).min()  # both Huber branches
    expected_loss = numpy_huber(errors, delta).mean()
    slope = np.clip(errors, -delta, delta) / len(errors)  # dL/dQ(s_i, a_i)
    kernel_gradient, bias_gradient = np.zeros_like(kernel), np.zeros_like(bias)
    for row, action, value in zip(observations, actions, slope, strict=True):
        kernel_gradient[:, action] += row * value
        bias_gradient[action] += value

    update = dqn.make_dqn_update(online, target, keras.optimizers.SGD(learning_rate), gamma, delta)
    loss = update(observations, actions, rewards, next_observations, terminated)
    assert float(loss) == pytest.approx(expected_loss, rel=1e-5)
    new_kernel, new_bias = online.get_weights()
    np.testing.assert_allclose(new_kernel, kernel - learning_rate * kernel_gradient, atol=1e-6)
    np.testing.assert_allclose(new_bias, bias - learning_rate * bias_gradient, atol=1e-6)
    # The target network is only read.
    np.testing.assert_array_equal(target.get_weights()[0], target_kernel)
    np.testing.assert_array_equal(target.get_weights()[1], target_bias)


def test_make_dqn_update_rejects_bad_arguments():
    online, target = linear_networks()
    for gamma in (1.5, -0.1):
        with pytest.raises(ValueError, match="gamma"):
            dqn.make_dqn_update(online, target, keras.optimizers.SGD(0.1), gamma)
    with pytest.raises(ValueError, match="huber_delta"):
        dqn.make_dqn_update(online, target, keras.optimizers.SGD(0.1), 0.9, huber_delta=0)


# ---------------------------------------------------------------- networks and acting


def test_q_network_has_one_linear_output_per_action():
    set_seed(0)
    network = dqn.build_q_network(25, 4, hidden_units=(64,))
    assert network.input_shape == (None, 25) and network.output_shape == (None, 4)
    assert [layer.name for layer in network.layers[1:]] == ["hidden_1", "q_values"]
    assert network.layers[-1].activation.__name__ == "linear"
    assert network.count_params() == (25 * 64 + 64) + (64 * 4 + 4)
    for arguments in ((0, 4), (25, 0), (25, 4, (64, 0))):
        with pytest.raises(ValueError, match="observation_size|num_actions|hidden_units"):
            dqn.build_q_network(*arguments)


def test_sync_target_copies_the_weights():
    online, target = linear_networks()
    assert not np.array_equal(online.get_weights()[0], target.get_weights()[0])
    dqn.sync_target(online, target)
    for left, right in zip(online.get_weights(), target.get_weights(), strict=True):
        np.testing.assert_array_equal(left, right)
    with pytest.raises(ValueError, match="same shapes"):
        dqn.sync_target(online, dqn.build_q_network(3, 5, hidden_units=()))


def test_greedy_policy_takes_the_argmax():
    online, _ = linear_networks(observation_size=3, num_actions=2)
    act = dqn.greedy_policy(online)
    observations = np.random.default_rng(2).normal(size=(20, 3)).astype(np.float32)
    expected = np.argmax(np.asarray(online(observations)), axis=1)
    assert 0 < expected.sum() < 20  # both actions occur
    assert [act(observation) for observation in observations] == expected.tolist()


def test_linear_epsilon_decays_then_stays():
    values = [dqn.linear_epsilon(step, 1.0, 0.05, 1000) for step in (0, 250, 500, 1000, 5000)]
    assert values == pytest.approx([1.0, 0.7625, 0.525, 0.05, 0.05])
    assert dqn.linear_epsilon(3, 0.2, 0.2, 10) == pytest.approx(0.2)
    for arguments, name in (
        ((-1, 1.0, 0.0, 10), "step"),
        ((0, 1.5, 0.0, 10), "start"),
        ((0, 1.0, -0.1, 10), "end"),
        ((0, 1.0, 0.0, 0), "decay_steps"),
    ):
        with pytest.raises(ValueError, match=name):
            dqn.linear_epsilon(*arguments)


# ---------------------------------------------------------------- training


def test_config_defaults_and_checks():
    config = dqn.DQNConfig()
    assert (config.total_steps, config.gamma, config.batch_size) == (1600, 0.9, 128)
    assert (config.buffer_capacity, config.target_sync_steps, config.train_every) == (1000, 25, 2)
    for name, value in (
        ("total_steps", 0),
        ("batch_size", 1.5),
        ("gamma", 1.2),
        ("epsilon_end", -0.1),
        ("learning_rate", 0),
        ("hidden_units", (8, -1)),
    ):
        with pytest.raises(ValueError, match=name):
            dataclasses.replace(config, **{name: value})


def test_a_short_run_records_every_episode_and_update_and_is_reproducible():
    env = GridWorld(max_steps=20)
    config = dqn.DQNConfig(total_steps=120, warmup_steps=40, train_every=4, batch_size=16)

    def run():
        set_seed(4)
        return dqn.train_dqn(env, config, seed=4)

    network, history = run()
    _, again = run()
    assert history == again
    # Updates at steps 40, 44, ..., 120.
    assert len(history["loss"]) == len(range(40, 121, 4)) == 21
    assert all(np.isfinite(history["loss"]))
    ends = history["episode_end_step"]
    assert ends == sorted(ends) and len(ends) == len(history["episode_return"]) >= 6
    # Each episode costs 1 per step and lasts at most 20 steps.
    lengths = np.diff([0, *ends])
    np.testing.assert_array_equal(-np.array(history["episode_return"]), lengths)
    assert lengths.max() <= 20
    assert network.output_shape == (None, 4)


def test_train_dqn_rejects_bad_arguments():
    with pytest.raises(ValueError, match="config"):
        dqn.train_dqn(GridWorld(), config={"total_steps": 10})
    with pytest.raises(ValueError, match="seed"):
        dqn.train_dqn(GridWorld(), seed=-1)
