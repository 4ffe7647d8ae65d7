"""`nox -s bench`: pytest-benchmark timings of the references against library implementations.

Benchmarks live in benchmarks/bench_*.py. Each group times the reference (a test named
test_reference*) and one or more library implementations of the same computation (any other name) in
one benchmark group named after the kata; this prints each library's time as a ratio to the
reference. Timings are for reports only: nothing passes or fails on them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

from . import catalog

BENCH_DIR = catalog.ROOT / "benchmarks"


def main(args: list[str]) -> int:
    files = sorted(BENCH_DIR.glob("bench_*.py"))
    if args:
        wanted = {catalog.get(a).id.replace("/", "_") for a in args}
        files = [f for f in files if any(f.stem.removeprefix("bench_") in w or w in f.stem for w in wanted)]
    if not files:
        print("bench: no benchmarks for these katas", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.json")
        code = subprocess.run(
            [sys.executable, "-m", "pytest", *map(str, files), "-q", "-p", "benchmark", "--benchmark-enable",
             "--benchmark-only",
             f"--benchmark-json={path}", "--benchmark-disable-gc", "-o", "python_files=bench_*.py",
             "-o", "timeout=120", "--benchmark-columns=min,median,rounds"],
            cwd=catalog.ROOT,
        ).returncode
        if not os.path.exists(path):
            return code or 1
        with open(path) as fh:
            data = json.load(fh)
    groups = defaultdict(dict)
    for b in data["benchmarks"]:
        name = b["name"].split("[")[0].removeprefix("test_")
        groups[b["group"]]["reference" if name.startswith("reference") else name] = b["stats"]["median"]
    print(f"\n{'kata / case':<44} {'implementation':<28} {'median':>10} {'vs reference':>13}")
    for group, times in sorted(groups.items()):
        ref = times.get("reference")
        for name, t in sorted(times.items(), key=lambda kv: kv[0] != "reference"):
            ratio = f"{t / ref:.2f}x" if ref else "-"
            print(f"{group:<44} {name:<28} {t * 1e3:>8.2f}ms {ratio:>13}")
    return code
