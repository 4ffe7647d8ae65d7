"""Tests for detection/mosaic. Run: pytest katas/detection/mosaic

Correctness tests pass explicit centres (or read the centre a candidate drew off its canvas), and they
accept the box conventions trusted codes differ on: clipping to the canvas (mmdetection can leave
boxes unclipped) and dropping boxes with nothing left (YOLOv5's load_mosaic keeps them). Each of
those, the pinned centre draw and the output dtypes has one hand-built convention test of its own."""

import numpy as np
import pytest

from cvkatas import Call, assert_array, assert_close, assert_equal, assert_raises, assert_returns, fail
from cvkatas.data import SeededRng

CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
# (clip to [0, 2s], drop boxes with no width or height left): the statement's first, then the others
# that trusted codes follow (YOLOv5 load_mosaic: clip, keep; mmdetection bbox_clip_border=False:
# no clip, drop what lies off the canvas; neither).
BOX_RULES = [(True, True), (True, False), (False, True), (False, False)]


def offsets(shapes, xc, yc):
    """Canvas (x, y) of each image's pixel (0, 0), by the placement rules of the statement."""
    (h0, w0), (h1, w1), (h2, w2), _ = shapes
    return [(xc - w0, yc - h0), (xc, yc - h1), (xc - w2, yc), (xc, yc)]


def stated_centre(seed, s):
    """The centre the statement draws: one rng.uniform(s / 2, 3 s / 2, size=2) call, yc first."""
    yc, xc = (int(v) for v in np.random.default_rng(seed).uniform(s / 2, 3 * s / 2, size=2))
    return xc, yc


def oracle_canvas(images, s, xc, yc, fill=114):
    """Pixel by pixel: place each image at its offset and cut it at the canvas."""
    images = [np.asarray(im) for im in images]
    canvas = np.full((2 * s, 2 * s, images[0].shape[2]), fill, images[0].dtype)
    for img, (ox, oy) in zip(images, offsets([im.shape[:2] for im in images], xc, yc)):
        h, w = img.shape[:2]
        for r in range(max(0, -oy), min(h, 2 * s - oy)):
            for c in range(max(0, -ox), min(w, 2 * s - ox)):
                canvas[r + oy, c + ox] = img[r, c]
    return canvas


def oracle_boxes(images, boxes_list, labels_list, s, xc, yc, clip=True, drop=True):
    """Box by box: shift, clip to [0, 2s] (if clip), drop what has no width or height left on the
    canvas (if drop). Returns boxes, labels and the story of each box for the messages."""
    boxes, labels, story = [], [], []
    for i, (ox, oy) in enumerate(offsets([np.shape(im)[:2] for im in images], xc, yc)):
        for j, (b, lab) in enumerate(zip(np.asarray(boxes_list[i], np.float64).tolist(), labels_list[i])):
            moved = [b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy]
            clipped = [min(max(v, 0.0), 2.0 * s) for v in moved]
            keep = not drop or (clipped[2] > clipped[0] and clipped[3] > clipped[1])
            story.append(f"image {i} ({CORNERS[i]}, offset x {ox}, y {oy}) box {j} {b} -> shifted {moved} -> clipped "
                         f"to [0, {2 * s}]: {clipped}, {'kept' if keep else 'dropped (no width or height left)'}")
            if keep:
                boxes.append(clipped if clip else moved)
                labels.append(int(lab))
    return np.array(boxes, np.float64).reshape(-1, 4), np.array(labels, np.int64), story


def explain_pixel(images, xc, yc, got, expected, fill):
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


