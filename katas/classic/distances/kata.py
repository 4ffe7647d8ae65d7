"""Pairwise distances: Euclidean, cosine, Mahalanobis · 成对距离：欧氏、余弦、马氏距离

Retrieval, clustering and matching all start with a matrix of distances between two sets of
vectors. Compute the three an interviewer asks about most, for every pair at once, in numpy, with
the edge cases (identical points, zero vectors, an estimated covariance) pinned down.

Run the tests: pytest katas/classic/distances
"""

import numpy as np

__all__ = ["euclidean_distances", "cosine_distances", "mahalanobis_distances"]


def euclidean_distances(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """All pairwise Euclidean distances ``||xa[i] - xb[j]||_2``.

    Args:
        xa: float array (M, D), float32 or float64; M may be 0.
        xb: float array (N, D) with the same D; N may be 0.

    Returns:
        float64 array (M, N), whatever the input dtype (compute in float64).

    Rules and edge cases:
        - Identical rows give 0 (within 1e-6 for rows of norm up to 10), never NaN: the expansion
          ``|a|^2 + |b|^2 - 2 a.b`` can come out slightly negative, so clamp it at 0 before the
          square root if you use it.
        - The inputs must not be modified.
        - ``ValueError`` unless xa and xb are both 2-D with the same number of columns (do not let
          broadcasting pair a (N, 1) array with a (M, D) one).

    Complexity: O(M N D), vectorised; the tests do not time it.

    Canonical code: ``scipy.spatial.distance.cdist(xa, xb, "euclidean")`` gives these values in
    float64; ``sklearn.metrics.pairwise.euclidean_distances`` uses the clamped expansion.
    """
    raise NotImplementedError("euclidean_distances")


def cosine_distances(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """All pairwise cosine distances ``1 - xa[i].xb[j] / (||xa[i]|| ||xb[j]||)``.

    Args:
        xa: float array (M, D), float32 or float64; M may be 0.
        xb: float array (N, D) with the same D; N may be 0.

    Returns:
        float64 array (M, N) (0: same direction, 1: orthogonal, 2: opposite), whatever the
        input dtype.

    Rules and edge cases:
        - A zero vector has cosine **similarity 0** with every vector (itself included), so its
          distance is exactly 1.0: no NaN, no RuntimeWarning.
        - The distance does not depend on the length of either vector.
        - The inputs must not be modified.
        - ``ValueError`` unless xa and xb are both 2-D with the same number of columns.

    Canonical code: ``scipy.spatial.distance.cdist(xa, xb, "cosine")`` gives the same values,
    except that a zero vector gives NaN there; this kata follows
    ``sklearn.metrics.pairwise.cosine_distances`` (distance 1.0), decided by
    test_zero_vector_has_distance_one.
    """
    raise NotImplementedError("cosine_distances")


def mahalanobis_distances(xa: np.ndarray, xb: np.ndarray, vi: np.ndarray | None = None) -> np.ndarray:
    """All pairwise Mahalanobis distances ``sqrt((u - v)^T VI (u - v))``, u = xa[i], v = xb[j].

    Args:
        xa: float array (M, D), float32 or float64.
        xb: float array (N, D) with the same D.
        vi: the **inverse** covariance matrix (D, D), symmetric positive definite. Default
            ``None``: estimate it from the data as scipy does, ``inv(np.cov(np.vstack([xa, xb]).T))``,
            i.e. the sample covariance (divided by M + N - 1) of both sets stacked together.

    Returns:
        float64 array (M, N), whatever the input dtype.

    Rules and edge cases:
        - With ``vi`` the identity this is the Euclidean distance; identical rows give 0, never NaN.
        - The inputs must not be modified.
        - ``ValueError`` unless xa and xb are both 2-D with the same number of columns.

    Canonical code: ``scipy.spatial.distance.cdist(xa, xb, "mahalanobis", VI=vi)``, with the same
    default for ``vi`` (test_default_vi_is_inverse_sample_covariance_of_both_sets).
    """
    raise NotImplementedError("mahalanobis_distances")
