"""Tests for torch/module_basics. Run: pytest katas/torch/module_basics

The oracle for LeNet and MLP is the network written out with torch.nn.functional on the model's own
state_dict entries; parameter counts are worked out by hand (and against parameters()); leaf names
against trees built in the test. Counting a shared parameter once and the input-size check are
tests of their own."""

from collections import OrderedDict

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from cvkatas import Call, assert_array, assert_close, assert_raises, fail, show

DTYPES = [torch.float32, torch.float64]
IDS = ["float32", "float64"]
TOL = {torch.float64: {"rtol": 1e-9, "atol": 1e-9}, torch.float32: {"rtol": 1e-5, "atol": 1e-5}}
LENET = [("conv1", nn.Conv2d, "Conv2d(in_channels, 6, 5)"), ("conv2", nn.Conv2d, "Conv2d(6, 16, 5)"),
         ("fc1", nn.Linear, "Linear(400, 120)"), ("fc2", nn.Linear, "Linear(120, 84)"),
         ("fc3", nn.Linear, "Linear(84, num_classes)"), ("dropout", nn.Dropout, "Dropout(p)")]
KEYS = [f"{n}.{w}" for n in ("conv1", "conv2", "fc1", "fc2", "fc3") for w in ("weight", "bias")]


def build(cls, *args, device, dtype=torch.float32, seed=0, **kwargs):
    __tracebackhide__ = True
    torch.manual_seed(seed)
    model = cls(*args, **kwargs)
    if not isinstance(model, nn.Module):
        fail(f"{cls.__name__}(...) is not an nn.Module", got=show(model))
    return model.to(device, dtype)


def lenet_features(sd, x):
    """Everything up to the input of dropout, on the state dict's tensors."""
    x = F.max_pool2d(F.relu(F.conv2d(x, sd["conv1.weight"], sd["conv1.bias"])), 2)
    x = F.max_pool2d(F.relu(F.conv2d(x, sd["conv2.weight"], sd["conv2.bias"])), 2)
    x = F.relu(F.linear(x.flatten(1), sd["fc1.weight"], sd["fc1.bias"]))
    return F.relu(F.linear(x, sd["fc2.weight"], sd["fc2.bias"]))


def lenet_oracle(model, x, dropout=None):
    sd = model.state_dict()
    h = lenet_features(sd, x)
    return F.linear(h if dropout is None else dropout(h), sd["fc3.weight"], sd["fc3.bias"])


def check_keys(model, keys, what):
    __tracebackhide__ = True
    got = list(model.state_dict())
    if got != keys:
        fail(f"{what}: state_dict keys {got}", expected=str(keys),
             why="the keys are the attribute names of the registered submodules, in the order they were assigned")


# 1. LeNet.

def test_lenet_layers_and_parameter_count(impl, device):
    model = build(impl.LeNet, device=device)
    names = [(n, type(m).__name__) for n, m in model.named_children()]
    expected = [(n, cls.__name__) for n, cls, _ in LENET]
    if names != expected:
        fail(f"LeNet().named_children() gives {names}", expected=str(expected),
             why="assign conv1, conv2, fc1, fc2, fc3, dropout as attributes in this order: "
                 "children() follows the assignment order")
    c = dict(model.named_children())
    got = [(c["conv1"].in_channels, c["conv1"].out_channels, c["conv1"].kernel_size),
           (c["conv2"].in_channels, c["conv2"].out_channels, c["conv2"].kernel_size),
           (c["fc1"].in_features, c["fc1"].out_features), (c["fc2"].in_features, c["fc2"].out_features),
           (c["fc3"].in_features, c["fc3"].out_features), c["dropout"].p]
    want = [(3, 6, (5, 5)), (6, 16, (5, 5)), (400, 120), (120, 84), (84, 10), 0.5]
    if got != want:
        fail("LeNet() layer sizes are wrong", got=str(got), expected=str(want),
             why="; ".join(f"{n} = {text}" for n, _, text in LENET))
    check_keys(model, KEYS, "LeNet()")
    for name, p in model.named_parameters():
        assert_array(p, kind="tensor", dtype=torch.float32, device=device, what=f"parameter {name} after .to()")
    for kwargs, count in [({}, 62006), ({"in_channels": 1, "num_classes": 5, "p": 0.2}, 61281)]:
        model = build(impl.LeNet, device=device, **kwargs)
        total = sum(p.numel() for p in model.parameters())
        if total != count:
            fail(f"LeNet({', '.join(f'{k}={v}' for k, v in kwargs.items())}) has {total} parameters, expected {count}",
                 why="conv1 in*6*25+6, conv2 6*16*25+16 = 2416, fc1 400*120+120 = 48120, fc2 120*84+84 = 10164, "
                     "fc3 84*classes+classes")
        if model.fc3.out_features != kwargs.get("num_classes", 10) or model.dropout.p != kwargs.get("p", 0.5):
            fail("LeNet ignores num_classes or p", call=f"LeNet(**{kwargs})")


