"""Softmax cross-entropy (label smoothing, ignore_index) and BCE with logits · 交叉熵损失与标签平滑

The classification losses of every detector and segmenter, each returning its value and its
gradient with respect to the logits, numerically stable for logits of any size.

Run the tests: pytest katas/nn/cross_entropy
"""

import numpy as np

__all__ = ["softmax_cross_entropy", "bce_with_logits"]


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray, label_smoothing: float = 0.0,
                          ignore_index: int = -100):
    """Mean softmax cross-entropy over the rows that are not ignored, and its gradient.

    The semantics of ``torch.nn.functional.cross_entropy(logits, labels, reduction="mean",
    label_smoothing=..., ignore_index=...)`` without class weights.

    Args:
        logits: float32 or float64 array of shape (N, K): raw scores, one row per sample. N may be 0.
        labels: integer array of shape (N,): the class of each row, in ``[0, K)``, or
            ``ignore_index`` for a row that must not count at all.
        label_smoothing: eps in [0, 1]. Row i's target distribution is
            ``q = (1 - eps) * onehot(labels[i]) + eps / K`` over **all** K classes (so the true
            class gets ``1 - eps + eps / K``, every other class ``eps / K``).
        ignore_index: the label value of ignored rows.

    Returns:
        ``(loss, dlogits)``:
            - ``loss``: a float (Python float or numpy scalar),
              ``sum over kept rows of -sum_k q_k * log softmax(logits_i)_k``, divided by M, the
              number of kept (not ignored) rows.
            - ``dlogits``: d loss / d logits, shape (N, K), the dtype of ``logits``. A kept row's
              gradient is ``(softmax(logits_i) - q) / M``; an ignored row's is all zeros.

    Every row ignored (or N = 0): the mean is 0 / 0. torch returns NaN; a guarded mean returns 0.0
    (so that one batch without a labelled sample cannot poison training); either loss is accepted.
    dlogits is all zeros either way, as torch's gradient is.

    Stability: exact for logits as large as +-1e4 (float32 and float64), with no overflow, NaN or
    RuntimeWarning. Accuracy: within 1e-5 (relative) or 1e-6 (absolute) of a float64 computation.
    Inputs must not be modified.

    Errors: ``ValueError`` when ``logits`` is not 2-D, ``labels`` is not an integer array of shape
    (N,), a label that is not ``ignore_index`` lies outside ``[0, K)``, or ``label_smoothing`` lies
    outside [0, 1].

    Canonical code: ``torch.nn.functional.cross_entropy`` (the loss; its autograd gives dlogits)
    follows this statement, NaN for no kept row included. cs231n's ``softmax_loss(x, y)`` (shift by
    the row max, ``log_probs[arange(N), y]``, ``dx = (probs - onehot) / N``) is the same without
    label smoothing and ignore_index; it checks no labels, so a label of -1 silently picks the last
    class (test ``test_label_out_of_range_raises_value_error``).
    """
    raise NotImplementedError("softmax_cross_entropy")


def bce_with_logits(logits: np.ndarray, targets: np.ndarray):
    """Mean binary cross-entropy on logits, and its gradient.

    The semantics of ``torch.nn.functional.binary_cross_entropy_with_logits(logits, targets)``
    (reduction "mean", no weights): per element
    ``l = -t * log(sigmoid(x)) - (1 - t) * log(1 - sigmoid(x))``, computed in the stable form
    ``max(x, 0) - x * t + log(1 + exp(-|x|))``.

    Args:
        logits: float32 or float64 array of any shape.
        targets: float array of the same shape, values in [0, 1] (soft targets allowed).

    Returns:
        ``(loss, dlogits)``: ``loss`` a float, the mean of ``l`` over **all** elements;
        ``dlogits = (sigmoid(x) - t) / n`` with n the number of elements, the shape and dtype of
        ``logits``. An empty input: an empty gradient, and a loss of NaN (torch) or 0.0 (a guarded
        mean); either is accepted.

    Stability: finite and exact for logits of +-1e4 in float32 and float64 (e.g. logit 1e4 with
    target 0 costs exactly 1e4), no RuntimeWarning. Inputs must not be modified.

    Errors: ``ValueError`` when ``targets`` does not have the shape of ``logits``.

    Canonical code: ``torch.nn.functional.binary_cross_entropy_with_logits`` (which also raises
    ValueError for a target of another size) and its autograd gradient.
    """
    raise NotImplementedError("bce_with_logits")
