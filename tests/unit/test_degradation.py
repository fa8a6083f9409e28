import keras
import numpy as np
import pytest

from dlguide import set_seed
from dlguide.experiments import degradation
from dlguide.training import train_model

# The claim itself (the residual net ends with a far lower training loss) is checked by
# the ResNet page's claim tests, on the numbers the build measured.


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"seeds": ()}, r"^seeds must be"),
        ({"seeds": (0, -1)}, r"^seeds must be"),
        ({"seeds": [True]}, r"^seeds must be"),
        ({"seeds": "012"}, r"^seeds must be"),
        ({"num_blocks": 0}, r"^num_blocks must be a positive int"),
        ({"epochs": 2.0}, r"^epochs must be a positive int"),
        ({"learning_rate": 0}, r"^learning_rate must be a positive number"),
        ({"learning_rate": "0.1"}, r"^learning_rate must be a positive number"),
        ({"batch_size": -8}, r"^batch_size must be a positive int"),
    ],
)
def test_degradation_curves_rejects_bad_arguments_by_name(arguments, message):
    with pytest.raises(ValueError, match=message):
        degradation.degradation_curves(**arguments)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"num_blocks": 0}, r"^num_blocks must be a positive int"),
        ({"width": 1.5}, r"^width must be a positive int"),
        ({"input_dim": True}, r"^input_dim must be a positive int"),
        ({"num_classes": -1}, r"^num_classes must be a positive int"),
    ],
)
def test_block_mlp_rejects_bad_sizes_by_name(arguments, message):
    with pytest.raises(ValueError, match=message):
        degradation.build_block_mlp(**arguments)


def test_plain_and_residual_nets_differ_only_in_the_additions():
    plain = degradation.build_block_mlp(3, residual=False, width=8)
    residual = degradation.build_block_mlp(3, residual=True, width=8)
    assert (plain.name, residual.name) == ("plain_8", "residual_8")
    kinds = [type(layer).__name__ for layer in residual.layers]
    assert kinds.count("Add") == 3 and "Add" not in [type(layer).__name__ for layer in plain.layers]
    assert [kind for kind in kinds if kind != "Add"] == [
        type(layer).__name__ for layer in plain.layers
    ]
    assert plain.count_params() == residual.count_params()
    dense = [layer for layer in plain.layers if isinstance(layer, keras.layers.Dense)]
    assert len(dense) == 2 * 3 + 2  # stem, two per block, output


def test_train_model_takes_integer_classes_and_reports_each_epoch():
    # The hook and the multi-class loss the experiment relies on.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)).astype(np.float32)
    y = rng.integers(0, 3, size=40)
    set_seed(0)
    model = degradation.build_block_mlp(1, width=4, input_dim=4, num_classes=3)
    epochs_seen = []
    history = train_model(
        model,
        x,
        y,
        keras.optimizers.SGD(0.01),
        epochs=3,
        batch_size=16,
        loss="sparse_categorical_crossentropy",
        on_epoch_end=epochs_seen.append,
    )
    assert epochs_seen == [0, 1, 2]
    assert len(history["loss"]) == 9 and all(np.isfinite(history["loss"]))
