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
        rng: ``numpy.random.Generator``, the only source of randomness, for the initial means; it is
            not drawn from when ``init_means`` is given.
        max_iter: at most this many EM iterations (0 returns the initial parameters).
        tol: stop right after the first iteration that improves the mean log-likelihood by less than
            ``tol``, and return the parameters that iteration produced. A negative tol (e.g.
            ``-np.inf``) runs exactly ``max_iter`` iterations.
        reg_covar: >= 0, added to the diagonal of every covariance (see below).
        init_means: optional float array (k, d), the initial means.

    Initialisation:
        - means: ``init_means`` if given, else **k-means++ seeding** with ``rng``: the first mean is
          a uniformly random sample; each next one is a sample drawn with probability proportional
          to its squared distance to the nearest mean chosen so far (one candidate per draw, no
          greedy local trials; uniformly over all samples if every distance is 0);
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
          singular covariance. A component whose responsibilities all underflow to 0 gets
          ``N_j = 10 * eps``, so its mean becomes 0, its covariance ``reg_covar * I`` and its weight
          tiny; nothing is NaN.

    Returns:
        ``(weights, means, covariances, log_likelihood_history)``, float64 arrays of shapes (k,),
        (k, d), (k, d, d) and (m + 1,) after m iterations, float64 also for float32 x:
        ``history[0]`` is the mean log-likelihood per sample ``mean_i log p(x_i)`` of the initial
        parameters, ``history[t]`` that of the
        parameters after t iterations, and ``history[-1]`` that of the returned parameters. It never
        decreases (EM's guarantee, up to rounding). Weights sum to 1; covariances are symmetric
        positive definite (when reg_covar > 0).

    Errors (``ValueError``): x not 2-D; k outside [1, n]; init_means not (k, d); reg_covar < 0.
    Inputs (x, init_means) must not be modified.

    Canonical code: ``sklearn.mixture.GaussianMixture(covariance_type="full")`` computes the same
    E- and M-steps (``_estimate_gaussian_parameters``: the same ``10 * eps`` and ``reg_covar``) from
    the same start when given ``weights_init``, ``means_init`` and ``precisions_init`` (its own
    ``init_params`` build another start: weights and covariances from a hard assignment). It differs
    in three conventions, each a test of its own: it sees a small gain one E-step late and returns
    the parameters of one more M-step (test_stops_right_after_a_small_gain); its k-means++ draws by
    a cumulative sum, so when every D is 0 it takes sample 0 instead of a uniform one
    (test_seed_uniform_when_every_distance_is_zero), and by default it adds greedy local trials
    (``n_local_trials``; this kata: one candidate per draw, tested in correctness); it keeps float32
    data in float32 (test_float32_x_is_computed_in_float64). Tests compare values at a tolerance a
    float32 computation meets; only that convention test asks for float64 precision.
    """
    raise NotImplementedError("gmm_em")
