"""The learner's history: a local SQLite database written by every test run and every session.

Default path ``.cvkatas/progress.sqlite3`` in the project (git-ignored); ``CVKATAS_DB`` sets
another path (``off`` disables recording). Every record is committed as soon as it is known, in
WAL mode with a busy timeout, so two runs at once never corrupt it and a run killed midway keeps
everything recorded before the kill."""

from __future__ import annotations

import os
import random
import sqlite3
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

from . import catalog

ENV_VAR = "CVKATAS_DB"
# Set by the commands that run a kata's tests for their own purpose (progress, solution, interview
# --finish): their attempts update the status but are not the learner's *tries*.
RUN_BY_VAR = "CVKATAS_RUN_BY"
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, impl TEXT NOT NULL, argv TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL, at TEXT NOT NULL, kata TEXT NOT NULL, impl TEXT NOT NULL,
    test TEXT NOT NULL, device TEXT, outcome TEXT NOT NULL, category TEXT, speed_ratio REAL);
CREATE TABLE IF NOT EXISTS attempts (
    run_id INTEGER NOT NULL, at TEXT NOT NULL, kata TEXT NOT NULL, impl TEXT NOT NULL,
    status TEXT NOT NULL, passed INTEGER NOT NULL, ran INTEGER NOT NULL, complete INTEGER NOT NULL,
    speed_ratio REAL, devices TEXT, hints_used INTEGER NOT NULL, fingerprint TEXT, origin TEXT);
CREATE TABLE IF NOT EXISTS hints (
    at TEXT NOT NULL, kata TEXT NOT NULL, number INTEGER NOT NULL, impl TEXT NOT NULL DEFAULT 'katas');
