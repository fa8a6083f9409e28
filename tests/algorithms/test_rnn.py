"""Claims of docs/algorithms/rnn.md, checked on what the build computed.

The page measures the input gradient of an untrained SimpleRNN and LSTM (seed 0) on
sequences of 40 steps, then trains the SimpleRNN on the marked-recall task at T = 5, 10, 20
and 40 for 8 epochs on seeds 0, 1 and 2. Ranges seen over seeds 0-4: held-out accuracy
1.000 at T = 5, 0.982-1.000 at T = 10, 0.250-0.356 at T = 20 and 0.212-0.270 at T = 40;
per-step gradient factor at initialization 0.866-0.877 (SimpleRNN) and 0.801-0.834 (LSTM),
mean tanh' 0.852-0.867.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from dlguide.models import recurrent
from dlguide.sequences import marked_steps

pytestmark = pytest.mark.build
PAGE = "algorithms/rnn.md"
SESSION = "rnn"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["model"].count_params())}


def test_the_simple_rnn_has_the_formula_s_parameters(page):
    layer = page["model"].get_layer("recurrent")
    assert isinstance(layer, keras.layers.SimpleRNN) and layer.units == 32
    assert layer.count_params() == 32 * (5 + 32 + 1) == 1_216 == page["formula"]
    kernel, _, bias = layer.get_weights()
    assert [w.shape for w in layer.get_weights()] == [(5, 32), (32, 32), (32,)]
    # Glorot-uniform W (within sqrt(6 / (fan_in + fan_out))) and a zero bias.
    assert np.abs(kernel).max() <= np.sqrt(6 / (5 + 32)) and kernel.std() > 0.1
    np.testing.assert_array_equal(bias, 0.0)


def test_the_numpy_recurrence_matches_keras(page):
    assert page["state"].shape == page["by_keras"].shape
    assert page["largest_gap"] < 1e-5  # seen: 2.8e-7 (float32 rounding)


def test_the_examples_mark_one_token_in_the_first_half(page):
    steps = marked_steps(page["examples"])
    assert steps.max() < 12 // 2
    tokens = page["examples"][:, :, :4].argmax(axis=2)
    np.testing.assert_array_equal(page["answers"], tokens[np.arange(3), steps])


def test_the_gradient_shrinks_by_a_constant_factor_per_step_back(page):
    for name, norms in page["gradients"].items():
        assert norms.shape == (40,)
        # Every input before the mark region's end receives less than every later one.
        assert norms[:20].max() < norms[20:].min(), name
        # A straight line on the log scale: the log-norm is almost linear in the step.
        steps = np.arange(40)
        fit = np.polyfit(steps, np.log(norms), 1)
        residual = np.log(norms) - np.polyval(fit, steps)
        assert np.max(np.abs(residual)) < 0.6, name
    simple, gated = page["gradients"]["SimpleRNN"], page["gradients"]["LSTM"]
    assert simple[0] / simple[-1] < 2e-2  # seen: 3.7e-3 to 6.1e-3
    assert gated[0] / gated[-1] < 5e-3  # seen: 1.7e-4 to 8.3e-4
    assert 0.85 <= page["per_step"]["SimpleRNN"] <= 0.9  # seen: 0.866 to 0.877
    assert page["per_step"]["LSTM"] < page["per_step"]["SimpleRNN"]  # the LSTM is no better


def test_the_simple_rnn_factor_comes_from_tanh_not_from_u(page):
    np.testing.assert_allclose(page["singular_values"], 1.0, atol=1e-4)  # orthogonal U
    slope = float(np.mean(page["slopes"]))
    assert 0.82 <= slope <= 0.9  # seen: 0.852 to 0.867
    assert abs(page["per_step"]["SimpleRNN"] - slope) < 0.05  # seen: at most 0.024


def test_the_gradients_are_those_of_the_untrained_models(page):
    # Independent of the page's numbers: an untrained LSTM's forget-gate bias is 1.
    bias = page["lstm"].get_layer("recurrent").cell.bias.numpy()
    np.testing.assert_array_equal(bias[32:64], 1.0)
    again = recurrent.input_gradient_norms(page["model"], page["probe_x"], page["probe_y"])
    np.testing.assert_allclose(again, page["gradients"]["SimpleRNN"], rtol=1e-5)


def test_the_sweep_trains_every_length_on_every_seed(page):
    assert page["LENGTHS"] == (5, 10, 20, 40)
    assert page["SEEDS"] == (0, 1, 2)
    assert page["EPOCHS"] == 8
    for length, runs in page["curves"].items():
        assert [len(curve) for curve in runs] == [8, 8, 8], length


def test_the_simple_rnn_fails_as_the_distance_grows(page):
    final = page["final"]
    assert min(final[5] + final[10]) >= 0.95  # seen: 0.982 to 1.000
    assert max(final[20]) <= 0.5  # seen: 0.250 to 0.356
    assert max(final[40]) <= 0.32  # seen: 0.212 to 0.270; chance is 0.25
    for seed_index in range(3):
        assert final[10][seed_index] - final[40][seed_index] >= 0.6
    assert page["short"] == min(final[5] + final[10])


def test_the_mark_region_receives_little_of_the_gradient(page):
    reach = page["reach"]
    assert reach[-1] == pytest.approx(1.0)
    assert reach[19] < 0.15  # seen: 0.076 on seed 0's network
    assert reach[0] < reach[19]
