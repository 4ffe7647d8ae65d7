"""Tests for classic/one_euro. Run: pytest katas/classic/one_euro

The paper's algorithm measures the speed from the previous filtered value; Casiez's reference code
(OneEuroFilter.py, LowPassFilter.lastValue()) from the previous raw sample. Correctness tests accept
either and read results leniently; they sample at a fixed rate, so that the per-step Te convention
does not decide them. The speed source, the first-sample rule, per-step Te and float64 output are one
convention test each."""

import math

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

TOL = {"rtol": 1e-10, "atol": 1e-12}  # the same float64 recursion: only rounding differs
TOL32 = {"rtol": 1e-5, "atol": 1e-6}  # float32 input, computed in float32 or float64
TWO_PI = 2 * math.pi
WHY = ("y_0 = x_0; then per step Te = t_i - t_{i-1}: dy from (x_i - y_{i-1}) / Te through alpha(Te, d_cutoff); "
       "fc = min_cutoff + beta |dy|; y_i = a x_i + (1 - a) y_{i-1} with a = alpha(Te, fc)")


def one_euro_scalar(xs, ts, min_cutoff, beta, d_cutoff, raw_speed=False):
    """The filter of Casiez et al. for one signal, one sample at a time, in plain Python; `raw_speed`
    measures the speed from the previous raw sample, as the reference code does."""
    def alpha(te, fc):
        return 1.0 / (1.0 + (1.0 / (TWO_PI * fc)) / te)

    out, dy = [], 0.0
    for i, (x, t) in enumerate(zip(xs, ts)):
        if i == 0:
            out.append(x)
            continue
        te = t - ts[i - 1]
        a_d = alpha(te, d_cutoff)
        dy = a_d * (x - (xs[i - 1] if raw_speed else out[-1])) / te + (1 - a_d) * dy
        a = alpha(te, min_cutoff + beta * abs(dy))
        out.append(a * x + (1 - a) * out[-1])
    return out


def expected_filter(values, timestamps, min_cutoff=1.0, beta=0.0, d_cutoff=1.0, raw_speed=False):
    x = np.asarray(values, np.float64)
    ts = np.asarray(timestamps, np.float64).tolist()
    cols = x.reshape(len(x), -1).T
    out = np.array([one_euro_scalar(c.tolist(), ts, min_cutoff, beta, d_cutoff, raw_speed) for c in cols]).T
    return out.reshape(x.shape)


def read(call, values):
    """The result as a float64 array of the shape of `values` (its exact dtype and whether it is a new
    array are test_returns_a_new_float64_array's business)."""
    __tracebackhide__ = True
    out = np.asarray(call.out)
    if out.dtype.kind not in "fiu" or out.shape != np.shape(values):
        fail(f"expected a float array of shape {np.shape(values)}", call=call, got=show(call.out))
    return out.astype(np.float64)


def check(impl, values, timestamps, expected=None, why=None, alternative=None, tol=TOL, **params):
    """Compare with `expected` (the paper's recursion by default); an answer that matches
    `alternative` (by default the reference code's raw-sample speed) passes too."""
    __tracebackhide__ = True
    call = Call(impl.one_euro_filter, values, timestamps, **params)
    got = read(call, values)
    if expected is None:
        expected = expected_filter(values, timestamps, **params)
        alternative = expected_filter(values, timestamps, raw_speed=True, **params)
    if alternative is not None and np.allclose(got, alternative, **tol):
        return got
    assert_close(got, expected, **tol, call=call, what="filtered values", why=why or WHY)
    return got


def jittery_track(n, rng, dims=None, rate=60.0):
    """A moving point with measurement jitter, sampled at `rate` Hz from a random start time."""
    t = rng.uniform(0, 100) + np.arange(n) / rate
    shape = (n,) if dims is None else (n, dims)
    motion = np.cumsum(rng.normal(0, 2.0, shape), axis=0)
    return motion + rng.normal(0, 0.5, shape), t


# 1. By hand (cutoffs chosen so that tau = 1 / (2 pi fc) is a simple number).