def test_lenet_eval_matches_functional(impl, device):
    gen = torch.Generator().manual_seed(1)
    for n, channels, dtype in [(3, 3, torch.float32), (1, 1, torch.float64), (0, 3, torch.float64)]:
        model = build(impl.LeNet, in_channels=channels, num_classes=7, device=device, dtype=dtype).eval()
        x = torch.randn((n, channels, 32, 32), generator=gen, dtype=torch.float64).to(device, dtype)
        call = Call(model, x)
        assert_array(call.out, kind="tensor", dtype=dtype, shape=(n, 7), device=device, call=call, what="logits")
        assert_close(call.out, lenet_oracle(model, x), **TOL[dtype], call=call, what="logits in eval mode",
                     why="max_pool2d(relu(conv1)), max_pool2d(relu(conv2)), flatten, relu(fc1), relu(fc2), fc3; "
                         "in eval mode dropout is the identity (F.dropout(x, p) without training=self.training "
                         "drops in eval too)")
        if any(m.training for m in model.modules()):
            fail("model.eval() left a submodule in training mode", call=call)


def test_lenet_dropout_in_training_mode(impl, device):
    gen = torch.Generator().manual_seed(2)
    model = build(impl.LeNet, device=device, dtype=torch.float64, p=0.5).train()
    x = torch.randn((4, 3, 32, 32), generator=gen, dtype=torch.float64).to(device)
    outs = []
    for seed in (7, 8):
        torch.manual_seed(seed)
        call = Call(model, x)
        outs.append(call.out)
        torch.manual_seed(seed)  # replay the same Bernoulli draw on fc3's input
        expected = lenet_oracle(model, x, dropout=lambda h: F.dropout(h, 0.5, training=True))
        assert_close(call.out, expected, **TOL[torch.float64], call=call, what=f"logits in training mode, seed {seed}",
                     why="in training mode fc3(dropout(h)): each of fc3's inputs is zeroed with probability p and "
                         "the others scaled by 1 / (1 - p); replayed here with torch.manual_seed and F.dropout")
    if torch.equal(outs[0], outs[1]):
        fail("two forward passes in training mode with p=0.5 gave the same logits", call=call,
             why="dropout must draw a new mask on every call in training mode")


@pytest.mark.contract("LeNet: an image that is not 32 x 32: ValueError")
def test_wrong_image_size_raises(impl, device):
    model = build(impl.LeNet, device=device).eval()
    x = torch.zeros((1, 3, 33, 33), device=device)
    assert_raises(ValueError, model, x,
                  why="33 x 33 runs through silently (29 -> 14 and 10 -> 5 after the floor of each pool): "
                      "LeNet is defined for 32 x 32 inputs, so check the shape")


# 2. MLP with a ModuleList.

@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_mlp_layers_are_registered(impl, device, dtype):
    gen = torch.Generator().manual_seed(3)
    for sizes, count in [([4, 8, 3], 4 * 8 + 8 + 8 * 3 + 3), ([5, 2], 12), ([3, 6, 6, 2], 24 + 42 + 14)]:
        model = build(impl.MLP, sizes, device=device, dtype=dtype)
        layers = getattr(model, "layers", None)
        if not isinstance(layers, nn.ModuleList):
            fail(f"MLP({sizes}).layers is {type(layers).__name__}, expected an nn.ModuleList",
                 why="a plain list is invisible to nn.Module: no parameters, no state_dict, no .to()")
        total = sum(p.numel() for p in model.parameters())
        if total != count:
            fail(f"MLP({sizes}).parameters() holds {total} values, expected {count}",
                 why="each nn.Linear(a, b) has a*b + b; a plain Python list registers none of them")
        keys = [f"layers.{i}.{w}" for i in range(len(sizes) - 1) for w in ("weight", "bias")]
        check_keys(model, keys, f"MLP({sizes})")
        for name, p in model.named_parameters():
            assert_array(p, kind="tensor", dtype=dtype, device=device, what=f"parameter {name} after .to()")
        sd = model.state_dict()
        for n in (5, 1, 0):
            x = torch.randn((n, sizes[0]), generator=gen, dtype=torch.float64).to(device, dtype)
            call = Call(model, x)
            h = x
            for i in range(len(sizes) - 1):
                h = F.linear(h, sd[f"layers.{i}.weight"], sd[f"layers.{i}.bias"])
                h = F.relu(h) if i < len(sizes) - 2 else h
            assert_array(call.out, kind="tensor", dtype=dtype, shape=(n, sizes[-1]), device=device, call=call)
            assert_close(call.out, h, **TOL[dtype], call=call, what=f"MLP({sizes}) output",
                         why="the layers in order, a ReLU after every layer but the last")


