"""Learner tooling: list, show, next, progress, hint, solution, workspace, reset and mock interviews.

Every command reads the kata metadata (kata.toml) and the history database (cvkatas.db); nothing
the learner wrote is deleted: reset keeps a timestamped backup, workspace never overwrites."""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from . import catalog, db
from . import impl as impl_mod
from . import path as learning_path
from . import results as results_file
from .verdict import STATUSES, kata_status


class CommandError(Exception):
    """A user mistake or a refusal: one line, no traceback."""


# -- running tests ------------------------------------------------------------------------------



def impl_flag(pkg: str, impl: str | None) -> str:
    """" --impl X" for a command line, as the learner gave it (a folder stays a folder), or "" for the stubs."""
    return "" if pkg == impl_mod.DEFAULT else f" --impl {impl or pkg}"


def tally(results) -> str:
    """"25/26 tests passed" (skipped tests, such as cuda without a GPU, counted apart)."""
    ran = [r for r in results if r["outcome"] != "skipped"]
    skipped = len(results) - len(ran)
    return (f"{sum(r['outcome'] == 'passed' for r in ran)}/{len(ran)} tests passed"
            + (f", {skipped} skipped" if skipped else ""))


def _bar(done: int, total: int, label: str) -> None:
    width = 30
    fill = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} katas  {label:<32}")
    sys.stderr.flush()


def run_tests(katas, impl: str | None, by: str, quiet=True, extra=(), progress=False) -> dict[str, list[dict]]:
    """Run the katas' tests for `impl`; results per kata. The history records the verdicts with
    origin `by` (the command: progress, solution, interview), so they are not counted as tries.

    A kata whose code kills the test process (``os._exit``, a segfault) is reported *crashed*, with
    the test it died in, and the katas after it still run."""
    by_kata: dict[str, list[dict]] = {k.id: [] for k in katas}
    todo = list(katas)
    env = {**os.environ, db.RUN_BY_VAR: by}
    while todo:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "results.json")
            args = [sys.executable, "-m", "pytest", *[str(k.folder) for k in todo], f"--cvk-results={out}",
                    *([f"--impl={impl}"] if impl else []), "-q", *extra]
            if progress and sys.stderr.isatty():
                proc = _run_with_bar(args, out, [k.id for k in katas], len(katas) - len(todo), env)
            else:
                proc = subprocess.run(args, cwd=catalog.ROOT, capture_output=quiet, text=True, env=env)
            records, crashed = results_file.read(out)
        if records is None:
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] if quiet else []
            raise CommandError(f"the tests did not run{': ' + tail[0] if tail else ''}")
        for r in records:
            by_kata.setdefault(r["kata"], []).append(r)
        if crashed is None:
            break
        by_kata.setdefault(crashed["kata"], []).append(
            results_file.crashed_record(crashed, impl or "", proc.returncode))
        store = db.open_store()
        if store is not None:
            done = by_kata[crashed["kata"]]
            store.add_attempt(0, crashed["kata"], package(impl), "crashed",
                              passed=sum(r["outcome"] == "passed" for r in done), ran=len(done), complete=True,
                              speed_ratio=None, devices="", origin=by)
        print(f"{crashed['kata']}: crashed in {crashed['started']} (the test process died); "
              "going on with the other katas", file=sys.stderr)
        ids = [k.id for k in todo]
        todo = todo[ids.index(crashed["kata"]) + 1:]
    return by_kata


