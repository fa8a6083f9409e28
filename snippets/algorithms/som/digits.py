# --8<-- [start:train]
from dlguide.data import load_digits_split

DIGIT_SIDE, DIGIT_STEPS = 12, 13_480  # ten passes over the 1,348 digits
digit_maps, digit_histories, digit_order, digit_accuracy = {}, {}, {}, {}
for seed in SEEDS:
    dlguide.set_seed(seed)
    train_x, test_x, train_y, test_y = load_digits_split(seed)  # (n, 64)
    digit_map = som.SelfOrganizingMap(DIGIT_SIDE, DIGIT_SIDE, train_x,
                                      seed=seed)
    order_before = digit_map.neighbour_distance_ratio()
    digit_histories[seed] = digit_map.train(
        train_x, DIGIT_STEPS, evaluation=test_x, num_checkpoints=20, seed=seed)
    digit_order[seed] = [order_before, digit_map.neighbour_distance_ratio()]
    digit_maps[seed] = digit_map
# --8<-- [end:train]

# --8<-- [start:label]
def label_units(digit_map, images, labels):
    """Each unit's most frequent label among the images it wins, -1 if none."""
    winners = digit_map.best_matching_units(images)  # (n,)
    counts = np.zeros((len(digit_map.positions), 10), dtype=int)  # (144, 10)
    np.add.at(counts, (winners, labels), 1)
    return np.where(counts.any(axis=1), counts.argmax(axis=1), -1)


for seed in SEEDS:
    train_x, test_x, train_y, test_y = load_digits_split(seed)
    unit_labels = label_units(digit_maps[seed], train_x, train_y)  # (144,)
    # A held-out digit is read as the label of its BMU; -1 is always wrong.
    predicted = unit_labels[digit_maps[seed].best_matching_units(test_x)]
    digit_accuracy[seed] = float(np.mean(predicted == test_y))
rows = [[seed, start_end(history["quantization_error"]),
         start_end(history["topographic_error"]), start_end(digit_order[seed]),
         f"{digit_accuracy[seed]:.3f}"]
        for seed, history in digit_histories.items()]
print(markdown_table([*headers, "held-out accuracy"], rows))
# --8<-- [end:label]

# --8<-- [start:plot]
train_x, _, train_y, _ = load_digits_split(0)
unit_labels = label_units(digit_maps[0], train_x, train_y)
prototypes = digit_maps[0].prototypes.reshape(DIGIT_SIDE, DIGIT_SIDE, 8, 8)
# One picture: unit (row, column)'s 8x8 prototype at that grid cell, with a
# blank line of pixels below and to the right of each to separate them.
padded = np.pad(prototypes, ((0, 0), (0, 0), (0, 1), (0, 1)))
mosaic = padded.transpose(0, 2, 1, 3).reshape(9 * DIGIT_SIDE, -1)
figure, axes = plt.subplots(1, 2, figsize=(6.4, 3.4), layout="constrained")
axes[0].imshow(mosaic, cmap="gray_r")
axes[0].set_title("prototype of each unit")
classes = np.ma.masked_less(unit_labels.reshape(DIGIT_SIDE, DIGIT_SIDE), 0)
axes[1].imshow(classes, cmap="tab10", vmin=-0.5, vmax=9.5, alpha=0.6)
for unit, label in enumerate(unit_labels):
    row, column = divmod(unit, DIGIT_SIDE)
    axes[1].text(column, row, str(label) if label >= 0 else "",
                 ha="center", va="center", fontsize=7)
axes[1].set_title("most frequent digit it wins")
for axis in axes:
    axis.set_xticks([])
    axis.set_yticks([])
print(figure_to_svg(figure, alt=(
    "Left: the 12 by 12 map of seed 0 trained on 8 by 8 digits, each unit's "
    "prototype drawn as a small grey image; neighbouring prototypes look "
    "alike and blend from one digit shape into the next. Right: the digit "
    "each unit wins most often, written in its cell and coloured by class; "
    "each digit occupies one or a few contiguous regions."
)))
# --8<-- [end:plot]
