"""Run a scenario: build the domain and the engine's inputs, integrate with progress, record
the fields and the station series, write NetCDF or zarr."""

from __future__ import annotations

import inspect
import json
import math
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import xarray as xr

from twinbench import core, domains
from twinbench.api import Model, output_times
from twinbench.core import tracer_stepping
from twinbench.io import cf, tracer_inputs
from twinbench.io.inputs import InputError
from twinbench.scenarios.scenario import Scenario, load
from twinbench.scenarios.whatif import RunSetup, apply_all

OMEGA_EARTH = 7.2921e-5  # s⁻¹


def _gironde(resolution="coarse", depths=None, lagoon=False):
    return domains.gironde(resolution, depths=depths, lagoon=lagoon)


def _tidal_basin(resolution=400.0, depths=None):
    if depths:
        raise InputError("domain 'tidal_basin' takes no 'depths'")
    return domains.tidal_basin(spacing=float(resolution))


def _biscay(resolution="coarse", depths=None):
    if depths:
        raise InputError("domain 'biscay' takes no 'depths'")
    return domains.biscay(resolution)


def _bbox(bbox=None, resolution=None, source="emodnet", depths=None):
    """A domain from a bounding box (:func:`twinbench.domains.from_bbox`): ``bbox: [west, south,
    east, north]`` in degrees, ``resolution`` the cell size in m, ``source: emodnet | etopo``."""
    if depths:
        raise InputError("domain 'bbox' takes no 'depths'")
    if bbox is None:
        raise InputError("domain 'bbox' needs 'bbox: [west, south, east, north]' (degrees)")
    if resolution is None:
        raise InputError("domain 'bbox' needs 'resolution' (the cell size in m)")
    return domains.from_bbox(bbox, resolution, source=source)


DOMAINS: dict[str, Callable[..., xr.Dataset]] = {
    "gironde": _gironde,
    "tidal_basin": _tidal_basin,
    "biscay": _biscay,
    "bbox": _bbox,
}


def build_domain(scenario: Scenario) -> xr.Dataset:
    opts = {k: v for k, v in scenario.domain.items() if k not in ("name", "deepen")}
    make = DOMAINS[scenario.domain["name"]]
    unknown = set(opts) - set(inspect.signature(make).parameters)
    if unknown:
        raise InputError(
            f"domain {scenario.domain['name']!r} takes no {sorted(unknown)}; it takes "
            f"{sorted(inspect.signature(make).parameters)}"
        )
    try:
        domain = make(**opts)
    except ValueError as err:
        raise InputError(f"domain {scenario.domain['name']!r}: {err}") from None
    deepen = scenario.domain.get("deepen")
    if deepen:
        domain["depth"] = domain["depth"] + _by_zone(deepen, domain, "domain.deepen", 0.0)
    return domain


def _by_zone(values: Any, domain: xr.Dataset, what: str, elsewhere: float) -> np.ndarray:
    """A field from one number per zone of the domain's ``friction_zone`` flags."""
    if "friction_zone" not in domain:
        raise InputError(f"{what} by zone: this domain has no zones")
    flags = domain["friction_zone"]
    names = flags.attrs["flag_meanings"].split()
    codes = dict(zip(names, np.atleast_1d(flags.attrs["flag_values"]).tolist(), strict=True))
    if not isinstance(values, Mapping):
        raise InputError(f"{what} must map zone names {names} to numbers, got {values!r}")
    unknown = set(values) - set(codes)
    if unknown:
        raise InputError(f"{what} names unknown zone(s) {sorted(unknown)}; zones: {names}")
    field = np.full(flags.shape, elsewhere, dtype=float)
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            raise InputError(f"{what}[{name!r}] must be a finite number, got {value!r}")
        field[flags.values == codes[name]] = value
    return field


def _friction(spec: Any, domain: xr.Dataset) -> Any:
    """Friction coefficients by zone (a mapping over the domain's ``friction_zone`` flags)."""
    if not isinstance(spec, Mapping) or not isinstance(spec.get("coefficient"), Mapping):
        return spec
    zones = spec["coefficient"]
    names = (
        domain["friction_zone"].attrs["flag_meanings"].split() if "friction_zone" in domain else []
    )
    missing = set(names) - set(zones)
    if names and missing:
        raise InputError(f"physics.friction.coefficient misses zone(s) {sorted(missing)}")
    field = _by_zone(
        zones, domain, "physics.friction.coefficient", float(np.mean(list(zones.values())))
    )
    flags = domain["friction_zone"]
    return {**spec, "coefficient": xr.DataArray(field, dims=flags.dims, coords=flags.coords)}


