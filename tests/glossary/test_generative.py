"""Claims of docs/glossary/generative.md, checked on what the build computed.

Everything random on the page is seeded (seed 0). Values seen when the page was written:
the linear autoencoder's mean squared error is 1.033 times PCA's on the training digits
and 1.040 times on the held-out ones (1.033-1.046 and 1.037-1.052 over seeds 0-2); the
spectrally normalized kernel's largest singular value goes 1.861, 1.177, 1.011, 1.000
after 0, 1, 10 and 50 training calls (at most 1.005 after 50 calls over seeds 0-4).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

pytestmark = pytest.mark.build
PAGE = "glossary/generative.md"
SESSION = "glossary-generative"


# --- Autoencoder ------------------------------------------------------------------------


def test_the_encoder_maps_64_pixels_to_8_numbers_and_the_decoder_back(page):
    encoder, decoder = page["encoder"], page["decoder"]
    assert tuple(encoder.input_shape) == (None, 64) and tuple(encoder.output_shape) == (None, 8)
    assert tuple(decoder.input_shape) == (None, 8) and tuple(decoder.output_shape) == (None, 64)
    # Linear: one Dense layer each side, no activation.
    dense = [layer for layer in page["model"].layers if isinstance(layer, keras.layers.Dense)]
    dense += [
        layer
        for part in (encoder, decoder)
        for layer in part.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    assert len(dense) == 2
    assert all(layer.activation is keras.activations.linear for layer in dense)


def test_the_autoencoder_trained_20_epochs_and_its_loss_fell(page):
    losses = page["epoch_losses"]  # (epochs, models): the mean training loss per epoch
    assert losses.shape == (20, 1)
    assert losses[-1, 0] < 0.5 * losses[0, 0]


def test_pca_error_matches_a_numpy_projection(page):
    # Independent reference: project the centred training images onto their top 8
    # right singular vectors.
    train_x = page["train_x"].astype(np.float64)
    mean = train_x.mean(axis=0)
    _, _, vt = np.linalg.svd(train_x - mean, full_matrices=False)
    basis = vt[:8]  # (8, 64)
    rebuilt = mean + (train_x - mean) @ basis.T @ basis
    assert page["pca_errors"]["train"] == pytest.approx(np.mean((train_x - rebuilt) ** 2), rel=1e-4)


def test_the_linear_autoencoder_approaches_pca_but_cannot_beat_it_on_training_data(page):
    autoencoder, pca = page["autoencoder_errors"], page["pca_errors"]
    # Eckart-Young: no linear map through 8 numbers beats PCA on its own training data.
    assert autoencoder["train"] >= pca["train"] * (1 - 1e-4)
    assert autoencoder["train"] / pca["train"] <= 1.15  # seen: 1.033 (1.033-1.046)
    assert autoencoder["test"] / pca["test"] <= 1.15  # seen: 1.040 (1.037-1.052)
    # Far better than rebuilding every image as the mean image.
    train_x = page["train_x"]
    mean_image_error = np.mean((train_x - train_x.mean(axis=0)) ** 2)
    assert autoencoder["train"] < 0.5 * mean_image_error  # seen: a third


# --- Spectral normalization -------------------------------------------------------------


def test_spectral_normalization_drives_the_largest_singular_value_to_one(page):
    sigmas = page["sigmas"]
    assert sorted(sigmas) == list(range(51))
    assert sigmas[0] > 1.2  # seen: 1.86; the normalization has work to do
    assert sigmas[1] < sigmas[0]
    # The power-iteration estimate never exceeds sigma, so the kernel stays at or above 1.
    assert min(sigmas[calls] for calls in range(1, 51)) >= 1 - 1e-5
    assert sigmas[50] == pytest.approx(1.0, abs=0.01)  # seen: 1.0000 (at most 1.005)
    assert sigmas[10] < sigmas[1]


def test_an_inference_call_leaves_the_kernel_alone(page):
    assert page["after_inference"] == page["sigmas"][0]
    kernel = page["layer"].layer.kernel.numpy().copy()
    page["layer"](page["x"], training=False)
    np.testing.assert_array_equal(page["layer"].layer.kernel.numpy(), kernel)


def test_the_normalized_layer_does_not_lengthen_distances(page):
    # Independent of the SVD: differences of outputs are no longer than those of inputs.
    layer = page["layer"]
    assert page["layer"].layer.kernel.shape == (32, 16)
    rng = np.random.default_rng(1)
    first, second = (rng.normal(size=(500, 32)).astype("float32") for _ in range(2))
    stretch = np.linalg.norm(
        keras.ops.convert_to_numpy(layer(first, training=False) - layer(second, training=False)),
        axis=1,
    ) / np.linalg.norm(first - second, axis=1)
    assert stretch.max() <= page["sigmas"][50] * (1 + 1e-4)
    assert stretch.max() <= 1.01


# --- The page's entries -----------------------------------------------------------------
