# --8<-- [start:model]
import keras

import dlguide

TRAIN_SIZE, BATCH_SIZE, EPOCHS = 12_800, 256, 20  # 50 steps per epoch


def adam():
    return keras.optimizers.Adam(3e-3, beta_1=0.5, beta_2=0.99)


def build_gan(seed):
    dlguide.set_seed(seed)
    model = gan.GAN(
        gan.build_generator(latent_dim=2, data_dim=2, hidden=(64, 64)),
        gan.build_discriminator(data_dim=2, hidden=(64, 64)),
        seed=seed,  # of the noise drawn in every step
    )
    model.compile(
        discriminator_optimizer=adam(),  # one optimizer per network: each
        generator_optimizer=adam(),  # keeps its own moment estimates
        # A whole epoch per call of the compiled function, not one step.
        steps_per_execution=TRAIN_SIZE // BATCH_SIZE,
    )
    return model


model = build_gan(0)
for network in (model.generator, model.discriminator):
    widths = " → ".join(str(layer.output.shape[-1]) for layer in network.layers)
    print(f"{network.name:13} {widths}: {network.count_params():,} parameters")
# --8<-- [end:model]


# --8<-- [start:train]
def train(model, seed, keep=(0,)):
    """Fit on seed's ring; return the epoch losses and samples after `keep`."""
    real, _ = mixtures.ring_of_gaussians(TRAIN_SIZE, std=STD, seed=seed)
    kept = {0: np.asarray(model.sample(2500))} if 0 in keep else {}

    def on_epoch_end(epoch, logs):
        if epoch + 1 in keep:
            kept[epoch + 1] = np.asarray(model.sample(2500))

    callback = keras.callbacks.LambdaCallback(on_epoch_end=on_epoch_end)
    history = model.fit(
        real,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        verbose=0,
        callbacks=[callback],
    )
    return history.history, kept


steps_per_epoch = TRAIN_SIZE // BATCH_SIZE
histories, snapshots = {}, {}
histories[0], snapshots[0] = train(model, seed=0, keep=(0, 2, 5, 10, 20))
rows = []
for epoch, samples in snapshots[0].items():
    modes, within, distance = score(samples)
    step = epoch * steps_per_epoch
    rows.append([f"{step:,}", modes, f"{within:.1%}", f"{distance:.3f}"])
headers = ["steps", "modes covered", "within 3σ", "energy distance"]
print(markdown_table(headers, rows))
# --8<-- [end:train]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from dlguide.plots import figure_to_svg

panels = {"target": target_sample}
for epoch, samples in snapshots[0].items():
    panels[f"step {epoch * steps_per_epoch:,}"] = samples
figure, axes = plt.subplots(
    2, 3, figsize=(7.2, 5.0), dpi=150, layout="constrained"
)
for axis, (title, samples) in zip(axes.flat, panels.items(), strict=True):
    shown = samples[:1000]
    color = "C0" if title == "target" else "C1"
    # Drawn as one embedded image per panel: thousands of SVG markers would
    # make the page several times larger.
    axis.scatter(*shown.T, s=2, alpha=0.5, color=color, rasterized=True)
    axis.scatter(*centers.T, marker="+", s=40, color="black", linewidths=0.8)
    axis.set(title=title, xlim=(-3, 3), ylim=(-3, 3), aspect="equal")
alt = (
    "Six scatter plots of 1,000 points each, on the same axes. The target: "
    "eight tight clusters on a circle of radius 2, their centres marked with "
    "crosses. Seed 0's generator at step 0: a wedge-shaped fan of points "
    "right of the origin. At steps 100 and 250 the points spread over the "
    "plane; by step 500 they lie along the ring, and at step 1,000 most sit "
    "on the eight crosses, joined by thin bridges of points."
)
print(figure_to_svg(figure, alt=alt))
# --8<-- [end:plot]

# --8<-- [start:seeds]
SEEDS = (0, 1, 2)
final = {0: np.asarray(model.sample(2500))}
for seed in SEEDS[1:]:
    seed_model = build_gan(seed)
    histories[seed], snapshots[seed] = train(seed_model, seed)
    final[seed] = np.asarray(seed_model.sample(2500))
results = {
    seed: (score(snapshots[seed][0]), score(final[seed])) for seed in SEEDS
}
rows = [
    [
        seed,
        f"{before[0]} → {after[0]}",
        f"{before[1]:.1%} → {after[1]:.1%}",
        f"{before[2]:.3f} → {after[2]:.3f}",
    ]
    for seed, (before, after) in results.items()
]
print(markdown_table(["seed", *headers[1:]], rows))
# --8<-- [end:seeds]

# --8<-- [start:losses]
import math

from dlguide.plots import plot_training_curves

curves = {  # one curve per seed: the mean loss of each epoch
    name: [history[f"{name}_loss"] for history in histories.values()]
    for name in ("discriminator", "generator")
}
figure = plot_training_curves(curves, ylabel="mean loss", log_scale=False)
axis = figure.axes[0]
for value, label in ((2 * math.log(2), "2 log 2"), (math.log(2), "log 2")):
    axis.axhline(value, color="grey", linestyle="--", linewidth=0.8)
    axis.annotate(label, (EPOCHS, value), ha="right", va="bottom")
axis.set(ylim=(0, None), xticks=range(5, EPOCHS + 1, 5))
alt = (
    "The mean discriminator and generator loss of each of the 20 epochs, one "
    "line per seed. The discriminator's curves start near or above a dashed "
    "line at 2 log 2 and settle just below it; the generator's stay a little "
    "above a dashed line at log 2. Neither falls towards zero."
)
print(figure_to_svg(figure, alt=alt))
# --8<-- [end:losses]
