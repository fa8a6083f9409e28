# --8<-- [start:matmul]
features = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # (2, 3)
kernel = tf.constant([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])  # (2, 3), meant (3, 2)
print(show_error(lambda: tf.matmul(features, kernel)))
print(tf.matmul(features, kernel, transpose_b=True))  # (2, 3) @ (3, 2)
# --8<-- [end:matmul]

# --8<-- [start:dtype]
counts = tf.constant([1, 2, 3])  # int32
scale = tf.constant([0.5, 0.5, 0.5])  # float32
print(show_error(lambda: counts + scale))
weights_from_numpy = tf.constant(np.full((3, 2), 0.5))  # float64
print(show_error(lambda: tf.matmul(features, weights_from_numpy)))
print(tf.cast(counts, tf.float32) + scale)
print(tf.matmul(features, tf.cast(weights_from_numpy, tf.float32)))
# --8<-- [end:dtype]

# --8<-- [start:tape_outside]
predictions = slope * inputs + intercept  # computed before the tape starts
with tf.GradientTape() as tape:
    loss = tf.reduce_mean((predictions - targets) ** 2)
outside_gradients = tape.gradient(loss, [slope, intercept])
print(outside_gradients)
# --8<-- [end:tape_outside]

# --8<-- [start:tape_inside]
with tf.GradientTape() as tape:
    predictions = slope * inputs + intercept  # now the tape sees slope
    loss = tf.reduce_mean((predictions - targets) ** 2)
inside_gradients = tape.gradient(loss, [slope, intercept])
print([float(gradient) for gradient in inside_gradients])
# --8<-- [end:tape_inside]
