"""Tests for torch/freeze_finetune. Run: pytest katas/torch/freeze_finetune

The oracle is the model's own state: which parameters require gradients, what the optimizer holds,
which values and BatchNorm buffers change in a training step, and what the backbone computed before.
"""

import copy

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from cvkatas import Call, assert_close, assert_equal, assert_raises, fail, show


class TinyNet(nn.Module):
    """conv-BN-ReLU, a nested stage, a second stage, global pooling, linear head (`fc` or `classifier.1`)."""

    def __init__(self, classes=10, seq_head=False):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.stage1 = nn.Sequential(nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU()))
        self.stage2 = nn.Sequential(nn.Conv2d(6, 8, 3, padding=1, stride=2, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        if seq_head:
            self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(8, classes))
        else:
            self.fc = nn.Linear(8, classes)
        self.seq_head = seq_head

    def features(self, x):
        x = self.stage2(self.stage1(torch.relu(self.bn1(self.conv1(x)))))
        return self.pool(x).flatten(1)

    def forward(self, x):
        x = self.stage2(self.stage1(torch.relu(self.bn1(self.conv1(x)))))
        return self.classifier(self.pool(x)) if self.seq_head else self.fc(self.pool(x).flatten(1))


def pretrained(device, dtype=torch.float64, seq_head=False, seed=0):
    """A TinyNet whose BN layers carry statistics and affine values, as after pre-training."""
    torch.manual_seed(seed)
    model = TinyNet(seq_head=seq_head)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_()
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(100)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    return model.to(device, dtype)


def images(n, device, dtype=torch.float64, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, 3, 8, 8, generator=gen, dtype=torch.float64) * 3 + 1).to(device, dtype)


class Short:
    """The call in failure messages, with the model and optimizer named instead of printed in full."""

    def __init__(self, call):
        self.out, self.call = call.out, call

    def __str__(self):
        names = ["model", "head_name", "num_classes", "backbone_lr", "head_lr"]
        parts = [f"model=TinyNet(head {'classifier.1' if self.call.args[0].seq_head else 'fc'})"]
        parts += [f"{k}={show(v)}" for k, v in zip(names[1:], self.call.args[1:])]
        parts += [f"{k}={show(v)}" for k, v in self.call.kwargs.items()]
        return f"prepare_finetune({', '.join(parts)})"


def prepare(impl, model, head_name="fc", num_classes=5, backbone_lr=0.01, head_lr=0.1, **kwargs):
    return Short(Call(impl.prepare_finetune, model, head_name, num_classes, backbone_lr, head_lr,
                      mutates=True, **kwargs))


STAGE2 = ["stage2.0.weight", "stage2.1.bias", "stage2.1.weight"]
HEAD = ["fc.bias", "fc.weight"]


def trainable_names(unfrozen):
    return sorted(HEAD + (STAGE2 if "stage2" in unfrozen else []))


def bn_buffers(model):
    return {n: b.clone() for n, b in model.named_buffers()}


def train_step(model, optimizer, x, classes=5, zero_grad_last=False):
    """One step of the usual loop; some loops clear gradients after the step instead of before."""
    model.train()
    if not zero_grad_last:
        optimizer.zero_grad()
    target = torch.arange(len(x), device=x.device) % classes
    F.cross_entropy(model(x), target).backward()
    optimizer.step()
    if zero_grad_last:
        optimizer.zero_grad()


UNFROZEN = {"all_frozen": (), "last_stage": ("stage2",)}


# The new head.

