# --8<-- [start:demo]
from dlguide.experiments.vanishing import clipping_demo

clipping = {seed: clipping_demo(seed=seed, clipnorm=1.0) for seed in (0, 1, 2)}
rows = []
for seed, runs in clipping.items():
    for run in ("unclipped", "clipped"):
        result = runs[run]
        rows.append([
            seed,
            run,
            scientific(result["first_loss"]),
            scientific(result["max_loss"]),
            scientific(result["max_gradient_norm"]),
            f"{result['accuracy']:.3f}",
        ])
headers = ["seed", "SGD", "first loss", "largest loss", "largest gradient norm",
           "accuracy"]
print(markdown_table(headers, rows))
# --8<-- [end:demo]

# --8<-- [start:plot]
from dlguide.plots import plot_loss_curves

figure = plot_loss_curves({
    "without clipping": clipping[0]["unclipped"]["loss"],
    "clipnorm=1.0": clipping[0]["clipped"]["loss"],
})
print(figure_to_svg(figure, alt=(
    "Training loss per step for seed 0, on a log scale: without clipping the "
    "loss shoots up by orders of magnitude and the run breaks; with "
    "clipnorm=1.0 it falls steadily."
)))
# --8<-- [end:plot]

# --8<-- [start:vanishing]
rows = []
for seed, runs in clipping.items():
    sigmoid = runs["sigmoid_clipped"]
    rows.append([
        seed,
        scientific(sigmoid["ratio_before"]),
        scientific(sigmoid["ratio_after"]),
        f"{sigmoid['test_accuracy']:.3f}",
    ])
headers = ["seed", "ratio before training", "ratio after", "test accuracy"]
print(markdown_table(headers, rows))
# --8<-- [end:vanishing]
