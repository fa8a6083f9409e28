# --8<-- [start:examples]
import tensorflow as tf

import dlguide

dlguide.set_seed(0)  # nothing on this page is random; every page seeds anyway

scalar = tf.constant(5)  # rank 0: a single number
vector = tf.constant([1, 2, 3])  # rank 1
matrix = tf.constant([[1, 2, 3], [4, 5, 6]])  # rank 2
tensor_3d = tf.constant([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]])
print("Scalar:", scalar)
print("Vector:", vector)
print("Matrix:", matrix)
print("3-D tensor:", tensor_3d)
# --8<-- [end:examples]

# --8<-- [start:attributes]
examples = {
    "scalar": scalar, "vector": vector, "matrix": matrix, "tensor_3d": tensor_3d
}
for name, tensor in examples.items():
    print(
        f"{name:9}  rank {tensor.ndim}  shape {str(tensor.shape):9}  "
        f"{tf.size(tensor)} element(s)  dtype {tensor.dtype.name}"
    )
# --8<-- [end:attributes]

# --8<-- [start:stack]
stack = tf.zeros((3, 4, 5))
print("stack.shape:   ", stack.shape)
print("stack[0].shape:", stack[0].shape)  # the first of 3 matrices: 4 x 5
print("len(stack):    ", len(stack))
# --8<-- [end:stack]

# --8<-- [start:matrix_rank]
import numpy as np

dependent_rows = tf.constant([[1.0, 2.0], [2.0, 4.0]])  # row 2 = 2 x row 1
print("tensor rank (number of axes):", dependent_rows.ndim)
print("rank in linear algebra:      ", np.linalg.matrix_rank(dependent_rows))
# --8<-- [end:matrix_rank]

# --8<-- [start:dtypes]
import keras

made_from = {
    "a Python int": tf.constant(7),
    "a Python float": tf.constant(0.5),
    "a NumPy array": tf.constant(np.array([0.5, 1.5])),  # NumPy chose float64
    "dtype=tf.float16": tf.constant([1, 2], dtype=tf.float16),
}
for source, tensor in made_from.items():
    print(f"{source:16} -> {tensor.dtype.name}")
print("Keras layers compute in", keras.config.floatx())
# --8<-- [end:dtypes]
