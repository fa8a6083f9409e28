import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models import cnn

# (size, kernel, stride, padding) -> output length, worked out by hand: "valid" keeps the
# window inside the input, "same" keeps one output per stride position.
OUTPUT_SIZES = {
    (32, 3, 1, "valid"): 30,
    (32, 3, 1, "same"): 32,
    (32, 3, 2, "same"): 16,
    (32, 3, 2, "valid"): 15,
    (32, 5, 2, "valid"): 14,
    (7, 3, 2, "same"): 4,
    (7, 7, 1, "valid"): 1,
    (224, 7, 2, "same"): 112,
    (1, 3, 1, "same"): 1,
}


@pytest.mark.parametrize(("case", "expected"), OUTPUT_SIZES.items())
def test_output_size_by_hand_and_against_keras(case, expected):
    size, kernel, stride, padding = case
    assert cnn.conv_output_size(size, kernel, stride, padding) == expected
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
    assert layer.compute_output_shape((None, size, size, 1))[1:3] == (expected, expected)
    pool = keras.layers.MaxPooling2D(kernel, strides=stride, padding=padding)
    assert pool.compute_output_shape((None, size, size, 1))[1:3] == (expected, expected)


@pytest.mark.parametrize(
    ("kernel", "in_channels", "filters", "side"),
    [(3, 1, 32, 8), (3, 1, 32, 224), (3, 32, 64, 4), (5, 3, 6, 32), (1, 64, 16, 14)],
)
def test_conv2d_count_matches_keras_and_ignores_the_image_size(kernel, in_channels, filters, side):
    layer = keras.layers.Conv2D(filters, kernel)
    layer.build((None, side, side, in_channels))
    expected = kernel * kernel * in_channels * filters + filters
    assert cnn.conv2d_parameter_count(kernel, in_channels, filters) == expected
    assert layer.count_params() == expected


def test_dense_count_matches_keras():
    layer = keras.layers.Dense(32)
    layer.build((None, 64))
    assert cnn.dense_parameter_count(64, 32) == layer.count_params() == 64 * 32 + 32


def test_default_cnn_layers_shapes_and_count():
    model = cnn.build_small_cnn()
    assert model.name == "cnn_32_64"
    assert model.input_shape == (None, 8, 8, 1) and model.output_shape == (None, 10)
    names = [layer.name for layer in model.layers[1:]]
    assert names == ["conv_1", "pool_1", "conv_2", "pool_2", "flatten", "output"]
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers[1:]]
    assert shapes == [(8, 8, 32), (4, 4, 32), (4, 4, 64), (2, 2, 64), (256,), (10,)]
    expected = (
        cnn.conv2d_parameter_count(3, 1, 32)
        + cnn.conv2d_parameter_count(3, 32, 64)
        + cnn.dense_parameter_count(256, 10)
    )
    assert model.count_params() == expected == 21_386
    assert model.layers[-1].activation.__name__ == "softmax"


def test_custom_cnn_on_a_colour_image():
    model = cnn.build_small_cnn((32, 32, 3), num_classes=5, filters=(4, 8, 16), kernel_size=5)
    assert model.name == "cnn_4_8_16"
    assert model.output_shape == (None, 5)
    assert model.get_layer("pool_3").output.shape[1:] == (4, 4, 16)
    # Only the classifier grows with the image; the convolutions do not.
    conv_weights = sum(model.get_layer(f"conv_{i}").count_params() for i in (1, 2, 3))
    assert conv_weights == (5 * 5 * 3 * 4 + 4) + (5 * 5 * 4 * 8 + 8) + (5 * 5 * 8 * 16 + 16)


def test_cnn_outputs_probabilities():
    set_seed(0)
    model = cnn.build_small_cnn(name="probe")
    assert model.name == "probe"
    x = np.random.default_rng(0).random((3, 8, 8, 1)).astype("float32")
    probabilities = np.asarray(model(x))
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (8, 8)}, r"^input_shape must be \(height, width, channels\)"),
        ({"input_shape": "881"}, r"^input_shape must be \(height, width, channels\)"),
        ({"input_shape": (8, 0, 1)}, r"^input_shape's width must be a positive int"),
        ({"num_classes": 0}, r"^num_classes must be a positive int"),
        ({"kernel_size": 2.5}, r"^kernel_size must be a positive int"),
        ({"filters": ()}, r"^filters must be a non-empty sequence"),
        ({"filters": (16, -1)}, r"^filters\[1\] must be a positive int"),
        ({"filters": (8, 8, 8, 8)}, r"^input_shape \(8, 8, 1\) is too small for 4 stages"),
    ],
)
def test_build_small_cnn_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cnn.build_small_cnn(**kwargs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cnn.conv_output_size(0, 3), r"^size must be a positive int"),
        (lambda: cnn.conv_output_size(8, True), r"^kernel_size must be a positive int"),
        (lambda: cnn.conv_output_size(8, 3, 0), r"^stride must be a positive int"),
        (lambda: cnn.conv_output_size(8, 3, 1, "full"), r"^padding must be 'valid' or 'same'"),
        (lambda: cnn.conv_output_size(2, 3), r"^kernel_size must be at most size"),
        (lambda: cnn.conv2d_parameter_count(3, 0, 8), r"^in_channels must be a positive int"),
        (lambda: cnn.conv2d_parameter_count(3, 1, 0), r"^filters must be a positive int"),
        (lambda: cnn.dense_parameter_count(-1, 8), r"^in_features must be a positive int"),
        (lambda: cnn.dense_parameter_count(8, None), r"^units must be a positive int"),
    ],
)
def test_helpers_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
