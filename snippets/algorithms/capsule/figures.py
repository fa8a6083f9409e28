# --8<-- [start:lengths]
import matplotlib.pyplot as plt

from dlguide.plots import figure_to_svg

model, (_, test_x, _, test_y) = capsnets[0], splits[0]
lengths = np.asarray(model(test_x))  # (449, 10): one length per digit capsule
predicted = lengths.argmax(axis=1)
right = np.flatnonzero(predicted == test_y)
wrong = np.flatnonzero(predicted != test_y)
shown = [*right[:5], wrong[0]]  # five digits it gets right, then a mistake

figure, axes = plt.subplots(2, 6, figsize=(9, 3.6), layout="constrained")
for column, index in enumerate(shown):
    axes[0, column].imshow(test_x[index, :, :, 0], cmap="gray_r")
    axes[0, column].set_title(f"label {test_y[index]}", fontsize="small")
    axes[0, column].axis("off")
    colors = ["C0"] * 10
    colors[predicted[index]] = "C1"  # the longest capsule
    axes[1, column].bar(range(10), lengths[index], color=colors)
    for margin in (0.9, 0.1):  # the margin loss's targets
        axes[1, column].axhline(margin, color="grey", linewidth=0.8, ls="--")
    axes[1, column].set(ylim=(0, 1), xticks=range(10))
    axes[1, column].tick_params(labelsize="x-small")
axes[1, 0].set_ylabel("capsule length")
longest = lengths[shown[:5]].max(axis=1)
alt = (
    f"Six held-out digits and, under each, the lengths of the ten digit "
    f"capsules. In the first five the true digit's capsule is long "
    f"({longest.min():.2f} to {longest.max():.2f}) and the other nine "
    f"are short; in the sixth, a {test_y[wrong[0]]}, the longest capsule "
    f"is the one for {predicted[wrong[0]]}: the network's mistake."
)
print(figure_to_svg(figure, alt=alt))
# --8<-- [end:lengths]

# --8<-- [start:couplings]
couplings = capsule.routing_couplings(model, test_x)  # (3, 449, 64, 10)
winner = np.eye(10, dtype=bool)[predicted]  # (449, 10): the longest capsule
to_winner = (couplings * winner[None, :, None, :]).sum(axis=3)  # (3, 449, 64)
to_others = np.where(winner[None, :, None, :], -np.inf, couplings).max(axis=3)
mean_to_winner = to_winner.mean(axis=(1, 2))  # per iteration
favouring = (to_winner > to_others).mean(axis=(1, 2))  # per iteration
rows = [
    [iteration, f"{mean_to_winner[index]:.3f}", f"{favouring[index]:.0%}"]
    for index, iteration in enumerate((1, 2, 3))
]
headers = [
    "iteration",
    "mean c to the predicted digit",
    "capsules favouring it",
]
print(markdown_table(headers, rows))
# --8<-- [end:couplings]

# --8<-- [start:heatmap]
from matplotlib.colors import TwoSlopeNorm

# White is the uniform 0.1; red, more of the capsule's vote; blue, less.
norm = TwoSlopeNorm(vmin=0, vcenter=0.1, vmax=0.3)
figure, axes = plt.subplots(3, 1, figsize=(9, 4.4), layout="constrained")
for iteration, axis in enumerate(axes):
    image = axis.imshow(
        couplings[iteration, 0].T, cmap="RdBu_r", norm=norm, aspect="auto"
    )
    axis.set(yticks=range(10), ylabel=f"iteration {iteration + 1}")
    axis.tick_params(labelsize="x-small")
axes[-1].set_xlabel("primary capsule (4 types at each of 4x4 positions)")
figure.colorbar(image, ax=axes, extend="max", label="coupling to digit 0-9")
first_share = (to_winner[-1, 0] > to_others[-1, 0]).mean()
alt = (
    f"Coupling coefficients of the 64 primary capsules to the 10 digit "
    f"capsules for the first held-out image, a {test_y[0]}, in routing "
    f"iterations 1 to 3, white for the uniform 0.1 and red above it: all "
    f"white in the first; in the third the row of digit {predicted[0]} is "
    f"the reddest for {first_share:.0%} of the primary capsules."
)
print(figure_to_svg(figure, alt=alt))
# --8<-- [end:heatmap]

# --8<-- [start:iterations]
# The trained network again, with 1, 2 or 3 routing iterations: one iteration
# means uniform couplings, routing switched off.
digit_layer = model.get_layer("digit_caps")
by_iterations = {}
for iterations in (1, 2, 3):
    digit_layer.routing_iterations = iterations
    longest_lengths = np.asarray(model(test_x)).max(axis=1)  # (449,)
    score = accuracy(model, test_x, test_y)
    by_iterations[iterations] = (score, float(longest_lengths.mean()))
digit_layer.routing_iterations = 3  # as trained
rows = [
    [iterations, f"{score:.3f}", f"{length:.2f}"]
    for iterations, (score, length) in by_iterations.items()
]
headers = ["routing iterations", "held-out accuracy", "longest capsule, mean"]
print(markdown_table(headers, rows))
# --8<-- [end:iterations]