def _physics(scenario: Scenario, domain: xr.Dataset) -> dict:
    physics = dict(scenario.physics)
    if physics.get("coriolis") == "auto":
        if "lat" not in domain:
            raise InputError("physics.coriolis: 'auto' needs a domain with latitudes")
        lat = float(domain["lat"].where(domain["depth"] > 0).mean())
        physics["coriolis"] = 2 * OMEGA_EARTH * math.sin(math.radians(lat))
    if "friction" in physics:
        physics["friction"] = _friction(physics["friction"], domain)
    return physics


def _series(value: Any, what: str, start: np.datetime64) -> Any:
    """A number, or {time: [...], discharge: [...]} (times as dates or seconds from the start)."""
    if not isinstance(value, Mapping):
        return value
    if set(value) != {"time", "discharge"}:
        raise InputError(f"{what} as a series needs exactly 'time' and 'discharge' lists")
    t = value["time"]
    try:
        seconds = np.asarray(t, dtype=float)
    except (TypeError, ValueError):
        try:
            dates = pd.to_datetime(t).values.astype("datetime64[ns]")
        except (TypeError, ValueError) as err:
            raise InputError(f"{what}: 'time' must be dates or seconds ({err})") from None
        seconds = (dates - start.astype("datetime64[ns]")) / np.timedelta64(1, "s")
    q = np.asarray(value["discharge"], dtype=float)
    if q.shape != seconds.shape:
        raise InputError(f"{what}: 'time' and 'discharge' must have the same length")
    return xr.DataArray(q, coords={"time": seconds}, dims="time")


def _boundaries(scenario: Scenario, domain: xr.Dataset) -> dict:
    boundaries: dict[str, Any] = {}
    start = np.datetime64(scenario.start)
    if scenario.tide is not None:
        tide = dict(scenario.tide)
        side = tide.pop("side", domain.attrs.get("open_boundaries", "west"))
        # One side, or several ("west south north", a list): the same tide on each.
        if not isinstance(side, str | list | tuple):
            raise InputError(f"tide.side must be a side or a list of sides, got {side!r}")
        sides = side.split() if isinstance(side, str) else list(side)
        if not sides:
            raise InputError("tide: the domain has no open side to bring the tide in")
        constituents = tide.pop("constituents", {})
        if isinstance(constituents, str) and constituents.startswith("ticon:"):
            from twinbench import tides

            constituents = tides.ticon(constituents.removeprefix("ticon:"))
        for name in sides:
            boundaries[name] = {"type": "tide", "constituents": constituents, **tide}
    if scenario.rivers:
        if scenario.domain["name"] != "gironde":
            raise InputError(f"rivers: domain {scenario.domain['name']!r} has no rivers")
        where = domains.gironde_rivers(scenario.domain.get("resolution", "coarse"))
        unknown = set(scenario.rivers) - set(where)
        if unknown:
            raise InputError(f"rivers: unknown river(s) {sorted(unknown)}; known: {sorted(where)}")
        by_side: dict[str, list] = {}
        for name, discharge in scenario.rivers.items():
            rows = where[name]["rows"]
            by_side.setdefault(where[name]["side"], []).append(
                {
                    "type": "river",
                    "name": name,
                    "cells": [rows.start, rows.stop - 1],
                    "discharge": _series(discharge, f"rivers.{name}", start),
                }
            )
        for side, rivers in by_side.items():
            if side in boundaries:
                raise InputError(f"rivers and the tide both use the {side} side")
            boundaries[side] = rivers
    return boundaries