def _run_with_bar(args, out, ids, done_before, env):
    """Run pytest, drawing a bar of katas done from its results file as it goes."""
    import time

    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(args, cwd=catalog.ROOT, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
        while proc.poll() is None:
            seen = []
            for line in results_file.lines(out):
                if line.get("kata") and (not seen or seen[-1] != line["kata"]):
                    seen.append(line["kata"])
            _bar(done_before + max(len(seen) - 1, 0), len(ids), seen[-1] if seen else "starting")
            time.sleep(0.2)
        _bar(len(ids), len(ids), "done")
        sys.stderr.write("\n")
        log.seek(0)
        return subprocess.CompletedProcess(args, proc.returncode, log.read(), "")


def package(impl: str | None) -> str:
    try:
        return impl_mod.resolve_package(impl)
    except impl_mod.ImplError as exc:
        raise CommandError(str(exc)) from None


def one_kata(spec: str):
    """The one kata named by an id (detection/nms) or an unambiguous bare name (nms)."""
    found = catalog.resolve([spec])
    if len(found) != 1:
        raise CommandError(f"`{spec}` names {len(found)} katas (a track?); name one: {found[0].id}, ...")
    return found[0]


def title(kata, lang: str) -> str:
    return kata.meta.get("title_zh" if lang == "zh" else "title", "")


def select(track=None, difficulty=None, tag=None):
    katas = list(catalog.all_katas())
    if track:
        tracks = sorted({k.track for k in katas})
        if track not in tracks:
            raise CommandError(f"unknown track `{track}`; tracks: {', '.join(tracks)}")
        katas = [k for k in katas if k.track == track]
    if difficulty:
        if difficulty not in catalog.DIFFICULTIES:
            raise CommandError(f"difficulty must be one of {', '.join(catalog.DIFFICULTIES)}")
        katas = [k for k in katas if k.meta.get("difficulty") == difficulty]
    if tag:
        katas = [k for k in katas if tag in k.meta.get("tags", [])]
    return katas


# -- history summaries --------------------------------------------------------------------------

def summary(store: db.Store | None, impl: str) -> dict[str, dict]:
    """Per kata: latest status, attempts, first solved date, best speed ratio, hints used."""
    out: dict[str, dict] = {}

    def blank():
        return {"status": "not started", "attempts": 0, "first_solved": None, "best_ratio": None}

    for r in store.attempts(impl) if store else []:
        s = out.setdefault(r["kata"], blank())
        s["status"] = r["status"]
        s["attempts"] += r["status"] != "not started" and not r["origin"]  # tries: the learner's own runs
        if r["status"] == "solved":
            s["first_solved"] = s["first_solved"] or r["at"][:10]
            if r["speed_ratio"] is not None:
                s["best_ratio"] = min(s["best_ratio"] or r["speed_ratio"], r["speed_ratio"])
    for kata in catalog.all_katas():
        s = out.setdefault(kata.id, blank())
        s["hints"] = store.hints_shown(kata.id, impl) if store else 0
    return out


def cmd_list(track=None, difficulty=None, tag=None, status=None, impl=None, lang="en"):
    if status and status not in STATUSES:
        raise CommandError(f"status must be one of: {', '.join(STATUSES)}")
    pkg = package(impl)
    store = db.open_store()
    info = summary(store, pkg)
    rows = [k for k in select(track, difficulty, tag) if not status or info[k.id]["status"] == status]
    print(f"{'kata':<32} {'difficulty':<10} {'min':>4}  {'status':<14} {'tags':<34} title")
    for k in rows:
        tags = fit_tags(k.meta.get("tags", []), 34)
        print(f"{k.id:<32} {k.meta.get('difficulty', '?'):<10} {k.meta.get('minutes', 0):>4}  "
              f"{info[k.id]['status']:<14} "
              f"{tags:<34} {title(k, lang)}")
    print(f"\n{len(rows)} kata(s); status for --impl={pkg}")
    return 0


def fit_tags(tags, width: int) -> str:
    """The tags, comma-separated, in at most `width` characters: whole tags only, then "…" if some were left out."""
    text = ", ".join(tags)
    if len(text) <= width:
        return text
    kept = []
    for tag in tags:
        if len(", ".join([*kept, tag]) + ", …") > width:
            break
        kept.append(tag)
    return ", ".join([*kept, "…"])


def to_run(katas, pkg: str, store, rerun: bool) -> tuple[list, set]:
    """(katas whose tests must run, ids of untouched stubs). An untouched stub is *not started*
    without running its tests; a kata whose fingerprint (learner file, tests, harness) matches its
    last complete run keeps that verdict."""
    run, untouched = [], set()
    for k in katas:
        path = impl_mod.module_file(pkg, k)
        try:
            source = path.read_text() if path is not None else None
        except OSError:
            source = None
        if source is None or is_stub(source):
            untouched.add(k.id)
        elif rerun or store is None or store.last_fingerprint(k.id, pkg) != impl_mod.fingerprint(pkg, k):
            run.append(k)
    return run, untouched


def cmd_progress(track=None, impl=None, lang="en", run=True, ids=(), rerun=False):
    pkg = package(impl)
    katas = select(track)
    if ids:
        wanted = {k.id for k in catalog.resolve(ids)}
        katas = [k for k in katas if k.id in wanted]
    store = db.open_store()
    untouched = set()
    if run:
        todo, untouched = to_run(katas, pkg, store, rerun)
        kept = len(katas) - len(todo) - len(untouched)
        print(f"{len(untouched)} untouched stub(s) not run; {kept} unchanged since their last run"
              f"{' (--rerun runs them again)' if kept else ''}; running {len(todo)}", flush=True)
        ran = run_tests(todo, impl, "progress", progress=True) if todo else {}
    else:
        ran = {}
    info = summary(store, pkg)
    if store is None:  # recording is off: this run's verdicts are all there is
        for kid, rs in ran.items():
            if rs:
                info[kid]["status"] = kata_status(rs)
    for kid in untouched:
        info[kid]["status"] = "not started"
    print(f"CV Katas progress for --impl={pkg}" + ("" if store else " (recording is off: CVKATAS_DB=off)"))
    current, solved = None, 0
    for k in katas:
        if k.track != current:
            current = k.track
            print(f"\n{current}\n  {'kata':<30} {'status':<14} {'tries':>5} {'first solved':<12} {'best speed':>10} "
                  f"{'hints':>5}  title")
        s = info[k.id]
        solved += s["status"] == "solved"
        ratio = f"{s['best_ratio']:.2f}x" if s["best_ratio"] is not None else "-"
        print(f"  {k.id:<30} {s['status']:<14} {s['attempts']:>5} {s['first_solved'] or '-':<12} {ratio:>10} "
              f"{s['hints']:>5}  {title(k, lang)}")
    pct = 100 * solved / max(1, len(katas))
    print(f"\nsolved {solved}/{len(katas)} ({pct:.0f}%)")
    pick, _ = choose(katas, pkg, store, info)
    if pick is not None:
        k = pick.kata
        where = impl_mod.module_file(pkg, k) or k.stub_file
        flag = impl_flag(pkg, impl)
        print(f"next: {k.id} ({pick.reason}): edit {catalog.display_path(where)}, then "
              f"`nox -s watch -- {k.id}{flag}` re-runs it on every save")
    held = [iv for iv in (store.interviews(cancelled=True) if store else []) if interview_impl_is(iv["impl"], pkg)]
    interviews = [iv for iv in held if iv["status"] != "cancelled"]
    cancelled = len(held) - len(interviews)
    if interviews or cancelled:
        print(f"\nmock interviews with --impl={pkg}" + (f" ({cancelled} cancelled, not shown)" if cancelled else ""))
        for iv in interviews:
            scores = "/".join(str(iv[c]) if iv[c] is not None else "-"
                              for c in ("correctness", "complexity", "edge_cases", "communication"))
            print(f"  {iv['started'][:16]}  {iv['kata']:<28} {iv['status']:<12} {iv['minutes_taken'] or 0:.0f}/"
                  f"{iv['minutes_budget']} min  hints {iv['hints']}  scores (corr/cplx/edge/comm) {scores}")
    return 0


# -- the statement and the next kata ----------------------------------------------------------

def _signature(node) -> list[str]:
    """A function's or class's head as the stub writes it (decorators, then one line), without its body."""
    heads = [f"@{ast.unparse(d)}" for d in node.decorator_list]
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in [*node.bases, *node.keywords])
        return [*heads, f"class {node.name}({bases}):" if bases else f"class {node.name}:"]
    ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    word = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return [*heads, f"{word} {node.name}({ast.unparse(node.args)}){ret}:"]


