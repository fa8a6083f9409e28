"""The one seeding helper that every example on the site calls before it does anything random."""

import random

import numpy as np


def set_seed(seed: int) -> None:
    """Seed Python's `random`, NumPy and Keras/TensorFlow with one integer.

    Keras and TensorFlow are imported here rather than at module level so that
    `import dlguide` stays fast for code that never touches a model.

    Args:
        seed: A non-negative integer. The same seed gives the same initial weights,
            the same data and the same shuffling order on the same machine.

    Raises:
        ValueError: If `seed` is not a non-negative `int` (a `bool` is rejected too,
            because `True` silently meaning seed 1 hides mistakes).
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)

    import keras  # deferred: costs seconds, and only model code needs it

    # Seeds Python, NumPy and the backend's global generator (TensorFlow here) together.
    keras.utils.set_random_seed(seed)
