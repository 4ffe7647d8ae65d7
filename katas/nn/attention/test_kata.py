"""Tests for nn/attention. Run: pytest katas/nn/attention

The oracle is the definition written row by row in float64 below; torch's
``scaled_dot_product_attention`` and ``multi_head_attention_forward`` are compared in one test each.
Random masks leave every query at least one key, and causal random cases have L == S, so neither
the fully-masked-row rule nor the causal alignment decides them: each has a test of its own."""

import numpy as np
import pytest
import torch

from cvkatas import Call, assert_array, assert_close, assert_raises, assert_returns, fail, quiet_call, show


def attend_rows(q, k, v, allowed=None, bias=None, scale=None):
    """The definition for one (L, E) x (S, E) x (S, Ev) block, one query at a time, float64.
    Returns (output, weights); a query with no allowed key gets weights 0."""
    q, k, v = (np.asarray(a, np.float64) for a in (q, k, v))
    L, S = q.shape[0], k.shape[0]
    scale = 1 / np.sqrt(q.shape[1]) if scale is None else scale
    out, weights = np.zeros((L, v.shape[1])), np.zeros((L, S))
    for i in range(L):
        s = np.array([q[i] @ k[j] * scale for j in range(S)])
        if bias is not None:
            s = s + bias[i]
        ok = np.isfinite(s) if allowed is None else allowed[i] & np.isfinite(s)
        if ok.any():
            e = np.where(ok, np.exp(s - s[ok].max()), 0.0)
            weights[i] = e / e.sum()
            out[i] = weights[i] @ v
    return out, weights


def sdpa_oracle(q, k, v, attn_mask=None, is_causal=False, scale=None):
    lead, (L, S) = q.shape[:-2], (q.shape[-2], k.shape[-2])
    out = np.zeros(lead + (L, v.shape[-1]))
    mask = None if attn_mask is None else np.broadcast_to(attn_mask, lead + (L, S))
    if is_causal:
        mask = np.broadcast_to(np.tril(np.ones((L, S), bool)), lead + (L, S))
    for idx in np.ndindex(*lead):
        m = None if mask is None else mask[idx]
        boolean = m is not None and m.dtype == bool
        out[idx] = attend_rows(q[idx], k[idx], v[idx], m if boolean else None,
                               None if boolean else m, scale)[0]
    return out


def mha_oracle(query, key, value, h, w_in, b_in, w_out, b_out, key_padding_mask=None, is_causal=False):
    N, L, E = query.shape
    S, d = key.shape[1], E // h
    b_in = np.zeros(3 * E) if b_in is None else b_in
    Q, K, V = (x @ w_in[i * E:(i + 1) * E].T + b_in[i * E:(i + 1) * E] for i, x in enumerate((query, key, value)))
    concat, weights = np.zeros((N, L, E)), np.zeros((N, h, L, S))
    for n in range(N):
        allowed = np.ones((L, S), bool)
        if key_padding_mask is not None:
            allowed &= ~key_padding_mask[n][None, :]
        if is_causal:
            allowed &= np.tril(np.ones((L, S), bool))
        for j in range(h):
            f = slice(j * d, (j + 1) * d)
            concat[n, :, f], weights[n, j] = attend_rows(Q[n, :, f], K[n, :, f], V[n, :, f], allowed)
    return concat @ w_out.T + (0 if b_out is None else b_out), weights


def rows_keep_a_key(mask):
    """A random bool mask with at least one True per query row."""
    mask = mask.copy()
    mask[..., 0] |= ~mask.any(axis=-1)
    return mask


def mha_params(E, rng, dtype, bias=True):
    w_in, w_out = rng.normal(size=(3 * E, E)) / np.sqrt(E), rng.normal(size=(E, E)) / np.sqrt(E)
    b_in, b_out = (rng.normal(size=3 * E), rng.normal(size=E)) if bias else (None, None)
    cast = lambda a: None if a is None else a.astype(dtype)  # noqa: E731
    return cast(w_in), cast(b_in), cast(w_out), cast(b_out)


# 1. By hand.

def test_sdpa_by_hand(impl):
    q = np.array([[1.0, 1.0, 1.0, 1.0]])
    k = np.array([[0.0, 0.0, 0.0, 0.0], [np.log(3) / 2] * 4])
    v = np.array([[4.0], [8.0]])
    call = Call(impl.scaled_dot_product_attention, q, k, v)
    assert_close(call.out, [[7.0]], call=call, what="output",
                 why="scores q.k / sqrt(4) = [0, ln 3], softmax [1/4, 3/4], 4/4 + 3 * 8/4 = 7 "
                     "(without the 1/sqrt(d_k) scale the weights would be [1/10, 9/10] and the output 7.6)")


