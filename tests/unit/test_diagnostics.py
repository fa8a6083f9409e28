import math

import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.diagnostics import gradient_ratio, kernel_gradient_norms
from dlguide.models import build_mlp


def numpy_loss(weights, x, y):
    """Binary cross-entropy of a sigmoid MLP, in float64, written out independently."""
    activations = x
    for kernel, bias in weights:
        activations = 1.0 / (1.0 + np.exp(-(activations @ kernel + bias)))
    probability = activations[:, 0]
    return -np.mean(y * np.log(probability) + (1 - y) * np.log(1 - probability))


def finite_difference_kernel_norms(weights, x, y, step=1e-6):
    norms = []
    for layer_index, (kernel, _) in enumerate(weights):
        gradient = np.zeros_like(kernel)
        for position in np.ndindex(kernel.shape):
            shifted = [(k.copy(), b) for k, b in weights]
            shifted[layer_index][0][position] += step
            plus = numpy_loss(shifted, x, y)
            shifted[layer_index][0][position] -= 2 * step
            minus = numpy_loss(shifted, x, y)
            gradient[position] = (plus - minus) / (2 * step)
        norms.append(np.linalg.norm(gradient))
    return norms


def test_norms_match_finite_differences_of_an_independent_numpy_model():
    set_seed(0)
    model = build_mlp(3, depth=2, width=4, activation="sigmoid")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = (rng.uniform(size=16) > 0.5).astype(np.float32)
    weights = [
        tuple(np.asarray(w, dtype=np.float64) for w in layer.get_weights())
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]

    norms = kernel_gradient_norms(model, x, y)

    assert list(norms) == ["dense_1", "dense_2", "output"]
    expected = finite_difference_kernel_norms(weights, x.astype(np.float64), y)
    np.testing.assert_allclose(list(norms.values()), expected, rtol=1e-3)


def test_batch_norm_model_gets_one_finite_norm_per_dense_layer():
    set_seed(0)
    model = build_mlp(2, depth=3, width=8, activation="relu", batch_norm=True)
    x = np.random.default_rng(1).normal(size=(32, 2))
    norms = kernel_gradient_norms(model, x, np.ones(32))
    assert list(norms) == ["dense_1", "dense_2", "dense_3", "output"]
    assert all(math.isfinite(value) and value > 0 for value in norms.values())


def test_multiclass_loss_accepts_integer_labels():
    set_seed(0)
    model = build_mlp(
        4, depth=2, width=4, activation="relu", output_units=3, output_activation="softmax"
    )
    norms = kernel_gradient_norms(
        model, np.ones((6, 4)), np.arange(6) % 3, loss="sparse_categorical_crossentropy"
    )
    assert len(norms) == 3


@pytest.fixture(scope="module")
def tiny_model():
    set_seed(0)
    return build_mlp(3, depth=2, width=4)


@pytest.mark.parametrize(
    ("x", "y", "loss", "message"),
    [
        (np.ones((4, 3)), np.ones(5), "binary_crossentropy", r"x and y must have the same"),
        (np.ones((0, 3)), np.ones(0), "binary_crossentropy", r"x must contain at least one"),
        (np.ones((4, 2)), np.ones(4), "binary_crossentropy", r"x must have 3 features"),
        (np.ones(4), np.ones(4), "binary_crossentropy", r"x must have shape"),
        (np.ones((4, 3)), np.ones(4), "hinge", r"loss must be one of"),
    ],
)
def test_rejects_bad_batches_and_losses_by_name(tiny_model, x, y, loss, message):
    with pytest.raises(ValueError, match=message):
        kernel_gradient_norms(tiny_model, x, y, loss=loss)


def test_ratio_divides_first_hidden_by_last_hidden_and_ignores_the_output():
    norms = {"dense_1": 1e-6, "dense_2": 0.5, "dense_3": 2e-3, "output": 100.0}
    assert gradient_ratio(norms) == pytest.approx(1e-6 / 2e-3)


@pytest.mark.parametrize(
    "norms", [{"dense_1": 1.0, "output": 1.0}, {"dense_1": 1.0, "dense_2": 0.0, "output": 1.0}]
)
def test_ratio_rejects_too_few_layers_or_a_zero_denominator(norms):
    with pytest.raises(ValueError, match=r"^norms"):
        gradient_ratio(norms)