def _stations(scenario: Scenario, domain: xr.Dataset, csv: str | Path | None) -> pd.DataFrame:
    tables = []
    if scenario.stations and "station_name" in domain:  # a bbox domain's own gauges
        known = domains.domain_stations(domain)
        unknown = [s for s in scenario.stations if s not in known.index]
        if unknown:
            raise InputError(f"stations: unknown gauge(s) {unknown}; known: {sorted(known.index)}")
        tables.append(known.loc[list(scenario.stations), ["lon", "lat", "i", "j"]])
    elif scenario.stations:
        if scenario.domain["name"] != "gironde":
            raise InputError(f"stations: domain {scenario.domain['name']!r} has no named gauges")
        from twinbench.domains.stations import gironde_station_positions

        known = gironde_station_positions()
        unknown = [s for s in scenario.stations if s not in known]
        if unknown:
            raise InputError(f"stations: unknown gauge(s) {unknown}; known: {sorted(known)}")
        lon, lat = zip(*(known[s] for s in scenario.stations), strict=True)
        tables.append(domains.locate_stations(domain, list(scenario.stations), lon, lat))
    if csv is not None:
        tables.append(read_stations(csv, domain))
    if not tables:
        return pd.DataFrame(columns=["lon", "lat", "i", "j"])
    table = pd.concat(tables)
    duplicated = table.index[table.index.duplicated()].tolist()
    if duplicated:
        raise InputError(f"stations: name(s) {duplicated} given twice")
    return table


def read_stations(path: str | Path, domain: xr.Dataset) -> pd.DataFrame:
    """Virtual gauges from a CSV with columns ``name,lat,lon`` (WGS84), located on the domain."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"stations file {str(path)!r} does not exist")
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise InputError(f"stations file {str(path)!r} is not a CSV: {err}") from None
    table.columns = [c.strip().lower() for c in table.columns]
    missing = {"name", "lat", "lon"} - set(table.columns)
    if missing:
        raise InputError(
            f"stations file {str(path)!r} needs columns name,lat,lon; missing {sorted(missing)}"
        )
    for column in ("lat", "lon"):
        values = pd.to_numeric(table[column], errors="coerce")
        if values.isna().any():
            row = int(values.isna().to_numpy().argmax())
            raise InputError(
                f"stations file {str(path)!r}: {column} of {table['name'][row]!r} is not a number"
            )
        table[column] = values
    try:
        return domains.locate_stations(
            domain, table["name"].astype(str).tolist(), table["lon"].tolist(), table["lat"].tolist()
        )
    except ValueError as err:
        raise InputError(f"stations file {str(path)!r}: {err}") from None


def model_for(scenario: Scenario) -> tuple[Model, xr.Dataset]:
    """The engine's Model for a scenario, and its domain (with the what-ifs applied)."""
    domain = build_domain(scenario)
    setup = RunSetup(
        domain,
        _physics(scenario, domain),
        _boundaries(scenario, domain),
        start=np.datetime64(scenario.start),
        duration=scenario.duration,
    )
    setup = apply_all(scenario.what_if, setup)
    model = Model(
        setup.domain,
        physics=setup.physics,
        boundaries=setup.boundaries,
        forcing=setup.forcing,
        dtype=scenario.dtype,
        start=scenario.start,
        tracers=scenario.tracers or None,
    )
    return model, setup.domain


def _progress_printer(stream=sys.stderr) -> Callable[[float, float, float], None]:
    def show(done: float, total: float, elapsed: float) -> None:
        frac = done / total if total else 1.0
        eta = elapsed / frac - elapsed if frac > 0 else float("nan")
        print(
            f"\r  simulated {done / 86400:6.2f} of {total / 86400:.2f} days ({100 * frac:3.0f} %)"
            f"  {elapsed:6.1f} s elapsed, ~{eta:5.0f} s left",
            end="" if frac < 1 else "\n",
            file=stream,
            flush=True,
        )

    return show


