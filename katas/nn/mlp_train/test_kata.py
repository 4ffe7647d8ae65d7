"""Tests for nn/mlp_train. Run: pytest katas/nn/mlp_train

This kata is built on your own nn/linear, nn/activations and nn/cross_entropy: the `impl_of`
fixture loads them from the same --impl package as this kata. Every test first checks those layers
against numpy on a small case, so a wrong layer is reported as that layer's fault (with the kata
to go back to), not as a training failure. Oracles: a numpy forward/backward written here for one
SGD step, and the accuracy on a seeded spiral. The initialiser's exact draws are a convention test."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, fail
from cvkatas.data import SeededRng

LAYERS = {"nn/linear": ("linear_forward", "linear_backward"), "nn/activations": ("relu", "relu_backward"),
          "nn/cross_entropy": ("softmax_cross_entropy",)}


class Layers:
    """Your layers, looked up when called (so a missing one fails the test that uses it)."""

    def __init__(self, impl_of):
        for kata_id, names in LAYERS.items():
            module = impl_of(kata_id)
            for name in names:
                setattr(self, name, self._lazy(module, name))

    @staticmethod
    def _lazy(module, name):
        def fn(*args, **kwargs):
            return getattr(module, name)(*args, **kwargs)

        fn.__name__ = name
        return fn

    def __repr__(self):
        return "<your layers: nn/linear, nn/activations (relu), nn/cross_entropy>"


class Counting:
    """Wraps layers to count calls and to hand out opaque caches (a cache is the layer's business)."""

    class Opaque:
        def __init__(self, inner):
            self.inner = inner

        def __repr__(self):
            return "<cache>"

    def __init__(self, layers):
        self.layers = layers
        self.calls = {n: 0 for names in LAYERS.values() for n in names}

    def _count(self, name):
        self.calls[name] += 1

    def linear_forward(self, x, w, b=None):
        self._count("linear_forward")
        out, cache = self.layers.linear_forward(x, w, b)
        return out, Counting.Opaque(cache)

    def linear_backward(self, dout, cache):
        self._count("linear_backward")
        if not isinstance(cache, Counting.Opaque):
            raise AssertionError("linear_backward got a cache that linear_forward did not return")
        return self.layers.linear_backward(dout, cache.inner)

    def relu(self, x):
        self._count("relu")
        return self.layers.relu(x)

    def relu_backward(self, dout, x):
        self._count("relu_backward")
        return self.layers.relu_backward(dout, x)

    def softmax_cross_entropy(self, logits, labels):
        self._count("softmax_cross_entropy")
        return self.layers.softmax_cross_entropy(logits, labels)

    def __repr__(self):
        return "<your layers, counted>"


def _layer_fails(kata_id, name, what, got, expected):
    run = f"pytest katas/{kata_id}"
    fail(f"your {kata_id} {name} is wrong ({what}), so this network cannot train: fix it first ({run})",
         got=repr(got) if not isinstance(got, np.ndarray) else str(np.round(got, 6).tolist()),
         expected=str(np.round(np.asarray(expected, np.float64), 6).tolist()),
         why=f"mlp_train is built from your own layers; {run} says what is wrong with it")


def _check(kata_id, name, what, got, expected):
    try:
        ok = np.shape(got) == np.shape(expected) and np.allclose(np.asarray(got, np.float64), expected, 1e-6, 1e-8)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        _layer_fails(kata_id, name, what, got, expected)


def checked(layers):
    """Your layers, after a check of each against numpy on a small float64 case."""
    rng = np.random.default_rng(0)
    x, w, b, dout = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2), rng.normal(size=(3, 2))
    out, cache = layers.linear_forward(x, w, b)
    _check("nn/linear", "linear_forward", "out = x @ w.T + b", out, x @ w.T + b)
    dx, dw, db = layers.linear_backward(dout, cache)
    _check("nn/linear", "linear_backward", "dx = dout @ w", dx, dout @ w)
    _check("nn/linear", "linear_backward", "dw = dout.T @ x", dw, dout.T @ x)
    _check("nn/linear", "linear_backward", "db = dout.sum(0)", db, dout.sum(0))
    h = np.array([[-1.5, 0.5], [2.0, -0.25]])
    _check("nn/activations", "relu", "max(x, 0)", layers.relu(h), np.maximum(h, 0))
    _check("nn/activations", "relu_backward", "dout * (x > 0)", layers.relu_backward(np.ones((2, 2)) * 3, h),
           3.0 * (h > 0))
    logits, labels = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    loss, dlogits = layers.softmax_cross_entropy(logits, labels)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    onehot = np.eye(3)[labels]
    _check("nn/cross_entropy", "softmax_cross_entropy", "the mean loss", loss,
           -np.log(p[np.arange(4), labels]).mean())
    _check("nn/cross_entropy", "softmax_cross_entropy", "dlogits = (softmax - onehot) / N", dlogits, (p - onehot) / 4)
    return layers


