"""Square and cube roots by Newton's method, bisection and gradient descent, rounded to significant digits.

Newton and bisection keep a bracket [lo, hi] around the root and stop as soon as both ends round
to the same `digits` significant digits: the root, which lies between them, rounds to it too.
Gradient descent has no bracket: it runs until its step is below 1e-15 of the iterate."""

import math


def _check(a: float, digits: int, *, allow_negative: bool) -> float:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 12:
        raise ValueError(f"digits must be an int in 1..12, got {digits!r}")
    a = float(a)
    if not math.isfinite(a):
        raise ValueError(f"a must be finite, got {a}")
    if a < 0 and not allow_negative:
        raise ValueError(f"the square root of a negative number ({a}) is not real")
    return a


def round_significant(x: float, digits: int) -> float:
    """x rounded to `digits` significant digits, exact ties to even (as round() does)."""
    if x == 0:
        return 0.0
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def sqrt_newton(a: float, digits: int = 4) -> float:
    """Newton on f(x) = x^2 - a: x <- (x + a / x) / 2. From x0 >= sqrt(a) the iterates decrease
    to the root and a / x stays below it, so [a / x, x] brackets the root."""
    a = _check(a, digits, allow_negative=False)
    if a == 0:
        return 0.0
    x = max(a, 1.0)
    while True:
        if round_significant(a / x, digits) == round_significant(x, digits):
            return round_significant(x, digits)
        nxt = 0.5 * (x + a / x)
        if nxt >= x:  # converged to the last bit
            return round_significant(x, digits)
        x = nxt


def cbrt_newton(a: float, digits: int = 4) -> float:
    """Newton on f(x) = x^3 - a: x <- (2 x + a / x^2) / 3, on |a| with the sign put back (odd
    root). It starts at max(|a|, 1) >= the root, never at 0 where f'(x) = 0."""
    a = _check(a, digits, allow_negative=True)
    if a == 0:
        return 0.0
    b = abs(a)
    x = max(b, 1.0)
    while True:
        lo = b / x / x  # <= root when x >= root
        if round_significant(lo, digits) == round_significant(x, digits):
            break
        nxt = (2.0 * x + lo) / 3.0
        if nxt >= x:
            break
        x = nxt
    return math.copysign(round_significant(x, digits), a)


def _bisect(f_below, hi: float, digits: int) -> float:
    lo = 0.0
    while round_significant(lo, digits) != round_significant(hi, digits):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):  # the bracket is two adjacent floats
            break
        lo, hi = (mid, hi) if f_below(mid) else (lo, mid)
    return round_significant(hi, digits)


def sqrt_bisection(a: float, digits: int = 4) -> float:
    """Bisection on [0, max(a, 1)]: the root of a < 1 is above a."""
    a = _check(a, digits, allow_negative=False)
    return _bisect(lambda m: m * m < a, max(a, 1.0), digits) if a else 0.0


def cbrt_bisection(a: float, digits: int = 4) -> float:
    """Bisection on [0, max(|a|, 1)], the sign put back."""
    a = _check(a, digits, allow_negative=True)
    b = abs(a)
    return math.copysign(_bisect(lambda m: m * m * m < b, max(b, 1.0), digits), a) if a else 0.0


def sqrt_gradient_descent(a: float, digits: int = 4) -> float:
    """Gradient descent on L(x) = (x^2 - m)^2 / 4 (gradient x (x^2 - m)) for a = m * 4^k, m in
    [1, 4): the scaling fixes the curvature (2m at the root), so one learning rate converges for
    every a; then sqrt(a) = sqrt(m) * 2^k."""
    a = _check(a, digits, allow_negative=False)
    if a == 0:
        return 0.0
    mant, exp = math.frexp(a)  # a = mant * 2^exp, mant in [0.5, 1)
    k, odd = divmod(exp - 1, 2)  # exp - 1 = 2k + odd
    m = math.ldexp(mant, 1 + odd)  # a = m * 4^k, m in [1, 4)
    x, lr = (1.0 + m) / 2.0, 0.2
    for _ in range(10_000):
        step = lr * x * (x * x - m)
        if abs(step) <= 1e-15 * x:  # 15 digits: enough to round to 12
            break
        x -= step
    return round_significant(math.ldexp(x, k), digits)
