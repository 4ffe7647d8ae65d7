"""Tests for torch/syncbn_stats. Run: pytest katas/torch/syncbn_stats

The oracle is numpy on the concatenation of every device's samples: the per-device statistics handed
to merge_stats are computed from those samples, so the right answer is the statistics of the
whole batch. Correctness tests give empty devices finite statistics and never ask for the unbiased
variance of a single sample: an empty device holding NaN and N == 1 are convention tests."""

import numpy as np
import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail

TOL = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-6}}


def device_stats(slices, c):
    """Per-device (count, mean, biased var) of each (n_d, C) slice; an empty slice gets finite junk
    (correctness tests) that must be ignored all the same."""
    counts = np.array([len(s) for s in slices], dtype=np.int64)
    means = np.array([s.mean(0) if len(s) else np.full(c, 7.5) for s in slices]).reshape(len(slices), c)
    var = np.array([s.var(0) if len(s) else np.full(c, 3.25) for s in slices]).reshape(len(slices), c)
    return counts, means, var


def run(impl, counts, means, var, device, dtype, count_dtype=torch.int64, **kw):
    __tracebackhide__ = True
    args = (torch.tensor(counts, dtype=count_dtype, device=device), torch.tensor(means, dtype=dtype, device=device),
            torch.tensor(var, dtype=dtype, device=device))
    call = Call(impl.merge_stats, *args, **kw)
    count, mean, v = assert_returns(call, "count", "mean", "var")
    c = np.shape(means)[1]
    assert_array(count, kind="tensor", dtype=count_dtype, shape=(), device=device, call=call, what="count")
    assert_array(mean, kind="tensor", dtype=dtype, shape=(c,), device=device, call=call, what="mean")
    assert_array(v, kind="tensor", dtype=dtype, shape=(c,), device=device, call=call, what="var")
    return call, count, mean, v


# 1. By hand.

def test_two_devices_by_hand(impl, device):
    # channel 0: device 0 saw [1, 3], device 1 saw [5]; channel 1: [0, 0] and [6]
    counts, means, var = [2, 1], [[2.0, 0.0], [5.0, 6.0]], [[1.0, 0.0], [0.0, 0.0]]
    call, count, mean, v = run(impl, counts, means, var, device, torch.float64)  # unbiased omitted: biased
    assert_equal(count.item(), 3, call=call, what="count")
    assert_close(mean, [3.0, 2.0], call=call, what="global mean",
                 why="weighted by the counts: (2 * 2 + 1 * 5) / 3 = 3, not the plain average 3.5 of the two means")
    assert_close(v, [8 / 3, 8.0], call=call, what="global biased variance (the default)",
                 why="M2 = sum n_d * (var_d + (mean_d - mean)^2) = 2 * (1 + 1) + 1 * (0 + 4) = 8 for channel 0, "
                     "divided by N = 3: the variance of [1, 3, 5]; the device means' spread counts too")
    call, count, mean, v = run(impl, counts, means, var, device, torch.float64, unbiased=True)
    assert_close(v, [4.0, 12.0], call=call, what="global unbiased variance",
                 why="M2 / (N - 1) = 8 / 2 = 4 for [1, 3, 5] and 24 / 2 = 12 for [0, 0, 6]")


def test_single_device_gives_back_its_statistics(impl, device):
    call, count, mean, v = run(impl, [4], [[1.5, -2.0, 0.0]], [[0.25, 3.0, 0.0]], device, torch.float64)
    assert_equal(count.item(), 4, call=call, what="count")
    assert_close(mean, [1.5, -2.0, 0.0], call=call, what="mean", why="one device: its own statistics")
    assert_close(v, [0.25, 3.0, 0.0], call=call, what="biased variance", why="one device: its own variance")


# 2. Against numpy on the concatenated batch.

