"""A seeded sequence task that needs a long memory: recall a marked token many steps later.

Each sequence is `length` random tokens, one-hot encoded, with one extra input channel
that marks a single step in the first half. After reading the whole sequence the model
must name the marked token. Everything after the mark is a distractor, so the answer is
at least `length // 2` steps in the past when the model has to give it, and a recurrent
network can only succeed if what it stored at the mark survives that many updates of
its state, and if its training gradient survives the same trip backwards.
"""

import numpy as np

from dlguide._validation import positive_int


def make_marked_recall(
    num_samples: int, length: int, num_symbols: int = 4, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw sequences of random tokens with one marked step, and the marked token.

    Every token is uniform over `0 .. num_symbols - 1`, independently of the others, so
    guessing is right `1 / num_symbols` of the time. The marked step is uniform over the
    first half, steps `0 .. length // 2 - 1`; the mark's channel is 0 everywhere else.

    Args:
        num_samples: Number of sequences, a positive int.
        length: Steps per sequence, an int >= 2 (the first half must hold a step).
        num_symbols: Size of the token alphabet, an int >= 2.
        seed: Seed of the generator, a non-negative int; the same seed gives the same
            sequences.

    Returns:
        A pair `(inputs, targets)`. `inputs` has shape
        (num_samples, length, num_symbols + 1), float32: channels `0 .. num_symbols - 1`
        hold the one-hot token of each step and the last channel the mark. `targets`
        has shape (num_samples,), int32: the token at the marked step.

    Raises:
        ValueError: If `num_samples` is not a positive int, `length` is not an int >= 2,
            `num_symbols` is not an int >= 2, or `seed` is not a non-negative int.
    """
    num_samples = positive_int("num_samples", num_samples)
    length = positive_int("length", length)
    if length < 2:
        raise ValueError(f"length must be at least 2 (the mark is in the first half), got {length}")
    num_symbols = positive_int("num_symbols", num_symbols)
    if num_symbols < 2:
        raise ValueError(f"num_symbols must be at least 2, got {num_symbols}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")

    rng = np.random.default_rng(int(seed))
    tokens = rng.integers(0, num_symbols, size=(num_samples, length))  # (batch, time)
    marked_steps = rng.integers(0, length // 2, size=num_samples)  # (batch,)
    rows = np.arange(num_samples)
    inputs = np.zeros((num_samples, length, num_symbols + 1), dtype=np.float32)
    inputs[rows[:, None], np.arange(length)[None, :], tokens] = 1.0  # one-hot tokens
    inputs[rows, marked_steps, num_symbols] = 1.0  # the mark, in the last channel
    targets = tokens[rows, marked_steps].astype(np.int32)
    return inputs, targets


def marked_steps(inputs: np.ndarray) -> np.ndarray:
    """Return the marked step of each sequence made by `make_marked_recall`.

    Args:
        inputs: Array of shape (num_samples, length, num_symbols + 1) whose last channel
            is 1 at exactly one step of every sequence.

    Returns:
        Int array of shape (num_samples,), the index of each sequence's marked step.

    Raises:
        ValueError: If `inputs` is not 3-D, or a sequence has no mark or more than one.
    """
    inputs = np.asarray(inputs)
    if inputs.ndim != 3:
        raise ValueError(
            f"inputs must have shape (num_samples, length, channels), got shape {inputs.shape}"
        )
    marks = inputs[:, :, -1]  # (batch, time)
    counts = np.count_nonzero(marks, axis=1)
    if np.any(counts != 1):
        raise ValueError(
            f"inputs must mark exactly one step per sequence in the last channel, found "
            f"{sorted(set(counts.tolist()))} marks"
        )
    return np.argmax(marks, axis=1)
