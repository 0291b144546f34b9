"""A what-if against its baseline: difference fields, station series and a table of indicators.

:func:`compare` takes two outputs of :func:`twinbench.scenarios.run` on the same grid and
output times and returns the differences (scenario − baseline) of water level, current speed
and the tracers, the station series' differences, and indicators: the highest water level and
the mean tidal range at each station, the salt front's reach, the current speed at points.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError, parse_seconds

#: Output variables compared field by field: name → (long name, units).
FIELDS = {
    "eta": ("water level", "m"),
    "speed": ("depth-averaged current speed", "m s-1"),
    "salinity": ("salinity", "1e-3"),
    "suspended_sediment": ("suspended sediment concentration", "kg m-3"),
}
COLUMNS = ["indicator", "place", "units", "baseline", "scenario", "change"]


@dataclasses.dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    differences : scenario − baseline: ``eta``, ``speed`` (and ``salinity``,
        ``suspended_sediment``, ``depth`` when present or changed) over ``(time, y, x)``, NaN
        where either run is dry; ``station_eta``, ``station_speed`` over ``(station, time)``.
    indicators : one row per indicator and place: ``indicator, place, units, baseline,
        scenario, change``.
    """

    differences: xr.Dataset
    indicators: pd.DataFrame


def _same_axes(baseline: xr.Dataset, scenario: xr.Dataset) -> None:
    for name in ("x", "y"):
        if (name in baseline.coords) != (name in scenario.coords):
            raise InputError(f"compare: only one of the runs has fields on a grid ({name!r})")
        if name in baseline.coords and (
            baseline[name].size != scenario[name].size
            or not np.allclose(baseline[name].values, scenario[name].values)
        ):
            raise InputError(
                f"compare: the runs are on different grids ({name}: {baseline[name].size} vs "
                f"{scenario[name].size} cells, or other positions)"
            )
    tb, ts = baseline["time"].values, scenario["time"].values
    if tb.shape != ts.shape or not np.array_equal(tb, ts):
        raise InputError(
            f"compare: the runs have different output times ({tb.size} from {tb[0]} vs "
            f"{ts.size} from {ts[0]}); run both over the same dates and output_every"
        )


def _speed(run: xr.Dataset, prefix: str = "") -> xr.DataArray:
    return np.hypot(run[f"{prefix}u"], run[f"{prefix}v"])


def _field_differences(baseline, scenario, wet_depth: float) -> dict[str, xr.DataArray]:
    if "eta" not in baseline or "eta" not in scenario:
        return {}
    wet = (baseline["h"] > wet_depth) & (scenario["h"] > wet_depth)
    out = {}
    for name, (long_name, units) in FIELDS.items():
        if name == "speed":
            b, s = _speed(baseline), _speed(scenario)
        elif name in baseline and name in scenario:
            b, s = baseline[name], scenario[name]
        else:
            continue
        attrs = {"long_name": f"change of {long_name} (scenario - baseline)", "units": units}
        out[name] = (s - b).where(wet).assign_attrs(attrs)
    if "depth" in baseline and "depth" in scenario:
        change = scenario["depth"] - baseline["depth"]
        if bool((change != 0).any()):
            attrs = {"long_name": "change of bed depth (scenario - baseline)", "units": "m"}
            out["depth"] = change.assign_attrs(attrs)
    return out


def _station_differences(baseline, scenario) -> dict[str, xr.DataArray]:
    if "station_eta" not in baseline or "station_eta" not in scenario:
        return {}
    names_b, names_s = list(baseline["station_name"].values), list(scenario["station_name"].values)
    if names_b != names_s:
        raise InputError(f"compare: the runs record different stations: {names_b} vs {names_s}")
    out = {
        "station_eta": scenario["station_eta"] - baseline["station_eta"],
        "station_speed": _speed(scenario, "station_") - _speed(baseline, "station_"),
    }
    for name in ("station_salinity", "station_suspended_sediment"):
        if name in baseline and name in scenario:
            out[name] = scenario[name] - baseline[name]
    for name, da in out.items():
        out[name] = da.assign_attrs(long_name=f"change of {name} (scenario - baseline)")
    return out


def tidal_range(series: np.ndarray, tolerance: float = 0.1) -> float:
    """Mean range (m) between successive high and low waters of a level series.

    Extremes are the turning points of the series, each refined by the parabola through it and
    its two neighbours (hourly output misses a peak by up to half an hour); a wiggle smaller
    than ``tolerance`` times the series' whole range is not a tide and is skipped. NaN with
    fewer than two extremes.
    """
    z = np.asarray(series, float)
    z = z[np.isfinite(z)]
    if z.size < 3:
        return float("nan")
    slope = np.sign(np.diff(z))
    turns = np.nonzero(slope[:-1] * slope[1:] < 0)[0] + 1
    kept: list[tuple[bool, float]] = []  # (is high water, level)
    for k in turns:
        a, b, c = z[k - 1], z[k], z[k + 1]
        curvature = a - 2 * b + c
        offset = 0.5 * (a - c) / curvature if curvature != 0 else 0.0
        high, level = bool(b > a), b - 0.25 * (a - c) * offset
        if kept and kept[-1][0] == high:  # two highs (or lows) in a row: keep the extreme one
            if (level > kept[-1][1]) == high:
                kept[-1] = (high, level)
        elif abs(level - (kept[-1][1] if kept else z[0])) > tolerance * np.ptp(z):
            kept.append((high, level))
    if len(kept) < 2:
        return float("nan")
    return float(np.mean(np.abs(np.diff([level for _, level in kept]))))


