"""A deep belief network: RBMs pre-trained greedily, one layer at a time, then an MLP.

Hinton, Osindero and Teh (2006) trained a stack of RBMs bottom-up: the first RBM models
the data, the second models the first one's hidden activities, and so on, each trained
with the layers below it frozen. `pretrain_layers` does that. For classification, the
stack's weights then initialise a sigmoid multilayer perceptron, which is fine-tuned
with backpropagation on the labels: `dbn_classifier` builds it, with each hidden `Dense`
layer computing exactly its RBM's p(h = 1 | v). `build_sigmoid_classifier` builds the
same network with random weights, the baseline that pre-training has to beat.
"""

from collections.abc import Sequence

import keras
import numpy as np
from numpy.typing import ArrayLike

from dlguide._validation import positive_int
from dlguide.models.rbm import BernoulliRBM, train_rbm


def _hidden_units(hidden_units: Sequence[int]) -> tuple[int, ...]:
    """Return `hidden_units` as a tuple of positive ints, or raise ValueError."""
    units = tuple(hidden_units) if not isinstance(hidden_units, str | bytes) else ()
    if not units:
        raise ValueError(
            f"hidden_units must be a non-empty sequence of positive ints, got {hidden_units!r}"
        )
    return tuple(positive_int(f"hidden_units[{index}]", value) for index, value in enumerate(units))


def pretrain_layers(
    data: ArrayLike,
    hidden_units: Sequence[int],
    epochs: int = 20,
    batch_size: int = 32,
    learning_rate: float = 0.05,
    momentum: float = 0.5,
    k: int = 1,
    seed: int = 0,
) -> tuple[list[BernoulliRBM], list[dict[str, list[float]]]]:
    """Train a stack of RBMs greedily, bottom-up, with CD-k.

    RBM `i` is trained on p(h | v) of RBM `i - 1` (on `data` for the first), which stays
    fixed from then on: each layer learns a model of the layer below it. Seed with
    `dlguide.set_seed` first for reproducible weights.

    Args:
        data: Training vectors in [0, 1], shape (num_samples, num_features).
        hidden_units: Hidden units of each RBM, bottom first, positive ints.
        epochs: CD epochs per layer, a positive int.
        batch_size: Vectors per update, a positive int.
        learning_rate: SGD step size, a positive number.
        momentum: SGD momentum, in [0, 1).
        k: Gibbs steps of each negative phase, a positive int.
        seed: Seed of the shuffling (layer `i` uses `seed + i`).

    Returns:
        `(rbms, histories)`: the trained RBMs, bottom first, and for each the
        reconstruction-error history returned by `train_rbm` (its "train" list).

    Raises:
        ValueError: If `data` is not a non-empty 2-D array, `hidden_units` is not a
            non-empty sequence of positive ints, or a training argument is invalid.
    """
    units = _hidden_units(hidden_units)
    layer_input = np.asarray(data, dtype=np.float32)
    if layer_input.ndim != 2 or len(layer_input) == 0 or layer_input.shape[1] == 0:
        raise ValueError(
            f"data must have shape (num_samples, num_features), both > 0, got {layer_input.shape}"
        )
    rbms, histories = [], []
    for index, num_hidden in enumerate(units):
        rbm = BernoulliRBM(layer_input.shape[1], num_hidden, name=f"rbm_{index + 1}")
        history = train_rbm(
            rbm,
            layer_input,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            momentum=momentum,
            k=k,
            seed=seed + index,
        )
        rbms.append(rbm)
        histories.append(history)
        # The next RBM's data: this one's hidden probabilities, (num_samples, num_hidden).
        layer_input = np.asarray(rbm.hidden_probabilities(layer_input))
    return rbms, histories


def build_sigmoid_classifier(
    input_dim: int,
    hidden_units: Sequence[int],
    num_classes: int = 10,
    name: str = "sigmoid_mlp",
) -> keras.Model:
    """Build an MLP of sigmoid `Dense` layers and a softmax output, with random weights.

    The hidden layers are named `hidden_1`, `hidden_2`, ... and use Keras's default
    Glorot-uniform weights and zero biases; the last layer is named `output`.

    Args:
        input_dim: Number of input features, a positive int.
        hidden_units: Units of each hidden layer, first first, positive ints.
        num_classes: Number of classes, a positive int.
        name: Model name.

    Returns:
        An uncompiled `keras.Model` mapping (batch, input_dim) to (batch, num_classes).

    Raises:
        ValueError: If `input_dim` or `num_classes` is not a positive int, or
            `hidden_units` is not a non-empty sequence of positive ints.
    """
    input_dim = positive_int("input_dim", input_dim)
    units = _hidden_units(hidden_units)
    num_classes = positive_int("num_classes", num_classes)
    inputs = keras.Input(shape=(input_dim,), name="inputs")  # (batch, input_dim)
    hidden = inputs
    for index, width in enumerate(units, 1):
        # sigmoid(v W + b): the same function as an RBM's p(h = 1 | v).
        hidden = keras.layers.Dense(width, activation="sigmoid", name=f"hidden_{index}")(
            hidden
        )  # (batch, width)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(hidden)
    return keras.Model(inputs, outputs, name=name)  # (batch, num_classes)


def dbn_classifier(
    rbms: Sequence[BernoulliRBM], num_classes: int = 10, name: str = "dbn_mlp"
) -> keras.Model:
    """Turn a pre-trained RBM stack into a sigmoid MLP ready for supervised fine-tuning.

    Hidden layer `i` gets RBM `i`'s weights and hidden bias (the visible biases are only
    needed to generate, and are dropped); the softmax output layer starts random.

    Args:
        rbms: Pre-trained RBMs, bottom first, each with as many visible units as the
            one before it has hidden units.
        num_classes: Number of classes, a positive int.
        name: Model name.

    Returns:
        An uncompiled `keras.Model` whose hidden layers compute the RBMs' p(h | v).

    Raises:
        ValueError: If `rbms` is empty, holds something other than `BernoulliRBM`s, or
            two neighbouring RBMs do not fit together; or `num_classes` is invalid.
    """
    stack = list(rbms) if not isinstance(rbms, str | bytes) else []
    if not stack or not all(isinstance(rbm, BernoulliRBM) for rbm in stack):
        raise ValueError(f"rbms must be a non-empty sequence of BernoulliRBM, got {rbms!r}")
    for index in range(1, len(stack)):
        if stack[index].num_visible != stack[index - 1].num_hidden:
            raise ValueError(
                f"rbms[{index}] must have {stack[index - 1].num_hidden} visible units, the "
                f"hidden units of rbms[{index - 1}], got {stack[index].num_visible}"
            )
    model = build_sigmoid_classifier(
        stack[0].num_visible, [rbm.num_hidden for rbm in stack], num_classes, name=name
    )
    for index, rbm in enumerate(stack, 1):
        model.get_layer(f"hidden_{index}").set_weights(
            [np.asarray(rbm.weights_matrix), np.asarray(rbm.hidden_bias)]
        )  # kernel (num_visible, num_hidden), bias (num_hidden,)
    return model
