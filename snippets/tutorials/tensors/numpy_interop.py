# --8<-- [start:numpy]
as_array = matrix.numpy()  # tf.Tensor -> np.ndarray
print(type(as_array).__name__, as_array.dtype, as_array.shape)
back = tf.convert_to_tensor(as_array)  # np.ndarray -> tf.Tensor, dtype kept
print(type(back).__name__, back.dtype.name)
print(np.mean(matrix))  # NumPy functions accept tensors ...
print(matrix + np.ones((2, 3), dtype=np.int32))  # ... and TF ops accept arrays
# --8<-- [end:numpy]
