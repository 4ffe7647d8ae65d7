"""int8 affine quantisation and fake-quant with a straight-through gradient · int8 仿射量化、反量化与伪量化 (STE)

Deploying a network in int8 stores each tensor as ``q = clamp(round(x / scale) + zero_point)``
and reads it back as ``(q - zero_point) * scale``. Weights usually get one scale per output channel,
activations one per tensor. Quantisation-aware training inserts the round trip ("fake-quant") into
the float graph and lets the gradient pass straight through the rounding, except where the value
was clipped.

Run the tests: pytest katas/torch/quantize
"""

import torch

__all__ = ["quantize", "dequantize", "fake_quantize"]


def quantize(x: torch.Tensor, scale: float | torch.Tensor, zero_point: int | torch.Tensor,
             axis: int | None = None) -> torch.Tensor:
    """Affine int8 quantisation, per tensor or per channel.

    Args:
        x: float32 tensor, any shape, any device.
        scale, zero_point: per tensor (``axis=None``, the default): a Python float > 0 and an int
            (or 0-d tensors). Per channel (``axis`` an int, negative allowed): 1-D tensors of length
            ``x.shape[axis]``, one (scale > 0, zero_point) per index along ``axis`` (scale of any
            floating dtype, zero_point of any integer dtype, on ``x``'s device).

    Returns:
        ``torch.int8`` tensor of ``x``'s shape and device:
        ``q = clamp(round(x / scale) + zero_point, -128, 127)``, with ``scale`` and ``zero_point``
        of channel ``c`` applied to every element whose index along ``axis`` is ``c``.
        **Rounding is half to even** (``torch.round``: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0), as
        ``torch.quantize_per_tensor`` does; values beyond the range **saturate** at -128 / 127.

    Rules:
        - ``x``, ``scale``, ``zero_point`` are not modified.
        - ``ValueError`` if a scale is not > 0, or if per-channel ``scale`` / ``zero_point`` do not
          have exactly ``x.shape[axis]`` elements (no broadcasting of a single value).

    Canonical code: ``torch.quantize_per_tensor(x, scale, zero_point, torch.qint8).int_repr()``
    and ``torch.quantize_per_channel(x, scales, zero_points, axis, torch.qint8).int_repr()``
    compute the same integers (the tests compare with them); they accept a scale of 0 (everything
    saturates) and raise ``RuntimeError``, not ``ValueError``, for bad per-channel lengths (the
    contract tests).
    """
    raise NotImplementedError("quantize")


def dequantize(q: torch.Tensor, scale: float | torch.Tensor, zero_point: int | torch.Tensor,
               axis: int | None = None) -> torch.Tensor:
    """The float values an int8 tensor stands for: ``(q - zero_point) * scale``.

    ``q`` is a ``torch.int8`` tensor; ``scale``, ``zero_point`` and ``axis`` as in ``quantize``.
    Returns float32 of ``q``'s shape and device (compute ``q - zero_point`` in a wide enough type:
    ``127 - (-128)`` does not fit in int8). Nothing is modified. Same ``ValueError`` rules.

    Canonical code: ``torch.dequantize`` of a quantized tensor (``QTensor.dequantize()``).
    """
    raise NotImplementedError("dequantize")


def fake_quantize(x: torch.Tensor, scale: float | torch.Tensor, zero_point: int | torch.Tensor,
                  axis: int | None = None, quant_min: int = -128, quant_max: int = 127) -> torch.Tensor:
    """Quantise and dequantise in one step, in float, with a straight-through gradient.

    Forward: ``(clamp(round(x / scale) + zero_point, quant_min, quant_max) - zero_point) * scale``,
    float32 like ``x``, same shape and device, rounding half to even. ``scale``, ``zero_point``,
    ``axis`` as in ``quantize``; ``quant_min`` / ``quant_max`` default to the int8 range.

    Backward (straight-through estimator): ``dL/dx = dL/dy`` where
    ``quant_min <= round(x / scale) + zero_point <= quant_max`` (the value was not clipped), and 0
    where it was clipped. The rounding itself is treated as the identity. No gradient to ``scale``
    or ``zero_point`` is required. Nothing is modified. Same ``ValueError`` rules.

    Canonical code: ``torch.fake_quantize_per_tensor_affine`` / ``fake_quantize_per_channel_affine``
    (what ``torch.ao.quantization.FakeQuantize`` calls) have this forward and this backward mask;
    the tests compare with both. The common hand-written form ``x + (xq - x).detach()`` has the
    right forward but passes the gradient through clipped values too.
    """
    raise NotImplementedError("fake_quantize")
