"""`nox -s bench -- feedback [IDS...] [--repeat N]`: how long a learner waits for a verdict.

For every kata: the cold wall time of ``pytest katas/<id>`` (a fresh process, as a learner runs it)
on the untouched stub and on the reference, the median per group (numpy katas; torch katas, those
whose tests import torch), and for detection/nms and a torch kata the time of a watch round beside
the cold run, as a ratio. A report,
not a test: nothing passes or fails on it. Times are wall-clock medians over ``--repeat`` runs.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time

from . import catalog

BUDGET = {"numpy": 1.0, "torch": 3.0}  # seconds, KATA_STANDARD.md "Feedback time"
WATCHED = ("detection/nms", "torch/channel_shuffle")


def cold(kata, impl: str | None) -> float:
    env = {**os.environ, "CVKATAS_DB": "off"}
    env.pop("CVKATAS_IMPL", None)
    cmd = [sys.executable, "-m", "pytest", str(kata.folder), "-q", "-p", "no:randomly",
           *([f"--impl={impl}"] if impl else [])]
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=catalog.ROOT, env=env, capture_output=True)
    return time.perf_counter() - t0


def kind(kata) -> str:
    """The budget group: "torch" where the kata's tests import torch (a torch kata, or a numpy kata
    with torch as its oracle: the import alone takes about 2 s here), else "numpy"."""
    tests = "".join(p.read_text() for p in kata.folder.glob("test_*.py"))
    imports = re.search(r"^(import|from) torch\b", tests, re.M) or 'importorskip("torch")' in tests
    return "torch" if kata.uses_torch or imports else "numpy"


def main(ids=(), repeat: int = 3) -> int:
    """``bench feedback [IDS...] [--repeat N]`` (parsed by `cli`)."""
    katas = catalog.resolve(ids) if ids else list(catalog.all_katas())
    rows = []
    print(f"{'kata':<32} {'group':<6} {'stub s':>7} {'reference s':>12}  (median of {repeat}, budget numpy "
          f"{BUDGET['numpy']:.0f} s, torch {BUDGET['torch']:.0f} s)")
    for k in katas:
        stub = statistics.median(cold(k, None) for _ in range(repeat))
        ref = statistics.median(cold(k, "solutions") for _ in range(repeat))
        g = kind(k)
        flag = "  over budget" if max(stub, ref) > BUDGET[g] else ""
        flag = "  OVER TWICE THE BUDGET" if max(stub, ref) > 2 * BUDGET[g] else flag
        rows.append((k, g, stub, ref))
        print(f"{k.id:<32} {g:<6} {stub:>7.2f} {ref:>12.2f}{flag}", flush=True)
    for g in ("numpy", "torch"):
        rs = [r for r in rows if r[1] == g]
        if rs:
            print(f"median {g:<6} ({len(rs)} katas): stub {statistics.median(r[2] for r in rs):.2f} s, "
                  f"reference {statistics.median(r[3] for r in rs):.2f} s")
    from . import watch

    for kid in WATCHED:
        if ids and kid not in {k.id for k in katas}:
            continue
        k = catalog.get(kid)
        watch.preload([k])
        rounds = [watch.run_round([k], "solutions").seconds for _ in range(repeat)]
        c = statistics.median(cold(k, "solutions") for _ in range(repeat))
        w = statistics.median(rounds)
        print(f"watch round {kid:<24} {w:.2f} s against a cold run of {c:.2f} s: {w / c:.2f}x")
    return 0
