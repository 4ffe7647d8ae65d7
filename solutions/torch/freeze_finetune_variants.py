"""Known-wrong answers to torch/freeze_finetune; `nox -s verify` proves the tests catch every one."""

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


def _stay_in_eval(module, args):
    module.eval()


def _mutant(*, bn="hook", freeze="all", head_like_old=True, frozen_in_optimizer=False,
            model_eval=False):
    def prepare_finetune(model, head_name, num_classes, backbone_lr, head_lr, weight_decay=0.0, unfrozen=()):
        try:
            old = model.get_submodule(head_name)
            trainable = [model.get_submodule(name) for name in unfrozen]
        except AttributeError as exc:
            raise ValueError(str(exc)) from None
        if not isinstance(old, nn.Linear):
            raise ValueError("head is not an nn.Linear")
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
            if isinstance(m, _BatchNorm) and m not in training:
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


WRONG = {
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
SLOW = {}
