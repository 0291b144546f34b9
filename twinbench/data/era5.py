"""ERA5 hourly reanalysis on single levels from the C3S Climate Data Store (CDS) via ``cdsapi``.

Request (CDS API, dataset ``reanalysis-era5-single-levels``)::

    cdsapi.Client().retrieve("reanalysis-era5-single-levels", {
        "product_type": ["reanalysis"],
        "variable": ["10m_u_component_of_wind", "10m_v_component_of_wind",
                     "mean_sea_level_pressure"],
        "year": [...], "month": [...], "day": [...], "time": ["00:00", ..., "23:00"],
        "area": [lat_max, lon_min, lat_min, lon_max],
        "data_format": "netcdf", "download_format": "unarchived"}, target)

The CDS answers with every combination of the listed years, months and days, so the result is
trimmed to the requested period. The NetCDF is cached in ``$TWINBENCH_CACHE`` (keyed by the
request, hash-checked on reuse) and returned as CF xarray: ``time`` (from ``valid_time``),
ascending ``latitude``, and CF names and units for the usual variables (:data:`CF`).

Credentials: ``~/.cdsapirc`` (or the file named by ``CDSAPI_RC``) with ``url:`` and ``key:``
lines, or the environment variables ``CDSAPI_URL`` and ``CDSAPI_KEY`` (a free CDS account,
with the ERA5 licence accepted). Missing or refused credentials raise
:class:`CredentialsError` naming them.

Licence: Licence to use Copernicus Products; cite Hersbach et al. (2023), doi:10.24381/cds.adbb2d47.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import CredentialsError, DataError, cached_product

SERVICE = "C3S Climate Data Store"
DATASET = "reanalysis-era5-single-levels"
DEFAULT_URL = "https://cds.climate.copernicus.eu/api"
ATTRIBUTION = (
    "Hersbach, H. et al. (2023): ERA5 hourly data on single levels from 1940 to present. "
    "Copernicus Climate Change Service (C3S) Climate Data Store (CDS), doi:10.24381/cds.adbb2d47. "
    "Contains modified Copernicus Climate Change Service information."
)

#: CF names and units of the ERA5 short names twinbench uses.
CF = {
    "u10": ("eastward_wind", "m s-1", "10 m eastward wind"),
    "v10": ("northward_wind", "m s-1", "10 m northward wind"),
    "msl": ("air_pressure_at_mean_sea_level", "Pa", "mean sea-level pressure"),
    "sp": ("surface_air_pressure", "Pa", "surface pressure"),
    "t2m": ("air_temperature", "K", "2 m temperature"),
    "sst": ("sea_surface_temperature", "K", "sea surface temperature"),
}


def credentials() -> tuple[str, str]:
    """``(url, key)`` from ``CDSAPI_URL``/``CDSAPI_KEY`` or the ``.cdsapirc`` file, or raise."""
    url, key = os.environ.get("CDSAPI_URL"), os.environ.get("CDSAPI_KEY")
    rc = Path(os.environ.get("CDSAPI_RC", "~/.cdsapirc")).expanduser()
    if (not url or not key) and rc.is_file():
        config = dict(line.split(":", 1) for line in rc.read_text().splitlines() if ":" in line)
        url = url or config.get("url", "").strip()
        key = key or config.get("key", "").strip()
    if not key:
        raise CredentialsError(
            f"{SERVICE} needs an API key: write url: and key: lines in {rc}, or set the "
            "environment variables CDSAPI_URL and CDSAPI_KEY (free account at "
            "https://cds.climate.copernicus.eu, with the ERA5 licence accepted)."
        )
    return url or DEFAULT_URL, key


def request(
    variables: Sequence[str], box: tuple[float, ...], start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, Any]:
    """The CDS request for variables, a box and a period (hourly)."""
    days = pd.date_range(start.floor("D"), end.floor("D"), freq="D")
    return {
        "product_type": ["reanalysis"],
        "variable": list(variables),
        "year": sorted({f"{d.year}" for d in days}),
        "month": sorted({f"{d.month:02d}" for d in days}),
        "day": sorted({f"{d.day:02d}" for d in days}),
        "time": [f"{h:02d}:00" for h in range(24)],
        "area": [box[3], box[0], box[1], box[2]],
        "data_format": "netcdf",
        "download_format": "unarchived",
    }


def to_cf(ds: xr.Dataset, start: pd.Timestamp, end: pd.Timestamp) -> xr.Dataset:
    """An ERA5 NetCDF from the CDS as CF xarray, trimmed to ``start``…``end``."""
    if "valid_time" in ds.dims or "valid_time" in ds.coords:
        ds = ds.rename({"valid_time": "time"})
    ds = ds.drop_vars([v for v in ("number", "expver") if v in ds.variables])
    if "time" not in ds.dims:
        raise DataError(f"{SERVICE}: the ERA5 file has no time axis (dims {dict(ds.sizes)})")
    ds = ds.sortby("latitude").sel(time=slice(start, end))
    for name, (standard_name, units, long_name) in CF.items():
        if name in ds:
            ds[name].attrs = {
                "standard_name": standard_name,
                "units": units,
                "long_name": long_name,
            }
    return _cf.with_coords(ds)


def single_levels(
    bbox: Any,
    start: Any,
    end: Any,
    *,
    variables: Sequence[str] = (
        "10m_u_component_of_wind",
        "10m_v_component_of_wind",
        "mean_sea_level_pressure",
    ),
) -> xr.Dataset:
    """ERA5 hourly single-level fields over a box and a period.

    Parameters
    ----------
    bbox : sequence or str
        ``(lon_min, lat_min, lon_max, lat_max)``, degrees.
    start, end : str or datetime
        The period (UTC), hourly.
    variables : sequence of str
        CDS variable names.

    Raises
    ------
    CredentialsError
        No CDS key, or a key the CDS refused.
    DataError
        The CDS failed otherwise, or delivered no data for the period.
    """
    box = _cf.bbox(bbox)
    t0, t1 = _cf.period(start, end)
    names = _cf.names(variables, "variables")
    url, key = credentials()
    query = request(names, box, t0, t1)

    def produce(path: Path) -> None:
        try:
            import cdsapi
        except ImportError as err:
            raise DataError(f"{SERVICE}: ERA5 needs cdsapi: pip install 'twinbench[data]'") from err
        try:
            client = cdsapi.Client(url=url, key=key, quiet=True, progress=False, retry_max=3)
            client.retrieve(DATASET, query, str(path))
        except Exception as err:  # cdsapi raises requests errors and bare Exceptions
            text = str(err)
            if any(word in text for word in ("401", "403", "Unauthorized", "authentication")):
                raise CredentialsError(
                    f"{SERVICE} ({url}) refused the API key (from CDSAPI_KEY or .cdsapirc): {text}"
                ) from err
            raise DataError(f"{SERVICE} ({url}) could not deliver {DATASET}: {text}") from err

    path = cached_product(
        {"url": url, "dataset": DATASET, **query}, service=SERVICE, suffix=".nc", produce=produce
    )
    with xr.open_dataset(path) as ds:
        out = to_cf(ds.load(), t0, t1)
    if out.sizes.get("time", 0) == 0:
        raise DataError(f"{SERVICE}: no ERA5 data between {t0} and {t1}")
    out.attrs.update(
        _cf.attribution(
            f"ERA5 hourly data on single levels ({DATASET}), {SERVICE}",
            "Licence to use Copernicus Products",
            ATTRIBUTION,
        )
    )
    return out
