"""Measurements for the vanishing-gradients tutorial: gradient flow, training, and clipping.

Every function builds its models after `dlguide.set_seed(seed)`, so each result is
determined by its arguments. All of them use `dlguide.data.make_spirals`, two
interleaved spirals that no linear model can separate but a small deep net learns in
a few hundred steps, and networks of 11 hidden layers of 64 units, like the seed notes'.
"""

import math
from collections.abc import Sequence

import keras
import numpy as np

from dlguide._validation import positive_int, positive_number, seed_list
from dlguide.data import make_spirals, train_test_split
from dlguide.diagnostics import gradient_ratio, kernel_gradient_norms
from dlguide.models import build_mlp
from dlguide.seeding import set_seed
from dlguide.training import accuracy, train_model

# The networks the page compares, by display name, as `build_mlp` options.
CONFIGURATIONS = {
    "sigmoid": {"activation": "sigmoid"},
    "tanh": {"activation": "tanh"},
    "ReLU (He)": {"activation": "relu"},
    "Leaky ReLU": {"activation": "leaky_relu"},
    "ELU": {"activation": "elu"},
    "ReLU + BN": {"activation": "relu", "batch_norm": True},
    "residual (ReLU)": {"activation": "relu", "residual": True},
}
# The three the training comparison trains: the failing net and the two main cures.
TRAINED_CONFIGURATIONS = ("sigmoid", "ReLU + BN", "residual (ReLU)")
DEPTH = 11  # hidden layers, as in the seed notes' model
WIDTH = 64  # units per hidden layer
NOISE = 0.05  # spiral noise; the arms are 0.5 apart, so the task is learnable to ~100%


def _check_names(configurations) -> tuple[str, ...]:
    """Return the configuration names, or raise ValueError naming the unknown ones."""
    names = tuple(CONFIGURATIONS if configurations is None else configurations)
    unknown = [name for name in names if name not in CONFIGURATIONS]
    if not names or unknown:
        raise ValueError(
            f"configurations must be names from {', '.join(CONFIGURATIONS)}, got {names!r}"
        )
    return names


def gradient_flow_table(
    seeds: Sequence[int] = (0, 1, 2),
    configurations: Sequence[str] | None = None,
    num_samples: int = 256,
) -> dict:
    """Measure each configuration's per-layer kernel gradient norms at initialization.

    Every network sees the same batch (spirals drawn with seed 0); the seed changes only
    the initial weights.

    Args:
        seeds: Non-negative ints, one network per configuration and seed.
        configurations: Names from `CONFIGURATIONS`, or None for all of them.
        num_samples: Size of the batch the gradients are computed on, an even int >= 2.

    Returns:
        A dict with "seeds" (the seeds, in order), "ratios" (configuration -> one
        `gradient_ratio` per seed: first hidden layer's norm / last hidden layer's) and
        "norms" (configuration -> one dict per seed from layer name to gradient norm,
        first layer to output).

    Raises:
        ValueError: If `seeds`, `configurations` or `num_samples` is invalid.
    """
    seeds = seed_list(seeds)
    names = _check_names(configurations)
    features, labels = make_spirals(num_samples, NOISE, seed=0)  # (num_samples, 2), (num_samples,)
    ratios: dict[str, list[float]] = {name: [] for name in names}
    norms: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for name in names:
        for seed in seeds:
            set_seed(seed)
            model = build_mlp(2, depth=DEPTH, width=WIDTH, **CONFIGURATIONS[name])
            layer_norms = kernel_gradient_norms(model, features, labels)
            norms[name].append(layer_norms)
            ratios[name].append(gradient_ratio(layer_norms))
    return {"seeds": list(seeds), "ratios": ratios, "norms": norms}


def _spiral_split(seed: int, num_samples: int):
    """Draw spirals with `seed` and hold out a quarter of them for testing."""
    features, labels = make_spirals(num_samples, NOISE, seed=seed)
    return train_test_split(features, labels, test_fraction=0.25, seed=seed)


def training_comparison(
    seeds: Sequence[int] = (0, 1, 2),
    epochs: int = 10,
    num_samples: int = 1024,
    learning_rate: float = 3e-3,
    batch_size: int = 64,
) -> dict:
    """Train the deep sigmoid net, ReLU + BN and the residual MLP with Adam on spirals.

    Args:
        seeds: Non-negative ints; each seed draws its own data and initial weights.
        epochs: Passes over the training data.
        num_samples: Spiral points per seed (even); a quarter is held out for testing.
        learning_rate: Adam's step size.
        batch_size: Samples per gradient step.

    Returns:
        A dict with "seeds", "train_accuracy" and "test_accuracy"; each accuracy entry maps
        a configuration name from `TRAINED_CONFIGURATIONS` to one accuracy per seed,
        measured in inference mode after the last epoch.

    Raises:
        ValueError: If any argument is invalid.
    """
    seeds = seed_list(seeds)
    positive_int("epochs", epochs)
    positive_int("num_samples", num_samples)
    positive_number("learning_rate", learning_rate)
    positive_int("batch_size", batch_size)
    train_accuracy: dict[str, list[float]] = {name: [] for name in TRAINED_CONFIGURATIONS}
    test_accuracy: dict[str, list[float]] = {name: [] for name in TRAINED_CONFIGURATIONS}
    for seed in seeds:
        train_x, test_x, train_y, test_y = _spiral_split(seed, num_samples)
        for name in TRAINED_CONFIGURATIONS:
            set_seed(seed)
            model = build_mlp(2, depth=DEPTH, width=WIDTH, **CONFIGURATIONS[name])
            optimizer = keras.optimizers.Adam(learning_rate)
            train_model(model, train_x, train_y, optimizer, epochs, batch_size, seed=seed)
            train_accuracy[name].append(accuracy(model, train_x, train_y))
            test_accuracy[name].append(accuracy(model, test_x, test_y))
    return {
        "seeds": list(seeds),
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
    }


