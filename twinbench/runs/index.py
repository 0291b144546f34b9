"""The run index: one SQLite table listing every stored run and its status.

The database is in WAL mode with a busy timeout, and every write is one short ``BEGIN
IMMEDIATE`` transaction on its own connection, so several processes (runs in progress, a
notebook listing them, the CLI) can use it at once on one machine. Local disks only: SQLite's
WAL mode does not work over network file systems.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from twinbench.io.inputs import InputError
from twinbench.runs import provenance

STATUSES = ("queued", "running", "completed", "failed", "interrupted")
#: Statuses of a run whose process may still be working on it.
ACTIVE = ("queued", "running")

#: The columns of the ``runs`` table: SQL type and meaning (units in brackets).
COLUMNS = {
    "id": ("TEXT PRIMARY KEY", "run id: [name-]UTC timestamp-random suffix"),
    "name": ("TEXT", "the user's name for the run (optional)"),
    "scenario": ("TEXT", "scenario name"),
    "domain": ("TEXT", "domain name and resolution, e.g. gironde:coarse"),
    "dtype": ("TEXT", "float32 or float64"),
    "status": ("TEXT NOT NULL", " | ".join(STATUSES)),
    "created": ("TEXT", "UTC time the run was registered"),
    "started": ("TEXT", "UTC time its (last) execution started"),
    "finished": ("TEXT", "UTC time it completed, failed or was interrupted"),
    "heartbeat": ("TEXT", "UTC time of the last saved chunk"),
    "predicted_s": ("REAL", "predicted wall time before launch [s]"),
    "predict_s": ("REAL", "time the launch spent predicting: setup, compile, probe [s]"),
    "wall_s": ("REAL", "measured wall time, all executions [s]"),
    "cells": ("INTEGER", "grid cells (the engine computes all of them)"),
    "steps": ("INTEGER", "time steps taken"),
    "duration_s": ("REAL", "simulated duration [s]"),
    "dt0_s": ("REAL", "stable time step of the initial state [s]"),
    "stepping_s": ("REAL", "wall time of the integration, to the last chunk saved [s]"),
    "progress": ("REAL", "fraction of the simulated duration done (0-1)"),
    "folder": ("TEXT", "the run's folder"),
    "error": ("TEXT", "why it failed or was interrupted"),
    "pid": ("INTEGER", "process running it"),
    "pid_start": ("INTEGER", "that process's start time (clock ticks since boot)"),
    "host": ("TEXT", "host of that process"),
    "parent": ("TEXT", "the run this one reproduces"),
    "resumes": ("INTEGER DEFAULT 0", "times it was resumed from a checkpoint"),
}


class Index:
    """The SQLite index at ``path`` (created on first use).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> index = Index(pathlib.Path(tempfile.mkdtemp()) / "index.sqlite")
    >>> index.insert({"id": "r1", "status": "queued", "created": "2024-01-01T00:00:00Z"})
    >>> index.get("r1")["status"]
    'queued'
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        schema = ", ".join(f"{name} {sql}" for name, (sql, _) in COLUMNS.items())
        with contextlib.closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"CREATE TABLE IF NOT EXISTS runs ({schema})")

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.OperationalError as err:
            raise InputError(f"run index {str(self.path)!r} cannot be opened: {err}") from None
        conn.row_factory = sqlite3.Row
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with contextlib.closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def insert(self, row: dict[str, Any]) -> None:
        """Add a run (``id`` and ``status`` at least)."""
        _check_columns(row)
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._write() as conn:
            conn.execute(f"INSERT INTO runs ({names}) VALUES ({marks})", tuple(row.values()))

    def update(self, run_id: str, *, only_if: dict[str, Any] | None = None, **values: Any) -> bool:
        """Set columns of a run; with ``only_if``, only when those columns hold those values
        (a compare-and-set). Returns whether a row changed."""
        _check_columns(values)
        where = {"id": run_id, **(only_if or {})}
        sets = ", ".join(f"{name} = ?" for name in values)
        test = " AND ".join(f"{name} IS ?" for name in where)
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE runs SET {sets} WHERE {test}", (*values.values(), *where.values())
            )
            return cursor.rowcount > 0

    def delete(self, run_id: str) -> None:
        """Remove a run's row."""
        with self._write() as conn:
            conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def reconcile(self) -> list[str]:
        """Mark ``interrupted`` the queued or running runs of this host whose process is gone
        (killed, crashed: it had no chance to say so). Returns their ids.

        Runs of other hosts sharing the index are left alone: their processes cannot be seen.
        """
        here = provenance.host()
        marks = ", ".join("?" for _ in ACTIVE)
        with contextlib.closing(self._connect()) as conn:
            active = conn.execute(
                f"SELECT id, pid, pid_start FROM runs WHERE status IN ({marks}) AND host = ?",
                (*ACTIVE, here),
            ).fetchall()
        gone = []
        for row in active:
            if row["pid"] is not None and provenance.process_alive(row["pid"], row["pid_start"]):
                continue
            message = (
                f"process {row['pid']} on {here} ended without finishing the run "
                "(killed or crashed); resume it from its last checkpoint"
            )
            for status in ACTIVE:
                changed = self.update(
                    row["id"],
                    only_if={"status": status, "pid": row["pid"]},
                    status="interrupted",
                    error=message,
                    finished=provenance.utc_now(),
                )
                if changed:
                    gone.append(row["id"])
        return gone

    def get(self, run_id: str) -> dict[str, Any]:
        """The row of a run, by id or by a unique prefix of its id (after reconciling)."""
        self.reconcile()
        with contextlib.closing(self._connect()) as conn:
            rows = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchall()
            if not rows:
                pattern = run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = conn.execute(
                    "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\'", (pattern + "%",)
                ).fetchall()
        if not rows:
            raise InputError(f"no run {run_id!r} in the index {str(self.path)!r}")
        if len(rows) > 1:
            ids = sorted(row["id"] for row in rows)
            raise InputError(f"run id {run_id!r} is ambiguous in {str(self.path)!r}: {ids}")
        return dict(rows[0])

    def rows(self, status: str | None = None) -> list[dict[str, Any]]:
        """All runs (or those with ``status``), oldest first, after reconciling."""
        if status is not None and status not in STATUSES:
            raise InputError(f"status must be one of {list(STATUSES)}, got {status!r}")
        self.reconcile()
        query, args = "SELECT * FROM runs", ()
        if status is not None:
            query, args = query + " WHERE status = ?", (status,)
        with contextlib.closing(self._connect()) as conn:
            rows = conn.execute(query + " ORDER BY created, id", args).fetchall()
        return [dict(row) for row in rows]


def _check_columns(values: dict[str, Any]) -> None:
    unknown = set(values) - set(COLUMNS)
    if unknown:
        raise ValueError(f"unknown run index column(s) {sorted(unknown)}")
    status = values.get("status")
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {list(STATUSES)}, got {status!r}")
