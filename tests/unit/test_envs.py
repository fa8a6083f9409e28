from collections import deque

import numpy as np
import pytest

from dlguide.envs import ACTION_NAMES, GridWorld, evaluate_policy, value_iteration

UP, RIGHT, DOWN, LEFT = range(4)


def shortest_distances(env):
    """Breadth-first search back from the goal over the layout: steps to the goal per cell."""
    distances = {env.goal: 0}
    queue = deque([env.goal])
    while queue:
        row, column = queue.popleft()
        for row_step, column_step in ((-1, 0), (0, 1), (1, 0), (0, -1)):
            neighbour = (row + row_step, column + column_step)
            inside = 0 <= neighbour[0] < env.rows and 0 <= neighbour[1] < env.columns
            open_cell = inside and env.layout[neighbour[0]][neighbour[1]] != "#"
            if open_cell and neighbour not in distances:
                distances[neighbour] = distances[(row, column)] + 1
                queue.append(neighbour)
    return distances


def position(env, observation):
    assert observation.shape == (env.observation_size,) and observation.dtype == np.float32
    assert observation.sum() == 1.0 and set(np.unique(observation)) == {0.0, 1.0}
    return divmod(int(np.argmax(observation)), env.columns)


def test_default_layout():
    env = GridWorld()
    assert (env.rows, env.columns, env.goal) == (5, 5, (2, 2))
    assert env.observation_size == 25 and env.num_actions == 4
    assert ACTION_NAMES == ("up", "right", "down", "left")
    assert len(env.starts) == 17 and env.goal not in env.starts
    assert env.max_steps == 50 and env.step_reward == -1.0


def test_a_scripted_walk_round_the_pocket():
    env = GridWorld()
    observation, info = env.reset(options={"start": (2, 0)})
    assert position(env, observation) == info["position"] == (2, 0)
    script = [RIGHT, UP, UP, RIGHT, RIGHT, RIGHT, RIGHT, DOWN, DOWN, LEFT, LEFT]
    expected = [(2, 0), (1, 0), (0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (1, 4), (2, 4), (2, 3)]
    expected.append((2, 2))
    for step, (action, cell) in enumerate(zip(script, expected, strict=True), 1):
        observation, reward, terminated, truncated, info = env.step(action)
        assert position(env, observation) == cell, step
        assert reward == -1.0 and not truncated and info["steps"] == step
        assert terminated == (step == len(script))
    with pytest.raises(RuntimeError, match="reset"):
        env.step(UP)


def test_the_grid_edge_blocks_like_a_wall():
    env = GridWorld()
    env.reset(options={"start": (0, 0)})
    for action in (UP, LEFT):
        observation, reward, terminated, _, _ = env.step(action)
        assert position(env, observation) == (0, 0) and reward == -1.0 and not terminated
    assert env.transition((4, 4), DOWN) == ((4, 4), -1.0, False)
    assert env.transition((2, 3), LEFT) == ((2, 2), -1.0, True)


def test_the_time_limit_truncates_and_does_not_terminate():
    env = GridWorld(max_steps=3, step_reward=-0.5)
    env.reset(options={"start": (4, 0)})
    flags = [env.step(DOWN)[1:4] for _ in range(3)]
    assert flags == [(-0.5, False, False), (-0.5, False, False), (-0.5, False, True)]
    # Reaching the goal on the last allowed step terminates; it is not a truncation.
    env.reset(options={"start": (2, 4)})
    env.step(RIGHT)  # into the edge: still (2, 4)
    env.step(LEFT)
    _, _, terminated, truncated, info = env.step(LEFT)
    assert info["steps"] == env.max_steps == 3
    assert terminated and not truncated


def test_reset_seeds_the_start_cells_like_gymnasium():
    env = GridWorld()

    def starts(seed, count=200):
        cells = [env.reset(seed=seed)[1]["position"]]
        return cells + [env.reset()[1]["position"] for _ in range(count - 1)]

    assert starts(3) == starts(3) != starts(4)
    # Uniform over the 17 start cells: all of them appear, the goal never.
    cells = starts(0, 3400)
    assert set(cells) == set(env.starts)
    counts = np.array([cells.count(cell) for cell in env.starts])
    assert counts.min() > 120 and counts.max() < 280  # expected 200 each


def test_custom_layout():
    env = GridWorld(["G.#", "..."], max_steps=10)
    assert (env.rows, env.columns, env.goal) == (2, 3, (0, 0))
    assert env.starts == [(0, 1), (1, 0), (1, 1), (1, 2)]
    assert env.transition((1, 2), UP) == ((1, 2), -1.0, False)  # the wall at (0, 2)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"layout": []}, "layout must be a non-empty"),
        ({"layout": ["..", "."]}, "same length"),
        ({"layout": ["..x", "..G"]}, "only"),
        ({"layout": ["...", "..."]}, "exactly one 'G'"),
        ({"layout": ["G.", ".G"]}, "exactly one 'G'"),
        ({"layout": ["G#"]}, "free cell"),
        ({"max_steps": 0}, "max_steps"),
        ({"step_reward": float("nan")}, "step_reward"),
    ],
)
def test_bad_arguments_are_rejected(arguments, message):
    with pytest.raises(ValueError, match=message):
        GridWorld(**arguments)


