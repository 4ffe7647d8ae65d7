"""Gradient accumulation: a big-batch step in micro-batches · 梯度累加 (大 batch 训练)

When a batch does not fit in memory, run it through the model in smaller micro-batches, let the
gradients add up in ``.grad``, and step the optimizer once. Done right, the step is exactly the one
the big batch would have taken.

Run the tests: pytest katas/torch/grad_accumulation
"""

from collections.abc import Callable

from torch import Tensor, nn
from torch.optim import Optimizer

__all__ = ["accumulated_step"]


def accumulated_step(model: nn.Module, optimizer: Optimizer, loss_fn: Callable[[Tensor, Tensor], Tensor],
                     inputs: Tensor, targets: Tensor, micro_batch_size: int) -> float:
    """One optimizer step on the batch ``(inputs, targets)``, computed ``micro_batch_size`` samples at a time.

    Args:
        model: an ``nn.Module`` mapping a batch of inputs to outputs, sample by sample. Nothing in it
            may mix samples: with BatchNorm in training mode each micro-batch would be normalised with
            its own statistics (and the running statistics updated once per micro-batch), so no
            accumulation can reproduce the big batch; use GroupNorm/LayerNorm or frozen BN.
        optimizer: any ``torch.optim.Optimizer`` over (some of) the model's parameters, e.g. SGD with
            momentum or Adam, possibly with state from earlier steps.
        loss_fn: ``loss_fn(outputs, targets)`` returns the **mean** loss over the samples it is given
            (a 0-dim tensor), like ``nn.MSELoss()`` or ``nn.CrossEntropyLoss()`` with their default
            ``reduction="mean"``.
        inputs, targets: tensors whose first dimension is the batch, ``N >= 1`` samples, on the
            model's device. Not modified.
        micro_batch_size: int >= 1. The batch is cut along dimension 0 into consecutive micro-batches
            of this many samples; the last one holds the rest and may be smaller (``N = 10`` with
            ``micro_batch_size = 4`` gives 4, 4 and 2 samples). ``micro_batch_size >= N`` means one
            micro-batch.

    What the call does:
        1. Clears the gradients of the optimizer's parameters first: whatever ``.grad`` held before
           (from an earlier step, or from anything else) must not leak into this step.
        2. Runs ``model`` on one micro-batch at a time and back-propagates each micro-batch's loss
           **weighted by its share of the batch**, ``n_i / N``. The weighted losses add up to the mean
           loss over all N samples, so the accumulated gradient is the big-batch gradient exactly,
           even when the last micro-batch is smaller (dividing every micro-batch by their number
           would over-weight the samples of a short last one).
        3. Calls ``optimizer.step()`` exactly once.

    After the call the parameters are those one big-batch step of ``optimizer`` would give
    (``optimizer.zero_grad(); loss_fn(model(inputs), targets).backward(); optimizer.step()``), the
    optimizer's state (momentum, Adam moments, step count) advanced by one step, and each optimizer
    parameter's ``.grad`` holds the big-batch gradient that the step used. Parameters with
    ``requires_grad=False`` stay untouched. ``model``'s train/eval mode is left as it is: the caller
    chooses it; this function neither calls ``model.train()`` nor ``model.eval()``.

    Returns:
        The big-batch mean loss (before the step), a Python ``float``.

    Raises:
        ValueError: ``micro_batch_size < 1``, an empty batch, or ``len(targets) != len(inputs)``.

    Canonical code: the classic accumulation loop (``loss = loss_fn(model(x), y) / accum_steps;
    loss.backward()``, stepping every ``accum_steps`` micro-batches) and PyTorch Lightning's
    ``accumulate_grad_batches`` (its automatic optimisation divides each closure loss by that
    number) weigh every micro-batch equally. That is the same as ``n_i / N`` when the micro-batches
    are equal, and over-weights a short last one otherwise
    (``test_short_last_micro_batch_weighs_its_share``). The classic loop also calls ``zero_grad()``
    after the step; here it comes first, so ``.grad`` still holds the gradient after the call.
    """
    raise NotImplementedError("accumulated_step")
