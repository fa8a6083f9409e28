import re

import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models import resnet
from dlguide.models.resnet_blocks import BATCH_NORM_EPSILON, basic_block, bottleneck_block

# torchvision.models.resnet{18,34,50,101,152}(): sum(p.numel() for p in model.parameters()).
TORCHVISION_PARAMETERS = {
    18: 11_689_512,
    34: 21_797_672,
    50: 25_557_032,
    101: 44_549_160,
    152: 60_192_808,
}
# Written out again from the paper's Table 1, independently of resnet.ARCHITECTURES.
BLOCKS = {
    18: (2, 2, 2, 2),
    34: (3, 4, 6, 3),
    50: (3, 4, 6, 3),
    101: (3, 4, 23, 3),
    152: (3, 8, 36, 3),
}
BUILDERS = {
    18: resnet.resnet18,
    34: resnet.resnet34,
    50: resnet.resnet50,
    101: resnet.resnet101,
    152: resnet.resnet152,
}


def parameter_formula(depth, conv_bias=False, channels=3, num_classes=1000):
    """Return (trainable, batch-norm channels) of a ResNet, counted from its layer list."""
    trainable = 0
    norm_channels = 0

    def conv_bn(kernel, inputs, outputs):
        nonlocal trainable, norm_channels
        trainable += kernel * kernel * inputs * outputs + (outputs if conv_bias else 0)
        trainable += 2 * outputs  # gamma and beta
        norm_channels += outputs

    conv_bn(7, channels, 64)
    inputs = 64
    for stage, num_blocks in enumerate(BLOCKS[depth]):
        filters = 64 * 2**stage
        outputs = filters if depth < 50 else 4 * filters
        for block in range(num_blocks):
            if depth < 50:
                conv_bn(3, inputs, filters)
                conv_bn(3, filters, filters)
            else:
                conv_bn(1, inputs, filters)
                conv_bn(3, filters, filters)
                conv_bn(1, filters, outputs)
            if inputs != outputs or (block == 0 and stage > 0):
                conv_bn(1, inputs, outputs)  # projection shortcut
            inputs = outputs
    trainable += inputs * num_classes + num_classes
    return trainable, norm_channels


@pytest.fixture(scope="module")
def resnet50_model():
    return resnet.resnet50()


@pytest.mark.parametrize("depth", sorted(BUILDERS))
def test_parameter_counts_match_torchvision_and_the_formula(depth):
    model = BUILDERS[depth]()
    trainable, norm_channels = parameter_formula(depth)
    assert trainable == TORCHVISION_PARAMETERS[depth]
    assert resnet.trainable_parameter_count(model) == TORCHVISION_PARAMETERS[depth]
    # count_params() adds each batch norm's moving mean and variance (not trained).
    assert model.count_params() == trainable + 2 * norm_channels
    assert model.name == f"resnet{depth}"


@pytest.mark.parametrize("depth", [18, 50])
def test_conv_bias_adds_one_bias_per_output_channel(depth):
    model = resnet.build_resnet(depth, conv_bias=True)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs and all(layer.use_bias for layer in convs)
    assert resnet.trainable_parameter_count(model) == parameter_formula(depth, conv_bias=True)[0]


def keras_name(name):
    """Map a dlguide layer name to keras.applications' name for the same layer."""
    if match := re.fullmatch(r"stage(\d)_block(\d+)_(conv|bn)(\d)", name):
        stage, block, kind, index = match.groups()
        return f"conv{stage}_block{block}_{index}_{kind}"
    if match := re.fullmatch(r"stage(\d)_block(\d+)_shortcut_(conv|bn)", name):
        stage, block, kind = match.groups()
        return f"conv{stage}_block{block}_0_{kind}"
    return {"conv1": "conv1_conv"}.get(name, name)  # conv1_bn and predictions agree


