"""Benchmark: inference time of dlguide's ResNet-50 against keras.applications.ResNet50.

Builds, in one process, dlguide's ResNet-50 as the pages use it (the paper's layout: no
conv biases, stride on the first 1x1 convolution), dlguide's ResNet-50 in torchvision's
"v1.5" layout (stride on the 3x3 convolution, about 6% more arithmetic) and
`keras.applications.ResNet50(weights=None)`. Each model runs `model(x, training=False)`
inside its own `tf.function` on the same batch; after warm-up the models take turns, one
call each per round (the order rotating), so a change in machine load hits all of them
alike. Prints a Markdown table of median times and the ratio keras time / model time
(above 1: faster than keras.applications).

Run from the repository root: `.venv/bin/python bench/resnet_inference.py`.
"""

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # must precede the TensorFlow import

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dlguide import set_seed  # noqa: E402
from dlguide.models import resnet  # noqa: E402


def parse_arguments() -> argparse.Namespace:
    """Read the batch size, warm-up calls and timed rounds from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2, help="untimed calls per model")
    parser.add_argument("--repeats", type=int, default=21, help="timed calls per model")
    return parser.parse_args()


def main() -> None:
    """Build the three models, time them in turns and print the table."""
    arguments = parse_arguments()
    set_seed(0)
    models = {
        "dlguide resnet50 (default: paper layout)": resnet.resnet50(),
        "dlguide resnet50 (torchvision v1.5 layout)": resnet.build_resnet(50, stride_in_1x1=False),
        "keras.applications.ResNet50": keras.applications.ResNet50(weights=None),
    }
    batch = np.random.default_rng(0).normal(size=(arguments.batch_size, 224, 224, 3))
    batch = tf.constant(batch, dtype=tf.float32)  # (batch, 224, 224, 3)
    # One traced inference function per model; `training=False` uses the moving statistics.
    functions = {
        label: tf.function(lambda x, model=model: model(x, training=False))
        for label, model in models.items()
    }
    for function in functions.values():
        for _ in range(arguments.warmup):
            function(batch).numpy()
    seconds: dict[str, list[float]] = {label: [] for label in functions}
    labels = list(functions)
    for round_index in range(arguments.repeats):
        # Rotate who goes first, so no model always runs right after the same neighbour.
        shift = round_index % len(labels)
        for label in labels[shift:] + labels[:shift]:
            function = functions[label]
            start = time.perf_counter()
            function(batch).numpy()  # .numpy() waits for the result
            seconds[label].append(time.perf_counter() - start)

    medians = {label: statistics.median(values) for label, values in seconds.items()}
    reference = medians["keras.applications.ResNet50"]
    print(
        f"ResNet-50 inference, batch {arguments.batch_size}x224x224x3, median of "
        f"{arguments.repeats} calls after {arguments.warmup} warm-up calls; TensorFlow "
        f"{tf.__version__}, Keras {keras.__version__}, {os.cpu_count()} CPU cores "
        f"({platform.machine()})\n"
    )
    print(
        "| model | trainable parameters | count_params() | median (ms) | min (ms) "
        "| keras time / model time |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, model in models.items():
        print(
            f"| {label} | {resnet.trainable_parameter_count(model):,} | "
            f"{model.count_params():,} | {medians[label] * 1e3:.1f} | "
            f"{min(seconds[label]) * 1e3:.1f} | {reference / medians[label]:.3f} |"
        )


if __name__ == "__main__":
    main()
