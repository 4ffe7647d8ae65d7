"""Tests for classic/linear_models. Run: pytest katas/classic/linear_models

Oracles (importing scikit-learn costs 1.8 s, so none of it runs here):
- the objectives: the formulas of the statement in numpy, and hand cases;
- logistic regression: Newton's method below (exact to 1e-12), checked offline against
  sklearn.linear_model.LogisticRegression(C=C, tol=1e-12) 1.9.1: the objectives agree to 1e-15;
- the SVM: optimal objective values computed offline, hard-coded in SVM_OPTIMA: libsvm's
  sklearn.svm.SVC(kernel="linear", C=C, tol=1e-12) for the free bias, and liblinear-style dual
  coordinate descent (with a constant feature for the regularised bias, and on the mirrored data
  with b = 0) whose duality gap was below 1e-12; on the mirrored sets the two agree to 1e-8.

Most data sets are mirrored: every (x, y) comes with (-x, 1 - y), so J(w, b) = J(w, -b) and the optimal
bias is 0: there, whether the bias is regularised does not matter. On the unmirrored sets both
conventions are accepted by the correctness tests; test_bias_is_not_regularised decides."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, quiet_call


def blobs(n, d, seed, sep=1.0, shift=0.0):
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2)
    X = rng.normal(size=(n, d))
    X[:, 0] += (2 * y - 1) * sep + shift
    return X, y


def mirrored(n, d, seed):
    X, y = blobs(n, d, seed)
    return np.vstack([X, -X]), np.concatenate([y, 1 - y])


def J_log(w, b, X, y, C, reg_b=False):
    m = (2 * y - 1) * (X @ w + b)
    return 0.5 * w @ w + (0.5 * b * b if reg_b else 0.0) + C * np.logaddexp(0, -m).sum()


def J_hinge(w, b, X, y, C, reg_b=False):
    m = (2 * y - 1) * (X @ w + b)
    return 0.5 * w @ w + (0.5 * b * b if reg_b else 0.0) + C * np.maximum(0, 1 - m).sum()


def newton(X, y, C, reg_b=False):
    """The logistic regression optimum (w, b) by Newton's method with step halving."""
    Xt = np.hstack([X, np.ones((len(X), 1))])
    s = 2.0 * y - 1
    reg = np.r_[np.ones(X.shape[1]), 1.0 if reg_b else 0.0]
    th = np.zeros(X.shape[1] + 1)

    def J(t):
        return 0.5 * (reg * t) @ t + C * np.logaddexp(0, -s * (Xt @ t)).sum()

    for _ in range(100):
        m = s * (Xt @ th)
        sig = 0.5 * (1 - np.tanh(m / 2))  # sigmoid(-m)
        g = reg * th - C * Xt.T @ (s * sig)
        H = np.diag(reg) + C * (Xt * (sig * (1 - sig))[:, None]).T @ Xt
        step, t = np.linalg.solve(H, g), 1.0
        if np.abs(step).max() < 1e-12:
            break
        while J(th - t * step) > J(th) + 1e-13 * abs(J(th)) and t > 1e-8:
            t /= 2
        th = th - t * step
    return th[:-1], th[-1]


# (n, d, seed, C) -> optimal hinge objective on mirrored(n, d, seed); see the module docstring.
SVM_MIRRORED = {(25, 2, 1, 1.0): 24.89100929395222, (40, 5, 2, 0.3): 11.846254173117647}
# blobs(80, 2, 21, shift=1.0) at C: (optimum with the bias free, optimum with the bias regularised)
SVM_SHIFTED = {1.0: (21.139679164861565, 23.22312667882511)}

HAND_X = np.array([[1.0, 0.0], [0.0, 1.0], [-2.0, 0.0]])
HAND_Y = np.array([1, 0, 0])


