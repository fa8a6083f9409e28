import keras
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA
from sklearn.metrics import mean_squared_error

from dlguide import set_seed
from dlguide.models import autoencoder
from dlguide.plots import plt


def dense_weights(model):
    """(kernel, bias) of every Dense layer, encoder first, in the order data flows."""
    layers = [
        layer
        for part in ("encoder", "decoder")
        for layer in model.get_layer(part).layers
        if isinstance(layer, keras.layers.Dense)
    ]
    return [layer.get_weights() for layer in layers]


def test_default_autoencoder_layers_shapes_and_count():
    model = autoencoder.build_autoencoder(64, 8)
    assert model.name == "autoencoder_8"
    assert model.input_shape == (None, 64) and model.output_shape == (None, 64)
    encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    assert [layer.name for layer in encoder.layers[1:]] == ["encoder_1", "code"]
    assert [layer.name for layer in decoder.layers[1:]] == ["decoder_1", "reconstruction"]
    assert encoder.output_shape == (None, 8) and decoder.input_shape == (None, 8)
    assert encoder.get_layer("encoder_1").activation.__name__ == "relu"
    assert encoder.get_layer("code").activation.__name__ == "linear"
    assert decoder.get_layer("reconstruction").activation.__name__ == "sigmoid"
    # Each Dense layer: fan_in * fan_out weights and fan_out biases.
    expected = (64 * 128 + 128) + (128 * 8 + 8) + (8 * 128 + 128) + (128 * 64 + 64)
    assert model.count_params() == expected == 18_760


def test_deeper_autoencoder_mirrors_its_hidden_layers():
    model = autoencoder.build_autoencoder(20, 3, hidden_units=(16, 8), activation="tanh")
    decoder = model.get_layer("decoder")
    assert [layer.units for layer in decoder.layers[1:]] == [8, 16, 20]
    assert [layer.units for layer in model.get_layer("encoder").layers[1:]] == [16, 8, 3]


def test_forward_pass_matches_numpy():
    set_seed(0)
    model = autoencoder.build_autoencoder(6, 2, hidden_units=(5,))
    x = np.random.default_rng(0).random((4, 6)).astype("float32")
    (w1, b1), (w2, b2), (w3, b3), (w4, b4) = dense_weights(model)
    hidden = np.maximum(x @ w1 + b1, 0.0)  # (4, 5)
    code = hidden @ w2 + b2  # (4, 2), no activation
    hidden = np.maximum(code @ w3 + b3, 0.0)  # (4, 5)
    expected = 1 / (1 + np.exp(-(hidden @ w4 + b4)))  # (4, 6)
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        np.asarray(model.get_layer("encoder")(x)), code, rtol=1e-5, atol=1e-6
    )


def test_linear_autoencoder_is_two_affine_maps():
    set_seed(1)
    model = autoencoder.build_autoencoder(
        5, 2, hidden_units=(), activation=None, output_activation=None
    )
    assert model.name == "linear_autoencoder_2"
    assert model.count_params() == (5 * 2 + 2) + (2 * 5 + 5)
    x = np.random.default_rng(1).normal(size=(3, 5)).astype("float32")
    (w1, b1), (w2, b2) = dense_weights(model)
    np.testing.assert_allclose(np.asarray(model(x)), (x @ w1 + b1) @ w2 + b2, rtol=1e-5, atol=1e-6)


