# --8<-- [start:block]
import keras

import dlguide

dlguide.set_seed(0)


def residual_block(x, filters: int, stride: int = 1):
    """Two 3x3 convolutions and a shortcut: ResNet-18/34's basic block."""
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        # Projection shortcut: a 1x1 convolution matches channels and size.
        shortcut = keras.layers.Conv2D(filters, 1, strides=stride,
                                       use_bias=False)(x)
        shortcut = keras.layers.BatchNormalization()(shortcut)
    # No bias before batch normalization: its shift would cancel the bias.
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same",
                            use_bias=False)(x)
    y = keras.layers.BatchNormalization()(y)
    y = keras.layers.ReLU()(y)
    y = keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = keras.layers.BatchNormalization()(y)
    return keras.layers.ReLU()(keras.layers.Add()([y, shortcut]))
# --8<-- [end:block]


# --8<-- [start:shapes]
inputs = keras.Input(shape=(56, 56, 64))
same = residual_block(inputs, 64)  # identity shortcut
halved = residual_block(inputs, 128, stride=2)  # projection shortcut
print("identity shortcut:  ", inputs.shape, "->", same.shape)
print("projection shortcut:", inputs.shape, "->", halved.shape)
# --8<-- [end:shapes]
