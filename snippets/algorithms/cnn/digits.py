# --8<-- [start:train]
from dlguide.data import load_digits_split
from dlguide.training import train_model

SEEDS, EPOCHS = (0, 1, 2), 15


def held_out_curve(model, train_x, train_y, test_x, test_y, seed):
    """Train with Adam; return the held-out accuracy after every epoch."""
    history = train_model(
        model, train_x, train_y, keras.optimizers.Adam(1e-3), epochs=EPOCHS,
        batch_size=32, loss="sparse_categorical_crossentropy", seed=seed,
        held_out=(test_x, test_y),
    )
    return history["held_out_accuracy"]


curves = {"CNN": [], "MLP": []}  # one curve per seed
for seed in SEEDS:
    dlguide.set_seed(seed)
    train_x, test_x, train_y, test_y = load_digits_split(seed)  # (n, 64)
    grid = (-1, 8, 8, 1)  # the CNN sees each image as an 8x8 grid of pixels
    curves["CNN"].append(held_out_curve(
        cnn.build_small_cnn(), train_x.reshape(grid), train_y,
        test_x.reshape(grid), test_y, seed))
    mlp_model = build_mlp(64, depth=1, width=512, activation="relu",
                          output_units=10, output_activation="softmax")
    curves["MLP"].append(held_out_curve(
        mlp_model, train_x, train_y, test_x, test_y, seed))
results = {label: [curve[-1] for curve in runs]
           for label, runs in curves.items()}  # held-out accuracy per seed
rows = [[seed, f"{cnn_accuracy:.3f}", f"{mlp_accuracy:.3f}"]
        for seed, cnn_accuracy, mlp_accuracy
        in zip(SEEDS, results["CNN"], results["MLP"], strict=True)]
print(markdown_table(["seed", "CNN", "MLP"], rows))
# --8<-- [end:train]

# --8<-- [start:plot]
from dlguide.plots import figure_to_svg, plot_training_curves

figure = plot_training_curves(curves, ylabel="held-out accuracy",
                              log_scale=False)
print(figure_to_svg(figure, alt=(
    "Held-out accuracy on the 8x8 digits after each of 15 epochs, three seeds "
    "each, for the small CNN and the larger MLP: the CNN's curves end above "
    "the MLP's."
)))
# --8<-- [end:plot]