def _doc(node, indent: str) -> list[str]:
    text = ast.get_docstring(node)
    return [indent + line if line else "" for line in text.splitlines()] if text else []


def statement(kata, source: str | None = None) -> str:
    """The kata's statement: the stub's module docstring, then each public name's (kata.toml `api`)
    signature and docstring, read with `ast` (the module is never imported)."""
    if source is None:
        try:
            source = pristine_stub(kata)
        except CommandError:  # no git history: the file as it is still holds the statement
            source = kata.stub_file.read_text()
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise CommandError(f"{catalog.display_path(kata.stub_file)} does not parse "
                           f"({exc.msg}, line {exc.lineno})") from None
    m = kata.meta
    head = f"{kata.id} · {m.get('title', '')}" + (f" · {m['title_zh']}" if m.get("title_zh") else "")
    lines = [head, f"{m.get('difficulty', '?')} · about {m.get('minutes', '?')} min · "
             f"tags: {', '.join(m.get('tags', []))}", "", ast.get_docstring(tree) or ""]
    api = set(kata.api)
    for node in tree.body:
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in api):
            continue
        lines += ["", *_signature(node), *_doc(node, "    ")]
        if isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        not sub.name.startswith("_") or sub.name in ("__init__", "__call__")):
                    lines += ["", *["    " + h for h in _signature(sub)], *_doc(sub, "        ")]
    if kata.max_ratio:
        lines += ["", f"Speed: the tests time your answer against the reference; the limit is {kata.max_ratio:g}x."]
    return "\n".join(lines).rstrip() + "\n"


