"""Known-wrong answers to detection/anchor_matching; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import anchor_matching as ref


def _matcher(*, low_quality=True, all_ties=True, need_overlap=True, rematch=False, fg_strict=False,
             bg_inclusive=False, iou32=False, ties_high=False, check_shapes=True, check_thresholds=True,
             dtype=np.int64):
    def match_anchors(anchors, gt_boxes, fg_iou_threshold=0.7, bg_iou_threshold=0.3,
                      allow_low_quality_matches=True):
        if check_shapes:
            a, g = ref._boxes(anchors, "anchors"), ref._boxes(gt_boxes, "gt_boxes")
        else:
            a, g = (np.atleast_2d(np.asarray(v, np.float64))[:, :4] for v in (anchors, gt_boxes))
        if check_thresholds and bg_iou_threshold > fg_iou_threshold:
            raise ValueError("bg_iou_threshold above fg_iou_threshold")
        n = len(a)
        if len(g) == 0 or n == 0:
            return np.zeros(n, dtype), np.full(n, -1, dtype)
        if iou32 and np.asarray(anchors).dtype == np.float32:  # IoU in the input's float32: 0.7f < 0.7
            iou = ref.box_iou(a.astype(np.float32), g.astype(np.float32)).astype(np.float32)
            fg_iou_threshold, bg_iou_threshold = np.float64(fg_iou_threshold), np.float64(bg_iou_threshold)
        else:
            iou = ref.box_iou(a, g)
        matched = len(g) - 1 - iou[:, ::-1].argmax(axis=1) if ties_high else iou.argmax(axis=1)
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
        return labels.astype(dtype), matched.astype(dtype)

    return match_anchors


def _sampler(*, neg_from_ignored=False, cap_positives=True, in_place=False, random=True, check_rng=True,
             check_labels=True, check_batch=True, same_when_all_fit=False, keep_dtype=False, batch_default=256):
    def sample_labels(labels, batch_size_per_image=batch_default, positive_fraction=0.5, rng=None):
        if check_rng and not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator")
        if rng is None:
            rng = np.random.default_rng()
        labels = np.asarray(labels)
        if check_labels and (labels.ndim != 1 or not np.isin(labels, (-1, 0, 1)).all()):
            raise ValueError("bad labels")
        if check_batch and (batch_size_per_image < 0 or not 0 <= positive_fraction <= 1):
            raise ValueError("bad batch size or fraction")
        pos = np.flatnonzero(labels == 1)
        neg = np.flatnonzero(labels != 1) if neg_from_ignored else np.flatnonzero(labels == 0)
        quota = int(batch_size_per_image * positive_fraction) if cap_positives else batch_size_per_image
        num_pos = max(0, min(len(pos), quota))
        num_neg = max(0, min(len(neg), batch_size_per_image - num_pos))
        if same_when_all_fit and num_pos == len(pos) and num_neg == len(neg):
            return labels if labels.dtype == np.int64 else labels.astype(np.int64)
        if random:
            pos, neg = pos[rng.permutation(len(pos))[:num_pos]], neg[rng.permutation(len(neg))[:num_neg]]
        else:
            pos, neg = pos[:num_pos], neg[:num_neg]
        out = labels if in_place else np.empty(labels.shape, labels.dtype if keep_dtype else np.int64)
        out[:] = -1
        out[pos], out[neg] = 1, 0
        return out

    return sample_labels


def torchvision_style_match(anchors, gt_boxes, fg_iou_threshold=0.7, bg_iou_threshold=0.3,
                            allow_low_quality_matches=True):
    """torchvision's Matcher on a (G, A) quality matrix, then the RPN's labels from its -1 / -2 codes."""
    anchors, gt_boxes = ref._boxes(anchors, "anchors"), ref._boxes(gt_boxes, "gt_boxes")
    if bg_iou_threshold > fg_iou_threshold:
        raise ValueError("low threshold above high threshold")
    num_anchors = len(anchors)
    if len(gt_boxes) == 0 or num_anchors == 0:
        return np.zeros(num_anchors, np.int64), np.full(num_anchors, -1, np.int64)
    match_quality_matrix = ref.box_iou(gt_boxes, anchors)
    matched_vals, matches = match_quality_matrix.max(axis=0), match_quality_matrix.argmax(axis=0)
    all_matches = matches.copy()
    matches[matched_vals < bg_iou_threshold] = -1
    matches[(matched_vals >= bg_iou_threshold) & (matched_vals < fg_iou_threshold)] = -2
    if allow_low_quality_matches:  # set_low_quality_matches_: no check that the highest quality is > 0
        highest_quality_foreach_gt = match_quality_matrix.max(axis=1)
        _, pred_inds_to_update = np.nonzero(match_quality_matrix == highest_quality_foreach_gt[:, None])
        matches[pred_inds_to_update] = all_matches[pred_inds_to_update]
    labels = (matches >= 0).astype(np.int64)
    labels[matches == -2] = -1
    return labels, all_matches.astype(np.int64)


def torchvision_style_sample(labels, batch_size_per_image=256, positive_fraction=0.5, rng=None):
    """torchvision's BalancedPositiveNegativeSampler for one image, randperm from `rng`."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError("pass a numpy.random.Generator")
    matched_idxs = np.asarray(labels)
    if matched_idxs.ndim != 1 or not np.isin(matched_idxs, (-1, 0, 1)).all():
        raise ValueError("labels must be 1-D values in -1, 0, 1")
    if batch_size_per_image < 0 or not 0 <= positive_fraction <= 1:
        raise ValueError("bad batch_size_per_image or positive_fraction")
    positive = np.flatnonzero(matched_idxs >= 1)
    negative = np.flatnonzero(matched_idxs == 0)
    num_pos = int(batch_size_per_image * positive_fraction)
    num_pos = min(positive.size, num_pos)
    num_neg = batch_size_per_image - num_pos
    num_neg = min(negative.size, num_neg)
    pos_idx = positive[rng.permutation(positive.size)[:num_pos]]
    neg_idx = negative[rng.permutation(negative.size)[:num_neg]]
    out = np.full(matched_idxs.shape, -1, np.int64)
    out[pos_idx], out[neg_idx] = 1, 0
    return out