def run(
    scenario: Scenario | str | Path | Mapping,
    *,
    duration: Any = None,
    stations: str | Path | None = None,
    progress: bool | Callable[[float, float, float], None] = False,
    chunk: int = 24,
    on_chunk: Callable[[int, core.State, Any, int, dict], None] | None = None,
    initial: tuple[core.State, Any, int, list[dict]] | None = None,
) -> xr.Dataset:
    """Run a scenario; return a CF dataset with the fields (unless ``fields: false``) and, for
    every station, series over ``(station, time)`` with a ``station_name`` coordinate.

    ``duration`` overrides the scenario's; ``stations`` is a CSV of extra gauges
    (``name,lat,lon``); ``progress`` prints (or calls back) the simulated time as it goes.
    The run advances ``chunk`` outputs per compiled call (one compilation for the whole run).

    For checkpoints (:mod:`twinbench.runs`): ``on_chunk(index, state, tracers, times_done,
    piece)`` is called after each chunk with the engine state (and tracers, or None) reached,
    the index of the output time reached, and the chunk's recorded outputs ``piece`` (a dict of
    numpy arrays and the chunk's step count). ``initial=(state, tracers, output_index, pieces)``
    continues a run from such a state, the ``pieces`` recorded before it in hand.
    """
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    if duration is not None:
        from twinbench.io.inputs import parse_seconds

        seconds = parse_seconds(duration, "duration")
        if seconds <= 0:
            raise InputError(f"duration must be > 0, got {duration!r}")
        scenario = scenario.replace(duration=seconds)
    clock = time.perf_counter()
    model, domain = model_for(scenario)
    gauges = _stations(scenario, domain, stations)
    report = progress if callable(progress) else (_progress_printer() if progress else None)

    times = output_times(scenario.duration, scenario.output_every)
    j = jnp.asarray(gauges["j"].to_numpy(int))
    i = jnp.asarray(gauges["i"].to_numpy(int))
    state, params = model.state, model.params
    tracers = model.tracer_state
    begin, pieces = 0, []
    if initial is not None:
        state, tracers, begin, pieces = initial[0], initial[1], initial[2], list(initial[3])
    with model.precision():
        step_times = jnp.asarray(times, model.dtype)
        for first in range(begin, times.size - 1, chunk):
            last = min(first + chunk, times.size - 1)
            window = np.full(chunk + 1, times[last])
            window[: last - first + 1] = times[first : last + 1]
            out_times = jnp.asarray(window, step_times.dtype)
            if tracers is None:
                states, steps, status = core.history(state, params, model.grid, out_times, 10**7)
            else:
                states, stacked, steps, status = tracer_stepping.history_with_tracers(
                    state, tracers, params, model.tracer_params, model.grid, out_times, 10**7
                )
            if int(status) != core.OK:
                raise InputError(
                    f"{core.failure(status, states.t, out_times)}; check the scenario's "
                    "boundary values, depths and cfl"
                )
            keep = slice(0 if first == 0 else 1, last - first + 1)
            kept = core.State(*(np.asarray(a)[keep] for a in (states.h, states.hu, states.hv)),
                              np.asarray(states.t)[keep])  # fmt: skip
            piece = {"steps": int(np.sum(np.asarray(steps))), "fields": None,
                     "series": np.stack([kept.h[:, j, i], kept.hu[:, j, i], kept.hv[:, j, i]]),
                     "tracer_fields": None, "tracer_series": {}}  # fmt: skip
            if tracers is not None:
                kept_tracers = jax.tree.map(lambda a, k=keep: np.asarray(a)[k], stacked)
                for name in model.tracers:
                    piece["tracer_series"][name] = kept_tracers.content[name][:, j, i]
                if scenario.fields:
                    piece["tracer_fields"] = kept_tracers
                tracers = jax.tree.map(lambda a, k=last - first: a[k], stacked)
            if scenario.fields:
                piece["fields"] = kept
            pieces.append(piece)
            state = core.State(states.h[last - first], states.hu[last - first],
                               states.hv[last - first], states.t[last - first])  # fmt: skip
            if on_chunk is not None:
                on_chunk(len(pieces) - 1, state, tracers, last, piece)
            if report:
                report(float(times[last]), float(times[-1]), time.perf_counter() - clock)
    wall = time.perf_counter() - clock
    steps_total = sum(piece["steps"] for piece in pieces)
    fields = [piece["fields"] for piece in pieces if piece["fields"] is not None]
    tracer_fields = [p["tracer_fields"] for p in pieces if p["tracer_fields"] is not None]
    series = [piece["series"] for piece in pieces]
    names = list(model.tracers or ())
    tracer_series = {name: [p["tracer_series"][name] for p in pieces] for name in names}
    config = json.dumps({"scenario": scenario.document, "duration": scenario.duration})
    if scenario.fields:
        stacked = core.State(
            *(np.concatenate([getattr(f, k) for f in fields]) for k in ("h", "hu", "hv", "t"))
        )
        joined = None
        if tracer_fields:
            joined = jax.tree.map(lambda *a: np.concatenate(a), *tracer_fields)
        out = model.to_dataset(times, stacked, config, wall, steps_total, joined)
    else:
        initial = (model.state.h, model.state.hu, model.state.hv, model.state.t)
        first = core.State(*(np.asarray(a)[None] for a in initial))
        out = model.to_dataset(times[:1], first, config, wall, steps_total)
        out = out.drop_vars(["eta", "h", "u", "v", "time"])
    out = _with_stations(out, np.concatenate(series, axis=1), gauges, times, model)
    for name, parts in tracer_series.items():
        h = out["station_depth"].values.T
        content = np.concatenate(parts)
        values = np.where(h > model.physics["dry_depth"], content / np.where(h > 0, h, 1), np.nan)
        variable = tracer_inputs.OUTPUT_NAMES[name]
        out[f"station_{variable}"] = (("station", "time"), values.T.astype(h.dtype),
                                      cf.attrs(variable))  # fmt: skip
    for key in ("source", "references", "license", "acknowledgement", "attribution"):
        if key in domain.attrs:
            out.attrs[f"domain_{key}"] = domain.attrs[key]
    out.attrs["title"] = f"twinbench scenario {scenario.name!r}"
    out.attrs["scenario"] = json.dumps(scenario.document, default=str)
    return out


