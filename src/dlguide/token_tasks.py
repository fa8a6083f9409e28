"""Seeded toy tasks on token sequences: reverse or sort a row of digits, position by position.

Each generator draws `num_samples` sequences of `length` tokens, every token uniform over
`0 .. vocab_size - 1` and independent of the others, and returns them with the sequence
the model should output at each position. The tasks are small enough to train a
transformer on a CPU in seconds, and each one needs a different kind of information:
reversal needs to know *where* each token sits, sorting needs to know *which* tokens are
present and how they compare.

`reversal_ceiling_without_order` answers a question the transformer page asks: how well
can a model that sees the tokens but not their order (self-attention without positional
information) do on reversal at best?
"""

from collections import Counter

import numpy as np
from numpy.typing import ArrayLike

from dlguide._validation import positive_int


def _random_tokens(num_samples: int, length: int, vocab_size: int, seed: int) -> np.ndarray:
    """Return `num_samples` rows of `length` uniform tokens, after checking the arguments."""
    num_samples = positive_int("num_samples", num_samples)
    length = positive_int("length", length)
    vocab_size = positive_int("vocab_size", vocab_size)
    if vocab_size < 2:
        raise ValueError(f"vocab_size must be at least 2, got {vocab_size}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    rng = np.random.default_rng(seed)
    return rng.integers(0, vocab_size, size=(num_samples, length), dtype=np.int32)


def make_reversal(
    num_samples: int, length: int = 8, vocab_size: int = 10, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw random token sequences and their reversals.

    The target at position `i` is the input token at position `length - 1 - i`.

    Args:
        num_samples: Number of sequences, a positive int.
        length: Tokens per sequence, a positive int.
        vocab_size: Number of distinct tokens, an int of at least 2 (10 for digits).
        seed: Seed of the NumPy generator, a non-negative int.

    Returns:
        `(tokens, targets)`, two int32 arrays of shape (num_samples, length).

    Raises:
        ValueError: If an argument is not of the kind described above.
    """
    tokens = _random_tokens(num_samples, length, vocab_size, seed)  # (num_samples, length)
    return tokens, tokens[:, ::-1].copy()


def make_sorting(
    num_samples: int, length: int = 8, vocab_size: int = 10, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Draw random token sequences and the same tokens sorted in ascending order.

    Args:
        num_samples: Number of sequences, a positive int.
        length: Tokens per sequence, a positive int.
        vocab_size: Number of distinct tokens, an int of at least 2 (10 for digits).
        seed: Seed of the NumPy generator, a non-negative int.

    Returns:
        `(tokens, targets)`, two int32 arrays of shape (num_samples, length).

    Raises:
        ValueError: If an argument is not of the kind described above.
    """
    tokens = _random_tokens(num_samples, length, vocab_size, seed)  # (num_samples, length)
    return tokens, np.sort(tokens, axis=1)


def reversal_ceiling_without_order(tokens: ArrayLike) -> float:
    """Return the best expected token accuracy on reversal for a model blind to order.

    A model that is equivariant to permutations of its input positions (self-attention
    and position-wise layers without positional information) computes the output at
    position `i` from the token at `i` and the multiset of all tokens, nothing else.
    With independent, uniform tokens every arrangement of that multiset is equally
    likely, so the token at the mirrored position is a uniform draw from the multiset
    with one copy of the token at `i` removed; the best guess is that draw's most
    frequent token, right with probability `(its count) / (length - 1)`. The result is
    the mean of that probability over every sample and position of `tokens`.

    Args:
        tokens: Integer tokens, array-like of shape (num_samples, length), with an even
            `length` of at least 2 (with an odd length the middle token is its own mirror
            and the bound above no longer applies).

    Returns:
        The ceiling, in (0, 1].

    Raises:
        ValueError: If `tokens` is not a non-empty 2-D integer array of even length.
    """
    array = np.asarray(tokens)
    if array.ndim != 2 or array.size == 0 or array.dtype.kind not in "iu":
        raise ValueError(
            f"tokens must be a non-empty 2-D integer array, got shape {array.shape} "
            f"and dtype {array.dtype}"
        )
    length = array.shape[1]
    if length % 2 != 0:
        raise ValueError(f"tokens must have an even length of at least 2, got {length}")
    total = 0.0
    for row in array:
        counts = Counter(row.tolist())
        for token in row.tolist():
            counts[token] -= 1  # the mirrored token is drawn from the others
            total += max(counts.values()) / (length - 1)
            counts[token] += 1
    return total / array.size
