"""Train a two-layer network built from your own layers · 用你自己实现的层搭建并训练两层网络

The capstone of the nn track: a classifier ``linear -> ReLU -> linear -> softmax cross-entropy``
trained by plain full-batch SGD on a seeded three-arm spiral, using **your own** answers to
``nn/linear``, ``nn/activations`` and ``nn/cross_entropy``. The tests load those answers from the
same ``--impl`` package as this kata and hand them to you as ``layers``; if one of them is wrong,
the tests say which one and send you back to its kata. So this kata is solved only when those
three are right, too.

``layers`` has five functions, with the signatures of their katas:
``layers.linear_forward(x, w, b) -> (out, cache)``, ``layers.linear_backward(dout, cache) ->
(dx, dw, db)`` (w in torch's (D_out, D_in) layout), ``layers.relu(x)``, ``layers.relu_backward(dout,
x)`` and ``layers.softmax_cross_entropy(logits, labels) -> (loss, dlogits)`` (mean over rows).
Use them for every forward and backward step; a cache is opaque: pass it back, never read it.

Canonical code: cs231n's "neural network case study" (a 2-layer ReLU net trained on the same kind of
spiral by full-batch gradient descent) has the same loop; it initialises with ``0.01 * randn`` and
adds L2 regularisation, where this kata pins He initialisation and no regularisation (test
``test_init_replays_the_generator``), and it writes its layers inline, where this kata must call
yours (test ``test_step_uses_your_layers``).

Run the tests: pytest katas/nn/mlp_train
"""

import numpy as np

__all__ = ["init_mlp", "mlp_step", "mlp_predict", "train_mlp"]


def init_mlp(d_in: int, hidden: int, n_classes: int, rng: np.random.Generator) -> dict:
    """He-initialised parameters of a ``d_in -> hidden -> n_classes`` network.

    Returns a dict of float64 arrays: ``"w1"`` of shape (hidden, d_in) drawn first as
    ``rng.standard_normal((hidden, d_in)) * sqrt(2 / d_in)``, then ``"w2"`` of shape
    (n_classes, hidden) as ``rng.standard_normal((n_classes, hidden)) * sqrt(2 / hidden)``, and
    ``"b1"``, ``"b2"`` zeros of shapes (hidden,) and (n_classes,). No other draws.
    """
    raise NotImplementedError("init_mlp")


def mlp_step(params: dict, x: np.ndarray, y: np.ndarray, layers, lr: float):
    """One full-batch SGD step.

    Forward: ``h = linear(x, w1, b1)``, ``a = relu(h)``, ``logits = linear(a, w2, b2)``,
    ``loss, dlogits = softmax_cross_entropy(logits, y)``; backward through the same layers; then
    ``p_new = p - lr * dp`` for each of w1, b1, w2, b2.

    Args:
        params: a dict as ``init_mlp`` returns. Not modified.
        x: float64 array (N, d_in); y: integer labels (N,) in [0, n_classes).
        layers: your layers (see the module docstring).
        lr: the learning rate.

    Returns:
        ``(loss, new_params)``: the loss (a float) of ``params`` before the step, and a new dict.
    """
    raise NotImplementedError("mlp_step")


def mlp_predict(params: dict, x: np.ndarray, layers) -> np.ndarray:
    """The class of each row: ``argmax(linear(relu(linear(x, w1, b1)), w2, b2), axis=1)``.

    Returns an int64 array of shape (N,).
    """
    raise NotImplementedError("mlp_predict")


def train_mlp(x: np.ndarray, y: np.ndarray, layers, rng: np.random.Generator, hidden: int = 64,
              steps: int = 500, lr: float = 1.0):
    """Initialise with ``init_mlp(x.shape[1], hidden, int(y.max()) + 1, rng)`` and run ``steps`` SGD steps.

    Returns ``(params, losses)``: the trained parameters and the ``steps`` losses that ``mlp_step``
    returned, in order (a list or 1-D array). With the defaults, on the tests' seeded spiral (3 arms
    of 100 points), the training accuracy reaches at least 95% in the 500 steps (about half a
    second of CPU time here).
    """
    raise NotImplementedError("train_mlp")
