# --8<-- [start:model]
import keras
import numpy as np

import dlguide
from dlguide.models import recurrent
from dlguide.report import markdown_table

dlguide.set_seed(0)

model = recurrent.build_sequence_model(
    "GRU", num_features=5, units=32, output_units=4,
    output_activation="softmax")
layer = model.get_layer("recurrent")
kernel, recurrent_kernel, bias = layer.get_weights()
# Three blocks side by side, in Keras's order: z (update), r (reset), h.
print(f"W {kernel.shape}   U {recurrent_kernel.shape}   b {bias.shape}")
print(f"reset_after={layer.cell.reset_after}: bias row 0 is added to x W, "
      f"row 1 to h U")
# --8<-- [end:model]

# --8<-- [start:count]
sizes = [(5, 32), (1, 1), (10, 64), (128, 256)]  # (inputs n, units u)
layers = {  # what Keras builds, and what the formula says it should hold
    "GRU": lambda u: keras.layers.GRU(u),
    "GRU, reset_after=False": lambda u: keras.layers.GRU(u, reset_after=False),
    "LSTM": lambda u: keras.layers.LSTM(u),
}
counts = {}
for name, make_layer in layers.items():
    for num_features, units in sizes:
        built = make_layer(units)
        built.build((None, 20, num_features))
        formula = recurrent.parameter_count(
            name.split(",")[0], num_features, units,
            reset_after="False" not in name)
        counts[name, num_features, units] = (built.count_params(), formula)
rows = [[f"n = {n}, u = {u}",
         *(f"{counts[name, n, u][0]:,}" for name in layers)]
        for n, u in sizes]
print(markdown_table(["layer", *layers], rows))
# --8<-- [end:count]

# --8<-- [start:numpy]
def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def gru_forward(sequences, kernel, recurrent_kernel, bias):
    """Run the GRU equations; return the last h and every step's update gate."""
    input_bias, recurrent_bias = bias  # (3u,) each: reset_after keeps two
    h, update_gates = np.zeros((len(sequences), recurrent_kernel.shape[0])), []
    for step in range(sequences.shape[1]):
        x_z, x_r, x_h = np.split(
            sequences[:, step] @ kernel + input_bias, 3, axis=1)
        h_z, h_r, h_h = np.split(
            h @ recurrent_kernel + recurrent_bias, 3, axis=1)
        z = sigmoid(x_z + h_z)  # update gate: how much of h to keep
        r = sigmoid(x_r + h_r)  # reset gate: how much of h the candidate sees
        candidate = np.tanh(x_h + r * h_h)  # r applied after the product
        h = z * h + (1 - z) * candidate
        update_gates.append(z)
    return h, np.stack(update_gates, axis=1)  # (b, u), (b, length, u)


from dlguide.sequences import make_marked_recall

sequences, _ = make_marked_recall(8, length=20, seed=0)  # (8, 20, 5)
by_hand, _ = gru_forward(sequences, kernel, recurrent_kernel, bias)
by_keras = np.asarray(layer(sequences))  # (8, 32)
largest_gap = float(np.max(np.abs(by_hand - by_keras)))
print(f"largest difference from Keras: {largest_gap:.1e}")
# --8<-- [end:numpy]
