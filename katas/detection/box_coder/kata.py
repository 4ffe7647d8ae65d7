"""Encode and decode box regression targets · 边框回归的编码与解码 (Faster R-CNN BoxCoder)

An RPN or a box head does not predict box corners: it predicts how to move and stretch an anchor,
as (dx, dy, dw, dh). Write the encoder that turns a ground-truth box into those targets and the
decoder that turns predicted deltas back into a box, in numpy.

Run the tests: pytest katas/detection/box_coder
"""

import math

import numpy as np

__all__ = ["encode", "decode"]


def encode(anchors: np.ndarray, boxes: np.ndarray, weights=(1.0, 1.0, 1.0, 1.0)) -> np.ndarray:
    """The regression targets that move each anchor onto its box (Faster R-CNN parametrisation).

    Args:
        anchors: float array of shape (N, 4), rows ``x1, y1, x2, y2`` in continuous coordinates
            (width ``x2 - x1``, no ``+ 1``).
        boxes: float array of shape (N, 4): the box that row i of ``anchors`` should move to
            (aligned pairs: row i with row i).
        weights: four positive numbers ``(wx, wy, ww, wh)`` that scale the targets (Faster R-CNN's
            box head uses ``(10, 10, 5, 5)``).

    Returns:
        array of shape (N, 4), rows ``dx, dy, dw, dh``, where for an anchor with centre
        ``(ax, ay)`` and size ``(aw, ah)`` and a box with centre ``(gx, gy)`` and size ``(gw, gh)``
        (centre ``x1 + 0.5 * width``)::

            dx = wx * (gx - ax) / aw        dw = ww * log(gw / aw)
            dy = wy * (gy - ay) / ah        dh = wh * log(gh / ah)

        Its dtype is ``np.result_type(anchors, boxes)`` (float32 in, float32 out), and float64
        input is computed in float64.

    Rules and edge cases:
        - N = 0 gives an empty (0, 4) array.
        - An anchor or box whose width or height is not positive raises ``ValueError`` (the log
          and the division would be undefined), as do shapes other than two (N, 4) arrays.
        - The inputs must not be modified.

    Canonical code: torchvision's ``BoxCoder.encode_single(boxes, anchors)`` (``encode_boxes``)
    follows this statement but checks nothing (a zero width gives ``-inf``, no ``ValueError``).
    Where others differ, each a test of its own: maskrcnn-benchmark and Detectron add
    ``TO_REMOVE = 1`` to widths (test_continuous_coordinates_no_plus_one); mmdetection's
    ``bbox2delta`` (``DeltaXYWHBBoxCoder``, ``stds = 1 / weights``, centre ``(x1 + x2) * 0.5``, the
    same value) casts to float32 (test_result_dtype_follows_inputs,
    test_float64_input_keeps_float64_precision) and asserts shapes (``AssertionError``).
    """
    raise NotImplementedError("encode")


def decode(anchors: np.ndarray, deltas: np.ndarray, weights=(1.0, 1.0, 1.0, 1.0),
           clamp=math.log(1000.0 / 16)) -> np.ndarray:  # noqa: B008 (a constant, evaluated once)
    """The boxes that predicted deltas make of their anchors: the inverse of ``encode``.

    Args:
        anchors: float array of shape (N, 4), ``x1, y1, x2, y2`` as in ``encode``.
        deltas: float array of shape (N, 4), rows ``dx, dy, dw, dh`` for the anchor in the same row.
        weights: the ``(wx, wy, ww, wh)`` the deltas were encoded with: divide by them here.
        clamp: upper bound for ``dw`` and ``dh`` after dividing by the weights, so that ``exp``
            cannot overflow (default ``log(1000 / 16)``: a box at most 62.5 times its anchor's size,
            torchvision's ``bbox_xform_clip``). Only from above: very negative values are kept.

    Returns:
        array of shape (N, 4), boxes ``x1, y1, x2, y2``, of dtype ``np.result_type(anchors,
        deltas)``. With ``dx = deltas[:, 0] / wx``, ..., ``dw = min(deltas[:, 2] / ww, clamp)``,
        ``dh = min(deltas[:, 3] / wh, clamp)``::

            cx = ax + dx * aw      w = aw * exp(dw)      x1 = cx - 0.5 * w      x2 = cx + 0.5 * w
            cy = ay + dy * ah      h = ah * exp(dh)      y1 = cy - 0.5 * h      y2 = cy + 0.5 * h

        so ``decode(anchors, encode(anchors, boxes, weights), weights)`` gives ``boxes`` back
        whenever no clamp applies.

    Rules and edge cases:
        - Huge ``dw``, ``dh`` (1000, say) give finite boxes: no overflow, no RuntimeWarning.
        - ``dx`` and ``dy`` are never clamped: a far shift moves the box that far.
        - N = 0 gives an empty (0, 4) array; shapes other than two (N, 4) arrays raise ``ValueError``.
        - The inputs must not be modified (clamp a copy, not ``deltas`` itself).

    Accuracy: within a few float32 rounding steps of the formulas (relative to the size of the
    coordinates) for float32 input; float64 input is computed in float64.

    Canonical code: torchvision's ``BoxCoder.decode_single(deltas, anchors)`` follows this
    statement (``bbox_xform_clip = log(1000 / 16)``, ``torch.clamp(dw, max=...)``), except that its
    result has the deltas' dtype, not ``np.result_type`` (test_result_dtype_follows_inputs), and it
    checks no shapes. maskrcnn-benchmark and Detectron use ``+ 1`` widths and ``x2 = cx + w / 2 - 1``
    (test_continuous_coordinates_no_plus_one). mmdetection's ``delta2bbox`` (``wh_ratio_clip = 16 /
    1000``: the same bound) clips ``dw``, ``dh`` from below too (test_clamp_only_from_above); with
    ``add_ctr_clamp`` (YOLOF) it also bounds the shift, which this kata never does
    (test_dx_dy_are_not_clamped). The default clamp is test_default_clamp_is_log_1000_over_16.
    """
    raise NotImplementedError("decode")