@pytest.mark.parametrize(
    ("depth", "application"),
    [
        (50, keras.applications.ResNet50),
        (101, keras.applications.ResNet101),
        (152, keras.applications.ResNet152),
    ],
)
def test_conv_bias_reproduces_keras_applications_layer_by_layer(depth, application):
    ours = resnet.build_resnet(depth, conv_bias=True, stride_in_1x1=True)
    theirs = application(weights=None)
    assert ours.count_params() == theirs.count_params()
    assert resnet.trainable_parameter_count(ours) == resnet.trainable_parameter_count(theirs)
    weighted = [layer for layer in ours.layers if layer.weights]
    assert len(weighted) == len([layer for layer in theirs.layers if layer.weights])
    for layer in weighted:
        twin = theirs.get_layer(keras_name(layer.name))
        assert [w.shape for w in layer.weights] == [w.shape for w in twin.weights], layer.name
        # With the stride on the first 1x1 convolution, every output matches too.
        assert layer.output.shape == twin.output.shape, layer.name
        if isinstance(layer, keras.layers.BatchNormalization):
            assert layer.epsilon == twin.epsilon == BATCH_NORM_EPSILON


def test_stage_outputs_match_keras_applications_resnet50(resnet50_model):
    theirs = keras.applications.ResNet50(weights=None)
    pairs = [("conv1_relu", "conv1_relu"), ("pool1", "pool1_pool")]
    pairs += [
        (f"stage{s}_block{n}_out", f"conv{s}_block{n}_out")
        for s, n in zip(range(2, 6), (3, 4, 6, 3), strict=True)
    ]
    pairs += [("avg_pool", "avg_pool"), ("predictions", "predictions")]
    for ours, keras_layer in pairs:
        assert (
            resnet50_model.get_layer(ours).output.shape
            == theirs.get_layer(keras_layer).output.shape
        ), ours


def test_stride_goes_on_the_first_1x1_convolution_unless_asked_otherwise():
    default = resnet.resnet50(input_shape=(64, 64, 3), num_classes=10)
    torchvision = resnet.build_resnet(50, (64, 64, 3), 10, stride_in_1x1=False)
    for model, conv1_stride, conv2_stride in [(default, 2, 1), (torchvision, 1, 2)]:
        assert model.get_layer("stage3_block1_conv1").strides == (conv1_stride,) * 2
        assert model.get_layer("stage3_block1_conv2").strides == (conv2_stride,) * 2
    assert default.count_params() == torchvision.count_params()


def test_stage_table_of_resnet50(resnet50_model):
    rows = resnet.stage_table(resnet50_model)
    assert [row["stage"] for row in rows] == [
        "conv1",
        "stage2",
        "stage3",
        "stage4",
        "stage5",
        "avg_pool",
        "predictions",
    ]
    stem, *stages, pool, dense = rows
    assert stem["layers"] == "7x7, 64, stride 2; 3x3 max pool, stride 2"
    assert stem["output_shape"] == (56, 56, 64)
    assert [row["blocks"] for row in stages] == [3, 4, 6, 3]
    assert [row["filters"] for row in stages] == [64, 128, 256, 512]
    assert [row["output_shape"] for row in stages] == [
        (56, 56, 256),
        (28, 28, 512),
        (14, 14, 1024),
        (7, 7, 2048),
    ]
    assert stages[0]["layers"] == "[1x1, 64; 3x3, 64; 1x1, 256] x 3"
    assert pool["output_shape"] == (2048,)
    assert dense["output_shape"] == (1000,) and dense["parameters"] == 2048 * 1000 + 1000
    total = sum(row["parameters"] for row in rows)
    assert total == resnet.trainable_parameter_count(resnet50_model) == 25_557_032


def test_stage_table_of_a_basic_block_net_on_small_images():
    model = resnet.resnet18((32, 32, 3), num_classes=10, small_input=True)
    rows = resnet.stage_table(model)
    assert rows[0]["layers"] == "3x3, 64, stride 1"
    assert rows[1]["layers"] == "[3x3, 64; 3x3, 64] x 2"
    assert [row["output_shape"][:2] for row in rows[:5]] == [
        (32, 32),
        (32, 32),
        (16, 16),
        (8, 8),
        (4, 4),
    ]
    assert model.output_shape == (None, 10)


def test_stage_table_rejects_a_model_that_is_not_a_resnet():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"^model must be a ResNet"):
        resnet.stage_table(model)


