import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlguide.plots import figure_to_svg
from dlguide.tensor_plots import plot_image_batch


def _texts(figure):
    (axes,) = figure.axes
    return [text.get_text() for text in axes.texts] + [axes.get_title()]


def test_one_plane_per_image_and_channel_labelled_with_the_shape():
    images = np.zeros((2, 5, 7, 3), dtype=np.uint8)
    figure = plot_image_batch(images)
    (axes,) = figure.axes
    assert len(axes.images) == 2 * 3
    texts = _texts(figure)
    for label in ("N = 2 images", "H = 5", "W = 7", "C = 3", "image 0", "image 1"):
        assert label in texts
    assert "shape (N, H, W, C) = (2, 5, 7, 3)" in texts
    assert texts.count("R") == texts.count("G") == texts.count("B") == 2
    plt.close(figure)


def test_planes_show_each_channel_scaled_to_the_unit_interval():
    images = np.zeros((1, 2, 2, 3), dtype=np.uint8)
    images[0, :, :, 0] = 255  # red full, green half, blue off
    images[0, :, :, 1] = 51
    figure = plot_image_batch(images)
    (axes,) = figure.axes
    # Planes are drawn back to front: blue, green, red.
    blue, green, red = (np.asarray(image.get_array()) for image in axes.images)
    np.testing.assert_allclose(red, 1.0)
    np.testing.assert_allclose(green, 0.2)
    np.testing.assert_allclose(blue, 0.0)
    plt.close(figure)


def test_front_planes_are_drawn_over_back_planes_and_their_outlines():
    figure = plot_image_batch(np.zeros((1, 4, 4, 3), dtype=np.float32))
    (axes,) = figure.axes
    layers = [image.get_zorder() for image in axes.images]
    assert layers == sorted(layers)
    outlines = [patch.get_zorder() for patch in axes.patches]
    assert max(outlines[:-1]) < layers[-1]  # no back outline crosses the red plane
    plt.close(figure)


def test_large_images_are_thinned_but_keep_their_true_size():
    images = np.ones((1, 300, 500, 1), dtype=np.float32)
    figure = plot_image_batch(images, max_pixels=50)
    (axes,) = figure.axes
    (plane,) = axes.images
    assert max(np.asarray(plane.get_array()).shape) <= 50
    left, right, bottom, top = plane.get_extent()
    assert (right - left, top - bottom) == (500, 300)
    assert "H = 300" in _texts(figure) and "W = 500" in _texts(figure)
    plt.close(figure)


def test_accepts_a_tensorflow_tensor_and_renders_to_svg():
    tf = pytest.importorskip("tensorflow")
    images = tf.zeros((3, 4, 6, 3))
    svg = figure_to_svg(plot_image_batch(images), alt="a batch of three images")
    # matplotlib merges the planes drawn at the same depth into one raster.
    assert svg.startswith("<svg") and "<image" in svg
    assert "N = 3 images" in svg


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (np.zeros((4, 4, 3), dtype=np.uint8), r"^images must have rank 4"),
        (np.zeros((0, 4, 4, 3), dtype=np.uint8), r"^images must hold 1 to 8 images"),
        (np.zeros((9, 4, 4, 3), dtype=np.uint8), r"^images must hold 1 to 8 images"),
        (np.zeros((1, 0, 4, 3), dtype=np.uint8), r"^images must hold 1 to 8 images"),
        (np.zeros((1, 4, 4, 2), dtype=np.uint8), r"^images must have 1 or 3 channels"),
        (np.zeros((1, 4, 4, 3), dtype=np.int32), r"^images must be uint8 or floating"),
        (np.full((1, 4, 4, 3), 2.0), r"^floating-point images must hold finite values"),
        (np.full((1, 4, 4, 3), np.nan), r"^floating-point images must hold finite values"),
    ],
)
def test_rejects_what_is_not_a_drawable_batch(images, message):
    with pytest.raises(ValueError, match=message):
        plot_image_batch(images)
    plt.close("all")


@pytest.mark.parametrize("max_pixels", [0, -3, 2.5, True, None])
def test_rejects_a_bad_pixel_budget(max_pixels):
    with pytest.raises(ValueError, match=r"^max_pixels must be a positive int"):
        plot_image_batch(np.zeros((1, 4, 4, 3), dtype=np.uint8), max_pixels=max_pixels)
