"""Assertion helpers whose failures read as feedback for the learner: call, got, expected, why.

They take numpy arrays, torch tensors (torch is never imported here unless a tensor arrives),
Python scalars and sequences. Every helper hides its own frame, so a failure points at the test.
"""

from __future__ import annotations

import copy
import inspect
import warnings
from dataclasses import dataclass

import numpy as np

SMALL = 40  # arrays with at most this many elements are shown in full


def _is_tensor(x) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _py(v):
    """A numpy scalar as the plain Python value it holds (for messages: 1.5, not np.float64(1.5))."""
    return v.item() if isinstance(v, np.generic) else v


def to_numpy(x):
    """A numpy view of an array, tensor or scalar (tensors are detached and moved to the CPU)."""
    if _is_tensor(x):
        x = x.detach().cpu()
        return (x.float() if str(x.dtype) in ("torch.bfloat16", "torch.float16") else x).numpy()
    return np.asarray(x)


def show(x) -> str:
    """A short, exact description of a value: small arrays in full, large ones by shape and dtype."""
    if _is_tensor(x):
        where = f", device={x.device.type}" if x.device.type != "cpu" else ""
        head = f"tensor(dtype={str(x.dtype).removeprefix('torch.')}, shape={tuple(x.shape)}{where}"
        if x.numel() <= SMALL:
            body = np.array2string(to_numpy(x), precision=6, separator=", ", threshold=SMALL, max_line_width=10_000)
            return f"{head}, values={body})"
        return head + ")"
    if isinstance(x, np.ndarray):
        if x.size <= SMALL:
            body = np.array2string(x, precision=6, separator=", ", threshold=SMALL, max_line_width=10_000)
            return f"array({body}, dtype={x.dtype})"
        return f"array(dtype={x.dtype}, shape={x.shape})"
    if isinstance(x, (list, tuple)) and len(x) > 0 and any(_is_tensor(v) or isinstance(v, np.ndarray) for v in x):
        inner = ", ".join(show(v) for v in x)
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    text = repr(x)
    return text if len(text) <= 300 else text[:297] + "..."


