# --8<-- [start:model]
from dlguide.models import capsule

capsnet = capsule.build_capsule_network()  # 8x8x1 images, 10 digit capsules
print(f"{capsnet.name}: {capsnet.count_params():,} parameters")
for layer in capsnet.layers[1:]:  # layers[0] is the input
    shape = " x ".join(map(str, layer.output.shape[1:]))
    print(f"  {layer.name:12} {shape:9} {layer.count_params():>7,}")
# --8<-- [end:model]
