# --8<-- [start:forward]
import numpy as np

from dlguide.data import make_spirals

points, _ = make_spirals(num_samples=8, seed=0)  # (8, 2)
hidden = points
for layer in mlp.layers[1:-1]:
    kernel, bias = layer.get_weights()
    hidden = np.maximum(hidden @ kernel + bias, 0.0)  # ReLU, (8, 32)
kernel, bias = mlp.layers[-1].get_weights()
by_hand = 1 / (1 + np.exp(-(hidden @ kernel + bias)))  # sigmoid, (8, 1)
by_keras = np.asarray(mlp(points))  # (8, 1)
largest_gap = float(np.max(np.abs(by_hand - by_keras)))
print(f"largest difference from Keras: {largest_gap:.1e}")
# --8<-- [end:forward]
