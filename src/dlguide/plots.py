"""Figures for the pages, drawn with matplotlib's file-only Agg backend and inlined as SVG."""

import html
import io
import math

import matplotlib

matplotlib.use("Agg")  # no display on a build machine; must precede the pyplot import

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# SVG settings that keep the inline figure small and byte-for-byte reproducible: text
# stays text (the page's font renders it), ids come from a fixed salt, and no date is
# written into the file.
_SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "dlguide"}


def plot_gradient_norms(norms_by_model: dict[str, dict[str, float]]) -> Figure:
    """Plot each model's kernel gradient norm against layer index, on a log scale.

    Args:
        norms_by_model: Model label -> gradient norms ordered first layer to last, as
            returned by `dlguide.diagnostics.kernel_gradient_norms`.

    Returns:
        A matplotlib Figure with one line per model, the layer index (1 = first hidden
        layer, the last index = output layer) on x and the norm on a log-scale y.

    Raises:
        ValueError: If `norms_by_model` is empty, a model has no norms, or a norm is not
            positive (a log scale cannot show it).
    """
    if not norms_by_model:
        raise ValueError("norms_by_model must map at least one model label to its norms")
    figure, axes = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    num_layers = 0
    for label, norms in norms_by_model.items():
        values = list(norms.values())
        if not values or min(values) <= 0:
            raise ValueError(
                f"norms_by_model[{label!r}] must hold at least one norm, all > 0, got {values!r}"
            )
        layer_indices = range(1, len(values) + 1)
        axes.plot(layer_indices, values, marker="o", markersize=3, label=label)
        num_layers = max(num_layers, len(values))
    axes.set_yscale("log")
    axes.set_xticks(range(1, num_layers + 1))
    axes.set_xlabel(f"layer (1 = first hidden layer, {num_layers} = output)")
    axes.set_ylabel("gradient norm of the layer's weights")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize="small", ncol=2)
    return figure


def plot_loss_curves(losses_by_run: dict[str, list[float]]) -> Figure:
    """Plot the loss of every training step for several runs, on a log scale.

    Non-finite losses (a run that diverged to NaN or infinity) are left out of the
    line, so the curve stops where the run broke.

    Args:
        losses_by_run: Run label -> loss of each step, in order.

    Returns:
        A matplotlib Figure with one line per run, the step on x and the loss on a
        log-scale y.

    Raises:
        ValueError: If `losses_by_run` is empty or a run has no positive finite loss.
    """
    if not losses_by_run:
        raise ValueError("losses_by_run must map at least one run label to its losses")
    figure, axes = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
    for label, losses in losses_by_run.items():
        steps = [step for step, loss in enumerate(losses, 1) if math.isfinite(loss) and loss > 0]
        if not steps:
            raise ValueError(
                f"losses_by_run[{label!r}] must hold at least one positive finite loss"
            )
        axes.plot(steps, [losses[step - 1] for step in steps], label=label)
    axes.set_yscale("log")
    axes.set_xlabel("training step")
    axes.set_ylabel("training loss")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize="small")
    return figure


def plot_training_curves(
    curves_by_model: dict[str, list[list[float]]],
    ylabel: str = "training loss",
    log_scale: bool = True,
) -> Figure:
    """Plot per-epoch curves of several models, one thin line per seed, one colour per model.

    Non-finite values (and, on a log scale, values <= 0) are left out of their line.

    Args:
        curves_by_model: Model label -> one curve per seed, each a list with one value
            per epoch (epoch 1 first).
        ylabel: Label of the y axis, saying what the values are.
        log_scale: Whether the y axis is logarithmic (for losses) or linear (for
            accuracies).

    Returns:
        A matplotlib Figure with the epoch on x, the values on y, and a legend with one
        entry per model.

    Raises:
        ValueError: If `curves_by_model` is empty, a model has no curves, or a curve has
            no value that can be drawn.
    """
    if not curves_by_model:
        raise ValueError("curves_by_model must map at least one model label to its curves")
    figure, axes = plt.subplots(figsize=(6.4, 3.2), layout="constrained")
    for index, (label, curves) in enumerate(curves_by_model.items()):
        if not curves:
            raise ValueError(f"curves_by_model[{label!r}] must hold at least one curve")
        color = f"C{index}"
        for seed_index, curve in enumerate(curves):
            epochs = [
                epoch
                for epoch, value in enumerate(curve, 1)
                if math.isfinite(value) and (value > 0 or not log_scale)
            ]
            if not epochs:
                raise ValueError(
                    f"curves_by_model[{label!r}][{seed_index}] must hold at least one "
                    f"finite{' positive' if log_scale else ''} value"
                )
            axes.plot(
                epochs,
                [curve[epoch - 1] for epoch in epochs],
                color=color,
                linewidth=1.2,
                alpha=0.8,
                # One legend entry per model: matplotlib skips labels starting with "_".
                label=label if seed_index == 0 else f"_{label}_{seed_index}",
            )
    if log_scale:
        axes.set_yscale("log")
    axes.set_xlabel("epoch")
    axes.set_ylabel(ylabel)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize="small")
    return figure


def figure_to_svg(figure: Figure, alt: str) -> str:
    """Render a figure as an inline, accessible SVG string and close it.

    Args:
        figure: The matplotlib Figure to render; it is closed afterwards to free memory.
        alt: A text alternative saying what the figure shows, for screen readers (it
            becomes the SVG's `<title>` and `aria-label`).

    Returns:
        The SVG markup, starting at `<svg` (the XML prolog is dropped, so the string can
        be placed directly into an HTML page).

    Raises:
        ValueError: If `figure` is not a matplotlib Figure or `alt` is blank.
    """
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty description of the figure, got {alt!r}")
    buffer = io.StringIO()
    try:
        with matplotlib.rc_context(_SVG_SETTINGS):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(figure)
    markup = buffer.getvalue()
    markup = markup[markup.index("<svg") :]
    label = html.escape(alt.strip(), quote=True)
    opening_end = markup.index(">") + 1
    # role="img" makes assistive technology read the label instead of every text node.
    opening = markup[: opening_end - 1] + f' role="img" aria-label="{label}">'
    return f"{opening}<title>{label}</title>{markup[opening_end:]}"
