"""Speed as a ratio to the reference, measured in the same process (KATA_STANDARD.md, Speed).

Both are warmed up, then timed in alternating rounds (the order swaps every round), each round long
enough to read a clock reliably; the verdict is the median of the per-round ratios. A candidate that
is hopelessly slow is stopped by an alarm and reported as too slow instead of left running.
"""

from __future__ import annotations

import math
import signal
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


class TooSlow(AssertionError):
    """The candidate is correct enough to time, but slower than the kata allows."""


class _Stopped(BaseException):
    pass


@dataclass
class SpeedResult:
    ratio: float  # median of the per-round candidate/reference ratios
    max_ratio: float
    ratios: list = field(default_factory=list)
    calls_per_round: int = 1
    reference_s: float = 0.0  # one reference call
    stopped_early: bool = False

    @property
    def passed(self) -> bool:
        return not self.stopped_early and self.ratio <= self.max_ratio

    def describe(self) -> str:
        rounds = ", ".join(f"{r:.2f}" for r in self.ratios)
        if self.stopped_early:
            done = (f"after {len(self.ratios)} timed round(s) [{rounds}]" if self.ratios
                    else "during its first timed call")
            return (f"at least {self.ratio:.1f}x the reference's time (limit {self.max_ratio:g}x): stopped {done}, "
                    f"as it cannot come under the limit; reference {self.reference_s * 1e3:.2f} ms per call")
        return (
            f"median time ratio {self.ratio:.2f}x the reference (limit {self.max_ratio:g}x); "
            f"{len(self.ratios)} round(s) of {self.calls_per_round} call(s): [{rounds}]; "
            f"reference {self.reference_s * 1e3:.2f} ms per call"
        )


@contextmanager
def _alarm(seconds: float):
    """Interrupt the block after `seconds` of wall time. SIGALRM is pytest-timeout's too: its handler
    and its remaining time are put back afterwards, so the per-test limit still holds."""
    if not hasattr(signal, "setitimer") or seconds <= 0:
        yield
        return

    def stop(signum, frame):
        raise _Stopped

    start = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, stop)
    old_left, old_interval = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, old_left) if old_left else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_left:
            signal.setitimer(signal.ITIMER_REAL, max(old_left - (time.monotonic() - start), 1e-3), old_interval)


def measure(candidate, reference, args=(), kwargs=None, *, max_ratio: float, rounds: int = 9,
            min_round_s: float = 0.01, hopeless: float = 3.0, budget_s: float = 2.5, sync=None) -> SpeedResult:
    """Time ``candidate(*args, **kwargs)`` against ``reference(*args, **kwargs)``.

    ``hopeless``: stop once the candidate is this many times over the limit. ``budget_s``: stop
    adding rounds after this long (at least three rounds are always run). Timing stops as soon as
    more than half of the ``rounds`` ratios fall on one side of the limit: the median of all
    ``rounds`` would be on that side too, so the verdict is that of the full run, in fewer rounds.
    ``sync`` is called before every clock read (``torch.cuda.synchronize`` on CUDA).
    """
    kwargs = kwargs or {}
    sync = sync or (lambda: None)

    def timed(fn, n):
        sync()
        t0 = time.perf_counter()
        for _ in range(n):
            fn(*args, **kwargs)
        sync()
        return time.perf_counter() - t0

    timed(reference, 1)  # warm-up
    t_ref = min(timed(reference, 1) for _ in range(3))
    n = max(1, math.ceil(min_round_s / max(t_ref, 1e-9)))
    cut = hopeless * max_ratio
    # Seconds after which one timed candidate block is stopped: late enough that it is surely over
    # the limit (1.5x), early enough (3 s) that a hopeless one never runs into the per-test timeout.
    limit_s = max(0.05, 1.5 * max_ratio * t_ref * n, min(cut * t_ref * n, 3.0))
    result = SpeedResult(math.inf, max_ratio, calls_per_round=n, reference_s=t_ref)

    def stop_early(ratio_floor):
        result.ratio, result.stopped_early = ratio_floor, True
        return result

    try:
        with _alarm(limit_s):
            t_first = timed(candidate, 1)  # warm-up, under the alarm
    except _Stopped:
        return stop_early(limit_s / t_ref)
    if t_first / t_ref > cut * 4:  # far beyond hope even allowing for first-call costs
        return stop_early(t_first / t_ref)

    start = time.perf_counter()
    for r in range(rounds):
        try:
            if r % 2:
                tr = timed(reference, n)
            with _alarm(limit_s):
                tc = timed(candidate, n)
            if r % 2 == 0:
                tr = timed(reference, n)
        except _Stopped:
            return stop_early(limit_s / (t_ref * n))
        result.ratios.append(tc / tr)
        result.ratio = statistics.median(result.ratios)
        within = sum(x <= max_ratio for x in result.ratios)
        if max(within, len(result.ratios) - within) > rounds // 2:
            break  # a majority of all `rounds` rounds is on one side: more rounds cannot change the verdict
        if r >= 2 and (result.ratio > cut or time.perf_counter() - start > budget_s):
            result.stopped_early = result.ratio > cut
            break
    return result
