"""DBSCAN density-based clustering · DBSCAN 密度聚类

Clusters are dense regions: a point with enough neighbours within ``eps`` is a core point, core
points within ``eps`` of each other share a cluster, points near a core point join its cluster,
and everything else is noise. No k to choose, any cluster shape, outliers left out.

Run the tests: pytest katas/classic/dbscan
"""

import numpy as np

__all__ = ["dbscan"]


def dbscan(x: np.ndarray, eps: float, min_samples: int = 5) -> np.ndarray:
    """DBSCAN with the conventions of ``sklearn.cluster.DBSCAN`` (Euclidean metric).

    Args:
        x: float array (N, D), finite, float32 or float64; N may be 0.
        eps: neighbourhood radius, > 0. Point j is a neighbour of point i when
            ``||x_i - x_j|| <= eps``: a distance exactly equal to eps counts. Every point is its
            own neighbour.
        min_samples: int >= 1. Point i is a **core** point when it has at least ``min_samples``
            neighbours, **itself included** (so ``min_samples=1`` makes every point core).

    Returns:
        int64 array (N,) of labels:
        - ``-1`` for noise: a point that is not core and has no core point within eps;
        - ``0, 1, 2, ...`` for clusters. A cluster is a maximal set of core points linked by
          chains of core points each within eps of the next, plus the **border** points (non-core
          points within eps of one of its core points). Only core points extend a cluster: a
          border point's own neighbours do not join through it.

    Numbering and ties (scikit-learn's order):
        - Clusters are numbered in the order of their lowest-index core point: scan the points by
          index and start cluster 0 at the first core point, cluster 1 at the first core point
          not in cluster 0, and so on.
        - A border point within eps of core points of several clusters belongs to the
          lowest-numbered of them.

    ``x`` must not be modified. ``ValueError`` if x is not a finite 2-D array, ``eps <= 0`` or
    ``min_samples < 1``.

    Complexity: an O(N^2) distance matrix (N up to a few thousand) is fine; vectorise the
    neighbour search instead of looping over pairs in Python.

    Canonical code: ``sklearn.cluster.DBSCAN(eps, min_samples=5)`` (radius neighbourhoods that
    include the point and a distance equal to eps, then ``_dbscan_inner``'s depth-first expansion
    from each unlabelled core point in index order) follows this statement in every convention; so
    does the original algorithm of Ester et al. (1996), whose MinPts also counts the point itself.
    The conventions, each a test of its own: a distance of exactly eps counts; a border point
    shared by two clusters goes to the lower-numbered; clusters are numbered by their lowest-index
    core point; labels are int64. Other tests compare clusterings whatever their numbers.
    """
    raise NotImplementedError("dbscan")
