"""The commands behind the nox sessions (`python -m cvkatas <command>` or `nox -s <command> -- ...`).

A user mistake prints one line and the usage, never a traceback."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from . import catalog, db, interview, learner


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def _parser(name: str, doc: str) -> Parser:
    return Parser(prog=f"nox -s {name} --", description=doc, add_help=True)


def cmd_verify(args):
    from .verify import main

    p = _parser("verify", "the suite's own proofs, per kata (KATA_STANDARD.md)")
    p.add_argument("ids", nargs="*", help="kata ids, tracks or bare names (default: every kata)")
    p.add_argument("--torch", action="store_true", help="only the katas that run on CUDA")
    p.add_argument("--json", metavar="PATH", help="write every kata's verdict as JSON")
    p.add_argument("--no-harness", action="store_true", help="skip the harness's own tests in tests/")
    p.add_argument("--jobs", type=int, metavar="N", help="katas at once (default: the CPU count)")
    a = p.parse_args(args)
    return main(a.ids, torch=a.torch, json_path=a.json, no_harness=a.no_harness, jobs=a.jobs)


def cmd_bench(args):
    if args[:1] == ["feedback"]:
        from .feedback import main as feedback

        p = Parser(prog="nox -s bench -- feedback", description="cold and watch-round feedback times, per kata")
        p.add_argument("ids", nargs="*", help="kata ids, tracks or bare names (default: every kata)")
        p.add_argument("--repeat", type=int, default=3, metavar="N", help="runs per time; the median is taken")
        a = p.parse_args(args[1:])
        return feedback(a.ids, a.repeat)
    from .bench import main

    return main(args)


def cmd_new(args):
    from .scaffold import scaffold

    p = _parser("new", "scaffold a kata")
    p.add_argument("kata", help="track/name")
    a = p.parse_args(args)
    try:
        created = scaffold(a.kata)
    except (ValueError, FileExistsError) as exc:
        raise UsageError(str(exc)) from None
    for path in created:
        print(f"created {path.relative_to(catalog.ROOT)}")
    print("Fill them in; `nox -s verify` reports the kata as INCOMPLETE until it meets KATA_STANDARD.md.")
    return 0


def _split_katas(args):
    """Kata ids, tracks and bare names come first; anything from the first option on is left over."""
    specs = []
    for i, a in enumerate(args):
        if a.startswith("-"):
            return specs, args[i:]
        specs.append(a)
    return specs, []


def cmd_kata(args):
    """Kata ids, tracks or bare names, then --impl PKG and any pytest options."""
    specs, rest = _split_katas(args)
    if not specs:
        raise UsageError("name at least one kata: an id (detection/nms), a track (detection) or a name (nms)")
    katas = catalog.resolve(specs)
    p = _parser("kata", "run katas' tests, speed tests included; other options go to pytest")
    p.add_argument("--impl")
    a, rest = p.parse_known_args(rest)
    extra = [f"--impl={a.impl}"] if a.impl else []
    return subprocess.run([sys.executable, "-m", "pytest", *[str(k.folder.relative_to(catalog.ROOT)) for k in katas],
                           *extra, *rest], cwd=catalog.ROOT).returncode


def cmd_watch(args):
    from . import watch

    specs, rest = _split_katas(args)
    if not specs:
        raise UsageError("name a kata to watch: an id (detection/nms), a track (detection) or a name (nms)")
    katas = catalog.resolve(specs)
    p = _parser("watch", "re-run the katas' tests every time you save your file")
    p.add_argument("--impl")
    p.add_argument("--limit", type=float, default=watch.ROUND_LIMIT, help="seconds a round may take")
    p.add_argument("--rounds", type=int, default=None, help="stop after this many rounds (for scripts)")
    a = p.parse_args(rest)
    pkg = learner.package(a.impl)
    files = [learner.learner_file(k, a.impl) if pkg != "solutions" else k.reference_file for k in katas]
    return watch.main(katas, a.impl, files, limit=a.limit, rounds=a.rounds)


def cmd_list(args):
    p = _parser("list", "the catalogue, with your status")
    p.add_argument("--track")
    p.add_argument("--difficulty", choices=catalog.DIFFICULTIES)
    p.add_argument("--tag")
    p.add_argument("--status", choices=learner.STATUSES)
    p.add_argument("--impl")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    a = p.parse_args(args)
    return learner.cmd_list(a.track, a.difficulty, a.tag, a.status, a.impl, a.lang)


def cmd_progress(args):
    p = _parser("progress", "run the katas' tests and show your progress")
    p.add_argument("katas", nargs="*", help="only these kata ids")
    p.add_argument("--track")
    p.add_argument("--impl")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--no-run", action="store_true", help="show the history only, without running tests")
    p.add_argument("--rerun", action="store_true", help="run even the katas unchanged since their last run")
    a = p.parse_args(args)
    return learner.cmd_progress(a.track, a.impl, a.lang, run=not a.no_run, ids=a.katas, rerun=a.rerun)


def cmd_hint(args):
    p = _parser("hint", "show the next hint of a kata (counted per kata and implementation)")
    p.add_argument("kata")
    p.add_argument("--impl")
    p.add_argument("--number", type=int, metavar="N", help="show hint N (and the gentler ones before it)")
    a = p.parse_args(args)
    return learner.cmd_hint(a.kata, a.impl, a.number)


def cmd_show(args):
    p = _parser("show", "print a kata's statement: the stub's docstrings and signatures (nothing is run or recorded)")
    p.add_argument("kata")
    return learner.cmd_show(p.parse_args(args).kata)


def cmd_next(args):
    p = _parser("next", "the kata to do now, and why: a due review, a kata in progress, the learning path's next")
    p.add_argument("--track")
    p.add_argument("--impl")
    p.add_argument("--now", help=argparse.SUPPRESS)  # an ISO time, for tests
    a = p.parse_args(args)
    return learner.cmd_next(a.track, a.impl, a.now)


def cmd_solution(args):
    p = _parser("solution", "show the reference solution once your implementation passes")
    p.add_argument("kata")
    p.add_argument("--impl")
    p.add_argument("--force", action="store_true", help="show it anyway (recorded)")
    a = p.parse_args(args)
    return learner.cmd_solution(a.kata, a.impl, a.force)


def cmd_workspace(args):
    p = _parser("workspace", "create a package of untouched stubs to practise in (existing files are kept)")
    p.add_argument("folder")
    p.add_argument("--track")
    a = p.parse_args(args)
    return learner.cmd_workspace(a.folder, a.track)


def cmd_reset(args):
    p = _parser("reset", "restore a kata's stub, keeping your file as a timestamped backup")
    p.add_argument("kata")
    p.add_argument("--impl")
    a = p.parse_args(args)
    return learner.cmd_reset(a.kata, a.impl)


def _score(text):
    name, _, value = text.partition("=")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=1..4")
    return name, int(value)


def cmd_interview(args):
    p = _parser("interview", "a mock interview: pick a kata, brief the candidate, score the session")
    p.add_argument("--track")
    p.add_argument("--difficulty", choices=catalog.DIFFICULTIES)
    p.add_argument("--minutes", type=int, help="time budget; katas needing more are not picked")
    p.add_argument("--seed", type=int)
    p.add_argument("--kata")
    p.add_argument("--impl")
    p.add_argument("--finish", action="store_true", help="run the tests and record the outcome and scores")
    p.add_argument("--score", type=_score, action="append", default=[], metavar="NAME=N",
                   help="with --finish: correctness, complexity, edge_cases, communication, 1-4")
    p.add_argument("--hints", type=int, help="with --finish: hints the interviewer gave")
    p.add_argument("--cancel", action="store_true", help="cancel the open interview (recorded as cancelled)")
    a = p.parse_args(args)
    if a.cancel:
        if a.finish or a.score or a.hints is not None:
            raise UsageError("--cancel goes alone: it closes the open interview without scores")
        return interview.cmd_interview_cancel()
    if a.finish:
        return interview.cmd_interview_finish(dict(a.score), a.hints)
    if a.score or a.hints is not None:
        raise UsageError("--score and --hints go with --finish")
    return interview.cmd_interview(a.track, a.difficulty, a.minutes, a.seed, a.kata, a.impl)


COMMANDS = {
    "verify": cmd_verify, "kata": cmd_kata, "progress": cmd_progress, "list": cmd_list, "hint": cmd_hint,
    "solution": cmd_solution, "workspace": cmd_workspace, "reset": cmd_reset, "interview": cmd_interview,
    "bench": cmd_bench, "new": cmd_new, "watch": cmd_watch, "show": cmd_show, "next": cmd_next,
}
USAGE = "usage: python -m cvkatas {" + ",".join(COMMANDS) + "} [args]   (or: nox -s <command> -- [args])"


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        print(f"cvkatas: unknown command {argv[0]!r}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[0]](list(argv[1:]))
    except (UsageError, catalog.UnknownKata, learner.CommandError, db.HistoryError) as exc:
        print(f"cvkatas {argv[0]}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `... | head`: the reader has gone; say nothing more
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (so the interpreter's own flush is quiet)
        except OSError:
            pass
        return 0
