"""Second derivatives and Hessian-vector products by differentiating the gradient again."""

import torch


def second_derivative(f, x: torch.Tensor) -> torch.Tensor:
    x = x.detach().requires_grad_(True)  # a fresh leaf: the caller's x, flags and .grad stay out of it
    with torch.enable_grad():  # the caller may be inside torch.no_grad()
        y = f(x)
        if y.shape != x.shape:
            raise ValueError(f"f must be elementwise: f(x) has shape {tuple(y.shape)}, x {tuple(x.shape)}")
        # f is elementwise, so d sum(f) / d x_i = f'(x_i), and again: d sum(f') / d x_i = f''(x_i)
        (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        if not g.requires_grad:  # f is linear: f' does not depend on x
            return torch.zeros_like(x)
        (h,) = torch.autograd.grad(g.sum(), x, allow_unused=True, materialize_grads=True)
    return h.detach()


def hessian_vector_product(f, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    if v.shape != x.shape:
        raise ValueError(f"v has shape {tuple(v.shape)}, x {tuple(x.shape)}")
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        y = f(x)
        if y.numel() != 1:
            raise ValueError(f"f must return one number, got shape {tuple(y.shape)}")
        (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        if not g.requires_grad:
            return torch.zeros_like(x)
        # d (g . v) / dx = H^T v = H v: one more backward pass, H never formed
        (hv,) = torch.autograd.grad((g * v.detach()).sum(), x, allow_unused=True, materialize_grads=True)
    return hv.detach()
