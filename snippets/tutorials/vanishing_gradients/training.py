# --8<-- [start:compare]
from dlguide.experiments.vanishing import training_comparison

trained = training_comparison(seeds=(0, 1, 2), epochs=10)  # Adam, 120 steps per network
rows = [
    [name, *(f"{accuracy:.3f}" for accuracy in trained["test_accuracy"][name])]
    for name in trained["test_accuracy"]
]
print(markdown_table(["network", "seed 0", "seed 1", "seed 2"], rows))
# --8<-- [end:compare]
