# --8<-- [start:compare]
from dlguide.experiments.vanishing import training_comparison

# Adam, 10 epochs of 12 steps: 120 updates per network and seed.
trained = training_comparison(seeds=(0, 1, 2), epochs=10)
rows = [
    [name, *(f"{accuracy:.3f}" for accuracy in accuracies)]
    for name, accuracies in trained["test_accuracy"].items()
]
print(markdown_table(["network", "seed 0", "seed 1", "seed 2"], rows))
# --8<-- [end:compare]
