"""RoIAlign · RoIAlign（双线性插值的区域特征对齐）

Mask R-CNN's RoIAlign pools a fixed-size feature for every region of interest without rounding
its coordinates: each output bin averages bilinearly interpolated samples of the feature map. Write
it in numpy with exactly the semantics of ``torchvision.ops.roi_align``.

Run the tests: pytest katas/detection/roi_align
"""

import numpy as np

__all__ = ["roi_align"]


def roi_align(features: np.ndarray, rois: np.ndarray, output_size, spatial_scale: float = 1.0,
              sampling_ratio: int = -1, aligned: bool = False) -> np.ndarray:
    """RoIAlign with average pooling, exactly as ``torchvision.ops.roi_align`` computes it on the CPU.

    Args:
        features: float32 or float64 array of shape (N, C, H, W), H >= 1 and W >= 1. Value
            ``features[n, c, i, j]`` sits at the point y = i, x = j of the feature map: pixel
            centres are at integer coordinates.
        rois: float array of shape (K, 5), one row ``batch_index, x1, y1, x2, y2`` per region:
            ``batch_index`` is a whole number in [0, N) that picks the image; the corners are in
            input-image coordinates (x right, y down).
        output_size: ``int`` or ``(out_h, out_w)`` of positive ints: bins per RoI along y and x.
        spatial_scale: multiplies the corner coordinates (never the batch index) to reach feature
            map coordinates, e.g. 1/16 for a stride-16 feature map.
        sampling_ratio: sample points per bin along each axis; ``<= 0`` means adaptive (step 4).
        aligned: True shifts the scaled box by half a pixel (Detectron2's RoIAlign); False is the
            legacy behaviour (no shift, but a minimum RoI size of 1).

    Returns:
        array of shape (K, C, out_h, out_w) with the dtype of ``features``.

    The computation for one RoI. Do all coordinate arithmetic in float64, whatever the dtypes,
    and in the order written here (it is torchvision's):
        1. ``offset = 0.5 if aligned else 0.0``; ``x1' = x1 * spatial_scale - offset``, and
           likewise ``y1', x2', y2'``.
        2. ``roi_w = x2' - x1'``, ``roi_h = y2' - y1'``. If not aligned, ``roi_w = max(roi_w, 1)``
           and ``roi_h = max(roi_h, 1)``; if aligned they are used as they are (even 0 or < 0).
        3. ``bin_w = roi_w / out_w``, ``bin_h = roi_h / out_h``.
        4. ``grid_h = sampling_ratio`` if ``sampling_ratio > 0``, else ``ceil(roi_h / out_h)``,
           computed for each RoI on its own (a large RoI gets more samples than a small one);
           ``grid_w`` likewise with ``roi_w / out_w``.
        5. Bin ``(ph, pw)`` takes the ``grid_h * grid_w`` sample points
           ``y = y1' + ph * bin_h + (iy + 0.5) * bin_h / grid_h`` for ``iy`` in ``range(grid_h)``,
           ``x = x1' + pw * bin_w + (ix + 0.5) * bin_w / grid_w`` for ``ix`` in ``range(grid_w)``:
           the centres of a ``grid_h x grid_w`` grid of cells inside the bin, not its corners.
        6. The value of a sample at (y, x) in image ``batch_index``, channel c:
           - 0 if ``y < -1`` or ``y > H`` or ``x < -1`` or ``x > W`` (more than a pixel outside);
           - otherwise ``y = max(y, 0)``; ``y_low = floor(y)``; if ``y_low >= H - 1`` then
             ``y_low = y_high = H - 1`` and ``y = H - 1``, else ``y_high = y_low + 1``; x likewise
             with W. So -1 <= y <= 0 reads row 0 and H - 1 <= y <= H reads row H - 1: never an
             index outside the map.
           - bilinear interpolation with ``ly = y - y_low``, ``lx = x - x_low``:
             ``(1-ly)(1-lx) f[y_low, x_low] + (1-ly) lx f[y_low, x_high]
             + ly (1-lx) f[y_high, x_low] + ly lx f[y_high, x_high]``.
        7. ``out[k, c, ph, pw]`` = the sum of the bin's sample values / ``(grid_h * grid_w)``:
           samples that were 0 because they fell outside still count in the denominator. The
           average, not the max. If ``grid_h <= 0`` or ``grid_w <= 0`` (only possible with
           ``aligned=True``, ``sampling_ratio <= 0`` and a RoI of zero or negative size) there
           are no samples and the bin is 0.

    Edge cases and errors:
        - K = 0 gives an empty array of shape (0, C, out_h, out_w).
        - ``features`` and ``rois`` must not be modified.
        - ``ValueError`` when ``features`` is not 4-D or has H = 0 or W = 0, when ``rois`` is not
          (K, 5), when ``output_size`` is not positive, or when a batch index is not a whole number
          in [0, N).

    Canonical code: torchvision's CPU kernel (``torchvision/csrc/ops/cpu/roi_align_kernel.cpp``:
    ``roi_align_forward_kernel_impl``, ``pre_calc_for_bilinear_interpolate``) is the definition,
    steps 1-7 above, for ``aligned`` False and True, any ``sampling_ratio`` and ``spatial_scale``.
    Detectron2's ``ROIAlign(aligned=True)`` and mmcv's ``RoIAlign(pool_mode="avg")`` compute the
    same. The statement adds what torchvision leaves unchecked: the ValueErrors below
    (the contract tests), and the output keeps the features' dtype
    (``test_output_keeps_the_features_dtype``).

    Speed: vectorise over the channels and the sample points of a RoI (a Python loop over the
    RoIs is fine; a loop over sample points is not). 60 RoIs on a 2 x 16 x 50 x 68 feature map
    must run within the ratio to the reference that ``kata.toml`` gives under [speed].
    """
    raise NotImplementedError("roi_align")
