"""Tests for classic/roots. Run: pytest katas/classic/roots

The oracle is the decimal module: Decimal.sqrt and Decimal ** (1/3) at 50 digits, rounded to the
requested significant digits by format() (half to even). Random inputs are drawn so that the root
is not within 1e-9 (relative) of a rounding boundary, so no float error and no tie rule decides
them; exact ties have a convention test of their own."""

import math
import random
from decimal import Context, Decimal

import pytest

from cvkatas import Call, assert_raises, fail, show

CTX = Context(prec=50)
SQRT = ["sqrt_newton", "sqrt_bisection", "sqrt_gradient_descent"]
CBRT = ["cbrt_newton", "cbrt_bisection"]


def exact_root(a, n):
    """The root as a 50-digit Decimal (sign kept for cube roots)."""
    d = abs(Decimal(a))
    if d == 0:
        return Decimal(0)
    r = d.sqrt(CTX) if n == 2 else CTX.power(d, CTX.divide(Decimal(1), Decimal(3)))
    return r.copy_sign(Decimal(a))


def rounded(root, digits):
    return float(format(CTX.plus(root), f".{digits - 1}e"))


def near_boundary(root, digits, margin=Decimal("1e-9")):
    """True if the root is within `margin` (relative) of a point where its rounding changes."""
    if root == 0:
        return False
    scaled = abs(root).scaleb(digits - 1 - abs(root).adjusted(), CTX)  # in [10^(d-1), 10^d)
    frac = scaled - int(scaled)
    return abs(frac - Decimal("0.5")) < margin * scaled or frac < margin * scaled or 1 - frac < margin * scaled


def check(impl, name, a, digits=None, why=None):
    __tracebackhide__ = True
    n = 2 if name.startswith("sqrt") else 3
    call = Call(getattr(impl, name), a) if digits is None else Call(getattr(impl, name), a, digits)
    d = 4 if digits is None else digits
    root = exact_root(a, n)
    expected = rounded(root, d)
    got = call.out
    if not isinstance(got, float):
        fail(f"{name} must return a float, got {type(got).__name__}", call=call, got=show(got))
    if not math.isclose(got, expected, rel_tol=1e-14, abs_tol=0.0):
        fail(f"{name}: wrong value", call=call, got=repr(got), expected=repr(expected),
             why=why or f"the {'square' if n == 2 else 'cube'} root of {a!r} is {format(root, '.15e')}, which "
                        f"rounds to {expected!r} at {d} significant digits (significant digits, not decimal places)")
    return got


# 1. Small cases you can check on paper.

@pytest.mark.parametrize("name", SQRT + CBRT)
def test_seed_question_four_digits(impl, name):
    check(impl, name, 2, 4)  # sqrt(2) = 1.41421..., cbrt(2) = 1.25992...
    check(impl, name, 10, 4)


@pytest.mark.parametrize("name", SQRT + CBRT)
def test_perfect_powers(impl, name):
    for r in (1, 3, 12, 100):
        check(impl, name, r ** (2 if name.startswith("sqrt") else 3), 12,
              why=f"a perfect {'square' if name.startswith('sqrt') else 'cube'} has the exact root {r}")


@pytest.mark.parametrize("name", SQRT + CBRT)
def test_zero(impl, name):
    call = Call(getattr(impl, name), 0.0, 4)
    if call.out != 0.0 or not isinstance(call.out, float):
        fail(f"{name}(0.0, 4) must be 0.0", call=call, got=show(call.out),
             why="the root of 0 is 0; Newton for x^3 started at x0 = 0 divides by f'(0) = 0, and from any other "
                 "start it creeps to 0 only linearly")


@pytest.mark.parametrize("name", CBRT)
def test_negative_cube_roots(impl, name):
    for a in (-8, -0.001, -2.0, -1e12):
        check(impl, name, a, 6, why=f"the cube root is odd: cbrt({a}) = -cbrt({-a})")


@pytest.mark.parametrize("name", SQRT + CBRT)
def test_below_one(impl, name):
    for a in (0.25, 0.5, 1e-6):
        check(impl, name, a, 8, why=f"for a = {a} < 1 the root is larger than a: a bracket [0, a] misses it")


@pytest.mark.parametrize("name", SQRT + CBRT)
def test_significant_digits_not_decimal_places(impl, name):
    for a, d in ((12345.678, 4), (1.5e-7, 3), (987654321.0, 2), (3e-5, 5)):
        check(impl, name, a, d)


@pytest.mark.parametrize("name", SQRT + CBRT)
def test_extreme_magnitudes(impl, name):
    for a in (1e-300, 3.7e-200, 1e-20, 1e20, 2.5e150, 1e300):
        check(impl, name, a, 10,
              why="the method must work at any scale: stop on a relative (or bracket-rounding) criterion, never an "
                  "absolute tolerance or a fixed number of steps, and avoid overflowing x * x")


# 2. Against the decimal oracle on seeded random inputs.

@pytest.mark.parametrize("name", SQRT + CBRT)
def test_matches_decimal_oracle(impl, name):
    rng = random.Random(name)
    done = 0
    while done < 60:
        a = 10 ** rng.uniform(-12, 12) * (rng.choice([-1, 1]) if name.startswith("cbrt") else 1)
        digits = rng.randint(1, 12)
        if near_boundary(exact_root(a, 2 if name.startswith("sqrt") else 3), digits):
            continue
        check(impl, name, a, digits)
        done += 1


@pytest.mark.parametrize("name", SQRT + CBRT)
def test_integer_input(impl, name):
    check(impl, name, 7, 5)


# Conventions.

@pytest.mark.convention("exact ties round half to even")
def test_exact_ties_round_half_to_even(impl):
    for name, a, d, want in (("sqrt_newton", 6.25, 1, 2.0), ("sqrt_bisection", 6.25, 1, 2.0),
                             ("cbrt_newton", 15.625, 1, 2.0),
                             ("cbrt_bisection", -15.625, 1, -2.0), ("sqrt_newton", 0.015625, 2, 0.12),
                             ("sqrt_newton", 56.25, 1, 8.0)):
        call = Call(getattr(impl, name), a, d)
        if call.out != want:
            fail(f"{name}({a}, {d}) must be {want}", call=call, got=show(call.out), expected=repr(want),
                 why="the root is exactly halfway (2.5, 0.125, 7.5); ties round half to even, as Python's round() "
                     "and format() do")


@pytest.mark.convention("default: 4 significant digits")
def test_default_is_four_digits(impl):
    for name in SQRT + CBRT:
        check(impl, name, 3, None, why="called without digits: the default is 4 significant digits")


@pytest.mark.contract("negative a for a square root: ValueError")
def test_negative_square_root_raises(impl):
    for name in SQRT:
        assert_raises(ValueError, getattr(impl, name), -4.0, 4, why="a negative number has no real square root")


@pytest.mark.contract("non-finite a: ValueError")
def test_non_finite_raises(impl):
    for name in SQRT + CBRT:
        for a in (math.inf, math.nan, -math.inf):
            if a == -math.inf and name.startswith("sqrt"):
                continue
            assert_raises(ValueError, getattr(impl, name), a, 4, why="inf and nan have no digits to round")


@pytest.mark.contract("digits outside 1..12: ValueError")
def test_bad_digits_raises(impl):
    for name in SQRT + CBRT:
        for d in (0, -1, 13, 2.5):
            assert_raises(ValueError, getattr(impl, name), 2.0, d, why="digits must be an int in 1..12")
