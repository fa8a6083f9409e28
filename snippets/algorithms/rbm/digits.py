# --8<-- [start:train]
from dlguide.data import load_digits_split
from dlguide.models.rbm import train_rbm
from dlguide.report import markdown_table

SEEDS, EPOCHS = (0, 1, 2), 30
splits, rbms, errors = {}, {}, {}
for seed in SEEDS:
    train_x, test_x, _, _ = load_digits_split(seed)  # grey levels in [0, 1]
    # A pixel is on when it is more than half inked: (1348, 64) and (449, 64).
    splits[seed] = [(x > 0.5).astype("float32") for x in (train_x, test_x)]
    dlguide.set_seed(seed)
    rbms[seed] = BernoulliRBM(num_visible=64, num_hidden=64)
    errors[seed] = train_rbm(
        rbms[seed], splits[seed][0], epochs=EPOCHS, batch_size=32,
        learning_rate=0.1, momentum=0.5, k=1, seed=seed,
        validation_data=splits[seed][1],
    )  # reconstruction error before training and after every epoch
rows = [
    [seed, *(f"{error[split][when]:.3f}"
             for split in ("train", "validation") for when in (0, -1))]
    for seed, error in errors.items()
]
headers = ["seed", "training, before", "training, after",
           "held-out, before", "held-out, after"]
print(markdown_table(headers, rows))
# --8<-- [end:train]

# --8<-- [start:curves]
from dlguide.plots import figure_to_svg, plot_training_curves

figure = plot_training_curves(
    {label: [errors[seed][split][1:] for seed in SEEDS]
     for label, split in [("training images", "train"),
                          ("held-out images", "validation")]},
    ylabel="reconstruction error",
)
print(figure_to_svg(figure, alt=(
    "Mean squared reconstruction error of the RBM on the binarized digits "
    "after each of 30 epochs of CD-1, three seeds, on the training and "
    "held-out images: every curve falls steeply in the first epochs and "
    "keeps falling slowly, the held-out curves just above the training ones."
)))
# --8<-- [end:curves]

# --8<-- [start:sample]
from itertools import pairwise

STEPS = (0, 1, 10, 100, 1000)  # snapshots of each chain


def nearest_distance(images, references):
    """Per image: the pixels in which it differs from the closest reference."""
    differences = images[:, None, :] != references[None, :, :]  # (n, m, 64)
    return differences.sum(axis=2).min(axis=1)  # (n,)


snapshots, distances = {}, {}
for seed in SEEDS:
    rng = np.random.default_rng(seed)
    state = (rng.random((100, 64)) < 0.5).astype("float32")  # coin flips
    snapshots[seed] = [state]
    for done, steps in pairwise(STEPS):
        state = np.asarray(rbms[seed].gibbs_chain(state, steps - done))
        snapshots[seed].append(state)
    train_x, test_x = splits[seed]
    distances[seed] = {
        f"chains, step {steps:,}": nearest_distance(images, train_x)
        for steps, images in zip(STEPS, snapshots[seed], strict=True)
    }
    distances[seed]["held-out digits"] = nearest_distance(test_x, train_x)
rows = [[name, *(f"{distances[seed][name].mean():.1f}" for seed in SEEDS)]
        for name in distances[0]]
print(markdown_table(["images", *(f"seed {seed}" for seed in SEEDS)], rows))
# --8<-- [end:sample]

# --8<-- [start:chains]
import matplotlib.pyplot as plt

CHAINS = 8
figure, axes = plt.subplots(CHAINS, len(STEPS), figsize=(4.4, 7.2),
                            layout="constrained")
for column, (steps, images) in enumerate(zip(STEPS, snapshots[0], strict=True)):
    axes[0, column].set_title(f"step {steps:,}", fontsize="small")
    for row in range(CHAINS):
        axes[row, column].imshow(images[row].reshape(8, 8), cmap="gray_r")
        axes[row, column].set_xticks([])  # keep the frame, drop the ticks
        axes[row, column].set_yticks([])
print(figure_to_svg(figure, alt=(
    "Eight Gibbs chains of the seed-0 RBM, one per row, after 0, 1, 10, 100 "
    "and 1,000 steps: each starts as random black and white pixels, clumps "
    "into strokes after one step, looks like a blocky handwritten digit after "
    "ten or a hundred, and keeps changing shape as the chain runs."
)))
# --8<-- [end:chains]
