# --8<-- [start:cast]
measurements = tf.constant([-1.7, 0.5, 2.9])
print(tf.cast(measurements, tf.int32))  # drops the fraction: toward zero
print(tf.cast(tf.round(measurements), tf.int32))  # round first if you mean it
# --8<-- [end:cast]

# --8<-- [start:images]
print(show_error(lambda: images / 255.0))  # uint8 / float32
pixels = tf.cast(images, tf.float32) / 255.0  # (2, 427, 640, 3)
print(pixels.dtype.name, "from", float(tf.reduce_min(pixels)),
      "to", float(tf.reduce_max(pixels)))
print("bytes per number:", images.dtype.size, "->", pixels.dtype.size)
brightness = tf.constant([100, 200], dtype=tf.uint8)
print(brightness * 2)  # uint8 holds 0 to 255: 400 wraps around to 400 - 256
# --8<-- [end:images]
