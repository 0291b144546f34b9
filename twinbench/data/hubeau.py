"""River discharge from Hub'Eau, the French national water-data API (hydrometry, v2).

Daily mean discharges (``QmnJ``) and monthly means (``QmM``) of the "observations élaborées"
endpoint ``https://hubeau.eaufrance.fr/api/v2/hydrometrie/obs_elab``. The service answers
JSON pages ``{"count", "first", "next", "data": [...]}`` (HTTP 206 while more pages follow);
every page is followed through its ``next`` link and the number of records is checked against
``count``, so a series is either complete or an error — never silently partial. Discharges come
in l/s and leave in m³ s⁻¹. Missing days stay in the series as NaN and are listed in the
``gaps`` attribute.

Data: Hub'Eau (Office français de la biodiversité / SCHAPI, Vigicrues), Licence Ouverte 2.0 —
the attribution is carried into every output.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import DataError, get_json
from twinbench.io.inputs import InputError

__all__ = [
    "ATTRIBUTION",
    "HUBEAU_URL",
    "STATIONS",
    "daily_discharge",
    "describe_gaps",
    "monthly_discharge",
    "parse_pages",
    "recent_discharge",
]

HUBEAU_URL = "https://hubeau.eaufrance.fr/api/v2/hydrometrie/obs_elab"
SERVICE = "Hub'Eau hydrometry"
ATTRIBUTION = "Hub'Eau, Licence Ouverte 2.0"
LICENCE = "Licence Ouverte 2.0 (Etalab), https://www.etalab.gouv.fr/licence-ouverte-open-licence"
#: Fields asked of the service (the API's ``fields`` parameter keeps answers small).
FIELDS = (
    "code_site,code_station,date_obs_elab,resultat_obs_elab,grandeur_hydro_elab,longitude,latitude"
)
#: Gauges of the Gironde's tidal rivers (GIRONDE_FACTS.md).
STATIONS: dict[str, str] = {
    "O900001002": "Garonne at Tonneins",
    "O909001001": "Garonne at Marmande",
    "P555001001": "Dordogne at Pessac-sur-Dordogne",
}
PAGE_SIZE = 5000
MAX_PAGES = 200
#: Answers about periods that ended this long ago are kept in the cache for good; more recent
#: ones are asked again after ``RECENT_MAX_AGE`` seconds (Hub'Eau updates daily means daily).
SETTLED_AFTER = pd.Timedelta(days=7)
RECENT_MAX_AGE = 6 * 3600.0
_CODE = re.compile(r"^[A-Z][0-9]{7}([0-9]{2})?$")


def _station(code: Any) -> str:
    """A Hub'Eau site (8 characters) or station (10 characters) code, checked."""
    if not isinstance(code, str) or not _CODE.match(code.strip().upper()):
        raise InputError(
            f"Hub'Eau station code must be a letter and 9 digits (a station, e.g. 'O900001002') "
            f"or a letter and 7 digits (a site), got {code!r}"
        )
    return code.strip().upper()


def _day(value: Any, what: str) -> pd.Timestamp:
    """The UTC day of a date or time (:func:`twinbench.data._cf.timestamp`, at midnight)."""
    return _cf.timestamp(value, what).normalize()


def fetch_pages(
    params: Mapping[str, Any], *, base_url: str, max_age: float | None
) -> list[dict[str, Any]]:
    """Every page of one query, following ``next`` links; checked against ``count``."""
    answers = [get_json(base_url, service=SERVICE, params=params, max_age=max_age)]
    while isinstance(answers[-1], Mapping) and answers[-1].get("next"):
        if len(answers) >= MAX_PAGES:
            raise DataError(f"{SERVICE} ({base_url}): more than {MAX_PAGES} pages; ask for less")
        answers.append(get_json(answers[-1]["next"], service=SERVICE, max_age=max_age))
    return answers


