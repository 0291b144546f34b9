"""The forecast: tide + river recession + forecast weather → a run of the coming days → alerts.

:func:`run_forecast` builds a scenario from the shipped Gironde baseline (its calibrated tidal
boundary, predicted by the engine for the real dates), the rivers' latest Hub'Eau daily means
carried forward by a recession (:mod:`.rivers`), the Open-Meteo wind and pressure at the mouth
(:mod:`.weather`) and a salinity tracer started from the salt profile expected for the current
discharge; it runs it on the coarse grid (or an ensemble over discharge and wind), evaluates
the alert rules of :mod:`twinbench.alerts` on the forecast window and adds the 3-month river
indicators (:mod:`.indicators`).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench import alerts, scenarios, tides
from twinbench.analysis.salinity import estuary_axis
from twinbench.data import hubeau, openmeteo
from twinbench.domains.gironde import polyline_distance
from twinbench.forecast import sources
from twinbench.forecast.indicators import river_indicators
from twinbench.forecast.rivers import recession_series, salinity_reach
from twinbench.io.inputs import InputError, parse_seconds, parse_start
from twinbench.scenarios.rivers import RiverChange
from twinbench.scenarios.runner import build_domain
from twinbench.scenarios.weather import WindScale, weather_from_dataset

__all__ = ["Forecast", "run_forecast"]

MAX_DAYS = openmeteo.MAX_DAYS - 1  # the weather must also cover the spin-up
SEA_SALINITY = 35.0  # g/kg
SALT_DIFFUSIVITY = 20.0  # m² s⁻¹, as the salt-intrusion runs of docs/gironde.md
#: Spread of the ensemble members: log-normal discharge factors, normal wind factors.
DISCHARGE_SPREAD, WIND_SPREAD = 0.25, 0.2
OUTPUT_EVERY = "30min"


@dataclasses.dataclass(frozen=True)
class Forecast:
    """A forecast's results.

    Attributes
    ----------
    run : the station series over the forecast window (``member`` dimension for an ensemble),
        the forcing used and the TICON tide prediction at the stations that have one.
    alerts : the alert table (:func:`twinbench.alerts.evaluate`).
    summary : daily figures by station (:func:`twinbench.alerts.summary`, central member).
    indicators : the 3-month river indicators (:func:`.indicators.river_indicators`).
    observations : the recent daily discharges (m³ s⁻¹) by river.
    rules : the alert rules evaluated.
    """

    run: xr.Dataset
    alerts: pd.DataFrame
    summary: pd.DataFrame
    indicators: pd.DataFrame
    observations: dict[str, xr.DataArray]
    rules: tuple[alerts.Rule, ...]

    def evaluate(self, rules: Any) -> pd.DataFrame:
        """The alert table of other ``rules`` over the same forecast."""
        return alerts.evaluate(rules, self.run)

    def write(self, folder: str | Path, fmt: str = "nc") -> list[Path]:
        """Write ``forecast.nc`` (or ``.zarr``), ``alerts.csv``, ``alerts.md``,
        ``indicators.csv``, ``summary.csv`` and ``forecast.png`` into ``folder``."""
        from twinbench.forecast.report import markdown, plot

        if fmt not in ("nc", "zarr"):
            raise InputError(f"format must be 'nc' or 'zarr', got {fmt!r}")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = [scenarios.write(self.run, folder / f"forecast.{fmt}")]
        for name, table in (("alerts", self.alerts), ("indicators", self.indicators),
                            ("summary", self.summary)):  # fmt: skip
            table.to_csv(folder / f"{name}.csv", index=name == "summary")
            written.append(folder / f"{name}.csv")
        (folder / "alerts.md").write_text(markdown(self))
        written.append(folder / "alerts.md")
        written.append(plot(self, folder / "forecast.png"))
        return written


def _days(days: Any) -> float:
    if isinstance(days, bool) or not isinstance(days, int | float) or not np.isfinite(days):
        raise InputError(f"days must be a number of days, got {days!r}")
    if not 0 < days <= MAX_DAYS:
        raise InputError(f"days must be > 0 and ≤ {MAX_DAYS} (the weather forecast's horizon), "
                         f"got {days!r}")  # fmt: skip
    return float(days)


def _start(start: Any, offline: bool) -> pd.Timestamp:
    if start is None:
        if offline:
            return pd.Timestamp(sources.sample_metadata()["forecast_start"])
        return pd.Timestamp.now("UTC").tz_localize(None).normalize()
    return pd.Timestamp(parse_start(start))


def _along_axis(domain: xr.Dataset) -> np.ndarray:
    """Distance (km) of every cell from the mouth along the estuary's axis (negative at sea)."""
    line, mouth = estuary_axis()
    X, Y = np.meshgrid(domain["x"].values, domain["y"].values)
    segment = np.hypot(*np.diff(line, axis=0).T)
    cumulative = np.concatenate([[0.0], np.cumsum(segment)])
    _, vertex = polyline_distance(X, Y, line)
    k = np.minimum(np.floor(vertex).astype(int), segment.size - 1)
    return (cumulative[k] + (vertex - k) * segment[k] - mouth) / 1e3


