"""Known-wrong answers to detection/mosaic and answers in the style of the canonical codes; `nox -s
verify` proves the tests catch every wrong one. Never shown to learners."""

from numbers import Integral

import numpy as np

from solutions.detection import mosaic as ref


def _mutant(*, clip=True, clip_hi=0, sign=1, swap_xy=False, drop="clipped", filter_labels=True, crop="right",
            left_shift=0, draw="stated", in_place=False, shift_by_paste=False, canvas_dtype=None,
            boxes_dtype=np.float64, checks=("count", "images", "boxes", "size", "centre", "rng")):
    """The reference with one thing changed. `checks` lists the input checks it keeps; without
    them it is written the general way (canvas of shape (2s, 2s) + img.shape[2:], boxes shifted
    column by column, labels picked by index), so that bad input passes silently."""

    def mosaic(images, boxes_list, labels_list, out_size, rng, fill=114, center=None):
        images = [np.asarray(im) for im in images]
        boxes = [np.asarray(b, np.float64).reshape(-1, 4) if np.size(b) == 0 else np.asarray(b, np.float64)
                 for b in boxes_list]
        labels = [np.asarray(lab) for lab in labels_list]
        if "count" in checks and not (len(images) == len(boxes) == len(labels) == 4):
            raise ValueError("4 images")
        if "images" in checks and any(im.ndim != 3 or im.shape[2] != images[0].shape[2]
                                      or im.dtype != images[0].dtype for im in images):
            raise ValueError("images")
        if "boxes" in checks and any(b.ndim != 2 or b.shape[1] != 4 or lab.shape != (len(b),)
                                     for b, lab in zip(boxes, labels)):
            raise ValueError("boxes")
        if "size" in checks and out_size < 1:
            raise ValueError("out_size")
        if in_place:  # shifts the caller's arrays
            boxes = [b if isinstance(b, np.ndarray) and b.dtype == np.float64 else np.asarray(b, np.float64)
                     for b in boxes_list]
        s = int(out_size)
        if center is None:
            if "rng" in checks and not isinstance(rng, np.random.Generator):
                raise ValueError("rng must be a Generator")
            if draw == "integers":
                yc, xc = (int(v) for v in rng.integers(s // 2, 3 * s // 2, size=2))
            else:
                a, b_ = (int(v) for v in rng.uniform(s / 2, 3 * s / 2, size=2))
                yc, xc = (b_, a) if draw == "x_first" else (a, b_)
        else:
            xc, yc = center
            if "centre" in checks and not (0 <= xc <= 2 * s and 0 <= yc <= 2 * s):
                raise ValueError("center outside")
        canvas = np.full((2 * s, 2 * s, *images[0].shape[2:]), fill, dtype=canvas_dtype or images[0].dtype)
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
            dx, dy = (x1, y1) if shift_by_paste else (ox, oy)  # the paste corner, not the image's (0, 0)
            if swap_xy:
                dx, dy = dy, dx
            moved = b if in_place else b.copy()
            moved[:, [0, 2]] += sign * dx
            moved[:, [1, 3]] += sign * dy
            visible = np.clip(moved, 0, 2 * s - clip_hi)
            if clip:
                moved = visible
            if drop == "clipped":
                keep = np.flatnonzero((visible[:, 2] > visible[:, 0]) & (visible[:, 3] > visible[:, 1]))
            else:
                keep = np.arange(len(moved))
            out_b.append(moved[keep])
            out_l.append((lab[keep] if filter_labels else lab).astype(np.int64))
        return canvas, np.concatenate(out_b).reshape(-1, 4).astype(boxes_dtype), np.concatenate(out_l)

    return mosaic


def _without(check):
    return _mutant(checks=tuple(c for c in ("count", "images", "boxes", "size", "centre", "rng") if c != check))


def _canonical_checks(images, boxes_list, labels_list, out_size, rng, center):
    images, boxes, labels = ref._check(images, boxes_list, labels_list, out_size)
    if center is None and not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy.random.Generator when center is None")
    if center is not None and not all(isinstance(v, Integral) and 0 <= v <= 2 * out_size for v in center):
        raise ValueError("center must be two integers in [0, 2s]")
    return images, boxes, labels


def yolov5_load_mosaic(images, boxes_list, labels_list, out_size, rng, fill=114, center=None):
    """Written in the style of YOLOv5's load_mosaic: its border -s // 2, a uint8 canvas, the
    x1a/x1b slices, padw/padh, np.clip(..., out=) and no dropping of boxes clipped to nothing
    (random_perspective's box_candidates would filter them later). Input checks added."""
    images, boxes, labels = _canonical_checks(images, boxes_list, labels_list, out_size, rng, center)
    s = out_size
    mosaic_border = [-s // 2, -s // 2]
    if center is None:
        yc, xc = (int(rng.uniform(-x, 2 * s + x)) for x in mosaic_border)
    else:
        xc, yc = center
    labels4 = []
    for i, img in enumerate(images):
        h, w = img.shape[:2]
        if i == 0:  # top left
            img4 = np.full((s * 2, s * 2, img.shape[2]), fill, dtype=np.uint8)
            x1a, y1a, x2a, y2a = max(xc - w, 0), max(yc - h, 0), xc, yc
            x1b, y1b, x2b, y2b = w - (x2a - x1a), h - (y2a - y1a), w, h
        elif i == 1:  # top right
            x1a, y1a, x2a, y2a = xc, max(yc - h, 0), min(xc + w, s * 2), yc
            x1b, y1b, x2b, y2b = 0, h - (y2a - y1a), min(w, x2a - x1a), h
        elif i == 2:  # bottom left
            x1a, y1a, x2a, y2a = max(xc - w, 0), yc, xc, min(s * 2, yc + h)
            x1b, y1b, x2b, y2b = w - (x2a - x1a), 0, w, min(y2a - y1a, h)
        else:  # bottom right
            x1a, y1a, x2a, y2a = xc, yc, min(xc + w, s * 2), min(s * 2, yc + h)
            x1b, y1b, x2b, y2b = 0, 0, min(w, x2a - x1a), min(y2a - y1a, h)
        img4[y1a:y2a, x1a:x2a] = img[y1b:y2b, x1b:x2b]
        padw, padh = x1a - x1b, y1a - y1b
        rows = np.concatenate([labels[i][:, None].astype(np.float64), boxes[i]], axis=1)
        rows[:, 1:] += [padw, padh, padw, padh]
        labels4.append(rows)
    labels4 = np.concatenate(labels4, 0)
    np.clip(labels4[:, 1:], 0, 2 * s, out=labels4[:, 1:])
    return img4, labels4[:, 1:], labels4[:, 0].astype(np.int64)


def ultralytics_mosaic4(images, boxes_list, labels_list, out_size, rng, fill=114, center=None):
    """Written in the style of ultralytics' Mosaic._mosaic4 and _cat_labels: the same tiles as
    YOLOv5, then clip to the canvas and keep only boxes of positive area (remove_zero_area_boxes)."""
    images, boxes, labels = _canonical_checks(images, boxes_list, labels_list, out_size, rng, center)
    s = out_size
    border = (-s // 2, -s // 2)
    yc, xc = (int(rng.uniform(-x, 2 * s + x)) for x in border) if center is None else center[::-1]
    img4 = np.full((s * 2, s * 2, images[0].shape[2]), fill, dtype=np.uint8)
    all_boxes, all_cls = [], []
    for i, img in enumerate(images):
        h, w = img.shape[:2]
        left, top = i in (0, 2), i in (0, 1)
        x1a, x2a = (max(xc - w, 0), xc) if left else (xc, min(xc + w, 2 * s))
        y1a, y2a = (max(yc - h, 0), yc) if top else (yc, min(yc + h, 2 * s))
        x1b = w - (x2a - x1a) if left else 0
        y1b = h - (y2a - y1a) if top else 0
        img4[y1a:y2a, x1a:x2a] = img[y1b:y1b + (y2a - y1a), x1b:x1b + (x2a - x1a)]
        padw, padh = x1a - x1b, y1a - y1b
        all_boxes.append(boxes[i] + [padw, padh, padw, padh])
        all_cls.append(labels[i].astype(np.int64))
    b, cls = np.concatenate(all_boxes).reshape(-1, 4), np.concatenate(all_cls)
    b[:, [0, 2]] = b[:, [0, 2]].clip(0, 2 * s)
    b[:, [1, 3]] = b[:, [1, 3]].clip(0, 2 * s)
    good = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) > 0
    return img4, b[good], cls[good]


WRONG = {
    "offset_wrong_sign": {"mosaic": _mutant(sign=-1)},
    "offset_xy_swapped": {"mosaic": _mutant(swap_xy=True)},
    "boxes_shifted_by_paste_corner": {"mosaic": _mutant(shift_by_paste=True)},
    "clip_to_2s_minus_1": {"mosaic": _mutant(clip_hi=1)},
    "labels_not_filtered": {"mosaic": _mutant(filter_labels=False)},
    "crop_wrong_side": {"mosaic": _mutant(crop="left")},
    "left_images_off_by_one": {"mosaic": _mutant(left_shift=1)},
    "mutates_boxes": {"mosaic": _mutant(in_place=True)},
    "boxes_not_clipped": {"mosaic": _mutant(clip=False, drop="never")},
    "not_clipped_off_canvas_dropped": {"mosaic": _mutant(clip=False)},
    "degenerate_boxes_kept": {"mosaic": _mutant(drop="never")},
    "centre_drawn_x_first": {"mosaic": _mutant(draw="x_first")},
    "centre_from_integers": {"mosaic": _mutant(draw="integers")},
    "canvas_always_uint8": {"mosaic": _mutant(canvas_dtype=np.uint8)},
    "boxes_float32": {"mosaic": _mutant(boxes_dtype=np.float32)},
    "no_count_check": {"mosaic": _without("count")},
    "no_image_check": {"mosaic": _without("images")},
    "no_box_shape_check": {"mosaic": _without("boxes")},
    "no_out_size_check": {"mosaic": _without("size")},
    "no_centre_check": {"mosaic": _without("centre")},
    "no_rng_check": {"mosaic": _without("rng")},
}
CANONICAL = {
    "yolov5_load_mosaic": {"mosaic": yolov5_load_mosaic},
    "ultralytics_mosaic4": {"mosaic": ultralytics_mosaic4},
}
SLOW = {}
