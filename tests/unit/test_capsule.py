import keras
import numpy as np
import pytest
import tensorflow as tf

from dlguide import set_seed
from dlguide.models import capsule, capsule_layers


def numpy_squash(s):
    """The paper's formula, vector by vector (last axis)."""
    norm = np.linalg.norm(s, axis=-1, keepdims=True)
    return norm**2 / (1 + norm**2) * s / norm


def numpy_routing(u_hat, iterations):
    """Procedure 1 of Sabour et al. (2017), written with explicit loops over capsules.

    u_hat: (inputs, outputs, dim) for one example. Returns v (outputs, dim) and the
    couplings of every iteration, (iterations, inputs, outputs).
    """
    num_inputs, num_outputs, _ = u_hat.shape
    b = np.zeros((num_inputs, num_outputs))
    history = []
    for _ in range(iterations):
        c = np.empty_like(b)
        for i in range(num_inputs):  # c_i = softmax(b_i)
            c[i] = np.exp(b[i]) / np.exp(b[i]).sum()
        history.append(c)
        v = np.empty((num_outputs, u_hat.shape[2]))
        for j in range(num_outputs):  # s_j = sum_i c_ij u_hat_j|i, v_j = squash(s_j)
            s = sum(c[i, j] * u_hat[i, j] for i in range(num_inputs))
            v[j] = numpy_squash(s)
        for i in range(num_inputs):  # b_ij += u_hat_j|i . v_j
            for j in range(num_outputs):
                b[i, j] += u_hat[i, j] @ v[j]
    return v, np.array(history)


def test_squash_matches_the_formula_and_keeps_lengths_below_one():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8)) * rng.uniform(0.1, 30, size=(50, 1))
    squashed = np.asarray(capsule_layers.squash(vectors.astype("float32")))
    np.testing.assert_allclose(squashed, numpy_squash(vectors), rtol=1e-4, atol=1e-6)
    norms, new_norms = np.linalg.norm(vectors, axis=1), np.linalg.norm(squashed, axis=1)
    np.testing.assert_allclose(new_norms, norms**2 / (1 + norms**2), rtol=1e-4)
    assert new_norms.max() < 1
    cosines = np.sum(vectors * squashed, axis=1) / (norms * new_norms)
    np.testing.assert_allclose(cosines, 1.0, rtol=1e-5)


def test_squash_along_another_axis():
    vectors = np.random.default_rng(1).normal(size=(3, 4, 5)).astype("float32")
    along_first = np.asarray(capsule_layers.squash(vectors, axis=1))
    expected = np.moveaxis(numpy_squash(np.moveaxis(vectors, 1, -1)), -1, 1)
    np.testing.assert_allclose(along_first, expected, rtol=1e-4, atol=1e-6)


def test_squash_and_length_of_a_zero_vector_have_finite_gradients():
    zero = tf.zeros((2, 4))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(zero)
        squashed = capsule_layers.squash(zero)
        lengths = capsule_layers.capsule_length(zero)
        total = tf.reduce_sum(squashed) + tf.reduce_sum(lengths)
    assert np.all(np.asarray(squashed) == 0)
    assert np.all(np.isfinite(np.asarray(tape.gradient(total, zero))))


def test_capsule_length_is_the_euclidean_norm():
    vectors = np.array([[3.0, 4.0], [0.6, 0.8]], dtype="float32")
    np.testing.assert_allclose(capsule_layers.capsule_length(vectors), [5.0, 1.0], rtol=1e-6)