def _summarize(history: dict[str, list[float]], final_accuracy: float) -> dict:
    """Reduce a `train_model` history to the numbers the page quotes."""
    losses = np.array(history["loss"])  # (num_steps,)
    epochs = np.array(history["epoch"])  # (num_steps,)
    finite = np.isfinite(losses)
    return {
        "loss": history["loss"],
        "gradient_norm": history["gradient_norm"],
        "epoch_loss": [float(np.mean(losses[epochs == epoch])) for epoch in np.unique(epochs)],
        "first_loss": float(losses[0]),
        "max_loss": float(losses[finite].max()) if finite.any() else math.nan,
        "max_gradient_norm": float(np.nanmax(history["gradient_norm"])),
        "diverged": bool(not finite.all() or losses[finite].max() > 1e3 * losses[0]),
        "steps": len(losses),
        "accuracy": final_accuracy,
    }


def clipping_demo(
    seed: int = 0,
    weight_gain: float = 2.0,
    learning_rate: float = 0.02,
    clipnorm: float = 1.0,
    epochs: int = 10,
    num_samples: int = 1024,
) -> dict:
    """Show that gradient clipping tames exploding gradients and does nothing for vanishing ones.

    Exploding: a deep ReLU net whose hidden kernels are multiplied by `weight_gain`
    after He initialization (so each layer amplifies its input about `weight_gain`
    times, 2**11 ~ 2000 over 11 layers) is trained with plain SGD, once without and once
    with `clipnorm` (each variable's gradient rescaled to norm <= clipnorm).
    Vanishing: the deep sigmoid net is trained with Adam and the same `clipnorm`; its
    gradient ratio is measured before and after on the training set.

    Args:
        seed: Seed of data and weights.
        weight_gain: Factor applied to every hidden kernel of the ReLU net, > 0.
        learning_rate: SGD step size for the ReLU net.
        clipnorm: Largest gradient norm per variable when clipping, > 0.
        epochs: Passes over the data for each training run.
        num_samples: Spiral points (even); the sigmoid run holds out a quarter.

    Returns:
        A dict with "unclipped" and "clipped" (each: per-step "loss" and
        "gradient_norm" before clipping, "epoch_loss", "first_loss", "max_loss" over
        finite steps, "max_gradient_norm", "diverged" (a non-finite loss or one 1000x
        the first), "steps" taken and final training "accuracy"), and "sigmoid_clipped"
        with "ratio_before", "ratio_after" and "test_accuracy".

    Raises:
        ValueError: If any argument is invalid.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    for name, value in [
        ("weight_gain", weight_gain),
        ("learning_rate", learning_rate),
        ("clipnorm", clipnorm),
    ]:
        positive_number(name, value)
    positive_int("epochs", epochs)
    positive_int("num_samples", num_samples)
    features, labels = make_spirals(num_samples, NOISE, seed=seed)  # (num_samples, 2)

    result = {}
    for run, optimizer_options in [("unclipped", {}), ("clipped", {"clipnorm": clipnorm})]:
        set_seed(seed)
        model = build_mlp(2, depth=DEPTH, width=WIDTH, activation="relu")
        for layer in model.layers:
            if isinstance(layer, keras.layers.Dense) and layer.name != "output":
                layer.kernel.assign(layer.kernel * weight_gain)
        optimizer = keras.optimizers.SGD(learning_rate, **optimizer_options)
        history = train_model(model, features, labels, optimizer, epochs, seed=seed)
        result[run] = _summarize(history, accuracy(model, features, labels))

    train_x, test_x, train_y, test_y = _spiral_split(seed, num_samples)
    set_seed(seed)
    model = build_mlp(2, depth=DEPTH, width=WIDTH, activation="sigmoid")
    ratio_before = gradient_ratio(kernel_gradient_norms(model, train_x, train_y))
    optimizer = keras.optimizers.Adam(3e-3, clipnorm=clipnorm)
    train_model(model, train_x, train_y, optimizer, epochs, seed=seed)
    result["sigmoid_clipped"] = {
        "ratio_before": ratio_before,
        "ratio_after": gradient_ratio(kernel_gradient_norms(model, train_x, train_y)),
        "test_accuracy": accuracy(model, test_x, test_y),
    }
    return result
