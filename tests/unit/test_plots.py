import matplotlib.pyplot as plt
import pytest

from dlguide.plots import (
    figure_to_svg,
    plot_gradient_norms,
    plot_loss_curves,
    plot_training_curves,
)

NORMS = {
    "sigmoid": {"dense_1": 1e-7, "dense_2": 1e-4, "output": 0.5},
    "ReLU": {"dense_1": 0.2, "dense_2": 0.4, "output": 1.0},
}


def test_plot_has_one_line_per_model_on_a_log_scale_with_labels():
    figure = plot_gradient_norms(NORMS)
    (axes,) = figure.axes
    assert axes.get_yscale() == "log"
    assert [line.get_label() for line in axes.get_lines()] == ["sigmoid", "ReLU"]
    assert list(axes.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert list(axes.get_lines()[0].get_ydata()) == [1e-7, 1e-4, 0.5]
    assert axes.get_xlabel() and axes.get_ylabel()
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["sigmoid", "ReLU"]
    plt.close(figure)


def test_svg_is_inline_markup_reproducible_and_closes_the_figure():
    before = set(plt.get_fignums())
    svg = figure_to_svg(plot_gradient_norms(NORMS), alt="norms")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "sigmoid" in svg  # text kept as text, not paths
    assert set(plt.get_fignums()) == before
    assert figure_to_svg(plot_gradient_norms(NORMS), alt="norms") == svg


@pytest.mark.parametrize(
    "norms_by_model", [{}, {"empty": {}}, {"zero": {"dense_1": 0.0, "output": 1.0}}]
)
def test_plot_rejects_empty_or_non_positive_norms(norms_by_model):
    with pytest.raises(ValueError, match=r"^norms_by_model"):
        plot_gradient_norms(norms_by_model)
    plt.close("all")


def test_svg_rejects_what_is_not_a_figure():
    with pytest.raises(ValueError, match=r"^figure must be a matplotlib Figure"):
        figure_to_svg("not a figure", alt="x")


def test_svg_carries_its_text_alternative():
    svg = figure_to_svg(plot_gradient_norms(NORMS), alt='Norms "by" layer')
    assert svg.startswith("<svg") and 'role="img"' in svg.split(">", 1)[0]
    assert 'aria-label="Norms &quot;by&quot; layer"' in svg
    assert "<title>Norms &quot;by&quot; layer</title>" in svg


@pytest.mark.parametrize("alt", ["", "   ", None])
def test_svg_requires_a_text_alternative(alt):
    with pytest.raises(ValueError, match=r"^alt must be"):
        figure_to_svg(plot_gradient_norms(NORMS), alt=alt)
    plt.close("all")


def test_loss_curves_skip_non_finite_steps():
    figure = plot_loss_curves({"diverged": [1.0, 10.0, float("nan")], "fine": [1.0, 0.5, 0.25]})
    (axes,) = figure.axes
    assert axes.get_yscale() == "log"
    assert list(axes.get_lines()[0].get_xdata()) == [1, 2]
    assert list(axes.get_lines()[1].get_ydata()) == [1.0, 0.5, 0.25]
    plt.close(figure)


@pytest.mark.parametrize("losses_by_run", [{}, {"nan": [float("nan")]}, {"empty": []}])
def test_loss_curves_reject_runs_with_nothing_to_draw(losses_by_run):
    with pytest.raises(ValueError, match=r"^losses_by_run"):
        plot_loss_curves(losses_by_run)
    plt.close("all")


CURVES = {
    "plain": [[2.0, 1.0, 0.5], [2.5, 1.5, 0.6]],
    "residual": [[1.0, 0.1, 0.01], [0.9, 0.2, float("nan")]],
}


def test_training_curves_draw_every_seed_with_one_legend_entry_and_colour_per_model():
    figure = plot_training_curves(CURVES)
    (axes,) = figure.axes
    assert axes.get_yscale() == "log"
    lines = axes.get_lines()
    assert len(lines) == 4
    assert list(lines[0].get_xdata()) == [1, 2, 3]
    assert list(lines[3].get_xdata()) == [1, 2]  # the NaN epoch is left out
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["plain", "residual"]
    assert axes.get_xlabel() == "epoch" and axes.get_ylabel() == "training loss"
    plt.close(figure)


def test_training_curves_on_a_linear_scale_keep_zeros():
    figure = plot_training_curves({"net": [[0.0, 0.5, 1.0]]}, ylabel="accuracy", log_scale=False)
    (axes,) = figure.axes
    assert axes.get_yscale() == "linear" and axes.get_ylabel() == "accuracy"
    assert list(axes.get_lines()[0].get_ydata()) == [0.0, 0.5, 1.0]
    plt.close(figure)


@pytest.mark.parametrize(
    "curves_by_model",
    [{}, {"none": []}, {"nan": [[float("nan")]]}, {"zero": [[0.0, -1.0]]}],
)
def test_training_curves_reject_models_with_nothing_to_draw(curves_by_model):
    with pytest.raises(ValueError, match=r"^curves_by_model"):
        plot_training_curves(curves_by_model)
    plt.close("all")
