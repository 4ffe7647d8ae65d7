"""Model EMA with a decay warm-up · 模型参数的指数滑动平均 (EMA), 带 decay 预热

Many detectors and classifiers (YOLOv5, timm, Mean Teacher) evaluate and ship an exponential
moving average of the weights instead of the weights themselves: smoother, usually better. Keep a
frozen copy of the model and, after every optimiser step, pull it a little towards the model,
parameters and BatchNorm statistics alike. Early in training the average would be stuck near the
random initial weights, so the decay warms up from 0 towards its final value.

Run the tests: pytest katas/torch/ema
"""

import torch
from torch import nn

__all__ = ["ModelEMA"]


class ModelEMA:
    """An exponential moving average of a model's parameters and buffers.

    ``ModelEMA(model, decay=0.9999, tau=2000.0)``:
        model: any ``nn.Module`` (parameters and buffers on one device, float32 or float64).
        decay: the final decay, in [0, 1). tau: the warm-up time constant, in updates, > 0.

        Keeps a **deep copy** of ``model`` as ``self.module``: its own tensors (sharing no storage
        with ``model``), in **eval mode** (it is only ever evaluated), every parameter with
        ``requires_grad=False``, on the model's device with the model's dtypes. Also sets
        ``self.decay``, ``self.tau`` and ``self.updates = 0`` (the number of updates so far).
        ``model`` is not modified: not its values, its train/eval mode (nor its submodules'),
        nor its parameters' ``requires_grad``.

    ``update(model) -> None``:
        model: the model being trained, with the same architecture (the same ``state_dict`` keys
        and shapes) as the one given to the constructor.

        Increments ``self.updates`` first, so the k-th call (k = 1, 2, 3, ...) uses the decay::

            d_k = decay * (1 - exp(-k / tau))

        (0.316 * decay at k = 1 for tau = 1; close to ``decay`` once k >> tau). Then, for every
        entry of the state dict, **parameters and buffers** (BatchNorm ``running_mean`` and
        ``running_var`` included)::

            ema = d_k * ema + (1 - d_k) * model        floating-point entries
            ema = model                                other entries (num_batches_tracked), copied

        in place in ``self.module``'s own tensors, with no autograd graph (run it under
        ``torch.no_grad()``: afterwards every EMA tensor still has ``requires_grad=False`` and no
        ``grad_fn``). ``self.module`` stays in eval mode whatever ``model``'s mode. ``model`` is
        not modified (values, modes, flags, ``.grad``).

    ``state_dict() -> dict``:
        ``self.module.state_dict()``: the averaged weights, for saving or for loading into a model
        of the same architecture.

    Example, with one parameter, ``decay = 0.5``, ``tau = 1``, the copy made when the parameter
    was 0, then two updates with the parameter at 1: ``d_1 = 0.5 * (1 - e^-1) = 0.3161``, so the
    EMA becomes ``0.3161 * 0 + 0.6839 * 1 = 0.6839``; ``d_2 = 0.5 * (1 - e^-2) = 0.4323``, so
    ``0.4323 * 0.6839 + 0.5677 * 1 = 0.8634``.

    Canonical code: yolov5's ``ModelEMA`` (``utils/torch_utils.py``) is this class with the same
    warm-up ``decay * (1 - exp(-updates / tau))``, counter incremented first, ``v *= d;
    v += (1 - d) * msd[k].detach()`` on the floating-point entries; it names the copy ``self.ema``
    and keeps ``self.decay`` as a function, and it leaves integer buffers at their values from the
    copy, where this kata copies them (``test_integer_buffers_are_copied``). timm's ``ModelEmaV2``
    (``timm/utils/model_ema.py``) keeps ``self.module`` in eval mode under ``torch.no_grad()`` but
    has no warm-up, a constant ``decay`` (``test_decay_warms_up``), averages every state-dict entry
    including integer buffers (its ``copy_`` truncates the average), and does not switch off
    ``requires_grad`` on the copy (``test_copy_parameters_do_not_require_grad``). timm's
    ``ModelEmaV3`` copies integer buffers as here, but its optional warm-up is another formula.
    """

    def __init__(self, model: nn.Module, decay: float = 0.9999, tau: float = 2000.0) -> None:
        raise NotImplementedError("ModelEMA.__init__")

    def update(self, model: nn.Module) -> None:
        raise NotImplementedError("ModelEMA.update")

    def state_dict(self) -> dict[str, torch.Tensor]:
        raise NotImplementedError("ModelEMA.state_dict")
