"""Deep multilayer perceptrons: plain, batch-normalized and residual, for gradient-flow studies.

Every hidden `Dense` layer is named `dense_1` ... `dense_{depth}` and the last layer is
named `output`, so per-layer diagnostics can be reported in order, first layer to last.
"""

import keras

from dlguide._validation import positive_int

# Activations the builder accepts, each with the initializer that keeps the scale of the
# signal roughly constant through the layers: He-normal for the ReLU family (half of a
# ReLU's inputs are zeroed, so the weights need twice the variance), Glorot-uniform
# (the Keras default) for the saturating sigmoid and tanh.
ACTIVATIONS = {
    "sigmoid": "glorot_uniform",
    "tanh": "glorot_uniform",
    "relu": "he_normal",
    "leaky_relu": "he_normal",  # Keras's default negative slope is 0.2
    "elu": "he_normal",
}


def _hidden_layer(inputs, index: int, width: int, activation: str, batch_norm: bool):
    """Apply hidden layer `index`: Dense -> activation, or Dense -> BatchNorm -> activation."""
    if not batch_norm:
        return keras.layers.Dense(
            width,
            activation=activation,
            kernel_initializer=ACTIVATIONS[activation],
            name=f"dense_{index}",
        )(inputs)
    # Normalize the pre-activation, then apply the nonlinearity (the ordering of the batch
    # norm paper). The seed notes put BN after ReLU, which normalizes a half-zeroed,
    # skewed signal; BN's own shift (beta) makes the Dense bias redundant, so it is off.
    hidden = keras.layers.Dense(
        width,
        use_bias=False,
        kernel_initializer=ACTIVATIONS[activation],
        name=f"dense_{index}",
    )(inputs)
    hidden = keras.layers.BatchNormalization(name=f"batch_norm_{index}")(hidden)
    return keras.layers.Activation(activation, name=f"activation_{index}")(hidden)


def build_mlp(
    input_dim: int,
    depth: int = 11,
    width: int = 64,
    activation: str = "sigmoid",
    batch_norm: bool = False,
    residual: bool = False,
    output_units: int = 1,
    output_activation: str | None = "sigmoid",
    name: str | None = None,
) -> keras.Model:
    """Build a deep MLP with `depth` hidden Dense layers of `width` units and one output layer.

    The defaults reproduce the seed notes' network: 11 sigmoid layers of 64 units
    (the first plus ten more) and a one-unit sigmoid output, on `input_dim` features.

    With `residual=True`, `dense_1` projects the input to `width` units and each of the
    other `depth - 1` layers becomes a block `x + f(x)`, where `f` is that hidden layer
    (Dense [-> BatchNorm] -> activation). The identity path gives the gradient a route
    back to the first layer that does not pass through any activation's derivative.

    Args:
        input_dim: Number of input features, a positive int.
        depth: Number of hidden Dense layers, a positive int.
        width: Units per hidden layer, a positive int.
        activation: One of "sigmoid", "tanh", "relu", "leaky_relu", "elu". ReLU-family
            layers get He-normal initial weights, sigmoid and tanh Glorot-uniform.
        batch_norm: If True, each hidden layer is Dense (no bias) -> BatchNormalization
            -> activation.
        residual: If True, wrap hidden layers 2..depth in identity skip connections.
        output_units: Units of the output layer, a positive int.
        output_activation: Activation of the output layer ("sigmoid" for a binary
            task, "softmax" for several classes, None for raw logits).
        name: Model name; defaults to one built from the options, e.g. "mlp_sigmoid_11".

    Returns:
        An uncompiled `keras.Model` mapping (batch, input_dim) to (batch, output_units).

    Raises:
        ValueError: If `input_dim`, `depth`, `width` or `output_units` is not a positive
            int, or `activation` is not one of the allowed names.
    """
    for argument, value in [
        ("input_dim", input_dim),
        ("depth", depth),
        ("width", width),
        ("output_units", output_units),
    ]:
        positive_int(argument, value)
    if activation not in ACTIVATIONS:
        allowed = ", ".join(repr(key) for key in ACTIVATIONS)
        raise ValueError(f"activation must be one of {allowed}, got {activation!r}")
    if name is None:
        name = "_".join(
            ["mlp", activation]
            + (["bn"] if batch_norm else [])
            + (["residual"] if residual else [])
            + [str(depth)]
        )

    inputs = keras.Input(shape=(input_dim,), name="inputs")  # (batch, input_dim)
    hidden = _hidden_layer(inputs, 1, width, activation, batch_norm)  # (batch, width)
    for index in range(2, depth + 1):
        block = _hidden_layer(hidden, index, width, activation, batch_norm)  # (batch, width)
        if residual:
            block = keras.layers.Add(name=f"residual_{index}")([hidden, block])
        hidden = block
    outputs = keras.layers.Dense(output_units, activation=output_activation, name="output")(
        hidden
    )  # (batch, output_units)
    return keras.Model(inputs, outputs, name=name)
