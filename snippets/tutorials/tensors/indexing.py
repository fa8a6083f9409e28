# --8<-- [start:slicing]
print(matrix[1])  # second row
print(matrix[:, 1])  # second column
print(matrix[-1, -1])  # last element, a rank-0 tensor
print(images[0].shape)  # the first image
print(images[..., 0].shape)  # the red channel of every image
print(images[:, ::8, ::8, :].shape)  # every 8th pixel down and across
# --8<-- [end:slicing]

# --8<-- [start:gather]
print(show_error(lambda: matrix[:, [2, 0]]))  # NumPy-style list index
print(tf.gather(matrix, [2, 0], axis=1))  # columns 2 and 0, in that order
print(tf.gather(images, [1, 0]).shape)  # the batch, order reversed
# --8<-- [end:gather]
