"""The commands behind the nox sessions. Each prints one clear line for a user mistake, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

from . import catalog
from .plugin import kata_status

USAGE = """usage: python -m cvkatas <command> [args]   (or: nox -s <command> -- [args])
  verify [ID ...]                 the suite's own proof (every kata, or those named)
  kata ID [--impl PKG] [PYTEST..] run one kata's tests, speed tests included
  progress [--impl PKG]           every kata's status for your implementation
  bench [ID ...]                  reference timings against library implementations
  new TRACK/NAME                  scaffold a new kata"""


class UsageError(Exception):
    pass


def _take(args: list[str], flag: str) -> str | None:
    """Remove `--flag VALUE` or `--flag=VALUE` from args and return VALUE."""
    for i, a in enumerate(args):
        if a == flag:
            if i + 1 >= len(args):
                raise UsageError(f"{flag} needs a value")
            value = args[i + 1]
            del args[i:i + 2]
            return value
        if a.startswith(flag + "="):
            del args[i]
            return a.split("=", 1)[1]
    return None


def _pytest(args, **kw):
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=catalog.ROOT, **kw).returncode


def cmd_kata(args):
    if not args or args[0].startswith("-"):
        raise UsageError("kata needs a kata id, e.g. nox -s kata -- detection/nms")
    kata = catalog.get(args[0])
    impl = _take(args := args[1:], "--impl")
    extra = [f"--impl={impl}"] if impl else []
    return _pytest([str(kata.folder.relative_to(catalog.ROOT)), *extra, *args])


def run_all(impl: str | None, katas) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "results.json")
        extra = [f"--impl={impl}"] if impl else []
        _pytest([*[str(k.folder) for k in katas], *extra, f"--cvk-results={path}", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not os.path.exists(path):
            raise UsageError("the tests did not run; try `nox -s kata -- <id>` to see why")
        with open(path) as fh:
            return json.load(fh)


def cmd_progress(args):
    impl = _take(args, "--impl")
    if args:
        raise UsageError(f"progress: unknown argument {args[0]!r}")
    from .impl import ImplError, resolve_package

    try:
        shown = resolve_package(impl)
    except ImplError as exc:
        raise UsageError(str(exc)) from None
    katas = catalog.all_katas()
    by_kata = defaultdict(list)
    for r in run_all(impl, katas):
        by_kata[r["kata"]].append(r)
    print(f"CV Katas progress for --impl={shown}\n")
    solved = 0
    track = None
    for k in katas:
        if k.track != track:
            track = k.track
            print(f"{track}")
        rs = by_kata.get(k.id, [])
        status = kata_status(rs) if rs else "not started"
        solved += status == "solved"
        passed = sum(r["outcome"] == "passed" for r in rs)
        ran = sum(r["outcome"] != "skipped" for r in rs)
        ratios = [r["speed_ratio"] for r in rs if r["speed_ratio"] is not None]
        speed = f"{max(ratios):.2f}x" if ratios else ""
        print(f"  {k.id:<30} {status:<12} {passed:>3}/{ran:<3} {speed:>7}  {k.meta.get('title', '')}")
    print(f"\n{solved}/{len(katas)} solved ({100 * solved / max(1, len(katas)):.0f}%)")
    return 0


def cmd_bench(args):
    from .bench import main as bench_main

    return bench_main(args)


def cmd_new(args):
    from .scaffold import scaffold

    if len(args) != 1:
        raise UsageError("new needs one kata id, e.g. nox -s new -- detection/box_iou")
    try:
        created = scaffold(args[0])
    except (ValueError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    for path in created:
        print(f"created {path.relative_to(catalog.ROOT)}")
    print("Fill them in; `nox -s verify` reports the kata as INCOMPLETE until it meets KATA_STANDARD.md.")
    return 0


def cmd_verify(args):
    from .verify import main as verify_main

    return verify_main(args)


COMMANDS = {"verify": cmd_verify, "kata": cmd_kata, "progress": cmd_progress, "bench": cmd_bench, "new": cmd_new}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        if argv and argv[0] not in ("-h", "--help"):
            print(f"cvkatas: unknown command {argv[0]!r}", file=sys.stderr)
        print(USAGE, file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    try:
        return COMMANDS[argv[0]](list(argv[1:]))
    except (UsageError, catalog.UnknownKata) as exc:
        print(f"cvkatas {argv[0]}: {exc}", file=sys.stderr)
        return 2
