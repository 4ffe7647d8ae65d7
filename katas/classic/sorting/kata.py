"""Quick sort, merge sort, heap sort · 快速排序、归并排序、堆排序

The three comparison sorts every interviewer asks for: quick sort (partition around a pivot), merge
sort (split, sort the halves, merge; stable), and heap sort (a binary max-heap inside the list).
Write each in plain Python over a sequence of comparable items, returning a new sorted list.

Run the tests: pytest katas/classic/sorting
"""

__all__ = ["quick_sort", "merge_sort", "heap_sort"]


def quick_sort(items) -> list:
    """Quick sort: ascending order, by partitioning around a pivot.

    Args:
        items: a finite sequence (list, tuple, range, 1-D numpy array) of mutually comparable items:
            numbers, strings, tuples, or any objects with the comparison operators. No NaN.

    Returns:
        A new ``list`` holding the items in ascending order, whatever the type of ``items`` (a tuple
        in gives a list out). ``items`` is left unchanged: sort a copy.

    Rules and edge cases:
        - Empty and one-item inputs give ``[]`` and ``[x]``.
        - Any pivot rule is allowed (median of three, a middle element, a seeded random choice), as
          long as already sorted, reversed and all-equal inputs cost no more than a typical shuffled
          input: O(n log n) comparisons and a recursion depth of O(log n). So a first- or
          last-element pivot (quadratic on sorted input) and a two-way partition (quadratic when
          every item is equal) are out: partition three ways, into less, equal and greater.
        - Quick sort is not stable, and need not be: the order of equal items is free.
        - Implement the algorithm yourself: no ``sorted``, ``list.sort``, ``heapq`` or numpy sorting.

    Canonical code: Sedgewick and Wayne, *Algorithms* (4th ed.), ``Quick3way`` (shuffle once, then
    Dijkstra's three-way partition). It sorts its array in place and returns nothing; here the
    input stays unchanged and a new list comes back (test_input_left_unchanged).

    Speed: measured by counting comparisons, which does not depend on the machine: on 512 items,
    sorted, reversed, all equal or shuffled, at most the ratio that ``kata.toml`` gives under [speed]
    times the comparisons the reference makes on a shuffled input of the same size.
    At full size (``pytest katas/classic/sorting --full``; verify runs it): 10^5 shuffled floats
    sorted within the same ratio of the reference's time.
    """
    raise NotImplementedError("quick_sort")


def merge_sort(items, key=None) -> list:
    """Stable merge sort: ascending order by ``key``, equal keys in their input order.

    Args:
        items: a finite sequence of items, as for ``quick_sort``.
        key: ``None`` (compare the items themselves) or a function of one item whose results are
            compared instead, as in ``sorted(items, key=key)``.

    Returns:
        A new ``list`` in ascending order of the keys; ``items`` is left unchanged.

    Rules and edge cases:
        - Stable: items whose keys are equal (neither is less than the other) keep the order they
          had in ``items``. This is the point of merge sort: ``merge_sort(people, key=age)`` after
          sorting by name gives people by age, then by name.
        - Split in halves, sort each half, merge: O(n log n) comparisons on every input, recursion
          depth O(log n).
        - Empty and one-item inputs give ``[]`` and ``[x]``.
        - Implement the algorithm yourself: no ``sorted``, ``list.sort``, ``heapq`` or numpy sorting.

    Canonical code: Sedgewick and Wayne, *Algorithms* (4th ed.), ``Merge`` (top-down, with an
    auxiliary array; takes from the left half on ties). It sorts in place and returns nothing;
    here the input stays unchanged and a new list comes back (test_input_left_unchanged).

    Speed: at most the [speed] ratio of ``kata.toml`` times the reference's comparisons on 512
    shuffled items, on shuffled and on sorted input.
    At full size (``pytest katas/classic/sorting --full``; verify runs it): 10^5 shuffled floats
    sorted within the same ratio of the reference's time.
    """
    raise NotImplementedError("merge_sort")


def heap_sort(items) -> list:
    """Heap sort: ascending order, by a binary max-heap built inside a copy of the items.

    Args:
        items: a finite sequence of items, as for ``quick_sort``.

    Returns:
        A new ``list`` in ascending order; ``items`` is left unchanged.

    Rules and edge cases:
        - The classic way: build a max-heap bottom-up (sift down every parent, last parent first,
          the root last), then repeatedly swap the root to the end of the unsorted part and sift
          the new root down. Whatever the heap, O(n log n) comparisons in the worst case.
        - Not stable: the order of equal items is free.
        - Empty and one-item inputs give ``[]`` and ``[x]``.
        - Implement the algorithm yourself: no ``sorted``, ``list.sort``, ``heapq`` or numpy sorting.

    Canonical code: Sedgewick and Wayne, *Algorithms* (4th ed.), ``Heap`` (1-based ``sink``), and
    CPython's ``heapq`` (a min-heap: push every item, pop them all). Sedgewick sorts in place and
    returns nothing; here the input stays unchanged and a new list comes back
    (test_input_left_unchanged).

    Speed: at most the [speed] ratio of ``kata.toml`` times the reference's comparisons on 512
    shuffled items, on shuffled and on sorted input.
    At full size (``pytest katas/classic/sorting --full``; verify runs it): 10^5 shuffled floats
    sorted within the same ratio of the reference's time.
    """
    raise NotImplementedError("heap_sort")
