"""Record named layers' outputs and output-gradient norms with forward / full backward hooks."""

import torch
from torch import nn


class LayerRecorder:
    def __init__(self, model: nn.Module, names: list[str]) -> None:
        modules = dict(model.named_modules())
        missing = [n for n in names if n not in modules]
        if missing:  # before registering anything, so a bad name leaves the model untouched
            raise KeyError(f"no submodule named {missing} in the model")
        self.activations: dict[str, torch.Tensor] = {}
        self.grad_norms: dict[str, torch.Tensor] = {}
        self._handles = []
        for name in names:
            self._handles.append(modules[name].register_forward_hook(self._forward(name)))
            self._handles.append(modules[name].register_full_backward_hook(self._backward(name)))

    def _forward(self, name):
        def hook(module, inputs, output):
            self.activations[name] = output.detach()  # no graph kept alive; returns None: output unchanged
        return hook

    def _backward(self, name):
        def hook(module, grad_input, grad_output):
            self.grad_norms[name] = grad_output[0].detach().norm()  # dL/d(output), a 0-d tensor: no sync
        return hook

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def __enter__(self) -> "LayerRecorder":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
