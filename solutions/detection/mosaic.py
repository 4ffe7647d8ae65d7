"""YOLOv5's 4-image mosaic on a 2s x 2s canvas, with boxes shifted, clipped and filtered."""

from numbers import Integral

import numpy as np


def _check(images, boxes_list, labels_list, out_size):
    if len(images) != 4 or len(boxes_list) != 4 or len(labels_list) != 4:
        raise ValueError("mosaic needs exactly 4 images, 4 box arrays and 4 label arrays")
    images = [np.asarray(im) for im in images]
    if any(im.ndim != 3 or im.shape[2] != images[0].shape[2] or im.dtype != images[0].dtype for im in images):
        raise ValueError("images must be (H, W, C) arrays with the same C and dtype")
    boxes = [np.asarray(b, np.float64).reshape(-1, 4) if np.size(b) == 0 else np.asarray(b, np.float64)
             for b in boxes_list]
    labels = [np.asarray(lab) for lab in labels_list]
    for b, lab in zip(boxes, labels):
        if b.ndim != 2 or b.shape[1] != 4 or lab.shape != (len(b),):
            raise ValueError("each boxes array must be (N, 4) with labels (N,)")
    if not isinstance(out_size, Integral) or out_size < 1:
        raise ValueError(f"out_size must be an integer >= 1, got {out_size!r}")
    return images, boxes, labels


def mosaic(images, boxes_list, labels_list, out_size: int, rng: np.random.Generator | None,
           fill=114, center=None):
    images, boxes, labels = _check(images, boxes_list, labels_list, out_size)
    s = int(out_size)
    if center is None:
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng must be a numpy.random.Generator when center is None")
        yc, xc = (int(v) for v in rng.uniform(s / 2, 3 * s / 2, size=2))
    else:
        xc, yc = center
        if not (isinstance(xc, Integral) and isinstance(yc, Integral) and 0 <= xc <= 2 * s and 0 <= yc <= 2 * s):
            raise ValueError(f"center must be two integers in [0, {2 * s}], got {center!r}")
        xc, yc = int(xc), int(yc)

    canvas = np.full((2 * s, 2 * s, images[0].shape[2]), fill, dtype=images[0].dtype)
    kept_boxes, kept_labels = [], []
    for i, (img, b, lab) in enumerate(zip(images, boxes, labels)):
        h, w = img.shape[:2]
        ox = xc - w if i in (0, 2) else xc  # canvas position of the image's pixel (0, 0)
        oy = yc - h if i in (0, 1) else yc
        x1, y1 = max(ox, 0), max(oy, 0)  # the part of the image that lies on the canvas
        x2, y2 = min(ox + w, 2 * s), min(oy + h, 2 * s)
        if x2 > x1 and y2 > y1:
            canvas[y1:y2, x1:x2] = img[y1 - oy:y2 - oy, x1 - ox:x2 - ox]
        moved = np.clip(b + [ox, oy, ox, oy], 0, 2 * s)
        keep = (moved[:, 2] > moved[:, 0]) & (moved[:, 3] > moved[:, 1])
        kept_boxes.append(moved[keep])
        kept_labels.append(lab[keep].astype(np.int64))
    return canvas, np.concatenate(kept_boxes).reshape(-1, 4), np.concatenate(kept_labels)
