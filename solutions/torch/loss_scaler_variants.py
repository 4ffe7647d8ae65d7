"""Known-wrong and canonical-style answers to torch/loss_scaler; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch


def _mutant(*, reset_on_skip=True, reset_on_growth=True, late=False, nan=True, multiply=False, skip=True,
            finite_growth=True, tensor_flag=True):
    @torch.no_grad()
    def unscale_grads(grads, scale):
        found = torch.zeros(1, dtype=torch.float32, device=scale.device)
        out = []
        for g in grads:
            u = (g * scale if multiply else g * scale.double().reciprocal().float()).to(g.dtype)
            probe = g
            bad = torch.isinf(probe) | torch.isnan(probe) if nan else torch.isinf(probe)
            found = torch.maximum(found, bad.any().float().reshape(1))
            out.append(u)
        return out, (found if tensor_flag else bool(found.item()))

    @torch.no_grad()
    def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000):
        skipped = torch.as_tensor(found_inf, device=scale.device).float().reshape(1) != 0
        count = growth_tracker + 1
        grow = ~skipped & ((count > growth_interval) if late else (count >= growth_interval if not reset_on_growth
                                                                   else count == growth_interval))
        grown = scale * growth_factor
        ok = torch.isfinite(grown) if finite_growth else torch.ones_like(grow)
        new_scale = torch.where(skipped, scale * backoff_factor, torch.where(grow & ok, grown, scale))
        zero = torch.zeros_like(growth_tracker)
        if reset_on_skip:
            tracker = torch.where(skipped | (grow & torch.tensor(reset_on_growth, device=scale.device)), zero, count)
        else:
            tracker = torch.where(skipped, growth_tracker, torch.where(grow & torch.tensor(reset_on_growth),
                                                                       zero, count))
        return new_scale, tracker

    @torch.no_grad()
    def amp_sgd_step(params, scaled_grads, scale, growth_tracker, lr, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000):
        unscaled, found = unscale_grads(scaled_grads, scale)
        found_t = torch.as_tensor(found, device=scale.device).float().reshape(1)
        ok = (found_t == 0).reshape(()) if skip else torch.tensor(True, device=scale.device)
        new = [torch.where(ok, p - lr * g, p) for p, g in zip(params, unscaled)]
        s, t = update_scale(scale, growth_tracker, found_t, growth_factor, backoff_factor, growth_interval)
        return new, s, t

    return {"unscale_grads": unscale_grads, "update_scale": update_scale, "amp_sgd_step": amp_sgd_step}


# In the style of torch.amp.GradScaler: its two kernels, on clones of what it would change in place.

def _gs_unscale_grads(grads, scale):
    inv_scale = scale.double().reciprocal().float()
    found_inf = torch.full((1,), 0.0, dtype=torch.float32, device=scale.device)
    grads = [g.clone() for g in grads]
    if grads:
        torch._amp_foreach_non_finite_check_and_unscale_(grads, found_inf, inv_scale)
    return grads, found_inf


def _gs_update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    _scale, _growth_tracker = scale.clone(), growth_tracker.clone()
    torch._amp_update_scale_(_scale, _growth_tracker, found_inf.clone(), growth_factor, backoff_factor,
                             growth_interval)
    return _scale, _growth_tracker


def _gs_amp_sgd_step(params, scaled_grads, scale, growth_tracker, lr, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000):
    grads, found_inf = _gs_unscale_grads(scaled_grads, scale)
    if not sum(v.item() for v in [found_inf]):  # GradScaler._maybe_opt_step
        params = [p - lr * g for p, g in zip(params, grads)]
    else:
        params = [p.clone() for p in params]
    return (params, *_gs_update_scale(scale, growth_tracker, found_inf, growth_factor, backoff_factor,
                                      growth_interval))


WRONG = {
    "grows_after_skip": _mutant(reset_on_skip=False),
    "no_reset_after_growth": _mutant(reset_on_growth=False),
    "growth_off_by_one": _mutant(late=True),
    "misses_nan": _mutant(nan=False),
    "unscale_multiplies": _mutant(multiply=True),
    "steps_on_inf": _mutant(skip=False),
    "grows_to_inf": _mutant(finite_growth=False),
    "found_inf_bool": _mutant(tensor_flag=False),
}
CANONICAL = {"torch_gradscaler": {"unscale_grads": _gs_unscale_grads, "update_scale": _gs_update_scale,
                                  "amp_sgd_step": _gs_amp_sgd_step}}
SLOW = {}
