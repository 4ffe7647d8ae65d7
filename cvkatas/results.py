"""The results file a test run writes with ``--cvk-results=PATH``: one record per test.

While the run goes, every test's start and its record are appended to ``PATH.partial`` (JSON
lines), so a run that dies midway (``os._exit`` in a learner's code, a segfault) still says which
test it died in; at the end the whole list is written to ``PATH`` as JSON and the partial file goes.
"""

from __future__ import annotations

import json
import os

from .verdict import CORRECTNESS, CRASHED, PERF


class Writer:
    def __init__(self, path: str):
        self.path = path
        os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
        self.partial = open(path + ".partial", "w")  # noqa: SIM115 (open for the whole run)

    def started(self, nodeid: str, kata: str) -> None:
        self._line({"started": nodeid, "kata": kata})

    def record(self, record: dict) -> None:
        self._line(record)

    def _line(self, obj) -> None:
        self.partial.write(json.dumps(obj) + "\n")
        self.partial.flush()

    def finish(self, results: list[dict]) -> None:
        with open(self.path, "w") as fh:
            json.dump(results, fh, indent=1)
        self.partial.close()
        os.remove(self.path + ".partial")


def lines(path: str):
    """The lines of ``PATH.partial`` written so far, as dicts: ``{"started": nodeid, "kata": id}``
    when a test starts, then its record. Stops at a line cut short (a crash, or a write under way)."""
    try:
        with open(path + ".partial") as fh:
            for line in fh:
                try:
                    yield json.loads(line)
                except ValueError:
                    return
    except OSError:
        return


def record(nodeid: str, kata: str, impl: str, outcome: str, *, test: str | None = None, device=None,
           group: str = CORRECTNESS, name=None, category=None, speed_ratio=None, max_ratio=None,
           message: str = "", full: bool = False) -> dict:
    """One test's result, as the plugin streams it and every reader expects it. ``full``: a
    full-size speed test (marker ``full``)."""
    return {"nodeid": nodeid, "test": test or nodeid.split("::")[-1].split("[")[0], "kata": kata, "impl": impl,
            "device": device, "perf": group == PERF, "group": group, "name": name, "outcome": outcome,
            "category": category, "speed_ratio": speed_ratio, "max_ratio": max_ratio, "message": message,
            "full": full}


def crashed_record(crashed: dict, impl: str, exit_status) -> dict:
    """The record of the test a run died in (``crashed`` from `read`): failed, category *crashed*."""
    return record(crashed["started"], crashed["kata"], impl, "failed", category=CRASHED,
                  message=f"the test process died during this test (exit status {exit_status}): "
                          "does the code call os._exit or sys.exit, or crash the interpreter?")


def read(path: str) -> tuple[list[dict] | None, dict | None]:
    """(records, crashed): crashed is ``{"started": nodeid, "kata": id}`` for the test the run died
    in; records is None when the run left nothing at all."""
    if os.path.exists(path):
        with open(path) as fh:
            return json.load(fh), None
    if not os.path.exists(path + ".partial"):
        return None, None
    records, started = [], None
    for obj in lines(path):
        if "started" in obj:
            started = obj
        else:
            records.append(obj)
            started = None
    return records, started
