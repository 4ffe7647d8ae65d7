"""Levenberg-Marquardt for nonlinear least squares, with adaptive damping."""

import numpy as np


def levenberg_marquardt(residual, jacobian, x0, *, lam0: float = 1e-3, max_iter: int = 100,
                        xtol: float = 1e-10, gtol: float = 1e-10):
    if not lam0 > 0:
        raise ValueError(f"lam0 must be positive, got {lam0}")
    x = np.array(x0, dtype=np.float64)  # a copy: x0 is left alone
    r = np.asarray(residual(x), dtype=np.float64)
    cost = 0.5 * r @ r
    costs = [cost]
    lam = lam0
    for _ in range(max_iter):
        J = np.asarray(jacobian(x), dtype=np.float64)
        if J.shape != (r.size, x.size):
            raise ValueError(f"jacobian must return ({r.size}, {x.size}), got {J.shape}")
        g = J.T @ r  # gradient of the cost
        if np.abs(g).max(initial=0.0) <= gtol:
            break
        step = np.linalg.solve(J.T @ J + lam * np.eye(x.size), -g)
        r_new = np.asarray(residual(x + step), dtype=np.float64)
        cost_new = 0.5 * r_new @ r_new
        if cost_new < cost:  # accept, and trust the Gauss-Newton model more
            x, r, cost = x + step, r_new, cost_new
            lam /= 10
            small = np.linalg.norm(step) <= xtol * (np.linalg.norm(x) + xtol)
        else:  # reject, and damp harder (towards a short gradient-descent step)
            lam *= 10
            small = False
        costs.append(cost)
        if small:
            break
    return x, np.array(costs)
