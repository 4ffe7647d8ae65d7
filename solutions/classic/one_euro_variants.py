"""Known-wrong answers to classic/one_euro; `nox -s verify` proves the tests catch every one."""

import numpy as np


def _mutant(*, inverted_alpha=False, raw_speed=False, raw_previous=False, speed_from_raw=False,
            unit_step=False, zero_start=False):
    def alpha(te, cutoff):
        tau = 1.0 / (2 * np.pi * cutoff)
        return 1.0 / (1.0 + te / tau) if inverted_alpha else 1.0 / (1.0 + tau / te)

    def one_euro_filter(values, timestamps, min_cutoff=1.0, beta=0.0, d_cutoff=1.0):
        x = np.asarray(values, dtype=np.float64)
        t = np.asarray(timestamps, dtype=np.float64)
        if x.ndim not in (1, 2) or t.shape != (len(x),) or np.any(np.diff(t) <= 0):
            raise ValueError("bad input")
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError("bad parameters")
        out = np.empty_like(x)
        if len(x) == 0:
            return out
        out[0] = 0.0 if zero_start else x[0]
        dx = np.zeros_like(x[0])
        for i in range(1, len(x)):
            te = 1.0 if unit_step else t[i] - t[i - 1]
            a_d = alpha(te, d_cutoff)
            speed = (x[i] - (x[i - 1] if speed_from_raw else out[i - 1])) / te
            dx = a_d * speed + (1 - a_d) * dx
            a = alpha(te, min_cutoff + beta * np.abs(speed if raw_speed else dx))
            out[i] = a * x[i] + (1 - a) * (x[i - 1] if raw_previous else out[i - 1])
        return out

    return one_euro_filter


WRONG = {
    "alpha_inverted": {"one_euro_filter": _mutant(inverted_alpha=True)},
    "cutoff_from_raw_speed": {"one_euro_filter": _mutant(raw_speed=True)},
    "smooths_towards_raw_previous": {"one_euro_filter": _mutant(raw_previous=True)},
    "speed_from_raw_previous": {"one_euro_filter": _mutant(speed_from_raw=True)},
    "ignores_timestamps": {"one_euro_filter": _mutant(unit_step=True)},
    "first_sample_filtered_from_zero": {"one_euro_filter": _mutant(zero_start=True)},
}
SLOW = {}
