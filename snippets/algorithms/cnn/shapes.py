# --8<-- [start:output_size]
import keras

import dlguide
from dlguide.models import cnn
from dlguide.report import markdown_table

dlguide.set_seed(0)

# (input size, kernel, stride, padding): the formula against Keras's own layer.
cases = [(32, 3, 1, "valid"), (32, 3, 1, "same"), (32, 3, 2, "same"),
         (32, 5, 2, "valid"), (28, 2, 2, "valid"), (7, 3, 2, "same")]
output_sizes = []
for size, kernel, stride, padding in cases:
    layer = keras.layers.Conv2D(8, kernel, strides=stride, padding=padding)
    height, width = layer.compute_output_shape((None, size, size, 1))[1:3]
    formula = cnn.conv_output_size(size, kernel, stride, padding)
    output_sizes.append((formula, height, width))
rows = [
    [f"{size}×{size}", f"{kernel}×{kernel}", stride, padding,
     f"{formula}×{formula}", f"{height}×{width}"]
    for (size, kernel, stride, padding), (formula, height, width)
    in zip(cases, output_sizes, strict=True)
]
headers = ["input", "kernel", "stride", "padding", "formula", "Keras"]
print(markdown_table(headers, rows))
# --8<-- [end:output_size]
