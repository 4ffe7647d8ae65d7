"""Known-wrong answers to classic/gmm_em; `nox -s verify` proves the tests catch every one."""

import numpy as np

from solutions.classic import gmm_em as ref


def _mutant(*, over_samples=False, reg_in_m_step=True, linear=False, hard_means=False, old_means=False):
    def e_step(x, weights, means, covs):
        log_rho = ref._log_gaussian(x, means, covs) + np.log(weights)
        if linear:  # densities in linear space: far points give 0 / 0
            with np.errstate(invalid="ignore", divide="ignore"):
                rho = np.exp(log_rho)
                px = rho.sum(axis=1, keepdims=True)
                return float(np.log(px).mean()), rho / px
        axis = 0 if over_samples else 1
        top = log_rho.max(axis=axis, keepdims=True)
        log_norm = top + np.log(np.exp(log_rho - top).sum(axis=axis, keepdims=True))
        ll = ref._e_step(x, weights, means, covs)[0]
        return ll, np.exp(log_rho - log_norm)

    def m_step(x, resp, reg_covar):
        nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
        if hard_means:  # plain average of the points each component wins
            labels = resp.argmax(axis=1)
            means = np.array([x[labels == j].mean(axis=0) if np.any(labels == j) else x.mean(axis=0)
                              for j in range(resp.shape[1])])
        else:
            means = resp.T @ x / nk[:, None]
        centre = (resp.T @ x / nk[:, None]) if not old_means else m_step.previous
        diff = x[None] - centre[:, None]
        covs = (resp.T[:, :, None] * diff).transpose(0, 2, 1) @ diff / nk[:, None, None]
        if reg_in_m_step:
            covs = covs + reg_covar * np.eye(x.shape[1])
        m_step.previous = means
        return nk / nk.sum(), means, covs

    def gmm_em(x, k, rng, max_iter=100, tol=1e-6, reg_covar=1e-6, init_means=None):
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or len(x) == 0 or not 1 <= k <= len(x) or reg_covar < 0:
            raise ValueError("bad input")
        d = x.shape[1]
        means = ref._kmeans_pp(x, k, rng) if init_means is None else np.array(init_means, dtype=np.float64)
        if means.shape != (k, d):
            raise ValueError("bad init_means")
        m_step.previous = means
        weights = np.full(k, 1.0 / k)
        covs = np.repeat((np.cov(x.T, bias=True).reshape(d, d) + reg_covar * np.eye(d))[None], k, axis=0)
        ll, resp = e_step(x, weights, means, covs)
        history = [ll]
        for _ in range(max_iter):
            weights, means, covs = m_step(x, resp, reg_covar)
            ll, resp = e_step(x, weights, means, covs)
            history.append(ll)
            if history[-1] - history[-2] < tol:
                break
        return weights, means, covs, np.array(history)

    return gmm_em


WRONG = {
    "responsibilities_normalised_over_samples": {"gmm_em": _mutant(over_samples=True)},
    "no_reg_covar_in_m_step": {"gmm_em": _mutant(reg_in_m_step=False)},
    "linear_domain_responsibilities": {"gmm_em": _mutant(linear=True)},
    "means_from_hard_assignments": {"gmm_em": _mutant(hard_means=True)},
    "covariance_around_old_means": {"gmm_em": _mutant(old_means=True)},
}
SLOW = {}
