"""Known-wrong answers to nn/gradient_check and one in the style of cs231n's; `nox -s verify`
proves the tests catch every wrong one and that the cs231n-style one ends as kata.toml declares."""

import numpy as np


def _gradient(*, one_sided=False, restore=True, use_dout=True, float64=True, default_h=1e-5):
    def numerical_gradient(f, x, dout=None, h=default_h):
        work = np.array(x, dtype=np.float64) if float64 else (x if not restore else x.copy())
        grad = np.zeros(work.shape, np.float64)
        flat = work.reshape(-1)
        base = np.asarray(f(work), np.float64) if one_sided else None
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + h
            plus = np.asarray(f(work), np.float64)
            if one_sided:
                diff, step = plus - base, h
            else:
                flat[i] = old - h
                diff, step = plus - np.asarray(f(work), np.float64), 2 * h
            if restore:
                flat[i] = old
            w = dout if (use_dout and dout is not None) else 1.0
            grad.reshape(-1)[i] = np.sum(diff * w) / step
        return grad if float64 else grad.astype(np.result_type(x, np.float32) if x.dtype.kind == "f" else x.dtype)

    return numerical_gradient


def _relative(*, per_entry=True, floor=1e-8, check=True):
    def relative_error(a, b):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        if check and a.shape != b.shape:
            raise ValueError("shapes differ")
        if a.size == 0:
            return 0.0
        if not per_entry:
            return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-8))
        denom = np.abs(a) + np.abs(b) if floor is None else np.maximum(np.abs(a) + np.abs(b), floor)
        return float(np.max(np.abs(a - b) / denom))

    return relative_error


# In the style of cs231n's gradient_check.py.

def eval_numerical_gradient_array(f, x, df=None, h=1e-5):
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        pos = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = oldval - h
        neg = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = oldval
        grad[ix] = np.sum((pos - neg) * (1.0 if df is None else df)) / (2 * h)
        it.iternext()
    return grad


def rel_error(x, y):
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


WRONG = {
    "one_sided_difference": {"numerical_gradient": _gradient(one_sided=True)},
    "leaves_x_perturbed": {"numerical_gradient": _gradient(restore=False, float64=False)},
    "ignores_dout": {"numerical_gradient": _gradient(use_dout=False)},
    "global_relative_error": {"relative_error": _relative(per_entry=False)},
    "unfloored_denominator": {"relative_error": _relative(floor=None)},
    "perturbs_in_input_dtype": {"numerical_gradient": _gradient(float64=False)},
    "other_default_step": {"numerical_gradient": _gradient(default_h=1e-6)},
    "tiny_floor": {"relative_error": _relative(floor=1e-12)},
    "broadcasts_shapes": {"relative_error": _relative(check=False)},
}
CANONICAL = {"cs231n": {"numerical_gradient": eval_numerical_gradient_array, "relative_error": rel_error}}
SLOW = {}
