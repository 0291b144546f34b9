"""Storm forcing on a domain's grid: 10 m wind and sea-level pressure as a CF dataset.

:func:`storm_forcing` turns a storm spec (uniform wind and pressure, or a Holland vortex moving
along a track) into the ``forcing`` dataset of :func:`twinbench.simulate`. Winds are computed
east/north and turned to the grid's x/y axes by the local grid convergence, which is read from
the domain's 2-D ``lon``/``lat`` (the direction of the x axis in the east/north frame).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import InputError
from twinbench.storms.vortex import (
    EARTH_RADIUS,
    SURFACE_FACTOR,
    Track,
    coriolis,
    holland_pressure_wind,
    local_plane,
)

SEAWATER_DENSITY = 1025.0  # kg m⁻³, as the engine's momentum equations
GRAVITY = 9.81  # m s⁻²
AMBIENT_PRESSURE = 1013.25  # hPa, the standard atmosphere, default ambient/uniform pressure
AIR_DENSITY = 1.225  # kg m⁻³, as the engine's wind stress
#: Cap of the wind drag coefficient: Wu's (1982) C_d reaches it at 26.2 m s⁻¹; measured drag
#: levels off at 2–3 × 10⁻³ above 30–35 m s⁻¹ (Powell, Vickery & Reinhold 2003; Donelan et
#: al. 2004).
MAX_DRAG = 2.5e-3
SPEC_KEYS = {
    "uniform": {"kind", "wind_speed", "wind_direction", "pressure", "ramp"},
    "holland": {
        "kind", "track", "B", "ambient_pressure", "ramp", "inflow_angle", "surface_factor",
    },
}  # fmt: skip


def _number(spec: Mapping, key: str, default: Any = None, *, lo=None, hi=None) -> float:
    value = spec.get(key, default)
    if value is None:
        raise InputError(f"storm spec needs {key!r}")
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InputError(f"storm spec {key!r} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise InputError(f"storm spec {key!r} must be within [{lo}, {hi}], got {value!r}")
    return value


def parse_track(rows: Any) -> Track:
    """A :class:`Track` from ``[[time_iso, lon, lat, pc_hPa, rmax_km(, B)], ...]`` (or a Track).

    >>> parse_track([["2010-02-27T21:00", -5.0, 45.0, 968, 100],
    ...              ["2010-02-28T03:00", -1.5, 46.3, 968, 100]]).pc
    array([968., 968.])
    """
    if isinstance(rows, Track):
        return rows
    if not isinstance(rows, list | tuple) or len(rows) < 2:
        raise InputError(f"storm spec 'track' must list at least two points, got {rows!r}")
    widths = {len(row) if isinstance(row, list | tuple) else -1 for row in rows}
    if not widths <= {5, 6} or len(widths) != 1:
        raise InputError(
            "storm spec 'track' rows must all be [time_iso, lon, lat, pc_hPa, rmax_km] "
            f"(optionally + B), got {rows!r}"
        )
    times = []
    for row in rows:
        try:
            times.append(np.datetime64(pd.Timestamp(row[0]).tz_localize(None), "s"))
        except (TypeError, ValueError):
            raise InputError(f"storm spec 'track': {row[0]!r} is not a date and time") from None
    try:
        columns = np.asarray([row[1:] for row in rows], dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"storm spec 'track': lon, lat, pc, rmax must be numbers in {rows!r}"
        ) from None
    try:
        return Track(
            np.asarray(times, dtype="datetime64[s]"),
            *columns[:, :4].T,
            B=columns[:, 4] if columns.shape[1] == 5 else None,
        )
    except ValueError as err:
        raise InputError(f"storm spec 'track': {err}") from None


def parse_storm(spec: Any) -> dict:
    """Check a storm spec; return it with defaults filled and the track parsed."""
    if not isinstance(spec, Mapping):
        raise InputError(f"a storm spec must be a dict with a 'kind', got {spec!r}")
    kind = spec.get("kind")
    if kind not in SPEC_KEYS:
        raise InputError(f"storm spec 'kind' must be one of {sorted(SPEC_KEYS)}, got {kind!r}")
    unknown = set(spec) - SPEC_KEYS[kind]
    if unknown:
        raise InputError(f"unknown key(s) {sorted(unknown)} in a {kind} storm spec")
    out: dict[str, Any] = {"kind": kind, "ramp": _number(spec, "ramp", 0.0, lo=0.0)}
    if kind == "uniform":
        out["wind_speed"] = _number(spec, "wind_speed", lo=0.0, hi=100.0)
        out["wind_direction"] = _number(spec, "wind_direction", lo=-360.0, hi=360.0)
        out["pressure"] = _number(spec, "pressure", AMBIENT_PRESSURE, lo=850.0, hi=1100.0)
        return out
    if "track" not in spec:
        raise InputError("a holland storm spec needs a 'track'")
    out["track"] = parse_track(spec["track"])
    out["B"] = _number(spec, "B", 1.0, lo=0.5, hi=3.0)
    out["ambient_pressure"] = _number(
        spec, "ambient_pressure", AMBIENT_PRESSURE, lo=900.0, hi=1100.0
    )
    if np.any(out["track"].pc >= out["ambient_pressure"]):
        raise InputError(
            f"storm spec: central pressures {out['track'].pc} hPa must be below the "
            f"ambient_pressure {out['ambient_pressure']} hPa"
        )
    out["inflow_angle"] = (
        None if spec.get("inflow_angle") is None else _number(spec, "inflow_angle", lo=0, hi=60)
    )
    out["surface_factor"] = _number(spec, "surface_factor", SURFACE_FACTOR, lo=0.3, hi=1.0)
    return out


def grid_angle(domain: xr.Dataset) -> np.ndarray:
    """Angle (rad) of the grid's x axis from east, counter-clockwise, at each cell ``(y, x)``,
    from the 2-D ``lon``/``lat`` of the domain (0 where it has none: axes are east/north)."""
    if "lon" not in domain or "lat" not in domain:
        return np.zeros((domain.sizes["y"], domain.sizes["x"]))
    lon = np.deg2rad(domain["lon"].transpose("y", "x").values)
    lat = np.deg2rad(domain["lat"].transpose("y", "x").values)
    lon = np.unwrap(lon, axis=1) if lon.shape[1] > 1 else lon
    if lon.shape[1] > 1:
        east = EARTH_RADIUS * np.cos(lat) * np.gradient(lon, axis=1)
        north = EARTH_RADIUS * np.gradient(lat, axis=1)
        return np.arctan2(north, east)
    east = EARTH_RADIUS * np.cos(lat) * np.gradient(np.unwrap(lon, axis=0), axis=0)
    north = EARTH_RADIUS * np.gradient(lat, axis=0)
    return np.arctan2(north, east) - 0.5 * np.pi


def to_grid_axes(u_east: Any, v_north: Any, angle: Any) -> tuple[np.ndarray, np.ndarray]:
    """Vector components east/north → along the grid's x/y axes rotated by ``angle`` (rad).

    >>> [round(float(c), 6) for c in to_grid_axes(1.0, 0.0, np.pi / 2)]
    [0.0, -1.0]
    """
    cos, sin = np.cos(angle), np.sin(angle)
    return u_east * cos + v_north * sin, -u_east * sin + v_north * cos


def _ramp(times: np.ndarray, ramp: float) -> np.ndarray:
    return np.ones_like(times) if ramp <= 0 else np.clip(times / ramp, 0.0, 1.0)


def _uniform(spec: dict, times: np.ndarray, shape) -> tuple[np.ndarray, ...]:
    towards = np.deg2rad(spec["wind_direction"] + 180.0)  # meteorological: "from"
    weight = _ramp(times, spec["ramp"])[:, None, None]
    u = np.broadcast_to(weight * spec["wind_speed"] * np.sin(towards), (times.size, *shape))
    v = np.broadcast_to(weight * spec["wind_speed"] * np.cos(towards), (times.size, *shape))
    anomaly = 100.0 * (spec["pressure"] - AMBIENT_PRESSURE)
    p = np.broadcast_to(100.0 * AMBIENT_PRESSURE + weight * anomaly, (times.size, *shape))
    return u, v, p


def _holland(
    spec: dict, domain: xr.Dataset, times: np.ndarray, start: np.datetime64
) -> tuple[np.ndarray, ...]:
    if "lon" not in domain or "lat" not in domain:
        raise InputError("a holland storm needs a domain with 2-D 'lon' and 'lat' coordinates")
    lon = domain["lon"].transpose("y", "x").values
    lat = domain["lat"].transpose("y", "x").values
    try:
        state = spec["track"].at(start, times)
    except ValueError as err:
        raise InputError(f"storm spec 'track': {err}") from None
    pn = 100.0 * spec["ambient_pressure"]
    weight = _ramp(times, spec["ramp"])
    shape = (times.size, *lon.shape)
    u, v, p = np.empty(shape), np.empty(shape), np.empty(shape)
    for k in range(times.size):
        x, y = local_plane(lon, lat, state["lon"][k], state["lat"][k])
        B = state["B"][k] if "B" in state else spec["B"]
        p[k], u[k], v[k] = holland_pressure_wind(
            x,
            y,
            (0.0, 0.0),
            100.0 * state["pc"][k],
            pn,
            1000.0 * state["rmax"][k],
            B,
            float(coriolis(state["lat"][k])),
            tuple(state["velocity"][k]),
            inflow_angle=spec["inflow_angle"],
            surface_factor=spec["surface_factor"],
        )
        u[k], v[k] = weight[k] * u[k], weight[k] * v[k]
        p[k] = pn + weight[k] * (p[k] - pn)
    return u, v, p


def _times(times: Any) -> np.ndarray:
    try:
        t = np.atleast_1d(np.asarray(times, dtype=float))
    except (TypeError, ValueError):
        raise InputError(
            f"storm forcing times must be seconds from the start, got {times!r}"
        ) from None
    if t.ndim != 1 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0) or t[0] < 0:
        raise InputError("storm forcing times must be finite, ≥ 0 s and strictly increasing")
    return t


def storm_forcing(
    domain: xr.Dataset, times: Any, start: Any, spec: Mapping[str, Any]
) -> xr.Dataset:
    """CF forcing of a storm on a domain's grid, for ``twinbench.simulate(..., forcing=...)``.

    Parameters
    ----------
    domain
        A domain dataset with ``x``/``y`` cell centres (m) and, for a moving vortex, 2-D
        ``lon``/``lat`` (degrees); without them the grid axes are taken as east/north.
    times
        Forcing times in seconds from ``start`` (strictly increasing, ≥ 0).
    start
        UTC date and time of t = 0 (anything ``numpy.datetime64`` accepts).
    spec
        ``{"kind": "uniform", "wind_speed": m/s, "wind_direction": degrees (meteorological,
        where the wind comes from), "pressure": hPa}`` or ``{"kind": "holland", "track":
        [[time_iso, lon, lat, pc_hPa, rmax_km(, B)], ...], "B": 1.0, "ambient_pressure":
        hPa}``; both take ``"ramp"`` (s, a linear start-up of the wind and of the pressure
        anomaly from 0), the vortex also ``"inflow_angle"`` (degrees, constant instead of
        Phadke et al.'s) and ``"surface_factor"`` (10 m / gradient wind, default 0.8).

    Returns
    -------
    xarray.Dataset
        ``x_wind``, ``y_wind`` (m s⁻¹, 10 m, along the grid axes) and
        ``air_pressure_at_mean_sea_level`` (Pa) over ``(time, y, x)``, ``time`` in s from
        ``start``; ``attrs["storm"]`` holds the spec as JSON.

    Raises
    ------
    InputError
        For a bad spec (unknown kind or key, out-of-range value, a track that does not cover
        the times) or bad times.

    Examples
    --------
    >>> from twinbench.domains import tidal_basin
    >>> f = storm_forcing(tidal_basin(), [0.0, 3600.0], "2010-02-27T21:00",
    ...                   {"kind": "uniform", "wind_speed": 20.0, "wind_direction": 270.0})
    >>> round(float(f["x_wind"][1, 0, 0]), 6), round(float(f["y_wind"][1, 0, 0]), 6)
    (20.0, 0.0)
    """
    parsed = parse_storm(spec)
    t = _times(times)
    try:
        start64 = np.datetime64(pd.Timestamp(start).tz_localize(None), "s")
    except (TypeError, ValueError):
        raise InputError(f"storm forcing start must be a date and time, got {start!r}") from None
    shape = (domain.sizes["y"], domain.sizes["x"])
    if parsed["kind"] == "uniform":
        u, v, p = _uniform(parsed, t, shape)
    else:
        u, v, p = _holland(parsed, domain, t, start64)
    ux, uy = to_grid_axes(u, v, grid_angle(domain)[None])
    dims = ("time", "y", "x")
    coords = {
        "time": ("time", t, {"units": "s", "long_name": f"seconds since {start64} UTC"}),
        "x": domain["x"].variable.copy(),
        "y": domain["y"].variable.copy(),
    }
    for name in ("lon", "lat"):
        if name in domain.coords or name in domain:
            coords[name] = domain[name].variable.copy()
    data = {
        "x_wind": (dims, ux, cf.attrs("wind_x")),
        "y_wind": (dims, uy, cf.attrs("wind_y")),
        "air_pressure_at_sea_level": (dims, np.array(p), cf.attrs("pressure")),
    }
    record = {k: v for k, v in parsed.items() if k != "track"}
    if "track" in parsed:
        record["track"] = [
            [str(tt), lo, la, pc, rm]
            for tt, lo, la, pc, rm in zip(
                parsed["track"].times, *(getattr(parsed["track"], k).tolist()
                                         for k in ("lon", "lat", "pc", "rmax")), strict=True)
        ]  # fmt: skip
    attrs = {"title": f"{parsed['kind']} storm forcing", "start": str(start64)}
    attrs["storm"] = json.dumps(record)
    return xr.Dataset(data, coords=coords, attrs=attrs)


def inverse_barometer(forcing: xr.Dataset, side: str, reference: float = AMBIENT_PRESSURE):
    """Inverse-barometer sea level ``−(p − p_ref)/(ρ g)`` (m) along one side of the grid.

    ``side`` is ``west``/``east``/``south``/``north``; ``reference`` in hPa. Returns a DataArray
    over ``(time, y)`` or ``(time, x)``, fit for the ``mean`` of a ``tide`` boundary, so that
    the sea outside an open boundary feels the storm's low (≈ 1 cm per hPa).
    """
    edge = {"west": {"x": 0}, "east": {"x": -1}, "south": {"y": 0}, "north": {"y": -1}}
    if side not in edge:
        raise InputError(f"side must be one of {sorted(edge)}, got {side!r}")
    pressure = cf.find(forcing, "pressure")
    if pressure is None:
        raise InputError("the forcing has no air_pressure_at_mean_sea_level to invert")
    along = pressure.isel(edge[side])
    eta = -(along - 100.0 * reference) / (SEAWATER_DENSITY * GRAVITY)
    keep = [d for d in eta.dims if d in ("time", "x", "y")]
    return eta.drop_vars([c for c in eta.coords if c not in keep]).rename("inverse_barometer")


def surface_stress(
    forcing: xr.Dataset, max_drag: float | None = MAX_DRAG, air_density: float = AIR_DENSITY
) -> xr.Dataset:
    """The forcing with its 10 m wind turned into surface stress, with a capped drag.

    ``τ = ρ_a C_d |W| W`` with Wu's (1982) ``C_d = (0.8 + 0.065 |W|) 10⁻³`` capped at
    ``max_drag`` (default :data:`MAX_DRAG` = 2.5 × 10⁻³, reached at 26.2 m s⁻¹; ``None`` keeps
    Wu's law, which is what ``twinbench.simulate`` applies to winds). The cap follows the
    saturation of the drag in hurricane winds measured by Powell, Vickery & Reinhold (2003,
    Nature 422, 279–283) and in the laboratory by Donelan et al. (2004, GRL 31, L18306). Below
    26.2 m s⁻¹ the stress is Wu's. Pressure and coordinates are kept.

    Returns a dataset with ``surface_downward_x_stress``/``_y_stress`` (Pa, along the grid
    axes) instead of ``x_wind``/``y_wind``; ``attrs["drag"]`` records the law.

    Raises
    ------
    InputError
        When the forcing has no wind, or ``max_drag`` is not a positive number.
    """
    from twinbench.core.forcing import wind_stress

    if max_drag is not None and (
        isinstance(max_drag, bool)
        or not isinstance(max_drag, int | float | np.number)
        or not 0 < max_drag < 0.01
    ):
        raise InputError(f"max_drag must be a drag coefficient in (0, 0.01), got {max_drag!r}")
    wind_x, wind_y = cf.find(forcing, "wind_x"), cf.find(forcing, "wind_y")
    if wind_x is None or wind_y is None:
        raise InputError("the forcing has no x_wind and y_wind to turn into stress")
    sx, sy = wind_stress(
        np.asarray(wind_x.values, dtype=float),
        np.asarray(wind_y.values, dtype=float),
        air_density=air_density,
        max_drag=None if max_drag is None else float(max_drag),
    )
    out = forcing.drop_vars([wind_x.name, wind_y.name])
    out["surface_downward_x_stress"] = wind_x.copy(data=np.asarray(sx)).assign_attrs(
        cf.attrs("stress_x")
    )
    out["surface_downward_y_stress"] = wind_y.copy(data=np.asarray(sy)).assign_attrs(
        cf.attrs("stress_y")
    )
    cap = "uncapped" if max_drag is None else f"capped at {float(max_drag):g}"
    out.attrs["drag"] = f"Wu (1982) C_d = (0.8 + 0.065 |W|) 1e-3, {cap}"
    return out
