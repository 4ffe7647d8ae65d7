"""Dynamic loss scaling for mixed precision · 混合精度训练中的动态损失缩放

In float16 small gradients underflow to zero. ``torch.amp.GradScaler`` multiplies the loss by a
large scale before ``backward()``, divides the gradients by it before the optimiser step, and
adapts the scale: when any gradient is inf or NaN the step is skipped and the scale backs off;
after ``growth_interval`` clean steps in a row it grows. Implement its three pieces as pure
functions on tensors (no ``.item()`` needed, so nothing syncs a CUDA stream).

Run the tests: pytest katas/torch/loss_scaler
"""

import torch

__all__ = ["unscale_grads", "update_scale", "amp_sgd_step"]


def unscale_grads(grads: list[torch.Tensor], scale: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Divide scaled gradients by the scale and look for infs and NaNs.

    grads: a list of float tensors (float16, float32 or float64; any shapes, size 0 included), on
        one device. scale: a float32 tensor of shape (1,) on that device, > 0.
    Returns ``(unscaled, found_inf)``: ``unscaled[i] = grads[i] * (1 / scale)``, a **new** tensor
    with ``grads[i]``'s dtype, shape and device (``grads`` is not modified); ``found_inf`` a float32
    tensor of shape (1,) on the scale's device, 1.0 when any element of any gradient is inf, -inf
    or NaN, else 0.0. An empty list gives ``([], tensor([0.]))``.

    Canonical code: ``torch.amp.GradScaler.unscale_`` (``torch._amp_foreach_non_finite_check_and_unscale_``,
    in place on ``.grad``, with ``inv_scale = scale.double().reciprocal().float()``): the same
    values and flag, returned as new tensors instead.
    """
    raise NotImplementedError("unscale_grads")


def update_scale(scale: torch.Tensor, growth_tracker: torch.Tensor, found_inf: torch.Tensor,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000) -> tuple[torch.Tensor, torch.Tensor]:
    """GradScaler's update rule after one step. Returns ``(new_scale, new_growth_tracker)``.

    scale: float32 (1,); growth_tracker: int32 (1,), the number of clean steps in a row since the
    last change of scale; found_inf: float32 (1,), nonzero when the step was skipped. All three on
    one device; the results are new tensors with the same dtypes and device (inputs unchanged)::

        found_inf != 0:   scale * backoff_factor,   tracker 0       (a skipped step never grows)
        else, tracker + 1 == growth_interval:
                          scale * growth_factor,    tracker 0
        else:             scale,                    tracker + 1

    A growth whose result is not finite (float32 overflows to inf) keeps the old scale (the
    tracker still restarts at 0), as ``torch._amp_update_scale_`` does. The defaults are
    GradScaler's (its initial scale is 65536.0).

    Canonical code: ``torch.amp.GradScaler.update`` (``torch._amp_update_scale_``, in place on its
    ``_scale`` and ``_growth_tracker``): the same rule on new tensors.
    """
    raise NotImplementedError("update_scale")


def amp_sgd_step(params: list[torch.Tensor], scaled_grads: list[torch.Tensor], scale: torch.Tensor,
                 growth_tracker: torch.Tensor, lr: float, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
    """One full GradScaler iteration with plain SGD: ``scaler.unscale_``, ``scaler.step``,
    ``scaler.update``. Returns ``(new_params, new_scale, new_growth_tracker)``.

    params[i] and scaled_grads[i]: tensors of one shape and dtype; scale and growth_tracker as in
    ``update_scale``. Unscale the gradients as ``unscale_grads``; when ``found_inf``, **skip** the
    step (``new_params[i]`` equal to ``params[i]``, no inf or NaN reaches them), else
    ``new_params[i] = params[i] - lr * unscaled[i]``; then ``update_scale`` with the same
    ``found_inf``. ``new_params`` are new tensors (nothing given is modified), with the params'
    dtypes and device.

    Canonical code: the GradScaler recipe ``scaler.scale(loss).backward(); scaler.step(optimizer);
    scaler.update()`` with ``torch.optim.SGD`` (``step`` skips ``optimizer.step()`` when its
    ``found_inf`` is set).
    """
    raise NotImplementedError("amp_sgd_step")
