"""A small convolutional network for 8x8 images, and the arithmetic of its layers.

`build_small_cnn` stacks `Conv2D -> MaxPooling2D` stages and ends with one softmax
`Dense` layer. The helpers compute what a convolution does to the shape of its input
and how many weights a `Conv2D` or a `Dense` layer holds, so a page can check the
formulas against Keras.
"""

import math
from collections.abc import Sequence

import keras

from dlguide._validation import positive_int

PADDINGS = ("valid", "same")


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: str = "valid") -> int:
    """Return the length of one spatial axis after a convolution or a pooling layer.

    With `padding="valid"` no zeros are added and the window must fit inside the input:
    `floor((size - kernel_size) / stride) + 1`. With `padding="same"` Keras adds just
    enough zeros that every stride position is used: `ceil(size / stride)`.

    Args:
        size: Length of the input axis (height or width), a positive int.
        kernel_size: Length of the window along that axis, a positive int.
        stride: Step between window positions, a positive int.
        padding: "valid" or "same", as in `keras.layers.Conv2D`.

    Returns:
        The length of the output axis.

    Raises:
        ValueError: If `size`, `kernel_size` or `stride` is not a positive int,
            `padding` is unknown, or a "valid" window is larger than the input.
    """
    size = positive_int("size", size)
    kernel_size = positive_int("kernel_size", kernel_size)
    stride = positive_int("stride", stride)
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    if padding == "same":
        return math.ceil(size / stride)
    if kernel_size > size:
        raise ValueError(
            f"kernel_size must be at most size with padding='valid', got {kernel_size} > {size}"
        )
    return (size - kernel_size) // stride + 1


def conv2d_parameter_count(kernel_size: int, in_channels: int, filters: int) -> int:
    """Return the weights of a square `Conv2D` layer with a bias: k * k * c_in * f + f.

    The count does not depend on the height or width of the image: every position
    shares the same `filters` kernels.

    Args:
        kernel_size: Height and width of each kernel, a positive int.
        in_channels: Channels of the input, a positive int.
        filters: Number of kernels (output channels), a positive int.

    Returns:
        The number of parameters.

    Raises:
        ValueError: If an argument is not a positive int.
    """
    kernel_size = positive_int("kernel_size", kernel_size)
    in_channels = positive_int("in_channels", in_channels)
    filters = positive_int("filters", filters)
    return kernel_size * kernel_size * in_channels * filters + filters


def dense_parameter_count(in_features: int, units: int) -> int:
    """Return the weights of a `Dense` layer with a bias: in_features * units + units.

    Args:
        in_features: Inputs of the layer, a positive int.
        units: Outputs of the layer, a positive int.

    Returns:
        The number of parameters.

    Raises:
        ValueError: If an argument is not a positive int.
    """
    in_features = positive_int("in_features", in_features)
    units = positive_int("units", units)
    return in_features * units + units


def build_small_cnn(
    input_shape: Sequence[int] = (8, 8, 1),
    num_classes: int = 10,
    filters: Sequence[int] = (32, 64),
    kernel_size: int = 3,
    name: str | None = None,
) -> keras.Model:
    """Build a CNN of `Conv2D -> MaxPooling2D` stages followed by a softmax classifier.

    Stage `i` is a `kernel_size` x `kernel_size` ReLU convolution with `filters[i]`
    kernels, stride 1 and "same" padding (named `conv_{i+1}`), then a 2x2 max pooling
    (`pool_{i+1}`) that halves the height and width. The feature maps are flattened
    and a `Dense` layer named `output` gives one softmax probability per class. The
    defaults turn an 8x8 grey image into 8x8x32, 4x4x32, 4x4x64 and 2x2x64 maps, then
    256 features and 10 probabilities: 21,386 parameters.

    Args:
        input_shape: (height, width, channels) of one image, positive ints.
        num_classes: Number of classes, a positive int.
        filters: Kernels of each stage, a non-empty sequence of positive ints.
        kernel_size: Height and width of every kernel, a positive int.
        name: Model name; defaults to "cnn_" followed by the filters, e.g. "cnn_32_64".

    Returns:
        An uncompiled `keras.Model` mapping (batch, *input_shape) to
        (batch, num_classes).

    Raises:
        ValueError: If `input_shape` is not three positive ints, `num_classes` or
            `kernel_size` is not a positive int, `filters` is empty or holds something
            other than positive ints, or the image is too small to be halved once per
            stage.
    """
    shape = tuple(input_shape) if not isinstance(input_shape, str | bytes) else ()
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    for axis, value in zip(("height", "width", "channels"), shape, strict=True):
        positive_int(f"input_shape's {axis}", value)
    num_classes = positive_int("num_classes", num_classes)
    kernel_size = positive_int("kernel_size", kernel_size)
    stages = tuple(filters) if not isinstance(filters, str | bytes) else ()
    if not stages:
        raise ValueError(f"filters must be a non-empty sequence of positive ints, got {filters!r}")
    for index, value in enumerate(stages):
        positive_int(f"filters[{index}]", value)
    if min(shape[:2]) < 2 ** len(stages):
        raise ValueError(
            f"input_shape {shape} is too small for {len(stages)} stages: each 2x2 pooling "
            f"halves the height and width, which must stay at least 1"
        )
    if name is None:
        name = "cnn_" + "_".join(str(value) for value in stages)

    inputs = keras.Input(shape=shape, name="inputs")  # (batch, H, W, C)
    hidden = inputs
    for index, stage_filters in enumerate(stages, 1):
        hidden = keras.layers.Conv2D(
            stage_filters,
            kernel_size,
            padding="same",
            activation="relu",
            kernel_initializer="he_normal",
            name=f"conv_{index}",
        )(hidden)  # (batch, H, W, filters)
        # (batch, H/2, W/2, filters): the largest value of each 2x2 window.
        hidden = keras.layers.MaxPooling2D(2, name=f"pool_{index}")(hidden)
    hidden = keras.layers.Flatten(name="flatten")(hidden)  # (batch, H * W * filters)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(
        hidden
    )  # (batch, num_classes)
    return keras.Model(inputs, outputs, name=name)
