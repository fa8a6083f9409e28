import numpy as np
import pytest

from dlguide.sequences import make_marked_recall, marked_steps


def test_shapes_dtypes_and_one_hot_tokens():
    inputs, targets = make_marked_recall(64, 12, num_symbols=5, seed=0)
    assert inputs.shape == (64, 12, 6) and inputs.dtype == np.float32
    assert targets.shape == (64,) and targets.dtype == np.int32
    assert set(np.unique(inputs)) == {0.0, 1.0}
    # Exactly one token per step, and exactly one mark per sequence.
    np.testing.assert_array_equal(inputs[:, :, :5].sum(axis=2), np.ones((64, 12)))
    np.testing.assert_array_equal(inputs[:, :, 5].sum(axis=1), np.ones(64))


def test_the_target_is_the_token_at_the_mark_in_the_first_half():
    inputs, targets = make_marked_recall(500, 9, num_symbols=3, seed=1)
    steps = marked_steps(inputs)
    assert steps.min() == 0 and steps.max() == 9 // 2 - 1  # every first-half step, no more
    tokens = inputs[:, :, :3].argmax(axis=2)  # (batch, time)
    np.testing.assert_array_equal(targets, tokens[np.arange(500), steps])


def test_tokens_and_marks_are_uniform():
    inputs, targets = make_marked_recall(20_000, 20, num_symbols=4, seed=2)
    # Each of 4 symbols a quarter of the time: guessing scores 0.25.
    np.testing.assert_allclose(np.bincount(targets) / 20_000, 0.25, atol=0.015)
    np.testing.assert_allclose(inputs[:, :, :4].mean(axis=(0, 1)), 0.25, atol=0.01)
    np.testing.assert_allclose(np.bincount(marked_steps(inputs)) / 20_000, 0.1, atol=0.01)


def test_the_shortest_sequences_mark_step_zero():
    inputs, _ = make_marked_recall(10, 2, num_symbols=2, seed=0)
    np.testing.assert_array_equal(marked_steps(inputs), np.zeros(10))


def test_reproducible_for_a_seed_and_different_across_seeds():
    first = make_marked_recall(32, 10, seed=7)
    again = make_marked_recall(32, 10, seed=7)
    other = make_marked_recall(32, 10, seed=8)
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"num_samples": 0}, r"^num_samples must be a positive int"),
        ({"num_samples": 8.0}, r"^num_samples must be a positive int"),
        ({"length": 1}, r"^length must be at least 2"),
        ({"length": True}, r"^length must be a positive int"),
        ({"num_symbols": 1}, r"^num_symbols must be at least 2"),
        ({"num_symbols": "4"}, r"^num_symbols must be a positive int"),
        ({"seed": -1}, r"^seed must be a non-negative int"),
        ({"seed": False}, r"^seed must be a non-negative int"),
    ],
)
def test_make_marked_recall_rejects_bad_arguments_by_name(arguments, message):
    call = {"num_samples": 8, "length": 10, **arguments}
    with pytest.raises(ValueError, match=message):
        make_marked_recall(**call)


def test_marked_steps_rejects_what_the_generator_cannot_make():
    with pytest.raises(ValueError, match=r"^inputs must have shape"):
        marked_steps(np.zeros((4, 5)))
    inputs, _ = make_marked_recall(4, 6, seed=0)
    inputs[2, -1, -1] = 1.0  # a second mark
    with pytest.raises(ValueError, match=r"^inputs must mark exactly one step"):
        marked_steps(inputs)