@pytest.fixture
def layers(impl_of):
    return Layers(impl_of)


def spiral(n, k, seed):
    """cs231n's spiral: k arms of n points in 2-D, radius 0..1, angle noise 0.2."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for j in range(k):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, n) + rng.normal(size=n) * 0.2
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(n, j))
    return np.concatenate(xs), np.concatenate(ys)


def oracle_step(params, x, y, lr):
    """One SGD step in numpy, float64: the network and its gradients written out."""
    h = x @ params["w1"].T + params["b1"]
    a = np.maximum(h, 0)
    z = a @ params["w2"].T + params["b2"]
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y]).mean()
    dz = (p - np.eye(z.shape[1])[y]) / n
    da = dz @ params["w2"]
    dh = da * (h > 0)
    grads = {"w2": dz.T @ a, "b2": dz.sum(0), "w1": dh.T @ x, "b1": dh.sum(0)}
    return loss, {k: params[k] - lr * grads[k] for k in params}


def small_params(seed=3, d=3, hidden=4, k=3):
    rng = np.random.default_rng(seed)
    return {"w1": rng.normal(size=(hidden, d)), "b1": rng.normal(size=hidden) * 0.1,
            "w2": rng.normal(size=(k, hidden)), "b2": rng.normal(size=k) * 0.1}


# 0. Your layers.

def test_your_layers_are_right(impl, layers):  # impl: so that verify runs it for each answer
    checked(layers)  # fails with the name of the first wrong layer and the kata to go back to


# 1. Initialisation.

def test_init_shapes_and_scale(impl):
    call = Call(impl.init_mlp, 50, 400, 10, SeededRng(0))
    params = call.out
    if not isinstance(params, dict) or set(params) != {"w1", "b1", "w2", "b2"}:
        fail("init_mlp must return a dict with keys w1, b1, w2, b2", call=call, got=repr(params)[:200])
    for key, shape in (("w1", (400, 50)), ("b1", (400,)), ("w2", (10, 400)), ("b2", (10,))):
        assert_array(params[key], dtype=np.float64, shape=shape, call=call, what=key)
    assert_close(params["b1"], np.zeros(400), atol=0, call=call, what="b1", why="biases start at zero")
    assert_close(params["b2"], np.zeros(10), atol=0, call=call, what="b2", why="biases start at zero")
    for key, std in (("w1", np.sqrt(2 / 50)), ("w2", np.sqrt(2 / 400))):
        got = np.std(params[key])
        if abs(got - std) > 0.05 * std or abs(np.mean(params[key])) > 0.05 * std:
            fail(f"{key}: mean {np.mean(params[key]):.4f}, std {got:.4f}; expected mean 0, "
                 f"std sqrt(2 / fan_in) = {std:.4f}", call=call,
                 why="He initialisation: standard normal times sqrt(2 / fan_in)")


# 2. One SGD step against numpy.

def test_step_matches_numpy(impl, layers):
    checked(layers)
    params = small_params()
    x, y = np.random.default_rng(4).normal(size=(5, 3)), np.array([0, 1, 2, 1, 0])
    call = Call(impl.mlp_step, params, x, y, layers, 0.1)  # Call also checks that params is left unchanged
    if not (isinstance(call.out, tuple) and len(call.out) == 2 and isinstance(call.out[1], dict)):
        fail("mlp_step must return (loss, new_params)", call=call, got=repr(call.out)[:200])
    loss, new = call.out
    if not isinstance(loss, float):
        fail("loss must be a float", call=call, got=repr(loss))
    exp_loss, exp_new = oracle_step(params, x, y, 0.1)
    assert_close(loss, exp_loss, call=call, what="loss", why="the loss of params before the step")
    for key in ("w1", "b1", "w2", "b2"):
        assert_close(new.get(key), exp_new[key], call=call, what=f"new {key}",
                     why="p - lr * dL/dp, with the gradient backpropagated through linear, ReLU and linear")


def test_step_uses_your_layers(impl, layers):
    counted = Counting(checked(layers))
    params = small_params()
    x, y = np.random.default_rng(5).normal(size=(6, 3)), np.array([2, 1, 0, 0, 1, 2])
    call = Call(impl.mlp_step, params, x, y, counted, 0.5)
    want = {"linear_forward": 2, "linear_backward": 2, "relu": 1, "relu_backward": 1, "softmax_cross_entropy": 1}
    if counted.calls != want:
        fail("mlp_step must do its forward and backward with the layers it is given", call=call,
             got=str(counted.calls), expected=str(want),
             why="the network is built from YOUR nn/linear, nn/activations and nn/cross_entropy, not from "
                 "code of its own (or torch); caches are opaque: pass them back to linear_backward")
    assert_close(call.out[1]["w1"], oracle_step(params, x, y, 0.5)[1]["w1"], call=call, what="new w1")


# 3. Prediction.

def test_predict_by_hand(impl, layers):
    params = {"w1": np.eye(2), "b1": np.zeros(2), "w2": np.eye(2), "b2": np.array([0.5, 0.0])}
    x = np.array([[-5.0, -1.0], [3.0, 1.0], [0.2, 2.0]])
    call = Call(impl.mlp_predict, params, x, checked(layers))
    # relu(x) = [0, 0], [3, 1], [0.2, 2]; logits = relu + [0.5, 0] -> [0.5, 0], [3.5, 1], [0.7, 2]
    assert_array(call.out, dtype=np.int64, shape=(3,), call=call, what="predictions")
    assert_equal(call.out, np.array([0, 0, 1]), call=call, what="predictions",
                 why="argmax of linear(relu(linear(x))): the ReLU zeroes row 0's hidden units")


# 4. Training.

def test_trains_to_95_percent_on_the_spiral(impl, layers):
    counted = Counting(checked(layers))
    x, y = spiral(100, 3, seed=0)
    call = Call(impl.train_mlp, x, y, counted, SeededRng(1))  # defaults: hidden 64, 500 steps, lr 1.0
    if not (isinstance(call.out, tuple) and len(call.out) == 2):
        fail("train_mlp must return (params, losses)", call=call, got=repr(call.out)[:200])
    params, losses = call.out
    if len(losses) != 500 or counted.calls["softmax_cross_entropy"] != 500:
        fail(f"{len(losses)} losses and {counted.calls['softmax_cross_entropy']} loss evaluations; expected 500",
             call=call, why="steps defaults to 500: one mlp_step, one loss, per step")
    acc = float(np.mean(impl.mlp_predict(params, x, layers) == y))
    if acc < 0.95:
        fail(f"training accuracy {acc:.3f} after 500 steps, expected at least 0.95", call=call,
             got=f"losses {losses[0]:.3f} at step 0, {losses[-1]:.3f} at the end",
             why="He init, full-batch SGD with lr 1.0 on the 300-point spiral reaches ~98%; check the update sign "
                 "and that every parameter (biases too) is updated")


def test_train_takes_its_arguments(impl, layers):
    x, y = spiral(20, 2, seed=1)
    counted = Counting(checked(layers))
    call = Call(impl.train_mlp, x, y, counted, SeededRng(2), hidden=8, steps=7, lr=0.3)
    params, losses = call.out
    assert_array(params["w1"], shape=(8, 2), call=call, what="w1")
    assert_array(params["w2"], shape=(2, 8), call=call, what="w2 (two classes: y.max() + 1)")
    expected = impl.init_mlp(2, 8, 2, SeededRng(2))  # your own initialiser, replayed
    exp_losses = []
    for _ in range(7):
        loss, expected = oracle_step(expected, x, y, 0.3)
        exp_losses.append(loss)
    assert_close(np.asarray(losses, np.float64), exp_losses, call=call, what="losses",
                 why="init_mlp(2, 8, 2, rng) with the rng given, then 7 steps of mlp_step with lr 0.3")
    assert_close(params["w2"], expected["w2"], call=call, what="trained w2")


def _replay_init(d_in, hidden, k, seed):
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((hidden, d_in)) * np.sqrt(2 / d_in)
    w2 = rng.standard_normal((k, hidden)) * np.sqrt(2 / hidden)
    return {"w1": w1, "b1": np.zeros(hidden), "w2": w2, "b2": np.zeros(k)}


# Conventions.

@pytest.mark.convention("init: w1 then w2 from rng.standard_normal, He scale")
def test_init_replays_the_generator(impl):
    rng = SeededRng(7)
    call = Call(impl.init_mlp, 3, 4, 2, rng)
    expected = _replay_init(3, 4, 2, 7)
    replay = np.random.default_rng(7)
    replay.standard_normal((4, 3)), replay.standard_normal((2, 4))
    assert_equal(rng.random(), replay.random(), call=call, what="the generator's next number after init_mlp",
                 why="init_mlp draws w1 and w2 and nothing else")
    for key in ("w1", "w2"):
        assert_close(call.out[key], expected[key], rtol=1e-12, atol=0, call=call, what=key,
                     why="w1 = rng.standard_normal((hidden, d_in)) * sqrt(2 / d_in) first, then "
                         "w2 = rng.standard_normal((n_classes, hidden)) * sqrt(2 / hidden)")
