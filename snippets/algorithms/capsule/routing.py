# --8<-- [start:numpy_routing]
from dlguide.models.capsule_layers import dynamic_routing


def route_numpy(u_hat, iterations=3):
    """Procedure 1 of Sabour et al.; u_hat is (inputs, outputs, dim)."""
    b = np.zeros(u_hat.shape[:2])  # routing logits, (inputs, outputs)
    for _ in range(iterations):
        c = np.exp(b) / np.exp(b).sum(axis=1, keepdims=True)  # softmax over j
        s = np.einsum("ij,ijd->jd", c, u_hat)  # weighted votes, (outputs, dim)
        norm = np.linalg.norm(s, axis=1, keepdims=True)
        v = norm**2 / (1 + norm**2) * s / norm  # squash
        b = b + np.einsum("ijd,jd->ij", u_hat, v)  # add the agreement
    return v


# Random predictions for 6 images: 64 lower capsules, 10 upper ones of 8 units.
u_hat = rng.normal(scale=0.2, size=(6, 64, 10, 8)).astype("float32")
by_layer, _ = dynamic_routing(u_hat, iterations=3)  # (6, 10, 8)
by_numpy = np.stack([route_numpy(example) for example in u_hat])
routing_gap = float(np.max(np.abs(by_numpy - np.asarray(by_layer))))
print(f"largest difference from dynamic_routing: {routing_gap:.1e}")
# --8<-- [end:numpy_routing]

# --8<-- [start:margin]
from dlguide.models.capsule import margin_loss

# Ten capsule lengths for three images of a 3: the loss of each.
sure_right, unsure, sure_wrong = (np.full(10, 0.05) for _ in range(3))
sure_right[3] = 0.95
unsure[3], unsure[8] = 0.5, 0.4
sure_wrong[3], sure_wrong[8] = 0.05, 0.95
examples = {
    "sure and right": sure_right,
    "unsure": unsure,
    "sure and wrong": sure_wrong,
}
example_losses = {
    name: float(margin_loss(np.array([3]), lengths[None, :]))
    for name, lengths in examples.items()
}
for name, loss in example_losses.items():
    print(f"{name:15} loss {loss:.4f}")
# --8<-- [end:margin]
