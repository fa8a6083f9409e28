"""Claims of docs/glossary/normalization.md, checked on what the build computed.

The page's data come from seeded NumPy generators and scikit-learn's iris set, so most
checks are exact up to float32 rounding; the running statistics after 500 steps are
sample estimates and get margins that hold for any seed.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.preprocessing import StandardScaler

pytestmark = pytest.mark.build
PAGE = "glossary/normalization.md"
SESSION = "glossary-normalization"


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def test_the_normalization_layer_standardizes_like_standard_scaler(page):
    features, standardized = page["features"], page["standardized"]
    assert features.shape == (150, 4)
    normalizer = page["normalizer"]
    np.testing.assert_allclose(_numpy(normalizer.mean)[0], features.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(_numpy(normalizer.variance)[0], features.var(axis=0), rtol=1e-5)
    np.testing.assert_allclose(standardized.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(standardized.std(axis=0), 1, atol=1e-4)
    reference = StandardScaler().fit_transform(features)
    assert np.abs(standardized - reference).max() < 1e-5  # seen: 5.6e-7


def test_correction_other_normalizations_do_not_standardize(page):
    to_unit_range, to_unit_length = page["to_unit_range"], page["to_unit_length"]
    np.testing.assert_allclose(to_unit_range.min(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(to_unit_range.max(axis=0), 1, atol=1e-12)
    features = page["features"]
    lengths = np.linalg.norm(features, axis=1, keepdims=True)
    np.testing.assert_allclose(to_unit_length, features / lengths, rtol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(to_unit_length, axis=1), 1, rtol=1e-12)
    # "Features with means far from zero": every mean is above 0.1 (seen: 0.14-0.75).
    assert to_unit_length.mean(axis=0).min() > 0.1


def test_batch_normalization_keeps_two_trainable_and_two_running_numbers_per_feature(page):
    batch_norm = page["batch_norm"]
    assert [tuple(w.shape) for w in batch_norm.trainable_weights] == [(3,), (3,)]
    assert [w.name for w in batch_norm.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in batch_norm.non_trainable_weights] == ["moving_mean", "moving_variance"]
    assert (batch_norm.momentum, batch_norm.epsilon) == (0.99, 0.001)  # Keras's defaults
    fresh = keras.layers.BatchNormalization()
    assert (fresh.momentum, fresh.epsilon) == (0.99, 0.001)


def test_training_mode_uses_the_batch_statistics_and_moves_the_running_ones(page):
    batch = page["batch"]
    assert batch.shape == (8, 3)
    mean, variance = batch.mean(axis=0), batch.var(axis=0)  # biased variance, over the batch
    expected = (batch - mean) / np.sqrt(variance + 0.001)
    assert np.abs(page["trained"] - expected).max() < 1e-5  # seen: 2.4e-7
    # One step from mean 0 and variance 1 with momentum 0.99.
    np.testing.assert_allclose(page["moving_mean_after_one"], 0.01 * mean, rtol=1e-5)
    np.testing.assert_allclose(page["moving_variance_after_one"], 0.99 + 0.01 * variance, rtol=1e-5)


def test_inference_mode_after_one_step_is_far_from_standardized(page):
    batch = page["batch"]
    mean, variance = page["moving_mean_after_one"], page["moving_variance_after_one"]
    expected = (batch - mean) / np.sqrt(variance + 0.001)
    assert np.abs(page["inferred"] - expected).max() < 1e-5
    assert page["inferred"].mean(axis=0).min() > 3  # seen: 4.33-4.61, not zero
    assert np.abs(page["inferred"] - batch).max() < 0.15 * np.abs(batch).max()  # almost as it was


def test_running_statistics_approach_the_source_after_500_steps(page):
    # The source is N(5, 3^2). Keras averages the biased batch variance (31/32 of 9 here).
    assert np.all(np.abs(page["moving_mean"] - 5.0) < 0.3)  # seen: 4.94-4.95
    assert np.all((page["moving_variance"] > 7.5) & (page["moving_variance"] < 10.0))  # 8.5-8.9
    fresh = page["standardized_fresh"]
    assert np.all(np.abs(fresh.mean(axis=0)) < 0.15)  # seen: at most 0.05
    assert np.all(np.abs(fresh.std(axis=0) - 1) < 0.1)  # seen: 1.01-1.05


def test_batch_normalization_depends_on_the_batch_only_in_training_mode():
    rng = np.random.default_rng(1)
    batch = rng.normal(5.0, 3.0, size=(8, 3)).astype("float32")
    layer = keras.layers.BatchNormalization()
    in_batch = _numpy(layer(batch, training=True))[:1]
    alone = _numpy(layer(batch[:1], training=True))
    assert np.abs(alone - in_batch).max() > 0.1  # the rest of the batch changed the output
    in_batch = _numpy(layer(batch, training=False))[:1]
    alone = _numpy(layer(batch[:1], training=False))
    np.testing.assert_allclose(alone, in_batch, atol=1e-6)


def test_a_frozen_batch_normalization_layer_runs_in_inference_mode():
    batch = np.random.default_rng(2).normal(5.0, 3.0, size=(8, 3)).astype("float32")
    layer = keras.layers.BatchNormalization()
    layer.build(batch.shape)
    layer.trainable = False
    output = _numpy(layer(batch, training=True))
    np.testing.assert_allclose(output, batch / np.sqrt(1 + 0.001), rtol=1e-5)  # running stats
    np.testing.assert_array_equal(layer.moving_mean.numpy(), 0)  # and they did not move


def test_layer_normalization_normalizes_each_example_on_its_own(page):
    activations, normalized = page["activations"], page["normalized"]
    assert activations.shape == (4, 6)
    mean = activations.mean(axis=1, keepdims=True)
    variance = activations.var(axis=1, keepdims=True)
    expected = (activations - mean) / np.sqrt(variance + page["layer_norm"].epsilon)
    assert np.abs(normalized - expected).max() < 1e-5  # seen: 1.2e-7
    np.testing.assert_allclose(normalized.mean(axis=1), 0, atol=1e-5)
    assert np.abs(page["alone"] - normalized[:1]).max() < 1e-6  # seen: 0.0
    assert list(page["layer_norm"].axis) == [-1]  # the default: the last axis


def test_group_normalization_with_one_channel_per_group_is_instance_normalization(page):
    images, normalized = page["images"], page["normalized_images"]
    assert images.shape == (2, 4, 4, 3) and page["instance_norm"].groups == 3
    mean = images.mean(axis=(1, 2), keepdims=True)
    variance = images.var(axis=(1, 2), keepdims=True)
    expected = (images - mean) / np.sqrt(variance + 0.001)
    assert np.abs(normalized - expected).max() < 1e-5  # seen: 2.4e-7
    # The second image has about ten times the contrast; after, every channel has std 1.
    assert images[1].std(axis=(0, 1)).min() > 5 * images[0].std(axis=(0, 1)).max()
    np.testing.assert_allclose(normalized.std(axis=(1, 2)), 1, atol=0.01)


def test_group_normalization_with_one_group_is_layer_normalization_over_all_axes(page):
    images = page["images"]
    one_group = _numpy(keras.layers.GroupNormalization(groups=1)(images))
    over_all_axes = _numpy(keras.layers.LayerNormalization(axis=(1, 2, 3))(images))
    np.testing.assert_allclose(one_group, over_all_axes, atol=1e-5)
    mean = images.mean(axis=(1, 2, 3), keepdims=True)
    variance = images.var(axis=(1, 2, 3), keepdims=True)
    expected = (images - mean) / np.sqrt(variance + 0.001)
    np.testing.assert_allclose(over_all_axes, expected, atol=1e-5)


def test_local_response_normalization_follows_the_formula(page):
    maps, radius = page["maps"], page["radius"]
    assert (radius, page["bias"], page["alpha"], page["beta"]) == (2, 2.0, 1e-4, 0.75)
    # Independent reference: explicit loops over the channel window, cut at the edges.
    expected = np.empty_like(maps)
    channels = maps.shape[-1]
    for c in range(channels):
        window = range(max(0, c - radius), min(channels, c + radius + 1))
        total = sum(maps[..., other] ** 2 for other in window)
        expected[..., c] = maps[..., c] / (2.0 + 1e-4 * total) ** 0.75
    np.testing.assert_allclose(page["by_tf"], expected, rtol=1e-5)
    assert np.abs(page["by_tf"] - page["by_hand"]).max() < 1e-4  # seen: 9.5e-7


def test_tensorflow_s_alpha_is_not_divided_by_the_window_size(page):
    maps = page["maps"]
    caffe_style = tf.nn.local_response_normalization(
        maps, depth_radius=2, bias=2.0, alpha=1e-4 / 5, beta=0.75
    ).numpy()
    assert np.abs(caffe_style - page["by_tf"]).max() > 1e-3  # the same settings differ


def test_correction_keras_3_has_no_lrn_layer():
    assert not hasattr(keras.layers, "LocalResponseNormalization")
    assert hasattr(keras.layers, "BatchNormalization")


def test_keras_3_has_group_and_rms_normalization_but_no_instance_normalization_layer():
    assert not hasattr(keras.layers, "InstanceNormalization")
    assert issubclass(keras.layers.GroupNormalization, keras.layers.Layer)
    # RMS normalization: x / sqrt(mean(x^2) + eps), no mean subtracted, scale starts at 1.
    x = np.array([[1.0, 2.0, 3.0, 6.0]], dtype="float32")
    layer = keras.layers.RMSNormalization()
    expected = x / np.sqrt(np.mean(x**2) + layer.epsilon)
    np.testing.assert_allclose(_numpy(layer(x)), expected, rtol=1e-5)
