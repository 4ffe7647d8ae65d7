"""`nox -s watch`: a round per save, in a child forked from one warm process; an endless loop ends
its round as timed out, not the watcher; Ctrl-C ends the watcher cleanly."""

import os
import signal
import subprocess
import sys
import time

import pytest

from cvkatas import catalog

pytestmark = pytest.mark.timeout(300)
ROOT = catalog.ROOT
REFERENCE = (ROOT / "solutions" / "detection" / "nms.py").read_text()


def wait_for(path, text, count=1, timeout=90):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and path.read_text().count(text) >= count:
            return path.read_text()
        time.sleep(0.2)
    raise AssertionError(f"no {text!r} x{count} in the watcher's output:\n{path.read_text()[-3000:]}")


def test_watch_reruns_on_save_and_outlives_an_endless_loop(tmp_path):
    ws = tmp_path / "mywork"
    env = {**os.environ, "CVKATAS_DB": "off"}
    subprocess.run([sys.executable, "-m", "cvkatas", "workspace", str(ws), "--track", "detection"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    out = tmp_path / "watch.out"
    with open(out, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "cvkatas", "watch", "nms", "--impl", str(ws)], cwd=ROOT,
                                env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        wait_for(out, "not started")
        (ws / "detection" / "nms.py").write_text("def nms(boxes, scores, iou_threshold):\n    while True:\n"
                                                "        pass\n")
        wait_for(out, "timed out in")
        (ws / "detection" / "nms.py").write_text(REFERENCE)
        text = wait_for(out, "detection/nms  solved")
        assert proc.poll() is None, "the watcher must outlive the endless loop"
        assert "first failure" in text
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    assert code == 0 and "watch ended" in out.read_text()
    assert "Traceback" not in out.read_text()
