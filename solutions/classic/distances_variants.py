"""Known-wrong answers to classic/distances and answers in the style of scipy and scikit-learn;
`nox -s verify` proves the tests catch or accept each. Never shown to learners."""

import numpy as np


def _mutant(*, clamp=True, eu_sqrt=True, similarity=False, one_side=False, guard=True, invert_vi=False,
            ma_sqrt=True, ddof=1, xa_only=False, dtype=np.float64, check=True):
    def prep(xa, xb):
        xa, xb = np.asarray(xa), np.asarray(xb)
        if check and (xa.ndim != 2 or xb.ndim != 2 or xa.shape[1] != xb.shape[1]):
            raise ValueError("bad shapes")
        if dtype is None:  # keep the input's float dtype
            return xa, xb
        return xa.astype(dtype), xb.astype(dtype)

    def euclidean_distances(xa, xb):
        xa, xb = prep(xa, xb)
        if not check:  # broadcasting differences: an (N, 1) xb pairs silently with (M, D)
            d2 = ((xa[:, None, :] - xb[None, :, :]) ** 2).sum(-1)
        else:
            d2 = (xa**2).sum(1)[:, None] + (xb**2).sum(1)[None, :] - 2 * xa @ xb.T
        if clamp:
            d2 = np.maximum(d2, 0)
        return np.sqrt(d2) if eu_sqrt else d2

    def cosine_distances(xa, xb):
        xa, xb = prep(xa, xb)
        dot = (xa[:, None, :] * xb[None, :, :]).sum(-1)
        na, nb = np.linalg.norm(xa, axis=1)[:, None], np.linalg.norm(xb, axis=1)[None, :]
        norms = na if one_side else na * nb
        if guard:
            sim = np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)
        else:
            sim = dot / norms
        return sim if similarity else 1 - sim

    def mahalanobis_distances(xa, xb, vi=None):
        xa, xb = prep(xa, xb)
        if vi is None:
            data = xa if xa_only else np.vstack([xa, xb])
            vi = np.linalg.inv(np.atleast_2d(np.cov(data.T, ddof=ddof)))
        vi = np.asarray(vi, dtype=xa.dtype)
        if invert_vi:
            vi = np.linalg.inv(vi)
        diff = xa[:, None, :] - xb[None, :, :]
        q = np.maximum(np.einsum("mnd,de,mne->mn", diff, vi, diff), 0)
        return np.sqrt(q) if ma_sqrt else q

    return {"euclidean_distances": euclidean_distances, "cosine_distances": cosine_distances,
            "mahalanobis_distances": mahalanobis_distances}


def _cdist_checks(XA, XB):
    XA, XB = np.asarray(XA, dtype=np.float64), np.asarray(XB, dtype=np.float64)
    if XA.ndim != 2:
        raise ValueError("XA must be a 2-dimensional array.")
    if XB.ndim != 2:
        raise ValueError("XB must be a 2-dimensional array.")
    if XA.shape[1] != XB.shape[1]:
        raise ValueError("XA and XB must have the same number of columns (i.e. feature dimension.)")
    return XA, XB


def scipy_euclidean(XA, XB):
    """In the manner of cdist(XA, XB, 'euclidean'): float64, the differences themselves."""
    XA, XB = _cdist_checks(XA, XB)
    return np.sqrt(((XA[:, None, :] - XB[None, :, :]) ** 2).sum(axis=2))


def scipy_cosine(XA, XB):
    """In the manner of cdist(XA, XB, 'cosine'): 1 - uv / (|u| |v|), nothing guarded."""
    XA, XB = _cdist_checks(XA, XB)
    with np.errstate(invalid="ignore", divide="ignore"):
        uv = XA @ XB.T
        return 1.0 - uv / np.sqrt((XA**2).sum(1))[:, None] / np.sqrt((XB**2).sum(1))[None, :]


def scipy_mahalanobis(XA, XB, VI=None):
    """In the manner of cdist(XA, XB, 'mahalanobis', VI=VI): the default VI is
    inv(cov(vstack([XA, XB]).T)).T."""
    XA, XB = _cdist_checks(XA, XB)
    if VI is None:
        VI = np.linalg.inv(np.atleast_2d(np.cov(np.vstack([XA, XB]).T))).T.copy()
    VI = np.atleast_2d(np.asarray(VI, dtype=np.float64))
    delta = XA[:, None, :] - XB[None, :, :]
    return np.sqrt(np.maximum(np.einsum("ijk,kl,ijl->ij", delta, VI, delta), 0.0))


def sklearn_euclidean(X, Y):
    """In the manner of sklearn.metrics.pairwise.euclidean_distances (row norms, one GEMM, clamp)."""
    X, Y = _cdist_checks(X, Y)
    distances = -2 * (X @ Y.T)
    distances += np.einsum("ij,ij->i", X, X)[:, None]
    distances += np.einsum("ij,ij->i", Y, Y)[None, :]
    np.maximum(distances, 0, out=distances)
    return np.sqrt(distances)


def sklearn_cosine(X, Y):
    """In the manner of sklearn's cosine_distances: normalize() leaves zero rows at zero, then
    1 - X Y^T, clipped to [0, 2]."""
    X, Y = _cdist_checks(X, Y)

    def normalize(a):
        norms = np.sqrt(np.einsum("ij,ij->i", a, a))
        norms[norms == 0.0] = 1.0
        return a / norms[:, None]

    return np.clip(1.0 - normalize(X) @ normalize(Y).T, 0, 2)


def cholesky_mahalanobis(xa, xb, vi=None):
    """Whiten with a Cholesky factor L of vi (vi = L L^T), then Euclidean distances."""
    xa, xb = _cdist_checks(xa, xb)
    if vi is None:
        vi = np.linalg.inv(np.atleast_2d(np.cov(np.vstack([xa, xb]).T)))
    chol = np.linalg.cholesky(np.asarray(vi, dtype=np.float64))
    return scipy_euclidean(xa @ chol, xb @ chol)


WRONG = {
    "euclidean_unclamped": _mutant(clamp=False),
    "euclidean_squared": _mutant(eu_sqrt=False),
    "cosine_similarity": _mutant(similarity=True),
    "cosine_one_side_normalised": _mutant(one_side=True),
    "mahalanobis_inverts_vi": _mutant(invert_vi=True),
    "mahalanobis_squared": _mutant(ma_sqrt=False),
    "cosine_zero_nan": _mutant(guard=False),
    "keeps_float32": _mutant(dtype=None),
    "default_cov_ddof0": _mutant(ddof=0),
    "default_cov_xa_only": _mutant(xa_only=True),
    "no_shape_check": _mutant(check=False),
}
CANONICAL = {
    "scipy_cdist": {"euclidean_distances": scipy_euclidean, "cosine_distances": scipy_cosine,
                    "mahalanobis_distances": scipy_mahalanobis},
    "sklearn_pairwise": {"euclidean_distances": sklearn_euclidean, "cosine_distances": sklearn_cosine,
                         "mahalanobis_distances": cholesky_mahalanobis},
}
SLOW = {}
