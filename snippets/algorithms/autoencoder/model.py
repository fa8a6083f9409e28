# The autoencoder the page trains: 64 pixels -> 128 ReLU units -> a code of a
# few numbers -> 128 ReLU units -> 64 pixels through a sigmoid.
# --8<-- [start:build]
import dlguide
from dlguide.models.autoencoder import build_autoencoder

dlguide.set_seed(0)

model = build_autoencoder(64, code_size=8)  # hidden_units=(128,) by default
for part in ("encoder", "decoder"):
    submodel = model.get_layer(part)
    print(f"{part}: {submodel.count_params():,} parameters")
    for layer in submodel.layers[1:]:  # layers[0] is the input
        activation = layer.activation.__name__
        print(f"  {layer.name:15} {layer.units:4} units  {activation}")
print(f"autoencoder: {model.count_params():,} parameters")
# --8<-- [end:build]
