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

from twinbench.core.fluxes import BANKS
from twinbench.core.porosity import MAX_CONVEYANCE
from twinbench.core.porosity import MINIMUM as MINIMUM_POROSITY
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
    "stages": 2,
    "banks": "hydrostatic",
}
#: Physics keys without a default (absent: the term is off).
PHYSICS_OPTIONAL = ("drag",)
#: Parts of ``physics["drag"]`` and their keys: canopy a (m⁻¹), h_v (m), C_D; piers c_p (m⁻¹).
DRAG_KEYS = {
    "canopy": {"frontal_area", "height", "drag_coefficient"},
    "piers": {"coefficient"},
}
BOUNDARY_KEYS = {
    "wall": {"type"},
    "open": {"type"},
    "level": {"type", "value"},
    "discharge": {"type", "value", "depth"},
    "tide": {"type", "constituents", "mean", "nodal", "latitude"},
    "river": {"type", "discharge", "between", "cells", "name"},
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


def parse_start(start: Any) -> np.datetime64 | None:
    """The run's start as a UTC ``datetime64[s]`` (time-zone aware inputs are converted)."""
    if start is None:
        return None
    if isinstance(start, bool | int | float):
        raise InputError(f"start must be a date and time such as '2024-03-10T00:00', got {start!r}")
    try:
        stamp = pd.Timestamp(start)
    except (ValueError, TypeError) as err:
        raise InputError(f"start is not a date and time: {start!r} ({err})") from None
    if stamp is pd.NaT:
        raise InputError(f"start is not a date and time: {start!r}")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return np.datetime64(stamp.to_datetime64(), "s")


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
    sn = cf.REGISTRY[name].standard_name or f"{cf.ROLE} {name}"
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
    porosity: np.ndarray | None = None
    conveyance: np.ndarray | None = None


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
    porosity = _field(inputs, "porosity", x, y)
    if porosity is not None and (porosity.min() < 0.0 or porosity.max() > 1.0):
        raise InputError(
            f"the porosity (standard_name 'sea_area_fraction') must be within [0, 1], got "
            f"{porosity.min()!r} … {porosity.max()!r}"
        )
    conveyance = _field(inputs, "conveyance", x, y)
    if conveyance is not None and (
        conveyance.min() < 0.0 or conveyance.max() > MAX_CONVEYANCE * (1 + 1e-12)
    ):
        raise InputError(
            f"the conveyance porosity ({cf.ROLE} 'conveyance') must be within [0, √2], got "
            f"{conveyance.min()!r} … {conveyance.max()!r}"
        )
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
        porosity,
        conveyance,
    )


def grid_field(da: xr.DataArray, what: str, grid: GridInputs) -> np.ndarray:
    """A DataArray over the grid's (y, x), in either order → a float64 ``(ny, nx)`` array."""
    if set(da.dims) != {grid.y.name, grid.x.name}:
        raise InputError(
            f"{what} as a DataArray must have dims ({grid.y.name!r}, {grid.x.name!r}), "
            f"got {da.dims}"
        )
    values = np.asarray(da.transpose(grid.y.name, grid.x.name).values, np.float64)
    if values.shape != grid.depth.shape:
        raise InputError(f"{what} has shape {values.shape}, the grid is {grid.depth.shape}")
    return values


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
        values = grid_field(coefficient, what, grid)
    else:
        values = np.full(grid.depth.shape, _number(coefficient, what))
    if not np.all(np.isfinite(values)):
        raise InputError(f"{what} has NaN or infinite values")
    positive = law == "chezy"
    if (values <= 0).any() if positive else (values < 0).any():
        raise InputError(f"{what} must be {'> 0' if positive else '≥ 0'}, got min {values.min()!r}")
    return {"law": law, "coefficient": values}


def _drag_field(value: Any, what: str, grid: GridInputs, positive: bool = False) -> np.ndarray:
    """A number, a DataArray over (y, x) or an array of the grid's shape → ``(ny, nx)``."""
    if isinstance(value, xr.DataArray):
        values = grid_field(value, what, grid)
    elif isinstance(value, list | tuple | np.ndarray):
        values = np.asarray(value, np.float64)
        if values.shape != grid.depth.shape:
            raise InputError(f"{what} has shape {values.shape}, the grid is {grid.depth.shape}")
    else:
        values = np.full(grid.depth.shape, _number(value, what))
    if not np.all(np.isfinite(values)):
        raise InputError(f"{what} has NaN or infinite values")
    if (values <= 0).any() if positive else (values < 0).any():
        raise InputError(f"{what} must be {'> 0' if positive else '≥ 0'}, got min {values.min()!r}")
    return values


