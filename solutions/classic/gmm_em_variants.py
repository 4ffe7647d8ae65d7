"""Known-wrong answers to classic/gmm_em and one written in scikit-learn's style; `nox -s verify` proves
the tests catch every wrong one and that the scikit-learn style ends as kata.toml declares."""

import numpy as np

from solutions.classic import gmm_em as ref


def _uniform_seeds(x, k, rng):
    return x[rng.choice(len(x), size=k, replace=False)]


def _distance_seeds(x, k, rng):
    """Probability proportional to D, not D^2."""
    chosen = [rng.integers(len(x))]
    d = np.sqrt(((x - x[chosen[0]]) ** 2).sum(axis=1))
    for _ in range(1, k):
        i = rng.choice(len(x), p=d / d.sum()) if d.sum() > 0 else rng.integers(len(x))
        chosen.append(i)
        d = np.minimum(d, np.sqrt(((x - x[i]) ** 2).sum(axis=1)))
    return x[chosen]


def _cumsum_seeds(x, k, rng):
    """D^2 draw by a cumulative sum: when every D is 0 it always lands on sample 0."""
    chosen = [rng.integers(len(x))]
    d2 = ((x - x[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        i = min(int(np.searchsorted(np.cumsum(d2), rng.random() * d2.sum())), len(x) - 1)
        chosen.append(i)
        d2 = np.minimum(d2, ((x - x[i]) ** 2).sum(axis=1))
    return x[chosen]


def _mutant(*, over_samples=False, reg_in_m_step=True, linear=False, hard_means=False, old_means=False,
            no_eps=False, keep_empty=False, seeding=ref._kmeans_pp, mutate_init=False, history_before=False,
            unbiased_start=False, default_tol=1e-6, extra_step=False, float32=False, check_k=True, check_x=True,
            check_init=True, check_reg=True):
    def e_step(x, weights, means, covs):
        log_rho = (ref._log_gaussian(x, means, covs) + np.log(weights)).astype(x.dtype)
        if linear:  # densities in linear space: far points give 0 / 0
            with np.errstate(invalid="ignore", divide="ignore"):
                rho = np.exp(log_rho)
                px = rho.sum(axis=1, keepdims=True)
                return float(np.log(px).mean()), rho / px
        axis = 0 if over_samples else 1
        top = log_rho.max(axis=axis, keepdims=True)
        log_norm = top + np.log(np.exp(log_rho - top).sum(axis=axis, keepdims=True))
        ll = ref._e_step(x, weights, means, covs)[0] if over_samples else float(log_norm.mean())
        return ll, np.exp(log_rho - log_norm)

    def m_step(x, resp, reg_covar, previous):
        nk = resp.sum(axis=0) + (0 if no_eps else 10 * np.finfo(x.dtype).eps)
        with np.errstate(invalid="ignore", divide="ignore"):
            if hard_means:  # plain average of the points each component wins
                labels = resp.argmax(axis=1)
                means = np.array([x[labels == j].mean(axis=0) if np.any(labels == j) else x.mean(axis=0)
                                  for j in range(resp.shape[1])])
            else:
                means = resp.T @ x / nk[:, None]
            if keep_empty:  # "guard" an empty component by leaving its mean where it was
                empty = resp.sum(axis=0) < 1e-12
                means[empty] = previous[empty]
            centre = previous if old_means else means
            diff = x[None] - centre[:, None]
            covs = (resp.T[:, :, None] * diff).transpose(0, 2, 1) @ diff / nk[:, None, None]
        if reg_in_m_step:
            covs = covs + reg_covar * np.eye(x.shape[1], dtype=x.dtype)
        return nk / nk.sum(), means, covs

    def gmm_em(x, k, rng, max_iter=100, tol=default_tol, reg_covar=1e-6, init_means=None):
        x = np.asarray(x)
        x = x.astype(np.float32 if float32 and x.dtype == np.float32 else np.float64)
        if check_x and x.ndim != 2:
            raise ValueError("bad x")
        x = np.atleast_2d(x)  # without the check: 10 numbers become one 10-D sample
        if check_k and not 1 <= k <= len(x) or check_reg and reg_covar < 0:
            raise ValueError("bad k or reg_covar")
        n, d = x.shape
        if init_means is None:
            means = seeding(x, k, rng)
        elif mutate_init:
            means = init_means  # no copy: the M-step below writes into the caller's array
        else:
            means = np.array(init_means, dtype=x.dtype)
        if check_init and np.shape(means) != (k, d):
            raise ValueError("bad init_means")
        weights = np.full(k, 1.0 / k, dtype=x.dtype)
        covs = np.repeat((np.cov(x.T, bias=not unbiased_start).reshape(d, d)
                          + reg_covar * np.eye(d))[None].astype(x.dtype), k, axis=0)
        ll, resp = e_step(x, weights, means, covs)
        history = [ll]
        for t in range(max_iter):
            weights, new_means, covs = m_step(x, resp, reg_covar, means)
            if mutate_init and init_means is not None:
                means[...] = new_means
            else:
                means = new_means
            ll, resp = e_step(x, weights, means, covs)
            history.append(ll)
            if extra_step and t >= 1 and history[-2] - history[-3] < tol:
                break  # scikit-learn's check: the gain of the iteration before, seen one E-step later
            if not extra_step and history[-1] - history[-2] < tol:
                break
        if history_before:  # sklearn's lower_bounds_: the log-likelihood before each M-step only
            history = history[:-1] or history
        f = np.float64
        return weights.astype(f), np.asarray(means, f), covs.astype(f), np.array(history, f)

    return gmm_em


# Written anew in the style of scikit-learn (sklearn/mixture/_base.py fit_predict, _gaussian_mixture.py
# _estimate_gaussian_parameters and _estimate_log_gaussian_prob, sklearn/cluster/_kmeans.py
# _kmeans_plusplus), started where this kata starts (weights_init, means_init, precisions_init).

def _sk_kmeans_plusplus(x, k, rng, n_local_trials=1):
    n = len(x)
    centers = np.empty((k, x.shape[1]), dtype=x.dtype)
    centers[0] = x[rng.choice(n)]
    closest_dist_sq = ((x - centers[0]) ** 2).sum(axis=1)
    current_pot = closest_dist_sq.sum()
    for c in range(1, k):
        rand_vals = rng.uniform(size=n_local_trials) * current_pot
        candidate_ids = np.searchsorted(np.cumsum(closest_dist_sq), rand_vals)
        np.clip(candidate_ids, None, n - 1, out=candidate_ids)
        distance_to_candidates = ((x[candidate_ids][:, None] - x[None]) ** 2).sum(axis=2)
        np.minimum(closest_dist_sq, distance_to_candidates, out=distance_to_candidates)
        candidates_pot = distance_to_candidates.sum(axis=1)
        best = np.argmin(candidates_pot)
        current_pot = candidates_pot[best]
        closest_dist_sq = distance_to_candidates[best]
        centers[c] = x[candidate_ids[best]]
    return centers


def _sk_log_gaussian_prob(x, means, precisions_chol):
    n, d = x.shape
    log_det = np.sum(np.log(np.diagonal(precisions_chol, axis1=1, axis2=2)), axis=1)
    log_prob = np.empty((n, len(means)), dtype=x.dtype)
    for j, (mu, prec_chol) in enumerate(zip(means, precisions_chol)):
        y = x @ prec_chol - mu @ prec_chol
        log_prob[:, j] = np.sum(np.square(y), axis=1)
    return -0.5 * (d * np.log(2 * np.pi) + log_prob) + log_det


def _sk_precisions_cholesky(covariances):
    d = covariances.shape[1]
    out = np.empty_like(covariances)
    for j, cov in enumerate(covariances):
        cov_chol = np.linalg.cholesky(cov)
        out[j] = np.linalg.solve(cov_chol, np.eye(d, dtype=cov.dtype)).T  # solve_triangular(lower=True).T
    return out


def sklearn_style(x, k, rng, max_iter=100, tol=1e-6, reg_covar=1e-6, init_means=None):
    x = np.asarray(x)
    x = x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)  # check_array keeps float32
    if x.ndim != 2 or not 1 <= k <= len(x) or reg_covar < 0:
        raise ValueError("bad input")
    n, d = x.shape
    means = _sk_kmeans_plusplus(x, k, rng) if init_means is None else np.array(init_means, dtype=x.dtype)
    if means.shape != (k, d):
        raise ValueError("bad init_means")
    weights = np.full(k, 1.0 / k, dtype=x.dtype)
    cov = np.cov(x.T, bias=True).reshape(d, d) + reg_covar * np.eye(d)
    covariances = np.repeat(cov[None], k, axis=0).astype(x.dtype)
    precisions_chol = _sk_precisions_cholesky(covariances)

    def e_step():
        weighted = _sk_log_gaussian_prob(x, means, precisions_chol) + np.log(weights)
        top = weighted.max(axis=1, keepdims=True)
        log_prob_norm = np.log(np.exp(weighted - top).sum(axis=1)) + top[:, 0]  # scipy.special.logsumexp
        return np.mean(log_prob_norm), weighted - log_prob_norm[:, None]

    lower_bound, history = -np.inf, []
    for _ in range(max_iter):
        prev_lower_bound = lower_bound
        lower_bound, log_resp = e_step()
        history.append(lower_bound)
        resp = np.exp(log_resp)
        nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
        means = resp.T @ x / nk[:, None]
        covariances = np.empty((k, d, d), dtype=x.dtype)
        for j in range(k):
            diff = x - means[j]
            covariances[j] = (resp[:, j] * diff.T) @ diff / nk[j]
            covariances[j].flat[:: d + 1] += reg_covar
        weights = nk / nk.sum()  # _m_step: weights_ /= weights_.sum()
        precisions_chol = _sk_precisions_cholesky(covariances)
        if abs(lower_bound - prev_lower_bound) < tol:
            break
    history.append(e_step()[0])  # "Always do a final e-step"
    return weights, means, covariances, np.array(history, dtype=x.dtype)


WRONG = {
    "responsibilities_normalised_over_samples": {"gmm_em": _mutant(over_samples=True)},
    "no_reg_covar_in_m_step": {"gmm_em": _mutant(reg_in_m_step=False)},
    "linear_domain_responsibilities": {"gmm_em": _mutant(linear=True)},
    "means_from_hard_assignments": {"gmm_em": _mutant(hard_means=True)},
    "covariance_around_old_means": {"gmm_em": _mutant(old_means=True)},
    "no_eps_in_n_j": {"gmm_em": _mutant(no_eps=True)},
    "empty_component_keeps_its_mean": {"gmm_em": _mutant(keep_empty=True)},
    "uniform_seeding": {"gmm_em": _mutant(seeding=_uniform_seeds)},
    "distance_not_squared": {"gmm_em": _mutant(seeding=_distance_seeds)},
    "mutates_init_means": {"gmm_em": _mutant(mutate_init=True)},
    "history_before_each_m_step": {"gmm_em": _mutant(history_before=True)},
    "unbiased_start_covariance": {"gmm_em": _mutant(unbiased_start=True)},
    "sklearn_default_tol": {"gmm_em": _mutant(default_tol=1e-3)},
    "one_more_m_step": {"gmm_em": _mutant(extra_step=True)},
    "cumsum_draw_when_all_d_zero": {"gmm_em": _mutant(seeding=_cumsum_seeds)},
    "float32_internal": {"gmm_em": _mutant(float32=True)},
    "no_k_check": {"gmm_em": _mutant(check_k=False)},
    "atleast_2d_x": {"gmm_em": _mutant(check_x=False)},
    "no_init_means_check": {"gmm_em": _mutant(check_init=False)},
    "no_reg_covar_check": {"gmm_em": _mutant(check_reg=False)},
}
CANONICAL = {"sklearn": {"gmm_em": sklearn_style}}
SLOW = {}
