"""Tests for nn/losses. Run: pytest katas/nn/losses

Oracles: torch.nn.functional.kl_div, triplet_margin_loss on brute-force mined triplets and
multi_margin_loss (times K), with autograd (scalar losses, float64), float64 centred differences,
and hand-computed cases. The L2 penalty's missing factor 0.5 is a convention test."""

import numpy as np
import pytest

from cvkatas import Call, assert_close, assert_gradient_close, assert_returns, fail, numerical_gradient

torch = pytest.importorskip("torch")
F = torch.nn.functional


def returns(call):
    loss, grad = assert_returns(call, "loss", "gradient")
    if not np.isscalar(loss) and np.ndim(loss) != 0:
        fail("loss must be a scalar", call=call, got=repr(loss))
    return float(loss), grad


def log_softmax(z):
    z = z - z.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


# KL divergence

def test_kl_by_hand(impl):
    p = np.array([[0.5, 0.5, 0.0]])
    log_q = np.log(np.array([[0.25, 0.5, 0.25]]))
    call = Call(impl.kl_divergence, log_q, p)
    loss, grad = returns(call)
    assert_close(loss, 0.5 * np.log(2.0), call=call, what="KL(p || q)",
                 why="0.5 log(0.5 / 0.25) + 0.5 log(0.5 / 0.5) + 0 (0 log 0 = 0); KL(q || p) would be infinite")
    assert_close(grad, -p, call=call, what="dlog_q", why="d/dlog_q of -sum(p log_q) / N = -p / N")


def test_kl_matches_torch(impl):
    for n, k in [(1, 2), (4, 5), (7, 3)]:
        rng = np.random.default_rng(n)
        log_q = log_softmax(rng.normal(size=(n, k)) * 2)
        p = np.exp(log_softmax(rng.normal(size=(n, k)) * 2))
        p[0, 0] = 0.0  # an exact zero in the target
        p /= p.sum(1, keepdims=True)
        lq = torch.tensor(log_q, requires_grad=True)
        expected = F.kl_div(lq, torch.tensor(p), reduction="batchmean")
        expected.backward()
        call = Call(impl.kl_divergence, log_q, p)
        loss, grad = returns(call)
        assert_close(loss, expected.item(), call=call, what="loss",
                     why="torch's kl_div(input=log q, target=p): sum p (log p - log q) / N")
        assert_gradient_close(grad, lq.grad, call=call, what="dlog_q")


# Batch-hard triplet loss

def mine(emb, labels):
    """Brute force: for each anchor with a positive and a negative, (anchor, farthest positive, closest negative)."""
    out = []
    for a in range(len(emb)):
        d = [np.linalg.norm(emb[a] - e) for e in emb]
        pos = [j for j in range(len(emb)) if j != a and labels[j] == labels[a]]
        neg = [j for j in range(len(emb)) if labels[j] != labels[a]]
        if pos and neg:
            out.append((a, max(pos, key=lambda j: d[j]), min(neg, key=lambda j: d[j])))
    return out


def test_triplet_by_hand(impl):
    emb = np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    labels = np.array([0, 0, 0, 1])
    # anchor 0: positives at 3 and 1 -> hardest 3; negative at 2 -> max(0, 3 - 2 + 1) = 2
    # anchor 1: positives at 3, 2 -> 3; negative at sqrt(13) -> max(0, 3 - 3.606 + 1) = 0.394
    # anchor 2: positives at 1, 2 -> 2; negative at sqrt(5) -> max(0, 2 - 2.236 + 1) = 0.764
    # anchor 3: no positive -> skipped
    call = Call(impl.triplet_loss_batch_hard, emb, labels, 1.0)
    loss, _ = returns(call)
    expected = (2.0 + (3 - np.sqrt(13) + 1) + (2 - np.sqrt(5) + 1)) / 3
    assert_close(loss, expected, call=call, what="loss",
                 why="hardest positive = the FARTHEST same-label sample, hardest negative = the closest other one; "
                     "plain Euclidean distances; the mean over the 3 anchors that have both")


@pytest.mark.parametrize("n, d, classes, margin", [(6, 3, 2, 1.0), (10, 4, 3, 0.5), (8, 2, 4, 2.0)])
def test_triplet_matches_torch(impl, n, d, classes, margin):
    rng = np.random.default_rng(n + d)
    emb = rng.normal(size=(n, d))
    labels = np.arange(n) % classes
    triplets = mine(emb, labels)
    a, p, ng = (list(t) for t in zip(*triplets))
    e = torch.tensor(emb, requires_grad=True)
    expected = F.triplet_margin_loss(e[a], e[p], e[ng], margin=margin, eps=0.0)
    expected.backward()
    call = Call(impl.triplet_loss_batch_hard, emb, labels, margin)
    loss, grad = returns(call)
    assert_close(loss, expected.item(), call=call, what="loss", why="torch's triplet_margin_loss on the mined triplets")
    assert_gradient_close(grad, e.grad, call=call, what="demb")


