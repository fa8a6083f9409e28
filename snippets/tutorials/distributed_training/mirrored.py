# --8<-- [start:devices]
import tensorflow as tf

# Split the one physical CPU into two logical devices. This has to happen
# before TensorFlow runs its first operation; then its devices are fixed.
cpu = tf.config.list_physical_devices("CPU")[0]
two = [tf.config.LogicalDeviceConfiguration() for _ in range(2)]
tf.config.set_logical_device_configuration(cpu, two)
print([device.name for device in tf.config.list_logical_devices("CPU")])
# --8<-- [end:devices]

# --8<-- [start:late]
try:  # listing the devices above started the runtime: a new split is refused
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(3)]
    )
    late_error = None
except RuntimeError as error:
    late_error = error
print(f"{type(late_error).__name__}: {late_error}")
# --8<-- [end:late]

# --8<-- [start:train]
import keras

from dlguide.data import load_digits_split
from dlguide.models.mlp import build_mlp
from dlguide.report import markdown_table
from dlguide.seeding import set_seed

GLOBAL_BATCH = 64  # examples per step, over all replicas together
EPOCHS = 5
x_train, x_test, y_train, y_test = load_digits_split(seed=0)
# One fixed order of whole batches, the same for every run below.
batches = tf.data.Dataset.from_tensor_slices((x_train, y_train))
batches = batches.batch(GLOBAL_BATCH, drop_remainder=True)


def train(strategy, epochs=EPOCHS):
    """Train the digits classifier from the same initial weights."""
    set_seed(0)
    with strategy.scope():  # variables made here get one copy per replica
        model = build_mlp(64, depth=2, width=64, activation="relu",
                          output_units=10, output_activation="softmax")
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
                      loss="sparse_categorical_crossentropy")
    history = model.fit(batches, epochs=epochs, shuffle=False, verbose=0)
    return model, history.history["loss"]


one_device = tf.distribute.get_strategy()  # the default: no distribution
single, single_loss = train(one_device)
mirrored_strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
mirrored, mirrored_loss = train(mirrored_strategy)
replicas = mirrored_strategy.num_replicas_in_sync
print(f"{replicas} replicas, {GLOBAL_BATCH // replicas} examples each per step")
rows = [
    [epoch, f"{one:.6f}", f"{two:.6f}", f"{abs(one - two) / one:.1e}"]
    for epoch, (one, two) in enumerate(
        zip(single_loss, mirrored_loss, strict=True), start=1
    )
]
headers = ["epoch", "one device", "two replicas", "relative difference"]
print(markdown_table(headers, rows))
# --8<-- [end:train]

# --8<-- [start:replicas]
import numpy as np

# Each variable of the mirrored model is a MirroredVariable: a copy per replica.
copies = [
    mirrored_strategy.experimental_local_results(weight.value)
    for weight in mirrored.weights
]
replicas_identical = all(
    np.array_equal(copy[0], other) for copy in copies for other in copy[1:]
)
weight_gap = max(
    float(np.max(np.abs(one - two)))
    for one, two in zip(
        single.get_weights(), mirrored.get_weights(), strict=True
    )
)
print(f"{len(copies)} variables, {len(copies[0])} copies of each; "
      f"copies identical: {replicas_identical}")
print(f"largest difference from the one-device weights: {weight_gap:.1e}")
# --8<-- [end:replicas]

# --8<-- [start:speed]
import os
import time


def seconds_per_epoch(strategy, epochs=3):
    """Time whole epochs, after a first epoch that also builds the step."""
    model, _ = train(strategy, epochs=1)
    start = time.perf_counter()
    model.fit(batches, epochs=epochs, shuffle=False, verbose=0)
    return (time.perf_counter() - start) / epochs


# Alternate the two and keep each one's best, so a busy moment hurts neither.
timings = {"one device": [], "two replicas": []}
for _ in range(3):
    timings["one device"].append(seconds_per_epoch(one_device))
    timings["two replicas"].append(seconds_per_epoch(mirrored_strategy))
best = {name: min(seconds) for name, seconds in timings.items()}
speedup = best["one device"] / best["two replicas"]
examples = len(x_train) // GLOBAL_BATCH * GLOBAL_BATCH  # whole batches only
rows = [[name, f"{seconds:.3f}", f"{examples / seconds:,.0f}"]
        for name, seconds in best.items()]
print(markdown_table(["run", "seconds per epoch", "examples per second"], rows))
print(f"\nSpeed-up from the second replica: {speedup:.2f}x "
      f"on {os.cpu_count()} CPU cores.")
# --8<-- [end:speed]
