"""RPN anchor labelling and balanced sampling · RPN 如何选择候选框 (正负样本匹配与采样)

Faster R-CNN's region proposal network learns from anchors labelled against the ground truth:
positives that overlap an object well, negatives that overlap nothing much, and anchors in between
that are ignored. Every object also claims its best anchor, however poor, so none goes unmatched.
Then a fixed-size, balanced batch of positives and negatives is drawn at random per image.

Run the tests: pytest katas/detection/anchor_matching
"""

import numpy as np

__all__ = ["match_anchors", "sample_labels"]


def match_anchors(anchors: np.ndarray, gt_boxes: np.ndarray, fg_iou_threshold: float = 0.7,
                  bg_iou_threshold: float = 0.3, allow_low_quality_matches: bool = True):
    """Label every anchor positive (1), negative (0) or ignored (-1) by its IoU with the gt boxes.

    Args:
        anchors: float array of shape (A, 4), rows ``x1, y1, x2, y2`` in continuous coordinates: a
            box's area is ``(x2 - x1) * (y2 - y1)`` (no ``+ 1``). float32 or float64.
        gt_boxes: float array of shape (G, 4), the same format.
        fg_iou_threshold, bg_iou_threshold: ``0 <= bg_iou_threshold <= fg_iou_threshold``.
        allow_low_quality_matches: whether every gt box also makes its best anchor(s) positive.

    Rules, with ``best[a] = max over g of IoU(anchor a, gt g)``:
        1. ``best[a] >= fg_iou_threshold``                      -> 1 (positive; inclusive)
        2. ``bg_iou_threshold <= best[a] < fg_iou_threshold``   -> -1 (ignored)
        3. ``best[a] < bg_iou_threshold``                       -> 0 (negative; strict)
           These are torchvision's ``Matcher`` / RPN ends (``>= high`` is a match, ``< low`` is
           background), so an IoU of exactly 0.7 is positive and exactly 0.3 is ignored.
        4. With ``allow_low_quality_matches``: for every gt g, let ``m_g`` be the highest IoU any
           anchor has with g. If ``m_g > 0``, **every** anchor whose IoU with g equals ``m_g``
           (all ties, compared exactly) becomes positive, whatever rule 1-3 said. A gt that
           overlaps no anchor at all (``m_g == 0``) makes nothing positive. (Deviation from
           torchvision, where such a gt would mark every anchor with IoU 0 to it as a match.)
        - IoU is computed in **float64** whatever the input dtype (so 70/100 is exactly 0.7, as
          the threshold is); a pair with zero union has IoU 0.

    Returns:
        ``(labels, matched_gt)``, two int64 arrays of shape (A,):
            - ``labels``: 1, 0 or -1 as above.
            - ``matched_gt``: for every anchor (whatever its label), the index of the gt box it
              overlaps most; ties go to the lower gt index (an anchor that overlaps no gt gets 0).
              An anchor made positive by rule 4 keeps this index too (its own best gt, which need
              not be the gt that claimed it), as in torchvision.
        No gt boxes (G = 0): every anchor is negative (0) and ``matched_gt`` is all -1.
        No anchors (A = 0): two empty int64 arrays.

    Inputs are not modified. Shapes other than (A, 4) / (G, 4), or ``bg_iou_threshold >
    fg_iou_threshold``, raise ``ValueError``.

    Canonical code: torchvision's ``Matcher(0.7, 0.3, allow_low_quality_matches=True)`` as the RPN
    uses it (``>= high`` matches, ``< low`` is background, every tie at a gt's highest IoU is kept
    with its own best gt). It differs in one convention: a gt whose highest IoU is 0 marks every
    anchor at IoU 0 as a match (``test_gt_that_overlaps_no_anchor_claims_nothing``); its -1 / -2
    in place of the gt index for background / ignored anchors is written here as ``labels``.
    mmdetection's ``MaxIoUAssigner`` (``match_low_quality=True``, ``gt_max_assign_all=True``) has
    the same thresholds but re-points a claimed anchor to the claiming gt, a later gt overriding an
    earlier one (``test_low_quality_anchor_keeps_its_own_best_gt``), and with its default
    ``min_pos_iou=0`` also lets a gt that overlaps nothing claim the anchors at IoU 0.
    """
    raise NotImplementedError("match_anchors")


def sample_labels(labels: np.ndarray, batch_size_per_image: int = 256, positive_fraction: float = 0.5,
                  rng: np.random.Generator | None = None) -> np.ndarray:
    """Draw a balanced training batch from anchor labels, as the RPN does per image.

    Args:
        labels: integer array of shape (A,) with values 1 (positive), 0 (negative), -1 (ignored).
        batch_size_per_image: the number of anchors to keep in all, >= 0.
        positive_fraction: in [0, 1]; at most ``int(batch_size_per_image * positive_fraction)``
            positives (rounded down) are kept.
        rng: a ``numpy.random.Generator``; **required**. The default ``None`` raises ``ValueError``
            (no hidden global random state, so runs are reproducible).

    Returns:
        A new int64 array of shape (A,): ``num_pos = min(#positives, int(batch * fraction))``
        positives keep label 1, ``num_neg = min(#negatives, batch - num_pos)`` negatives keep label
        0 (negatives fill the batch when positives are short); every other anchor, including every
        unchosen positive or negative and every ignored anchor, is -1. Ignored anchors are never
        drawn. Within each group the chosen anchors are a uniformly random subset drawn with
        ``rng`` (e.g. ``rng.choice(..., replace=False)`` or ``rng.permutation``): the same
        generator state gives the same result.

    ``labels`` is not modified. ``labels`` not 1-D, a value other than -1, 0, 1, a negative batch
    size, a fraction outside [0, 1], or ``rng`` not a ``numpy.random.Generator`` (a legacy
    ``RandomState`` included) raise ``ValueError``.

    Canonical code: torchvision's ``BalancedPositiveNegativeSampler`` (``num_pos = min(#pos,
    int(batch * fraction))``, negatives fill the rest, ``torch.randperm(n)[:k]`` in each group);
    it returns two masks instead of one label array and draws from torch's global generator; here
    the draw comes from ``rng``, and any uniform subset is accepted.
    """
    raise NotImplementedError("sample_labels")
