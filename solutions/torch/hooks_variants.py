"""Known-wrong and canonical-style answers to torch/hooks; `nox -s verify` proves the tests catch every
one. Never shown to learners."""

from torch import nn


def _mutant(*, keep_handles=True, remove_backward=True, remove_on_error=True, detach=True, grad="output",
            return_detached=False, per_sample=False, item=False, accumulate=False, names_check="first"):
    class LayerRecorder:
        def __init__(self, model, names):
            modules = dict(model.named_modules())
            if names_check == "first" and any(n not in modules for n in names):
                raise KeyError(f"unknown names in {names}")
            self.activations, self.grad_norms, self._handles = {}, {}, []
            for name in names:
                if name not in modules:
                    if names_check == "skip":
                        continue
                    raise KeyError(name)
                fwd = modules[name].register_forward_hook(self._forward(name))
                bwd = modules[name].register_full_backward_hook(self._backward(name))
                if keep_handles:
                    self._handles += [fwd, bwd] if remove_backward else [fwd]

        def _forward(self, name):
            def hook(module, inputs, output):
                self.activations[name] = output.detach() if detach else output
                if return_detached:
                    return output.detach()
            return hook

        def _backward(self, name):
            def hook(module, grad_input, grad_output):
                g = (grad_output if grad == "output" else grad_input)[0].detach()
                norm = g.flatten(1).norm(dim=1).mean() if per_sample else g.norm()
                if item:
                    norm = norm.item()
                if accumulate and name in self.grad_norms:
                    norm = norm + self.grad_norms[name]
                self.grad_norms[name] = norm
            return hook

        def remove(self):
            for h in self._handles:
                h.remove()
            self._handles = []

        def __enter__(self):
            return self

        def __exit__(self, exc_type, *rest):
            if remove_on_error or exc_type is None:
                self.remove()

    return {"LayerRecorder": LayerRecorder}


class DocsStyleRecorder:
    """The familiar recipe: activation[name] = output.detach() in a closure, handles kept in a list."""

    def __init__(self, model: nn.Module, names):
        self.activations = {}
        self.grad_norms = {}
        self.handles = []

        def get_activation(name):
            def hook(model, input, output):
                self.activations[name] = output.detach()
            return hook

        def get_grad_norm(name):
            def hook(module, grad_input, grad_output):
                self.grad_norms[name] = grad_output[0].detach().norm()
            return hook

        for name in names:
            layer = model.get_submodule(name)  # AttributeError at the first unknown name, after earlier hooks
            self.handles.append(layer.register_forward_hook(get_activation(name)))
            self.handles.append(layer.register_full_backward_hook(get_grad_norm(name)))

    def remove(self):
        for h in self.handles:
            h.remove()
        self.handles = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


WRONG = {
    "never_removed": _mutant(keep_handles=False),
    "removes_forward_only": _mutant(remove_backward=False),
    "not_removed_on_exception": _mutant(remove_on_error=False),
    "keeps_graph": _mutant(detach=False),
    "grad_input_norm": _mutant(grad="input"),
    "hook_returns_detached": _mutant(return_detached=True),
    "per_sample_mean": _mutant(per_sample=True),
    "norm_item": _mutant(item=True),
    "accumulates_norms": _mutant(accumulate=True),
    "unknown_name_skipped": _mutant(names_check="skip"),
    "registers_before_check": _mutant(names_check="late"),
}
CANONICAL = {"docs_style": {"LayerRecorder": DocsStyleRecorder}}
SLOW = {}
