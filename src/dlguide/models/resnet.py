"""ResNet-18/34/50/101/152 as Keras functional models, laid out as in the paper and torchvision.

A ResNet is a stem, four stages of residual blocks and a classifier:

- stem ("conv1"): a 7x7 convolution with stride 2 and a 3x3 max-pool with stride 2, which
  take a 224x224 image to 56x56; with `small_input=True`, a 3x3 convolution with stride 1
  and no pool, for 8x8 to 32x32 images (the CIFAR-style stem).
- stages 2 to 5: blocks from `dlguide.models.resnet_blocks` with 64, 128, 256 and 512
  filters (for the default `width` of 64); the first block of stages 3, 4 and 5 halves
  height and width.
- global average pooling over what is left of the image, and a Dense layer with a
  softmax (as keras.applications has it; torchvision's models return the logits).

Layers are named `conv1`, `pool1`, `stage{2..5}_block{i}_{conv1,bn1,...}`, `avg_pool` and
`predictions`; `stage_table` reads the architecture back from those names.
"""

import re
from collections.abc import Sequence

import keras
import numpy as np

from dlguide._validation import positive_int
from dlguide.models.resnet_blocks import basic_block, bottleneck_block, stem

# Depth -> (block kind, blocks per stage 2..5), from Table 1 of the paper. The depth
# counts the weighted layers on the main path: the stem convolution, 2 or 3 per block
# and the Dense layer (projection shortcuts are not counted).
ARCHITECTURES = {
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}
# The standard stem divides height and width by 4 and stages 3-5 by 2 each; the
# small-input stem does not downsample.
TOTAL_STRIDE = {False: 32, True: 8}


def _check_input_shape(input_shape: object, small_input: bool) -> tuple[int, int, int]:
    """Return `input_shape` as a tuple, or raise ValueError saying what was expected."""
    if (
        not isinstance(input_shape, Sequence)
        or isinstance(input_shape, str)
        or len(input_shape) != 3
        or any(
            isinstance(size, bool) or not isinstance(size, int) or size <= 0 for size in input_shape
        )
    ):
        raise ValueError(
            "input_shape must be a 3-tuple of positive ints (height, width, channels), "
            f"got {input_shape!r}"
        )
    stride = TOTAL_STRIDE[bool(small_input)]
    if min(input_shape[:2]) < stride:
        stem = "small-input" if small_input else "standard"
        raise ValueError(
            f"input_shape must be at least {stride}x{stride} pixels, the total stride of "
            f"the network with the {stem} stem, got {input_shape!r}"
        )
    return tuple(input_shape)


