"""Known-wrong answers to detection/mosaic; `nox -s verify` proves the tests catch every one.
Never shown to learners."""

import numpy as np

from solutions.detection import mosaic as ref


def _mutant(*, clip=True, sign=1, swap_xy=False, drop_degenerate=True, filter_labels=True, crop="right",
            left_shift=0, draw_x_first=False, in_place=False):
    def mosaic(images, boxes_list, labels_list, out_size, rng, fill=114, center=None):
        images, boxes, labels = ref._check(images, boxes_list, labels_list, out_size)
        if in_place:  # shifts the caller's arrays
            boxes = [b if isinstance(b, np.ndarray) and b.dtype == np.float64 else np.asarray(b, np.float64)
                     for b in boxes_list]
        s = int(out_size)
        if center is None:
            if not isinstance(rng, np.random.Generator):
                raise ValueError("rng must be a Generator")
            a, b_ = (int(v) for v in rng.uniform(s / 2, 3 * s / 2, size=2))
            xc, yc = (a, b_) if draw_x_first else (b_, a)
        else:
            xc, yc = center
            if not (0 <= xc <= 2 * s and 0 <= yc <= 2 * s) or isinstance(xc, float) or isinstance(yc, float):
                raise ValueError("center outside")
        canvas = np.full((2 * s, 2 * s, images[0].shape[2]), fill, dtype=images[0].dtype)
        out_b, out_l = [], []
        for i, (img, b, lab) in enumerate(zip(images, boxes, labels)):
            h, w = img.shape[:2]
            ox = xc - w + left_shift if i in (0, 2) else xc
            oy = yc - h if i in (0, 1) else yc
            x1, y1, x2, y2 = max(ox, 0), max(oy, 0), min(ox + w, 2 * s), min(oy + h, 2 * s)
            if x2 > x1 and y2 > y1:
                if crop == "left":  # keeps the image's top-left part whatever was cut off
                    canvas[y1:y2, x1:x2] = img[:y2 - y1, :x2 - x1]
                else:
                    canvas[y1:y2, x1:x2] = img[y1 - oy:y2 - oy, x1 - ox:x2 - ox]
            shift = np.array([oy, ox, oy, ox] if swap_xy else [ox, oy, ox, oy], np.float64) * sign
            if in_place:
                b += shift
                moved = b
            else:
                moved = b + shift
            if clip:
                moved = np.clip(moved, 0, 2 * s)
            keep = (moved[:, 2] > moved[:, 0]) & (moved[:, 3] > moved[:, 1])
            if not drop_degenerate:
                keep = np.ones(len(moved), bool)
            out_b.append(moved[keep])
            out_l.append((lab[keep] if filter_labels else lab).astype(np.int64))
        return canvas, np.concatenate(out_b).reshape(-1, 4), np.concatenate(out_l)

    return mosaic


WRONG = {
    "boxes_not_clipped": {"mosaic": _mutant(clip=False)},
    "offset_wrong_sign": {"mosaic": _mutant(sign=-1)},
    "offset_xy_swapped": {"mosaic": _mutant(swap_xy=True)},
    "degenerate_boxes_kept": {"mosaic": _mutant(drop_degenerate=False)},
    "labels_not_filtered": {"mosaic": _mutant(filter_labels=False)},
    "crop_wrong_side": {"mosaic": _mutant(crop="left")},
    "left_images_off_by_one": {"mosaic": _mutant(left_shift=1)},
    "centre_drawn_x_first": {"mosaic": _mutant(draw_x_first=True)},
    "mutates_boxes": {"mosaic": _mutant(in_place=True)},
}
SLOW = {}
