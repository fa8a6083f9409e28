import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from dlguide import set_seed
from dlguide.models import gan

# Keras's "leaky_relu" activation, which the discriminator's hidden layers use.
NEGATIVE_SLOPE = 0.2


def softplus(values):
    return np.logaddexp(0.0, values)


def bce_by_hand(logits, label):
    """Binary cross-entropy of sigmoid(logits) against one label, from its definition."""
    probability = 1 / (1 + np.exp(-np.asarray(logits, dtype=np.float64)))
    return float(np.mean(-(label * np.log(probability) + (1 - label) * np.log(1 - probability))))


def tiny_gan(seed=0):
    """A GAN small enough to redo in NumPy: 1-D noise -> 1-D points, 2 hidden units each."""
    set_seed(seed)
    generator = gan.build_generator(latent_dim=1, data_dim=1, hidden=(2,))
    discriminator = gan.build_discriminator(data_dim=1, hidden=(2,))
    # Non-zero biases drawn too: with Keras's zero biases a generated point can sit
    # exactly on a ReLU kink, where finite differences and the subgradient disagree.
    rng = np.random.default_rng(seed)
    for network in (generator, discriminator):
        network.set_weights(
            [rng.normal(size=w.shape).astype(np.float32) for w in network.get_weights()]
        )
    model = gan.GAN(generator, discriminator, seed=seed)
    model.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    return model


def forward(weights, values, activation):
    """Run a one-hidden-layer MLP in NumPy from its Keras weights [W1, b1, W2, b2]."""
    first_kernel, first_bias, second_kernel, second_bias = weights
    hidden = values @ first_kernel + first_bias
    hidden = (
        np.maximum(hidden, 0)
        if activation == "relu"
        else np.where(hidden > 0, hidden, NEGATIVE_SLOPE * hidden)
    )
    return hidden @ second_kernel + second_bias


def weights_of(network):
    return [np.asarray(w, dtype=np.float64) for w in network.get_weights()]


REAL = np.array([[1.5], [-0.5], [2.0]], dtype=np.float32)
NOISE = np.array([[0.3], [-1.2], [0.8]], dtype=np.float32)


def discriminator_loss_by_hand(discriminator_weights, generator_weights):
    fake = forward(generator_weights, NOISE.astype(np.float64), "relu")
    real_logits = forward(discriminator_weights, REAL.astype(np.float64), "leaky")
    fake_logits = forward(discriminator_weights, fake, "leaky")
    return bce_by_hand(real_logits, 1) + bce_by_hand(fake_logits, 0)


def generator_loss_by_hand(discriminator_weights, generator_weights):
    fake = forward(generator_weights, NOISE.astype(np.float64), "relu")
    return bce_by_hand(forward(discriminator_weights, fake, "leaky"), 1)


def finite_difference_gradient(loss, weights, other, step=1e-6):
    """Central differences of loss(weights, other) for every entry of every array."""
    gradients = []
    for index, array in enumerate(weights):
        gradient = np.zeros_like(array)
        for position in np.ndindex(array.shape):
            shifted = [w.copy() for w in weights]
            shifted[index][position] += step
            up = loss(shifted, other)
            shifted[index][position] -= 2 * step
            down = loss(shifted, other)
            gradient[position] = (up - down) / (2 * step)
        gradients.append(gradient)
    return gradients


def test_builders_shapes_names_and_activations():
    set_seed(0)
    generator = gan.build_generator(latent_dim=8, data_dim=2, hidden=(64, 64))
    discriminator = gan.build_discriminator(data_dim=2, hidden=(64, 64))
    assert generator.name == "generator" and discriminator.name == "discriminator"
    assert generator.input_shape == (None, 8) and generator.output_shape == (None, 2)
    assert discriminator.input_shape == (None, 2) and discriminator.output_shape == (None, 1)
    assert generator.count_params() == (8 * 64 + 64) + (64 * 64 + 64) + (64 * 2 + 2)
    assert discriminator.count_params() == (2 * 64 + 64) + (64 * 64 + 64) + (64 * 1 + 1)
    generator_activations = [layer.activation.__name__ for layer in generator.layers[1:]]
    discriminator_activations = [layer.activation.__name__ for layer in discriminator.layers[1:]]
    assert generator_activations == ["relu", "relu", "linear"]
    assert discriminator_activations == ["leaky_relu", "leaky_relu", "linear"]


def test_the_numpy_leaky_relu_is_keras_s():
    values = np.linspace(-3, 3, 13, dtype=np.float32)
    expected = np.where(values > 0, values, NEGATIVE_SLOPE * values)
    np.testing.assert_allclose(np.asarray(keras.activations.leaky_relu(values)), expected)


