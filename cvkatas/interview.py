"""Mock interviews: a seeded pick of a kata, the candidate's brief, the interviewer's sheet, and the
finish that runs the tests and records the scores (`nox -s interview`)."""

from __future__ import annotations

import ast
import random
from datetime import datetime
from pathlib import Path

from . import catalog, db
from . import impl as impl_mod
from .learner import (
    CommandError,
    kata_status,
    learner_file,
    package,
    pristine_stub,
    run_tests,
    select,
    summary,
    tally,
    with_run_line,
)

RUBRIC = {
    "correctness": "1 wrong on the main case · 2 main case right · 3 edge cases mostly right · 4 all tests pass",
    "complexity": "1 cannot state it · 2 states it · 3 reaches the expected complexity · 4 discusses trade-offs",
    "edge_cases": "1 none raised · 2 some when prompted · 3 most unprompted · 4 all, with tests in mind",
    "communication": "1 silent · 2 explains when asked · 3 thinks aloud, clarifies the spec · 4 drives the session",
}


def brief(kata, impl: str | None = None) -> str:
    tree = ast.parse(with_run_line(kata, pristine_stub(kata), impl))
    lines = [ast.get_docstring(tree) or f"{kata.meta['title']} · {kata.meta['title_zh']}"]
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in kata.api:
            head = ast.unparse(node).split("\n")[0]
            lines += ["", head, "    " + (ast.get_docstring(node) or "").replace("\n", "\n    ")]
    if kata.max_ratio:
        lines += ["", f"Speed: the tests time your answer against the reference; the limit is {kata.max_ratio:g}x."]
    return "\n".join(lines)


def sheet(kata, seed, minutes) -> str:
    m = kata.meta
    out = [f"# Interviewer's sheet: {kata.id} · {m['title']} ({m['title_zh']})", "",
           f"Difficulty {m['difficulty']}; time budget {minutes} min; seed {seed}.", "",
           "## Hints, in order (give one at a time; note how many you gave)"]
    out += [f"{i}. {h}" for i, h in enumerate(m["hints"], 1)]
    out += ["", "## Classic mistakes and how to spot them (the tests catch each one)"]
    out += [f"- **{x['id']}**: {x['text']}" for x in m["mistakes"]]
    out += ["", "## Follow-up questions"] + [f"- {q}" for q in m["follow_ups"]]
    out += ["", "## Rubric (score 1-4 each)"] + [f"- **{k}**: {v}" for k, v in RUBRIC.items()]
    out += ["", "Finish with: nox -s interview -- --finish --score correctness=N --score complexity=N "
            "--score edge_cases=N --score communication=N [--hints N]"]
    return "\n".join(out) + "\n"


NO_HISTORY = ("mock interviews need the history (recording is off: CVKATAS_DB=off); "
              "unset CVKATAS_DB or set it to a file's path")


def cmd_interview(track=None, difficulty=None, minutes=None, seed=None, kata_id=None, impl=None):
    store = db.open_store()
    if store is None:
        raise CommandError(NO_HISTORY)
    if store.open_interview():
        iv = store.open_interview()
        raise CommandError(f"an interview of {iv['kata']} started at {iv['started']} is still open; "
                           "finish it with --finish, or cancel it with --cancel")
    pkg = package(impl)
    if kata_id:
        kata = catalog.get(kata_id)
    else:
        info = summary(store, pkg)
        pool = [k for k in select(track, difficulty) if info[k.id]["status"] != "solved"
                and (minutes is None or k.meta.get("minutes", 0) <= minutes)]
        if not pool:
            raise CommandError("no unsolved kata matches these filters")
        seed = seed if seed is not None else random.SystemRandom().randrange(10**6)
        kata = random.Random(seed).choice(sorted(pool, key=lambda k: k.id))
    budget = minutes or kata.meta["minutes"]
    folder = db.state_dir() / "interviews"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{kata.track}-{kata.name}.md"
    path.write_text(sheet(kata, seed, budget))
    spec = pkg if not impl or impl.isidentifier() else str(Path(impl).expanduser().resolve())
    store.start_interview(kata.id, spec, seed, budget, str(path))
    where = learner_file(kata, impl) if pkg != impl_mod.REFERENCE else kata.stub_file
    print(f"MOCK INTERVIEW · {budget} minutes · kata {kata.id}" + (f" · seed {seed}" if seed is not None else ""))
    print("=" * 78)
    print(brief(kata, None if pkg == impl_mod.DEFAULT else spec))
    print("=" * 78)
    print(f"Write your answer in {where}; run its tests with: pytest katas/{kata.id}"
          + ("" if pkg == impl_mod.DEFAULT else f" --impl={spec}"))
    print(f"Interviewer's sheet (hints, mistakes, follow-ups, rubric): {path}")
    return 0


def cmd_interview_cancel():
    store = db.open_store()
    if store is None:
        raise CommandError(NO_HISTORY)
    iv = store.open_interview()
    if iv is None:
        raise CommandError("no interview is open; nothing to cancel")
    store.cancel_interview(iv["id"])
    print(f"interview of {iv['kata']} started at {iv['started']} cancelled "
          "(kept in the history as cancelled, without scores)")
    return 0


def cmd_interview_finish(scores: dict, hints=None):
    store = db.open_store()
    if store is None:
        raise CommandError(NO_HISTORY)
    iv = store.open_interview()
    if iv is None:
        raise CommandError("no interview is open; start one with `nox -s interview`")
    for name, value in scores.items():
        if name not in RUBRIC or value not in (1, 2, 3, 4):
            raise CommandError(f"--score {name}={value}: use {', '.join(RUBRIC)} with a value from 1 to 4")
    kata = catalog.get(iv["kata"])
    impl = None if iv["impl"] == impl_mod.DEFAULT else iv["impl"]
    results = run_tests([kata], impl, "interview", extra=("--full",))[kata.id]  # the interview's sizes too
    status = kata_status(results) if results else "not started"
    taken = (datetime.now() - datetime.fromisoformat(iv["started"])).total_seconds() / 60
    hints_given = hints if hints is not None else 0
    store.finish_interview(iv["id"], finished=db.now(), minutes_taken=taken, status=status, hints=hints_given,
                           **{k: scores.get(k) for k in RUBRIC})
    print(f"interview of {kata.id} finished: {status} ({tally(results)}), {taken:.0f} of "
          f"{iv['minutes_budget']} min, {hints_given} hint(s); scores "
          + ", ".join(f"{k} {scores.get(k, '-')}" for k in RUBRIC))
    return 0
