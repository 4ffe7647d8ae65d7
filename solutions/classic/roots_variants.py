"""Known-wrong and canonical-style answers to classic/roots; `nox -s verify` proves the tests catch
every one. Never shown to learners. Every loop is capped, so no variant can hang the tests."""

import math
from decimal import ROUND_HALF_UP, Decimal


def _mutant(*, cbrt_x0_a=False, cbrt_unsigned=False, fixed_steps=None, abs_tol=None, bracket_0_a=False,
            decimals=False, gd_fixed_lr=False, half_up=False, default=4, check_negative=True, check_finite=True,
            check_digits=True):

    def rnd(x, digits):
        if not math.isfinite(x) or x == 0:
            return float(x)
        if decimals:
            return round(x, digits)
        k = digits - 1 - math.floor(math.log10(abs(x)))
        if half_up:  # exact decimal rounding, ties away from zero
            return float(Decimal(x).quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP))
        return round(x, k)

    def checked(a, digits, negative_ok):
        if check_digits and not (isinstance(digits, int) and 1 <= digits <= 12):
            raise ValueError("digits")
        a = float(a)
        if check_finite and not math.isfinite(a):
            raise ValueError("finite")
        if check_negative and a < 0 and not negative_ok:
            raise ValueError("negative")
        return a

    def bisect(below, hi, digits):
        lo = 0.0
        for _ in range(5000):
            if rnd(lo, digits) == rnd(hi, digits):
                break
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            lo, hi = (mid, hi) if below(mid) else (lo, mid)
        return rnd(hi, digits)

    def sqrt_newton(a, digits=default):
        a = checked(a, digits, False)
        if a == 0:
            return 0.0
        x = a if fixed_steps else max(a, 1.0)
        for step in range(5000):
            if fixed_steps and step == fixed_steps:
                break
            if abs_tol is not None:
                if abs(x * x - a) < abs_tol:
                    break
            elif not fixed_steps and rnd(a / x, digits) == rnd(x, digits):
                break
            x = 0.5 * (x + a / x)
        return rnd(x, digits)

    def cbrt_newton(a, digits=default):
        a = checked(a, digits, True)
        if cbrt_unsigned:
            return bisect(lambda m: m ** 3 < a, max(a, 1.0), digits)
        if cbrt_x0_a:  # x0 = a, signed, no guard for a = 0
            x = a
            for _ in range(5000):
                nxt = (2 * x + a / (x * x)) / 3
                if nxt == x:
                    break
                x = nxt
            return rnd(x, digits)
        if a == 0:
            return 0.0
        b = abs(a)
        x = b if fixed_steps else max(b, 1.0)
        for step in range(5000):
            if fixed_steps and step == fixed_steps:
                break
            if not fixed_steps and rnd(b / x / x, digits) == rnd(x, digits):
                break
            x = (2 * x + b / x / x) / 3
        return math.copysign(rnd(x, digits), a)

    def sqrt_bisection(a, digits=default):
        a = checked(a, digits, False)
        return bisect(lambda m: m * m < a, a if bracket_0_a else max(a, 1.0), digits) if a > 0 else 0.0

    def cbrt_bisection(a, digits=default):
        a = checked(a, digits, True)
        if cbrt_unsigned:
            return bisect(lambda m: m ** 3 < a, max(a, 1.0), digits)
        b = abs(a)
        hi = b if bracket_0_a else max(b, 1.0)
        return math.copysign(bisect(lambda m: m * m * m < b, hi, digits), a) if b else 0.0

    def sqrt_gradient_descent(a, digits=default):
        a = checked(a, digits, False)
        if a <= 0:
            return 0.0
        if gd_fixed_lr:  # raw loss (x^2 - a)^2, one learning rate for every a
            x = max(a, 1.0)
            for _ in range(3000):
                x -= 0.01 * 4 * x * (x * x - a)
                if not math.isfinite(x):
                    break
            return rnd(x, digits)
        mant, exp = math.frexp(a)
        k, odd = divmod(exp - 1, 2)
        m = math.ldexp(mant, 1 + odd)
        x = (1.0 + m) / 2.0
        for _ in range(10_000):
            step = 0.2 * x * (x * x - m)
            if abs(step) <= 1e-15 * x:
                break
            x -= step
        return rnd(math.ldexp(x, k), digits)

    return {"sqrt_newton": sqrt_newton, "cbrt_newton": cbrt_newton, "sqrt_bisection": sqrt_bisection,
            "cbrt_bisection": cbrt_bisection, "sqrt_gradient_descent": sqrt_gradient_descent}


