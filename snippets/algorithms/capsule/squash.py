# --8<-- [start:squash]
import numpy as np

import dlguide
from dlguide.models import capsule_layers
from dlguide.report import markdown_table

dlguide.set_seed(0)

# Five 8-unit vectors, each pointing a random way, of lengths 0.1 to 10.
rng = np.random.default_rng(0)
directions = rng.normal(size=(5, 8))
directions /= np.linalg.norm(directions, axis=1, keepdims=True)
lengths_in = np.array([0.1, 0.5, 1.0, 3.0, 10.0])
vectors = (directions * lengths_in[:, None]).astype("float32")  # (5, 8)

squashed = np.asarray(capsule_layers.squash(vectors))  # (5, 8)
lengths_out = np.linalg.norm(squashed, axis=1)
cosines = np.sum(vectors * squashed, axis=1) / (lengths_in * lengths_out)
formula = lengths_in**2 / (1 + lengths_in**2)
rows = [
    [f"{before:g}", f"{after:.4f}", f"{expected:.4f}", f"{cosine:.6f}"]
    for before, after, expected, cosine in zip(
        lengths_in, lengths_out, formula, cosines, strict=True
    )
]
headers = ["‖s‖", "‖squash(s)‖", "‖s‖² / (1 + ‖s‖²)", "cos(s, squash(s))"]
print(markdown_table(headers, rows))
# --8<-- [end:squash]
