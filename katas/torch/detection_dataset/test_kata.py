"""Tests for torch/detection_dataset. Run: pytest katas/torch/detection_dataset

The oracle is the data itself: every batch a real torch.utils.data.DataLoader gives is compared with
the images stacked by hand and the per-image targets built in the test. One test starts 2 worker
processes (slow to start, so only one); whether the images come stacked (torchvision's reference
collate_fn returns a tuple) is a convention test of its own."""

import pytest
import torch
from torch.utils.data import DataLoader

from cvkatas import Call, assert_array, assert_equal, assert_raises, fail, show

COUNTS = [2, 0, 3, 1, 4]  # boxes per image: different counts in every batch of two


def data(device, counts=COUNTS, seed=0, size=6):
    gen = torch.Generator().manual_seed(seed)
    images = [torch.rand((3, size, size), generator=gen, dtype=torch.float64).to(device) for _ in counts]
    boxes, labels = [], []
    for n in counts:
        xy = torch.rand((n, 2), generator=gen, dtype=torch.float64) * 4
        wh = 1 + torch.rand((n, 2), generator=gen, dtype=torch.float64)
        boxes.append(torch.cat([xy, xy + wh], 1).to(device))  # float64 in: float32 out
        labels.append(torch.randint(1, 9, (n,), generator=gen, dtype=torch.int32).to(device))  # int32 in: int64 out
    return images, boxes, labels


def check_target(target, boxes, labels, device, what, call=None):
    __tracebackhide__ = True
    if not isinstance(target, dict) or set(target) != {"boxes", "labels"}:
        fail(f"{what}: the target must be a dict with keys 'boxes' and 'labels'", call=call, got=show(target))
    n = boxes.shape[0]
    assert_array(target["boxes"], kind="tensor", dtype=torch.float32, shape=(n, 4), device=device, call=call,
                 what=f"{what}['boxes']")
    assert_array(target["labels"], kind="tensor", dtype=torch.int64, shape=(n,), device=device, call=call,
                 what=f"{what}['labels']")
    assert_equal(target["boxes"], boxes.float(), call=call, what=f"{what}['boxes']",
                 why="this image's own boxes, in float32")
    assert_equal(target["labels"], labels.long(), call=call, what=f"{what}['labels']",
                 why="this image's own labels, in int64")


def check_batch(got, images, boxes, labels, idx, device, what):
    __tracebackhide__ = True
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(f"{what}: expected (images, targets)", got=show(got))
    imgs, targets = got
    expected = torch.stack([images[i] for i in idx])
    if torch.is_tensor(imgs):
        assert_array(imgs, kind="tensor", dtype=expected.dtype, shape=tuple(expected.shape), device=device, what=what)
    assert_equal(torch.stack(list(imgs)), expected, what=f"{what}: images", why=f"images {idx}, in batch order")
    if not isinstance(targets, (list, tuple)) or len(targets) != len(idx):
        fail(f"{what}: targets must hold one dict per image ({len(idx)})", got=show(targets),
             why="box counts differ between images: stacking them into one tensor is impossible (default_collate "
                 "raises) and concatenating them loses which box belongs to which image")
    for t, i in zip(targets, idx):
        check_target(t, boxes[i], labels[i], device, f"{what}: target of image {i}")


# 1. The dataset.

def test_dataset_items(impl, device):
    images, boxes, labels = data(device)
    call = Call(impl.DetectionDataset, images, boxes, labels)
    ds = call.out
    if len(ds) != len(COUNTS):
        fail(f"len(dataset) is {len(ds)}, expected {len(COUNTS)}", call=call)
    for i in range(len(COUNTS)):
        item = Call(ds.__getitem__, i)
        if not isinstance(item.out, tuple) or len(item.out) != 2:
            fail(f"dataset[{i}] must be (image, target)", call=item, got=show(item.out))
        image, target = item.out
        assert_array(image, kind="tensor", dtype=torch.float64, shape=(3, 6, 6), device=device, call=item,
                     what=f"dataset[{i}] image")
        assert_equal(image, images[i], call=item, what=f"dataset[{i}] image")
        check_target(target, boxes[i], labels[i], device, f"dataset[{i}] target", call=item)


