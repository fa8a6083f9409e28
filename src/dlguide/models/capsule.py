"""A small capsule network (CapsNet) for 8x8 images, its margin loss and a training loop.

The network follows Sabour, Frosst and Hinton (2017) at a smaller scale: a ReLU
convolution, a layer of primary capsules, and one digit capsule per class reached by
routing by agreement. The length of a digit capsule is the network's score for its class,
and the margin loss asks it to be long (above 0.9) for the true class and short (below
0.1) for the others. The paper's reconstruction decoder, a regularizer, is left out.
The layers themselves live in `dlguide.models.capsule_layers`.
"""

import math
from collections.abc import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf
from keras import ops
from numpy.typing import ArrayLike

from dlguide._validation import positive_int
from dlguide.models.capsule_layers import CapsuleLength, DigitCapsules, PrimaryCapsules


def margin_loss(
    labels,
    lengths,
    upper_margin: float = 0.9,
    lower_margin: float = 0.1,
    down_weight: float = 0.5,
):
    """Return the margin loss of Sabour et al. (2017), summed over classes, averaged over samples.

    For class k with length `||v_k||`:
    `T_k * max(0, m+ - ||v_k||)^2 + lambda * (1 - T_k) * max(0, ||v_k|| - m-)^2`, where
    `T_k` is 1 for the true class and 0 otherwise. `lambda` down-weights the absent
    classes so that early in training all lengths are not pushed to zero at once.

    Args:
        labels: Integer class labels, shape (batch,).
        lengths: Capsule lengths, shape (batch, num_classes).
        upper_margin: `m+`, the length the true class's capsule should exceed.
        lower_margin: `m-`, the length the other capsules should stay under.
        down_weight: `lambda`, the weight of the absent classes' term, >= 0.

    Returns:
        A scalar tensor: the mean over the batch of each sample's sum over classes.

    Raises:
        ValueError: If the margins are not numbers with 0 <= lower_margin < upper_margin
            <= 1, or `down_weight` is negative.
    """
    for name, value in (("upper_margin", upper_margin), ("lower_margin", lower_margin)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    if not lower_margin < upper_margin:
        raise ValueError(
            f"lower_margin must be below upper_margin, got {lower_margin!r} >= {upper_margin!r}"
        )
    if isinstance(down_weight, bool) or not isinstance(down_weight, int | float) or down_weight < 0:
        raise ValueError(f"down_weight must be a number >= 0, got {down_weight!r}")
    lengths = ops.convert_to_tensor(lengths, dtype="float32")  # (batch, classes)
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")  # (batch,)
    present = ops.one_hot(labels, lengths.shape[-1], dtype=lengths.dtype)  # T: (batch, classes)
    too_short = ops.square(ops.relu(upper_margin - lengths))
    too_long = ops.square(ops.relu(lengths - lower_margin))
    per_class = present * too_short + down_weight * (1.0 - present) * too_long
    return ops.mean(ops.sum(per_class, axis=1))


def build_capsule_network(
    input_shape: Sequence[int] = (8, 8, 1),
    num_classes: int = 10,
    conv_filters: int = 32,
    primary_types: int = 4,
    primary_dim: int = 8,
    digit_dim: int = 8,
    routing_iterations: int = 3,
    name: str = "capsnet",
) -> keras.Model:
    """Build a small CapsNet: convolution, primary capsules, digit capsules, lengths.

    `conv` is a 3x3 ReLU convolution with "valid" padding; `primary_caps` a 3x3
    convolution cut into `primary_types` capsules of `primary_dim` units per position;
    `digit_caps` holds one `digit_dim` capsule per class, reached by `routing_iterations`
    of routing by agreement; `length` outputs each digit capsule's length. With the
    defaults an 8x8 image gives 6x6x32 features, 4 * 4 * 4 = 64 primary capsules of
    8 units, and 10 digit capsules of 8 units (the paper's have 16; 8 halves the cost
    of routing and is enough for 8x8 digits): 50,528 parameters.

    Args:
        input_shape: (height, width, channels) of one image, positive ints, height and
            width at least 5 (two 3x3 "valid" convolutions).
        num_classes: Number of classes (digit capsules), a positive int.
        conv_filters: Filters of the first convolution, a positive int.
        primary_types: Primary capsule types per position, a positive int.
        primary_dim: Units per primary capsule, a positive int.
        digit_dim: Units per digit capsule, a positive int.
        routing_iterations: Iterations of routing by agreement, a positive int.
        name: Model name.

    Returns:
        An uncompiled `keras.Model` mapping (batch, *input_shape) to capsule lengths
        (batch, num_classes), each in [0, 1).

    Raises:
        ValueError: If `input_shape` is not three positive ints with height and width at
            least 5, or another argument is not a positive int.
    """
    shape = tuple(input_shape) if not isinstance(input_shape, str | bytes) else ()
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r}")
    for axis, value in zip(("height", "width", "channels"), shape, strict=True):
        positive_int(f"input_shape's {axis}", value)
    if min(shape[:2]) < 5:
        raise ValueError(f"input_shape's height and width must be at least 5, got {shape}")
    conv_filters = positive_int("conv_filters", conv_filters)

    inputs = keras.Input(shape=shape, name="image")  # (batch, H, W, C)
    features = keras.layers.Conv2D(
        conv_filters, 3, activation="relu", kernel_initializer="he_normal", name="conv"
    )(inputs)  # (batch, H - 2, W - 2, filters)
    primary = PrimaryCapsules(primary_types, primary_dim, kernel_size=3, name="primary_caps")(
        features
    )  # (batch, (H - 4) * (W - 4) * types, primary_dim)
    digits = DigitCapsules(num_classes, digit_dim, routing_iterations, name="digit_caps")(
        primary
    )  # (batch, classes, digit_dim)
    lengths = CapsuleLength(name="length")(digits)  # (batch, classes)
    return keras.Model(inputs, lengths, name=name)


