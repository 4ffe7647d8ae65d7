"""Known-wrong and canonical-style answers to torch/optimizers; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import math

import torch


def _mutant(*, bias_correction=True, adamw_l2=False, adam_decoupled=False, nesterov_plain=False,
            step_outside=False, off_by_one=False, wd_after_momentum=False, adagrad_sum_g=False,
            in_place=False, damp_first=False, lr_inside=False, eps_inside=False, nesterov_check=True):
    counter = {}

    def zeros_or(state, key, like):
        if key not in state:
            return torch.zeros_like(like)
        return state[key] if in_place else state[key].clone()

    def root(x, eps):
        return (x + eps).sqrt() if eps_inside else x.sqrt() + eps

    def next_step(state, key):
        if step_outside:
            counter[key] = counter.get(key, 0) + 1
            return counter[key]
        return int(state.get("step", 0)) + 1

    def finish(param, new, state, new_state):
        if in_place:
            param.copy_(new)
            state.update(new_state)
            return param, state
        return new, new_state

    @torch.no_grad()
    def sgd(param, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        if nesterov_check and nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov")
        g = grad if wd_after_momentum else grad + weight_decay * param
        if momentum == 0:
            return finish(param, param - lr * (g + weight_decay * param if wd_after_momentum else g), state, {})
        if lr_inside:
            v = state.get("momentum_buffer", torch.zeros_like(param))
            v = momentum * v - lr * g
            return finish(param, param + (momentum * v - lr * g if nesterov else v), state, {"momentum_buffer": v})
        if "momentum_buffer" in state:
            buf = momentum * state["momentum_buffer"] + (1 - dampening) * g
        else:
            buf = (1 - dampening) * g if damp_first else g.clone()
        d = g + momentum * buf if nesterov and not nesterov_plain else buf
        if wd_after_momentum:
            d = d + weight_decay * param
        return finish(param, param - lr * d, state, {"momentum_buffer": buf})

    def _adam(param, grad, state, lr, betas, eps, wd, decoupled):
        b1, b2 = betas
        t = next_step(state, "adamw" if decoupled else "adam")
        t_bc = t - 1 if off_by_one else t
        p = param
        if decoupled != adamw_l2 if decoupled else adam_decoupled:
            p = param * (1 - lr * wd)
            g = grad
        else:
            g = grad + wd * param
        m = b1 * zeros_or(state, "exp_avg", param) + (1 - b1) * g
        v = b2 * zeros_or(state, "exp_avg_sq", param) + (1 - b2) * g * g
        if bias_correction:
            m_hat, v_hat = m / (1 - b1**t_bc), v / (1 - b2**t_bc)
        else:
            m_hat, v_hat = m, v
        return finish(param, p - lr * m_hat / root(v_hat, eps), state, {"step": t, "exp_avg": m, "exp_avg_sq": v})

    @torch.no_grad()
    def adam(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        return _adam(param, grad, state, lr, betas, eps, weight_decay, False)

    @torch.no_grad()
    def adamw(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        return _adam(param, grad, state, lr, betas, eps, weight_decay, True)

    @torch.no_grad()
    def adagrad(param, grad, state, *, lr=1e-2, eps=1e-10, weight_decay=0.0):
        g = grad + weight_decay * param
        total = zeros_or(state, "sum", param) + (g if adagrad_sum_g else g * g)
        new = param - lr * g / root(total.abs() if adagrad_sum_g else total, eps)
        return finish(param, new, state, {"step": next_step(state, "adagrad"), "sum": total})

    @torch.no_grad()
    def rmsprop(param, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
        g = grad + weight_decay * param
        sq = alpha * zeros_or(state, "square_avg", param) + (1 - alpha) * g * g
        u = g / root(sq, eps)
        new_state = {"step": next_step(state, "rmsprop"), "square_avg": sq}
        if momentum > 0:
            u = momentum * zeros_or(state, "momentum_buffer", param) + u
            new_state["momentum_buffer"] = u
        return finish(param, param - lr * u, state, new_state)

    return {"sgd": sgd, "adam": adam, "adamw": adamw, "adagrad": adagrad, "rmsprop": rmsprop}


# In the style of torch.optim's _single_tensor_* loops, run on clones.

def _clone_state(state, param, keys):
    out = {k: state[k].detach().clone() for k in keys if k in state}
    step = state.get("step", 0)
    out["step"] = torch.as_tensor(float(step)).clone()
    return out


@torch.no_grad()
def _t_sgd(param, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")
    param = param.clone()
    buf = state.get("momentum_buffer")
    buf = None if buf is None else buf.clone()
    d_p = grad if weight_decay == 0 else grad.add(param, alpha=weight_decay)
    if momentum != 0:
        if buf is None:
            buf = torch.clone(d_p).detach()
        else:
            buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
        d_p = d_p.add(buf, alpha=momentum) if nesterov else buf
    param.add_(d_p, alpha=-lr)
    return param, ({"momentum_buffer": buf} if buf is not None else {})


def _t_adam_impl(param, grad, state, lr, betas, eps, weight_decay, decoupled):
    beta1, beta2 = betas
    param = param.clone()
    s = _clone_state(state, param, ["exp_avg", "exp_avg_sq"])
    exp_avg = s.get("exp_avg", torch.zeros_like(param))
    exp_avg_sq = s.get("exp_avg_sq", torch.zeros_like(param))
    step_t = s["step"]
    step_t += 1
    if weight_decay != 0:
        if decoupled:
            param.mul_(1 - lr * weight_decay)
        else:
            grad = grad.add(param, alpha=weight_decay)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad.conj(), value=1 - beta2)
    step = step_t.item()
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    step_size = lr / bias_correction1
    bias_correction2_sqrt = math.sqrt(bias_correction2)
    denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    param.addcdiv_(exp_avg, denom, value=-step_size)
    return param, {"step": int(step), "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}


@torch.no_grad()
def _t_adam(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _t_adam_impl(param, grad, state, lr, betas, eps, weight_decay, False)


@torch.no_grad()
def _t_adamw(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    return _t_adam_impl(param, grad, state, lr, betas, eps, weight_decay, True)


@torch.no_grad()
def _t_adagrad(param, grad, state, *, lr=1e-2, eps=1e-10, weight_decay=0.0):
    param = param.clone()
    s = _clone_state(state, param, ["sum"])
    state_sum = s.get("sum", torch.zeros_like(param))
    step_t = s["step"] + 1
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    clr = lr / (1 + (step_t.item() - 1) * 0.0)
    state_sum.addcmul_(grad, grad, value=1)
    std = state_sum.sqrt().add_(eps)
    param.addcdiv_(grad, std, value=-clr)
    return param, {"step": int(step_t.item()), "sum": state_sum}


@torch.no_grad()
def _t_rmsprop(param, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
    param = param.clone()
    s = _clone_state(state, param, ["square_avg", "momentum_buffer"])
    square_avg = s.get("square_avg", torch.zeros_like(param))
    step_t = s["step"] + 1
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    avg = square_avg.sqrt().add_(eps)
    out = {"step": int(step_t.item()), "square_avg": square_avg}
    if momentum > 0:
        buf = s.get("momentum_buffer", torch.zeros_like(param))
        buf.mul_(momentum).addcdiv_(grad, avg)
        param.add_(buf, alpha=-lr)
        out["momentum_buffer"] = buf
    else:
        param.addcdiv_(grad, avg, value=-lr)
    return param, out


# In the style of Keras' optimisers (eps-hat Adam, eps inside RMSProp's sqrt); Keras' SGD velocity
# (lr inside the buffer) is the `lr_inside_buffer` mistake here, since its state is another quantity.

def _unused_k_sgd(param, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("nesterov requires momentum and no dampening")
    gradient = grad + weight_decay * param
    if momentum == 0:
        return param - lr * gradient, {}
    if "momentum_buffer" in state:
        m = momentum * state["momentum_buffer"] - lr * (1 - dampening) * gradient
    else:
        m = -lr * gradient
    if nesterov:
        return param + momentum * m - lr * gradient, {"momentum_buffer": m}
    return param + m, {"momentum_buffer": m}


def _k_adam_impl(param, gradient, state, lr, betas, eps, weight_decay, decoupled):
    beta_1, beta_2 = betas
    local_step = int(state.get("step", 0)) + 1
    if decoupled:
        param = param - param * (lr * weight_decay)
    else:
        gradient = gradient + weight_decay * param
    m = state.get("exp_avg", torch.zeros_like(param))
    v = state.get("exp_avg_sq", torch.zeros_like(param))
    alpha = lr * math.sqrt(1 - beta_2**local_step) / (1 - beta_1**local_step)
    m = m + (gradient - m) * (1 - beta_1)
    v = v + (gradient * gradient - v) * (1 - beta_2)
    return param - alpha * m / (v.sqrt() + eps), {"step": local_step, "exp_avg": m, "exp_avg_sq": v}


def _k_adam(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _k_adam_impl(param, grad, state, lr, betas, eps, weight_decay, False)


def _k_adamw(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    return _k_adam_impl(param, grad, state, lr, betas, eps, weight_decay, True)


def _k_adagrad(param, grad, state, *, lr=1e-2, eps=1e-10, weight_decay=0.0):
    gradient = grad + weight_decay * param
    accumulator = state.get("sum", torch.zeros_like(param)) + gradient * gradient
    return param - lr * gradient / (accumulator.sqrt() + eps), {"step": int(state.get("step", 0)) + 1,
                                                                 "sum": accumulator}


def _k_rmsprop(param, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
    gradient = grad + weight_decay * param
    velocity = state.get("square_avg", torch.zeros_like(param))
    velocity = alpha * velocity + (1 - alpha) * gradient * gradient
    increment = lr * gradient / (velocity + eps).sqrt()
    out = {"step": int(state.get("step", 0)) + 1, "square_avg": velocity}
    if momentum > 0:
        buf = momentum * state.get("momentum_buffer", torch.zeros_like(param)) + increment / lr
        out["momentum_buffer"] = buf
        return param - lr * buf, out
    return param - increment, out


WRONG = {
    "adam_no_bias_correction": _mutant(bias_correction=False),
    "adamw_as_l2": _mutant(adamw_l2=True),
    "adam_decoupled": _mutant(adam_decoupled=True),
    "nesterov_as_momentum": _mutant(nesterov_plain=True),
    "step_outside_state": _mutant(step_outside=True),
    "bias_correction_off_by_one": _mutant(off_by_one=True),
    "weight_decay_after_momentum": _mutant(wd_after_momentum=True),
    "adagrad_sums_gradients": _mutant(adagrad_sum_g=True),
    "state_in_place": _mutant(in_place=True),
    "damps_first_buffer": _mutant(damp_first=True),
    "lr_inside_buffer": _mutant(lr_inside=True),
    "eps_inside_sqrt": _mutant(eps_inside=True),
    "no_nesterov_check": _mutant(nesterov_check=False),
}
CANONICAL = {
    "torch_single_tensor": {"sgd": _t_sgd, "adam": _t_adam, "adamw": _t_adamw, "adagrad": _t_adagrad,
                            "rmsprop": _t_rmsprop},
    "keras": {"sgd": _t_sgd, "adam": _k_adam, "adamw": _k_adamw, "adagrad": _k_adagrad, "rmsprop": _k_rmsprop},
}
SLOW = {}
