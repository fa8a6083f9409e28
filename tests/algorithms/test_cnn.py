"""Claims of docs/algorithms/cnn.md, checked on what the build computed."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.build
PAGE = "algorithms/cnn.md"
SESSION = "cnn"


def facts(page):
    """What other pages' tests read of this page's run: the size of the model it trained."""
    return {"parameters": int(page["small_cnn"].count_params())}


def test_output_size_formula_agrees_with_keras(page):
    assert len(page["cases"]) == len(page["output_sizes"]) >= 5
    for (size, kernel, stride, padding), (formula, height, width) in zip(
        page["cases"], page["output_sizes"], strict=True
    ):
        assert formula == height == width, (size, kernel, stride, padding)
        # Checked here once more, independently of dlguide's helper.
        if padding == "same":
            assert height == math.ceil(size / stride)
        else:
            assert height == (size - kernel) // stride + 1
    assert page["agree"] == len(page["cases"])


def test_stride_two_same_padding_halves_a_32_pixel_image(page):
    assert (32, 3, 2, "same") in page["cases"]
    assert page["stride_two"] == 16


def test_conv_count_ignores_the_image_size_and_dense_count_does_not(page):
    sharing = page["sharing"]
    assert [side for side, _, _ in sharing] == [8, 32, 224]
    for side, conv_count, dense_count in sharing:
        assert conv_count == 3 * 3 * 1 * 32 + 32 == 320
        assert dense_count == side * side * 32 + 32
    # The page's "times as many" at 224x224.
    assert round(page["dense_count"] / page["conv_count"]) == 5_018


def test_the_mlp_has_more_parameters_than_the_cnn(page):
    assert page["cnn_count"] == page["small_cnn"].count_params() == 21_386
    assert page["mlp_count"] == page["mlp"].count_params() == 38_410
    assert page["mlp_count"] == (64 * 512 + 512) + (512 * 10 + 10)
    assert page["cnn_count"] == (3 * 3 * 1 * 32 + 32) + (3 * 3 * 32 * 64 + 64) + (256 * 10 + 10)
    assert f"{page['mlp_count'] / page['cnn_count']:.1f}" == "1.8"
    for layer in page["small_cnn"].layers:
        if layer.name.startswith(("pool", "flatten")):
            assert layer.count_params() == 0


def test_both_models_train_the_same_way(page):
    assert page["SEEDS"] == (0, 1, 2)
    assert page["EPOCHS"] == 15
    assert page["test_size"] == 449
    for label in ("CNN", "MLP"):
        assert [len(curve) for curve in page["curves"][label]] == [15, 15, 15]


def test_the_cnn_beats_the_larger_mlp_on_every_seed(page):
    results = page["results"]
    for seed, cnn_accuracy, mlp_accuracy in zip(
        page["SEEDS"], results["CNN"], results["MLP"], strict=True
    ):
        # Seen over seeds 0-4: ahead by 0.7 to 2.5 points (3 to 11 of 449 digits).
        assert cnn_accuracy - mlp_accuracy >= 0.005, seed
    assert min(results["CNN"]) >= 0.98  # seeds 0-4: 98.7% to 99.6%
    assert min(page["gaps"]) >= 0.005


def test_the_mlp_leads_after_the_first_epoch(page):
    # Seen over seeds 0-4: the MLP ahead by 1.6 to 6.7 points after epoch 1.
    assert min(page["first_lead"]) > 0
