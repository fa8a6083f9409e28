# --8<-- [start:works]
row = tf.constant([10, 20, 30])  # (3,)
print(matrix + row)  # (2, 3) + (3,): the row is added to both rows

column = tf.constant([[100], [200], [300]])  # (3, 1)
outer_sum = column + row  # (3, 1) + (3,) -> (3, 3)
print(outer_sum)
# --8<-- [end:works]

# --8<-- [start:fails]
from dlguide.report import show_error

per_row = tf.constant([10, 20])  # one number for each of matrix's 2 rows
print(show_error(lambda: matrix + per_row))  # (2, 3) + (2,)
print(matrix + per_row[:, tf.newaxis])  # (2, 3) + (2, 1)
# --8<-- [end:fails]

# --8<-- [start:silent]
model_outputs = tf.constant([[0.0], [1.0], [2.0], [3.0]])  # (4, 1), as Dense(1)
labels = tf.constant([0.0, 1.0, 2.0, 3.0])  # (4,): every output is right
wrong = model_outputs - labels  # (4, 1) - (4,): every output minus every label
print(wrong.shape, "loss:", float(tf.reduce_mean(wrong**2)))
right = model_outputs - labels[:, tf.newaxis]  # (4, 1) - (4, 1)
print(right.shape, "loss:", float(tf.reduce_mean(right**2)))
# --8<-- [end:silent]
