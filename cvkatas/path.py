"""The learning path and spaced review behind `nox -s next`.

The path: a kata comes after its prerequisites (`prerequisites` in its kata.toml), and otherwise
easiest first (difficulty, then minutes, then id).

Spaced review: a solved kata comes back REVIEW_DAYS[n - 1] days after its last solve, n being the
number of times it was solved (1, 3, 7, then 21 days); half as soon when that last solve was slow
(speed ratio over SLOW_RATIO) or took a hint. A *solve* is a solved run that follows an unsolved
one (or is the kata's first), or, once the kata is due, a solved run of changed code (a reset and a
fresh answer); re-running unchanged code that already passes is not a solve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import catalog

REVIEW_DAYS = (1, 3, 7, 21)
SLOW_RATIO = 2.0
_RANK = {d: i for i, d in enumerate(catalog.DIFFICULTIES)}


def prerequisites(kata_id: str, known=None) -> list[str]:
    """The direct prerequisites of a kata that exist (in `known`, default the catalogue)."""
    katas = {k.id: k for k in catalog.all_katas()}
    known = set(katas) if known is None else set(known)
    pre = katas[kata_id].prerequisites if kata_id in katas else []
    return [p for p in pre if p in known and p != kata_id]


def order(katas) -> list:
    """`katas` in path order: every kata after its prerequisites among them, otherwise easiest first.
    A cycle of prerequisites (a mistake) cannot hang it: the easiest of the blocked katas goes next."""
    def ease(k):
        return _RANK.get(k.meta.get("difficulty"), 9), k.meta.get("minutes", 99), k.id

    left = sorted(katas, key=ease)
    ids = {k.id for k in left}
    done: list = []
    placed: set[str] = set()
    while left:
        ready = [k for k in left if all(p in placed for p in prerequisites(k.id, ids))]
        k = ready[0] if ready else left[0]
        done.append(k)
        placed.add(k.id)
        left.remove(k)
    return done


@dataclass
class Review:
    solves: int  # times solved
    last: datetime  # the last solve
    interval: float  # days from the last solve to the next review
    slow: bool
    hinted: bool

    @property
    def due(self) -> datetime:
        return self.last + timedelta(days=self.interval)


def interval(solves: int, slow: bool, hinted: bool) -> float:
    days = REVIEW_DAYS[min(solves, len(REVIEW_DAYS)) - 1]
    return days / 2 if slow or hinted else days


def reviews(attempts) -> dict[str, Review]:
    """Per kata, its review schedule from its complete attempts (rows of one implementation, in time order)."""
    out: dict[str, Review] = {}
    state: dict[str, dict] = {}
    for r in attempts:
        kid = r["kata"]
        s = state.setdefault(kid, {"prev": None, "fp": None, "hints": 0})
        at = datetime.fromisoformat(r["at"])
        if r["status"] == "solved":
            rev = out.get(kid)
            new = s["prev"] != "solved" or (
                rev is not None and r["fingerprint"] is not None and r["fingerprint"] != s["fp"] and at >= rev.due)
            if new:
                hints = r["hints_used"] or 0
                slow = r["speed_ratio"] is not None and r["speed_ratio"] > SLOW_RATIO
                hinted = hints > s["hints"]
                n = (rev.solves if rev else 0) + 1
                out[kid] = Review(n, at, interval(n, slow, hinted), slow, hinted)
                s["hints"] = hints
            s["fp"] = r["fingerprint"]
        s["prev"] = r["status"]
    return out


@dataclass
class Suggestion:
    kata: object  # catalog.Kata
    reason: str
    review: bool = False


def _days(delta: timedelta) -> str:
    days = delta.days
    return "today" if days <= 0 else "1 day ago" if days == 1 else f"{days} days ago"


def suggest(katas, statuses: dict[str, str], schedule: dict[str, Review], now: datetime | None = None):
    """What to do now among `katas`: (Suggestion or None, the next review after that or None).

    Order: a review that is due (the most overdue first); then a kata in progress (or its first
    unsolved prerequisite); then the first unsolved kata of the path."""
    now = now or datetime.now()
    path = order(katas)
    ids = {k.id for k in path}
    by_id = {k.id: k for k in path}
    due = sorted((schedule[k.id].due, k.id) for k in path if k.id in schedule and statuses.get(k.id) == "solved"
                 and schedule[k.id].due <= now)
    if due:
        rev = schedule[due[0][1]]
        why = f"review: solved {_days(now - rev.last)}, due"
        if rev.slow or rev.hinted:
            why += " (sooner: " + " and ".join(x for x, y in (("slow", rev.slow), ("hinted", rev.hinted)) if y) + ")"
        return Suggestion(by_id[due[0][1]], why, review=True), None

    def unsolved_prereq(kid, seen=()):
        for p in prerequisites(kid, ids):
            if statuses.get(p) != "solved" and p not in seen:
                return unsolved_prereq(p, (*seen, kid)) or p
        return None

    started = [k for k in path if statuses.get(k.id, "not started") not in ("not started", "solved")]
    if started:
        k = started[0]
        pre = unsolved_prereq(k.id)
        if pre:
            return Suggestion(by_id[pre], f"prerequisite of {k.id}, which you have started"), None
        return Suggestion(k, f"in progress ({statuses[k.id]}): finish it"), None
    todo = [k for k in path if statuses.get(k.id) != "solved"]
    upcoming = min(((r.due, kid) for kid, r in schedule.items() if kid in ids), default=None)
    if not todo:
        return None, upcoming
    k = todo[0]
    pre = unsolved_prereq(k.id)  # only with a cycle of prerequisites
    k = by_id[pre] if pre else k
    needs = [o.id for o in path if k.id in prerequisites(o.id, ids) and statuses.get(o.id) != "solved"]
    if needs:
        return Suggestion(k, f"prerequisite of {', '.join(needs[:3])}{' …' if len(needs) > 3 else ''}"), None
    return Suggestion(k, "not started, easiest" if statuses.get(k.id, "not started") == "not started"
                      else "easiest unsolved"), None
