# --8<-- [start:gradients]
import numpy as np
import tensorflow as tf

from dlguide.models import gan
from dlguide.report import markdown_table

# How hard each generator loss pushes a generated point's logit l up, when
# the discriminator gives the point a probability D = sigmoid(l) of being real.
probabilities = np.array([0.001, 0.01, 0.1, 0.5, 0.9])
logits = tf.constant(np.log(probabilities / (1 - probabilities))[:, None])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(logits)
    # Summed over the points, so that each row is one point's own gradient.
    non_saturating = len(probabilities) * gan.generator_loss(logits)
    minimax = tf.reduce_sum(tf.math.log(1 - tf.sigmoid(logits)))
pushes = np.abs(
    np.concatenate(
        [tape.gradient(non_saturating, logits), tape.gradient(minimax, logits)],
        axis=1,
    )
)  # (5, 2)
headers = ["D(G(z))", "push of −log D(G(z))", "push of log(1 − D(G(z)))"]
rows = [
    [f"{p:g}", f"{a:.3f}", f"{b:.3f}"]
    for p, (a, b) in zip(probabilities, pushes, strict=True)
]
print(markdown_table(headers, rows))
# --8<-- [end:gradients]
