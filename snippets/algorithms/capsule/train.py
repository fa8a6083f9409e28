# --8<-- [start:train]
import keras

from dlguide.data import load_digits_split
from dlguide.training import accuracy

SEEDS, EPOCHS, LEARNING_RATE = (0, 1, 2), 8, 3e-3
grid = (-1, 8, 8, 1)  # each image as an 8x8 grid of grey pixels
splits, capsnets, final_losses, capsnet_accuracy = {}, {}, [], []
for seed in SEEDS:
    dlguide.set_seed(seed)
    train_x, test_x, train_y, test_y = load_digits_split(seed)  # (n, 64)
    train_x, test_x = train_x.reshape(grid), test_x.reshape(grid)
    splits[seed] = (train_x, test_x, train_y, test_y)
    capsnets[seed] = capsule.build_capsule_network()
    optimizer = keras.optimizers.Adam(LEARNING_RATE)
    settings = {"epochs": EPOCHS, "batch_size": 32, "seed": seed}
    losses = capsule.train_capsule_network(
        capsnets[seed], train_x, train_y, optimizer, **settings
    )
    steps_per_epoch = len(losses) // EPOCHS
    final_losses.append(float(np.mean(losses[-steps_per_epoch:])))
    capsnet_accuracy.append(accuracy(capsnets[seed], test_x, test_y))
rows = [
    [seed, f"{final_losses[index]:.4f}", f"{capsnet_accuracy[index]:.3f}"]
    for index, seed in enumerate(SEEDS)
]
headers = ["seed", "margin loss, last epoch", "held-out accuracy"]
print(markdown_table(headers, rows))
# --8<-- [end:train]
