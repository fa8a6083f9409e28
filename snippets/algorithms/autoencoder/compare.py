# --8<-- [start:data]
from dlguide.data import load_digits_split

SEEDS, CODE_SIZES = (0, 1, 2), (2, 8, 32)
EPOCHS, BATCH_SIZE = 60, 128
# Each seed holds out its own quarter of the images: 1,348 train, 449 test,
# 64 pixels each, scaled from 0..16 to [0, 1].
splits = {seed: load_digits_split(seed) for seed in SEEDS}
# --8<-- [end:data]

# --8<-- [start:compare]
from sklearn.decomposition import PCA

from dlguide.models.autoencoder import reconstruction_errors, train_autoencoders
from dlguide.report import markdown_table

errors = {"PCA": {}, "autoencoder": {}}  # (seed, code size) -> test MSE
pcas, autoencoders = {}, {}
for seed in SEEDS:
    train_x, test_x, _, _ = splits[seed]  # (1348, 64), (449, 64)
    dlguide.set_seed(seed)
    models = [build_autoencoder(64, size) for size in CODE_SIZES]
    # The three models train side by side on the same batches.
    train_autoencoders(models, train_x, epochs=EPOCHS, batch_size=BATCH_SIZE,
                       learning_rate=5e-3, seed=seed)
    for size, network in zip(CODE_SIZES, models, strict=True):
        pca = PCA(size).fit(train_x)
        rebuilt = pca.inverse_transform(pca.transform(test_x))  # (449, 64)
        pcas[seed, size], autoencoders[seed, size] = pca, network
        errors["PCA"][seed, size] = reconstruction_errors(
            test_x, rebuilt).mean()
        errors["autoencoder"][seed, size] = reconstruction_errors(
            test_x, network(test_x)).mean()
rows = [[size, seed, f"{errors['PCA'][seed, size]:.4f}",
         f"{errors['autoencoder'][seed, size]:.4f}",
         f"{errors['autoencoder'][seed, size] / errors['PCA'][seed, size]:.2f}"]
        for size in CODE_SIZES for seed in SEEDS]
print(markdown_table(
    ["code size", "seed", "PCA", "autoencoder", "autoencoder / PCA"], rows))
# --8<-- [end:compare]

# --8<-- [start:linear]
errors["linear autoencoder"], linear_models = {}, {}
for seed in SEEDS:
    train_x, test_x, _, _ = splits[seed]
    dlguide.set_seed(seed)
    # No hidden layer, no activation: x -> W2 (W1 x + b1) + b2.
    models = [build_autoencoder(64, size, hidden_units=(), activation=None,
                                output_activation=None)
              for size in CODE_SIZES]
    train_autoencoders(models, train_x, epochs=EPOCHS, batch_size=BATCH_SIZE,
                       learning_rate=2e-2, seed=seed)
    for size, network in zip(CODE_SIZES, models, strict=True):
        linear_models[seed, size] = network
        errors["linear autoencoder"][seed, size] = reconstruction_errors(
            test_x, network(test_x)).mean()
linear = errors["linear autoencoder"]
rows = [[size, seed, f"{errors['PCA'][seed, size]:.4f}",
         f"{linear[seed, size]:.4f}",
         f"{linear[seed, size] / errors['PCA'][seed, size]:.3f}"]
        for size in CODE_SIZES for seed in SEEDS]
print(markdown_table(
    ["code size", "seed", "PCA", "linear autoencoder", "linear / PCA"], rows))
# --8<-- [end:linear]

# --8<-- [start:plot]
import numpy as np

from dlguide.models.autoencoder import plot_reconstructions
from dlguide.plots import figure_to_svg

_, test_x, _, test_y = splits[0]
# The first held-out image of each digit 0-9 of seed 0: (10, 64).
shown = test_x[[np.flatnonzero(test_y == digit)[0] for digit in range(10)]]
rows = {}
for size in (2, 8):
    pca = pcas[0, size]
    rows[f"PCA, {size}"] = pca.inverse_transform(pca.transform(shown))
    rows[f"autoencoder, {size}"] = autoencoders[0, size](shown)
figure = plot_reconstructions(shown, rows)
print(figure_to_svg(figure, alt=(
    "One held-out image of each digit 0 to 9 in the top row, and below it the "
    "reconstructions by PCA and by the autoencoder from codes of 2 and of 8 "
    "numbers. From 2 numbers PCA gives grey blends; the autoencoder gives "
    "sharper shapes, some of them the wrong digit. From 8 numbers both are "
    "recognisable, the autoencoder's crisper."
)))
# --8<-- [end:plot]

# --8<-- [start:subspace]
from scipy.linalg import orth

captured = {}  # (seed, code size) -> decoder's variance / PCA's variance
for (seed, size), network in linear_models.items():
    train_x = splits[seed][0]
    centred = train_x - train_x.mean(axis=0)  # (1348, 64)
    kernel = network.get_layer("decoder").get_layer("reconstruction").kernel
    basis = orth(np.asarray(kernel).T)  # (64, size): the decoder's span
    components = pcas[seed, size].components_.T  # (64, size), orthonormal
    captured[seed, size] = (np.sum((centred @ basis) ** 2)
                            / np.sum((centred @ components) ** 2))
print(f"variance in the decoder's subspace / in PCA's: "
      f"{min(captured.values()):.4f} to {max(captured.values()):.4f}")
# --8<-- [end:subspace]
