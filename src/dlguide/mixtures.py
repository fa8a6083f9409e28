"""A 2-D mixture of Gaussians on a ring, and measures of how well samples match it.

The ring of Gaussians is the standard toy target for generative adversarial networks: its
modes are far apart, so a generator that drops some of them (mode collapse) is easy to see
and to count. `ring_of_gaussians` draws samples; `mode_coverage` counts the modes a set of
samples reaches and the share of samples close to a mode; `energy_distance` measures how
far two sets of samples are from coming from the same distribution.
"""

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.spatial.distance import cdist

from dlguide._validation import positive_int, positive_number


class Coverage(NamedTuple):
    """How a set of 2-D samples covers the modes of a ring of Gaussians.

    Attributes:
        counts: High-quality samples per mode, shape (num_modes,): samples whose nearest
            mode is that one and which lie within `3 * std` of it.
        modes_covered: Modes with at least `min_samples` high-quality samples.
        high_quality_fraction: Share of all samples within `3 * std` of their nearest mode.
    """

    counts: np.ndarray
    modes_covered: int
    high_quality_fraction: float


def ring_centers(num_modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """Return the centres of `num_modes` modes spaced evenly on a circle.

    Args:
        num_modes: Number of modes, a positive int.
        radius: Radius of the circle, a positive number.

    Returns:
        A float64 array of shape (num_modes, 2); mode `k` sits at angle `2 pi k / num_modes`.

    Raises:
        ValueError: If `num_modes` is not a positive int or `radius` is not positive.
    """
    num_modes = positive_int("num_modes", num_modes)
    radius = positive_number("radius", radius)
    angles = 2 * math.pi * np.arange(num_modes) / num_modes  # (num_modes,)
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (num_modes, 2)


def ring_of_gaussians(
    num_samples: int,
    num_modes: int = 8,
    radius: float = 2.0,
    std: float = 0.05,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw samples from an equal-weight mixture of isotropic Gaussians on a ring.

    Args:
        num_samples: Number of samples, a positive int.
        num_modes: Number of modes, a positive int.
        radius: Radius of the ring the mode centres sit on, a positive number.
        std: Standard deviation of each Gaussian along each axis, a positive number.
        seed: Seed of the NumPy generator, a non-negative int; the same seed gives the
            same samples.

    Returns:
        A pair `(samples, modes)`: float32 samples of shape (num_samples, 2) and the int
        index of the mode each one was drawn from, shape (num_samples,).

    Raises:
        ValueError: If `num_samples` or `num_modes` is not a positive int, `radius` or
            `std` is not positive, or `seed` is not a non-negative int.
    """
    num_samples = positive_int("num_samples", num_samples)
    std = positive_number("std", std)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    centers = ring_centers(num_modes, radius)  # (num_modes, 2)
    rng = np.random.default_rng(int(seed))
    modes = rng.integers(len(centers), size=num_samples)  # (num_samples,)
    samples = centers[modes] + std * rng.standard_normal((num_samples, 2))
    return samples.astype(np.float32), modes


def _as_points(name: str, values: ArrayLike) -> np.ndarray:
    """Return `values` as a float64 (n, d) array with n >= 1, or raise ValueError."""
    points = np.asarray(values, dtype=np.float64)
    if points.ndim != 2 or len(points) == 0 or points.shape[1] == 0:
        raise ValueError(
            f"{name} must be a non-empty 2-D array of shape (num_samples, dims), "
            f"got shape {points.shape}"
        )
    if not np.all(np.isfinite(points)):
        raise ValueError(f"{name} must hold finite numbers only")
    return points


def mode_coverage(
    samples: ArrayLike, centers: ArrayLike, std: float, min_samples: int = 20
) -> Coverage:
    """Count the modes a set of samples covers and the share of samples near a mode.

    A sample is of high quality when it lies within three standard deviations of its
    nearest mode centre (as in the VEEGAN paper), and a mode is covered when at least
    `min_samples` high-quality samples fall on it (VEEGAN counts a mode with one). For
    samples of the target itself, a 2-D Gaussian puts `1 - exp(-9 / 2)`, about 98.9%, of
    its mass within three standard deviations of its centre.

    Args:
        samples: Points to score, shape (num_samples, 2).
        centers: Mode centres, shape (num_modes, 2).
        std: Standard deviation of each mode, a positive number.
        min_samples: High-quality samples a mode needs to count as covered, a positive int.

    Returns:
        A `Coverage` with the per-mode counts, the number of modes covered and the
        high-quality fraction.

    Raises:
        ValueError: If `samples` or `centers` is not a non-empty finite 2-D array, their
            numbers of columns differ, `std` is not positive, or `min_samples` is not a
            positive int.
    """
    points = _as_points("samples", samples)
    modes = _as_points("centers", centers)
    if points.shape[1] != modes.shape[1]:
        raise ValueError(
            f"samples and centers must have the same number of columns, got "
            f"{points.shape[1]} and {modes.shape[1]}"
        )
    std = positive_number("std", std)
    min_samples = positive_int("min_samples", min_samples)
    # (num_samples, num_modes): the distance from every sample to every centre.
    distances = np.linalg.norm(points[:, None, :] - modes[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)  # (num_samples,)
    close = distances[np.arange(len(points)), nearest] <= 3 * std  # (num_samples,)
    counts = np.bincount(nearest[close], minlength=len(modes))  # (num_modes,)
    return Coverage(
        counts=counts,
        modes_covered=int(np.sum(counts >= min_samples)),
        high_quality_fraction=float(np.mean(close)),
    )


def _mean_distance(first: np.ndarray, second: np.ndarray, block: int = 1024) -> float:
    """Return the mean Euclidean distance over all pairs (a in first, b in second)."""
    total = 0.0
    # Blocks of rows keep the (block, len(second)) distance matrix small in memory.
    for start in range(0, len(first), block):
        total += float(cdist(first[start : start + block], second).sum())  # (block, m)
    return total / (len(first) * len(second))


def energy_distance(first: ArrayLike, second: ArrayLike) -> float:
    """Return the energy distance between two samples, zero when they are identical.

    The energy distance of Szekely and Rizzo is the square root of
    `2 E|X - Y| - E|X - X'| - E|Y - Y'|`, with `X, X'` drawn from `first`, `Y, Y'` from
    `second`, and `|.|` the Euclidean norm. Each expectation is the mean over all pairs,
    pairs of a point with itself included (the V-statistic), which makes it
    non-negative and, in one dimension, equal to `scipy.stats.energy_distance`. Its
    square is zero in the population only when the two distributions are the same.

    Args:
        first: Samples of shape (n, dims).
        second: Samples of shape (m, dims), with the same `dims`.

    Returns:
        The energy distance, a float >= 0.

    Raises:
        ValueError: If either sample is not a non-empty finite 2-D array, or their
            numbers of columns differ.
    """
    x = _as_points("first", first)
    y = _as_points("second", second)
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"first and second must have the same number of columns, got "
            f"{x.shape[1]} and {y.shape[1]}"
        )
    squared = 2 * _mean_distance(x, y) - _mean_distance(x, x) - _mean_distance(y, y)
    return math.sqrt(max(squared, 0.0))  # rounding can leave a tiny negative number
