"""Fine-tuning set-up: freeze the backbone and its BN statistics, new head, per-group rates · 冻结骨干网络微调

Take a pretrained classifier, give it a fresh head for a new number of classes, freeze what should
not learn (weights *and* BatchNorm statistics), and build the optimizer with one learning rate for
the layers you still fine-tune and another for the new head.

Run the tests: pytest katas/torch/freeze_finetune
"""

from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["prepare_finetune"]


def prepare_finetune(model: nn.Module, head_name: str, num_classes: int, backbone_lr: float, head_lr: float,
                     weight_decay: float = 0.0, unfrozen: Sequence[str] = ()) -> torch.optim.SGD:
    """Prepare ``model`` in place for fine-tuning and return its optimizer.

    Args:
        model: a pretrained network, on any device and in any floating dtype.
        head_name: dotted name of its final ``nn.Linear`` as ``model.get_submodule`` takes it
            (``"fc"``, or ``"classifier.1"`` inside an ``nn.Sequential``).
        num_classes: the new number of outputs.
        backbone_lr: learning rate of the backbone layers that stay trainable (see ``unfrozen``).
        head_lr: learning rate of the new head.
        weight_decay: the optimizer's weight decay, the same for every group.
        unfrozen: dotted names of backbone submodules to keep training (e.g. ``("layer4",)`` to
            fine-tune the last stage); by default the whole backbone is frozen.

    What it does to ``model``:
        1. **New head.** Replaces the head with a fresh ``nn.Linear(in_features, num_classes)``
           (with bias, PyTorch's default initialisation) on the old head's device and with its
           dtype, registered under the same name, so ``model(x)`` now has ``num_classes`` outputs.
        2. **Frozen weights.** Every parameter outside the head and outside the ``unfrozen``
           modules gets ``requires_grad = False``, however deeply it is nested; the head's and the
           unfrozen modules' parameters have ``requires_grad = True``.
        3. **Frozen BatchNorm statistics.** Every BatchNorm layer (any subclass of
           ``nn.modules.batchnorm._BatchNorm``) outside the ``unfrozen`` modules behaves as in eval
           mode from now on, **also after a later ``model.train()``** and also when called directly
           (not through ``model(x)``, e.g. by a ``features`` method): it normalises with its running
           mean and variance and never updates them (``running_mean``, ``running_var`` and
           ``num_batches_tracked`` stay as they are). Freezing its weight and bias is not enough for
           that; how you keep it in eval mode is up to you (a forward pre-hook, an override of
           ``train``, ...). The BatchNorm modules stay in place: the same objects, the same
           ``state_dict`` keys. BatchNorm layers inside ``unfrozen`` modules train normally,
           updating their running statistics in training mode.
        Nothing else changes: the other layers' values, and the train/eval mode of ``model`` and
        of every layer other than the frozen BatchNorm layers (whatever mode the model is in).

    Returns:
        ``torch.optim.SGD(groups, momentum=0.9, weight_decay=weight_decay)`` whose groups hold
        exactly the trainable parameters:

        - with ``unfrozen`` modules: two groups, ``[{backbone params of the unfrozen modules,
          lr=backbone_lr}, {head params, lr=head_lr}]``;
        - with the whole backbone frozen: one group, ``[{head params, lr=head_lr}]``.

        Frozen parameters are never given to the optimizer: SGD steps every parameter of its groups
        that has a ``.grad``, so a stale gradient (plus momentum and weight decay) would move them.

    Raises:
        ValueError: ``head_name`` names no submodule or not an ``nn.Linear``; a name in
            ``unfrozen`` names no submodule.

    Canonical code: no library function does all of this. mmdetection's backbones
    (``frozen_stages`` with ``norm_eval=True``, e.g. ``mmdet/models/backbones/resnet.py``)
    override ``train()``: ``_freeze_stages`` puts the frozen stages wholly in eval mode and
    ``norm_eval`` puts *every* ``_BatchNorm`` in eval mode, the trained stages' too. Here only the
    frozen BN layers change mode (``test_only_frozen_bn_layers_change_mode``) and BN layers inside
    ``unfrozen`` modules keep updating their statistics (``test_unfrozen_bn_statistics_update``).
    torchvision's and detectron2's ``FrozenBatchNorm2d`` are built into a model in place of
    ``BatchNorm2d`` (weight and bias become buffers, ``num_batches_tracked`` is gone): here the
    BatchNorm modules stay as they are.
    """
    raise NotImplementedError("prepare_finetune")
