"""SGD, Adam, AdamW, AdaGrad and RMSProp as pure functional steps with torch.optim's formulas."""

import torch


def _step(state) -> int:
    return int(state.get("step", 0))  # a Python number, or torch.optim's 0-dim tensor


def _get(state, key, like):
    return state[key].to(like.device, like.dtype) if key in state else torch.zeros_like(like)


@torch.no_grad()
def sgd(param, grad, state, *, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum needs momentum > 0 and dampening 0")
    g = grad + weight_decay * param
    if momentum == 0:
        return param - lr * g, {}
    if "momentum_buffer" in state:
        buf = momentum * state["momentum_buffer"].to(param.device, param.dtype) + (1 - dampening) * g
    else:
        buf = g.clone()  # torch starts the buffer at the gradient, undamped
    d = g + momentum * buf if nesterov else buf
    return param - lr * d, {"momentum_buffer": buf}


def _adam(param, grad, state, lr, betas, eps, weight_decay, decoupled):
    beta1, beta2 = betas
    t = _step(state) + 1
    if decoupled:
        param = param * (1 - lr * weight_decay)  # AdamW: shrink the weights, outside the moments
        g = grad
    else:
        g = grad + weight_decay * param  # Adam: L2 through the moments
    m = beta1 * _get(state, "exp_avg", param) + (1 - beta1) * g
    v = beta2 * _get(state, "exp_avg_sq", param) + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    new = param - lr * m_hat / (v_hat.sqrt() + eps)
    return new, {"step": t, "exp_avg": m, "exp_avg_sq": v}


@torch.no_grad()
def adam(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _adam(param, grad, state, lr, betas, eps, weight_decay, decoupled=False)


@torch.no_grad()
def adamw(param, grad, state, *, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
    return _adam(param, grad, state, lr, betas, eps, weight_decay, decoupled=True)


@torch.no_grad()
def adagrad(param, grad, state, *, lr=1e-2, eps=1e-10, weight_decay=0.0):
    g = grad + weight_decay * param
    total = _get(state, "sum", param) + g * g
    return param - lr * g / (total.sqrt() + eps), {"step": _step(state) + 1, "sum": total}


@torch.no_grad()
def rmsprop(param, grad, state, *, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0):
    g = grad + weight_decay * param
    square_avg = alpha * _get(state, "square_avg", param) + (1 - alpha) * g * g
    u = g / (square_avg.sqrt() + eps)
    new_state = {"step": _step(state) + 1, "square_avg": square_avg}
    if momentum > 0:
        u = momentum * _get(state, "momentum_buffer", param) + u
        new_state["momentum_buffer"] = u
    return param - lr * u, new_state
