"""Dynamic loss scaling with torch.amp.GradScaler's rules, as pure functions on tensors."""

import torch


@torch.no_grad()
def unscale_grads(grads, scale):
    inv_scale = scale.double().reciprocal().float()  # as GradScaler: the reciprocal once, in float64
    found_inf = torch.zeros(1, dtype=torch.float32, device=scale.device)
    unscaled = []
    for g in grads:
        u = (g * inv_scale).to(g.dtype)
        found_inf = torch.maximum(found_inf, (~torch.isfinite(g)).any().float().reshape(1))  # no .item(): no sync
        unscaled.append(u)
    return unscaled, found_inf


@torch.no_grad()
def update_scale(scale, growth_tracker, found_inf, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    skipped = found_inf != 0
    grown = scale * growth_factor
    grow = ~skipped & (growth_tracker + 1 == growth_interval)
    new_scale = torch.where(skipped, scale * backoff_factor,
                            torch.where(grow & torch.isfinite(grown), grown, scale))
    new_tracker = torch.where(skipped | grow, torch.zeros_like(growth_tracker), growth_tracker + 1)
    return new_scale, new_tracker


@torch.no_grad()
def amp_sgd_step(params, scaled_grads, scale, growth_tracker, lr, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000):
    unscaled, found_inf = unscale_grads(scaled_grads, scale)
    ok = (found_inf == 0).reshape(())
    new_params = [torch.where(ok, p - lr * g, p) for p, g in zip(params, unscaled)]  # skipped: p unchanged
    new_scale, new_tracker = update_scale(scale, growth_tracker, found_inf, growth_factor, backoff_factor,
                                          growth_interval)
    return new_params, new_scale, new_tracker