def parse_pages(
    answers: Sequence[Mapping[str, Any]],
    station: str,
    grandeur: str,
    start: Any,
    end: Any,
) -> xr.DataArray:
    """Hub'Eau ``obs_elab`` answers (all pages of one query) → a discharge series (m³ s⁻¹).

    Parameters
    ----------
    answers : list of the JSON pages, in order.
    station : the code asked for.
    grandeur : ``"QmnJ"`` (daily means) or ``"QmM"`` (monthly means).
    start, end : the period asked for (dates, inclusive); the series covers it entirely.

    Raises
    ------
    DataError
        For an empty answer (unknown station or no observation in the period), a page that is
        not in the service's format, records of another station or quantity, or fewer records
        than the answer's ``count`` (a partial download).
    """
    start, end = _day(start, "start"), _day(end, "end")
    records: list[Mapping[str, Any]] = []
    count = None
    for k, page in enumerate(answers):
        if not isinstance(page, Mapping) or not isinstance(page.get("data"), list):
            raise DataError(f"{SERVICE}: page {k + 1} is not an obs_elab answer (no 'data' list)")
        count = page.get("count", count)
        records.extend(page["data"])
    if not records:
        raise DataError(
            f"{SERVICE} has no {grandeur} for station {station!r} from {start:%Y-%m-%d} to "
            f"{end:%Y-%m-%d}: the code is unknown to Hub'Eau or the gauge reported nothing then "
            "(check it at https://hubeau.eaufrance.fr/api/v2/hydrometrie/referentiel/stations"
            f"?code_station={station})"
        )
    if isinstance(count, int) and count != len(records):
        raise DataError(
            f"{SERVICE}: station {station!r} announced {count} records but {len(records)} came "
            "in (a partial download); try again"
        )
    for record in records:
        codes = {record.get("code_station"), record.get("code_site")}
        if station not in codes:
            raise DataError(
                f"{SERVICE}: asked for station {station!r}, the answer holds "
                f"{record.get('code_station')!r}"
            )
        if record.get("grandeur_hydro_elab", grandeur) != grandeur:
            raise DataError(
                f"{SERVICE}: asked for {grandeur}, got {record.get('grandeur_hydro_elab')!r}"
            )
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([r.get("date_obs_elab") for r in records], utc=True),
            "value": pd.to_numeric([r.get("resultat_obs_elab") for r in records], "coerce"),
        }
    )
    frame["date"] = frame["date"].dt.tz_localize(None).dt.normalize()
    frame.loc[frame["value"] < 0, "value"] = np.nan  # a negative mean flow is a missing value
    values = frame.groupby("date")["value"].last()
    freq = "D" if grandeur == "QmnJ" else "MS"
    first = start if freq == "D" else start.to_period("M").to_timestamp()
    index = pd.date_range(first, end, freq=freq, name="time")
    values = values.reindex(index) / 1000.0  # l/s → m³/s
    lon, lat = (pd.to_numeric(pd.Series([r.get(k) for r in records]), "coerce").median()
                for k in ("longitude", "latitude"))  # fmt: skip
    return xr.DataArray(
        values.to_numpy(float),
        coords={"time": ("time", index.values, {"standard_name": "time", "axis": "T"})},
        dims="time",
        name="discharge",
        attrs={
            "standard_name": "water_volume_transport_in_river_channel",
            "units": "m3 s-1",
            "long_name": ("daily" if freq == "D" else "monthly") + " mean river discharge",
            "cell_methods": "time: mean",
            "station_code": station,
            "station_name": STATIONS.get(station, station),
            "station_lon": float(lon) if np.isfinite(lon) else np.nan,
            "station_lat": float(lat) if np.isfinite(lat) else np.nan,
            "hubeau_quantity": grandeur,
            "missing_values": int(np.isnan(values.to_numpy(float)).sum()),
            "gaps": describe_gaps(index, np.isnan(values.to_numpy(float)), freq),
            "last_observation": str(values.last_valid_index().date())
            if values.notna().any()
            else "",
            "source": f"{SERVICE} API, {HUBEAU_URL} ({grandeur}, converted from l/s)",
            "license": LICENCE,
            "attribution": ATTRIBUTION,
        },
    )


def describe_gaps(index: pd.DatetimeIndex, missing: np.ndarray, freq: str) -> str:
    """Runs of missing values as ``"2024-03-02..2024-03-04; ..."`` (empty when complete)."""
    fmt = "%Y-%m-%d" if freq == "D" else "%Y-%m"
    edges = np.diff(np.concatenate([[0], missing.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    runs = [index[a].strftime(fmt) + ("" if a == b else ".." + index[b].strftime(fmt))
            for a, b in zip(starts, ends, strict=True)]  # fmt: skip
    return "; ".join(runs)


def _query(station: str, grandeur: str, start: Any, end: Any, base_url: str) -> xr.DataArray:
    code = _station(station)
    first, last = _day(start, "start"), _day(end, "end")
    if last < first:
        raise InputError(f"end ({last:%Y-%m-%d}) is before start ({first:%Y-%m-%d})")
    params = {
        "code_entite": code,
        "grandeur_hydro_elab": grandeur,
        "date_debut_obs_elab": f"{first:%Y-%m-%d}",
        "date_fin_obs_elab": f"{last:%Y-%m-%d}",
        "fields": FIELDS,
        "size": PAGE_SIZE,
    }
    settled = last < pd.Timestamp.now("UTC").tz_localize(None) - SETTLED_AFTER
    answers = fetch_pages(params, base_url=base_url, max_age=None if settled else RECENT_MAX_AGE)
    return parse_pages(answers, code, grandeur, first, last)


def daily_discharge(station: str, start: Any, end: Any, *, base_url: str = HUBEAU_URL):
    """Daily mean discharge (``QmnJ``) of a Hub'Eau gauge, in m³ s⁻¹.

    Parameters
    ----------
    station : str
        Hub'Eau station code, e.g. ``"O900001002"`` (Garonne at Tonneins), or a site code.
    start, end : date-like
        First and last day (inclusive, UTC).
    base_url : str
        The ``obs_elab`` endpoint (a test server's address in the tests).

    Returns
    -------
    xarray.DataArray
        Over ``time`` (one value per day of the period; NaN where the gauge has none, listed in
        ``attrs["gaps"]``), ``standard_name`` ``water_volume_transport_in_river_channel``,
        attributes for the station, the source, the licence and the attribution.

    Raises
    ------
    InputError
        For a malformed station code or dates.
    DataError
        When the service fails, the station is unknown or the answer is empty or partial.
    """
    return _query(station, "QmnJ", start, end, base_url)


def monthly_discharge(station: str, start: Any, end: Any, *, base_url: str = HUBEAU_URL):
    """Monthly mean discharge (``QmM``) of a gauge, in m³ s⁻¹, over ``time`` (month starts).

    The long record that the 3-month indicators compare with; arguments, attributes and errors
    as for :func:`daily_discharge`.
    """
    return _query(station, "QmM", start, end, base_url)


def recent_discharge(
    station: str, days: int = 90, *, end: Any = None, base_url: str = HUBEAU_URL
) -> xr.DataArray:
    """The last ``days`` daily means up to ``end`` (default: today, UTC) — :func:`daily_discharge`.

    The most recent day or two are usually not published yet: they show as NaN at the end of
    the series and in ``attrs["gaps"]``; ``attrs["last_observation"]`` is the last valid day.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError(f"days must be a positive whole number, got {days!r}")
    last = _day(pd.Timestamp.now("UTC") if end is None else end, "end")
    return daily_discharge(station, last - pd.Timedelta(days=days - 1), last, base_url=base_url)