def fitted(call):
    """(w, b) from a fit, read leniently (the exact types are test_returns_float64's business)."""
    __tracebackhide__ = True
    out = call.out
    if not (isinstance(out, tuple) and len(out) == 2 and np.ndim(out[1]) == 0):
        fail(f"{call.name} must return a tuple (w, b)", call=call, got=repr(out)[:200])
    w = np.asarray(out[0], np.float64)
    if w.shape != (call.args[0].shape[1],) or not np.isfinite(w).all() or not np.isfinite(out[1]):
        fail(f"{call.name}: w must be a finite (D,) array and b a finite float", call=call, got=repr(out)[:200])
    return w, float(out[1])


# 1. The objectives on paper.

def test_logistic_objective_by_hand(impl):
    # w = (1, 0), b = 0: s = (1, -1, -1), x.w = (1, 0, -2), margins (1, 0, 2)
    call = Call(impl.logistic_objective, np.array([1.0, 0.0]), 0.0, HAND_X, HAND_Y, 2.0)
    expected = 0.5 + 2 * (np.log1p(np.exp(-1)) + np.log(2) + np.log1p(np.exp(-2)))
    assert_close(call.out, expected, rtol=1e-12, call=call, what="objective",
                 why="0.5 ||w||^2 + C * sum log(1 + exp(-m)); margins 1, 0, 2 (labels 0 mean s = -1)")


def test_hinge_objective_by_hand(impl):
    call = Call(impl.hinge_objective, np.array([1.0, 0.0]), 0.0, HAND_X, HAND_Y, 2.0)
    assert_close(call.out, 0.5 + 2 * 1.0, rtol=1e-12, call=call, what="objective",
                 why="margins 1, 0, 2: hinge losses 0, 1, 0 (exactly at m = 1 the loss is 0), so 0.5 + 2 * 1")


def test_default_C_is_one(impl):
    w = np.array([0.5, -1.0])
    for name, J in (("logistic_objective", J_log), ("hinge_objective", J_hinge)):
        call = Call(getattr(impl, name), w, 0.0, HAND_X, HAND_Y)
        assert_close(call.out, J(w, 0.0, HAND_X, HAND_Y, 1.0), rtol=1e-12, call=call, what="objective",
                     why="C defaults to 1")


# 2. The objectives against the formulas, on seeded random inputs.

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_objectives_match_the_formulas(impl, dtype):
    rng = np.random.default_rng(4)
    for n, d in ((1, 1), (2, 3), (30, 4), (200, 2)):
        X = rng.normal(size=(n, d)).astype(dtype)
        y = rng.integers(0, 2, n)
        w = rng.normal(size=d) * 2
        C = float(rng.uniform(0.1, 5))
        Xd = X.astype(np.float64)
        for name, J in (("logistic_objective", J_log), ("hinge_objective", J_hinge)):
            call = Call(getattr(impl, name), w, 0.0, X, y, C)  # b = 0: the bias convention has its own test
            assert_close(call.out, J(w, 0.0, Xd, y, C), rtol=1e-9, atol=1e-12, call=call, what="objective",
                         why="0.5 ||w||^2 + C * sum of the losses of the margins s (x.w + b), s = 2 y - 1")


def test_objectives_use_the_bias_in_the_margin(impl):
    rng = np.random.default_rng(5)
    X, y, w = rng.normal(size=(20, 3)), rng.integers(0, 2, 20), rng.normal(size=3)
    for name, J in (("logistic_objective", J_log), ("hinge_objective", J_hinge)):
        call = Call(getattr(impl, name), w, 0.7, X, y, 1.5)
        got = float(call.out)
        ok = [J(w, 0.7, X, y, 1.5), J(w, 0.7, X, y, 1.5, reg_b=True)]  # either bias convention here
        if min(abs(got - e) for e in ok) > 1e-9 * abs(ok[0]):
            fail(f"{name} with b = 0.7 gives {got!r}", call=call, expected=f"{ok[0]!r}",
                 why="the margin is s (x.w + b): the bias shifts every score")


def test_logistic_objective_is_stable_for_huge_margins(impl):
    X, y = np.array([[1.0], [1.0]]), np.array([1, 0])
    call = quiet_call(impl.logistic_objective, np.array([1000.0]), 0.0, X, y, 1.0,
                      why="log(1 + exp(1000)) overflows: use np.logaddexp(0, -m)")
    assert_close(call.out, 0.5e6 + 1000.0, rtol=1e-12, call=call, what="objective",
                 why="margins +1000 (loss ~0) and -1000 (loss 1000); 0.5 * 1000^2 = 5e5")


