"""Claims of docs/glossary/regularization.md, checked on what the build computed.

Everything random on the page is seeded (seed 0). Values seen when the page was written:
polynomial fits (training, held-out MSE) degree 1 (0.244, 0.276), degree 4 (0.066, 0.051),
degree 15 (0.005, about 1e4); ridge-penalized degree 15 (0.319, 0.380); early stopping
after epoch 17, best epoch 12, first worse epoch 9 (validation loss 0.402 best, 0.428
last); dropout zeroed 0.253 of 10,000 values.
"""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.preprocessing import PolynomialFeatures

pytestmark = pytest.mark.build
PAGE = "glossary/regularization.md"
SESSION = "glossary-regularization"
NOISE_VARIANCE = 0.2**2  # the page's noise has standard deviation 0.2


# --- Overfitting and underfitting -------------------------------------------------------


def test_the_data_are_20_training_and_200_held_out_points(page):
    assert page["train_x"].shape == page["train_y"].shape == (20,)
    assert page["test_x"].shape == page["test_y"].shape == (200,)
    # Residuals from the true curve: the noise the page says has variance 0.04.
    noise = page["test_y"] - np.sin(2 * np.pi * page["test_x"])
    assert np.var(noise) == pytest.approx(NOISE_VARIANCE, rel=0.25)


def test_degree_15_overfits_and_degree_4_fits(page):
    errors = page["polynomial_errors"]
    assert list(errors) == [1, 4, 15]
    train_15, test_15 = errors[15]
    # Below the noise floor on the training points, far above it on new ones.
    assert train_15 < NOISE_VARIANCE / 2  # seen: 0.005
    assert test_15 > 100 * errors[4][1]  # seen: about 1e4 against 0.051
    # Degree 4 stays near the noise level on both sets and is best on held-out data.
    assert max(errors[4]) < 2.5 * NOISE_VARIANCE  # seen: 0.066, 0.051
    assert errors[4][1] == min(test for _, test in errors.values())


def test_the_least_squares_fits_match_scikit_learn(page):
    train_x, train_y, test_x, test_y = (page[n] for n in ("train_x", "train_y", "test_x", "test_y"))
    for degree in (1, 4):
        features = PolynomialFeatures(degree)
        fit = LinearRegression().fit(features.fit_transform(train_x[:, None]), train_y)
        train = np.mean((fit.predict(features.transform(train_x[:, None])) - train_y) ** 2)
        test = np.mean((fit.predict(features.transform(test_x[:, None])) - test_y) ** 2)
        assert page["polynomial_errors"][degree] == pytest.approx((train, test), rel=1e-6)


def test_both_underfitting_models_stay_far_above_the_noise_floor(page):
    errors = page["underfit_errors"]
    assert list(errors) == ["straight line", "degree 15, ridge alpha=10"]
    for train, test in errors.values():
        assert train > 3 * NOISE_VARIANCE  # seen: 0.244, 0.319
        assert test > 3 * NOISE_VARIANCE  # seen: 0.276, 0.380
    assert errors["straight line"] == pytest.approx(page["polynomial_errors"][1])


def test_the_penalty_not_the_capacity_makes_the_degree_15_fit_underfit(page):
    # The correction: the same degree-15 features overfit without the penalty.
    ridge = page["ridge"]
    assert ridge.named_steps["polynomialfeatures"].degree == 15
    assert ridge.named_steps["ridge"].alpha == 10.0
    penalized_train = page["underfit_errors"]["degree 15, ridge alpha=10"][0]
    assert penalized_train > 10 * page["polynomial_errors"][15][0]


# --- Early stopping ---------------------------------------------------------------------


def test_early_stopping_restored_the_best_epoch(page):
    history, stopper = page["history"], page["stopper"]
    val_loss, loss = np.array(history["val_loss"]), np.array(history["loss"])
    best = stopper.best_epoch
    assert stopper.patience == 5 and stopper.restore_best_weights
    assert best == int(np.argmin(val_loss))
    # It stopped after `patience` epochs without improvement, well before epoch 100.
    assert len(val_loss) == best + 1 + 5 < 100  # seen: 17 epochs, best 12
    # Training loss kept falling after the best epoch while validation loss rose.
    assert loss[-1] < 0.7 * loss[best]  # seen: 0.035 against 0.102
    assert val_loss[-1] > val_loss[best] + 0.005  # seen: 0.428 against 0.402
    # The model after fit is the best epoch's: evaluate it again here.
    assert page["model"].evaluate(page["val"], verbose=0) == pytest.approx(val_loss[best], rel=1e-4)


def test_with_no_patience_training_would_have_stopped_before_the_best_epoch(page):
    val_loss = page["history"]["val_loss"]
    first_worse = page["first_worse"]
    assert all(val_loss[e] < min(val_loss[:e]) for e in range(1, first_worse))
    assert val_loss[first_worse] > 1.05 * min(val_loss[:first_worse])  # seen: 0.534 vs 0.447
    assert first_worse < page["stopper"].best_epoch


def test_the_early_stopping_model_overfits_100_digits(page):
    features, labels = next(iter(page["train"]))
    assert features.shape == (100, 64) and labels.shape == (100,)
    val_features, _ = next(iter(page["val"]))
    assert val_features.shape == (449, 64)
    assert page["model"].layers[0].units == 256


