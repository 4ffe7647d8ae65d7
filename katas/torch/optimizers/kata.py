"""Optimisers as functional steps: SGD, Adam, AdamW, AdaGrad, RMSProp · 优化器的函数式实现

``torch.optim`` hides each algorithm behind ``optimizer.step()`` and a per-parameter ``state``
dict. Write the steps as pure functions instead: one parameter tensor, its gradient and its state
in, the new parameter and the new state out, so that the state is explicit and a checkpoint that
saved it resumes training exactly. The details interviewers probe: momentum and Nesterov in
torch's form, Adam's bias correction, L2 weight decay (added to the gradient) against AdamW's
decoupled decay, and where the epsilon goes.

Run the tests: pytest katas/torch/optimizers
"""

import torch

__all__ = ["sgd", "adam", "adamw", "adagrad", "rmsprop"]

State = dict  # str -> torch.Tensor, or a number for "step"


def sgd(param: torch.Tensor, grad: torch.Tensor, state: State, *, lr: float = 1e-3, momentum: float = 0.0,
        dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False) -> tuple[torch.Tensor, State]:
    """One step of SGD, as ``torch.optim.SGD``. Returns ``(new_param, new_state)``.

    Every function of this kata works the same way:
        param, grad: float tensors of one shape (any, size 0 included), on one device, one dtype.
        state: the parameter's optimiser state, ``{}`` before the first step, then what the
            previous step returned, or the same entries restored from a checkpoint (including one
            of ``torch.optim``: its per-parameter ``optimizer.state_dict()["state"][i]``, whose
            ``"step"`` is a 0-dim float tensor; accept a Python number or a 0-dim tensor).
        Returns a **new** parameter tensor and a **new** state dict; ``param``, ``grad`` and
        ``state`` (and the tensors in it) are not modified. The new tensors have ``param``'s
        device and dtype; the new ``"step"``, where there is one, is a Python int. The state holds
        only tensors and numbers, so ``torch.save`` / ``torch.load`` of it resumes exactly.
        Hyperparameters are keyword-only, with ``torch.optim``'s defaults.

    SGD, with ``g = grad + weight_decay * param``::

        buf = g                                   first step (state has no "momentum_buffer")
        buf = momentum * buf + (1 - dampening) * g     later steps
        d   = g + momentum * buf    if nesterov,   else  buf
        new_param = param - lr * d

    With ``momentum == 0`` there is no buffer: ``d = g`` and the state stays ``{}``. The buffer
    (state key ``"momentum_buffer"``) holds gradients, not ``lr``-scaled steps, so a learning rate
    that changes between steps scales only the current step.

    Raises ValueError when ``nesterov`` is True with ``momentum <= 0`` or ``dampening != 0``.
    """
    raise NotImplementedError("sgd")


def adam(param: torch.Tensor, grad: torch.Tensor, state: State, *, lr: float = 1e-3,
         betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
         weight_decay: float = 0.0) -> tuple[torch.Tensor, State]:
    """One step of Adam, as ``torch.optim.Adam`` (amsgrad off). State keys ``"step"``,
    ``"exp_avg"``, ``"exp_avg_sq"`` (zeros before the first step)::

        t = step + 1                              (the first step has t = 1)
        g = grad + weight_decay * param           (L2: the decay goes through the moments)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        new_param = param - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    ``eps`` is added after the square root, to the bias-corrected ``sqrt(v_hat)``.
    """
    raise NotImplementedError("adam")


def adamw(param: torch.Tensor, grad: torch.Tensor, state: State, *, lr: float = 1e-3,
          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
          weight_decay: float = 1e-2) -> tuple[torch.Tensor, State]:
    """One step of AdamW, as ``torch.optim.AdamW``: Adam on the raw gradient (``g = grad``), with
    the weight decay **decoupled**: first ``param * (1 - lr * weight_decay)``, then the Adam step
    from it. The same state keys as ``adam``; note the default ``weight_decay = 1e-2``.
    """
    raise NotImplementedError("adamw")


def adagrad(param: torch.Tensor, grad: torch.Tensor, state: State, *, lr: float = 1e-2, eps: float = 1e-10,
            weight_decay: float = 0.0) -> tuple[torch.Tensor, State]:
    """One step of AdaGrad, as ``torch.optim.Adagrad`` (no lr_decay, initial accumulator 0).
    State keys ``"step"`` and ``"sum"`` (zeros before the first step)::

        g = grad + weight_decay * param
        sum = sum + g^2
        new_param = param - lr * g / (sqrt(sum) + eps)
    """
    raise NotImplementedError("adagrad")


def rmsprop(param: torch.Tensor, grad: torch.Tensor, state: State, *, lr: float = 1e-2, alpha: float = 0.99,
            eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0) -> tuple[torch.Tensor, State]:
    """One step of RMSProp, as ``torch.optim.RMSprop`` (not centered). State keys ``"step"``,
    ``"square_avg"`` (zeros before the first step) and, when ``momentum > 0``,
    ``"momentum_buffer"`` (zeros before the first step)::

        g = grad + weight_decay * param
        square_avg = alpha * square_avg + (1 - alpha) * g^2
        u = g / (sqrt(square_avg) + eps)
        buf = momentum * buf + u;   new_param = param - lr * buf      momentum > 0
        new_param = param - lr * u                                    momentum == 0

    Canonical code: ``torch.optim``'s ``_single_tensor_sgd`` / ``_adam`` / ``_adagrad`` /
    ``_rmsprop`` (the loops behind ``optimizer.step()`` with ``foreach=False``; ``AdamW`` is
    ``Adam`` with ``decoupled_weight_decay=True``): the same formulas, here on copies instead of in
    place. Keras / TensorFlow differ: Adam adds ``eps`` to the uncorrected ``sqrt(v)`` and RMSProp
    takes ``sqrt(square_avg + eps)`` (``test_eps_is_added_after_the_sqrt``); SGD momentum keeps a
    velocity ``v = momentum * v - lr * g``, the learning rate inside the buffer, a state that
    torch's (and this kata's) ``"momentum_buffer"`` is not (``test_restores_a_torch_optim_state``). Other
    write-ups start the momentum buffer at zero, so that the first step is damped too, where torch
    starts it at the gradient (``test_first_momentum_buffer_is_the_gradient``).
    """
    raise NotImplementedError("rmsprop")