def compare(call, images, boxes_list, labels_list, s, xc, yc, fill=114, why=None, note=""):
    """Compare a call's canvas, boxes and labels with the definition at centre (xc, yc). Values are
    read leniently (any dtype); the boxes may follow any of BOX_RULES: their own tests decide."""
    __tracebackhide__ = True
    canvas, boxes, labels = assert_returns(call, "canvas", "boxes", "labels")
    exp_canvas = oracle_canvas(images, s, xc, yc, fill)
    got_canvas = np.asarray(canvas)
    if got_canvas.shape != exp_canvas.shape:
        fail(f"canvas: shape {got_canvas.shape}, expected {exp_canvas.shape}", call=call,
             why="the canvas is 2s x 2s with the images' C channels" + note)
    assert_equal(got_canvas, exp_canvas, call=call, what="canvas",
                 why=(why or explain_pixel(images, xc, yc, got_canvas, exp_canvas, fill) or "") + note)
    got_boxes, got_labels = np.asarray(boxes, np.float64), np.asarray(labels)
    if got_boxes.size == 0:
        got_boxes = got_boxes.reshape(0, 4)
    for clip, drop in BOX_RULES:
        exp_boxes, exp_labels, _ = oracle_boxes(images, boxes_list, labels_list, s, xc, yc, clip, drop)
        if (got_boxes.shape == exp_boxes.shape and got_labels.shape == exp_labels.shape
                and np.allclose(got_boxes, exp_boxes, rtol=1e-6, atol=1e-6)
                and np.array_equal(got_labels, exp_labels)):
            return canvas, boxes, labels
    exp_boxes, exp_labels, story = oracle_boxes(images, boxes_list, labels_list, s, xc, yc)
    text = "; ".join(story) if len(story) <= 8 else "; ".join(story[:8]) + f"; ... ({len(story)} boxes in all)"
    assert_close(got_boxes, exp_boxes, rtol=1e-6, atol=1e-6, call=call, what="boxes", why=(why or text) + note)
    assert_equal(got_labels, exp_labels, call=call, what="labels", why="labels follow their boxes: " + text + note)
    fail("boxes and labels match no box convention", call=call, why=text + note)


def check(impl, images, boxes_list, labels_list, s, center, fill=114, why=None):
    """mosaic at a given centre, compared with the definition."""
    __tracebackhide__ = True
    call = Call(impl.mosaic, images, boxes_list, labels_list, s, None, fill=fill, center=center)
    return compare(call, images, boxes_list, labels_list, s, *center, fill=fill, why=why)


def tagged(i, h, w, c=3):
    """uint8 image whose every pixel says where it comes from: (tag of image i, row, col)."""
    r, cc = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return np.stack([np.full((h, w), 40 * (i + 1)), r, cc], axis=-1)[..., :c].astype(np.uint8)


def centre_on(canvas):
    """The centre a candidate used, read off its canvas: where image 3's pixel (0, 0) landed."""
    canvas = np.asarray(canvas)
    hit = np.argwhere((canvas[..., 0] == 160) & (canvas[..., 1] == 0) & (canvas[..., 2] == 0))
    return (int(hit[0][1]), int(hit[0][0])) if len(hit) == 1 else None


def random_boxes(i, h, w, n, rng, dtype=np.float64, label_dtype=np.int64):
    x = np.sort(rng.uniform(0, w, (n, 2)), axis=1)
    y = np.sort(rng.uniform(0, h, (n, 2)), axis=1)
    boxes = np.stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1).astype(dtype)
    return boxes, (10 * i + np.arange(n)).astype(label_dtype)  # label // 10 says the image


