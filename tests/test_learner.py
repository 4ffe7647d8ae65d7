"""Tests of the learner tooling: the history database, hints, reveals, workspaces, reset, interviews."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cvkatas import catalog, db

pytestmark = pytest.mark.timeout(300)  # these tests start whole pytest runs
ROOT = catalog.ROOT
REFERENCE = (ROOT / "solutions" / "detection" / "nms.py").read_text()


@pytest.fixture
def env(tmp_path):
    """An environment whose history lives in tmp_path, never in the learner's own database."""
    e = {**os.environ, db.ENV_VAR: str(tmp_path / "state" / "progress.sqlite3")}
    e.pop("CVKATAS_IMPL", None)
    return e


def cvkatas(env, *args):
    return subprocess.run([sys.executable, "-m", "cvkatas", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def rows(env, query):
    with sqlite3.connect(env[db.ENV_VAR]) as conn:
        return conn.execute(query).fetchall()


def workspace(env, tmp_path, name="ws"):
    proc = cvkatas(env, "workspace", str(tmp_path / name), "--track", "detection")
    assert proc.returncode == 0, proc.stderr
    return tmp_path / name


def test_two_concurrent_writers_lose_nothing(env, tmp_path):
    script = (
        "import sys; from cvkatas import db\n"
        "s = db.Store(); run = s.start_run('w' + sys.argv[1], [])\n"
        "for i in range(150):\n"
        "    s.add_result(run, dict(kata='k', impl='w', nodeid=str(i), device=None, outcome='passed',"
        " category=None, speed_ratio=None))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=ROOT, env=env) for n in (1, 2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert rows(env, "SELECT COUNT(*) FROM results") == [(300,)]
    assert db.integrity_ok(Path(env[db.ENV_VAR]))


def test_two_concurrent_test_runs_both_recorded(env):
    cmd = [sys.executable, "-m", "pytest", "katas/detection/nms", "--impl=solutions", "-q", "-m", "not perf"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    per_run = rows(env, "SELECT COUNT(*) FROM results WHERE outcome = 'passed' GROUP BY run_id")
    assert len(per_run) == 2 and per_run[0] == per_run[1] and per_run[0][0] >= 20
    # `-m "not perf"` left the speed test out: never *solved*, but *correct so far*
    assert rows(env, "SELECT status FROM attempts") == [("correct so far",), ("correct so far",)]


def test_migration_tolerates_a_column_another_run_added_meanwhile(tmp_path):
    """Two runs opening an old history at once both see a column missing; the second one's ALTER then
    finds it there (CI saw "duplicate column name: fingerprint" stop a run's recording)."""
    store = db.Store(tmp_path / "h.sqlite3")
    real = store.conn

    class Stale:  # sees the table as it was before the other run added the column
        def execute(self, query, *args):
            return iter(()) if query.startswith("PRAGMA table_info") else real.execute(query, *args)

    store.conn = Stale()
    store._add_column("attempts", "origin", "TEXT")  # no error
    store.conn = real
    store.add_attempt(0, "k", "katas", "solved", 1, 1, True, None, "cpu", origin="progress")
    assert rows({db.ENV_VAR: str(tmp_path / "h.sqlite3")}, "SELECT origin FROM attempts") == [("progress",)]


def test_a_killed_run_keeps_what_it_recorded(env, tmp_path):
    pkg = tmp_path / "slowpkg" / "detection"
    pkg.mkdir(parents=True)
    (pkg / "nms.py").write_text("import time\n" + REFERENCE.replace(
        "    boxes = np.asarray(boxes", "    time.sleep(0.05)\n    boxes = np.asarray(boxes"))
    env = {**env, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "katas/detection/nms", "--impl=slowpkg", "-q"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            if Path(env[db.ENV_VAR]).exists() and rows(env, "SELECT COUNT(*) FROM results")[0][0] >= 3:
                break
        except sqlite3.OperationalError:  # the file exists, its tables not yet
            continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    recorded = rows(env, "SELECT COUNT(*) FROM results")[0][0]
    assert 3 <= recorded < 27
    assert db.integrity_ok(Path(env[db.ENV_VAR]))
    assert rows(env, "SELECT COUNT(*) FROM results WHERE outcome != 'failed'")[0][0] == recorded


def test_hints_come_one_at_a_time_and_are_remembered(env):
    hints = catalog.get("detection/nms").meta["hints"]
    first = cvkatas(env, "hint", "detection/nms")
    assert first.returncode == 0 and hints[0] in first.stdout and hints[1] not in first.stdout
    second = cvkatas(env, "hint", "detection/nms")
    assert hints[1] in second.stdout
    assert rows(env, "SELECT MAX(number) FROM hints") == [(2,)]


def test_reveal_refuses_before_solving_then_shows_after(env, tmp_path):
    ws = workspace(env, tmp_path)
    refused = cvkatas(env, "solution", "detection/nms", f"--impl={ws}")
    assert refused.returncode == 2
    assert "not solved yet" in refused.stderr and "--force" in refused.stderr
    assert "np.argsort" not in refused.stdout + refused.stderr
    assert rows(env, "SELECT COUNT(*) FROM reveals") == [(0,)]
    (ws / "detection" / "nms.py").write_text(REFERENCE)
    shown = cvkatas(env, "solution", "detection/nms", f"--impl={ws}")
    assert shown.returncode == 0 and "np.argsort(-scores" in shown.stdout
    assert rows(env, "SELECT forced FROM reveals") == [(0,)]


def test_forced_reveal_is_recorded(env, tmp_path):
    ws = workspace(env, tmp_path)
    forced = cvkatas(env, "solution", "detection/nms", f"--impl={ws}", "--force")
    assert forced.returncode == 0 and "--force" in forced.stdout
    assert rows(env, "SELECT forced FROM reveals") == [(1,)]


def test_reset_keeps_a_backup(env, tmp_path):
    ws = workspace(env, tmp_path)
    mine = ws / "detection" / "nms.py"
    stub = mine.read_text()
    mine.write_text("def nms(boxes, scores, iou_threshold):\n    return 'my work'\n")
    proc = cvkatas(env, "reset", "detection/nms", f"--impl={ws}")
    assert proc.returncode == 0, proc.stderr
    assert mine.read_text() == stub
    backups = list((tmp_path / "state" / "backups" / "detection" / "nms").glob("*.py"))
    assert [b.read_text() for b in backups] == ["def nms(boxes, scores, iou_threshold):\n    return 'my work'\n"]


def test_workspace_never_overwrites(env, tmp_path):
    ws = workspace(env, tmp_path)
    mine = ws / "detection" / "nms.py"
    mine.write_text("# my answer\n")
    again = cvkatas(env, "workspace", str(ws), "--track", "detection")
    assert again.returncode == 0 and "left as they were" in again.stdout
    assert mine.read_text() == "# my answer\n"


def test_progress_changes_when_a_kata_is_solved(env, tmp_path):
    ws = workspace(env, tmp_path)
    before = cvkatas(env, "progress", "detection/nms", f"--impl={ws}")
    assert "detection/nms" in before.stdout and "solved 0/" in before.stdout
    (ws / "detection" / "nms.py").write_text(REFERENCE)
    after = cvkatas(env, "progress", "detection/nms", f"--impl={ws}")
    line = next(ln for ln in after.stdout.splitlines() if "detection/nms " in ln)
    assert " solved " in line and "solved 1/" in after.stdout


def _tries(env, ws, kata="detection/nms"):
    out = cvkatas(env, "progress", "--no-run", f"--impl={ws}").stdout
    line = next(ln for ln in out.splitlines() if f"{kata} " in ln)
    return line.split()[1], int(line.split()[2])  # status, tries


def test_only_the_learners_own_runs_count_as_tries(env, tmp_path):
    ws = workspace(env, tmp_path)
    (ws / "detection" / "nms.py").write_text(REFERENCE)
    assert cvkatas(env, "progress", "detection/nms", f"--impl={ws}").returncode == 0
    assert cvkatas(env, "solution", "detection/nms", f"--impl={ws}").returncode == 0
    assert _tries(env, ws) == ("solved", 0)  # progress and solution ran the tests, the learner did not
    assert rows(env, "SELECT origin FROM attempts ORDER BY rowid") == [("progress",), ("solution",)]
    own = subprocess.run([sys.executable, "-m", "pytest", "katas/detection/nms", f"--impl={ws}", "-q"],
                         cwd=ROOT, env=env, capture_output=True)
    assert own.returncode == 0
    assert _tries(env, ws)[1] == 1


def test_mock_interview_end_to_end(env, tmp_path):
    ws = workspace(env, tmp_path)
    start = cvkatas(env, "interview", "--kata", "detection/nms", f"--impl={ws}")
    assert start.returncode == 0, start.stderr
    assert "MOCK INTERVIEW" in start.stdout and "def nms(" in start.stdout
    sheet = Path(start.stdout.split("Interviewer's sheet (hints, mistakes, follow-ups, rubric): ")[1].strip())
    assert "## Rubric" in sheet.read_text() and "ge_threshold" in sheet.read_text()
    assert cvkatas(env, "interview", "--seed", "1").returncode == 2  # one interview at a time
    (ws / "detection" / "nms.py").write_text(REFERENCE)
    finish = cvkatas(env, "interview", "--finish", "--score", "correctness=4", "--score", "communication=3",
                     "--hints", "1")
    assert finish.returncode == 0, finish.stderr
    assert rows(env, "SELECT kata, status, hints, correctness, communication FROM interviews") == [
        ("detection/nms", "solved", 1, 4, 3)]
    assert rows(env, "SELECT origin FROM attempts") == [("interview",)]  # not a try
    assert "mock interviews" in cvkatas(env, "progress", "--no-run", f"--impl={ws}").stdout


def test_interview_pick_is_reproducible(env):
    first = cvkatas(env, "interview", "--seed", "7", "--track", "detection").stdout.splitlines()[0]
    assert cvkatas(env, "interview", "--finish").returncode == 0
    again = cvkatas(env, "interview", "--seed", "7", "--track", "detection").stdout.splitlines()[0]
    assert first == again and "seed 7" in first


def test_user_mistakes_are_one_line_without_traceback(env):
    for args in (["hint", "detection/nsm"], ["list", "--difficulty", "impossible"], ["progress", "--bogus"],
                 ["interview", "--score", "correctness=4"], ["nosuchcommand"]):
        proc = cvkatas(env, *args)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr, args
    assert "did you mean detection/nms" in cvkatas(env, "hint", "detection/nsm").stderr


def test_progress_skips_untouched_stubs_and_unchanged_katas(env, tmp_path):
    import time as _time

    t0 = _time.perf_counter()
    first = cvkatas(env, "progress")
    assert first.returncode == 0, first.stderr
    assert f"{len(catalog.all_katas())} untouched stub(s) not run" in first.stdout
    assert _time.perf_counter() - t0 < 20 and "next: " in first.stdout
    ran = cvkatas(env, "progress", "--impl=solutions", "detection/nms")
    assert "running 1" in ran.stdout and "solved" in ran.stdout
    again = cvkatas(env, "progress", "--impl=solutions", "detection/nms")
    assert "1 unchanged since their last run" in again.stdout and "running 0" in again.stdout
    assert "solved" in again.stdout
    forced = cvkatas(env, "progress", "--impl=solutions", "detection/nms", "--rerun")
    assert "running 1" in forced.stdout


def test_progress_with_recording_off_shows_this_runs_verdicts():
    env = {**os.environ, db.ENV_VAR: "off"}
    proc = cvkatas(env, "progress", "--impl=solutions", "detection/nms")
    row = next(line for line in proc.stdout.splitlines() if line.strip().startswith("detection/nms"))
    assert "solved" in row, proc.stdout


# -- show -------------------------------------------------------------------------------------------

def test_show_prints_the_statement_without_recording(env):
    proc = cvkatas(env, "show", "nms")  # a bare name is enough
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("detection/nms · Non-maximum suppression")
    assert "def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:" in out
    assert "Greedy non-maximum suppression." in out and "A detector scores thousands" in out
    assert "raise NotImplementedError" not in out and "nox -s kata -- detection/nms" in out
    assert not Path(env[db.ENV_VAR]).exists()  # nothing recorded, not even an empty history


def test_show_reads_the_stub_without_importing_it():
    from cvkatas import learner

    kata = catalog.get("detection/nms")
    stub = learner.pristine_stub(kata)
    text = learner.statement(kata, "import sys\nsys.exit(3)\n" + stub)
    assert "def nms(" in text  # parsed, never run: running it would have exited


# -- interviews -------------------------------------------------------------------------------------

def test_interview_cancel(env):
    start = cvkatas(env, "interview", "--kata", "detection/nms")
    assert start.returncode == 0, start.stderr
    cancel = cvkatas(env, "interview", "--cancel")
    assert cancel.returncode == 0 and "cancelled" in cancel.stdout, cancel.stderr
    assert rows(env, "SELECT status, finished IS NOT NULL FROM interviews") == [("cancelled", 1)]
    again = cvkatas(env, "interview", "--cancel")
    assert again.returncode == 2 and "no interview is open" in again.stderr
    assert "Traceback" not in again.stderr and len(again.stderr.strip().splitlines()) == 1
    progress = cvkatas(env, "progress", "--no-run")
    assert progress.returncode == 0, progress.stderr
    assert "1 cancelled, not shown" in progress.stdout and "0/20 min" not in progress.stdout
    assert cvkatas(env, "interview", "--cancel", "--finish").returncode == 2
    assert cvkatas(env, "interview", "--kata", "detection/box_iou").returncode == 0  # none is open any more


def test_progress_shows_interviews_only_under_their_impl(env, tmp_path):
    ws = workspace(env, tmp_path)
    with db.Store(Path(env[db.ENV_VAR])) as store:
        for kata, impl in (("detection/nms", str(ws)), ("detection/box_iou", "katas")):
            iid = store.start_interview(kata, impl, 1, 20, "sheet.md")
            store.finish_interview(iid, finished=db.now(), minutes_taken=12.0, status="solved", hints=0)
    mine = cvkatas(env, "progress", "--no-run", f"--impl={ws}").stdout
    default = cvkatas(env, "progress", "--no-run").stdout
    ivs = [ln for ln in mine.splitlines() if "12/20 min" in ln]
    assert len(ivs) == 1 and "detection/nms" in ivs[0], mine
    ivs = [ln for ln in default.splitlines() if "12/20 min" in ln]
    assert len(ivs) == 1 and "detection/box_iou" in ivs[0], default


def test_interview_finish_with_recording_off_says_so():
    env = {**os.environ, db.ENV_VAR: "off"}
    for args in (["--finish"], ["--cancel"], []):
        proc = cvkatas(env, "interview", *args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, args
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "need the history" in proc.stderr and "no interview is open" not in proc.stderr


# -- hints ------------------------------------------------------------------------------------------

def test_hints_are_counted_per_implementation(env, tmp_path):
    ws = workspace(env, tmp_path)
    hints = catalog.get("detection/nms").meta["hints"]
    cvkatas(env, "hint", "detection/nms")
    assert hints[1] in cvkatas(env, "hint", "detection/nms").stdout
    mine = cvkatas(env, "hint", "detection/nms", f"--impl={ws}")
    assert mine.returncode == 0 and hints[0] in mine.stdout and hints[1] not in mine.stdout
    assert sorted(rows(env, "SELECT impl, MAX(number) FROM hints GROUP BY impl")) == [("katas", 2), ("ws", 1)]
    jump = cvkatas(env, "hint", "detection/nms", f"--impl={ws}", "--number", "3")
    assert hints[2] in jump.stdout and hints[3] not in jump.stdout
    assert rows(env, "SELECT MAX(number) FROM hints WHERE impl = 'ws'") == [(3,)]
    bad = cvkatas(env, "hint", "detection/nms", "--number", "99")
    assert bad.returncode == 2 and "hints 1 to" in bad.stderr


def test_hints_table_from_before_impls_is_migrated(tmp_path):
    where = tmp_path / "old.sqlite3"
    with sqlite3.connect(where) as conn:
        conn.execute("CREATE TABLE hints (at TEXT NOT NULL, kata TEXT NOT NULL, number INTEGER NOT NULL)")
        conn.execute("INSERT INTO hints VALUES ('2024-01-01T00:00:00', 'detection/nms', 2)")
    conn.close()
    with db.Store(where) as store:
        assert store.hints_shown("detection/nms", "katas") == 2  # the old hints were the default package's
        assert store.hints_shown("detection/nms", "ws") == 0
        store.add_hint("detection/nms", 1, "ws")
        assert store.hints_shown("detection/nms", "ws") == 1
    with db.Store(where) as store:  # reopening migrates nothing twice
        assert store.hints_shown("detection/nms", "katas") == 2


def test_hint_with_recording_off():
    env = {**os.environ, db.ENV_VAR: "off"}
    hints = catalog.get("detection/nms").meta["hints"]
    first = cvkatas(env, "hint", "detection/nms")
    assert first.returncode == 0 and hints[0] in first.stdout and hints[1] not in first.stdout
    assert "(recording is off: pass --number N to see hint N)" in first.stdout
    assert hints[0] in cvkatas(env, "hint", "detection/nms").stdout  # still hint 1: nothing counted
    third = cvkatas(env, "hint", "detection/nms", "--number", "3")
    assert hints[2] in third.stdout and hints[3] not in third.stdout


# -- solution ---------------------------------------------------------------------------------------

def test_solution_refuses_the_reference_itself(env):
    proc = cvkatas(env, "solution", "detection/nms", "--impl", "solutions")
    assert proc.returncode == 2 and "that is the reference itself" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "np.argsort" not in proc.stdout
    assert not Path(env[db.ENV_VAR]).exists()  # nothing recorded: no run, no reveal


# -- next: the learning path and spaced review ------------------------------------------------------

def test_learning_path_puts_prerequisites_first():
    from cvkatas import path

    ids = {k.id for k in catalog.all_katas()}
    for k in catalog.all_katas():  # kata.toml `prerequisites`, checked by Kata.problems() too
        assert set(k.prerequisites) <= ids - {k.id}, k.id
    assert catalog.get("detection/nms").prerequisites == ["detection/box_iou"]
    order = [k.id for k in path.order(catalog.all_katas())]
    assert sorted(order) == sorted(ids)
    for before, after in (("detection/box_iou", "detection/nms"), ("detection/nms", "detection/soft_nms"),
                          ("detection/nms", "detection/batched_nms"), ("nn/softmax", "nn/cross_entropy"),
                          ("nn/conv2d_naive", "nn/conv2d"), ("nn/linear", "nn/batchnorm")):
        assert order.index(before) < order.index(after), (before, after)
    # otherwise easiest first: every easy kata without prerequisites comes before every hard one
    first_hard = min(order.index(k.id) for k in catalog.all_katas() if k.meta["difficulty"] == "hard")
    assert all(order.index(k.id) < first_hard for k in catalog.all_katas()
               if k.meta["difficulty"] == "easy" and not path.prerequisites(k.id))


def _attempt(store, kata, at, status="solved", ratio=1.0, fp="a"):
    store.add_attempt(1, kata, "katas", status, passed=1, ran=1, complete=True, speed_ratio=ratio, devices="cpu",
                      fingerprint=fp, at=at)


def test_review_intervals_grow_and_shrink(tmp_path):
    from datetime import datetime

    from cvkatas import path

    with db.Store(tmp_path / "h.sqlite3") as store:
        k = "detection/box_iou"
        _attempt(store, k, "2024-03-01T09:00:00", "failing")
        _attempt(store, k, "2024-03-01T10:00:00")  # solve 1: back after 1 day
        _attempt(store, k, "2024-03-01T12:00:00", fp="b")  # changed, but not due: no solve
        _attempt(store, k, "2024-03-02T11:00:00", fp="c")  # due and changed (a reset, a fresh answer): solve 2
        _attempt(store, k, "2024-03-03T11:00:00", fp="c")  # unchanged rerun: no solve
        _attempt(store, k, "2024-03-06T09:00:00", "failing")
        _attempt(store, k, "2024-03-06T10:00:00", fp="d")  # solve 3: 7 days
        _attempt(store, "detection/nms", "2024-03-01T10:00:00", ratio=3.0)  # slow: half of 1 day
        store.add_hint("nn/linear", 1, "katas")
        _attempt(store, "nn/linear", "2024-03-01T10:00:00")  # hinted: half of 1 day
        schedule = path.reviews(store.attempts("katas"))
    box = schedule["detection/box_iou"]
    assert box.solves == 3 and box.due == datetime(2024, 3, 13, 10)
    assert schedule["detection/nms"].due == datetime(2024, 3, 1, 22) and schedule["detection/nms"].slow
    assert schedule["nn/linear"].due == datetime(2024, 3, 1, 22) and schedule["nn/linear"].hinted
    assert [path.interval(n, False, False) for n in (1, 2, 3, 4, 5)] == [1, 3, 7, 21, 21]
    assert path.interval(2, True, False) == 1.5 and path.interval(3, False, True) == 3.5


def test_next_names_the_kata_the_reason_and_the_command(env):
    fresh = cvkatas(env, "next", "--track", "detection")
    assert fresh.returncode == 0, fresh.stderr
    assert "next: detection/box_iou" in fresh.stdout and "prerequisite of detection/nms" in fresh.stdout
    assert "nox -s watch -- detection/box_iou" in fresh.stdout
    assert "not started, easiest" in cvkatas(env, "next").stdout
    with db.Store(Path(env[db.ENV_VAR])) as store:
        _attempt(store, "detection/nms", "2024-03-01T09:00:00", "failing")
    started = cvkatas(env, "next", "--track", "detection", "--now", "2024-03-01T09:30:00").stdout
    assert "next: detection/box_iou" in started and "prerequisite of detection/nms, which you have started" in started
    with db.Store(Path(env[db.ENV_VAR])) as store:
        _attempt(store, "detection/box_iou", "2024-03-01T10:00:00")
    not_due = cvkatas(env, "next", "--track", "detection", "--now", "2024-03-01T12:00:00").stdout
    assert "next: detection/nms" in not_due and "in progress (failing)" in not_due
    due = cvkatas(env, "next", "--track", "detection", "--now", "2024-03-04T11:00:00").stdout
    assert "next: detection/box_iou" in due and "review: solved 3 days ago, due" in due
    assert "nox -s reset -- detection/box_iou" in due


# -- list -------------------------------------------------------------------------------------------

def test_list_drops_whole_tags():
    from cvkatas import learner

    tags = ["detection", "numpy", "rpn", "faster-rcnn", "anchors", "iou", "sampling"]
    short = learner.fit_tags(tags, 34)
    assert len(short) <= 34 and short.endswith(", …")
    assert short[:-3].split(", ") == tags[:len(short[:-3].split(", "))]
    assert learner.fit_tags(["a", "b"], 34) == "a, b"
    env = {**os.environ, db.ENV_VAR: "off"}
    out = cvkatas(env, "list", "--track", "detection").stdout.splitlines()
    for line in out[1:]:
        if not line.startswith("detection/"):
            continue
        shown = line[65:99].strip().removesuffix(", …").split(", ")
        full = catalog.get(line.split()[0]).meta["tags"]
        assert shown == full[:len(shown)], line


def test_workspace_stub_says_how_to_run_it_with_impl(env, tmp_path):
    ws = tmp_path / "practice"
    proc = cvkatas(env, "workspace", str(ws), "--track", "detection")
    assert proc.returncode == 0, proc.stderr
    text = (ws / "detection" / "nms.py").read_text()
    assert f"Run the tests: pytest katas/detection/nms --impl={ws}" in text
