"""Numerical gradient checking: centred differences and the relative error · 数值梯度检验：中心差分与相对误差

Before trusting a hand-written backward pass, compare it with a numerical gradient: nudge each
input entry by ``+h`` and ``-h``, difference the function, and measure how far the two gradients
are apart with a scale-free relative error. Write the two tools you would use on your own layers.

Canonical code: cs231n's ``eval_numerical_gradient_array(f, x, df, h=1e-5)`` and ``rel_error``
compute the same quantities; this kata differs in three places, each decided by a test: it evaluates
in float64 whatever the dtype of ``x`` (cs231n perturbs ``x`` in its own dtype, so an integer or
float32 ``x`` gives a wrong gradient: test ``test_evaluates_in_float64``); ``relative_error``
rejects arrays of different shapes instead of broadcasting them (test
``test_relative_error_shape_mismatch_raises``); and empty inputs give an empty gradient and a
relative error of 0.0 where ``np.nditer`` and ``np.max`` raise (test ``test_empty_inputs``).
``torch.autograd.gradcheck`` does the same check with a tolerance on ``|a - b| <= atol + rtol * |b|``
instead of one relative error.

Run the tests: pytest katas/nn/gradient_check
"""

import numpy as np

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f, x: np.ndarray, dout=None, h: float = 1e-5) -> np.ndarray:
    """The gradient of ``L(x) = sum(f(x) * dout)`` by centred differences.

    Args:
        f: a function of one array of ``x``'s shape, returning a scalar (Python or numpy) or an
            array of any fixed shape.
        x: the point, an array of any shape and any real dtype (size 0 included). Not modified:
            after the call it holds exactly the values it had (you may perturb it in place and
            restore it, or work on a copy).
        dout: the upstream gradient, an array of ``f``'s output shape; None (default) means ones,
            i.e. the gradient of ``sum(f(x))``.
        h: the step, default ``1e-5``.

    Returns:
        A **float64** array of ``x``'s shape whose entry ``i`` is
        ``(L(x + h e_i) - L(x - h e_i)) / (2 h)``, with ``e_i`` the unit array at entry ``i`` and
        every evaluation done in float64 (``f`` receives a float64 array, also for integer or
        float32 ``x``). The error of the centred difference is O(h^2), against O(h) for a one-sided
        difference.
    """
    raise NotImplementedError("numerical_gradient")


def relative_error(a, b) -> float:
    """The largest elementwise relative error between two gradients.

    ``max_i |a_i - b_i| / max(|a_i| + |b_i|, 1e-8)``: per entry (so a tiny entry that is wrong by a
    factor of 2 is not hidden by large ones), symmetric in ``a`` and ``b``, scale-free, and 0 where
    both entries are 0 (the 1e-8 floor avoids 0 / 0). Arrays of size 0 give 0.0.

    Args:
        a, b: arrays (or array-likes) of the same shape, any real dtype; computed in float64.

    Returns:
        A Python float (or numpy float64 scalar) >= 0.

    Errors: ``ValueError`` when the shapes differ (even where they would broadcast, as (3,) and (3, 1)).
    """
    raise NotImplementedError("relative_error")
