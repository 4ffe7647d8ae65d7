"""Known-wrong and canonical-style answers to torch/grad_clip; `nox -s verify` proves the tests catch
every one. Never shown to learners."""

import math

import torch


def _mutant(*, per_parameter=False, clamp=True, return_clipped=False, twice=False, inf_as_power=False,
            eps=1e-6, in_place=True, skip_nonfinite=False, check_error=True, value_one_sided=False):
    @torch.no_grad()
    def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
        if not twice:
            parameters = list(parameters)
        grads = [p.grad for p in parameters if p.grad is not None]
        if not grads:
            return torch.tensor(0.0)
        if inf_as_power and norm_type == math.inf:
            norms = [g.abs().pow(norm_type).sum().pow(1 / norm_type) for g in grads]
        else:
            norms = [torch.linalg.vector_norm(g, norm_type) for g in grads]
        total = torch.linalg.vector_norm(torch.stack(norms), norm_type)
        if check_error and error_if_nonfinite and not torch.isfinite(total):
            raise RuntimeError("non-finite total norm")
        if skip_nonfinite and not torch.isfinite(total):
            return total
        with_grad = [p for p in parameters if p.grad is not None]
        for p, n in zip(with_grad, norms):
            coef = max_norm / ((n if per_parameter else total) + eps)
            if clamp:
                coef = coef.clamp(max=1.0)
            if in_place:
                p.grad.mul_(coef)
            else:
                p.grad = p.grad * coef
        if return_clipped:
            return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad, norm_type)
                                                         for p in with_grad]), norm_type)
        return total

    @torch.no_grad()
    def clip_grad_value_(parameters, clip_value):
        for p in parameters:
            if p.grad is None:
                continue
            if not in_place:
                p.grad = p.grad.clamp(-clip_value, clip_value)
            elif value_one_sided:
                p.grad.clamp_(max=clip_value)
            else:
                p.grad.clamp_(min=-clip_value, max=clip_value)

    return {"clip_grad_norm_": clip_grad_norm_, "clip_grad_value_": clip_grad_value_}


# In the style of torch.nn.utils.clip_grad (foreach kernels, grouped by device and dtype).

@torch.no_grad()
def _torch_clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    grads = [p.grad for p in parameters if p.grad is not None]
    if len(grads) == 0:
        return torch.tensor(0.0)
    norms = torch._foreach_norm(grads, float(norm_type))
    total_norm = torch.linalg.vector_norm(torch.stack([n.to(grads[0].device) for n in norms]), norm_type)
    if error_if_nonfinite and torch.logical_or(total_norm.isnan(), total_norm.isinf()):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients is non-finite")
    clip_coef_clamped = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
    torch._foreach_mul_(grads, clip_coef_clamped)
    return total_norm


@torch.no_grad()
def _torch_clip_grad_value_(parameters, clip_value):
    grads = [p.grad for p in parameters if p.grad is not None]
    if grads:
        torch._foreach_clamp_min_(grads, -clip_value)
        torch._foreach_clamp_max_(grads, clip_value)


# In the style of tf.clip_by_global_norm: sum of squares, t * clip_norm / max(global_norm, clip_norm).

@torch.no_grad()
def _tf_clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    t_list = [p.grad for p in parameters if p.grad is not None]
    if not t_list:
        return torch.tensor(0.0)
    if norm_type == 2.0:
        use_norm = torch.sqrt(sum(torch.sum(t * t) for t in t_list))
    elif norm_type == math.inf:
        use_norm = torch.stack([t.abs().max() for t in t_list]).max()
    else:
        use_norm = sum(torch.sum(t.abs() ** norm_type) for t in t_list) ** (1.0 / norm_type)
    if error_if_nonfinite and not torch.isfinite(use_norm):
        raise RuntimeError("global norm is not finite")
    scale = max_norm / torch.maximum(use_norm, torch.as_tensor(max_norm, dtype=use_norm.dtype,
                                                               device=use_norm.device))
    for t in t_list:
        t.mul_(scale)
    return use_norm


def _tf_clip_grad_value_(parameters, clip_value):
    for p in parameters:
        if p.grad is not None:
            p.grad.copy_(torch.clamp(p.grad, -clip_value, clip_value))


WRONG = {
    "per_parameter": _mutant(per_parameter=True),
    "scales_up": _mutant(clamp=False),
    "returns_clipped_norm": _mutant(return_clipped=True),
    "generator_twice": _mutant(twice=True),
    "inf_as_power": _mutant(inf_as_power=True),
    "value_one_sided": _mutant(value_one_sided=True),
    "no_eps": _mutant(eps=0.0),
    "replaces_grad": _mutant(in_place=False),
    "skips_nonfinite": _mutant(skip_nonfinite=True),
    "ignores_error_flag": _mutant(check_error=False),
}
CANONICAL = {
    "torch_foreach": {"clip_grad_norm_": _torch_clip_grad_norm_, "clip_grad_value_": _torch_clip_grad_value_},
    "tf_global_norm": {"clip_grad_norm_": _tf_clip_grad_norm_, "clip_grad_value_": _tf_clip_grad_value_},
}
SLOW = {}
