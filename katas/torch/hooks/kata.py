"""Forward and backward hooks: record activations and gradient norms · 前向/反向 hook: 记录激活值与各层梯度范数

Debugging a network that will not train starts with looking inside it: what each layer outputs,
and how large the gradient is that flows back through each layer (vanishing or exploding).
``register_forward_hook`` and ``register_full_backward_hook`` let you watch named layers without
editing the model's code, and the handles they return must be removed afterwards, or the hooks
run (and hold memory) for the rest of the model's life.

Run the tests: pytest katas/torch/hooks
"""

from torch import nn

__all__ = ["LayerRecorder"]


class LayerRecorder:
    """Records the outputs of some named submodules and the norm of the gradient at each output.

    ``LayerRecorder(model, names)``:
        model: any ``nn.Module``. names: qualified submodule names as ``model.named_modules()``
        spells them (``"0"``, ``"block.1"``, ``"head"``; ``""`` is ``model`` itself); containers are
        allowed. Each named module
        returns a single tensor and is called once per forward pass.

        Registers on each named module one forward hook (``register_forward_hook``) and one full
        backward hook (``register_full_backward_hook``), and keeps their handles. Sets
        ``self.activations = {}`` and ``self.grad_norms = {}``.

        Errors: a name that is not a submodule of ``model`` raises ``KeyError`` (naming it) and
        registers **no hook at all** (check every name first).

    While the hooks are in place:
        - every forward pass of ``model`` sets ``self.activations[name]`` to that module's output,
          **detached** (``requires_grad=False``, no ``grad_fn``: a stored tensor with a graph keeps
          the whole forward graph of that step alive), same shape, device and dtype;
        - every backward pass sets ``self.grad_norms[name]`` to the L2 norm of the gradient of the
          loss with respect to that module's **output** (``grad_output[0]`` in the backward hook,
          not ``grad_input``, not the weights' ``.grad``), taken over the **whole tensor, batch
          included** (``grad_output[0].norm()``, not a per-sample mean), as a **0-d tensor** on the
          output's device with its dtype, detached (no ``.item()``: that would synchronise a GPU
          at every layer);
        - a later pass replaces the values of the earlier one.
        The hooks return ``None``: the model computes exactly what it computes without them, and
        every parameter receives exactly the gradient it would receive without them.

    ``remove() -> None``: removes every hook this recorder registered (forward and backward), on
    every module, leaving no hook behind (and none on modules it did not name, nor any global
    module hook). The recorded values stay readable. Calling it twice is harmless.

    ``with LayerRecorder(model, names) as rec: ...``: ``__enter__`` returns the recorder,
    ``__exit__`` calls ``remove()``, also when the block raises (the exception propagates).

    ``model`` is not modified otherwise: its parameters, buffers and train/eval mode stay as they
    were.

    Canonical code: the PyTorch docs' ``register_forward_hook`` / ``register_full_backward_hook``
    and the "forward and backward function hooks" tutorial: handles kept in a list and ``remove()``
    called on each; torchvision's ``feature_extraction`` and timm's ``FeatureHooks`` record outputs
    the same way (timm keeps them undetached, in a per-device dict). Those store outputs as they
    come; here they are detached (``test_activations_are_detached``) and the gradient is reduced
    to its norm as a 0-d tensor (``test_grad_norm_is_a_tensor``).
    """

    def __init__(self, model: nn.Module, names: list[str]) -> None:
        raise NotImplementedError("LayerRecorder.__init__")

    def remove(self) -> None:
        raise NotImplementedError("LayerRecorder.remove")

    def __enter__(self) -> "LayerRecorder":
        raise NotImplementedError("LayerRecorder.__enter__")

    def __exit__(self, *exc) -> None:
        raise NotImplementedError("LayerRecorder.__exit__")
