"""Second derivatives with autograd · 用 autograd 求二阶导与 Hessian-向量积

Autograd can differentiate its own backward pass: keep the graph of the first gradient
(``create_graph=True``) and differentiate again. That gives second derivatives of elementwise
functions and Hessian-vector products (used by Newton-CG, influence functions, sharpness and
curvature estimates, MAML) at the cost of two backward passes, without ever forming the Hessian.

Run the tests: pytest katas/torch/higher_order_grad
"""

from collections.abc import Callable

import torch

__all__ = ["second_derivative", "hessian_vector_product"]


def second_derivative(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Elementwise second derivative ``d2 f(x)_i / d x_i^2`` of an elementwise function.

    Args:
        f: a function of one tensor built from differentiable torch operations, returning a tensor
            of **the same shape** as its input, **elementwise**: ``f(x)[i]`` depends on ``x[i]``
            only (``torch.sin``, ``lambda t: t ** 3``, ``lambda t: torch.tanh(2 * t) * t``, ...).
            It may be linear in ``x`` (then the answer is exactly 0) and may use parameters that
            require grad (an ``nn.Module``'s weights, say).
        x: float32 or float64 tensor of any shape (0-d and empty included), on any device. It may
            be a plain tensor (``requires_grad=False``), a leaf that requires grad, or an
            intermediate result of the caller's graph.

    Returns:
        A tensor of x's shape, dtype and device holding ``f''(x)`` elementwise, **detached**:
        ``requires_grad`` False, no graph kept.

    Rules:
        - Use autograd: two calls of ``torch.autograd.grad``, the first with ``create_graph=True``.
          Not ``torch.autograd.functional``, not ``torch.func``, not finite differences (they
          cannot reach the accuracy asked: within 1e-9 relative of the exact value in float64,
          1e-5 in float32).
        - Leave the caller's state alone: ``x``'s values, its ``requires_grad`` flag and its
          ``.grad`` (whatever it holds, ``None`` included) stay as they were, and nothing is
          accumulated into the ``.grad`` of anything ``f`` uses. Work on a fresh leaf such as
          ``x.detach().requires_grad_(True)``.
        - Works when called inside ``torch.no_grad()``.
        - ``f(x)`` of a shape other than ``x.shape`` raises ``ValueError``.
    """
    raise NotImplementedError("second_derivative")


def hessian_vector_product(f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                           v: torch.Tensor) -> torch.Tensor:
    """``H v``, where ``H`` is the Hessian of the scalar function ``f`` at ``x``, without forming ``H``.

    Args:
        f: a function of one tensor of x's shape, built from differentiable torch operations,
            returning a tensor with **one element** (0-d or shape (1,)). It may use parameters that
            require grad. Its Hessian ``H[i, j] = d2 f / (d x_i d x_j)`` over the flattened ``x``
            is symmetric.
        x: float32 or float64 tensor of any shape, on any device; plain, a leaf that requires
            grad, or part of the caller's graph, as in ``second_derivative``.
        v: a tensor of x's shape, dtype and device (it may require grad; it is treated as a
            constant).

    Returns:
        ``(H @ v.flatten()).reshape(x.shape)``: a tensor of x's shape, dtype and device,
        **detached**. Compute it as the gradient of ``grad_f(x) . v`` with respect to ``x`` (two
        backward passes, ``H`` never formed). A function linear in ``x`` gives exactly 0.

    Rules: as for ``second_derivative`` (autograd only, no ``torch.autograd.functional`` or
    ``torch.func``, the same accuracy; ``x``, ``v``, their flags and every ``.grad`` untouched;
    works under ``torch.no_grad()``). ``f(x)`` with more than one element, or ``v`` of a shape other
    than ``x.shape``, raises ``ValueError``.

    Canonical code: ``torch.autograd.functional.hvp`` (and ``hessian`` for small inputs) and
    ``torch.func`` (``jvp`` of ``grad``, forward-over-reverse) compute the same ``H v`` and, for an
    elementwise ``f``, the same ``f''`` as ``H`` times a vector of ones; the tests compare with
    them. This kata asks for the double backward written with ``torch.autograd.grad`` itself: an
    answer built on those libraries fails only ``test_does_not_use_autograd_functional``.
    """
    raise NotImplementedError("hessian_vector_product")
