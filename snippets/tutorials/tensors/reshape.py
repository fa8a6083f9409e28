# --8<-- [start:reshape]
reshaped = tf.reshape(matrix, (3, 2))  # same order 1, 2, 3, ..., new rows
transposed = tf.transpose(matrix)  # rows become columns
print(reshaped)
print(transposed)
print(tf.reshape(matrix, (-1,)))  # -1: "whatever size makes it fit"
print(show_error(lambda: tf.reshape(matrix, (4, 2))))
# --8<-- [end:reshape]

# --8<-- [start:channels_first]
channels_first = tf.transpose(images, perm=[0, 3, 1, 2])  # NHWC -> NCHW
print(channels_first.shape)
# --8<-- [end:channels_first]
