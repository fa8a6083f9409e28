"""Recurrent sequence models: SimpleRNN, LSTM and GRU layers, their sizes, and a trainer.

`build_sequence_model` puts one Keras recurrent layer in front of a `Dense` output,
`parameter_count` gives each cell's size from its equations, `input_gradient_norms`
measures how much the loss depends on the input at each step, and `SequenceTrainer`
trains one classifier on many seeds and sequence lengths with a single traced step.
"""

import time
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

from dlguide._validation import positive_int, positive_number
from dlguide.diagnostics import LOSSES
from dlguide.seeding import set_seed

CELLS = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}

# A cell's weights come in blocks, one per gate or candidate value, each an input kernel
# (num_features x units), a recurrent kernel (units x units) and a bias (units).
BLOCKS = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def _check_cell(cell: object) -> str:
    """Return `cell`, or raise ValueError unless it names one of `CELLS`."""
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}")
    return str(cell)


def parameter_count(cell: str, num_features: int, units: int, reset_after: bool = True) -> int:
    """Return the parameters of a Keras recurrent layer, from its cell's equations.

    One block holds units * (num_features + units + 1) weights. A SimpleRNN has one,
    `h_t = tanh(x_t W + h_{t-1} U + b)`; an LSTM four (the input, forget and output
    gates and the candidate cell value); a GRU three (the update and reset gates and
    the candidate state). A GRU with `reset_after=True`, the Keras default, applies the
    reset gate after the recurrent product, `r * (h_{t-1} U + b_recurrent)`, so that
    product has a bias of its own: 3 * units more.

    Args:
        cell: "SimpleRNN", "LSTM" or "GRU".
        num_features: Inputs per step, a positive int.
        units: Size of the hidden state (and of an LSTM's cell state), a positive int.
        reset_after: For a GRU, whether it is built with `reset_after=True`; a bool,
            ignored for the other cells.

    Returns:
        The number of parameters.

    Raises:
        ValueError: If `cell` is unknown, `num_features` or `units` is not a positive
            int, or `reset_after` is not a bool.
    """
    cell = _check_cell(cell)
    num_features = positive_int("num_features", num_features)
    units = positive_int("units", units)
    if not isinstance(reset_after, bool):
        raise ValueError(f"reset_after must be a bool, got {reset_after!r}")
    count = BLOCKS[cell] * units * (num_features + units + 1)
    return count + 3 * units if cell == "GRU" and reset_after else count


def build_sequence_model(
    cell: str,
    num_features: int,
    units: int = 16,
    output_units: int = 1,
    output_activation: str | None = None,
    length: int | None = None,
    name: str | None = None,
) -> keras.Model:
    """Build `Input -> recurrent layer -> Dense`: a sequence classifier or regressor.

    The recurrent layer (named `recurrent`) returns only its hidden state after the last
    step, and the `Dense` layer (named `output`) maps it to the prediction. Keras's
    default initializers are kept: Glorot-uniform input kernels, orthogonal recurrent
    kernels, zero biases except the LSTM's forget gate, whose bias starts at 1.

    Args:
        cell: "SimpleRNN", "LSTM" or "GRU".
        num_features: Inputs per step, a positive int.
        units: Size of the hidden state, a positive int.
        output_units: Outputs of the model, a positive int (the number of classes for a
            classifier, 1 for a regressor).
        output_activation: Activation of the output layer, e.g. "softmax" for a
            classifier or None for a regressor.
        length: Steps per sequence, a positive int; None accepts any length.
        name: Model name; defaults to the cell's name in lower case, e.g. "lstm".

    Returns:
        An uncompiled `keras.Model` mapping (batch, length, num_features) to
        (batch, output_units).

    Raises:
        ValueError: If `cell` is unknown, `num_features`, `units` or `output_units` is not
            a positive int, or `length` is neither None nor a positive int.
    """
    cell = _check_cell(cell)
    num_features = positive_int("num_features", num_features)
    units = positive_int("units", units)
    output_units = positive_int("output_units", output_units)
    length = None if length is None else positive_int("length", length)

    inputs = keras.Input(shape=(length, num_features), name="sequence")  # (batch, time, features)
    state = CELLS[cell](units, name="recurrent")(inputs)  # (batch, units): the last step's h
    outputs = keras.layers.Dense(output_units, activation=output_activation, name="output")(
        state
    )  # (batch, output_units)
    return keras.Model(inputs, outputs, name=name or cell.lower())


