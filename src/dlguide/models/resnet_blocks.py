"""ResNet's building blocks (He et al. 2015): the stem, the basic block and the bottleneck block.

Each block computes `relu(F(x) + shortcut(x))`. `F` is a stack of convolutions, each
followed by batch normalization and, except the last, a ReLU; the last ReLU comes after
the addition, so the sum, not the residual branch alone, is rectified. The shortcut is
the input itself (identity) when `F(x)` has the input's shape, and a projection (a 1x1
convolution with the block's stride, then batch normalization) when the block changes
the number of channels or downsamples: the paper's option B, which torchvision and
keras.applications use too.

Layers are named `{name}_conv1`, `{name}_bn1`, `{name}_relu1`, ..., `{name}_shortcut_conv`,
`{name}_shortcut_bn`, `{name}_add` and `{name}_out` (the ReLU after the addition), so
`dlguide.models.resnet.stage_table` can read a model's structure back from its layers.
"""

import keras

# torchvision's BatchNorm2d uses epsilon 1e-5; keras.applications uses 1.001e-5 because
# cuDNN rejects an epsilon below 1e-5. torchvision updates the running statistics with
# weight 0.1 on each new batch, which is Keras's momentum 0.9 (Keras's default is 0.99).
BATCH_NORM_EPSILON = 1.001e-5
BATCH_NORM_MOMENTUM = 0.9
# A bottleneck block outputs this many channels per channel of its narrow 3x3 convolution.
BOTTLENECK_EXPANSION = 4


def _check_block_arguments(filters: object, stride: object) -> None:
    """Raise ValueError naming the argument unless `filters` > 0 and `stride` is 1 or 2."""
    if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
        raise ValueError(f"filters must be a positive int, got {filters!r}")
    if isinstance(stride, bool) or stride not in (1, 2):
        raise ValueError(f"stride must be 1 or 2, got {stride!r}")