def test_sdpa_masks_by_hand(impl):
    q, k, v = np.zeros((2, 2)), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 2.0], [5.0, 6.0]])
    keep = np.array([[True, False], [True, True]])
    call = Call(impl.scaled_dot_product_attention, q, k, v, attn_mask=keep)
    assert_close(call.out, [[1.0, 2.0], [3.0, 4.0]], call=call, what="output with a boolean mask",
                 why="row 0 may attend only to key 0 (True = attend): its output is v[0]; row 1 averages both")
    bias = np.array([[0.0, np.log(3.0)], [-np.inf, 0.0]])
    call = Call(impl.scaled_dot_product_attention, q, k, v, attn_mask=bias)
    assert_close(call.out, [[4.0, 5.0], [5.0, 6.0]], call=call, what="output with a float mask",
                 why="a float mask is added to the scores before the softmax: row 0 gets weights [1/4, 3/4], "
                     "row 1 has key 0 at -inf and reads v[1]")


def test_mha_by_hand(impl):
    # E = 2, two heads of size 1, identity projections: head 0 works on feature 0, head 1 on feature 1.
    eye = np.eye(2)
    query = np.array([[[np.log(3.0), 0.0]]])
    key = np.array([[[0.0, 5.0], [1.0, -2.0]]])
    value = np.array([[[4.0, 2.0], [8.0, 6.0]]])
    call = Call(impl.multi_head_attention, query, key, value, 2, np.vstack([eye] * 3), None, eye, None)
    out, weights = assert_returns(call, "out", "weights")
    assert_close(out, [[[7.0, 4.0]]], call=call, what="out",
                 why="head 0: scores [0, ln 3] / sqrt(1) give weights [1/4, 3/4] and 7; head 1: query 0 gives "
                     "equal weights and (2 + 6) / 2 = 4 (scale by the head size d = 1, not by E = 2)")
    assert_close(weights, [[[[0.25, 0.75]], [[0.5, 0.5]]]], call=call, what="weights (N, h, L, S)")


# 2. Against the definition and torch, seeded.

SDPA_CASES = [  # (leading dims, L, S, E, Ev)
    ((), 1, 1, 1, 1), ((), 3, 5, 4, 2), ((2,), 4, 4, 8, 3), ((2, 3), 5, 6, 4, 4), ((1, 2), 1, 7, 3, 5),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sdpa_matches_definition(impl, dtype):
    rng = np.random.default_rng(0)
    for lead, L, S, E, Ev in SDPA_CASES:
        q, k = rng.normal(size=lead + (L, E)), rng.normal(size=lead + (S, E))
        v = rng.normal(size=lead + (S, Ev))
        boolean = rows_keep_a_key(rng.random(lead + (L, S)) < 0.6)
        bias = np.where(boolean, rng.normal(size=(L, S)), -np.inf)  # broadcasts over the leading dims
        masks = [{}, {"attn_mask": boolean}, {"attn_mask": bias.astype(dtype)}, {"scale": 0.7}]
        if L == S:
            masks.append({"is_causal": True})
        for kw in masks:
            args = [a.astype(dtype) for a in (q, k, v)]
            call = Call(impl.scaled_dot_product_attention, *args, **kw)
            assert_close(call.out, sdpa_oracle(*args, **kw), call=call, what="output")


def test_sdpa_matches_torch(impl):
    F = torch.nn.functional
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 3, 4, 8)), rng.normal(size=(2, 3, 4, 8)), rng.normal(size=(2, 3, 4, 5))
    mask = rows_keep_a_key(rng.random((2, 1, 4, 4)) < 0.5)
    for kw in [{}, {"attn_mask": mask}, {"attn_mask": rng.normal(size=(4, 4))}, {"is_causal": True}, {"scale": 0.2}]:
        expected = F.scaled_dot_product_attention(
            *map(torch.from_numpy, (q, k, v)),
            **{a: torch.from_numpy(b) if isinstance(b, np.ndarray) else b for a, b in kw.items()})
        call = Call(impl.scaled_dot_product_attention, q, k, v, **kw)
        assert_close(call.out, expected, call=call, what="output (torch.nn.functional.scaled_dot_product_attention)")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mha_matches_definition(impl, dtype):
    rng = np.random.default_rng(2)
    for N, L, S, E, h, bias in [(1, 1, 1, 2, 1, True), (2, 3, 5, 6, 3, True), (3, 4, 4, 8, 2, False),
                                (2, 5, 5, 4, 4, True), (0, 2, 3, 4, 2, True)]:
        query, key, value = (rng.normal(size=(N, T, E)).astype(dtype) for T in (L, S, S))
        params = mha_params(E, rng, dtype, bias)
        padding = ~rows_keep_a_key(rng.random((N, S)) < 0.7)
        for kw in [{}, {"key_padding_mask": padding}] + ([{"is_causal": True}] if L == S else []):
            call = Call(impl.multi_head_attention, query, key, value, h, *params, **kw)
            out, weights = assert_returns(call, "out", "weights")
            want_out, want_w = mha_oracle(query, key, value, h, *params, **kw)
            assert_close(out, want_out, call=call, what="out")
            assert_close(weights, want_w, call=call, what="weights (N, h, L, S)")


