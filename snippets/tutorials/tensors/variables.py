# --8<-- [start:variable]
weights = tf.Variable([1.0, 2.0, 3.0])
weights.assign([4.0, 5.0, 6.0])  # new values, same shape and dtype
weights.assign_add([0.5, 0.5, 0.5])
weights[0].assign(-1.0)  # a slice of a variable can be assigned too
print(weights)
# --8<-- [end:variable]

# --8<-- [start:immutable]
constant = tf.constant([1.0, 2.0, 3.0])


def overwrite_first_element():
    constant[0] = -1.0


print(show_error(overwrite_first_element))
updated = tf.tensor_scatter_nd_update(constant, [[0]], [-1.0])  # a new tensor
print(updated)
print(constant)  # unchanged
print(show_error(lambda: weights.assign([1.0, 2.0])))  # shape is fixed
# --8<-- [end:immutable]
