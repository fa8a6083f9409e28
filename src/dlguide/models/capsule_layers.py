"""The building blocks of a capsule network: squash, dynamic routing and capsule layers.

A capsule is a small vector of units instead of a single unit. Its length, kept below 1 by
`squash`, is read as the probability that the entity it stands for is present; its
direction is meant to encode that entity's pose (position, size, stroke thickness...).
`PrimaryCapsules` cuts a convolution's channels into such vectors; `DigitCapsules` lets
every lower capsule predict every upper capsule through a learned matrix and combines the
predictions with routing by agreement (Sabour, Frosst and Hinton, "Dynamic Routing Between
Capsules", 2017, Procedure 1).
"""

import keras
from keras import ops

from dlguide._validation import positive_int

# Added under square roots so that a zero vector has a zero length and a finite gradient.
EPSILON = 1e-7


def squash(vectors, axis: int = -1):
    """Shrink each vector to a length below 1 without changing its direction.

    `squash(s) = ||s||^2 / (1 + ||s||^2) * s / ||s||`: short vectors shrink to almost
    zero, long ones to a length just under 1.

    Args:
        vectors: A float tensor; the vectors lie along `axis`.
        axis: The axis that holds the components of each vector.

    Returns:
        A tensor of the same shape, each vector of length `||s||^2 / (1 + ||s||^2)`.

    Raises:
        ValueError: If `axis` is not an int.
    """
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"axis must be an int, got {axis!r}")
    squared_norm = ops.sum(ops.square(vectors), axis=axis, keepdims=True)
    scale = squared_norm / (1.0 + squared_norm) / ops.sqrt(squared_norm + EPSILON)
    return scale * vectors


def capsule_length(vectors):
    """Return the length of each capsule vector (last axis), with a finite gradient at zero.

    Args:
        vectors: A float tensor of shape (..., capsule_dim).

    Returns:
        A tensor of shape (...): the Euclidean length of every vector.
    """
    return ops.sqrt(ops.sum(ops.square(vectors), axis=-1) + EPSILON)


def dynamic_routing(predictions, iterations: int = 3):
    """Combine the predictions of lower capsules into upper capsules by routing by agreement.

    Procedure 1 of Sabour et al. (2017): the logits `b_ij` start at zero; each iteration
    turns them into coupling coefficients `c_ij = softmax_j(b_ij)` (each lower capsule
    splits one unit of vote among the upper ones), forms `s_j = sum_i c_ij u_hat_j|i`
    and `v_j = squash(s_j)`, and raises `b_ij` by the agreement `u_hat_j|i . v_j`. The
    couplings are computed afresh for every input; nothing here is learned.

    Args:
        predictions: `u_hat`, a tensor of shape (batch, num_inputs, num_outputs,
            output_dim): what each lower capsule predicts for each upper capsule.
        iterations: Number of routing iterations, a positive int (3 in the paper).

    Returns:
        `(outputs, couplings)`: the upper capsules `v`, shape (batch, num_outputs,
        output_dim), and the coupling coefficients used in each iteration, shape
        (iterations, batch, num_inputs, num_outputs).

    Raises:
        ValueError: If `iterations` is not a positive int or `predictions` does not
            have four axes.
    """
    iterations = positive_int("iterations", iterations)
    if len(predictions.shape) != 4:
        raise ValueError(
            "predictions must have shape (batch, num_inputs, num_outputs, output_dim), "
            f"got shape {tuple(predictions.shape)}"
        )
    # One transpose up front turns both sums below into batched matrix products, which
    # run several times faster on a CPU than the same einsums in the (i, j) layout.
    by_output = ops.transpose(predictions, (0, 2, 1, 3))  # u_hat: (batch, outputs, inputs, dim)
    logits = ops.zeros_like(by_output[..., 0])  # b: (batch, outputs, inputs)
    couplings = []
    for iteration in range(iterations):
        coupling = ops.softmax(logits, axis=1)  # c: each input's votes sum to 1 over outputs
        couplings.append(ops.transpose(coupling, (0, 2, 1)))  # (batch, inputs, outputs)
        # s_j = sum_i c_ij u_hat_j|i: (batch, outputs, 1, inputs) @ (..., inputs, dim)
        total = ops.matmul(ops.expand_dims(coupling, 2), by_output)[:, :, 0, :]
        outputs = squash(total)  # v: (batch, outputs, dim)
        if iteration < iterations - 1:  # the last update would never be used
            # u_hat_j|i . v_j: (batch, outputs, inputs, dim) @ (batch, outputs, dim, 1)
            agreement = ops.matmul(by_output, ops.expand_dims(outputs, 3))[..., 0]
            logits = logits + agreement
    return outputs, ops.stack(couplings)


