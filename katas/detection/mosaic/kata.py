"""YOLO mosaic augmentation · YOLOv4/v5 Mosaic 数据增强 (四图拼接与框变换)

Mosaic (YOLOv4, YOLOv5) pastes four training images around a random centre on one large canvas,
so that every batch sees objects at new positions, cut at new borders and next to new context.
The boxes must follow their pixels: shifted with their image, clipped to the canvas, and dropped
(labels too) when nothing of them is left. Write the YOLOv5 4-image mosaic, seeded.

Run the tests: pytest katas/detection/mosaic
"""

import numpy as np

__all__ = ["mosaic"]


def mosaic(images, boxes_list, labels_list, out_size: int, rng: np.random.Generator | None,
           fill=114, center=None):
    """Paste four images around a centre on a ``2 * out_size`` square canvas; move their boxes along.

    Args:
        images: a list of exactly 4 arrays of shape (H_i, W_i, C), the same C and dtype for all
            (uint8 or float); sizes may differ, and an image may be larger than ``out_size``.
        boxes_list: 4 float arrays of shape (N_i, 4) (N_i may be 0), each box ``x1, y1, x2, y2``
            in pixels of its own image, continuous coordinates (a box over pixel columns 2..4 is
            ``x1 = 2, x2 = 5``), inside that image.
        labels_list: 4 integer arrays of shape (N_i,), one class per box.
        out_size: s, an int >= 1. The canvas is ``2s x 2s`` (YOLOv5's ``img4``, before any random
            perspective or crop).
        rng: a ``numpy.random.Generator``; used only to draw the centre, so it may be ``None``
            when ``center`` is given.
        fill: the canvas value wherever no image lands (YOLOv5's grey 114).
        center: ``(xc, yc)``, two integers in [0, 2s], or ``None`` to draw it.

    The centre, when drawn, takes exactly one call and nothing else is random::

        yc, xc = (int(v) for v in rng.uniform(s / 2, 3 * s / 2, size=2))   # yc first, as YOLOv5

    Placement (each image keeps its size; nothing is resized):
        - image 0, top-left: its bottom-right corner at (xc, yc), i.e. its pixel (0, 0) lands on
          canvas column ``xc - W_0``, row ``yc - H_0``;
        - image 1, top-right: its bottom-left corner at (xc, yc): offset ``(xc, yc - H_1)``;
        - image 2, bottom-left: its top-right corner at (xc, yc): offset ``(xc - W_2, yc)``;
        - image 3, bottom-right: its top-left corner at (xc, yc): offset ``(xc, yc)``.
        Pixel (r, c) of image i goes to canvas row ``r + oy_i``, column ``c + ox_i``; the parts
        that fall outside the canvas are cut off (crop each image, do not wrap). The four never
        overlap.

    Boxes: each box of image i is shifted by its image's offset ``(ox_i, oy_i, ox_i, oy_i)``, then
    clipped to the canvas, ``[0, 2s]`` on both axes. A box left with width <= 0 or height <= 0
    (it lay in a part that was cut off, or touches the canvas edge only from outside) is dropped
    together with its label; a box that touches the edge from inside stays.

    Returns:
        ``(canvas, boxes, labels)``:
            - canvas: a new array (2s, 2s, C) with the images' dtype (float images stay float);
            - boxes: float64 (N, 4), the kept boxes in canvas pixels: image 0's kept boxes in their
              input order, then image 1's, 2's and 3's;
            - labels: int64 (N,), in step with ``boxes``.
        The same generator state gives the same result. Inputs are not modified.

    Not 4 images, images that are not 3-D or differ in C or dtype, boxes not (N_i, 4), labels not
    (N_i,), ``out_size < 1``, a centre outside [0, 2s], or ``rng`` not a Generator while
    ``center`` is ``None`` raise ``ValueError``.

    Canonical code: YOLOv5's ``load_mosaic`` (utils/dataloaders.py) and ultralytics'
    ``Mosaic._mosaic4`` place and crop the four tiles exactly as here (their ``x1a:x2a`` /
    ``x1b:x2b`` slices, ``padw = x1a - x1b``) and clip the boxes to ``[0, 2s]``. Where they differ,
    each is a convention test of its own: they resize each image to ``s`` first (not here: nothing
    is resized); their ``mosaic_border = -s // 2`` draws the centre from ``[(s + 1) / 2,
    (3s - 1) / 2)`` for odd s, with Python's ``random`` (test_centre_is_one_uniform_call_yc_first);
    their canvas is always uint8 (test_canvas_keeps_the_images_dtype); YOLOv5's ``load_mosaic``
    keeps boxes clipped to zero width and leaves the filtering to ``random_perspective``'s
    ``box_candidates``, while ultralytics drops them (``remove_zero_area_boxes``), as here
    (test_boxes_with_nothing_left_are_dropped). mmdetection's ``Mosaic`` clips only with
    ``bbox_clip_border=True`` (test_boxes_are_clipped_to_the_canvas) and drops boxes not inside the
    canvas. The other tests accept either box convention.
    """
    raise NotImplementedError("mosaic")
