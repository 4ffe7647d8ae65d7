"""Known-wrong and canonical-style answers to torch/module_basics; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
from torch import nn
from torch.nn import functional as F


def _lenet(*, dropout="module", fc1_in=400, check=True):
    class LeNet(nn.Module):
        def __init__(self, in_channels=3, num_classes=10, p=0.5):
            super().__init__()
            self.in_channels, self.p = in_channels, p
            self.conv1 = nn.Conv2d(in_channels, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(fc1_in, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, num_classes)
            self.dropout = nn.Dropout(p)

        def forward(self, x):
            if check and (x.dim() != 4 or x.shape[1] != self.in_channels or tuple(x.shape[2:]) != (32, 32)):
                raise ValueError("expected (N, C, 32, 32)")
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = F.relu(self.fc2(F.relu(self.fc1(x.flatten(1)))))
            if dropout == "module":
                x = self.dropout(x)
            elif dropout == "functional":
                x = F.dropout(x, self.p)  # training defaults to True
            return self.fc3(x)

    return LeNet


def _mlp(*, plain=False, last_relu=False):
    class MLP(nn.Module):
        def __init__(self, sizes):
            super().__init__()
            layers = [nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
            if plain:
                self.layers = layers  # a plain list: nn.Module does not register what it holds
            else:
                self.layers = nn.ModuleList(layers)

        def forward(self, x):
            for i, layer in enumerate(self.layers):
                x = layer(x)
                if last_relu or i < len(self.layers) - 1:
                    x = F.relu(x)
            return x

    return MLP


def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def leaf_modules(model):
    return [(n, m) for n, m in model.named_modules() if next(m.children(), None) is None]


def _count_state_dict(model, trainable_only=False):
    return sum(v.numel() for v in model.state_dict().values())


def _count_per_module(model, trainable_only=False):
    return sum(p.numel() for m in model.modules() for p in m.parameters() if p.requires_grad or not trainable_only)


def _count_own(model, trainable_only=False):
    return sum(p.numel() for m in model.modules() for p in m.parameters(recurse=False)
               if p.requires_grad or not trainable_only)


def _leaves_children(model):
    return list(model.named_children()) or [("", model)]


def _leaves_all(model):
    return list(model.named_modules())


def _answer(**parts):
    base = {"LeNet": _lenet(), "MLP": _mlp(), "count_parameters": count_parameters, "leaf_modules": leaf_modules}
    return {**base, **parts}


class TutorialNet(nn.Module):
    """In the style of the PyTorch 'Neural Networks' tutorial (named and sized as this kata asks)."""

    def __init__(self, in_channels=3, num_classes=10, p=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)
        self.dropout = nn.Dropout(p)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.dropout(x)
        return self.fc3(x)


WRONG = {
    "plain_list": _answer(MLP=_mlp(plain=True)),
    "functional_dropout_always_on": _answer(LeNet=_lenet(dropout="functional")),
    "no_dropout": _answer(LeNet=_lenet(dropout=None)),
    "flatten_wrong_size": _answer(LeNet=_lenet(fc1_in=16 * 4 * 4)),
    "no_size_check": _answer(LeNet=_lenet(check=False)),
    "relu_after_last_layer": _answer(MLP=_mlp(last_relu=True)),
    "counts_buffers": _answer(count_parameters=_count_state_dict),
    "counts_recursively_per_module": _answer(count_parameters=_count_per_module),
    "counts_shared_twice": _answer(count_parameters=_count_own),
    "leaves_from_children": _answer(leaf_modules=_leaves_children),
    "modules_with_containers": _answer(leaf_modules=_leaves_all),
}
CANONICAL = {"pytorch_tutorial": _answer(LeNet=TutorialNet)}
SLOW = {}
