"""Faster R-CNN box coder: (dx, dy, dw, dh) deltas between anchors and boxes, and back."""

import math

import numpy as np


def _check(a, b, names):
    if a.ndim != 2 or a.shape[1] != 4 or b.shape != a.shape:
        raise ValueError(f"{names[0]} and {names[1]} must both have shape (N, 4), got {a.shape} and {b.shape}")


def _centre_size(boxes):
    wh = boxes[:, 2:] - boxes[:, :2]
    return boxes[:, :2] + 0.5 * wh, wh


def encode(anchors: np.ndarray, boxes: np.ndarray, weights=(1.0, 1.0, 1.0, 1.0)) -> np.ndarray:
    anchors, boxes = np.asarray(anchors), np.asarray(boxes)
    _check(anchors, boxes, ("anchors", "boxes"))
    dtype = np.result_type(anchors, boxes)
    a_c, a_wh = _centre_size(anchors.astype(dtype, copy=False))
    g_c, g_wh = _centre_size(boxes.astype(dtype, copy=False))
    if (a_wh <= 0).any() or (g_wh <= 0).any():
        raise ValueError("every anchor and box needs a positive width and height")
    w = np.asarray(weights, dtype)
    deltas = np.concatenate([(g_c - a_c) / a_wh, np.log(g_wh / a_wh)], axis=1) * w
    return deltas.astype(dtype, copy=False)


def decode(anchors: np.ndarray, deltas: np.ndarray, weights=(1.0, 1.0, 1.0, 1.0),
           clamp=math.log(1000.0 / 16)) -> np.ndarray:  # noqa: B008 (a constant, evaluated once)
    anchors, deltas = np.asarray(anchors), np.asarray(deltas)
    _check(anchors, deltas, ("anchors", "deltas"))
    dtype = np.result_type(anchors, deltas)
    a_c, a_wh = _centre_size(anchors.astype(dtype, copy=False))
    d = deltas.astype(dtype) / np.asarray(weights, dtype)  # a new array: deltas stays untouched
    centre = a_c + d[:, :2] * a_wh
    size = a_wh * np.exp(np.minimum(d[:, 2:], clamp))  # clamp from above only, after the weights
    return np.concatenate([centre - 0.5 * size, centre + 0.5 * size], axis=1).astype(dtype, copy=False)
