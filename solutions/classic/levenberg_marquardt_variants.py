"""Known-wrong answers to classic/levenberg_marquardt and two written in the manner of Numerical
Recipes' mrqmin and of Nielsen's damping update; `nox -s verify` proves the tests catch or accept
each. Never shown to learners."""

import numpy as np


def _mutant(*, adapt=True, reject=True, sign=-1.0, backwards=False, stop_on_reject=False, in_place=False,
            half=0.5, record_rejected=True, check=True, xtol_stop=True):
    def levenberg_marquardt(residual, jacobian, x0, *, lam0=1e-3, max_iter=100, xtol=1e-10, gtol=1e-10):
        if check and not lam0 > 0:
            raise ValueError("lam0 must be positive")
        x = x0 if in_place and np.asarray(x0).dtype == np.float64 else np.array(x0, dtype=np.float64)
        r = np.asarray(residual(x), dtype=np.float64)
        cost = half * r @ r
        costs, lam = [cost], lam0
        up, down = (10.0, 0.1) if not backwards else (0.1, 10.0)
        for _ in range(max_iter):
            J = np.asarray(jacobian(x), dtype=np.float64)
            g = J.T @ r
            if np.abs(g).max(initial=0.0) <= gtol:
                break
            step = np.linalg.solve(J.T @ J + lam * np.eye(x.size), sign * g)
            r_new = np.asarray(residual(x + step), dtype=np.float64)
            cost_new = half * r_new @ r_new
            if cost_new < cost or not reject:
                if in_place:
                    x += step
                else:
                    x = x + step
                r, cost = r_new, cost_new
                lam = lam * down if adapt else lam
                costs.append(cost)
                if xtol_stop and np.linalg.norm(step) <= xtol * (np.linalg.norm(x) + xtol):
                    break
            else:
                lam = lam * up if adapt else lam
                if record_rejected:
                    costs.append(cost)
                if stop_on_reject:
                    break
        return np.asarray(x, dtype=np.float64), np.array(costs)

    return levenberg_marquardt


def mrqmin_style(residual, jacobian, x0, *, lam0=1e-3, max_iter=100, xtol=1e-10, gtol=1e-10):
    """In the manner of Numerical Recipes' mrqmin/mrqcof: alpha = J^T J, beta = -J^T r, the damped
    matrix alpha'_jj = alpha_jj (1 + alamda), alamda x10 on failure and x0.1 on success."""
    if not lam0 > 0:
        raise ValueError("alamda must start positive")
    a = np.array(x0, dtype=np.float64)
    r = np.asarray(residual(a), dtype=np.float64)
    chisq = 0.5 * r @ r
    history, alamda = [chisq], lam0
    for _ in range(max_iter):
        J = np.asarray(jacobian(a), dtype=np.float64)
        alpha, beta = J.T @ J, -J.T @ r
        if np.abs(beta).max(initial=0.0) <= gtol:
            break
        covar = alpha.copy()
        covar[np.diag_indices_from(covar)] *= 1.0 + alamda
        da = np.linalg.solve(covar, beta)
        atry = a + da
        r_try = np.asarray(residual(atry), dtype=np.float64)
        chisq_try = 0.5 * r_try @ r_try
        if chisq_try < chisq:
            alamda *= 0.1
            a, r, chisq = atry, r_try, chisq_try
            history.append(chisq)
            if np.linalg.norm(da) <= xtol * (np.linalg.norm(a) + xtol):
                break
        else:
            alamda *= 10.0
            history.append(chisq)
    return a, np.array(history)


def nielsen_style(residual, jacobian, x0, *, lam0=1e-3, max_iter=100, xtol=1e-10, gtol=1e-10):
    """In the manner of Madsen, Nielsen and Tingleff's Algorithm 3.16 (tau = lam0 scales the initial mu)."""
    if not lam0 > 0:
        raise ValueError("tau must be positive")
    x = np.array(x0, dtype=np.float64)
    f = np.asarray(residual(x), dtype=np.float64)
    J = np.asarray(jacobian(x), dtype=np.float64)
    A, g = J.T @ J, J.T @ f
    F = 0.5 * f @ f
    history = [F]
    mu, nu = lam0 * (np.diag(A).max() if A.size else 1.0), 2.0
    for _ in range(max_iter):
        if np.abs(g).max(initial=0.0) <= gtol:
            break
        h = np.linalg.solve(A + mu * np.eye(x.size), -g)
        x_new = x + h
        f_new = np.asarray(residual(x_new), dtype=np.float64)
        F_new = 0.5 * f_new @ f_new
        predicted = 0.5 * h @ (mu * h - g)
        rho = (F - F_new) / predicted if predicted > 0 else -1.0
        if rho > 0 and F_new < F:
            x, f, F = x_new, f_new, F_new
            J = np.asarray(jacobian(x), dtype=np.float64)
            A, g = J.T @ J, J.T @ f
            mu *= max(1 / 3, 1 - (2 * rho - 1) ** 3)
            nu = 2.0
            history.append(F)
            if np.linalg.norm(h) <= xtol * (np.linalg.norm(x) + xtol):
                break
        else:
            mu *= nu
            nu *= 2
            history.append(F)
    return x, np.array(history)


WRONG = {
    "never_adapts": {"levenberg_marquardt": _mutant(adapt=False)},
    "accepts_uphill": {"levenberg_marquardt": _mutant(reject=False)},
    "ascent_step": {"levenberg_marquardt": _mutant(sign=1.0)},
    "damping_backwards": {"levenberg_marquardt": _mutant(backwards=True)},
    "stops_on_rejection": {"levenberg_marquardt": _mutant(stop_on_reject=True)},
    "mutates_x0": {"levenberg_marquardt": _mutant(in_place=True)},
    "no_xtol_stop": {"levenberg_marquardt": _mutant(xtol_stop=False)},
    "cost_without_half": {"levenberg_marquardt": _mutant(half=1.0)},
    "costs_of_accepted_only": {"levenberg_marquardt": _mutant(record_rejected=False)},
    "no_lam0_check": {"levenberg_marquardt": _mutant(check=False)},
}
CANONICAL = {
    "numerical_recipes_mrqmin": {"levenberg_marquardt": mrqmin_style},
    "nielsen": {"levenberg_marquardt": nielsen_style},
}
SLOW = {}