def test_fixed_cutoff_by_hand(impl):
    # fc = 3 / (2 pi): tau = 1/3 s; with Te = 1 s, alpha = 1 / (1 + 1/3) = 0.75.
    check(impl, np.array([0.0, 1.0, 1.0]), np.array([0.0, 1.0, 2.0]), [0.0, 0.75, 0.9375],
          "tau = 1/3, Te = 1: alpha = 1 / (1 + tau / Te) = 0.75; y = 0, 0.75 * 1, 0.75 * 1 + 0.25 * 0.75",
          min_cutoff=3 / TWO_PI)


def test_adaptive_cutoff_by_hand(impl):
    # tau_d = 1 (a_d = 0.5 at Te = 1); min_cutoff 3 / (2 pi), beta 1 / (2 pi):
    # step 1: d = (2 - 0) / 1 = 2, dy = 1, fc = 4 / (2 pi), tau = 1/4, a = 0.8, y = 1.6
    # step 2: d = (2 - 1.6) / 1 = 0.4, dy = 0.5 * 0.4 + 0.5 * 1 = 0.7, fc = 3.7 / (2 pi), a = 3.7 / 4.7
    # (measured from the raw 2 instead, as the reference code does: speed 0, dy = 0.5, a = 3.5 / 4.5)
    a2, r2 = 3.7 / 4.7, 3.5 / 4.5
    check(impl, np.array([0.0, 2.0, 2.0]), np.array([0.0, 1.0, 2.0]), [0.0, 1.6, a2 * 2 + (1 - a2) * 1.6],
          "step 1: speed 2, filtered speed 1, cutoff 4/(2 pi), a = 0.8 -> 1.6; step 2: speed from the filtered 1.6 "
          "is 0.4, filtered speed 0.7, cutoff 3.7/(2 pi), a = 3.7/4.7; the cutoff uses the filtered speed",
          alternative=[0.0, 1.6, r2 * 2 + (1 - r2) * 1.6],
          min_cutoff=3 / TWO_PI, beta=1 / TWO_PI, d_cutoff=1 / TWO_PI)


@pytest.mark.convention("speed from the previous filtered value (paper)")
def test_speed_from_the_previous_filtered_value(impl):
    a2 = 3.7 / 4.7
    check(impl, np.array([0.0, 2.0, 2.0]), np.array([0.0, 1.0, 2.0]), [0.0, 1.6, a2 * 2 + (1 - a2) * 1.6],
          "step 2: the speed is (x_2 - y_1) / Te = (2 - 1.6) / 1 = 0.4, from the previous FILTERED value as in the "
          "paper's algorithm; Casiez's reference code takes the previous raw sample (2 - 2 = 0) instead",
          min_cutoff=3 / TWO_PI, beta=1 / TWO_PI, d_cutoff=1 / TWO_PI)


@pytest.mark.convention("Te = t_i - t_(i-1) at each step, not a fixed rate")
def test_step_length_comes_from_the_timestamps(impl):
    # tau = 1 s. Steps of 0.5 s and 2 s: alpha = 1 / (1 + 1 / 0.5) = 1/3, then 1 / (1 + 1 / 2) = 2/3.
    check(impl, np.array([0.0, 1.0, 1.0]), np.array([10.0, 10.5, 12.5]), [0.0, 1 / 3, 2 / 3 + 1 / 9],
          "Te = 0.5 s then 2 s (tau = 1 s): alpha = 1/3, then 2/3, so y = 0, 1/3, 2/3 * 1 + 1/3 * 1/3; a fixed "
          "rate (one Te for every step, e.g. the mean 1.25 s) smooths both steps alike", min_cutoff=1 / TWO_PI)


@pytest.mark.convention("first sample passes through, dy_0 = 0")
def test_first_sample_passes_through(impl):
    check(impl, np.array([7.5]), np.array([3.0]), [7.5], "y_0 = x_0: there is nothing to smooth with yet")
    check(impl, np.array([[7.5, -2.0]]), np.array([3.0]), [[7.5, -2.0]], "y_0 = x_0, column by column")
    # dy_0 = 0, so dy_1 = a_d * d_1 = 0.5 * 2 = 1 (not the unfiltered 2): fc = 4 / (2 pi), a = 0.8.
    check(impl, np.array([5.0, 7.0]), np.array([0.0, 1.0]), [5.0, 5.0 + 0.8 * 2],
          "y_0 = x_0 = 5 and dy_0 = 0: the derivative filter blends the first speed 2 with 0 (a_d = 0.5), "
          "dy_1 = 1, fc = 3/(2 pi) + 1/(2 pi), a = 0.8, y_1 = 5 + 0.8 * 2",
          min_cutoff=3 / TWO_PI, beta=1 / TWO_PI, d_cutoff=1 / TWO_PI)