def cmd_show(kata_id):
    kata = one_kata(kata_id)
    print(statement(kata), end="")
    print(f"\nedit {catalog.display_path(kata.stub_file)} (or your package's {kata.module.replace('.', '/')}.py); "
          f"run its tests: nox -s kata -- {kata.id}   (re-run on save: nox -s watch -- {kata.id})")
    return 0


def choose(katas, pkg: str, store, info, now=None):
    """`nox -s next`'s choice among `katas` (progress ends with it too): (Suggestion or None, upcoming
    review). A package of the learner's own that holds only some katas (a workspace made for one
    track) is offered only those."""
    if pkg != impl_mod.DEFAULT:
        present = [k for k in katas if impl_mod.module_file(pkg, k) is not None]
        katas = present or katas
    statuses = {k.id: info[k.id]["status"] for k in katas}
    schedule = learning_path.reviews(store.attempts(pkg)) if store else {}
    return learning_path.suggest(katas, statuses, schedule, now)


def cmd_next(track=None, impl=None, now=None):
    """The kata to do now, and why: a due review, a kata in progress (or its prerequisite), the path's next."""
    pkg = package(impl)
    katas = select(track)
    store = db.open_store()
    info = summary(store, pkg)
    now = datetime.fromisoformat(now) if isinstance(now, str) else now or datetime.now()
    pick, upcoming = choose(katas, pkg, store, info, now)
    flag = impl_flag(pkg, impl)
    note = "" if store else "  (recording is off: no history, so no reviews)"
    if pick is None:
        when = f"; next review: {upcoming[1]} on {upcoming[0]:%Y-%m-%d}" if upcoming else ""
        print(f"everything{' in ' + track if track else ''} is solved for --impl={pkg} and nothing is due{when}")
        return 0
    k = pick.kata
    print(f"next: {k.id} · {title(k, 'en')}  ({pick.reason}){note}")
    where = impl_mod.module_file(pkg, k) or k.stub_file
    if pick.review:
        print(f"  solve it again from the stub: nox -s reset -- {k.id}{flag}   (your version is kept as a backup)")
    print(f"  read it: nox -s show -- {k.id}")
    print(f"  edit {catalog.display_path(where)}, then: nox -s watch -- {k.id}{flag}"
          "   (re-runs its tests on every save)")
    return 0


# -- hints and solutions ------------------------------------------------------------------------

def cmd_hint(kata_id, impl=None, number=None):
    """The next hint of a kata for one implementation (hints are counted per kata and implementation),
    or hint `number` (with the gentler ones before it). With recording off nothing is counted: hint 1,
    or hint `number`."""
    kata = one_kata(kata_id)
    hints = kata.meta.get("hints") or []
    if not hints:
        raise CommandError(f"{kata.id} has no hints")
    if number is not None and not 1 <= number <= len(hints):
        raise CommandError(f"--number {number}: {kata.id} has hints 1 to {len(hints)}")
    pkg = package(impl)
    store = db.open_store()
    shown = store.hints_shown(kata.id, pkg) if store else 0
    n = number if number is not None else min(shown + 1, len(hints))
    label = "" if pkg == impl_mod.DEFAULT else f", --impl={pkg}"
    print(f"{kata.id}: {kata.meta['title']}  (hint {n} of {len(hints)}{label})\n")
    for i, text in enumerate(hints[:n], 1):
        print(f"{'->' if i == n else '  '} {i}. {text}")
    if store is None:
        if number is None:
            print("\n(recording is off: pass --number N to see hint N)")
        else:
            print("\n(recording is off: this hint is not counted)")
    elif number is None and shown >= len(hints):
        print("\nThat was the last hint. `nox -s solution` shows the reference once your tests pass.")
    elif n > shown:
        store.add_hint(kata.id, n, pkg)
    return 0


def cmd_solution(kata_id, impl=None, force=False):
    kata = one_kata(kata_id)
    pkg = package(impl)
    if pkg == impl_mod.REFERENCE:
        raise CommandError(f"--impl={impl}: that is the reference itself; pass your own implementation "
                           f"(nox -s solution -- {kata.id} [--impl PKG])")
    results = run_tests([kata], impl, "solution")[kata.id]
    status = kata_status(results) if results else "not started"
    store = db.open_store()
    if status != "solved" and not force:
        raise CommandError(
            f"{kata.id} is not solved yet for --impl={pkg} ({status}, {tally(results)}); "
            "solve it first, or pass --force (the reveal is recorded)")
    if store:
        store.add_reveal(kata.id, pkg, forced=status != "solved")
    note = "" if status == "solved" else "  (revealed with --force before solving; recorded)"
    print(f"# {kata.reference_file.relative_to(catalog.ROOT)}{note}\n")
    print(kata.reference_file.read_text())
    return 0