def _textbook():
    """Iterate each method to the last bit, then round once with round()."""

    def prepare(a, digits, odd):
        if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 12:
            raise ValueError("digits must be in 1..12")
        a = float(a)
        if math.isnan(a) or math.isinf(a):
            raise ValueError("a must be finite")
        if a < 0 and not odd:
            raise ValueError("math domain error")
        return a

    def to_digits(x, digits):
        return 0.0 if x == 0 else round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))

    def sqrt_newton(a, digits=4):  # Heron of Alexandria
        a = prepare(a, digits, False)
        if a == 0:
            return 0.0
        x = a if a > 1 else 1.0
        while True:
            y = (x + a / x) / 2
            if y >= x:
                return to_digits(x, digits)
            x = y

    def cbrt_newton(a, digits=4):
        a = prepare(a, digits, True)
        if a == 0:
            return 0.0
        s, a = (-1.0, -a) if a < 0 else (1.0, a)
        x = a if a > 1 else 1.0
        while True:
            y = (2 * x + a / (x * x)) / 3
            if y >= x:
                return s * to_digits(x, digits)
            x = y

    def bisection(f, a, digits):
        lo, hi = 0.0, max(a, 1.0)
        while True:
            mid = lo + (hi - lo) / 2
            if mid <= lo or mid >= hi:
                return to_digits(hi if f(hi) - a <= a - f(lo) else lo, digits)
            if f(mid) < a:
                lo = mid
            else:
                hi = mid

    def sqrt_bisection(a, digits=4):
        a = prepare(a, digits, False)
        return bisection(lambda x: x * x, a, digits) if a else 0.0

    def cbrt_bisection(a, digits=4):
        a = prepare(a, digits, True)
        if a == 0:
            return 0.0
        return math.copysign(bisection(lambda x: x * x * x, abs(a), digits), a)

    def sqrt_gradient_descent(a, digits=4):
        a = prepare(a, digits, False)
        if a == 0:
            return 0.0
        m, k = a, 0
        while m >= 4:
            m, k = m / 4, k + 1
        while m < 1:
            m, k = m * 4, k - 1
        x = 1.5
        for _ in range(100_000):
            grad = x * (x * x - m)  # of (x^2 - m)^2 / 4
            if abs(grad) < 1e-16:
                break
            x -= 0.1 * grad
        return to_digits(x * 2.0 ** k, digits)

    return {"sqrt_newton": sqrt_newton, "cbrt_newton": cbrt_newton, "sqrt_bisection": sqrt_bisection,
            "cbrt_bisection": cbrt_bisection, "sqrt_gradient_descent": sqrt_gradient_descent}


WRONG = {
    "cbrt_newton_from_zero": _mutant(cbrt_x0_a=True),
    "cbrt_negative_fails": _mutant(cbrt_unsigned=True),
    "fixed_iterations": _mutant(fixed_steps=20),
    "absolute_tolerance": _mutant(abs_tol=1e-10),
    "bisection_bracket_0_a": _mutant(bracket_0_a=True),
    "decimal_places": _mutant(decimals=True),
    "gradient_descent_fixed_lr": _mutant(gd_fixed_lr=True),
    "round_half_up": _mutant(half_up=True),
    "default_6_digits": _mutant(default=6),
    "negative_sqrt_unchecked": _mutant(check_negative=False),
    "no_finite_check": _mutant(check_finite=False),
    "digits_unchecked": _mutant(check_digits=False),
}
CANONICAL = {"textbook": _textbook()}
