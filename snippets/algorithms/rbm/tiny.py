# --8<-- [start:tiny]
import itertools

import numpy as np

import dlguide
from dlguide.models.rbm import BernoulliRBM

dlguide.set_seed(0)
tiny = BernoulliRBM(num_visible=4, num_hidden=3, weight_scale=1.0)
rng = np.random.default_rng(0)
tiny.visible_bias.assign(rng.normal(size=4))  # the biases start at zero;
tiny.hidden_bias.assign(rng.normal(size=3))  # give them values to check too
W, a, b = (np.asarray(parameter, dtype="float64") for parameter
           in (tiny.weights_matrix, tiny.visible_bias, tiny.hidden_bias))

# Every visible state against every hidden state: exp(-E(v, h)), (16, 8).
v = np.array(list(itertools.product([0, 1], repeat=4)), dtype="float64")
h = np.array(list(itertools.product([0, 1], repeat=3)), dtype="float64")
boltzmann = np.exp(v @ a[:, None] + h @ b + v @ W @ h.T)
Z = boltzmann.sum()

free_energy = -np.log(boltzmann.sum(axis=1))  # (16,)
hidden_given_visible = boltzmann @ h / boltzmann.sum(axis=1, keepdims=True)
visible_given_hidden = boltzmann.T @ v / boltzmann.sum(axis=0)[:, None]
gaps = {
    "F(v), 16 values": free_energy - tiny.free_energy(v),
    "p(h = 1 | v), 16 × 3 values": hidden_given_visible
    - tiny.hidden_probabilities(v),
    "p(v = 1 | h), 8 × 4 values": visible_given_hidden
    - tiny.visible_probabilities(h),
}
for name, gap in gaps.items():
    print(f"{name:28} largest difference {np.max(np.abs(gap)):.1e}")
total = np.exp(-np.asarray(tiny.free_energy(v), dtype="float64")).sum() / Z
print(f"sum over v of exp(-F(v)) / Z: {total:.7f}")
# --8<-- [end:tiny]
