"""Tests for nn/lstm_cell. Run: pytest katas/nn/lstm_cell

The oracle is the definition below in float64; torch.nn.LSTMCell and torch.nn.LSTM with the same
weights copied in are compared in one test each. Correctness tests read h_n and c_n of either
shape (N, H) or torch's (1, N, H); the shape has its own convention test, as has the dtype."""

import numpy as np
import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail, quiet_call, show


def sigmoid(z):
    z = np.asarray(z, np.float64)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def cell_oracle(x, h, c, w_ih, w_hh, b_ih, b_hh):
    x, h, c, w_ih, w_hh = (np.asarray(a, np.float64) for a in (x, h, c, w_ih, w_hh))
    H = h.shape[1]
    z = x @ w_ih.T + h @ w_hh.T
    for b in (b_ih, b_hh):
        if b is not None:
            z = z + np.asarray(b, np.float64)
    i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), np.tanh(z[:, 2 * H:3 * H]), sigmoid(z[:, 3 * H:])
    c = f * c + i * g
    return o * np.tanh(c), c


def seq_oracle(x, w_ih, w_hh, b_ih, b_hh, h0=None, c0=None):
    T, N, _ = x.shape
    H = w_hh.shape[1]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    out = np.zeros((T, N, H))
    for t in range(T):
        h, c = cell_oracle(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        out[t] = h
    return out, np.asarray(h, np.float64), np.asarray(c, np.float64)


def params(I, H, rng, dtype=np.float64, bias=True):
    s = 1 / np.sqrt(H)
    ws = [rng.uniform(-s, s, size=shape).astype(dtype) for shape in ((4 * H, I), (4 * H, H))]
    bs = [rng.uniform(-s, s, size=4 * H).astype(dtype) if bias else None for _ in range(2)]
    return ws + bs


def read_sequence(call, N, H):
    """(output, h_n, c_n) from lstm's answer; h_n and c_n may be (N, H) or (1, N, H) here."""
    output, states = assert_returns(call, "output", "(h_n, c_n)")
    if not (isinstance(states, tuple) and len(states) == 2):
        fail("lstm must return (output, (h_n, c_n))", call=call, got=show(call.out))
    got = []
    for name, s in zip(("h_n", "c_n"), states):
        s = np.asarray(s)
        if s.size != N * H:
            fail(f"{name}: shape {s.shape}, expected (N, H) = {(N, H)}", call=call, got=show(s))
        got.append(s.reshape(N, H))
    return output, *got


def check_cell(impl, *args, **kw):
    call = Call(impl.lstm_cell, *args)
    h_new, c_new = assert_returns(call, "h_new", "c_new")
    want_h, want_c = cell_oracle(*args)
    assert_close(c_new, want_c, call=call, what="c_new", **kw)
    assert_close(h_new, want_h, call=call, what="h_new", **kw)
    return call


# 1. By hand.

def test_cell_by_hand_input_gate_open(impl):
    # Zero weights: the gates are the biases. i = sigmoid(100) = 1, f = sigmoid(-100) = 0,
    # g = tanh(atanh(0.5)) = 0.5, o = sigmoid(100) = 1.
    z = np.array([100.0, -100.0, np.arctanh(0.5), 100.0])
    call = Call(impl.lstm_cell, np.ones((1, 1)), np.ones((1, 1)), np.array([[2.0]]), np.zeros((4, 1)),
                np.zeros((4, 1)), z, None)
    h_new, c_new = assert_returns(call, "h_new", "c_new")
    assert_close(c_new, [[0.5]], call=call, what="c_new",
                 why="gates in the order i, f, g, o: c_new = f * c + i * g = 0 * 2 + 1 * 0.5")
    assert_close(h_new, [[np.tanh(0.5)]], call=call, what="h_new", why="h_new = o * tanh(c_new) = tanh(0.5)")


def test_cell_by_hand_forget_gate_keeps_memory(impl):
    # The forget gate's bias comes from b_hh only, the others from b_ih: both biases count.
    b_ih = np.array([-100.0, 0.0, 0.0, 100.0]).repeat(2)
    b_hh = np.array([0.0, 100.0, 0.0, 0.0]).repeat(2)
    c = np.array([[2.0, -1.0]])
    call = Call(impl.lstm_cell, np.zeros((1, 3)), np.zeros((1, 2)), c, np.zeros((8, 3)), np.zeros((8, 2)), b_ih, b_hh)
    h_new, c_new = assert_returns(call, "h_new", "c_new")
    assert_close(c_new, c, call=call, what="c_new",
                 why="i = sigmoid(-100) = 0 and f = sigmoid(0 + 100) = 1 (b_ih + b_hh): the memory is kept")
    assert_close(h_new, np.tanh(c), call=call, what="h_new", why="o = 1, so h_new = tanh(c)")


# 2. Against the definition and torch, seeded.

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cell_matches_definition(impl, dtype):
    rng = np.random.default_rng(0)
    for N, I, H, bias in [(1, 1, 1, True), (0, 3, 2, True), (4, 5, 3, True), (2, 3, 7, False), (3, 2, 2, True)]:
        x, h, c = (rng.normal(size=s).astype(dtype) for s in ((N, I), (N, H), (N, H)))
        check_cell(impl, x, h, c, *params(I, H, rng, dtype, bias))


def test_cell_matches_torch_lstmcell(impl):
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(3, 4).double()
    rng = np.random.default_rng(1)
    x, h, c = rng.normal(size=(5, 3)), rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    with torch.no_grad():
        want_h, want_c = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    weights = [p.detach().numpy().copy() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
    call = Call(impl.lstm_cell, x, h, c, *weights)
    h_new, c_new = assert_returns(call, "h_new", "c_new")
    assert_close(c_new, want_c, call=call, what="c_new (torch.nn.LSTMCell with the same weights)")
    assert_close(h_new, want_h, call=call, what="h_new (torch.nn.LSTMCell with the same weights)")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lstm_matches_definition(impl, dtype):
    rng = np.random.default_rng(2)
    for T, N, I, H in [(1, 1, 1, 1), (4, 3, 2, 5), (6, 2, 4, 3), (0, 2, 3, 2), (3, 0, 2, 2)]:
        x = rng.normal(size=(T, N, I)).astype(dtype)
        w = params(I, H, rng, dtype)
        h0, c0 = (rng.normal(size=(N, H)).astype(dtype) for _ in range(2))
        for kw in ({}, {"h0": h0, "c0": c0}):
            call = Call(impl.lstm, x, *w, **kw)
            output, h_n, c_n = read_sequence(call, N, H)
            want, want_h, want_c = seq_oracle(x, *w, **kw)
            assert_close(output, want, call=call, what="output (T, N, H)",
                         why="output[t] is h after step t; each step starts from the previous (h, c)")
            assert_close(h_n, want_h, call=call, what="h_n", why="the hidden state after the last step (h0 if T = 0)")
            assert_close(c_n, want_c, call=call, what="c_n", why="the cell state after the last step (c0 if T = 0)")


def test_lstm_matches_torch_nn_lstm(impl):
    torch.manual_seed(1)
    net = torch.nn.LSTM(3, 4).double()
    rng = np.random.default_rng(3)
    x, h0, c0 = rng.normal(size=(5, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    weights = [p.detach().numpy().copy() for p in (net.weight_ih_l0, net.weight_hh_l0, net.bias_ih_l0, net.bias_hh_l0)]
    with torch.no_grad():
        runs = [(net(torch.from_numpy(x)), {}),
                (net(torch.from_numpy(x), (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None])),
                 {"h0": h0, "c0": c0})]
    for (want, (want_h, want_c)), kw in runs:
        call = Call(impl.lstm, x, *weights, **kw)
        output, h_n, c_n = read_sequence(call, 2, 4)
        assert_close(output, want, call=call, what="output (torch.nn.LSTM with the same weights)")
        assert_close(h_n, want_h[0], call=call, what="h_n (torch.nn.LSTM)")
        assert_close(c_n, want_c[0], call=call, what="c_n (torch.nn.LSTM)")


# 3. Edge cases.

def test_saturated_gates_stay_exact_without_warnings(impl):
    rng = np.random.default_rng(4)
    for dtype in (np.float32, np.float64):
        x = np.array([[1.0, -1.0], [-1.0, 1.0]], dtype)
        w_ih = (rng.choice([-1.0, 1.0], size=(8, 2)) * 5e3).astype(dtype)  # pre-activations of +-1e4 or 0
        args = (x, rng.normal(size=(2, 2)).astype(dtype), rng.normal(size=(2, 2)).astype(dtype), w_ih,
                np.zeros((8, 2), dtype), None, None)
        why = ("sigmoid(-1e4) as 1 / (1 + exp(1e4)) overflows: use a stable form (0.5 * (1 + tanh(z / 2)), "
               "or exp(z) / (1 + exp(z)) for z < 0)")
        call = quiet_call(impl.lstm_cell, *args, why=why)
        want_h, want_c = cell_oracle(*args)
        assert_close(call.out[1], want_c, call=call, what="c_new with saturated gates")
        assert_close(call.out[0], want_h, call=call, what="h_new with saturated gates")


# 4. Properties.

def test_sequence_can_be_resumed_from_its_states(impl):
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(6, 3, 2)), params(2, 4, rng)
    full = Call(impl.lstm, x, *w)
    out_full, h_full, c_full = read_sequence(full, 3, 4)
    first = Call(impl.lstm, x[:2], *w)
    _, h2, c2 = read_sequence(first, 3, 4)
    rest = Call(impl.lstm, x[2:], *w, h0=h2, c0=c2)
    out_rest, h_rest, _ = read_sequence(rest, 3, 4)
    assert_close(out_rest, np.asarray(out_full)[2:], call=rest, what="output of the second half",
                 why="running steps 2..5 from the (h, c) after step 1 must continue the same sequence")
    assert_close(h_rest, h_full, call=rest, what="h_n of the second half")
    if np.ptp(np.asarray(out_full), axis=0).min() < 1e-3:
        fail("the output does not change over time", call=full, got=show(out_full),
             why="each step sees a different input and the previous state")


# Conventions and bad input.

@pytest.mark.convention("final states h_n, c_n are (N, H), not (1, N, H)")
def test_final_states_are_n_by_h(impl):
    rng = np.random.default_rng(6)
    call = Call(impl.lstm, rng.normal(size=(3, 2, 4)), *params(4, 5, rng))
    _, states = assert_returns(call, "output", "(h_n, c_n)")
    for name, s in zip(("h_n", "c_n"), states):
        assert_array(s, shape=(2, 5), call=call, what=name)


@pytest.mark.convention("outputs keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(7)
    for dtype in (np.float32, np.float64):
        w = params(3, 2, rng, dtype)
        x, h, c = (rng.normal(size=s).astype(dtype) for s in ((4, 3), (4, 2), (4, 2)))
        call = Call(impl.lstm_cell, x, h, c, *w)
        for name, a in zip(("h_new", "c_new"), call.out):
            assert_array(a, dtype=dtype, shape=(4, 2), call=call, what=name)
        call = Call(impl.lstm, rng.normal(size=(2, 4, 3)).astype(dtype), *w)
        assert_array(call.out[0], dtype=dtype, shape=(2, 4, 2), call=call, what="output")
        for name, a in zip(("h_n", "c_n"), call.out[1]):
            assert_array(np.asarray(a), dtype=dtype, call=call, what=name)


@pytest.mark.contract("weights not (4H, I)/(4H, H), bias not (4H,): ValueError")
def test_bad_shapes_raise_value_error(impl):
    rng = np.random.default_rng(8)
    w_ih, w_hh, b_ih, b_hh = params(3, 2, rng)
    x, h = np.ones((1, 3)), np.ones((1, 2))
    why = "each bias must be (4H,) = (8,); a (1,) bias broadcasts silently over every gate"
    assert_raises(ValueError, impl.lstm_cell, x, h, h, w_ih, w_hh, np.ones(1), b_hh, why=why)
    assert_raises(ValueError, impl.lstm_cell, x, h, h, w_ih, w_hh, b_ih, np.ones(1), why=why)
    assert_raises(ValueError, impl.lstm, np.ones((2, 1, 3)), w_ih, w_hh, np.ones(1), b_hh, why=why)
    # h and c of 1 unit but weights for 2: (1, 8) pre-activations split into (1, 2) gates, and c
    # broadcasts, so without the check a (1, 2) state comes back silently.
    assert_raises(ValueError, impl.lstm_cell, x, np.ones((1, 1)), np.ones((1, 1)), w_ih, np.ones((8, 1)), None, None,
                  why="for H = 1 (from h), w_ih must be (4H, I) = (4, 3) and w_hh (4H, H) = (4, 1)")
