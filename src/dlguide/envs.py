"""A small grid world with a gymnasium-like API, and the tabular tools to solve it exactly.

`GridWorld` is an episodic task small enough to train a deep Q-network on in seconds: the
agent walks between walls towards a goal and pays 1 for every step, so the best return
from a cell is minus the length of the shortest path from it. `reset()` and `step()`
follow gymnasium's conventions (`terminated` when the goal is reached, `truncated` when
the step limit cuts the episode short), so code written against it reads like code for
gymnasium. `value_iteration` computes the optimal action values from the known
dynamics, a reference for what a learned policy should do, and `evaluate_policy` runs
any policy for a number of episodes and returns their returns.
"""

from collections.abc import Callable, Sequence

import numpy as np

from dlguide._validation import positive_int

# Row and column change of each action; the action is the index into this tuple.
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))
ACTION_NAMES = ("up", "right", "down", "left")

# The goal sits in a pocket that opens to the right, so from the left half of the grid
# the shortest path leads away from the goal before it turns back.
DEFAULT_LAYOUT = (
    ".....",
    ".###.",
    ".#G..",
    ".###.",
    ".....",
)


class GridWorld:
    """A deterministic grid world: walk to the goal, paying 1 per step.

    Each episode starts in a free cell other than the goal, drawn uniformly by the
    environment's generator (or given through `options={"start": (row, col)}`). The
    four actions move one cell up, right, down or left; a move into a wall or off the
    grid leaves the agent where it is. Every step gives `step_reward`; the episode
    terminates on reaching the goal and is truncated after `max_steps` steps.

    The observation is a one-hot float32 vector over the `rows * columns` cells
    (row-major), so a network sees the cell and nothing else.

    Attributes:
        layout: The map, one string per row: "." free, "#" wall, "G" the goal.
        rows: Number of rows of the grid.
        columns: Number of columns of the grid.
        goal: (row, column) of the goal.
        observation_size: Length of an observation vector, `rows * columns`.
        num_actions: Number of actions, 4.
        max_steps: Steps after which an episode is truncated.
        step_reward: Reward of every step, the goal step included.
    """

    num_actions = len(MOVES)

    def __init__(
        self,
        layout: Sequence[str] = DEFAULT_LAYOUT,
        max_steps: int = 50,
        step_reward: float = -1.0,
    ) -> None:
        """Create the environment; call `reset()` before the first `step()`.

        Args:
            layout: Rows of equal length made of ".", "#" and exactly one "G".
            max_steps: Steps after which an episode is truncated, a positive int.
            step_reward: Reward of every step, a number (negative makes it a cost).

        Raises:
            ValueError: If `layout` is empty, ragged, holds other characters, has no
                or several goals, or no free cell to start from; if `max_steps` is not
                a positive int, or `step_reward` is not a finite number.
        """
        rows = [layout] if isinstance(layout, str) else list(layout)
        if not rows or any(not isinstance(row, str) or not row for row in rows):
            raise ValueError(f"layout must be a non-empty sequence of strings, got {layout!r}")
        if len({len(row) for row in rows}) != 1:
            raise ValueError(f"layout rows must all have the same length, got {rows!r}")
        if set("".join(rows)) - set(".#G"):
            raise ValueError(f"layout may hold only '.', '#' and 'G', got {rows!r}")
        goals = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell == "G"]
        if len(goals) != 1:
            raise ValueError(f"layout must hold exactly one 'G', got {len(goals)}")
        self.layout = tuple(rows)
        self.rows, self.columns = len(rows), len(rows[0])
        self.goal = goals[0]
        self.starts = [
            (r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell == "."
        ]
        if not self.starts:
            raise ValueError("layout must hold at least one free cell '.' to start from")
        self.max_steps = positive_int("max_steps", max_steps)
        if isinstance(step_reward, bool) or not np.isfinite(step_reward):
            raise ValueError(f"step_reward must be a finite number, got {step_reward!r}")
        self.step_reward = float(step_reward)
        self.observation_size = self.rows * self.columns
        self._generator = np.random.default_rng()
        self._position: tuple[int, int] | None = None
        self._steps = 0

    def observe(self, position: tuple[int, int]) -> np.ndarray:
        """Return the one-hot observation of a cell, shape (observation_size,), float32."""
        observation = np.zeros(self.observation_size, dtype=np.float32)
        observation[position[0] * self.columns + position[1]] = 1.0
        return observation

    def is_wall(self, position: tuple[int, int]) -> bool:
        """Return whether a (row, column) is a wall or outside the grid."""
        row, column = position
        inside = 0 <= row < self.rows and 0 <= column < self.columns
        return not inside or self.layout[row][column] == "#"

    def transition(
        self, position: tuple[int, int], action: int
    ) -> tuple[tuple[int, int], float, bool]:
        """Return the (next cell, reward, terminated) of one action, without changing the state.

        Args:
            position: (row, column) of a cell that is not a wall.
            action: 0 up, 1 right, 2 down or 3 left.

        Returns:
            The cell the move leads to (the same cell if a wall blocks it), the reward
            and whether that cell is the goal.

        Raises:
            ValueError: If `action` is not one of the four actions or `position` is a
                wall or off the grid.
        """
        if isinstance(action, bool) or not isinstance(action, int | np.integer):
            raise ValueError(f"action must be an int in [0, {self.num_actions}), got {action!r}")
        if not 0 <= action < self.num_actions:
            raise ValueError(f"action must be an int in [0, {self.num_actions}), got {action!r}")
        position = (int(position[0]), int(position[1]))
        if self.is_wall(position):
            raise ValueError(f"position must be a free cell of the grid, got {position!r}")
        row_step, column_step = MOVES[action]
        moved = (position[0] + row_step, position[1] + column_step)
        next_position = position if self.is_wall(moved) else moved
        return next_position, self.step_reward, next_position == self.goal

    def reset(
        self, seed: int | None = None, options: dict | None = None
    ) -> tuple[np.ndarray, dict]:
        """Start an episode, in a random free cell or in `options["start"]`.

        Args:
            seed: If given, re-seed the environment's generator first (as gymnasium
                does), so the same seed gives the same sequence of start cells.
            options: Optionally {"start": (row, column)}, a free cell other than the goal.

        Returns:
            (observation, info), where info is {"position": (row, column)}.

        Raises:
            ValueError: If `seed` is not a non-negative int or `options["start"]` is
                not a free cell other than the goal.
        """
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
                raise ValueError(f"seed must be None or a non-negative int, got {seed!r}")
            self._generator = np.random.default_rng(int(seed))
        start = (options or {}).get("start")
        if start is None:
            start = self.starts[self._generator.integers(len(self.starts))]
        elif tuple(start) not in self.starts:
            raise ValueError(f"options['start'] must be a free cell, not the goal, got {start!r}")
        self._position, self._steps = tuple(start), 0
        return self.observe(self._position), {"position": self._position}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Take one action.

        Args:
            action: 0 up, 1 right, 2 down or 3 left.

        Returns:
            (observation, reward, terminated, truncated, info): `terminated` is True on
            reaching the goal, `truncated` when `max_steps` steps were taken without it.

        Raises:
            ValueError: If `action` is not one of the four actions.
            RuntimeError: If no episode is running (call `reset()` first).
        """
        if self._position is None:
            raise RuntimeError("no episode is running: call reset() first")
        self._position, reward, terminated = self.transition(self._position, action)
        self._steps += 1
        truncated = not terminated and self._steps >= self.max_steps
        observation = self.observe(self._position)
        if terminated or truncated:
            self._position = None  # the episode is over until the next reset()
        return observation, reward, terminated, truncated, {"steps": self._steps}


def value_iteration(env: GridWorld, gamma: float, tolerance: float = 1e-8) -> np.ndarray:
    """Compute the optimal action values of a grid world from its known dynamics.

    Repeats the Bellman optimality update Q(s, a) = r + gamma * max_a' Q(s', a'), with
    no future value after the goal, until no value changes by more than `tolerance`.

    Args:
        env: The grid world (only its dynamics are used; its episode is not touched).
        gamma: Discount factor, in [0, 1).
        tolerance: Stop when the largest change of a sweep is below this, > 0.

    Returns:
        Q-values of shape (rows * columns, num_actions), indexed like the one-hot
        observation; the rows of walls and of the goal are 0.

    Raises:
        ValueError: If `gamma` is not in [0, 1) or `tolerance` is not positive.
    """
    if isinstance(gamma, bool) or not isinstance(gamma, int | float) or not 0 <= gamma < 1:
        raise ValueError(f"gamma must be a number in [0, 1), got {gamma!r}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance <= 0:
        raise ValueError(f"tolerance must be a positive number, got {tolerance!r}")
    q_values = np.zeros((env.observation_size, env.num_actions))
    moves = [
        (r * env.columns + c, action, *env.transition((r, c), action))
        for r, c in env.starts
        for action in range(env.num_actions)
    ]
    while True:
        values = q_values.max(axis=1)  # the goal's row stays 0: nothing follows it
        updated = q_values.copy()
        for state, action, (r, c), reward, terminated in moves:
            future = 0.0 if terminated else values[r * env.columns + c]
            updated[state, action] = reward + gamma * future
        change = np.max(np.abs(updated - q_values))
        q_values = updated
        if change < tolerance:
            return q_values


def evaluate_policy(
    env: GridWorld, policy: Callable[[np.ndarray], int], num_episodes: int, seed: int = 0
) -> list[float]:
    """Run a policy for whole episodes and return the undiscounted return of each.

    The first episode resets the environment with `seed` and the others continue its
    generator, so two policies evaluated with the same seed start from the same cells.

    Args:
        env: The environment to run.
        policy: A function from an observation to an action.
        num_episodes: Number of episodes, a positive int.
        seed: Seed of the start cells, a non-negative int.

    Returns:
        One return (sum of rewards) per episode.

    Raises:
        ValueError: If `num_episodes` is not a positive int or `seed` is not a
            non-negative int.
    """
    num_episodes = positive_int("num_episodes", num_episodes)
    returns = []
    for episode in range(num_episodes):
        observation, _ = env.reset(seed=seed if episode == 0 else None)
        total, done = 0.0, False
        while not done:
            observation, reward, terminated, truncated, _ = env.step(int(policy(observation)))
            total += reward
            done = terminated or truncated
        returns.append(total)
    return returns
