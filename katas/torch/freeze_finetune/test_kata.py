"""Tests for torch/freeze_finetune. Run: pytest katas/torch/freeze_finetune

The oracle is the model's own state: which parameters require gradients, what the optimizer holds,
which values and BatchNorm buffers change in a training step, and what the backbone computed before.
Which train/eval flags may change, and whether BatchNorm layers inside `unfrozen` modules keep updating
their statistics (mmdetection's norm_eval freezes them all), are convention tests of their own.
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


class MixedNet(nn.Module):
    """Every kind of BatchNorm, nested: BatchNorm3d, SyncBatchNorm (a _BatchNorm, not a BatchNorm2d) and
    BatchNorm1d, inside containers two levels deep."""

    def __init__(self):
        super().__init__()
        self.body = nn.ModuleDict({
            "stem": nn.Sequential(nn.Conv3d(2, 3, 3, padding=1), nn.BatchNorm3d(3), nn.ReLU()),
            "mid": nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 1), nn.SyncBatchNorm(4), nn.ReLU())),
            "neck": nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU()),
        })
        self.fc = nn.Linear(6, 3)

    def features(self, x):
        x = self.body["stem"](x).mean(2)  # (N, 3, D, H, W) -> (N, 3, H, W)
        x = self.body["mid"](x).mean((2, 3))
        return self.body["neck"](x)

    def forward(self, x):
        return self.fc(self.features(x))


def pretrained(device, dtype=torch.float64, seq_head=False, seed=0, cls=TinyNet):
    """A TinyNet whose BN layers carry statistics and affine values, as after pre-training."""
    torch.manual_seed(seed)
    model = TinyNet(seq_head=seq_head) if cls is TinyNet else cls()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
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
        model = self.call.args[0]
        parts = [f"model=TinyNet(head {'classifier.1' if model.seq_head else 'fc'})" if isinstance(model, TinyNet)
                 else f"model={type(model).__name__}()"]
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
    bound = 1 / 8 ** 0.5  # nn.Linear's default: uniform in [-1/sqrt(in_features), 1/sqrt(in_features)]
    w = head.weight.detach()
    if w.abs().max() > bound * (1 + 1e-6) or torch.unique(w).numel() < w.numel() // 2:
        fail(f"the new head's weight is not a fresh default initialisation: {show(w)}", call=call,
             why=f"nn.Linear(8, 5) draws its weights uniformly from [-{bound:.3f}, {bound:.3f}]")
    with torch.no_grad():
        out = model(images(3, device, dtype))
    if out.shape != (3, 5) or out.dtype != dtype:
        fail(f"model(x) gives {show(out)}, expected shape (3, 5) and dtype {dtype}", call=call,
             why="the new head must be registered under the old name, so forward uses it")


@pytest.mark.convention("train/eval flags: only frozen BN layers change")
def test_only_frozen_bn_layers_change_mode(impl, device):
    for training in (True, False):  # usually in training mode when fine-tuning starts; eval must stay eval too
        model = pretrained(device).train(training)
        call = prepare(impl, model, unfrozen=("stage2",))
        changed = sorted(n or "model" for n, m in model.named_modules()
                         if m.training != training and not n.startswith("fc")
                         and not (isinstance(m, nn.BatchNorm2d) and not n.startswith("stage2.")))
        if changed:
            fail(f"prepare_finetune switched modules of a model in {'train' if training else 'eval'} mode",
                 call=call, got=changed, expected=[],
                 why="only the frozen BN layers behave as in eval mode; the model's own train/eval mode and that "
                     "of every other layer (frozen convs, the unfrozen stage and its BN) is the caller's choice")


# Which parameters learn.

@pytest.mark.parametrize("which", sorted(UNFROZEN))
def test_requires_grad_states(impl, device, which):
    model = pretrained(device)
    model.stage2[0].weight.requires_grad_(False)  # switched off before: unfreezing stage2 switches it on
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
    call = prepare(impl, pretrained(device), unfrozen=UNFROZEN[which])  # weight_decay left out
    for i, g in enumerate(call.out.param_groups):
        if g["weight_decay"] != 0.0:
            fail(f"group {i}: weight_decay={g['weight_decay']} with the argument left out", call=call,
                 expected="weight_decay=0.0, the default")


# BatchNorm statistics.

def test_bn_statistics_stay_frozen_after_model_train(impl, device):
    model = pretrained(device)
    before = bn_buffers(model)
    layers = {n: m for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)}
    call = prepare(impl, model)
    moved = sorted(n for n, m in layers.items() if model.get_submodule(n) is not m)
    if moved or sorted(bn_buffers(model)) != sorted(before):
        fail("prepare_finetune replaced BatchNorm layers", call=call, got=moved or sorted(bn_buffers(model)),
             why="keep the model's BatchNorm modules in place (same objects, same state_dict keys); swapping in "
                 "FrozenBatchNorm2d changes the model's structure and checkpoints")
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


def test_unfrozen_stage_trains(impl, device):
    model = pretrained(device)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    call = prepare(impl, model, unfrozen=("stage2",))
    train_step(model, call.out, images(6, device, seed=6))
    after = model.state_dict()
    params = {n for n, _ in model.named_parameters()}
    for k, v in before.items():
        if k.startswith("stage2.") and k not in params:
            continue  # the unfrozen stage's BN statistics: the convention test's business
        moved = not torch.equal(after[k], v)
        should = k.startswith(("stage2.", "fc."))
        if moved != should:
            fail(f"{k} {'changed' if moved else 'did not change'} in a training step", call=call,
                 why="with unfrozen=('stage2',) the stage's weights and BN affine train; everything else outside "
                     "the head stays frozen, BN statistics included")


@pytest.mark.convention("BN inside unfrozen modules: statistics update")
def test_unfrozen_bn_statistics_update(impl, device):
    model = pretrained(device)
    before = bn_buffers(model)
    call = prepare(impl, model, unfrozen=("stage2",))
    train_step(model, call.out, images(6, device, seed=6))
    for k, v in bn_buffers(model).items():
        if k.startswith("stage2.") and torch.equal(v, before[k]):
            fail(f"{k} did not change in a training step", call=call,
                 why="BatchNorm layers inside `unfrozen` modules train normally: in training mode they update "
                     "their running statistics (mmdetection's norm_eval=True would freeze them all)")


def test_every_kind_of_batchnorm_is_frozen(impl, device):
    model = pretrained(device, cls=MixedNet)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    call = prepare(impl, model)
    got = sorted(n for n, p in model.named_parameters() if p.requires_grad)
    if got != HEAD:
        fail("wrong parameters require gradients", call=call, got=got, expected=HEAD,
             why="every parameter outside the head is frozen, however deeply nested, BN weight and bias included")
    x = (torch.randn(4, 2, 3, 4, 4, generator=torch.Generator().manual_seed(9), dtype=torch.float64)
         * 3 + 1).to(device)
    model.train()
    with torch.no_grad():
        in_train = model.features(x)
        model.eval()
        in_eval = model.features(x)
    assert_close(in_train, in_eval, rtol=1e-9, atol=1e-9, call=call, what="MixedNet features in train mode",
                 why="BatchNorm1d, BatchNorm3d and SyncBatchNorm are _BatchNorm layers too: frozen, they normalise "
                     "with their running statistics in train mode")
    train_step(model, call.out, x)
    for k, v in model.state_dict().items():
        if not k.startswith("fc."):
            assert_equal(v, before[k], call=call, what=f"{k} after a training step",
                         why="every _BatchNorm subclass outside `unfrozen` keeps its statistics, nested or not")


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


@pytest.mark.contract("bad head_name: ValueError")
def test_bad_head_name_raises(impl, device):
    assert_raises(ValueError, impl.prepare_finetune, pretrained(device), "head", 5, 0.01, 0.1,
                  why="the model has no `head`")
    assert_raises(ValueError, impl.prepare_finetune, pretrained(device), "bn1", 5, 0.01, 0.1,
                  why="`bn1` is a BatchNorm2d, not an nn.Linear head")


@pytest.mark.contract("unknown name in unfrozen: ValueError")
def test_unknown_unfrozen_name_raises(impl, device):
    assert_raises(ValueError, impl.prepare_finetune, pretrained(device), "fc", 5, 0.01, 0.1, unfrozen=("stage3",),
                  why="the model has no `stage3` to unfreeze; matching parameter names by prefix would silently "
                      "unfreeze nothing")
