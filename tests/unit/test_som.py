"""Unit tests of dlguide.models.som against plain-loop references and hand-built maps."""

import math

import numpy as np
import pytest

from dlguide.models import som


def loop_best_matching_unit(prototypes, sample):
    """The nearest unit by a loop over units and features (the lower index wins ties)."""
    best, best_distance = -1, math.inf
    for unit, prototype in enumerate(prototypes):
        distance = sum((float(x) - float(w)) ** 2 for x, w in zip(sample, prototype, strict=True))
        if distance < best_distance:
            best, best_distance = unit, distance
    return best


def loop_update(prototypes, positions, sample, learning_rate, radius):
    """Kohonen's online rule, one unit and one feature at a time, in float64."""
    winner = loop_best_matching_unit(prototypes, sample)
    updated = np.array(prototypes, dtype=np.float64)
    for unit in range(len(prototypes)):
        grid_gap = sum((positions[unit][k] - positions[winner][k]) ** 2 for k in range(2))
        weight = learning_rate * math.exp(-grid_gap / (2 * radius**2))
        for feature in range(len(sample)):
            updated[unit, feature] += weight * (sample[feature] - updated[unit, feature])
    return updated


def random_map(rows=4, columns=6, features=5, seed=0):
    rng = np.random.default_rng(seed)
    return som.SelfOrganizingMap(rows, columns, rng.normal(size=(200, features)), seed=seed)


def test_the_grid_is_numbered_row_by_row():
    grid = som.SelfOrganizingMap(2, 3, np.zeros((4, 1)))
    assert grid.positions.tolist() == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
    assert grid.prototypes.shape == (6, 1) and grid.prototypes.dtype == np.float32


def test_prototypes_start_as_distinct_samples():
    samples = np.arange(300, dtype=np.float32).reshape(100, 3)
    grid = som.SelfOrganizingMap(5, 5, samples, seed=3)
    rows = {tuple(row) for row in samples.tolist()}
    assert all(tuple(prototype) in rows for prototype in grid.prototypes.tolist())
    assert len({tuple(prototype) for prototype in grid.prototypes.tolist()}) == 25
    again = som.SelfOrganizingMap(5, 5, samples, seed=3)
    np.testing.assert_array_equal(grid.prototypes, again.prototypes)
    # Fewer samples than units: drawn with replacement.
    assert som.SelfOrganizingMap(3, 3, samples[:2]).prototypes.shape == (9, 3)


def test_best_matching_units_match_a_plain_loop():
    grid = random_map()
    samples = np.random.default_rng(1).normal(size=(60, 5)).astype(np.float32)
    expected = [loop_best_matching_unit(grid.prototypes, sample) for sample in samples]
    assert grid.best_matching_units(samples).tolist() == expected


def test_one_update_matches_a_plain_loop():
    grid = random_map()
    sample = np.random.default_rng(2).normal(size=5)
    expected = loop_update(grid.prototypes, grid.positions, sample, 0.3, 1.5)
    grid.update(sample[None, :], learning_rates=[0.3], radii=[1.5])
    np.testing.assert_allclose(grid.prototypes, expected, rtol=0, atol=1e-6)


def test_a_batch_of_updates_is_the_rule_applied_in_order():
    grid = random_map(seed=4)
    rng = np.random.default_rng(5)
    samples = rng.normal(size=(30, 5)).astype(np.float32)
    rates = np.linspace(0.5, 0.05, 30)
    radii = np.linspace(3.0, 0.5, 30)
    expected = grid.prototypes
    for sample, rate, radius in zip(samples, rates, radii, strict=True):
        expected = loop_update(expected, grid.positions, sample, rate, radius)
    grid.update(samples, rates, radii)
    np.testing.assert_allclose(grid.prototypes, expected, rtol=0, atol=1e-5)


def test_a_full_pull_with_a_tiny_radius_copies_the_sample_into_the_winner_only():
    grid = random_map()
    before = grid.prototypes.copy()
    sample = before[7] + 0.01  # unit 7 is certainly the BMU
    grid.update(sample[None, :], [1.0], [0.05])
    np.testing.assert_allclose(grid.prototypes[7], sample, atol=1e-6)
    others = np.arange(len(before)) != 7
    np.testing.assert_array_equal(grid.prototypes[others], before[others])


def one_by_three(prototypes):
    """A 1x3 map (units 0, 1, 2 in a row) holding the given one-number prototypes."""
    grid = som.SelfOrganizingMap(1, 3, np.zeros((1, 1)))
    grid.prototypes = np.array(prototypes, dtype=np.float32).reshape(3, 1)
    return grid


def test_errors_on_a_hand_built_folded_map():
    # Units 0 and 2 are not neighbours, but their prototypes 0 and 1 are close: a fold.
    grid = one_by_three([0.0, 10.0, 1.0])
    samples = np.array([[0.2], [9.0], [1.4], [6.0]])
    # Nearest, second: 0.2 -> units 0, 2 (error); 9 -> 1, 2; 1.4 -> 2, 0 (error); 6 -> 1, 2.
    assert grid.best_matching_units(samples).tolist() == [0, 1, 2, 1]
    assert grid.quantization_error(samples) == pytest.approx((0.2 + 1.0 + 0.4 + 4.0) / 4)
    assert grid.topographic_error(samples) == pytest.approx(0.5)


def test_a_diagonal_second_best_counts_as_a_topographic_error():
    grid = som.SelfOrganizingMap(2, 2, np.zeros((1, 2)))
    # Units 0 at (0, 0) and 3 at (1, 1) are diagonal; 1 and 2 are far away in the data.
    grid.prototypes = np.array([[0, 0], [10, 10], [-10, 10], [1, 0]], dtype=np.float32)
    samples = np.array([[0.4, 0.0], [0.6, 0.0]])
    assert grid.topographic_error(samples) == 1.0
    assert grid.quantization_error(samples) == pytest.approx(0.4)
    grid.prototypes = np.array([[0, 0], [1, 0], [-10, 10], [10, 10]], dtype=np.float32)
    assert grid.topographic_error(samples) == 0.0  # now the second best shares an edge


