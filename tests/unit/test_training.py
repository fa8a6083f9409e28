import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.models import build_mlp
from dlguide.training import accuracy, train_model


def linearly_separable(num_samples=128):
    x = np.random.default_rng(0).normal(size=(num_samples, 2)).astype(np.float32)
    return x, (x[:, 0] + x[:, 1] > 0).astype(np.float32)


def test_training_records_every_step_and_learns_an_easy_task():
    x, y = linearly_separable()
    set_seed(0)
    model = build_mlp(2, depth=1, width=8, activation="relu")
    history = train_model(model, x, y, keras.optimizers.Adam(0.05), epochs=5, batch_size=50)
    # 128 samples in batches of 50: 3 steps per epoch, the last one of 28 samples.
    assert len(history["loss"]) == len(history["gradient_norm"]) == 15
    assert history["epoch"] == [epoch for epoch in range(5) for _ in range(3)]
    assert history["loss"][-1] < history["loss"][0]
    assert accuracy(model, x, y) > 0.9


def test_training_is_reproducible_for_a_seed():
    x, y = linearly_separable(64)

    def run():
        set_seed(3)
        model = build_mlp(2, depth=2, width=4)
        return train_model(model, x, y, keras.optimizers.SGD(0.1), epochs=2, seed=3)

    assert run() == run()


def test_accuracy_reads_one_unit_as_a_probability_and_several_as_class_scores():
    probability = keras.Sequential([keras.Input((1,)), keras.layers.Identity()])
    assert accuracy(probability, [[0.9], [0.2], [0.7]], [1, 0, 0]) == pytest.approx(2 / 3)
    scores = keras.Sequential([keras.Input((3,)), keras.layers.Identity()])
    assert accuracy(scores, [[0, 5, 1], [3, 0, 0]], [1, 2]) == 0.5


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"epochs": 0}, r"^epochs must be a positive int"),
        ({"batch_size": 2.5}, r"^batch_size must be a positive int"),
        ({"loss": "hinge"}, r"^loss must be one of"),
        ({"y": np.zeros(3)}, r"^x and y must have the same"),
    ],
)
def test_train_model_rejects_bad_arguments_by_name(arguments, message):
    call = {"x": np.zeros((4, 2)), "y": np.zeros(4), **arguments}
    model = build_mlp(2, depth=1, width=2)
    with pytest.raises(ValueError, match=message):
        train_model(model, optimizer=keras.optimizers.SGD(), **call)


def test_held_out_accuracy_is_measured_after_every_epoch():
    x, y = linearly_separable(128)
    set_seed(0)
    model = build_mlp(2, depth=2, width=8)
    seen = []
    history = train_model(
        model,
        x[:96],
        y[:96],
        keras.optimizers.Adam(0.05),
        epochs=4,
        batch_size=32,
        on_epoch_end=lambda epoch: seen.append(accuracy(model, x[96:], y[96:])),
        held_out=(x[96:], y[96:]),
    )
    assert history["held_out_accuracy"] == seen  # the same numbers an epoch callback sees
    assert len(seen) == 4 and seen[-1] > 0.9
    assert "held_out_accuracy" not in train_model(model, x, y, keras.optimizers.SGD(0.1), epochs=1)
