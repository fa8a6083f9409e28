# The SimpleRNN of this page: its weights, their count, and its recurrence
# computed by hand in NumPy.
# --8<-- [start:model]
import numpy as np

import dlguide
from dlguide.models import recurrent

dlguide.set_seed(0)

# 5 inputs per step (4 token channels and the mark), 32 hidden units, and a
# softmax over the 4 tokens, read from the state after the last step.
model = recurrent.build_sequence_model(
    "SimpleRNN", num_features=5, units=32, output_units=4,
    output_activation="softmax")
layer = model.get_layer("recurrent")
kernel, recurrent_kernel, bias = layer.get_weights()
print(f"W {kernel.shape}   U {recurrent_kernel.shape}   b {bias.shape}")
formula = recurrent.parameter_count("SimpleRNN", num_features=5, units=32)
print(f"Keras counts {layer.count_params():,} parameters; "
      f"32 · (5 + 32 + 1) = {formula:,}")
# --8<-- [end:model]

# --8<-- [start:forward]
from dlguide.sequences import make_marked_recall

sequences, _ = make_marked_recall(8, length=20, seed=0)  # (8, 20, 5)
state = np.zeros((8, 32))  # h_0
for step in range(20):
    # The same W, U and b at every step.
    state = np.tanh(
        sequences[:, step] @ kernel + state @ recurrent_kernel + bias)
by_keras = np.asarray(layer(sequences))  # (8, 32): the state after step 20
largest_gap = float(np.max(np.abs(state - by_keras)))
print(f"largest difference from Keras: {largest_gap:.1e}")
# --8<-- [end:forward]
