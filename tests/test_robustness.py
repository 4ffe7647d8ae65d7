"""Nothing a learner writes can change another test's verdict or crash the run (one test per fault)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from cvkatas import catalog

from .test_harness import NMS_REFERENCE, learner_package, run

pytestmark = pytest.mark.timeout(300)
ROOT = catalog.ROOT


def delegating(extra_body: str, header: str = "") -> str:
    """A learner nms that runs `extra_body` and then answers like the reference."""
    return f"""
import numpy as np
{header}
from solutions.detection.nms import nms as _reference

def nms(boxes, scores, iou_threshold):
{extra_body}
    return _reference(boxes, scores, iou_threshold)
"""


def test_global_switches_are_restored_and_named(tmp_path):
    path = learner_package(tmp_path, delegating("    np.seterr(all='ignore')"))
    proc, results = run(["katas/detection/nms", "--impl=mine", "-q", "-p", "no:randomly",
                         "-k", "overlapping or zero_area"], tmp_path, pythonpath=path)
    assert len(results) == 2 and all(r["outcome"] == "failed" for r in results), proc.stdout[-2000:]
    assert all("numpy error handling (np.seterr)" in r["message"] for r in results)
    assert "failing" in proc.stdout and "solved" not in proc.stdout


def test_torch_default_dtype_is_put_back():
    torch = pytest.importorskip("torch")
    from cvkatas import guard

    before = guard.snapshot()
    torch.set_default_dtype(torch.float64)
    torch.set_grad_enabled(False)
    changed = guard.restore(before)
    assert torch.get_default_dtype() == torch.float32 and torch.is_grad_enabled()
    assert any("default dtype" in c for c in changed) and any("grad mode" in c for c in changed)


def test_keyboard_interrupt_raised_by_the_code_fails_that_test_only(tmp_path):
    path = learner_package(tmp_path, delegating("    if len(boxes) == 3:\n        raise KeyboardInterrupt"))
    proc, results = run(["katas/detection/nms", "--impl=mine", "-q", "-p", "no:randomly", "-m", "not perf"],
                        tmp_path, pythonpath=path)
    failed = [r for r in results if r["outcome"] == "failed"]
    assert failed and all("KeyboardInterrupt" in r["message"] for r in failed)
    assert any(r["outcome"] == "passed" for r in results), "the run must go on after the interrupt"
    assert "solved" not in proc.stdout.replace("nearly solved", "")


def test_ctrl_c_is_never_recorded_as_passed(tmp_path):
    path = learner_package(tmp_path, delegating("    time.sleep(1.5)", header="import time"))
    env = {**os.environ, "PYTHONPATH": str(path), "CVKATAS_DB": str(tmp_path / "h.sqlite3")}
    proc = subprocess.Popen([sys.executable, "-m", "pytest", "katas/detection/nms", "--impl=mine", "-p",
                             "no:randomly", "-k", "overlapping or highest"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    db_file, deadline = tmp_path / "h.sqlite3", time.time() + 60
    while time.time() < deadline:  # wait until the first test is recorded: the second is in its sleep
        time.sleep(0.2)
        if db_file.exists():
            with sqlite3.connect(db_file) as conn:
                if conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] >= 1:
                    break
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=60)[0]
    assert "interrupted" in out, out[-2000:]
    assert " solved " not in out
    with sqlite3.connect(tmp_path / "h.sqlite3") as conn:
        statuses = [s for (s,) in conn.execute("SELECT status FROM attempts")]
    assert "solved" not in statuses


def test_alarm_on_a_loop_back_edge_never_ends_in_internal_error(tmp_path):
    pkg = tmp_path / "hung" / "classic"
    pkg.mkdir(parents=True)
    (pkg / "hungarian.py").write_text("def linear_sum_assignment(cost):\n    i = 0\n    while True:\n"
                                      "        i += 1\n")
    listed = subprocess.run([sys.executable, "-m", "pytest", "katas/classic/hungarian", "--co", "-q", "-m",
                             "not perf"], cwd=ROOT, capture_output=True, text=True, timeout=120).stdout
    first = [line.strip() for line in listed.splitlines() if "::" in line][:4]  # four tests, whatever they are
    proc, results = run([*first, "--impl=hung", "-q", "-p", "no:randomly", "-o", "timeout=1"], tmp_path,
                        pythonpath=tmp_path)
    assert "INTERNALERROR" not in proc.stdout + proc.stderr
    assert len(results) >= 3 and all(r["category"] == "timed out" for r in results), proc.stdout[-2000:]


def test_os_exit_is_reported_as_crashed_and_the_others_still_run(tmp_path):
    path = learner_package(tmp_path, "import os\n\ndef nms(boxes, scores, iou_threshold):\n    os._exit(1)\n")
    env = {**os.environ, "PYTHONPATH": str(path), "CVKATAS_DB": str(tmp_path / "h.sqlite3")}
    proc = subprocess.run([sys.executable, "-m", "cvkatas", "progress", "--impl=mine", "detection/nms",
                           "detection/box_iou"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip().startswith("detection/")}
    assert "crashed" in rows["detection/nms"], proc.stdout
    assert "not started" in rows["detection/box_iou"], proc.stdout


def test_a_flood_of_prints_is_capped(tmp_path):
    path = learner_package(tmp_path, "def nms(boxes, scores, iou_threshold):\n    print('x' * 10_000_000)\n"
                                     "    return []\n")
    proc, results = run(["katas/detection/nms", "--impl=mine", "-q", "-k", "overlapping"], tmp_path,
                        pythonpath=path)
    assert results[0]["outcome"] == "failed"
    assert len(proc.stdout) < 50_000 and "characters of output left out" in proc.stdout


def test_hopeless_speed_says_at_least():
    import numpy as np

    from cvkatas.speed import measure

    result = measure(lambda x: [v for v in x.tolist() for _ in range(50)], np.sort, (np.ones(20000),),
                     max_ratio=2.0)
    text = result.describe()
    assert result.stopped_early and text.startswith("at least ") and "stopped" in text, text
    assert "0 round(s)" not in text


def test_input_mutated_during_speed_rounds_is_named(tmp_path):
    path = learner_package(tmp_path, delegating("    keep = _reference(boxes, scores, iou_threshold)\n"
                                                "    scores[:] = -1\n    boxes.resize(0, refcheck=False)\n"
                                                "    return keep"))
    proc, results = run(["katas/detection/nms", "--impl=mine", "-q", "-m", "perf"], tmp_path, pythonpath=path)
    assert results and results[0]["outcome"] == "failed"
    assert "modified during the speed rounds" in results[0]["message"], results[0]["message"][-1500:]


def test_damaged_history_is_one_line_for_every_command(tmp_path):
    bad = tmp_path / "h.sqlite3"
    bad.write_bytes(os.urandom(4096))
    env = {**os.environ, "CVKATAS_DB": str(bad)}
    for args in (["list"], ["progress", "--no-run"], ["hint", "detection/nms"],
                 ["solution", "detection/nms"], ["interview", "--kata", "detection/nms"]):
        proc = subprocess.run([sys.executable, "-m", "cvkatas", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (args, proc.stderr[-1500:])
        assert "damaged" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)


def test_read_only_history_does_not_stall_a_test_run(tmp_path):
    from cvkatas import db

    where = tmp_path / "h.sqlite3"
    db.Store(where).close()
    where.chmod(0o444)
    if os.access(where, os.W_OK):
        pytest.skip("running as a user who can write read-only files")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "katas/detection/nms", "--impl=solutions", "-q",
                           "-k", "overlapping"], cwd=ROOT, env={**os.environ, "CVKATAS_DB": str(where)},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and time.perf_counter() - t0 < 8
    assert "read-only" in proc.stderr


def test_impl_naming_a_file_or_a_clashing_folder_is_refused(tmp_path):
    f = tmp_path / "nms.py"
    f.write_text(NMS_REFERENCE)
    proc, _ = run(["katas/detection/nms", f"--impl={f}"], tmp_path)
    assert "that is a file" in proc.stderr
    for name in ("solutions", "katas", "scipy"):
        (tmp_path / name).mkdir()
        proc, _ = run(["katas/detection/nms", f"--impl={tmp_path / name}"], tmp_path)
        assert proc.returncode != 0 and "another name" in proc.stderr, (name, proc.stderr[-800:])
        ws = subprocess.run([sys.executable, "-m", "cvkatas", "workspace", str(tmp_path / "w" / name)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, env={**os.environ, "CVKATAS_DB": "off"})
        assert ws.returncode == 2 and "another name" in ws.stderr, (name, ws.stderr)
        assert not (tmp_path / "w" / name).exists()
