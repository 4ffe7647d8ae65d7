"""Inverted dropout with a seeded Generator, train and eval · 反向缩放 (inverted) Dropout 的训练与推理

In training, dropout zeroes each activation independently with probability ``p`` and scales the
survivors by ``1 / (1 - p)``, so that the expected output equals the input and eval mode can return
the input untouched. Write the forward pass (drawing the mask from the Generator you are given) and
the backward pass through the same mask.

Canonical code: ``torch.nn.functional.dropout(x, p, training)``: same semantics (scale at train
time, identity at eval, all zeros at ``p = 1``). It draws its mask as ``bernoulli(1 - p)``; here
the draw is pinned so that a test can replay it: keep where ``rng.random(x.shape) >= p``
(test ``test_mask_replays_the_generator``). cs231n's ``dropout_forward`` takes ``p`` as the
probability of *keeping* a unit (``mask = (rand < p) / p``); here ``p`` is the probability of
dropping one, as in torch.

Run the tests: pytest katas/nn/dropout
"""

import numpy as np

__all__ = ["dropout_forward", "dropout_backward"]


def dropout_forward(x: np.ndarray, p: float, rng: np.random.Generator, training: bool = True):
    """Inverted dropout.

    Args:
        x: float32 or float64 array of any shape (size 0 included). Not modified.
        p: the probability of **dropping** each element, a float in [0, 1].
        rng: a ``numpy.random.Generator``; the only source of randomness (never ``np.random.*``
            module functions or a Generator of your own).
        training: True (default) to drop; False for eval mode.

    Returns:
        ``(out, mask)``:
            - training: draw ``u = rng.random(x.shape)`` exactly once (one call, float64 uniforms
              in [0, 1)) and keep element ``i`` where ``u[i] >= p``. ``mask`` is that boolean
              array (shape of ``x``, dtype bool), and ``out = x * mask / (1 - p)``: kept values
              scaled by ``1 / (1 - p)``, dropped ones exactly 0. ``p = 0`` keeps everything
              (``out`` equals ``x``); ``p = 1`` drops everything: ``out`` is all zeros, with no
              NaN, no division warning.
            - eval (``training=False``): ``out`` is an array equal to ``x`` (no scaling) and
              ``mask`` is None; the generator is not used at all (its state does not advance).
        ``out`` has the shape and dtype of ``x``.

    Errors: ``ValueError`` when ``p`` is outside [0, 1] (in either mode).
    """
    raise NotImplementedError("dropout_forward")


def dropout_backward(dout: np.ndarray, mask, p: float) -> np.ndarray:
    """Gradient of ``dropout_forward`` with respect to ``x``.

    Args:
        dout: upstream gradient, the shape of ``x``.
        mask: the ``mask`` that the forward call returned (bool array), or None for a forward
            call in eval mode.
        p: the ``p`` of that forward call.

    Returns:
        ``dx = dout * mask / (1 - p)`` (zeros everywhere for ``p = 1``, without warnings), or an
        array equal to ``dout`` when ``mask`` is None. Shape and dtype of ``dout``.
    """
    raise NotImplementedError("dropout_backward")
