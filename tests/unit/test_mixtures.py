import math

import numpy as np
import pytest
import scipy.stats

from dlguide import mixtures


def test_ring_centers_are_evenly_spaced_on_the_circle():
    centers = mixtures.ring_centers(8, radius=2.0)
    assert centers.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2.0)
    np.testing.assert_allclose(centers[0], [2.0, 0.0])
    np.testing.assert_allclose(centers[2], [0.0, 2.0], atol=1e-12)
    # Neighbours are one chord apart: 2 r sin(pi / 8).
    gaps = np.linalg.norm(centers - np.roll(centers, 1, axis=0), axis=1)
    np.testing.assert_allclose(gaps, 2 * 2.0 * math.sin(math.pi / 8))


def test_samples_are_seeded_and_drawn_around_their_modes():
    samples, modes = mixtures.ring_of_gaussians(40_000, num_modes=8, std=0.1, seed=3)
    again, _ = mixtures.ring_of_gaussians(40_000, num_modes=8, std=0.1, seed=3)
    other, _ = mixtures.ring_of_gaussians(40_000, num_modes=8, std=0.1, seed=4)
    assert samples.shape == (40_000, 2) and samples.dtype == np.float32
    assert modes.shape == (40_000,) and set(np.unique(modes)) == set(range(8))
    np.testing.assert_array_equal(samples, again)
    assert not np.array_equal(samples, other)
    # Equal weights: each mode holds 1/8 of the samples, up to sampling noise (sd 0.0017).
    np.testing.assert_allclose(np.bincount(modes) / len(modes), 1 / 8, atol=0.01)
    centers = mixtures.ring_centers(8)
    offsets = samples - centers[modes]  # (n, 2)
    np.testing.assert_allclose(offsets.mean(axis=0), 0.0, atol=0.005)
    np.testing.assert_allclose(offsets.std(axis=0), 0.1, rtol=0.02)


def brute_force_coverage(samples, centers, std, min_samples):
    """Score samples one by one with plain Python loops."""
    counts = [0] * len(centers)
    close_total = 0
    for x, y in samples.tolist():
        distances = [math.hypot(x - cx, y - cy) for cx, cy in centers.tolist()]
        nearest = min(range(len(centers)), key=distances.__getitem__)
        if distances[nearest] <= 3 * std:
            counts[nearest] += 1
            close_total += 1
    covered = sum(count >= min_samples for count in counts)
    return counts, covered, close_total / len(samples)


def test_coverage_matches_a_brute_force_count():
    rng = np.random.default_rng(0)
    centers = mixtures.ring_centers(8)
    # Half the points near three of the modes, half spread over the plane.
    near = centers[rng.choice([0, 3, 5], size=300)] + 0.08 * rng.standard_normal((300, 2))
    far = rng.uniform(-3, 3, size=(300, 2))
    samples = np.concatenate([near, far])
    coverage = mixtures.mode_coverage(samples, centers, std=0.05, min_samples=20)
    counts, covered, fraction = brute_force_coverage(samples, centers, 0.05, 20)
    assert coverage.counts.tolist() == counts
    assert coverage.modes_covered == covered == 3
    assert coverage.high_quality_fraction == pytest.approx(fraction)


def test_target_samples_are_within_three_sigma_at_the_closed_form_rate():
    # For a 2-D isotropic Gaussian, |x - mu| / sigma follows a Rayleigh law:
    # P(|x - mu| <= 3 sigma) = 1 - exp(-9 / 2) = 0.98889.
    samples, _ = mixtures.ring_of_gaussians(50_000, std=0.05, seed=1)
    coverage = mixtures.mode_coverage(samples, mixtures.ring_centers(8), std=0.05)
    expected = 1 - math.exp(-4.5)
    # Sampling sd is sqrt(p (1 - p) / n) = 0.00047; allow about 6 of them.
    assert coverage.high_quality_fraction == pytest.approx(expected, abs=0.003)
    assert coverage.modes_covered == 8


def test_a_mode_needs_min_samples_to_count_as_covered():
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    samples = np.array([[0.0, 0.0]] * 5 + [[10.0, 0.0]] * 4 + [[5.0, 5.0]])
    coverage = mixtures.mode_coverage(samples, centers, std=1.0, min_samples=5)
    assert coverage.counts.tolist() == [5, 4]
    assert coverage.modes_covered == 1
    assert coverage.high_quality_fraction == pytest.approx(0.9)


