"""Known-wrong answers to nn/lstm_cell and one in the style of torch's Python LSTMCell reference;
`nox -s verify` proves each ends as kata.toml declares."""

import numpy as np

from solutions.nn import lstm_cell as ref


def _unstable_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _cell(*, order="ifgo", forget_bias=True, both_biases=True, g_sigmoid=False, tanh_out=True,
          stable=True, check=True):
    sig = ref._sigmoid if stable else _unstable_sigmoid

    def step(x, h, c, w_ih, w_hh, b_ih, b_hh):
        if check:
            ref._check(x, h, w_ih, w_hh, b_ih, b_hh)
        H = h.shape[-1]
        z = x @ w_ih.T + h @ w_hh.T
        for b in (b_ih, b_hh) if both_biases else (b_ih,):
            if b is not None:
                b = np.array(b)
                if not forget_bias:
                    b[H:2 * H] = 0
                z = z + b
        blocks = dict(zip(order, np.split(z, 4, axis=-1)))
        i, f, o = sig(blocks["i"]), sig(blocks["f"]), sig(blocks["o"])
        g = sig(blocks["g"]) if g_sigmoid else np.tanh(blocks["g"])
        c = f * c + i * g
        h = o * np.tanh(c) if tanh_out else o * c
        return h.astype(x.dtype), c.astype(x.dtype)

    return step


def _seq(cell=ref.lstm_cell, *, reset_c=False, ignore_h0=False, layer_axis=False, upcast=False):
    def lstm(x, w_ih, w_hh, b_ih, b_hh, h0=None, c0=None):
        T, N, _ = x.shape
        H = w_hh.shape[1]
        zeros = np.zeros((N, H), x.dtype)
        h = zeros if h0 is None or ignore_h0 else h0
        c = zeros if c0 is None or ignore_h0 else c0
        start_c = c
        outs = []
        for t in range(T):
            h, c = cell(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
            outs.append(h)
            if reset_c:
                c = start_c
        if T == 0:
            ref._check(x, h, w_ih, w_hh, b_ih, b_hh)
        out = np.stack(outs) if outs else np.zeros((0, N, H), x.dtype)
        h, c = np.array(h), np.array(c)
        if upcast:
            out, h, c = (a.astype(np.float64) for a in (out, h, c))
        if layer_axis:
            h, c = h[None], c[None]
        return out, (h, c)

    return lstm


def _upcast_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    return tuple(a.astype(np.float64) for a in ref.lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh))


# In the style of torch's Python reference LSTMCell (torch/nn/_functions/rnn.py) driven by a
# Recurrent/StackedRNN loop: F.linear for both products, gates.chunk(4, 1), hidden states stacked
# per layer (num_layers, N, H), no shape checks.

def _linear(x, w, b=None):
    out = x @ w.T
    return out if b is None else out + b


def _torch_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))  # as torch.sigmoid: saturates without overflow


def lstm_cell_torch_style(input, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None):
    gates = _linear(input, w_ih, b_ih) + _linear(hx, w_hh, b_hh)
    ingate, forgetgate, cellgate, outgate = np.split(gates, 4, axis=1)
    ingate = _torch_sigmoid(ingate)
    forgetgate = _torch_sigmoid(forgetgate)
    cellgate = np.tanh(cellgate)
    outgate = _torch_sigmoid(outgate)
    cy = (forgetgate * cx) + (ingate * cellgate)
    hy = outgate * np.tanh(cy)
    return hy.astype(input.dtype), cy.astype(input.dtype)


def lstm_torch_style(input, w_ih, w_hh, b_ih, b_hh, h0=None, c0=None):
    hidden_size = w_hh.shape[1]
    zeros = np.zeros((input.shape[1], hidden_size), input.dtype)
    hidden = (zeros if h0 is None else h0, zeros if c0 is None else c0)
    output = []
    for i in range(input.shape[0]):
        hidden = lstm_cell_torch_style(input[i], *hidden, w_ih, w_hh, b_ih, b_hh)
        output.append(hidden[0])
    output = np.stack(output, 0) if output else np.zeros((0,) + zeros.shape, input.dtype)
    next_h, next_c = (np.stack([s], 0) for s in hidden)  # (num_layers, N, H)
    return output, (next_h, next_c)


WRONG = {
    "gate_order_ifog": {"lstm_cell": _cell(order="ifog"), "lstm": _seq(_cell(order="ifog"))},
    "gate_order_igfo": {"lstm_cell": _cell(order="igfo"), "lstm": _seq(_cell(order="igfo"))},
    "forget_bias_ignored": {"lstm_cell": _cell(forget_bias=False), "lstm": _seq(_cell(forget_bias=False))},
    "only_one_bias": {"lstm_cell": _cell(both_biases=False), "lstm": _seq(_cell(both_biases=False))},
    "g_gate_sigmoid": {"lstm_cell": _cell(g_sigmoid=True)},
    "h_without_tanh": {"lstm_cell": _cell(tanh_out=False)},
    "unstable_sigmoid": {"lstm_cell": _cell(stable=False)},
    "cell_state_not_carried": {"lstm": _seq(reset_c=True)},
    "ignores_initial_state": {"lstm": _seq(ignore_h0=True)},
    "final_states_with_layer_axis": {"lstm": _seq(layer_axis=True)},
    "upcasts_to_float64": {"lstm_cell": _upcast_cell, "lstm": _seq(upcast=True)},
    "no_shape_check": {"lstm_cell": _cell(check=False), "lstm": _seq(_cell(check=False))},
}
CANONICAL = {"torch_python_lstmcell": {"lstm_cell": lstm_cell_torch_style, "lstm": lstm_torch_style}}
SLOW = {}
