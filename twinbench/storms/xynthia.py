"""Storm Xynthia (27–28 February 2010) on the Bay of Biscay with the tide: modelled vs observed
skew surges (surges at high water).

Facts (``shared/GIRONDE_FACTS.md``, "Storm Xynthia"): minimum pressure ≈ 967–969 hPa; centre
near 45°N 5°W at 21 UTC on 27 Feb, moving NE at ≈ 50–60 km/h, landfall on the
Vendée/Charente coast early on 28 Feb; observed surges (SHOM) La Rochelle-La Pallice 1.53 m,
Pointe de Grave 0.98 m, Arcachon 0.90 m, Saint-Nazaire 1.16 m, Brest 0.53 m.

The track (:data:`XYNTHIA_TRACK`) is derived from those facts alone: the 21 UTC position, a
speed of 55 km/h (the middle of 50–60) on a bearing of 60° (north-east, the bearing that takes
the centre from 45°N 5°W to the Vendée/Charente coast near 46.4°N 1.5°W), and a central pressure
of 968 hPa (the middle of 967–969) held along it. Every point is marked "derived".

The tide at the open boundaries (:func:`boundary_tide`) is a TICON-4 first guess (Santander to
Brest) calibrated to the coastal M2/S2; the surge is the skew surge of a tide+storm run against
a tide-only run (:func:`skew_surge`); the wind drag is capped
(:func:`twinbench.storms.surface_stress`). Numbers in ``docs/storms.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io import cf
from twinbench.io.inputs import InputError
from twinbench.storms.forcing import (
    AMBIENT_PRESSURE,
    MAX_DRAG,
    inverse_barometer,
    storm_forcing,
    surface_stress,
)
from twinbench.storms.vortex import EARTH_RADIUS

#: Observed peak surges (m), SHOM, via the facts sheet.
OBSERVED_SURGE = {
    "La Rochelle-La Pallice": 1.53,
    "Pointe de Grave": 0.98,
    "Arcachon": 0.90,
    "Saint-Nazaire": 1.16,
    "Brest": 0.53,
}
ANCHOR = ("2010-02-27T21:00", -5.0, 45.0)  # facts: centre near 45°N 5°W at 21 UTC on 27 Feb
SPEED_KMH = 55.0  # facts: 50–60 km/h
BEARING_DEG = 60.0  # NE, from 45°N 5°W to the Vendée/Charente coast (≈ 46.4°N 1.5°W)
CENTRAL_PRESSURE = 968.0  # hPa, facts: 967–969
#: Calibrated within the facts' ranges (Rmax 80–150 km, B 1.0–1.3); see docs/storms.md.
RMAX_KM = 120.0
HOLLAND_B = 1.0
START = "2010-02-27T12:00"
DURATION = 24 * 3600.0  # s: to 12 UTC on 28 Feb, past landfall and the peaks on the coast
#: Start of the runs with the tide: 6 h of tide-only spin-up before the storm's forcing starts
#: (at :data:`START`, with its ramp), 21 h before the high water of 28 Feb (≈ 03:30 UTC).
TIDE_START = "2010-02-27T06:00"
M2_PERIOD_S = 44714.2  # s
RAMP = 3 * 3600.0  # s, start-up of the storm forcing from a sea at rest
PHYSICS = {"friction": {"law": "manning", "coefficient": 0.025}}

#: TICON-4 gauges whose constants give the first guess of the boundary tide: Santander at the
#: south end of the west side, Brest at its north end and along the north side (Iroise Sea).
TIDE_ANCHORS = ("santander-sant-esp-ieo", "brest-3-fra-refmar")
#: Boundary constituents: the four main semidiurnal and the two main diurnal ones.
TIDE_CONSTITUENTS = ("M2", "S2", "N2", "K2", "K1", "O1")
#: Calibration of the boundary tide: the first guess's complex constants are multiplied by
#: ``c(φ) = a e^{-iα} + b e^{-iβ} (φ − 46°)/2.5°`` (φ the latitude along the side), given as
#: ``(a, α, b, β)`` (α, β in degrees: a lag added); fitted by least squares on 2-day tide-only
#: runs of the coarse grid against the TICON-4 M2 and S2 of the five gauges (docs/storms.md,
#: "Tide"). N2 takes M2's, K2 S2's; the diurnal ones are left as guessed.
TIDE_CALIBRATION = {"M2": (0.8895, -11.56, 0.9146, 70.00), "S2": (0.8542, -11.77, 0.9948, 75.64)}
TIDE_PIVOT_LAT, TIDE_SLOPE_SPAN = 46.0, 2.5  # degrees north
_CALIBRATION_OF = {"M2": "M2", "N2": "M2", "S2": "S2", "K2": "S2"}


def _track_rows(rmax_km: float) -> list[list]:
    """Track points every 3 h, 27 Feb 12 UTC to 28 Feb 15 UTC, at constant speed and bearing."""
    t0 = np.datetime64(ANCHOR[0], "s")
    rows = []
    for hours in range(-9, 19, 3):
        distance = SPEED_KMH * 1000.0 * hours  # m along the track
        lat = ANCHOR[2] + np.rad2deg(distance * np.cos(np.deg2rad(BEARING_DEG)) / EARTH_RADIUS)
        mean_lat = np.deg2rad(0.5 * (lat + ANCHOR[2]))
        lon = ANCHOR[1] + np.rad2deg(
            distance * np.sin(np.deg2rad(BEARING_DEG)) / (EARTH_RADIUS * np.cos(mean_lat))
        )
        when = str(t0 + np.timedelta64(hours * 3600, "s"))
        rows.append([when, round(float(lon), 3), round(float(lat), 3), CENTRAL_PRESSURE, rmax_km])
    return rows


#: ``[time UTC, lon, lat, pc hPa, rmax km]``, each point derived from the facts sheet.
XYNTHIA_TRACK = _track_rows(RMAX_KM)


def xynthia_spec(rmax_km: float = RMAX_KM, B: float = HOLLAND_B) -> dict:
    """The Holland storm spec of Xynthia for :func:`storm_forcing`."""
    return {
        "kind": "holland",
        "track": _track_rows(rmax_km),
        "B": B,
        "ambient_pressure": AMBIENT_PRESSURE,
        "ramp": RAMP,
    }


def _side_latitudes(domain: xr.Dataset, side: str) -> xr.DataArray:
    edge = {"west": {"x": 0}, "east": {"x": -1}, "south": {"y": 0}, "north": {"y": -1}}[side]
    lat = domain["lat"].transpose("y", "x").isel(edge)
    return lat.drop_vars([c for c in lat.coords if c not in lat.dims])


def boundary_tide(
    domain: xr.Dataset,
    side: str,
    calibration: dict | None = None,
    constituents: tuple[str, ...] = TIDE_CONSTITUENTS,
) -> dict:
    """Tidal constituents along one open side of the Biscay domain, for a ``tide`` boundary.

    First guess: the complex constants ``A e^{-iG}`` of the TICON-4 gauges
    :data:`TIDE_ANCHORS` interpolated linearly in latitude between Santander (43.46°N) and
    Brest (48.38°N), held beyond them; then each semidiurnal constituent is multiplied by the
    complex factor of ``calibration`` (default :data:`TIDE_CALIBRATION`; ``{}`` keeps the first
    guess), which may vary linearly with latitude.

    Returns ``{name: {"amplitude": DataArray (m), "phase": DataArray (degrees)}}`` over the
    side's axis (``y`` for west/east, ``x`` for north/south).
    """
    from twinbench.tides import ticon

    calibration = TIDE_CALIBRATION if calibration is None else calibration
    lat = _side_latitudes(domain, side)
    anchors = [ticon(station) for station in TIDE_ANCHORS]
    lats = np.array([a.attrs["latitude"] for a in anchors])
    out = {}
    for name in constituents:
        z = np.array([
            float(a.amplitude.sel(constituent=name))
            * np.exp(-1j * np.deg2rad(float(a.phase.sel(constituent=name))))
            for a in anchors
        ])  # fmt: skip
        along = np.interp(lat.values, lats, z.real) + 1j * np.interp(lat.values, lats, z.imag)
        a, alpha, b, beta = calibration.get(_CALIBRATION_OF.get(name, ""), (1.0, 0.0, 0.0, 0.0))
        weight = (lat.values - TIDE_PIVOT_LAT) / TIDE_SLOPE_SPAN
        along = along * (
            a * np.exp(-1j * np.deg2rad(alpha)) + b * np.exp(-1j * np.deg2rad(beta)) * weight
        )
        amplitude = np.abs(along)
        phase = np.mod(-np.rad2deg(np.angle(along)), 360.0)
        out[name] = {
            "amplitude": lat.copy(data=amplitude).assign_attrs(units="m"),
            "phase": lat.copy(data=phase).assign_attrs(units="degrees"),
        }
    return out


def _boundaries(domain: xr.Dataset, forcing: xr.Dataset | None, tide: dict | None = None) -> dict:
    """A radiating sea on each open side: the tide (``tide``: ``{side: constituents}``, or
    none) on the inverse-barometer level of the storm (or mean sea level without one)."""
    sides = domain.attrs["open_boundaries"].split()
    out = {}
    for side in sides:
        spec = {"type": "tide", "constituents": (tide or {}).get(side, {})}
        if forcing is not None:
            spec["mean"] = inverse_barometer(forcing, side)
        out[side] = spec
    return out


def _with_calm_lead(forcing: xr.Dataset, lead: float, start: str = TIDE_START) -> xr.Dataset:
    """The forcing shifted ``lead`` s later, calm (its first record) from 0 (``start``) to
    ``lead``."""
    shifted = forcing.assign_coords(time=forcing["time"] + lead)
    calm = forcing.isel(time=[0]).assign_coords(time=[0.0])
    out = xr.concat([calm, shifted], dim="time", combine_attrs="override")
    out["time"].attrs = {"units": "s", "long_name": f"seconds since {start} UTC"}
    return out


def _calm(storm: xr.Dataset) -> xr.Dataset:
    """The storm's forcing made calm (no stress, the ambient pressure): the same structure, so
    the tide-only run reuses the compiled step of the storm run."""
    calm = xr.zeros_like(storm).assign(
        air_pressure_at_sea_level=xr.full_like(
            storm["air_pressure_at_sea_level"], 100.0 * AMBIENT_PRESSURE
        )
    )
    calm.attrs = storm.attrs
    return calm


def skew_surge(
    total: xr.DataArray, tide: xr.DataArray, after: str | np.datetime64
) -> tuple[float, np.datetime64, float]:
    """Skew surge (m) at one gauge: the highest level of the tide-plus-storm run in the tidal
    cycle of the storm's high water minus the tide-only high water of that cycle.

    The storm's high water is the highest total level after ``after``; its cycle is the
    tide-only run's high water nearest to it ± half an M2 period (6.21 h). Returns the skew
    surge, the time of the tide-only high water and the highest total level (m).
    """
    half = np.timedelta64(int(0.5 * M2_PERIOD_S), "s")
    late = total.sel(time=slice(np.datetime64(after), None))
    t_peak = late["time"].values[int(np.argmax(late.values))]
    near = tide.sel(time=slice(t_peak - half, t_peak + half))
    t_hw = near["time"].values[int(np.argmax(near.values))]
    cycle = total.sel(time=slice(t_hw - half, t_hw + half))
    highest = float(cycle.max())
    return highest - float(tide.sel(time=t_hw)), t_hw, highest


def xynthia(
    resolution: float | str = "coarse",
    *,
    rmax_km: float = RMAX_KM,
    B: float = HOLLAND_B,
    tide: bool = True,
    max_drag: float | None = MAX_DRAG,
    output_every: float = 900.0,
    dtype: str = "float64",
) -> tuple[xr.Dataset, pd.DataFrame]:
    """Run Xynthia's surge on :func:`twinbench.domains.biscay`; compare with SHOM's surges.

    With ``tide`` (the default) two runs from :data:`TIDE_START` to 28 Feb 12 UTC share the
    boundary tide of :func:`boundary_tide` (the real dates, nodal corrections): tide only, and
    tide plus storm (wind stress, the pressure gradient, the storm's inverse barometer on the
    boundary). The modelled surge at a gauge is the **skew surge** (:func:`skew_surge`), what
    SHOM's numbers are; the residual (tide+storm minus tide) and its peak are reported too.
    Without ``tide`` the sea starts at rest at :data:`START` and the surge is the storm run's
    level (the scheme is well-balanced), its peak being the modelled surge.

    Parameters
    ----------
    resolution
        Of the Biscay domain (``"coarse"`` 10 km, ``"default"`` 5 km, or metres).
    rmax_km, B
        Holland radius of maximum winds (km) and shape parameter.
    tide
        Run with the tide (two runs) or storm only (one run).
    max_drag
        Cap of the wind drag coefficient (:func:`twinbench.storms.surface_stress`; default
        2.5 × 10⁻³); ``None``: Wu's (1982) law uncapped.
    output_every
        Output interval (s) of the histories, from which the peaks are taken.
    dtype
        ``"float64"`` or ``"float32"``.

    Returns
    -------
    dataset
        The tide+storm run's CF history (``time`` as dates) with ``surge`` (the residual, m,
        ``time, y, x``), ``max_surge`` (m, ``y, x``), ``station_surge`` (residual) and, with
        the tide, ``station_level`` and ``station_tide`` (m above MSL), over ``station, time``.
    table
        Indexed by station: ``observed_m``; ``modelled_m`` (the skew surge with the tide, the
        peak surge without); ``ratio`` (modelled/observed); ``peak_residual_m`` and
        ``peak_time`` (UTC) of the residual; with the tide ``high_water_time`` (UTC, the
        tide-only high water of the skew surge's cycle) and ``high_water_m`` (the highest
        total level, m above MSL); ``distance_m`` and ``depth_m`` of the gauge's cell.

    Examples
    --------
    >>> ds, table = xynthia("coarse")  # doctest: +SKIP
    >>> table.loc["La Rochelle-La Pallice", "modelled_m"]  # doctest: +SKIP
    """
    from twinbench.api import simulate
    from twinbench.domains.biscay import biscay, biscay_stations

    domain = biscay(resolution)
    stations = biscay_stations(domain)
    times = np.arange(0.0, DURATION + 1.0, 1800.0)
    forcing = storm_forcing(domain, times, START, xynthia_spec(rmax_km, B))
    start, duration = START, DURATION
    if tide:
        lead = float((np.datetime64(START) - np.datetime64(TIDE_START)) / np.timedelta64(1, "s"))
        forcing = _with_calm_lead(forcing, lead)
        start, duration = TIDE_START, DURATION + lead
    storm = forcing if max_drag is None else surface_stress(forcing, max_drag)
    sides = domain.attrs["open_boundaries"].split()
    constituents = {side: boundary_tide(domain, side) for side in sides} if tide else None
    physics = {**PHYSICS, "coriolis": 2 * 7.2921e-5 * np.sin(np.deg2rad(46.0))}
    common = {"output_every": output_every, "physics": physics, "dtype": dtype, "start": start}
    run = simulate(
        domain, duration, boundaries=_boundaries(domain, forcing, constituents), forcing=storm,
        **common,
    )  # fmt: skip
    wet = domain["depth"] > 0
    level = cf.find(run, "eta").where(wet)
    astronomical = None
    if tide:
        calm = _calm(storm)
        tide_run = simulate(domain, duration, boundaries=_boundaries(domain, calm, constituents),
                            forcing=calm, **common)  # fmt: skip
        astronomical = cf.find(tide_run, "eta").where(wet)
    surge = (level if astronomical is None else level - astronomical).rename("surge")
    surge.attrs = {"units": "m", "long_name": "storm surge residual (tide+storm minus tide)"}

    def at_stations(field: xr.DataArray) -> xr.DataArray:
        return xr.concat(
            [field.isel(x=int(r.i), y=int(r.j), drop=True) for r in stations.itertuples()],
            dim=pd.Index(list(stations.index), name="station"),
        )

    station_surge = at_stations(surge)
    after_ramp = np.datetime64(START) + np.timedelta64(int(RAMP), "s")
    late = station_surge.sel(time=slice(after_ramp, None))
    table = pd.DataFrame(
        {
            "observed_m": [OBSERVED_SURGE[name] for name in stations.index],
            "peak_residual_m": late.max("time").values,
            "peak_time": late["time"].values[late.argmax("time").values],
            "distance_m": stations["distance_m"].values,
            "depth_m": stations["depth_m"].values,
        },
        index=pd.Index(stations.index, name="station"),
    )
    extra = {}
    if tide:
        station_level, station_tide = at_stations(level), at_stations(astronomical)
        rows = [
            skew_surge(station_level.sel(station=name), station_tide.sel(station=name), after_ramp)
            for name in stations.index
        ]
        table.insert(1, "modelled_m", [r[0] for r in rows])
        table["high_water_time"] = [r[1] for r in rows]
        table["high_water_m"] = [r[2] for r in rows]
        extra = {
            "station_level": station_level.assign_attrs(units="m", long_name="tide+storm level"),
            "station_tide": station_tide.assign_attrs(units="m", long_name="tide-only level"),
        }
    else:
        table.insert(1, "modelled_m", table["peak_residual_m"].values)
    table.insert(2, "ratio", table["modelled_m"] / table["observed_m"])
    ds = run.assign(
        surge=surge,
        max_surge=surge.sel(time=slice(after_ramp, None)).max("time").assign_attrs(
            units="m", long_name="peak storm surge residual"),
        station_surge=station_surge.assign_attrs(units="m", long_name="surge residual at gauges"),
        **extra,
    )  # fmt: skip
    ds.attrs["storm"] = forcing.attrs["storm"]
    ds.attrs["drag"] = storm.attrs.get("drag", "Wu (1982), uncapped (the engine's law)")
    ds.attrs["tide"] = "boundary_tide (TICON-4 first guess, calibrated)" if tide else "none"
    return ds, table


#: The Gironde domain's gauges for the nested run, with the observed surge where the facts
#: sheet has one (the Pointe de Grave surge is SHOM's Port-Bloc gauge).
GIRONDE_GAUGES = {
    "Port-Bloc": 0.98, "Royan": None, "Pauillac": None, "Bordeaux": None, "Arcachon": 0.90,
}  # fmt: skip
#: Manning n of the Arcachon lagoon's friction zone, fitted with its channel depths on the
#: 1500 m grid to Arcachon-Eyrac's M2 (TICON-4); docs/storms.md.
LAGOON_MANNING = 0.02


def _as_dates(series: xr.DataArray, start: np.datetime64) -> xr.DataArray:
    """``time`` in seconds from ``start`` → UTC dates."""
    t0 = np.datetime64(start, "s")
    dates = t0 + (series["time"].values * 1000).astype("timedelta64[ms]")
    return series.assign_coords(time=dates.astype("datetime64[ns]"))


def xynthia_gironde(
    resolution: float | str = "coarse",
    *,
    parent: xr.Dataset | None = None,
    parent_resolution: float | str = "coarse",
    lagoon: bool = True,
    spin_up: float = 0.0,
    output_every: float = 900.0,
    dtype: str = "float32",
) -> tuple[xr.Dataset, pd.DataFrame]:
    """Xynthia in the Gironde twin, nested in the Bay of Biscay run (one-way).

    The parent (:func:`xynthia` on :func:`twinbench.domains.biscay`, run here unless given)
    makes the shelf's surge; its residual is carried along the Gironde domain's open (west)
    side on top of the twin's own calibrated tide (``scenarios/gironde.yaml``: boundary tide,
    friction, rivers; on the 500 m grid ``gironde-study.yaml``, its rivers refitted there),
    and the same storm (track, Holland profile, capped drag, calm until
    the parent's storm starts) blows over the Gironde grid. Two runs from
    :data:`TIDE_START` to 28 Feb 12 UTC: tide only, and tide + storm + the parent's surge;
    the surge at a gauge is the skew surge (:func:`skew_surge`), as SHOM's.

    Parameters
    ----------
    resolution
        Of the Gironde domain (``"coarse"`` 1.5 km, ``"default"`` 500 m, or metres).
    parent
        The parent run's dataset (with ``surge``, UTC ``time``, 2-D ``lon``/``lat``), e.g. the
        first result of :func:`xynthia`; ``None`` runs it at ``parent_resolution``.
    lagoon
        Open the Arcachon lagoon (``gironde(..., lagoon=True)``, Manning n
        :data:`LAGOON_MANNING` there) and report its Eyrac gauge (``Arcachon``).
    spin_up
        Seconds of tide before :data:`TIDE_START` (the parent's start; its sea is at rest and
        calm until then): a longer spin-up of the twin's tide (docs/storms.md: 1 day more
        moves Bordeaux's skew surge by 3 cm, the other gauges' by < 1 mm).
    output_every
        Output interval (s) of both runs.
    dtype
        ``"float32"`` or ``"float64"``.

    Returns
    -------
    dataset
        ``station_level`` and ``station_tide`` (m above MSL) and ``station_surge`` (the
        residual) over ``(station, time)``, and ``boundary_surge`` (the parent's residual
        along the west side, ``time, y``).
    table
        Indexed by station: ``observed_m`` (NaN where the facts sheet has none),
        ``modelled_m`` (skew surge), ``ratio``, ``peak_residual_m``, ``peak_time``,
        ``high_water_time``, ``high_water_m``, and ``parent_m`` (the parent's skew surge at
        its own Pointe de Grave cell, for Port-Bloc).
    """
    from twinbench import scenarios
    from twinbench.api import simulate
    from twinbench.scenarios import runner
    from twinbench.scenarios.sea import apply_surge
    from twinbench.scenarios.whatif_core import RunSetup
    from twinbench.storms.nesting import surge_along

    parent_table = None
    if parent is None:
        parent, parent_table = xynthia(parent_resolution, output_every=output_every, dtype=dtype)
    if "surge" not in parent:
        raise InputError("parent: the dataset has no 'surge' (the residual of a tide+storm run)")
    if not np.isfinite(spin_up) or spin_up < 0:
        raise InputError(f"spin_up must be ≥ 0 s, got {spin_up!r}")
    start = np.datetime64(TIDE_START, "s") - np.timedelta64(round(float(spin_up)), "s")
    lead = float((np.datetime64(START) - start) / np.timedelta64(1, "s"))
    duration = DURATION + lead
    surge = parent["surge"]
    if spin_up > 0:  # the parent's sea is at rest before it starts
        calm = surge.isel(time=[0]).copy(data=np.zeros((1, *surge.shape[1:]), surge.dtype))
        calm = calm.where(np.isfinite(surge.isel(time=[0]).values))
        surge = xr.concat([calm.assign_coords(time=[start]), surge], dim="time")
    from twinbench.domains.gironde import resolve_resolution

    # the twin calibrated on this grid: the 500 m study scenario's own river fit, else the
    # coarse baseline's
    study = resolve_resolution(resolution) == resolve_resolution("default")
    base = scenarios.load("gironde-study" if study else "gironde")
    physics = dict(base.physics)
    if lagoon:
        friction = dict(physics["friction"])
        friction["coefficient"] = {**friction["coefficient"], "lagoon": LAGOON_MANNING}
        physics["friction"] = friction
    gauges = [g for g in GIRONDE_GAUGES if lagoon or g != "Arcachon"]
    scenario = base.replace(
        domain={**base.domain, "resolution": resolution, "lagoon": lagoon},
        physics=physics,
        start=str(start),
        duration=duration,
        output_every=output_every,
        dtype=dtype,
        stations=gauges,
    )
    domain = runner.build_domain(scenario)
    setup = RunSetup(
        domain,
        runner._physics(scenario, domain),
        runner._boundaries(scenario, domain),
        start=start,
        duration=duration,
    )
    forcing = storm_forcing(domain, np.arange(0.0, DURATION + 1.0, 1800.0), START, xynthia_spec())
    storm = surface_stress(_with_calm_lead(forcing, lead, str(start)), MAX_DRAG)
    calm = _calm(storm)
    nested = apply_surge(setup, surge)
    common = {"physics": setup.physics, "output_every": output_every, "dtype": dtype,
              "start": str(start)}  # fmt: skip
    tide_run = simulate(domain, duration, boundaries=setup.boundaries, forcing=calm, **common)
    storm_run = simulate(domain, duration, boundaries=nested.boundaries, forcing=storm, **common)
    gauges = runner._stations(scenario, domain, None)

    def at_gauges(run: xr.Dataset) -> xr.DataArray:
        eta = cf.find(run, "eta")
        return xr.concat(
            [eta.isel(x=int(g.i), y=int(g.j), drop=True) for g in gauges.itertuples()],
            dim=pd.Index(list(gauges.index), name="station"),
        )

    level, tide = at_gauges(storm_run), at_gauges(tide_run)
    residual = level - tide
    after_ramp = np.datetime64(START) + np.timedelta64(int(RAMP), "s")
    late = residual.sel(time=slice(after_ramp, None))
    rows = [skew_surge(level.sel(station=s), tide.sel(station=s), after_ramp) for s in gauges.index]
    observed = [np.nan if GIRONDE_GAUGES[s] is None else GIRONDE_GAUGES[s] for s in gauges.index]
    table = pd.DataFrame(
        {
            "observed_m": observed,
            "modelled_m": [r[0] for r in rows],
            "peak_residual_m": late.max("time").values,
            "peak_time": late["time"].values[late.argmax("time").values],
            "high_water_time": [r[1] for r in rows],
            "high_water_m": [r[2] for r in rows],
        },
        index=pd.Index(gauges.index, name="station"),
    )
    table.insert(2, "ratio", table["modelled_m"] / table["observed_m"])
    if parent_table is not None:
        table["parent_m"] = np.nan
        table.loc["Port-Bloc", "parent_m"] = parent_table.loc["Pointe de Grave", "modelled_m"]
    ds = xr.Dataset(
        {
            "station_level": level.assign_attrs(units="m", long_name="tide+storm level"),
            "station_tide": tide.assign_attrs(units="m", long_name="tide-only level"),
            "station_surge": residual.assign_attrs(units="m", long_name="surge residual"),
            "boundary_surge": _as_dates(surge_along(surge, domain, "west", start), start),
        },
        attrs={
            "title": "Storm Xynthia in the Gironde twin, nested in the Bay of Biscay run",
            "storm": forcing.attrs["storm"],
            "drag": storm.attrs.get("drag", ""),
            "parent": parent.attrs.get("title", "twinbench.storms.xynthia (Bay of Biscay)"),
        },
    )
    return ds, table
