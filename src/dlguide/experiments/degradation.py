"""The degradation problem: a deep plain network trains worse than the same network with shortcuts.

He et al. (2015) found that adding layers to a plain network raised its *training*
error, with batch normalization keeping the signal alive in both directions. The deeper
net could in principle copy the shallower one and set its extra layers to identities;
the solver does not find weights that good. A residual block only has to learn the
change `F(x) = H(x) - x`, and for an identity that is `F = 0`.

This module shows the effect on scikit-learn's bundled 8x8 digits (1,797 images, ten
classes, no download) with two networks that differ in nothing but the shortcuts: the
ResNet basic block with its two 3x3 convolutions replaced by Dense layers over the 64
pixels, `relu(x + BN(W2 relu(BN(W1 x))))`, and the same stack without the `x +`. Dense
layers keep each run short on a CPU, and the block's structure, which is what the
comparison is about, stays the same.
"""

import functools
import math
from collections.abc import Sequence

import keras
import numpy as np

from dlguide._validation import positive_int, positive_number, seed_list
from dlguide.data import load_digits_split
from dlguide.models.resnet import trainable_parameter_count
from dlguide.models.resnet_blocks import BATCH_NORM_EPSILON, BATCH_NORM_MOMENTUM
from dlguide.seeding import set_seed
from dlguide.training import accuracy, train_model

MODELS = ("plain", "residual")
NUM_BLOCKS = 8  # two Dense layers each: with the first and the output layer, 18 layers
WIDTH = 64  # units per hidden layer, as many as the input has pixels
EPOCHS = 10
LEARNING_RATE = 0.02  # SGD's step size; its momentum is 0.9, as in the paper
BATCH_SIZE = 128


def _dense_bn(inputs, width: int, name: str):
    """Dense (no bias: batch norm's shift replaces it) -> batch normalization."""
    hidden = keras.layers.Dense(
        width, use_bias=False, kernel_initializer="he_normal", name=f"{name}_dense"
    )(inputs)
    return keras.layers.BatchNormalization(
        epsilon=BATCH_NORM_EPSILON, momentum=BATCH_NORM_MOMENTUM, name=f"{name}_bn"
    )(hidden)


def build_block_mlp(
    num_blocks: int = NUM_BLOCKS,
    residual: bool = True,
    width: int = WIDTH,
    input_dim: int = 64,
    num_classes: int = 10,
) -> keras.Model:
    """Build a stack of ResNet basic blocks made of Dense layers, with or without shortcuts.

    Layers: `stem` (Dense -> BN -> ReLU to `width` units), then `num_blocks` blocks of
    Dense -> BN -> ReLU -> Dense -> BN, [+ input,] -> ReLU, then a softmax Dense layer:
    `2 * num_blocks + 2` weighted layers. Both variants have the same weights.

    Args:
        num_blocks: Number of blocks, a positive int.
        residual: If True, add each block's input to its output before the last ReLU.
        width: Units of every hidden layer, a positive int.
        input_dim: Features per sample, a positive int.
        num_classes: Units of the softmax output, a positive int.

    Returns:
        An uncompiled model from (batch, input_dim) to (batch, num_classes), named
        "residual_{depth}" or "plain_{depth}".

    Raises:
        ValueError: If a size is not a positive int.
    """
    for name, value in [
        ("num_blocks", num_blocks),
        ("width", width),
        ("input_dim", input_dim),
        ("num_classes", num_classes),
    ]:
        positive_int(name, value)
    inputs = keras.Input((input_dim,), name="inputs")  # (batch, input_dim)
    hidden = keras.layers.ReLU(name="stem_relu")(_dense_bn(inputs, width, "stem"))
    for block in range(1, num_blocks + 1):
        name = f"block{block}"
        branch = _dense_bn(hidden, width, f"{name}_1")  # (batch, width)
        branch = keras.layers.ReLU(name=f"{name}_relu1")(branch)
        branch = _dense_bn(branch, width, f"{name}_2")
        if residual:
            branch = keras.layers.Add(name=f"{name}_add")([hidden, branch])
        hidden = keras.layers.ReLU(name=f"{name}_out")(branch)  # (batch, width)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(hidden)
    kind = "residual" if residual else "plain"
    return keras.Model(inputs, outputs, name=f"{kind}_{2 * num_blocks + 2}")


