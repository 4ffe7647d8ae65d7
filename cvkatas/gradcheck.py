"""Float64 centered-difference gradients, and a relative-error comparison that names the worst entry."""

from __future__ import annotations

import numpy as np

from .asserts import _py, fail, show, to_numpy


def numerical_gradient(f, x: np.ndarray, dout=None, eps: float = 1e-6) -> np.ndarray:
    """d/dx of ``sum(f(x) * dout)`` by centered differences in float64 (``dout`` defaults to ones).

    ``f`` is called with float64 copies of ``x`` where one entry moved by ``+-eps``; ``x`` itself is
    never modified. Cost: two calls of ``f`` per entry of ``x``, so keep ``x`` small.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat = x.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = np.asarray(f(x.copy()), dtype=np.float64)
        flat[i] = old - eps
        fm = np.asarray(f(x.copy()), dtype=np.float64)
        flat[i] = old
        w = np.ones_like(fp) if dout is None else np.asarray(dout, dtype=np.float64)
        grad.reshape(-1)[i] = np.sum((fp - fm) * w) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """max |a - b| / max(|a| + |b|), 0 when both are 0: scale-free, so one tolerance fits all sizes."""
    a = to_numpy(a).astype(np.float64)
    b = to_numpy(b).astype(np.float64)
    scale = np.max(np.abs(a) + np.abs(b)) if a.size else 0.0
    return 0.0 if scale == 0 else float(np.max(np.abs(a - b)) / scale)


def assert_gradient_close(got, expected, *, tol: float = 1e-6, call=None, what="gradient", why=None):
    """Relative error (see `relative_error`) below ``tol``: 1e-6 for smooth functions, 1e-4 at kinks."""
    __tracebackhide__ = True
    g, e = to_numpy(got), to_numpy(expected)
    if g is None or g.shape != e.shape:
        fail(f"{what}: shape {None if g is None else g.shape}, expected {e.shape}", call=call,
             got=show(got), expected=show(expected), why=why)
    if not np.all(np.isfinite(g)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(g))[0])
        fail(f"{what}: not finite at index {idx}", call=call, got=show(got), expected=show(expected), why=why)
    err = relative_error(g, e)
    if not err < tol:
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(g - e)), g.shape)) if g.ndim else ()
        fail(
            f"{what}: relative error {err:.2e} (tolerance {tol:.0e})",
            call=call,
            got=show(got),
            expected=show(expected),
            extra={"largest": f"at index {worst}: got {_py(g[worst])!r}, expected {_py(e[worst])!r}"},
            why=why,
        )


def torch_backward(out, grad) -> None:
    """``out.backward(grad)`` by way of the scalar ``weighted_sum(out, grad)``: the same gradients,
    but torch (2.13) imports its symbolic-shape machinery (sympy, about 1.3 s) the first time a
    non-scalar ``backward(grad)`` runs, and a kata's test run would pay that on every start."""
    __tracebackhide__ = True
    weighted_sum(out, grad).backward()


def weighted_sum(out, grad):
    """``(out * grad).sum()``: the scalar whose gradient is that of ``out`` weighted by ``grad``, for
    ``torch.autograd.grad(weighted_sum(out, g), inputs)`` in place of ``grad(out, inputs, g)`` (which
    imports sympy, as above). Shapes must match exactly: the product would otherwise broadcast a
    wrong-shaped output."""
    __tracebackhide__ = True
    if tuple(out.shape) != tuple(grad.shape):
        fail(f"backward: the output has shape {tuple(out.shape)}, but the upstream gradient has shape "
             f"{tuple(grad.shape)}", why="the output's shape must match the statement before its gradient is checked")
    return (out * grad).sum()
