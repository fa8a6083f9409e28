"""Dense autoencoders: an encoder squeezes each input into a short code, a decoder rebuilds it.

`build_autoencoder` stacks Dense layers down to a `code_size`-unit code and mirrors them
back up; without hidden layers and activations it is a linear autoencoder, whose best
weights span PCA's subspace. `train_autoencoders` fits several models side by side in
one compiled loop, `reconstruction_errors` gives each sample's error (the anomaly score)
and `plot_reconstructions` draws images above their reconstructions.
"""

import math
from collections.abc import Mapping, Sequence

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from dlguide._validation import positive_int, positive_number
from dlguide.plots import plt  # pyplot, after plots has selected the Agg backend

# Hidden-layer activations the builder accepts; None means no activation (linear).
ACTIVATIONS = (None, "relu", "elu", "tanh", "sigmoid")
# Output activations: None for unbounded data, "sigmoid" for data scaled to [0, 1].
OUTPUT_ACTIVATIONS = (None, "sigmoid")


def _check_choice(name: str, value: object, allowed: Sequence[object]) -> None:
    if value not in allowed:
        choices = ", ".join(repr(choice) for choice in allowed)
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")


def _dense_stack(inputs, units: Sequence[int], activation: str | None, prefix: str):
    """Apply one Dense layer per entry of `units`, named `{prefix}_1`, `{prefix}_2`, ..."""
    hidden = inputs
    for index, width in enumerate(units, 1):
        layer = keras.layers.Dense(width, activation=activation, name=f"{prefix}_{index}")
        hidden = layer(hidden)  # (batch, width)
    return hidden


