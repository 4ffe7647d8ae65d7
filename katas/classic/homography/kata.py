"""Homography by the normalised DLT · 归一化 DLT 求单应矩阵

A homography maps one plane to another (a document to its photo, one view of a planar scene to
another, a calibration target to the image). Estimate it from four or more point
correspondences with the direct linear transform, after Hartley's normalisation of both point
sets, without which the least-squares problem is badly conditioned on pixel coordinates.

Run the tests: pytest katas/classic/homography
"""

import numpy as np

__all__ = ["normalize_points", "find_homography"]


def normalize_points(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hartley's normalisation of a 2-D point set.

    Args:
        points: float array (N, 2), N >= 1.

    Returns:
        ``(normalized, T)``: ``T`` is the float64 (3, 3) similarity
        ``[[s, 0, -s cx], [0, s, -s cy], [0, 0, 1]]`` and ``normalized`` the float64 (N, 2) points
        ``T`` maps them to, where ``(cx, cy)`` is the centroid and ``s`` is **one** factor (the same
        for x and y) chosen so that the **mean** Euclidean distance of the normalised points from
        the origin is ``sqrt(2)`` (mean distance, not root-mean-square distance).

    Edge cases: ``ValueError`` if all the points coincide (the scale is undefined). The input must
    not be modified.

    Canonical code: Hartley and Zisserman, *Multiple View Geometry*, Algorithm 4.2. OpenCV scales
    x and y separately (by the mean absolute deviation), and some code uses the RMS distance:
    test_normalize_points_uses_hartley_scale decides.
    """
    raise NotImplementedError("normalize_points")


def find_homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The homography H with ``dst ~ H @ src`` (homogeneous coordinates), by the normalised DLT.

    Args:
        src: float array (N, 2) of points in the first plane, N >= 4.
        dst: float array (N, 2) of the corresponding points in the second plane.

    Returns:
        array (3, 3), **scaled so that H[2, 2] == 1** (the tests never use a homography
        whose H[2, 2] is near 0). A point ``(x, y)`` maps to ``(u / w, v / w)`` with
        ``(u, v, w) = H @ (x, y, 1)``.

    Method: normalise src and dst (``normalize_points``), build the 2N x 9 DLT matrix A of the
    normalised correspondences (two rows per pair, from ``dst x (H src) = 0``), take as h the right
    singular vector of A for its smallest singular value (minimising ``|A h|`` with ``|h| = 1``),
    and undo the normalisation: ``H = inv(T_dst) @ H_normalised @ T_src``.

    Accuracy the tests hold you to:
        - exact correspondences (any N >= 4): H up to scale to 1e-8 relative (1e-7 for points
          with large pixel coordinates, around 10^4);
        - noisy correspondences: your H must map every src point to within 1/1000 of the extent
          of the src points (0.5 pixel for points spread over 500 pixels) of where the
          Hartley-normalised DLT maps it. Other normalisations (OpenCV's) differ there by
          hundredths of a pixel; no normalisation at all is off by several pixels on poorly
          scaled points (near 10^4), and fails.

    Edge cases: ``ValueError`` if src or dst is not (N, 2), if their N differ, or if N < 4.
    Degenerate configurations (three of four points collinear) are not tested. The inputs must not
    be modified.

    Canonical code: ``cv2.findHomography(src, dst, 0)`` (method 0: all points, least squares)
    returns the same H[2, 2] = 1 scaling. It differs in ways the tolerance above accepts: it
    normalises x and y separately, works in float32, and refines the DLT answer by
    Levenberg-Marquardt on the reprojection error when N > 4.
    """
    raise NotImplementedError("find_homography")
