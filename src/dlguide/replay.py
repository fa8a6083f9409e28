"""An experience replay buffer: a fixed-size ring of transitions, sampled uniformly.

A deep Q-network learns from minibatches drawn from past transitions rather than from
the transition it just made, because consecutive transitions are strongly correlated
and gradient descent assumes roughly independent samples. The buffer holds the last
`capacity` transitions in preallocated NumPy arrays; once full, each new transition
overwrites the oldest one.
"""

import numpy as np
from numpy.typing import ArrayLike

from dlguide._validation import positive_int


class ReplayBuffer:
    """A ring buffer of (observation, action, reward, next observation, terminated).

    Attributes:
        capacity: The largest number of transitions kept.
        observations: (capacity, observation_size) float32 storage.
        actions: (capacity,) int32 storage.
        rewards: (capacity,) float32 storage.
        next_observations: (capacity, observation_size) float32 storage.
        terminated: (capacity,) float32 storage, 1.0 where the episode ended in a
            terminal state (not where it was merely truncated).
    """

    def __init__(self, capacity: int, observation_size: int) -> None:
        """Allocate an empty buffer.

        Args:
            capacity: The largest number of transitions kept, a positive int.
            observation_size: Length of one observation vector, a positive int.

        Raises:
            ValueError: If `capacity` or `observation_size` is not a positive int.
        """
        self.capacity = positive_int("capacity", capacity)
        observation_size = positive_int("observation_size", observation_size)
        self.observations = np.zeros((self.capacity, observation_size), np.float32)
        self.actions = np.zeros(self.capacity, np.int32)
        self.rewards = np.zeros(self.capacity, np.float32)
        self.next_observations = np.zeros((self.capacity, observation_size), np.float32)
        self.terminated = np.zeros(self.capacity, np.float32)
        self._next_index = 0  # where the next transition goes: the oldest slot once full
        self._size = 0

    def __len__(self) -> int:
        """Return how many transitions the buffer holds, at most `capacity`."""
        return self._size

    def add(
        self,
        observation: ArrayLike,
        action: int,
        reward: float,
        next_observation: ArrayLike,
        terminated: bool,
    ) -> None:
        """Store one transition, overwriting the oldest one when the buffer is full.

        Args:
            observation: The observation the action was taken in, (observation_size,).
            action: The action taken, a non-negative int.
            reward: The reward received.
            next_observation: The observation after the action, (observation_size,).
            terminated: Whether the next state is terminal, so nothing follows it.

        Raises:
            ValueError: If an observation has the wrong shape or `action` is not a
                non-negative int.
        """
        observation = np.asarray(observation, np.float32)
        next_observation = np.asarray(next_observation, np.float32)
        expected = self.observations.shape[1:]
        if observation.shape != expected or next_observation.shape != expected:
            raise ValueError(
                f"observation and next_observation must have shape {expected}, got "
                f"{observation.shape} and {next_observation.shape}"
            )
        if isinstance(action, bool) or not isinstance(action, int | np.integer) or action < 0:
            raise ValueError(f"action must be a non-negative int, got {action!r}")
        index = self._next_index
        self.observations[index] = observation
        self.actions[index] = action
        self.rewards[index] = reward
        self.next_observations[index] = next_observation
        self.terminated[index] = float(terminated)
        self._next_index = (index + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def sample(
        self, batch_size: int, generator: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Draw a minibatch uniformly, with replacement, from the stored transitions.

        Args:
            batch_size: Number of transitions, a positive int.
            generator: The NumPy generator that picks the indices.

        Returns:
            (observations, actions, rewards, next_observations, terminated), with
            shapes (batch, observation_size), (batch,), (batch,),
            (batch, observation_size) and (batch,).

        Raises:
            ValueError: If `batch_size` is not a positive int, `generator` is not a
                NumPy Generator, or the buffer is empty.
        """
        batch_size = positive_int("batch_size", batch_size)
        if not isinstance(generator, np.random.Generator):
            raise ValueError(f"generator must be a numpy.random.Generator, got {generator!r}")
        if self._size == 0:
            raise ValueError("the buffer is empty: add transitions before sampling")
        indices = generator.integers(0, self._size, size=batch_size)  # (batch,)
        return (
            self.observations[indices],
            self.actions[indices],
            self.rewards[indices],
            self.next_observations[indices],
            self.terminated[indices],
        )