def conv_bn(
    inputs: keras.KerasTensor,
    filters: int,
    kernel_size: int,
    stride: int,
    conv_bias: bool,
    conv_name: str,
    bn_name: str,
) -> keras.KerasTensor:
    """Apply a square convolution, then batch normalization (no activation).

    A strided convolution is zero-padded by `kernel_size // 2` on every side first, as
    PyTorch pads. Keras's `padding="same"` gives the same output shape, but on an even
    input it pads one pixel less at the top and left than at the bottom and right, which
    shifts the sampling grid by a pixel.

    Args:
        inputs: A (batch, height, width, channels) tensor.
        filters: Output channels.
        kernel_size: Side of the square kernel (1, 3 or 7 in ResNet).
        stride: Step of the kernel in both directions.
        conv_bias: Whether the convolution has a bias. Batch normalization subtracts each
            channel's mean right after it, which cancels a bias: it only adds parameters.
            The paper and torchvision have none; keras.applications' ResNet50 has them.
        conv_name: Name of the Conv2D layer (its padding layer is `{conv_name}_pad`).
        bn_name: Name of the BatchNormalization layer.

    Returns:
        The (batch, ceil(height / stride), ceil(width / stride), filters) normalized tensor.
    """
    padding = "same"
    if stride > 1 and kernel_size > 1:
        inputs = keras.layers.ZeroPadding2D(kernel_size // 2, name=f"{conv_name}_pad")(inputs)
        padding = "valid"
    hidden = keras.layers.Conv2D(
        filters,
        kernel_size,
        strides=stride,
        padding=padding,
        use_bias=conv_bias,
        # He initialization: a ReLU zeroes half its inputs, so weights need twice the
        # variance of Glorot's to keep the signal's scale from layer to layer.
        kernel_initializer="he_normal",
        name=conv_name,
    )(inputs)
    return keras.layers.BatchNormalization(
        epsilon=BATCH_NORM_EPSILON, momentum=BATCH_NORM_MOMENTUM, name=bn_name
    )(hidden)


def stem(
    inputs: keras.KerasTensor, filters: int, small_input: bool, conv_bias: bool
) -> keras.KerasTensor:
    """Apply ResNet's stem: a 7x7/2 convolution and a 3x3/2 max-pool, or one 3x3/1 convolution.

    The standard stem takes a 224x224 image to 56x56 before the first block; the small
    one (CIFAR-style) keeps every pixel of an 8x8 or 32x32 image.

    Args:
        inputs: A (batch, height, width, channels) image tensor.
        filters: Output channels of the convolution.
        small_input: If True, one 3x3 convolution with stride 1 and no max-pool.
        conv_bias: Whether the convolution has a bias (see `conv_bn`).

    Returns:
        The (batch, height / 4, width / 4, filters) output, or
            (batch, height, width, filters) with `small_input`.
    """
    kernel_size, stride = (3, 1) if small_input else (7, 2)
    hidden = conv_bn(inputs, filters, kernel_size, stride, conv_bias, "conv1", "conv1_bn")
    hidden = keras.layers.ReLU(name="conv1_relu")(hidden)  # (batch, H/2, W/2, filters)
    if small_input:
        return hidden
    # Zero padding is safe before a max-pool here: the ReLU's outputs are >= 0.
    hidden = keras.layers.ZeroPadding2D(1, name="pool1_pad")(hidden)
    return keras.layers.MaxPooling2D(3, strides=2, name="pool1")(hidden)  # (batch, H/4, W/4, .)


def _shortcut(
    inputs: keras.KerasTensor, channels: int, stride: int, conv_bias: bool, name: str
) -> keras.KerasTensor:
    """Return the identity, or a 1x1 strided projection when the block changes the shape."""
    if stride == 1 and inputs.shape[-1] == channels:
        return inputs
    return conv_bn(
        inputs, channels, 1, stride, conv_bias, f"{name}_shortcut_conv", f"{name}_shortcut_bn"
    )


def _add_and_rectify(
    shortcut: keras.KerasTensor, residual: keras.KerasTensor, name: str
) -> keras.KerasTensor:
    """Return relu(shortcut + residual): the addition comes before the block's last ReLU."""
    merged = keras.layers.Add(name=f"{name}_add")([shortcut, residual])
    return keras.layers.ReLU(name=f"{name}_out")(merged)


def basic_block(
    inputs: keras.KerasTensor,
    filters: int,
    stride: int = 1,
    conv_bias: bool = False,
    name: str = "block",
) -> keras.KerasTensor:
    """Apply ResNet-18/34's block: two 3x3 convolutions and a shortcut.

    Args:
        inputs: A (batch, height, width, channels) tensor.
        filters: Channels of both convolutions and of the output, a positive int.
        stride: 2 to halve height and width (on the first convolution), else 1.
        conv_bias: Whether the convolutions have biases (see `conv_bn`).
        name: Prefix of the block's layer names.

    Returns:
        The (batch, height / stride, width / stride, filters) output.

    Raises:
        ValueError: If `filters` is not a positive int or `stride` is not 1 or 2.
    """
    _check_block_arguments(filters, stride)
    shortcut = _shortcut(inputs, filters, stride, conv_bias, name)
    hidden = conv_bn(inputs, filters, 3, stride, conv_bias, f"{name}_conv1", f"{name}_bn1")
    hidden = keras.layers.ReLU(name=f"{name}_relu1")(hidden)  # (batch, h, w, filters)
    hidden = conv_bn(hidden, filters, 3, 1, conv_bias, f"{name}_conv2", f"{name}_bn2")
    return _add_and_rectify(shortcut, hidden, name)  # (batch, h, w, filters)


def bottleneck_block(
    inputs: keras.KerasTensor,
    filters: int,
    stride: int = 1,
    conv_bias: bool = False,
    stride_in_1x1: bool = True,
    name: str = "block",
) -> keras.KerasTensor:
    """Apply ResNet-50/101/152's block: 1x1 reduce, 3x3, 1x1 restore (x4), and a shortcut.

    The two 1x1 convolutions let the 3x3 one work on `filters` channels while the block
    passes `4 * filters` channels on: about the cost of a basic block on a signal four
    times wider.

    Args:
        inputs: A (batch, height, width, channels) tensor.
        filters: Channels of the 3x3 convolution, a positive int; the output has
            `4 * filters` channels.
        stride: 2 to halve height and width, else 1.
        conv_bias: Whether the convolutions have biases (see `conv_bn`).
        stride_in_1x1: Where a downsampling block puts its stride. True (the default)
            puts it on the first 1x1 convolution, as the paper's model and
            keras.applications do; False puts it on the 3x3 convolution, as torchvision
            does ("ResNet v1.5"), so every input pixel reaches a spatial filter, at about
            6% more arithmetic for ResNet-50. A stride changes no weight shape, so both
            give the same parameter count.
        name: Prefix of the block's layer names.

    Returns:
        The (batch, height / stride, width / stride, 4 * filters) output.

    Raises:
        ValueError: If `filters` is not a positive int or `stride` is not 1 or 2.
    """
    _check_block_arguments(filters, stride)
    channels = BOTTLENECK_EXPANSION * filters
    stride_1x1, stride_3x3 = (stride, 1) if stride_in_1x1 else (1, stride)
    shortcut = _shortcut(inputs, channels, stride, conv_bias, name)
    hidden = conv_bn(inputs, filters, 1, stride_1x1, conv_bias, f"{name}_conv1", f"{name}_bn1")
    hidden = keras.layers.ReLU(name=f"{name}_relu1")(hidden)  # (batch, h', w', filters)
    hidden = conv_bn(hidden, filters, 3, stride_3x3, conv_bias, f"{name}_conv2", f"{name}_bn2")
    hidden = keras.layers.ReLU(name=f"{name}_relu2")(hidden)  # (batch, h/s, w/s, filters)
    hidden = conv_bn(hidden, channels, 1, 1, conv_bias, f"{name}_conv3", f"{name}_bn3")
    return _add_and_rectify(shortcut, hidden, name)  # (batch, h/s, w/s, 4 * filters)
