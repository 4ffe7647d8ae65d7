"""Known-wrong answers to classic/one_euro and one in the style of Casiez's reference code; `nox -s verify`
proves the tests catch every wrong one and that the reference-code style ends as kata.toml declares."""

import math

import numpy as np


def _mutant(*, inverted_alpha=False, raw_speed=False, raw_previous=False, speed_from_raw=False,
            unit_step=False, mean_step=False, zero_start=False, dy_starts_raw=False, in_place=False,
            keep_dtype=False, same_object=False, check_shapes=True, check_times=True, check_params=True):
    def alpha(te, cutoff):
        tau = 1.0 / (2 * np.pi * cutoff)
        return 1.0 / (1.0 + te / tau) if inverted_alpha else 1.0 / (1.0 + tau / te)

    def one_euro_filter(values, timestamps, min_cutoff=1.0, beta=0.0, d_cutoff=1.0):
        dtype = np.asarray(values).dtype if keep_dtype else np.float64
        x = np.asarray(values, dtype=dtype)
        t = np.asarray(timestamps, dtype=np.float64)
        if check_shapes and (x.ndim not in (1, 2) or t.shape != (len(x),)):
            raise ValueError("bad shapes")
        if check_times and np.any(np.diff(t) <= 0):
            raise ValueError("timestamps must increase")
        if check_params and (min_cutoff <= 0 or d_cutoff <= 0 or beta < 0):
            raise ValueError("bad parameters")
        if same_object and len(x) <= 1:
            return x  # nothing to filter: hands back the caller's array itself
        out = x if in_place else np.empty_like(x)  # in place: writes into the caller's float64 array
        if len(x) == 0:
            return out
        prev_raw = x[0].copy()
        out[0] = 0.0 if zero_start else x[0]
        dx = None if dy_starts_raw else np.zeros_like(x[0])
        fixed = (t[-1] - t[0]) / (len(t) - 1) if len(t) > 1 else 1.0
        with np.errstate(all="ignore"):
            for i in range(1, len(x)):
                te = 1.0 if unit_step else fixed if mean_step else t[i] - t[i - 1]
                a_d = alpha(te, d_cutoff)
                speed = (x[i] - (prev_raw if speed_from_raw else out[i - 1])) / te
                dx = speed if dx is None else a_d * speed + (1 - a_d) * dx  # dy_starts_raw: no blend with 0
                a = alpha(te, min_cutoff + beta * np.abs(speed if raw_speed else dx))
                previous = prev_raw if raw_previous else out[i - 1]
                prev_raw = x[i].copy()
                out[i] = a * x[i] + (1 - a) * previous
        return out

    return one_euro_filter


# Written anew in the style of Casiez's reference Python code (OneEuroFilter.py: LowPassFilter, whose
# lastValue() is the last RAW value, and OneEuroFilter(freq, mincutoff, beta, dcutoff), whose
# frequency follows the timestamps), one filter object per column.

class _LowPass:
    def __init__(self, alpha):
        self._set_alpha(alpha)
        self._y = self._s = None

    def _set_alpha(self, alpha):
        alpha = float(alpha)
        if alpha <= 0 or alpha > 1.0:
            raise ValueError(f"alpha ({alpha}) should be in (0.0, 1.0]")
        self._alpha = alpha

    def __call__(self, value, timestamp=None, alpha=None):
        if alpha is not None:
            self._set_alpha(alpha)
        s = value if self._y is None else self._alpha * value + (1.0 - self._alpha) * self._s
        self._y, self._s = value, s
        return s

    def last_value(self):
        return self._y


class _OneEuro:
    def __init__(self, freq, mincutoff=1.0, beta=0.0, dcutoff=1.0):
        if freq <= 0:
            raise ValueError("freq should be >0")
        if mincutoff <= 0:
            raise ValueError("mincutoff should be >0")
        if dcutoff <= 0:
            raise ValueError("dcutoff should be >0")
        self._freq, self._mincutoff = float(freq), float(mincutoff)
        self._beta, self._dcutoff = float(beta), float(dcutoff)
        self._x = _LowPass(self._alpha(self._mincutoff))
        self._dx = _LowPass(self._alpha(self._dcutoff))
        self._lasttime = None

    def _alpha(self, cutoff):
        te = 1.0 / self._freq
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / te)

    def __call__(self, x, timestamp=None):
        if self._lasttime and timestamp:
            self._freq = 1.0 / (timestamp - self._lasttime)
        self._lasttime = timestamp
        prev_x = self._x.last_value()
        dx = 0.0 if prev_x is None else (x - prev_x) * self._freq
        edx = self._dx(dx, timestamp, alpha=self._alpha(self._dcutoff))
        cutoff = self._mincutoff + self._beta * math.fabs(edx)
        return self._x(x, timestamp, alpha=self._alpha(cutoff))


def casiez_reference_style(values, timestamps, min_cutoff=1.0, beta=0.0, d_cutoff=1.0):
    x = np.asarray(values, dtype=np.float64)
    t = [float(v) for v in np.asarray(timestamps, dtype=np.float64)]
    if len(t) != len(x):
        raise ValueError("one timestamp per sample")
    cols = x.reshape(len(x), int(np.prod(x.shape[1:])))  # (T,) -> (T, 1); no shape check
    freq = 1.0 / (t[1] - t[0]) if len(t) > 1 else 1.0  # the first step's rate; later steps follow the timestamps
    out = np.empty_like(cols)
    for j in range(cols.shape[1]):
        f = _OneEuro(freq, min_cutoff, beta, d_cutoff)
        out[:, j] = [f(float(v), ts) for v, ts in zip(cols[:, j], t)]
    return out.reshape(x.shape)


WRONG = {
    "alpha_inverted": {"one_euro_filter": _mutant(inverted_alpha=True)},
    "cutoff_from_raw_speed": {"one_euro_filter": _mutant(raw_speed=True)},
    "smooths_towards_raw_previous": {"one_euro_filter": _mutant(raw_previous=True)},
    "speed_from_raw_previous": {"one_euro_filter": _mutant(speed_from_raw=True)},
    "ignores_timestamps": {"one_euro_filter": _mutant(unit_step=True)},
    "fixed_rate_from_mean_step": {"one_euro_filter": _mutant(mean_step=True)},
    "first_sample_filtered_from_zero": {"one_euro_filter": _mutant(zero_start=True)},
    "derivative_starts_unfiltered": {"one_euro_filter": _mutant(dy_starts_raw=True)},
    "writes_into_values": {"one_euro_filter": _mutant(in_place=True)},
    "keeps_float32": {"one_euro_filter": _mutant(keep_dtype=True)},
    "returns_values_when_short": {"one_euro_filter": _mutant(same_object=True)},
    "no_shape_check": {"one_euro_filter": _mutant(check_shapes=False)},
    "no_timestamp_check": {"one_euro_filter": _mutant(check_times=False)},
    "no_parameter_check": {"one_euro_filter": _mutant(check_params=False)},
}
CANONICAL = {"casiez_reference": {"one_euro_filter": casiez_reference_style}}
SLOW = {}