def test_mha_matches_torch(impl):
    t = torch.from_numpy
    rng = np.random.default_rng(3)
    N, L, S, E, h = 2, 4, 5, 6, 3
    query, key, value = (rng.normal(size=(N, T, E)) for T in (L, S, S))
    w_in, b_in, w_out, b_out = mha_params(E, rng, np.float64)
    padding = ~rows_keep_a_key(rng.random((N, S)) < 0.6)
    # The padding given to torch as its equivalent (N * h, L, S) attn_mask (True = masked): torch's
    # key_padding_mask check imports sympy, which costs half a second.
    as_attn_mask = np.broadcast_to(padding[:, None, None, :], (N, h, L, S)).reshape(N * h, L, S)
    out, weights = torch.nn.functional.multi_head_attention_forward(
        t(query).transpose(0, 1), t(key).transpose(0, 1), t(value).transpose(0, 1), E, h, t(w_in), t(b_in),
        None, None, False, 0.0, t(w_out), t(b_out), training=False, attn_mask=t(as_attn_mask.copy()),
        need_weights=True, average_attn_weights=False)
    call = Call(impl.multi_head_attention, query, key, value, h, w_in, b_in, w_out, b_out, key_padding_mask=padding)
    got = assert_returns(call, "out", "weights")
    assert_close(got[0], out.transpose(0, 1), call=call, what="out (torch multi_head_attention_forward, batch first)")
    assert_close(got[1], weights, call=call, what="weights (torch, average_attn_weights=False)")


# 3. Edge cases.

def test_sdpa_large_scores_stay_finite(impl):
    rng = np.random.default_rng(4)
    q, k, v = rng.normal(size=(3, 4)) * 60, rng.normal(size=(5, 4)) * 60, rng.normal(size=(5, 2))
    for dtype in (np.float32, np.float64):
        args = [a.astype(dtype) for a in (q, k, v)]
        call = quiet_call(impl.scaled_dot_product_attention, *args,
                          why="scores reach thousands: subtract each row's maximum before exp")
        assert_close(call.out, sdpa_oracle(*args), rtol=1e-4, atol=1e-4, call=call, what="output",
                     why="scores of several thousand: subtract each row's maximum before exp")


def test_sdpa_empty_sizes(impl):
    q, k, v = np.ones((2, 0, 3)), np.ones((2, 4, 3)), np.ones((2, 4, 5))
    call = Call(impl.scaled_dot_product_attention, q, k, v)
    assert_array(call.out, shape=(2, 0, 5), call=call, what="output for L = 0")
    call = quiet_call(impl.scaled_dot_product_attention, np.ones((2, 3, 3)), np.ones((2, 0, 3)), np.ones((2, 0, 5)))
    assert_array(call.out, shape=(2, 3, 5), call=call, what="output for S = 0")
    assert_close(call.out, np.zeros((2, 3, 5)), call=call, what="output for S = 0",
                 why="with no keys at all every row is fully masked: zeros")


# 4. Properties.