def _drag(spec: Any, grid: GridInputs) -> dict:
    """``{"canopy": {frontal_area, height, drag_coefficient}, "piers": {coefficient}}``."""
    if not isinstance(spec, Mapping):
        raise InputError(f"physics['drag'] must be a dict with {sorted(DRAG_KEYS)}, got {spec!r}")
    unknown = set(spec) - set(DRAG_KEYS)
    if unknown:
        raise InputError(f"unknown key(s) in physics['drag']: {sorted(unknown)}")
    out = {}
    for part, keys in DRAG_KEYS.items():
        if spec.get(part) is None:
            continue
        entry = spec[part]
        what = f"physics['drag']['{part}']"
        if not isinstance(entry, Mapping):
            raise InputError(f"{what} must be a dict with {sorted(keys)}, got {entry!r}")
        if set(entry) - keys:
            raise InputError(f"unknown key(s) in {what}: {sorted(set(entry) - keys)}")
        required = {"frontal_area", "height"} if part == "canopy" else {"coefficient"}
        if required - set(entry):
            raise InputError(f"{what} needs {sorted(required - set(entry))}")
        entry = {"drag_coefficient": 1.0, **entry} if part == "canopy" else entry
        out[part] = {
            key: _drag_field(value, f"{what}['{key}']", grid, positive=key == "height")
            for key, value in entry.items()
        }
    return out


def parse_physics(physics: Any, grid: GridInputs) -> dict:
    """Physics dict with defaults filled in and every value checked."""
    physics = {} if physics is None else physics
    if not isinstance(physics, Mapping):
        raise InputError(f"physics must be a dict, got {type(physics).__name__}")
    known = {*PHYSICS_DEFAULTS, *PHYSICS_OPTIONAL}
    unknown = set(physics) - known
    if unknown:
        raise InputError(f"unknown physics key(s) {sorted(unknown)}; known: {sorted(known)}")
    merged = {**PHYSICS_DEFAULTS, **physics}
    out = {
        "gravity": _number(merged["gravity"], "physics['gravity']", minimum=0, strict=True),
        "coriolis": _number(merged["coriolis"], "physics['coriolis']"),
        "viscosity": _number(merged["viscosity"], "physics['viscosity']", minimum=0),
        "dry_depth": _number(merged["dry_depth"], "physics['dry_depth']", minimum=0, strict=True),
        "cfl": _number(merged["cfl"], "physics['cfl']", minimum=0, strict=True),
        "friction": _friction(merged["friction"], grid),
    }
    if physics.get("drag") is not None:
        out["drag"] = _drag(physics["drag"], grid)
    stages = merged["stages"]
    whole = isinstance(stages, int | np.integer) and not isinstance(stages, bool)
    if not whole or not 2 <= stages <= 10:
        raise InputError(
            f"physics['stages'] must be a whole number of Runge–Kutta stages from 2 to 10, got "
            f"{stages!r}"
        )
    out["stages"] = int(stages)
    if merged["banks"] not in BANKS:
        raise InputError(
            f"physics['banks'] must be one of {list(BANKS)} (how a dry bank above a wet cell's "
            f"surface acts), got {merged['banks']!r}"
        )
    out["banks"] = merged["banks"]
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


def parse_boundaries(
    boundaries: Any, grid: GridInputs, start: np.datetime64 | None = None, dry_depth: float = 1e-6
) -> dict[str, dict]:
    """Boundary specs by side → entries with Tables (and tide harmonics referred to ``start``).

    A side holds one spec, or a list of ``river`` specs (the rest of that side is a wall).
    """
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
        along = grid.y if side in ("west", "east") else grid.x
        rivers = [spec] if isinstance(spec, Mapping) and spec.get("type") == "river" else spec
        if isinstance(rivers, list | tuple):
            out[side] = _rivers(rivers, side, along, grid, dry_depth)
            continue
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
        entry: dict[str, Any] = {"type": kind}
        if kind == "tide":
            out[side] = _tide(spec, side, along, start)
            continue
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


