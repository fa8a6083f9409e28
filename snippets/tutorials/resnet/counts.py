# --8<-- [start:counts]
from dlguide.models import resnet
from dlguide.report import markdown_table

# Trainable parameters of torchvision's ResNets, from its documentation.
published = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032,
             101: 44_549_160, 152: 60_192_808}
counts = {}
for depth in published:
    model = resnet.build_resnet(depth)  # 224x224x3 input, 1000 classes
    counts[depth] = resnet.trainable_parameter_count(model)
    del model
rows = [
    [f"ResNet-{depth}", f"{counts[depth]:,}", f"{expected:,}",
     "yes" if counts[depth] == expected else "NO"]
    for depth, expected in published.items()
]
print(markdown_table(["model", "dlguide", "torchvision", "equal"], rows))
# --8<-- [end:counts]
