"""nn.Module basics: a LeNet, a registered ModuleList, parameter counts and leaf modules."""

import torch
from torch import nn
from torch.nn import functional as F


class LeNet(nn.Module):
    def __init__(self, in_channels: int = 3, num_classes: int = 10, p: float = 0.5) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.conv1 = nn.Conv2d(in_channels, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)
        self.dropout = nn.Dropout(p)  # a module: model.eval() switches it off

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.shape[1] != self.in_channels or tuple(x.shape[2:]) != (32, 32):
            raise ValueError(f"expected (N, {self.in_channels}, 32, 32), got {tuple(x.shape)}")
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc2(F.relu(self.fc1(x))))
        return self.fc3(self.dropout(x))


class MLP(nn.Module):
    def __init__(self, sizes: list[int]) -> None:
        super().__init__()
        # ModuleList registers each layer; a plain list would hide them from parameters() and .to()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    # parameters() yields each shared Parameter once and no buffers
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    return [(name, m) for name, m in model.named_modules() if next(m.children(), None) is None]
