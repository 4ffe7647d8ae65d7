"""Global switches that code under test could change and so change another test's verdict.

`snapshot()` before a test's call, `restore(before)` after it: every switch is put back and the ones
that changed are named. torch is looked at only where something has imported it already.
"""

from __future__ import annotations

import signal
import sys

import numpy as np

_SIGINT = {"seen": False}


def watch_sigint() -> None:
    """Tell a real Ctrl-C from a KeyboardInterrupt that the code raised itself."""
    try:
        previous = signal.getsignal(signal.SIGINT)
    except (ValueError, AttributeError):  # not the main thread
        return
    if getattr(previous, "_cvk", False):
        return

    def handler(signum, frame):
        _SIGINT["seen"] = True
        if callable(previous) and previous not in (signal.SIG_IGN, signal.SIG_DFL):
            previous(signum, frame)
        raise KeyboardInterrupt

    handler._cvk = True
    try:
        signal.signal(signal.SIGINT, handler)
    except ValueError:
        pass


def sigint_seen() -> bool:
    return _SIGINT["seen"]


def _torch_switches(torch):
    out = {
        "torch default dtype (torch.set_default_dtype)": (torch.get_default_dtype, torch.set_default_dtype),
        "torch grad mode (torch.set_grad_enabled)": (torch.is_grad_enabled, torch.set_grad_enabled),
        "torch deterministic algorithms": (torch.are_deterministic_algorithms_enabled,
                                           torch.use_deterministic_algorithms),
        "torch anomaly detection": (torch.is_anomaly_enabled, torch.set_anomaly_enabled),
        "torch thread count (torch.set_num_threads)": (torch.get_num_threads, torch.set_num_threads),
    }
    if hasattr(torch, "get_default_device"):
        out["torch default device (torch.set_default_device)"] = (torch.get_default_device,
                                                                  torch.set_default_device)
    cudnn = torch.backends.cudnn
    for flag in ("benchmark", "deterministic"):
        out[f"torch.backends.cudnn.{flag}"] = (lambda f=flag: getattr(cudnn, f),
                                               lambda v, f=flag: setattr(cudnn, f, v))
    return out


def _switches():
    out = {
        "numpy error handling (np.seterr)": (np.geterr, lambda v: np.seterr(**v)),
        "Python recursion limit (sys.setrecursionlimit)": (sys.getrecursionlimit, sys.setrecursionlimit),
    }
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "get_default_dtype"):
        out.update(_torch_switches(torch))
    return out


def snapshot() -> dict:
    values = {}
    for name, (get, _set) in _switches().items():
        try:
            values[name] = get()
        except Exception:
            pass
    return values


def restore(before: dict) -> list[str]:
    """Put every switch back as `before` had it; the names (and values) of those that had changed."""
    changed = []
    switches = _switches()
    for name, old in before.items():
        get, put = switches[name]
        try:
            now = get()
            if now != old:
                put(old)
                changed.append(f"{name}: {old!r} became {now!r}")
        except Exception:
            pass
    return changed