def test_small_input_network_runs_on_8x8_grey_images():
    set_seed(0)
    model = resnet.build_resnet(18, (8, 8, 1), num_classes=10, small_input=True, width=8)
    assert "pool1" not in [layer.name for layer in model.layers]
    assert model.get_layer("stage5_block2_out").output.shape == (None, 1, 1, 64)
    probabilities = np.asarray(model(np.zeros((2, 8, 8, 1), np.float32), training=False))
    assert probabilities.shape == (2, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def conv3x3_same(x, kernel):
    """A stride-1, zero-padded 3x3 convolution of one (height, width, channels) image."""
    height, width, _ = x.shape
    padded = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    return sum(
        padded[i : i + height, j : j + width] @ kernel[i, j] for i in range(3) for j in range(3)
    )


def batch_norm(x, gamma, beta, mean, variance):
    return gamma * (x - mean) / np.sqrt(variance + BATCH_NORM_EPSILON) + beta


def test_identity_shortcut_block_outputs_relu_of_conv_path_plus_input():
    set_seed(0)
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, basic_block(inputs, 2, name="block"))
    assert not any("shortcut" in layer.name for layer in model.layers)
    rng = np.random.default_rng(0)
    for name in ("block_bn1", "block_bn2"):  # non-trivial statistics, so BN matters
        layer = model.get_layer(name)
        layer.set_weights(
            [
                rng.uniform(0.5, 1.5, 2),
                rng.normal(size=2),
                rng.normal(size=2),
                rng.uniform(0.5, 2.0, 2),
            ]
        )
    x = rng.normal(size=(4, 4, 2)).astype(np.float32)
    (kernel1,), (kernel2,) = (
        model.get_layer(n).get_weights() for n in ("block_conv1", "block_conv2")
    )
    path = np.maximum(
        batch_norm(conv3x3_same(x, kernel1), *model.get_layer("block_bn1").get_weights()), 0
    )
    path = batch_norm(conv3x3_same(path, kernel2), *model.get_layer("block_bn2").get_weights())
    expected = np.maximum(path + x, 0)
    np.testing.assert_allclose(model(x[None], training=False)[0], expected, atol=1e-5)


def test_projection_shortcut_appears_when_the_shape_changes():
    inputs = keras.Input((8, 8, 16))
    outputs = bottleneck_block(inputs, 4, stride=2, name="block")
    model = keras.Model(inputs, outputs)
    projection = model.get_layer("block_shortcut_conv")
    assert projection.kernel_size == (1, 1) and projection.strides == (2, 2)
    assert model.output_shape == (None, 4, 4, 16)
    inputs = keras.Input((8, 8, 16))
    identity = keras.Model(inputs, bottleneck_block(inputs, 4, name="block"))
    assert not any("shortcut" in layer.name for layer in identity.layers)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"num_classes": 0}, r"^num_classes must be a positive int"),
        ({"num_classes": 2.5}, r"^num_classes must be a positive int"),
        ({"num_classes": True}, r"^num_classes must be a positive int"),
        ({"input_shape": (224, 224)}, r"^input_shape must be a 3-tuple of positive ints"),
        ({"input_shape": (224, 224, 0)}, r"^input_shape must be a 3-tuple of positive ints"),
        ({"input_shape": (224.0, 224, 3)}, r"^input_shape must be a 3-tuple of positive ints"),
        ({"input_shape": "224"}, r"^input_shape must be a 3-tuple of positive ints"),
        ({"input_shape": (31, 224, 3)}, r"^input_shape must be at least 32x32"),
        ({"input_shape": (7, 8, 1), "small_input": True}, r"^input_shape must be at least 8x8"),
        ({"depth": 20}, r"^depth must be one of 18, 34, 50, 101, 152, got 20"),
        ({"depth": "50"}, r"^depth must be one of"),
        ({"width": 0}, r"^width must be a positive int"),
    ],
)
def test_build_resnet_rejects_bad_arguments_by_name(arguments, message):
    with pytest.raises(ValueError, match=message):
        resnet.build_resnet(**{"depth": 18, **arguments})


def test_depth_builders_validate_too():
    with pytest.raises(ValueError, match=r"^input_shape must be at least 32x32"):
        resnet.resnet50(input_shape=(16, 16, 3))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"filters": 0}, r"^filters must be a positive int"),
        ({"stride": 3}, r"^stride must be 1 or 2"),
    ],
)
def test_blocks_reject_bad_arguments_by_name(arguments, message):
    for block in (basic_block, bottleneck_block):
        with pytest.raises(ValueError, match=message):
            block(keras.Input((8, 8, 4)), **{"filters": 4, **arguments})
