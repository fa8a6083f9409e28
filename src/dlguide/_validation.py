"""Argument checks shared by the public functions: each raises ValueError naming the argument."""

from collections.abc import Iterable

import numpy as np


def positive_int(name: str, value: object) -> int:
    """Return `value` as an int, or raise ValueError unless it is an int > 0 (bool rejected)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def positive_number(name: str, value: object) -> float:
    """Return `value` as a float, or raise ValueError unless it is a number > 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def seed_list(seeds: Iterable[int]) -> tuple[int, ...]:
    """Return `seeds` as a tuple, or raise ValueError unless it is non-negative ints."""
    values = tuple(seeds) if not isinstance(seeds, str | bytes) else ()
    if not values or any(
        isinstance(seed, bool) or not isinstance(seed, int) or seed < 0 for seed in values
    ):
        raise ValueError(f"seeds must be a non-empty sequence of non-negative ints, got {values!r}")
    return values
