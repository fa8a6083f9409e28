# --8<-- [start:shift]
from dlguide.models.cnn import build_small_cnn
from dlguide.training import train_model


def shifted(images, columns):
    """Move images `columns` pixels sideways; blank pixels fill the gap."""
    moved = np.roll(images, columns, axis=2)  # (n, 8, 8, 1)
    if columns > 0:
        moved[:, :, :columns] = 0
    else:
        moved[:, :, columns:] = 0
    return moved


shift_results = {"CapsNet": [], "CNN": []}  # (held out, moved) per seed
for seed in SEEDS:
    images, held_x, labels, held_y = splits[seed]  # train, then held out
    dlguide.set_seed(seed)
    cnn_model = build_small_cnn()  # the CNN page's network, 21,386 parameters
    optimizer = keras.optimizers.Adam(LEARNING_RATE)
    settings = {"epochs": EPOCHS, "batch_size": 32, "seed": seed}
    loss = "sparse_categorical_crossentropy"
    train_model(cnn_model, images, labels, optimizer, loss=loss, **settings)
    # Every held-out digit once one pixel to the right, once to the left.
    moved_x = np.concatenate([shifted(held_x, 1), shifted(held_x, -1)])
    moved_y = np.concatenate([held_y, held_y])
    for label, network in (("CapsNet", capsnets[seed]), ("CNN", cnn_model)):
        held_out = accuracy(network, held_x, held_y)
        moved = accuracy(network, moved_x, moved_y)
        shift_results[label].append((held_out, moved))
rows = [
    [seed, *(f"{score:.3f}" for scores in row for score in scores)]
    for seed, *row in zip(SEEDS, *shift_results.values(), strict=True)
]
headers = ["seed", "CapsNet", "CapsNet, moved", "CNN", "CNN, moved"]
print(markdown_table(headers, rows))
# --8<-- [end:shift]
