# --8<-- [start:axis]
print(tf.reduce_sum(matrix))  # all six elements
print(tf.reduce_sum(matrix, axis=0))  # down the rows: one sum per column
print(tf.reduce_sum(matrix, axis=1))  # across the columns: one sum per row
print(tf.reduce_sum(matrix, axis=1, keepdims=True))  # (2, 1): axis kept
# --8<-- [end:axis]

# --8<-- [start:integer_mean]
print(tf.reduce_mean(matrix))  # int32 in, int32 out: 21 / 6 is truncated
print(tf.reduce_mean(tf.cast(matrix, tf.float32)))
# --8<-- [end:integer_mean]

# --8<-- [start:channel_means]
channel_means = tf.reduce_mean(pixels, axis=[0, 1, 2])  # over N, H and W
print(channel_means)  # one mean per channel: R, G, B
# --8<-- [end:channel_means]