# 3. Counting parameters.

def test_count_parameters(impl, device):
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(4, 2)))).to(device, torch.float64)
    cases = [(model, {}, 112 + 8 + 10, "conv 3*4*9 + 4 = 112, BN weight and bias 8, linear 4*2 + 2 = 10 (nested two "
                                       "levels deep); BN's running_mean, running_var and num_batches_tracked are "
                                       "buffers, not parameters")]
    model2 = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Sequential(nn.Linear(4, 2))).to(device)
    model2[0].requires_grad_(False)
    model2[2][0].bias.requires_grad_(False)
    cases += [(model2, {}, 130, "trainable_only defaults to False: frozen parameters count too"),
              (model2, {"trainable_only": True}, 8 + 8, "trainable only: BN 8 and the linear weight 8; the frozen "
                                                          "conv and linear bias are left out"),
              (nn.Sequential(nn.ReLU(), nn.MaxPool2d(2)).to(device), {}, 0, "no parameters at all"),
              (nn.Linear(5, 1).to(device), {}, 6, "a single layer, no children: 5 weights and a bias")]
    for m, kwargs, count, why in cases:
        call = Call(impl.count_parameters, m, **kwargs)
        if type(call.out) is not int or call.out != count:
            fail(f"count_parameters gave {call.out!r} ({type(call.out).__name__}), expected {count} (int)",
                 call=call, why=why)


@pytest.mark.convention("a shared parameter is counted once")
def test_shared_parameter_counted_once(impl, device):
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(5, 3)
            self.head = nn.Linear(3, 5, bias=False)
            self.head.weight = self.embed.weight  # weight tying: one Parameter, two owners

    model = Tied().to(device)
    call = Call(impl.count_parameters, model)
    if call.out != 15:
        fail(f"count_parameters gave {call.out!r} for tied embedding / output weights, expected 15", call=call,
             why="the (5, 3) weight is one nn.Parameter registered by two modules: model.parameters() yields it "
                 "once (state_dict lists it under both names)")


# 4. Leaf modules.

def test_leaf_modules(impl, device):
    act = nn.ReLU()
    model = nn.Sequential(OrderedDict(
        features=nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), act, nn.Sequential(nn.Conv2d(4, 4, 1), act)),
        head=nn.ModuleDict({"pool": nn.AdaptiveAvgPool2d(1), "fc": nn.Linear(4, 2)}),
    )).to(device)
    f, h = model.features, model.head
    expected = [("features.0", f[0]), ("features.1", f[1]), ("features.2", act), ("features.3.0", f[3][0]),
                ("head.pool", h["pool"]), ("head.fc", h["fc"])]
    cases = [(model, expected, "depth first in registration order; containers (Sequential, ModuleDict, the model) "
                               "are not leaves; nested containers are walked all the way down; the ReLU registered "
                               "twice appears once, under its first name features.2"),
             (model.head.fc, [("", model.head.fc)], "a module with no children is its own only leaf, named ''")]
    for m, want, why in cases:
        call = Call(impl.leaf_modules, m)
        got = call.out
        if not isinstance(got, list) or [n for n, _ in got] != [n for n, _ in want] or \
                any(a is not b for (_, a), (_, b) in zip(got, want)):
            fail("leaf_modules gave the wrong (name, module) pairs", call=call,
                 got=str([(n, type(x).__name__) for n, x in got]) if isinstance(got, list) else show(got),
                 expected=str([(n, type(x).__name__) for n, x in want]), why=why)
