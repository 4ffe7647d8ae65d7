"""Quick sort (three-way, median of three), stable merge sort and heap sort, in plain Python."""


def quick_sort(items) -> list:
    a = list(items)
    if len(a) <= 1:
        return a
    x, y, z = a[0], a[len(a) // 2], a[-1]
    # median of three: a sorted or reversed input splits in halves
    if x < y:
        p = y if y < z else (z if x < z else x)
    else:
        p = x if x < z else (z if y < z else y)
    less = [v for v in a if v < p]
    equal = [v for v in a if v == p]  # all-equal input: one level, not n
    greater = [v for v in a if p < v]
    return quick_sort(less) + equal + quick_sort(greater)


def merge_sort(items, key=None) -> list:
    a = list(items)
    keys = a if key is None else [key(v) for v in a]

    def sort(lo, hi):  # indices lo..hi-1 in stable key order
        if hi - lo <= 1:
            return list(range(lo, hi))
        mid = (lo + hi) // 2
        left, right = sort(lo, mid), sort(mid, hi)
        out, i, j = [], 0, 0
        while i < len(left) and j < len(right):
            if keys[right[j]] < keys[left[i]]:  # strictly less: ties take the left (earlier) item
                out.append(right[j])
                j += 1
            else:
                out.append(left[i])
                i += 1
        return out + left[i:] + right[j:]

    return [a[i] for i in sort(0, len(a))]


def heap_sort(items) -> list:
    a = list(items)

    def sift_down(i, end):  # a[i+1:end] is heap-ordered below i; push a[i] down to its place
        while (c := 2 * i + 1) < end:
            if c + 1 < end and a[c] < a[c + 1]:
                c += 1  # the larger child
            if not a[i] < a[c]:
                return
            a[i], a[c] = a[c], a[i]
            i = c

    n = len(a)
    for i in range(n // 2 - 1, -1, -1):  # heapify bottom-up, root last
        sift_down(i, n)
    for end in range(n - 1, 0, -1):  # move the max behind the heap, restore the heap
        a[0], a[end] = a[end], a[0]
        sift_down(0, end)
    return a
