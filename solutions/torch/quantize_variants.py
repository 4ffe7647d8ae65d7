"""Known-wrong and canonical-style answers to torch/quantize; `nox -s verify` proves the tests catch
every one. Never shown to learners."""

import torch


def _mutant(*, clamp=(-128, 127), zp_sign=1, deq_zp=True, deq_wide=True, right_axis=True, ste="masked",
            half_up=False, check_scale=True, check_len=True):
    def params(x, scale, zero_point, axis):
        s = torch.as_tensor(scale, device=x.device)
        z = torch.as_tensor(zero_point, device=x.device)
        if axis is not None:
            c = x.shape[axis]
            if check_len and (s.numel() != c or z.numel() != c):
                raise ValueError("length")
            if right_axis:
                shape = [1] * x.dim()
                shape[axis] = -1
                s, z = s.reshape(shape), z.reshape(shape)
        if check_scale and (s <= 0).any():
            raise ValueError("scale")
        return s.float(), z.to(torch.int32)

    def rnd(v):
        return torch.floor(v + 0.5) if half_up else torch.round(v)

    def quantize(x, scale, zero_point, axis=None):
        s, z = params(x, scale, zero_point, axis)
        v = rnd(x / s) + zp_sign * z
        if clamp is not None:
            v = v.clamp(*clamp)
        return v.to(torch.int8)

    def dequantize(q, scale, zero_point, axis=None):
        s, z = params(q, scale, zero_point, axis)
        if not deq_zp:
            return q.float() * s
        return ((q.to(torch.int32) if deq_wide else q) - z.to(torch.int32 if deq_wide else torch.int8)).float() * s

    class FQ(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, s, z, qmin, qmax):
            v = rnd(x / s) + z
            ctx.save_for_backward((v >= qmin) & (v <= qmax))
            return (v.clamp(qmin, qmax) - z) * s

        @staticmethod
        def backward(ctx, g):
            return g * ctx.saved_tensors[0], None, None, None, None

    def fake_quantize(x, scale, zero_point, axis=None, quant_min=-128, quant_max=127):
        s, z = params(x, scale, zero_point, axis)
        if ste == "masked":
            return FQ.apply(x, s, z, quant_min, quant_max)
        xq = (torch.clamp(rnd(x / s) + z, quant_min, quant_max) - z) * s
        return x + (xq - x).detach() if ste == "everywhere" else xq

    return {"quantize": quantize, "dequantize": dequantize, "fake_quantize": fake_quantize}


def _torch_scale(scale):
    return torch.as_tensor(scale).double().cpu()


def torch_quantize(x, scale, zero_point, axis=None):
    if axis is None:
        return torch.quantize_per_tensor(x, float(scale), int(zero_point), torch.qint8).int_repr()
    return torch.quantize_per_channel(x, _torch_scale(scale).to(x.device), torch.as_tensor(zero_point).long(),
                                      axis % x.dim(), torch.qint8).int_repr()


def torch_dequantize(q, scale, zero_point, axis=None):
    if axis is None:
        return torch._make_per_tensor_quantized_tensor(q, float(scale), int(zero_point)).dequantize()
    return torch._make_per_channel_quantized_tensor(q, _torch_scale(scale).to(q.device),
                                                    torch.as_tensor(zero_point).long(), axis % q.dim()).dequantize()


def torch_fake_quantize(x, scale, zero_point, axis=None, quant_min=-128, quant_max=127):
    if axis is None:
        return torch.fake_quantize_per_tensor_affine(x, float(scale), int(zero_point), quant_min, quant_max)
    return torch.fake_quantize_per_channel_affine(x, torch.as_tensor(scale).float(),
                                                  torch.as_tensor(zero_point).to(torch.int32), axis % x.dim(),
                                                  quant_min, quant_max)


WRONG = {
    "no_clamp": _mutant(clamp=None),
    "uint8_range": _mutant(clamp=(0, 255)),
    "zero_point_subtracted": _mutant(zp_sign=-1),
    "dequant_ignores_zero_point": _mutant(deq_zp=False),
    "dequant_int8_overflow": _mutant(deq_wide=False),
    "per_channel_wrong_axis": _mutant(right_axis=False),
    "ste_everywhere": _mutant(ste="everywhere"),
    "no_gradient": _mutant(ste="none"),
    "half_up_rounding": _mutant(half_up=True),
    "scale_unchecked": _mutant(check_scale=False),
    "broadcasts_channel_params": _mutant(check_len=False),
}
CANONICAL = {"torch_ops": {"quantize": torch_quantize, "dequantize": torch_dequantize,
                           "fake_quantize": torch_fake_quantize}}
SLOW = {}
