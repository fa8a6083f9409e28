# --8<-- [start:convert]
import keras
import numpy as np

from dlguide.models.dbn import build_sigmoid_classifier, dbn_classifier

dbn = dbn_classifier(stacks[0], num_classes=10)
for layer in dbn.layers[1:]:  # layers[0] is the input
    kernel, bias = layer.get_weights()
    print(f"{layer.name:9} kernel {str(kernel.shape):8} bias {bias.shape} "
          f"{layer.activation.__name__}")

# The second hidden layer of the MLP against the two RBMs' p(h | v).
rbm_1, rbm_2 = stacks[0]
images = splits[0][1][:100]  # (100, 64)
by_rbms = rbm_2.hidden_probabilities(rbm_1.hidden_probabilities(images))
second_layer = keras.Model(dbn.input, dbn.get_layer("hidden_2").output)
largest_gap = float(np.max(np.abs(by_rbms - second_layer(images))))
print(f"largest difference from the RBMs: {largest_gap:.1e}")
# --8<-- [end:convert]

# --8<-- [start:finetune]
from dlguide.models import build_mlp
from dlguide.training import train_model

EPOCHS = 20


def fine_tune(model, seed):
    """Train on the labels with Adam; return held-out accuracy per epoch."""
    train_x, test_x, train_y, test_y = splits[seed]
    history = train_model(
        model, train_x, train_y, keras.optimizers.Adam(3e-3), epochs=EPOCHS,
        batch_size=64, loss="sparse_categorical_crossentropy", seed=seed,
        held_out=(test_x, test_y),
    )
    return history["held_out_accuracy"]


curves = {"DBN: sigmoid, pre-trained": [], "sigmoid, random start": [],
          "ReLU, random start (He)": []}
for seed in SEEDS:
    dlguide.set_seed(seed)
    models = [
        dbn_classifier(stacks[seed]),  # hidden layers from the RBMs
        build_sigmoid_classifier(64, HIDDEN_UNITS),  # Glorot-uniform weights
        build_mlp(64, depth=2, width=64, activation="relu", output_units=10,
                  output_activation="softmax"),  # He-normal weights
    ]
    for name, model in zip(curves, models, strict=True):
        curves[name].append(fine_tune(model, seed))
rows = [
    [name, *(" / ".join(f"{curve[epoch]:.3f}" for curve in runs)
             for epoch in (0, 4, EPOCHS - 1))]
    for name, runs in curves.items()
]
headers = ["held-out accuracy", "epoch 1 (seeds 0 / 1 / 2)", "epoch 5",
           f"epoch {EPOCHS}"]
print(markdown_table(headers, rows))
# --8<-- [end:finetune]

# --8<-- [start:plot]
from dlguide.plots import figure_to_svg, plot_training_curves

figure = plot_training_curves(curves, ylabel="held-out accuracy",
                              log_scale=False)
print(figure_to_svg(figure, alt=(
    "Held-out accuracy on the 8x8 digits after each of 20 epochs of "
    "supervised training, three seeds per network: the pre-trained DBN starts "
    "far above the sigmoid MLP from random weights, which catches up after "
    "about ten epochs; the ReLU MLP is above both from the first epoch on."
)))
# --8<-- [end:plot]
