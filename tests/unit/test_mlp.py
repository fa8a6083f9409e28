import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models import ACTIVATIONS, build_mlp


def dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def plain_parameter_count(input_dim, depth, width, output_units):
    # Every Dense layer holds fan_in * fan_out weights plus fan_out biases.
    first = input_dim * width + width
    hidden = (depth - 1) * (width * width + width)
    output = width * output_units + output_units
    return first + hidden + output


def test_default_model_matches_the_seed_notes_network():
    model = build_mlp(20)
    layers = dense_layers(model)
    assert [layer.name for layer in layers] == [f"dense_{i}" for i in range(1, 12)] + ["output"]
    assert all(layer.units == 64 for layer in layers[:-1]) and layers[-1].units == 1
    assert model.input_shape == (None, 20) and model.output_shape == (None, 1)
    assert model.count_params() == plain_parameter_count(20, 11, 64, 1) == 43_009
    assert model.name == "mlp_sigmoid_11"


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_initializer_follows_the_activation(activation):
    model = build_mlp(3, depth=2, width=4, activation=activation)
    expected = "HeNormal" if activation in {"relu", "leaky_relu", "elu"} else "GlorotUniform"
    for layer in dense_layers(model)[:-1]:
        assert type(layer.kernel_initializer).__name__ == expected
        assert layer.activation.__name__ == activation


def test_batch_norm_orders_dense_then_normalization_then_activation():
    model = build_mlp(5, depth=3, width=8, activation="relu", batch_norm=True)
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == ["Dense", "BatchNormalization", "Activation"] * 3 + ["Dense"]
    assert not any(layer.use_bias for layer in dense_layers(model)[:-1])
    # Dense kernels without bias, then gamma, beta, moving mean and moving variance per layer.
    expected = 5 * 8 + 2 * 8 * 8 + 3 * 4 * 8 + (8 * 1 + 1)
    assert model.count_params() == expected
    assert model.name == "mlp_relu_bn_3"


def test_residual_model_adds_a_skip_around_every_layer_after_the_first():
    model = build_mlp(6, depth=4, width=8, activation="relu", residual=True, output_units=3)
    adds = [layer for layer in model.layers if isinstance(layer, keras.layers.Add)]
    assert [layer.name for layer in adds] == ["residual_2", "residual_3", "residual_4"]
    assert len(dense_layers(model)) == 5
    # Skips carry no weights: the parameter count equals the plain network's.
    assert model.count_params() == plain_parameter_count(6, 4, 8, 3)
    assert model.output_shape == (None, 3)


def test_residual_block_computes_input_plus_layer_output():
    set_seed(0)
    model = build_mlp(2, depth=2, width=3, activation="tanh", residual=True)
    x = np.array([[0.3, -0.7]], dtype=np.float32)
    (w1, b1), (w2, b2), (w_out, b_out) = [layer.get_weights() for layer in dense_layers(model)]
    hidden = np.tanh(x @ w1 + b1)
    hidden = hidden + np.tanh(hidden @ w2 + b2)
    expected = 1 / (1 + np.exp(-(hidden @ w_out + b_out)))
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-5)


def test_same_seed_gives_identical_weights_and_another_seed_does_not():
    def weights(seed):
        set_seed(seed)
        return build_mlp(4, depth=3, width=5, activation="relu").get_weights()

    first, again, other = weights(0), weights(0), weights(1)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


@pytest.mark.parametrize(
    ("arguments", "argument_name"),
    [
        ({"input_dim": 0}, "input_dim"),
        ({"input_dim": 2.0}, "input_dim"),
        ({"depth": -1}, "depth"),
        ({"depth": True}, "depth"),
        ({"width": 0}, "width"),
        ({"width": "64"}, "width"),
        ({"output_units": 0}, "output_units"),
    ],
)
def test_rejects_non_positive_or_non_int_sizes_by_name(arguments, argument_name):
    with pytest.raises(ValueError, match=rf"^{argument_name} must be a positive int"):
        build_mlp(**{"input_dim": 3, **arguments})


def test_rejects_unknown_activation_and_lists_the_allowed_ones():
    with pytest.raises(ValueError, match=r"activation must be one of 'sigmoid', .*'elu'"):
        build_mlp(3, activation="softplus")