# 2. The collate function, by hand and through DataLoader.

def test_collate_by_hand(impl, device):
    images, boxes, labels = data(device, counts=[2, 0, 3], seed=1)
    batch = [(images[i], {"boxes": boxes[i].float(), "labels": labels[i].long()}) for i in range(3)]
    call = Call(impl.detection_collate, batch)
    check_batch(call.out, images, boxes, labels, [0, 1, 2], device, "detection_collate of 3 images with 2, 0, 3 boxes")
    single = Call(impl.detection_collate, batch[2:])
    check_batch(single.out, images, boxes, labels, [2], device, "detection_collate of a batch of one")


def test_dataloader_in_the_main_process(impl, device):
    images, boxes, labels = data("cpu", seed=2)
    loader = DataLoader(impl.DetectionDataset(images, boxes, labels), batch_size=2, shuffle=False,
                        collate_fn=impl.detection_collate)
    batches = list(loader)
    if len(batches) != 3:
        fail(f"DataLoader(batch_size=2) over 5 images gave {len(batches)} batches, expected 3")
    for b, got in enumerate(batches):
        idx = list(range(2 * b, min(2 * b + 2, 5)))
        check_batch(got, images, boxes, labels, idx, "cpu", f"batch {b} (images {idx})")
    imgs, targets = batches[0]
    moved = torch.stack(list(imgs)).to(device), [{k: v.to(device) for k, v in t.items()} for t in targets]
    check_batch(moved, [i.to(device) for i in images], [x.to(device) for x in boxes], [x.to(device) for x in labels],
                [0, 1], device, "batch 0 moved to the device")


def test_dataloader_with_workers(impl, device):
    images, boxes, labels = data("cpu", seed=3)
    loader = DataLoader(impl.DetectionDataset(images, boxes, labels), batch_size=2, shuffle=False, num_workers=2,
                        collate_fn=impl.detection_collate)
    batches = list(loader)
    for b, got in enumerate(batches):
        idx = list(range(2 * b, min(2 * b + 2, 5)))
        check_batch(got, images, boxes, labels, idx, "cpu", f"batch {b} from 2 workers (images {idx})")
    if len(batches) != 3:
        fail(f"DataLoader with 2 workers gave {len(batches)} batches, expected 3")


# 3. Convention and contract.

@pytest.mark.convention("images stacked into one (B, 3, H, W) tensor")
def test_images_are_stacked(impl, device):
    images, boxes, labels = data(device, counts=[1, 2], seed=4)
    batch = [(images[i], {"boxes": boxes[i].float(), "labels": labels[i].long()}) for i in range(2)]
    call = Call(impl.detection_collate, batch)
    if not isinstance(call.out, (tuple, list)) or len(call.out) != 2:
        fail("detection_collate must return (images, targets)", call=call, got=show(call.out))
    assert_array(call.out[0], kind="tensor", dtype=torch.float64, shape=(2, 3, 6, 6), device=device, call=call,
                 what="images of the batch (torchvision's reference collate_fn returns a tuple; here one tensor)")
    if not isinstance(call.out[1], list):
        fail(f"targets are a {type(call.out[1]).__name__}, expected a list", call=call,
             why="torchvision's reference collate_fn, tuple(zip(*batch)), gives tuples of images and targets; "
                 "here the images are stacked and the targets a list")


@pytest.mark.contract("lists of different lengths: ValueError")
def test_lengths_must_match(impl, device):
    images, boxes, labels = data(device, counts=[1, 2, 0], seed=5)
    assert_raises(ValueError, impl.DetectionDataset, images, boxes[:2], labels,
                  why="3 images but 2 box tensors: zip would silently drop the third image")
