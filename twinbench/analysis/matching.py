"""Stations onto the model grid: a table of named lon/lat points → the nearest *wet* cell.

:func:`station_table` reads stations from a DataFrame, a CSV file, a CF dataset of gauges or a
mapping; :func:`match_stations` snaps them to a domain (or a run's grid) with the distance moved,
and a policy for stations outside the domain or on land.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.domains.stations import locate_stations
from twinbench.io.inputs import InputError

ERRORS = ("raise", "warn", "ignore")
_LON = ("lon", "longitude", "station_lon")
_LAT = ("lat", "latitude", "station_lat")
_NAME = ("name", "station", "station_name")


def _column(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.strip().lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _from_frame(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if _column(list(frame.columns), _NAME) is None and frame.index.name is not None:
        frame = frame.reset_index()
    columns = [str(c) for c in frame.columns]
    frame = frame.set_axis(columns, axis=1)
    name, lon, lat = (_column(columns, n) for n in (_NAME, _LON, _LAT))
    missing = [k for k, v in (("name", name), ("lon", lon), ("lat", lat)) if v is None]
    if missing:
        raise InputError(f"{what} needs columns name, lon, lat; missing {missing} in {columns}")
    out = pd.DataFrame(
        {
            "lon": pd.to_numeric(frame[lon], errors="coerce").to_numpy(float),
            "lat": pd.to_numeric(frame[lat], errors="coerce").to_numpy(float),
        },
        index=pd.Index(frame[name].astype(str).to_numpy(), name="name"),
    )
    bad = out.index[~(np.isfinite(out["lon"]) & np.isfinite(out["lat"]))].tolist()
    if bad:
        raise InputError(f"{what}: lon/lat of station(s) {bad} are not numbers")
    duplicated = out.index[out.index.duplicated()].tolist()
    if duplicated:
        raise InputError(f"{what}: station name(s) {duplicated} given twice")
    return out


def _by_standard_name(ds: xr.Dataset, standard_name: str, names: tuple[str, ...]) -> str | None:
    for name, var in ds.variables.items():
        if var.attrs.get("standard_name") == standard_name and var.dims == ("station",):
            return str(name)
    return next((n for n in names if n in ds.variables and ds[n].dims == ("station",)), None)


def _from_dataset(ds: xr.Dataset) -> pd.DataFrame:
    if "station" not in ds.dims:
        raise InputError(f"the stations dataset has no 'station' dimension: {dict(ds.sizes)}")
    name = next(
        (str(n) for n, v in ds.variables.items() if v.attrs.get("cf_role") == "timeseries_id"),
        None,
    ) or next((n for n in _NAME if n in ds.variables), None)
    lon = _by_standard_name(ds, "longitude", _LON)
    lat = _by_standard_name(ds, "latitude", _LAT)
    missing = [k for k, v in (("name", name), ("longitude", lon), ("latitude", lat)) if v is None]
    if missing:
        raise InputError(
            f"the stations dataset needs station {missing} variables (cf_role timeseries_id, "
            "standard_name longitude/latitude) over 'station'"
        )
    names = [v.decode() if isinstance(v, bytes) else str(v) for v in ds[name].values]
    frame = pd.DataFrame({"name": names, "lon": ds[lon].values, "lat": ds[lat].values})
    return _from_frame(frame, "the stations dataset")


def station_table(stations: Any) -> pd.DataFrame:
    """Stations as a DataFrame indexed by ``name`` with ``lon``, ``lat`` (degrees).

    ``stations`` is a DataFrame (columns ``name, lon, lat``; ``longitude``/``latitude`` and a
    ``name`` index accepted), the path of such a CSV, a CF dataset of gauges (``station``
    dimension, a ``cf_role: timeseries_id`` name variable, ``longitude``/``latitude`` by
    standard name), or a mapping ``{name: (lon, lat)}``.

    >>> station_table({"Brest": (-4.495, 48.383)}).loc["Brest", "lat"]
    np.float64(48.383)
    """
    if isinstance(stations, pd.DataFrame):
        return _from_frame(stations, "the stations table")
    if isinstance(stations, xr.Dataset):
        return _from_dataset(stations)
    if isinstance(stations, str | Path):
        path = Path(stations)
        if not path.exists():
            raise InputError(f"stations file {str(path)!r} does not exist")
        if path.suffix in (".nc", ".zarr"):
            with xr.open_dataset(path, engine="zarr" if path.suffix == ".zarr" else None) as ds:
                return _from_dataset(ds.load())
        try:
            frame = pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            raise InputError(f"stations file {str(path)!r} is not a CSV: {err}") from None
        return _from_frame(frame, f"stations file {str(path)!r}")
    if isinstance(stations, Mapping):
        rows = []
        for name, position in stations.items():
            try:
                lon, lat = (float(v) for v in position)
            except (TypeError, ValueError):
                raise InputError(
                    f"station {name!r}: give (lon, lat) in degrees, got {position!r}"
                ) from None
            rows.append({"name": str(name), "lon": lon, "lat": lat})
        return _from_frame(pd.DataFrame(rows, columns=["name", "lon", "lat"]), "stations")
    raise InputError(
        "stations must be a DataFrame, a CSV/NetCDF path, a dataset or a mapping name → "
        f"(lon, lat), got {type(stations).__name__}"
    )


def _crs_dataset(grid: xr.Dataset, crs: Any) -> xr.Dataset:
    """``grid`` with a ``crs`` variable holding ``crs_wkt``: given, its own, or its scenario's."""
    if crs is not None:
        import pyproj

        wkt = pyproj.CRS.from_user_input(crs).to_wkt()
        return grid.assign(crs=xr.DataArray(np.int32(0), attrs={"crs_wkt": wkt}))
    if "crs" in grid and "crs_wkt" in grid["crs"].attrs:
        return grid
    if "scenario" in grid.attrs:
        from twinbench.scenarios import load
        from twinbench.scenarios.runner import build_domain

        domain = build_domain(load(json.loads(grid.attrs["scenario"])))
        return grid.assign(crs=domain["crs"])
    raise InputError(
        "the grid has no 'crs' grid mapping (crs_wkt) and no scenario to rebuild it from: "
        "pass crs= (e.g. 'EPSG:2154') or the domain"
    )


