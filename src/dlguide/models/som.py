"""A Kohonen self-organizing map: prototype vectors on a 2-D grid, trained by competitive learning.

For each sample the unit with the nearest prototype (the best-matching unit, BMU) wins, and
it and its grid neighbours move towards the sample by the learning rate times a Gaussian of
their grid distance to the winner. No loss is differentiated: there is no backpropagation.

Why TensorFlow with XLA: the online rule is sequential (each winner depends on what the
previous step left), so a batch cannot become one matrix product without changing the
algorithm, and a step's cost at these sizes is overhead: Python and small allocations in a
NumPy loop. `SelfOrganizingMap.update` runs a batch of steps as one `tf.while_loop` that XLA
compiles into a native loop, once per shape. Evaluation is one NumPy matrix product.
"""

import math

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike

from dlguide._validation import positive_int


def _seed(value: object) -> int:
    """Return `value` as an int, or raise ValueError unless it is an int >= 0 (bool rejected)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"seed must be a non-negative int, got {value!r}")
    return int(value)


def _matrix(name: str, value: ArrayLike, num_features: int | None = None) -> np.ndarray:
    """Return `value` as a non-empty, finite float32 matrix, or raise ValueError naming it."""
    array = np.asarray(value, dtype=np.float32)
    if array.ndim != 2 or array.size == 0 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a non-empty, finite 2-D array, got shape {array.shape}")
    if num_features is not None and array.shape[1] != num_features:
        raise ValueError(f"{name} must have {num_features} features, got {array.shape[1]}")
    return array


def _schedule(name: str, pair: object, num_steps: int) -> np.ndarray:
    """Return first * (last / first) ** (t / (num_steps - 1)) for every step t, from `pair`."""
    try:
        first, last = (float(value) for value in pair)
    except (TypeError, ValueError):  # not a pair of numbers
        first = last = math.nan
    if not 0 < last <= first < math.inf:
        raise ValueError(f"{name} must be (first, last) with first >= last > 0, got {pair!r}")
    fraction = np.arange(num_steps) / max(num_steps - 1, 1)  # 0 ... 1
    return (first * (last / first) ** fraction).astype(np.float32)  # (num_steps,)


def _squared_distances(prototypes: ArrayLike, samples: ArrayLike) -> np.ndarray:
    """Return |x - w|^2 for every sample and prototype, float64 of shape (samples, units)."""
    prototypes = _matrix("prototypes", prototypes).astype(np.float64)  # (units, features)
    samples = _matrix("samples", samples, prototypes.shape[1]).astype(np.float64)
    # |x|^2 - 2 x.w + |w|^2: one matrix product instead of a (samples, units, features)
    # array of differences; float64 keeps the cancellation from reordering near-ties.
    squared = (
        np.sum(samples**2, axis=1)[:, None]
        - 2.0 * samples @ prototypes.T
        + np.sum(prototypes**2, axis=1)[None, :]
    )
    return np.maximum(squared, 0.0)


@tf.function(jit_compile=True, reduce_retracing=True)
def _online_updates(prototypes, positions, samples, learning_rates, radii):
    """Apply Kohonen's online rule once per sample, in order, as one compiled loop."""

    def step(index, prototypes):
        # tf.gather, not indexing: XLA wants a slice's bounds at compile time, and
        # `positions[winner]` would make it recompile the loop for every new batch.
        offsets = tf.gather(samples, index) - prototypes  # (units, features): x - w_j
        winner = tf.argmin(tf.reduce_sum(tf.square(offsets), axis=1))  # the BMU
        grid_gap = tf.reduce_sum(tf.square(positions - tf.gather(positions, winner)), axis=1)
        neighbourhood = tf.exp(-grid_gap / (2.0 * tf.square(tf.gather(radii, index))))
        pull = tf.gather(learning_rates, index) * neighbourhood  # (units,)
        return index + 1, prototypes + pull[:, None] * offsets

    _, prototypes = tf.while_loop(
        lambda index, _: index < tf.shape(samples)[0], step, (tf.constant(0), prototypes)
    )
    return prototypes


