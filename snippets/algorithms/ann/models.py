# The two classifiers the page compares: a multilayer perceptron with three
# hidden ReLU layers, and a single sigmoid unit (logistic regression).
# --8<-- [start:mlp]
import keras

import dlguide
from dlguide.models import build_mlp

dlguide.set_seed(0)

# Three hidden layers of 32 ReLU units (He-normal weights), one sigmoid output.
mlp = build_mlp(2, depth=3, width=32, activation="relu")
for layer in mlp.layers[1:]:  # layers[0] is the input, which has no weights
    kernel, bias = layer.get_weights()  # (fan_in, fan_out), (fan_out,)
    print(f"{layer.name:8} kernel {str(kernel.shape):9} bias {bias.shape}")
print(f"parameters: {mlp.count_params():,}")
# --8<-- [end:mlp]


# --8<-- [start:logistic]
def logistic_regression(num_features: int) -> keras.Model:
    # One unit, no hidden layer: sigmoid(w . x + b), a straight boundary.
    inputs = keras.Input(shape=(num_features,))
    outputs = keras.layers.Dense(1, activation="sigmoid")(inputs)
    return keras.Model(inputs, outputs, name="logistic_regression")
# --8<-- [end:logistic]
