"""Scaled dot-product and multi-head attention, with masks, in numpy · 缩放点积注意力与多头注意力 (含掩码)

The core of every Transformer: compare each query with every key, turn the scores into weights
with a softmax, and average the values. The maths is three lines; the masks (padding, causal,
a whole row masked), the scale and the head split are where the bugs live.

Canonical code: ``torch.nn.functional.scaled_dot_product_attention`` (the math path, torch >= 2.5)
for the first function and ``torch.nn.MultiheadAttention(batch_first=True)``, i.e.
``torch.nn.functional.multi_head_attention_forward`` on transposed inputs, for the second; the
tests compare with both. Two differences, each decided by one test:
``multi_head_attention`` returns zeros (output and weights) for a query whose keys are all padding,
as ``scaled_dot_product_attention`` does, where torch's multi-head attention returns NaN
(``test_fully_masked_row_gives_zeros``); and it returns the per-head weights (torch's
``average_attn_weights=False``).

Run the tests: pytest katas/nn/attention
"""

import numpy as np

__all__ = ["scaled_dot_product_attention", "multi_head_attention"]


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, attn_mask=None,
                                 is_causal: bool = False, scale=None) -> np.ndarray:
    """``softmax(q @ k^T * scale + mask) @ v``, as ``torch.nn.functional.scaled_dot_product_attention``.

    Args:
        q: float32 or float64 array (..., L, E): L queries. Any number of leading (batch, head)
            dimensions, the same for q, k and v.
        k: (..., S, E): S keys. v: (..., S, Ev): one value per key. Same dtype as q.
        attn_mask: None, or an array that broadcasts to (..., L, S):
            - **bool**: ``True`` means the query *may attend* to that key (torch's convention
              here), ``False`` means it is masked out (its weight is exactly 0);
            - **float**: added to the scaled scores before the softmax (a bias; ``-inf`` masks).
        is_causal: query i may attend to key j only when ``j <= i`` (the lower triangle of an
            (L, S) matrix, aligned at the top left, ``np.tril(np.ones((L, S), bool))``, also
            when L != S). Cannot be combined with ``attn_mask``.
        scale: the factor for the scores; None (the default) means ``1 / sqrt(E)``.

    Returns:
        A new array (..., L, Ev) with q's dtype.

    Rules and edge cases:
        - A **fully masked row** (a query for which every key is masked, by ``False`` or ``-inf``)
          gives an output row of **zeros**: no NaN, no RuntimeWarning.
        - L = 0 gives an empty (..., 0, Ev) result; S = 0 gives zeros (..., L, Ev).
        - Stable for scores as large as 1e4 (subtract the row maximum before ``exp``).
        - Accuracy: within 1e-5 (relative) / 1e-6 (absolute) of a float64 computation of the
          definition, also for float32 input. Inputs are not modified.
        - Raises ``ValueError`` when ``attn_mask`` is given together with ``is_causal=True``.
    """
    raise NotImplementedError("scaled_dot_product_attention")


def multi_head_attention(query: np.ndarray, key: np.ndarray, value: np.ndarray, num_heads: int,
                         in_proj_weight: np.ndarray, in_proj_bias, out_proj_weight: np.ndarray,
                         out_proj_bias, key_padding_mask=None, is_causal: bool = False):
    """Multi-head attention, batch first, with the weights of ``torch.nn.MultiheadAttention``.

    Args:
        query: float array (N, L, E), batch first. key, value: (N, S, E). One dtype for all.
        num_heads: h >= 1, dividing E; each head has ``d = E // h`` features.
        in_proj_weight: (3E, E), rows ``[W_q; W_k; W_v]`` stacked in that order;
            ``Q = query @ W_q.T + b_q`` (likewise K from key and V from value).
        in_proj_bias: (3E,) ``[b_q; b_k; b_v]``, or None (no bias).
        out_proj_weight: (E, E); out_proj_bias: (E,) or None. ``out = concat @ W_o.T + b_o``.
        key_padding_mask: None or a bool array of shape (N, S); ``True`` marks a **padding** key
            that no query may attend to (torch's convention for this argument).
        is_causal: query i attends only to keys j <= i (as in ``scaled_dot_product_attention``).

    Head split: head j uses the **contiguous** features ``j*d : (j+1)*d`` of Q, K and V; each head
    runs scaled dot-product attention with scale ``1 / sqrt(d)`` (the head size, not E), and
    the heads' outputs are concatenated in head order back to (N, L, E) before the output
    projection.

    Returns:
        ``(out, weights)``: ``out`` (N, L, E) and ``weights`` (N, h, L, S), the softmax weights of
        every head (each unmasked row sums to 1), both with query's dtype.

    Rules and edge cases:
        - A query whose keys are all masked (padding and/or causal) gets all-zero weights, so its
          output row is ``out_proj_bias`` (zeros without bias); no NaN, no RuntimeWarning.
        - N = 0 gives empty results. Accuracy as ``scaled_dot_product_attention``. Inputs are not
          modified.
        - Raises ``ValueError`` when ``key_padding_mask`` is not of shape (N, S) (a (S,) mask
          that would broadcast over the batch included).
    """
    raise NotImplementedError("multi_head_attention")
