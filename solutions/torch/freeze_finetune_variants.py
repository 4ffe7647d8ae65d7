"""Known-wrong and canonical-style answers to torch/freeze_finetune; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import types

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


def _stay_in_eval(module, args):
    module.eval()


def _mutant(*, bn="hook", freeze="all", head_like_old=True, frozen_in_optimizer=False,
            model_eval=False, bn_types=_BatchNorm, by_prefix=False, check_head=True):
    def prepare_finetune(model, head_name, num_classes, backbone_lr, head_lr, weight_decay=0.0, unfrozen=()):
        if check_head:
            try:
                old = model.get_submodule(head_name)
            except AttributeError as exc:
                raise ValueError(str(exc)) from None
            if not isinstance(old, nn.Linear):
                raise ValueError("head is not an nn.Linear")
        else:
            old = model.get_submodule(head_name)
        if by_prefix:  # every module whose name starts with an unfrozen name: an unknown name matches nothing
            trainable = [m for n, m in model.named_modules() if any(n.startswith(u) for u in unfrozen)]
        else:
            try:
                trainable = [model.get_submodule(name) for name in unfrozen]
            except AttributeError as exc:
                raise ValueError(str(exc)) from None
        where = {"device": old.weight.device, "dtype": old.weight.dtype} if head_like_old else {}
        head = nn.Linear(old.in_features, num_classes, **where)
        parent, _, attr = head_name.rpartition(".")
        setattr(model.get_submodule(parent), attr, head)

        if freeze == "all":
            model.requires_grad_(False)
        elif freeze == "direct_children":  # misses everything nested in a container
            for child in model.children():
                for p in child.parameters(recurse=False):
                    p.requires_grad_(False)
        elif freeze == "conv_linear_only":  # BN weight and bias stay trainable
            for m in model.modules():
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    m.requires_grad_(False)
        backbone = list(dict.fromkeys(p for m in trainable for p in m.parameters()))
        for p in [*backbone, *head.parameters()]:
            p.requires_grad_(True)

        if model_eval:  # puts the whole model, not just the frozen BN layers, in eval mode
            model.eval()
        training = set() if bn == "all" else {m for t in trainable for m in t.modules()}
        for m in model.modules():
            if isinstance(m, bn_types) and m not in training:
                if bn in ("hook", "all"):
                    m.eval()
                    m.register_forward_pre_hook(_stay_in_eval)
                elif bn == "once":
                    m.eval()
                elif bn == "momentum0":
                    m.momentum = 0.0

        if frozen_in_optimizer:
            heads = set(head.parameters())
            backbone = [p for p in model.parameters() if p not in heads]
        groups = [{"params": backbone, "lr": backbone_lr}] if backbone else []
        groups.append({"params": list(head.parameters()), "lr": head_lr})
        return torch.optim.SGD(groups, momentum=0.9, weight_decay=weight_decay)

    return {"prepare_finetune": prepare_finetune}


def mmdet_style(model, head_name, num_classes, backbone_lr, head_lr, weight_decay=0.0, unfrozen=()):
    """In the style of mmdetection's backbones: _freeze_stages puts every frozen module in eval mode and
    requires_grad=False; an overridden train() re-applies it and, with norm_eval, puts every _BatchNorm
    (the trained stage's too) in eval mode."""
    try:
        old = model.get_submodule(head_name)
        keep = [model.get_submodule(name) for name in unfrozen]
    except AttributeError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(old, nn.Linear):
        raise ValueError(f"{head_name} is not an nn.Linear")
    head = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    parent, _, attr = head_name.rpartition(".")
    setattr(model.get_submodule(parent), attr, head)

    live = {m for k in [*keep, head] for m in k.modules()}
    above = {m for m in model.modules() if any(x in live for x in m.modules())}  # parents of what trains
    frozen = [m for m in model.modules() if m not in live and m not in above]

    def freeze_stages():
        for m in frozen:
            m.eval()
            for p in m.parameters(recurse=False):
                p.requires_grad = False

    def train(self, mode=True):
        nn.Module.train(self, mode)
        freeze_stages()
        if mode:  # norm_eval=True
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    model.train = types.MethodType(train, model)
    model.train(model.training)
    backbone = [p for k in keep for p in k.parameters()]
    for p in backbone:
        p.requires_grad = True
    groups = ([{"params": backbone, "lr": backbone_lr}] if backbone else []) + [
        {"params": list(head.parameters()), "lr": head_lr}]
    return torch.optim.SGD(groups, momentum=0.9, weight_decay=weight_decay)


WRONG = {
    "only_batchnorm2d": _mutant(bn_types=nn.BatchNorm2d),
    "unfrozen_by_name_prefix": _mutant(by_prefix=True),
    "head_name_unchecked": _mutant(check_head=False),
    "bn_stats_still_update": _mutant(bn="none"),
    "bn_eval_not_persistent": _mutant(bn="once"),
    "bn_momentum_zero": _mutant(bn="momentum0"),
    "all_bn_frozen": _mutant(bn="all"),
    "frozen_params_in_optimizer": _mutant(frozen_in_optimizer=True),
    "head_default_device_dtype": _mutant(head_like_old=False),
    "nested_not_frozen": _mutant(freeze="direct_children"),
    "bn_affine_trainable": _mutant(freeze="conv_linear_only"),
    "whole_model_eval": _mutant(model_eval=True),
}
CANONICAL = {"mmdet_norm_eval": {"prepare_finetune": mmdet_style}}
SLOW = {}
