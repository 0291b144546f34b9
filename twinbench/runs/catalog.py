"""Looking up stored runs: :class:`Run`, :func:`list_runs`, :func:`show`, :func:`remove`,
:func:`open_run`."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError
from twinbench.runs import provenance, store
from twinbench.runs.index import ACTIVE, COLUMNS, Index

_TIMES = ("created", "started", "finished", "heartbeat")


def open_index(root: str | Path | None = None, index: str | Path | None = None) -> Index:
    """The index of a run root (defaults as :func:`twinbench.runs.launch`)."""
    return Index(store.index_path(store.resolve_root(root), index))


@dataclasses.dataclass(frozen=True)
class Run:
    """A stored run: its id, its folder and the index that lists it."""

    id: str
    folder: Path
    index: Path

    @property
    def row(self) -> dict[str, Any]:
        """Its index row, read now."""
        return Index(self.index).get(self.id)

    @property
    def status(self) -> str:
        """``queued``, ``running``, ``completed``, ``failed`` or ``interrupted``."""
        return self.row["status"]

    @property
    def provenance(self) -> dict[str, Any]:
        """The contents of its ``provenance.json``."""
        return store.read_json(self.folder / "provenance.json")

    def open(self) -> xr.Dataset:
        """Its output (only once completed)."""
        return _open(self.row)

    def __repr__(self) -> str:
        return f"Run({self.id!r}, status={self.status!r}, folder={str(self.folder)!r})"


def get(run_id: str, root: str | Path | None = None, index: str | Path | None = None) -> Run:
    """The :class:`Run` of an id (or unique id prefix)."""
    db = open_index(root, index)
    row = db.get(run_id)
    return Run(row["id"], Path(row["folder"]), db.path)


def list_runs(
    root: str | Path | None = None, status: str | None = None, *, index: str | Path | None = None
) -> pd.DataFrame:
    """The index as a table, oldest run first (runs whose process died are ``interrupted``).

    Columns are those of :data:`twinbench.runs.index.COLUMNS`; times are UTC timestamps.
    """
    rows = open_index(root, index).rows(status)
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in _TIMES:
        table[column] = pd.to_datetime(table[column], utc=True, format="ISO8601")
    return table


def show(
    run_id: str, root: str | Path | None = None, *, index: str | Path | None = None
) -> dict[str, Any]:
    """A run's index row, with its provenance under ``"provenance"`` (None if unreadable)."""
    row = open_index(root, index).get(run_id)
    path = Path(row["folder"]) / "provenance.json"
    row["provenance"] = store.read_json(path) if path.exists() else None
    return row


def check_idle(row: dict[str, Any], doing: str) -> None:
    if row["status"] in ACTIVE:
        raise InputError(
            f"run {row['id']!r} is {row['status']} (process {row['pid']} on {row['host']}); "
            f"cannot {doing} it now"
        )


def remove(run_id: str, root: str | Path | None = None, *, index: str | Path | None = None) -> str:
    """Delete a run: its folder and its index row. Returns its id. A run in progress is kept."""
    db = open_index(root, index)
    row = db.get(run_id)
    check_idle(row, "remove")
    folder = Path(row["folder"])
    # The folder is the run's own (named by its id), never anything the row could point to.
    if folder.name != row["id"]:
        raise InputError(f"run {row['id']!r} lists folder {str(folder)!r}, not its own; kept")
    shutil.rmtree(folder, ignore_errors=True)
    db.delete(row["id"])
    return row["id"]


def _open(row: dict[str, Any]) -> xr.Dataset:
    if row["status"] != "completed":
        hint = "resume it" if row["status"] in ("interrupted", "failed") else "wait for it"
        raise InputError(f"run {row['id']!r} is {row['status']}: no complete output ({hint})")
    path = Path(row["folder"]) / store.OUTPUT
    if not path.exists():
        raise InputError(f"run {row['id']!r} is completed but {str(path)!r} is missing")
    return xr.open_zarr(path, chunks=None)


def open_run(
    run_id: str, root: str | Path | None = None, *, index: str | Path | None = None
) -> xr.Dataset:
    """The output of a completed run (a lazily loaded CF dataset)."""
    return _open(open_index(root, index).get(run_id))


def this_process() -> dict[str, Any]:
    """Index columns naming the current process as a run's owner."""
    pid = os.getpid()
    return {"pid": pid, "pid_start": provenance.process_start(pid), "host": provenance.host()}
