"""Claims of docs/tutorials/resnet.md, checked on what the build computed."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.build
PAGE = "tutorials/resnet.md"
SESSION = "resnet"

TORCHVISION = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032, 101: 44_549_160, 152: 60_192_808}


def test_identity_keeps_the_shape_and_projection_halves_it(page):
    assert tuple(page["same"].shape) == (None, 56, 56, 64)
    assert tuple(page["halved"].shape) == (None, 28, 28, 128)


def test_the_five_resnets_have_torchvisions_parameter_counts(page):
    # The reference numbers are checked here too, not only on the page.
    assert page["published"] == TORCHVISION
    assert page["counts"] == TORCHVISION


def test_conv_bias_reproduces_keras_applications_resnet50(page):
    from dlguide.models.resnet import trainable_parameter_count

    ours, theirs = page["ours"], page["theirs"]
    assert ours.count_params() == theirs.count_params()
    assert trainable_parameter_count(ours) == trainable_parameter_count(theirs)


def test_the_biases_batch_norm_cancels(page):
    # One bias per output channel of every convolution of ResNet-50.
    assert page["extra"] == 26_560
    assert page["extra"] == sum(
        layer.filters for layer in page["ours"].layers if hasattr(layer, "filters")
    )


def test_resnet50_stage_table(page):
    stages = page["stages"]
    assert [row["stage"] for row in stages] == [
        "conv1",
        "stage2",
        "stage3",
        "stage4",
        "stage5",
        "avg_pool",
        "predictions",
    ]
    assert [row["blocks"] for row in stages[1:5]] == [3, 4, 6, 3]
    assert [row["output_shape"] for row in stages] == [
        (56, 56, 64),
        (56, 56, 256),
        (28, 28, 512),
        (14, 14, 1024),
        (7, 7, 2048),
        (2048,),
        (1000,),
    ]
    assert sum(row["parameters"] for row in stages) == TORCHVISION[50]
    assert "7x7, 64, stride 2" in stages[0]["layers"] and "3x3 max pool" in stages[0]["layers"]


def test_each_stage_halves_the_size_and_doubles_the_channels(page):
    shapes = [row["output_shape"] for row in page["stages"][1:5]]
    for before, after in zip(shapes, shapes[1:], strict=False):
        assert after == (before[0] // 2, before[1] // 2, before[2] * 2)


def test_most_weights_sit_in_the_last_stage(page):
    assert page["biggest"]["stage"] == "stage5"
    assert page["biggest"]["parameters"] / TORCHVISION[50] > 0.5


def test_the_plain_network_degrades_on_every_seed(page):
    degradation = page["degradation"]
    assert degradation["seeds"] == [0, 1, 2]
    assert degradation["depth"] == 18
    loss, accuracy = degradation["train_loss"], degradation["train_accuracy"]
    for seed, plain, residual in zip(
        degradation["seeds"], loss["plain"], loss["residual"], strict=True
    ):
        assert plain > 10 * residual, seed  # seen over seeds 0-4: 25 to 61 times
    assert min(accuracy["residual"]) >= 0.98
    assert max(accuracy["plain"]) < min(accuracy["residual"])
    assert min(page["ratios"]) > 10
