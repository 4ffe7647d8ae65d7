"""Known-wrong answers to nn/dropout and one in the style of torch's; `nox -s verify` proves the
tests catch every wrong one and that the torch-style one misses only the pinned draw."""

import numpy as np

from solutions.nn import dropout as ref


def _mutant(*, scale_train=True, eval_scale=False, keep_prob=False, guard=True, per_row=False, own_rng=False,
            below=False, eval_draw=False, upcast=False, check=True):
    def dropout_forward(x, p, rng, training=True):
        if check:
            ref._check(p)
        if own_rng:
            rng = np.random.default_rng()
        if not training:
            if eval_draw:
                _ = rng.random(x.shape)  # drawn and thrown away
            out = x * (1 - p) if eval_scale else x.copy()
            return (out.astype(np.float64) if upcast else out), None
        shape = x.shape[:1] + (1,) * (x.ndim - 1) if per_row and x.ndim > 1 else x.shape
        u = rng.random(shape)
        if keep_prob:
            mask, scale = u < p, 1.0 / p if p else 0.0
        else:
            mask = u < 1 - p if below else u >= p
            with np.errstate(divide="ignore"):
                scale = (ref._scale(p) if guard else np.float64(1.0) / np.float64(1.0 - p)) if scale_train else 1.0
        mask = np.broadcast_to(mask, x.shape)
        with np.errstate(invalid="ignore"):
            out = x * mask * scale  # unguarded p = 1: 0 * inf = NaN
        return (out.astype(np.float64) if upcast else out.astype(x.dtype)), mask

    return dropout_forward


def backward_without_scale(dout, mask, p):
    return dout.copy() if mask is None else dout * mask


def backward_upcast(dout, mask, p):
    return np.asarray(ref.dropout_backward(dout, mask, p), np.float64)


def dropout_torch_style(x, p, rng, training=True):
    # torch.nn.functional.dropout: input * bernoulli(1 - p) / (1 - p); zeros at p = 1; identity in eval
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training:
        return x.copy(), None
    if p == 1.0:
        return np.zeros_like(x), np.zeros(x.shape, bool)
    noise = rng.random(x.shape) < 1.0 - p  # bernoulli_(1 - p)
    return (x * noise / (1.0 - p)).astype(x.dtype), noise


WRONG = {
    "no_scaling_in_training": {"dropout_forward": _mutant(scale_train=False)},
    "scales_at_eval": {"dropout_forward": _mutant(eval_scale=True)},
    "p_as_keep_probability": {"dropout_forward": _mutant(keep_prob=True)},
    "backward_without_scale": {"dropout_backward": backward_without_scale},
    "nan_at_p_one": {"dropout_forward": _mutant(guard=False)},
    "per_row_mask": {"dropout_forward": _mutant(per_row=True)},
    "own_generator": {"dropout_forward": _mutant(own_rng=True)},
    "keep_below_one_minus_p": {"dropout_forward": _mutant(below=True)},
    "eval_draws": {"dropout_forward": _mutant(eval_draw=True)},
    "upcasts_to_float64": {"dropout_forward": _mutant(upcast=True), "dropout_backward": backward_upcast},
    "no_p_check": {"dropout_forward": _mutant(check=False)},
}
CANONICAL = {"torch_bernoulli": {"dropout_forward": dropout_torch_style}}
SLOW = {}
