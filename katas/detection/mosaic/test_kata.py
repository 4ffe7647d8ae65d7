"""Tests for detection/mosaic. Run: pytest katas/detection/mosaic"""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail
from cvkatas.data import SeededRng

CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


def offsets(shapes, xc, yc):
    """Canvas (x, y) of each image's pixel (0, 0), by the placement rules of the statement."""
    (h0, w0), (h1, w1), (h2, w2), _ = shapes
    return [(xc - w0, yc - h0), (xc, yc - h1), (xc - w2, yc), (xc, yc)]


def stated_centre(seed, s):
    """The centre the statement draws: one rng.uniform(s / 2, 3 s / 2, size=2) call, yc first."""
    yc, xc = (int(v) for v in np.random.default_rng(seed).uniform(s / 2, 3 * s / 2, size=2))
    return xc, yc


def oracle(images, boxes_list, labels_list, s, xc, yc, fill=114):
    """Pixel by pixel and box by box: place, cut at the canvas, shift, clip, drop."""
    images = [np.asarray(im) for im in images]
    canvas = np.full((2 * s, 2 * s, images[0].shape[2]), fill, images[0].dtype)
    boxes, labels, story = [], [], []
    for i, (img, (ox, oy)) in enumerate(zip(images, offsets([im.shape[:2] for im in images], xc, yc))):
        h, w = img.shape[:2]
        for r in range(h):
            if 0 <= r + oy < 2 * s:
                for c in range(w):
                    if 0 <= c + ox < 2 * s:
                        canvas[r + oy, c + ox] = img[r, c]
        for j, (b, lab) in enumerate(zip(np.asarray(boxes_list[i], np.float64).tolist(), labels_list[i])):
            moved = [b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy]
            clipped = [min(max(v, 0.0), 2.0 * s) for v in moved]
            keep = clipped[2] > clipped[0] and clipped[3] > clipped[1]
            story.append(f"image {i} ({CORNERS[i]}, offset x {ox}, y {oy}) box {j} {b} -> shifted {moved} -> clipped "
                         f"to [0, {2 * s}]: {clipped}, {'kept' if keep else 'dropped (no width or height left)'}")
            if keep:
                boxes.append(clipped)
                labels.append(int(lab))
    return canvas, np.array(boxes, np.float64).reshape(-1, 4), np.array(labels, np.int64), story


def explain_pixel(images, s, xc, yc, got, expected, fill):
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return f"the canvas is (2s, 2s, C) = {expected.shape}"
    bad = np.argwhere((got != expected).any(axis=-1))
    if not len(bad):
        return None
    Y, X = (int(v) for v in bad[0])
    for i, (ox, oy) in enumerate(offsets([np.shape(im)[:2] for im in images], xc, yc)):
        h, w = np.shape(images[i])[:2]
        if 0 <= Y - oy < h and 0 <= X - ox < w:
            return (f"canvas[{Y}, {X}] is pixel (row {Y - oy}, col {X - ox}) of image {i} ({CORNERS[i]}), whose pixel "
                    f"(0, 0) lands on (x {ox}, y {oy}) for centre (xc {xc}, yc {yc})")
    return f"canvas[{Y}, {X}] is covered by no image: it keeps the fill value {fill}"


def check(impl, images, boxes_list, labels_list, s, rng=None, fill=114, center=None, why=None):
    """Run mosaic, check the form, and compare canvas, boxes and labels with the oracle."""
    __tracebackhide__ = True
    call = Call(impl.mosaic, images, boxes_list, labels_list, s, rng, fill=fill, center=center)
    assert_returns(call, "canvas", "boxes", "labels")
    canvas, boxes, labels = call.out
    xc, yc = center if center is not None else stated_centre(rng.seed, s)
    exp_canvas, exp_boxes, exp_labels, story = oracle(images, boxes_list, labels_list, s, xc, yc, fill)
    assert_array(canvas, dtype=exp_canvas.dtype, shape=exp_canvas.shape, call=call, what="canvas")
    drawn = "" if center is not None else (f"; the centre drawn from {rng!r} is (xc {xc}, yc {yc}): yc, xc = "
                                           f"(int(v) for v in rng.uniform({s / 2}, {3 * s / 2}, size=2))")
    assert_equal(canvas, exp_canvas, call=call, what="canvas",
                 why=(why or explain_pixel(images, s, xc, yc, canvas, exp_canvas, fill) or "") + drawn)
    assert_array(boxes, dtype=np.float64, shape=exp_boxes.shape, call=call, what="boxes")
    assert_array(labels, dtype=np.int64, shape=exp_labels.shape, call=call, what="labels")
    text = "; ".join(story) if len(story) <= 8 else "; ".join(story[:8]) + f"; ... ({len(story)} boxes in all)"
    assert_close(boxes, exp_boxes, rtol=0, atol=1e-9, call=call, what="boxes", why=(why or text) + drawn)
    assert_equal(labels, exp_labels, call=call, what="labels", why="labels follow their boxes: " + text)
    return canvas, boxes, labels