def _with_stations(out, series, gauges, times, model) -> xr.Dataset:
    h, hu, hv = series
    dtype = h.dtype
    wet = h > model.physics["dry_depth"]
    safe = np.where(wet, h, 1.0)
    # As the fields (io.outputs.history_dataset): η = h + z where wet, the bed level where dry.
    bed = -model.grid_inputs.depth[gauges["j"].to_numpy(int), gauges["i"].to_numpy(int)][:, None]
    h64 = h.T.astype(np.float64)
    eta = np.where(wet.T, h64 + bed, np.maximum(h64 + bed, bed)).T
    start = model.start
    t = start + np.round(times * 1e9).astype("timedelta64[ns]")
    names = gauges.index.to_numpy(str)
    station = xr.Dataset(
        {
            "station_eta": (("station", "time"), eta.T.astype(dtype), {
                "standard_name": "sea_surface_height_above_geoid", "units": "m",
                "long_name": "water level at the station"}),
            "station_depth": (("station", "time"), h.T.astype(dtype), {
                "standard_name": "sea_floor_depth_below_sea_surface", "units": "m"}),
            "station_u": (("station", "time"), np.where(wet, hu / safe, 0.0).T.astype(dtype), {
                "standard_name": "sea_water_x_velocity", "units": "m s-1"}),
            "station_v": (("station", "time"), np.where(wet, hv / safe, 0.0).T.astype(dtype), {
                "standard_name": "sea_water_y_velocity", "units": "m s-1"}),
        },
        coords={
            "time": ("time", t, {"standard_name": "time", "axis": "T"}),
            "station_name": ("station", names, {"cf_role": "timeseries_id",
                                                "long_name": "station name"}),
            "station_lon": ("station", gauges["lon"].to_numpy(float), {
                "standard_name": "longitude", "units": "degrees_east"}),
            "station_lat": ("station", gauges["lat"].to_numpy(float), {
                "standard_name": "latitude", "units": "degrees_north"}),
            "station_i": ("station", gauges["i"].to_numpy(int), {"long_name": "cell index in x"}),
            "station_j": ("station", gauges["j"].to_numpy(int), {"long_name": "cell index in y"}),
        },
    )  # fmt: skip
    merged = xr.merge([out, station], compat="override", combine_attrs="override")
    merged.attrs["featureType"] = "timeSeries"
    return merged


def write(ds: xr.Dataset, path: str | Path) -> Path:
    """Write a run as NetCDF (``.nc``) or zarr (``.zarr``), chosen by the suffix."""
    path = Path(path)
    if path.suffix == ".nc":
        ds.to_netcdf(path)
    elif path.suffix == ".zarr":
        ds.to_zarr(path, mode="w")
    else:
        raise InputError(f"output {str(path)!r} must end in .nc (NetCDF) or .zarr")
    return path


__all__ = ["DOMAINS", "model_for", "read_stations", "run", "write"]
