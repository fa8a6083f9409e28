"""Small synthetic data sets that the examples train on, generated in memory (no downloads)."""

import math

import numpy as np
from sklearn.datasets import load_digits


def _check_int(name: str, value: object, minimum: int) -> int:
    """Return `value` as an int, or raise ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _check_real(name: str, value: object, allow_zero: bool) -> float:
    """Return `value` as a float, or raise ValueError naming the argument."""
    bound = ">= 0" if allow_zero else "> 0"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not allow_zero)
    ):
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


def make_spirals(
    num_samples: int = 1000, noise: float = 0.05, turns: float = 1.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Generate two interleaved spirals, a balanced binary task no straight line can solve.

    Each class is a spiral arm winding `turns` times around the origin, the second arm
    rotated by half a turn. Points are spread uniformly over the area the arms sweep
    (the parameter along the arm is drawn as the square root of a uniform number), so the
    centre, where the arms are close and the task is hardest, is not over-sampled.

    Args:
        num_samples: Total number of points, an even int >= 2 (half per class).
        noise: Standard deviation of the Gaussian noise added to each coordinate, >= 0.
            The arms are about 1 / (2 * turns) apart, so noise near that blurs them.
        turns: How many times each arm winds around the origin, > 0.
        seed: Seed of the generator; the same seed gives the same points.

    Returns:
        A pair `(features, labels)`: `features` has shape (num_samples, 2) and
        `labels` shape (num_samples,), both float32, labels 0.0 or 1.0, rows shuffled.

    Raises:
        ValueError: If `num_samples` is not an even int >= 2, `noise` is negative or not
            finite, `turns` is not positive, or `seed` is not a non-negative int.
    """
    num_samples = _check_int("num_samples", num_samples, 2)
    if num_samples % 2:
        raise ValueError(f"num_samples must be even (half per class), got {num_samples}")
    noise = _check_real("noise", noise, allow_zero=True)
    turns = _check_real("turns", turns, allow_zero=False)
    seed = _check_int("seed", seed, 0)

    rng = np.random.default_rng(seed)
    per_class = num_samples // 2
    arms = []
    for label in (0, 1):
        # Position along the arm in [0, 1]; sqrt makes the density uniform per unit area.
        position = np.sqrt(rng.uniform(0.0, 1.0, size=per_class))
        angle = 2.0 * math.pi * turns * position + math.pi * label
        radius = position
        points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
        arms.append(points + rng.normal(0.0, noise, size=points.shape))  # (per_class, 2)
    features = np.concatenate(arms).astype(np.float32)  # (num_samples, 2)
    labels = np.repeat(np.array([0.0, 1.0], dtype=np.float32), per_class)  # (num_samples,)
    order = rng.permutation(num_samples)
    return features[order], labels[order]


def train_test_split(
    features: np.ndarray, labels: np.ndarray, test_fraction: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle rows and split them into a training part and a held-out test part.

    Args:
        features: Array of shape (num_samples, ...).
        labels: Array of shape (num_samples, ...), one label row per feature row.
        test_fraction: Share of rows held out, strictly between 0 and 1.
        seed: Seed of the shuffle.

    Returns:
        `(train_features, test_features, train_labels, test_labels)`, in the same order
        as scikit-learn's `train_test_split`. The test part has
        `round(num_samples * test_fraction)` rows (at least one, at most num_samples - 1).

    Raises:
        ValueError: If `features` and `labels` have different numbers of rows, there are
            fewer than 2 rows, `test_fraction` is not in (0, 1), or `seed` is invalid.
    """
    features = np.asarray(features)
    labels = np.asarray(labels)
    if features.ndim == 0 or labels.ndim == 0 or len(features) != len(labels):
        raise ValueError(
            "features and labels must have the same number of rows, got shapes "
            f"{features.shape} and {labels.shape}"
        )
    if len(features) < 2:
        raise ValueError(f"features must have at least 2 rows to split, got {len(features)}")
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, int | float | np.floating)
        or not 0.0 < test_fraction < 1.0
    ):
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {test_fraction!r}")
    seed = _check_int("seed", seed, 0)

    num_samples = len(features)
    num_test = min(max(round(num_samples * test_fraction), 1), num_samples - 1)
    order = np.random.default_rng(seed).permutation(num_samples)
    test_rows, train_rows = order[:num_test], order[num_test:]
    return features[train_rows], features[test_rows], labels[train_rows], labels[test_rows]


def load_digits_split(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load the 8x8 digits as flat pixel vectors in [0, 1] and hold out a quarter.

    Args:
        seed: Seed of the split.

    Returns:
        `(train_x, test_x, train_y, test_y)`: float32 features of shape (num, 64) and
        integer labels 0-9 of shape (num,); 1,348 training and 449 test images.
    """
    digits = load_digits()
    features = (digits.data / 16.0).astype(np.float32)  # (1797, 64); pixels are 0..16
    labels = digits.target.astype(np.int32)  # (1797,)
    return train_test_split(features, labels, test_fraction=0.25, seed=seed)
