"""Figures for the pages, drawn with matplotlib's file-only Agg backend and inlined as SVG."""

import io

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


def figure_to_svg(figure: Figure) -> str:
    """Render a figure as an inline SVG string and close it.

    Args:
        figure: The matplotlib Figure to render; it is closed afterwards to free memory.

    Returns:
        The SVG markup, starting at `<svg` (the XML prolog is dropped, so the string can
        be placed directly into an HTML page).

    Raises:
        ValueError: If `figure` is not a matplotlib Figure.
    """
    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    buffer = io.StringIO()
    try:
        with matplotlib.rc_context(_SVG_SETTINGS):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(figure)
    markup = buffer.getvalue()
    return markup[markup.index("<svg") :]