class SelfOrganizingMap:
    """A rectangular Kohonen map whose prototypes start as randomly chosen samples.

    Units are numbered row by row: unit `k` sits at row `k // columns`, column
    `k % columns`. Two units are neighbours when they share an edge of the grid.

    Attributes:
        rows: Rows of the grid.
        columns: Columns of the grid.
        positions: (row, column) of each unit, float32 of shape (rows * columns, 2).
        prototypes: The prototype of each unit, float32 of shape (rows * columns, features).
    """

    def __init__(self, rows: int, columns: int, samples: ArrayLike, seed: int = 0):
        """Create the grid and draw each unit's prototype from `samples`.

        Args:
            rows: Rows of the grid, a positive int (rows * columns >= 2).
            columns: Columns of the grid, a positive int.
            samples: Data, shape (num_samples, features); prototypes are drawn without
                replacement when there are at least as many samples as units.
            seed: Seed of the draw, a non-negative int.

        Raises:
            ValueError: If `rows` or `columns` is not a positive int, the grid has a single
                unit, `samples` is not a non-empty, finite 2-D array, or `seed` is not a
                non-negative int.
        """
        self.rows, self.columns = positive_int("rows", rows), positive_int("columns", columns)
        num_units = self.rows * self.columns
        if num_units < 2:
            raise ValueError("rows and columns must make a grid of at least two units, got 1x1")
        grid = np.divmod(np.arange(num_units), self.columns)  # (row, column) of each unit
        self.positions = np.stack(grid, axis=1).astype(np.float32)  # (units, 2)
        samples = _matrix("samples", samples)
        rng = np.random.default_rng(_seed(seed))
        picks = rng.choice(len(samples), num_units, replace=len(samples) < num_units)
        self.prototypes = samples[picks].copy()  # (units, features)

    def _distances(self, samples: ArrayLike) -> np.ndarray:
        """Return squared distances (samples, units), checking the prototypes fit the grid."""
        if np.shape(self.prototypes)[:1] != (len(self.positions),):
            raise ValueError(
                f"prototypes must hold one row per unit ({len(self.positions)}), "
                f"got shape {np.shape(self.prototypes)}"
            )
        return _squared_distances(self.prototypes, samples)

    def best_matching_units(self, samples: ArrayLike) -> np.ndarray:
        """Return the index of the unit whose prototype is nearest to each sample.

        Args:
            samples: Data, shape (num_samples, features).

        Returns:
            Int array of shape (num_samples,); of equally near units the lower index wins.

        Raises:
            ValueError: If `samples` is not a non-empty, finite 2-D array with the map's
                features, or `prototypes` does not hold one row per unit.
        """
        return np.argmin(self._distances(samples), axis=1)

    def _errors(self, samples: ArrayLike) -> tuple[float, float]:
        """Return (quantization error, topographic error), from one distance matrix."""
        squared = self._distances(samples)  # (samples, units)
        first = np.argmin(squared, axis=1)  # (samples,)
        nearest = np.sqrt(squared[np.arange(len(squared)), first])  # (samples,)
        squared[np.arange(len(squared)), first] = np.inf
        second = np.argmin(squared, axis=1)  # two argmin passes: cheaper than a sort
        grid_gap = np.abs(self.positions[first] - self.positions[second]).sum(axis=1)
        return float(np.mean(nearest)), float(np.mean(grid_gap != 1.0))

    def quantization_error(self, samples: ArrayLike) -> float:
        """Return the mean Euclidean distance from each sample to its best-matching prototype.

        Args:
            samples: Data, shape (num_samples, features).

        Returns:
            The quantization error, >= 0, in the units of the data.

        Raises:
            ValueError: As `best_matching_units`.
        """
        return self._errors(samples)[0]

    def topographic_error(self, samples: ArrayLike) -> float:
        """Return the share of samples whose two nearest prototypes are not grid neighbours.

        Args:
            samples: Data, shape (num_samples, features).

        Returns:
            The topographic error, in [0, 1]; a diagonal neighbour counts as an error.

        Raises:
            ValueError: As `best_matching_units`.
        """
        return self._errors(samples)[1]

    def neighbour_distance_ratio(self) -> float:
        """Return how close the prototypes of grid neighbours are, relative to any two units'.

        The mean distance between the prototypes of neighbours, divided by the mean over
        all pairs of distinct units: about 1 when a unit's place on the grid says nothing
        about its prototype, near 0 on a smoothly ordered map.

        Returns:
            The ratio, >= 0.

        Raises:
            ValueError: If all prototypes are equal, or `prototypes` does not hold one
                finite row per unit.
        """
        distances = np.sqrt(self._distances(self.prototypes))  # (units, units)
        grid_gap = np.abs(self.positions[:, None] - self.positions[None, :]).sum(axis=2)
        all_pairs = distances[~np.eye(len(distances), dtype=bool)].mean()
        if all_pairs == 0.0:
            raise ValueError("prototypes must not all be equal")
        return float(distances[grid_gap == 1.0].mean() / all_pairs)

    def update(self, samples: ArrayLike, learning_rates: ArrayLike, radii: ArrayLike) -> None:
        """Apply one online update per sample, in order: w_j += rate * h_j * (x - w_j).

        Args:
            samples: Data, shape (num_samples, features), used in the order given.
            learning_rates: Learning rate of each step, shape (num_samples,), all > 0.
            radii: Neighbourhood radius of each step in grid steps, (num_samples,), > 0.

        Raises:
            ValueError: If `samples` is not a non-empty, finite 2-D array with the map's
                features, or a schedule is not one positive number per sample.
        """
        samples = _matrix("samples", samples, self.prototypes.shape[1])
        schedules = {"learning_rates": learning_rates, "radii": radii}
        for name, values in schedules.items():
            schedules[name] = np.asarray(values, dtype=np.float32)
            if schedules[name].shape != (len(samples),) or not np.all(schedules[name] > 0):
                raise ValueError(f"{name} must hold one number > 0 per sample, got {values!r}")
        arguments = (self.prototypes, self.positions, samples, *schedules.values())
        self.prototypes = _online_updates(*map(tf.convert_to_tensor, arguments)).numpy()

    def train(
        self,
        samples: ArrayLike,
        num_steps: int,
        learning_rate: tuple[float, float] = (0.5, 0.01),
        radius: tuple[float, float] | None = None,
        evaluation: ArrayLike | None = None,
        num_checkpoints: int = 10,
        seed: int = 0,
    ) -> dict[str, list[float]]:
        """Train with `num_steps` online updates, measuring both errors along the way.

        Each pass over `samples` visits them in a fresh random order. Learning rate and
        radius fall geometrically: `first * (last / first) ** (t / (num_steps - 1))` at step t.

        Args:
            samples: Training data, shape (num_samples, features).
            num_steps: Online updates in all, a positive int.
            learning_rate: (first, last) learning rate, first >= last > 0.
            radius: (first, last) radius in grid steps, first >= last > 0; by default
                (half the longer side of the grid, 0.5).
            evaluation: Data the errors are measured on, by default `samples`.
            num_checkpoints: Evenly spaced measurements after the one before training, a
                positive int, at most `num_steps`.
            seed: Seed of the sample order, a non-negative int.

        Returns:
            Lists with one entry per measurement: "step" (updates so far, 0 first),
            "quantization_error" and "topographic_error".

        Raises:
            ValueError: If an argument is outside the ranges above, or the data are not
                non-empty, finite 2-D arrays with the map's features.
        """
        samples = _matrix("samples", samples, self.prototypes.shape[1])
        evaluation = samples if evaluation is None else evaluation
        evaluation = _matrix("evaluation", evaluation, self.prototypes.shape[1])
        num_steps = positive_int("num_steps", num_steps)
        num_checkpoints = positive_int("num_checkpoints", num_checkpoints)
        if num_checkpoints > num_steps:
            raise ValueError(f"num_checkpoints must be at most num_steps, got {num_checkpoints}")
        if radius is None:
            radius = (max(self.rows, self.columns) / 2, 0.5)
        rates = _schedule("learning_rate", learning_rate, num_steps)
        radii = _schedule("radius", radius, num_steps)
        rng = np.random.default_rng(_seed(seed))
        passes = -(-num_steps // len(samples))  # ceiling division
        order = np.concatenate([rng.permutation(len(samples)) for _ in range(passes)])

        names = ("step", "quantization_error", "topographic_error")
        history: dict[str, list[float]] = {name: [] for name in names}
        boundaries = np.linspace(0, num_steps, num_checkpoints + 1).astype(int)
        for index, stop in enumerate(boundaries):
            if index > 0:
                steps = slice(boundaries[index - 1], stop)
                self.update(samples[order[steps]], rates[steps], radii[steps])
            errors = self._errors(evaluation)
            for name, value in zip(names, (int(stop), *errors), strict=True):
                history[name].append(value)
        return history