def test_triplet_gradient_numerical(impl):
    rng = np.random.default_rng(3)
    emb, labels = rng.normal(size=(5, 2)), np.array([0, 1, 0, 1, 1])
    call = Call(impl.triplet_loss_batch_hard, emb, labels)  # margin omitted: 1.0
    loss, grad = returns(call)
    num = numerical_gradient(lambda v: impl.triplet_loss_batch_hard(v, labels)[0], emb)
    assert_gradient_close(grad, num, tol=1e-6, call=call, what="demb",
                          why="anchor, positive and negative each get a term; the mining does not move for a tiny step")


def test_triplet_without_valid_anchors(impl):
    for emb, labels in ((np.array([[0.0, 1.0], [2.0, 0.0]]), np.array([0, 1])),
                        (np.array([[0.0, 1.0]]), np.array([3])),
                        (np.array([[0.0, 1.0], [2.0, 0.0]]), np.array([1, 1]))):
        call = Call(impl.triplet_loss_batch_hard, emb, labels)
        loss, grad = returns(call)
        assert_close(loss, 0.0, call=call, what="loss",
                     why="no anchor has both a positive and a negative: nothing to average, 0.0")
        assert_close(grad, np.zeros(emb.shape), call=call, what="demb")


# Hinge loss

def test_hinge_by_hand(impl):
    scores = np.array([[3.0, 1.0, 2.5], [0.0, 2.0, 0.0]])
    labels = np.array([0, 1])
    # row 0: max(0, 1 - 3 + 1) + max(0, 2.5 - 3 + 1) = 0 + 0.5; row 1: max(0, 0 - 2 + 1) * 2 = 0
    call = Call(impl.hinge_loss, scores, labels)
    loss, grad = returns(call)
    assert_close(loss, 0.25, call=call, what="loss", why="(0.5 + 0) / 2; the true class adds nothing (not margin)")
    assert_close(grad, [[-0.5, 0.0, 0.5], [0.0, 0.0, 0.0]], call=call, what="dscores",
                 why="an active margin adds 1/N to its class and -1/N to the true class")


def test_hinge_matches_torch(impl):
    for n, k, margin in [(1, 3, 1.0), (5, 4, 1.0), (8, 6, 2.0)]:
        rng = np.random.default_rng(k)
        scores, labels = rng.normal(size=(n, k)) * 2, rng.integers(0, k, n)
        s = torch.tensor(scores, requires_grad=True)
        expected = F.multi_margin_loss(s, torch.tensor(labels), margin=margin) * k  # torch divides by K too
        expected.backward()
        call = Call(impl.hinge_loss, scores, labels, margin)
        loss, grad = returns(call)
        assert_close(loss, expected.item(), call=call, what="loss")
        assert_gradient_close(grad, s.grad, call=call, what="dscores")


# Penalties

def test_penalties_by_hand(impl):
    w = np.array([[1.5, -2.0], [0.0, 0.5]])
    call = Call(impl.l1_penalty, w, 0.1)
    loss, grad = returns(call)
    assert_close(loss, 0.4, call=call, what="L1 penalty", why="0.1 * (1.5 + 2 + 0 + 0.5)")
    assert_close(grad, [[0.1, -0.1], [0.0, 0.1]], call=call, what="L1 gradient",
                 why="lam * sign(w), and 0 at w = 0 (torch's subgradient of |w|)")
    call = Call(impl.l2_penalty, w, 0.1)
    loss, grad = returns(call)
    num = numerical_gradient(lambda v: impl.l2_penalty(v, 0.1)[0], w)
    assert_gradient_close(grad, num, call=call, what="L2 gradient", why="the gradient of the returned penalty")
    if loss <= 0:
        fail("L2 penalty must be positive for a non-zero w", call=call, got=repr(loss))


def test_l1_gradient_matches_torch(impl):
    w = np.random.default_rng(9).normal(size=(3, 4))
    t = torch.tensor(w, requires_grad=True)
    (0.3 * t.abs().sum()).backward()
    call = Call(impl.l1_penalty, w, 0.3)
    loss, grad = returns(call)
    assert_close(loss, 0.3 * np.abs(w).sum(), call=call, what="L1 penalty")
    assert_gradient_close(grad, t.grad, call=call, what="L1 gradient")


@pytest.mark.convention("hinge: a margin of exactly 0 is inactive (gradient 0)")
def test_hinge_inactive_at_zero_margin(impl):
    call = Call(impl.hinge_loss, np.array([[1.0, 0.0]]), np.array([0]))  # 0 - 1 + 1 = 0 exactly
    loss, grad = returns(call)
    assert_close(loss, 0.0, call=call, what="loss")
    assert_close(grad, [[0.0, 0.0]], call=call, what="dscores",
                 why="max(0, m) at m = 0: the statement takes the term as inactive (m > 0, not m >= 0)")


@pytest.mark.convention("L2 penalty: lam * sum(w**2), no factor 0.5")
def test_l2_penalty_has_no_half(impl):
    call = Call(impl.l2_penalty, np.array([1.0, -2.0]), 0.5)
    loss, grad = returns(call)
    assert_close(loss, 2.5, call=call, what="L2 penalty",
                 why="cs231n: lam * sum(w**2) = 0.5 * 5 (0.5 * lam * sum(w**2) is torch's weight decay)")
    assert_close(grad, [1.0, -2.0], call=call, what="L2 gradient", why="2 * lam * w")
