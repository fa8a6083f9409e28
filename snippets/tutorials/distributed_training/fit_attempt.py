"""TensorFlow's multi-worker Keras tutorial in short: fit under the strategy."""

import tensorflow as tf

from dlguide.data import load_digits_split
from dlguide.models.mlp import build_mlp
from dlguide.seeding import set_seed

strategy = tf.distribute.MultiWorkerMirroredStrategy()
set_seed(0)
x_train, _, y_train, _ = load_digits_split(seed=0)
with strategy.scope():
    model = build_mlp(64, depth=2, width=64, activation="relu",
                      output_units=10, output_activation="softmax")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)
print("fit finished")
