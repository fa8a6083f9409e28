# --8<-- [start:scaling]
def training_loss(batch_size, learning_rate, seed, epochs=5):
    """Train from seed's initial weights; return the training-set loss."""
    set_seed(seed)
    model = build_mlp(64, depth=2, width=64, activation="relu",
                      output_units=10, output_activation="softmax")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy")
    data = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    data = data.shuffle(len(x_train), seed=seed).batch(batch_size)
    model.fit(data, epochs=epochs, shuffle=False, verbose=0)  # data shuffles
    return model.evaluate(x_train, y_train, verbose=0)


settings = {  # global batch, learning rate
    "small batch": (64, 0.05),
    "4x batch, same rate": (256, 0.05),
    "4x batch, 4x rate": (256, 0.2),
}
seeds = (0, 1, 2)
scaling = {
    name: [training_loss(batch, rate, seed) for seed in seeds]
    for name, (batch, rate) in settings.items()
}
rows = [[name, *settings[name], *(f"{loss:.3f}" for loss in losses)]
        for name, losses in scaling.items()]
headers = ["run", "global batch", "learning rate",
           *(f"loss, seed {seed}" for seed in seeds)]
print(markdown_table(headers, rows))
# --8<-- [end:scaling]
