"""Linear warm-up, then cosine decay · 学习率预热 (warmup) + 余弦退火

Start with a small learning rate, ramp it up linearly to the base rate, then let it fall along half
a cosine down to a floor. Write the schedule as a function of the step, and as a scheduler that
drives an optimizer in the usual training loop.

Run the tests: pytest katas/torch/lr_schedule
"""

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

__all__ = ["warmup_cosine_lr", "make_scheduler"]


def warmup_cosine_lr(step: int, base_lr: float, warmup_steps: int, total_steps: int,
                     warmup_start_factor: float = 0.001, min_lr: float = 0.0) -> float:
    """The learning rate used by optimizer step number ``step`` (counted from 0).

    With ``W = warmup_steps``, ``T = total_steps`` and ``f = warmup_start_factor``:

    - warm-up, ``0 <= step < W``: ``base_lr * (f + (1 - f) * step / W)``; so step 0 uses
      ``base_lr * f`` and the rate climbs by equal increments, reaching ``base_lr`` exactly at
      step ``W`` (not before, not after);
    - decay, ``W <= step <= T``: ``min_lr + (base_lr - min_lr) * (1 + cos(pi * t / (T - W))) / 2``
      with ``t = step - W`` (radians): ``base_lr`` at step ``W``, ``min_lr`` at step ``T``;
    - after the end, ``step > T``: stays at ``min_lr`` (it does not climb back up).

    ``W = 0`` means no warm-up: the cosine starts at step 0. Step by step this is exactly what
    ``SequentialLR([LinearLR(start_factor=f, total_iters=W), CosineAnnealingLR(T_max=T - W,
    eta_min=min_lr)], milestones=[W])`` gives for steps 0 to ``T``.

    Args:
        step: int >= 0.
        base_lr: the peak learning rate (float).
        warmup_steps: int, ``0 <= warmup_steps < total_steps`` (the cosine needs at least one step).
        total_steps: int, the step at which the rate reaches ``min_lr``.
        warmup_start_factor: ``0 < f <= 1``.
        min_lr: float >= 0, an absolute learning rate (like ``eta_min``), not a fraction of ``base_lr``.

    Returns:
        A Python ``float`` (checked to 1e-6 relative, 1e-7 * ``base_lr`` absolute: float32 maths is
        precise enough).

    Raises:
        ValueError: ``step < 0``, ``warmup_steps < 0``, ``warmup_steps >= total_steps``,
            ``warmup_start_factor`` outside ``(0, 1]`` or ``min_lr < 0``.

    Canonical code: ``torch.optim.lr_scheduler``. ``SequentialLR([LinearLR, CosineAnnealingLR])``
    (or ``CosineAnnealingLR`` alone for ``W = 0``), or a ``LambdaLR`` whose lambda is this formula
    divided by ``base_lr``, gives exactly these rates for steps 0 to ``T``. Where they differ:
        - after ``T`` torch's cosine is periodic and climbs back towards ``base_lr``; this kata holds
          at ``min_lr`` (test ``test_holds_at_min_lr_after_total_steps``);
        - ``LinearLR`` checks only ``start_factor`` and ``CosineAnnealingLR`` nothing, so torch
          raises none of the other errors above (``test_invalid_arguments_raise``,
          ``test_negative_step_raises``);
        - Hugging Face's ``get_cosine_schedule_with_warmup`` is the ``f -> 0``, ``min_lr = 0`` case
          (it starts at 0, which ``f > 0`` excludes here); ``OneCycleLR`` is another curve (a cosine
          warm-up from ``max_lr / div_factor``), not this one.
    """
    raise NotImplementedError("warmup_cosine_lr")


def make_scheduler(optimizer: Optimizer, warmup_steps: int, total_steps: int,
                   warmup_start_factor: float = 0.001, min_lr: float = 0.0) -> LRScheduler:
    """A scheduler that applies ``warmup_cosine_lr`` to every param group of ``optimizer``.

    Use it in the usual loop::

        scheduler = make_scheduler(optimizer, warmup_steps, total_steps)
        for step in range(total_steps):
            ...                    # forward, backward: this step uses optimizer.param_groups[g]["lr"]
            optimizer.step()
            scheduler.step()

    Behaviour:
        - Each group has its own base rate: its ``"lr"`` at the moment the scheduler is created
          (its ``"initial_lr"`` if an earlier scheduler already set one, as torch's schedulers do).
          ``min_lr`` is the same absolute floor for every group.
        - Creating the scheduler already sets every group's ``"lr"`` to its value for step 0; after
          ``k`` calls of ``scheduler.step()`` group ``g`` holds
          ``warmup_cosine_lr(k, base_g, warmup_steps, total_steps, warmup_start_factor, min_lr)``,
          and ``scheduler.get_last_lr()`` returns those values, one per group.
        - The optimizer's learning rates are the only thing modified (a scheduler's job); its
          parameters, which may live on any device, are not touched.

    Returns:
        An instance of ``torch.optim.lr_scheduler.LRScheduler`` (a ``LambdaLR`` or a subclass of
        your own).

    Raises:
        ValueError: for the same invalid arguments as ``warmup_cosine_lr``, at creation.

    Canonical code: a subclass of ``LRScheduler`` whose ``get_lr()`` returns
    ``warmup_cosine_lr(self.last_epoch, base, ...)`` for each of ``self.base_lrs``, a ``LambdaLR``,
    or torch's ``SequentialLR`` (which climbs back up after ``T``: see ``warmup_cosine_lr``).
    """
    raise NotImplementedError("make_scheduler")
