# --8<-- [start:bound]
z = tf.linspace(-6.0, 6.0, 1201)  # (1201,), includes z = 0
with tf.GradientTape() as tape:
    tape.watch(z)
    s = tf.sigmoid(z)
slope = tape.gradient(s, z)  # sigma(z) (1 - sigma(z)), element by element
largest_slope = float(tf.reduce_max(slope))
where = float(z[tf.argmax(slope)])
print(f"largest sigmoid slope: {largest_slope:.4f} at z = {where:.1f}")
print(f"(1/4)^11 = {0.25 ** 11:.2e}")
# --8<-- [end:bound]
