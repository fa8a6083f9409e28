"""Greedy pre-training of an RBM stack and its conversion to a sigmoid MLP."""

import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models.dbn import build_sigmoid_classifier, dbn_classifier, pretrain_layers
from dlguide.models.rbm import BernoulliRBM


def sigmoid(values):
    return 1 / (1 + np.exp(-values))


def patterns(num_samples=300, seed=0):
    """Noisy copies (5% of pixels flipped) of three random 16-pixel patterns."""
    rng = np.random.default_rng(seed)
    prototypes = (rng.random((3, 16)) < 0.5).astype(np.float32)
    images = prototypes[rng.integers(0, 3, num_samples)]
    return np.abs(images - (rng.random(images.shape) < 0.05)).astype(np.float32)


def test_each_layer_is_trained_on_the_hidden_probabilities_of_the_one_below():
    data = patterns()
    set_seed(0)
    rbms, histories = pretrain_layers(data, (12, 6), epochs=20, learning_rate=0.3)
    assert [(rbm.num_visible, rbm.num_hidden) for rbm in rbms] == [(16, 12), (12, 6)]
    assert [rbm.name for rbm in rbms] == ["rbm_1", "rbm_2"]
    for history in histories:
        assert len(history["train"]) == 21
        assert history["train"][-1] < 0.5 * history["train"][0]
    # The second RBM's last recorded error is its error on the first one's p(h | v),
    # recomputed here in NumPy.
    first_hidden = sigmoid(
        data @ np.asarray(rbms[0].weights_matrix) + np.asarray(rbms[0].hidden_bias)
    )
    assert rbms[1].reconstruction_error(first_hidden) == pytest.approx(
        histories[1]["train"][-1], rel=1e-5
    )


def test_the_classifier_s_hidden_layers_compute_the_rbms_conditionals():
    data = patterns(50)
    set_seed(1)
    rbms, _ = pretrain_layers(data, (10, 8), epochs=2)
    model = dbn_classifier(rbms, num_classes=3)
    assert model.name == "dbn_mlp"
    assert model.output_shape == (None, 3)
    hidden = data
    for index, rbm in enumerate(rbms, 1):
        weights, bias = np.asarray(rbm.weights_matrix), np.asarray(rbm.hidden_bias)
        hidden = sigmoid(hidden @ weights + bias)  # p(h | v), by hand
        layer = model.get_layer(f"hidden_{index}")
        partial = keras.Model(model.input, layer.output)
        np.testing.assert_allclose(partial(data), hidden, atol=1e-5)
        np.testing.assert_array_equal(layer.get_weights()[0], weights)
    probabilities = np.asarray(model(data))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_the_random_baseline_has_the_same_layers_and_count():
    set_seed(2)
    rbms = [BernoulliRBM(64, 32), BernoulliRBM(32, 16)]
    pretrained = dbn_classifier(rbms)
    random = build_sigmoid_classifier(64, (32, 16))
    assert random.name == "sigmoid_mlp"
    expected = (64 * 32 + 32) + (32 * 16 + 16) + (16 * 10 + 10)
    assert pretrained.count_params() == random.count_params() == expected
    for model in (pretrained, random):
        names = [layer.name for layer in model.layers[1:]]
        assert names == ["hidden_1", "hidden_2", "output"]
        activations = [layer.activation.__name__ for layer in model.layers[1:]]
        assert activations == ["sigmoid", "sigmoid", "softmax"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pretrain_layers(np.zeros((4, 3)), ()), r"^hidden_units must be a non-empty"),
        (lambda: pretrain_layers(np.zeros((4, 3)), (2, 0)), r"^hidden_units\[1\] must be a pos"),
        (lambda: pretrain_layers(np.zeros(4), (2,)), r"^data must have shape \(num_samples,"),
        (lambda: pretrain_layers(np.zeros((0, 3)), (2,)), r"^data must have shape"),
        (lambda: pretrain_layers(np.zeros((4, 3)), (2,), epochs=0), r"^epochs must be a pos"),
        (lambda: build_sigmoid_classifier(0, (4,)), r"^input_dim must be a positive int"),
        (lambda: build_sigmoid_classifier(8, "44"), r"^hidden_units must be a non-empty"),
        (lambda: build_sigmoid_classifier(8, (4,), 0), r"^num_classes must be a positive int"),
        (lambda: dbn_classifier([]), r"^rbms must be a non-empty sequence of BernoulliRBM"),
        (lambda: dbn_classifier(["rbm"]), r"^rbms must be a non-empty sequence of BernoulliRBM"),
        (
            lambda: dbn_classifier([BernoulliRBM(8, 4), BernoulliRBM(5, 2)]),
            r"^rbms\[1\] must have 4 visible units",
        ),
        (lambda: dbn_classifier([BernoulliRBM(8, 4)], 0), r"^num_classes must be a positive int"),
    ],
)
def test_bad_arguments_are_rejected_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