def test_bad_actions_starts_and_seeds_are_rejected():
    env = GridWorld()
    env.reset(seed=0)
    for action in (4, -1, 1.0, True):
        with pytest.raises(ValueError, match="action"):
            env.step(action)
    with pytest.raises(ValueError, match="position"):
        env.transition((1, 1), UP)
    for start in ((1, 1), (2, 2), (9, 9)):
        with pytest.raises(ValueError, match="start"):
            env.reset(options={"start": start})
    with pytest.raises(ValueError, match="seed"):
        env.reset(seed=-1)


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_value_iteration_matches_the_shortest_paths(gamma):
    # Independent reference: with a cost of 1 per step, the optimal value of a cell d
    # steps from the goal is -(1 + gamma + ... + gamma^(d-1)), d from a breadth-first search.
    env = GridWorld()
    q_values = value_iteration(env, gamma)
    assert q_values.shape == (25, 4)
    distances = shortest_distances(env)
    assert distances[(2, 0)] == 10 and max(distances.values()) == 10
    for row, column in env.starts:
        distance = distances[(row, column)]
        best = q_values[row * env.columns + column].max()
        assert best == pytest.approx(-(1 - gamma**distance) / (1 - gamma), abs=1e-6)
    assert not q_values[env.goal[0] * env.columns + env.goal[1]].any()


def test_value_iteration_policy_walks_shortest_paths():
    env = GridWorld()
    q_values = value_iteration(env, 0.9)
    distances = shortest_distances(env)
    for start in env.starts:
        observation, _ = env.reset(options={"start": start})
        steps, done = 0, False
        while not done:
            action = int(np.argmax(q_values[np.argmax(observation)]))
            observation, _, terminated, truncated, _ = env.step(action)
            steps, done = steps + 1, terminated or truncated
        assert terminated and steps == distances[start], start


def test_value_iteration_rejects_bad_arguments():
    env = GridWorld()
    for gamma in (1.0, -0.1, "0.9"):
        with pytest.raises(ValueError, match="gamma"):
            value_iteration(env, gamma)
    with pytest.raises(ValueError, match="tolerance"):
        value_iteration(env, 0.9, tolerance=0)


def test_evaluate_policy_returns_one_return_per_episode():
    env = GridWorld()
    distances = shortest_distances(env)
    q_values = value_iteration(env, 0.9)

    def optimal(observation):
        return int(np.argmax(q_values[np.argmax(observation)]))

    returns = evaluate_policy(env, optimal, 30, seed=5)
    assert len(returns) == 30
    # The same seed gives the same start cells, hence the same optimal returns.
    starts = [env.reset(seed=5)[1]["position"]]
    starts += [env.reset()[1]["position"] for _ in range(29)]
    assert returns == [-float(distances[start]) for start in starts]
    # Going up never reaches this goal, so every episode is truncated after max_steps.
    stuck = GridWorld(["...", "..G"], max_steps=7)
    assert evaluate_policy(stuck, lambda observation: UP, 3) == [-7.0] * 3
    with pytest.raises(ValueError, match="num_episodes"):
        evaluate_policy(env, optimal, 0)
