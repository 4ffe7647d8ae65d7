"""Known-wrong and canonical-style answers to torch/detection_dataset; `nox -s verify` proves the tests
catch every one. Never shown to learners."""

import torch
from torch.utils.data import Dataset, default_collate


def _dataset(*, convert=True, check=True):
    class DetectionDataset(Dataset):
        def __init__(self, images, boxes, labels):
            if check and not len(images) == len(boxes) == len(labels):
                raise ValueError("lengths differ")
            self.items = list(zip(images, boxes, labels))

        def __len__(self):
            return len(self.items)

        def __getitem__(self, i):
            image, boxes, labels = self.items[i]
            if convert:
                boxes, labels = boxes.to(torch.float32).reshape(-1, 4), labels.to(torch.int64)
            return image, {"boxes": boxes, "labels": labels}

    return DetectionDataset


def detection_collate(batch):
    images, targets = zip(*batch)
    return torch.stack(images), list(targets)


def _concatenated(batch):
    images, targets = zip(*batch)
    return torch.stack(images), [{k: torch.cat([t[k] for t in targets]) for k in ("boxes", "labels")}]


def _tuple_collate(batch):
    return tuple(zip(*batch))


def _answer(**parts):
    return {"DetectionDataset": _dataset(), "detection_collate": detection_collate, **parts}


WRONG = {
    "default_collate": _answer(detection_collate=default_collate),
    "concatenates_boxes": _answer(detection_collate=_concatenated),
    "keeps_input_dtypes": _answer(DetectionDataset=_dataset(convert=False)),
    "tuple_of_images": _answer(detection_collate=_tuple_collate),
    "no_length_check": _answer(DetectionDataset=_dataset(check=False)),
}
CANONICAL = {"torchvision_reference": _answer(detection_collate=_tuple_collate)}
SLOW = {}