def _rows_for_stations(baseline, scenario) -> list[dict]:
    rows = []
    if "station_eta" not in baseline:
        return rows
    for k, name in enumerate(baseline["station_name"].values):
        b, s = baseline["station_eta"][k].values, scenario["station_eta"][k].values
        for indicator, f in (("max water level", np.nanmax), ("tidal range", tidal_range)):
            vb, vs = float(f(b)), float(f(s))
            rows.append(dict(zip(COLUMNS, (indicator, str(name), "m", vb, vs, vs - vb),
                                 strict=True)))  # fmt: skip
    return rows


def _salt_rows(baseline, scenario, threshold: float) -> list[dict]:
    if "salinity" not in baseline or "salinity" not in scenario:
        return []
    from twinbench.analysis.salinity import salt_intrusion

    rows = []
    reach = [salt_intrusion(run, threshold) for run in (baseline, scenario)]
    for indicator, f in (("salt intrusion, max", np.max), ("salt intrusion, mean", np.mean)):
        vb, vs = (float(f(r.values)) for r in reach)
        place = f"{threshold:g} isohaline from the mouth"
        rows.append(dict(zip(COLUMNS, (indicator, place, "km", vb, vs, vs - vb), strict=True)))
    return rows


def _domain_of(run: xr.Dataset) -> xr.Dataset:
    """The domain a scenario run was made on (rebuilt from its ``scenario`` attribute)."""
    if "scenario" not in run.attrs:
        raise InputError("compare: points in lon/lat need the domain (pass domain=...)")
    from twinbench.scenarios.runner import build_domain
    from twinbench.scenarios.scenario import load

    return build_domain(load(json.loads(run.attrs["scenario"])))


def _point_rows(baseline, scenario, points, domain) -> list[dict]:
    if not points:
        return []
    if "u" not in baseline or "u" not in scenario:
        raise InputError("compare: speeds at points need the runs' fields (fields: true)")
    from twinbench.domains import locate_stations

    domain = _domain_of(baseline) if domain is None else domain
    names = list(points)
    lon, lat = zip(*(points[n] for n in names), strict=True)
    try:
        cells = locate_stations(domain, names, list(lon), list(lat))
    except ValueError as err:
        raise InputError(f"compare: {err}") from None
    rows = []
    for name in names:
        i, j = int(cells.loc[name, "i"]), int(cells.loc[name, "j"])
        vb = _speed(baseline.isel(x=i, y=j)).values
        vs = _speed(scenario.isel(x=i, y=j)).values
        for indicator, f in (("max current speed", np.max), ("mean current speed", np.mean)):
            b, s = float(f(vb)), float(f(vs))
            rows.append(dict(zip(COLUMNS, (indicator, name, "m s-1", b, s, s - b), strict=True)))
    return rows


def compare(
    baseline: xr.Dataset,
    scenario: xr.Dataset,
    *,
    points: Mapping[str, tuple[float, float]] | None = None,
    domain: xr.Dataset | None = None,
    wet_depth: float = 0.01,
    salinity_threshold: float = 1.0,
    spin_up: Any = 0.0,
) -> Comparison:
    """Compare a scenario run with its baseline (both from :func:`twinbench.scenarios.run`).

    Parameters
    ----------
    baseline, scenario : runs on the same grid with the same output times.
    points : ``{"name": (lon, lat)}`` (WGS84) where to report the current speed, e.g. a
        bridge pier; located on the nearest wet cell of ``domain``.
    domain : the domain of the runs (default: rebuilt from the baseline's scenario).
    wet_depth : water depth (m) below which a cell counts as dry in the difference fields.
    salinity_threshold : the isohaline (g/kg) whose reach is the salt front.
    spin_up : indicators leave out the outputs of this first stretch of the runs (s or
        ``"12h"``; the differences keep every output).

    Returns
    -------
    Comparison
        ``differences`` (xarray.Dataset, scenario − baseline) and ``indicators``
        (pandas.DataFrame with columns ``indicator, place, units, baseline, scenario,
        change``).

    Raises
    ------
    InputError
        When the runs are on different grids, have different output times or stations.
    """
    _same_axes(baseline, scenario)
    data = _field_differences(baseline, scenario, wet_depth)
    data |= _station_differences(baseline, scenario)
    differences = xr.Dataset(data, attrs={
        "title": "scenario - baseline",
        "baseline": baseline.attrs.get("title", ""),
        "scenario": scenario.attrs.get("title", ""),
    })  # fmt: skip
    elapsed = (baseline["time"] - baseline["time"][0]).values
    if np.issubdtype(elapsed.dtype, np.timedelta64):
        elapsed = elapsed / np.timedelta64(1, "s")
    after = np.nonzero(elapsed >= parse_seconds(spin_up, "compare: spin_up"))[0]
    if after.size == 0:
        raise InputError(f"compare: spin_up {spin_up!r} leaves no output time")
    baseline, scenario = baseline.isel(time=after), scenario.isel(time=after)
    rows = _rows_for_stations(baseline, scenario)
    rows += _salt_rows(baseline, scenario, salinity_threshold)
    rows += _point_rows(baseline, scenario, points, domain)
    return Comparison(differences, pd.DataFrame(rows, columns=COLUMNS))
