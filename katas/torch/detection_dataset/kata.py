"""A detection Dataset and collate_fn for a variable number of boxes · 检测数据集与 collate_fn: 每张图的框数不同

Each image of a detection data set has its own number of boxes (zero included), so the default
collate function, which stacks every field into one tensor, fails as soon as two images of a batch
have different counts. The usual answer: stack the images (all the same size here) and keep the
targets as a list, one dict per image.

Run the tests: pytest katas/torch/detection_dataset
"""

import torch
from torch.utils.data import Dataset

__all__ = ["DetectionDataset", "detection_collate"]


class DetectionDataset(Dataset):
    """``DetectionDataset(images, boxes, labels)``, a map-style ``torch.utils.data.Dataset``.

    Args:
        images: a list of image tensors ``(3, H, W)`` (any float dtype; kept as given).
        boxes: a list of the same length; ``boxes[i]`` is a tensor ``(n_i, 4)`` in ``(x1, y1, x2, y2)``
            pixels, any float dtype, ``n_i >= 0``.
        labels: a list of the same length; ``labels[i]`` is an integer tensor ``(n_i,)``.

    ``len(ds)`` is the number of images. ``ds[i]`` returns ``(image, target)``: ``image`` is
    ``images[i]``; ``target`` is a dict ``{"boxes": float32 (n_i, 4), "labels": int64 (n_i,)}``
    (converted to those dtypes, on the image's device). An image without boxes gives
    ``boxes`` of shape ``(0, 4)`` and ``labels`` of shape ``(0,)``. The lists and their tensors are
    not modified.

    Errors: ``images``, ``boxes`` and ``labels`` of different lengths raise ``ValueError`` (``zip``
    would silently drop the extra entries).

    Canonical code: torchvision's detection reference datasets (``references/detection``,
    ``CocoDetection`` wrapped by ``wrap_dataset_for_transforms_v2``) return the same
    ``(image, {"boxes", "labels"})`` pairs.
    """

    def __init__(self, images: list[torch.Tensor], boxes: list[torch.Tensor], labels: list[torch.Tensor]) -> None:
        raise NotImplementedError("DetectionDataset.__init__")

    def __len__(self) -> int:
        raise NotImplementedError("DetectionDataset.__len__")

    def __getitem__(self, i: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        raise NotImplementedError("DetectionDataset.__getitem__")


def detection_collate(batch: list[tuple[torch.Tensor, dict[str, torch.Tensor]]]):
    """The ``collate_fn`` for a ``DataLoader`` over a ``DetectionDataset``.

    Args:
        batch: a non-empty list of ``(image, target)`` pairs as ``DetectionDataset`` returns them;
            the images all have the same shape ``(3, H, W)``; the targets may hold different
            numbers of boxes.

    Returns:
        ``(images, targets)``: ``images`` one tensor ``(B, 3, H, W)`` (``torch.stack``: same dtype
        and device as the images), ``targets`` a **list** of the ``B`` target dicts in batch order,
        each left as it is (its ``boxes`` ``(n_i, 4)`` are never stacked, padded or concatenated
        across images). Works in the main process and in ``DataLoader`` worker processes
        (``num_workers > 0``). ``batch`` is not modified.

    Canonical code: torchvision's detection reference ``utils.collate_fn`` is
    ``tuple(zip(*batch))``: it also keeps the targets per image, but returns the images as a tuple
    (models there take a list of images of different sizes); here they are stacked into one tensor
    (``test_images_are_stacked``) and the targets are a list.
    """
    raise NotImplementedError("detection_collate")
