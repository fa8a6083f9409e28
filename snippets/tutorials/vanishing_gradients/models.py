# The seed notes' two networks, written for Keras 3: an explicit keras.Input
# instead of `input_shape=`, and Dense -> BatchNormalization -> ReLU.
# --8<-- [start:sigmoid]
import keras

import dlguide

dlguide.set_seed(0)


def sigmoid_network(num_features: int) -> keras.Model:
    inputs = keras.Input(shape=(num_features,))
    hidden = inputs
    for _ in range(11):  # the first hidden layer and ten more, as in the notes
        hidden = keras.layers.Dense(64, activation="sigmoid")(hidden)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    return keras.Model(inputs, outputs, name="sigmoid_network")
# --8<-- [end:sigmoid]


# --8<-- [start:relu_bn]
def relu_bn_network(num_features: int) -> keras.Model:
    inputs = keras.Input(shape=(num_features,))
    hidden = inputs
    for _ in range(11):
        # BatchNormalization has its own shift: a Dense bias would be redundant.
        hidden = keras.layers.Dense(
            64, use_bias=False, kernel_initializer="he_normal"
        )(hidden)
        hidden = keras.layers.BatchNormalization()(hidden)
        hidden = keras.layers.ReLU()(hidden)
    outputs = keras.layers.Dense(1, activation="sigmoid")(hidden)
    return keras.Model(inputs, outputs, name="relu_bn_network")
# --8<-- [end:relu_bn]


# --8<-- [start:count]
from dlguide.models import build_mlp

networks = {
    "sigmoid": (sigmoid_network(2), build_mlp(2, activation="sigmoid")),
    "ReLU + BN": (
        relu_bn_network(2),
        build_mlp(2, activation="relu", batch_norm=True),
    ),
}
for name, (written_out, from_dlguide) in networks.items():
    print(
        f"{name:10} {written_out.count_params():>6,} parameters "
        f"(build_mlp: {from_dlguide.count_params():,})"
    )
# --8<-- [end:count]
