"""Measure how large the loss gradient is at each layer of a model, to see it vanish or explode."""

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

# Loss names the diagnostics accept, mapped to Keras loss classes. The classes (unlike the
# bare functions) reconcile a (batch,) label vector with a (batch, 1) prediction.
LOSSES = {
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
    "mean_squared_error": keras.losses.MeanSquaredError,
}


def _check_batch(model: keras.Model, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return `x` and `y` as arrays after checking they fit `model`, or raise ValueError."""
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (num_samples, num_features), got shape {x.shape}")
    if len(x) == 0:
        raise ValueError("x must contain at least one sample, got an empty array")
    if y.ndim == 0 or len(y) != len(x):
        raise ValueError(
            f"x and y must have the same number of samples, got {len(x)} and "
            f"{'a scalar' if y.ndim == 0 else len(y)}"
        )
    expected_features = model.input_shape[-1]
    if x.shape[1] != expected_features:
        raise ValueError(
            f"x must have {expected_features} features to fit model {model.name!r}, "
            f"got {x.shape[1]}"
        )
    return x, y


def kernel_gradient_norms(
    model: keras.Model, x: ArrayLike, y: ArrayLike, loss: str = "binary_crossentropy"
) -> dict[str, float]:
    """Compute the L2 (Frobenius) norm of the loss gradient for every Dense kernel of a model.

    The model runs with `training=True`, as in a training step, so batch normalization
    uses the statistics of this batch (a side effect: its moving averages take one update).
    Nothing else changes; no weight is updated.

    Args:
        model: A Keras model whose layers include `keras.layers.Dense` layers.
        x: Inputs, array-like of shape (num_samples, num_features).
        y: Targets with one row per sample, in the form `loss` expects.
        loss: One of "binary_crossentropy", "sparse_categorical_crossentropy",
            "categorical_crossentropy", "mean_squared_error".

    Returns:
        A dict from layer name to gradient norm, one entry per Dense layer (the output
        layer included), ordered from the first layer to the last.

    Raises:
        ValueError: If `loss` is unknown, `x` is not 2-D or is empty, `x` and `y` have
            different numbers of samples, `x` has the wrong number of features for
            `model`, or `model` has no Dense layer.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    x, y = _check_batch(model, x, y)
    dense_layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if not dense_layers:
        raise ValueError(f"model {model.name!r} has no Dense layer to measure")
    loss_function = LOSSES[loss]()
    kernels = [layer.kernel for layer in dense_layers]

    with tf.GradientTape() as tape:
        # The loss must be computed inside the tape, or there is nothing to differentiate.
        predictions = model(x, training=True)  # (num_samples, output_units)
        loss_value = loss_function(y, predictions)  # scalar, mean over the batch
    gradients = tape.gradient(loss_value, kernels)  # one (fan_in, fan_out) tensor per kernel
    return {
        layer.name: float(np.linalg.norm(np.asarray(gradient, dtype=np.float64)))
        for layer, gradient in zip(dense_layers, gradients, strict=True)
    }


def gradient_ratio(norms: dict[str, float]) -> float:
    """Divide the first hidden layer's gradient norm by the last hidden layer's.

    The output layer (the last entry) is left out: its kernel has one column per output
    unit rather than one per hidden unit, so its norm is not on the same scale. A ratio
    orders of magnitude below 1 means the gradient shrinks on its way back to the first
    layer (vanishing); orders of magnitude above 1, that it grows (exploding). A kernel's
    gradient is its layer's input times the error flowing back into it, so a first layer
    fed a few small input features rather than `width` hidden units gets a ratio somewhat
    below 1 even when nothing vanishes.

    Args:
        norms: Gradient norms ordered first layer to last, the output layer last, as
            returned by `kernel_gradient_norms`.

    Returns:
        `first hidden norm / last hidden norm`.

    Raises:
        ValueError: If `norms` has fewer than 3 entries (two hidden layers and the
            output), or the last hidden layer's norm is not positive.
    """
    values = list(norms.values())
    if len(values) < 3:
        raise ValueError(
            "norms must hold at least two hidden layers and the output layer, "
            f"got {len(values)} entries"
        )
    first_hidden, last_hidden = values[0], values[-2]
    if not last_hidden > 0:
        raise ValueError(f"norms: the last hidden layer's norm must be > 0, got {last_hidden!r}")
    return first_hidden / last_hidden
