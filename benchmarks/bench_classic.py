"""classic/hungarian and classic/roc_auc: the references against scipy and scikit-learn."""

import numpy as np
import pytest

from solutions.classic.hungarian import linear_sum_assignment
from solutions.classic.roc_auc import roc_auc

rng = np.random.default_rng(0)
COST = rng.random((300, 300))
LABELS = rng.integers(0, 2, 1_000_000)
SCORES = rng.random(1_000_000)


def test_reference_hungarian(benchmark):
    benchmark.group = "classic/hungarian 300x300"
    benchmark(linear_sum_assignment, COST)


def test_scipy_linear_sum_assignment(benchmark):
    scipy_optimize = pytest.importorskip("scipy.optimize")
    benchmark.group = "classic/hungarian 300x300"
    benchmark(scipy_optimize.linear_sum_assignment, COST)


def test_reference_roc_auc(benchmark):
    benchmark.group = "classic/roc_auc 10^6 samples"
    benchmark(roc_auc, LABELS, SCORES)


def test_sklearn_roc_auc_score(benchmark):
    metrics = pytest.importorskip("sklearn.metrics")
    benchmark.group = "classic/roc_auc 10^6 samples"
    benchmark(metrics.roc_auc_score, LABELS, SCORES)
