"""Parse the contract's inputs (CF dataset, physics and boundary dicts, forcing) at the edge.

Everything a user passes goes through here once, is checked, and comes out as the engine's
objects. Every problem raises :class:`InputError` (a ``ValueError``) naming the key and value.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io import cf

SIDES = ("west", "east", "south", "north")
DTYPES = {"float64": np.float64, "float32": np.float32}
FRICTION_LAWS = ("none", "manning", "chezy", "darcy-weisbach", "linear")
PHYSICS_DEFAULTS: dict[str, Any] = {
    "gravity": 9.81,
    "friction": {"law": "none"},
    "coriolis": 0.0,
    "viscosity": 0.0,
    "dry_depth": 1e-6,
    "cfl": 0.45,
}
BOUNDARY_KEYS = {
    "wall": {"type"},
    "open": {"type"},
    "level": {"type", "value"},
    "discharge": {"type", "value", "depth"},
}


class InputError(ValueError):
    """A user input that twinbench cannot run with; the message names the problem."""


@dataclass(frozen=True)
class Axis:
    """A 1-D grid axis: its name in the dataset, its cell centres and spacing (m)."""

    name: str
    values: np.ndarray
    spacing: float
    attrs: dict


@dataclass(frozen=True)
class Table:
    """A boundary or forcing value over time: times (s) and values ``(nt, ...)``."""

    times: np.ndarray
    values: np.ndarray


def parse_dtype(dtype: Any) -> type:
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in DTYPES:
        raise InputError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    return DTYPES[key]


def parse_seconds(value: Any, what: str, allow_none: bool = False) -> float | None:
    """Seconds from a number, a pandas-style string ("6h", "2D") or a timedelta."""
    if value is None:
        if allow_none:
            return None
        raise InputError(f"{what} is required")
    if isinstance(value, bool):
        raise InputError(f"{what} must be a duration, got {value!r}")
    if isinstance(value, int | float | np.integer | np.floating):
        seconds = float(value)
    elif isinstance(value, str | _dt.timedelta | np.timedelta64 | pd.Timedelta):
        try:
            seconds = pd.Timedelta(value).total_seconds()
        except (ValueError, TypeError) as err:
            raise InputError(f"{what} is not a duration: {value!r} ({err})") from None
    else:
        raise InputError(
            f"{what} must be seconds, a string like '6h' or a timedelta, got {value!r}"
        )
    if not math.isfinite(seconds):
        raise InputError(f"{what} must be finite, got {value!r}")
    if seconds < 0:
        raise InputError(f"{what} must not be negative, got {value!r}")
    return seconds


def _number(value: Any, what: str, *, minimum: float | None = None, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"{what} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{what} must be finite, got {value!r}")
    if minimum is not None and (x < minimum or (strict and x == minimum)):
        bound = ">" if strict else "≥"
        raise InputError(f"{what} must be {bound} {minimum}, got {value!r}")
    return x


def _axis(ds: xr.Dataset, name: str) -> Axis:
    da = cf.find(ds, name)
    sn = cf.REGISTRY[name].standard_name
    if da is None:
        raise InputError(f"inputs have no coordinate with standard_name {sn!r}")
    if da.ndim != 1:
        raise InputError(f"the {sn} coordinate {da.name!r} must be 1-D, got dims {da.dims}")
    values = np.asarray(da.values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise InputError(f"the {sn} coordinate {da.name!r} has NaN or infinite values")
    spacing = float("nan")
    if values.size > 1:
        steps = np.diff(values)
        spacing = float(np.mean(steps))
        if spacing <= 0 or not np.allclose(steps, spacing, rtol=1e-6, atol=0):
            raise InputError(
                f"the {sn} coordinate {da.name!r} must be increasing with uniform spacing, got "
                f"steps from {steps.min()!r} to {steps.max()!r} m"
            )
    return Axis(str(da.dims[0]), values, spacing, dict(da.attrs))


def _field(
    ds: xr.Dataset, name: str, x: Axis, y: Axis, required: bool = False
) -> np.ndarray | None:
    """A (y, x) field found by standard name, checked for dims and NaNs."""
    da = cf.find(ds, name)
    sn = cf.REGISTRY[name].standard_name
    if da is None:
        if required:
            raise InputError(f"inputs have no variable with standard_name {sn!r} (the bathymetry)")
        return None
    if set(da.dims) != {y.name, x.name} or da.ndim != 2:
        raise InputError(
            f"variable {da.name!r} ({sn}) must have dims ({y.name!r}, {x.name!r}), got {da.dims}"
        )
    values = np.asarray(da.transpose(y.name, x.name).values, dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        j, i = np.argwhere(bad)[0]
        raise InputError(
            f"variable {da.name!r} ({sn}) has {int(bad.sum())} NaN or infinite values "
            f"(first at {y.name}={y.values[j]!r}, {x.name}={x.values[i]!r})"
        )
    return values


@dataclass(frozen=True)
class GridInputs:
    """The grid, bathymetry and initial state read from the inputs dataset."""

    x: Axis
    y: Axis
    dx: float
    dy: float
    depth: np.ndarray
    eta: np.ndarray
    u: np.ndarray
    v: np.ndarray


def parse_inputs(inputs: Any) -> GridInputs:
    if not isinstance(inputs, xr.Dataset):
        raise InputError(f"inputs must be an xarray.Dataset, got {type(inputs).__name__}")
    x, y = _axis(inputs, "x"), _axis(inputs, "y")
    if x.values.size == 1 and y.values.size == 1:
        raise InputError("the grid has a single cell: at least one axis needs two cells")
    dx = x.spacing if x.values.size > 1 else y.spacing
    dy = y.spacing if y.values.size > 1 else x.spacing
    depth = _field(inputs, "depth", x, y, required=True)
    eta = _field(inputs, "eta", x, y)
    u = _field(inputs, "u", x, y)
    v = _field(inputs, "v", x, y)
    zeros = np.zeros_like(depth)
    return GridInputs(
        x,
        y,
        dx,
        dy,
        depth,
        eta if eta is not None else zeros,
        u if u is not None else zeros,
        v if v is not None else zeros,
    )


def _friction(spec: Any, grid: GridInputs) -> dict:
    if not isinstance(spec, Mapping):
        raise InputError(f"physics['friction'] must be a dict with 'law', got {spec!r}")
    unknown = set(spec) - {"law", "coefficient"}
    if unknown:
        raise InputError(f"unknown key(s) in physics['friction']: {sorted(unknown)}")
    law = spec.get("law")
    if law not in FRICTION_LAWS:
        raise InputError(f"physics['friction']['law'] must be one of {FRICTION_LAWS}, got {law!r}")
    if law == "none":
        if spec.get("coefficient") not in (None, 0, 0.0):
            raise InputError("physics['friction'] law 'none' takes no coefficient")
        return {"law": "none", "coefficient": None}
    if "coefficient" not in spec:
        raise InputError(f"physics['friction'] law {law!r} needs a 'coefficient'")
    coefficient = spec["coefficient"]
    what = f"physics['friction']['coefficient'] ({law})"
    if isinstance(coefficient, xr.DataArray):
        if set(coefficient.dims) != {grid.y.name, grid.x.name}:
            raise InputError(
                f"{what} as a DataArray must have dims ({grid.y.name!r}, {grid.x.name!r}), "
                f"got {coefficient.dims}"
            )
        values = np.asarray(coefficient.transpose(grid.y.name, grid.x.name).values, np.float64)
        if values.shape != grid.depth.shape:
            raise InputError(f"{what} has shape {values.shape}, the grid is {grid.depth.shape}")
    else:
        values = np.full(grid.depth.shape, _number(coefficient, what))
    if not np.all(np.isfinite(values)):
        raise InputError(f"{what} has NaN or infinite values")
    positive = law == "chezy"
    if (values <= 0).any() if positive else (values < 0).any():
        raise InputError(f"{what} must be {'> 0' if positive else '≥ 0'}, got min {values.min()!r}")
    return {"law": law, "coefficient": values}


def parse_physics(physics: Any, grid: GridInputs) -> dict:
    """Physics dict with defaults filled in and every value checked."""
    physics = {} if physics is None else physics
    if not isinstance(physics, Mapping):
        raise InputError(f"physics must be a dict, got {type(physics).__name__}")
    unknown = set(physics) - set(PHYSICS_DEFAULTS)
    if unknown:
        raise InputError(
            f"unknown physics key(s) {sorted(unknown)}; known: {sorted(PHYSICS_DEFAULTS)}"
        )
    merged = {**PHYSICS_DEFAULTS, **physics}
    out = {
        "gravity": _number(merged["gravity"], "physics['gravity']", minimum=0, strict=True),
        "coriolis": _number(merged["coriolis"], "physics['coriolis']"),
        "viscosity": _number(merged["viscosity"], "physics['viscosity']", minimum=0),
        "dry_depth": _number(merged["dry_depth"], "physics['dry_depth']", minimum=0, strict=True),
        "cfl": _number(merged["cfl"], "physics['cfl']", minimum=0, strict=True),
        "friction": _friction(merged["friction"], grid),
    }
    if out["cfl"] > 0.5:
        raise InputError(
            f"physics['cfl'] = {out['cfl']!r} is unstable: the scheme keeps depths positive "
            "only for cfl ≤ 0.5"
        )
    if out["dry_depth"] > 0.1:
        raise InputError(
            f"physics['dry_depth'] = {out['dry_depth']!r} m would treat real water as dry; "
            "use a small threshold (default 1e-6 m)"
        )
    return out


def _time_axis(da: xr.DataArray, what: str) -> np.ndarray:
    if "time" not in da.dims:
        raise InputError(f"{what} as a DataArray must have a 'time' dimension, got {da.dims}")
    if "time" not in da.coords:
        raise InputError(f"{what} needs a 'time' coordinate (seconds from the start)")
    t = da["time"].values
    if np.issubdtype(t.dtype, np.timedelta64):
        t = t / np.timedelta64(1, "s")
    elif np.issubdtype(t.dtype, np.datetime64):
        raise InputError(f"{what}: give 'time' as seconds from the start, got datetimes")
    t = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(t)) or (t.size > 1 and np.any(np.diff(t) <= 0)):
        raise InputError(f"{what}: 'time' must be finite and strictly increasing")
    return t


def parse_table(value: Any, what: str, along: Axis | None = None) -> Table:
    """A number, or a DataArray over ``time`` (and optionally along the side) → a Table."""
    if isinstance(value, xr.DataArray):
        times = _time_axis(value, what)
        extra = [d for d in value.dims if d != "time"]
        if not extra:
            values = np.asarray(value.values, np.float64)[:, None]
        elif along is not None and extra == [along.name]:
            values = np.asarray(value.transpose("time", along.name).values, np.float64)
            if values.shape[1] != along.values.size:
                raise InputError(
                    f"{what} has {values.shape[1]} values along {along.name!r}, "
                    f"the side has {along.values.size} cells"
                )
        else:
            raise InputError(f"{what} must vary over 'time' only, got dims {value.dims}")
        if not np.all(np.isfinite(values)):
            raise InputError(f"{what} has NaN or infinite values")
        return Table(times, values)
    return Table(np.zeros(1), np.array([[_number(value, what)]]))


def parse_boundaries(boundaries: Any, grid: GridInputs) -> dict[str, dict]:
    boundaries = {} if boundaries is None else boundaries
    if not isinstance(boundaries, Mapping):
        raise InputError(
            f"boundaries must be a dict keyed by side, got {type(boundaries).__name__}"
        )
    unknown = set(boundaries) - set(SIDES)
    if unknown:
        raise InputError(f"unknown boundary side(s) {sorted(unknown)}; sides are {list(SIDES)}")
    out = {}
    for side in SIDES:
        spec = boundaries.get(side, {"type": "wall"})
        if not isinstance(spec, Mapping) or "type" not in spec:
            raise InputError(f"boundaries[{side!r}] must be a dict with a 'type', got {spec!r}")
        kind = spec["type"]
        if kind not in BOUNDARY_KEYS:
            raise InputError(
                f"boundaries[{side!r}]['type'] must be one of {sorted(BOUNDARY_KEYS)}, got {kind!r}"
            )
        extra = set(spec) - BOUNDARY_KEYS[kind]
        if extra:
            raise InputError(f"unknown key(s) {sorted(extra)} in boundaries[{side!r}] ({kind})")
        along = grid.y if side in ("west", "east") else grid.x
        entry: dict[str, Any] = {"type": kind}
        if kind in ("level", "discharge"):
            if "value" not in spec:
                raise InputError(f"boundaries[{side!r}] ({kind}) needs a 'value'")
            entry["value"] = parse_table(spec["value"], f"boundaries[{side!r}]['value']", along)
        if kind == "discharge" and spec.get("depth") is not None:
            entry["depth"] = _number(
                spec["depth"], f"boundaries[{side!r}]['depth']", minimum=0, strict=True
            )
        out[side] = entry
    return out


def parse_forcing(forcing: Any, grid: GridInputs) -> dict[str, Table] | None:
    """Wind (or stress) and pressure found by standard name in a Dataset; None if absent."""
    if forcing is None:
        return None
    if not isinstance(forcing, xr.Dataset):
        raise InputError(f"forcing must be an xarray.Dataset, got {type(forcing).__name__}")
    found = {
        name: cf.find(forcing, name)
        for name in ("wind_x", "wind_y", "stress_x", "stress_y", "pressure")
    }
    wind = found["wind_x"] is not None or found["wind_y"] is not None
    stress = found["stress_x"] is not None or found["stress_y"] is not None
    if wind and stress:
        raise InputError("forcing has both wind and surface stress: give one of them")
    if not (wind or stress or found["pressure"] is not None):
        raise InputError(
            "forcing has no variable with standard_name x_wind/y_wind, surface_downward_x_stress/"
            "surface_downward_y_stress or air_pressure_at_mean_sea_level"
        )
    out = {}
    for name, da in found.items():
        if da is None:
            continue
        what = f"forcing variable {da.name!r} ({da.attrs['standard_name']})"
        extra = [d for d in da.dims if d != "time"]
        if extra and set(extra) != {grid.y.name, grid.x.name}:
            raise InputError(
                f"{what} must have dims among (time, {grid.y.name}, {grid.x.name}), got {da.dims}"
            )
        order = (["time"] if "time" in da.dims else []) + (
            [grid.y.name, grid.x.name] if extra else []
        )
        da = da.transpose(*order)
        times = _time_axis(da, what) if "time" in da.dims else np.zeros(1)
        values = np.asarray(da.values, np.float64)
        if "time" not in da.dims:
            values = values[None]
        values = values.reshape(values.shape[0], *(values.shape[1:] or (1, 1)))
        if not np.all(np.isfinite(values)):
            raise InputError(f"{what} has NaN or infinite values")
        out[name] = Table(times, values)
    return out