def match_stations(
    domain_or_run: xr.Dataset,
    stations: Any,
    *,
    max_distance: float | None = None,
    errors: str = "raise",
    crs: Any = None,
) -> pd.DataFrame:
    """Snap stations to the nearest wet cell of a domain or of a run's grid.

    Parameters
    ----------
    domain_or_run
        A domain (``depth`` over ``y, x`` and a ``crs`` grid mapping) or a run's output
        (its static ``depth``; the CRS from ``crs=`` or rebuilt from its ``scenario``).
    stations
        Anything :func:`station_table` reads (name, lon, lat).
    max_distance
        Furthest a station may be moved to water (m); default 1.5 cell diagonals, ≥ 1 km.
    errors
        For stations outside the domain or on land (no wet cell within ``max_distance``):
        ``"raise"`` an :class:`~twinbench.io.inputs.InputError` naming them all, ``"warn"``
        (a ``UserWarning`` naming them; they are left out) or ``"ignore"`` (left out).
    crs
        CRS of the grid's ``x``/``y`` when the dataset carries none (``"EPSG:2154"``).

    Returns
    -------
    pandas.DataFrame
        Indexed by name: ``lon, lat, x, y`` (the station, m in the grid's CRS), ``i, j``
        (``ds.isel(x=i, y=j)``), ``x_cell, y_cell``, ``distance_m`` and ``depth_m`` (the
        cell's depth below the datum).

    Examples
    --------
    >>> from twinbench.domains import gironde
    >>> table = match_stations(gironde("coarse"), {"Royan": (-1.028, 45.621)})
    >>> round(float(table.loc["Royan", "distance_m"]))
    1245
    """
    if errors not in ERRORS:
        raise InputError(f"errors must be one of {ERRORS}, got {errors!r}")
    if not isinstance(domain_or_run, xr.Dataset) or "depth" not in domain_or_run:
        raise InputError("match_stations needs a domain or a run with a static 'depth' (y, x)")
    table = station_table(stations)
    keep = [v for v in ("depth", "crs") if v in domain_or_run]
    grid = _crs_dataset(domain_or_run[keep], crs)
    rows, failed = [], []
    for name, row in table.iterrows():
        try:
            rows.append(locate_stations(grid, [name], [row["lon"]], [row["lat"]], max_distance))
        except ValueError as err:
            failed.append(str(err))
    if failed and errors == "raise":
        raise InputError("; ".join(failed))
    if failed and errors == "warn":
        warnings.warn("left out: " + "; ".join(failed), UserWarning, stacklevel=2)
    if not rows:
        columns = ["lon", "lat", "x", "y", "i", "j", "x_cell", "y_cell", "distance_m", "depth_m"]
        return pd.DataFrame(columns=columns, index=pd.Index([], name="name"))
    out = pd.concat(rows)
    depth = grid["depth"].transpose("y", "x").values
    out["depth_m"] = depth[out["j"].to_numpy(int), out["i"].to_numpy(int)].astype(float)
    return out