class Call:
    """Calls ``fn(*args, **kwargs)`` once, keeps what it returned, and checks it left its inputs alone.

    ``str(call)`` is the call as the learner would type it, with small inputs shown in full.
    Pass ``mutates=True`` only for a kata whose statement allows changing the inputs.
    """

    def __init__(self, fn, *args, mutates: bool = False, **kwargs):
        __tracebackhide__ = True
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.name = getattr(fn, "__name__", repr(fn))
        before = None if mutates else [_snapshot(a) for a in (*args, *kwargs.values())]
        self.out = fn(*args, **kwargs)
        if before is not None:
            for label, old, new in zip(self._labels(), before, (*args, *kwargs.values())):
                changed = _changed(old, new)
                if changed:
                    # show the call as it was made, with the inputs before the candidate changed them
                    def was(b, now):
                        return now if b is None or isinstance(b, _ModuleState) else b

                    self.args = tuple(was(b, a) for b, a in zip(before, args))
                    self.kwargs = {k: was(b, v) for (k, v), b in zip(kwargs.items(), before[len(args):])}
                    raise AssertionError(
                        report(
                            f"{self.name}() modified its input `{label}` ({changed}); "
                            "inputs must be left as they were",
                            call=self,
                            why="callers keep using their arrays after the call; copy before changing",
                        )
                    )

    def _labels(self):
        try:
            params = list(inspect.signature(self.fn).parameters)
        except (TypeError, ValueError):
            params = []
        pos = [params[i] if i < len(params) else f"arg{i}" for i in range(len(self.args))]
        return [*pos, *self.kwargs]

    def __str__(self):
        labels = self._labels()
        parts = [f"{lab}={show(a)}" for lab, a in zip(labels, self.args)]
        parts += [f"{k}={show(v)}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"


@dataclass
class _ModuleState:
    state: dict
    training: bool


def _snapshot(x):
    """A copy to compare with after the call, or None for what a call may legitimately change
    (random generators) or cannot be compared (objects without their own equality)."""
    if isinstance(x, np.random.Generator):
        return None
    if _is_tensor(x):
        return x.detach().clone()
    if isinstance(x, np.ndarray):
        return x.copy()
    if hasattr(x, "state_dict") and hasattr(x, "training"):  # torch.nn.Module
        return _ModuleState({k: v.detach().clone() for k, v in x.state_dict().items()}, x.training)
    if type(x).__eq__ is object.__eq__:
        return None
    try:
        return copy.deepcopy(x)
    except Exception:
        return None


def _changed(old, new) -> str:
    if old is None:
        return ""
    if _is_tensor(new) or isinstance(new, np.ndarray):
        a, b = to_numpy(old), to_numpy(new)
        if a.shape != b.shape or a.dtype != b.dtype:
            return f"shape/dtype {a.shape}/{a.dtype} became {b.shape}/{b.dtype}"
        diff = ~((a == b) | (np.isnan(a) & np.isnan(b)) if a.dtype.kind in "fc" else a == b)
        if diff.any():
            idx = tuple(int(i) for i in np.argwhere(diff)[0])
            return f"{int(diff.sum())} element(s) changed, first at index {idx}: {_py(a[idx])!r} -> {_py(b[idx])!r}"
        return ""
    if isinstance(old, _ModuleState):
        state, training = old.state, old.training
        now = new.state_dict()
        for k, v in state.items():
            if k not in now or now[k].shape != v.shape or not (now[k].detach() == v).all():
                return f"state_dict entry `{k}` changed"
        if new.training != training:
            return f"its mode changed from {'train' if training else 'eval'}"
        return ""
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            return f"its keys changed from {sorted(map(str, old))} to {sorted(map(str, new))}"
        return next((f"[{k!r}]: {c}" for k in old if (c := _changed(old[k], new[k]))), "")
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        if len(old) != len(new):
            return f"its length changed from {len(old)} to {len(new)}"
        return next((f"[{i}]: {c}" for i, (a, b) in enumerate(zip(old, new)) if (c := _changed(a, b))), "")
    try:
        return "" if old == new else f"{show(old)} became {show(new)}"
    except Exception:
        return ""


def report(headline: str, *, call=None, got=None, expected=None, why=None, extra=None) -> str:
    """Format a failure message; None fields are left out. A value that spans several lines (a 2-D
    array) is indented under its field, so the block stays readable."""
    lines = [headline]
    fields = [("call", call), ("got", got), ("expected", expected), *(extra or {}).items(), ("why", why)]
    for name, value in fields:
        if value is None or (name == "why" and not value):
            continue
        text = str(value).replace("\n", "\n" + " " * 12)
        lines.append(f"  {name + ':':<9} {text}")
    return "\n".join(lines)


def fail(headline: str, **fields):
    """Fail the test with a learner-readable message (see `report`)."""
    __tracebackhide__ = True
    raise AssertionError(report(headline, **fields))


def assert_array(got, *, kind="ndarray", dtype=None, shape=None, device=None, call=None, what="result"):
    """Check the type, dtype, shape and device of an output before its values are compared."""
    __tracebackhide__ = True
    ok_kind = _is_tensor(got) if kind == "tensor" else isinstance(got, np.ndarray)
    if not ok_kind:
        fail(f"{what}: must be a {'torch.Tensor' if kind == 'tensor' else 'numpy.ndarray'}, "
             f"not {type(got).__name__}", call=call, got=show(got))
    if dtype is not None:
        want = str(dtype).removeprefix("torch.")
        have = str(got.dtype).removeprefix("torch.")
        if have != want and not (kind == "ndarray" and np.dtype(got.dtype) == np.dtype(dtype)):
            fail(f"{what}: dtype {have}, expected {want}", call=call, got=show(got))
    if shape is not None and tuple(got.shape) != tuple(shape):
        fail(f"{what}: shape {tuple(got.shape)}, expected {tuple(shape)}", call=call, got=show(got))
    if device is not None and _is_tensor(got) and got.device.type != str(device).split(":")[0]:
        fail(f"{what}: on device {got.device}, expected the input's device {device}", call=call)


def assert_equal(got, expected, *, call=None, what="result", why=None):
    """Exact equality of arrays (shape and values) or of plain Python values."""
    __tracebackhide__ = True
    if isinstance(expected, (np.ndarray, list, tuple)) or _is_tensor(expected) or _is_tensor(got):
        g, e = to_numpy(got), to_numpy(expected)
        if g.shape != e.shape or not np.array_equal(g, e, equal_nan=g.dtype.kind == "f" == e.dtype.kind):
            detail = ""
            if g.shape != e.shape:
                detail = f" (shape {g.shape}, expected {e.shape})"
            else:
                idx = tuple(int(i) for i in np.argwhere(g != e)[0])
                detail = f" (first difference at index {idx}: {_py(g[idx])!r} vs {_py(e[idx])!r})"
            fail(f"{what}: wrong{detail}", call=call, got=show(got), expected=show(expected), why=why)
    elif got != expected:
        fail(f"{what}: wrong", call=call, got=show(got), expected=show(expected), why=why)


def assert_close(got, expected, *, rtol=1e-5, atol=1e-6, call=None, what="result", why=None):
    """``|got - expected| <= atol + rtol * |expected|`` elementwise, NaN only where expected is NaN."""
    __tracebackhide__ = True
    g = to_numpy(got).astype(np.float64)
    e = to_numpy(expected).astype(np.float64)
    if g.shape != e.shape:
        fail(f"{what}: shape {g.shape}, expected {e.shape}", call=call, got=show(got),
             expected=show(expected), why=why)
    nan_g, nan_e = np.isnan(g), np.isnan(e)
    if (nan_g != nan_e).any():
        idx = tuple(int(i) for i in np.argwhere(nan_g != nan_e)[0])
        headline = f"{what}: NaN at index {idx}" if nan_g[idx] else f"{what}: must be NaN at index {idx}"
        fail(headline, call=call, got=show(got), expected=show(expected), why=why)
    with np.errstate(invalid="ignore"):
        err = np.where(nan_e, 0.0, np.abs(g - e))
        bad = err > atol + rtol * np.abs(np.where(nan_e, 0.0, e))
        bad |= np.isinf(g) != np.isinf(e)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(np.where(bad, err, -1)), err.shape))
        at = f" at index {idx}" if idx else ""
        fail(
            f"{what}: {int(bad.sum())} of {bad.size} value(s) differ from the expected ones",
            call=call,
            got=show(got),
            expected=show(expected),
            extra={
                "first": f"{at.strip() or 'value'}: got {_py(g[idx])!r}, expected {_py(e[idx])!r}",
                "largest": f"|error| {float(err[worst]):.3g} at index {worst} (rtol={rtol}, atol={atol})",
            },
            why=why,
        )


