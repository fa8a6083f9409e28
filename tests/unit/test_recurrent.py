import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models import recurrent
from dlguide.sequences import make_marked_recall
from dlguide.training import train_model

SIZES = [(1, 1), (5, 16), (2, 32), (64, 8), (10, 100)]


@pytest.mark.parametrize(("num_features", "units"), SIZES)
def test_parameter_counts_match_keras(num_features, units):
    for cell, layer_class in recurrent.CELLS.items():
        layer = layer_class(units)
        layer.build((None, 7, num_features))
        assert recurrent.parameter_count(cell, num_features, units) == layer.count_params(), cell
    gru_v1 = keras.layers.GRU(units, reset_after=False)
    gru_v1.build((None, 7, num_features))
    assert recurrent.parameter_count("GRU", num_features, units, reset_after=False) == (
        gru_v1.count_params()
    )
    # reset_after only concerns the GRU.
    assert recurrent.parameter_count("LSTM", num_features, units, reset_after=False) == (
        recurrent.parameter_count("LSTM", num_features, units)
    )


def test_parameter_counts_by_hand_for_five_features_and_sixteen_units():
    # One block is 16 * (5 + 16 + 1) = 352 weights: SimpleRNN one, LSTM four, GRU three.
    assert recurrent.parameter_count("SimpleRNN", 5, 16) == 352
    assert recurrent.parameter_count("LSTM", 5, 16) == 4 * 352 == 1408
    assert recurrent.parameter_count("GRU", 5, 16, reset_after=False) == 3 * 352 == 1056
    assert recurrent.parameter_count("GRU", 5, 16) == 3 * 352 + 3 * 16 == 1104


def test_keras_gru_keeps_two_bias_vectors_only_with_reset_after():
    after, before = keras.layers.GRU(16), keras.layers.GRU(16, reset_after=False)
    after.build((None, 3, 5))
    before.build((None, 3, 5))
    assert after.cell.reset_after is True  # the Keras default
    assert tuple(after.cell.bias.shape) == (2, 48)  # input bias and recurrent bias
    assert tuple(before.cell.bias.shape) == (48,)


def test_build_sequence_model_shapes_names_and_initial_biases():
    set_seed(0)
    for cell in recurrent.CELLS:
        model = recurrent.build_sequence_model(
            cell, 5, units=8, output_units=4, output_activation="softmax"
        )
        assert model.name == cell.lower()
        assert model.input_shape == (None, None, 5) and model.output_shape == (None, 4)
        layer = model.get_layer("recurrent")
        assert isinstance(layer, recurrent.CELLS[cell]) and layer.units == 8
        assert layer.return_sequences is False
        scores = np.asarray(model(np.zeros((3, 11, 5), np.float32)))
        np.testing.assert_allclose(scores.sum(axis=1), 1.0, rtol=1e-5)
    lstm = recurrent.build_sequence_model("LSTM", 2, units=3, length=9, name="probe")
    assert lstm.name == "probe" and lstm.input_shape == (None, 9, 2)
    assert lstm.output_shape == (None, 1) and lstm.get_layer("output").activation.__name__ == (
        "linear"
    )
    # Keras starts the forget gate's bias at 1 and the others at 0 (gate order i, f, c, o).
    bias = lstm.get_layer("recurrent").cell.bias.numpy()
    np.testing.assert_array_equal(bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


def numpy_simple_rnn_input_gradients(
    kernel, recurrent_kernel, bias, dense_kernel, dense_bias, x, y
):
    """d mean((h_T V + c - y)^2) / d x_t for a tanh SimpleRNN, by backpropagation through time."""
    num_samples, length, _ = x.shape
    states = [np.zeros((num_samples, recurrent_kernel.shape[0]))]
    for t in range(length):
        states.append(np.tanh(x[:, t] @ kernel + states[-1] @ recurrent_kernel + bias))
    output = states[-1] @ dense_kernel + dense_bias  # (batch, 1)
    state_gradient = (2.0 * (output - y) / num_samples) @ dense_kernel.T  # dL/dh_T
    input_gradients = np.zeros_like(x)
    for t in reversed(range(length)):
        pre_activation_gradient = state_gradient * (1.0 - states[t + 1] ** 2)  # tanh'
        input_gradients[:, t] = pre_activation_gradient @ kernel.T
        state_gradient = pre_activation_gradient @ recurrent_kernel.T  # on to h_{t-1}
    return input_gradients


def test_input_gradient_norms_match_backpropagation_through_time_in_numpy():
    set_seed(1)
    model = recurrent.build_sequence_model("SimpleRNN", 3, units=6)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 12, 3)).astype(np.float32)
    y = rng.normal(size=(5, 1)).astype(np.float32)
    norms = recurrent.input_gradient_norms(model, x, y, loss="mean_squared_error")
    weights = [w.astype(np.float64) for w in model.get_weights()]
    reference = numpy_simple_rnn_input_gradients(*weights, x.astype(np.float64), y)
    assert norms.shape == (12,)
    np.testing.assert_allclose(norms, np.linalg.norm(reference, axis=(0, 2)), rtol=1e-4)
    # The later the step, the closer to the loss: the gradient grows towards the end.
    assert norms[-1] > norms[0]


def make_trainer(learning_rate=0.01):
    return recurrent.SequenceTrainer(
        lambda: recurrent.build_sequence_model(
            "GRU", 3, units=4, output_units=2, output_activation="softmax"
        ),
        learning_rate=learning_rate,
    )


