"""Claims of docs/tutorials/tensors.md, checked on what the build computed.

The page runs in one markdown-exec session, "tensors"; these tests read the tensors it
ended with (nothing on the page is run twice) and check each statement of the prose
against them, against NumPy as an independent reference where there is one, and, for the
errors the page shows, by calling the failing operation on the page's own tensors.
Nothing on the page is random, so the margins are those of float32 arithmetic.
"""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlguide.report import show_error

pytestmark = pytest.mark.build
PAGE = "tutorials/tensors.md"
SESSION = "tensors"


# Rank, shape and dtype


def test_the_seed_examples_have_the_ranks_and_shapes_the_page_states(page):
    expected = {
        "scalar": ((), 0, 1),
        "vector": ((3,), 1, 3),
        "matrix": ((2, 3), 2, 6),
        "tensor_3d": ((2, 2, 3), 3, 12),
    }
    assert list(page["examples"]) == list(expected)
    for name, (shape, rank, size) in expected.items():
        tensor = page[name]
        assert tuple(tensor.shape) == shape, name
        assert tensor.ndim == rank == len(tensor.shape), name
        assert int(tf.size(tensor)) == size == int(np.prod(shape)), name
        assert tensor.dtype == tf.int32, name
    np.testing.assert_array_equal(page["matrix"], [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(
        page["tensor_3d"], [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]
    )


def test_a_shape_of_three_axes_is_a_stack_of_matrices(page):
    stack = page["stack"]
    assert tuple(stack.shape) == (3, 4, 5) and len(stack) == 3
    assert all(tuple(stack[index].shape) == (4, 5) for index in range(3))


def test_tensor_rank_is_not_the_rank_of_linear_algebra(page):
    dependent_rows = page["dependent_rows"].numpy()
    np.testing.assert_array_equal(dependent_rows[1], 2 * dependent_rows[0])
    assert page["dependent_rows"].ndim == 2
    assert np.linalg.matrix_rank(dependent_rows) == 1


def test_tf_constant_infers_32_bit_types_where_numpy_infers_64(page):
    dtypes = {source: tensor.dtype for source, tensor in page["made_from"].items()}
    assert dtypes == {
        "a Python int": tf.int32,
        "a Python float": tf.float32,
        "a NumPy array": tf.float64,
        "dtype=tf.float16": tf.float16,
    }
    assert np.array(7).dtype == np.int64 and np.array(0.5).dtype == np.float64


def test_keras_layers_compute_in_float32():
    assert keras.config.floatx() == "float32"
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    assert layer.kernel.dtype == "float32"


def test_images_have_three_axes_and_videos_five_in_keras():
    # A batch of colour images is what Conv2D takes; a batch of colour videos, Conv3D.
    assert keras.layers.Conv2D(1, 3)(tf.zeros((2, 8, 8, 3))).shape == (2, 6, 6, 1)
    assert keras.layers.Conv3D(1, 3)(tf.zeros((2, 4, 8, 8, 3))).shape == (2, 2, 6, 6, 1)
    with pytest.raises(ValueError):
        keras.layers.Conv2D(1, 3)(tf.zeros((2, 4, 8, 8, 3)))


# A batch of images


def test_the_photo_batch_is_nhwc_uint8_with_the_stated_sizes(page):
    images = page["images"]
    assert tuple(images.shape) == (2, 427, 640, 3)
    assert images.dtype == tf.uint8 and (images.dtype.min, images.dtype.max) == (0, 255)
    assert int(tf.size(images)) == 2 * 427 * 640 * 3 == 1_639_680
    assert images[0].ndim == 3  # one colour image: height, width, channel
    assert keras.config.image_data_format() == "channels_last"


def test_the_figure_is_labelled_with_the_batch_shape(page):
    svg = page["batch_svg"]
    assert svg.startswith("<svg") and 'role="img"' in svg
    for label in (
        "N = 2 images",
        "H = 427",
        "W = 640",
        "C = 3",
        "shape (N, H, W, C) = (2, 427, 640, 3)",
    ):
        assert label in svg, label


def test_nchw_holds_the_same_numbers_in_another_order(page):
    images, channels_first = page["images"].numpy(), page["channels_first"].numpy()
    assert channels_first.shape == (2, 3, 427, 640)
    np.testing.assert_array_equal(channels_first, images.transpose(0, 3, 1, 2))


# Everyday operations


def test_arithmetic_is_element_wise_and_matmul_is_the_matrix_product(page):
    a, b = page["a"].numpy(), page["b"].numpy()
    np.testing.assert_allclose(page["elementwise_product"], a * b)
    np.testing.assert_allclose(page["matrix_product"], a @ b)
    np.testing.assert_allclose(page["a"] @ page["b"], page["matrix_product"])
    np.testing.assert_allclose(page["a"] + page["b"], a + b)
    np.testing.assert_allclose(tf.sqrt(page["a"]), np.sqrt(a), rtol=1e-6)
    assert not np.allclose(a * b, a @ b)
    assert tuple(page["batched"].shape) == (5, 2, 4)


def _stated_broadcast_rule(left, right):
    """The page's three steps, written out; None when the shapes are incompatible."""
    rank = max(len(left), len(right))
    left = (1,) * (rank - len(left)) + tuple(left)
    right = (1,) * (rank - len(right)) + tuple(right)
    if any(a != b and 1 not in (a, b) for a, b in zip(left, right, strict=True)):
        return None
    return tuple(max(a, b) for a, b in zip(left, right, strict=True))


def test_tensorflow_and_numpy_broadcast_by_the_rule_the_page_states():
    sizes = [(), (1,), (3,), (2,), (2, 1), (1, 3), (2, 3), (3, 1), (4, 1, 3), (4, 2, 1)]
    for left, right in itertools.product(sizes, repeat=2):
        expected = _stated_broadcast_rule(left, right)
        if expected is None:
            with pytest.raises(tf.errors.InvalidArgumentError):
                tf.zeros(left) + tf.zeros(right)
            with pytest.raises(ValueError):
                np.broadcast_shapes(left, right)
        else:
            assert tuple((tf.zeros(left) + tf.zeros(right)).shape) == expected, (left, right)
            assert np.broadcast_shapes(left, right) == expected, (left, right)


def test_the_broadcasting_examples(page):
    matrix = page["matrix"].numpy()
    np.testing.assert_array_equal(page["matrix"] + page["row"], matrix + [10, 20, 30])
    assert tuple(page["outer_sum"].shape) == (3, 3)
    np.testing.assert_array_equal(page["outer_sum"], np.add.outer([100, 200, 300], [10, 20, 30]))
    error = show_error(lambda: page["matrix"] + page["per_row"], width=None)
    assert error.startswith("InvalidArgumentError: Incompatible shapes: [2,3] vs. [2]")
    fixed = page["matrix"] + page["per_row"][:, tf.newaxis]
    np.testing.assert_array_equal(fixed, matrix + [[10], [20]])


def test_an_n_by_1_output_minus_n_labels_silently_gives_n_by_n(page):
    assert tuple(page["wrong"].shape) == (4, 4) and tuple(page["right"].shape) == (4, 1)
    np.testing.assert_array_equal(page["model_outputs"][:, 0], page["labels"])
    assert float(tf.reduce_mean(page["right"] ** 2)) == 0.0
    assert float(tf.reduce_mean(page["wrong"] ** 2)) == pytest.approx(2.5)


def test_reshape_keeps_the_order_and_transpose_moves_elements(page):
    matrix = page["matrix"].numpy()
    reshaped, transposed = page["reshaped"].numpy(), page["transposed"].numpy()
    assert reshaped.shape == transposed.shape == (3, 2)
    np.testing.assert_array_equal(reshaped.ravel(), matrix.ravel())
    np.testing.assert_array_equal(transposed, matrix.T)
    assert not np.array_equal(reshaped, transposed)
    error = show_error(lambda: tf.reshape(page["matrix"], (4, 2)), width=None)
    assert "Input to reshape is a tensor with 6 values, but the requested shape has 8" in error


def test_indexing_works_as_in_numpy(page):
    matrix, images = page["matrix"], page["images"]
    as_array = matrix.numpy()
    np.testing.assert_array_equal(matrix[1], as_array[1])
    np.testing.assert_array_equal(matrix[:, 1], as_array[:, 1])
    assert matrix[-1, -1].ndim == 0 and int(matrix[-1, -1]) == 6
    assert matrix[1].ndim == 1 and tuple(matrix[1:2].shape) == (1, 3)  # slices keep axes
    assert tuple(images[0].shape) == (427, 640, 3)
    assert tuple(images[..., 0].shape) == (2, 427, 640)
    assert (
        tuple(images[:, ::8, ::8, :].shape) == (2, 54, 80, 3) == (2, -(-427 // 8), -(-640 // 8), 3)
    )


def test_list_indices_fail_and_gather_picks_in_the_order_given(page):
    error = show_error(lambda: page["matrix"][:, [2, 0]], width=None)
    assert error.startswith("TypeError: Only integers, slices")
    picked = tf.gather(page["matrix"], [2, 0], axis=1)
    np.testing.assert_array_equal(picked, page["matrix"].numpy()[:, [2, 0]])
    reversed_batch = tf.gather(page["images"], [1, 0])
    np.testing.assert_array_equal(reversed_batch[0], page["images"][1])


def test_cast_truncates_towards_zero_and_round_goes_to_even(page):
    measurements = page["measurements"]
    np.testing.assert_array_equal(tf.cast(measurements, tf.int32), [-1, 0, 2])
    np.testing.assert_array_equal(tf.cast(tf.round(measurements), tf.int32), [-2, 0, 3])
    np.testing.assert_array_equal(tf.round([0.5, 1.5, 2.5, -0.5]), [0.0, 2.0, 2.0, -0.0])


def test_uint8_images_must_be_cast_before_dividing_by_a_float(page):
    error = show_error(lambda: page["images"] / 255.0, width=None)
    assert error.startswith("TypeError: `x` and `y` must have the same dtype")
    pixels = page["pixels"]
    assert pixels.dtype == tf.float32
    assert float(tf.reduce_min(pixels)) == 0.0 and float(tf.reduce_max(pixels)) == 1.0
    assert (page["images"].dtype.size, pixels.dtype.size) == (1, 4)


def test_uint8_arithmetic_wraps_around(page):
    np.testing.assert_array_equal(page["brightness"] * 2, [200, 144])
    np.testing.assert_array_equal(page["brightness"] * 2, (2 * np.array([100, 200])) % 256)


def test_float32_takes_four_times_the_memory_of_uint8(page):
    megabytes = page["megabytes"]
    assert megabytes["uint8"] == pytest.approx(1.63968)
    assert megabytes["float32"] == pytest.approx(4 * megabytes["uint8"])
    assert f"{megabytes['float32']:.1f} {megabytes['uint8']:.1f}" == "6.6 1.6"


def test_reductions_along_an_axis(page):
    matrix = page["matrix"]
    assert int(tf.reduce_sum(matrix)) == 21
    np.testing.assert_array_equal(tf.reduce_sum(matrix, axis=0), [5, 7, 9])
    np.testing.assert_array_equal(tf.reduce_sum(matrix, axis=1), [6, 15])
    assert tuple(tf.reduce_sum(matrix, axis=1, keepdims=True).shape) == (2, 1)


def test_the_mean_of_integers_is_an_integer(page):
    mean = tf.reduce_mean(page["matrix"])
    assert mean.dtype == tf.int32 and int(mean) == 3
    assert float(tf.reduce_mean(tf.cast(page["matrix"], tf.float32))) == 3.5
    assert float(np.mean(page["matrix"])) == 3.5  # NumPy, as the page says later


def test_channel_means_agree_with_numpy(page):
    images = page["images"].numpy()
    assert tuple(page["channel_means"].shape) == (3,)
    in_float32 = (images.astype(np.float32) / 255).mean(axis=(0, 1, 2))
    np.testing.assert_allclose(page["channel_means"], in_float32, rtol=1e-6)
    # Summing 546,560 float32 values per channel costs digits: seen 1.6e-3 relative.
    exact = images.astype(np.float64).mean(axis=(0, 1, 2)) / 255
    np.testing.assert_allclose(page["channel_means"], exact, rtol=5e-3)


def test_concat_grows_an_axis_and_stack_adds_one(page):
    shapes = {how: tuple(result.shape) for how, result in page["joined"].items()}
    assert shapes == {
        "concat, axis=0": (4, 3),
        "concat, axis=1": (2, 6),
        "stack, axis=0": (2, 2, 3),
        "stack, axis=-1": (2, 3, 2),
    }
    np.testing.assert_array_equal(page["joined"]["stack, axis=0"], page["tensor_3d"])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.stack([page["first"], tf.transpose(page["first"])])


def test_variables_change_in_place_and_tensors_do_not(page):
    np.testing.assert_array_equal(page["weights"].numpy(), [-1.0, 5.5, 6.5])
    assert show_error(page["overwrite_first_element"], width=None) == (
        "TypeError: 'tensorflow.python.framework.ops.EagerTensor' object does not "
        "support item assignment"
    )
    np.testing.assert_array_equal(page["updated"], [-1.0, 2.0, 3.0])
    np.testing.assert_array_equal(page["constant"], [1.0, 2.0, 3.0])
    error = show_error(lambda: page["weights"].assign([1.0, 2.0]), width=None)
    assert error.startswith("ValueError:") and "Shape mismatch" in error
    # The dtype is fixed too, and assign_sub exists next to assign_add.
    variable = tf.Variable([1.0, 2.0])
    with pytest.raises((TypeError, ValueError, tf.errors.InvalidArgumentError)):
        variable.assign(tf.constant([1, 2]))
    variable.assign_sub([1.0, 1.0])
    np.testing.assert_array_equal(variable, [0.0, 1.0])


def test_keras_weights_are_tf_variables_underneath():
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    assert isinstance(layer.kernel, keras.Variable)
    assert isinstance(layer.kernel.value, tf.Variable)


def test_conversion_to_and_from_numpy_keeps_the_dtype(page):
    assert isinstance(page["as_array"], np.ndarray)
    assert page["as_array"].dtype == np.int32 and page["as_array"].shape == (2, 3)
    assert isinstance(page["back"], tf.Tensor) and page["back"].dtype == tf.int32
    assert isinstance(np.mean(page["matrix"]), np.floating)
    assert isinstance(page["matrix"] + np.ones((2, 3), dtype=np.int32), tf.Tensor)


def test_the_first_gradients(page):
    assert float(page["dy_dx"]) == 6.0 == 2 * float(page["x"])
    np.testing.assert_allclose(page["predictions"] - page["targets"], [-1.0, -1.0, -1.0])
    assert float(page["loss"]) == pytest.approx(1.0)
    assert [float(g) for g in page["loss_gradients"]] == pytest.approx([-4.0, -2.0])


def test_negative_gradients_mean_increasing_the_variable_lowers_the_loss(page):
    inputs, targets = page["inputs"], page["targets"]

    def loss(slope, intercept):
        return float(tf.reduce_mean((slope * inputs + intercept - targets) ** 2))

    slope, intercept = float(page["slope"]), float(page["intercept"])
    assert loss(slope + 0.01, intercept) < loss(slope, intercept)
    assert loss(slope, intercept + 0.01) < loss(slope, intercept)


# Errors and their fixes


def test_a_kernel_the_wrong_way_round_fails_and_transpose_b_fixes_it(page):
    error = show_error(lambda: tf.matmul(page["features"], page["kernel"]), width=None)
    assert error.startswith(
        "InvalidArgumentError: Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3]"
    )
    fixed = tf.matmul(page["features"], page["kernel"], transpose_b=True)
    expected = page["features"].numpy() @ page["kernel"].numpy().T
    np.testing.assert_allclose(fixed, expected)
    np.testing.assert_allclose(fixed, [[4.0, 5.0], [10.0, 11.0]])


def test_tensorflow_never_mixes_dtypes_and_numpy_does(page):
    counts, scale = page["counts"], page["scale"]
    assert (counts.dtype, scale.dtype) == (tf.int32, tf.float32)
    error = show_error(lambda: counts + scale, width=None)
    assert error.startswith("InvalidArgumentError: cannot compute AddV2")
    assert "expected to be a int32 tensor but is a float tensor" in error
    assert page["weights_from_numpy"].dtype == tf.float64
    error = show_error(lambda: tf.matmul(page["features"], page["weights_from_numpy"]))
    assert "expected to be a float tensor but is a double tensor" in error.replace("\n  ", " ")
    assert (np.array([1, 2, 3]) + np.array([0.5, 0.5, 0.5])).dtype == np.float64
    np.testing.assert_allclose(tf.cast(counts, tf.float32) + scale, [1.5, 2.5, 3.5])


def test_a_loss_computed_outside_the_tape_has_no_gradient(page):
    assert page["outside_gradients"] == [None, None]
    inside = [float(gradient) for gradient in page["inside_gradients"]]
    assert inside == pytest.approx([float(g) for g in page["loss_gradients"]])


def test_unwatched_constants_and_numpy_detours_also_give_none():
    constant = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = constant * constant
    assert tape.gradient(y, constant) is None
    with tf.GradientTape() as tape:
        tape.watch(constant)
        y = constant * constant
    assert float(tape.gradient(y, constant)) == 6.0
    variable = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = tf.constant(variable.numpy() ** 2)
    assert tape.gradient(y, variable) is None