def _side_values(value: Any, what: str, along: Axis) -> np.ndarray:
    """A number, a list/array along the side, or a DataArray over the side's axis → (n,)."""
    if isinstance(value, xr.DataArray):
        if value.dims != (along.name,):
            raise InputError(f"{what} must vary along {along.name!r} only, got dims {value.dims}")
        value = value.values
    if isinstance(value, bool | str):
        raise InputError(f"{what} must be a number or numbers along the side, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"{what} must be a number or numbers along the side, got {value!r}"
        ) from None
    if arr.ndim == 0:
        arr = np.full(1, float(arr))
    if arr.ndim != 1 or arr.size not in (1, along.values.size):
        raise InputError(
            f"{what} must be one number or {along.values.size} values along {along.name!r}, "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{what} has NaN or infinite values")
    return arr


def _constituent_specs(constituents: Any, what: str) -> list[tuple[str, Any, Any]]:
    """(name, amplitude, phase) from a mapping or a Dataset with amplitude/phase by constituent."""
    if isinstance(constituents, xr.Dataset):
        if (
            not {"amplitude", "phase"} <= set(constituents)
            or "constituent" not in constituents.dims
        ):
            raise InputError(
                f"{what} as a Dataset needs 'amplitude' and 'phase' over 'constituent'"
            )
        return [
            (
                str(name),
                constituents["amplitude"].sel(constituent=name).values.tolist(),
                constituents["phase"].sel(constituent=name).values.tolist(),
            )
            for name in constituents["constituent"].values
        ]
    if not isinstance(constituents, Mapping):
        raise InputError(
            f"{what} must map constituent names to {{'amplitude': m, 'phase': degrees}}, "
            f"got {constituents!r}"
        )
    out = []
    for name, value in constituents.items():
        if isinstance(value, Mapping):
            extra = set(value) - {"amplitude", "phase"}
            if extra or not {"amplitude", "phase"} <= set(value):
                raise InputError(
                    f"{what}[{name!r}] needs exactly 'amplitude' (m) and 'phase' (degrees), "
                    f"got keys {sorted(value)}"
                )
            out.append((name, value["amplitude"], value["phase"]))
        elif isinstance(value, list | tuple) and len(value) == 2:
            out.append((name, value[0], value[1]))
        else:
            raise InputError(
                f"{what}[{name!r}] must be {{'amplitude': m, 'phase': degrees}}, got {value!r}"
            )
    return out


def _tide(spec: Mapping, side: str, along: Axis, start: np.datetime64 | None) -> dict:
    """A tidal sea: constituents (Greenwich phase lags, UTC) referred to the run's start."""
    from twinbench import tides

    what = f"boundaries[{side!r}]"
    if "constituents" not in spec:
        raise InputError(
            f"{what} (tide) needs 'constituents' ({{}} for a radiating sea at its 'mean' level)"
        )
    if start is None and spec["constituents"]:
        raise InputError(
            f"{what} is a tide: give the run's start date (start='2024-03-10T00:00') so the "
            "astronomical arguments and nodal corrections are those of the real dates"
        )
    nodal = spec.get("nodal", True)
    if not isinstance(nodal, bool):
        raise InputError(f"{what}['nodal'] must be true or false, got {nodal!r}")
    latitude = spec.get("latitude")
    if latitude is not None:
        latitude = _number(latitude, f"{what}['latitude']")
        if abs(latitude) > 90:
            raise InputError(f"{what}['latitude'] must be within ±90°, got {latitude!r}")
    names, amplitudes, phases = [], [], []
    for name, amplitude, phase in _constituent_specs(
        spec["constituents"], f"{what}['constituents']"
    ):
        try:
            canonical = tides.canonical_name(name)
        except ValueError as err:
            raise InputError(f"{what}['constituents']: {err}") from None
        a = _side_values(amplitude, f"{what}['constituents'][{name!r}]['amplitude']", along)
        g = _side_values(phase, f"{what}['constituents'][{name!r}]['phase']", along)
        if np.any(a < 0):
            raise InputError(
                f"{what}['constituents'][{name!r}]['amplitude'] must be ≥ 0 m, got {a.min()!r}"
            )
        names.append(canonical)
        amplitudes.append(a)
        phases.append(g)
    if len(set(names)) != len(names):
        raise InputError(f"{what}['constituents'] names a constituent twice: {names}")
    mean = parse_table(spec.get("mean", 0.0), f"{what}['mean']", along)
    entry = {"type": "tide", "constituents": {}, "mean": mean, "nodal": nodal}
    entry["latitude"] = latitude
    if not names:
        entry["harmonics"] = {
            "omega": np.zeros(0),
            "amplitude": np.zeros((0, 1)),
            "phase": np.zeros((0, 1)),
        }
        return entry
    size = max(max(a.size, g.size) for a, g in zip(amplitudes, phases, strict=True))
    amplitude = np.stack([np.broadcast_to(a, size) for a in amplitudes])
    phase = np.stack([np.broadcast_to(g, size) for g in phases])
    # η = f A cos(V0 + u + ω t − G) = f A cos(ω t − φ), φ = G − V0 − u at the start.
    v0 = tides.astronomical_arguments(names, start).values[0]
    if nodal:
        fu = tides.nodal_corrections(names, start, latitude=latitude)
        f, u = fu["f"].values[0], fu["u"].values[0]
    else:
        f, u = np.ones(len(names)), np.zeros(len(names))
    omega = np.array([2 * np.pi * tides.CONSTITUENTS[n].frequency / 3600.0 for n in names])
    entry["constituents"] = {
        n: {"amplitude": a, "phase": g} for n, a, g in zip(names, amplitude, phase, strict=True)
    }
    return entry | {
        "harmonics": {
            "omega": omega,
            "amplitude": f[:, None] * amplitude,
            "phase": np.deg2rad(phase - v0[:, None] - u[:, None]),
        },
    }


def _cells(spec: Mapping, what: str, along: Axis) -> tuple[int, int]:
    """The river's cells along the side: ``cells`` [first, last] indices or ``between``
    [a, b] coordinates (m) of the side's axis, both inclusive."""
    n = along.values.size
    if ("cells" in spec) == ("between" in spec):
        raise InputError(f"{what} needs one of 'cells' [first, last] or 'between' [a, b] (m)")
    key = "cells" if "cells" in spec else "between"
    pair = spec[key]
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise InputError(f"{what}[{key!r}] must be a pair [first, last], got {pair!r}")
    if key == "cells":
        if not all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in pair):
            raise InputError(f"{what}['cells'] must be two integers, got {pair!r}")
        first, last = int(pair[0]), int(pair[1])
    else:
        a = _number(pair[0], f"{what}['between'][0]")
        b = _number(pair[1], f"{what}['between'][1]")
        inside = np.flatnonzero((along.values >= min(a, b)) & (along.values <= max(a, b)))
        if inside.size == 0:
            raise InputError(
                f"{what}['between'] = {pair!r} holds no cell centre of {along.name!r} "
                f"({along.values[0]:g} … {along.values[-1]:g} m)"
            )
        first, last = int(inside[0]), int(inside[-1])
    if not 0 <= first <= last < n:
        raise InputError(f"{what}['cells'] = {pair!r} must satisfy 0 ≤ first ≤ last < {n}")
    return first, last