# 2. The fits against the optima.

def check_fit(call, J, optimum, rtol, why):
    __tracebackhide__ = True
    w, b = fitted(call)
    X, y, C = call.args[0], call.args[1], call.args[2] if len(call.args) > 2 else 1.0
    got = J(w, b, np.asarray(X, np.float64), y, C)
    if got > optimum * (1 + rtol):
        fail(f"{call.name}: objective {got:.10g}, the minimum is {optimum:.10g} "
             f"(relative gap {(got - optimum) / optimum:.2e}, allowed {rtol:g})", call=call, why=why)
    return w, b


@pytest.mark.parametrize("n,d,seed,C", [(40, 5, 2, 0.3), (30, 3, 3, 10.0)])
def test_fit_logistic_reaches_the_minimum(impl, n, d, seed, C):
    X, y = mirrored(n, d, seed)
    w_opt, b_opt = newton(X, y, C)
    w, b = check_fit(Call(impl.fit_logistic, X, y, C), J_log, J_log(w_opt, b_opt, X, y, C), 1e-6,
                     "gradient descent with step 1 / L, L = 1 + C ||[X, 1]||^2 / 4, from w = 0: the gradient is "
                     "w + X^T g and sum g with g = -C s sigmoid(-m)")
    assert_close(w, w_opt, rtol=0, atol=1e-3, what="w", why="the logistic objective has one minimiser")


@pytest.mark.parametrize("n,d,seed,C", [(25, 2, 1, 1.0)])
def test_fit_linear_svm_reaches_the_minimum(impl, n, d, seed, C):
    X, y = mirrored(n, d, seed)
    check_fit(Call(impl.fit_linear_svm, X, y, C), J_hinge, SVM_MIRRORED[(n, d, seed, C)], 1e-3,
              "subgradient steps eta_0 / sqrt(t + 1) and the best iterate; the subgradient of the hinge is "
              "-C s where m < 1 (the plain hinge, not squared)")


def test_fits_learn_the_bias(impl):
    X, y = blobs(80, 2, 21, shift=1.0)  # optimal bias far from 0; either bias convention accepted here
    for C in (1.0,):
        call = Call(impl.fit_logistic, X, y, C)
        w, b = fitted(call)
        free = newton(X, y, C)
        regd = newton(X, y, C, reg_b=True)
        gaps = [(J_log(w, b, X, y, C) - J_log(*free, X, y, C)) / J_log(*free, X, y, C),
                (J_log(w, b, X, y, C, True) - J_log(*regd, X, y, C, True)) / J_log(*regd, X, y, C, True)]
        if min(gaps) > 1e-6:
            fail(f"fit_logistic on shifted data: relative gap {gaps[0]:.2e} to the minimum", call=call,
                 got=f"w = {w}, b = {b}", expected=f"w = {free[0]}, b = {free[1]}",
                 why="the data are shifted: the optimal bias is about -2.6; update b with sum g")
    call = Call(impl.fit_linear_svm, X, y, 1.0)
    w, b = fitted(call)
    opt_free, opt_reg = SVM_SHIFTED[1.0]
    gaps = [(J_hinge(w, b, X, y, 1.0) - opt_free) / opt_free, (J_hinge(w, b, X, y, 1.0, True) - opt_reg) / opt_reg]
    if min(gaps) > 1e-3:
        fail(f"fit_linear_svm on shifted data: relative gap {gaps[0]:.2e} to the minimum {opt_free:.8g}",
             call=call, got=f"w = {w}, b = {b}", why="the optimal bias is about -2.4: update b with sum g")


