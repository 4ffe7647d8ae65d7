"""Tests for classic/sorting. Run: pytest katas/classic/sorting

The oracle is Python's own ``sorted`` (Timsort, stable). Correctness tests read any returned sequence
and let the candidate change its input; that a new list comes back and the input stays unchanged
are the two convention tests. Speed is counted in comparisons, not seconds: items are wrapped in
``Counted``, whose comparison operators count their calls, so the test is exact on a loaded machine.
The full-size test (``--full``) also times 10^5 items against the reference, as a ratio."""

import numpy as np
import pytest

from cvkatas import Call, fail, show
from cvkatas.speed import TooSlow

SORTS = ["quick_sort", "merge_sort", "heap_sort"]


def check(fn, items, expected, **kwargs):
    """Call a sort on `items` and compare what comes back, as a list, with `expected`."""
    __tracebackhide__ = True
    try:
        call = Call(fn, items, mutates=True, **kwargs)
    except RecursionError:
        fail(f"{fn.__name__} hit Python's recursion limit on {len(items)} items",
             call=f"{fn.__name__}({show(items)})",
             why="the recursion must stay O(log n) deep: a pivot that splits a sorted, reversed or all-equal "
                 "input into 0 and n - 1 items recurses n times")
    out = call.out
    if not isinstance(out, (list, tuple, np.ndarray)):
        fail(f"{fn.__name__} must return the sorted items as a new list", call=call, got=show(out),
             why="sort a copy and return it; list.sort()-style code sorts in place and returns None")
    got = list(out)
    if got != expected:
        if len(got) != len(expected):
            headline = f"{len(got)} items came back for {len(expected)} given"
        else:
            i = next(i for i, (g, e) in enumerate(zip(got, expected)) if g != e or type(g) is not type(e))
            headline = f"first wrong item at position {i}: got {got[i]!r}, expected {expected[i]!r}"
        fail(f"{fn.__name__}: {headline}", call=call, got=show(got), expected=show(expected),
             why="ascending order, every item exactly once" + (
                 "; equal keys keep their input order (stable)" if fn.__name__ == "merge_sort" else ""))
    return got


# 1. Small cases you can check on paper.

@pytest.mark.parametrize("name", SORTS)
def test_hand_cases(impl, name):
    fn = getattr(impl, name)
    check(fn, [3, 1, 2], [1, 2, 3])
    check(fn, [5, -1, 5, 0, -1, 5], [-1, -1, 0, 5, 5, 5])
    check(fn, [2.5, -0.5, 1e9, -1e9], [-1e9, -0.5, 2.5, 1e9])
    check(fn, ["pear", "apple", "fig", "Fig"], ["Fig", "apple", "fig", "pear"])  # str order: capitals first
    check(fn, [(2, "b"), (1, "z"), (2, "a")], [(1, "z"), (2, "a"), (2, "b")])


@pytest.mark.parametrize("name", SORTS)
def test_empty_and_single(impl, name):
    fn = getattr(impl, name)
    check(fn, [], [])
    check(fn, [42], [42])
    check(fn, [1, 0], [0, 1])


# 2. Against sorted() on seeded random inputs.

@pytest.mark.parametrize("name", SORTS)
def test_matches_sorted_on_random_lists(impl, name):
    fn = getattr(impl, name)
    rng = np.random.default_rng(28)
    for n in (2, 3, 5, 8, 17, 100, 300):
        ints = rng.integers(-10, 10, n).tolist()  # many duplicates
        check(fn, ints, sorted(ints))
        floats = rng.normal(0, 1e3, n).tolist()
        check(fn, floats, sorted(floats))


@pytest.mark.parametrize("name", SORTS)
def test_any_sequence_in(impl, name):
    fn = getattr(impl, name)
    check(fn, (4, 2, 9, 2), [2, 2, 4, 9])
    check(fn, range(5, 0, -1), [1, 2, 3, 4, 5])
    check(fn, np.array([3.5, -1.0, 2.0]), [-1.0, 2.0, 3.5])


# 3. Edge cases: the inputs that make a naive pivot or partition quadratic.

@pytest.mark.parametrize("shape", ["sorted", "reversed", "all equal"])
@pytest.mark.parametrize("name", SORTS)
def test_long_sorted_reversed_and_equal_inputs(impl, name, shape):
    n = 1500  # deeper than Python's recursion limit (1000) if every split is 0 | n - 1
    items = {"sorted": list(range(n)), "reversed": list(range(n, 0, -1)), "all equal": [7] * n}[shape]
    check(getattr(impl, name), items, sorted(items))


class Tagged:
    """An item that compares by `k` only, so equal items can still be told apart by `tag`."""

    def __init__(self, k, tag):
        self.k, self.tag = k, tag

    def __lt__(self, other):
        return self.k < other.k

    def __gt__(self, other):
        return self.k > other.k

    def __le__(self, other):
        return self.k <= other.k

    def __ge__(self, other):
        return self.k >= other.k

    def __eq__(self, other):
        return self.k == other.k and self.tag == other.tag  # strict: check() also tells ties apart

    def __repr__(self):
        return f"T({self.k},{self.tag!r})"


def test_merge_sort_is_stable_with_a_key(impl):
    people = [{"name": "ann", "age": 31}, {"name": "bob", "age": 25}, {"name": "cid", "age": 31},
              {"name": "dee", "age": 25}, {"name": "eve", "age": 40}]
    # dicts cannot be compared with each other: only the keys may be compared
    check(impl.merge_sort, people, sorted(people, key=lambda p: p["age"]), key=lambda p: p["age"])
    rng = np.random.default_rng(5)
    records = [{"id": i, "k": int(k)} for i, k in enumerate(rng.integers(0, 4, 200))]
    check(impl.merge_sort, records, sorted(records, key=lambda r: r["k"]), key=lambda r: r["k"])