def build_resnet(
    depth: int,
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    conv_bias: bool = False,
    small_input: bool = False,
    name: str | None = None,
    width: int = 64,
    stride_in_1x1: bool = True,
) -> keras.Model:
    """Build a ResNet of one of the paper's depths: 18, 34, 50, 101 or 152.

    Args:
        depth: Number of weighted layers, a key of `ARCHITECTURES`.
        input_shape: (height, width, channels) of the images, positive ints; height and
            width at least the total stride (32, or 8 with `small_input`).
        num_classes: Units of the softmax output layer, a positive int.
        conv_bias: Whether the convolutions have biases. False, as in the paper and
            torchvision, gives torchvision's parameter counts; True gives the counts of
            keras.applications' ResNet50, ResNet101 and ResNet152.
        small_input: If True, the stem is one 3x3 convolution with stride 1 and no
            max-pool, so 8x8 or 32x32 images keep enough pixels for four stages.
        name: Model name; defaults to "resnet{depth}".
        width: Filters of the stem and of stage 2, a positive int; stages 3, 4 and 5
            double it each. The paper's 64 gives the published parameter counts; a
            smaller width makes a network that trains in seconds on a CPU.
        stride_in_1x1: For bottleneck blocks, put the downsampling stride on the first
            1x1 convolution (the paper's model and keras.applications, the default)
            rather than on the 3x3 one (torchvision's "v1.5"); see `bottleneck_block`.

    Returns:
        An uncompiled `keras.Model` from (batch, *input_shape) to (batch, num_classes).

    Raises:
        ValueError: If `depth` is not an allowed depth, `num_classes` or `width` is not
            a positive int, or `input_shape` is not three positive ints large enough.
    """
    if isinstance(depth, bool) or depth not in ARCHITECTURES:
        allowed = ", ".join(str(key) for key in ARCHITECTURES)
        raise ValueError(f"depth must be one of {allowed}, got {depth!r}")
    positive_int("num_classes", num_classes)
    positive_int("width", width)
    input_shape = _check_input_shape(input_shape, small_input)
    kind, blocks_per_stage = ARCHITECTURES[depth]

    inputs = keras.Input(shape=input_shape, name="inputs")  # (batch, H, W, C)
    hidden = stem(inputs, width, small_input, conv_bias)  # (batch, H/4, W/4, width)
    for stage, num_blocks in enumerate(blocks_per_stage, start=2):
        filters = width * 2 ** (stage - 2)
        for block in range(1, num_blocks + 1):
            # Only the first block of stages 3-5 downsamples (and so has a projection).
            stride = 2 if block == 1 and stage > 2 else 1
            block_name = f"stage{stage}_block{block}"
            if kind == "basic":
                hidden = basic_block(hidden, filters, stride, conv_bias, name=block_name)
            else:
                hidden = bottleneck_block(
                    hidden, filters, stride, conv_bias, stride_in_1x1, name=block_name
                )
    hidden = keras.layers.GlobalAveragePooling2D(name="avg_pool")(hidden)  # (batch, channels)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(hidden)
    return keras.Model(inputs, outputs, name=name or f"resnet{depth}")


def resnet18(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    conv_bias: bool = False,
    small_input: bool = False,
    name: str | None = None,
) -> keras.Model:
    """Build ResNet-18 (basic blocks, 2-2-2-2); see `build_resnet` for the arguments."""
    return build_resnet(18, input_shape, num_classes, conv_bias, small_input, name)


def resnet34(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    conv_bias: bool = False,
    small_input: bool = False,
    name: str | None = None,
) -> keras.Model:
    """Build ResNet-34 (basic blocks, 3-4-6-3); see `build_resnet` for the arguments."""
    return build_resnet(34, input_shape, num_classes, conv_bias, small_input, name)


def resnet50(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    conv_bias: bool = False,
    small_input: bool = False,
    name: str | None = None,
) -> keras.Model:
    """Build ResNet-50 (bottleneck blocks, 3-4-6-3); see `build_resnet` for the arguments."""
    return build_resnet(50, input_shape, num_classes, conv_bias, small_input, name)


def resnet101(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    conv_bias: bool = False,
    small_input: bool = False,
    name: str | None = None,
) -> keras.Model:
    """Build ResNet-101 (bottleneck blocks, 3-4-23-3); see `build_resnet` for the arguments."""
    return build_resnet(101, input_shape, num_classes, conv_bias, small_input, name)


def resnet152(
    input_shape: Sequence[int] = (224, 224, 3),
    num_classes: int = 1000,
    conv_bias: bool = False,
    small_input: bool = False,
    name: str | None = None,
) -> keras.Model:
    """Build ResNet-152 (bottleneck blocks, 3-8-36-3); see `build_resnet` for the arguments."""
    return build_resnet(152, input_shape, num_classes, conv_bias, small_input, name)


def trainable_parameter_count(model: keras.Model) -> int:
    """Count a model's trainable weights, the number papers and torchvision quote.

    `model.count_params()` also counts each batch norm's moving mean and variance,
    statistics that are updated during training but not learned by gradient descent.

    Args:
        model: A built Keras model.

    Returns:
        The total number of scalars in `model.trainable_weights`.
    """
    return int(sum(np.prod(weight.shape) for weight in model.trainable_weights))


