"""Decision regions of binary classifiers on two-feature data, side by side."""

from collections.abc import Callable, Mapping

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from dlguide._validation import positive_int
from dlguide.plots import plt  # pyplot, after plots has selected the Agg backend

# Light fills for the regions, strong colours for the points of the same class.
_REGIONS = ListedColormap(["#c6dbef", "#fdd0a2"])
_POINTS = ListedColormap(["#2171b5", "#d94801"])


def _probabilities(label: str, model: Callable, grid: np.ndarray) -> np.ndarray:
    """Return the model's class-1 probability for every grid point, shape (num_points,)."""
    scores = np.asarray(model(grid), dtype=np.float64)
    if scores.shape not in {(len(grid),), (len(grid), 1)}:
        raise ValueError(
            f"models_by_label[{label!r}] must return one score per point, shape "
            f"({len(grid)},) or ({len(grid)}, 1), got {scores.shape}"
        )
    return scores.reshape(len(grid))


def plot_decision_boundaries(
    models_by_label: Mapping[str, Callable[[np.ndarray], ArrayLike]],
    features: ArrayLike,
    labels: ArrayLike,
    resolution: int = 200,
) -> Figure:
    """Plot each binary classifier's decision regions over the same points.

    Each model is evaluated on a `resolution` x `resolution` grid covering the points
    (with a 10% margin); the plane is shaded by the class it predicts (probability
    above 0.5 means class 1), the boundary is drawn where the probability crosses 0.5,
    and the points are drawn in the colour of their true class.

    Args:
        models_by_label: Panel title -> a callable mapping an array of shape
            (num_points, 2) to the probability of class 1, shape (num_points,) or
            (num_points, 1). A Keras model qualifies; for scikit-learn pass
            `lambda x: classifier.predict_proba(x)[:, 1]`.
        features: Points to draw, array-like of shape (num_samples, 2).
        labels: Their classes, 0 or 1, shape (num_samples,) or (num_samples, 1).
        resolution: Grid points along each axis, a positive int.

    Returns:
        A matplotlib Figure with one panel per model, in the mapping's order.

    Raises:
        ValueError: If `models_by_label` is empty or holds something not callable, a
            model returns the wrong number of scores, `features` is not of shape
            (num_samples, 2) with num_samples >= 1 and finite values, `labels` does not
            hold one 0 or 1 per row, or `resolution` is not a positive int.
    """
    if not models_by_label:
        raise ValueError("models_by_label must map at least one panel title to a model")
    for label, model in models_by_label.items():
        if not callable(model):
            raise ValueError(
                f"models_by_label[{label!r}] must be callable, got {type(model).__name__}"
            )
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[1] != 2 or len(features) == 0:
        raise ValueError(f"features must have shape (num_samples, 2), got {features.shape}")
    if not np.all(np.isfinite(features)):
        raise ValueError("features must be finite")
    labels = np.asarray(labels)
    if labels.ndim not in (1, 2) or len(labels) != len(features) or labels.size != len(labels):
        raise ValueError(
            f"labels must hold one class per row of features ({len(features)}), "
            f"got shape {labels.shape}"
        )
    labels = labels.reshape(len(labels))  # (num_samples,)
    if not np.all((labels == 0) | (labels == 1)):
        raise ValueError("labels must be 0 or 1")
    resolution = positive_int("resolution", resolution)

    low, high = features.min(axis=0), features.max(axis=0)  # (2,), (2,)
    margin = 0.1 * np.maximum(high - low, 1e-6)
    axis_x = np.linspace(low[0] - margin[0], high[0] + margin[0], resolution)
    axis_y = np.linspace(low[1] - margin[1], high[1] + margin[1], resolution)
    grid_x, grid_y = np.meshgrid(axis_x, axis_y)  # (resolution, resolution) each
    grid = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1).astype(np.float32)

    num_panels = len(models_by_label)
    figure, axes_row = plt.subplots(
        1, num_panels, figsize=(3.2 * num_panels, 3.4), layout="constrained", squeeze=False
    )
    for axes, (label, model) in zip(axes_row[0], models_by_label.items(), strict=True):
        probability = _probabilities(label, model, grid).reshape(grid_x.shape)
        predicted = (probability > 0.5).astype(float)  # the class the model would output
        axes.contourf(grid_x, grid_y, predicted, levels=[-0.5, 0.5, 1.5], cmap=_REGIONS)
        if probability.min() < 0.5 < probability.max():
            axes.contour(grid_x, grid_y, probability, levels=[0.5], colors="black", linewidths=1.0)
        axes.scatter(
            features[:, 0],
            features[:, 1],
            c=labels,
            cmap=_POINTS,
            vmin=0,
            vmax=1,
            s=8,
            edgecolors="none",
        )
        axes.set_title(label)
        axes.set_aspect("equal")
        axes.set_xticks([])
        axes.set_yticks([])
    return figure
