"""Known-wrong answers to torch/channel_shuffle; `nox -s verify` proves the tests catch every one."""

from solutions.torch import channel_shuffle as ref


def _mutant(*, grid="groups_first", swap=(1, 2), flatten=True, view=False, detach=False, check=True):
    def channel_shuffle(x, groups):
        ref._check_groups(groups)
        if x.dim() != 4:
            raise ValueError("x must be 4-D")
        n, c, h, w = x.shape
        if c % groups:
            if check:
                raise ValueError("channels do not split into groups")
            c = groups * (c // groups)
            x = x[:, :c]  # silently drops the leftover channels
        if detach:
            x = x.detach()
        rows, cols = (groups, c // groups) if grid == "groups_first" else (c // groups, groups)
        y = x.reshape(n, rows, cols, h, w).transpose(*swap)
        if not flatten:
            return y
        return y.view(n, c, h, w) if view else y.reshape(n, c, h, w)

    return channel_shuffle


WRONG = {
    "inverse_permutation": {"channel_shuffle": _mutant(grid="per_group_first")},
    "transposes_spatial": {"channel_shuffle": _mutant(swap=(3, 4))},
    "not_flattened": {"channel_shuffle": _mutant(flatten=False)},
    "view_after_transpose": {"channel_shuffle": _mutant(view=True)},
    "detached": {"channel_shuffle": _mutant(detach=True)},
    "no_divisibility_check": {"channel_shuffle": _mutant(check=False)},
}
SLOW = {}
