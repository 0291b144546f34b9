"""Wind and sea-level pressure forecasts from Open-Meteo (free, no key; CC BY 4.0).

One request to ``https://api.open-meteo.com/v1/forecast`` for hourly ``wind_speed_10m``,
``wind_direction_10m`` (meteorological: where the wind comes *from*) and ``pressure_msl``, with
``wind_speed_unit=ms`` and times in UTC. Several points go in one request as comma lists; the
service then answers a list of per-point objects. The answer becomes a CF dataset of
``eastward_wind`` and ``northward_wind`` (m s⁻¹ at 10 m) and ``air_pressure_at_mean_sea_level``
(Pa). Forecasts are cached for :data:`MAX_AGE` seconds.

Data: "Weather data by Open-Meteo.com", CC BY 4.0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import DataError, get_json
from twinbench.io.inputs import InputError

__all__ = ["ATTRIBUTION", "MAX_AGE", "OPENMETEO_URL", "forecast", "parse_answer", "wind_components"]

OPENMETEO_URL = "https://api.open-meteo.com/v1/forecast"
SERVICE = "Open-Meteo"
ATTRIBUTION = "Weather data by Open-Meteo.com, CC BY 4.0"
LICENCE = "CC BY 4.0, https://creativecommons.org/licenses/by/4.0/"
HOURLY = ("wind_speed_10m", "wind_direction_10m", "pressure_msl")
MAX_DAYS = 16  # the forecast API's horizon
MAX_AGE = 3 * 3600.0  # s: a cached forecast older than this is asked for again
#: Speed units the service may report → factor to m s⁻¹.
SPEED_UNITS = {"m/s": 1.0, "km/h": 1 / 3.6, "kn": 1852 / 3600, "mp/h": 0.44704, "mph": 0.44704}


def wind_components(speed: Any, from_direction: Any) -> tuple[np.ndarray, np.ndarray]:
    """Eastward and northward wind (speed units) from a speed and a meteorological direction.

    The direction (degrees clockwise from north) is where the wind comes from, so a wind from
    the west (270°) blows towards the east.

    >>> [round(float(c), 6) for c in wind_components(10.0, 270.0)]
    [10.0, 0.0]
    """
    towards = np.deg2rad(np.asarray(from_direction, dtype=float) + 180.0)
    speed = np.asarray(speed, dtype=float)
    return speed * np.sin(towards), speed * np.cos(towards)


def _coordinates(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    try:
        lats = np.atleast_1d(np.asarray(lat, dtype=float))
        lons = np.atleast_1d(np.asarray(lon, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"lat and lon must be numbers (degrees), got {lat!r}, {lon!r}") from None
    if lats.ndim != 1 or lats.shape != lons.shape or lats.size == 0:
        raise InputError(f"lat and lon must be numbers or equal-length lists, got {lat!r}, {lon!r}")
    if not (np.all(np.abs(lats) <= 90) and np.all(np.abs(lons) <= 180)):
        raise InputError(f"lat must be within ±90° and lon within ±180°, got {lat!r}, {lon!r}")
    return lats, lons, np.ndim(lat) == 0 and np.ndim(lon) == 0


def _days(days: Any) -> int:
    if (
        isinstance(days, bool)
        or not isinstance(days, int | np.integer)
        or not 1 <= days <= MAX_DAYS
    ):
        raise InputError(f"days must be a whole number from 1 to {MAX_DAYS}, got {days!r}")
    return int(days)


def _one(answer: Any, k: int) -> dict[str, np.ndarray | float]:
    """One point's answer → times, east/north wind (m s⁻¹), pressure (Pa), its grid point."""
    if not isinstance(answer, Mapping):
        raise DataError(f"{SERVICE}: point {k} is not a forecast object, got {answer!r:.200}")
    if answer.get("error"):
        raise DataError(f"{SERVICE} refused the request: {answer.get('reason', answer)}")
    hourly, units = answer.get("hourly"), answer.get("hourly_units") or {}
    if not isinstance(hourly, Mapping) or "time" not in hourly:
        raise DataError(f"{SERVICE}: point {k} has no 'hourly' block with 'time'")
    missing = [v for v in HOURLY if v not in hourly]
    if missing:
        raise DataError(f"{SERVICE}: point {k} lacks the hourly variable(s) {missing}")
    n = len(hourly["time"])
    if any(len(hourly[v]) != n for v in HOURLY):
        raise DataError(f"{SERVICE}: point {k}'s hourly lists differ in length (a partial answer)")
    speed_unit = units.get("wind_speed_10m", "m/s")
    if speed_unit not in SPEED_UNITS:
        raise DataError(f"{SERVICE}: unknown wind speed unit {speed_unit!r}")
    if units.get("pressure_msl", "hPa") != "hPa":
        raise DataError(f"{SERVICE}: pressure_msl in {units['pressure_msl']!r}, expected hPa")
    if answer.get("utc_offset_seconds", 0) != 0:
        raise DataError(f"{SERVICE}: times are not UTC (utc_offset_seconds != 0)")

    def column(name: str) -> np.ndarray:
        return np.array([np.nan if x is None else x for x in hourly[name]], dtype=float)

    speed = column("wind_speed_10m") * SPEED_UNITS[speed_unit]
    east, north = wind_components(speed, column("wind_direction_10m"))
    return {
        "time": pd.to_datetime(hourly["time"]).values.astype("datetime64[ns]"),
        "east": east,
        "north": north,
        "speed": speed,
        "direction": column("wind_direction_10m"),
        "pressure": 100.0 * column("pressure_msl"),
        "lat": float(answer.get("latitude", np.nan)),
        "lon": float(answer.get("longitude", np.nan)),
    }


