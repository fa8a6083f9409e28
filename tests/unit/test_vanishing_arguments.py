import pytest

from dlguide.experiments import vanishing


@pytest.mark.parametrize(
    ("function", "arguments", "message"),
    [
        (vanishing.gradient_flow_table, {"seeds": ()}, r"^seeds must be"),
        (vanishing.gradient_flow_table, {"seeds": (0, -1)}, r"^seeds must be"),
        (vanishing.gradient_flow_table, {"seeds": "012"}, r"^seeds must be"),
        (vanishing.gradient_flow_table, {"configurations": ["swish"]}, r"^configurations"),
        (vanishing.gradient_flow_table, {"num_samples": 3}, r"^num_samples must"),
        (vanishing.training_comparison, {"seeds": [True]}, r"^seeds must be"),
        (vanishing.training_comparison, {"epochs": 0}, r"^epochs must be a positive int"),
        (vanishing.training_comparison, {"learning_rate": -1e-3}, r"^learning_rate must"),
        (vanishing.training_comparison, {"batch_size": 1.5}, r"^batch_size must"),
        (vanishing.training_comparison, {"num_samples": 0}, r"^num_samples must"),
        (vanishing.clipping_demo, {"seed": -1}, r"^seed must be"),
        (vanishing.clipping_demo, {"weight_gain": 0}, r"^weight_gain must"),
        (vanishing.clipping_demo, {"clipnorm": -1.0}, r"^clipnorm must"),
        (vanishing.clipping_demo, {"epochs": 2.0}, r"^epochs must"),
    ],
)
def test_experiments_reject_bad_arguments_by_name(function, arguments, message):
    with pytest.raises(ValueError, match=message):
        function(**arguments)


def test_every_trained_configuration_is_a_known_configuration():
    assert set(vanishing.TRAINED_CONFIGURATIONS) <= set(vanishing.CONFIGURATIONS)
