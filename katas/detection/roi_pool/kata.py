"""RoIPool · RoIPool（感兴趣区域池化，坐标量化）

Fast R-CNN's RoIPool turns every region of interest into a fixed-size feature by snapping the box
to the feature-map grid, cutting it into bins and taking the max in each. Write it in numpy with
exactly the semantics of ``torchvision.ops.roi_pool``, quantisation included.

Run the tests: pytest katas/detection/roi_pool
"""

import numpy as np

__all__ = ["roi_pool"]


def roi_pool(features: np.ndarray, rois: np.ndarray, output_size, spatial_scale: float = 1.0) -> np.ndarray:
    """RoIPool (max pooling over quantised bins), exactly as ``torchvision.ops.roi_pool`` on the CPU.

    Args:
        features: float32 or float64 array of shape (N, C, H, W), H >= 1 and W >= 1. Pixel
            ``features[n, c, i, j]`` is row i, column j of the feature map.
        rois: float array of shape (K, 5), one row ``batch_index, x1, y1, x2, y2`` per region:
            ``batch_index`` is a whole number in [0, N) that picks the image; the corners are in
            input-image coordinates (x right, y down).
        output_size: ``int`` or ``(out_h, out_w)`` of positive ints: bins per RoI along y and x.
        spatial_scale: multiplies the corner coordinates (never the batch index) to reach feature
            map coordinates, e.g. 1/16 for a stride-16 feature map.

    Returns:
        array of shape (K, C, out_h, out_w) with the dtype of ``features``.

    The computation for one RoI (arithmetic in float64 whatever the dtypes; torchvision uses the
    features' dtype, so this matches it exactly for float64 input):
        1. Quantise the corners to pixels: ``x_start = round(x1 * spatial_scale)``,
           ``x_end = round(x2 * spatial_scale)``, ``y_start``, ``y_end`` likewise, where ``round``
           is C's: halves go away from zero (2.5 -> 3, 3.5 -> 4, -0.5 -> -1). ``np.round`` and
           Python's ``round`` send halves to the even neighbour (2.5 -> 2): not this.
        2. The quantised box includes both end pixels: ``roi_w = max(x_end - x_start + 1, 1)``,
           ``roi_h = max(y_end - y_start + 1, 1)`` (a box with x2 < x1 becomes 1 pixel wide).
        3. ``bin_h = roi_h / out_h`` and ``bin_w = roi_w / out_w`` (floats). Bin ``(ph, pw)`` covers
           rows ``floor(ph * bin_h)`` up to ``ceil((ph + 1) * bin_h)`` (end excluded), computed in
           exactly this order (``(ph + 1) * roi_h / out_h`` rounds differently in rare cases and
           moves a bin's end by a pixel), then shifted by ``y_start`` and clipped to [0, H];
           columns likewise with ``bin_w``, ``x_start`` and W. Neighbouring bins may share a
           row or a column: bin edges round outwards.
        4. ``out[k, c, ph, pw]`` = the max of ``features[batch_index, c]`` over the bin's rows
           and columns. A bin that is empty after clipping (the RoI hangs off the map) is 0, not
           -inf.

    Edge cases and errors:
        - K = 0 gives an empty array of shape (0, C, out_h, out_w).
        - ``features`` and ``rois`` must not be modified.
        - ``ValueError`` when ``features`` is not 4-D or has H = 0 or W = 0, when ``rois`` is not
          (K, 5), when ``output_size`` is not positive, or when a batch index is not a whole number
          in [0, N).

    Canonical code: torchvision's CPU kernel (``torchvision/csrc/ops/cpu/roi_pool_kernel.cpp``,
    ``roi_pool_forward_kernel_impl``: ``round()`` of the scaled corners, ``+ 1`` sizes,
    ``floor(ph * bin_size_h)`` / ``ceil((ph + 1) * bin_size_h)``, clipping, empty bin 0) is the
    definition; it is also Fast R-CNN's Caffe RoIPooling layer. Two conventions are tests of their
    own: C's rounding of halves (``test_coordinates_round_half_away_from_zero``; ``np.round`` differs)
    and the order of the bin-end product (``test_bin_edges_use_the_float_bin_size``). The statement
    adds what torchvision leaves unchecked: the ValueErrors (contract tests) and the output dtype
    of the features for any rois dtype (``test_output_keeps_the_features_dtype``).

    Speed: not tested; a Python loop over RoIs and bins with the max taken over all channels at
    once is the usual answer.
    """
    raise NotImplementedError("roi_pool")