def brute_force_energy_distance(first, second):
    """Average every pairwise distance with Python loops (V-statistic, self-pairs kept)."""

    def mean_distance(a, b):
        return sum(math.dist(p, q) for p in a for q in b) / (len(a) * len(b))

    first, second = first.tolist(), second.tolist()
    squared = (
        2 * mean_distance(first, second)
        - mean_distance(first, first)
        - mean_distance(second, second)
    )
    return math.sqrt(squared)


def test_energy_distance_matches_brute_force_in_two_dimensions():
    rng = np.random.default_rng(1)
    first = rng.normal(size=(37, 2))
    second = rng.normal(loc=(0.5, -1.0), scale=(1.0, 2.0), size=(23, 2))
    expected = brute_force_energy_distance(first, second)
    assert mixtures.energy_distance(first, second) == pytest.approx(expected, rel=1e-10)
    assert mixtures.energy_distance(second, first) == pytest.approx(expected, rel=1e-10)


def test_energy_distance_uses_blocks_without_changing_the_result():
    # More rows than one block of 1,024, so the blocked sum is exercised; scipy's 1-D
    # formula (through the empirical distribution functions) is the reference.
    rng = np.random.default_rng(2)
    first = rng.normal(size=(1500, 1))
    second = rng.normal(size=(40, 1)) + 1.0
    expected = scipy.stats.energy_distance(first[:, 0], second[:, 0])
    assert mixtures.energy_distance(first, second) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_energy_distance_equals_scipy_in_one_dimension(seed):
    rng = np.random.default_rng(seed)
    first = rng.normal(size=50)
    second = rng.exponential(size=31)
    expected = scipy.stats.energy_distance(first, second)
    actual = mixtures.energy_distance(first[:, None], second[:, None])
    assert actual == pytest.approx(expected, rel=1e-9)


def test_energy_distance_of_two_point_masses_has_a_closed_form():
    # X always at a, Y always at b: 2|a - b| - 0 - 0, so the distance is sqrt(2 |a - b|).
    first = np.tile([1.0, 2.0], (5, 1))
    second = np.tile([4.0, 6.0], (3, 1))
    assert mixtures.energy_distance(first, second) == pytest.approx(math.sqrt(2 * 5.0))
    assert mixtures.energy_distance(first, first) == 0.0


def test_energy_distance_shrinks_towards_zero_for_two_samples_of_one_distribution():
    near, _ = mixtures.ring_of_gaussians(2000, seed=0)
    same, _ = mixtures.ring_of_gaussians(2000, seed=1)
    shifted = same + np.float32(0.5)
    assert mixtures.energy_distance(near, same) < 0.1
    assert mixtures.energy_distance(near, shifted) > 3 * mixtures.energy_distance(near, same)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mixtures.ring_centers(0), r"^num_modes must be a positive int"),
        (lambda: mixtures.ring_centers(8, radius=-1.0), r"^radius must be a positive number"),
        (lambda: mixtures.ring_of_gaussians(0), r"^num_samples must be a positive int"),
        (lambda: mixtures.ring_of_gaussians(10, std=0), r"^std must be a positive number"),
        (lambda: mixtures.ring_of_gaussians(10, seed=-1), r"^seed must be a non-negative int"),
        (lambda: mixtures.ring_of_gaussians(10, seed=True), r"^seed must be a non-negative int"),
        (
            lambda: mixtures.mode_coverage(np.zeros(4), np.zeros((2, 2)), 1.0),
            r"^samples must be a non-empty 2-D array",
        ),
        (
            lambda: mixtures.mode_coverage(np.zeros((4, 2)), np.zeros((0, 2)), 1.0),
            r"^centers must be a non-empty 2-D array",
        ),
        (
            lambda: mixtures.mode_coverage(np.zeros((4, 3)), np.zeros((2, 2)), 1.0),
            r"^samples and centers must have the same number of columns",
        ),
        (
            lambda: mixtures.mode_coverage(np.zeros((4, 2)), np.zeros((2, 2)), 0.0),
            r"^std must be a positive number",
        ),
        (
            lambda: mixtures.mode_coverage(np.zeros((4, 2)), np.zeros((2, 2)), 1.0, 0),
            r"^min_samples must be a positive int",
        ),
        (
            lambda: mixtures.energy_distance([[np.nan, 0.0]], [[0.0, 0.0]]),
            r"^first must hold finite numbers only",
        ),
        (
            lambda: mixtures.energy_distance(np.zeros((3, 2)), np.zeros((3, 1))),
            r"^first and second must have the same number of columns",
        ),
        (
            lambda: mixtures.energy_distance(np.zeros((3, 2)), np.zeros((0, 2))),
            r"^second must be a non-empty 2-D array",
        ),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call, message):
    with pytest.raises(ValueError, match=message):
        call()