# -- stubs, workspaces, reset -------------------------------------------------------------------

def is_stub(source: str) -> bool:
    """True when every function in `source` does nothing but raise NotImplementedError."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for f in funcs:
        body = [s for s in f.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Raise):
            return False
        exc = body[0].exc
        name = exc.func if isinstance(exc, ast.Call) else exc
        if not (isinstance(name, ast.Name) and name.id == "NotImplementedError"):
            return False
    return bool(funcs)


def pristine_stub(kata) -> str:
    """The untouched stub: the file in katas/ if it is still a stub, else its newest stub version in git."""
    text = kata.stub_file.read_text()
    if is_stub(text):
        return text
    rel = kata.stub_file.relative_to(catalog.ROOT).as_posix()
    try:
        commits = subprocess.run(["git", "log", "--format=%H", "--", rel], cwd=catalog.ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        commits = []
    for c in commits:
        old = subprocess.run(["git", "show", f"{c}:{rel}"], cwd=catalog.ROOT, capture_output=True, text=True)
        if old.returncode == 0 and is_stub(old.stdout):
            return old.stdout
    raise CommandError(f"no untouched stub of {kata.id} found in {rel} or its git history")


def cmd_workspace(folder, track=None):
    target = Path(folder).expanduser().resolve()
    clash = impl_mod.name_clash(target)
    if clash:
        raise CommandError(f"workspace {target}: {clash}")
    created, kept = [], []
    for kata in select(track):
        dest = target / kata.track / f"{kata.name}.py"
        for pkg_dir in (target, target / kata.track):
            pkg_dir.mkdir(parents=True, exist_ok=True)
            (pkg_dir / "__init__.py").touch(exist_ok=True)
        if dest.exists():
            kept.append(dest)
            continue
        dest.write_text(with_run_line(kata, pristine_stub(kata), str(target)))
        created.append(dest)
    print(f"workspace {target}: {len(created)} stub(s) created, {len(kept)} existing file(s) left as they were")
    print(f"practise with:  pytest katas/<track>/<name> --impl={target}")
    print(f"           or:  PYTHONPATH={target.parent} nox -s progress -- --impl={target.name}")
    return 0


def learner_file(kata, impl: str | None) -> Path:
    pkg = package(impl)
    if pkg == impl_mod.DEFAULT:
        return kata.stub_file
    if pkg == impl_mod.REFERENCE:
        raise CommandError("the reference package is not yours to reset")
    spec = importlib.util.find_spec(f"{pkg}.{kata.module}")
    if spec is None or not spec.origin:
        raise CommandError(f"{pkg}.{kata.module} not found: nothing to reset")
    return Path(spec.origin)


def cmd_reset(kata_id, impl=None):
    kata = one_kata(kata_id)
    path = learner_file(kata, impl)
    stub = pristine_stub(kata)
    if package(impl) != impl_mod.DEFAULT:  # a workspace: its stubs carry their --impl run line
        stub = with_run_line(kata, stub, str(path.parent.parent))
    if path.read_text() == stub:
        print(f"{path} is already the untouched stub; nothing changed")
        return 0
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    backup = db.state_dir() / "backups" / kata.track / kata.name / f"{package(impl)}-{stamp}.py"
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, backup)
    path.write_text(stub)
    print(f"reset {path} to the untouched stub; your version is kept in {backup}")
    print("(your history is kept too: the kata's status changes at its next test run)")
    return 0


def with_run_line(kata, source: str, impl: str | None) -> str:
    """The stub's "Run the tests" line, with the --impl a copy of it needs (a workspace, a brief)."""
    if not impl or impl == impl_mod.DEFAULT:
        return source
    line = f"Run the tests: pytest katas/{kata.id}"
    return source.replace(line, f"{line} --impl={impl}", 1)


def interview_impl_is(held_with: str, pkg: str) -> bool:
    """Whether an interview recorded with implementation `held_with` (a package name, or a folder's
    path) belongs to package `pkg`, the name attempts are recorded under."""
    if held_with == pkg:
        return True
    return ("/" in held_with or os.sep in held_with) and Path(held_with).name == pkg
