"""Known-wrong, canonical-style and slow-but-correct answers to classic/filter2d; `nox -s verify`
proves the tests catch every one. Never shown to learners."""

import numpy as np

PAD = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "mirror": "reflect"}


def _mutant(*, flip="both", pad=None, normalise=True, truncate=4.0, swap=False, sobel_conv=False,
            default="reflect", cast_back=False, upcast=False, check_mode=True, check_even=True, check_sigma=True):
    pads = {**PAD, **(pad or {})}

    def as_float(image):
        image = np.asarray(image)
        if upcast or image.dtype not in (np.float32, np.float64):
            return image.astype(np.float64)
        return image

    def finish(out, image):
        dt = np.asarray(image).dtype
        if cast_back and dt.kind in "iub":
            info = np.iinfo(dt) if dt.kind in "iu" else None
            out = np.clip(np.rint(out), info.min, info.max) if info else out != 0
            return out.astype(dt)
        return out

    def correlate2d(image, kernel, mode=default):
        img, k = as_float(image), np.asarray(kernel, np.float64)
        kh, kw = k.shape
        if check_even and (kh % 2 == 0 or kw % 2 == 0):
            raise ValueError("even kernel")
        if check_mode and mode not in PAD:
            raise ValueError("mode")
        h, w = img.shape
        if img.size == 0:
            return finish(np.zeros((h, w), img.dtype), image)
        p = np.pad(img, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=pads.get(mode, mode))
        out = np.zeros((h, w), img.dtype)
        for i in range(kh):
            for j in range(kw):
                out += k[i, j].astype(img.dtype) * p[i:i + h, j:j + w]
        return finish(out, image)

    def convolve2d(image, kernel, mode=default):
        k = np.asarray(kernel)
        k = {"both": k[::-1, ::-1], "rows": k[::-1], "none": k}[flip]
        return correlate2d(image, k, mode)

    def sobel(image, mode=default):
        kx = np.outer([1, 2, 1], [-1, 0, 1])
        op = convolve2d if sobel_conv else correlate2d
        gx, gy = op(image, kx, mode), op(image, kx.T, mode)
        return (gy, gx) if swap else (gx, gy)

    def gaussian_kernel1d(sigma, radius=None):
        if check_sigma and not sigma > 0:
            raise ValueError("sigma")
        sigma = abs(sigma)
        r = int(truncate * sigma + 0.5) if radius is None else int(radius)
        x = np.arange(-r, r + 1)
        w = np.exp(-x ** 2 / (2 * sigma ** 2))
        return w / w.sum() if normalise else w / (sigma * np.sqrt(2 * np.pi))

    def gaussian_blur(image, sigma, mode=default):
        w = gaussian_kernel1d(sigma)
        dt = np.asarray(image).dtype
        out = correlate2d(as_float(image), w[None, :], mode)
        out = correlate2d(out, w[:, None], mode)
        return finish(out, np.zeros(0, dt))

    return {"correlate2d": correlate2d, "convolve2d": convolve2d, "sobel": sobel,
            "gaussian_kernel1d": gaussian_kernel1d, "gaussian_blur": gaussian_blur}


def _scipy_style():
    """Like scipy.ndimage: everything is built from 1-D correlations along one axis (correlate1d);
    a 2-D correlation is a sum of 1-D correlations of shifted rows; sobel = correlate1d with
    [-1, 0, 1] along the derivative axis and [1, 2, 1] along the other; gaussian_filter =
    correlate1d with the truncated, normalised kernel along each axis in turn."""
    modes = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "mirror": "reflect"}

    def output_type(x):
        x = np.asarray(x)
        return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)

    def correlate1d(x, weights, axis, mode):
        if mode not in modes:
            raise ValueError(f"boundary mode not supported: {mode!r}")
        x = output_type(x)
        weights = np.asarray(weights, np.float64)
        r = len(weights) // 2
        if x.size == 0:
            return x.copy()
        x = np.moveaxis(x, axis, -1)
        n = x.shape[-1]
        padded = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(r, r)], mode=modes[mode])
        out = np.zeros_like(x)
        for k, wk in enumerate(weights):
            out += x.dtype.type(wk) * padded[..., k:k + n]
        return np.moveaxis(out, -1, axis)

    def correlate2d(image, kernel, mode="reflect"):
        kernel = np.asarray(kernel, np.float64)
        if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
            raise ValueError("kernel sides must be odd")
        image = output_type(image)
        out = np.zeros_like(image)
        r = kernel.shape[0] // 2
        for i, row in enumerate(kernel):  # row i of the kernel reads image row y + i - r
            shifted = correlate1d(image, row, axis=1, mode=mode)
            out += correlate1d(shifted, np.eye(2 * r + 1)[i], axis=0, mode=mode)
        return out

    def convolve2d(image, kernel, mode="reflect"):
        return correlate2d(image, np.asarray(kernel)[::-1, ::-1], mode)

    def sobel(image, mode="reflect"):
        gx = correlate1d(correlate1d(image, [-1, 0, 1], 1, mode), [1, 2, 1], 0, mode)
        gy = correlate1d(correlate1d(image, [-1, 0, 1], 0, mode), [1, 2, 1], 1, mode)
        return gx, gy

    def gaussian_kernel1d(sigma, radius=None):
        if sigma <= 0:
            raise ValueError("sigma must be positive")
        radius = int(4.0 * float(sigma) + 0.5) if radius is None else radius
        x = np.arange(-radius, radius + 1)
        phi = np.exp(-0.5 / (sigma * sigma) * x ** 2)
        return phi / phi.sum()

    def gaussian_blur(image, sigma, mode="reflect"):
        w = gaussian_kernel1d(sigma)
        return correlate1d(correlate1d(image, w, 1, mode), w, 0, mode)

    return {"correlate2d": correlate2d, "convolve2d": convolve2d, "sobel": sobel,
            "gaussian_kernel1d": gaussian_kernel1d, "gaussian_blur": gaussian_blur}


