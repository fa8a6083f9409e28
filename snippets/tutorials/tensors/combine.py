# --8<-- [start:concat_stack]
first = tf.constant([[1, 2, 3], [4, 5, 6]])  # (2, 3)
second = tf.constant([[7, 8, 9], [10, 11, 12]])  # (2, 3)
joined = {
    "concat, axis=0": tf.concat([first, second], axis=0),
    "concat, axis=1": tf.concat([first, second], axis=1),
    "stack, axis=0": tf.stack([first, second], axis=0),
    "stack, axis=-1": tf.stack([first, second], axis=-1),
}
for how, result in joined.items():
    print(f"{how:15} {result.shape}")
print(joined["stack, axis=0"])
# --8<-- [end:concat_stack]