@pytest.mark.parametrize("iterations", [1, 2, 3, 5])
def test_dynamic_routing_agrees_with_the_papers_procedure(iterations):
    rng = np.random.default_rng(iterations)
    u_hat = rng.normal(scale=0.3, size=(4, 12, 10, 6)).astype("float32")
    outputs, couplings = capsule_layers.dynamic_routing(u_hat, iterations)
    assert tuple(outputs.shape) == (4, 10, 6)
    assert tuple(couplings.shape) == (iterations, 4, 12, 10)
    for example in range(4):
        v, history = numpy_routing(u_hat[example].astype("float64"), iterations)
        np.testing.assert_allclose(np.asarray(outputs)[example], v, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(np.asarray(couplings)[:, example], history, rtol=1e-4, atol=1e-6)


def test_routing_starts_uniform_and_each_input_splits_one_vote():
    u_hat = np.random.default_rng(0).normal(size=(2, 5, 3, 4)).astype("float32")
    _, couplings = capsule_layers.dynamic_routing(u_hat, 3)
    couplings = np.asarray(couplings)
    np.testing.assert_allclose(couplings[0], 1 / 3, rtol=1e-6)
    np.testing.assert_allclose(couplings.sum(axis=-1), 1.0, rtol=1e-5)
    assert not np.allclose(couplings[2], 1 / 3)  # agreement moved them


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: capsule_layers.squash(np.ones((2, 3)), axis=1.0), r"^axis must be an int"),
        (
            lambda: capsule_layers.dynamic_routing(np.ones((2, 3, 4, 5)), 0),
            r"^iterations must be a positive int",
        ),
        (
            lambda: capsule_layers.dynamic_routing(np.ones((2, 3, 4)), 3),
            r"^predictions must have shape \(batch, num_inputs, num_outputs, output_dim\)",
        ),
        (lambda: capsule_layers.PrimaryCapsules(0, 8, 3), r"^num_types must be a positive int"),
        (lambda: capsule_layers.PrimaryCapsules(4, 8, 3, 0), r"^strides must be a positive int"),
        (lambda: capsule_layers.DigitCapsules(10, 0), r"^capsule_dim must be a positive int"),
        (
            lambda: capsule_layers.DigitCapsules(10, 8, routing_iterations=-1),
            r"^routing_iterations must be a positive int",
        ),
    ],
)
def test_layers_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_primary_capsules_group_channels_position_by_position():
    set_seed(0)
    layer = capsule_layers.PrimaryCapsules(num_types=3, capsule_dim=4, kernel_size=3)
    images = np.random.default_rng(0).random((2, 6, 6, 5)).astype("float32")
    capsules = np.asarray(layer(images))
    assert capsules.shape == (2, 4 * 4 * 3, 4)
    assert layer.compute_output_shape((None, 6, 6, 5)) == (None, 48, 4)
    features = np.asarray(layer.conv(images))  # (2, 4, 4, 12)
    # Capsule k of position (row, column) holds channels 4k .. 4k + 3 of that position.
    expected = numpy_squash(features.reshape(2, 4, 4, 3, 4).reshape(2, 48, 4))
    np.testing.assert_allclose(capsules, expected, rtol=1e-4, atol=1e-6)
    assert np.linalg.norm(capsules, axis=-1).max() < 1


def test_digit_capsules_predict_with_one_matrix_per_pair_and_route():
    set_seed(0)
    layer = capsule_layers.DigitCapsules(num_capsules=5, capsule_dim=6, routing_iterations=2)
    inputs = np.random.default_rng(0).normal(size=(3, 7, 4)).astype("float32")
    outputs = np.asarray(layer(inputs))
    assert outputs.shape == (3, 5, 6) and layer.compute_output_shape((None, 7, 4)) == (None, 5, 6)
    transforms = np.asarray(layer.transforms)  # (7, 5, 6, 4)
    assert transforms.shape == (7, 5, 6, 4)
    u_hat = np.asarray(layer.predict_capsules(inputs))
    for i in range(7):
        for j in range(5):
            np.testing.assert_allclose(
                u_hat[:, i, j], inputs[:, i] @ transforms[i, j].T, rtol=1e-4, atol=1e-6
            )
    expected = np.stack([numpy_routing(u_hat[n].astype("float64"), 2)[0] for n in range(3)])
    np.testing.assert_allclose(outputs, expected, rtol=1e-4, atol=1e-6)


def test_routing_changes_couplings_per_input_not_the_learned_weights():
    # The seed notes say routing updates "the weights of connections"; it does not.
    set_seed(0)
    layer = capsule_layers.DigitCapsules(num_capsules=4, capsule_dim=5)
    inputs = np.random.default_rng(2).normal(size=(2, 6, 3)).astype("float32")
    layer(inputs)
    before = np.asarray(layer.transforms).copy()
    _, couplings = layer.route(inputs)
    np.testing.assert_array_equal(np.asarray(layer.transforms), before)
    final = np.asarray(couplings)[-1]  # (2, 6, 4)
    assert np.abs(final[0] - final[1]).max() > 1e-3  # each example gets its own couplings


def test_margin_loss_by_hand():
    lengths = np.array([[0.95, 0.05, 0.3], [0.5, 0.2, 0.0]], dtype="float32")
    labels = np.array([0, 2])
    # Example 1: only the absent class 2 is too long: 0.5 * (0.3 - 0.1)^2 = 0.02.
    # Example 2: class 2 is too short, (0.9 - 0)^2 = 0.81; the absent classes add
    # 0.5 * (0.5 - 0.1)^2 = 0.08 and 0.5 * (0.2 - 0.1)^2 = 0.005: 0.895.
    assert float(capsule.margin_loss(labels, lengths)) == pytest.approx(
        (0.02 + 0.895) / 2, rel=1e-5
    )
    # Other margins and weight: m+ = 0.8, m- = 0.2, lambda = 1.
    #   example 1: (0.3 - 0.2)^2 = 0.01; example 2: 0.64 + 0.09 + 0 = 0.73.
    value = capsule.margin_loss(labels, lengths, 0.8, 0.2, 1.0)
    assert float(value) == pytest.approx((0.01 + 0.73) / 2, rel=1e-5)


