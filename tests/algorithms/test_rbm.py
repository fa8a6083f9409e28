"""Claims of docs/algorithms/rbm.md, checked on what the build computed.

The page checks a 4x3 RBM's formulas by enumeration, trains a 64x64 RBM with CD-1 on the
binarized digits on seeds 0, 1 and 2, and runs 100 Gibbs chains per seed from coin flips.
Ranges seen on seeds 0-4: held-out reconstruction error 0.249-0.252 before training and
0.040-0.042 after 30 epochs (16.2-16.9% of the start), at most 0.0034 above the training
error; mean distance to the closest training digit 22.6-23.6 pixels for the coin flips,
15.2-16.4 after one Gibbs step, 4.6-5.0 after ten, 4.4-4.6 after 1,000, and 3.2-3.3 for
held-out digits; 0-2 of 100 samples identical to a training image.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

pytestmark = pytest.mark.build
PAGE = "algorithms/rbm.md"
SESSION = "rbm"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["rbms"][0].count_params())}


def test_the_tiny_rbm_matches_enumeration(page):
    tiny = page["tiny"]
    assert (tiny.num_visible, tiny.num_hidden) == (4, 3)
    assert page["v"].shape == (16, 4) and page["h"].shape == (8, 3)
    for name, gap in page["gaps"].items():
        assert np.max(np.abs(gap)) < 1e-5, name  # seen: 6e-8 to 5e-7 (float32 rounding)
    assert page["total"] == pytest.approx(1.0, abs=1e-5)


def test_the_enumeration_on_the_page_is_right(page):
    # Independently of the page's vectorised sums: a loop over all 128 joint states.
    tiny = page["tiny"]
    weights = np.asarray(tiny.weights_matrix, dtype=np.float64)
    visible_bias = np.asarray(tiny.visible_bias, dtype=np.float64)
    hidden_bias = np.asarray(tiny.hidden_bias, dtype=np.float64)
    partition = 0.0
    for visible in itertools.product((0, 1), repeat=4):
        for hidden in itertools.product((0, 1), repeat=3):
            v, h = np.array(visible), np.array(hidden)
            partition += np.exp(v @ visible_bias + h @ hidden_bias + v @ weights @ h)
    assert page["Z"] == pytest.approx(partition, rel=1e-12)
    assert np.any(visible_bias) and np.any(hidden_bias)  # the check covers the biases


def test_the_digits_rbm_is_64_by_64_trained_with_cd1(page):
    assert page["SEEDS"] == (0, 1, 2) and page["EPOCHS"] == 30
    for seed in page["SEEDS"]:
        rbm = page["rbms"][seed]
        assert (rbm.num_visible, rbm.num_hidden) == (64, 64)
        train_x, test_x = page["splits"][seed]
        assert train_x.shape == (1348, 64) and test_x.shape == (449, 64)
        assert set(np.unique(train_x)) == {0.0, 1.0}
        history = page["errors"][seed]
        assert len(history["train"]) == len(history["validation"]) == 31


def test_reconstruction_error_starts_at_a_quarter_and_falls_clearly(page):
    for seed in page["SEEDS"]:
        history = page["errors"][seed]
        start, end = history["validation"][0], history["validation"][-1]
        assert start == pytest.approx(0.25, abs=0.005)  # seen: 0.249-0.252
        assert end <= 0.25 * start, seed  # seen: at most 16.9% of the start
        assert end - history["train"][-1] <= 0.01  # seen: at most 0.0034
    assert max(page["ratios"]) <= 0.25
    assert page["overfit"] <= 0.01


def test_the_last_reconstruction_error_is_recomputed_in_numpy(page):
    rbm, (_, test_x) = page["rbms"][0], page["splits"][0]
    weights = np.asarray(rbm.weights_matrix, dtype=np.float64)
    hidden = 1 / (1 + np.exp(-(test_x @ weights + np.asarray(rbm.hidden_bias))))
    visible = 1 / (1 + np.exp(-(hidden @ weights.T + np.asarray(rbm.visible_bias))))
    expected = np.mean((test_x - visible) ** 2)
    assert page["errors"][0]["validation"][-1] == pytest.approx(expected, rel=1e-4)


def nearest_distances(images, references):
    # Hamming distance through a dot product: |x - y|_1 = x.1 + y.1 - 2 x.y for 0/1 vectors.
    images, references = images.astype(np.int64), references.astype(np.int64)
    matrix = images.sum(1)[:, None] + references.sum(1)[None, :] - 2 * images @ references.T
    return matrix.min(axis=1)


def test_gibbs_chains_turn_noise_into_digit_like_samples(page):
    assert page["STEPS"] == (0, 1, 10, 100, 1000)
    for seed in page["SEEDS"]:
        snapshots = page["snapshots"][seed]
        train_x, test_x = page["splits"][seed]
        assert len(snapshots) == 5 and all(images.shape == (100, 64) for images in snapshots)
        means = [nearest_distances(images, train_x).mean() for images in snapshots]
        held_out = nearest_distances(test_x, train_x).mean()
        # The page's distances agree with this independent computation.
        for steps, mean in zip(page["STEPS"], means, strict=True):
            name = f"chains, step {steps:,}"
            assert page["distances"][seed][name].mean() == pytest.approx(mean), name
        assert page["distances"][seed]["held-out digits"].mean() == pytest.approx(held_out)
        assert means[0] >= 18  # coin flips; seen 22.6-23.6
        assert 10 <= means[1] <= 20  # seen 15.2-16.4
        assert max(means[2:]) <= 6.5  # seen 4.2-5.0
        assert 0.5 <= means[-1] - held_out <= 2.5  # seen 1.1-1.4: close, not identical
        copies = int((nearest_distances(snapshots[-1], train_x) == 0).sum())
        assert copies <= 5  # seen 0-2 of 100
    assert page["copies"] <= 15 and page["chains"] == 300


def test_samples_are_binary_and_as_inked_as_the_digits(page):
    for seed in page["SEEDS"]:
        samples = page["snapshots"][seed][-1]
        assert set(np.unique(samples)) <= {0.0, 1.0}
        # Share of pixels on: 0.29-0.30 for the samples, 0.29 for the training digits.
        assert abs(samples.mean() - page["splits"][seed][0].mean()) <= 0.05


def test_the_figure_shows_seed_0(page):
    assert page["CHAINS"] == 8
    np.testing.assert_array_equal(page["images"], page["snapshots"][0][-1])