def test_sdpa_permutation_properties(impl):
    rng = np.random.default_rng(5)
    q, k, v = rng.normal(size=(4, 3)), rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    base = Call(impl.scaled_dot_product_attention, q, k, v).out
    p = rng.permutation(6)
    call = Call(impl.scaled_dot_product_attention, q, k[p], v[p])
    assert_close(call.out, base, call=call, what="output with keys and values shuffled together",
                 why="attention is a weighted average over the (key, value) pairs: their order does not matter")
    r = rng.permutation(4)
    call = Call(impl.scaled_dot_product_attention, q[r], k, v)
    assert_close(call.out, np.asarray(base)[r], call=call, what="output for shuffled queries",
                 why="each query's output depends only on that query")
    if np.ptp(np.asarray(base), axis=0).min() < 1e-3:
        fail("every query got the same output", call=call, got=show(base),
             why="different queries must weigh the keys differently")


# Conventions and bad input.

@pytest.mark.convention("fully masked row: zeros, not NaN")
def test_fully_masked_row_gives_zeros(impl):
    q, k, v = np.ones((2, 2)), np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 2.0], [3.0, 4.0]])
    why = "a query with no key to attend to gets weights 0 and output 0 (torch's scaled_dot_product_attention)"
    for mask in (np.array([[False, False], [True, True]]), np.array([[-np.inf, -np.inf], [0.0, 0.0]])):
        call = quiet_call(impl.scaled_dot_product_attention, q, k, v, attn_mask=mask, why=why)
        assert_close(call.out, [[0.0, 0.0], [2.0, 3.0]], call=call, what="output", why=why)
    eye = np.eye(2)
    padding = np.array([[False, True], [True, True]])  # sample 1: every key is padding
    call = quiet_call(impl.multi_head_attention, np.ones((2, 1, 2)), np.ones((2, 2, 2)), np.ones((2, 2, 2)), 1,
                      np.vstack([eye] * 3), None, eye, np.array([0.5, -0.5]), key_padding_mask=padding, why=why)
    out, weights = assert_returns(call, "out", "weights")
    assert_close(weights, [[[[1.0, 0.0]]], [[[0.0, 0.0]]]], call=call, what="weights", why=why)
    assert_close(out, [[[1.5, 0.5]], [[0.5, -0.5]]], call=call, what="out",
                 why="the fully masked query's heads give zeros, so its output is out_proj_bias (torch's "
                     "MultiheadAttention would give NaN here; this kata follows scaled_dot_product_attention)")


@pytest.mark.convention("causal mask: top-left aligned, tril(ones(L, S))")
def test_causal_mask_is_top_left_aligned(impl):
    q, k = np.zeros((2, 1)), np.zeros((3, 1))
    v = np.array([[3.0], [6.0], [30.0]])
    call = Call(impl.scaled_dot_product_attention, q, k, v, is_causal=True)
    assert_close(call.out, [[3.0], [4.5]], call=call, what="output for L = 2, S = 3",
                 why="query i attends to keys j <= i: row 0 reads v[0], row 1 averages v[0], v[1] "
                     "(aligned at the bottom right, as flash-attn does, would give [4.5, 13])")


@pytest.mark.convention("outputs keep the input dtype")
def test_keeps_input_dtype(impl):
    rng = np.random.default_rng(6)
    for dtype in (np.float32, np.float64):
        q, k, v = (rng.normal(size=s).astype(dtype) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2)))
        call = Call(impl.scaled_dot_product_attention, q, k, v, attn_mask=rng.normal(size=(3, 5)).astype(dtype))
        assert_array(call.out, dtype=dtype, shape=(2, 3, 2), call=call, what="output")
        params = mha_params(4, rng, dtype)
        call = Call(impl.multi_head_attention, q, k, k, 2, *params)
        out, weights = assert_returns(call, "out", "weights")
        assert_array(out, dtype=dtype, shape=(2, 3, 4), call=call, what="out")
        assert_array(weights, dtype=dtype, shape=(2, 2, 3, 5), call=call, what="weights")


@pytest.mark.contract("attn_mask with is_causal: ValueError")
def test_mask_and_causal_raise_value_error(impl):
    q = np.ones((3, 2))
    assert_raises(ValueError, impl.scaled_dot_product_attention, q, q, q, attn_mask=np.ones((3, 3), bool),
                  is_causal=True, why="give attn_mask or is_causal=True, not both (torch raises too)")


@pytest.mark.contract("key_padding_mask not (N, S): ValueError")
def test_bad_padding_mask_raises_value_error(impl):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 4))
    params = mha_params(4, rng, np.float64)
    assert_raises(ValueError, impl.multi_head_attention, x, x, x, 2, *params,
                  key_padding_mask=np.array([False, False, True]),
                  why="key_padding_mask must be (N, S) = (2, 3); a (3,) mask would broadcast over the batch")
