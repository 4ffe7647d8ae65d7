"""int8 affine quantize / dequantize, per tensor or per channel, and fake-quant with a clipped STE."""

import torch


def _params(x, scale, zero_point, axis):
    """scale and zero_point as tensors that broadcast against x (along `axis` when per channel)."""
    scale = torch.as_tensor(scale, device=x.device)
    zero_point = torch.as_tensor(zero_point, device=x.device)
    if axis is not None:
        c = x.shape[axis]
        if scale.shape != (c,) or zero_point.shape != (c,):
            raise ValueError(f"per-channel scale and zero_point need {c} values along axis {axis}, got "
                             f"{tuple(scale.shape)} and {tuple(zero_point.shape)}")
        shape = [1] * x.dim()
        shape[axis] = c  # channel c sits at index c of `axis`, not of the last dim
        scale, zero_point = scale.reshape(shape), zero_point.reshape(shape)
    if (scale <= 0).any():
        raise ValueError("scale must be > 0")
    return scale.to(torch.float32), zero_point.to(torch.int32)


def quantize(x, scale, zero_point, axis=None):
    s, z = _params(x, scale, zero_point, axis)
    return (torch.round(x / s) + z).clamp(-128, 127).to(torch.int8)  # torch.round: half to even


def dequantize(q, scale, zero_point, axis=None):
    s, z = _params(q, scale, zero_point, axis)
    return (q.to(torch.int32) - z).to(torch.float32) * s


class _FakeQuant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, s, z, qmin, qmax):
        q = torch.round(x / s) + z
        ctx.save_for_backward((q >= qmin) & (q <= qmax))
        return (q.clamp(qmin, qmax) - z) * s

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return grad * inside, None, None, None, None  # straight through, except where clipped


def fake_quantize(x, scale, zero_point, axis=None, quant_min=-128, quant_max=127):
    s, z = _params(x, scale, zero_point, axis)
    return _FakeQuant.apply(x, s, z, quant_min, quant_max)
