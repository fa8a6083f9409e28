# --8<-- [start:model]
import numpy as np

import dlguide
from dlguide.models import recurrent
from dlguide.report import markdown_table

dlguide.set_seed(0)

model = recurrent.build_sequence_model(
    "LSTM", num_features=5, units=32, output_units=4,
    output_activation="softmax")
layer = model.get_layer("recurrent")
kernel, recurrent_kernel, bias = layer.get_weights()
# The four blocks side by side, in Keras's order: i, f, c (candidate), o.
print(f"W {kernel.shape}   U {recurrent_kernel.shape}   b {bias.shape}")
print(f"initial bias of each block: {bias.reshape(4, 32).mean(axis=1)}")
# --8<-- [end:model]

# --8<-- [start:count]
import keras

sizes = [(5, 32), (1, 1), (10, 64), (128, 256)]  # (inputs n, units u)
counts = []
for num_features, units in sizes:
    lstm_layer = keras.layers.LSTM(units)
    lstm_layer.build((None, 20, num_features))
    formula = recurrent.parameter_count("LSTM", num_features, units)
    counts.append((num_features, units, lstm_layer.count_params(), formula))
rows = [[n, u, f"{keras_count:,}", f"4 · {u} · ({n} + {u} + 1) = {formula:,}"]
        for n, u, keras_count, formula in counts]
print(markdown_table(["n", "u", "Keras", "formula"], rows))
# --8<-- [end:count]

# --8<-- [start:numpy]
def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def lstm_forward(sequences, kernel, recurrent_kernel, bias):
    """Run the equations; return the last h and every step's forget gate."""
    batch, length, _ = sequences.shape
    units = recurrent_kernel.shape[0]
    h, c, forget_gates = np.zeros((batch, units)), np.zeros((batch, units)), []
    for step in range(length):
        z = sequences[:, step] @ kernel + h @ recurrent_kernel + bias  # (b, 4u)
        i, f, g, o = np.split(z, 4, axis=1)  # Keras's order of the blocks
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)  # the cell state
        h = sigmoid(o) * np.tanh(c)  # the hidden state
        forget_gates.append(sigmoid(f))
    return h, np.stack(forget_gates, axis=1)  # (b, u), (b, length, u)


from dlguide.sequences import make_marked_recall

sequences, _ = make_marked_recall(8, length=20, seed=0)  # (8, 20, 5)
by_hand, _ = lstm_forward(sequences, kernel, recurrent_kernel, bias)
by_keras = np.asarray(layer(sequences))  # (8, 32)
largest_gap = float(np.max(np.abs(by_hand - by_keras)))
print(f"largest difference from Keras: {largest_gap:.1e}")
# --8<-- [end:numpy]