def build_autoencoder(
    input_dim: int,
    code_size: int,
    hidden_units: Sequence[int] = (128,),
    activation: str | None = "relu",
    output_activation: str | None = "sigmoid",
    name: str | None = None,
) -> keras.Model:
    """Build a dense autoencoder: input -> hidden layers -> code -> mirrored layers -> input.

    The model holds two sub-models, `model.get_layer("encoder")` (input to code) and
    `model.get_layer("decoder")` (code to reconstruction). The encoder's layers are
    `encoder_1` ... (one per entry of `hidden_units`) and `code`, a Dense layer without
    activation; the decoder's are `decoder_1` ... (the hidden sizes in reverse) and
    `reconstruction`. With `hidden_units=()` and both activations None, the model is a
    linear autoencoder, `x -> W_2 (W_1 x + b_1) + b_2`.

    Args:
        input_dim: Features per sample (64 for the 8x8 digits), a positive int.
        code_size: Units of the code, the bottleneck, a positive int.
        hidden_units: Widths of the encoder's hidden layers, from the input inwards;
            the decoder uses them in reverse. Positive ints; may be empty.
        activation: Activation of every hidden layer: one of None (linear), "relu",
            "elu", "tanh", "sigmoid".
        output_activation: Activation of the reconstruction: "sigmoid" for inputs in
            [0, 1], None for unbounded inputs.
        name: Model name; defaults to "autoencoder_" and the code size, e.g.
            "autoencoder_8", with "linear_" in front when there is no activation.

    Returns:
        An uncompiled `keras.Model` mapping (batch, input_dim) to (batch, input_dim).

    Raises:
        ValueError: If `input_dim` or `code_size` is not a positive int, `hidden_units`
            holds something other than positive ints, or an activation is not allowed.
    """
    input_dim = positive_int("input_dim", input_dim)
    code_size = positive_int("code_size", code_size)
    if isinstance(hidden_units, str | bytes):
        raise ValueError(f"hidden_units must be a sequence of positive ints, got {hidden_units!r}")
    widths = tuple(
        positive_int(f"hidden_units[{index}]", width) for index, width in enumerate(hidden_units)
    )
    _check_choice("activation", activation, ACTIVATIONS)
    _check_choice("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    if name is None:
        linear = activation is None and output_activation is None
        name = f"{'linear_' if linear else ''}autoencoder_{code_size}"

    inputs = keras.Input(shape=(input_dim,), name="inputs")  # (batch, input_dim)
    hidden = _dense_stack(inputs, widths, activation, "encoder")
    # No activation on the code: the decoder may read any real value from it.
    code = keras.layers.Dense(code_size, name="code")(hidden)  # (batch, code_size)
    encoder = keras.Model(inputs, code, name="encoder")

    code_input = keras.Input(shape=(code_size,), name="code_input")  # (batch, code_size)
    hidden = _dense_stack(code_input, widths[::-1], activation, "decoder")
    outputs = keras.layers.Dense(input_dim, activation=output_activation, name="reconstruction")(
        hidden
    )  # (batch, input_dim)
    decoder = keras.Model(code_input, outputs, name="decoder")

    return keras.Model(inputs, decoder(encoder(inputs)), name=name)


def train_autoencoders(
    models: Sequence[keras.Model],
    x: ArrayLike,
    epochs: int = 100,
    batch_size: int = 128,
    learning_rate: float = 3e-3,
    seed: int = 0,
) -> np.ndarray:
    """Train autoencoders side by side to reconstruct `x`, minimizing mean squared error.

    Every model gets its own Adam optimizer and sees the same batches. The compiled step
    minimizes the sum of the models' losses; as they share no weights, each weight's
    gradient is that of its own model's loss alone, so each model ends as if trained on
    its own with the same `seed`. One compiled loop per epoch serves all of them, much
    faster on a CPU than a Python call per batch and model. Each epoch reshuffles the
    rows (a NumPy generator seeded by `seed`) and takes `len(x) // batch_size` full
    batches; the rows left over sit out that epoch.

    Args:
        models: Keras models (or one model) mapping (batch, features) to (batch,
            features); trained in place.
        x: Training inputs, array-like of shape (num_samples, features).
        epochs: Passes over the data, a positive int.
        batch_size: Samples per step, a positive int, at most `len(x)`.
        learning_rate: Adam's step size, a positive number.
        seed: Seed of the shuffling, a non-negative int.

    Returns:
        The mean training loss of every epoch, shape (epochs, len(models)).

    Raises:
        ValueError: If `models` is empty, `x` is not a non-empty 2-D array whose width
            every model takes and returns, `epochs`, `batch_size` or `learning_rate` is
            not positive, `batch_size` exceeds the number of samples, or `seed` is
            negative.
    """
    models = list(models) if not isinstance(models, keras.Model) else [models]
    if not models:
        raise ValueError("models must hold at least one keras.Model")
    x = np.asarray(x, dtype=np.float32)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"x must have shape (num_samples, features), got shape {x.shape}")
    width = x.shape[1]
    for model in models:
        if tuple(model.input_shape) != (None, width) or tuple(model.output_shape) != (None, width):
            raise ValueError(
                f"every model must map {width} features to {width}, but {model.name!r} "
                f"maps {model.input_shape} to {model.output_shape}"
            )
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    if batch_size > len(x):
        raise ValueError(f"batch_size must be at most len(x) = {len(x)}, got {batch_size}")
    learning_rate = positive_number("learning_rate", learning_rate)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")

    data = tf.constant(x)  # (num_samples, features)
    optimizers = [keras.optimizers.Adam(learning_rate) for _ in models]
    for model, optimizer in zip(models, optimizers, strict=True):
        optimizer.build(model.trainable_variables)  # slots now, outside the traced loop
    all_variables = [variable for model in models for variable in model.trainable_variables]
    num_steps = len(x) // batch_size

    @tf.function(jit_compile=False)
    def run_epoch(order):  # order: (num_steps, batch_size) row indices
        totals = tf.zeros(len(models))
        for step in tf.range(num_steps):
            batch = tf.gather(data, order[step])  # (batch_size, features)
            with tf.GradientTape() as tape:
                # Computed inside the tape, or there is nothing to differentiate.
                losses = [
                    tf.reduce_mean(tf.square(model(batch, training=True) - batch))
                    for model in models
                ]
                total = tf.add_n(losses)
            # One gradient call for all weights (a tape answers only once), then split.
            gradients = tape.gradient(total, all_variables)
            start = 0
            for model, optimizer in zip(models, optimizers, strict=True):
                variables = model.trainable_variables
                own = gradients[start : start + len(variables)]
                optimizer.apply_gradients(zip(own, variables, strict=True))
                start += len(variables)
            totals += tf.stack(losses)
        return totals / num_steps

    rng = np.random.default_rng(int(seed))
    history = []
    for _ in range(epochs):
        order = rng.permutation(len(x))[: num_steps * batch_size].reshape(num_steps, batch_size)
        history.append(run_epoch(tf.constant(order, dtype=tf.int32)).numpy())
    return np.array(history)  # (epochs, num_models)