@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("head_name", ["fc", "classifier.1"])
def test_new_head(impl, device, dtype, head_name):
    model = pretrained(device, dtype, seq_head=head_name != "fc")
    model.eval()
    old = model.get_submodule(head_name)
    call = prepare(impl, model, head_name, 5)
    head = model.get_submodule(head_name)
    if not isinstance(head, nn.Linear) or head is old:
        fail(f"model.{head_name} must be a new nn.Linear, got {'the old head' if head is old else type(head).__name__}",
             call=call, why="the pretrained head has the wrong number of classes; replace it")
    shape = (head.out_features, head.in_features, head.bias is not None)
    if shape != (5, 8, True):
        fail(f"new head: out_features={shape[0]}, in_features={shape[1]}, bias={shape[2]}", call=call,
             expected="nn.Linear(8, 5) with bias",
             why="in_features comes from the old head, out_features is num_classes")
    if head.weight.device != old.weight.device or head.weight.dtype != dtype:
        fail(f"the new head lives on {head.weight.device} as {head.weight.dtype}, the model on "
             f"{old.weight.device} as {dtype}", call=call,
             why="create it with device= and dtype= of the old head, or the forward pass fails")
    if not (head.weight.requires_grad and head.bias.requires_grad):
        fail("the new head's parameters must require gradients", call=call)
    if model.training:
        fail("prepare_finetune switched the model to training mode", call=call,
             why="the model's own train/eval mode is the caller's choice")
    with torch.no_grad():
        out = model(images(3, device, dtype))
    if out.shape != (3, 5) or out.dtype != dtype:
        fail(f"model(x) gives {show(out)}, expected shape (3, 5) and dtype {dtype}", call=call,
             why="the new head must be registered under the old name, so forward uses it")


def test_model_mode_is_left_alone(impl, device):
    model = pretrained(device)  # in training mode, as a model usually is when fine-tuning starts
    call = prepare(impl, model, unfrozen=("stage2",))
    changed = sorted(n or "model" for n, m in model.named_modules()
                     if not m.training and not (isinstance(m, nn.BatchNorm2d) and not n.startswith("stage2.")))
    if changed:
        fail("prepare_finetune switched modules to eval mode", call=call, got=changed, expected=[],
             why="only the frozen BN layers behave as in eval mode; the model's own train/eval mode and that "
                 "of every other layer (the unfrozen stage's BN included) is the caller's choice")


# Which parameters learn.

@pytest.mark.parametrize("which", sorted(UNFROZEN))
def test_requires_grad_states(impl, device, which):
    model = pretrained(device)
    call = prepare(impl, model, unfrozen=UNFROZEN[which])
    got = sorted(n for n, p in model.named_parameters() if p.requires_grad)
    expected = trainable_names(UNFROZEN[which])
    if got != expected:
        extra = sorted(set(got) - set(expected))
        missing = sorted(set(expected) - set(got))
        fail("wrong parameters require gradients", call=call, got=got, expected=expected,
             extra={k: v for k, v in (("freeze", extra), ("train", missing)) if v},
             why="everything outside the head and the unfrozen modules is frozen, nested layers and "
                 "BN weight/bias included")


@pytest.mark.parametrize("which", sorted(UNFROZEN))
def test_optimizer_groups(impl, device, which):
    model = pretrained(device)
    call = prepare(impl, model, backbone_lr=0.01, head_lr=0.1, weight_decay=1e-4, unfrozen=UNFROZEN[which])
    opt = call.out
    if not isinstance(opt, torch.optim.SGD):
        fail(f"prepare_finetune must return a torch.optim.SGD, got {type(opt).__name__}", call=call)
    name_of = {id(p): n for n, p in model.named_parameters()}
    got = [(sorted(name_of.get(id(p), "<not in model>") for p in g["params"]), g["lr"]) for g in opt.param_groups]
    expected = ([(STAGE2, 0.01)] if UNFROZEN[which] else []) + [(HEAD, 0.1)]
    if got != expected:
        fail("wrong param groups (parameter names, lr)", call=call, got=got, expected=expected,
             why="one group per role, holding exactly the trainable parameters: [unfrozen backbone at "
                 "backbone_lr] if there are any, then [new head at head_lr]; frozen parameters stay out")
    for i, g in enumerate(opt.param_groups):
        if (g["momentum"], g["weight_decay"]) != (0.9, 1e-4):
            fail(f"group {i}: momentum={g['momentum']}, weight_decay={g['weight_decay']}", call=call,
                 expected="momentum=0.9, weight_decay=1e-4 (the argument)")


# BatchNorm statistics.

def test_bn_statistics_stay_frozen_after_model_train(impl, device):
    model = pretrained(device)
    before = bn_buffers(model)
    call = prepare(impl, model)
    model.train()  # what every training loop does at the start of an epoch
    with torch.no_grad():
        for seed in range(3):
            model(images(4, device, seed=seed))
    for name, value in bn_buffers(model).items():
        assert_equal(value, before[name], call=call, what=f"BN buffer {name} after model.train() and 3 forward passes",
                     why="the backbone's BN layers must keep their pretrained statistics in training mode too: "
                         "requires_grad=False freezes weights, not running statistics, and model.train() "
                         "switches every submodule back to training mode")


