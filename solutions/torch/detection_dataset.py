"""A detection Dataset with a variable number of boxes per image, and its collate_fn."""

import torch
from torch.utils.data import Dataset


class DetectionDataset(Dataset):
    def __init__(self, images: list[torch.Tensor], boxes: list[torch.Tensor], labels: list[torch.Tensor]) -> None:
        if not len(images) == len(boxes) == len(labels):
            raise ValueError(f"{len(images)} images, {len(boxes)} box tensors, {len(labels)} label tensors")
        self.images, self.boxes, self.labels = images, boxes, labels

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        image = self.images[i]
        boxes = self.boxes[i].to(image.device, torch.float32).reshape(-1, 4)  # (0, 4) when there are none
        labels = self.labels[i].to(image.device, torch.int64).reshape(-1)
        return image, {"boxes": boxes, "labels": labels}


def detection_collate(batch):
    images, targets = zip(*batch)
    # images share a size: stack them; box counts differ: keep one target dict per image
    return torch.stack(images), list(targets)
