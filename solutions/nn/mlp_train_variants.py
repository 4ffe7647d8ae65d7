"""Known-wrong answers to nn/mlp_train and one in the style of cs231n's case study; `nox -s verify`
proves the tests catch every wrong one and that the case-study-style one is solved."""

import numpy as np

from solutions.nn import mlp_train as ref


def _step(*, sign=-1.0, biases=True, in_place=False):
    def mlp_step(params, x, y, layers, lr):
        logits, (h, c1, c2) = ref._logits(params, x, layers)
        loss, dz = layers.softmax_cross_entropy(logits, y)
        da, dw2, db2 = layers.linear_backward(dz, c2)
        _, dw1, db1 = layers.linear_backward(layers.relu_backward(da, h), c1)
        grads = {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
        keys = [k for k in params if biases or k.startswith("w")]
        if in_place:
            for k in keys:
                params[k] -= lr * grads[k]
            return float(loss), params
        return float(loss), {k: (params[k] + sign * lr * grads[k] if k in keys else params[k]) for k in params}

    return mlp_step


def step_inline(params, x, y, layers, lr):
    """Ignores `layers`: its own numpy network."""
    h = x @ params["w1"].T + params["b1"]
    a = np.maximum(h, 0)
    z = a @ params["w2"].T + params["b2"]
    z = z - z.max(1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y]).mean()
    dz = p.copy()
    dz[np.arange(n), y] -= 1
    dz /= n
    dh = (dz @ params["w2"]) * (h > 0)
    grads = {"w1": dh.T @ x, "b1": dh.sum(0), "w2": dz.T @ a, "b2": dz.sum(0)}
    return float(loss), {k: params[k] - lr * grads[k] for k in params}


def step_reading_cache(params, x, y, layers, lr):
    h, c1 = layers.linear_forward(x, params["w1"], params["b1"])
    a = layers.relu(h)
    z, c2 = layers.linear_forward(a, params["w2"], params["b2"])
    loss, dz = layers.softmax_cross_entropy(z, y)
    da, dw2, db2 = layers.linear_backward(dz, c2)
    dh = layers.relu_backward(da, h)
    dw1 = dh.T @ c1[0]  # the reference's cache layout: (x, w, b)
    db1 = dh.sum(0)
    grads = {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}
    return float(loss), {k: params[k] - lr * grads[k] for k in params}


def predict_without_relu(params, x, layers):
    h, _ = layers.linear_forward(x, params["w1"], params["b1"])
    z, _ = layers.linear_forward(h, params["w2"], params["b2"])
    return np.argmax(z, axis=1).astype(np.int64)


def init_w2_first(d_in, hidden, n_classes, rng):
    w2 = rng.standard_normal((n_classes, hidden)) * np.sqrt(2.0 / hidden)
    w1 = rng.standard_normal((hidden, d_in)) * np.sqrt(2.0 / d_in)
    return {"w1": w1, "b1": np.zeros(hidden), "w2": w2, "b2": np.zeros(n_classes)}


def _train_with(step, init=ref.init_mlp):
    def train_mlp(x, y, layers, rng, hidden=64, steps=500, lr=1.0):
        params = init(x.shape[1], hidden, int(y.max()) + 1, rng)
        losses = []
        for _ in range(steps):
            loss, params = step({k: v.copy() for k, v in params.items()}, x, y, layers, lr)
            losses.append(loss)
        return params, losses

    return train_mlp


# In the style of cs231n's "neural network case study": one loop, scores -> probs -> dscores ->
# backprop into the hidden layer -> parameter update, here each stage through the given layers.

def train_case_study(x, y, layers, rng, hidden=64, steps=500, lr=1.0):
    D, K = x.shape[1], int(y.max()) + 1
    p = ref.init_mlp(D, hidden, K, rng)
    W, b, W2, b2 = p["w1"], p["b1"], p["w2"], p["b2"]
    losses = []
    for _ in range(steps):
        pre, cache1 = layers.linear_forward(x, W, b)
        hidden_layer = layers.relu(pre)
        scores, cache2 = layers.linear_forward(hidden_layer, W2, b2)
        data_loss, dscores = layers.softmax_cross_entropy(scores, y)
        losses.append(float(data_loss))
        dhidden, dW2, db2 = layers.linear_backward(dscores, cache2)
        dhidden = layers.relu_backward(dhidden, pre)
        _, dW, db = layers.linear_backward(dhidden, cache1)
        W, b, W2, b2 = W - lr * dW, b - lr * db, W2 - lr * dW2, b2 - lr * db2
    return {"w1": W, "b1": b, "w2": W2, "b2": b2}, losses


WRONG = {
    "ignores_your_layers": {"mlp_step": step_inline, "train_mlp": _train_with(step_inline)},
    "reads_the_cache": {"mlp_step": step_reading_cache, "train_mlp": _train_with(step_reading_cache)},
    "gradient_ascent": {"mlp_step": _step(sign=1.0), "train_mlp": _train_with(_step(sign=1.0))},
    "biases_not_updated": {"mlp_step": _step(biases=False), "train_mlp": _train_with(_step(biases=False))},
    "updates_in_place": {"mlp_step": _step(in_place=True)},
    "predict_without_relu": {"mlp_predict": predict_without_relu},
    "w2_drawn_first": {"init_mlp": init_w2_first, "train_mlp": _train_with(ref.mlp_step, init_w2_first)},
}
CANONICAL = {"cs231n_case_study": {"train_mlp": train_case_study}}
SLOW = {}
