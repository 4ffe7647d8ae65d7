"""Gradient clipping by global norm and by value · 梯度裁剪: 按全局范数与按值

Exploding gradients (RNNs, early Transformer training, a bad batch) are tamed by clipping after
``backward()`` and before ``optimizer.step()``. Clipping by norm treats all gradients of the model
as one long vector: if its norm exceeds ``max_norm``, every gradient is scaled by the same factor,
so the direction of the update is kept. Clipping by value clamps each element on its own.
Non-finite norms (an inf or a NaN somewhere in the gradients) need a decision too.

Run the tests: pytest katas/torch/grad_clip
"""

from collections.abc import Iterable

import torch

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def clip_grad_norm_(parameters: Iterable[torch.Tensor], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> torch.Tensor:
    """Scale all gradients in place so that their global norm is at most ``max_norm``.

    parameters: an iterable of tensors (a list, or a generator such as ``model.parameters()``,
        which can be iterated only once). Tensors whose ``.grad`` is ``None`` are skipped. All
        gradients share one device and one floating dtype (float32 or float64).
    max_norm: a float > 0. norm_type: ``p`` of the p-norm, a float >= 1 or ``float("inf")``;
        default 2.0. error_if_nonfinite: default False.

    The **global** norm is the norm of all gradients concatenated into one vector::

        total = (sum over every element g of every gradient of |g|^p) ^ (1 / p)
        total = max |g| over all elements                             (p = inf)

    Then every gradient is multiplied, **in place** (``p.grad`` stays the same tensor object),
    by the same factor::

        coef = min(max_norm / (total + 1e-6), 1)

    so gradients are only ever scaled down, never up (the 1e-6 keeps a zero norm from dividing by
    zero). The parameters' values are not changed.

    Returns ``total``, the norm **before** clipping, as a 0-dim tensor on the gradients' device with
    their dtype. With no gradients at all (an empty iterable, or every ``.grad`` None) it returns
    ``torch.tensor(0.0)`` and changes nothing.

    Non-finite norms: when ``total`` is inf or NaN (a gradient holds inf or NaN) and
    ``error_if_nonfinite`` is False, the gradients are scaled anyway with the formula above: a NaN
    total makes coef NaN, so every gradient becomes NaN; an inf total makes coef 0, so finite
    elements become 0 and infinite ones NaN (inf * 0). The returned total is that inf or NaN.

    Raises RuntimeError when ``error_if_nonfinite`` is True and ``total`` is inf or NaN; the
    gradients are then left unchanged.

    Canonical code: ``torch.nn.utils.clip_grad_norm_`` (per-tensor norms with ``torch._foreach_norm``
    or ``torch.linalg.vector_norm``, their norm as the total, then ``_foreach_mul_`` by the clamped
    coef): this kata has the same semantics, without the ``foreach`` argument and without accepting a
    single tensor for ``parameters``. TensorFlow's ``tf.clip_by_global_norm`` scales by
    ``max_norm / max(total, max_norm)``, with no 1e-6 (``test_coef_has_the_1e6_guard``).
    """
    raise NotImplementedError("clip_grad_norm_")


def clip_grad_value_(parameters: Iterable[torch.Tensor], clip_value: float) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``, in place.

    parameters: as for ``clip_grad_norm_`` (a list or a generator; ``.grad`` None is skipped).
    clip_value: a float > 0.

    Each ``p.grad`` stays the same tensor object, with its device and dtype; elements inside the
    interval are unchanged, NaN stays NaN. Returns None. The parameters' values are not changed.

    Canonical code: ``torch.nn.utils.clip_grad_value_`` (``torch._foreach_clamp_min_`` then
    ``_foreach_clamp_max_``, or ``grad.clamp_(min=-clip_value, max=clip_value)``): the same
    semantics, without the ``foreach`` argument or a single tensor for ``parameters``.
    """
    raise NotImplementedError("clip_grad_value_")
