# --8<-- [start:first_tape]
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2  # recorded: the tape watches every trainable variable it sees
dy_dx = tape.gradient(y, x)  # d(x^2)/dx = 2x
print(dy_dx)
# --8<-- [end:first_tape]

# --8<-- [start:two_variables]
slope = tf.Variable(2.0)
intercept = tf.Variable(0.0)
inputs = tf.constant([1.0, 2.0, 3.0])
targets = tf.constant([3.0, 5.0, 7.0])
with tf.GradientTape() as tape:
    predictions = slope * inputs + intercept  # (3,)
    loss = tf.reduce_mean((predictions - targets) ** 2)
loss_gradients = tape.gradient(loss, [slope, intercept])
print("loss:", float(loss))
print("d loss / d slope:", float(loss_gradients[0]))
print("d loss / d intercept:", float(loss_gradients[1]))
# --8<-- [end:two_variables]
