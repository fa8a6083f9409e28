"""One worker of a MultiWorkerMirroredStrategy run.

Usage: python worker.py OUT EPOCHS [DIE_AFTER]

TF_CONFIG, set by whoever starts the workers, lists every worker's address and
says which one this is. The worker writes what it trained on and its final
weights to OUT.
"""

import json
import os
import signal
import sys
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from dlguide.data import load_digits_split
from dlguide.models.mlp import build_mlp
from dlguide.seeding import set_seed

out, epochs = Path(sys.argv[1]), int(sys.argv[2])
die_after = int(sys.argv[3]) if len(sys.argv) > 3 else None
task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]

# Connects to the other workers; waits until all of them have started.
strategy = tf.distribute.MultiWorkerMirroredStrategy()

GLOBAL_BATCH = 64  # over all workers together
set_seed(0)
x_train, _, y_train, _ = load_digits_split(seed=0)
ids = np.arange(len(x_train))  # carried along: which examples a worker saw
batches = tf.data.Dataset.from_tensor_slices((x_train, y_train, ids))
batches = batches.batch(GLOBAL_BATCH, drop_remainder=True)
# Every worker builds the same pipeline; DATA sharding gives each its part.
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = (
    tf.data.experimental.AutoShardPolicy.DATA
)
batches = batches.with_options(options)
dataset = strategy.experimental_distribute_dataset(batches)

with strategy.scope():
    model = build_mlp(64, depth=2, width=64, activation="relu",
                      output_units=10, output_activation="softmax")
    optimizer = keras.optimizers.SGD(learning_rate=0.05)
    model.compile(optimizer=optimizer)  # so a backup holds the optimizer too
    optimizer.build(model.trainable_variables)
loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)

# model.fit would call these hooks; this loop calls them itself. Each worker
# backs up to its own folder: two processes must not write one file.
backup = keras.callbacks.BackupAndRestore(
    str(out / f"backup-{task}"), delete_checkpoint=False
)
backup.set_model(model)
backup.on_train_begin()  # restores the last backup, if there is one
# The backup holds the optimizer's step counter: resume after its last epoch.
steps_per_epoch = len(x_train) // GLOBAL_BATCH
first_epoch = int(optimizer.iterations.numpy()) // steps_per_epoch
print(f"worker {task}: starting at epoch {first_epoch + 1}", flush=True)


@tf.function
def train_step(batch):
    def replica_step(x, y, example_ids):
        with tf.GradientTape() as tape:
            per_example = loss_fn(y, model(x, training=True))
            # Divide by the global batch: the replicas' gradients are summed.
            loss = tf.nn.compute_average_loss(
                per_example, global_batch_size=GLOBAL_BATCH
            )
        gradients = tape.gradient(loss, model.trainable_variables)
        # Under a strategy, this all-reduces the gradients, then applies them.
        optimizer.apply_gradients(
            zip(gradients, model.trainable_variables, strict=True)
        )
        return loss, example_ids

    losses, example_ids = strategy.run(replica_step, args=batch)
    return strategy.reduce("SUM", losses, axis=None), example_ids


for epoch in range(first_epoch, epochs):
    total, steps, seen = 0.0, 0, []
    for batch in dataset:
        loss, example_ids = train_step(batch)
        total, steps = total + float(loss), steps + 1
        for part in strategy.experimental_local_results(example_ids):
            seen += part.numpy().tolist()
    backup.on_epoch_end(epoch)  # saves the weights and the optimizer's state
    print(f"worker {task}: epoch {epoch + 1} done, loss {total / steps:.4f}",
          flush=True)
    if epoch + 1 == die_after and task == 1:
        os.kill(os.getpid(), signal.SIGKILL)  # the fault: no clean-up at all

(out / f"worker-{task}.json").write_text(json.dumps({
    "first_epoch": first_epoch,
    "seen_last_epoch": seen,
    "weights": [weight.tolist() for weight in model.get_weights()],
}))
