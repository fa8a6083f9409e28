# --8<-- [start:sharing]
# One 3x3 convolution with 32 filters against one dense layer of 32 units,
# both reading a grey image of growing size.
sharing = []
for side in (8, 32, 224):
    image = keras.Input(shape=(side, side, 1))
    conv = keras.layers.Conv2D(32, 3, padding="same")
    dense = keras.layers.Dense(32)
    conv(image)
    dense(keras.layers.Flatten()(image))
    sharing.append((side, conv.count_params(), dense.count_params()))
rows = [
    [f"{side}×{side}", f"{conv:,}", f"{cnn.conv2d_parameter_count(3, 1, 32):,}",
     f"{dense:,}", f"{cnn.dense_parameter_count(side * side, 32):,}"]
    for side, conv, dense in sharing
]
headers = ["image", "Conv2D(32, 3)", "3·3·1·32 + 32", "Dense(32)",
           "pixels·32 + 32"]
print(markdown_table(headers, rows))
# --8<-- [end:sharing]

# --8<-- [start:models]
from dlguide.models import build_mlp

small_cnn = cnn.build_small_cnn()  # 8x8x1 images, filters (32, 64), 10 classes
mlp = build_mlp(64, depth=1, width=512, activation="relu", output_units=10,
                output_activation="softmax", name="mlp_512")
for model in (small_cnn, mlp):
    print(f"{model.name}: {model.count_params():,} parameters")
    for layer in model.layers[1:]:
        shape = " x ".join(map(str, layer.output.shape[1:]))
        print(f"  {layer.name:8} {shape:11} {layer.count_params():>7,}")
# --8<-- [end:models]
