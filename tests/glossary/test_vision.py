"""Claims of docs/glossary/vision.md, checked on what the build computed.

Nothing on the page is random in a way that matters (the arrays are hand-made; the random
weights and maps only feed identities such as "same equals pad-then-valid"), so the
expected values below are exact. Each independent reference is computed here: a NumPy
sliding window, SciPy, explicit padding, a gradient, or the closed-form formula.
"""

from __future__ import annotations

import inspect
import math

import keras
import numpy as np
import pytest
import scipy.signal
import tensorflow as tf

from dlguide.models.cnn import conv_output_size

pytestmark = pytest.mark.build
PAGE = "glossary/vision.md"
SESSION = "glossary-vision"


def _correlate(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of two 2-D arrays, one window at a time."""
    k = kernel.shape[0]
    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array(
        [[np.sum(image[i : i + k, j : j + k] * kernel) for j in range(cols)] for i in range(rows)]
    )


def _block_reduce(grid: np.ndarray, reduce) -> np.ndarray:
    """Reduce each non-overlapping 2x2 block of a 2-D array with a loop."""
    return np.array(
        [
            [reduce(grid[i : i + 2, j : j + 2]) for j in range(0, grid.shape[1], 2)]
            for i in range(0, grid.shape[0], 2)
        ]
    )


# Filter


def test_the_edge_filter_output_is_a_cross_correlation_not_a_convolution(page):
    response, image, edge = page["edge_response"], page["image"], page["edge_filter"]
    assert response.shape == (4, 4)
    np.testing.assert_array_equal(response, _correlate(image, edge))
    np.testing.assert_array_equal(response, page["correlated"])
    # The mathematical convolution flips the kernel: same numbers, opposite sign here.
    np.testing.assert_array_equal(page["convolved"], -response)
    assert not np.array_equal(page["convolved"], response)


def test_the_edge_filter_responds_in_exactly_two_columns(page):
    response = page["edge_response"]
    responding = [column for column in range(4) if np.any(response[:, column] != 0)]
    assert responding == [1, 2]  # the windows that straddle the edge at column 3
    assert np.all(response[:, responding] == 3.0)


def test_a_filter_spans_every_input_channel(page):
    # The correction: a filter is a k x k x C_in block, not a flat matrix.
    assert page["rgb_kernel"].shape == (3, 3, 3, 16)
    assert page["rgb_bias"].shape == (16,)
    assert page["rgb_kernel"][..., 0].size == 27
    assert page["edge_conv"].get_weights()[0].shape == (3, 3, 1, 1)


# Feature map


def test_a_layer_outputs_one_feature_map_per_filter(page):
    assert tuple(page["first_maps"].shape) == (2, 32, 32, 16)
    assert tuple(page["second_maps"].shape) == (2, 16, 16, 32)


# Stride


def test_a_3x3_stride_2_convolution_maps_32_to_16_with_same_and_15_with_valid(page):
    sides = page["stride_sides"]
    assert sides[2, "same"] == (16, 16)
    assert sides[2, "valid"] == (15, 15)
    assert sides[1, "same"] == (32, 32)
    assert sides[1, "valid"] == (30, 30)


def test_keras_output_sizes_follow_the_formulas(page):
    for (stride, padding), (keras_side, _) in page["stride_sides"].items():
        if padding == "valid":
            assert keras_side == math.floor((32 + 2 * 0 - 3) / stride) + 1
        else:
            assert keras_side == math.ceil(32 / stride)
        assert keras_side == conv_output_size(32, 3, stride, padding)


# Zero padding


def test_same_padding_is_one_ring_of_zeros_then_valid_for_a_3x3_kernel(page):
    assert tuple(page["padded"].shape) == (1, 7, 7, 1)
    np.testing.assert_allclose(page["same_output"], page["padded_output"], rtol=1e-6)
    # Independent reference: pad with NumPy, correlate with SciPy.
    kernel = page["same_conv"].get_weights()[0][:, :, 0, 0]
    ramp = page["ramp"][0, :, :, 0]
    expected = scipy.signal.correlate2d(np.pad(ramp, 1), kernel, mode="valid")
    np.testing.assert_allclose(page["same_output"][0, :, :, 0], expected, rtol=1e-5, atol=1e-5)


def test_same_padding_keeps_the_size_only_at_stride_1(page):
    # The correction: 'same' halves 32x32 at stride 2.
    assert page["same_sides"] == {(3, 1): 32, (3, 2): 16, (4, 1): 32}


def test_symmetric_padding_cannot_keep_the_size_with_an_even_kernel(page):
    assert page["symmetric_sides"] == {1: 31, 2: 33}
    for zeros, side in page["symmetric_sides"].items():
        assert side == (32 + 2 * zeros - 4) // 1 + 1 != 32


def test_keras_puts_the_extra_zero_at_the_bottom_and_right():
    image = np.random.default_rng(0).random((1, 6, 6, 1)).astype("float32")
    same = keras.layers.Conv2D(1, 2, padding="same", use_bias=False)
    valid = keras.layers.Conv2D(1, 2, padding="valid", use_bias=False)
    same.build(image.shape)
    valid.build((1, 7, 7, 1))
    valid.set_weights(same.get_weights())
    after = keras.layers.ZeroPadding2D(((0, 1), (0, 1)))(image)
    before = keras.layers.ZeroPadding2D(((1, 0), (1, 0)))(image)
    np.testing.assert_allclose(same(image), valid(after), rtol=1e-6)
    assert not np.allclose(same(image), valid(before))


# Weight sharing


def test_weight_sharing_counts_follow_the_formulas(page):
    assert page["shared"].count_params() == 3 * 3 * 3 * 8 + 8 == 224
    assert page["dense"].count_params() == 768 * 2048 + 2048 == 1_574_912


def test_the_convolution_count_does_not_depend_on_the_image_size(page):
    larger = keras.layers.Conv2D(8, 3, padding="same")
    larger.build((None, 64, 64, 3))
    assert larger.count_params() == page["shared"].count_params()


def test_the_convolution_is_equivariant_to_a_shift(page):
    scene_maps, moved_maps = page["scene_maps"], page["moved_maps"]
    assert scene_maps.shape == moved_maps.shape == (1, 10, 10, 4)
    np.testing.assert_allclose(moved_maps[:, :, 2:], scene_maps[:, :, :-2], rtol=1e-5, atol=1e-6)
    assert not np.allclose(moved_maps, scene_maps)  # the maps did move


# Pooling


def test_average_and_max_pooling_match_block_reductions(page):
    grid = page["grid"]
    np.testing.assert_array_equal(page["averaged"], _block_reduce(grid, np.mean))
    np.testing.assert_array_equal(page["averaged"], [[2.5, 6.5], [1.0, 4.0]])
    np.testing.assert_array_equal(page["maxed"], _block_reduce(grid, np.max))
    np.testing.assert_array_equal(page["maxed"], [[4.0, 8.0], [4.0, 9.0]])


def test_pooling_windows_do_not_overlap_by_default():
    # Max pooling defaults to 2x2 windows; average pooling needs its pool_size.
    assert inspect.signature(keras.layers.MaxPooling2D).parameters["pool_size"].default == (2, 2)
    no_default = inspect.Parameter.empty
    assert (
        inspect.signature(keras.layers.AveragePooling2D).parameters["pool_size"].default
        is no_default
    )
    for layer_class in (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D):
        assert inspect.signature(layer_class).parameters["strides"].default is None
        layer = layer_class(pool_size=3)
        pooled = layer(np.zeros((1, 6, 6, 5), dtype="float32"))
        assert tuple(pooled.shape) == (1, 2, 2, 5)  # no overlap; channels unchanged
        assert layer.weights == []


def test_pooling_tolerates_a_shift_only_inside_its_window(page):
    # The correction: limited translation invariance.
    assert page["shift_unchanged"] == {(2, 3): True, (3, 4): False}
    for column in range(8):
        dot = np.zeros((4, 8))
        dot[1, column] = 1.0
        np.testing.assert_array_equal(page["pooled_dot"](column), _block_reduce(dot, np.max))


def test_max_pooling_sends_the_gradient_to_the_maximum_only(page):
    grid = tf.constant(page["grid_batch"])
    with tf.GradientTape() as tape:
        tape.watch(grid)
        total = tf.reduce_sum(keras.layers.MaxPooling2D(pool_size=2)(grid))
    gradient = tape.gradient(total, grid).numpy()[0, :, :, 0]
    expected = np.zeros((4, 4))
    for i in (0, 2):
        for j in (0, 2):
            block = page["grid"][i : i + 2, j : j + 2]
            row, col = np.unravel_index(np.argmax(block), (2, 2))
            expected[i + row, j + col] = 1.0
    np.testing.assert_array_equal(gradient, expected)


def test_global_average_pooling_is_the_mean_over_height_and_width(page):
    final_maps, pooled_maps = page["final_maps"], page["pooled_maps"]
    assert pooled_maps.shape == (2, 4)
    np.testing.assert_allclose(pooled_maps, final_maps.sum(axis=(1, 2)) / (5 * 7), rtol=1e-6)
    assert tuple(page["larger"].shape) == (2, 4)
    layer = keras.layers.GlobalAveragePooling2D()
    layer(final_maps)
    assert layer.weights == []
    kept = keras.layers.GlobalAveragePooling2D(keepdims=True)(final_maps)
    assert tuple(kept.shape) == (2, 1, 1, 4)


# Upsampling


def test_nearest_upsampling_repeats_each_value_over_a_2x2_block(page):
    small = page["small"][0, :, :, 0]
    np.testing.assert_array_equal(page["nearest"], np.kron(small, np.ones((2, 2))))
    layer = keras.layers.UpSampling2D()
    layer(page["small"])
    assert layer.weights == []


def test_a_stride_2_same_transposed_convolution_doubles_the_size(page):
    assert tuple(page["transposed_output"].shape) == (1, 4, 4, 8)
    assert page["transposed"].count_params() == 3 * 3 * 1 * 8 + 8 == 80


def test_a_transposed_convolution_is_the_gradient_of_a_strided_convolution():
    rng = np.random.default_rng(0)
    inputs = tf.constant(rng.random((1, 4, 4, 3)), dtype=tf.float32)
    upstream = rng.random((1, 2, 2, 8)).astype("float32")
    conv = keras.layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)
    conv.build(inputs.shape)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        weighted = tf.reduce_sum(conv(inputs) * upstream)
    gradient = tape.gradient(weighted, inputs).numpy()
    transposed = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same", use_bias=False)
    transposed.build(upstream.shape)
    transposed.set_weights(conv.get_weights())  # both kernels are (3, 3, 3, 8)
    np.testing.assert_allclose(transposed(upstream), gradient, rtol=1e-5, atol=1e-6)


# Bounding box


def test_the_boxes_iou_is_one_seventh_by_hand_and_by_keras(page):
    np.testing.assert_array_equal(page["predicted"], [30, 40, 70, 80])
    overlap = (50 - 30) * (60 - 40)
    union = 40 * 40 + 40 * 40 - overlap
    assert (overlap, union) == (400, 2800)
    assert page["box_iou"] == pytest.approx(overlap / union) == pytest.approx(1 / 7)
    assert page["keras_iou"] == pytest.approx(1 / 7, rel=1e-6)


def test_iou_is_one_for_identical_boxes_and_zero_for_disjoint_ones(page):
    iou = page["iou"]
    assert iou((0, 0, 4, 3), (0, 0, 4, 3)) == 1.0
    assert iou((0, 0, 4, 3), (5, 5, 9, 9)) == 0.0


# Convolutional neural network


def test_convolutions_run_over_one_and_three_spatial_axes():
    # The correction: CNNs are not only for images.
    series = keras.layers.Conv1D(4, 5)(np.zeros((2, 100, 3), dtype="float32"))
    assert tuple(series.shape) == (2, 96, 4)
    clip = keras.layers.Conv3D(4, 3)(np.zeros((1, 8, 16, 16, 3), dtype="float32"))
    assert tuple(clip.shape) == (1, 6, 14, 14, 4)


def test_keras_box_formats_are_as_the_page_lists_them():
    boxes = keras.utils.bounding_boxes
    xyxy = np.array([[10, 20, 50, 60]], dtype="float32")  # left, top, right, bottom

    def convert(target, **size):
        return np.asarray(boxes.convert_format(xyxy, source="xyxy", target=target, **size))

    np.testing.assert_allclose(convert("xywh"), [[10, 20, 40, 40]])
    np.testing.assert_allclose(convert("yxyx"), [[20, 10, 60, 50]])
    np.testing.assert_allclose(convert("center_xywh"), [[30, 40, 40, 40]])
    np.testing.assert_allclose(convert("rel_xyxy", height=200, width=100), [[0.1, 0.1, 0.5, 0.3]])
    flip = keras.layers.RandomFlip("horizontal", bounding_box_format="xyxy")
    assert flip.bounding_box_format == "xyxy"
