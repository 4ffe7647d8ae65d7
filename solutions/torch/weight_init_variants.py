"""Known-wrong and canonical-style answers to torch/weight_init; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import math

import torch


def _mutant(*, swap=False, receptive=True, leaky="right", bound_is_std=False, xavier_normal_bound=False,
            variance_as_std=False, no_grad=True, use_generator=True, in_place=True, truncated=False,
            check_mode=True):
    def calculate_fan_in_and_fan_out(tensor):
        if tensor.dim() < 2:
            raise ValueError("fewer than 2 dimensions")
        rf = math.prod(tensor.shape[2:]) if receptive else 1
        fan_in, fan_out = tensor.shape[1] * rf, tensor.shape[0] * rf
        return (fan_out, fan_in) if swap else (fan_in, fan_out)

    def calculate_gain(nonlinearity, param=None):
        table = {"tanh": 5.0 / 3, "relu": math.sqrt(2.0), "selu": 0.75}
        if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                            "conv_transpose3d", "sigmoid"):
            return 1.0
        if nonlinearity == "leaky_relu":
            a = 0.01 if param is None else param
            return {"right": math.sqrt(2 / (1 + a * a)), "ignore": math.sqrt(2.0),
                    "no_square": math.sqrt(2 / (1 + a))}[leaky]
        if nonlinearity in table:
            return table[nonlinearity]
        raise ValueError(nonlinearity)

    def fill(tensor, kind, std, generator):
        g = generator if use_generator else None
        if in_place:
            with torch.no_grad() if no_grad else torch.enable_grad():
                if kind == "uniform":
                    b = std if bound_is_std else math.sqrt(3) * std
                    return tensor.uniform_(-b, b, generator=g)
                if truncated:
                    u = torch.empty_like(tensor).uniform_(0.5 * math.erfc(2 / math.sqrt(2)),
                                                          1 - 0.5 * math.erfc(2 / math.sqrt(2)), generator=g)
                    return tensor.copy_(math.sqrt(2) * torch.erfinv(2 * u - 1) * std / 0.87962566103423978)
                return tensor.normal_(0, std, generator=g)
        out = torch.randn(tensor.shape, generator=g, device=tensor.device, dtype=tensor.dtype)
        if kind == "uniform":
            out = (torch.rand(tensor.shape, generator=g, device=tensor.device, dtype=tensor.dtype) * 2 - 1)
            return out * math.sqrt(3) * std
        return out * std

    def xavier_std(tensor, gain, factor=2.0):
        fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
        return gain * math.sqrt(factor / (fan_in + fan_out))

    def kaiming_std(tensor, a, mode, nonlinearity):
        if check_mode and mode not in ("fan_in", "fan_out"):
            raise ValueError(mode)
        fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
        fan = fan_in if mode == "fan_in" else fan_out
        gain = calculate_gain(nonlinearity, a)
        return gain * gain / fan if variance_as_std else gain / math.sqrt(fan)

    def xavier_uniform_(tensor, gain=1.0, generator=None):
        if tensor.numel() == 0:
            return tensor
        return fill(tensor, "uniform", xavier_std(tensor, gain), generator)

    def xavier_normal_(tensor, gain=1.0, generator=None):
        if tensor.numel() == 0:
            return tensor
        return fill(tensor, "normal", xavier_std(tensor, gain, 6.0 if xavier_normal_bound else 2.0), generator)

    def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
        if tensor.numel() == 0:
            return tensor
        return fill(tensor, "uniform", kaiming_std(tensor, a, mode, nonlinearity), generator)

    def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
        if tensor.numel() == 0:
            return tensor
        return fill(tensor, "normal", kaiming_std(tensor, a, mode, nonlinearity), generator)

    return {"calculate_fan_in_and_fan_out": calculate_fan_in_and_fan_out, "calculate_gain": calculate_gain,
            "xavier_uniform_": xavier_uniform_, "xavier_normal_": xavier_normal_,
            "kaiming_uniform_": kaiming_uniform_, "kaiming_normal_": kaiming_normal_}


# In the style of torch.nn.init: _calculate_correct_fan, and the `with torch.no_grad(): tensor.op_()` fillers.

def _torch_fans(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    if tensor.dim() > 2:
        for s in tensor.shape[2:]:
            receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _torch_gain(nonlinearity, param=None):
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    elif nonlinearity == "tanh":
        return 5.0 / 3
    elif nonlinearity == "relu":
        return math.sqrt(2.0)
    elif nonlinearity == "leaky_relu":
        negative_slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    elif nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _torch_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _torch_fans(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _torch_xavier_uniform_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _torch_fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    with torch.no_grad():
        return tensor.uniform_(-a, a, generator=generator)


def _torch_xavier_normal_(tensor, gain=1.0, generator=None):
    fan_in, fan_out = _torch_fans(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    with torch.no_grad():
        return tensor.normal_(0, std, generator=generator)


def _torch_kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor.shape:
        return tensor
    fan = _torch_correct_fan(tensor, mode)
    bound = math.sqrt(3.0) * _torch_gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def _torch_kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if 0 in tensor.shape:
        return tensor
    fan = _torch_correct_fan(tensor, mode)
    std = _torch_gain(nonlinearity, a) / math.sqrt(fan)
    with torch.no_grad():
        return tensor.normal_(0, std, generator=generator)


# In the style of Keras' VarianceScaling(scale, mode, distribution), with torch's (out, in, *k) fans.

def _keras_initializer(scale, mode, distribution):
    def init(tensor, generator):
        if tensor.numel() == 0:
            return tensor
        fan_in, fan_out = _torch_fans(tensor)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
        s = scale / max(1.0, n)
        with torch.no_grad():
            if distribution == "uniform":
                limit = math.sqrt(3.0 * s)
                return tensor.uniform_(-limit, limit, generator=generator)
            stddev = math.sqrt(s) / 0.87962566103423978  # std of a unit normal truncated at +-2
            lo = 0.5 * (1 + math.erf(-2 / math.sqrt(2)))
            u = torch.empty_like(tensor).uniform_(lo, 1 - lo, generator=generator)
            return tensor.copy_(torch.erfinv(2 * u - 1) * math.sqrt(2) * stddev)
    return init


def _keras_xavier_uniform_(tensor, gain=1.0, generator=None):
    return _keras_initializer(gain ** 2, "fan_avg", "uniform")(tensor, generator)


def _keras_xavier_normal_(tensor, gain=1.0, generator=None):
    return _keras_initializer(gain ** 2, "fan_avg", "truncated_normal")(tensor, generator)


def _keras_kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Invalid mode {mode}")
    return _keras_initializer(_torch_gain(nonlinearity, a) ** 2, mode, "uniform")(tensor, generator)


def _keras_kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Invalid mode {mode}")
    return _keras_initializer(_torch_gain(nonlinearity, a) ** 2, mode, "truncated_normal")(tensor, generator)


WRONG = {
    "fans_swapped": _mutant(swap=True),
    "no_receptive_field": _mutant(receptive=False),
    "leaky_gain_ignores_slope": _mutant(leaky="ignore"),
    "leaky_gain_no_square": _mutant(leaky="no_square"),
    "uniform_bound_is_std": _mutant(bound_is_std=True),
    "xavier_normal_uses_bound": _mutant(xavier_normal_bound=True),
    "kaiming_variance_as_std": _mutant(variance_as_std=True),
    "records_autograd": _mutant(no_grad=False),
    "ignores_generator": _mutant(use_generator=False),
    "returns_new_tensor": _mutant(in_place=False),
    "truncated_normal": _mutant(truncated=True),
    "no_mode_check": _mutant(check_mode=False),
}
CANONICAL = {
    "torch_nn_init": {"calculate_fan_in_and_fan_out": _torch_fans, "calculate_gain": _torch_gain,
                      "xavier_uniform_": _torch_xavier_uniform_, "xavier_normal_": _torch_xavier_normal_,
                      "kaiming_uniform_": _torch_kaiming_uniform_, "kaiming_normal_": _torch_kaiming_normal_},
    "keras_variance_scaling": {"calculate_fan_in_and_fan_out": _torch_fans, "calculate_gain": _torch_gain,
                               "xavier_uniform_": _keras_xavier_uniform_, "xavier_normal_": _keras_xavier_normal_,
                               "kaiming_uniform_": _keras_kaiming_uniform_,
                               "kaiming_normal_": _keras_kaiming_normal_},
}
SLOW = {}