def _evaluate(model: keras.Model, x, y, curves: dict[str, list[float]], epoch: int) -> None:
    """Append the model's inference-mode loss and accuracy on (x, y) to `curves`."""
    # predict_on_batch traces the forward pass once per model: after the first epoch,
    # each evaluation costs a few milliseconds instead of an eager pass through 60 layers.
    probabilities = model.predict_on_batch(x)  # (num_samples, num_classes)
    loss = keras.losses.SparseCategoricalCrossentropy()(y, probabilities)
    curves["loss"].append(float(loss))
    predicted = probabilities.argmax(axis=1)  # (num_samples,)
    curves["accuracy"].append(float(np.mean(predicted == y)))


def degradation_curves(
    seeds: Sequence[int] = (0, 1, 2),
    num_blocks: int = NUM_BLOCKS,
    epochs: int = EPOCHS,
    learning_rate: float = LEARNING_RATE,
    batch_size: int = BATCH_SIZE,
) -> dict:
    """Train the plain and the residual block MLP on the digits, and record their curves.

    For each seed, both networks start from the weights `set_seed(seed)` gives, see the
    same split and the same batches, and are trained by SGD with momentum 0.9 for
    `epochs` epochs. After every epoch each is evaluated on the whole training set in
    inference mode (batch norm's moving statistics): the loss of the weights the epoch
    ended with, not the running average over its batches. (Before training, the moving
    statistics are still their initial 0 and 1, so an inference-mode loss there would
    describe no network that was ever trained; the curves start after epoch 1.)

    Args:
        seeds: Non-negative ints; each seed draws its own split and initial weights.
        num_blocks: Blocks per network (`2 * num_blocks + 2` weighted layers).
        epochs: Passes over the training set, a positive int.
        learning_rate: SGD's step size, > 0.
        batch_size: Images per step, a positive int.

    Returns:
        A dict with "seeds", "depth" (weighted layers), "parameters" (trainable, the same
        for both), and, each mapping "plain" and "residual" to one entry per seed:
        "loss" and "accuracy" (lists, on the training set after each completed epoch),
        "train_loss" and "train_accuracy" (after the last epoch) and
        "test_accuracy" (on the held-out quarter).

    Raises:
        ValueError: If any argument is invalid.
    """
    seeds = seed_list(seeds)
    positive_int("num_blocks", num_blocks)
    positive_int("epochs", epochs)
    positive_number("learning_rate", learning_rate)
    positive_int("batch_size", batch_size)
    keys = ("loss", "accuracy", "train_loss", "train_accuracy", "test_accuracy")
    result: dict = {key: {kind: [] for kind in MODELS} for key in keys}
    for seed in seeds:
        train_x, test_x, train_y, test_y = load_digits_split(seed)
        for kind in MODELS:
            set_seed(seed)
            model = build_block_mlp(num_blocks, residual=kind == "residual")
            curves: dict[str, list[float]] = {"loss": [], "accuracy": []}
            optimizer = keras.optimizers.SGD(learning_rate, momentum=0.9)
            train_model(
                model,
                train_x,
                train_y,
                optimizer,
                epochs,
                batch_size,
                loss="sparse_categorical_crossentropy",
                seed=seed,
                on_epoch_end=functools.partial(_evaluate, model, train_x, train_y, curves),
            )
            result["loss"][kind].append(curves["loss"])
            result["accuracy"][kind].append(curves["accuracy"])
            # A run that diverged in its first epoch has no evaluation to report.
            result["train_loss"][kind].append(curves["loss"][-1] if curves["loss"] else math.nan)
            result["train_accuracy"][kind].append(
                curves["accuracy"][-1] if curves["accuracy"] else math.nan
            )
            result["test_accuracy"][kind].append(accuracy(model, test_x, test_y))
    return {
        "seeds": list(seeds),
        "depth": 2 * num_blocks + 2,
        "parameters": trainable_parameter_count(model),
        **result,
    }