def test_neighbour_distance_ratio_on_hand_built_maps():
    # Ordered 0, 1, 2: neighbours 1 apart; all ordered pairs 1, 2, 1, 1, 2, 1 (mean 4/3).
    assert one_by_three([0.0, 1.0, 2.0]).neighbour_distance_ratio() == pytest.approx(0.75)
    # Shuffled 0, 2, 1: neighbours 2 and 1 apart, mean 1.5.
    assert one_by_three([0.0, 2.0, 1.0]).neighbour_distance_ratio() == pytest.approx(1.125)


def test_the_schedule_decays_geometrically_from_first_to_last():
    schedule = som._schedule("radius", (8.0, 0.5), 5)
    np.testing.assert_allclose(schedule, [8.0, 4.0, 2.0, 1.0, 0.5], rtol=1e-6)
    assert som._schedule("radius", (2, 2), 1).tolist() == [2.0]


def test_train_records_both_errors_and_uses_the_default_radius():
    rng = np.random.default_rng(6)
    samples = rng.random((90, 3)).astype(np.float32)
    first, second = random_map(3, 4, 3, seed=7), random_map(3, 4, 3, seed=7)
    initial = (first.quantization_error(samples), first.topographic_error(samples))
    history = first.train(samples, 200, num_checkpoints=4, seed=1)
    assert history["step"] == [0, 50, 100, 150, 200]
    assert (history["quantization_error"][0], history["topographic_error"][0]) == initial
    assert history["quantization_error"][-1] == first.quantization_error(samples)
    assert history["topographic_error"][-1] == first.topographic_error(samples)
    # The default radius is (half the longer side, 0.5); the default rate (0.5, 0.01).
    second.train(samples, 200, (0.5, 0.01), (2.0, 0.5), num_checkpoints=4, seed=1)
    np.testing.assert_array_equal(first.prototypes, second.prototypes)


def test_training_orders_a_random_map():
    rng = np.random.default_rng(8)
    samples = rng.random((500, 2)).astype(np.float32)
    grid = som.SelfOrganizingMap(6, 6, samples, seed=8)
    before = grid.neighbour_distance_ratio()
    history = grid.train(samples, 3000, seed=8)
    assert before > 0.8 and grid.neighbour_distance_ratio() < 0.4
    assert history["topographic_error"][-1] < history["topographic_error"][0]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, 3, np.zeros((2, 2))), r"^rows must be a positive int"),
        ((3, "3", np.zeros((2, 2))), r"^columns must be a positive int"),
        ((1, 1, np.zeros((2, 2))), r"^rows and columns must make a grid of at least two"),
        ((2, 2, np.zeros(4)), r"^samples must be a non-empty, finite 2-D array"),
        ((2, 2, [[0.0, math.nan]]), r"^samples must be a non-empty, finite 2-D array"),
        ((2, 2, np.zeros((0, 3))), r"^samples must be a non-empty, finite 2-D array"),
    ],
)
def test_the_map_rejects_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        som.SelfOrganizingMap(*arguments)


@pytest.mark.parametrize("seed", [-1, True, 1.5])
def test_the_map_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match=r"^seed must be a non-negative int"):
        som.SelfOrganizingMap(2, 2, np.zeros((3, 1)), seed=seed)


DATA = np.zeros((9, 5))


@pytest.mark.parametrize(
    ("method", "arguments", "keywords", "message"),
    [
        ("update", (np.zeros((2, 4)), [0.1] * 2, [1.0] * 2), {}, r"^samples must have 5"),
        ("update", (np.zeros((2, 5)), [0.1], [1.0] * 2), {}, r"^learning_rates must hold"),
        ("update", (np.zeros((2, 5)), [0.1] * 2, [1.0, 0.0]), {}, r"^radii must hold"),
        ("train", (DATA, 0), {}, r"^num_steps must be a positive int"),
        ("train", (DATA, 5), {"num_checkpoints": 6}, r"^num_checkpoints must be at most"),
        ("train", (DATA, 20, (0.01, 0.5)), {}, r"^learning_rate must be \(first, last\)"),
        ("train", (DATA, 20), {"radius": "big"}, r"^radius must be \(first, last\)"),
        ("train", (DATA, 20), {"radius": (3, -1)}, r"^radius must be \(first, last\)"),
        ("train", (DATA, 20), {"evaluation": np.zeros((3, 2))}, r"^evaluation must have 5"),
        ("train", (DATA, 20), {"seed": -2}, r"^seed must be a non-negative int"),
        ("best_matching_units", (np.zeros((3, 2)),), {}, r"^samples must have 5 features"),
        ("quantization_error", ([1.0, 2.0],), {}, r"^samples must be a non-empty"),
        ("topographic_error", (np.full((2, 5), np.inf),), {}, r"^samples must be a non-empty"),
    ],
)
def test_methods_reject_bad_arguments(method, arguments, keywords, message):
    with pytest.raises(ValueError, match=message):
        getattr(random_map(), method)(*arguments, **keywords)


def test_replaced_prototypes_must_fit_the_grid():
    grid = random_map()
    grid.prototypes = grid.prototypes[:5]
    with pytest.raises(ValueError, match=r"^prototypes must hold one row per unit \(24\)"):
        grid.quantization_error(np.zeros((2, 5)))
    grid = one_by_three([1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"^prototypes must not all be equal"):
        grid.neighbour_distance_ratio()