def test_frozen_bn_normalises_with_running_statistics_in_train_mode(impl, device):
    model = pretrained(device)
    call = prepare(impl, model)
    x = images(4, device, seed=1)
    model.train()
    with torch.no_grad():
        in_train = model.features(x)
        model.eval()
        in_eval = model.features(x)
    assert_close(in_train, in_eval, rtol=1e-9, atol=1e-9, call=call, what="backbone features in train mode",
                 why="a frozen backbone computes the same in train and eval mode: its BN layers normalise "
                     "with their running statistics, not the batch's (momentum=0 keeps the statistics but "
                     "still normalises with the batch)")


# A training step.

def test_one_training_step_changes_only_the_head(impl, device):
    model = pretrained(device)
    call = prepare(impl, model, weight_decay=1e-3)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    train_step(model, call.out, images(6, device, seed=2))
    grads = sorted(n for n, p in model.named_parameters() if p.grad is not None)
    if grads != HEAD:
        fail("after backward, gradients reached the wrong parameters", call=call, got=grads, expected=HEAD,
             why="only the head requires gradients, so only it gets .grad")
    after = model.state_dict()
    for k, v in before.items():
        if not k.startswith("fc."):
            assert_equal(after[k], v, call=call, what=f"{k} after one training step",
                         why="only the head trains: frozen weights and BN statistics stay as they were")
    if torch.equal(after["fc.weight"], before["fc.weight"]):
        fail("the head did not change in a training step", call=call,
             why="the optimizer must step the head's parameters at head_lr")


def test_stale_gradients_do_not_move_frozen_weights(impl, device):
    model = pretrained(device)
    F.cross_entropy(model(images(4, device, seed=3)), torch.tensor([0, 1, 2, 3], device=device)).backward()
    before = {n: p.detach().clone() for n, p in model.named_parameters() if not n.startswith("fc.")}
    call = prepare(impl, model, weight_decay=1e-2)  # every backbone weight still has a .grad from pre-training
    for seed in (4, 5):
        train_step(model, call.out, images(4, device, seed=seed), zero_grad_last=True)
    for n, p in model.named_parameters():
        if n in before:
            assert_equal(p, before[n], call=call, what=f"frozen parameter {n} after two training steps",
                         why="SGD steps every parameter of its groups that has a .grad; a stale gradient from "
                             "before the call (plus weight decay) moves it: keep frozen parameters out of the "
                             "optimizer")


def test_unfrozen_stage_trains_with_its_own_bn(impl, device):
    model = pretrained(device)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    call = prepare(impl, model, unfrozen=("stage2",))
    train_step(model, call.out, images(6, device, seed=6))
    after = model.state_dict()
    for k, v in before.items():
        moved = not torch.equal(after[k], v)
        should = k.startswith(("stage2.", "fc."))
        if moved != should:
            fail(f"{k} {'changed' if moved else 'did not change'} in a training step", call=call,
                 why="with unfrozen=('stage2',) the stage trains like a normal network (weights, BN "
                     "affine and BN statistics); everything else outside the head stays frozen")


def test_backbone_computes_what_it_did_before(impl, device):
    model = pretrained(device)
    reference = copy.deepcopy(model).eval()
    call = prepare(impl, model)
    train_step(model, call.out, images(6, device, seed=7))
    model.eval()
    x = images(5, device, seed=8)
    with torch.no_grad():
        got = model(x)
        expected = F.linear(reference.features(x), model.fc.weight, model.fc.bias)
    assert_close(got, expected, rtol=1e-9, atol=1e-10, call=call, what="model(x) in eval mode after a training step",
                 why="the backbone is frozen, so eval outputs are the new head applied to the same features as before")


def test_invalid_names_raise(impl, device):
    model = pretrained(device)
    assert_raises(ValueError, impl.prepare_finetune, model, "head", 5, 0.01, 0.1, why="the model has no `head`")
    assert_raises(ValueError, impl.prepare_finetune, pretrained(device), "bn1", 5, 0.01, 0.1,
                  why="`bn1` is a BatchNorm2d, not an nn.Linear head")
    assert_raises(ValueError, impl.prepare_finetune, pretrained(device), "fc", 5, 0.01, 0.1, unfrozen=("stage3",),
                  why="the model has no `stage3` to unfreeze")
