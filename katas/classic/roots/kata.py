"""Square and cube roots by hand · 手写开平方与开立方 (牛顿法, 二分法, 梯度下降; 保留有效数字)

"Compute sqrt(n) and the cube root of n without a library; now keep 4 significant digits." Solve
x^2 = a and x^3 = a three ways: Newton's method, bisection, and (for the square root) gradient
descent on a loss, each stopping once the answer is known to the requested significant digits.

Run the tests: pytest katas/classic/roots
"""

__all__ = ["sqrt_newton", "cbrt_newton", "sqrt_bisection", "cbrt_bisection", "sqrt_gradient_descent"]

# Shared by all five functions:
#   a: a finite int or float. Square roots need a >= 0; cube roots take any sign (the cube root
#      of -8 is -2). Results are promised for a = 0 and 1e-300 <= |a| <= 1e300.
#   digits: an int, 1 <= digits <= 12, default 4.
#   Returns a Python float: the exact root rounded to `digits` significant digits (not decimal
#      places): sqrt_newton(2) == 1.414, sqrt_newton(12345.678) == 111.1, sqrt_newton(1.5e-7, 3)
#      == 0.000387, cbrt_newton(2) == 1.26. An exact tie rounds half to even, as round() and
#      format() do: sqrt_newton(6.25, 1) == 2.0 (promised for Newton and bisection, which reach
#      such a root exactly; gradient descent stops a few ulps away, so its ties may go either
#      way). The root of 0 is 0.0.
#   Errors: ValueError for a negative a (square roots only), a non-finite a (inf, nan) and digits
#      outside 1..12 (or not an int).
#   Do not call math.sqrt, math.cbrt, pow or ** with a fractional exponent, nor numpy: the tests
#      cannot tell, an interviewer can. The tests call each function a few hundred times, on
#      tiny and huge inputs: no fixed small iteration count, no absolute tolerance such as |x*x - a| < 1e-10
#      (useless for a = 1e-20, never reached for a = 1e20).


def sqrt_newton(a: float, digits: int = 4) -> float:
    """Square root by Newton's method on f(x) = x^2 - a: ``x <- (x + a / x) / 2``.

    Hint for stopping: from any x0 >= sqrt(a) (for example max(a, 1)) the iterates decrease to
    the root, while a / x stays below it, so ``[a / x, x]`` brackets the root; stop when both
    ends round to the same number.
    """
    raise NotImplementedError("sqrt_newton")


def cbrt_newton(a: float, digits: int = 4) -> float:
    """Cube root by Newton's method on f(x) = x^3 - a: ``x <- (2 x + a / x^2) / 3``.

    Negative a: the cube root is odd, cbrt(-a) = -cbrt(a). a = 0: the answer is 0.0, and a start
    at x0 = 0 divides by f'(0) = 0. From x0 >= cbrt(|a|) the iterates decrease to the root and
    |a| / x^2 stays below it.
    """
    raise NotImplementedError("cbrt_newton")


def sqrt_bisection(a: float, digits: int = 4) -> float:
    """Square root by bisection: halve a bracket [lo, hi] with lo^2 <= a <= hi^2 until both
    ends round to the same `digits` significant digits. For a < 1 the root is above a: the
    bracket [0, a] does not contain it (take [0, max(a, 1)])."""
    raise NotImplementedError("sqrt_bisection")


def cbrt_bisection(a: float, digits: int = 4) -> float:
    """Cube root by bisection (negative a by symmetry), same stopping rule as sqrt_bisection."""
    raise NotImplementedError("cbrt_bisection")


def sqrt_gradient_descent(a: float, digits: int = 4) -> float:
    """Square root by gradient descent on a loss whose minimum is at sqrt(a), e.g.
    ``L(x) = (x^2 - a)^2``, with gradient ``4 x (x^2 - a)``.

    A fixed learning rate that works for a = 2 diverges (overflows) for a = 1e6 and crawls for
    a = 1e-6: the curvature at the root is 8a. Make the step scale-free, for example by writing
    a = m * 4^k with m in [1, 4) (math.frexp gives the exponent), descending on m, and
    returning sqrt(m) * 2^k.

    Canonical code: there is no library to follow; the methods are the textbook ones (Newton /
    Heron's method for square roots, Newton for cube roots, bisection) and the interview note's
    gradient descent on (x^2 - a)^2. Python's ``round(x, digits - 1 - floor(log10(|x|)))``
    gives this statement's rounding. The conventions, each a test of its own: exact ties round
    half to even; the default is 4 significant digits.
    """
    raise NotImplementedError("sqrt_gradient_descent")