def test_keras_early_stopping_defaults_neither_wait_nor_restore():
    defaults = inspect.signature(keras.callbacks.EarlyStopping).parameters
    assert defaults["monitor"].default == "val_loss"
    assert defaults["patience"].default == 0
    assert defaults["restore_best_weights"].default is False


# --- Weight decay -----------------------------------------------------------------------


def test_the_keras_l2_penalty_has_no_one_half(page):
    kernel = page["penalized_kernel"]
    assert kernel.shape == (4, 3)
    assert float(page["penalized"].losses[0]) == pytest.approx(0.01 * np.sum(kernel**2), rel=1e-5)


def test_l2_equals_weight_decay_for_sgd_but_not_for_adam(page):
    steps, w, gradient = page["steps"], page["w"], page["gradient"]
    learning_rate, decay = 0.1, 0.1  # the page's; the penalty 0.05 * sum(w**2) gives 2 * 0.05
    # SGD: the L2 step and the decoupled step agree, and follow the closed form.
    expected_sgd = w - learning_rate * (gradient + decay * w)
    np.testing.assert_allclose(steps["SGD, L2 penalty"], expected_sgd, atol=1e-6)
    np.testing.assert_allclose(steps["SGD, weight decay"], expected_sgd, atol=1e-6)
    # Adam's first step moves each weight by the learning rate against its gradient's sign.
    expected_adam = w - learning_rate * np.sign(gradient)
    np.testing.assert_allclose(steps["Adam, no penalty"], expected_adam, atol=1e-5)
    np.testing.assert_allclose(steps["Adam, L2 penalty"], expected_adam, atol=1e-5)
    # AdamW adds the shrinkage eta * lambda' * w = 0.01 w to the same Adam step.
    np.testing.assert_allclose(
        steps["AdamW"] - steps["Adam, no penalty"], -learning_rate * decay * w, atol=1e-5
    )


def test_adamw_decays_by_default_and_adam_does_not():
    assert keras.optimizers.AdamW().weight_decay == pytest.approx(0.004)
    assert keras.optimizers.Adam().weight_decay is None


# --- Dropout and DropConnect ------------------------------------------------------------


def test_dropout_scales_at_training_time_and_is_the_identity_at_inference(page):
    in_training, ones = page["in_training"], page["ones"]
    assert ones.shape == (1, 10_000)
    zeroed = np.mean(in_training == 0)
    assert zeroed == pytest.approx(0.25, abs=0.02)  # seen: 0.253; 4.6 standard errors
    kept = in_training[in_training != 0]
    np.testing.assert_allclose(kept, 1 / (1 - 0.25), rtol=1e-6)
    assert in_training.mean() == pytest.approx(1.0, abs=0.03)
    np.testing.assert_array_equal(page["in_inference"], ones)


def test_a_direct_dropout_call_without_training_drops_nothing():
    layer = keras.layers.Dropout(0.5)
    ones = np.ones((4, 1000), dtype="float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(ones)), ones)


def test_dropconnect_masks_weights_and_dropout_masks_rows(page):
    connect_mask, unit_mask = page["connect_mask"], page["unit_mask"]
    assert connect_mask.shape == unit_mask.shape == (4, 3)
    # Dropout of an input unit zeroes its whole row of the kernel.
    assert all(len(set(row)) == 1 for row in unit_mask.tolist())
    assert page["masks"].shape == (20_000, 4, 3)
    assert page["masks"].mean() == pytest.approx(0.5, abs=0.01)


def test_keras_has_no_dropconnect_layer():
    assert not [name for name in dir(keras.layers) if "dropconnect" in name.lower()]


def test_averaged_dropconnect_output_matches_the_full_layer(page):
    x, kernel, bias, outputs = page["inputs"], page["kernel"], page["bias"], page["outputs"]
    full = x @ kernel + bias  # NumPy reference for the Keras Dense output
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(page["dense"](x)), full, rtol=1e-5, atol=1e-6
    )
    standard_error = outputs.std(axis=0) / np.sqrt(len(outputs))
    assert np.all(np.abs(outputs.mean(axis=0) - full[0]) < 5 * standard_error)


# --- Data augmentation ------------------------------------------------------------------


def _changed(outputs, image):
    outputs = keras.ops.convert_to_numpy(outputs)
    return sum(not np.array_equal(one, image[0]) for one in outputs)


def test_augmentation_changes_images_only_in_training_mode(page):
    augmented, image = page["augmented"], page["image"]
    for output in augmented.values():
        assert tuple(output.shape) == (8, 4, 4, 1)  # the batch does not grow
    assert _changed(augmented["training=True"], image) == 8
    assert _changed(augmented["training=False"], image) == 0
    assert _changed(augmented["predict"], image) == 0
    # The trap: called directly, Keras's augmentation layers default to training.
    assert _changed(augmented["no training argument"], image) > 0
    for layer in (keras.layers.RandomFlip, keras.layers.RandomRotation):
        assert inspect.signature(layer.call).parameters["training"].default is True


# --- The page's entries -----------------------------------------------------------------
