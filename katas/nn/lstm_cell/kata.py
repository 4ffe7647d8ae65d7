"""LSTM cell and a single-layer LSTM over a sequence, forward, in numpy · LSTM 单元与序列前向 (numpy)

Four gates from one matrix product, a cell state that carries memory across time steps, and a
hidden state read out through the output gate. Match ``torch.nn.LSTMCell`` / ``torch.nn.LSTM``
with their weights copied in: the gate order and the two biases are what trip people up.

Canonical code: ``torch.nn.LSTMCell`` and ``torch.nn.LSTM`` (one layer, unidirectional,
``batch_first=False``), whose formulas and weight layout (gates stacked i, f, g, o) this kata
follows; the tests copy the same weights into them. One difference: ``lstm`` returns ``h_n`` and
``c_n`` of shape (N, H), where torch's are (num_layers, N, H) = (1, N, H)
(``test_final_states_are_n_by_h``). cs231n's ``lstm_step_forward`` stacks its gates i, f, o, g and
keeps ``Wx`` as (D, 4H): do not follow its layout here.

Run the tests: pytest katas/nn/lstm_cell
"""

import numpy as np

__all__ = ["lstm_cell", "lstm"]


def lstm_cell(x: np.ndarray, h: np.ndarray, c: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
              b_ih, b_hh):
    """One LSTM step, as ``torch.nn.LSTMCell``.

    Args:
        x: float array (N, I), the input at this step. N may be 0.
        h, c: float arrays (N, H), the previous hidden and cell states.
        w_ih: (4H, I) and w_hh: (4H, H), torch's ``weight_ih`` / ``weight_hh``: rows ``0:H`` belong to
            the input gate i, ``H:2H`` to the forget gate f, ``2H:3H`` to the cell candidate g and
            ``3H:4H`` to the output gate o (**order i, f, g, o**).
        b_ih, b_hh: (4H,) each, or None (no bias); **both** are added, in the same gate order.
        All arrays share one dtype, float32 or float64.

    Computes, with ``z = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh`` split into four blocks of H::

        i = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_g)   o = sigmoid(z_o)
        c_new = f * c + i * g
        h_new = o * tanh(c_new)

    Returns:
        ``(h_new, c_new)``, two new (N, H) arrays with x's dtype.

    Rules:
        - Stable: pre-activations as large as +-1e4 give exact saturated gates with no overflow
          and no RuntimeWarning (``1 / (1 + exp(-z))`` overflows for z = -1e4).
        - Accuracy: within 1e-5 (relative) / 1e-6 (absolute) of a float64 computation.
          Inputs are not modified.
        - Raises ``ValueError`` when ``w_ih`` is not (4H, I), ``w_hh`` is not (4H, H), or a bias is
          neither None nor of shape (4H,) (a (1,) bias that would broadcast included), with H
          taken from ``h`` and I from ``x``.
    """
    raise NotImplementedError("lstm_cell")


def lstm(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih, b_hh, h0=None, c0=None):
    """A single-layer LSTM over a whole sequence, as ``torch.nn.LSTM(I, H)`` (sequence first).

    Args:
        x: float array (T, N, I): T time steps of a batch of N. T and N may be 0.
        w_ih, w_hh, b_ih, b_hh: as in ``lstm_cell`` (torch's ``weight_ih_l0`` ... ``bias_hh_l0``).
            H is ``w_hh.shape[1]``.
        h0, c0: (N, H) initial states; None (the default) means zeros.

    Runs ``lstm_cell`` at t = 0, 1, ..., T - 1, feeding each step's ``(h, c)`` into the next.

    Returns:
        ``(output, (h_n, c_n))``: ``output`` (T, N, H) holds ``h`` after every step; ``h_n`` and
        ``c_n`` are the states after the last step, shape **(N, H)** (h0 and c0 when T = 0).
        All with x's dtype. Inputs are not modified. Errors as in ``lstm_cell``.
    """
    raise NotImplementedError("lstm")