def test_more_steps_do_no_harm(impl):
    X, y = mirrored(25, 2, 1)
    short = fitted(Call(impl.fit_logistic, X, y, 1.0, n_steps=2))
    full = fitted(Call(impl.fit_logistic, X, y, 1.0))
    if not J_log(*full, X, y, 1.0) <= J_log(*short, X, y, 1.0) + 1e-12:
        fail("fit_logistic with the default n_steps ends worse than with n_steps=2",
             why="n_steps is the number of descent steps: more steps of 1 / L never increase the objective")
    if J_log(*short, X, y, 1.0) <= J_log(*full, X, y, 1.0) * (1 + 1e-6):
        fail("fit_logistic with n_steps=2 already at the minimum: is n_steps used?")


# 5. Conventions.

@pytest.mark.convention("the bias is not regularised")
def test_bias_is_not_regularised(impl):
    X, y = np.array([[0.0]]), np.array([1])
    for name, J in (("logistic_objective", J_log), ("hinge_objective", J_hinge)):
        call = Call(getattr(impl, name), np.array([0.0]), 2.0, X, y, 1.0)
        assert_close(call.out, J(np.array([0.0]), 2.0, X, y, 1.0), rtol=1e-12, call=call, what="objective",
                     why="w = 0, b = 2: the only cost is the loss at margin 2; b is not in the penalty "
                         "(liblinear's b^2 / 2 from intercept_scaling is not used here)")
    X, y = blobs(80, 2, 21, shift=1.0)
    call = Call(impl.fit_logistic, X, y, 1.0)
    w, b = fitted(call)
    w_opt, b_opt = newton(X, y, 1.0)
    assert_close(np.r_[w, b], np.r_[w_opt, b_opt], rtol=0, atol=1e-3, call=call, what="(w, b)",
                 why="the minimiser of 0.5 ||w||^2 + C sum loss, with b free; a b^2 penalty pulls b towards 0")


@pytest.mark.convention("float64 w and a float b, also for float32 X")
def test_returns_float64(impl):
    X, y = mirrored(10, 2, 7)
    for name in ("fit_logistic", "fit_linear_svm"):
        call = Call(getattr(impl, name), X.astype(np.float32), y, 1.0, n_steps=5)
        w, b = call.out
        assert_array(w, dtype=np.float64, shape=(2,), call=call, what="w")
        if not isinstance(b, float):
            fail(f"{name}: b must be a float, not {type(b).__name__}", call=call, got=repr(b))
    for name in ("logistic_objective", "hinge_objective"):
        call = Call(getattr(impl, name), np.ones(2), 0.0, X.astype(np.float32), y)
        if not isinstance(call.out, float):
            fail(f"{name} must return a float, not {type(call.out).__name__}", call=call)


# Contracts.

FUNCS = ["logistic_objective", "hinge_objective", "fit_logistic", "fit_linear_svm"]


def calls(impl, name, X, y, C):
    fn = getattr(impl, name)
    if name.startswith("fit"):
        return fn, (X, y, C)
    return fn, (np.ones(X.shape[1]), 0.0, X, y, C)


@pytest.mark.contract("labels other than 0/1: ValueError")
@pytest.mark.parametrize("name", FUNCS)
def test_labels_must_be_zero_one(impl, name):
    X = np.random.default_rng(0).normal(size=(6, 2))
    fn, args = calls(impl, name, X, np.array([-1, 1, -1, 1, 1, -1]), 1.0)
    assert_raises(ValueError, fn, *args, why="y holds 0/1 labels; -1/+1 labels would make s = 2 y - 1 = -3")


@pytest.mark.contract("bad shapes or C <= 0: ValueError")
@pytest.mark.parametrize("name", FUNCS)
def test_bad_shapes_or_C_raise(impl, name):
    X, y = np.random.default_rng(0).normal(size=(6, 2)), np.array([0, 1, 0, 1, 1, 0])
    fn, args = calls(impl, name, X, y.reshape(-1, 1), 1.0)
    assert_raises(ValueError, fn, *args, why="y of shape (N, 1) broadcasts to an (N, N) array silently")
    for C in (0.0, -1.0):
        fn, args = calls(impl, name, X, y, C)
        assert_raises(ValueError, fn, *args, why="C is an inverse regularisation strength: C > 0")
