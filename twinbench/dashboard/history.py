"""The dashboard's view of stored runs, all from the run index and the run folders (so it
survives a server restart): the table rows, a run's configuration and log, its downloads, a
preview of its results and its skill against the tide gauges.

Examples
--------
>>> import tempfile
>>> table_rows(tempfile.mkdtemp())
[]
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import xarray as xr

from twinbench.io.inputs import InputError
from twinbench.runs import store
from twinbench.runs.catalog import open_index, open_run

#: Columns of the run table, in order.
TABLE_COLUMNS = (
    "id",
    "scenario",
    "status",
    "progress_%",
    "predicted_s",
    "wall_s",
    "created",
    "error",
)
#: Largest log shown in the page (characters, the end of the log).
LOG_TAIL = 20_000


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def table_rows(
    root: str | Path, waiting: Callable[[set[str]], Iterable[Any]] | None = None
) -> list[dict[str, Any]]:
    """One row per run of the index (oldest first), then the submissions still waiting for a
    worker: ``waiting(names of the indexed runs)`` lists them (``status`` ``submitted``, or
    ``failed`` when their launch raised before the run was registered)."""
    indexed = open_index(root).rows()
    rows = [
        {
            "id": row["id"],
            "scenario": row["scenario"],
            "status": row["status"],
            "progress_%": round(100.0 * (row["progress"] or 0.0), 1),
            "predicted_s": _seconds(row["predicted_s"]),
            "wall_s": _seconds(row["wall_s"]),
            "created": (row["created"] or "")[:19].replace("T", " "),
            "error": row["error"] or "",
        }
        for row in indexed
    ]
    names = {row["name"] for row in indexed if row["name"]}
    for submission in waiting(names) if waiting is not None else ():
        future = submission.future
        failed = future is not None and future.status == "error"
        rows.append(
            {
                "id": submission.name,
                "scenario": submission.scenario,
                "status": "failed" if failed else "submitted",
                "progress_%": 0.0,
                "predicted_s": None,
                "wall_s": None,
                "created": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(submission.submitted)),
                "error": f"{future.exception()}" if failed else "",
            }
        )
    return rows


def run_folder(root: str | Path, run_id: str) -> Path:
    """The folder of a run listed in the index of ``root``."""
    return Path(open_index(root).get(run_id)["folder"])


def configuration(root: str | Path, run_id: str) -> str:
    """The scenario YAML the run ran (``scenario.yaml`` of its folder)."""
    path = run_folder(root, run_id) / "scenario.yaml"
    return path.read_text() if path.exists() else "(no scenario.yaml yet)"


def log_text(root: str | Path, run_id: str, tail: int = LOG_TAIL) -> str:
    """The run's ``log.txt`` (its last ``tail`` characters)."""
    path = run_folder(root, run_id) / "log.txt"
    if not path.exists():
        return "(no log yet: the run has not started)"
    text = path.read_text(errors="replace")
    return text if len(text) <= tail else "…" + text[-tail:]


def export_netcdf(root: str | Path, run_id: str, folder: str | Path) -> Path:
    """Write a completed run's output as NetCDF into ``folder`` (once; reused after) and
    return its path. The run folder itself is left untouched."""
    row = open_index(root).get(run_id)
    path = Path(folder) / f"{row['id']}.nc"
    if not path.exists():
        with open_run(row["id"], root) as ds:
            temporary = path.with_name(f".{path.name}.tmp")
            path.parent.mkdir(parents=True, exist_ok=True)
            ds.load().to_netcdf(temporary)
            temporary.replace(path)
    return path


def export_zarr_zip(root: str | Path, run_id: str, folder: str | Path) -> Path:
    """Zip a completed run's ``output.zarr`` folder into ``folder`` and return the zip's path."""
    row = open_index(root).get(run_id)
    if row["status"] != "completed":
        raise InputError(f"run {row['id']!r} is {row['status']}: no complete output to download")
    source = Path(row["folder"]) / store.OUTPUT
    target = Path(folder) / f"{row['id']}.zarr.zip"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        made = shutil.make_archive(str(target.with_suffix("")), "zip", source.parent, source.name)
        Path(made).replace(target)
    return target


def open_output(root: str | Path, run_id: str) -> xr.Dataset:
    """The output of a completed run (loaded into memory)."""
    with open_run(run_id, root) as ds:
        return ds.load()


def preview(ds: xr.Dataset) -> Any:
    """A holoviews layout of a run: the water level at the last output (dry cells blank, in
    km, with the Gironde coastline when the run is on the Gironde) and the water level at
    each station over time."""
    import holoviews as hv

    from twinbench.ui import views

    hv.renderer("bokeh")
    parts = []
    if "eta" in ds and "time" in ds["eta"].dims:
        last = ds.isel(time=-1)
        eta = last["eta"].where(last["h"] > 1e-2) if "h" in ds else last["eta"]
        x, y = ds["x"].values / 1000.0, ds["y"].values / 1000.0
        when = str(last["time"].values)[:16].replace("T", " ")
        image = hv.Image(
            (x, y, eta.values), kdims=["x_km", "y_km"], vdims=["eta_m"], label=f"eta at {when}"
        ).opts(cmap="viridis", colorbar=True, aspect="equal", tools=["hover"], frame_width=400)
        if "Histolitt" in str(ds.attrs.get("domain_acknowledgement", "")):
            image = image * views.coastline(
                (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
            )
        parts.append(image)
    if "station_eta" in ds and ds.sizes.get("station", 0):
        curves = {
            str(name): hv.Curve(
                (ds["time"].values, ds["station_eta"].isel(station=k).values), "time", "eta_m"
            )
            for k, name in enumerate(ds["station_name"].values)
        }
        parts.append(
            hv.NdOverlay(curves, kdims=["station"]).opts(
                hv.opts.Curve(width=520, height=320, tools=["hover"]),
                hv.opts.NdOverlay(legend_position="right"),
            )
        )
    if not parts:
        raise InputError("the run has neither fields nor station series to preview")
    return hv.Layout(parts).cols(2)


def skill(ds: xr.Dataset, folder: str | Path) -> Any:
    """The model–observation report of a run against the TICON-4 tide at its gauges
    (:func:`twinbench.analysis.report`), written to ``folder``.

    The spin-up left out is a quarter of the run, at most one day (the model starts at rest).
    Raises :class:`InputError` with the reason when the run has no TICON-4 gauge or no dates.
    """
    import numpy as np

    from twinbench.analysis import report

    if "time" not in ds.coords or not np.issubdtype(ds["time"].dtype, np.datetime64):
        raise InputError("the run has no dates on 'time': no tide to compare with")
    span = (ds["time"].values[-1] - ds["time"].values[0]) / np.timedelta64(1, "s")
    result = report(ds, ticon=True, out=folder, spin_up=min(86_400.0, span / 4.0))
    if result.table.empty:
        raise InputError("none of the run's stations is a TICON-4 tide gauge: nothing to compare")
    return result


__all__ = [
    "TABLE_COLUMNS",
    "configuration",
    "export_netcdf",
    "export_zarr_zip",
    "log_text",
    "open_output",
    "preview",
    "run_folder",
    "skill",
    "table_rows",
]