def parse_answer(answer: Any, lat: Any = None, lon: Any = None) -> xr.Dataset:
    """An Open-Meteo forecast answer (an object, or a list for several points) → CF dataset.

    ``lat``/``lon`` are the requested positions (kept as attributes or coordinates); with
    arrays (or a list answer) the dataset has a ``point`` dimension before ``time``.

    Raises
    ------
    DataError
        For an error answer, missing variables, lists of different lengths, unknown units or
        points that do not share their times.
    """
    points = answer if isinstance(answer, list) else [answer]
    if not points:
        raise DataError(f"{SERVICE}: the answer holds no forecast")
    parsed = [_one(a, k) for k, a in enumerate(points)]
    times = parsed[0]["time"]
    if any(p["time"].shape != times.shape or np.any(p["time"] != times) for p in parsed):
        raise DataError(f"{SERVICE}: the points of one answer have different times")
    several = isinstance(answer, list) or (lat is not None and np.ndim(lat) > 0)
    dims = ("point", "time") if several else ("time",)

    def stack(key: str) -> np.ndarray:
        values = np.stack([p[key] for p in parsed])
        return values if several else values[0]

    wind = {"units": "m s-1", "height": "10 m"}
    data = {
        "eastward_wind": (dims, stack("east"), {"standard_name": "eastward_wind", **wind,
                                                "long_name": "10 m wind, eastward component"}),
        "northward_wind": (dims, stack("north"), {"standard_name": "northward_wind", **wind,
                                                  "long_name": "10 m wind, northward component"}),
        "wind_speed": (dims, stack("speed"), {"standard_name": "wind_speed", **wind}),
        "wind_from_direction": (dims, stack("direction"), {
            "standard_name": "wind_from_direction", "units": "degree",
            "long_name": "direction the 10 m wind comes from (clockwise from north)"}),
        "air_pressure_at_mean_sea_level": (dims, stack("pressure"), {
            "standard_name": "air_pressure_at_mean_sea_level", "units": "Pa",
            "long_name": "air pressure at mean sea level"}),
    }  # fmt: skip
    coords: dict[str, Any] = {"time": ("time", times, {"standard_name": "time", "axis": "T"})}
    grid_lat, grid_lon = stack("lat"), stack("lon")
    if several:
        coords["latitude"] = ("point", grid_lat, {"standard_name": "latitude",
                                                  "units": "degrees_north"})  # fmt: skip
        coords["longitude"] = ("point", grid_lon, {"standard_name": "longitude",
                                                   "units": "degrees_east"})  # fmt: skip
    else:
        coords["latitude"] = ((), grid_lat, {"standard_name": "latitude", "units": "degrees_north"})
        coords["longitude"] = (
            (),
            grid_lon,
            {"standard_name": "longitude", "units": "degrees_east"},
        )
    missing = int(sum(np.isnan(p[k]).sum() for p in parsed for k in ("east", "pressure")))
    attrs = {
        "Conventions": "CF-1.10",
        "title": "Open-Meteo hourly forecast: 10 m wind and sea-level pressure",
        "source": f"{SERVICE} forecast API, {OPENMETEO_URL} (best-match weather models)",
        "license": LICENCE,
        "attribution": ATTRIBUTION,
        "missing_values": missing,
        "featureType": "timeSeries",
    }
    if lat is not None:
        attrs["requested_latitude"] = str(lat if np.ndim(lat) == 0 else list(np.ravel(lat)))
        attrs["requested_longitude"] = str(lon if np.ndim(lon) == 0 else list(np.ravel(lon)))
    return xr.Dataset(data, coords=coords, attrs=attrs)


