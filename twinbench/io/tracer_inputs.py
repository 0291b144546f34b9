"""Tracers at the edge: parse the ``tracers=`` specs, build the engine's tracer pytrees, and
turn tracer histories into CF variables.

``tracers={"salinity": {...}, "sediment": {...}}`` (see docs/contract.md, "Tracers"). Every
problem raises :class:`~twinbench.io.inputs.InputError` naming the key and the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax.numpy as jnp
import numpy as np
import xarray as xr

from twinbench.core import sediment as sed
from twinbench.core import tracer_stepping as ts
from twinbench.core import transport as tr
from twinbench.io import cf
from twinbench.io.inputs import (
    SIDES,
    GridInputs,
    InputError,
    Table,
    _number,
    grid_field,
    parse_table,
)

COMMON = {"initial", "diffusivity", "boundaries"}
SEDIMENT = {
    "settling_velocity",
    "critical_shear_deposition",
    "critical_shear_erosion",
    "erosion_rate",
    "bed_mass",
}
TRACER_KEYS = {"salinity": COMMON, "sediment": COMMON | SEDIMENT}
#: Output variable (CF registry name) of each tracer.
OUTPUT_NAMES = {"salinity": "salinity", "sediment": "suspended_sediment"}


def _field(value: Any, what: str, grid: GridInputs, allow_unlimited: bool = False) -> Any:
    """A number or a DataArray over (y, x), finite and ≥ 0 → float or (ny, nx) array."""
    if allow_unlimited and isinstance(value, str):
        if value != "unlimited":
            raise InputError(f"{what} must be kg m-2 or 'unlimited', got {value!r}")
        return "unlimited"
    if isinstance(value, xr.DataArray):
        values = grid_field(value, what, grid)
        if not np.all(np.isfinite(values)):
            raise InputError(f"{what} has NaN or infinite values")
        if (values < 0).any():
            raise InputError(f"{what} must be ≥ 0, got min {values.min()!r}")
        return values
    return _number(value, what, minimum=0)


def _side_tracer(value: Any, what: str, side: str, hydro: dict, grid: GridInputs) -> dict:
    """The concentration of water entering through ``side``: a number, a DataArray over time
    and/or along the side, or, on a river side, ``{river name: value}``."""
    along = grid.y if side in ("west", "east") else grid.x
    if hydro["type"] == "wall":
        raise InputError(
            f"{what}: the {side} side is a wall, no water enters there (give its boundary a "
            "level, tide, discharge or river first)"
        )
    if hydro["type"] == "river" and isinstance(value, Mapping):
        names = [r["name"] for r in hydro["rivers"]]
        unknown = set(value) - set(names)
        missing = set(names) - set(value)
        if unknown or missing:
            raise InputError(
                f"{what} must give one value per river of the {side} side {names}, got "
                f"keys {sorted(map(str, value))}"
            )
        values = np.zeros((1, along.values.size))
        for river in hydro["rivers"]:
            first, last = river["cells"]
            name = river["name"]
            values[0, first : last + 1] = _number(value[name], f"{what}[{name!r}]", minimum=0)
        table = Table(np.zeros(1), values)
    else:
        table = parse_table(value, what, along)
    if not np.all(table.values >= 0):
        raise InputError(f"{what} must be ≥ 0, got min {table.values.min()!r}")
    # A sea mixes in across its side; a river brings its load by advection only.
    return {"value": table, "mixing": hydro["type"] not in ("discharge", "river")}


def parse_tracers(tracers: Any, grid: GridInputs, boundaries: dict) -> dict | None:
    """Tracer specs with defaults filled in and every value checked (None if no tracers)."""
    if tracers is None:
        return None
    if not isinstance(tracers, Mapping):
        raise InputError(f"tracers must be a dict keyed by tracer name, got {tracers!r}")
    unknown = set(tracers) - set(TRACER_KEYS)
    if unknown:
        raise InputError(
            f"unknown tracer(s) {sorted(map(str, unknown))}; known: {sorted(TRACER_KEYS)}"
        )
    out = {}
    for name, spec in tracers.items():
        what = f"tracers[{name!r}]"
        if not isinstance(spec, Mapping):
            raise InputError(f"{what} must be a dict, got {spec!r}")
        extra = set(spec) - TRACER_KEYS[name]
        if extra:
            raise InputError(f"unknown key(s) {sorted(map(str, extra))} in {what}")
        entry: dict[str, Any] = {
            "initial": _field(spec.get("initial", 0.0), f"{what}['initial']", grid),
            "diffusivity": _number(
                spec.get("diffusivity", 0.0), f"{what}['diffusivity']", minimum=0
            ),
        }
        sides = spec.get("boundaries", {}) or {}
        if not isinstance(sides, Mapping):
            raise InputError(f"{what}['boundaries'] must be a dict keyed by side, got {sides!r}")
        bad = set(sides) - set(SIDES)
        if bad:
            raise InputError(
                f"unknown side(s) {sorted(map(str, bad))} in {what}['boundaries']; sides are "
                f"{list(SIDES)}"
            )
        entry["boundaries"] = {
            side: _side_tracer(v, f"{what}['boundaries'][{side!r}]", side, boundaries[side], grid)
            for side, v in sides.items()
        }
        if name == "sediment":
            if "settling_velocity" not in spec:
                raise InputError(f"{what} needs a 'settling_velocity' (m s-1)")
            entry["settling_velocity"] = _number(
                spec["settling_velocity"], f"{what}['settling_velocity']", minimum=0
            )
            for key in ("critical_shear_deposition", "critical_shear_erosion"):
                value = spec.get(key)
                entry[key] = (
                    float("inf")
                    if value is None
                    else _number(value, f"{what}[{key!r}]", minimum=0, strict=True)
                )
            entry["erosion_rate"] = _number(
                spec.get("erosion_rate", 0.0), f"{what}['erosion_rate']", minimum=0
            )
            entry["bed_mass"] = _field(
                spec.get("bed_mass", "unlimited"), f"{what}['bed_mass']", grid, True
            )
        out[name] = entry
    return out


def build_tracers(parsed: dict, state, dtype, side_shape) -> tuple[ts.TracerParams, ts.Tracers]:
    """The engine's tracer parameters and initial tracer state (under the model's precision).

    ``side_shape(side, table_values)`` shapes a side's table like the engine's boundary tables.
    """
    transports, sediments, initial = {}, {}, {}
    for name, spec in parsed.items():
        inflows = {
            side: tr.Inflow(
                jnp.asarray(b["value"].times, dtype),
                jnp.asarray(side_shape(side, b["value"].values), dtype),
                b["mixing"],
            )
            for side, b in spec["boundaries"].items()
        }
        transports[name] = tr.Transport(
            jnp.asarray(spec["diffusivity"], dtype), tr.TracerBoundaries(**inflows)
        )
        initial[name] = np.asarray(spec["initial"], np.float64)
        if name == "sediment":
            bed = spec["bed_mass"]
            sediments[name] = sed.Sediment(
                *(
                    jnp.asarray(spec[k], dtype)
                    for k in (
                        "settling_velocity",
                        "critical_shear_deposition",
                        "critical_shear_erosion",
                        "erosion_rate",
                    )
                ),
                jnp.asarray(np.inf if isinstance(bed, str) else bed, dtype),
            )
    params = ts.TracerParams(transports, sediments)
    return params, ts.initial_tracers(state, initial, params)


def tracer_variables(
    parsed: dict, dims: tuple[str, str, str], h: np.ndarray, tracers: ts.Tracers, dry_depth: float
) -> dict:
    """CF output variables: concentrations (NaN where dry) and the sediment bed mass."""
    wet = h > dry_depth
    safe = np.where(wet, h, 1.0)
    data = {}
    for name in parsed:
        content = np.asarray(tracers.content[name])
        out = OUTPUT_NAMES[name]
        values = np.where(wet, content / safe, np.nan).astype(h.dtype)
        data[out] = (dims, values, cf.attrs(out))
    if "sediment" in parsed:
        bed = parsed["sediment"]["bed_mass"]
        deposited = np.asarray(tracers.deposited["sediment"])
        attrs = {"long_name": "erodible sediment mass on the bed per unit area", "units": "kg m-2"}
        if isinstance(bed, str):
            attrs["comment"] = "unlimited bed: mass relative to the initial bed (< 0: net erosion)"
            values = deposited
        else:
            values = bed + deposited
        data["bed_sediment_mass"] = (dims, values.astype(h.dtype), attrs)
    return data


def rerun_tracers(config: dict | None, ds: xr.Dataset) -> dict | None:
    """The ``tracers=`` argument that reruns a run from its output (initial fields from t0)."""
    if not config:
        return None
    out = {}
    for name, spec in config.items():
        spec = dict(spec)
        first = ds[OUTPUT_NAMES[name]].isel(time=0).fillna(0.0).drop_vars("time", errors="ignore")
        spec["initial"] = first
        if isinstance(spec.get("bed_mass"), list):
            spec["bed_mass"] = xr.DataArray(np.asarray(spec["bed_mass"]), dims=first.dims)
        for key in ("critical_shear_deposition", "critical_shear_erosion"):
            if spec.get(key) == float("inf"):
                spec[key] = None
        spec["boundaries"] = {
            side: _rerun_side(b, ds, side) for side, b in spec.get("boundaries", {}).items()
        }
        out[name] = spec
    return out


def _rerun_side(spec: dict, ds: xr.Dataset, side: str) -> Any:
    along = ds["depth"].dims[0] if side in ("west", "east") else ds["depth"].dims[1]
    times, values = spec["value"]["time"], np.asarray(spec["value"]["values"])
    if values.shape[1] == 1:
        if times == [0.0]:
            return float(values[0, 0])
        return xr.DataArray(values[:, 0], coords={"time": times}, dims="time")
    return xr.DataArray(
        values, coords={"time": times, along: ds[along].values}, dims=("time", along)
    )


def configuration(parsed: dict | None) -> dict | None:
    """The parsed specs as plain JSON-able values (initial fields are in the output itself)."""
    if parsed is None:
        return None
    out = {}
    for name, spec in parsed.items():
        entry = {k: v for k, v in spec.items() if k != "initial"}
        entry["boundaries"] = {
            side: {
                "value": {"time": b["value"].times.tolist(), "values": b["value"].values.tolist()}
            }
            for side, b in spec["boundaries"].items()
        }
        if isinstance(entry.get("bed_mass"), np.ndarray):
            entry["bed_mass"] = entry["bed_mass"].tolist()
        out[name] = entry
    return out