def _layer_parameters(layers) -> int:
    """Count the trainable scalars of some layers."""
    return int(sum(np.prod(w.shape) for layer in layers for w in layer.trainable_weights))


def stage_table(model: keras.Model) -> list[dict]:
    """Read a ResNet's architecture table (the paper's Table 1) back from its layers.

    Args:
        model: A model from `build_resnet` (or `resnet18` ... `resnet152`).

    Returns:
        One dict per row, input to output: the stem, each stage, the pooling and the
        classifier. Each has "stage" (a name: "conv1", "stage2" ... "stage5",
        "avg_pool", "predictions"), "layers" (a description, such as
        `[1x1, 64; 3x3, 64; 1x1, 256] x 3`), "blocks" (residual blocks; 0 outside the
        stages), "filters" (the stem's filters, a stage's 3x3 filters, the classifier's
        units; None for the pooling), "output_shape" (a tuple without the batch axis)
        and "parameters" (trainable parameters).

    Raises:
        ValueError: If `model` has no layer named "conv1" or no residual block.
    """
    names = [layer.name for layer in model.layers]
    if "conv1" not in names or not any(re.match(r"stage\d+_block\d+_out$", n) for n in names):
        raise ValueError(
            f"model must be a ResNet from dlguide.models.resnet (layers 'conv1' and "
            f"'stage*_block*_out'), got {model.name!r}"
        )
    conv1 = model.get_layer("conv1")
    stem_layers = [layer for layer in model.layers if layer.name.startswith(("conv1", "pool1"))]
    kernel, stride = conv1.kernel_size[0], conv1.strides[0]
    layers = f"{kernel}x{kernel}, {conv1.filters}, stride {stride}"
    if "pool1" in names:
        pool = model.get_layer("pool1")
        layers += f"; {pool.pool_size[0]}x{pool.pool_size[0]} max pool, stride {pool.strides[0]}"
    rows = [
        {
            "stage": "conv1",
            "layers": layers,
            "blocks": 0,
            "filters": conv1.filters,
            "output_shape": tuple(stem_layers[-1].output.shape[1:]),
            "parameters": _layer_parameters(stem_layers),
        }
    ]

    stages = sorted(
        {
            int(re.match(r"stage(\d+)_", n).group(1))
            for n in names
            if re.match(r"stage\d+_block\d+_out$", n)
        }
    )
    for stage in stages:
        prefix = f"stage{stage}_"
        blocks = [n for n in names if re.match(rf"{prefix}block\d+_out$", n)]
        convs = [
            model.get_layer(f"{prefix}block1_conv{i}")
            for i in (1, 2, 3)
            if f"{prefix}block1_conv{i}" in names
        ]
        shapes = "; ".join(f"{c.kernel_size[0]}x{c.kernel_size[0]}, {c.filters}" for c in convs)
        rows.append(
            {
                "stage": f"stage{stage}",
                "layers": f"[{shapes}] x {len(blocks)}",
                "blocks": len(blocks),
                "filters": convs[1].filters,  # the 3x3 convolution (the second in both kinds)
                "output_shape": tuple(model.get_layer(blocks[-1]).output.shape[1:]),
                "parameters": _layer_parameters(
                    [layer for layer in model.layers if layer.name.startswith(prefix)]
                ),
            }
        )

    pool = model.get_layer("avg_pool")
    dense = model.get_layer("predictions")
    rows.append(
        {
            "stage": "avg_pool",
            "layers": "global average pool",
            "blocks": 0,
            "filters": None,
            "output_shape": tuple(pool.output.shape[1:]),
            "parameters": 0,
        }
    )
    rows.append(
        {
            "stage": "predictions",
            "layers": f"{dense.units}-way fully connected, {dense.activation.__name__}",
            "blocks": 0,
            "filters": dense.units,
            "output_shape": tuple(dense.output.shape[1:]),
            "parameters": _layer_parameters([dense]),
        }
    )
    return rows
