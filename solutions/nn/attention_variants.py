"""Known-wrong answers to nn/attention and one written in the style of torch's
multi_head_attention_forward; `nox -s verify` proves each ends as kata.toml declares."""

import numpy as np


def _softmax(scores, *, stable=True, nan_rows=False):
    top = scores.max(axis=-1, keepdims=True, initial=-np.inf) if stable else 0
    if stable and not nan_rows:
        top = np.where(np.isfinite(top), top, 0)
    e = np.exp(scores - top)
    total = e.sum(axis=-1, keepdims=True)
    if nan_rows:
        with np.errstate(invalid="ignore"):
            return e / total  # 0 / 0 for a fully masked row
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def _mutant(*, scale="sqrt", after_softmax=False, inverted_bool=False, minus_bias=False, stable=True,
            nan_rows=False, bottom_right=False, upcast=False, check=True):
    def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale_=None, **kw):
        sc = kw.get("scale", scale_)
        L, S, E = q.shape[-2], k.shape[-2], q.shape[-1]
        if check and is_causal and attn_mask is not None:
            raise ValueError("both")
        factor = sc if sc is not None else {"sqrt": 1 / np.sqrt(E), "none": 1.0, "dk": 1.0 / E}[scale]
        scores = q.astype(np.float64) @ np.swapaxes(k, -1, -2) * factor
        allowed = bias = None
        if is_causal:
            allowed = np.tril(np.ones((L, S), bool), S - L if bottom_right else 0)
        elif attn_mask is not None:
            attn_mask = np.asarray(attn_mask)
            if attn_mask.dtype == bool:
                allowed = ~attn_mask if inverted_bool else attn_mask
            else:
                bias = -attn_mask if minus_bias else attn_mask
        if after_softmax:  # mask applied to the weights, after the softmax
            w = _softmax(scores)
            if bias is not None:
                w = w + bias
            if allowed is not None:
                w = np.where(allowed, w, 0.0)
        else:
            if bias is not None:
                scores = scores + bias
            if allowed is not None:
                scores = np.where(allowed, scores, -np.inf)
            w = _softmax(scores, stable=stable, nan_rows=nan_rows)
        out = w @ v
        return out if upcast else out.astype(q.dtype)

    return scaled_dot_product_attention


def _mha(*, scale_by_embed=False, strided_heads=False, padding_on_queries=False, nan_rows=False,
         upcast=False, check=True):
    def multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight,
                             out_proj_bias, key_padding_mask=None, is_causal=False):
        N, L, E = query.shape
        S, h, d = key.shape[1], num_heads, E // num_heads
        if check and key_padding_mask is not None and np.shape(key_padding_mask) != (N, S):
            raise ValueError("key_padding_mask")
        b = np.zeros(3 * E) if in_proj_bias is None else in_proj_bias
        proj = [x.astype(np.float64) @ in_proj_weight[i * E:(i + 1) * E].T + b[i * E:(i + 1) * E]
                for i, x in enumerate((query, key, value))]
        if strided_heads:  # head j takes features j, j + h, j + 2h, ...
            heads = [p.reshape(N, p.shape[1], d, h).transpose(0, 3, 1, 2) for p in proj]
        else:
            heads = [p.reshape(N, p.shape[1], h, d).transpose(0, 2, 1, 3) for p in proj]
        allowed = np.ones((N, 1, L, S), bool)
        if key_padding_mask is not None:
            if padding_on_queries:
                allowed = allowed & ~np.asarray(key_padding_mask)[:, None, :L, None]
            else:
                allowed = allowed & ~np.asarray(key_padding_mask)[:, None, None, :]
        if is_causal:
            allowed = allowed & np.tril(np.ones((L, S), bool))
        scores = heads[0] @ heads[1].transpose(0, 1, 3, 2) / np.sqrt(E if scale_by_embed else d)
        w = _softmax(np.where(allowed, scores, -np.inf), nan_rows=nan_rows)
        out = (w @ heads[2])
        out = (out.transpose(0, 2, 1, 3) if not strided_heads else out.transpose(0, 2, 3, 1)).reshape(N, L, E)
        out = out @ out_proj_weight.T + (0 if out_proj_bias is None else out_proj_bias)
        if upcast:
            return out, w
        return out.astype(query.dtype), w.astype(query.dtype)

    return multi_head_attention


