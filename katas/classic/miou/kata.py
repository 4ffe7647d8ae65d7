"""Mean IoU for semantic segmentation · 语义分割评估指标 mIoU

Semantic segmentation is scored per class by the intersection over union of the predicted and the
true pixel sets, then averaged over classes. Compute it in numpy, with ignored pixels and classes
that never occur handled the way segmentation benchmarks do.

Run the tests: pytest katas/classic/miou
"""

import numpy as np

__all__ = ["mean_iou"]


def mean_iou(pred: np.ndarray, target: np.ndarray, num_classes: int, ignore_index: int = 255):
    """Per-class IoU and their mean over a whole set of label maps.

    Args:
        pred: integer array (any integer dtype, uint8 included) of predicted class ids.
        target: integer array of the same shape (any shape: (H, W), a batch (N, H, W), flat, or
            empty) of true class ids.
        num_classes: K >= 1; valid class ids are 0 .. K - 1.
        ignore_index: pixels where ``target == ignore_index`` are left out **entirely**: they count
            neither in the target's pixel sets nor in the prediction's, whatever ``pred`` says there.

    Returns:
        ``(miou, per_class_iou)``:
        - ``per_class_iou``: float64 array of shape (K,). For class c, over the pixels that are
          not ignored, ``IoU_c = |pred == c and target == c| / |pred == c or target == c|``.
          A class absent from both prediction and target (union 0) has IoU **NaN** (no warning).
        - ``miou``: a Python float (``float`` or ``numpy.float64``), the mean of the non-NaN entries
          of ``per_class_iou`` (a class that never occurs is not counted as 0 or 1); NaN when every
          entry is NaN (no pixel left, e.g. all ignored or empty input).
        All pixels of the input are pooled into one count per class: for a batch, this is the
        dataset-level mIoU, not the average of per-image mIoUs.

    Errors (``ValueError``):
        - ``pred`` and ``target`` of different shapes;
        - a non-ignored pixel whose ``pred`` or ``target`` is outside [0, K) (for example a
          prediction of 255 where the target is a real class). Ignored pixels may hold anything.

    Inputs must not be modified. Watch the integer dtype: uint8 arithmetic wraps around.
    Speed: vectorised (no Python loop over pixels).

    Canonical code: mmsegmentation's ``intersect_and_union`` and ``total_area_to_metrics`` (masks
    out ``ignore_index``, pools areas over the dataset, ``mIoU = nanmean``) gives the same values.
    It differs in checks, each a test of its own: class ids outside [0, K) fall silently outside
    its histogram bins (test_out_of_range_classes_raise), it checks no shapes
    (test_shape_mismatch_raises), and an absent class's 0 / 0 warns
    (test_empty_union_is_nan_without_warning). Output types: test_returns_float64_and_float.
    """
    raise NotImplementedError("mean_iou")
