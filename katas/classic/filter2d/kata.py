"""2-D filtering: correlation, convolution, Sobel, Gaussian blur · 图像滤波: 相关与卷积, Sobel 边缘, 可分离高斯模糊

Every classic image filter slides a small kernel over the image. Deep-learning "convolution" is
really correlation; true convolution flips the kernel first. Implement both with scipy.ndimage's
border modes, the Sobel edge detector with a stated sign, and a Gaussian blur made fast by
separability: two 1-D passes instead of one 2-D kernel.

Run the tests: pytest katas/classic/filter2d
"""

import numpy as np

__all__ = ["correlate2d", "convolve2d", "sobel", "gaussian_kernel1d", "gaussian_blur"]

# Rules shared by every function below:
#   image: 2-D array (H, W), any real dtype; H or W may be 0 (an empty result of the same shape).
#   Result: same shape as the image ("same" output, no cropping). float32 images give float32,
#       float64 images float64; integer and bool images give float64 (never rounded, clipped or
#       cast back: a Sobel response of a uint8 image can be -1020).
#   mode: how the image is extended beyond its border, by scipy.ndimage's names; for a row
#       a b c d the cells left of it are
#         "constant": 0 0 | a b c d   (zero padding)
#         "nearest":  a a | a b c d   (OpenCV BORDER_REPLICATE)
#         "reflect":  b a | a b c d   (the edge cell repeated; OpenCV BORDER_REFLECT)
#         "mirror":   c b | a b c d   (the edge cell not repeated; OpenCV BORDER_REFLECT_101)
#       Kernels wider than the image keep reflecting (as np.pad and scipy do). The default is
#       "reflect" (scipy.ndimage's default) everywhere. Any other mode: ValueError.
#   Inputs are never modified.


def correlate2d(image: np.ndarray, kernel: np.ndarray, mode: str = "reflect") -> np.ndarray:
    """Cross-correlation of an image with a kernel (what CNN layers and cv2.filter2D compute).

    ``out[y, x] = sum over i, j of kernel[i, j] * image[y + i - kh // 2, x + j - kw // 2]``,
    with the image extended beyond its border by ``mode``.

    Args:
        image: (H, W) array (see the shared rules above).
        kernel: (kh, kw) real array with **odd** kh and kw; its centre is ``(kh // 2, kw // 2)``.
            ``ValueError`` for an even side (there is no centre cell).
        mode: "constant" (zeros), "nearest", "reflect" (default) or "mirror".

    Returns:
        (H, W) array, float32 for a float32 image, else float64.
    """
    raise NotImplementedError("correlate2d")


def convolve2d(image: np.ndarray, kernel: np.ndarray, mode: str = "reflect") -> np.ndarray:
    """True convolution: correlation with the kernel flipped on both axes.

    ``out[y, x] = sum over i, j of kernel[i, j] * image[y - i + kh // 2, x - j + kw // 2]``.
    Same arguments, errors and result as ``correlate2d``. Convolving an image that is a single 1
    with a kernel gives the kernel itself around that cell; correlating gives it flipped.
    """
    raise NotImplementedError("convolve2d")


def sobel(image: np.ndarray, mode: str = "reflect") -> tuple[np.ndarray, np.ndarray]:
    """The 3x3 Sobel derivatives ``(gx, gy)`` of an image.

    ``gx`` is the correlation with ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` (a derivative along
    x, the column index, smoothed along y) and ``gy`` with its transpose (along y, the row index,
    which grows downward). **Sign**: gx > 0 where the image gets brighter to the right, gy > 0
    where it gets brighter downward. Not normalised: on the ramp ``image[y, x] = x`` the interior
    of gx is 8 and gy is 0. The edge magnitude is ``hypot(gx, gy)``.

    Args:
        image: (H, W) array; mode: as in ``correlate2d`` (default "reflect").

    Returns:
        ``(gx, gy)``, two (H, W) arrays of the dtype rules above.
    """
    raise NotImplementedError("sobel")


def gaussian_kernel1d(sigma: float, radius: int | None = None) -> np.ndarray:
    """The sampled, **normalised** 1-D Gaussian: float64 array of length ``2 * radius + 1``.

    ``w[k] = exp(-x_k^2 / (2 sigma^2)) / Z`` for ``x_k = k - radius``, where Z makes the weights
    sum to exactly 1 (so blurring a constant image leaves it unchanged). ``radius`` defaults to
    ``int(4 * sigma + 0.5)`` (scipy's ``truncate=4.0``). ``ValueError`` if ``sigma <= 0``.
    """
    raise NotImplementedError("gaussian_kernel1d")


def gaussian_blur(image: np.ndarray, sigma: float, mode: str = "reflect") -> np.ndarray:
    """Gaussian blur: the correlation of the image with ``outer(w, w)`` for
    ``w = gaussian_kernel1d(sigma)`` (default radius), borders by ``mode`` (default "reflect").

    Same result rules as ``correlate2d``; ``ValueError`` if ``sigma <= 0`` or the mode is unknown.

    Speed: the 2-D Gaussian is separable. Blur along x with ``w``, then along y: ``2 (2r + 1)``
    multiply-adds per pixel instead of ``(2r + 1)^2``. A 512 x 512 float32 image with sigma 3
    must be blurred within the ratio to the reference that ``kata.toml`` gives under [speed]
    (a full 2-D kernel is ~10x slower; a Python loop over pixels far slower), and so must a
    2048 x 2048 one (the full-size test: ``pytest katas/classic/filter2d --full``). Keep
    float32 images in float32.

    Canonical code: ``scipy.ndimage`` follows this statement (``correlate``, ``convolve``,
    ``sobel(image, axis=1)`` for gx and ``axis=0`` for gy, ``gaussian_filter(image, sigma,
    truncate=4.0)``, all with default mode "reflect"), except that scipy gives integer images an
    integer result (here float64, a convention test) and lets even kernels shift their centre.
    OpenCV's ``cv2.filter2D`` (a correlation, despite the name), ``cv2.Sobel`` and
    ``cv2.GaussianBlur`` default to BORDER_REFLECT_101 (here "mirror"; the default-mode test)
    and return the input's depth (ddepth=-1: uint8 saturated; the dtype test); GaussianBlur
    also picks its own kernel size from sigma. The conventions, each a test of its own: the
    default mode; the Sobel sign; the result dtype.
    """
    raise NotImplementedError("gaussian_blur")
