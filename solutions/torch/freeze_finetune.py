"""Fine-tuning set-up: new head, frozen backbone and BN statistics, one optimizer group per role."""

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


def _stay_in_eval(module, args):
    module.eval()  # runs before every forward, so a later model.train() cannot switch BN back


def prepare_finetune(model, head_name, num_classes, backbone_lr, head_lr, weight_decay=0.0, unfrozen=()):
    try:
        old = model.get_submodule(head_name)
        trainable = [model.get_submodule(name) for name in unfrozen]
    except AttributeError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(old, nn.Linear):
        raise ValueError(f"{head_name!r} is a {type(old).__name__}, not an nn.Linear")

    head = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    parent, _, attr = head_name.rpartition(".")
    setattr(model.get_submodule(parent), attr, head)

    model.requires_grad_(False)
    backbone = list(dict.fromkeys(p for m in trainable for p in m.parameters()))  # no duplicates
    for p in [*backbone, *head.parameters()]:
        p.requires_grad_(True)

    training = {m for t in trainable for m in t.modules()}
    for m in model.modules():
        if isinstance(m, _BatchNorm) and m not in training:
            m.eval()
            m.register_forward_pre_hook(_stay_in_eval)

    groups = [{"params": backbone, "lr": backbone_lr}] if backbone else []
    groups.append({"params": list(head.parameters()), "lr": head_lr})
    return torch.optim.SGD(groups, momentum=0.9, weight_decay=weight_decay)