def train_capsule_network(
    model: keras.Model,
    x: ArrayLike,
    y: ArrayLike,
    optimizer: keras.optimizers.Optimizer,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int = 0,
    on_epoch_end: Callable[[int], None] | None = None,
) -> list[float]:
    """Train a model that outputs capsule lengths with the margin loss, in minibatches.

    One `tf.function` step is traced per call (the batch dimension is left open, so the
    last, smaller batch reuses it); rows are reshuffled every epoch with a NumPy
    generator seeded by `seed`.

    Args:
        model: A Keras model mapping images to capsule lengths (trained in place).
        x: Training images, array-like of shape (num_samples, height, width, channels).
        y: Integer class labels, shape (num_samples,).
        optimizer: A fresh Keras optimizer.
        epochs: Passes over the data, a positive int.
        batch_size: Samples per gradient step, a positive int.
        seed: Seed of the per-epoch shuffling.
        on_epoch_end: If given, called with the 0-based epoch after each epoch.

    Returns:
        The margin loss of every step, in order.

    Raises:
        ValueError: If `epochs` or `batch_size` is not a positive int, `x` and `y` have
            different or zero numbers of samples, or a loss is not finite.
    """
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.int32).reshape(-1)
    if len(x) == 0 or len(x) != len(y):
        raise ValueError(
            f"x and y must have the same, non-zero number of samples, got {len(x)} and {len(y)}"
        )
    variables = model.trainable_variables
    optimizer.build(variables)  # create the slots now, outside the traced function

    @tf.function(
        input_signature=[
            tf.TensorSpec((None, *x.shape[1:]), tf.float32),
            tf.TensorSpec((None,), tf.int32),
        ]
    )
    def train_step(batch_x, batch_y):
        with tf.GradientTape() as tape:
            lengths = model(batch_x, training=True)  # (batch, classes)
            loss_value = margin_loss(batch_y, lengths)  # scalar
        gradients = tape.gradient(loss_value, variables)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss_value

    rng = np.random.default_rng(seed)
    losses: list[float] = []
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            rows = order[start : start + batch_size]
            losses.append(float(train_step(x[rows], y[rows])))
            if not math.isfinite(losses[-1]):
                raise ValueError(f"the margin loss diverged at step {len(losses)}")
        if on_epoch_end is not None:
            on_epoch_end(epoch)
    return losses


def routing_couplings(model: keras.Model, images: ArrayLike) -> np.ndarray:
    """Return the coupling coefficients of every routing iteration of a built CapsNet.

    Args:
        model: A model from `build_capsule_network` (layers `primary_caps` and
            `digit_caps`).
        images: A batch of images, shape (batch, height, width, channels).

    Returns:
        An array of shape (iterations, batch, num_primary_capsules, num_classes); the
        couplings of each primary capsule sum to 1 over the classes.

    Raises:
        ValueError: If `model` has no `primary_caps` or `digit_caps` layer.
    """
    names = {layer.name for layer in model.layers}
    if not {"primary_caps", "digit_caps"} <= names:
        raise ValueError(f"model must have layers 'primary_caps' and 'digit_caps', got {names}")
    to_primary = keras.Model(model.input, model.get_layer("primary_caps").output)
    primary = to_primary(np.asarray(images, dtype=np.float32))  # (batch, capsules, dim)
    _, couplings = model.get_layer("digit_caps").route(primary)
    return np.asarray(couplings)
