"""Camera projection with lens distortion · 相机投影：世界坐标 → 相机坐标 → 像素（含畸变）

The pinhole camera model behind calibration, SLAM and every 3-D detection head: rotate and
translate world points into the camera frame, divide by depth, bend the normalised coordinates
by the radial-tangential (Brown-Conrady) lens model, and map them to pixels with the intrinsic
matrix K. Implement OpenCV's ``Rodrigues`` and ``projectPoints`` in numpy.

Run the tests: pytest katas/classic/camera_projection
"""

import numpy as np

__all__ = ["rodrigues", "project_points"]


def rodrigues(rvec: np.ndarray) -> np.ndarray:
    """The rotation matrix of an axis-angle vector.

    Args:
        rvec: float array (3,): the rotation axis times the angle in radians (right-hand rule:
            ``[0, 0, pi/2]`` turns the x axis into the y axis).

    Returns:
        float64 array (3, 3): ``R = cos(t) I + (1 - cos(t)) k k^T + sin(t) [k]_x`` with
        ``t = |rvec|``, ``k = rvec / t``. Orthonormal, determinant 1.

    Edge cases: ``rvec = 0`` gives exactly the identity, and tiny angles (1e-10) stay accurate
    (no division by a zero angle, no NaN). The input must not be modified.

    Canonical code: ``cv2.Rodrigues(rvec)[0]`` (the vector-to-matrix direction only).
    """
    raise NotImplementedError("rodrigues")


def project_points(points: np.ndarray, rvec: np.ndarray, tvec: np.ndarray, K: np.ndarray,
                   dist: np.ndarray | None = None) -> np.ndarray:
    """Project 3-D world points to pixels, as ``cv2.projectPoints`` does.

    Args:
        points: float array (N, 3) of world points, float32 or float64; N may be 0.
        rvec: (3,) axis-angle rotation world -> camera (see ``rodrigues``).
        tvec: (3,) translation world -> camera: a point X goes to ``Xc = R X + t`` (rotate
            first, then translate).
        K: (3, 3) intrinsics ``[[fx, 0, cx], [0, fy, cy], [0, 0, 1]]``: zero skew, bottom row
            ``[0, 0, 1]``.
        dist: ``None`` (no distortion) or OpenCV's ``(k1, k2, p1, p2)`` or
            ``(k1, k2, p1, p2, k3)``, in that order.

    Returns:
        float64 array (N, 2) of pixel coordinates ``(u, v)``, whatever the input dtype.

    The model, step by step, for ``Xc = (X, Y, Z)``:
        - normalised coordinates ``x = X / Z``, ``y = Y / Z``, and ``r^2 = x^2 + y^2``;
        - distortion, applied to the **normalised** coordinates (never to pixels):
          ``x' = x (1 + k1 r^2 + k2 r^4 + k3 r^6) + 2 p1 x y + p2 (r^2 + 2 x^2)``,
          ``y' = y (1 + k1 r^2 + k2 r^4 + k3 r^6) + p1 (r^2 + 2 y^2) + 2 p2 x y``;
        - pixels ``u = fx x' + cx``, ``v = fy y' + cy``.

    Edge cases:
        - A point with ``Z <= 0`` (on or behind the camera's plane) has no image: both its
          coordinates are NaN, without a RuntimeWarning; the other points are unaffected.
        - The inputs must not be modified.
        - ``ValueError`` if K is not of the form above (a non-zero skew ``K[0, 1]`` or a bottom
          row other than ``[0, 0, 1]``), or if ``dist`` has a length other than 4 or 5.

    Canonical code: ``cv2.projectPoints(points, rvec, tvec, K, dist)`` (returns (N, 1, 2)
    rather than (N, 2)). It follows this model, but projects a point behind the camera through the
    same formula (mirrored) and treats Z == 0 as Z == 1, where this kata returns NaN
    (test_points_not_in_front_of_the_camera_are_nan); and it ignores a skew in K, which this kata
    rejects (test_bad_intrinsics_or_distortion_raise).
    """
    raise NotImplementedError("project_points")
