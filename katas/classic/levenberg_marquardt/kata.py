"""Levenberg-Marquardt least squares · Levenberg-Marquardt 非线性最小二乘（曲线拟合）

Fit a nonlinear model (a logistic curve, an exponential decay, camera parameters in bundle
adjustment) by minimising the sum of squared residuals. Gauss-Newton is fast near the answer
and wild far from it; gradient descent is safe and slow. Levenberg-Marquardt blends the two with
a damping parameter that it adapts after every step. Implement it in numpy.

Run the tests: pytest katas/classic/levenberg_marquardt
"""

__all__ = ["levenberg_marquardt"]


def levenberg_marquardt(residual, jacobian, x0, *, lam0: float = 1e-3, max_iter: int = 100,
                        xtol: float = 1e-10, gtol: float = 1e-10):
    """Minimise ``cost(x) = 0.5 * sum(residual(x) ** 2)`` from ``x0``.

    Args:
        residual: callable, ``residual(x)`` -> float array (M,) for x of shape (N,).
        jacobian: callable, ``jacobian(x)`` -> float array (M, N), ``d residual_i / d x_j``.
        x0: float array (N,), the starting point. It must not be modified.
        lam0: the initial damping, > 0.
        max_iter: the most iterations; every iteration, accepted or rejected, counts.
        xtol, gtol: stopping tolerances (below).

    Returns:
        ``(x, costs)``: x, float64 (N,), the last accepted point; costs, float64 (K + 1,) for K
        iterations run: ``costs[0] = cost(x0)`` and ``costs[k]`` is the cost of the current point
        after iteration k. So costs never increase, and a rejected iteration repeats the cost
        before it.

    One iteration, at the current point x with residuals r and Jacobian J:
        1. if ``max |J^T r| <= gtol`` (the gradient vanishes), stop before doing anything;
        2. solve ``(J^T J + lam * I) step = -J^T r`` (Levenberg's damping, the identity);
        3. if ``cost(x + step) < cost(x)``, strictly: accept (``x = x + step``) and set
           ``lam = lam / 10``; then stop if ``|step| <= xtol * (|x| + xtol)`` (Euclidean norms,
           the new x);
        4. otherwise reject (x stays) and set ``lam = lam * 10``.
        Stop after max_iter iterations in any case.

    The tests compare x with the answers of ``scipy.optimize.least_squares`` at 1e-6 relative on
    well-posed curve fits, from starting points where Gauss-Newton (no damping) or a damping that
    never adapts goes wrong.

    Errors: ``ValueError`` if ``lam0 <= 0``.

    Canonical code: Marquardt's damping as in Numerical Recipes' ``mrqmin`` (``lam * diag(J^T J)``
    instead of ``lam * I``, the same x10 / /10 schedule) and Nielsen's gain-ratio update (Madsen,
    Nielsen and Tingleff, 2004) reach the same minima; only their costs histories differ from this
    schedule (test_damping_schedule_from_a_rejected_step). ``scipy.optimize.least_squares(...,
    method="lm")`` runs MINPACK's trust-region form of LM, with the same 0.5 * sum of squares cost.
    """
    raise NotImplementedError("levenberg_marquardt")
