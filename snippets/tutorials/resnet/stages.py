# --8<-- [start:table]
resnet50 = resnet.resnet50()
stages = resnet.stage_table(resnet50)
rows = [
    [row["stage"], row["layers"], " x ".join(map(str, row["output_shape"])),
     f"{row['parameters']:,}"]
    for row in stages
]
print(markdown_table(["stage", "layers", "output", "parameters"], rows))
# --8<-- [end:table]
