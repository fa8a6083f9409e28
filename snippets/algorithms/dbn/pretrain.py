# --8<-- [start:pretrain]
import dlguide
from dlguide.data import load_digits_split
from dlguide.models.dbn import pretrain_layers
from dlguide.report import markdown_table

SEEDS, HIDDEN_UNITS = (0, 1, 2), (64, 64)
splits, stacks, pretraining = {}, {}, {}
for seed in SEEDS:
    # Grey levels in [0, 1], read by the first RBM as pixel probabilities.
    splits[seed] = load_digits_split(seed)  # train_x (1348, 64), test_x ...
    dlguide.set_seed(seed)
    stacks[seed], pretraining[seed] = pretrain_layers(
        splits[seed][0], HIDDEN_UNITS, epochs=20, batch_size=32,
        learning_rate=0.1, momentum=0.5, k=1, seed=seed,
    )  # no labels: each RBM sees only the layer below it
rows = [
    [seed, f"rbm_{layer} ({rbm.num_visible} → {rbm.num_hidden})",
     f"{history['train'][0]:.3f}", f"{history['train'][-1]:.3f}"]
    for seed in SEEDS
    for layer, (rbm, history)
    in enumerate(zip(stacks[seed], pretraining[seed], strict=True), 1)
]
headers = ["seed", "layer", "reconstruction error before", "after 20 epochs"]
print(markdown_table(headers, rows))
# --8<-- [end:pretrain]
