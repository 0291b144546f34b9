"""Storm Xynthia (27–28 February 2010) on the Bay of Biscay: modelled vs observed peak surge.

Facts (``shared/GIRONDE_FACTS.md``, "Storm Xynthia"): minimum pressure ≈ 967–969 hPa; centre
near 45°N 5°W at 21 UTC on 27 Feb, moving NE at ≈ 50–60 km/h, landfall on the
Vendée/Charente coast early on 28 Feb; observed surges (SHOM) La Rochelle-La Pallice 1.53 m,
Pointe de Grave 0.98 m, Arcachon 0.90 m, Saint-Nazaire 1.16 m, Brest 0.53 m.

The track (:data:`XYNTHIA_TRACK`) is derived from those facts alone: the 21 UTC position, a
speed of 55 km/h (the middle of 50–60) on a bearing of 60° (north-east, the bearing that takes
the centre from 45°N 5°W to the Vendée/Charente coast near 46.4°N 1.5°W), and a central pressure
of 968 hPa (the middle of 967–969) held along it. Every point is marked "derived".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io import cf
from twinbench.storms.forcing import AMBIENT_PRESSURE, inverse_barometer, storm_forcing
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
RAMP = 3 * 3600.0  # s, start-up of the storm forcing from a sea at rest
PHYSICS = {"friction": {"law": "manning", "coefficient": 0.025}}


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


def _boundaries(domain: xr.Dataset, forcing: xr.Dataset | None) -> dict:
    """A radiating sea on each open side, at the inverse-barometer level of the storm."""
    sides = domain.attrs["open_boundaries"].split()
    out = {}
    for side in sides:
        spec = {"type": "tide", "constituents": {}}
        if forcing is not None:
            spec["mean"] = inverse_barometer(forcing, side)
        out[side] = spec
    return out


def xynthia(
    resolution: float | str = "coarse",
    *,
    rmax_km: float = RMAX_KM,
    B: float = HOLLAND_B,
    output_every: float = 900.0,
    dtype: str = "float64",
) -> tuple[xr.Dataset, pd.DataFrame]:
    """Run Xynthia's surge on :func:`twinbench.domains.biscay`; compare peaks with SHOM's.

    Storm only (no tide): the sea starts at rest at mean sea level, so the surge is the water
    level of the storm run (the same run without the storm stays at rest: the scheme is
    well-balanced). Wind stress (Wu 1982) and the pressure gradient act everywhere; each open
    side (west, north) is a radiating sea at the inverse-barometer level of the storm.

    Parameters
    ----------
    resolution
        Of the Biscay domain (``"coarse"`` 10 km, ``"default"`` 5 km, or metres).
    rmax_km, B
        Holland radius of maximum winds (km) and shape parameter.
    output_every
        Output interval (s) of the history, from which the peaks are taken.
    dtype
        ``"float64"`` or ``"float32"``.

    Returns
    -------
    dataset
        The run's CF history (``time`` as dates) with ``surge`` (m, ``time, y, x``),
        ``max_surge`` (m, ``y, x``) and ``station_surge`` (m, ``station, time``).
    table
        Indexed by station: ``observed_m``, ``modelled_m`` (peak surge), ``ratio``
        (modelled/observed), ``peak_time`` (UTC), ``distance_m`` (gauge to its model cell).

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
    physics = {**PHYSICS, "coriolis": 2 * 7.2921e-5 * np.sin(np.deg2rad(46.0))}
    run = simulate(
        domain,
        DURATION,
        output_every=output_every,
        physics=physics,
        boundaries=_boundaries(domain, forcing),
        forcing=forcing,
        dtype=dtype,
        start=START,
    )
    eta = cf.find(run, "eta")
    wet = domain["depth"] > 0
    surge = eta.where(wet).rename("surge")
    surge.attrs = {"units": "m", "long_name": "storm surge (storm run minus the sea at rest)"}
    station_surge = xr.concat(
        [surge.isel(x=int(row.i), y=int(row.j), drop=True) for row in stations.itertuples()],
        dim=pd.Index(list(stations.index), name="station"),
    )
    ds = run.assign(
        surge=surge,
        max_surge=surge.max("time").assign_attrs(units="m", long_name="peak storm surge"),
        station_surge=station_surge.assign_attrs(units="m", long_name="storm surge at gauges"),
    )
    peak = station_surge.max("time")
    table = pd.DataFrame(
        {
            "observed_m": [OBSERVED_SURGE[name] for name in stations.index],
            "modelled_m": peak.values,
            "peak_time": station_surge["time"].values[station_surge.argmax("time").values],
            "distance_m": stations["distance_m"].values,
        },
        index=pd.Index(stations.index, name="station"),
    )
    table.insert(2, "ratio", table["modelled_m"] / table["observed_m"])
    ds.attrs["storm"] = forcing.attrs["storm"]
    return ds, table