CREATE TABLE IF NOT EXISTS reveals (at TEXT NOT NULL, kata TEXT NOT NULL, impl TEXT NOT NULL, forced INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS interviews (
    id INTEGER PRIMARY KEY, kata TEXT NOT NULL, impl TEXT NOT NULL, seed INTEGER, started TEXT NOT NULL,
    finished TEXT, minutes_budget INTEGER, minutes_taken REAL, status TEXT, hints INTEGER,
    correctness INTEGER, complexity INTEGER, edge_cases INTEGER, communication INTEGER, sheet TEXT);
CREATE INDEX IF NOT EXISTS attempts_kata ON attempts (kata, impl);
"""


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def path() -> Path | None:
    value = os.environ.get(ENV_VAR, "")
    if value.lower() == "off":
        return None
    return Path(value).expanduser() if value else catalog.ROOT / ".cvkatas" / "progress.sqlite3"


def state_dir() -> Path:
    """Where the learner's files live beside the database: backups, interview sheets."""
    where = path()
    return where.parent if where is not None else catalog.ROOT / ".cvkatas"


class HistoryError(Exception):
    """The history database cannot be used; the message is one line saying what to do."""


class Store:
    """A connection to the history database; each method commits before it returns."""

    def __init__(self, where: Path | None = None):
        self.path = Path(where) if where else path()
        if self.path is None:
            raise ValueError(f"recording is off ({ENV_VAR}=off)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"cannot open the history database {self.path} ({exc}); "
                               f"set {ENV_VAR}=off or another path") from None
        self.conn.row_factory = sqlite3.Row
        # Switching a new file to WAL can answer "database is locked" without waiting for the busy
        # timeout when two runs create it at the same moment: retry for a while instead of giving up.
        for attempt in range(100):
            try:
                self.conn.execute("PRAGMA busy_timeout=60000")
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL: no corruption, no fsync per test
                self.conn.executescript(SCHEMA)
                # Histories from before these columns (a new one has them from SCHEMA): before
                # fingerprints; before origins (every attempt was counted as a try); before hints
                # per implementation (they were the default package's).
                self._add_column("attempts", "fingerprint", "TEXT")
                self._add_column("attempts", "origin", "TEXT")
                self._add_column("hints", "impl", "TEXT NOT NULL DEFAULT 'katas'")
                break
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) and attempt < 99:
                    time.sleep(0.05 + random.random() * 0.1)
                    continue
                self.conn.close()
                raise HistoryError(self._advice(exc)) from None
            except sqlite3.DatabaseError as exc:  # not a database at all: garbage bytes
                self.conn.close()
                raise HistoryError(self._advice(exc)) from None

    def _add_column(self, table: str, column: str, kind: str) -> None:
        """Add a column an old history lacks. Two runs may open an old history at the same moment:
        the second one's ALTER then finds the column there, which is fine."""
        if column in {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}:
            return
        try:
            self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        except sqlite3.OperationalError as exc:
            if "duplicate column" not in str(exc):
                raise

    def _advice(self, exc) -> str:
        if "readonly" in str(exc) or not os.access(self.path, os.W_OK):
            return (f"the history database {self.path} is read-only ({exc}); make it writable, "
                    f"or set {ENV_VAR}=off or another path")
        return (f"the history database {self.path} is damaged ({exc}); move it away (a new one is made) "
                f"or set {ENV_VAR}=off")

    def tx(self):
        return _Transaction(self.conn)

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writes
    def start_run(self, impl: str, argv: list[str]) -> int:
        with self.tx():
            cur = self.conn.execute("INSERT INTO runs (at, impl, argv) VALUES (?, ?, ?)", (now(), impl, " ".join(argv)))
        return cur.lastrowid

    def add_result(self, run_id: int, r: dict) -> None:
        with self.tx():
            self.conn.execute(
                "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, now(), r["kata"], r["impl"], r["nodeid"], r["device"], r["outcome"], r["category"],
                 r["speed_ratio"]),
            )

    def add_attempt(self, run_id: int, kata: str, impl: str, status: str, passed: int, ran: int,
                    complete: bool, speed_ratio, devices: str, fingerprint: str | None = None,
                    at: str | None = None, origin: str | None = None) -> None:
        """`at` (ISO time, default now) is for tests and imports that replay a history. `origin`
        (default: $CVKATAS_RUN_BY) names the command that ran the tests; None is the learner's own
        run (pytest, watch), the only kind counted as a try."""
        origin = origin if origin is not None else (os.environ.get(RUN_BY_VAR) or None)
        with self.tx():
            self.conn.execute(
                "INSERT INTO attempts (run_id, at, kata, impl, status, passed, ran, complete, speed_ratio, "
                "devices, hints_used, fingerprint, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, at or now(), kata, impl, status, passed, ran, int(complete), speed_ratio, devices,
                 self.hints_shown(kata, impl), fingerprint, origin),
            )

    def last_fingerprint(self, kata: str, impl: str) -> str | None:
        row = self.conn.execute("SELECT fingerprint FROM attempts WHERE kata = ? AND impl = ? AND complete = 1 "
                                "ORDER BY at DESC, rowid DESC LIMIT 1", (kata, impl)).fetchone()
        return row[0] if row else None

    def add_hint(self, kata: str, number: int, impl: str = "katas") -> None:
        with self.tx():
            self.conn.execute("INSERT INTO hints (at, kata, number, impl) VALUES (?, ?, ?, ?)",
                              (now(), kata, number, impl))

    def add_reveal(self, kata: str, impl: str, forced: bool) -> None:
        with self.tx():
            self.conn.execute("INSERT INTO reveals VALUES (?, ?, ?, ?)", (now(), kata, impl, int(forced)))

    def start_interview(self, kata: str, impl: str, seed, minutes: int, sheet: str) -> int:
        with self.tx():
            cur = self.conn.execute(
                "INSERT INTO interviews (kata, impl, seed, started, minutes_budget, sheet) VALUES (?, ?, ?, ?, ?, ?)",
                (kata, impl, seed, now(), minutes, sheet))
        return cur.lastrowid

    def cancel_interview(self, iid: int) -> None:
        """Close an interview without an outcome: status *cancelled*, no scores."""
        with self.tx():
            self.conn.execute("UPDATE interviews SET finished = ?, status = 'cancelled' WHERE id = ?", (now(), iid))

    def finish_interview(self, iid: int, **fields) -> None:
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self.tx():
            self.conn.execute(f"UPDATE interviews SET {cols} WHERE id = ?", (*fields.values(), iid))

    # -- reads
    def hints_shown(self, kata: str, impl: str = "katas") -> int:
        """The highest hint of `kata` shown for implementation `impl` (hints are counted per implementation)."""
        row = self.conn.execute("SELECT MAX(number) FROM hints WHERE kata = ? AND impl = ?", (kata, impl)).fetchone()
        return row[0] or 0

    def attempts(self, impl: str | None = None) -> list[sqlite3.Row]:
        q = "SELECT * FROM attempts WHERE complete = 1" + (" AND impl = ?" if impl else "") + " ORDER BY at, rowid"
        return self.conn.execute(q, (impl,) if impl else ()).fetchall()

    def open_interview(self):
        return self.conn.execute(
            "SELECT * FROM interviews WHERE finished IS NULL ORDER BY id DESC LIMIT 1").fetchone()

    def interviews(self, cancelled: bool = False) -> list[sqlite3.Row]:
        """Finished interviews, oldest first; cancelled ones only when asked for."""
        q = "SELECT * FROM interviews WHERE finished IS NOT NULL" + (
            "" if cancelled else " AND (status IS NULL OR status != 'cancelled')")
        return self.conn.execute(q + " ORDER BY id").fetchall()

    def reveals(self, kata: str) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM reveals WHERE kata = ?", (kata,)).fetchall()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT: the write lock is taken up front, so writers queue instead of failing."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *rest):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def open_store() -> Store | None:
    """The store, or None when recording is off."""
    return None if path() is None else Store()


def integrity_ok(where: Path) -> bool:
    with closing(sqlite3.connect(where)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
