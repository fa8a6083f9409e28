"""Claims of docs/algorithms/ann.md, checked on what the build computed.

The page trains logistic regression and an MLP on seeds 0, 1 and 2; these tests read the
page's session after the build and assert each claim for every seed, with margins taken
from seeds 0-4 (logistic regression 0.584-0.676, MLP 0.956-0.980 held-out accuracy).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

pytestmark = pytest.mark.build
PAGE = "algorithms/ann.md"
SESSION = "ann"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["mlp"].count_params())}


def test_the_mlp_has_three_hidden_relu_layers_of_32_units(page):
    dense = [layer for layer in page["mlp"].layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.units for layer in dense] == [32, 32, 32, 1]
    assert [layer.activation.__name__ for layer in dense] == ["relu"] * 3 + ["sigmoid"]


def test_the_parameter_count_follows_the_formula(page):
    # (n + 1) * m per layer: n * m weights and m biases.
    expected = (2 + 1) * 32 + 2 * (32 + 1) * 32 + (32 + 1) * 1
    assert expected == 2241
    assert page["mlp"].count_params() == expected
    for seed_models in page["trained"].values():
        assert seed_models["MLP"][0].count_params() == expected
        assert seed_models["logistic regression"][0].count_params() == 2 + 1


def test_the_numpy_forward_pass_matches_keras(page):
    assert page["by_hand"].shape == page["by_keras"].shape == (8, 1)
    assert page["largest_gap"] < 1e-5  # seen: 8.9e-8 (float32 rounding)


def test_a_quarter_of_1000_two_turn_spiral_points_is_held_out(page):
    assert list(page["splits"]) == [0, 1, 2]
    for train_x, test_x, _, test_y in page["splits"].values():
        assert train_x.shape == (750, 2) and test_x.shape == (250, 2)
        # Chance is 0.5: the held-out labels are close to balanced.
        assert 0.4 < float(np.mean(test_y)) < 0.6


def test_the_mlp_separates_the_spirals_and_logistic_regression_does_not(page):
    scores = page["test_accuracy"]
    assert list(scores) == ["logistic regression", "MLP"]
    assert min(scores["MLP"]) >= 0.93  # seen: 0.956-0.980 over seeds 0-4
    assert max(scores["logistic regression"]) <= 0.72  # seen: 0.584-0.676
    for line, network in zip(scores["logistic regression"], scores["MLP"], strict=True):
        assert network - line >= 0.25  # seen: at least 0.28


def test_no_straight_line_does_much_better_than_the_page_s(page):
    # Independent reference: scikit-learn's logistic regression, fitted to convergence,
    # is the best line for the log loss; the page's Keras unit is as good as it.
    keras_scores = page["test_accuracy"]["logistic regression"]
    splits = page["splits"].values()
    for keras_score, split in zip(keras_scores, splits, strict=True):
        train_x, test_x, train_y, test_y = split
        reference = LogisticRegression().fit(train_x, train_y).score(test_x, test_y)
        assert reference <= 0.72  # seen: 0.588-0.676
        assert abs(keras_score - reference) <= 0.03  # seen: at most 0.012


def test_the_logistic_regression_boundary_is_a_straight_line(page):
    # The page says the unit's output crosses 0.5 where w . x + b = 0.
    model = page["trained"][0]["logistic regression"][0]
    kernel, bias = model.layers[-1].get_weights()  # (2, 1), (1,)
    grid = np.random.default_rng(0).uniform(-1.2, 1.2, size=(2000, 2)).astype("float32")
    predicted = np.asarray(model(grid))[:, 0] > 0.5
    assert np.array_equal(predicted, (grid @ kernel + bias)[:, 0] > 0)


def test_the_figure_shows_seed_0_on_held_out_points(page):
    assert list(page["models"]) == ["logistic regression", "MLP"]
    np.testing.assert_array_equal(page["test_x"], page["splits"][0][1])