def forecast(
    lat: float | Sequence[float],
    lon: float | Sequence[float],
    *,
    days: int = 10,
    start: Any = None,
    base_url: str = OPENMETEO_URL,
    max_age: float = MAX_AGE,
) -> xr.Dataset:
    """Hourly 10 m wind and sea-level pressure forecast at one or a few points.

    Parameters
    ----------
    lat, lon : float or list of floats
        Degrees north and east (WGS84); lists ask for several points in one request.
    days : int
        Forecast length in days (1–16). Without ``start``: from today 00:00 UTC. With
        ``start``: from ``start``'s day 00:00 UTC to ``days`` days later inclusive, so that a
        run from ``start`` for ``days`` days is covered (past days as far as the service keeps).
    start : date-like, optional
        First day of the forecast.
    base_url : str
        The forecast endpoint (a test server's address in the tests).
    max_age : float
        Seconds a cached answer stays fresh (default 3 h); older ones are asked again, and used
        with a warning only when the service cannot be reached.

    Returns
    -------
    xarray.Dataset
        ``eastward_wind``, ``northward_wind``, ``wind_speed`` (m s⁻¹, 10 m),
        ``wind_from_direction`` (degrees) and ``air_pressure_at_mean_sea_level`` (Pa) over
        ``time`` (UTC), or ``(point, time)`` for lists; ``latitude``/``longitude`` of the
        model grid points; attribution and licence in the attributes.

    Raises
    ------
    InputError
        For bad coordinates, days or start.
    DataError
        When the service fails or answers an error (its reason is in the message).
    """
    lats, lons, single = _coordinates(lat, lon)
    n_days = _days(days)
    params: dict[str, Any] = {
        "latitude": ",".join(f"{x:.4f}" for x in lats),
        "longitude": ",".join(f"{x:.4f}" for x in lons),
        "hourly": ",".join(HOURLY),
        "wind_speed_unit": "ms",
        "timezone": "GMT",
    }
    if start is None:
        params["forecast_days"] = n_days
    else:
        first = _cf.timestamp(start, "start")
        params["start_date"] = f"{first:%Y-%m-%d}"
        params["end_date"] = f"{first + pd.Timedelta(days=n_days):%Y-%m-%d}"
    answer = get_json(base_url, service=SERVICE, params=params, max_age=max_age)
    if not single and not isinstance(answer, list):
        answer = [answer]
    return parse_answer(answer, lat if single else list(lats), lon if single else list(lons))
