"""Pictures of tensor shapes: a batch of images drawn as the 4-D block (N, H, W, C) it is."""

import math

import matplotlib

matplotlib.use("Agg")  # no display on a build machine; must precede the pyplot import

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from numpy.typing import ArrayLike  # noqa: E402

MAX_IMAGES = 8  # more stacks than this no longer fit side by side at a readable size
_CHANNEL_NAMES = {1: ["gray"], 3: ["R", "G", "B"]}
_CHANNEL_COLOURS = {1: ["white"], 3: ["red", "lime", "blue"]}
_OFFSET = 0.16  # how far each channel plane sits behind the previous one, per plane size
_GAP = 0.5  # space between two stacks, as a fraction of an image's width


def _check_images(images: ArrayLike) -> np.ndarray:
    """Return `images` as floats in [0, 1], shape (N, H, W, C), or raise ValueError."""
    array = np.asarray(images)
    if array.ndim != 4:
        raise ValueError(f"images must have rank 4, (N, H, W, C), got shape {array.shape}")
    num_images, height, width, channels = array.shape
    if not 1 <= num_images <= MAX_IMAGES or height == 0 or width == 0:
        raise ValueError(
            f"images must hold 1 to {MAX_IMAGES} images of at least one pixel, "
            f"got shape {array.shape}"
        )
    if channels not in _CHANNEL_NAMES:
        raise ValueError(f"images must have 1 or 3 channels (last axis), got {channels}")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype.kind != "f":
        raise ValueError(f"images must be uint8 or floating point, got dtype {array.dtype}")
    if not np.all(np.isfinite(array)) or array.min() < 0 or array.max() > 1:
        raise ValueError("floating-point images must hold finite values in [0, 1]")
    return array.astype(np.float32)


def plot_image_batch(images: ArrayLike, max_pixels: int = 64) -> Figure:
    """Draw a batch of images as N stacks of C channel planes, labelled with the shape.

    Each image becomes a stack of its channels (red in front, then green, then blue;
    one gray plane for single-channel images), each plane shaded by the intensity of
    that channel. Arrows mark the height H, the width W and the channel axis C of the
    first image, and a bracket spans the N images of the batch.

    Args:
        images: Array-like of shape (N, H, W, C) in channels-last (NHWC) order, with
            1 <= N <= 8 and C equal to 1 or 3; either uint8 (0 to 255) or floating
            point in [0, 1]. A `tf.Tensor` is accepted.
        max_pixels: The most pixels drawn along a plane's longer side, a positive int.
            Larger images are drawn with every k-th pixel only (k as small as fits),
            which keeps the inline figure small; the labels give the true sizes.

    Returns:
        A matplotlib Figure with one image per (image, channel) pair, in the order
        image 0 channel C-1 ... channel 0, image 1 ..., so that front planes are
        drawn last.

    Raises:
        ValueError: If `images` is not rank 4, holds no image or more than 8, has a
            channel count other than 1 or 3, has another dtype than uint8 or floating
            point, or holds floats outside [0, 1]; or if `max_pixels` is not a
            positive int.
    """
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels < 1:
        raise ValueError(f"max_pixels must be a positive int, got {max_pixels!r}")
    array = _check_images(images)
    num_images, height, width, channels = array.shape
    step = math.ceil(max(height, width) / max_pixels)
    shown = array[:, ::step, ::step, :]  # (N, ceil(H / step), ceil(W / step), C)

    offset = _OFFSET * max(height, width)
    stack_width = width + (channels - 1) * offset
    figure, axes = plt.subplots(figsize=(2.0 + 3.2 * num_images, 3.6), layout="constrained")
    for index in range(num_images):
        left = index * (stack_width + _GAP * width)
        for channel in reversed(range(channels)):  # back to front
            x0, y0 = left + channel * offset, channel * offset
            # Images and patches have separate default layers; one order for both.
            layer = 2 * (channels - channel)
            colour_map = LinearSegmentedColormap.from_list(
                "channel", ["black", _CHANNEL_COLOURS[channels][channel]]
            )
            axes.imshow(
                shown[index, :, :, channel],
                cmap=colour_map,
                vmin=0.0,
                vmax=1.0,
                extent=(x0, x0 + width, y0, y0 + height),
                origin="upper",
                zorder=layer,
            )
            axes.add_patch(
                Rectangle(
                    (x0, y0),
                    width,
                    height,
                    fill=False,
                    linewidth=0.8,
                    color="0.3",
                    zorder=layer + 1,
                )
            )
            axes.text(
                x0 + width - 0.03 * width,
                y0 + height - 0.03 * height,
                _CHANNEL_NAMES[channels][channel],
                color="white",
                fontsize=8,
                ha="right",
                va="top",
                fontweight="bold",
                zorder=layer + 1,
            )
        axes.text(
            left + stack_width / 2,
            -0.26 * height,
            f"image {index}",
            ha="center",
            va="top",
            fontweight="bold",
        )

    _annotate_axes(axes, height, width, channels, offset)
    batch_right = (num_images - 1) * (stack_width + _GAP * width) + stack_width
    top = height + (channels - 1) * offset + 0.12 * height
    axes.annotate(
        "",
        xy=(0, top),
        xytext=(batch_right, top),
        arrowprops={"arrowstyle": "|-|", "color": "0.2", "shrinkA": 0, "shrinkB": 0},
    )
    axes.text(
        batch_right / 2, top + 0.04 * height, f"N = {num_images} images", ha="center", va="bottom"
    )
    axes.set_title(f"shape (N, H, W, C) = {(num_images, height, width, channels)}")
    axes.set_xlim(-0.3 * width, batch_right + 0.1 * width)
    axes.set_ylim(-0.45 * height, top + 0.25 * height)
    axes.set_aspect("equal")
    axes.axis("off")
    return figure


def _annotate_axes(axes: Axes, height: int, width: int, channels: int, offset: float) -> None:
    """Mark H, W and C with double arrows on the first image's stack."""
    arrow = {"arrowstyle": "<->", "color": "0.2", "shrinkA": 0, "shrinkB": 0}
    below = -0.08 * height
    axes.annotate("", xy=(0, below), xytext=(width, below), arrowprops=arrow)
    axes.text(width / 2, below - 0.03 * height, f"W = {width}", ha="center", va="top")
    left = -0.06 * width
    axes.annotate("", xy=(left, 0), xytext=(left, height), arrowprops=arrow)
    axes.text(
        left - 0.03 * width, height / 2, f"H = {height}", ha="right", va="center", rotation=90
    )
    if channels > 1:
        depth = (channels - 1) * offset
        start = (width + 0.04 * width, -0.04 * height)
        end = (start[0] + depth, start[1] + depth)
        axes.annotate("", xy=start, xytext=end, arrowprops=arrow)
        axes.text(
            end[0] + 0.03 * width,
            (start[1] + end[1]) / 2,
            f"C = {channels}",
            ha="left",
            va="center",
        )