def test_losses_equal_a_hand_computed_binary_cross_entropy():
    real_logits = np.array([[2.0], [-1.0], [0.0]], dtype=np.float32)
    fake_logits = np.array([[0.5], [-3.0]], dtype=np.float32)
    # Worked out from -log(sigmoid(l)) = log(1 + e^-l) and -log(1 - sigmoid(l)) = log(1 + e^l).
    real_half = (math.log1p(math.exp(-2.0)) + math.log1p(math.exp(1.0)) + math.log(2.0)) / 3
    fake_half = (math.log1p(math.exp(0.5)) + math.log1p(math.exp(-3.0))) / 2
    assert float(gan.discriminator_loss(real_logits, fake_logits)) == pytest.approx(
        real_half + fake_half, rel=1e-6
    )
    assert real_half == pytest.approx(bce_by_hand(real_logits, 1))
    assert fake_half == pytest.approx(bce_by_hand(fake_logits, 0))
    generator_expected = (math.log1p(math.exp(-0.5)) + math.log1p(math.exp(3.0))) / 2
    assert float(gan.generator_loss(fake_logits)) == pytest.approx(generator_expected, rel=1e-6)
    # Keras's own binary cross-entropy agrees.
    reference = keras.losses.BinaryCrossentropy(from_logits=True)
    assert float(gan.generator_loss(fake_logits)) == pytest.approx(
        float(reference(np.ones_like(fake_logits), fake_logits)), rel=1e-6
    )


def test_a_discriminator_that_cannot_tell_scores_two_log_two():
    logits = np.zeros((5, 1), dtype=np.float32)
    assert float(gan.discriminator_loss(logits, logits)) == pytest.approx(2 * math.log(2))
    assert float(gan.generator_loss(logits)) == pytest.approx(math.log(2))


