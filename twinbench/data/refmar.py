"""Observed sea level of the SHOM tide gauges (REFMAR) from the data.shom.fr observation API.

Endpoint (JSON; one gauge per request; a request spans at most about a month, so longer
periods are split into :data:`WINDOW` windows)::

    GET https://services.data.shom.fr/maregraphie/observation/json/{station}
        ?sources={source}&dtStart=YYYY-MM-DDThh:mm:ssZ&dtEnd=YYYY-MM-DDThh:mm:ssZ

answers ``{"data": [{"value": 4.21, "timestamp": "2024/01/01 00:00:00", "idsource": 4}, ...]}``:
sea level in metres above the gauge's chart datum (zéro hydrographique), times in UTC.
``station`` is the REFMAR/SHOM gauge id (3 Brest, 34 La Rochelle-La Pallice, 37 Saint-Nazaire;
the number in the TICON-4 ids, e.g. ``port_bloc-15-fra-refmar``). ``source`` picks the
product: 4 validated hourly heights (the default here), 1 raw real-time high-frequency data,
2 and 3 the other real-time and delayed-mode products of REFMAR, 5 and 6 raw hourly products.

Licence Ouverte 2.0 (Etalab); attribution "Shom / REFMAR" (doi:10.17183/REFMAR).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import DataError, get_json
from twinbench.io.inputs import InputError

URL = "https://services.data.shom.fr/maregraphie/observation/json/{station}"
SERVICE = "SHOM REFMAR"
WINDOW = pd.Timedelta(days=30)
ATTRIBUTION = "Shom / REFMAR, doi:10.17183/REFMAR (Licence Ouverte 2.0)"


def _windows(start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    edges = [*pd.date_range(start, end, freq=WINDOW), end]
    return [(a, b) for a, b in pairwise(edges) if b > a]


def _iso(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(answer: Any, url: str) -> pd.Series:
    """Sea level (m) indexed by UTC time from one REFMAR JSON answer.

    >>> parse({"data": [{"value": 4.2, "timestamp": "2024/01/01 00:00:00", "idsource": 4}]}, "u")
    2024-01-01    4.2
    Name: sea_level, dtype: float64
    """
    if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
        raise DataError(
            f"{SERVICE} ({url}) answered JSON without a 'data' list: {str(answer)[:200]}"
        )
    rows = answer["data"]
    try:
        times = pd.to_datetime([r["timestamp"] for r in rows], format="mixed", utc=True)
        values = np.array([r["value"] for r in rows], dtype=float)
    except (KeyError, TypeError, ValueError) as err:
        raise DataError(f"{SERVICE} ({url}): unexpected record format ({err})") from err
    return pd.Series(values, index=times.tz_localize(None), name="sea_level")


def sea_level(
    station: int | str, start: Any, end: Any, *, source: int = 4, url: str = URL
) -> xr.Dataset:
    """Observed sea level of one REFMAR gauge between ``start`` and ``end`` (UTC).

    Parameters
    ----------
    station : int or str
        REFMAR/SHOM gauge id (e.g. 3 for Brest).
    start, end : str or datetime
        The period (UTC).
    source : int
        REFMAR product id (4: validated hourly heights).
    url : str
        The endpoint, with a ``{station}`` field.

    Returns
    -------
    xarray.Dataset
        ``sea_level`` (m above chart datum, standard name
        ``water_surface_height_above_reference_datum``) over ``time``; an empty record raises.

    Raises
    ------
    InputError
        Bad station, period or source.
    DataError
        The service failed or returned nothing for the period.
    """
    try:
        station_id = int(station)
    except (TypeError, ValueError):
        raise InputError(
            f"station must be a REFMAR gauge id (an integer), got {station!r}"
        ) from None
    if int(source) not in range(1, 7):
        raise InputError(f"source must be a REFMAR source id 1..6, got {source!r}")
    t0, t1 = _cf.period(start, end)
    address = url.format(station=station_id)
    pieces = []
    for a, b in _windows(t0, t1):
        params = {"sources": int(source), "dtStart": _iso(a), "dtEnd": _iso(b)}
        pieces.append(parse(get_json(address, service=SERVICE, params=params), address))
    series = pd.concat(pieces)
    series = series[~series.index.duplicated()].sort_index()
    if series.empty:
        raise DataError(
            f"{SERVICE} ({address}) has no data from source {source} between {t0} and {t1}; "
            "try another source (1 raw real-time, 4 validated hourly) or period."
        )
    attrs = _cf.SEA_LEVEL | {
        "reference_datum": "chart datum (zéro hydrographique) of the gauge",
        "long_name": "observed sea level above chart datum",
    }
    return _cf.time_series(
        series.index,
        {"sea_level": (series.to_numpy(), attrs)},
        coords={"station": str(station_id)},
        attrs=_cf.attribution(
            f"SHOM REFMAR tide gauge {station_id}, source {source} ({address})",
            "Licence Ouverte / Open Licence 2.0 (Etalab)",
            ATTRIBUTION,
        ),
    )
