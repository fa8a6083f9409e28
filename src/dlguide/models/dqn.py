"""A deep Q-network (DQN): Q-learning with a neural network, a replay buffer and a target network.

`train_dqn` runs the algorithm of Mnih et al. (2015) on an environment with a gymnasium-like
`reset()`/`step()` API and discrete actions: epsilon-greedy acting with a decaying epsilon, a
`dlguide.replay.ReplayBuffer`, and Huber-loss regression of Q(s, a) towards
r + gamma * max_a' Q_target(s', a') * (1 - terminated), with a target network copied from the
online one every few steps. The update and the greedy action are traced `tf.function` graphs.
"""

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from dlguide._validation import positive_int, positive_number
from dlguide.replay import ReplayBuffer


def _unit_interval(name: str, value: object) -> float:
    """Return `value` as a float, or raise ValueError unless it is a number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


@dataclasses.dataclass(frozen=True)
class DQNConfig:
    """Hyperparameters of `train_dqn`; the defaults suit `dlguide.envs.GridWorld`."""

    total_steps: int = 1600  # environment steps
    gamma: float = 0.9  # discount of the Bellman target
    learning_rate: float = 3e-3  # Adam
    batch_size: int = 128  # transitions per gradient step
    buffer_capacity: int = 1000  # the buffer keeps only the most recent transitions
    warmup_steps: int = 200  # transitions stored before the first gradient step
    train_every: int = 2  # environment steps per gradient step
    target_sync_steps: int = 25  # environment steps between two target copies
    epsilon_start: float = 1.0  # only random actions at first...
    epsilon_end: float = 0.05  # ...and few at the end
    epsilon_decay_steps: int = 1000  # linear decay over this many environment steps
    hidden_units: tuple[int, ...] = (64,)  # ReLU layers of the Q-network
    huber_delta: float = 1.0  # error where the loss turns from quadratic to linear

    def __post_init__(self) -> None:
        """Check every field, so that a bad value fails here and not mid-training.

        Raises:
            ValueError: Naming the first field that is out of range.
        """
        for field in dataclasses.fields(self):
            if field.type is int:  # counts of steps, transitions or units
                positive_int(field.name, getattr(self, field.name))
        for name in ("gamma", "epsilon_start", "epsilon_end"):
            _unit_interval(name, getattr(self, name))
        positive_number("learning_rate", self.learning_rate)
        positive_number("huber_delta", self.huber_delta)
        for index, units in enumerate(self.hidden_units):
            positive_int(f"hidden_units[{index}]", units)


def build_q_network(
    observation_size: int,
    num_actions: int,
    hidden_units: Sequence[int] = (64,),
    name: str = "q_network",
) -> keras.Model:
    """Build an MLP that maps an observation to one Q-value per action.

    Args:
        observation_size: Length of the observation vector, a positive int.
        num_actions: Number of discrete actions, a positive int (one output each).
        hidden_units: Units of each ReLU hidden layer, positive ints (may be empty).
        name: Model name.

    Returns:
        An uncompiled `keras.Model` from (batch, observation_size) to
        (batch, num_actions), with a linear output: Q-values are returns, not
        probabilities.

    Raises:
        ValueError: If `observation_size`, `num_actions` or a hidden width is not a
            positive int.
    """
    observation_size = positive_int("observation_size", observation_size)
    num_actions = positive_int("num_actions", num_actions)
    widths = [positive_int(f"hidden_units[{i}]", units) for i, units in enumerate(hidden_units)]
    inputs = keras.Input(shape=(observation_size,), name="observation")
    hidden = inputs
    for index, units in enumerate(widths, 1):
        hidden = keras.layers.Dense(units, activation="relu", name=f"hidden_{index}")(hidden)
    outputs = keras.layers.Dense(num_actions, name="q_values")(hidden)  # (batch, num_actions)
    return keras.Model(inputs, outputs, name=name)


def linear_epsilon(step: int, start: float, end: float, decay_steps: int) -> float:
    """Return the exploration rate at a step: from `start` to `end` linearly, then `end`.

    Args:
        step: The environment step, a non-negative int.
        start: Epsilon at step 0, in [0, 1].
        end: Epsilon from `decay_steps` on, in [0, 1].
        decay_steps: Length of the decay, a positive int.

    Returns:
        The probability of taking a random action at `step`.

    Raises:
        ValueError: If `step` is not a non-negative int, `start` or `end` is outside
            [0, 1], or `decay_steps` is not a positive int.
    """
    if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 0:
        raise ValueError(f"step must be a non-negative int, got {step!r}")
    start, end = _unit_interval("start", start), _unit_interval("end", end)
    decay_steps = positive_int("decay_steps", decay_steps)
    return start + min(step / decay_steps, 1.0) * (end - start)


def bellman_targets(
    rewards: tf.Tensor, next_q_values: tf.Tensor, terminated: tf.Tensor, gamma: float
) -> tf.Tensor:
    """Return the DQN targets r + gamma * max_a' Q_target(s', a') * (1 - terminated).

    Args:
        rewards: (batch,) rewards.
        next_q_values: (batch, num_actions) target-network Q-values of the next states.
        terminated: (batch,) 1.0 where the next state is terminal, else 0.0. A
            truncated episode is not terminated: its next state still has a future.
        gamma: Discount factor.

    Returns:
        (batch,) targets.
    """
    best_next = tf.reduce_max(next_q_values, axis=1)  # (batch,)
    return rewards + gamma * best_next * (1.0 - terminated)


def make_dqn_update(
    online: keras.Model,
    target: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    gamma: float,
    huber_delta: float = 1.0,
) -> Callable[..., tf.Tensor]:
    """Return a traced function that takes one DQN gradient step and returns its loss.

    The function takes (observations, actions, rewards, next_observations,
    terminated), shaped and typed as `ReplayBuffer.sample` returns them, and updates
    `online` only: the targets come from `target` and no gradient flows into them.

    Args:
        online: The Q-network being trained.
        target: The target network, with the same input and output shapes.
        optimizer: A fresh Keras optimizer.
        gamma: Discount factor, in [0, 1].
        huber_delta: Error at which the Huber loss turns from quadratic to linear, > 0.

    Returns:
        The update function (a concrete `tf.function` graph).

    Raises:
        ValueError: If `gamma` is not in [0, 1] or `huber_delta` is not positive.
    """
    gamma = _unit_interval("gamma", gamma)
    huber = keras.losses.Huber(delta=positive_number("huber_delta", huber_delta))
    optimizer.build(online.trainable_variables)  # slots now, outside the traced function
    observations = tf.TensorSpec((None, *online.input_shape[1:]), tf.float32)
    per_transition = tf.TensorSpec((None,), tf.float32)
    signature = [observations, tf.TensorSpec((None,), tf.int32), per_transition]
    signature += [observations, per_transition]

    @tf.function(input_signature=signature)
    def update(observations, actions, rewards, next_observations, terminated):
        next_q_values = target(next_observations, training=False)  # (batch, num_actions)
        targets = tf.stop_gradient(bellman_targets(rewards, next_q_values, terminated, gamma))
        with tf.GradientTape() as tape:
            q_values = online(observations, training=True)  # (batch, num_actions)
            # Only the action actually taken has a target: Q(s, a), (batch,).
            taken = tf.gather(q_values, actions, axis=1, batch_dims=1)
            loss = huber(targets, taken)
        gradients = tape.gradient(loss, online.trainable_variables)
        optimizer.apply_gradients(zip(gradients, online.trainable_variables, strict=True))
        return loss

    # Calling the graph directly skips tf.function's argument matching, which costs
    # about as much as this small network's whole update.
    return update.get_concrete_function()


def sync_target(online: keras.Model, target: keras.Model) -> None:
    """Copy the online network's weights into the target network.

    Raises:
        ValueError: If the two networks' weights differ in number or shape.
    """
    if [w.shape for w in online.weights] != [w.shape for w in target.weights]:
        raise ValueError("online and target must have weights of the same shapes")
    for target_weight, online_weight in zip(target.weights, online.weights, strict=True):
        target_weight.assign(online_weight)


def greedy_policy(network: keras.Model) -> Callable[[np.ndarray], int]:
    """Return a function from one observation to the action with the largest Q-value.

    Args:
        network: A Q-network from (batch, observation_size) to (batch, num_actions).

    Returns:
        A function from an observation of shape (observation_size,) to an int
        action; it calls a traced graph, not `network.predict`.
    """

    @tf.function(input_signature=[tf.TensorSpec(network.input_shape[1:], tf.float32)])
    def best_action(observation):
        q_values = network(observation[tf.newaxis], training=False)  # (1, num_actions)
        return tf.argmax(q_values[0], output_type=tf.int32)

    graph = best_action.get_concrete_function()
    return lambda observation: int(graph(np.asarray(observation, np.float32)))


def train_dqn(
    env: Any, config: DQNConfig | None = None, seed: int = 0
) -> tuple[keras.Model, dict[str, list[float]]]:
    """Train a deep Q-network on an environment and record its training episodes.

    Call `dlguide.set_seed(seed)` first for reproducible initial weights; `seed` also
    seeds the environment's start cells, the exploration and the replay sampling.

    Args:
        env: An environment with `reset(seed=...)`, `step(action)`, `observation_size`
            and `num_actions`, such as `dlguide.envs.GridWorld`.
        config: Hyperparameters; None uses `DQNConfig()`.
        seed: A non-negative int.

    Returns:
        (online network, history). The history holds, per finished training episode,
        "episode_return" (its undiscounted return) and "episode_end_step" (the
        environment step it ended on), and "loss", one value per gradient step.

    Raises:
        ValueError: If `config` is not a DQNConfig or `seed` is not a non-negative int.
    """
    config = DQNConfig() if config is None else config
    if not isinstance(config, DQNConfig):
        raise ValueError(f"config must be a DQNConfig or None, got {config!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    generator = np.random.default_rng(int(seed))
    online = build_q_network(env.observation_size, env.num_actions, config.hidden_units)
    target = build_q_network(env.observation_size, env.num_actions, config.hidden_units)
    sync_target(online, target)
    optimizer = keras.optimizers.Adam(config.learning_rate)
    update = make_dqn_update(online, target, optimizer, config.gamma, config.huber_delta)
    act = greedy_policy(online)
    buffer = ReplayBuffer(config.buffer_capacity, env.observation_size)
    history: dict[str, list[float]] = {"episode_return": [], "episode_end_step": [], "loss": []}

    observation, _ = env.reset(seed=int(seed))
    episode_return = 0.0
    for step in range(1, config.total_steps + 1):
        epsilon = linear_epsilon(
            step - 1, config.epsilon_start, config.epsilon_end, config.epsilon_decay_steps
        )
        if generator.random() < epsilon:
            action = int(generator.integers(env.num_actions))
        else:
            action = act(observation)
        next_observation, reward, terminated, truncated, _ = env.step(action)
        # Only a terminal state cuts the bootstrap; a truncated episode's does not.
        buffer.add(observation, action, reward, next_observation, terminated)
        episode_return += reward
        observation = next_observation
        if terminated or truncated:
            history["episode_return"].append(episode_return)
            history["episode_end_step"].append(step)
            observation, _ = env.reset()
            episode_return = 0.0
        if step >= config.warmup_steps and step % config.train_every == 0:
            history["loss"].append(float(update(*buffer.sample(config.batch_size, generator))))
        if step % config.target_sync_steps == 0:
            sync_target(online, target)
    return online, history
