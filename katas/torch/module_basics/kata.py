"""nn.Module basics: LeNet, ModuleList, dropout in eval · nn.Module 基础: LeNet、ModuleList、eval 下的 dropout

What an interviewer checks before any training question: can you write a small network as an
``nn.Module`` whose layers are registered (so ``parameters()``, ``state_dict()`` and ``.to()`` see
them), whose dropout switches off with ``model.eval()``, and can you walk a model with
``named_parameters`` and ``named_modules`` to count and list what it holds.

Run the tests: pytest katas/torch/module_basics
"""

import torch
from torch import nn

__all__ = ["LeNet", "MLP", "count_parameters", "leaf_modules"]


class LeNet(nn.Module):
    """LeNet-5 for 32 x 32 images: ``LeNet(in_channels=3, num_classes=10, p=0.5)``.

    Layers, as attributes assigned in this order (so ``children()`` yields them in this order and
    the ``state_dict`` keys are ``conv1.weight, conv1.bias, conv2.weight, ..., fc3.bias``):

        conv1    nn.Conv2d(in_channels, 6, 5)          (N, C, 32, 32) -> (N, 6, 28, 28)
        conv2    nn.Conv2d(6, 16, 5)                   (N, 6, 14, 14) -> (N, 16, 10, 10)
        fc1      nn.Linear(16 * 5 * 5, 120)
        fc2      nn.Linear(120, 84)
        fc3      nn.Linear(84, num_classes)
        dropout  nn.Dropout(p)                         (no parameters)

    ``forward(x)`` with ``x`` of shape ``(N, in_channels, 32, 32)``, any float dtype the module has::

        x = max_pool2d(relu(conv1(x)), 2)        # (N, 6, 14, 14)
        x = max_pool2d(relu(conv2(x)), 2)        # (N, 16, 5, 5)
        x = flatten(x, 1)                        # (N, 400), channel-major (C, H, W) order
        x = relu(fc1(x))
        x = relu(fc2(x))
        return fc3(dropout(x))                   # (N, num_classes) logits

    Dropout is active in training mode only: in eval mode ``forward`` is deterministic and equals
    the computation above without the dropout. With the defaults the model has exactly
    **62,006 parameters** (456 + 2,416 + 48,120 + 10,164 + 850); with ``in_channels=1`` 61,706.
    The result is on ``x``'s device with ``x``'s dtype; ``x`` is not modified.

    Errors: ``x`` that is not 4-D with ``in_channels`` channels and 32 x 32 pixels raises
    ``ValueError`` (a 33 x 33 image would otherwise run through silently: the pools floor 29 to 14
    and 10 to 5).

    Canonical code: the PyTorch tutorial "Neural Networks" ``Net`` (and the seed notes' LeNet) is
    this network with ``F.max_pool2d`` and ``torch.flatten``; it has no dropout and no input check
    (``test_wrong_image_size_raises``).
    """

    def __init__(self, in_channels: int = 3, num_classes: int = 10, p: float = 0.5) -> None:
        raise NotImplementedError("LeNet.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("LeNet.forward")


class MLP(nn.Module):
    """A multilayer perceptron: ``MLP(sizes)`` with ``sizes = [d0, d1, ..., dk]``, ``k >= 1``.

    Holds ``k`` layers ``nn.Linear(d_i, d_{i+1})`` (with bias) in ``self.layers``, an
    ``nn.ModuleList``, so that they are registered: ``parameters()``, ``state_dict()`` (keys
    ``layers.0.weight, layers.0.bias, layers.1.weight, ...``), ``.to(device, dtype)``, ``.train()``
    and ``.eval()`` all reach them. A plain Python list would hide them from all of these.

    ``forward(x)``: ``x`` of shape ``(N, d0)``; applies the layers in order with a ReLU after every
    layer but the last; returns ``(N, dk)`` on ``x``'s device with ``x``'s dtype. ``x`` is not
    modified.

    Canonical code: the ``nn.ModuleList`` examples of the PyTorch docs and the seed notes
    (``self.linears = nn.ModuleList([...])``, iterated in ``forward``); the same here.
    """

    def __init__(self, sizes: list[int]) -> None:
        raise NotImplementedError("MLP.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("MLP.forward")


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """The number of scalar parameters of ``model``, as a Python ``int``.

    Counts the elements of every parameter of ``model`` and all its submodules (nested to any
    depth); buffers (BatchNorm's ``running_mean``, ``running_var``, ``num_batches_tracked``) are not
    parameters and are not counted. A parameter shared by several submodules (the same
    ``nn.Parameter`` object registered twice, as in weight tying) is **counted once**, as
    ``model.parameters()`` yields it once. ``trainable_only=True`` counts only parameters with
    ``requires_grad=True``. A model without parameters gives 0. ``model`` is not modified.

    Canonical code: ``sum(p.numel() for p in model.parameters() if p.requires_grad)``, the common
    idiom (torchinfo's and timm's counts agree); the same here, shared parameters once
    (``test_shared_parameter_counted_once``).
    """
    raise NotImplementedError("count_parameters")


def leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The leaves of ``model``'s module tree as ``(qualified name, module)`` pairs.

    A leaf is a module with no children (a ``Conv2d``, ``ReLU``, ``BatchNorm2d``...). Names are the
    dotted paths ``named_modules()`` gives (``"features.0"``, ``"head.fc"``); the order is
    ``named_modules()``'s (depth first, in registration order). Containers (``nn.Sequential``,
    ``nn.ModuleList``, the model itself) are not leaves and are left out; nested containers are
    walked to any depth, not just the direct children. A module registered under two names
    appears once, under its first name (as ``named_modules()`` does). ``model`` itself is returned
    as ``[("", model)]`` when it has no children. ``model`` is not modified.

    Canonical code: ``[(n, m) for n, m in model.named_modules() if not list(m.children())]``, the
    same here (``children()`` alone stops at the first level).
    """
    raise NotImplementedError("leaf_modules")