def test_no_samples(impl):
    for values in (np.zeros(0), np.zeros((0, 3))):
        call = Call(impl.one_euro_filter, values, np.zeros(0))
        if np.shape(call.out) != values.shape:
            fail(f"no samples must give an empty result of shape {values.shape}", call=call, got=show(call.out))


# 2. Against the scalar recursion, seeded.

@pytest.mark.parametrize("n, rate", [(1, 60.0), (2, 30.0), (3, 60.0), (50, 120.0), (200, 60.0)])
@pytest.mark.parametrize("beta", [0.0, 0.007, 1.0])
def test_matches_scalar_recursion(impl, n, rate, beta):
    rng = np.random.default_rng(n + int(beta * 1000))
    for min_cutoff, d_cutoff in ((1.0, 1.0), (0.3, 2.5)):
        x, t = jittery_track(n, rng, rate=rate)
        check(impl, x, t, min_cutoff=min_cutoff, beta=beta, d_cutoff=d_cutoff)


def test_default_parameters(impl):
    rng = np.random.default_rng(8)
    x, t = jittery_track(30, rng)
    check(impl, x, t, expected_filter(x, t, 1.0, 0.0, 1.0),
          "defaults min_cutoff = 1 Hz, beta = 0, d_cutoff = 1 Hz: with beta = 0 a fixed 1 Hz low-pass")
    # d_cutoff matters only once beta > 0; the oracle's defaults are the statement's (1 Hz, 1 Hz)
    check(impl, x, t, why="defaults min_cutoff = 1 Hz and d_cutoff = 1 Hz, here with beta = 0.5", beta=0.5)


@pytest.mark.parametrize("dims", [1, 2, 5])
def test_columns_are_filtered_independently(impl, dims):
    rng = np.random.default_rng(dims)
    x, t = jittery_track(120, rng, dims)
    x[:, 0] *= 50  # a fast column next to slow ones: each column has its own speed and cutoff
    out = check(impl, x, t, min_cutoff=0.5, beta=0.05)
    for j in range(dims):
        one = Call(impl.one_euro_filter, x[:, j].copy(), t, min_cutoff=0.5, beta=0.05)
        assert_close(out[:, j], one.out, **TOL, call=one, what=f"column {j} filtered alone vs within (T, {dims})",
                     why="columns are independent signals: each keeps its own derivative and cutoff")


def test_float32_input(impl):
    rng = np.random.default_rng(9)
    x, t = jittery_track(40, rng)
    check(impl, x.astype(np.float32), t, tol=TOL32, beta=0.1)  # float32 x holds the values the oracle uses


# Output form and bad input.

@pytest.mark.convention("a new float64 array, also for float32 input")
def test_returns_a_new_float64_array(impl):
    rng = np.random.default_rng(9)
    x, t = jittery_track(40, rng)
    x32 = x.astype(np.float32)
    call = Call(impl.one_euro_filter, x32, t, beta=0.1)
    assert_array(call.out, dtype=np.float64, shape=x.shape, call=call, what="result for float32 values")
    if not np.allclose(call.out, expected_filter(x32, t, beta=0.1, raw_speed=True), **TOL):
        assert_close(call.out, expected_filter(x32, t, beta=0.1), **TOL, call=call, what="filtered values",
                     why="float32 values are computed in float64")
    for values in (np.array([7.5]), np.zeros(0), np.array([1.0, 2.0, 4.0])):
        call = Call(impl.one_euro_filter, values, np.arange(len(values), dtype=np.float64))
        assert_array(call.out, dtype=np.float64, shape=values.shape, call=call)
        if np.shares_memory(call.out, values):
            fail("the result shares memory with `values`", call=call,
                 why="the result is a new array, also when a single sample passes through unchanged")


