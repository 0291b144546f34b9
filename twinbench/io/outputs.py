"""CF-1.10 outputs with provenance, and the configuration needed to run them again."""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import GridInputs, Table


def _jsonable(value: Any) -> Any:
    """Plain JSON for configuration values (tables and fields become lists)."""
    if isinstance(value, Table):
        return {"time": value.times.tolist(), "values": value.values.tolist()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def configuration(
    duration: float,
    output_every: float | None,
    physics: dict,
    boundaries: dict,
    forcing: dict | None,
    dtype: str,
    start: np.datetime64 | None = None,
) -> str:
    """The run's full configuration as JSON (with the dataset itself, enough to rerun it)."""
    physics = dict(physics)
    # Derived engine values (tide harmonics at the start, river discharges per metre) are
    # rebuilt from the user's specs on a rerun.
    boundaries = {
        side: {k: v for k, v in spec.items() if k not in ("harmonics",)}
        if spec["type"] != "river"
        else {"type": "river", "rivers": spec["rivers"]}
        for side, spec in boundaries.items()
    }
    coefficient = physics["friction"].get("coefficient")
    if isinstance(coefficient, np.ndarray) and np.all(coefficient == coefficient.flat[0]):
        physics["friction"] = {**physics["friction"], "coefficient": float(coefficient.flat[0])}
    return json.dumps(
        _jsonable(
            {
                "duration": duration,
                "output_every": output_every,
                "dtype": dtype,
                "physics": physics,
                "boundaries": boundaries,
                "forcing": forcing,
                "start": None if start is None else str(start),
            }
        )
    )


def _git_revision() -> str:
    try:
        root = Path(__file__).resolve().parents[2]
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance(device: str, wall_time: float, steps: int) -> dict[str, str | int | float]:
    import jax

    from twinbench import __version__

    return {
        "twinbench_version": __version__,
        "twinbench_git_revision": _git_revision(),
        "jax_version": jax.__version__,
        "xarray_version": xr.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "device": device,
        "wall_time_s": round(wall_time, 6),
        "time_steps": int(steps),
        "date_created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def history_dataset(
    grid: GridInputs,
    times: np.ndarray,
    h: np.ndarray,
    hu: np.ndarray,
    hv: np.ndarray,
    dry_depth: float,
    config_json: str,
    prov: dict,
    friction_field: np.ndarray | None = None,
    start: np.datetime64 | None = None,
    tracer_fields: dict | None = None,
) -> xr.Dataset:
    """The contract's output: (time, y, x) fields, static depth, CF attributes, provenance."""
    y, x = grid.y.name, grid.x.name
    bed = -grid.depth
    wet = h > dry_depth
    safe = np.where(wet, h, 1.0)
    u = np.where(wet, hu / safe, 0.0)
    v = np.where(wet, hv / safe, 0.0)
    eta = np.where(wet, h + bed, np.maximum(h + bed, bed)).astype(h.dtype)
    u, v = u.astype(h.dtype), v.astype(h.dtype)
    dims = ("time", y, x)
    data = {
        "eta": (dims, eta, cf.attrs("eta")),
        "h": (dims, h, cf.attrs("h")),
        "u": (dims, u, cf.attrs("u")),
        "v": (dims, v, cf.attrs("v")),
        "depth": ((y, x), grid.depth.astype(h.dtype), cf.attrs("depth")),
    }
    if tracer_fields:
        data.update(tracer_fields)
    if friction_field is not None:
        data["friction_coefficient"] = (
            (y, x),
            friction_field.astype(h.dtype),
            {"long_name": "bottom friction coefficient", "units": "1"},
        )
    time_attrs = {
        "standard_name": "time",
        "long_name": "time since start of run",
        "units": "s",
        "axis": "T",
    }
    if start is not None:
        # Datetimes: xarray encodes them as CF "seconds since <start>" in files.
        times = start + np.round(np.asarray(times) * 1e9).astype("timedelta64[ns]")
        time_attrs = {"standard_name": "time", "long_name": "time (UTC)", "axis": "T"}
    coords = {
        "time": ("time", times, time_attrs),
        x: (x, grid.x.values, {**grid.x.attrs, "axis": "X"}),
        y: (y, grid.y.values, {**grid.y.attrs, "axis": "Y"}),
    }
    attrs = {
        "Conventions": "CF-1.10",
        "title": "twinbench shallow-water run",
        "source": f"twinbench {prov['twinbench_version']} (2-D depth-averaged shallow water, JAX)",
        "history": f"{prov['date_created']}: created by twinbench.simulate",
        "configuration": config_json,
        **{k: v for k, v in prov.items()},
    }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def rerun_arguments(ds: xr.Dataset) -> tuple[xr.Dataset, dict]:
    """Inputs and keyword arguments that reproduce a run from its own output dataset."""
    config = json.loads(ds.attrs["configuration"])
    first = ds.isel(time=0)
    inputs = xr.Dataset(
        {
            "depth": ds["depth"],
            "eta": first["eta"].where(first["h"] > 0, 0.0).assign_attrs(cf.attrs("eta")),
            "u": first["u"].assign_attrs(cf.attrs("u")),
            "v": first["v"].assign_attrs(cf.attrs("v")),
        }
    ).drop_vars("time", errors="ignore")

    x_name = ds["depth"].dims[1]
    y_name = ds["depth"].dims[0]

    def table(spec, along: str):
        if not (isinstance(spec, dict) and "time" in spec):
            return spec
        values = np.asarray(spec["values"])
        if values.shape[1] == 1:
            if spec["time"] == [0.0]:
                return float(values[0, 0])
            return xr.DataArray(values[:, 0], coords={"time": spec["time"]}, dims="time")
        return xr.DataArray(
            values, coords={"time": spec["time"], along: ds[along].values}, dims=("time", along)
        )

    forcing = None
    if config.get("forcing"):
        # Tables are piecewise linear in time: resampling on the union of their times is exact.
        tables = config["forcing"]
        varying = [spec["time"] for spec in tables.values() if len(spec["time"]) > 1]
        times = np.unique(np.concatenate(varying)) if varying else None
        forcing = xr.Dataset()
        for name, spec in tables.items():
            values = np.asarray(spec["values"])
            space = () if values.shape[1:] == (1, 1) else (y_name, x_name)
            flat = values.reshape(values.shape[0], -1)
            if len(spec["time"]) == 1:
                data, dims = flat[0], space
            else:
                cols = [np.interp(times, spec["time"], col) for col in flat.T]
                data, dims = np.stack(cols, axis=-1), ("time", *space)
            shape = [times.size] if "time" in dims else []
            data = data.reshape(shape + ([] if not space else list(values.shape[1:])))
            forcing[name] = xr.DataArray(data, dims=dims, attrs=cf.attrs(name))
        if times is not None:
            forcing = forcing.assign_coords(time=times)

    physics = config["physics"]
    if physics["friction"]["law"] == "none":
        physics["friction"] = {"law": "none"}
    elif not isinstance(physics["friction"]["coefficient"], float | int):
        physics["friction"]["coefficient"] = ds["friction_coefficient"]

    def side_spec(side: str, spec: dict):
        along = y_name if side in ("west", "east") else x_name
        if spec["type"] == "river":
            return [
                {
                    "type": "river",
                    "name": r["name"],
                    "cells": r["cells"],
                    "discharge": table(r["discharge"], along),
                }
                for r in spec["rivers"]
            ]
        if spec["type"] == "tide":
            spec = dict(spec)
            spec["constituents"] = {
                name: {
                    key: value[0]
                    if len(set(value)) == 1
                    else xr.DataArray(value, coords={along: ds[along].values}, dims=along)
                    for key, value in c.items()
                }
                for name, c in spec["constituents"].items()
            }
        return {k: table(v, along) for k, v in spec.items()}

    boundaries = {side: side_spec(side, spec) for side, spec in config["boundaries"].items()}
    kwargs = {
        "duration": config["duration"],
        "output_every": config["output_every"],
        "physics": physics,
        "boundaries": boundaries,
        "forcing": forcing,
        "dtype": config["dtype"],
        "start": config.get("start"),
    }
    if config.get("tracers"):
        from twinbench.io.tracer_inputs import rerun_tracers

        kwargs["tracers"] = rerun_tracers(config["tracers"], ds)
    return inputs, kwargs
