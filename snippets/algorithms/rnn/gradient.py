# --8<-- [start:measure]
from dlguide.report import markdown_table, scientific

# 512 sequences of T = 40 steps, and two untrained networks: the SimpleRNN
# above and an LSTM of the same width (lstm.md explains its gates).
probe_x, probe_y = make_marked_recall(512, length=40, seed=999)
dlguide.set_seed(0)
lstm = recurrent.build_sequence_model(
    "LSTM", num_features=5, units=32, output_units=4,
    output_activation="softmax")
gradients = {
    "SimpleRNN": recurrent.input_gradient_norms(model, probe_x, probe_y),
    "LSTM": recurrent.input_gradient_norms(lstm, probe_x, probe_y),
}  # each (40,): the norm of d loss / d x_t for t = 1 ... 40
rows = [[f"x<sub>{step}</sub>",
         *(scientific(float(norms[step - 1])) for norms in gradients.values())]
        for step in (40, 30, 20, 10, 1)]
print(markdown_table(["input", *gradients], rows))
# --8<-- [end:measure]

# --8<-- [start:slope]
# Each step back multiplies the gradient by tanh' and U. U starts
# orthogonal: every one of its singular values is 1.
singular_values = np.linalg.svd(recurrent_kernel, compute_uv=False)
hidden, slopes = np.zeros((512, 32)), []
for step in range(40):
    hidden = np.tanh(
        probe_x[:, step] @ kernel + hidden @ recurrent_kernel + bias)
    slopes.append(np.mean(1 - hidden**2))  # tanh'(a) = 1 - tanh(a)²
per_step = {name: (norms[0] / norms[-1]) ** (1 / 39)  # geometric mean
            for name, norms in gradients.items()}
print(f"singular values of U: {singular_values.min():.3f} to "
      f"{singular_values.max():.3f}")
print(f"mean tanh' over the 40 steps: {np.mean(slopes):.3f}")
for name, factor in per_step.items():
    print(f"{name}: each step back keeps {factor:.3f} of the gradient")
# --8<-- [end:slope]

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from dlguide.plots import figure_to_svg

figure, axes = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
for name, norms in gradients.items():
    axes.plot(range(1, 41), norms, marker="o", markersize=3, label=name)
axes.set_yscale("log")
axes.set_xlabel("step t of the input (the loss is computed after step 40)")
axes.set_ylabel("norm of d loss / d x_t")
axes.grid(True, which="major", alpha=0.3)
axes.legend(fontsize="small")
print(figure_to_svg(figure, alt=(
    "Norm of the loss gradient with respect to the input at each of 40 steps, "
    "log scale, for an untrained SimpleRNN and an untrained LSTM: both fall "
    "along a straight line from the last step back to the first, the LSTM's "
    "more steeply.")))
# --8<-- [end:plot]
