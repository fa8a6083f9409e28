# --8<-- [start:compare]
ours = resnet.resnet50(conv_bias=True)
theirs = keras.applications.ResNet50(weights=None)  # the architecture only
for label, model in [("dlguide, conv_bias=True", ours),
                     ("keras.applications", theirs)]:
    print(f"{label:24} trainable {resnet.trainable_parameter_count(model):,}"
          f"   all weights {model.count_params():,}")
# --8<-- [end:compare]
