"""Known-wrong and canonical-style answers to torch/higher_order_grad; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import contextlib

import torch


def _leaf(x, how):
    if how == "direct":  # forgets that x may be a plain tensor
        return x
    if how == "flag_on_input":  # flips the caller's flag instead of making a fresh leaf
        return x if x.requires_grad else x.requires_grad_(True)
    if how == "reuse":  # keeps the caller's leaf, so .backward() lands in x.grad
        return x if x.requires_grad else x.detach().requires_grad_(True)
    return x.detach().requires_grad_(True)


def _mutant(*, create_graph=True, leaf="fresh", backward=False, detach=True, enable_grad=True,
            checks=("elementwise", "scalar", "v")):
    def first_grad(y, x):
        if backward:
            before = None if x.grad is None else x.grad.clone()
            y.backward(create_graph=True)
            return x.grad if before is None else x.grad - before
        (g,) = torch.autograd.grad(y, x, create_graph=create_graph)
        return g

    def finish(out, x):
        if out is None:
            return torch.zeros_like(x)
        return out.detach() if detach else out

    def again(scalar, x):
        if not scalar.requires_grad:
            return None
        (h,) = torch.autograd.grad(scalar, x, allow_unused=True, materialize_grads=True, create_graph=not detach)
        return h

    def second_derivative(f, x):
        x = _leaf(x, leaf)
        with torch.enable_grad() if enable_grad else contextlib.nullcontext():
            y = f(x)
            if "elementwise" in checks and y.shape != x.shape:
                raise ValueError("not elementwise")
            g = first_grad(y.sum(), x)
            return finish(again(g.sum(), x), x)

    def hessian_vector_product(f, x, v):
        if "v" in checks and v.shape != x.shape:
            raise ValueError("shape of v")
        x = _leaf(x, leaf)
        with torch.enable_grad() if enable_grad else contextlib.nullcontext():
            y = f(x)
            if "scalar" in checks and y.numel() != 1:
                raise ValueError("not a scalar")
            g = first_grad(y.sum(), x)
            return finish(again((g * v.detach()).sum(), x), x)

    return {"second_derivative": second_derivative, "hessian_vector_product": hessian_vector_product}


def _finite_differences():
    h = 1e-4

    def second_derivative(f, x):
        x = x.detach()
        y = f(x)
        if y.shape != x.shape:
            raise ValueError("not elementwise")
        return ((f(x + h) - 2 * y + f(x - h)) / h**2).detach()

    def hessian_vector_product(f, x, v):
        if v.shape != x.shape:
            raise ValueError("shape of v")

        def grad_at(z):
            z = z.detach().requires_grad_(True)
            with torch.enable_grad():
                y = f(z)
                if y.numel() != 1:
                    raise ValueError("not a scalar")
                return torch.autograd.grad(y.sum(), z)[0]

        v = v.detach()
        return (grad_at(x + h * v) - grad_at(x - h * v)) / (2 * h)

    return {"second_derivative": second_derivative, "hessian_vector_product": hessian_vector_product}


def _func_second_derivative(f, x):
    """torch.func, forward-over-reverse: the jvp of grad(sum f) along ones is f'' for an elementwise f."""
    import torch.func as tf

    y = f(x.detach())
    if y.shape != x.shape:
        raise ValueError("f must be elementwise")
    x = x.detach()
    _, d2 = tf.jvp(tf.grad(lambda t: f(t).sum()), (x,), (torch.ones_like(x),))
    return d2.detach()


def _func_hvp(f, x, v):
    import torch.func as tf

    if v.shape != x.shape:
        raise ValueError("v must have the shape of x")
    x, v = x.detach(), v.detach()
    if f(x).numel() != 1:
        raise ValueError("f must return one number")
    _, hv = tf.jvp(tf.grad(lambda t: f(t).sum()), (x,), (v,))
    return hv.detach()


def _functional_second_derivative(f, x):
    """torch.autograd.functional.hvp with v = 1: the Hessian of an elementwise f is diagonal."""
    y = f(x.detach())
    if y.shape != x.shape:
        raise ValueError("f must be elementwise")
    with torch.enable_grad():
        return torch.autograd.functional.hvp(lambda t: f(t).sum(), x.detach(), torch.ones_like(x))[1].detach()


def _functional_hvp_checked(f, x, v):
    if v.shape != x.shape:
        raise ValueError("v must have the shape of x")
    if f(x.detach()).numel() != 1:
        raise ValueError("f must return one number")
    with torch.enable_grad():
        return torch.autograd.functional.hvp(f, x.detach(), v.detach())[1].detach()


WRONG = {
    "no_create_graph": _mutant(create_graph=False),
    "finite_differences": _finite_differences(),
    "plain_input_fails": _mutant(leaf="direct"),
    "sets_requires_grad_on_input": _mutant(leaf="flag_on_input"),
    "accumulates_into_grad": _mutant(leaf="reuse", backward=True),
    "result_keeps_graph": _mutant(detach=False),
    "fails_under_no_grad": _mutant(enable_grad=False),
    "uses_autograd_functional": {"hessian_vector_product": _functional_hvp_checked},
    "no_output_shape_check": _mutant(checks=("scalar", "v")),
    "no_scalar_check": _mutant(checks=("elementwise", "v")),
    "no_v_shape_check": _mutant(checks=("elementwise", "scalar")),
}
CANONICAL = {
    "torch_func": {"second_derivative": _func_second_derivative, "hessian_vector_product": _func_hvp},
    "autograd_functional": {"second_derivative": _functional_second_derivative,
                            "hessian_vector_product": _functional_hvp_checked},
}
SLOW = {}
