"""Claims of docs/algorithms/dqn.md, checked on what the build computed.

The page trains a DQN on the 5x5 grid world on seeds 0, 1 and 2 and evaluates three
policies over 100 episodes each. Ranges seen on seeds 0-4 with the page's settings:
greedy DQN return -5.86 to -4.84, equal to the optimal return on every seed; random
policy -43.85 to -38.20; greedy minus random 33.4 to 38.0; largest |Q - Q*| over the
start cells 0.09 to 0.23; greedy action optimal in 17 of 17 cells; mean return of the
first ten training episodes -50.0 to -40.2, of the last ten -6.5 to -5.4 (0.04 to
0.64 below the optimal evaluation return).
"""

from __future__ import annotations

from collections import defaultdict, deque

import numpy as np
import pytest

from dlguide.envs import GridWorld

pytestmark = pytest.mark.build
PAGE = "algorithms/dqn.md"
SESSION = "dqn"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["network"].count_params())}


MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left


def move(layout, cell, action):
    """The cell an action leads to on a layout; walls and edges block."""
    row, column = cell[0] + MOVES[action][0], cell[1] + MOVES[action][1]
    inside = 0 <= row < len(layout) and 0 <= column < len(layout[0])
    return (row, column) if inside and layout[row][column] != "#" else cell


def distances_to_goal(layout, goal):
    """Breadth-first search from the goal: the shortest number of steps from each cell."""
    distances, queue = {goal: 0}, deque([goal])
    while queue:
        cell = queue.popleft()
        for action in range(4):
            neighbour = move(layout, cell, action)
            if neighbour not in distances:
                distances[neighbour] = distances[cell] + 1
                queue.append(neighbour)
    return distances


def random_walk_return(layout, goal, start, max_steps):
    """Exact expected return of the uniformly random policy: minus E[min(T, max_steps)]."""
    distribution, steps = {start: 1.0}, 0.0
    for _ in range(max_steps):
        steps += sum(distribution.values())  # P(a step is taken now) = P(T > t)
        following = defaultdict(float)
        for cell, probability in distribution.items():
            for action in range(4):
                neighbour = move(layout, cell, action)
                if neighbour != goal:
                    following[neighbour] += probability / 4
        distribution = following
    return -steps


def test_the_environment_is_the_one_the_page_describes(page):
    env = page["env"]
    assert (env.rows, env.columns, env.goal) == (5, 5, (2, 2))
    assert env.max_steps == 50 and env.step_reward == -1.0
    assert len(env.starts) == 17 and env.observation_size == 25 and env.num_actions == 4


def test_the_scripted_walk_bumps_then_reaches_the_goal_in_11_steps(page):
    walk = page["walk"]
    assert len(walk) == 11 and page["walk_return"] == -11.0
    assert walk[0][1:3] == ["right", (2, 0)]  # the bump leaves the agent in place
    assert [row[4] for row in walk] == [False] * 10 + [True]  # terminated
    assert not any(row[5] for row in walk)  # truncated
    assert walk[-1][2] == page["env"].goal


def test_the_exact_values_follow_the_shortest_paths(page):
    env, q_star, gamma = page["env"], page["q_star"], page["GAMMA"]
    assert gamma == page["config"].gamma == 0.9
    distances = distances_to_goal(env.layout, env.goal)
    assert page["distance"] == distances[(2, 0)] == 10
    for row, column in env.starts:
        expected = -(1 - gamma ** distances[(row, column)]) / (1 - gamma)
        assert q_star[row * env.columns + column].max() == pytest.approx(expected, abs=1e-6)
    assert page["closed_form"] == pytest.approx(-6.5132155, abs=1e-6)
    up, _, down, _ = q_star[2 * env.columns + 0]  # the page's tie at (2, 0)
    assert up == pytest.approx(down, abs=1e-9) and up == pytest.approx(page["closed_form"])


def test_the_bellman_targets_match_the_hand_computation(page):
    targets = page["targets"].numpy()
    rewards = page["rewards"].numpy()
    next_values = page["next_q_values"].numpy().max(axis=1)
    done = page["terminated"].numpy()
    np.testing.assert_allclose(targets, rewards + 0.9 * next_values * (1 - done), rtol=1e-6)
    np.testing.assert_allclose(targets, [-2.35, -1.0, -5.05], rtol=1e-6)
    assert done.tolist() == [0.0, 1.0, 0.0] and targets[1] == rewards[1]


def test_the_replay_buffer_wrapped_around_and_samples_uniformly(page):
    buffer = page["buffer"]
    assert buffer.capacity == len(buffer) == 4
    assert buffer.rewards.tolist() == [4.0, 5.0, 2.0, 3.0]
    assert page["kept"].tolist() == [2.0, 3.0, 4.0, 5.0]
    assert page["counts"].sum() == 8000
    # Binomial(8000, 1/4): a share outside 0.23-0.27 is more than 4 standard deviations off.
    assert 0.23 < page["shares"].min() <= page["shares"].max() < 0.27


