"""Known-wrong and canonical-style answers to classic/tsne_affinities; `nox -s verify` proves the
tests catch every one. Never shown to learners."""

import math

import numpy as np


def _mutant(*, self_in=False, bits=False, flip=False, square=False, clamp=False, all_steps=False,
            geometric=False, next_beta=False, keep_dtype=False, check=True):
    def conditional_probabilities(sq_distances, perplexity, tol=1e-5, max_steps=100):
        d0 = np.asarray(sq_distances)
        d = d0.astype(np.float64)
        if check and (d.ndim != 2 or d.shape[0] != d.shape[1] or d.shape[0] < 2 or not perplexity > 0):
            raise ValueError("bad input")
        if square:
            d = d**2
        n, m = d.shape
        off = np.ones((n, m), bool) if self_in else ~np.eye(n, m, dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            target = np.log(perplexity)
        P, out_beta = np.zeros((n, m)), np.ones(n)
        for i in range(n):
            beta, lo, hi = 1.0, -math.inf, math.inf
            if geometric:
                lo, hi = math.log(1e-20), math.log(1e20)
            for _ in range(max_steps):
                e = np.where(off[i], np.exp(-d[i] * beta), 0.0)
                s = e.sum()
                s = max(s, 1e-8) if clamp else (s if s > 0 else 1e-8)
                p = e / s
                H = math.log(s) + beta * float((d[i] * p).sum())
                if bits:
                    H /= math.log(2)
                P[i], out_beta[i] = p, beta
                diff = H - target
                if abs(diff) <= tol and not all_steps:
                    break
                if geometric:
                    if diff > 0:
                        lo = math.log(beta)
                    else:
                        hi = math.log(beta)
                    beta = math.exp((lo + hi) / 2)
                elif (diff > 0) != flip:
                    lo = beta
                    beta = beta * 2 if hi == math.inf else (beta + hi) / 2
                else:
                    hi = beta
                    beta = beta / 2 if lo == -math.inf else (beta + lo) / 2
                if next_beta:
                    out_beta[i] = beta
        if keep_dtype and d0.dtype == np.float32:
            return P.astype(np.float32), out_beta.astype(np.float32)
        return P, out_beta

    return conditional_probabilities


def sklearn_loops(sq_distances, perplexity, tol=1e-5, max_steps=100):
    """In the style of sklearn.manifold._utils._binary_search_perplexity (plus the kata's beta)."""
    sqdistances = np.asarray(sq_distances, dtype=np.float64)
    if sqdistances.ndim != 2 or sqdistances.shape[0] != sqdistances.shape[1] or len(sqdistances) < 2:
        raise ValueError("sq_distances must be (N, N), N >= 2")
    if perplexity <= 0:
        raise ValueError("perplexity must be > 0")
    n_samples = n_neighbors = sqdistances.shape[0]
    desired_entropy = math.log(perplexity)
    P = np.zeros((n_samples, n_neighbors))
    betas = np.zeros(n_samples)
    for i in range(n_samples):
        beta_min, beta_max, beta = -math.inf, math.inf, 1.0
        for _ in range(max_steps):
            sum_Pi = 0.0
            for j in range(n_neighbors):
                if j != i:
                    P[i, j] = math.exp(-sqdistances[i, j] * beta)
                    sum_Pi += P[i, j]
            if sum_Pi == 0.0:
                sum_Pi = 1e-8
            sum_disti_Pi = 0.0
            for j in range(n_neighbors):
                P[i, j] /= sum_Pi
                sum_disti_Pi += sqdistances[i, j] * P[i, j]
            entropy = math.log(sum_Pi) + beta * sum_disti_Pi
            entropy_diff = entropy - desired_entropy
            betas[i] = beta
            if math.fabs(entropy_diff) <= tol:
                break
            if entropy_diff > 0.0:
                beta_min = beta
                beta = beta * 2.0 if beta_max == math.inf else (beta + beta_max) / 2.0
            else:
                beta_max = beta
                beta = beta / 2.0 if beta_min == -math.inf else (beta + beta_min) / 2.0
    return P, betas


def x2p_style(sq_distances, perplexity, tol=1e-5, max_steps=100):
    """In the style of van der Maaten's tsne.py x2p / Hbeta; 50 tries, max_steps unused."""
    D = np.asarray(sq_distances, dtype=np.float64)
    if D.ndim != 2 or D.shape[0] != D.shape[1] or len(D) < 2 or perplexity <= 0:
        raise ValueError("bad input")

    def Hbeta(Di, beta):
        Pi = np.exp(-Di * beta)
        sumP = Pi.sum()
        sumP = sumP if sumP > 0 else 1e-8  # added: tsne.py divides by zero here
        H = np.log(sumP) + beta * np.sum(Di * Pi) / sumP
        return H, Pi / sumP

    n = D.shape[0]
    P, beta = np.zeros((n, n)), np.ones(n)
    logU = np.log(perplexity)
    for i in range(n):
        betamin, betamax = -np.inf, np.inf
        Di = D[i, np.concatenate((np.r_[0:i], np.r_[i + 1:n]))]
        H, thisP = Hbeta(Di, beta[i])
        Hdiff, tries = H - logU, 0
        while np.abs(Hdiff) > tol and tries < 50 - 1:
            if Hdiff > 0:
                betamin = beta[i]
                beta[i] = beta[i] * 2.0 if betamax in (np.inf, -np.inf) else (beta[i] + betamax) / 2.0
            else:
                betamax = beta[i]
                beta[i] = beta[i] / 2.0 if betamin in (np.inf, -np.inf) else (beta[i] + betamin) / 2.0
            H, thisP = Hbeta(Di, beta[i])
            Hdiff, tries = H - logU, tries + 1
        P[i, np.concatenate((np.r_[0:i], np.r_[i + 1:n]))] = thisP
    return P, beta


WRONG = {
    "includes_self": {"conditional_probabilities": _mutant(self_in=True)},
    "bits_against_nats": {"conditional_probabilities": _mutant(bits=True)},
    "wrong_direction": {"conditional_probabilities": _mutant(flip=True)},
    "squares_again": {"conditional_probabilities": _mutant(square=True)},
    "clamped_sum": {"conditional_probabilities": _mutant(clamp=True)},
    "ignores_tol": {"conditional_probabilities": _mutant(all_steps=True)},
    "geometric_bisection": {"conditional_probabilities": _mutant(geometric=True)},
    "returns_next_beta": {"conditional_probabilities": _mutant(next_beta=True)},
    "float32_result": {"conditional_probabilities": _mutant(keep_dtype=True)},
    "no_checks": {"conditional_probabilities": _mutant(check=False)},
}
CANONICAL = {
    "sklearn_loops": {"conditional_probabilities": sklearn_loops},
    "x2p": {"conditional_probabilities": x2p_style},
}
