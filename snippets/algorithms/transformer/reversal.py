# --8<-- [start:data]
from dlguide.token_tasks import make_reversal, reversal_ceiling_without_order

LENGTH = 8  # digits per sequence
train_tokens, train_targets = make_reversal(4000, LENGTH, seed=0)
test_tokens, test_targets = make_reversal(1000, LENGTH, seed=1)
for tokens, target in zip(train_tokens[:3], train_targets[:3], strict=True):
    print(" ".join(map(str, tokens)), "->", " ".join(map(str, target)))
overlap = len(
    {tuple(row) for row in train_tokens} & {tuple(row) for row in test_tokens}
)
print(f"held-out sequences also seen in training: {overlap}")
# --8<-- [end:data]

# --8<-- [start:train]
from dlguide.training import train_model

EPOCHS = 3


def token_accuracy(model, tokens, targets):
    """Share of positions whose most probable token is the target."""
    probabilities = np.asarray(model(tokens, training=False))  # (n, t, 10)
    return float(np.mean(probabilities.argmax(axis=-1) == targets))


def train_and_track(model):
    """Train with Adam; return the held-out token accuracy after each epoch."""
    curve = []
    train_model(
        model,
        train_tokens,
        train_targets,
        keras.optimizers.Adam(5e-3),
        epochs=EPOCHS,
        batch_size=64,
        loss="sparse_categorical_crossentropy",
        on_epoch_end=lambda epoch: curve.append(
            token_accuracy(model, test_tokens, test_targets)
        ),
    )
    return curve


models, curves = {}, {}
for positions in (True, False):  # the same model, with and without positions
    dlguide.set_seed(0)
    model = transformer.build_encoder_classifier(
        vocab_size=10,
        length=LENGTH,
        model_dim=MODEL_DIM,
        num_heads=NUM_HEADS,
        feedforward_dim=FEEDFORWARD_DIM,
        num_blocks=1,
        positions=positions,
    )
    models[model.name] = model
    curves[model.name] = train_and_track(model)
ceiling = reversal_ceiling_without_order(test_tokens)
rows = [
    [name, f"{model.count_params():,}", *(f"{a:.3f}" for a in curves[name])]
    for name, model in models.items()
]
rows.append(
    ["best possible without order", "", *[""] * (EPOCHS - 1), f"{ceiling:.3f}"]
)
headers = ["model", "parameters", *(f"epoch {e}" for e in range(1, EPOCHS + 1))]
print(markdown_table(headers, rows))
# --8<-- [end:train]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from dlguide.plots import figure_to_svg

scores = {
    name: transformer.attention_scores(model, test_tokens)[0]
    for name, model in models.items()
}  # (n, heads, query, key) each
panels = [
    ("encoder, head 1", scores["encoder"][:, 0]),
    ("encoder, head 2", scores["encoder"][:, 1]),
    ("no positions, both heads", scores["encoder_no_positions"]),
]
figure, axes = plt.subplots(1, 3, figsize=(9, 3.2), layout="constrained")
for axis, (title, panel) in zip(axes, panels, strict=True):
    average = panel.reshape(-1, LENGTH, LENGTH).mean(axis=0)  # (query, key)
    image = axis.imshow(average, vmin=0, vmax=1, cmap="viridis")
    axis.set(title=title, xlabel="key position", ylabel="query position")
figure.colorbar(image, ax=axes, label="mean attention weight", shrink=0.8)
alt = (
    "Mean attention weights over the held-out sequences, query position "
    "against key position. Both heads of the encoder with positions put "
    "most of their weight on the anti-diagonal, the mirrored position; the "
    "model without positions spreads its weight evenly over all eight."
)
print(figure_to_svg(figure, alt=alt))
# --8<-- [end:plot]

# --8<-- [start:mirror]
queries = np.arange(LENGTH)
mirror_share = {  # mean weight on key LENGTH - 1 - i, per head
    name: weights[:, :, queries, LENGTH - 1 - queries].mean(axis=(0, 2))
    for name, weights in scores.items()
}
for name, shares in mirror_share.items():
    print(
        f"{name:22}",
        "  ".join(f"head {h}: {s:.2f}" for h, s in enumerate(shares, 1)),
    )
by_query = scores["encoder"][:, :, queries, LENGTH - 1 - queries].mean(
    axis=(0, 1)
)  # (query,): both heads, every held-out sequence
print("encoder, by query position:", " ".join(f"{s:.2f}" for s in by_query))
# --8<-- [end:mirror]

# --8<-- [start:permute]
order = np.random.default_rng(0).permutation(LENGTH)  # a shuffle of positions
sample = test_tokens[:100]
permutation_gap = {}
for name, model in models.items():
    permuted_first = np.asarray(model(sample[:, order]))  # f(P x)
    permuted_after = np.asarray(model(sample))[:, order]  # P f(x)
    gap = permutation_gap[name] = float(
        np.max(np.abs(permuted_first - permuted_after))
    )
    print(f"{name:22} largest |f(Px) - Pf(x)| = {gap:.1e}")
# --8<-- [end:permute]
