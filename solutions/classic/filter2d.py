"""2-D filtering in numpy: correlation and convolution with border modes, Sobel, separable Gaussian."""

import numpy as np

# scipy.ndimage's border modes as np.pad calls them (scipy 'reflect' = np.pad 'symmetric').
PAD = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "mirror": "reflect"}


def _float(image: np.ndarray) -> np.ndarray:
    """float32 and float64 images keep their dtype; integers and bools are computed in float64."""
    image = np.asarray(image)
    return image if image.dtype in (np.float32, np.float64) else image.astype(np.float64)


def _pad(image: np.ndarray, ry: int, rx: int, mode: str) -> np.ndarray:
    if mode not in PAD:
        raise ValueError(f"mode must be one of {sorted(PAD)}, got {mode!r}")
    if image.size == 0:  # np.pad cannot reflect an empty axis
        return np.zeros((image.shape[0] + 2 * ry, image.shape[1] + 2 * rx), image.dtype)
    return np.pad(image, ((ry, ry), (rx, rx)), mode=PAD[mode])


def correlate2d(image: np.ndarray, kernel: np.ndarray, mode: str = "reflect") -> np.ndarray:
    """out[y, x] = sum_ij kernel[i, j] * image[y + i - kh // 2, x + j - kw // 2], borders by `mode`."""
    image, kernel = _float(image), np.asarray(kernel, np.float64)
    kh, kw = kernel.shape
    if kh % 2 == 0 or kw % 2 == 0:
        raise ValueError(f"kernel sides must be odd, got {kernel.shape}")
    h, w = image.shape
    padded = _pad(image, kh // 2, kw // 2, mode)
    out = np.zeros((h, w), image.dtype)
    for i in range(kh):  # one shifted view per tap: kh * kw passes over the image
        for j in range(kw):
            out += kernel[i, j].astype(image.dtype) * padded[i : i + h, j : j + w]
    return out


def convolve2d(image: np.ndarray, kernel: np.ndarray, mode: str = "reflect") -> np.ndarray:
    """True convolution: correlation with the kernel flipped on both axes."""
    return correlate2d(image, np.asarray(kernel)[::-1, ::-1], mode)


def sobel(image: np.ndarray, mode: str = "reflect") -> tuple[np.ndarray, np.ndarray]:
    """(gx, gy): unnormalised 3x3 Sobel derivatives, positive where the image brightens to the
    right (gx) and downward (gy)."""
    kx = np.outer([1, 2, 1], [-1, 0, 1])  # smooth along y, central difference along x
    return correlate2d(image, kx, mode), correlate2d(image, kx.T, mode)


def gaussian_kernel1d(sigma: float, radius: int | None = None) -> np.ndarray:
    """Weights exp(-x^2 / (2 sigma^2)) for x = -radius..radius, normalised to sum to 1 (float64)."""
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    radius = int(4.0 * sigma + 0.5) if radius is None else int(radius)
    x = np.arange(-radius, radius + 1)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    return w / w.sum()


def gaussian_blur(image: np.ndarray, sigma: float, mode: str = "reflect") -> np.ndarray:
    """Separable Gaussian blur: a 1-D pass along x, then along y (2 (2r + 1) taps per pixel, not (2r + 1)^2)."""
    w = gaussian_kernel1d(sigma)
    out = correlate2d(image, w[None, :], mode)
    return correlate2d(out, w[:, None], mode)