def test_margin_loss_is_zero_inside_the_margins_and_matches_numpy_elsewhere():
    rng = np.random.default_rng(0)
    lengths = rng.uniform(0, 1, size=(20, 10)).astype("float32")
    labels = rng.integers(0, 10, size=20)
    present = np.eye(10)[labels]
    expected = np.mean(
        np.sum(
            present * np.maximum(0, 0.9 - lengths) ** 2
            + 0.5 * (1 - present) * np.maximum(0, lengths - 0.1) ** 2,
            axis=1,
        )
    )
    assert float(capsule.margin_loss(labels, lengths)) == pytest.approx(expected, rel=1e-5)
    perfect = np.where(present == 1, 0.95, 0.05).astype("float32")
    assert float(capsule.margin_loss(labels, perfect)) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"upper_margin": 1.5}, r"^upper_margin must be a number in \[0, 1\]"),
        ({"lower_margin": -0.1}, r"^lower_margin must be a number in \[0, 1\]"),
        ({"lower_margin": 0.9}, r"^lower_margin must be below upper_margin"),
        ({"down_weight": -1}, r"^down_weight must be a number >= 0"),
        ({"down_weight": True}, r"^down_weight must be a number >= 0"),
    ],
)
def test_margin_loss_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        capsule.margin_loss(np.array([0]), np.array([[0.5, 0.5]]), **kwargs)


def test_default_capsule_network_layers_shapes_and_count():
    set_seed(0)
    model = capsule.build_capsule_network()
    assert model.name == "capsnet"
    assert model.input_shape == (None, 8, 8, 1) and model.output_shape == (None, 10)
    names = [layer.name for layer in model.layers[1:]]
    assert names == ["conv", "primary_caps", "digit_caps", "length"]
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers[1:]]
    assert shapes == [(6, 6, 32), (64, 8), (10, 8), (10,)]
    conv = 3 * 3 * 1 * 32 + 32
    primary = 3 * 3 * 32 * (4 * 8) + 4 * 8
    digit = 64 * 10 * 8 * 8  # one 8x8 matrix per (primary, digit) pair, no bias
    assert model.count_params() == conv + primary + digit == 50_528
    assert model.get_layer("digit_caps").routing_iterations == 3
    lengths = np.asarray(model(np.random.default_rng(0).random((5, 8, 8, 1))))
    assert lengths.shape == (5, 10) and lengths.min() >= 0 and lengths.max() < 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (8, 8)}, r"^input_shape must be \(height, width, channels\)"),
        ({"input_shape": (8, 0, 1)}, r"^input_shape's width must be a positive int"),
        ({"input_shape": (4, 8, 1)}, r"^input_shape's height and width must be at least 5"),
        ({"num_classes": 0}, r"^num_capsules must be a positive int"),
        ({"conv_filters": 0}, r"^conv_filters must be a positive int"),
        ({"primary_dim": 2.0}, r"^capsule_dim must be a positive int"),
        ({"routing_iterations": 0}, r"^routing_iterations must be a positive int"),
    ],
)
def test_build_capsule_network_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        capsule.build_capsule_network(**kwargs)


def test_training_lowers_the_margin_loss_and_couplings_sum_to_one():
    set_seed(0)
    rng = np.random.default_rng(0)
    images = rng.random((64, 8, 8, 1)).astype("float32")
    labels = (images[:, :4].mean(axis=(1, 2, 3)) > images[:, 4:].mean(axis=(1, 2, 3))).astype(int)
    model = capsule.build_capsule_network(num_classes=2, conv_filters=8, routing_iterations=2)
    epochs_seen = []
    losses = capsule.train_capsule_network(
        model,
        images,
        labels,
        keras.optimizers.Adam(3e-3),
        epochs=5,
        batch_size=16,
        on_epoch_end=epochs_seen.append,
    )
    assert len(losses) == 5 * 4 and epochs_seen == [0, 1, 2, 3, 4]
    assert np.mean(losses[-4:]) < np.mean(losses[:4])
    couplings = capsule.routing_couplings(model, images[:3])
    assert couplings.shape == (2, 3, 64, 2)
    np.testing.assert_allclose(couplings.sum(axis=-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, r"^epochs must be a positive int"),
        ({"batch_size": -4}, r"^batch_size must be a positive int"),
        ({"y": np.zeros(3)}, r"^x and y must have the same, non-zero number of samples"),
    ],
)
def test_train_capsule_network_rejects_bad_arguments(kwargs, message):
    model = capsule.build_capsule_network()
    arguments = {"x": np.zeros((4, 8, 8, 1)), "y": np.zeros(4), "epochs": 1}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        capsule.train_capsule_network(model, optimizer=keras.optimizers.Adam(), **arguments)


def test_training_stops_when_the_loss_is_not_finite(monkeypatch):
    monkeypatch.setattr(capsule, "margin_loss", lambda labels, lengths: tf.reduce_sum(lengths) / 0)
    model = capsule.build_capsule_network(conv_filters=4)
    images = np.ones((8, 8, 8, 1), dtype="float32")
    with pytest.raises(ValueError, match=r"^the margin loss diverged at step 1$"):
        capsule.train_capsule_network(model, images, np.zeros(8), keras.optimizers.Adam())


def test_routing_couplings_needs_a_capsule_network():
    plain = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten()])
    with pytest.raises(ValueError, match=r"^model must have layers 'primary_caps' and"):
        capsule.routing_couplings(plain, np.zeros((1, 8, 8, 1)))
