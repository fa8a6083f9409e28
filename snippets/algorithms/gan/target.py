# --8<-- [start:target]
from dlguide import mixtures

STD = 0.1  # of each mode, along each axis
centers = mixtures.ring_centers(num_modes=8, radius=2.0)  # (8, 2)
held_out, _ = mixtures.ring_of_gaussians(2500, std=STD, seed=1000)


def score(samples):
    """Modes covered, share within 3 sigma of a mode, distance to the target."""
    coverage = mixtures.mode_coverage(samples, centers, STD, min_samples=20)
    distance = mixtures.energy_distance(samples, held_out)
    return coverage.modes_covered, coverage.high_quality_fraction, distance


# The best a generator can do: a second, independent sample of the target.
target_sample, _ = mixtures.ring_of_gaussians(2500, std=STD, seed=2000)
best = score(target_sample)
headers = ["2,500 points", "modes covered", "within 3σ", "energy distance"]
row = ["a sample of the target", best[0], f"{best[1]:.1%}", f"{best[2]:.3f}"]
print(markdown_table(headers, [row]))
# --8<-- [end:target]
