"""Scaled dot-product and multi-head attention with boolean / additive masks, in numpy."""

import numpy as np


def _attend(q, k, v, allowed=None, bias=None, scale=None):
    """Softmax attention; returns (output, weights). A row with nothing allowed gets weights 0."""
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ np.swapaxes(k, -1, -2)) * q.dtype.type(scale)
    if bias is not None:
        scores = scores + bias
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    top = scores.max(axis=-1, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, 0)  # fully masked rows: exp(-inf - 0) = 0, no NaN
    e = np.exp(scores - top)
    total = e.sum(axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return (weights @ v).astype(q.dtype), weights.astype(q.dtype)


def scaled_dot_product_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, attn_mask=None,
                                 is_causal: bool = False, scale=None) -> np.ndarray:
    L, S = q.shape[-2], k.shape[-2]
    allowed = bias = None
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give attn_mask or is_causal=True, not both")
        allowed = np.tril(np.ones((L, S), dtype=bool))
    elif attn_mask is not None:
        attn_mask = np.asarray(attn_mask)
        if attn_mask.dtype == bool:
            allowed = attn_mask
        else:
            bias = attn_mask.astype(q.dtype)
    return _attend(q, k, v, allowed, bias, scale)[0]


def multi_head_attention(query: np.ndarray, key: np.ndarray, value: np.ndarray, num_heads: int,
                         in_proj_weight: np.ndarray, in_proj_bias, out_proj_weight: np.ndarray,
                         out_proj_bias, key_padding_mask=None, is_causal: bool = False):
    N, L, E = query.shape
    S, h = key.shape[1], num_heads
    b = np.zeros(3 * E, query.dtype) if in_proj_bias is None else in_proj_bias
    allowed = np.ones((N, 1, L, S), dtype=bool)
    if key_padding_mask is not None:
        if np.shape(key_padding_mask) != (N, S):
            raise ValueError(f"key_padding_mask must have shape (N, S) = {(N, S)}, got {np.shape(key_padding_mask)}")
        allowed = allowed & ~np.asarray(key_padding_mask, bool)[:, None, None, :]
    if is_causal:
        allowed = allowed & np.tril(np.ones((L, S), dtype=bool))

    def heads(x, i):  # project, then (N, T, E) -> (N, h, T, d) with contiguous feature blocks
        y = x @ in_proj_weight[i * E:(i + 1) * E].T + b[i * E:(i + 1) * E]
        return y.reshape(N, x.shape[1], h, E // h).transpose(0, 2, 1, 3)

    out, weights = _attend(heads(query, 0), heads(key, 1), heads(value, 2), allowed)
    out = out.transpose(0, 2, 1, 3).reshape(N, L, E) @ out_proj_weight.T
    if out_proj_bias is not None:
        out = out + out_proj_bias
    return out.astype(query.dtype), weights