def mmdet_style_match(anchors, gt_boxes, fg_iou_threshold=0.7, bg_iou_threshold=0.3,
                      allow_low_quality_matches=True):
    """mmdetection's MaxIoUAssigner.assign_wrt_overlaps: min_pos_iou 0, gt_max_assign_all, 1-based gt_inds."""
    anchors, gt_boxes = ref._boxes(anchors, "anchors"), ref._boxes(gt_boxes, "gt_boxes")
    if bg_iou_threshold > fg_iou_threshold:
        raise ValueError("neg_iou_thr above pos_iou_thr")
    num_gts, num_bboxes = len(gt_boxes), len(anchors)
    if num_gts == 0 or num_bboxes == 0:
        return np.zeros(num_bboxes, np.int64), np.full(num_bboxes, -1, np.int64)
    overlaps = ref.box_iou(gt_boxes, anchors)
    assigned_gt_inds = np.full(num_bboxes, -1, np.int64)
    max_overlaps, argmax_overlaps = overlaps.max(axis=0), overlaps.argmax(axis=0)
    gt_max_overlaps = overlaps.max(axis=1)
    assigned_gt_inds[(max_overlaps >= 0) & (max_overlaps < bg_iou_threshold)] = 0
    pos_inds = max_overlaps >= fg_iou_threshold
    assigned_gt_inds[pos_inds] = argmax_overlaps[pos_inds] + 1
    best_gt = argmax_overlaps.copy()
    if allow_low_quality_matches:
        min_pos_iou = 0.0
        for i in range(num_gts):
            if gt_max_overlaps[i] >= min_pos_iou:
                max_iou_inds = overlaps[i, :] == gt_max_overlaps[i]
                assigned_gt_inds[max_iou_inds] = i + 1
                best_gt[max_iou_inds] = i
    labels = np.where(assigned_gt_inds > 0, 1, assigned_gt_inds)
    return labels.astype(np.int64), best_gt.astype(np.int64)


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
    "iou_in_float32": {"match_anchors": _matcher(iou32=True)},
    "matched_ties_high": {"match_anchors": _matcher(ties_high=True)},
    "match_returns_int32": {"match_anchors": _matcher(dtype=np.int32)},
    "no_box_shape_check": {"match_anchors": _matcher(check_shapes=False)},
    "no_threshold_check": {"match_anchors": _matcher(check_thresholds=False)},
    "accepts_random_state": {"sample_labels": _sampler(check_rng=False)},
    "no_label_check": {"sample_labels": _sampler(check_labels=False)},
    "no_batch_check": {"sample_labels": _sampler(check_batch=False)},
    "returns_input_when_all_fit": {"sample_labels": _sampler(same_when_all_fit=True)},
    "keeps_label_dtype": {"sample_labels": _sampler(keep_dtype=True)},
    "default_batch_512": {"sample_labels": _sampler(batch_default=512)},
}
CANONICAL = {
    "torchvision": {"match_anchors": torchvision_style_match, "sample_labels": torchvision_style_sample},
    "mmdetection": {"match_anchors": mmdet_style_match, "sample_labels": torchvision_style_sample},
}
SLOW = {}

