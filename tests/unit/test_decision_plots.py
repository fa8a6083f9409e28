import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlguide.decision_plots import plot_decision_boundaries

# Four points, two per class, split by the line x = 0.
FEATURES = np.array([[-1.0, 0.0], [-0.5, 1.0], [0.5, -1.0], [1.0, 0.0]])
LABELS = np.array([0.0, 0.0, 1.0, 1.0])


def right_half(points):
    return (points[:, 0] > 0).astype(float)  # (num_points,)


def right_half_column(points):
    return right_half(points)[:, None]  # (num_points, 1), like a Keras model


def test_one_panel_per_model_titled_in_order():
    models = {"flat": right_half, "column": right_half_column}
    figure = plot_decision_boundaries(models, FEATURES, LABELS, resolution=20)
    assert [axes.get_title() for axes in figure.axes] == ["flat", "column"]
    for axes in figure.axes:
        (points,) = axes.collections[-1:]  # the scatter is drawn last
        np.testing.assert_array_equal(points.get_offsets(), FEATURES)
        np.testing.assert_array_equal(points.get_array(), LABELS)
    plt.close(figure)


def test_the_grid_covers_the_points_and_the_model_sees_two_features():
    seen = []

    def recording(points):
        seen.append(points)
        return right_half(points)

    figure = plot_decision_boundaries({"recording": recording}, FEATURES, LABELS, resolution=7)
    (grid,) = seen
    assert grid.shape == (49, 2)
    assert grid[:, 0].min() < -1.0 and grid[:, 0].max() > 1.0
    assert grid[:, 1].min() < -1.0 and grid[:, 1].max() > 1.0
    plt.close(figure)


def test_the_boundary_is_drawn_only_where_the_probability_crosses_one_half():
    models = {"split": right_half, "always 0": lambda points: np.zeros(len(points))}
    figure = plot_decision_boundaries(models, FEATURES, LABELS, resolution=10)
    split, constant = figure.axes
    assert len(split.collections) == 3  # regions, boundary, points
    assert len(constant.collections) == 2  # regions, points
    plt.close(figure)


@pytest.mark.parametrize(
    ("models", "features", "labels", "message"),
    [
        ({}, FEATURES, LABELS, r"^models_by_label must map"),
        ({"x": "not callable"}, FEATURES, LABELS, r"^models_by_label\['x'\] must be callable"),
        ({"x": lambda p: np.zeros(3)}, FEATURES, LABELS, r"one score per point"),
        ({"x": right_half}, FEATURES[:, :1], LABELS, r"^features must have shape"),
        ({"x": right_half}, FEATURES[:0], LABELS[:0], r"^features must have shape"),
        ({"x": right_half}, FEATURES * np.nan, LABELS, r"^features must be finite"),
        ({"x": right_half}, FEATURES, LABELS[:3], r"^labels must hold one class"),
        ({"x": right_half}, FEATURES, np.ones((4, 2)), r"^labels must hold one class"),
        ({"x": right_half}, FEATURES, LABELS + 2, r"^labels must be 0 or 1"),
    ],
)
def test_bad_input_raises_value_error(models, features, labels, message):
    with pytest.raises(ValueError, match=message):
        plot_decision_boundaries(models, features, labels, resolution=5)
    plt.close("all")


@pytest.mark.parametrize("resolution", [0, -3, 2.5, True])
def test_resolution_must_be_a_positive_int(resolution):
    with pytest.raises(ValueError, match=r"^resolution must be a positive int"):
        plot_decision_boundaries({"x": right_half}, FEATURES, LABELS, resolution=resolution)
