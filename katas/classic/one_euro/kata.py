"""The One Euro filter · 一欧元滤波（关键点防抖）

Keypoints from a pose or landmark model jitter from frame to frame. The One Euro filter
(Casiez, Roussel and Vogel, CHI 2012) is a low-pass filter whose cutoff frequency rises with the
signal's speed: strong smoothing when the point is still, little lag when it moves fast.

Run the tests: pytest katas/classic/one_euro
"""

import numpy as np

__all__ = ["one_euro_filter"]


def one_euro_filter(values: np.ndarray, timestamps: np.ndarray, min_cutoff: float = 1.0, beta: float = 0.0,
                    d_cutoff: float = 1.0) -> np.ndarray:
    """Filter a sampled signal with the One Euro filter.

    Args:
        values: float array of shape (T,) or (T, D): T samples of a signal, or of D signals (for
            example the x and y of keypoints) filtered independently, column by column.
        timestamps: float array of shape (T,), in seconds, **strictly increasing** and not
            necessarily evenly spaced.
        min_cutoff: minimum cutoff frequency in Hz (> 0): the smoothing when the signal is still.
        beta: speed coefficient (>= 0): how fast the cutoff rises with the signal's speed.
        d_cutoff: cutoff frequency in Hz (> 0) of the low-pass filter on the derivative.

    The filter, with x_i the input and y_i the output:
        - smoothing factor of a first-order low-pass with cutoff fc over a step of Te seconds:
          ``alpha(Te, fc) = 1 / (1 + tau / Te)`` with ``tau = 1 / (2 * pi * fc)``;
        - first sample: ``y_0 = x_0`` (passes through unchanged) and the filtered derivative
          ``dy_0 = 0``;
        - for i >= 1, with ``Te = t_i - t_{i-1}`` (the actual step, from the timestamps):
            ``d = (x_i - y_{i-1}) / Te``  (speed measured from the previous **filtered** value,
            as in the paper's algorithm; see "Canonical code");
            ``dy_i = a_d * d + (1 - a_d) * dy_{i-1}`` with ``a_d = alpha(Te, d_cutoff)``;
            ``fc = min_cutoff + beta * |dy_i|``  (uses the **filtered** derivative);
            ``y_i = a * x_i + (1 - a) * y_{i-1}`` with ``a = alpha(Te, fc)``.
        For (T, D) input each column has its own dy and fc.

    Returns:
        a new float64 array of the shape of ``values`` (float64 also for float32 values, and never
        ``values`` itself, even for T = 1). T = 0 gives an empty array of that shape.

    Errors (``ValueError``): values not of shape (T,) or (T, D) matching the timestamps;
    timestamps not strictly increasing; min_cutoff <= 0 or d_cutoff <= 0 or beta < 0.

    Inputs must not be modified. The loop over time is inherently sequential; vectorise over D.

    Canonical code: Casiez's reference implementation (``OneEuroFilter.py``: ``LowPassFilter`` and
    ``OneEuroFilter(freq, mincutoff, beta, dcutoff)``, whose rate follows the timestamps) agrees on
    alpha, on the derivative filtered with dcutoff, on the first sample passing through with dy_0 = 0
    (test_first_sample_passes_through) and on Te from each step's timestamps
    (test_step_length_comes_from_the_timestamps, where a fixed rate is the other convention). It
    differs in one convention: its ``lastValue()`` is the previous raw sample, so it measures the
    speed from x_{i-1}, not y_{i-1} (test_speed_from_the_previous_filtered_value; the other tests
    accept both). It checks freq, mincutoff and dcutoff but not the shapes or the timestamps' order.
    """
    raise NotImplementedError("one_euro_filter")