def assert_raises(exc_type, fn, *args, match: str | None = None, why=None, **kwargs):
    """``fn(*args, **kwargs)`` must raise ``exc_type`` (a clear error, never silent garbage)."""
    __tracebackhide__ = True
    import re

    try:
        out = fn(*args, **kwargs)
    except exc_type as exc:
        if match and not re.search(match, str(exc)):
            fail(f"the {exc_type.__name__} should mention {match!r}", call=_call_text(fn, args, kwargs),
                 got=repr(exc), why=why)
        return
    except NotImplementedError:
        raise
    except Exception as exc:
        fail(f"expected {exc_type.__name__}, got {type(exc).__name__}: {exc}",
             call=_call_text(fn, args, kwargs), why=why)
    fail(f"expected {exc_type.__name__}, but the call returned normally", call=_call_text(fn, args, kwargs),
         got=show(out), why=why)


def _call_text(fn, args, kwargs):
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__name__', fn)}({', '.join(parts)})"


def quiet_call(fn, *args, why=None, **kwargs) -> Call:
    """`Call`, but a RuntimeWarning during the call (overflow, 0 / 0, log of 0) fails the test with
    a learner-readable message instead of passing silently with inf or NaN inside."""
    __tracebackhide__ = True
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return Call(fn, *args, **kwargs)
        except RuntimeWarning as w:
            warned = w
    fail(f"{getattr(fn, '__name__', fn)} raised a RuntimeWarning: {warned}", call=_call_text(fn, args, kwargs),
         why=why)


def assert_returns(call: Call, *names: str):
    """``call.out`` must be a tuple of ``len(names)`` values (named in the message); returns it."""
    __tracebackhide__ = True
    if not (isinstance(call.out, tuple) and len(call.out) == len(names)):
        fail(f"{call.name} must return a tuple ({', '.join(names)})", call=call, got=show(call.out))
    return call.out
