# --8<-- [start:elementwise]
a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
b = tf.constant([[10.0, 20.0], [30.0, 40.0]])
print(a + b)
print(b / a)
print(tf.sqrt(a))
# --8<-- [end:elementwise]

# --8<-- [start:matmul]
elementwise_product = a * b  # a[i, j] * b[i, j]
matrix_product = tf.matmul(a, b)  # sum over k of a[i, k] * b[k, j]; also a @ b
print(elementwise_product)
print(matrix_product)
batched = tf.matmul(tf.ones((5, 2, 3)), tf.ones((5, 3, 4)))  # 5 products
print(batched.shape)
# --8<-- [end:matmul]
