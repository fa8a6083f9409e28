# --8<-- [start:train]
from dlguide.report import markdown_table

SEEDS, SIDE, STEPS = (0, 1, 2, 3, 4), 20, 10_000
colour_maps, colour_start, colour_histories, colour_order = {}, {}, {}, {}
for seed in SEEDS:
    dlguide.set_seed(seed)
    rng = np.random.default_rng(seed)
    colours = rng.random((2000, 3), dtype=np.float32)  # (2000, 3) RGB in [0, 1]
    fresh = rng.random((1000, 3), dtype=np.float32)  # the errors' test set
    colour_map = som.SelfOrganizingMap(SIDE, SIDE, colours, seed=seed)
    colour_start[seed] = colour_map.prototypes.copy()  # (400, 3)
    order_before = colour_map.neighbour_distance_ratio()
    colour_histories[seed] = colour_map.train(
        colours, STEPS, evaluation=fresh, num_checkpoints=20, seed=seed)
    colour_order[seed] = [order_before, colour_map.neighbour_distance_ratio()]
    colour_maps[seed] = colour_map


def start_end(values):
    return f"{values[0]:.3f} → {values[-1]:.3f}"


rows = [[seed, start_end(history["quantization_error"]),
         start_end(history["topographic_error"]), start_end(colour_order[seed])]
        for seed, history in colour_histories.items()]
headers = ["seed", "quantization error", "topographic error",
           "neighbour distance ratio"]
print(markdown_table(headers, rows))
# --8<-- [end:train]

# --8<-- [start:maps]
from dlguide.plots import figure_to_svg, plt

figure, axes = plt.subplots(1, 2, figsize=(6.4, 3.4), layout="constrained")
panels = [("before training", colour_start[0]),
          (f"after {STEPS:,} updates", colour_maps[0].prototypes)]
for axis, (title, prototypes) in zip(axes, panels, strict=True):
    # Unit k's prototype is an RGB colour, drawn at its grid position.
    axis.imshow(np.clip(prototypes, 0, 1).reshape(SIDE, SIDE, 3))
    axis.set_title(title)
    axis.set_xticks([])
    axis.set_yticks([])
print(figure_to_svg(figure, alt=(
    "The 20 by 20 grid of seed 0, each cell painted in its unit's prototype "
    "colour. Before training the cells are random colours with no pattern; "
    "after training neighbouring cells have nearly the same colour, and hue "
    "and brightness change smoothly across the grid, from a dark corner to "
    "light tints on the far side."
)))
# --8<-- [end:maps]

# --8<-- [start:curves]
figure, axes = plt.subplots(1, 2, figsize=(6.4, 3.0), layout="constrained")
names = ("quantization_error", "topographic_error")
for seed, history in colour_histories.items():
    for axis, name in zip(axes, names, strict=True):
        axis.plot(history["step"], history[name], color="C0", alpha=0.7,
                  linewidth=1.2, label="seeds 0-4" if seed == 0 else None)
for axis, name in zip(axes, names, strict=True):
    axis.set_xlabel("online updates")
    axis.set_ylabel(name.replace("_", " "))
    axis.grid(True, alpha=0.3)
axes[0].legend(fontsize="small")
print(figure_to_svg(figure, alt=(
    "Quantization and topographic error on fresh colours, measured 21 times "
    "during training, one line per seed. The quantization error jumps up "
    "after the first updates and then falls steadily; the topographic error "
    "drops from near 1 to a few percent at once, then creeps back up."
)))
# --8<-- [end:curves]
