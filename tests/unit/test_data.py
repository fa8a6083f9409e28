import numpy as np
import pytest

from dlguide.data import load_digits_split, make_spirals, train_test_split


def test_spirals_shapes_dtypes_and_balance():
    features, labels = make_spirals(200, noise=0.1, seed=0)
    assert features.shape == (200, 2) and features.dtype == np.float32
    assert labels.shape == (200,) and labels.dtype == np.float32
    assert set(np.unique(labels)) == {0.0, 1.0}
    assert labels.sum() == 100


def test_spirals_without_noise_lie_in_the_unit_disc_on_opposite_arms():
    features, labels = make_spirals(400, noise=0.0, seed=3)
    radius = np.linalg.norm(features, axis=1)
    assert radius.max() <= 1.0 + 1e-6
    # One turn per arm: the arm-1 point at a given radius is the arm-0 point rotated by pi.
    angle = np.arctan2(features[:, 1], features[:, 0])
    expected = 2 * np.pi * radius + np.pi * labels
    difference = np.angle(np.exp(1j * (angle - expected)))
    np.testing.assert_allclose(difference, 0.0, atol=1e-4)


def test_spirals_are_reproducible_and_depend_on_the_seed():
    first, first_labels = make_spirals(50, seed=7)
    again, again_labels = make_spirals(50, seed=7)
    other, _ = make_spirals(50, seed=8)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first_labels, again_labels)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("arguments", "argument_name"),
    [
        ({"num_samples": 0}, "num_samples"),
        ({"num_samples": 11}, "num_samples"),
        ({"num_samples": 10.0}, "num_samples"),
        ({"num_samples": True}, "num_samples"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "0.1"}, "noise"),
        ({"turns": 0}, "turns"),
        ({"seed": -1}, "seed"),
    ],
)
def test_spirals_reject_bad_arguments_by_name(arguments, argument_name):
    with pytest.raises(ValueError, match=rf"^{argument_name} must"):
        make_spirals(**arguments)


def test_split_sizes_cover_every_row_once():
    features = np.arange(20, dtype=np.float32).reshape(10, 2)
    labels = np.arange(10)
    train_x, test_x, train_y, test_y = train_test_split(features, labels, 0.3, seed=0)
    assert (len(train_x), len(test_x)) == (7, 3)
    assert sorted(np.concatenate([train_y, test_y]).tolist()) == list(range(10))
    # Rows stay paired with their labels.
    np.testing.assert_array_equal(train_x[:, 0], 2 * train_y)
    np.testing.assert_array_equal(test_x[:, 0], 2 * test_y)


@pytest.mark.parametrize(
    ("arguments", "argument_name"),
    [
        ({"labels": np.zeros(4)}, "features and labels"),
        ({"test_fraction": 0.0}, "test_fraction"),
        ({"test_fraction": 1.0}, "test_fraction"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_split_rejects_bad_arguments_by_name(arguments, argument_name):
    call = {"features": np.zeros((5, 2)), "labels": np.zeros(5), **arguments}
    with pytest.raises(ValueError, match=rf"^{argument_name} must"):
        train_test_split(**call)


def test_digits_split_holds_out_a_quarter_of_the_1797_images():
    train_x, test_x, train_y, test_y = load_digits_split(0)
    assert train_x.shape == (1348, 64) and test_x.shape == (449, 64)
    assert train_x.dtype == np.float32 and train_x.min() >= 0.0 and train_x.max() <= 1.0
    assert set(np.unique(np.concatenate([train_y, test_y]))) == set(range(10))
