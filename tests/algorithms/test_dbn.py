"""Claims of docs/algorithms/dbn.md, checked on what the build computed.

The page pre-trains two 64-unit RBMs on the digits and fine-tunes three (64, 64, 10) MLPs
on seeds 0, 1 and 2: the DBN, the same sigmoid network from random weights, and a ReLU
network from He-normal weights. Ranges seen on seeds 0-4 with the page's code:
reconstruction error 0.18 -> 0.035-0.036 (rbm_1) and 0.069-0.080 -> 0.008-0.010 (rbm_2);
held-out accuracy after epoch 1: DBN 0.490-0.619, random sigmoid 0.069-0.294 (DBN ahead
by 19.6-45.4 points), ReLU ahead of the DBN by 18.7-32.7 points; after epoch 20: DBN
0.940-0.962, DBN minus random sigmoid -0.4 to +0.7 points, ReLU ahead of the DBN by
1.8-2.7 points, and ahead of both sigmoid networks at every epoch (by at least 1.8
points); the random start is within a point of the DBN from epoch 7-11.
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.build
PAGE = "algorithms/dbn.md"
SESSION = "dbn"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["dbn"].count_params())}


def sigmoid(values):
    return 1 / (1 + np.exp(-values))


def test_two_rbms_of_64_units_are_pre_trained_on_every_seed(page):
    assert page["SEEDS"] == (0, 1, 2) and page["HIDDEN_UNITS"] == (64, 64)
    for seed in page["SEEDS"]:
        stack = page["stacks"][seed]
        assert [(rbm.num_visible, rbm.num_hidden) for rbm in stack] == [(64, 64), (64, 64)]
        train_x, test_x, train_y, test_y = page["splits"][seed]
        assert train_x.shape == (1348, 64) and test_x.shape == (449, 64)
        assert train_x.min() >= 0.0 and train_x.max() <= 1.0
        assert set(np.unique(train_y)) == set(range(10)) and test_y.shape == (449,)


def test_each_rbm_reconstructs_its_input_far_better_after_training(page):
    for seed in page["SEEDS"]:
        for history in page["pretraining"][seed]:
            assert len(history["train"]) == 21
            assert history["train"][-1] <= 0.3 * history["train"][0]  # seen: at most 20%
    assert max(page["ratios"]) <= 0.3
    # "The first one's hidden probabilities are easier to reconstruct than the pixels":
    # rbm_2 ends at 0.008-0.010, rbm_1 at 0.035-0.036.
    for seed in page["SEEDS"]:
        first, second = page["pretraining"][seed]
        assert second["train"][-1] <= 0.5 * first["train"][-1]


def test_the_second_rbm_was_trained_on_the_first_one_s_probabilities(page):
    # Recomputed in NumPy: rbm_2's last recorded error is its error on rbm_1's p(h | v).
    rbm_1, rbm_2 = page["stacks"][0]
    train_x = page["splits"][0][0]
    hidden = sigmoid(train_x @ np.asarray(rbm_1.weights_matrix) + np.asarray(rbm_1.hidden_bias))
    assert rbm_2.reconstruction_error(hidden) == pytest.approx(
        page["pretraining"][0][1]["train"][-1], rel=1e-4
    )


def test_the_classifier_s_hidden_layers_are_the_rbms(page):
    dbn = page["dbn"]
    assert [layer.name for layer in dbn.layers[1:]] == ["hidden_1", "hidden_2", "output"]
    assert page["largest_gap"] < 1e-6
    # By hand: two sigmoid layers with the RBMs' weights and hidden biases.
    hidden = page["images"]
    for rbm in page["stacks"][0]:
        hidden = sigmoid(hidden @ np.asarray(rbm.weights_matrix) + np.asarray(rbm.hidden_bias))
    np.testing.assert_allclose(page["second_layer"](page["images"]), hidden, atol=1e-5)


def test_all_three_networks_train_the_same_way(page):
    assert page["EPOCHS"] == 20
    assert list(page["curves"]) == [
        "DBN: sigmoid, pre-trained",
        "sigmoid, random start",
        "ReLU, random start (He)",
    ]
    for runs in page["curves"].values():
        assert [len(curve) for curve in runs] == [20, 20, 20]
    assert page["test_size"] == 449


def test_pre_training_gives_a_head_start(page):
    assert min(page["head_start"]) >= 0.1  # seen: 19.6-45.4 points


def test_the_random_start_catches_up(page):
    assert max(abs(page["final_gap"])) <= 0.03  # seen: -0.4 to +0.7 points
    assert page["digits_apart"] <= 13
    assert min(page["caught_up"]) >= 2 and max(page["caught_up"]) <= 16  # seen: epoch 7-11


def test_the_fine_tuned_dbn_classifies_most_held_out_digits(page):
    assert min(page["dbn_runs"][:, -1]) >= 0.92  # seen: 0.940-0.962


def test_relu_from_random_weights_leads_the_dbn(page):
    assert min(page["relu_lead_first"]) >= 0.1  # seen: 18.7-32.7 points
    assert min(page["relu_lead_last"]) >= 0.005  # seen: 1.8-2.7 points
    # "Ahead of both throughout": at every epoch, by at least 1.8 points on seeds 0-4.
    best_sigmoid = np.maximum(page["dbn_runs"], page["random_runs"])
    assert np.all(page["relu_runs"] >= best_sigmoid)


def test_the_models_were_really_trained_from_their_stated_starts(page):
    # The last models built (seed 2): the DBN's first layer moved away from the RBM's
    # weights during fine-tuning, and the ReLU network has ReLU hidden layers.
    dbn, random, relu = page["models"]
    rbm_weights = np.asarray(page["stacks"][2][0].weights_matrix)
    fine_tuned = dbn.get_layer("hidden_1").get_weights()[0]
    assert not np.allclose(fine_tuned, rbm_weights)
    # Fine-tuning adjusts the pre-trained features rather than replacing them.
    assert np.corrcoef(fine_tuned.ravel(), rbm_weights.ravel())[0, 1] > 0.5  # seen: 0.76
    assert random.get_layer("hidden_1").activation.__name__ == "sigmoid"
    assert [layer.activation.__name__ for layer in relu.layers[1:]] == ["relu", "relu", "softmax"]