def _rivers(specs: Any, side: str, along: Axis, grid: GridInputs, dry_depth: float) -> dict:
    """Rivers on one side: each total discharge Q(t) (m³ s⁻¹) spread evenly over the wet cells
    of its segment, as a discharge per metre; the rest of the side is a wall."""
    what = f"boundaries[{side!r}]"
    if not specs:
        raise InputError(f"{what} is an empty list: give river specs or a boundary dict")
    edge = {
        "west": (slice(None), 0),
        "east": (slice(None), -1),
        "south": (0, slice(None)),
        "north": (-1, slice(None)),
    }[side]
    h0 = np.maximum(grid.eta + grid.depth, 0.0)[edge]
    # With a porosity, a boundary cell's face is open over φ of its width, or over its
    # conveyance ψ when one is given (core.porosity).
    faces = grid.porosity if grid.conveyance is None else grid.conveyance
    open_width = (grid.dy if side in ("west", "east") else grid.dx) * (
        1.0 if faces is None else np.clip(faces[edge], MINIMUM_POROSITY, 1.0)
    )
    taken = np.zeros(along.values.size, bool)
    parsed, tables = [], []
    for k, spec in enumerate(specs):
        name = spec.get("name", f"river {k}") if isinstance(spec, Mapping) else f"river {k}"
        here = f"{what} river {name!r}"
        if not isinstance(spec, Mapping) or spec.get("type") != "river":
            raise InputError(f"{here}: a list on a side holds river specs ({{'type': 'river'}})")
        extra = set(spec) - BOUNDARY_KEYS["river"]
        if extra:
            raise InputError(f"unknown key(s) {sorted(extra)} in {here}")
        if "discharge" not in spec:
            raise InputError(f"{here} needs a 'discharge' (m³ s⁻¹)")
        first, last = _cells(spec, here, along)
        if taken[first : last + 1].any():
            raise InputError(f"{here} overlaps another river on the {side} side")
        taken[first : last + 1] = True
        wet = np.zeros(along.values.size, bool)
        wet[first : last + 1] = h0[first : last + 1] > dry_depth
        if not wet.any():
            raise InputError(
                f"{here}: no wet cell in cells {first}…{last} of the {side} side to carry it "
                "(the bed is above the water there)"
            )
        table = parse_table(spec["discharge"], f"{here}['discharge']")
        if np.any(table.values < 0):
            raise InputError(f"{here}['discharge'] must be ≥ 0 m³ s⁻¹ (an inflow)")
        parsed.append(
            {"name": str(name), "discharge": table, "cells": [first, last], "wet": int(wet.sum())}
        )
        tables.append((table, wet / np.sum(wet * open_width)))
    times = np.unique(np.concatenate([t.times for t, _ in tables]))
    q = np.zeros((times.size, along.values.size))
    for table, weight in tables:
        # Linear in time: sampling on the union of the rivers' times is exact.
        q += np.interp(times, table.times, table.values[:, 0])[:, None] * weight[None, :]
    return {"type": "river", "rivers": parsed, "value": Table(times, q)}
