"""Known-wrong answers to nn/linear; `nox -s verify` proves the tests catch every one."""


def forward_with_untransposed_weight(x, w, b=None):
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError("bad shapes")
    out = x @ w  # treats w as (D_in, D_out)
    return (out if b is None else out + b), (x, w, b)


def _backward(*, dw_transposed=False, db_axis=0, dx_transposed=False):
    def linear_backward(dout, cache):
        x, w, b = cache
        dx = dout @ w.T if dx_transposed else dout @ w
        dw = x.T @ dout if dw_transposed else dout.T @ x
        db = None if b is None else dout.sum(axis=db_axis)
        return dx, dw, db

    return linear_backward


WRONG = {
    "forward_transposed_weight": {"linear_forward": forward_with_untransposed_weight},
    "dw_transposed": {"linear_backward": _backward(dw_transposed=True)},
    "db_wrong_axis": {"linear_backward": _backward(db_axis=1)},
    "dx_uses_w_transposed": {"linear_backward": _backward(dx_transposed=True)},
}
SLOW = {}
