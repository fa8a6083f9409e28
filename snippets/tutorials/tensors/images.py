# --8<-- [start:load]
from sklearn.datasets import load_sample_images

photos = load_sample_images().images  # two colour photos shipped with sklearn
images = tf.constant(np.stack(photos))  # (N, H, W, C)
print("shape:", images.shape)
print("dtype:", images.dtype.name)
print("numbers in the batch:", f"{int(tf.size(images)):,}")
print("Keras image layout:", keras.config.image_data_format())
# --8<-- [end:load]

# --8<-- [start:plot]
from dlguide.plots import figure_to_svg
from dlguide.tensor_plots import plot_image_batch

batch_svg = figure_to_svg(plot_image_batch(images), alt=(
    "The batch of two photos drawn as two stacks of three colour planes, red "
    "in front, then green, then blue. Arrows mark the height H = 427 and width "
    "W = 640 of a plane, the channel axis C = 3 through the stack, and a "
    "bracket spans the N = 2 images."
))
print(batch_svg)
# --8<-- [end:plot]