def _salinity(domain: xr.Dataset, discharge: float) -> dict[str, Any]:
    """The salinity tracer: 35 g/kg at sea, fresh rivers, a linear initial profile along the
    axis whose 1 g/kg point sits at the reach expected for ``discharge`` (m³ s⁻¹)."""
    reach = salinity_reach(discharge)
    length = reach / (1.0 - 1.0 / SEA_SALINITY)
    profile = SEA_SALINITY * np.clip(1.0 - _along_axis(domain) / length, 0.0, 1.0)
    initial = xr.DataArray(profile, coords={"y": domain["y"], "x": domain["x"]}, dims=("y", "x"))
    return {
        "salinity": {
            "initial": initial,
            "diffusivity": SALT_DIFFUSIVITY,
            "boundaries": {"west": SEA_SALINITY, "east": {"garonne": 0.0, "dordogne": 0.0}},
        }
    }, reach


def _members(n: int, seed: int) -> tuple[list[dict], dict[str, np.ndarray]]:
    """Member 0 is the central forecast; others draw discharge and wind factors."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 64:
        raise InputError(f"members must be a whole number from 1 to 64, got {n!r}")
    rng = np.random.default_rng(seed)
    factors = {
        "garonne_factor": np.exp(rng.normal(0.0, DISCHARGE_SPREAD, n)),
        "dordogne_factor": np.exp(rng.normal(0.0, DISCHARGE_SPREAD, n)),
        "wind_factor": np.maximum(rng.normal(1.0, WIND_SPREAD, n), 0.0),
    }
    for values in factors.values():
        values[0] = 1.0
    members = [
        {"what_if": [RiverChange("garonne", factor=float(factors["garonne_factor"][k])),
                     RiverChange("dordogne", factor=float(factors["dordogne_factor"][k])),
                     WindScale(factor=float(factors["wind_factor"][k]))]}
        for k in range(n)
    ]  # fmt: skip
    return members, factors


def _tide_prediction(run: xr.Dataset) -> xr.DataArray:
    """TICON-4 astronomical tide (m about mean sea level) at the stations that have constants."""
    times = run["time"].values
    rows = []
    for name in run["station_name"].values.tolist():
        try:
            constants = tides.ticon(name)
        except ValueError:
            rows.append(np.full(times.size, np.nan))
            continue
        rows.append(np.asarray(tides.predict(constants, times, mean=0.0).values, float))
    return xr.DataArray(
        np.array(rows), dims=("station", "time"),
        attrs={"standard_name": "sea_surface_height_amplitude_due_to_geocentric_ocean_tide",
               "units": "m", "long_name": "TICON-4 harmonic tide prediction (NaN: no constants)",
               "source": "TICON-4 (CC-BY-4.0, Hart-Davis et al., DGFI-TUM)"},
    )  # fmt: skip


def _inputs(run: xr.Dataset, rivers: dict[str, xr.DataArray], weather: xr.Dataset) -> dict:
    """The forcing at the output times, as variables of the forecast dataset."""
    times = run["time"].values
    out = {}
    names = list(rivers)
    q = np.stack([rivers[r].interp(time=times).values for r in names])
    out["river_discharge"] = xr.DataArray(
        q, dims=("river", "time"), coords={"river": names},
        attrs={"standard_name": "water_volume_transport_in_river_channel", "units": "m3 s-1",
               "long_name": "river discharge imposed (central member): observed, then recession",
               "recession": json.dumps({r: rivers[r].attrs["recession"] for r in names})},
    )  # fmt: skip
    for name in ("eastward_wind", "northward_wind", "air_pressure_at_mean_sea_level"):
        da = weather[name].interp(time=times)
        out[name] = xr.DataArray(da.values, dims="time", attrs=dict(weather[name].attrs))
    return out


def run_forecast(
    start: Any = None,
    days: float = 10.0,
    *,
    members: int = 1,
    offline: bool = False,
    spinup: Any = "1D",
    salinity: bool = True,
    rules: Any = None,
    seed: int = 0,
    progress: bool = False,
    hubeau_url: str = hubeau.HUBEAU_URL,
    openmeteo_url: str = openmeteo.OPENMETEO_URL,
) -> Forecast:
    """Forecast the Gironde for the coming ``days``; see the module doc and docs/forecast.md.

    Parameters
    ----------
    start : date-like, optional
        Start of the forecast window (UTC). Default: today 00:00 UTC, or offline the samples'
        forecast start.
    days : float
        Length of the forecast window (days, > 0, ≤ 15).
    members : int
        1: one run; more: an ensemble (``jax.vmap``) whose member 0 is the central forecast
        and the others multiply each river's discharge by a log-normal factor (σ = 0.25) and
        the wind by a normal factor (1 ± 0.2), drawn with ``seed``.
    offline : bool
        Use the shipped samples instead of the services (synthetic values, real formats).
    spinup : seconds or a duration string
        Run time before ``start`` (default ``"1D"``) so that the tide and salt settle.
    salinity : bool
        Carry salinity (the intake alerts need it; about twice the run time).
    rules : optional
        Alert rules (anything :func:`twinbench.alerts.load_rules` takes). Default: the shipped
        Gironde rules the run can evaluate.
    progress : bool
        Print the simulated time as it goes.
    hubeau_url, openmeteo_url : str
        The services' endpoints (test servers in the tests).

    Raises
    ------
    InputError
        For bad arguments, or offline dates outside the samples.
    DataError
        When a service fails (after its retries) and nothing usable is cached.
    """
    from twinbench.ensemble import Ensemble, run_ensemble

    days = _days(days)
    start = _start(start, offline)
    spin = parse_seconds(spinup, "spinup")
    if spin < 0:
        raise InputError(f"spinup must be ≥ 0, got {spinup!r}")
    run_start = start - pd.Timedelta(seconds=spin)
    end = start + pd.Timedelta(days=days)
    central, factors = _members(members, seed)

    observed = sources.river_observations(start, offline=offline, base_url=hubeau_url)
    codes = {r: observed[r].attrs["station_code"] for r in observed}
    records = sources.river_records(start, codes, offline=offline, base_url=hubeau_url)
    weather = sources.weather(run_start, (end - run_start) / pd.Timedelta(days=1),
                              offline=offline, base_url=openmeteo_url)  # fmt: skip

    daily = pd.date_range(run_start.floor("D"), end.ceil("D"), freq="6h").values
    rivers = {r: recession_series(observed[r], daily) for r in observed}
    doc = copy.deepcopy(scenarios.load("gironde").document)
    doc.update(
        name="forecast",
        description=f"Gironde forecast from {start} for {days:g} days",
        start=str(run_start),
        duration=float((end - run_start) / pd.Timedelta(seconds=1)),
        output_every=OUTPUT_EVERY,
        fields=False,
        rivers={r: {"time": [str(t) for t in rivers[r]["time"].values.astype("datetime64[s]")],
                    "discharge": [round(float(q), 3) for q in rivers[r].values]}
                for r in rivers},
        what_if=[weather_from_dataset(weather).to_dict()],
    )  # fmt: skip
    reach = None
    if salinity:
        domain = build_domain(scenarios.load(doc))
        now = float(sum(rivers[r].interp(time=np.datetime64(run_start, "ns")) for r in rivers))
        doc["tracers"], reach = _salinity(domain, now)
    ensemble = Ensemble(doc, central)
    result = run_ensemble(ensemble, backend="vmap")
    run = result.sel(time=result["time"] >= np.datetime64(start, "ns"))
    run = run.assign_coords({k: ("member", v) for k, v in factors.items()})
    if members == 1:
        run = run.isel(member=0, drop=True)
    run = run.assign(_inputs(run, rivers, weather))
    run["station_tide_prediction"] = _tide_prediction(run)
    run.attrs.update(_attributes(start, days, spin, members, offline, reach, observed, weather))
    if rules is None:
        names = [str(s) for s in run["station_name"].values]
        rules = [r for r in alerts.load_rules() if r.station in names and r.variable in run]
    rules = alerts.load_rules(rules)
    table = alerts.evaluate(rules, run)
    one = run.isel(member=0) if "member" in run.dims else run
    summary = alerts.summary(one, horizon=f"{days}D", rules=rules)
    indicators = river_indicators(observed, records)
    return Forecast(run, table, summary, indicators, observed, rules)


def _attributes(start, days, spin, members, offline, reach, observed, weather) -> dict:
    hub = "; ".join(f"{r}: {o.attrs['station_name']} ({o.attrs['station_code']}), last daily "
                    f"mean {o.attrs['last_observation']}, gaps: {o.attrs['gaps'] or 'none'}"
                    for r, o in observed.items())  # fmt: skip
    attrs = {
        "title": f"twinbench Gironde forecast from {start} for {days:g} days",
        "Conventions": "CF-1.10",
        "featureType": "timeSeries",
        "forecast_start": str(start),
        "forecast_days": days,
        "spinup_s": spin,
        "members": members,
        "method": "tide: the calibrated boundary of the shipped Gironde scenario, predicted for "
        "the real dates; rivers: latest Hub'Eau daily means then an exponential recession to the "
        "recent base flow; weather: Open-Meteo wind and pressure at the mouth, uniform, with "
        "the inverse barometer at the open boundary (docs/forecast.md)",
        "rivers": hub,
        "weather_source": weather.attrs["source"],
        "attribution": f"{hubeau.ATTRIBUTION}; {openmeteo.ATTRIBUTION}; tidal constants TICON-4 "
        "(CC-BY-4.0, Hart-Davis et al., DGFI-TUM); coastline © IGN-Shom (Histolitt)",
        "data_mode": "offline samples: synthetic values in the services' real formats"
        if offline
        else "live services",
    }
    if reach is not None:
        attrs["initial_salinity"] = (
            f"linear along the axis, {SEA_SALINITY:g} g/kg at the mouth, 1 g/kg at {reach:.1f} km "
            "(the equilibrium reach for the discharge at the run's start)"
        )
    return attrs