CASES = [  # (sizes of the device slices, channels)
    ((5, 3), 2), ((1,), 3), ((1, 1), 1), ((7, 0, 2, 9), 4), ((3, 12, 1, 6, 2, 8, 4, 5), 5), ((4, 6), 0),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("unbiased", [False, True], ids=["biased", "unbiased"])
def test_matches_numpy_on_the_concatenation(impl, device, dtype, unbiased):
    rng = np.random.default_rng(1)
    for k, (sizes, c) in enumerate(CASES):
        if unbiased and sum(sizes) == 1:
            continue  # N == 1 unbiased is the NaN convention test
        # devices with their own offsets and scales: the between-device spread matters
        slices = [rng.normal(rng.uniform(-3, 3, c), rng.uniform(0.5, 2, c), (n, c)) for n in sizes]
        counts, means, var = device_stats(slices, c)
        x = np.concatenate(slices)
        count_dtype = torch.float32 if k % 2 else torch.int64  # SyncBatchNorm passes float counts
        call, count, mean, v = run(impl, counts, means, var, device, dtype, count_dtype, unbiased=unbiased)
        assert_equal(count.item(), len(x), call=call, what="count")
        assert_close(mean, x.mean(0), **TOL[dtype], call=call, what="global mean",
                     why=f"numpy mean of the {len(x)} concatenated samples")
        assert_close(v, x.var(0, ddof=int(unbiased)), **TOL[dtype], call=call,
                     what=f"global {'unbiased' if unbiased else 'biased'} variance",
                     why=f"numpy var(ddof={int(unbiased)}) of the {len(x)} concatenated samples")


def test_large_mean_in_float32(impl, device):
    rng = np.random.default_rng(2)
    slices = [rng.normal(1e4 + rng.uniform(-1, 1), 1.0, (n, 3)) for n in (40, 25, 60)]
    counts, means, var = device_stats(slices, 3)
    x = np.concatenate(slices)
    call, _, mean, v = run(impl, counts, means, var, device, torch.float32)
    assert_close(mean, x.mean(0), rtol=1e-6, atol=0, call=call, what="global mean")
    assert_close(v, x.var(0), rtol=1e-3, atol=0, call=call, what="global variance (mean 1e4, variance about 1)",
                 why="E[x^2] - E[x]^2 subtracts two numbers near 1e8 whose float32 spacing is 8: nothing of the "
                     "variance survives. Sum n_d * (var_d + (mean_d - mean)^2) keeps every term small")


def test_empty_devices_are_ignored(impl, device):
    rng = np.random.default_rng(3)
    slices = [rng.normal(0, 1, (n, 2)) for n in (0, 4, 0, 3)]
    counts, means, var = device_stats(slices, 2)  # the empty devices report mean 7.5, var 3.25
    x = np.concatenate(slices)
    call, count, mean, v = run(impl, counts, means, var, device, torch.float64)
    assert_equal(count.item(), 7, call=call, what="count")
    assert_close(mean, x.mean(0), call=call, what="global mean",
                 why="a device with count 0 has no samples: its mean and variance must not enter the result")
    assert_close(v, x.var(0), call=call, what="global variance",
                 why="a device with count 0 has no samples: its mean and variance must not enter the result")


# 3. Conventions.

@pytest.mark.convention("empty devices: their NaN statistics ignored")
def test_empty_devices_with_nan_statistics_are_ignored(impl, device):
    counts, means, var = [2, 0, 1], [[2.0], [np.nan], [5.0]], [[1.0], [np.nan], [0.0]]
    call, count, mean, v = run(impl, counts, means, var, device, torch.float64)
    if torch.isnan(mean).any() or torch.isnan(v).any():
        fail("NaN in the result: the empty device's NaN mean leaked in", call=call, got=f"mean {mean}, var {v}",
             why="the mean of an empty slice is NaN and 0 * NaN is NaN: mask the devices with count 0 "
                 "(torch.where) instead of relying on their zero weight")
    assert_close(mean, [3.0], call=call, what="global mean", why="the batch is [1, 3] and [5]")
    assert_close(v, [8 / 3], call=call, what="global variance", why="the biased variance of [1, 3, 5]")


@pytest.mark.convention("unbiased variance of one sample: NaN")
def test_unbiased_variance_of_one_sample_is_nan(impl, device):
    call, count, mean, v = run(impl, [0, 1], [[0.0, 0.0], [2.0, -1.0]], [[0.0, 0.0], [0.0, 0.0]], device,
                               torch.float64, unbiased=True)
    assert_close(mean, [2.0, -1.0], call=call, what="mean")
    if not torch.isnan(v).all():
        fail("unbiased variance of a single sample: expected NaN", call=call, got=str(v),
             why="M2 / (N - 1) = 0 / 0, as numpy.var(ddof=1) and torch.var give; clamping N - 1 to 1 "
                 "would report a variance of 0 that the data cannot tell")


# 4. Input checks.

@pytest.mark.contract("negative count: ValueError")
def test_negative_count_raises(impl, device):
    counts = torch.tensor([3, -1, 2], device=device)
    means = torch.tensor([[0.0], [1.0], [2.0]], device=device)
    assert_raises(ValueError, impl.merge_stats, counts, means, torch.ones(3, 1, device=device),
                  why="a count is a number of samples: a negative one would silently give a wrong mean")


@pytest.mark.contract("every count 0: ValueError")
def test_all_counts_zero_raises(impl, device):
    counts = torch.tensor([0, 0], device=device)
    assert_raises(ValueError, impl.merge_stats, counts, torch.zeros(2, 3, device=device),
                  torch.ones(2, 3, device=device), why="no sample anywhere: 0 / 0 would give NaN silently")


@pytest.mark.contract("shapes: ValueError, no broadcasting")
def test_bad_shapes_raise(impl, device):
    means = torch.zeros(3, 2, device=device, dtype=torch.float64)
    var = torch.ones(3, 2, device=device, dtype=torch.float64)
    assert_raises(ValueError, impl.merge_stats, torch.tensor([4], device=device), means, var,
                  why="one count for three devices: broadcasting it would pass silently")
    assert_raises(ValueError, impl.merge_stats, torch.tensor([4, 2, 1], device=device), means, var[:1],
                  why="variances (1, C) for three devices: broadcasting it would pass silently")
    assert_raises(ValueError, impl.merge_stats, torch.tensor([[4, 2, 1]], device=device), means, var,
                  why="counts must be 1-D (D,)")
    flat = torch.tensor([1.0, 2.0, 3.0], device=device, dtype=torch.float64)
    assert_raises(ValueError, impl.merge_stats, torch.tensor([4, 2, 1], device=device), flat, flat.abs(),
                  why="means of shape (3,) for 3 devices: (D, 1) * (C,) would broadcast to a silent (3, 3)")
