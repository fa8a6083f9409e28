"""A small, fast training loop that also records the gradient norm of every step.

`keras.Model.fit` hides the gradients, and on a 2-core CPU it spends seconds tracing
each new model; this loop traces one step function per model (about a second) and
returns the loss and the global gradient norm (before any clipping) of every step, which
is what the vanishing- and exploding-gradient examples need to show.
"""

import math
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

from dlguide._validation import positive_int
from dlguide.diagnostics import LOSSES


def train_model(
    model: keras.Model,
    x: ArrayLike,
    y: ArrayLike,
    optimizer: keras.optimizers.Optimizer,
    epochs: int = 10,
    batch_size: int = 64,
    loss: str = "binary_crossentropy",
    seed: int = 0,
    on_epoch_end: Callable[[int], None] | None = None,
    held_out: tuple[ArrayLike, ArrayLike] | None = None,
) -> dict[str, list[float]]:
    """Train `model` with minibatch gradient steps and record each step's loss and gradient norm.

    Rows are reshuffled every epoch with a NumPy generator seeded by `seed`. Training
    stops early, after recording it, at the first step whose loss is not finite: a
    diverged model only produces NaNs from then on.

    Args:
        model: A Keras model (it is trained in place).
        x: Training inputs, array-like of shape (num_samples, num_features).
        y: Training targets, one row per sample, in the form `loss` expects.
        optimizer: A fresh Keras optimizer (its `clipnorm` or `global_clipnorm` applies).
        epochs: Number of passes over the data, a positive int.
        batch_size: Samples per gradient step, a positive int.
        loss: A loss name accepted by `dlguide.diagnostics.kernel_gradient_norms`; for
            integer class labels and a softmax output, "sparse_categorical_crossentropy".
        seed: Seed of the per-epoch shuffling.
        on_epoch_end: If given, called with the 0-based epoch after each completed epoch
            (for example to evaluate the model); not called after a diverged step.
        held_out: If given, held-out `(inputs, targets)` whose `accuracy` is measured
            after each completed epoch.

    Returns:
        A dict with three lists, one value per step taken: "loss" (the minibatch loss),
        "gradient_norm" (the global L2 norm of all gradients, before clipping) and
        "epoch" (the 0-based epoch the step belongs to); with `held_out`, also
        "held_out_accuracy", one value per completed epoch.

    Raises:
        ValueError: If `epochs` or `batch_size` is not a positive int, `loss` is unknown,
            or `x` and `y` have different numbers of samples or no samples.
    """
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    if len(x) == 0 or len(x) != len(y):
        raise ValueError(
            f"x and y must have the same, non-zero number of samples, got {len(x)} and {len(y)}"
        )
    loss_function = LOSSES[loss]()
    variables = model.trainable_variables
    optimizer.build(variables)  # create the slots now, outside the traced function

    # A None batch dimension lets the last, smaller batch reuse the same trace.
    @tf.function(
        input_signature=[
            tf.TensorSpec((None, *x.shape[1:]), tf.float32),
            tf.TensorSpec((None, *y.shape[1:]), tf.float32),
        ],
        jit_compile=False,
    )
    def train_step(batch_x, batch_y):
        with tf.GradientTape() as tape:
            predictions = model(batch_x, training=True)  # (batch, output_units)
            loss_value = loss_function(batch_y, predictions)  # scalar
        gradients = tape.gradient(loss_value, variables)
        gradient_norm = tf.linalg.global_norm(gradients)  # measured before any clipping
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss_value, gradient_norm

    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "gradient_norm": [], "epoch": []}
    if held_out is not None:
        history["held_out_accuracy"] = []
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            rows = order[start : start + batch_size]
            loss_value, gradient_norm = train_step(x[rows], y[rows])
            history["loss"].append(float(loss_value))
            history["gradient_norm"].append(float(gradient_norm))
            history["epoch"].append(epoch)
            if not math.isfinite(history["loss"][-1]):
                return history
        if held_out is not None:
            history["held_out_accuracy"].append(accuracy(model, *held_out))
        if on_epoch_end is not None:
            on_epoch_end(epoch)
    return history


def accuracy(model: keras.Model, x: ArrayLike, y: ArrayLike) -> float:
    """Return the share of samples the model classifies correctly, in inference mode.

    A one-unit output is read as the probability of class 1 (threshold 0.5); a wider
    output as one score per class (the largest wins) against integer labels.

    Args:
        model: A Keras classifier.
        x: Inputs, array-like of shape (num_samples, num_features).
        y: Integer or 0.0/1.0 labels, shape (num_samples,) or (num_samples, 1).

    Returns:
        Accuracy in [0, 1].

    Raises:
        ValueError: If `x` and `y` have different numbers of samples or no samples.
    """
    x = np.asarray(x, dtype=np.float32)
    labels = np.asarray(y)
    if len(x) == 0 or labels.ndim == 0 or len(labels) != len(x):
        raise ValueError(
            f"x and y must have the same, non-zero number of samples, got shapes "
            f"{x.shape} and {labels.shape}"
        )
    labels = labels.reshape(len(labels), -1)[:, 0]  # (num_samples,)
    scores = np.asarray(model(x, training=False))  # (num_samples, output_units)
    if scores.shape[1] == 1:
        predicted = (scores[:, 0] > 0.5).astype(labels.dtype)
    else:
        predicted = scores.argmax(axis=1)
    return float(np.mean(predicted == labels))
