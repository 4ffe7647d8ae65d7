"""Tests of the harness itself (run by `nox -s verify`): what a learner sees when things go wrong."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cvkatas import catalog

pytestmark = pytest.mark.timeout(300)  # these tests start whole pytest runs
ROOT = catalog.ROOT
NMS_REFERENCE = (ROOT / "solutions" / "detection" / "nms.py").read_text()


def learner_package(tmp_path: Path, code: str, name: str = "mine") -> Path:
    """A package of the learner's own outside the repo, holding detection/nms."""
    pkg = tmp_path / name / "detection"
    pkg.mkdir(parents=True)
    (pkg / "nms.py").write_text(textwrap.dedent(code))
    return tmp_path


def run(args, tmp_path, pythonpath=None):
    env = {**os.environ, "PYTHONPATH": str(pythonpath or ""), "CVKATAS_DB": str(tmp_path / "history.sqlite3")}
    env.pop("CVKATAS_IMPL", None)
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", *args, f"--cvk-results={results}"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    data = json.loads(results.read_text()) if results.exists() else []
    return proc, [r for r in data if r["outcome"] != "skipped"]  # optional oracles (torchvision) may skip


def test_impl_outside_the_repo_is_tested(tmp_path):
    path = learner_package(tmp_path, NMS_REFERENCE)
    proc, results = run(["katas/detection/nms", "--impl=mine", "-q"], tmp_path, pythonpath=path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert results and all(r["impl"] == "mine" and r["outcome"] == "passed" for r in results)
    assert "solved" in proc.stdout


def test_impl_given_as_a_folder_path(tmp_path):
    path = learner_package(tmp_path, NMS_REFERENCE, name="practice")
    proc, results = run(["katas/detection/nms", f"--impl={path / 'practice'}", "-q", "-k", "overlapping"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert [r["outcome"] for r in results] == ["passed"]


def test_unknown_package_is_one_clear_line(tmp_path):
    proc, _ = run(["katas/detection/nms", "--impl=no_such_pkg_xyz"], tmp_path)
    assert proc.returncode != 0
    assert "no importable package `no_such_pkg_xyz`" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_missing_module_reports_not_started(tmp_path):
    (tmp_path / "empty_pkg").mkdir()
    proc, results = run(["katas/detection/nms", "--impl=empty_pkg", "-q"], tmp_path, pythonpath=tmp_path)
    assert results and all(r["category"] == "not started" for r in results)
    assert "empty_pkg.detection.nms not found: create empty_pkg/detection/nms.py" in proc.stdout


def test_endless_loop_times_out_and_the_run_goes_on(tmp_path):
    path = learner_package(tmp_path, """
        def nms(boxes, scores, iou_threshold):
            while True:
                pass
    """)
    proc, results = run(["katas/detection/nms", "--impl=mine", "-q", "-o", "timeout=1",
                         "-k", "overlapping or highest or exactly"], tmp_path, pythonpath=path)
    assert [r["category"] for r in results] == ["timed out"] * 3, proc.stdout[-2000:]
    assert "timed out" in proc.stdout


def test_stub_shows_not_started_without_reference_source(tmp_path):
    proc, results = run(["katas/detection/nms", "-q"], tmp_path)
    assert results and all(r["category"] == "not started" for r in results)
    assert "nms() in katas/detection/nms/kata.py still raises NotImplementedError" in proc.stdout
    assert "solutions" not in proc.stdout


def test_reference_frames_are_hidden(tmp_path):
    # A learner package that delegates to the reference with a bad argument: the failure must not
    # show the reference's code.
    path = learner_package(tmp_path, """
        from solutions.detection.nms import nms as _nms

        def nms(boxes, scores, iou_threshold):
            return _nms(boxes, scores[:-1], iou_threshold)
    """)
    proc, _ = run(["katas/detection/nms", "--impl=mine", "-q", "-k", "overlapping"], tmp_path, pythonpath=path)
    assert "ValueError" in proc.stdout
    for line in NMS_REFERENCE.splitlines():
        if len(line.strip()) > 20:
            assert line.strip() not in proc.stdout, line


def test_hopeless_candidate_is_stopped_early():
    import time

    import numpy as np

    from cvkatas.speed import measure

    def fast(x):
        return x.sum()

    def hopeless(x):
        while True:
            pass

    t0 = time.perf_counter()
    result = measure(hopeless, fast, (np.ones(1000),), max_ratio=4.0)
    assert result.stopped_early and not result.passed
    assert time.perf_counter() - t0 < 3.0


def test_same_function_passes_its_own_speed_limit():
    import numpy as np

    from cvkatas.speed import measure

    x = np.random.default_rng(0).random(200_000)
    result = measure(np.sort, np.sort, (x,), max_ratio=2.0)
    assert result.passed, result.describe()
    assert 0.5 < result.ratio < 2.0


def test_timing_stops_once_a_majority_of_rounds_decides():
    import time

    from cvkatas.speed import measure

    def ref():
        time.sleep(0.002)

    def slow():  # 5x the reference's time, far over a 2x limit but not hopeless
        time.sleep(0.010)

    same = measure(ref, ref, max_ratio=2.0, rounds=9)
    over = measure(slow, ref, max_ratio=2.0, rounds=9, hopeless=100)
    assert same.passed and len(same.ratios) == 5, same.describe()  # 5 of 9 under the limit decide it
    assert not over.passed and not over.stopped_early and len(over.ratios) == 5, over.describe()


def test_full_size_speed_runs_only_when_asked(tmp_path):
    """A blur that is fast at 512 x 512 but slow at 2048 x 2048: a plain run says solved and that
    the full-size test did not run; --full runs it and says too slow."""
    pkg = tmp_path / "mine" / "classic"
    pkg.mkdir(parents=True)
    (pkg / "filter2d.py").write_text((ROOT / "solutions" / "classic" / "filter2d.py").read_text() + textwrap.dedent("""
        import time
        _blur = gaussian_blur

        def gaussian_blur(image, sigma, mode="reflect"):
            if image.size > 10**6:
                time.sleep(0.5)
            return _blur(image, sigma, mode)
        """))
    plain, ran = run(["katas/classic/filter2d", "--impl=mine", "-q", "-rs"], tmp_path, pythonpath=tmp_path)
    assert plain.returncode == 0, plain.stdout[-2000:]
    assert "test_speed_separable_blur_2048" not in {r["test"] for r in ran}
    assert "classic/filter2d               solved" in plain.stdout
    assert "full-size speed not run (--full)" in plain.stdout
    assert "pytest katas/classic/filter2d --full" in plain.stdout  # the skip reason names the command
    proc, results = run(["katas/classic/filter2d", "--impl=mine", "-q", "--full", "-k", "speed"], tmp_path,
                        pythonpath=tmp_path)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert {r["test"]: r["category"] for r in results} == {
        "test_speed_separable_blur": None, "test_speed_separable_blur_2048": "too slow"}
    assert "too slow" in proc.stdout and "full-size speed not run" not in proc.stdout


@pytest.mark.parametrize("bad", ["detection", "detection/nms/x", "1track/name"])
def test_scaffold_rejects_bad_ids(bad):
    from cvkatas.scaffold import scaffold

    with pytest.raises(ValueError):
        scaffold(bad)


def test_scaffold_never_overwrites():
    from cvkatas.scaffold import scaffold

    with pytest.raises(FileExistsError):
        scaffold("detection/nms")


def test_unknown_kata_suggests_the_nearest():
    with pytest.raises(catalog.UnknownKata, match="detection/nms"):
        catalog.get("detection/nsm")
