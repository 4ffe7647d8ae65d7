"""detection/nms: the reference against OpenCV's NMSBoxes (and torchvision's nms where it imports)."""

import numpy as np
import pytest

from cvkatas.data import clustered_boxes
from solutions.detection.nms import nms

GROUP = "detection/nms 5000 boxes"
rng = np.random.default_rng(0)
BOXES = clustered_boxes(5000, rng)
SCORES = rng.random(5000).astype(np.float32)


def test_reference(benchmark):
    benchmark.group = GROUP
    benchmark(nms, BOXES, SCORES, 0.5)


def test_opencv_NMSBoxes(benchmark):
    cv2 = pytest.importorskip("cv2")
    benchmark.group = GROUP
    xywh = np.concatenate([BOXES[:, :2], BOXES[:, 2:] - BOXES[:, :2]], axis=1).tolist()
    benchmark(cv2.dnn.NMSBoxes, xywh, SCORES.tolist(), 0.0, 0.5)


def test_torchvision_nms(benchmark):
    torch = pytest.importorskip("torch")
    ops = pytest.importorskip("torchvision.ops")
    benchmark.group = GROUP
    benchmark(ops.nms, torch.from_numpy(BOXES), torch.from_numpy(SCORES), 0.5)