def test_the_network_has_one_linear_output_per_action(page):
    # The correction: DQN needs a small discrete action set, one output per action.
    env, network = page["env"], page["network"]
    assert network.input_shape == (None, 25) and network.layers[1].units == 64
    assert network.layers[1].activation.__name__ == "relu"
    assert network.output_shape == (None, env.num_actions) == (None, 4)
    assert network.layers[-1].activation.__name__ == "linear"
    assert [layer.count_params() for layer in network.layers[1:]] == [1664, 260]
    for trained in page["networks"].values():
        assert trained.output_shape == (None, 4)
    assert page["schedule"] == pytest.approx({0: 1.0, 500: 0.525, 1000: 0.05, 1600: 0.05})


def test_the_settings_are_the_ones_the_page_states(page):
    config = page["config"]
    assert (config.total_steps, config.batch_size, config.buffer_capacity) == (1600, 128, 1000)
    assert (config.target_sync_steps, config.hidden_units, config.huber_delta) == (25, (64,), 1.0)
    assert (config.epsilon_start, config.epsilon_end, config.epsilon_decay_steps) == (
        1.0,
        0.05,
        1000,
    )
    assert config.buffer_capacity < config.total_steps  # so the buffer wraps around
    assert (config.gamma, config.train_every, config.warmup_steps) == (0.9, 2, 200)
    assert page["gradient_steps"] == 701
    for history in page["histories"].values():
        assert len(history["loss"]) == page["gradient_steps"]
        assert np.all(np.isfinite(history["loss"]))


def test_the_greedy_policy_clearly_beats_the_random_policy(page):
    assert page["SEEDS"] == (0, 1, 2) and page["EVALUATION_EPISODES"] == 100
    returns = page["returns"]
    for greedy, chance in zip(returns["DQN, greedy"], returns["random"], strict=True):
        assert greedy - chance >= 25  # seen on seeds 0-4: 33.4 to 38.0
        assert chance <= -30  # seen: -43.85 to -38.20
        assert greedy >= -8  # seen: -5.86 to -4.84
    assert min(page["leads"]) >= 25


def test_the_greedy_policy_matches_the_optimal_return(page):
    returns = page["returns"]
    for greedy, best in zip(returns["DQN, greedy"], returns["optimal"], strict=True):
        assert best >= greedy  # nothing beats the shortest paths
        assert best - greedy <= 0.5  # seen on seeds 0-4: 0 (equal) on every seed
    assert max(page["shortfalls"]) <= 0.5


def test_the_random_return_agrees_with_its_exact_expectation(page):
    # Independent reference: the exact expected return of a uniform random walk from
    # each of the same 100 start cells, computed by dynamic programming over time.
    layout, goal = page["env"].layout, page["env"].goal
    replay = GridWorld(layout)
    for seed, measured in zip(page["SEEDS"], page["returns"]["random"], strict=True):
        starts = [replay.reset(seed=seed)[1]["position"]]
        starts += [replay.reset()[1]["position"] for _ in range(99)]
        expected = np.mean([random_walk_return(layout, goal, start, 50) for start in starts])
        assert abs(measured - expected) <= 5, seed  # 100 episodes: standard error about 1.2


def test_the_greedy_policy_walks_shortest_paths_from_every_cell(page):
    # Independent check: follow each seed's network from every start cell on the map.
    env = page["env"]
    distances = distances_to_goal(env.layout, env.goal)
    for seed, network in page["networks"].items():
        extra_steps = 0
        for start in env.starts:
            cell, steps = start, 0
            while cell != env.goal and steps < env.max_steps:
                observation = np.zeros((1, env.observation_size), np.float32)
                observation[0, cell[0] * env.columns + cell[1]] = 1.0
                cell = move(env.layout, cell, int(np.argmax(network(observation))))
                steps += 1
            assert cell == env.goal, (seed, start)
            extra_steps += steps - distances[start]
        assert extra_steps <= 2, seed  # seen on seeds 0-4: 0


def test_the_learned_q_values_are_close_to_value_iteration(page):
    assert min(page["optimal_cells"]) >= 16  # seen on seeds 0-4: 17 of 17
    assert max(page["q_errors"]) <= 0.5  # seen: 0.09 to 0.23
    assert len(page["q_errors"]) == len(page["SEEDS"])


def test_the_learning_curve_climbs_from_random_to_near_optimal(page):
    assert page["WINDOW"] == 10
    optimal = page["returns"]["optimal"]
    for early, late, best in zip(page["early"], page["late"], optimal, strict=True):
        assert early <= -30  # seen on seeds 0-4: -50.0 to -40.2
        assert late >= -10  # seen: -6.5 to -5.4
        # Ten training episodes from other start cells: seen 0.04 to 0.64 below.
        assert abs(late - best) <= 2.5
    for history in page["histories"].values():
        ends = history["episode_end_step"]
        assert ends == sorted(ends) and ends[-1] <= 1600
        assert len(ends) >= 100  # seen: 138 to 186 training episodes