def test_merge_sort_is_stable_without_a_key(impl):
    items = [Tagged(2, "a"), Tagged(1, "b"), Tagged(2, "c"), Tagged(1, "d"), Tagged(0, "e"), Tagged(2, "f")]
    check(impl.merge_sort, items, sorted(items))  # sorted() is stable: ties keep a, c, f order
    rng = np.random.default_rng(6)
    many = [Tagged(int(k), i) for i, k in enumerate(rng.integers(0, 5, 300))]
    check(impl.merge_sort, many, sorted(many))


def test_merge_sort_key_orders_by_the_key_not_the_item(impl):
    words = ["ccc", "a", "bb", "dddd", "e"]
    check(impl.merge_sort, words, ["a", "e", "bb", "ccc", "dddd"], key=len)
    check(impl.merge_sort, [3, -4, 1, -2], [-4, -2, 1, 3], key=None)


# 5. The two conventions: a new list, the input untouched.

@pytest.mark.convention("returns a new list, whatever the input type")
@pytest.mark.parametrize("name", SORTS)
def test_returns_a_new_list(impl, name):
    fn = getattr(impl, name)
    for items in ((3, 1, 2), np.array([3, 1, 2])):
        call = Call(fn, items, mutates=True)
        if type(call.out) is not list:
            fail(f"{name} must return a list, not {type(call.out).__name__}", call=call, got=show(call.out),
                 why="the statement asks for a new list, like sorted(), whatever sequence comes in")


@pytest.mark.convention("input left unchanged: sort a copy")
@pytest.mark.parametrize("name", SORTS)
def test_input_left_unchanged(impl, name):
    items = [5, 3, 8, 1, 9, 2]
    call = Call(getattr(impl, name), items)  # Call fails the test if `items` changes
    if call.out is items:
        fail(f"{name} returned its input list itself", call=call, why="return a new list; leave the input as it was")


# 7. Speed, counted in comparisons.

COUNT = [0]


class Counted:
    """An int whose comparisons are counted in COUNT[0]."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, o):
        COUNT[0] += 1
        return self.v < o.v

    def __gt__(self, o):
        COUNT[0] += 1
        return self.v > o.v

    def __le__(self, o):
        COUNT[0] += 1
        return self.v <= o.v

    def __ge__(self, o):
        COUNT[0] += 1
        return self.v >= o.v

    def __eq__(self, o):
        COUNT[0] += 1
        return self.v == o.v

    def __ne__(self, o):
        COUNT[0] += 1
        return self.v != o.v

    __hash__ = None

    def __repr__(self):
        return str(self.v)


N = 512


def shaped(shape):
    if shape == "shuffled":
        return np.random.default_rng(512).permutation(N).tolist()
    return {"sorted": list(range(N)), "reversed": list(range(N, 0, -1)), "all equal": [7] * N}[shape]


def comparisons(fn, values):
    items = [Counted(v) for v in values]
    COUNT[0] = 0
    out = fn(items)
    made = COUNT[0]
    if [c.v for c in out] != sorted(values):
        fail(f"{fn.__name__} did not sort {N} {values[:3]}... items", why="see the correctness tests")
    return made


CASES = [("quick_sort", "shuffled"), ("quick_sort", "sorted"), ("quick_sort", "reversed"), ("quick_sort", "all equal"),
         ("merge_sort", "shuffled"), ("merge_sort", "sorted"), ("heap_sort", "shuffled"), ("heap_sort", "sorted")]


@pytest.mark.perf
def test_comparisons_stay_n_log_n(impl, reference, kata, request):
    """One test for the three sorts: each (sort, input shape) may make at most max_ratio times the
    comparisons the reference sort makes on shuffled input; the worst ratio is the one reported."""
    limit = kata.max_ratio
    worst, why = 0.0, ""
    refs = {name: comparisons(getattr(reference, name), shaped("shuffled")) for name in SORTS}
    for name, shape in CASES:
        ref = refs[name]
        try:
            made = comparisons(getattr(impl, name), shaped(shape))
        except RecursionError:
            raise TooSlow(f"too slow: {name} hit the recursion limit on {N} {shape} items (depth ~n, not ~log n)"
                          ) from None
        ratio = made / ref
        if ratio > worst:
            worst, why = ratio, (
                f"{name} made {made} comparisons on {N} {shape} items, {ratio:.1f}x the {ref} the reference "
                f"makes on {N} shuffled items (limit {limit:g}x; n log2 n = {N * 9}). "
                + ("A first/last-element pivot on sorted input, or a two-way partition on equal items, is "
                   "quadratic." if name == "quick_sort" else "Some step is quadratic: each merge or sift-down "
                   "must be linear or logarithmic."))
    request.node.user_properties.append(("speed_ratio", round(worst, 4)))
    request.node.user_properties.append(("max_ratio", limit))
    if worst > limit:
        raise TooSlow(f"too slow: {why}")


@pytest.mark.perf
@pytest.mark.full
@pytest.mark.parametrize("name", SORTS)
def test_speed_100000_shuffled(impl, reference, speed, name):
    """The size an interviewer names: 10^5 shuffled floats, timed against the reference's own sort
    (not against `sorted`, which is C), at the same [speed] ratio as the comparison counts."""
    items = np.random.default_rng(2).random(100_000).tolist()
    speed(getattr(impl, name), getattr(reference, name), items)