def scene(rng, s, sizes=None, n=5, dtype=np.float64, label_dtype=np.int64):
    sizes = sizes or [tuple(int(v) for v in rng.integers(s // 3, 2 * s, 2)) for _ in range(4)]
    images = [tagged(i, h, w) for i, (h, w) in enumerate(sizes)]
    pairs = [random_boxes(i, h, w, n, rng, dtype, label_dtype) for i, (h, w) in enumerate(sizes)]
    return images, [b for b, _ in pairs], [lab for _, lab in pairs]


# A hand scene, s = 4 (an 8 x 8 canvas), centre (xc 3, yc 5); image i is filled with i + 1, fill 0.
HAND_SIZES = [(3, 2), (2, 6), (4, 5), (1, 1)]
HAND_CANVAS = np.array([
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 0, 0, 0, 0, 0],
    [0, 1, 1, 2, 2, 2, 2, 2],
    [0, 1, 1, 2, 2, 2, 2, 2],
    [3, 3, 3, 4, 0, 0, 0, 0],
    [3, 3, 3, 0, 0, 0, 0, 0],
    [3, 3, 3, 0, 0, 0, 0, 0]], np.uint8)


def hand_images():
    return [np.full((h, w, 1), i + 1, np.uint8) for i, (h, w) in enumerate(HAND_SIZES)]


def hand_call(impl, boxes, labels):
    return Call(impl.mosaic, hand_images(), boxes, labels, 4, None, fill=0, center=(3, 5))


# 1. By hand.

def test_small_mosaic_by_hand(impl):
    boxes = [np.array([[0, 0, 2, 3]], float), np.array([[4, 0, 5, 2]], float),
             np.array([[2, 0, 4, 3]], float), np.array([[0, 0, 1, 1]], float)]
    labels = [np.array([7]), np.array([3]), np.array([2]), np.array([9])]
    call = hand_call(impl, boxes, labels)
    canvas, out_boxes, out_labels = assert_returns(call, "canvas", "boxes", "labels")
    assert_equal(np.asarray(canvas)[..., 0], HAND_CANVAS, call=call, what="canvas[..., 0]",
                 why="image 0 (3 x 2) ends at (3, 5): columns 1-2, rows 2-4; image 1 (2 x 6) starts at column 3, "
                     "rows 3-4, and loses its last column at the canvas edge; image 2 (4 x 5) starts at column -2, "
                     "so only its columns 2-4 land, on rows 5-7; image 3 (1 x 1) sits at (3, 5); the rest is fill 0")
    assert_close(np.asarray(out_boxes, np.float64), [[1, 2, 3, 5], [7, 3, 8, 5], [0, 5, 2, 8], [3, 5, 4, 6]],
                 call=call, what="boxes", why="each box moves with its image's pixel (0, 0): image 0 by (1, 2), "
                                              "image 1 by (3, 3), image 2 by (-2, 5), image 3 by (3, 5)")
    assert_equal(np.asarray(out_labels), np.array([7, 3, 2, 9]), call=call, what="labels",
                 why="labels in step with the boxes, image 0's first")


# 2. Against the definition, pixel by pixel and box by box.

@pytest.mark.parametrize("centre", [(32, 32), (16, 16), (47, 20), (20, 47), (0, 0), (64, 64), (0, 64), (64, 10)])
def test_matches_definition_at_fixed_centres(impl, centre):
    rng = np.random.default_rng(sum(centre))
    images, boxes, labels = scene(rng, 32, sizes=[(40, 30), (20, 70), (33, 9), (50, 45)])
    check(impl, images, boxes, labels, 32, centre)


def test_matches_definition_on_random_scenes(impl):
    rng = np.random.default_rng(1)
    for s, dtype, label_dtype in ((5, np.float64, np.int64), (16, np.float32, np.int32), (40, np.float64, np.int32)):
        for _ in range(3):
            images, boxes, labels = scene(rng, s, n=int(rng.integers(0, 7)), dtype=dtype, label_dtype=label_dtype)
            centre = tuple(int(v) for v in rng.integers(0, 2 * s + 1, 2))
            check(impl, images, boxes, labels, s, centre, fill=int(rng.integers(0, 256)))


def test_no_boxes_at_all(impl):
    images, _, _ = scene(np.random.default_rng(7), 10)
    boxes, labels = [np.zeros((0, 4))] * 4, [np.zeros(0, np.int64)] * 4
    _, out_boxes, out_labels = check(impl, images, boxes, labels, 10, (9, 12))
    if np.size(out_boxes) or np.size(out_labels):
        fail("no boxes in, but boxes or labels came out", got=(out_boxes, out_labels))


# 3. Randomness and defaults.

@pytest.mark.parametrize("s", [12, 9])
def test_drawn_centre_is_in_the_middle_and_fill_defaults_to_114(impl, s):
    rng = np.random.default_rng(s)
    images, boxes, labels = scene(rng, s, sizes=[(13, 15), (9, 18), (16, 7), (11, 11)])
    for seed in range(4):
        call = Call(impl.mosaic, images, boxes, labels, s, SeededRng(seed))  # fill and center left out
        canvas = assert_returns(call, "canvas", "boxes", "labels")[0]
        centre = centre_on(canvas)
        lo, hi = s // 2, -(-3 * s // 2) - 1  # int() of a uniform draw in [s/2, 3s/2)
        if centre is None or not (lo <= centre[0] <= hi and lo <= centre[1] <= hi):
            fail(f"the centre read off the canvas is {centre}, expected both coordinates in [{lo}, {hi}]",
                 call=call, why="the centre is drawn from the middle half of the canvas, [s/2, 3s/2)")
        compare(call, images, boxes, labels, s, *centre, fill=114,
                note=f"; the centre read off your canvas is (xc {centre[0]}, yc {centre[1]}); fill defaults to 114")


def test_same_seed_same_mosaic_and_seeds_differ(impl):
    images, boxes, labels = scene(np.random.default_rng(4), 16)
    first = Call(impl.mosaic, images, boxes, labels, 16, SeededRng(5)).out
    again = Call(impl.mosaic, images, boxes, labels, 16, SeededRng(5)).out
    for name, a, b in zip(("canvas", "boxes", "labels"), first, again):
        assert_equal(np.asarray(a), np.asarray(b), what=f"{name} for the same seed",
                     why="all randomness comes from rng")
    canvases = {np.asarray(Call(impl.mosaic, images, boxes, labels, 16, SeededRng(s)).out[0]).tobytes()
                for s in range(6, 12)}
    if len(canvases) < 4:
        fail(f"six seeds gave only {len(canvases)} different canvases", why="the centre is drawn from rng")


def test_centre_given_needs_no_rng(impl):
    images, boxes, labels = scene(np.random.default_rng(5), 12)
    call = Call(impl.mosaic, images, boxes, labels, 12, None, center=(10, 14))  # fill left out: 114
    compare(call, images, boxes, labels, 12, 10, 14, fill=114, note="; fill defaults to 114")


# 4. Conventions, one hand-built test each.

@pytest.mark.convention("centre: one rng.uniform(s/2, 3s/2, 2) call, yc first")
def test_centre_is_one_uniform_call_yc_first(impl):
    for s, seed in ((16, 0), (16, 5), (9, 1), (7, 3)):
        images, boxes, labels = scene(np.random.default_rng(seed), s, sizes=[(9, 8), (6, 11), (10, 5), (8, 8)], n=2)
        rng, replay = SeededRng(seed), np.random.default_rng(seed)
        yc, xc = (int(v) for v in replay.uniform(s / 2, 3 * s / 2, size=2))
        call = Call(impl.mosaic, images, boxes, labels, s, rng)
        if rng.bit_generator.state != replay.bit_generator.state:
            fail("the generator was advanced differently from one rng.uniform(s / 2, 3 * s / 2, size=2) call",
                 call=call, why="the statement pins the draw: a single rng.uniform(s / 2, 3 * s / 2, size=2) "
                                "call whose first value is yc and second xc; nothing else is random")
        got = centre_on(assert_returns(call, "canvas", "boxes", "labels")[0])
        if got != (xc, yc):
            fail(f"centre read off the canvas: {got}, expected (xc {xc}, yc {yc})", call=call,
                 why=f"rng.uniform({s / 2}, {3 * s / 2}, size=2) gives yc first, then xc, each cut by int(); "
                     "YOLOv5's border -s // 2 gives another range for odd s")
    images, boxes, labels = scene(np.random.default_rng(9), 8, n=2)
    rng, untouched = SeededRng(2), np.random.default_rng(2)
    call = Call(impl.mosaic, images, boxes, labels, 8, rng, center=(7, 9))
    if rng.bit_generator.state != untouched.bit_generator.state:
        fail("the generator was advanced although the centre was given", call=call,
             why="rng is used only to draw the centre")


@pytest.mark.convention("boxes clipped to the canvas [0, 2s]")
def test_boxes_are_clipped_to_the_canvas(impl):
    boxes = [np.array([[0, 0, 2, 3]], float), np.array([[4, 0, 6, 2]], float),
             np.array([[1, 1, 4, 3]], float), np.array([[0, 0, 1, 1]], float)]
    labels = [np.array([7]), np.array([3]), np.array([2]), np.array([9])]
    call = hand_call(impl, boxes, labels)
    out_boxes = assert_returns(call, "canvas", "boxes", "labels")[1]
    assert_close(np.asarray(out_boxes, np.float64), [[1, 2, 3, 5], [7, 3, 8, 5], [0, 6, 2, 8], [3, 5, 4, 6]],
                 call=call, what="boxes",
                 why="image 1's box [4, 0, 6, 2] + (3, 3) = [7, 3, 9, 5] hangs over the right edge: clipped to "
                     "x <= 8; image 2's box [1, 1, 4, 3] + (-2, 5) = [-1, 6, 2, 8]: clipped to x >= 0")


@pytest.mark.convention("boxes with no width or height left: dropped")
def test_boxes_with_nothing_left_are_dropped(impl):
    boxes = [np.array([[0, 0, 2, 3]], float), np.array([[4, 0, 5, 2], [5.5, 0, 6, 1]]),
             np.array([[0, 0, 2, 4], [2, 0, 4, 3]], float), np.array([[0, 0, 1, 1]], float)]
    labels = [np.array([7]), np.array([3, 5]), np.array([1, 2]), np.array([9])]
    call = hand_call(impl, boxes, labels)
    _, out_boxes, out_labels = assert_returns(call, "canvas", "boxes", "labels")
    why = ("image 1's box [5.5, 0, 6, 1] lands at x 8.5..9, off the 8 x 8 canvas: clipped to [8, 3, 8, 4], no width "
           "left, so it is dropped with its label 5; image 2's box [0, 0, 2, 4] lands at x -2..0 (the cut-off "
           "columns): dropped with label 1. A box that only touches the edge from inside, [7, 3, 8, 5], stays")
    assert_close(np.asarray(out_boxes, np.float64), [[1, 2, 3, 5], [7, 3, 8, 5], [0, 5, 2, 8], [3, 5, 4, 6]],
                 call=call, what="boxes", why=why)
    assert_equal(np.asarray(out_labels), np.array([7, 3, 2, 9]), call=call, what="labels", why=why)


@pytest.mark.convention("canvas in the images' dtype (float too)")
def test_canvas_keeps_the_images_dtype(impl):
    rng = np.random.default_rng(6)
    for dtype, fill in ((np.float32, -1.0), (np.float64, 0.5)):
        images = [rng.random((h, w, 3)).astype(dtype) for h, w in [(5, 9), (7, 4), (3, 3), (6, 6)]]
        boxes, labels = [np.zeros((0, 4))] * 4, [np.zeros(0, np.int64)] * 4
        call = Call(impl.mosaic, images, boxes, labels, 8, None, fill=fill, center=(9, 6))
        canvas = assert_returns(call, "canvas", "boxes", "labels")[0]
        assert_array(canvas, dtype=dtype, shape=(16, 16, 3), call=call, what="canvas")
        assert_equal(canvas, oracle_canvas(images, 8, 9, 6, fill), call=call, what="canvas",
                     why=f"float images are pasted as they are; the fill {fill} is used where no image lands "
                         "(YOLOv5 and ultralytics always build a uint8 canvas)")


@pytest.mark.convention("boxes float64 (N, 4), labels int64 (N,)")
def test_output_dtypes(impl):
    boxes = [np.array([[0, 0, 2, 3]], np.float32), np.zeros((0, 4), np.float32),
             np.array([[2, 0, 4, 3]], np.float32), np.array([[0, 0, 1, 1]], np.float32)]
    labels = [np.array([7], np.int32), np.zeros(0, np.int32), np.array([2], np.int32), np.array([9], np.int32)]
    call = hand_call(impl, boxes, labels)
    _, out_boxes, out_labels = assert_returns(call, "canvas", "boxes", "labels")
    assert_array(out_boxes, dtype=np.float64, shape=(3, 4), call=call, what="boxes (float32 in)")
    assert_array(out_labels, dtype=np.int64, shape=(3,), call=call, what="labels (int32 in)")
    empty = hand_call(impl, [np.zeros((0, 4), np.float32)] * 4, [np.zeros(0, np.int32)] * 4)
    _, out_boxes, out_labels = assert_returns(empty, "canvas", "boxes", "labels")
    assert_array(out_boxes, dtype=np.float64, shape=(0, 4), call=empty, what="boxes when there are none")
    assert_array(out_labels, dtype=np.int64, shape=(0,), call=empty, what="labels when there are none")


# 5. Bad input: each input below passes silently through an answer without that very check.

@pytest.fixture
def small():
    return scene(np.random.default_rng(9), 8, sizes=[(6, 7), (5, 9), (8, 4), (7, 7)], n=2)


@pytest.mark.contract("not 4 images: ValueError")
def test_not_four_images_raise(impl, small):
    images, boxes, labels = small
    assert_raises(ValueError, impl.mosaic, images[:3], boxes[:3], labels[:3], 8, None, center=(8, 8),
                  why="a mosaic is exactly 4 images")
    assert_raises(ValueError, impl.mosaic, [*images, images[0]], [*boxes, boxes[0]], [*labels, labels[0]], 8, None,
                  center=(8, 8), why="a fifth image would be ignored silently")


@pytest.mark.contract("images not (H, W, C) of one C and dtype: ValueError")
def test_bad_images_raise(impl, small):
    images, boxes, labels = small
    gray = [im[..., 0] for im in images]
    assert_raises(ValueError, impl.mosaic, gray, boxes, labels, 8, None, center=(8, 8),
                  why="images must be (H, W, C): 2-D images are refused")
    one_channel = [images[0], images[1][..., :1], *images[2:]]  # would broadcast into the 3-channel canvas
    assert_raises(ValueError, impl.mosaic, one_channel, boxes, labels, 8, None, center=(8, 8),
                  why="all images need the same C")
    as_float = [images[0], images[1].astype(np.float32), *images[2:]]  # would be cast into the uint8 canvas
    assert_raises(ValueError, impl.mosaic, as_float, boxes, labels, 8, None, center=(8, 8),
                  why="all images need the same dtype")


@pytest.mark.contract("boxes not (N, 4) or labels not (N,): ValueError")
def test_bad_boxes_or_labels_raise(impl, small):
    images, boxes, labels = small
    five = [np.concatenate([b, np.ones((len(b), 1))], axis=1) for b in boxes]
    assert_raises(ValueError, impl.mosaic, images, five, labels, 8, None, center=(8, 8), why="boxes must be (N, 4)")
    column = [lab[:, None] for lab in labels]
    assert_raises(ValueError, impl.mosaic, images, boxes, column, 8, None, center=(8, 8),
                  why="labels must be (N,), not a column (N, 1)")
    longer = [np.append(labels[0], 99), *labels[1:]]
    assert_raises(ValueError, impl.mosaic, images, boxes, longer, 8, None, center=(8, 8), why="one label per box")


@pytest.mark.contract("out_size < 1: ValueError")
def test_out_size_below_one_raises(impl, small):
    images, boxes, labels = small
    assert_raises(ValueError, impl.mosaic, images, boxes, labels, 0, None, center=(0, 0),
                  why="out_size must be >= 1 (0 would give an empty canvas)")


@pytest.mark.contract("centre outside [0, 2s]: ValueError")
def test_centre_outside_raises(impl, small):
    images, boxes, labels = small
    for centre in ((17, 3), (3, -1)):
        assert_raises(ValueError, impl.mosaic, images, boxes, labels, 8, None, center=centre,
                      why="the centre must lie in [0, 2s] = [0, 16]")


@pytest.mark.contract("no Generator to draw the centre: ValueError")
def test_no_generator_raises(impl, small):
    images, boxes, labels = small
    assert_raises(ValueError, impl.mosaic, images, boxes, labels, 8, np.random.RandomState(0),
                  why="rng must be a numpy.random.Generator (a legacy RandomState has another stream)")
    assert_raises(ValueError, impl.mosaic, images, boxes, labels, 8, None, why="rng is needed to draw the centre")
