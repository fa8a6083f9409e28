import itertools
from collections import Counter, defaultdict

import numpy as np
import pytest

from dlguide import token_tasks


@pytest.mark.parametrize("make", [token_tasks.make_reversal, token_tasks.make_sorting])
def test_tokens_are_seeded_uniform_digits(make):
    tokens, targets = make(2000, length=6, vocab_size=10, seed=3)
    assert tokens.shape == targets.shape == (2000, 6)
    assert tokens.dtype == targets.dtype == np.int32
    assert tokens.min() == 0 and tokens.max() == 9
    # Uniform: each digit close to a tenth of the 12,000 tokens.
    counts = np.bincount(tokens.ravel(), minlength=10) / tokens.size
    assert np.all(np.abs(counts - 0.1) < 0.015)
    again, _ = make(2000, length=6, vocab_size=10, seed=3)
    np.testing.assert_array_equal(tokens, again)
    other, _ = make(2000, length=6, vocab_size=10, seed=4)
    assert not np.array_equal(tokens, other)


def test_reversal_targets_are_the_mirrored_tokens():
    tokens, targets = token_tasks.make_reversal(50, length=7, vocab_size=5, seed=0)
    for row, target in zip(tokens, targets, strict=True):
        assert target.tolist() == list(reversed(row.tolist()))
    # The targets are a copy: changing them leaves the inputs alone.
    targets[0, 0] = 99
    assert tokens[0, -1] != 99


def test_sorting_targets_are_the_same_tokens_in_ascending_order():
    tokens, targets = token_tasks.make_sorting(50, length=9, vocab_size=4, seed=1)
    for row, target in zip(tokens, targets, strict=True):
        assert target.tolist() == sorted(row.tolist())
        assert Counter(target.tolist()) == Counter(row.tolist())


def test_both_tasks_draw_the_same_inputs_for_the_same_seed():
    reversal, _ = token_tasks.make_reversal(10, seed=7)
    sorting, _ = token_tasks.make_sorting(10, seed=7)
    np.testing.assert_array_equal(reversal, sorting)


def _brute_force_ceiling(length: int, vocab_size: int) -> float:
    """Best accuracy of any order-blind predictor, by enumerating every sequence.

    An order-blind (permutation-equivariant) predictor outputs g(token at i, multiset)
    at position i. For each (token, multiset) pair the best g is the mirror token that
    occurs most often over all sequences and positions with that pair.
    """
    votes = defaultdict(Counter)
    sequences = list(itertools.product(range(vocab_size), repeat=length))
    for sequence in sequences:
        multiset = tuple(sorted(sequence))
        for position, token in enumerate(sequence):
            votes[token, multiset][sequence[length - 1 - position]] += 1
    correct = sum(max(counter.values()) for counter in votes.values())
    return correct / (len(sequences) * length)


@pytest.mark.parametrize(("length", "vocab_size"), [(2, 2), (4, 3), (4, 4), (6, 3)])
def test_ceiling_equals_the_best_order_blind_predictor_over_all_sequences(length, vocab_size):
    every_sequence = np.array(list(itertools.product(range(vocab_size), repeat=length)))
    ceiling = token_tasks.reversal_ceiling_without_order(every_sequence)
    assert ceiling == pytest.approx(_brute_force_ceiling(length, vocab_size), abs=1e-12)


def test_ceiling_of_two_tokens_is_one():
    # With two positions the mirror is the other token, which the multiset gives away.
    assert token_tasks.reversal_ceiling_without_order([[3, 5], [1, 1]]) == 1.0


def test_ceiling_by_hand():
    # Row 0 0 1 2: for a 0 the other three are {0, 1, 2} (best count 1); for the 1,
    # {0, 0, 2} (count 2); for the 2, {0, 0, 1} (count 2). (1 + 1 + 2 + 2) / (4 * 3).
    assert token_tasks.reversal_ceiling_without_order([[0, 0, 1, 2]]) == pytest.approx(0.5)


@pytest.mark.parametrize("make", [token_tasks.make_reversal, token_tasks.make_sorting])
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_samples": 0}, r"^num_samples must be a positive int"),
        ({"num_samples": 2.0}, r"^num_samples must be a positive int"),
        ({"length": -1}, r"^length must be a positive int"),
        ({"vocab_size": 1}, r"^vocab_size must be at least 2"),
        ({"vocab_size": True}, r"^vocab_size must be a positive int"),
        ({"seed": -1}, r"^seed must be a non-negative int"),
        ({"seed": 1.5}, r"^seed must be a non-negative int"),
    ],
)
def test_generators_reject_bad_arguments(make, kwargs, message):
    arguments = {"num_samples": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        make(**arguments)


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ([1, 2, 3, 4], r"^tokens must be a non-empty 2-D integer array"),
        (np.zeros((0, 4), dtype=int), r"^tokens must be a non-empty 2-D integer array"),
        ([[0.5, 1.0]], r"^tokens must be a non-empty 2-D integer array"),
        ([[1, 2, 3]], r"^tokens must have an even length"),
    ],
)
def test_ceiling_rejects_bad_tokens(tokens, message):
    with pytest.raises(ValueError, match=message):
        token_tasks.reversal_ceiling_without_order(tokens)
