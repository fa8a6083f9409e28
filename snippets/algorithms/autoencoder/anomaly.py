# --8<-- [start:train]
from sklearn.metrics import roc_auc_score

UNSEEN, CODE_SIZE = 9, 8  # no 9 is ever shown to the models
auc = {"autoencoder": [], "PCA": []}
scores = {}  # seed 0's anomaly scores, for the histogram
for seed in SEEDS:
    train_x, test_x, train_y, test_y = splits[seed]
    normal_x = train_x[train_y != UNSEEN]  # about 1,210 digits 0-8
    dlguide.set_seed(seed)
    detector = build_autoencoder(64, CODE_SIZE)
    train_autoencoders([detector], normal_x, epochs=EPOCHS,
                       batch_size=BATCH_SIZE, learning_rate=5e-3, seed=seed)
    pca = PCA(CODE_SIZE).fit(normal_x)
    # Every held-out image gets a score; the 9s among them are the anomalies.
    is_anomaly = test_y == UNSEEN  # (449,) bool
    seed_scores = {
        "autoencoder": reconstruction_errors(test_x, detector(test_x)),
        "PCA": reconstruction_errors(
            test_x, pca.inverse_transform(pca.transform(test_x))),
    }
    for name, score in seed_scores.items():
        auc[name].append(roc_auc_score(is_anomaly, score))
    if seed == 0:
        scores, seed_0_anomaly = seed_scores, is_anomaly
rows = [[name, *(f"{value:.3f}" for value in values)]
        for name, values in auc.items()]
print(markdown_table(["anomaly score", "seed 0", "seed 1", "seed 2"], rows))
# --8<-- [end:train]

# --8<-- [start:histogram]
from matplotlib import pyplot as plt
from matplotlib.ticker import NullFormatter

errors_0 = scores["autoencoder"]  # seed 0, one per held-out image
bins = np.geomspace(errors_0.min(), errors_0.max(), 30)
figure, axes = plt.subplots(figsize=(6.4, 3.0), layout="constrained")
for label, group in [("digits 0-8", errors_0[~seed_0_anomaly]),
                     ("9s, never seen", errors_0[seed_0_anomaly])]:
    # Each group's bars sum to 1, so groups of unequal size compare fairly.
    axes.hist(group, bins=bins, weights=np.full(len(group), 1 / len(group)),
              alpha=0.6, label=f"held-out {label} ({len(group)} images)")
axes.set_xscale("log")
ticks = [0.002, 0.005, 0.01, 0.02, 0.05]
axes.set_xticks(ticks, labels=[f"{tick:g}" for tick in ticks])
axes.xaxis.set_minor_formatter(NullFormatter())
axes.set_xlabel("reconstruction error (mean squared, per pixel)")
axes.set_ylabel("share of the group")
axes.legend(fontsize="small")
print(figure_to_svg(figure, alt=(
    "Histogram of the autoencoder's reconstruction errors on seed 0's "
    "held-out images, on a log scale: the 9s, which it never saw, sit "
    "mostly to the right of the digits 0-8, with some overlap."
)))
# --8<-- [end:histogram]
