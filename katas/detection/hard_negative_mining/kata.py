"""SSD hard negative mining · 难例挖掘 (SSD, 正负样本 1:3)

An SSD image has a few thousand anchors, of which a handful match an object. Training the
classifier on every background anchor would drown the positives in easy negatives, so SSD keeps,
per image, only the negatives the network currently gets most wrong: the highest-loss ones, at
most three for every positive. Write that selection in numpy for a whole batch.

Run the tests: pytest katas/detection/hard_negative_mining
"""

import numpy as np

__all__ = ["hard_negative_mining"]


def hard_negative_mining(loss: np.ndarray, labels: np.ndarray, neg_pos_ratio: int = 3) -> np.ndarray:
    """The anchors that enter SSD's classification loss: every positive and the hardest negatives.

    Args:
        loss: float32 or float64 array of shape (B, A): for each of B images and A anchors, the
            anchor's classification loss (for a negative, the loss of predicting background,
            e.g. ``-log softmax(scores)[0]``). Finite values, any sign. The values at positive
            and ignored anchors are arbitrary and must not influence the choice.
        labels: integer array of shape (B, A), any integer dtype: ``0`` background (a negative),
            ``> 0`` an object class (a positive), ``< 0`` (conventionally ``-1``) ignored.
        neg_pos_ratio: a Python or numpy integer ``>= 0``: negatives kept per positive.

    Returns:
        bool array of shape (B, A): True for every positive and for each selected negative;
        False for everything else, ignored anchors always.

    Rules, **per image** b (never pooled over the batch):
        - ``P`` = number of positives, ``N`` = number of negatives (label 0) in image b.
        - Keep ``K = min(neg_pos_ratio * P, N)`` negatives: those with the **highest** loss.
          Only negatives are ranked; a positive or an ignored anchor never takes a slot,
          whatever its loss.
        - Ties: among negatives with equal loss, the lower anchor index is taken first.
        - An image with no positive keeps **no** negative (K = 0), as in SSD. (Some detectors
          keep a minimum number of negatives in such images instead; we do not.)
        - B = 0 or A = 0 gives an empty (B, A) bool array.
        - ``loss`` and ``labels`` are not modified.

    Errors: ``ValueError`` when ``loss`` is not 2-D, ``labels`` does not have its shape or is not
    an integer array, or ``neg_pos_ratio`` is not an integer ``>= 0``.

    Canonical code: ssd.pytorch's ``MultiBoxLoss`` (``loss_c[pos] = 0``, ``loss_c.sort(1,
    descending=True)``, then the rank of each anchor ``idx_rank < num_neg``, with
    ``num_neg = clamp(negpos_ratio * num_pos, max=A - 1)``) selects the same negatives for
    positive, distinct losses. It differs in two conventions, each a test: torch's sort leaves
    the order of equal losses unspecified (``test_equal_losses_lower_index_first``), and a
    zeroed positive outranks negatives whose loss is <= 0 (``test_negative_and_zero_losses``);
    it has no ignored label (mask its selection with ``labels == 0``) and checks no input.
    mmdetection's ``SSDHead`` (``topk`` over each image's negatives) also leaves ties open.
    """
    raise NotImplementedError("hard_negative_mining")
