#!/usr/bin/env python3
"""Regenerate the tutorial transcript in README.md from a real run, or check that it is current.

    python scripts/readme_tutorial.py           # run the tutorial, rewrite the README block
    python scripts/readme_tutorial.py --check   # run it, exit 1 with a diff if the README drifted

The tutorial runs as a new user would, with a history and a practice workspace of its own in a
temporary folder (the maintainer's `.cvkatas/` is never touched). Its paths are shown as a user
would have them (`/tmp/practice`, `.cvkatas`). `--check` compares with times, dates and speed
ratios masked, so only a change in what a user reads (test counts, statuses, wording) fails it;
tests/test_readme.py runs it."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- tutorial:start -->", "<!-- tutorial:end -->"
WS = "/tmp/practice/mine"


def _trim_solution(lines: list[str]) -> list[str]:
    """The reference's header only: the README must not print a solution."""
    head = [ln for ln in lines if ln.startswith("nox >")][:2]
    body = [ln for ln in lines if not ln.startswith("nox >")]
    doc_end = next((i for i, ln in enumerate(body) if i > 2 and ln.rstrip().endswith('"""')), 3)
    return head + body[:doc_end + 1] + ["", f"[... the reference solution, {len(body) - doc_end - 1} lines ...]"]


def _trim_interview(lines: list[str]) -> list[str]:
    """The brief up to the first signature, then the closing lines."""
    sig = next(i for i, ln in enumerate(lines) if ln.startswith("def "))
    rule = max(i for i, ln in enumerate(lines) if ln.startswith("===="))
    return [*lines[:sig + 2], "    [... the rest of the statement: arguments, returns, rules, edge cases, speed ...]",
            "", *lines[rule - 1:]]


# (what the README shows after "$ ", what to do instead of running it, how to trim its output)
STEPS = [
    ("nox -s list -- --track detection --difficulty medium", None, None),
    (f"nox -s workspace -- {WS} --track detection", None, None),
    (f"nox -s hint -- detection/nms --impl {WS}", None, None),
    (f"nox -s solution -- detection/nms --impl {WS}", None, None),
    (f"$EDITOR {WS}/detection/nms.py   # (write the answer)", "answer", None),
    (f"pytest katas/detection/nms --impl={WS} -q", None, None),
    (f"nox -s progress -- detection/nms detection/soft_nms detection/box_iou --impl {WS}", None, None),
    (f"nox -s solution -- detection/nms --impl {WS}", None, _trim_solution),
    (f"nox -s reset -- detection/nms --impl {WS}", None, None),
    ("ls .cvkatas/backups/detection/nms/", None, None),
    (f"nox -s interview -- --kata detection/nms --minutes 20 --impl {WS}", None, _trim_interview),
    ("# ... the candidate restores yesterday's answer from the backup and talks it through; one hint given ...",
     "comment", None),
    (f"cp .cvkatas/backups/detection/nms/mine-*.py {WS}/detection/nms.py", None, None),
    ("nox -s interview -- --finish --score correctness=4 --score complexity=3 --score edge_cases=3 "
     "--score communication=4 --hints 1", None, None),
    (f"nox -s progress -- --no-run detection/nms detection/soft_nms detection/box_iou --impl {WS}", None, None),
    (f"nox -s next -- --impl {WS}", None, None),
]


def run() -> str:
    """Run every step; the transcript as the README shows it."""
    tmp = Path(tempfile.mkdtemp(prefix="cvk-tutorial-"))
    real = {"/tmp/practice": str(tmp / "practice"), ".cvkatas/": f"{tmp}/.cvkatas/"}
    env = {**os.environ, "CVKATAS_DB": str(tmp / ".cvkatas" / "progress.sqlite3"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for var in ("CVKATAS_IMPL", "CVKATAS_RUN_BY", "PYTHONPATH"):
        env.pop(var, None)
    out = []
    try:
        for shown, action, trim in STEPS:
            out.append(f"$ {shown}")
            if action == "comment":
                continue
            if action == "answer":
                (tmp / "practice" / "mine" / "detection" / "nms.py").write_text(
                    (ROOT / "solutions" / "detection" / "nms.py").read_text())
                out.append("")
                continue
            command = shown
            for display, path in real.items():
                command = command.replace(display, path)
            proc = subprocess.run(command, shell=True, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=300)
            text = proc.stdout.replace(real[".cvkatas/"], ".cvkatas/").replace(real["/tmp/practice"], "/tmp/practice")
            lines = [ln.rstrip() for ln in text.rstrip().splitlines()]
            out += (trim(lines) if trim else lines) + [""]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def block(readme: str) -> tuple[int, int]:
    i, j = readme.index(START), readme.index(END)
    return i + len(START), j


def mask(text: str) -> str:
    """What may differ between two honest runs: times, dates, ratios, backup stamps."""
    text = re.sub(r"\d{8}-\d{6}(-\d+)?", "<stamp>", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?", "<date>", text)
    text = re.sub(r"\d+\.\d+", "<n>", text)
    text = re.sub(r"\b\d+ of (\d+) min", r"<n> of \1 min", text)
    text = re.sub(r"\b\d+/(\d+) min", r"<n>/\1 min", text)
    text = re.sub(r"(Session \S+ (was successful|failed))( in [^.]+)?\.", r"\1.", text)  # nox's "in a second"
    return re.sub(r"[ \t]+", " ", text)


def main(argv: list[str]) -> int:
    transcript = "\n```text\n" + run() + "\n```\n"
    readme = README.read_text()
    i, j = block(readme)
    if "--check" in argv:
        old, new = mask(readme[i:j]).splitlines(), mask(transcript).splitlines()
        if old != new:
            diff = "\n".join(difflib.unified_diff(old, new, "README.md", "a run now", lineterm="", n=1))
            print(f"{diff}\n\nThe README's tutorial is out of date: run python scripts/readme_tutorial.py")
            return 1
        print("the README's tutorial matches a run now")
        return 0
    README.write_text(readme[:i] + transcript + readme[j:])
    print(f"README.md: tutorial regenerated ({transcript.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