def test_the_trainer_matches_train_model_step_for_step():
    # Independent reference: dlguide.training.train_model on a model built right after
    # set_seed, with the same shuffling seed, takes the same steps.
    x, y = make_marked_recall(70, 6, num_symbols=2, seed=0)
    trainer = make_trainer()
    trainer.reset(3)
    history = trainer.fit(x, y, epochs=2, batch_size=32, seed=5)
    set_seed(3)
    model = recurrent.build_sequence_model(
        "GRU", 3, units=4, output_units=2, output_activation="softmax"
    )
    reference = train_model(
        model,
        x,
        y,
        keras.optimizers.Adam(0.01),
        epochs=2,
        batch_size=32,
        loss="sparse_categorical_crossentropy",
        seed=5,
    )
    assert len(history["loss"]) == 6 and len(history["epoch_seconds"]) == 2
    np.testing.assert_allclose(history["loss"], reference["loss"], rtol=1e-5)
    for ours, theirs in zip(trainer.model.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_reset_restarts_weights_and_optimizer_and_any_length_reuses_the_step():
    trainer = make_trainer()
    short, short_y = make_marked_recall(40, 4, num_symbols=2, seed=1)
    long, long_y = make_marked_recall(40, 9, num_symbols=2, seed=2)
    trainer.reset(0)
    first = trainer.fit(short, short_y, epochs=2, batch_size=16)
    trainer.fit(long, long_y, epochs=1, batch_size=16)
    trainer.reset(0)
    assert trainer.optimizer.iterations.numpy() == 0
    again = trainer.fit(short, short_y, epochs=2, batch_size=16)
    assert first["loss"] == again["loss"]
    assert trainer._train_step.experimental_get_tracing_count() == 1


def test_fit_calls_on_epoch_end_and_stops_when_it_returns_true():
    trainer = make_trainer()
    trainer.reset(0)
    x, y = make_marked_recall(40, 4, num_symbols=2, seed=1)
    seen = []
    history = trainer.fit(x, y, epochs=5, batch_size=16, on_epoch_end=seen.append)
    assert seen == [0, 1, 2, 3, 4] and len(history["epoch_seconds"]) == 5
    history = trainer.fit(x, y, epochs=5, batch_size=16, on_epoch_end=lambda epoch: epoch == 1)
    assert len(history["epoch_seconds"]) == 2 and len(history["loss"]) == 2 * 3


def test_trainer_accuracy_is_the_share_of_argmax_hits():
    trainer = make_trainer()
    trainer.reset(0)
    x, y = make_marked_recall(30, 5, num_symbols=2, seed=3)
    predicted = np.asarray(trainer.model(x)).argmax(axis=1)
    assert trainer.accuracy(x, y) == pytest.approx(np.mean(predicted == y))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: recurrent.parameter_count("SimpleRNN", 0, 4), r"^num_features must be a positive"),
        (lambda: recurrent.parameter_count("LSTM", 3, 2.0), r"^units must be a positive int"),
        (lambda: recurrent.parameter_count("GRU", 3, 4, reset_after=1), r"^reset_after must be"),
        (lambda: recurrent.parameter_count("lstm", 3, 4), r"^cell must be one of SimpleRNN, LSTM"),
        (lambda: recurrent.build_sequence_model("RNN", 3), r"^cell must be one of SimpleRNN, LSTM"),
        (lambda: recurrent.build_sequence_model("LSTM", 3, units=0), r"^units must be a positive"),
        (lambda: recurrent.build_sequence_model("GRU", 3, output_units=-1), r"^output_units must"),
        (lambda: recurrent.build_sequence_model("GRU", 3, length=0), r"^length must be a positive"),
        (lambda: recurrent.SequenceTrainer(None), r"^build must be a function"),
        (lambda: recurrent.SequenceTrainer(lambda: 3), r"^build must return a Keras model"),
        (lambda: make_trainer(learning_rate=0), r"^learning_rate must be a positive number"),
    ],
)
def test_builders_and_counts_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_measurements_reject_bad_arguments():
    model = recurrent.build_sequence_model("SimpleRNN", 2, units=2)
    x, y = np.zeros((4, 3, 2)), np.zeros((4, 1))
    with pytest.raises(ValueError, match=r"^loss must be one of"):
        recurrent.input_gradient_norms(model, x, y, loss="hinge")
    with pytest.raises(ValueError, match=r"^x must have shape \(num_samples, length, features\)"):
        recurrent.input_gradient_norms(model, np.zeros((4, 2)), y)
    with pytest.raises(ValueError, match=r"^x must have shape .* and y as many samples"):
        recurrent.input_gradient_norms(model, x, y[:3])
    trainer = make_trainer()
    data, labels = make_marked_recall(8, 4, num_symbols=2, seed=0)
    with pytest.raises(ValueError, match=r"^epochs must be a positive int"):
        trainer.fit(data, labels, epochs=0)
    with pytest.raises(ValueError, match=r"^batch_size must be a positive int"):
        trainer.fit(data, labels, batch_size=None)
    with pytest.raises(ValueError, match=r"^x must have shape"):
        trainer.fit(data, labels[:5])
    with pytest.raises(ValueError, match=r"^x must have shape"):
        trainer.fit(data, labels[:, None])
    with pytest.raises(ValueError, match=r"^x must have shape"):
        trainer.accuracy(data[0], labels)