def _sdpa_style(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """In the style of torch's SDPA math path: boolean masks become -inf biases, _safe_softmax."""
    L, S = q.shape[-2], k.shape[-2]
    scale_factor = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    attn_bias = np.zeros((L, S), dtype=q.dtype)
    if is_causal:
        if attn_mask is not None:
            raise ValueError("is_causal with attn_mask")
        attn_bias = np.where(np.tril(np.ones((L, S), bool)), attn_bias, -np.inf)
    elif attn_mask is not None:
        attn_mask = np.asarray(attn_mask)
        attn_bias = np.where(attn_mask, 0.0, -np.inf) if attn_mask.dtype == bool else attn_mask + attn_bias
    attn_weight = q @ np.swapaxes(k, -2, -1) * scale_factor + attn_bias
    row_max = attn_weight.max(axis=-1, keepdims=True, initial=-np.inf)
    # torch's _safe_softmax: a row that is all -inf gives zeros
    e = np.exp(attn_weight - np.where(np.isfinite(row_max), row_max, 0))
    total = e.sum(axis=-1, keepdims=True)
    attn_weight = np.where(total > 0, e / np.where(total > 0, total, 1), 0.0)
    return (attn_weight @ v).astype(q.dtype)


def _torch_mha_style(query, key, value, num_heads, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias,
                     key_padding_mask=None, is_causal=False):
    """multi_head_attention_forward: q, k, v to (bsz * num_heads, T, head_dim), q scaled first,
    padding and causal masks merged into one -inf float mask, baddbmm, softmax (NaN for a fully
    masked row)."""
    bsz, tgt_len, embed_dim = query.shape
    src_len = key.shape[1]
    head_dim = embed_dim // num_heads
    if key_padding_mask is not None and np.shape(key_padding_mask) != (bsz, src_len):
        raise ValueError("expecting key_padding_mask shape of (bsz, src_len)")
    w_q, w_k, w_v = np.split(in_proj_weight, 3)
    b_q, b_k, b_v = np.split(in_proj_bias, 3) if in_proj_bias is not None else (0, 0, 0)
    q = (query @ w_q.T + b_q).transpose(1, 0, 2).reshape(tgt_len, bsz * num_heads, head_dim).transpose(1, 0, 2)
    k = (key @ w_k.T + b_k).transpose(1, 0, 2).reshape(src_len, bsz * num_heads, head_dim).transpose(1, 0, 2)
    v = (value @ w_v.T + b_v).transpose(1, 0, 2).reshape(src_len, bsz * num_heads, head_dim).transpose(1, 0, 2)
    attn_mask = np.zeros((1, tgt_len, src_len), query.dtype)
    if is_causal:
        attn_mask = np.where(np.triu(np.ones((tgt_len, src_len), bool), 1), -np.inf, attn_mask)
    if key_padding_mask is not None:
        kpm = np.repeat(np.asarray(key_padding_mask)[:, None, None, :], num_heads, axis=1)
        attn_mask = np.where(kpm.reshape(bsz * num_heads, 1, src_len), -np.inf, attn_mask)
    q_scaled = q * np.sqrt(1.0 / head_dim)
    attn = attn_mask + q_scaled @ k.transpose(0, 2, 1)
    with np.errstate(invalid="ignore"):
        attn = np.exp(attn - attn.max(axis=-1, keepdims=True, initial=-np.inf))
        attn = attn / attn.sum(axis=-1, keepdims=True)
    out = (attn @ v).transpose(1, 0, 2).reshape(tgt_len * bsz, embed_dim)
    out = out @ out_proj_weight.T + (0 if out_proj_bias is None else out_proj_bias)
    out = out.reshape(tgt_len, bsz, embed_dim).transpose(1, 0, 2)
    return out.astype(query.dtype), attn.reshape(bsz, num_heads, tgt_len, src_len).astype(query.dtype)


SDPA = "scaled_dot_product_attention"
MHA = "multi_head_attention"
WRONG = {
    "mask_after_softmax": {SDPA: _mutant(after_softmax=True)},
    "bool_mask_inverted": {SDPA: _mutant(inverted_bool=True)},
    "float_mask_subtracted": {SDPA: _mutant(minus_bias=True)},
    "no_scale": {SDPA: _mutant(scale="none")},
    "scale_by_dk": {SDPA: _mutant(scale="dk")},
    "no_max_subtraction": {SDPA: _mutant(stable=False)},
    "mha_scale_by_embed_dim": {MHA: _mha(scale_by_embed=True)},
    "mha_strided_heads": {MHA: _mha(strided_heads=True)},
    "mha_padding_on_queries": {MHA: _mha(padding_on_queries=True)},
    "fully_masked_row_nan": {SDPA: _mutant(nan_rows=True), MHA: _mha(nan_rows=True)},
    "causal_bottom_right": {SDPA: _mutant(bottom_right=True)},
    "upcasts_to_float64": {SDPA: _mutant(upcast=True), MHA: _mha(upcast=True)},
    "causal_and_mask_accepted": {SDPA: _mutant(check=False)},
    "no_padding_mask_shape_check": {MHA: _mha(check=False)},
}
CANONICAL = {"torch_math": {SDPA: _sdpa_style, MHA: _torch_mha_style}}
SLOW = {}
