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
