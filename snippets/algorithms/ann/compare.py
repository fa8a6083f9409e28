# --8<-- [start:compare]
from dlguide.data import train_test_split
from dlguide.report import markdown_table
from dlguide.training import accuracy, train_model

# Two arms, two turns each: 1,000 points, 750 to train on, 250 held out.
splits, trained, test_accuracy = {}, {}, {}
for seed in (0, 1, 2):
    features, labels = make_spirals(num_samples=1000, turns=2.0, seed=seed)
    splits[seed] = train_test_split(features, labels, seed=seed)
    train_x, test_x, train_y, test_y = splits[seed]  # (750, 2) ... (250,)
    dlguide.set_seed(seed)
    trained[seed] = {
        "logistic regression": (logistic_regression(2), 0.05),
        "MLP": (build_mlp(2, depth=3, width=32, activation="relu"), 0.01),
    }
    for name, (model, learning_rate) in trained[seed].items():
        optimizer = keras.optimizers.Adam(learning_rate)
        train_model(model, train_x, train_y, optimizer, epochs=30, seed=seed)
        score = accuracy(model, test_x, test_y)
        test_accuracy.setdefault(name, []).append(score)
rows = [
    [name, *(f"{score:.3f}" for score in scores)]
    for name, scores in test_accuracy.items()
]
print(markdown_table(["model", "seed 0", "seed 1", "seed 2"], rows))
# --8<-- [end:compare]

# --8<-- [start:plot]
from dlguide.decision_plots import plot_decision_boundaries
from dlguide.plots import figure_to_svg

models = {name: model for name, (model, _) in trained[0].items()}
_, test_x, _, test_y = splits[0]
figure = plot_decision_boundaries(models, test_x, test_y)
print(figure_to_svg(figure, alt=(
    "Decision regions of the two models on seed 0's held-out spiral points: "
    "logistic regression cuts the plane with one straight line through both "
    "arms; the MLP's boundary winds between the arms and follows them."
)))
# --8<-- [end:plot]
