"""A two-layer ReLU classifier trained by full-batch SGD, built only from the layers it is given."""

import numpy as np


def init_mlp(d_in: int, hidden: int, n_classes: int, rng: np.random.Generator) -> dict:
    w1 = rng.standard_normal((hidden, d_in)) * np.sqrt(2.0 / d_in)  # He: keeps ReLU activations' scale
    w2 = rng.standard_normal((n_classes, hidden)) * np.sqrt(2.0 / hidden)
    return {"w1": w1, "b1": np.zeros(hidden), "w2": w2, "b2": np.zeros(n_classes)}


def _logits(params, x, layers):
    h, cache1 = layers.linear_forward(x, params["w1"], params["b1"])
    a = layers.relu(h)
    logits, cache2 = layers.linear_forward(a, params["w2"], params["b2"])
    return logits, (h, cache1, cache2)


def mlp_step(params: dict, x: np.ndarray, y: np.ndarray, layers, lr: float):
    logits, (h, cache1, cache2) = _logits(params, x, layers)
    loss, dlogits = layers.softmax_cross_entropy(logits, y)
    da, dw2, db2 = layers.linear_backward(dlogits, cache2)
    dh = layers.relu_backward(da, h)
    _, dw1, db1 = layers.linear_backward(dh, cache1)
    grads = {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
    return float(loss), {k: params[k] - lr * grads[k] for k in params}  # new arrays: params untouched


def mlp_predict(params: dict, x: np.ndarray, layers) -> np.ndarray:
    return np.argmax(_logits(params, x, layers)[0], axis=1).astype(np.int64)


def train_mlp(x: np.ndarray, y: np.ndarray, layers, rng: np.random.Generator, hidden: int = 64,
              steps: int = 500, lr: float = 1.0):
    params = init_mlp(x.shape[1], hidden, int(y.max()) + 1, rng)
    losses = []
    for _ in range(steps):
        loss, params = mlp_step(params, x, y, layers, lr)
        losses.append(loss)
    return params, losses