@pytest.mark.contract("values not (T,) / (T, D) like timestamps: ValueError")
def test_bad_shapes_raise(impl):
    t = np.array([0.0, 0.1, 0.2])
    assert_raises(ValueError, impl.one_euro_filter, np.zeros((3, 2, 2)), t,
                  why="values must be (T,) or (T, D); (T, 2, 2) would be filtered silently element by element")
    assert_raises(ValueError, impl.one_euro_filter, np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.1, 0.2, 0.3]),
                  why="one timestamp per sample: 4 timestamps for 3 samples")


@pytest.mark.contract("timestamps not strictly increasing: ValueError")
def test_timestamps_must_increase(impl):
    x = np.array([1.0, 2.0, 3.0])
    assert_raises(ValueError, impl.one_euro_filter, x, np.array([0.0, 0.1, 0.1]),
                  why="equal timestamps give Te = 0: the smoothing factor divides by it")
    assert_raises(ValueError, impl.one_euro_filter, x, np.array([0.0, 0.2, 0.1]), why="time must move forward")


@pytest.mark.contract("min_cutoff, d_cutoff <= 0 or beta < 0: ValueError")
def test_bad_parameters_raise(impl):
    x, t = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.1, 0.2])
    assert_raises(ValueError, impl.one_euro_filter, x, t, min_cutoff=-1.0, why="a cutoff frequency is > 0")
    assert_raises(ValueError, impl.one_euro_filter, x, t, min_cutoff=0.0, why="a cutoff of 0 Hz means tau = inf")
    assert_raises(ValueError, impl.one_euro_filter, x, t, d_cutoff=-1.0, why="d_cutoff is a frequency, > 0")
    assert_raises(ValueError, impl.one_euro_filter, x, t, beta=-1.0, why="beta must be >= 0")


# 4. Properties.

def test_constant_signal_stays_constant(impl):
    t = np.cumsum(np.random.default_rng(1).uniform(0.01, 0.05, 30))
    check(impl, np.full(30, 3.25), t, np.full(30, 3.25),
          "a constant signal has zero speed and every output is a blend of equal values", beta=0.5)


def test_beta_zero_is_a_fixed_first_order_low_pass(impl):
    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    t = np.arange(200) / 30.0  # 30 Hz
    a = 1 / (1 + (1 / (TWO_PI * 2.0)) * 30.0)
    # Unrolled: y_n = (1 - a)^n x_0 + sum_{k=1..n} a (1 - a)^(n - k) x_k, a convolution with a geometric kernel.
    decay = (1 - a) ** np.arange(200)
    expected = decay * x[0]
    expected[1:] += np.convolve(x[1:], a * decay)[:199]
    check(impl, x, t, expected, "with beta = 0 the cutoff never moves: y_i = a x_i + (1 - a) y_{i-1} with one "
          "fixed a = alpha(1/30 s, 2 Hz), an exponential moving average", min_cutoff=2.0, beta=0.0)


def test_larger_beta_lags_less_on_a_ramp(impl):
    t = np.arange(60) / 60.0
    ramp = 100.0 * t  # 100 units per second
    lags = []
    for beta in (0.0, 0.01, 0.1):
        call = Call(impl.one_euro_filter, ramp, t, min_cutoff=1.0, beta=beta)
        lags.append(float(ramp[-1] - np.asarray(call.out)[-1]))
    if not (lags[0] > lags[1] > lags[2] > 0):
        fail("on a ramp, the lag behind the input must shrink as beta grows", call=call,
             got=f"final lag for beta 0, 0.01, 0.1: {lags}",
             why="beta raises the cutoff with the (filtered) speed: less smoothing, less lag while moving")


def test_output_stays_within_the_input_range(impl):
    rng = np.random.default_rng(3)
    x, t = jittery_track(200, rng)
    call = Call(impl.one_euro_filter, x, t, beta=0.3)
    out = np.asarray(call.out)
    lo, hi = np.minimum.accumulate(x), np.maximum.accumulate(x)
    bad = np.flatnonzero((out < lo - 1e-9) | (out > hi + 1e-9))
    if bad.size:
        i = int(bad[0])
        fail(f"output {i} = {out[i]:.6g} leaves the range [{lo[i]:.6g}, {hi[i]:.6g}] of the inputs so far", call=call,
             why="each output is a convex blend (0 < alpha < 1) of the new input and the previous output")
