"""A Bernoulli-Bernoulli restricted Boltzmann machine (RBM), trained by contrastive divergence.

Binary visible units `v` and hidden units `h`, weights `W` between the layers and none
inside one; energy `E(v, h) = -a.v - b.h - v.W.h`, probability `exp(-E) / Z`. Given one
layer, the units of the other are independent, so block Gibbs sampling is cheap.
`BernoulliRBM` is a Keras layer whose call returns p(h | v), the function of a sigmoid
`Dense` layer; `train_rbm` fits it with CD-k, one `tf.function` call per epoch.
"""

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

from dlguide._validation import positive_int, positive_number


def _batch(name: str, value: ArrayLike | tf.Tensor, width: int) -> tf.Tensor:
    """Return `value` as a float32 tensor of shape (batch, width), or raise ValueError."""
    tensor = tf.convert_to_tensor(value, dtype=tf.float32)
    if tensor.shape.rank != 2 or tensor.shape[-1] != width:
        raise ValueError(
            f"{name} must have shape (batch, {width}), got {tuple(tensor.shape.as_list())}"
        )
    return tensor


class BernoulliRBM(keras.layers.Layer):
    """A restricted Boltzmann machine with binary visible and binary hidden units.

    The weights start from a normal distribution with standard deviation `weight_scale`
    and both biases from zero; seed with `dlguide.set_seed` first for reproducible
    weights and samples. Calling the layer on visible vectors returns `p(h = 1 | v)`.

    Args:
        num_visible: Number of visible units, a positive int.
        num_hidden: Number of hidden units, a positive int.
        weight_scale: Standard deviation of the initial weights, a positive number.
        **kwargs: Passed to `keras.layers.Layer` (for example `name`).

    Raises:
        ValueError: If `num_visible` or `num_hidden` is not a positive int, or
            `weight_scale` is not a positive number.
    """

    def __init__(self, num_visible: int, num_hidden: int, weight_scale: float = 0.01, **kwargs):
        super().__init__(**kwargs)
        self.num_visible = positive_int("num_visible", num_visible)
        self.num_hidden = positive_int("num_hidden", num_hidden)
        weight_scale = positive_number("weight_scale", weight_scale)
        self.weights_matrix = self.add_weight(
            shape=(self.num_visible, self.num_hidden),
            initializer=keras.initializers.RandomNormal(stddev=weight_scale),
            name="weights",
        )  # W: (num_visible, num_hidden)
        self.visible_bias = self.add_weight(
            shape=(self.num_visible,), initializer="zeros", name="visible_bias"
        )  # a: (num_visible,)
        self.hidden_bias = self.add_weight(
            shape=(self.num_hidden,), initializer="zeros", name="hidden_bias"
        )  # b: (num_hidden,)
        # Sampling draws from the layer's own seeded stream, which works inside tf.function;
        # the chain is compiled because each eager Gibbs step costs milliseconds.
        self.seed_generator = keras.random.SeedGenerator()
        self._compiled_chain = tf.function(
            self._chain,
            input_signature=[
                tf.TensorSpec((None, self.num_hidden), tf.float32),
                tf.TensorSpec((), tf.int32),
            ],
        )
        self.built = True

    def call(self, visible):
        """Return p(h = 1 | v), shape (batch, num_hidden)."""
        return self.hidden_probabilities(visible)

    def energy(self, visible: ArrayLike, hidden: ArrayLike) -> tf.Tensor:
        """Return E(v, h) = -a.v - b.h - v.W.h for each row, shape (batch,).

        Raises:
            ValueError: If `visible` or `hidden` is not (batch, units) of this RBM.
        """
        visible = _batch("visible", visible, self.num_visible)
        hidden = _batch("hidden", hidden, self.num_hidden)
        interaction = tf.reduce_sum((visible @ self.weights_matrix) * hidden, axis=1)  # v.W.h
        visible_term = tf.linalg.matvec(visible, self.visible_bias)  # a.v, (batch,)
        return -(visible_term + tf.linalg.matvec(hidden, self.hidden_bias) + interaction)

    def free_energy(self, visible: ArrayLike) -> tf.Tensor:
        """Return F(v) = -log sum_h exp(-E(v, h)) = -a.v - sum_j softplus(b_j + (vW)_j).

        The hidden units sum out one at a time: p(v) = exp(-F(v)) / Z in O(units) work.

        Raises:
            ValueError: If `visible` is not (batch, num_visible).
        """
        visible = _batch("visible", visible, self.num_visible)
        hidden_input = visible @ self.weights_matrix + self.hidden_bias  # (batch, num_hidden)
        return -tf.linalg.matvec(visible, self.visible_bias) - tf.reduce_sum(
            tf.math.softplus(hidden_input), axis=1
        )  # (batch,)

    def hidden_probabilities(self, visible: ArrayLike) -> tf.Tensor:
        """Return p(h_j = 1 | v) = sigmoid(b_j + (vW)_j), shape (batch, num_hidden).

        Raises:
            ValueError: If `visible` is not (batch, num_visible).
        """
        visible = _batch("visible", visible, self.num_visible)
        return tf.sigmoid(visible @ self.weights_matrix + self.hidden_bias)

    def visible_probabilities(self, hidden: ArrayLike) -> tf.Tensor:
        """Return p(v_i = 1 | h) = sigmoid(a_i + (W h)_i), shape (batch, num_visible).

        Raises:
            ValueError: If `hidden` is not (batch, num_hidden).
        """
        hidden = _batch("hidden", hidden, self.num_hidden)
        return tf.sigmoid(hidden @ tf.transpose(self.weights_matrix) + self.visible_bias)

    def _bernoulli(self, probabilities: tf.Tensor) -> tf.Tensor:
        """Draw 0/1 with the given probabilities, from the layer's seeded stream."""
        noise = keras.random.uniform(tf.shape(probabilities), seed=self.seed_generator)
        return tf.cast(noise < probabilities, tf.float32)

    def _chain(self, hidden: tf.Tensor, steps: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """Run `steps` >= 1 steps h -> v -> h; return the last v sample and p(h | v)."""
        visible = tf.zeros((tf.shape(hidden)[0], self.num_visible))
        probabilities = hidden  # both are defined before the graph loop, as it requires
        for _ in tf.range(steps):
            visible = self._bernoulli(self.visible_probabilities(hidden))  # (batch, num_visible)
            probabilities = self.hidden_probabilities(visible)  # (batch, num_hidden)
            hidden = self._bernoulli(probabilities)
        return visible, probabilities

    def gibbs_chain(self, visible: ArrayLike, steps: int) -> tf.Tensor:
        """Run `steps` block Gibbs steps v -> h -> v from each row and return the last v.

        Args:
            visible: Starting states, (batch, num_visible), usually 0/1.
            steps: Number of full steps, a non-negative int (0 returns `visible`).

        Returns:
            Binary samples, shape (batch, num_visible).

        Raises:
            ValueError: If `visible` has the wrong shape or `steps` is not an int >= 0.
        """
        visible = _batch("visible", visible, self.num_visible)
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
            raise ValueError(f"steps must be a non-negative int, got {steps!r}")
        if steps == 0:
            return visible
        hidden = self._bernoulli(self.hidden_probabilities(visible))
        return self._compiled_chain(hidden, tf.constant(int(steps)))[0]

    def contrastive_divergence(self, visible: ArrayLike, k: int = 1) -> list[tf.Tensor]:
        """Estimate the gradient of the mean log-likelihood of `visible` with CD-k.

        The gradient for W is E_data[v p(h|v)^T] - E_model[v h^T]; CD-k estimates the
        model term from k Gibbs steps started at the data, with p(h | v_k) for h_k.

        Args:
            visible: A batch of training vectors, (batch, num_visible).
            k: Gibbs steps of the negative phase, a positive int.

        Returns:
            `[dW, da, db]`, ascent directions shaped like the weights, the visible bias
            and the hidden bias, each averaged over the batch.

        Raises:
            ValueError: If `visible` has the wrong shape or `k` is not a positive int.
        """
        visible = _batch("visible", visible, self.num_visible)
        k = positive_int("k", k)
        positive_hidden = self.hidden_probabilities(visible)  # (batch, num_hidden)
        chain_visible, negative_hidden = self._compiled_chain(
            self._bernoulli(positive_hidden), tf.constant(k)
        )
        batch_size = tf.cast(tf.shape(visible)[0], tf.float32)
        weights_gradient = (
            tf.transpose(visible) @ positive_hidden - tf.transpose(chain_visible) @ negative_hidden
        ) / batch_size  # (num_visible, num_hidden)
        visible_gradient = tf.reduce_mean(visible - chain_visible, axis=0)  # (num_visible,)
        hidden_gradient = tf.reduce_mean(positive_hidden - negative_hidden, axis=0)
        return [weights_gradient, visible_gradient, hidden_gradient]

    def reconstruction_error(self, visible: ArrayLike) -> float:
        """Return the mean squared error of the deterministic reconstruction p(v | p(h | v)).

        A cheap progress signal, not the objective (the log-likelihood, which CD follows).

        Raises:
            ValueError: If `visible` is not (batch, num_visible) with batch > 0.
        """
        visible = _batch("visible", visible, self.num_visible)
        if visible.shape[0] == 0:
            raise ValueError("visible must hold at least one row")
        reconstruction = self.visible_probabilities(self.hidden_probabilities(visible))
        return float(tf.reduce_mean(tf.square(visible - reconstruction)))


def train_rbm(
    rbm: BernoulliRBM,
    data: ArrayLike,
    epochs: int = 20,
    batch_size: int = 32,
    learning_rate: float = 0.05,
    momentum: float = 0.5,
    k: int = 1,
    seed: int = 0,
    validation_data: ArrayLike | None = None,
) -> dict[str, list[float]]:
    """Fit an RBM with CD-k and SGD with momentum, and record the reconstruction error.

    The optimizer minimises, so it is given the negated CD estimate: a step uphill.

    Args:
        rbm: The RBM to train in place.
        data: Training vectors in [0, 1], shape (num_samples, rbm.num_visible).
        epochs: Passes over the data, a positive int.
        batch_size: Vectors per update, a positive int.
        learning_rate: SGD step size, a positive number.
        momentum: SGD momentum, in [0, 1).
        k: Gibbs steps of the negative phase, a positive int.
        seed: Seed of the per-epoch shuffling.
        validation_data: Optional held-out vectors, same width as `data`.

    Returns:
        `{"train": [...], "validation": [...]}`: the reconstruction error before training
        and after each epoch (epochs + 1 values each); "validation" is empty when no
        `validation_data` is given.

    Raises:
        ValueError: If an argument is out of range or the data do not fit the RBM.
    """
    data = _batch("data", data, rbm.num_visible).numpy()
    if len(data) == 0:
        raise ValueError("data must hold at least one row")
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    learning_rate = positive_number("learning_rate", learning_rate)
    if isinstance(momentum, bool) or not isinstance(momentum, int | float) or not 0 <= momentum < 1:
        raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}")
    k = positive_int("k", k)
    if validation_data is not None:
        validation_data = _batch("validation_data", validation_data, rbm.num_visible)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
    variables = [rbm.weights_matrix, rbm.visible_bias, rbm.hidden_bias]
    optimizer.build(variables)

    # One call per epoch: the loop over batches runs in the graph, not in Python.
    @tf.function(input_signature=[tf.TensorSpec((None, rbm.num_visible), tf.float32)])
    def train_epoch(shuffled):
        for start in tf.range(0, tf.shape(shuffled)[0], batch_size):
            gradients = rbm.contrastive_divergence(shuffled[start : start + batch_size], k)
            optimizer.apply_gradients(zip([-g for g in gradients], variables, strict=True))

    def record():
        history["train"].append(rbm.reconstruction_error(data))
        if validation_data is not None:
            history["validation"].append(rbm.reconstruction_error(validation_data))

    history: dict[str, list[float]] = {"train": [], "validation": []}
    record()
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        train_epoch(data[rng.permutation(len(data))])
        record()
    return history