def test_the_generator_loss_gradient_does_not_saturate():
    # d/dl of -log sigmoid(l) is sigmoid(l) - 1; of the minimax log(1 - sigmoid(l)), -sigmoid(l).
    logits = tf.constant([[-6.0], [-2.0], [0.0], [3.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(logits)
        non_saturating = gan.generator_loss(logits) * 4  # undo the mean over 4 logits
        minimax = tf.reduce_sum(tf.math.log(1 - tf.sigmoid(logits)))
    sigmoid = 1 / (1 + np.exp(-logits.numpy()))
    np.testing.assert_allclose(tape.gradient(non_saturating, logits), sigmoid - 1, rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(minimax, logits), -sigmoid, rtol=1e-4)
    # Where the discriminator rejects a sample (l = -6), only the first still pushes.
    assert abs(tape.gradient(non_saturating, logits)[0, 0]) > 0.99
    assert abs(tape.gradient(minimax, logits)[0, 0]) < 0.003


def test_the_discriminator_step_matches_numpy_and_changes_only_the_discriminator():
    model = tiny_gan(seed=1)
    discriminator_before = weights_of(model.discriminator)
    generator_before = weights_of(model.generator)
    loss = float(model.discriminator_step(REAL, NOISE))
    assert loss == pytest.approx(
        discriminator_loss_by_hand(discriminator_before, generator_before), rel=1e-5
    )
    for before, after in zip(generator_before, weights_of(model.generator), strict=True):
        np.testing.assert_array_equal(before, after)
    # SGD with learning rate 0.1: each weight moved by -0.1 times its gradient, which
    # finite differences of the NumPy loss give independently.
    gradients = finite_difference_gradient(
        discriminator_loss_by_hand, discriminator_before, generator_before
    )
    for before, after, gradient in zip(
        discriminator_before, weights_of(model.discriminator), gradients, strict=True
    ):
        np.testing.assert_allclose(after, before - 0.1 * gradient, atol=2e-5)
    assert any(np.any(gradient != 0) for gradient in gradients)


def test_the_generator_step_matches_numpy_and_changes_only_the_generator():
    model = tiny_gan(seed=2)
    discriminator_before = weights_of(model.discriminator)
    generator_before = weights_of(model.generator)
    loss = float(model.generator_step(NOISE))
    assert loss == pytest.approx(
        generator_loss_by_hand(discriminator_before, generator_before), rel=1e-5
    )
    for before, after in zip(discriminator_before, weights_of(model.discriminator), strict=True):
        np.testing.assert_array_equal(before, after)

    def loss_of_generator(generator_weights, discriminator_weights):
        return generator_loss_by_hand(discriminator_weights, generator_weights)

    gradients = finite_difference_gradient(
        loss_of_generator, generator_before, discriminator_before
    )
    for before, after, gradient in zip(
        generator_before, weights_of(model.generator), gradients, strict=True
    ):
        np.testing.assert_allclose(after, before - 0.1 * gradient, atol=2e-5)


def test_train_step_is_a_discriminator_step_then_a_generator_step():
    stepped, by_hand = tiny_gan(seed=3), tiny_gan(seed=3)
    # The same seed gives the same weights and the same noise stream.
    for first, second in zip(stepped.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_array_equal(first, second)
    logs = stepped.train_step(tf.constant(REAL))
    discriminator_loss = by_hand.discriminator_step(REAL, by_hand.noise(3))
    generator_loss = by_hand.generator_step(by_hand.noise(3))
    for first, second in zip(stepped.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_allclose(first, second, rtol=1e-6)
    assert float(logs["discriminator_loss"]) == pytest.approx(float(discriminator_loss))
    assert float(logs["generator_loss"]) == pytest.approx(float(generator_loss))


def test_fit_runs_the_compiled_steps_and_is_reproducible():
    real = np.random.default_rng(0).normal(size=(256, 2)).astype(np.float32)

    def run(steps_per_execution=1):
        set_seed(5)
        model = gan.GAN(gan.build_generator(hidden=(8,)), gan.build_discriminator(hidden=(8,)))
        model.compile(
            keras.optimizers.Adam(1e-3),
            keras.optimizers.Adam(1e-3),
            steps_per_execution=steps_per_execution,
        )
        history = model.fit(real, batch_size=64, epochs=2, verbose=0, shuffle=False)
        assert int(model.discriminator_optimizer.iterations.numpy()) == 2 * 4
        assert int(model.generator_optimizer.iterations.numpy()) == 2 * 4
        return history.history, np.asarray(model.sample(4))

    history, samples = run()
    assert sorted(history) == ["discriminator_loss", "generator_loss"]
    assert len(history["discriminator_loss"]) == 2
    assert samples.shape == (4, 2)
    again, samples_again = run()
    assert history == again
    np.testing.assert_array_equal(samples, samples_again)
    # Several steps per call of the compiled function (as the page runs it) take the
    # same steps in the same order.
    grouped, samples_grouped = run(steps_per_execution=4)
    for name, values in history.items():
        np.testing.assert_allclose(grouped[name], values, rtol=1e-5)
    np.testing.assert_allclose(samples_grouped, samples, rtol=1e-5, atol=1e-6)


def test_calling_the_model_generates_points():
    model = tiny_gan()
    noise = np.array([[0.5], [-0.5]], dtype=np.float32)
    expected = forward(weights_of(model.generator), noise.astype(np.float64), "relu")
    np.testing.assert_allclose(np.asarray(model(noise)), expected, rtol=1e-5, atol=1e-6)


def two_input_model():
    first, second = keras.Input((2,)), keras.Input((2,))
    return keras.Model([first, second], keras.layers.Dense(1)(first + second))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gan.build_generator(latent_dim=0), r"^latent_dim must be a positive int"),
        (lambda: gan.build_generator(data_dim=1.5), r"^data_dim must be a positive int"),
        (lambda: gan.build_generator(hidden=()), r"^hidden must be a non-empty sequence"),
        (lambda: gan.build_generator(hidden="64"), r"^hidden must be a non-empty sequence"),
        (lambda: gan.build_discriminator(hidden=(8, 0)), r"^hidden\[1\] must be a positive int"),
        (lambda: gan.build_discriminator(data_dim=-2), r"^data_dim must be a positive int"),
        (
            lambda: gan.GAN("generator", gan.build_discriminator()),
            r"^generator must be a keras.Model",
        ),
        (
            lambda: gan.GAN(gan.build_generator(), two_input_model()),
            r"^discriminator must be a keras.Model",
        ),
        (
            lambda: gan.GAN(gan.build_generator(data_dim=3), gan.build_discriminator(data_dim=2)),
            r"^discriminator must map \(batch, 3\) points",
        ),
        (
            lambda: gan.GAN(gan.build_generator(), gan.build_discriminator(), seed=-1),
            r"^seed must be a non-negative int",
        ),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_compile_and_sample_reject_bad_arguments():
    model = gan.GAN(gan.build_generator(hidden=(4,)), gan.build_discriminator(hidden=(4,)))
    with pytest.raises(ValueError, match=r"^discriminator_optimizer must be a keras optimizer"):
        model.compile("adam", keras.optimizers.Adam())
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match=r"must be two objects"):
        model.compile(shared, shared)
    with pytest.raises(ValueError, match=r"^num_samples must be a positive int"):
        model.sample(0)
