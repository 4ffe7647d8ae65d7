"""Known-wrong answers to detection/anchor_matching; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import anchor_matching as ref


def _matcher(*, low_quality=True, all_ties=True, need_overlap=True, rematch=False, fg_strict=False,
             bg_inclusive=False):
    def match_anchors(anchors, gt_boxes, fg_iou_threshold=0.7, bg_iou_threshold=0.3,
                      allow_low_quality_matches=True):
        a, g = ref._boxes(anchors, "anchors"), ref._boxes(gt_boxes, "gt_boxes")
        if bg_iou_threshold > fg_iou_threshold:
            raise ValueError("bg_iou_threshold above fg_iou_threshold")
        n = len(a)
        if len(g) == 0 or n == 0:
            return np.zeros(n, np.int64), np.full(n, -1, np.int64)
        iou = ref.box_iou(a, g)
        matched = iou.argmax(axis=1)
        best = iou.max(axis=1)
        labels = np.full(n, -1, np.int64)
        labels[(best <= bg_iou_threshold) if bg_inclusive else (best < bg_iou_threshold)] = 0
        labels[(best > fg_iou_threshold) if fg_strict else (best >= fg_iou_threshold)] = 1
        if allow_low_quality_matches and low_quality:
            per_gt = iou.max(axis=0)
            for j in range(len(g)):
                if need_overlap and per_gt[j] <= 0:
                    continue
                winners = np.flatnonzero(iou[:, j] == per_gt[j]) if all_ties else [iou[:, j].argmax()]
                labels[winners] = 1
                if rematch:
                    matched[winners] = j
        return labels, matched.astype(np.int64)

    return match_anchors


def _sampler(*, neg_from_ignored=False, cap_positives=True, in_place=False, random=True):
    def sample_labels(labels, batch_size_per_image=256, positive_fraction=0.5, rng=None):
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator")
        labels = np.asarray(labels)
        if labels.ndim != 1 or not np.isin(labels, (-1, 0, 1)).all():
            raise ValueError("bad labels")
        if batch_size_per_image < 0 or not 0 <= positive_fraction <= 1:
            raise ValueError("bad batch size or fraction")
        pos = np.flatnonzero(labels == 1)
        neg = np.flatnonzero(labels != 1) if neg_from_ignored else np.flatnonzero(labels == 0)
        quota = int(batch_size_per_image * positive_fraction) if cap_positives else batch_size_per_image
        num_pos = min(len(pos), quota)
        num_neg = min(len(neg), batch_size_per_image - num_pos)
        if random:
            pos, neg = rng.choice(pos, num_pos, replace=False), rng.choice(neg, num_neg, replace=False)
        else:
            pos, neg = pos[:num_pos], neg[:num_neg]
        out = labels if in_place else np.empty(labels.shape, np.int64)
        out[:] = -1
        out[pos], out[neg] = 1, 0
        return out

    return sample_labels


WRONG = {
    "no_low_quality_matches": {"match_anchors": _matcher(low_quality=False)},
    "one_anchor_per_gt": {"match_anchors": _matcher(all_ties=False)},
    "low_quality_at_zero_iou": {"match_anchors": _matcher(need_overlap=False)},
    "low_quality_rematches_gt": {"match_anchors": _matcher(rematch=True)},
    "strict_fg_threshold": {"match_anchors": _matcher(fg_strict=True)},
    "inclusive_bg_threshold": {"match_anchors": _matcher(bg_inclusive=True)},
    "negatives_from_ignored": {"sample_labels": _sampler(neg_from_ignored=True)},
    "positives_over_fraction": {"sample_labels": _sampler(cap_positives=False)},
    "mutates_labels": {"sample_labels": _sampler(in_place=True)},
    "first_k_not_random": {"sample_labels": _sampler(random=False)},
}
SLOW = {}

