"""Gaussian mixture model by EM · 高斯混合模型与 EM 算法

Fit a mixture of k Gaussians with full covariance matrices by expectation-maximisation: the
E-step computes each point's responsibilities, the M-step re-estimates weights, means and
covariances from them, and the log-likelihood never decreases along the way.

Run the tests: pytest katas/classic/gmm_em
"""

import numpy as np

__all__ = ["gmm_em"]


def gmm_em(x: np.ndarray, k: int, rng: np.random.Generator, max_iter: int = 100, tol: float = 1e-6,
           reg_covar: float = 1e-6, init_means: np.ndarray | None = None):
    """Fit a k-component Gaussian mixture with full covariances to ``x`` by EM.

    Args:
        x: float array (n, d), n >= 1 samples of dimension d >= 1 (float32 or float64; compute
            in float64).
        k: number of components, 1 <= k <= n.
        rng: ``numpy.random.Generator`` for the initial means (unused when ``init_means`` is given).
        max_iter: at most this many EM iterations (0 returns the initial parameters).
        tol: stop as soon as an iteration improves the mean log-likelihood by less than ``tol``.
            A negative tol (e.g. ``-np.inf``) runs exactly ``max_iter`` iterations.
        reg_covar: >= 0, added to the diagonal of every covariance (see below).
        init_means: optional float array (k, d), the initial means.

    Initialisation:
        - means: ``init_means`` if given, else **k-means++ seeding** with ``rng``: the first mean is
          a uniformly random sample; each next one is a sample drawn with probability proportional
          to its squared distance to the nearest mean chosen so far (uniformly if all are 0);
        - weights: 1 / k each;
        - covariances: every component starts with the biased covariance of all of x
          (``np.cov(x.T, bias=True)``, divide by n) plus ``reg_covar * I``.

    One EM iteration, from the current weights w, means mu and covariances Sigma:
        - E-step: ``log rho_ij = log w_j + log N(x_i | mu_j, Sigma_j)``;
          ``log p(x_i) = logsumexp_j log rho_ij``; responsibilities ``r_ij = exp(log rho_ij - log p(x_i))``,
          so each row sums to 1. Work in the log domain: for a point far from every component all
          densities underflow to 0 in linear space, and 0 / 0 is NaN.
        - M-step: ``N_j = sum_i r_ij + 10 * eps`` (``eps = np.finfo(np.float64).eps``: an empty
          component gives no 0 / 0); ``w_j = N_j / sum_j N_j``; ``mu_j = sum_i r_ij x_i / N_j``;
          ``Sigma_j = sum_i r_ij (x_i - mu_j)(x_i - mu_j)^T / N_j + reg_covar * I`` with the **new**
          mu_j. Without reg_covar a component that collapses onto duplicated points gets a
          singular covariance.
        This is exactly what ``sklearn.mixture.GaussianMixture(covariance_type="full")`` computes
        from the same starting point.

    Returns:
        ``(weights, means, covariances, log_likelihood_history)``, float64 arrays of shapes (k,),
        (k, d), (k, d, d) and (m + 1,) after m iterations: ``history[0]`` is the mean log-likelihood
        per sample ``mean_i log p(x_i)`` of the initial parameters, ``history[t]`` that of the
        parameters after t iterations, and ``history[-1]`` that of the returned parameters. It never
        decreases (EM's guarantee, up to rounding). Weights sum to 1; covariances are symmetric
        positive definite (when reg_covar > 0).

    Errors (``ValueError``): x not 2-D with n >= 1; k outside [1, n]; init_means not (k, d);
    reg_covar < 0. Inputs (x, init_means) must not be modified.
    """
    raise NotImplementedError("gmm_em")
