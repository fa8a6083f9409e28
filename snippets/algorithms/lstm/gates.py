# --8<-- [start:gradient]
import matplotlib.pyplot as plt

# 512 fresh sequences of 20 steps; the LSTM of the first section (seed 0)
# and the one trained last above (seed 2).
probe_x, probe_y = make_marked_recall(512, LENGTH, seed=999)
networks = {"untrained": model, "trained": trainer.model}
gradients = {name: recurrent.input_gradient_norms(network, probe_x, probe_y)
             for name, network in networks.items()}  # each (20,)
figure, axes = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
for name, norms in gradients.items():
    axes.plot(range(1, LENGTH + 1), norms, marker="o", markersize=3,
              label=name)
axes.axvspan(0.5, LENGTH / 2 + 0.5, color="grey", alpha=0.15,
             label="where the mark can be")
axes.set_yscale("log")
axes.set_xticks([1, 5, 10, 15, 20])
axes.set_xlabel(f"step t of the input (the loss is computed after step "
                f"{LENGTH})")
axes.set_ylabel("norm of d loss / d x_t")
axes.grid(True, which="major", alpha=0.3)
axes.legend(fontsize="small")
print(figure_to_svg(figure, alt=(
    "Norm of the loss gradient with respect to the input at each of 20 "
    "steps, log scale, for an LSTM before and after training: the untrained "
    "one's falls steadily towards the first step; the trained one's is "
    "largest over the first ten steps, where the mark can be, and falls "
    "after them.")))
# --8<-- [end:gradient]

# --8<-- [start:forget]
from dlguide.sequences import marked_steps

marks = marked_steps(probe_x)  # (512,): 0 ... 9
after_mark = np.arange(LENGTH)[None, :] > marks[:, None]  # (512, 20)
retention = {}  # the product of f over the steps after the mark
for name in networks:
    weights = networks[name].get_layer("recurrent").get_weights()
    _, forget = lstm_forward(probe_x, *weights)  # (512, 20, 32)
    kept = np.prod(np.where(after_mark[:, :, None], forget, 1.0), axis=1)
    retention[name] = np.median(kept.max(axis=1))  # best unit, median sequence
    print(f"{name}: the best unit keeps {retention[name]:.3f} of its cell "
          f"state from the mark to step {LENGTH} (median sequence)")
# --8<-- [end:forget]