def tagged(i, h, w):
    """uint8 image whose every pixel says where it comes from: (tag of image i, row, col)."""
    r, c = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return np.stack([np.full((h, w), 40 * (i + 1)), r, c], axis=-1).astype(np.uint8)


def random_boxes(i, h, w, n, rng):
    x = np.sort(rng.uniform(0, w, (n, 2)), axis=1)
    y = np.sort(rng.uniform(0, h, (n, 2)), axis=1)
    boxes = np.stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1)
    return boxes, (10 * i + np.arange(n)).astype(np.int64)  # label // 10 says the image


def scene(rng, s, sizes=None, n=5):
    sizes = sizes or [tuple(int(v) for v in rng.integers(s // 3, 2 * s, 2)) for _ in range(4)]
    images = [tagged(i, h, w) for i, (h, w) in enumerate(sizes)]
    pairs = [random_boxes(i, h, w, n, rng) for i, (h, w) in enumerate(sizes)]
    return images, [b for b, _ in pairs], [lab for _, lab in pairs]


# 1. By hand.

def test_small_mosaic_by_hand(impl):
    # s = 4: an 8 x 8 canvas, centre (xc 3, yc 5). One channel; image i is filled with i + 1; fill 0.
    images = [np.full((h, w, 1), i + 1, np.uint8) for i, (h, w) in enumerate([(3, 2), (2, 6), (4, 5), (1, 1)])]
    boxes = [np.array([[0, 0, 2, 3]], float), np.array([[4, 0, 6, 2], [5.5, 0, 6, 1]]),
             np.array([[0, 0, 2, 4], [1, 1, 4, 3]], float), np.array([[0, 0, 1, 1]], float)]
    labels = [np.array([7]), np.array([3, 5]), np.array([1, 2]), np.array([9])]
    call = Call(impl.mosaic, images, boxes, labels, 4, None, fill=0, center=(3, 5))
    canvas, out_boxes, out_labels = call.out
    expected = np.array([
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 1, 1, 0, 0, 0, 0, 0],
        [0, 1, 1, 2, 2, 2, 2, 2],
        [0, 1, 1, 2, 2, 2, 2, 2],
        [3, 3, 3, 4, 0, 0, 0, 0],
        [3, 3, 3, 0, 0, 0, 0, 0],
        [3, 3, 3, 0, 0, 0, 0, 0]], np.uint8)[..., None]
    assert_array(canvas, dtype=np.uint8, shape=(8, 8, 1), call=call, what="canvas")
    assert_equal(canvas[..., 0], expected[..., 0], call=call, what="canvas[..., 0]",
                 why="image 0 (3 x 2) ends at (3, 5): columns 1-2, rows 2-4; image 1 (2 x 6) starts at column 3, "
                     "rows 3-4, and loses its last column at the canvas edge; image 2 (4 x 5) starts at column -2, "
                     "so only its columns 2-4 land, on rows 5-7; image 3 (1 x 1) sits at (3, 5); the rest is fill 0")
    assert_close(out_boxes, [[1, 2, 3, 5], [7, 3, 8, 5], [0, 6, 2, 8], [3, 5, 4, 6]], rtol=0, atol=1e-9, call=call,
                 what="boxes", why="image 0 box + (1, 2); image 1 box [4, 0, 6, 2] + (3, 3) = [7, 3, 9, 5], "
                                   "clipped to x <= 8; image 1 box 2 lands at x 8.5..9: clipped to zero width, "
                                   "dropped; image 2 box 1 at x -2..0: dropped; image 2 box 2 [-1, 6, 2, 8] clipped to "
                                   "[0, 6, 2, 8]; image 3 box + (3, 5)")
    assert_equal(out_labels, np.array([7, 3, 2, 9]), call=call, what="labels",
                 why="the labels of the dropped boxes (5 and 1) go with them")


# 2. Against the definition, pixel by pixel and box by box.

@pytest.mark.parametrize("centre", [(32, 32), (16, 16), (47, 20), (20, 47), (0, 0), (64, 64), (0, 64), (64, 10)])
def test_matches_definition_at_fixed_centres(impl, centre):
    rng = np.random.default_rng(sum(centre))
    images, boxes, labels = scene(rng, 32, sizes=[(40, 30), (20, 70), (33, 9), (50, 45)])
    check(impl, images, boxes, labels, 32, None, center=centre)


def test_matches_definition_on_random_scenes(impl):
    rng = np.random.default_rng(1)
    for s in (5, 16, 40):
        for _ in range(3):
            images, boxes, labels = scene(rng, s, n=int(rng.integers(0, 7)))
            centre = tuple(int(v) for v in rng.integers(0, 2 * s + 1, 2))
            check(impl, images, boxes, labels, s, None, fill=int(rng.integers(0, 256)), center=centre)


# 3. Properties.

def test_boxes_stay_on_the_canvas_and_on_their_own_pixels(impl):
    rng = np.random.default_rng(2)
    for seed in range(6):
        images, boxes, labels = scene(rng, 24, n=8)
        canvas, out_boxes, out_labels = check(impl, images, boxes, labels, 24, SeededRng(seed))
        if len(out_boxes) and (out_boxes.min() < 0 or out_boxes.max() > 48):
            fail("a box leaves the 48 x 48 canvas", got=out_boxes, why="boxes are clipped to [0, 2s]")
        for b, lab in zip(out_boxes, out_labels):
            x1, y1, x2, y2 = int(np.floor(b[0])), int(np.floor(b[1])), int(np.ceil(b[2])), int(np.ceil(b[3]))
            tags = np.unique(canvas[y1:y2, x1:x2, 0])
            if tags.tolist() != [40 * (lab // 10 + 1)]:
                fail(f"the pixels under box {b.tolist()} (label {lab}, from image {lab // 10}) carry image tags "
                     f"{[t // 40 - 1 if t % 40 == 0 else 'fill' for t in tags.tolist()]}",
                     why="a kept box must cover pixels of its own image only")


# 4. Randomness.

def test_seeded_centre_follows_the_stated_draw(impl):
    rng = np.random.default_rng(3)
    images, boxes, labels = scene(rng, 20, sizes=[(25, 25), (15, 30), (30, 12), (22, 22)])
    for seed in (0, 1, 7, 123):
        check(impl, images, boxes, labels, 20, SeededRng(seed))  # compared at the centre the statement draws


def test_same_seed_same_mosaic_and_seeds_differ(impl):
    rng = np.random.default_rng(4)
    images, boxes, labels = scene(rng, 16)
    first = Call(impl.mosaic, images, boxes, labels, 16, SeededRng(5)).out
    again = Call(impl.mosaic, images, boxes, labels, 16, SeededRng(5)).out
    for name, a, b in zip(("canvas", "boxes", "labels"), first, again):
        assert_equal(a, b, what=f"{name} for the same seed", why="all randomness comes from rng")
    canvases = {Call(impl.mosaic, images, boxes, labels, 16, SeededRng(s)).out[0].tobytes() for s in range(6, 12)}
    if len(canvases) < 4:
        fail(f"six seeds gave only {len(canvases)} different canvases", why="the centre is drawn from rng")


def test_centre_given_needs_no_rng(impl):
    rng = np.random.default_rng(5)
    images, boxes, labels = scene(rng, 12)
    check(impl, images, boxes, labels, 12, None, center=(10, 14))


# 5. Form: fill, dtype, empty boxes.

def test_float_images_and_fill(impl):
    rng = np.random.default_rng(6)
    images = [rng.random((h, w, 3)).astype(np.float32) for h, w in [(5, 9), (7, 4), (3, 3), (6, 6)]]
    boxes = [np.zeros((0, 4))] * 4
    labels = [np.zeros(0, np.int64)] * 4
    canvas, _, _ = check(impl, images, boxes, labels, 8, None, fill=-1.0, center=(9, 6))
    if not (canvas == -1.0).any() or (canvas == 114).any():
        fail("the fill value must be used where no image lands", got=canvas.shape)


def test_no_boxes_at_all(impl):
    rng = np.random.default_rng(7)
    images, _, _ = scene(rng, 10)
    boxes, labels = [np.zeros((0, 4))] * 4, [np.zeros(0, np.int64)] * 4
    _, out_boxes, out_labels = check(impl, images, boxes, labels, 10, SeededRng(8))
    assert_array(out_boxes, dtype=np.float64, shape=(0, 4), what="boxes when there are none")
    assert_array(out_labels, dtype=np.int64, shape=(0,), what="labels when there are none")


# 6. Bad input.

def test_bad_input_raises_value_error(impl):
    images, boxes, labels = scene(np.random.default_rng(9), 8)
    gen = np.random.default_rng(0)
    assert_raises(ValueError, impl.mosaic, images[:3], boxes[:3], labels[:3], 8, gen, why="exactly 4 images")
    gray = [im[..., 0] for im in images]
    assert_raises(ValueError, impl.mosaic, gray, boxes, labels, 8, gen, why="images must be (H, W, C)")
    mixed = [images[0][..., :1], *images[1:]]
    assert_raises(ValueError, impl.mosaic, mixed, boxes, labels, 8, gen, why="all images need the same C")
    assert_raises(ValueError, impl.mosaic, images, [boxes[0][:, :3], *boxes[1:]], labels, 8, gen,
                  why="boxes must be (N, 4)")
    assert_raises(ValueError, impl.mosaic, images, boxes, [labels[0][:-1], *labels[1:]], 8, gen,
                  why="one label per box")
    assert_raises(ValueError, impl.mosaic, images, boxes, labels, 8, None, why="rng is needed to draw the centre")
    assert_raises(ValueError, impl.mosaic, images, boxes, labels, 8, gen, center=(17, 3),
                  why="the centre must lie in [0, 2s] = [0, 16]")
    assert_raises(ValueError, impl.mosaic, images, boxes, labels, 0, gen, why="out_size must be >= 1")
