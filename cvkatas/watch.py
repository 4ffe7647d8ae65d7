"""`nox -s watch -- ID [ID ... | TRACK] [--impl PKG]`: re-run a kata's tests each time its file is saved.

One warm process imports numpy, torch, pytest, the harness and the libraries the kata's tests import,
once. Each round runs in a child forked from it, so the learner's module is loaded anew every time
and a round costs pytest's collection and the tests, not the imports. The round's verdict is the
kata's status and summary line, then its first failure in full. A round that runs past its limit
(an endless loop) is ended as *timed out*; the watcher goes on. Ctrl-C ends the watcher.
"""

from __future__ import annotations

import ast
import gc
import importlib
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog, results, verdict

ROUND_LIMIT = 120.0  # seconds: a backstop; pytest-timeout ends a hung test after 10 s, each test after 2 s


def preload(katas) -> list[str]:
    """Import, in this process, every third-party library the katas' test files import (never the
    learner's or the kata's own modules: those must be loaded anew in every round)."""
    names = {"numpy", "pytest", "cvkatas.plugin", "cvkatas.asserts", "cvkatas.data", "cvkatas.oracles"}
    for kata in katas:
        if kata.uses_torch:
            names.add("torch")
        tree = ast.parse((kata.folder / "test_kata.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    loaded = []
    for name in sorted(names):
        if name.split(".")[0] in ("katas", "solutions"):
            continue
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:  # an optional oracle that is not installed: the test skips it itself
            pass
    # Everything imported so far lives as long as the watcher: move it out of the collector's sight,
    # so that pytest's gc.collect() at the end of each round scans the round's objects only (with
    # torch loaded a full collection costs about 0.1 s), and forked children keep sharing its pages.
    gc.freeze()
    return loaded


@dataclass
class Round:
    status: str
    line: str
    first_failure: str = ""
    seconds: float = 0.0
    records: list = field(default_factory=list)


def run_round(katas, impl: str | None, limit: float = ROUND_LIMIT, extra=()) -> Round:
    """One round of the katas' tests in a forked child; the parent only waits and reads the results."""
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        args = [*[str(k.folder) for k in katas], f"--cvk-results={out}", "-q", "-p", "no:randomly",
                "--tb=no", "--no-header", *([f"--impl={impl}"] if impl else []), *extra]
        pid = os.fork()
        if pid == 0:  # the child: a fresh pytest run, its output kept off the watcher's screen
            code = 3
            try:
                os.setpgid(0, 0)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                os.chdir(catalog.ROOT)
                import pytest

                code = int(pytest.main(args))
            finally:
                os._exit(code)
        hung = []

        def first_hang():  # one test timed out: the round's verdict is known, do not wait for the rest
            for line in results.lines(out):
                if line.get("category") == verdict.TIMED_OUT:
                    hung.append(line)
                    return True
            return False

        timed_out = not _wait(pid, limit, first_hang)
        records, crashed = results.read(out)
        if hung:
            crashed = None
    seconds = time.perf_counter() - t0
    records = records or []
    if hung:
        return Round(verdict.TIMED_OUT, f"{hung[0]['kata']}  timed out in {hung[0]['nodeid']}: an endless loop? "
                     "The round was ended there; save again to re-run.", hung[0]["message"][-2000:],
                     seconds=seconds, records=records)
    if timed_out:
        return Round(verdict.TIMED_OUT, f"the round ran past {limit:.0f} s and was ended: an endless loop?",
                     seconds=seconds, records=records)
    if crashed is not None:
        return Round(verdict.CRASHED, f"the test process died in {crashed['started']}: os._exit or a crash?",
                     seconds=seconds, records=records)
    if not records:
        return Round("error", "the tests did not run (a syntax error in a test file?)", seconds=seconds)
    failed = [r for r in records if r["outcome"] == "failed"]
    first = next((r for r in failed if r["category"] != verdict.NOT_STARTED), failed[0] if failed else None)
    text = f"{first['nodeid']}\n{first['message']}" if first else ""
    statuses = {r["kata"] for r in records}
    parts = []
    for kid in sorted(statuses):
        rs = [r for r in records if r["kata"] == kid]
        parts.append(f"{kid}  {verdict.kata_status(rs)}  {verdict.summary_line(rs)}")
    status = verdict.kata_status(records)
    return Round(status, "\n".join(parts), text, seconds, records)


def _wait(pid: int, limit: float, stop_when=None) -> bool:
    """Wait for the child; kill its process group after `limit` seconds or once `stop_when()` is true.
    True if it ended by itself."""
    deadline = time.monotonic() + limit
    polls = 0
    try:
        while True:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return True
            polls += 1
            if time.monotonic() > deadline or (stop_when is not None and polls % 20 == 0 and stop_when()):
                _kill(pid)
                return False
            time.sleep(0.01)
    except BaseException:
        _kill(pid)
        raise


def _kill(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def show(rnd: Round, out=sys.stdout) -> None:
    print(f"\n[{time.strftime('%H:%M:%S')}] {rnd.line}   ({rnd.seconds:.2f} s)", file=out)
    if rnd.first_failure:
        print(f"\nfirst failure: {rnd.first_failure}", file=out)
    out.flush()


def main(katas, impl: str | None, files: list[Path], limit: float = ROUND_LIMIT, rounds: int | None = None) -> int:
    import watchfiles

    loaded = preload(katas)
    names = ", ".join(k.id for k in katas)
    print(f"watching {', '.join(str(f) for f in files)} for {names}  (warm: {len(loaded)} modules; Ctrl-C ends)")
    done = 0
    try:
        show(run_round(katas, impl, limit))
        done += 1
        watched = {f.resolve() for f in files}
        for changes in watchfiles.watch(*{f.parent for f in files}, debounce=200, step=50):
            if not any(Path(p).resolve() in watched for _, p in changes):
                continue
            if rounds is not None and done >= rounds:
                break
            show(run_round(katas, impl, limit))
            done += 1
            if rounds is not None and done >= rounds:
                break
    except KeyboardInterrupt:
        print("\nwatch ended.")
    return 0
