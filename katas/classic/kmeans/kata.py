"""k-means with k-means++ seeding · k-means 与 k-means++ 聚类

Lloyd's algorithm alternates two steps that each lower the within-cluster sum of squares: give
every point to its nearest centre, then move every centre to the mean of its points. Where it ends
depends on where it starts, so seed it with k-means++, and keep it working when a cluster empties.

Run the tests: pytest katas/classic/kmeans
"""

import numpy as np

__all__ = ["kmeans_plus_plus", "kmeans"]


def kmeans_plus_plus(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: k data points, spread out at random.

    Args:
        x: float array (N, D) (float32 or float64), finite, N >= 1.
        k: number of centres, 1 <= k <= N.
        rng: a ``numpy.random.Generator``; all randomness comes from it, so the same seed gives
            the same centres.

    Returns:
        float64 array (k, D) whose rows are rows of ``x``, in the order they were chosen:
        - the first is a data point chosen uniformly at random;
        - each next one is data point i with probability ``D(i)^2 / sum_j D(j)^2``, where
          ``D(i)`` is the distance from point i to the nearest centre chosen so far. (This is
          the plain method: no extra "greedy" local trials as scikit-learn adds.) Points already
          chosen have D = 0 and cannot be chosen again, unless every D is 0 (x has fewer than k
          distinct points): then the next centre is chosen uniformly among all points.

    ``x`` must not be modified. ``ValueError`` if x is not a finite 2-D array or k is not in 1..N.
    """
    raise NotImplementedError("kmeans_plus_plus")


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, max_iter: int = 300, tol: float = 1e-4,
           init: np.ndarray | None = None):
    """Lloyd's k-means, seeded by ``kmeans_plus_plus(x, k, rng)`` unless ``init`` is given.

    Args:
        x: float array (N, D), finite. Distances are Euclidean; work in float64.
        k: number of clusters, 1 <= k <= N.
        rng: ``numpy.random.Generator`` for the seeding (unused, and may be None, with ``init``).
        max_iter: the most iterations to run (>= 1).
        tol: stop after the iteration whose centre update moved the centres by a total of
            ``((new_centers - centers) ** 2).sum() <= tol * x.var(axis=0).mean()`` (scikit-learn's
            rule; ``tol=0`` runs until the centres stop moving, or ``max_iter``).
        init: optional (k, D) array of starting centres, used as given (not modified).

    One iteration:
        1. assignment: each point gets the label of its nearest centre (ties: the lowest centre
           index); record the inertia of this assignment in the history;
        2. update: each centre moves to the mean of its points. A cluster with no points is
           **empty**: its centre moves onto a data point instead, the point farthest from its own
           nearest centre in step 1 (ties: lowest point index); several empty clusters take the
           farthest, second farthest, ... points, in order of cluster index. The other clusters
           keep the plain mean of all their points (the moved point is not taken out of them);
        3. stop if the move was within tol (see above) or after ``max_iter`` iterations.

    Returns:
        ``(centers, labels, inertia, history)``:
        - ``centers``: float64 (k, D), the final centres, all finite (never NaN);
        - ``labels``: int64 (N,), each point's nearest **final** centre (recompute them after the
          last update; ties to the lowest index);
        - ``inertia``: float, ``sum_i ||x_i - centers[labels_i]||^2`` for these final labels and
          centres: squared distances, not distances;
        - ``history``: float64 (T,), the inertia at step 1 of each of the T iterations run. It
          never increases (each step can only lower the objective), and ``inertia <= history[-1]``.

    ``x`` and ``init`` must not be modified. ``ValueError`` if x is not a finite 2-D array, k is
    not in 1..N, ``max_iter < 1``, or ``init`` is not a finite (k, D) array.

    Complexity: O(N k D) per iteration, vectorised (no Python loop over points).

    Canonical code: scikit-learn's ``KMeans(algorithm="lloyd", n_init=1)`` (``_kmeans_single_lloyd``)
    with the same stopping rule; from the same ``init`` it gives the same result unless a cluster
    empties. It differs in two conventions, each a test of its own: its
    ``_relocate_empty_clusters`` also takes the moved point out of its old cluster's mean and leaves
    the order among the farthest points open (test_empty_cluster_relocation_rule), and its
    ``_kmeans_plusplus`` draws by a cumulative sum, so when every D is 0 it takes point 0 rather than
    a uniform point (test_seed_uniform_when_every_distance_is_zero); it also adds greedy local trials
    to the seeding by default (this kata: none). Output dtypes (float64 centres and history, int64
    labels, also for float32 x) are test_returns_float64_and_int64.
    """
    raise NotImplementedError("kmeans")