def input_gradient_norms(
    model: keras.Model, x: ArrayLike, y: ArrayLike, loss: str = "sparse_categorical_crossentropy"
) -> np.ndarray:
    """Return, for every step t, the norm of the gradient of the loss with respect to x_t.

    Where it is tiny, a change of x_t barely changes the loss computed after the last
    step, and training cannot learn to use what happened at step t.

    Args:
        model: A Keras model taking (batch, length, features) sequences.
        x: Inputs, array-like of shape (num_samples, length, features).
        y: Targets with one row per sample, in the form `loss` expects.
        loss: A loss name of `dlguide.diagnostics.LOSSES`.

    Returns:
        Float array of shape (length,): the L2 norm, over the batch and the features, of
        d loss / d x_t, where the loss is the batch mean.

    Raises:
        ValueError: If `loss` is unknown, `x` is not 3-D or is empty, or `y` does not
            have as many samples.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if x.ndim != 3 or len(x) == 0 or y.ndim == 0 or len(y) != len(x):
        raise ValueError(
            f"x must have shape (num_samples, length, features) and y as many samples, "
            f"got shapes {x.shape} and {y.shape}"
        )
    inputs = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(inputs)  # a constant, not a variable: the tape must be told to follow it
        loss_value = LOSSES[loss]()(y, model(inputs, training=False))  # scalar
    gradient = tape.gradient(loss_value, inputs).numpy()  # (batch, time, features)
    return np.sqrt(np.sum(gradient.astype(np.float64) ** 2, axis=(0, 2)))  # (time,)


class SequenceTrainer:
    """Train one sequence classifier on many seeds and lengths with a single traced step.

    Tracing a recurrent layer's training step costs seconds on a CPU, as much as the few
    hundred steps it then runs. The trainer traces one step, and `reset(seed)` restarts
    the same model from the weights `build()` draws after `dlguide.set_seed(seed)`, with
    a fresh optimizer state. The loss is the sparse categorical cross-entropy.

    Attributes:
        model: The model being trained (the first one `build` returned).
        optimizer: Its Adam optimizer.
    """

    def __init__(self, build: Callable[[], keras.Model], learning_rate: float = 0.01):
        """Build the model and its Adam optimizer, and trace the training step.

        Args:
            build: A function of no arguments returning a new, untrained Keras model
                from (batch, time, features) to class probabilities.
            learning_rate: Adam's learning rate, a positive number.

        Raises:
            ValueError: If `build` is not callable or does not return a Keras model, or
                `learning_rate` is not a positive number.
        """
        if not callable(build):
            raise ValueError(f"build must be a function returning a Keras model, got {build!r}")
        self._build = build  # called again by reset
        self.model = model = self._new_model()
        self.optimizer = optimizer = keras.optimizers.Adam(
            positive_number("learning_rate", learning_rate)
        )
        variables = model.trainable_variables
        optimizer.build(variables)  # create the moments now, outside the trace
        self._initial_state = [variable.numpy() for variable in optimizer.variables]
        loss_function = keras.losses.SparseCategoricalCrossentropy()
        # The model's input shape: with a free time dimension (length=None when built by
        # `build_sequence_model`) every length reuses this one trace.
        sequences = tf.TensorSpec(model.input_shape, tf.float32)  # (batch, time, features)

        @tf.function(input_signature=[sequences, tf.TensorSpec((None,), tf.float32)])
        def train_step(batch_x, batch_y):
            with tf.GradientTape() as tape:
                loss_value = loss_function(batch_y, model(batch_x, training=True))  # scalar
            gradients = tape.gradient(loss_value, variables)
            optimizer.apply_gradients(zip(gradients, variables, strict=True))
            return loss_value

        self._train_step = train_step
        self._predict = tf.function(
            lambda batch_x: model(batch_x, training=False), input_signature=[sequences]
        )  # (batch, classes)

    def _new_model(self) -> keras.Model:
        model = self._build()
        if not isinstance(model, keras.Model):
            raise ValueError(f"build must return a Keras model, got {type(model).__name__}")
        return model

    def reset(self, seed: int) -> None:
        """Seed everything with `seed` and restart from the weights `build()` then draws.

        Args:
            seed: A non-negative int, passed to `dlguide.set_seed`.

        Raises:
            ValueError: If `seed` is not a non-negative int.
        """
        set_seed(seed)
        self.model.set_weights(self._new_model().get_weights())
        for variable, value in zip(self.optimizer.variables, self._initial_state, strict=True):
            variable.assign(value)  # step count and moments back to zero

    def _check(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Return `x` and `y` as float32 arrays, or raise ValueError if they do not fit."""
        x, y = np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)
        if x.ndim != 3 or len(x) == 0 or y.shape != (len(x),):
            raise ValueError(
                f"x must have shape (num_samples, length, features) and y shape "
                f"(num_samples,), got shapes {x.shape} and {y.shape}"
            )
        return x, y

    def fit(
        self,
        x: ArrayLike,
        y: ArrayLike,
        epochs: int = 10,
        batch_size: int = 128,
        seed: int = 0,
        on_epoch_end: Callable[[int], bool | None] | None = None,
    ) -> dict[str, list[float]]:
        """Train with minibatches, reshuffled each epoch by a NumPy generator seeded by `seed`.

        Args:
            x: Inputs, array-like of shape (num_samples, length, features).
            y: Integer class labels, shape (num_samples,).
            epochs: Passes over the data, a positive int.
            batch_size: Samples per step, a positive int.
            seed: Seed of the shuffling.
            on_epoch_end: If given, called with the 0-based epoch after each epoch,
                outside the timed part; training stops early if it returns True.

        Returns:
            A dict with "loss" (the loss of every step) and "epoch_seconds" (the time of
            every epoch; a trainer's first epoch includes tracing the step).

        Raises:
            ValueError: If `epochs` or `batch_size` is not a positive int, or `x` and `y`
                do not have the shapes above.
        """
        epochs = positive_int("epochs", epochs)
        batch_size = positive_int("batch_size", batch_size)
        x, y = self._check(x, y)
        rng = np.random.default_rng(seed)
        history: dict[str, list[float]] = {"loss": [], "epoch_seconds": []}
        for epoch in range(epochs):
            start_time = time.perf_counter()
            order = rng.permutation(len(x))
            for start in range(0, len(x), batch_size):
                rows = order[start : start + batch_size]
                history["loss"].append(float(self._train_step(x[rows], y[rows])))
            history["epoch_seconds"].append(time.perf_counter() - start_time)
            if on_epoch_end is not None and on_epoch_end(epoch) is True:
                break
        return history

    def accuracy(self, x: ArrayLike, y: ArrayLike) -> float:
        """Return the share of sequences whose most probable class is the label `y`.

        Args:
            x: Inputs, array-like of shape (num_samples, length, features).
            y: Integer class labels, shape (num_samples,).

        Returns:
            Accuracy in [0, 1].

        Raises:
            ValueError: If `x` and `y` do not have the shapes above.
        """
        x, y = self._check(x, y)
        scores = self._predict(x).numpy()  # (num_samples, classes)
        return float(np.mean(scores.argmax(axis=1) == y))
