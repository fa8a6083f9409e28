# --8<-- [start:measure]
import numpy as np
import tensorflow as tf

from dlguide.data import make_spirals

features, labels = make_spirals(num_samples=256, seed=0)  # (256, 2), (256,)
targets = labels.reshape(-1, 1)  # (256, 1), the shape the model outputs


def kernel_gradients(model: keras.Model) -> list[float]:
    kernels = [
        layer.kernel
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    with tf.GradientTape() as tape:
        # Compute the loss inside the tape: outside it, every gradient is None.
        predictions = model(features, training=True)  # (256, 1)
        loss = keras.losses.binary_crossentropy(targets, predictions)  # (256,)
        loss = tf.reduce_mean(loss)
    gradients = tape.gradient(loss, kernels)  # one (fan_in, fan_out) per kernel
    return [float(np.linalg.norm(gradient)) for gradient in gradients]


sigmoid_norms = kernel_gradients(networks["sigmoid"][0])
relu_bn_norms = kernel_gradients(networks["ReLU + BN"][0])
print("layer   sigmoid   ReLU + BN")
pairs = zip(sigmoid_norms, relu_bn_norms, strict=True)
for layer, (sigmoid, relu_bn) in enumerate(pairs, start=1):
    print(f"{layer:>5}  {sigmoid:8.1e}  {relu_bn:9.1e}")
# --8<-- [end:measure]