def _check_images(name: str, value: ArrayLike) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(
            f"{name} must have shape (num_samples, features) with at least one sample, "
            f"got shape {array.shape}"
        )
    return array


def reconstruction_errors(inputs: ArrayLike, reconstructions: ArrayLike) -> np.ndarray:
    """Return each sample's mean squared reconstruction error, the usual anomaly score.

    Args:
        inputs: Original samples, shape (num_samples, features).
        reconstructions: What a model rebuilt from them, the same shape.

    Returns:
        A float64 array of shape (num_samples,): the mean over features of the squared
        difference. Its mean over samples is the mean squared error of the whole set.

    Raises:
        ValueError: If either array is not 2-D with at least one sample, or their shapes
            differ.
    """
    inputs = _check_images("inputs", inputs)
    reconstructions = _check_images("reconstructions", reconstructions)
    if inputs.shape != reconstructions.shape:
        raise ValueError(
            f"inputs and reconstructions must have the same shape, got {inputs.shape} "
            f"and {reconstructions.shape}"
        )
    return np.mean(np.square(inputs - reconstructions), axis=1)  # (num_samples,)


def plot_reconstructions(originals: ArrayLike, reconstructions: Mapping[str, ArrayLike]) -> Figure:
    """Draw square grey images in the top row and each model's reconstructions below.

    Pixels are drawn from 0 (white) to 1 (black), the range of the scaled digits.

    Args:
        originals: Images as rows of side * side pixels, shape (num_images, side**2).
        reconstructions: Row label -> reconstructions of the same images, same shape.

    Returns:
        A matplotlib Figure with `1 + len(reconstructions)` rows and one column per image.

    Raises:
        ValueError: If `originals` is not 2-D with at least one image of a square number
            of pixels, `reconstructions` is empty, or a reconstruction's shape differs.
    """
    rows = {"original": _check_images("originals", originals)}
    side = math.isqrt(rows["original"].shape[1])
    if side * side != rows["original"].shape[1]:
        raise ValueError(
            f"originals must hold square images, got {rows['original'].shape[1]} pixels each"
        )
    if not reconstructions:
        raise ValueError("reconstructions must map at least one row label to images")
    for label, images in reconstructions.items():
        rows[label] = _check_images(f"reconstructions[{label!r}]", images)
        if rows[label].shape != rows["original"].shape:
            raise ValueError(
                f"reconstructions[{label!r}] must have the originals' shape "
                f"{rows['original'].shape}, got {rows[label].shape}"
            )
    num_images = len(rows["original"])
    figure, axes = plt.subplots(
        len(rows),
        num_images,
        figsize=(0.62 * num_images + 1.2, 0.68 * len(rows)),
        squeeze=False,
        layout="constrained",
    )
    for row, (label, images) in zip(axes, rows.items(), strict=True):
        for axis, image in zip(row, images, strict=True):
            axis.imshow(image.reshape(side, side), cmap="gray_r", vmin=0.0, vmax=1.0)
            axis.set_xticks([])
            axis.set_yticks([])
        row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize="small")
    return figure