def test_training_side_by_side_equals_training_alone():
    x = np.random.default_rng(2).random((96, 6)).astype("float32")

    def fresh_models():
        set_seed(3)
        return [
            autoencoder.build_autoencoder(6, 2, hidden_units=(8,)),
            autoencoder.build_autoencoder(6, 3, hidden_units=(4,), activation="elu"),
        ]

    together = fresh_models()
    history = autoencoder.train_autoencoders(together, x, epochs=4, batch_size=32, seed=5)
    alone = fresh_models()
    for index, model in enumerate(alone):
        own = autoencoder.train_autoencoders([model], x, epochs=4, batch_size=32, seed=5)
        np.testing.assert_allclose(own[:, 0], history[:, index], rtol=1e-5)
    assert history.shape == (4, 2)
    for joint, single in zip(together, alone, strict=True):
        for a, b in zip(joint.get_weights(), single.get_weights(), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_training_lowers_the_reconstruction_error():
    set_seed(0)
    x = np.random.default_rng(0).random((128, 8)).astype("float32")
    model = autoencoder.build_autoencoder(8, 4, hidden_units=(16,))
    before = autoencoder.reconstruction_errors(x, model(x)).mean()
    history = autoencoder.train_autoencoders(model, x, epochs=20, batch_size=32)
    after = autoencoder.reconstruction_errors(x, model(x)).mean()
    assert history.shape == (20, 1)
    assert history[-1, 0] < history[0, 0]
    assert after < 0.7 * before


def test_linear_autoencoder_finds_the_pca_subspace():
    # Independent reference: PCA gives the best rank-k linear reconstruction, and a
    # trained linear autoencoder's decoder should span the same subspace.
    rng = np.random.default_rng(4)
    scales = np.array([1.0, 0.8, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1])  # three strong directions
    mixing = np.linalg.qr(rng.normal(size=(8, 8)))[0]  # a random rotation
    x = ((rng.normal(size=(512, 8)) * scales) @ mixing.T + 0.5).astype("float32")
    set_seed(4)
    model = autoencoder.build_autoencoder(
        8, 3, hidden_units=(), activation=None, output_activation=None
    )
    autoencoder.train_autoencoders(model, x, epochs=100, batch_size=64, learning_rate=3e-2)
    pca = PCA(3).fit(x)
    pca_error = autoencoder.reconstruction_errors(x, pca.inverse_transform(pca.transform(x)))
    linear_error = autoencoder.reconstruction_errors(x, model(x))
    assert linear_error.mean() <= 1.05 * pca_error.mean()  # seen: 1.015
    decoder_kernel = dense_weights(model)[1][0]  # (3, 8): one row per code unit
    angles = subspace_angles(decoder_kernel.T, pca.components_.T)
    assert np.max(angles) < 0.05  # radians; seen: 0.021


def test_reconstruction_errors_match_scikit_learn():
    rng = np.random.default_rng(0)
    inputs, reconstructions = rng.random((5, 7)), rng.random((5, 7))
    errors = autoencoder.reconstruction_errors(inputs, reconstructions)
    # Transposed, scikit-learn's per-output mean squared error is the per-sample one.
    expected = mean_squared_error(inputs.T, reconstructions.T, multioutput="raw_values")
    np.testing.assert_allclose(errors, expected)
    assert errors.shape == (5,)
    assert autoencoder.reconstruction_errors(inputs, inputs).tolist() == [0.0] * 5


def test_plot_reconstructions_draws_one_row_per_model():
    rng = np.random.default_rng(0)
    originals = rng.random((4, 64))
    figure = autoencoder.plot_reconstructions(
        originals, {"autoencoder": rng.random((4, 64)), "PCA": rng.random((4, 64))}
    )
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 3 * 4
    labels = [axis.get_ylabel() for axis in figure.axes[::4]]
    assert labels == ["original", "autoencoder", "PCA"]
    np.testing.assert_allclose(figure.axes[1].images[0].get_array(), originals[1].reshape(8, 8))
    plt.close(figure)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_dim": 0}, r"^input_dim must be a positive int"),
        ({"code_size": 2.0}, r"^code_size must be a positive int"),
        ({"hidden_units": "128"}, r"^hidden_units must be a sequence of positive ints"),
        ({"hidden_units": (16, 0)}, r"^hidden_units\[1\] must be a positive int"),
        ({"activation": "softmax"}, r"^activation must be one of None, 'relu'"),
        ({"output_activation": "relu"}, r"^output_activation must be one of None, 'sigmoid'"),
    ],
)
def test_build_autoencoder_rejects_bad_arguments(kwargs, message):
    arguments = {"input_dim": 8, "code_size": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        autoencoder.build_autoencoder(**arguments)


@pytest.fixture(scope="module")
def small_model():
    return autoencoder.build_autoencoder(4, 2, hidden_units=(3,))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"models": []}, r"^models must hold at least one keras.Model"),
        ({"x": np.zeros((10,))}, r"^x must have shape \(num_samples, features\)"),
        ({"x": np.zeros((10, 5))}, r"^every model must map 5 features to 5"),
        ({"epochs": 0}, r"^epochs must be a positive int"),
        ({"batch_size": -1}, r"^batch_size must be a positive int"),
        ({"batch_size": 11}, r"^batch_size must be at most len\(x\) = 10"),
        ({"learning_rate": 0.0}, r"^learning_rate must be a positive number"),
        ({"seed": -1}, r"^seed must be a non-negative int"),
    ],
)
def test_train_autoencoders_rejects_bad_arguments(small_model, kwargs, message):
    arguments = {"models": [small_model], "x": np.zeros((10, 4)), "batch_size": 5} | kwargs
    with pytest.raises(ValueError, match=message):
        autoencoder.train_autoencoders(**arguments)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: autoencoder.reconstruction_errors(np.zeros((2, 3)), np.zeros((2, 4))),
            r"^inputs and reconstructions must have the same shape",
        ),
        (
            lambda: autoencoder.reconstruction_errors(np.zeros((0, 3)), np.zeros((0, 3))),
            r"^inputs must have shape \(num_samples, features\)",
        ),
        (
            lambda: autoencoder.reconstruction_errors(np.zeros(3), np.zeros(3)),
            r"^inputs must have shape",
        ),
        (
            lambda: autoencoder.plot_reconstructions(np.zeros((2, 60)), {"a": np.zeros((2, 60))}),
            r"^originals must hold square images, got 60 pixels each",
        ),
        (
            lambda: autoencoder.plot_reconstructions(np.zeros((2, 64)), {}),
            r"^reconstructions must map at least one row label",
        ),
        (
            lambda: autoencoder.plot_reconstructions(np.zeros((2, 64)), {"a": np.zeros((3, 64))}),
            r"^reconstructions\['a'\] must have the originals' shape",
        ),
    ],
)
def test_helpers_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
