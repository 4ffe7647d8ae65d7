"""Logistic regression and a linear SVM by gradient descent · 梯度下降求解逻辑回归与线性 SVM

Two linear classifiers that differ only in their loss: the logistic loss log(1 + e^-m) and the hinge
loss max(0, 1 - m) of the margin m = s (x.w + b). Write both objectives exactly as scikit-learn's user
guide states them, then minimise them yourself: gradient descent for the smooth one, subgradient
descent for the hinge.

Run the tests: pytest katas/classic/linear_models
"""

import numpy as np

__all__ = ["logistic_objective", "hinge_objective", "fit_logistic", "fit_linear_svm"]


def logistic_objective(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, C: float = 1.0) -> float:
    """The L2-regularised logistic regression objective.

    Args:
        w: float array (D,), the weights; b: the bias (intercept), a float.
        X: float array (N, D) (float32 or float64); y: int array (N,) of labels 0 and 1.
        C: inverse regularisation strength, C > 0.

    Returns:
        A float: ``J(w, b) = 0.5 * ||w||^2 + C * sum_i log(1 + exp(-m_i))`` with the margins
        ``m_i = s_i * (x_i . w + b)`` and the signs ``s_i = 2 * y_i - 1`` in {-1, +1}.

    Rules and edge cases:
        - The bias is **not** regularised: no ``b^2`` term.
        - C times the **sum** of the losses (scikit-learn's and liblinear's form), not the mean.
        - Stable for any margin: a margin of -1000 costs 1000, not ``inf`` (use ``np.logaddexp``).
        - The inputs are not modified. Errors as for ``fit_logistic``.
    """
    raise NotImplementedError("logistic_objective")


def hinge_objective(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, C: float = 1.0) -> float:
    """The linear SVM objective with the (plain, not squared) hinge loss.

    Returns:
        A float: ``J(w, b) = 0.5 * ||w||^2 + C * sum_i max(0, 1 - m_i)``, margins and signs as in
        ``logistic_objective``; the bias is not regularised. Arguments and errors as there.
    """
    raise NotImplementedError("hinge_objective")


def fit_logistic(X: np.ndarray, y: np.ndarray, C: float = 1.0, n_steps: int = 1000) -> tuple:
    """Minimise ``logistic_objective`` over (w, b) by gradient descent.

    Args:
        X: float array (N, D) (float32 or float64); y: int array (N,) of 0/1 labels.
        C: C > 0. n_steps: the number of gradient steps (from w = 0, b = 0).

    Returns:
        ``(w, b)``: float64 array (D,) and a float, also for float32 ``X``.

    What is asked:
        - The gradient: with ``g_i = -C * s_i * sigmoid(-m_i)``, ``dJ/dw = w + X^T g`` and
          ``dJ/db = sum_i g_i`` (no ``b`` term: the bias is not regularised).
        - A fixed step of ``1 / L`` with ``L = 1 + C * ||[X, 1]||_2^2 / 4`` (the largest singular
          value of X with a column of ones, squared) never overshoots. Any step rule or
          acceleration is fine if the result is as good.
        - With the default n_steps, on data like the tests' (N <= 100, D <= 5, features of
          order 1, C in [0.1, 10]) the objective must come within a relative 1e-6 of its minimum.
        - ``X``/``y`` not (N, D)/(N,), labels other than 0 and 1, or ``C <= 0`` raise ``ValueError``
          (this holds for all four functions). The inputs are not modified.

    Canonical code: scikit-learn's ``LogisticRegression(C=C)`` minimises this objective (its user
    guide writes it this way; lbfgs, bias not regularised). ``solver="liblinear"`` regularises the
    bias as the weight of a constant feature (``intercept_scaling``), which this kata does not
    (test_bias_is_not_regularised).
    """
    raise NotImplementedError("fit_logistic")


def fit_linear_svm(X: np.ndarray, y: np.ndarray, C: float = 1.0, n_steps: int = 2000) -> tuple:
    """Minimise ``hinge_objective`` over (w, b) by subgradient descent.

    Args and returns as ``fit_logistic``.

    What is asked:
        - A subgradient: ``g_i = -C * s_i`` where ``m_i < 1`` and 0 elsewhere (at the kink
          ``m_i = 1`` any value between is a subgradient; take 0); ``w + X^T g`` and ``sum_i g_i``.
        - The hinge is not smooth: a fixed step does not converge. Use decreasing steps (for
          example ``eta_t = eta_0 / sqrt(t + 1)`` with ``eta_0 = 1 / (1 + C ||[X, 1]||_2^2 / N)``)
          and return the best iterate seen, since a subgradient step can go uphill.
        - With the default n_steps, on data like the tests' the objective must come within a
          relative 1e-3 of its minimum.

    Canonical code: scikit-learn's ``SVC(kernel="linear", C=C)`` (libsvm) minimises this objective
    with the bias not regularised. ``LinearSVC`` (liblinear) regularises the bias as a constant
    feature (test_bias_is_not_regularised) and defaults to the squared hinge: this kata's loss is
    its ``loss="hinge"``.
    """
    raise NotImplementedError("fit_linear_svm")
