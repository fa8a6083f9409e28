# --8<-- [start:train]
from dlguide.experiments.degradation import degradation_curves

# 18 weighted layers, plain or with shortcuts; SGD with momentum, 10 epochs.
degradation = degradation_curves(seeds=(0, 1, 2))
rows = []
for model in ("plain", "residual"):
    for seed, loss, train, test in zip(
        degradation["seeds"],
        degradation["train_loss"][model],
        degradation["train_accuracy"][model],
        degradation["test_accuracy"][model],
        strict=True,
    ):
        rows.append([model, seed, f"{loss:.4f}", f"{train:.3f}", f"{test:.3f}"])
headers = ["network", "seed", "training loss", "training accuracy",
           "test accuracy"]
print(markdown_table(headers, rows))
# --8<-- [end:train]

# --8<-- [start:plot]
from dlguide.plots import figure_to_svg, plot_training_curves

figure = plot_training_curves({
    "plain": degradation["loss"]["plain"],
    "residual": degradation["loss"]["residual"],
})
print(figure_to_svg(figure, alt=(
    "Training loss per epoch, on a log scale, of an 18-layer plain network and "
    "the same network with shortcuts, three seeds each: the residual network's "
    "loss falls far below the plain network's."
)))
# --8<-- [end:plot]
