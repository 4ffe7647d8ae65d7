"""A kata's verdict from its tests' results: the test groups, the kata's status and its summary line.

Every test is in one group, by marker (KATA_STANDARD.md, "Test groups"):

- correctness (no marker): hand cases, oracle comparisons, the edge cases that matter;
- ``@pytest.mark.convention("equal scores: lower index first")``: one documented convention, probed
  by one hand-built test; the marker's text names it in the summary;
- ``@pytest.mark.contract("bad shapes: ValueError")``: the documented error for bad input;
- ``@pytest.mark.perf``: speed. A speed test also marked ``full`` times the size an interviewer
  names (seconds, not one): it runs under ``--full`` and in verify, and the summary says when it
  did not run.

A kata whose correctness and speed tests all pass but which misses a convention or an input check is
*nearly solved*, not failing: the algorithm is right and the summary says which convention differs.
A run that left tests out (``-m``, ``-k``, a test id) never says *solved*: it says *correct so far*
and which groups did not run.
"""

from __future__ import annotations

CORRECTNESS, CONVENTION, CONTRACT, PERF = "correctness", "convention", "contract", "perf"
GROUPS = (CORRECTNESS, CONVENTION, CONTRACT, PERF)
LABELS = {CORRECTNESS: "correctness", CONVENTION: "conventions", CONTRACT: "input checks", PERF: "speed"}

# Categories a failed test falls into.
NOT_STARTED, FAILED, TOO_SLOW, TIMED_OUT, CRASHED = "not started", "failing", "too slow", "timed out", "crashed"
# Statuses a kata can have, worst first.
NEARLY, SO_FAR, SOLVED = "nearly solved", "correct so far", "solved"
STATUSES = (NOT_STARTED, FAILED, TIMED_OUT, CRASHED, TOO_SLOW, NEARLY, SO_FAR, SOLVED)


def group_of(item) -> tuple[str, str | None]:
    """(group, name) of a collected pytest item; name is the convention's or check's text, if any."""
    for group in (PERF, CONVENTION, CONTRACT):
        marker = item.get_closest_marker(group)
        if marker is not None:
            name = marker.args[0] if marker.args else None
            return group, name
    return CORRECTNESS, None


def kata_status(results: list[dict], missing_groups=()) -> str:
    """One kata's status. ``missing_groups``: groups some of whose tests were left out of this run
    (any non-empty value, e.g. ``{"?"}``, when the selection is unknown)."""
    ran = [r for r in results if r["outcome"] != "skipped"]
    failed = [r for r in ran if r["outcome"] == "failed"]
    if not ran:
        return "skipped"
    cats = {r["category"] for r in failed}
    if failed and cats == {NOT_STARTED}:
        return NOT_STARTED
    if CRASHED in cats:
        return CRASHED
    if TIMED_OUT in cats:
        return TIMED_OUT
    if any(r.get("group", CORRECTNESS) == CORRECTNESS or r["category"] == NOT_STARTED for r in failed):
        return FAILED
    if any(r.get("group") == PERF for r in failed):
        return TOO_SLOW
    if failed:
        return NEARLY
    return SO_FAR if missing_groups else SOLVED


def summary_line(results: list[dict], missing_groups=()) -> str:
    """``correctness 18/18 · conventions 2/3 (equal scores: lower index first) · input checks 1/1 · speed 2.1x``"""
    ran = [r for r in results if r["outcome"] != "skipped"]
    parts = []
    for group in GROUPS:
        rs = [r for r in ran if r.get("group", CORRECTNESS) == group]
        if group == PERF:
            ratios = [r["speed_ratio"] for r in rs if r.get("speed_ratio") is not None]
            bad = [r for r in rs if r["outcome"] == "failed"]
            if not rs:
                if group in missing_groups:
                    parts.append("speed not run")
                continue
            if bad and bad[0]["category"] == TOO_SLOW:
                limit = bad[0].get("max_ratio")
                ratio = f" {max(ratios):.1f}x" if ratios else ""
                parts.append(f"speed: too slow{ratio}" + (f" (limit {limit:g}x)" if limit else ""))
            elif bad:
                parts.append(f"speed: {bad[0]['category']}")
            else:
                parts.append(f"speed {max(ratios):.1f}x" if ratios else f"speed {len(rs)}/{len(rs)}")
            continue
        if not rs:
            if group in missing_groups:
                parts.append(f"{LABELS[group]} not run")
            continue
        passed = sum(r["outcome"] == "passed" for r in rs)
        text = f"{LABELS[group]} {passed}/{len(rs)}"
        names = []
        for r in rs:
            if (r["outcome"] == "failed" and r.get("name") and r["name"] not in names
                    and r["category"] != NOT_STARTED):
                names.append(r["name"])
        if names and group != CORRECTNESS:
            text += f" ({'; '.join(names)})"
        if group in missing_groups:
            text += ", some not run"
        parts.append(text)
    if any(r.get("full") and r["outcome"] == "skipped" for r in results):
        parts.append("full-size speed not run (--full)")
    if "?" in missing_groups:
        parts.append("only the selected tests ran")
    return " · ".join(parts)
