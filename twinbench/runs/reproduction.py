"""Reproduce a stored run from its folder alone and compare the outputs variable by variable."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError
from twinbench.runs import store
from twinbench.runs.catalog import Run, open_index
from twinbench.runs.lifecycle import _launch

#: Default tolerances: |rerun − original| ≤ atol + rtol |original|, element by element.
RTOL = 1e-5
ATOL = 1e-6


def _numbers(values: np.ndarray) -> np.ndarray | None:
    """Values as float64 (datetimes as seconds), or None when they are not numbers."""
    if np.issubdtype(values.dtype, np.datetime64):
        return (values - np.datetime64(0, "ns")) / np.timedelta64(1, "s")
    if np.issubdtype(values.dtype, np.timedelta64):
        return values / np.timedelta64(1, "s")
    if np.issubdtype(values.dtype, np.number) or values.dtype == bool:
        return values.astype(np.float64)
    return None


def _difference(new: xr.DataArray, old: xr.DataArray, rtol: float, atol: float) -> dict:
    """Max absolute and relative difference of one variable, and whether it is within
    tolerance (NaN where both are NaN counts as equal)."""
    if new.shape != old.shape:
        return {"max_abs": np.inf, "max_rel": np.inf, "matches": False}
    a, b = _numbers(new.values), _numbers(old.values)
    if a is None or b is None:
        same = bool(np.array_equal(new.values, old.values))
        return {
            "max_abs": 0.0 if same else np.nan,
            "max_rel": 0.0 if same else np.nan,
            "matches": same,
        }
    if a.size == 0:
        return {"max_abs": 0.0, "max_rel": 0.0, "matches": True}
    both_nan = np.isnan(a) & np.isnan(b)
    diff = np.where(both_nan, 0.0, np.abs(a - b))
    diff = np.where(np.isnan(diff), np.inf, diff)
    scale = np.where(np.isfinite(b), np.abs(b), 0.0)
    rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
    bound = atol + rtol * np.where(np.isnan(b), 0.0, np.abs(b))
    return {
        "max_abs": float(diff.max()),
        "max_rel": float(np.nan_to_num(rel, nan=np.inf).max()),
        "matches": bool(np.all(diff <= bound)),
    }


def compare(
    new: xr.Dataset, old: xr.Dataset, rtol: float = RTOL, atol: float = ATOL
) -> pd.DataFrame:
    """Per-variable (data and coordinates) max abs/rel difference of ``new`` from ``old``.

    Returns a table indexed by variable with ``max_abs``, ``max_rel`` and ``matches``; a
    variable present in one dataset only does not match.

    Examples
    --------
    >>> a = xr.Dataset({"eta": ("t", [1.0, 2.0])})
    >>> compare(a + 1e-9, a).loc["eta", "matches"]
    np.True_
    """
    rows = {}
    for name in sorted(set(new.variables) | set(old.variables)):
        if name not in new.variables or name not in old.variables:
            rows[name] = {"max_abs": np.nan, "max_rel": np.nan, "matches": False}
        else:
            rows[name] = _difference(new[name], old[name], rtol, atol)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["max_abs", "max_rel", "matches"])
    table.index.name = "variable"
    return table


@dataclasses.dataclass(frozen=True)
class Reproduction:
    """The outcome of :func:`reproduce`: the original, the new run, the per-variable table."""

    original: str
    rerun: Run
    table: pd.DataFrame
    rtol: float
    atol: float

    @property
    def matches(self) -> bool:
        """Whether every variable is within tolerance."""
        return bool(self.table["matches"].all())

    def __str__(self) -> str:
        verdict = "matches" if self.matches else "DOES NOT match"
        with pd.option_context("display.float_format", "{:.3g}".format):
            table = self.table.to_string()
        return (
            f"rerun {self.rerun.id} of {self.original} {verdict} "
            f"(rtol={self.rtol:g}, atol={self.atol:g}):\n{table}"
        )


def _source(run: str, root: Any, index: Any) -> tuple[str, Path, str | None]:
    """(label, folder, run name) of a run id, or of a run folder given as a path."""
    path = Path(run)
    if path.is_dir() and (path / "scenario.yaml").is_file():
        record = (
            store.read_json(path / "provenance.json") if (path / "provenance.json").exists() else {}
        )
        return str(path.resolve()), path.resolve(), record.get("name")
    row = open_index(root, index).get(run)
    if row["status"] != "completed":
        raise InputError(f"run {row['id']!r} is {row['status']}: no output to reproduce")
    return row["id"], Path(row["folder"]), row["name"]


def reproduce(
    run: str,
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
    root: str | Path | None = None,
    index: str | Path | None = None,
    progress: Any = False,
) -> Reproduction:
    """Re-run a stored run from its folder alone (``scenario.yaml``, ``stations.csv``) into a
    new run and compare every output variable with the original's.

    Parameters
    ----------
    run : str
        A run id (or unique prefix) in the index, or the path of a run folder.
    rtol, atol : float
        Element-wise tolerance ``|new − old| ≤ atol + rtol |old|`` (atol in the variable's
        units: m, m s⁻¹, ...).
    root, index : path, optional
        Where the new run is stored (and the original looked up).

    Returns
    -------
    Reproduction
        ``.matches``, ``.table`` and the new ``.rerun``.
    """
    label, folder, name = _source(run, root, index)
    output = folder / store.OUTPUT
    if not output.exists():
        raise InputError(f"run folder {str(folder)!r} has no {store.OUTPUT} to compare with")
    record = (
        store.read_json(folder / "provenance.json") if (folder / "provenance.json").exists() else {}
    )
    stations = folder / "stations.csv"
    rerun = _launch(
        folder / "scenario.yaml",
        root=root,
        index=index,
        duration=None,
        stations=stations if stations.exists() else None,
        name=name,
        progress=progress,
        checkpoint_every=record.get("checkpoint_every"),
        parent=label,
    )
    with xr.open_zarr(output, chunks=None) as old, rerun.open() as new:
        table = compare(new.load(), old.load(), rtol, atol)
    return Reproduction(label, rerun, table, rtol, atol)