class PrimaryCapsules(keras.layers.Layer):
    """A convolution whose channels are cut into capsule vectors and squashed.

    At each position the `num_types * capsule_dim` channels become `num_types`
    capsules of `capsule_dim` units, so an (H, W) map gives H * W * num_types capsules.
    """

    def __init__(
        self, num_types: int, capsule_dim: int, kernel_size: int, strides: int = 1, **kwargs
    ):
        """Create the layer.

        Args:
            num_types: Capsule types (groups of channels) at each position, a positive int.
            capsule_dim: Units per capsule, a positive int.
            kernel_size: Height and width of the convolution's kernels, a positive int.
            strides: Step of the convolution, a positive int.
            **kwargs: Passed to `keras.layers.Layer` (for example `name`).

        Raises:
            ValueError: If an argument is not a positive int.
        """
        super().__init__(**kwargs)
        self.num_types = positive_int("num_types", num_types)
        self.capsule_dim = positive_int("capsule_dim", capsule_dim)
        self.kernel_size = positive_int("kernel_size", kernel_size)
        self.strides = positive_int("strides", strides)
        self.conv = keras.layers.Conv2D(
            self.num_types * self.capsule_dim, self.kernel_size, strides=self.strides
        )

    def build(self, input_shape):
        """Create the convolution's weights for (batch, height, width, channels) inputs."""
        self.conv.build(input_shape)

    def call(self, inputs):
        """Return the squashed capsules, (batch, H' * W' * num_types, capsule_dim)."""
        features = self.conv(inputs)  # (batch, H', W', types * dim)
        height, width = features.shape[1], features.shape[2]
        capsules = ops.reshape(features, (-1, height * width * self.num_types, self.capsule_dim))
        return squash(capsules)  # (batch, H' * W' * types, dim)

    def compute_output_shape(self, input_shape):
        """Return (batch, H' * W' * num_types, capsule_dim) for an image shape."""
        height, width = self.conv.compute_output_shape(input_shape)[1:3]
        return (input_shape[0], height * width * self.num_types, self.capsule_dim)


class DigitCapsules(keras.layers.Layer):
    """Fully connected capsules: every input capsule predicts every output capsule.

    Input capsule `i` predicts output capsule `j` as `u_hat_j|i = W_ij u_i`, with one
    learned (capsule_dim x input_dim) matrix per pair; `dynamic_routing` combines the
    predictions. `routing_iterations` is read at every call, so it can be changed on a
    trained layer to see what routing contributes.
    """

    def __init__(self, num_capsules: int, capsule_dim: int, routing_iterations: int = 3, **kwargs):
        """Create the layer.

        Args:
            num_capsules: Output capsules (one per class for digit capsules), a positive int.
            capsule_dim: Units per output capsule, a positive int.
            routing_iterations: Iterations of routing by agreement, a positive int.
            **kwargs: Passed to `keras.layers.Layer` (for example `name`).

        Raises:
            ValueError: If an argument is not a positive int.
        """
        super().__init__(**kwargs)
        self.num_capsules = positive_int("num_capsules", num_capsules)
        self.capsule_dim = positive_int("capsule_dim", capsule_dim)
        self.routing_iterations = positive_int("routing_iterations", routing_iterations)

    def build(self, input_shape):
        """Create the transformation matrices for (batch, num_inputs, input_dim) inputs."""
        num_inputs, input_dim = input_shape[1], input_shape[2]
        # W: (inputs, outputs, output_dim, input_dim), one matrix per pair of capsules.
        # Small, so that the output capsules start short instead of saturated near 1.
        self.transforms = self.add_weight(
            shape=(num_inputs, self.num_capsules, self.capsule_dim, input_dim),
            initializer=keras.initializers.RandomNormal(stddev=0.05),
            name="transforms",
        )

    def predict_capsules(self, inputs):
        """Return `u_hat`, shape (batch, inputs, outputs, output_dim), for (batch, inputs, dim)."""
        return ops.einsum("bid,ijed->bije", inputs, self.transforms)

    def route(self, inputs):
        """Return the output capsules and the coupling coefficients of every iteration."""
        return dynamic_routing(self.predict_capsules(inputs), self.routing_iterations)

    def call(self, inputs):
        """Return the routed output capsules, (batch, num_capsules, capsule_dim)."""
        outputs, _ = self.route(inputs)
        return outputs  # (batch, num_capsules, capsule_dim)

    def compute_output_shape(self, input_shape):
        """Return (batch, num_capsules, capsule_dim)."""
        return (input_shape[0], self.num_capsules, self.capsule_dim)


class CapsuleLength(keras.layers.Layer):
    """Map capsules of shape (batch, num_capsules, dim) to their lengths (batch, num_capsules)."""

    def call(self, inputs):
        """Return the length of every capsule, (batch, num_capsules)."""
        return capsule_length(inputs)

    def compute_output_shape(self, input_shape):
        """Return the input shape without its last axis."""
        return tuple(input_shape[:-1])