def _opencv_style():
    """Like OpenCV: filter2D is a correlation (anchor at the centre), borders default to
    BORDER_REFLECT_101 ('mirror'), and ddepth=-1 returns the source depth (uint8 saturated)."""
    border = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "mirror": "reflect"}

    def saturate(dst, src):
        src = np.asarray(src)
        if src.dtype == np.uint8:
            return np.clip(np.rint(dst), 0, 255).astype(np.uint8)
        return dst.astype(src.dtype) if src.dtype in (np.float32, np.float64) else dst

    def filter2d(src, kernel, mode="mirror"):
        if mode not in border:
            raise ValueError("unsupported border type")
        kernel = np.asarray(kernel, np.float64)
        kh, kw = kernel.shape
        if kh % 2 == 0 or kw % 2 == 0:
            raise ValueError("anchor must be the kernel centre: odd sizes only")
        img = np.asarray(src, np.float64)
        h, w = img.shape
        dst = np.zeros((h, w))
        if img.size:
            p = np.pad(img, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode=border[mode])
            for i in range(kh):
                for j in range(kw):
                    dst += kernel[i, j] * p[i:i + h, j:j + w]
        return saturate(dst, src)

    def convolve(src, kernel, mode="mirror"):
        return filter2d(src, np.asarray(kernel)[::-1, ::-1], mode)

    def sobel(src, mode="mirror"):
        kx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float64)
        return filter2d(src, kx, mode), filter2d(src, kx.T, mode)

    def get_gaussian_kernel(sigma, radius=None):
        if sigma <= 0:
            raise ValueError("sigma must be positive")
        r = int(4.0 * sigma + 0.5) if radius is None else radius
        x = np.arange(-r, r + 1)
        g = np.exp(-(x * x) / (2 * sigma * sigma))
        return g / g.sum()

    def gaussian_blur(src, sigma, mode="mirror"):
        g = get_gaussian_kernel(sigma)
        rows = filter2d(np.asarray(src, np.float64), g[None, :], mode)
        return saturate(filter2d(rows, g[:, None], mode), src)

    return {"correlate2d": filter2d, "convolve2d": convolve, "sobel": sobel,
            "gaussian_kernel1d": get_gaussian_kernel, "gaussian_blur": gaussian_blur}


def _slow(kind):
    from solutions.classic import filter2d as ref

    def gaussian_blur(image, sigma, mode="reflect"):
        w = ref.gaussian_kernel1d(sigma)
        k = np.outer(w, w)
        if kind == "full_2d_kernel":
            return ref.correlate2d(image, k, mode)  # (2r + 1)^2 taps per pixel
        img = np.asarray(image)
        img = img if img.dtype in (np.float32, np.float64) else img.astype(np.float64)
        r = len(w) // 2
        h, wd = img.shape
        if img.size == 0:
            return np.zeros((h, wd), img.dtype)
        if mode not in ref.PAD:
            raise ValueError("mode")
        p = np.pad(img, r, mode=ref.PAD[mode])
        out = np.empty((h, wd), img.dtype)
        for y in range(h):  # a Python loop over pixels
            for x in range(wd):
                out[y, x] = (p[y:y + 2 * r + 1, x:x + 2 * r + 1] * k).sum()
        return out

    return {"correlate2d": ref.correlate2d, "convolve2d": ref.convolve2d, "sobel": ref.sobel,
            "gaussian_kernel1d": ref.gaussian_kernel1d, "gaussian_blur": gaussian_blur}


WRONG = {
    "convolution_not_flipped": _mutant(flip="none"),
    "flips_one_axis": _mutant(flip="rows"),
    "reflect_as_mirror": _mutant(pad={"reflect": "reflect"}),
    "gaussian_not_normalised": _mutant(normalise=False),
    "gaussian_radius_3_sigma": _mutant(truncate=3.0),
    "sobel_axes_swapped": _mutant(swap=True),
    "sobel_by_convolution": _mutant(sobel_conv=True),
    "default_zero_padding": _mutant(default="constant"),
    "casts_back_to_input_dtype": _mutant(cast_back=True),
    "float32_upcast": _mutant(upcast=True),
    "no_mode_check": _mutant(check_mode=False),
    "even_kernel_accepted": _mutant(check_even=False),
    "sigma_unchecked": _mutant(check_sigma=False),
}
CANONICAL = {"scipy_ndimage": _scipy_style(), "opencv": _opencv_style()}
SLOW = {"full_2d_kernel": _slow("full_2d_kernel"), "per_pixel_loop": _slow("per_pixel_loop")}
