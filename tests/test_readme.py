"""The README stays true: its tutorial transcript matches a run now, and every command it shows in a
code block is run here (on a few katas, with a history and a home folder of their own) or is on
the list of commands that cannot run in a test, with the reason."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cvkatas import catalog, db

pytestmark = pytest.mark.timeout(600)
ROOT = catalog.ROOT
README = (ROOT / "README.md").read_text()

# README commands a test cannot run, and why. Anything else in a ```bash block is run below.
NOT_RUN = {
    "python3 -m venv .venv && . .venv/bin/activate && pip install torch --index-url "
    "https://download.pytorch.org/whl/cpu && pip install -e .":
        "installs packages (.ci/run installs from nothing on every landing)",
    "python3 -m venv .venv && . .venv/bin/activate && pip install torch && pip install -e .":
        "installs packages (.ci/run installs from nothing on every landing)",
    "nox -s verify": "the whole suite's proofs: CI runs it on every landing",
}


def bash_commands(text: str) -> list[str]:
    """Every command line of the README's ```bash blocks (comments after the command dropped)."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def test_the_tutorial_transcript_matches_a_run_now():
    proc = subprocess.run([sys.executable, "scripts/readme_tutorial.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_every_nox_session_the_readme_names_exists():
    named = set(re.findall(r"nox -s ([a-z_-]+)", README))
    sessions = subprocess.run([sys.executable, "-m", "nox", "-l"], cwd=ROOT, capture_output=True,
                              text=True, timeout=120).stdout
    real = set(re.findall(r"^[*-] (\S+)", sessions, re.M))
    assert named and named <= real, f"README names sessions that do not exist: {sorted(named - real)}"


def test_every_command_in_a_bash_block_runs(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), db.ENV_VAR: str(tmp_path / "state" / "progress.sqlite3"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for var in ("CVKATAS_IMPL", "PYTHONPATH", db.RUN_BY_VAR):
        env.pop(var, None)
    reference = (ROOT / "solutions" / "detection" / "nms.py").read_text()

    def sh(command):
        return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)

    commands = bash_commands(README)
    assert set(NOT_RUN) <= set(commands), f"NOT_RUN lists commands the README no longer shows: " \
                                          f"{sorted(set(NOT_RUN) - set(commands))}"
    ran = 0
    for command in commands:
        if command in NOT_RUN:
            continue
        if command.startswith("$EDITOR "):  # the learner writes the answer
            target = Path(command.split()[1].replace("~", str(home)))
            target.write_text(reference)
            continue
        if "interview -- --finish" in command:  # needs an open interview
            workspace = tmp_path / "iv"
            assert sh(f"python -m cvkatas workspace {workspace} --track detection").returncode == 0
            (workspace / "detection" / "nms.py").write_text(reference)
            opened = sh(f"python -m cvkatas interview --kata detection/nms --impl {workspace}")
            assert opened.returncode == 0, opened.stdout + opened.stderr
        proc = sh(command)
        assert proc.returncode == 0, f"README command failed: {command}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        if "pytest katas/" in command or "interview -- --finish" in command:
            assert "solved" in proc.stdout, f"{command}: {proc.stdout[-2000:]}"
        ran += 1
    assert ran >= 5
