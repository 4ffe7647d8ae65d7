"""Known-wrong, slow-but-correct and canonical-style answers to classic/sorting; `nox -s verify`
proves the tests catch every one. Never shown to learners."""

import random

import numpy as np


def _quick(*, first_pivot=False, two_way=False, in_place=False, as_input_type=False, as_none=False):
    def quick_sort(items):
        def qs(a):
            if len(a) <= 1:
                return a
            p = a[0] if first_pivot else sorted((a[0], a[len(a) // 2], a[-1]))[1]
            if two_way:
                rest = list(a)
                rest.remove(p)
                return qs([v for v in rest if v < p]) + [p] + qs([v for v in rest if not v < p])
            if first_pivot:
                return qs([v for v in a[1:] if v < p]) + [p] + qs([v for v in a[1:] if not v < p])
            return qs([v for v in a if v < p]) + [v for v in a if v == p] + qs([v for v in a if p < v])

        out = qs(list(items))
        if as_none:
            return None
        if in_place and isinstance(items, list):
            items[:] = out
            return items
        if as_input_type:
            if isinstance(items, np.ndarray):
                return np.array(out)
            return tuple(out) if isinstance(items, tuple) else out
        return out

    return quick_sort


def _merge(*, ties_right=False, decorate=False, drop_tail=False, in_place=False):
    def merge_sort(items, key=None):
        a = list(items)
        if decorate:
            a = [(v if key is None else key(v), v) for v in a]
        keys = [v if key is None or decorate else key(v) for v in a]

        def sort(idx):
            if len(idx) <= 1:
                return idx
            left, right = sort(idx[: len(idx) // 2]), sort(idx[len(idx) // 2:])
            out, i, j = [], 0, 0
            while i < len(left) and j < len(right):
                take_right = keys[right[j]] <= keys[left[i]] if ties_right else keys[right[j]] < keys[left[i]]
                if take_right:
                    out.append(right[j])
                    j += 1
                else:
                    out.append(left[i])
                    i += 1
            return out if drop_tail and len(idx) > 2 else out + left[i:] + right[j:]

        out = [a[i] for i in sort(list(range(len(a))))]
        if decorate:
            out = [v for _, v in out]
        if in_place and isinstance(items, list):
            items[:] = out
            return items
        return out

    return merge_sort


def _heap(*, skip_root=False, left_only=False, rebuild=False):
    def heap_sort(items):
        a = list(items)

        def sift(i, end):
            while (c := 2 * i + 1) < end:
                if not left_only and c + 1 < end and a[c] < a[c + 1]:
                    c += 1
                if not a[i] < a[c]:
                    return
                a[i], a[c] = a[c], a[i]
                i = c

        def heapify(end):
            for i in range(end // 2 - 1, 0 if skip_root else -1, -1):
                sift(i, end)

        n = len(a)
        heapify(n)
        for end in range(n - 1, 0, -1):
            a[0], a[end] = a[end], a[0]
            if rebuild:
                heapify(end)  # correct, but O(n) work per extraction: O(n^2) in all
            else:
                sift(0, end)
        return a

    return heap_sort


# --- Slow but correct -------------------------------------------------------------------------

def quick_sort_first_pivot_iterative(items):
    """First-element pivot, explicit stack: never a RecursionError, but quadratic on sorted input."""
    a = list(items)
    stack = [(0, len(a))]
    while stack:
        lo, hi = stack.pop()
        if hi - lo <= 1:
            continue
        p = a[lo]
        less = [v for v in a[lo + 1:hi] if v < p]
        more = [v for v in a[lo + 1:hi] if not v < p]
        a[lo:hi] = less + [p] + more
        stack += [(lo, lo + len(less)), (lo + len(less) + 1, hi)]
    return a


def merge_sort_insertion_merge(items, key=None):
    """Stable and correct, but the 'merge' inserts each right item by a linear scan: O(n^2)."""
    a = list(items)
    keys = a if key is None else [key(v) for v in a]

    def sort(idx):
        if len(idx) <= 1:
            return idx
        left, right = sort(idx[: len(idx) // 2]), sort(idx[len(idx) // 2:])
        out = list(left)
        for r in right:
            pos = len(out)
            while pos > 0 and keys[r] < keys[out[pos - 1]]:
                pos -= 1
            out.insert(pos, r)
        return out

    return [a[i] for i in sort(list(range(len(a))))]


# --- Canonical style: Sedgewick & Wayne, Algorithms 4th ed.; CPython heapq ---------------------

def _as_list(items):
    return items if isinstance(items, list) else list(items)


def sedgewick_quick(items):
    a = _as_list(items)
    random.Random(0).shuffle(a)

    def sort(lo, hi):
        while hi > lo:
            lt, i, gt, v = lo, lo + 1, hi, a[lo]
            while i <= gt:
                if a[i] < v:
                    a[lt], a[i] = a[i], a[lt]
                    lt, i = lt + 1, i + 1
                elif v < a[i]:
                    a[i], a[gt] = a[gt], a[i]
                    gt -= 1
                else:
                    i += 1
            if lt - lo < hi - gt:  # recurse on the smaller side
                sort(lo, lt - 1)
                lo = gt + 1
            else:
                sort(gt + 1, hi)
                hi = lt - 1

    sort(0, len(a) - 1)
    return a


def sedgewick_merge(items, key=None):
    a = _as_list(items)
    k = (lambda v: v) if key is None else key
    aux = list(a)

    def merge(lo, mid, hi):
        aux[lo:hi + 1] = a[lo:hi + 1]
        i, j = lo, mid + 1
        for t in range(lo, hi + 1):
            if i > mid:
                a[t], j = aux[j], j + 1
            elif j > hi:
                a[t], i = aux[i], i + 1
            elif k(aux[j]) < k(aux[i]):
                a[t], j = aux[j], j + 1
            else:
                a[t], i = aux[i], i + 1

    def sort(lo, hi):
        if hi <= lo:
            return
        mid = lo + (hi - lo) // 2
        sort(lo, mid)
        sort(mid + 1, hi)
        merge(lo, mid, hi)

    sort(0, len(a) - 1)
    return a


def sedgewick_heap(items):
    a = _as_list(items)
    n = len(a)

    def less(i, j):  # 1-based
        return a[i - 1] < a[j - 1]

    def exch(i, j):
        a[i - 1], a[j - 1] = a[j - 1], a[i - 1]

    def sink(k, n):
        while 2 * k <= n:
            j = 2 * k
            if j < n and less(j, j + 1):
                j += 1
            if not less(k, j):
                break
            exch(k, j)
            k = j

    for k in range(n // 2, 0, -1):
        sink(k, n)
    while n > 1:
        exch(1, n)
        n -= 1
        sink(1, n)
    return a


def heapq_style(items):
    heap = []

    def push(v):
        heap.append(v)
        i = len(heap) - 1
        while i > 0 and heap[i] < heap[(i - 1) // 2]:
            heap[i], heap[(i - 1) // 2] = heap[(i - 1) // 2], heap[i]
            i = (i - 1) // 2

    def pop():
        last = heap.pop()
        if not heap:
            return last
        top, heap[0], i = heap[0], last, 0
        while (c := 2 * i + 1) < len(heap):
            if c + 1 < len(heap) and heap[c + 1] < heap[c]:
                c += 1
            if not heap[c] < heap[i]:
                break
            heap[i], heap[c] = heap[c], heap[i]
            i = c
        return top

    for v in items:
        push(v)
    return [pop() for _ in range(len(heap))]


WRONG = {
    "first_element_pivot": {"quick_sort": _quick(first_pivot=True)},
    "two_way_partition": {"quick_sort": _quick(two_way=True)},
    "unstable_merge": {"merge_sort": _merge(ties_right=True)},
    "merge_compares_items": {"merge_sort": _merge(decorate=True)},
    "merge_drops_tail": {"merge_sort": _merge(drop_tail=True)},
    "heapify_skips_root": {"heap_sort": _heap(skip_root=True)},
    "sift_left_child_only": {"heap_sort": _heap(left_only=True)},
    "returns_none": {"quick_sort": _quick(as_none=True)},
    "sorts_in_place": {"quick_sort": _quick(in_place=True), "merge_sort": _merge(in_place=True)},
    "returns_input_type": {"quick_sort": _quick(as_input_type=True)},
}
CANONICAL = {
    "sedgewick": {"quick_sort": sedgewick_quick, "merge_sort": sedgewick_merge, "heap_sort": sedgewick_heap},
    "heapq": {"heap_sort": heapq_style},
}
SLOW = {
    "first_pivot_iterative": {"quick_sort": quick_sort_first_pivot_iterative},
    "insertion_merge": {"merge_sort": merge_sort_insertion_merge},
    "heap_rebuilt_each_pop": {"heap_sort": _heap(rebuild=True)},
}
