"""Tests for torch/model_stats. Run: pytest katas/torch/model_stats

Oracles: hand-computed counts (the arithmetic is in each message), torch itself for output sizes
(the shape of F.conv2d / F.max_pool2d on zeros) and, for the receptive field, the span of the
input gradient of one output of a 1-D stack of all-ones kernels. The MAC counts of the correctness
models were checked once, while writing the kata, against torch.utils.flop_counter.FlopCounterMode
(FLOPs / 2); it is not imported here because it costs seconds. Correctness models have no bias, no
BatchNorm and no average pooling: how those count is a convention test each."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cvkatas import Call, assert_equal, assert_raises, fail


def check_int(call, expected, what, why):
    __tracebackhide__ = True
    if not isinstance(call.out, int) or isinstance(call.out, bool):
        fail(f"{what}: must be a Python int, not {type(call.out).__name__}", call=call, got=repr(call.out))
    assert_equal(call.out, expected, call=call, what=what, why=why)


# 1. Parameters.

def test_parameters_by_hand(impl, device):
    for model, expected, why in [
        (nn.Conv2d(3, 8, 3), 224, "(K * K * Cin + 1) * Cout = (3 * 3 * 3 + 1) * 8"),
        (nn.Conv2d(8, 8, 3, groups=8, bias=False), 72,
         "depthwise: each of the 8 filters sees 1 channel, 8 * 1 * 3 * 3"),
        (nn.BatchNorm2d(8), 16, "weight and bias; running_mean, running_var, num_batches_tracked are buffers"),
        (nn.Linear(10, 5), 55, "10 * 5 weights + 5 biases"),
        (nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten(), nn.Linear(10, 5)), 295,
         "224 + 16 + 0 + 0 + 55"),
    ]:
        model = model.to(device)
        check_int(Call(impl.count_parameters, model), expected, "parameter count", why)


def test_tied_parameters_count_once(impl, device):
    encoder, decoder = nn.Linear(6, 6), nn.Linear(6, 6)
    decoder.weight = encoder.weight  # weight tying, as between an embedding and the output layer
    model = nn.Sequential(encoder, nn.ReLU(), decoder, nn.Linear(6, 2, bias=False)).to(device)
    check_int(Call(impl.count_parameters, model), 36 + 6 + 6 + 12, "parameter count with a tied weight",
              "the 6x6 weight shared by two layers counts once (model.parameters() skips duplicates): 36, plus "
              "the two biases of 6 and the last layer's 12")


def test_trainable_only(impl, device):
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Linear(10, 5)).to(device)
    model[0].requires_grad_(False)
    check_int(Call(impl.count_parameters, model, trainable_only=True), 16 + 55, "trainable parameter count",
              "the frozen conv's 224 parameters have requires_grad=False")
    check_int(Call(impl.count_parameters, model), 295, "parameter count (trainable_only omitted)",
              "by default every parameter counts, frozen or not")


# 2. Output sizes.

def test_output_size_by_hand(impl, device):
    for args, kw, expected, why in [
        ((224, 7, 2, 3), {}, 112, "floor((224 + 6 - 6 - 1) / 2) + 1 = 112: ResNet's stem conv"),
        ((112, 3, 2, 1), {}, 56, "floor((112 + 2 - 2 - 1) / 2) + 1 = 56: ResNet's max pool"),
        ((32, 3), {}, 30, "stride 1, no padding: 32 - 3 + 1"),
        ((32, 3, 1, 2, 2), {}, 32, "dilation 2 spans 5 pixels: 32 + 4 - 4 - 1 + 1 = 32"),
        ((7, 3, 2), {}, 3, "floor((7 - 2 - 1) / 2) + 1 = 3"),
        ((8, 3, 2), {"ceil_mode": True}, 4, "ceil((8 - 2 - 1) / 2) + 1 = 4 with ceil_mode, 3 without"),
    ]:
        check_int(Call(impl.conv_output_size, *args, **kw), expected, "output size", why)


def torch_size(size, k, s, p, d, ceil):
    x = torch.zeros(1, 1, size, 1)
    if ceil:
        return F.max_pool2d(x, (k, 1), (s, 1), (p, 0), (d, 1), ceil_mode=True).shape[2]
    return F.conv2d(x, torch.zeros(1, 1, k, 1), stride=(s, 1), padding=(p, 0), dilation=(d, 1)).shape[2]


def test_output_size_matches_torch(impl, device):
    gen = torch.Generator().manual_seed(0)
    checked = 0
    while checked < 60:
        size, k, s, d = (int(v) for v in torch.randint(1, 6, (4,), generator=gen))
        size, ceil = size * 5 + int(torch.randint(0, 5, (), generator=gen)), checked % 2 == 1
        p = int(torch.randint(0, k // 2 + 1 if ceil else 4, (), generator=gen))
        span = size + 2 * p - d * (k - 1) - 1
        if span < 0 or (ceil and (span + s - 1) // s * s >= size + p):  # the last-window rule: its own test
            continue
        expected = torch_size(size, k, s, p, d, ceil)
        check_int(Call(impl.conv_output_size, size, k, s, p, d, ceil), expected, "output size",
                  f"the shape torch's {'max_pool2d (ceil_mode)' if ceil else 'conv2d'} gives")
        checked += 1


@pytest.mark.convention("ceil_mode: a window starting in the padding is dropped")
def test_ceil_mode_drops_a_window_in_the_padding(impl, device):
    call = Call(impl.conv_output_size, 3, 2, 2, 1, ceil_mode=True)
    check_int(call, 2, "output size", "ceil((3 + 2 - 1 - 1) / 2) + 1 = 3, but the third window would start at "
              "padded index 4, the right padding: torch's pooling drops it, nn.MaxPool2d(2, 2, 1, ceil_mode=True) "
              "gives 2")


@pytest.mark.contract("output smaller than 1: ValueError")
def test_kernel_larger_than_input_raises(impl, device):
    assert_raises(ValueError, impl.conv_output_size, 2, 5,
                  why="a 5-wide kernel does not fit in 2 pixels: the formula would silently give -2")
    assert_raises(ValueError, impl.conv_output_size, 5, 3, 1, 0, 3,
                  why="dilation 3 spreads the 3 taps over 7 pixels, more than 5")


# 3. Receptive field.

SEED_STACK = [(3, 1), (3, 2), (3, 1), (2, 2), (3, 1), (3, 1), (2, 2)]


def test_receptive_field_of_the_seed_stack(impl, device):
    check_int(Call(impl.receptive_field, SEED_STACK), 31, "receptive field",
              "jumps 1, 1, 2, 2, 4, 4, 4: 1 + 2*1 + 2*1 + 2*2 + 1*2 + 2*4 + 2*4 + 1*4 = 31. (The seeds' table "
              "gets 30 by a slip at pool1: (14 - 1) * 2 + 3 = 29, not 28.) Summing the kernels gives only 13")


def test_receptive_field_small_cases(impl, device):
    for layers, expected, why in [
        ([], 1, "no layer: a pixel sees itself"),
        ([(7, 2)], 7, "one layer sees its kernel"),
        ([(3, 1), (3, 1)], 5, "two 3x3 convs see as much as one 5x5"),
        ([(2, 2), (2, 2), (2, 2)], 8, "three 2x2 stride-2 pools: 1 + 1 + 2 + 4"),
        ([(3, 1, 2), (3, 1, 4)], 13, "dilations 2 and 4: 1 + 2*2 + 2*4"),
        ([(1, 2), (3, 1)], 5, "a 1x1 stride-2 layer doubles what the next kernel spans: 1 + 0 + 2*2"),
    ]:
        check_int(Call(impl.receptive_field, layers), expected, "receptive field", why)


def brute_rf(layers):
    """Span of the input pixels that one output of a 1-D stack of all-ones kernels depends on."""
    dil = [lay[2] if len(lay) > 2 else 1 for lay in layers]
    jump = 1
    for lay in layers:
        jump *= lay[1]
    length = 4 * jump * (1 + sum((lay[0] - 1) * d for lay, d in zip(layers, dil)))  # room for several outputs
    x = torch.zeros(1, 1, length, dtype=torch.float64, requires_grad=True)
    y = x
    for lay, d in zip(layers, dil):
        y = F.conv1d(y, torch.ones(1, 1, lay[0], dtype=torch.float64), stride=lay[1], dilation=d)
    y[0, 0, y.shape[-1] // 2].backward()
    hit = x.grad[0, 0].nonzero()
    return int(hit.max() - hit.min() + 1)


def test_receptive_field_matches_gradient_span(impl, device):
    gen = torch.Generator().manual_seed(1)
    for trial in range(12):
        depth = int(torch.randint(1, 6, (), generator=gen))
        layers = []
        for _ in range(depth):
            k, s, d = (int(v) for v in torch.randint(1, 4, (3,), generator=gen))
            layers.append((k, s, d) if trial % 2 else (k, s))
        check_int(Call(impl.receptive_field, layers), brute_rf(layers), "receptive field",
                  "the input pixels that move one output pixel: RF = 1 + sum (k - 1) * dilation * (product of the "
                  "strides below)")


# 4. MACs.

def vgg_like():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(256, 10, bias=False))


class TwiceConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, padding=1, bias=False)

    def forward(self, x):
        return self.conv(torch.relu(self.conv(x)))


MODELS = {
    "vgg_like": (vgg_like, (2, 3, 16, 16), 263168,
                 "conv1 2*8*16*16 outputs * 3*3*3 = 110592; pool to 8x8; conv2 2*16*8*8 * 8*3*3 = 147456; pool to "
                 "4x4; linear 2*10 * 256 = 5120"),
    "grouped": (lambda: nn.Sequential(nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8, bias=False),
                                      nn.Conv2d(8, 12, 1, groups=4, bias=False)), (1, 8, 9, 9), 2400,
                "depthwise 8*5*5 outputs * (8/8)*3*3 = 1800; grouped 1x1 12*5*5 outputs * (8/4) = 600"),
    "dilated": (lambda: nn.Sequential(nn.Conv2d(2, 4, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                                                bias=False), nn.AdaptiveMaxPool2d(1), nn.Flatten(),
                                      nn.Linear(4, 6, bias=False)), (3, 2, 10, 7), 5472,
                "output 5x3 (H: floor(9 / 2) + 1, W: 7 + 4 - 8): 3*4*5*3 outputs * 2*3*5 = 5400; linear 3*6 * 4 = 72"),
    "linear_3d": (lambda: nn.Linear(5, 7, bias=False), (2, 3, 5), 210, "2*3*7 outputs * 5 inputs each"),
    "used_twice": (TwiceConv, (1, 4, 5, 5), 7200, "one conv called twice: 2 * (4*5*5 outputs * 4*3*3)"),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_macs_by_hand(impl, device, name):
    build, shape, expected, why = MODELS[name]
    model = build().to(device)
    check_int(Call(impl.count_macs, model, shape), expected, "MACs", why + " (one MAC = one multiply-add)")


def test_macs_in_float64(impl, device):
    model = vgg_like().to(device, torch.float64)
    check_int(Call(impl.count_macs, model, (1, 3, 16, 16)), 263168 // 2, "MACs of a float64 model",
              "run the dummy input in the model's dtype and on its device; batch 1 is half of batch 2")


def test_macs_leave_the_model_alone(impl, device):
    model = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.BatchNorm2d(4), nn.Dropout(0.5), nn.Flatten(),
                          nn.Linear(4 * 14 * 14, 3, bias=False)).to(device)
    with torch.no_grad():
        model[1].running_mean.fill_(0.5)
    model.train()
    model[2].eval()
    modes = [m.training for m in model.modules()]
    call = Call(impl.count_macs, model, (2, 3, 16, 16))  # Call fails if the state dict or the mode changed
    conv_linear = 2 * 4 * 14 * 14 * 27 + 2 * 3 * 784  # conv 1568 outputs * 27, linear 6 outputs * 784
    if call.out not in (conv_linear + 1568, conv_linear + 2 * 1568):  # BatchNorm: its own convention test
        fail("MACs: wrong", call=call, got=repr(call.out), expected=f"{conv_linear + 1568}",
             why="conv 1568 outputs * 27 + linear 6 outputs * 784, plus the BatchNorm's 1568 elements")
    if [m.training for m in model.modules()] != modes:
        fail("count_macs changed the train/eval mode of a submodule", call=call,
             why="restore every submodule's mode after the counting forward")
    left = [type(m).__name__ for m in model.modules() if m._forward_hooks or m._forward_pre_hooks]
    if left:
        fail(f"count_macs left forward hooks on {', '.join(left)}", call=call,
             why="keep the handles register_forward_hook returns and call .remove() on each, even on error")


@pytest.mark.convention("bias: no MACs")
def test_bias_adds_no_macs(impl, device):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(36, 2)).to(device)
    check_int(Call(impl.count_macs, model, (1, 3, 5, 5)), 36 * 27 + 2 * 36, "MACs with biases",
              "a bias is an add without a multiply: conv 36 outputs * 27 + linear 2 * 36 = 1044; the seeds' "
              "(K*K*Cin + 1) formula (and older thop) would add 36 + 2")


@pytest.mark.convention("BatchNorm: one MAC per element")
def test_batchnorm_is_one_mac_per_element(impl, device):
    for bn, shape in [(nn.BatchNorm2d(3), (2, 3, 4, 4)), (nn.BatchNorm2d(3, affine=False), (2, 3, 4, 4)),
                      (nn.BatchNorm1d(5), (4, 5))]:
        bn = bn.to(device)
        n = torch.Size(shape).numel()
        check_int(Call(impl.count_macs, bn, shape), n, f"MACs of {bn}",
                  f"in eval mode BatchNorm is x * scale + shift: one MAC per element, {n}, affine or not "
                  "(fvcore and thop count 2 per element)")


@pytest.mark.convention("pooling: no MACs")
def test_pooling_adds_no_macs(impl, device):
    model = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(2, 3, 1, bias=False), nn.MaxPool2d(2),
                          nn.AdaptiveAvgPool2d(1)).to(device)
    check_int(Call(impl.count_macs, model, (1, 2, 4, 4)), 3 * 2 * 2 * 2, "MACs",
              "pooling has no multiply-adds (average pooling only adds, then scales): 0; but it halves the map, "
              "so the 1x1 conv has 3*2*2 outputs * 2 inputs = 24")


@pytest.mark.contract("a layer with parameters of an unknown type: ValueError")
def test_unknown_layer_with_parameters_raises(impl, device):
    for layer in (nn.Conv1d(3, 4, 3), nn.LayerNorm(6)):
        model = nn.Sequential(nn.Identity(), layer).to(device)
        assert_raises(ValueError, impl.count_macs, model, (2, 3, 6),
                      why=f"{type(layer).__name__} has no MAC rule here: counting it as 0 would be silently wrong")
