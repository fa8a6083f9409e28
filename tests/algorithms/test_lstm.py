"""Claims of docs/algorithms/lstm.md, checked on what the build computed.

The page trains an LSTM on the marked-recall task at T = 20 for 8 epochs on seeds 0, 1 and 2
(test_rnn.py asserts the SimpleRNN's result at that length), then measures the input
gradient and the forget gates of the LSTM before training (seed 0) and after (seed 2).
Ranges seen over seeds 0-4: LSTM held-out accuracy
0.996-1.000, first above 0.99 after 5-7 epochs. For the trained LSTM:
first-to-last input gradient ratio 5.4-93 (untrained 0.011-0.033), cell state kept by the
best unit from the mark to the end 0.21-0.59 (untrained 0.016-0.018).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from dlguide.sequences import make_marked_recall

pytestmark = pytest.mark.build
PAGE = "algorithms/lstm.md"
SESSION = "lstm"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["model"].count_params())}


def test_the_lstm_has_four_blocks_and_a_forget_bias_of_one(page):
    layer = page["model"].get_layer("recurrent")
    assert isinstance(layer, keras.layers.LSTM)
    assert page["kernel"].shape == (5, 4 * 32)
    assert page["recurrent_kernel"].shape == (32, 4 * 32)
    np.testing.assert_array_equal(page["bias"].reshape(4, 32).mean(axis=1), [0, 1, 0, 0])


def test_the_parameter_formula_matches_keras(page):
    assert [(n, u) for n, u, _, _ in page["counts"]] == [(5, 32), (1, 1), (10, 64), (128, 256)]
    for n, u, keras_count, formula in page["counts"]:
        assert keras_count == formula == 4 * u * (n + u + 1)
    assert page["model"].get_layer("recurrent").count_params() == 4_864


def test_the_numpy_equations_match_keras(page):
    assert page["largest_gap"] < 1e-5  # seen: 7.8e-8
    # The same function on other data, against the Keras layer once more.
    layer = page["model"].get_layer("recurrent")
    sequences, _ = make_marked_recall(4, length=7, seed=5)
    by_hand, forget = page["lstm_forward"](sequences, *layer.get_weights())
    np.testing.assert_allclose(by_hand, np.asarray(layer(sequences)), atol=1e-5)
    assert forget.shape == (4, 7, 32) and forget.min() > 0 and forget.max() < 1


def test_the_lstm_trains_like_the_simple_rnn_of_the_rnn_page(page):
    assert page["LENGTH"] == 20 and page["SEEDS"] == (0, 1, 2) and page["EPOCHS"] == 8
    layer = page["trainer"].model.get_layer("recurrent")
    assert isinstance(layer, keras.layers.LSTM) and layer.units == 32
    assert [len(curve) for curve in page["curves"]] == [8, 8, 8]
    assert page["test_x"].shape == (500, 20, 5)


def test_the_lstm_learns_the_marked_token_20_steps_back(page):
    assert min(page["final"]) >= 0.97  # seen: 0.996 to 1.000; chance is 0.25
    assert max(page["solved_at"]) <= 8  # seen: 5 to 7 epochs
    # It starts near chance: the task is not solved before training has done its work.
    assert max(curve[0] for curve in page["curves"]) <= 0.5


def test_training_lets_the_gradient_reach_the_early_steps(page):
    before, after = page["gradients"]["untrained"], page["gradients"]["trained"]
    assert before.shape == after.shape == (20,)
    assert before[0] / before[-1] < 0.1  # seen: 0.011 to 0.033
    assert after[0] / after[-1] > 2  # seen: 5.4 to 93
    # The untrained network's gradient falls steadily towards the first step.
    assert np.all(np.diff(before) > 0)


def test_training_opens_the_forget_gate_but_not_fully(page):
    retention = page["retention"]
    assert retention["untrained"] < 0.03  # seen: 0.016 to 0.018, about 0.73 ** 13
    assert 0.1 < retention["trained"] < 0.9  # seen: 0.21 to 0.59
    assert page["marks"].max() <= 9 and page["marks"].min() == 0
