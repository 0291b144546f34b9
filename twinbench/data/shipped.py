"""Readers of the data shipped with twinbench (offline): each returns CF xarray.

The files live in the package (TICON-4 constants in ``twinbench/tides/data/ticon4/``, ETOPO2v2
and the Histolitt coastline in ``twinbench/domains/data/``) or in the repository's
``catalogs/data/`` folder (drifter track, SHOM reference levels); licences and attributions are
in the READMEs beside them and in ``catalogs/twinbench.yaml``.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.data import _cf
from twinbench.io.inputs import InputError
from twinbench.tides.ticon import ATTRIBUTION as TICON_ATTRIBUTION
from twinbench.tides.ticon import ticon

_DOMAIN_DATA = resources.files("twinbench.domains") / "data"

HISTOLITT_ATTRIBUTION = "© IGN-Shom 2009 (Histolitt v1.0, SHOM metadata BDML_TCH)"
ETOPO_ATTRIBUTION = (
    "NOAA National Geophysical Data Center (2006), 2-minute Gridded Global Relief Data "
    "(ETOPO2v2), doi:10.7289/V5J1012Q; packaged by VACUMM (Ifremer/Actimar, CeCILL v2)."
)
GDP_ATTRIBUTION = "NOAA Global Drifter Program (AOML); https://www.aoml.noaa.gov/phod/gdp/"
RAM_ATTRIBUTION = (
    "SHOM, Références Altimétriques Maritimes (RAM); tabulated by VACUMM (Ifremer/Actimar), "
    "CeCILL v2."
)


def tide_constants(station: str) -> xr.Dataset:
    """TICON-4 harmonic constants of one shipped tide gauge, with CF station coordinates.

    Amplitudes in m and Greenwich phase lags in degrees (UTC) over ``constituent``; the
    station's position as scalar ``latitude``/``longitude``; tidal datums (m) in the attributes.

    >>> ds = tide_constants("Bordeaux")
    >>> float(ds.latitude) > 44.8, ds.amplitude.attrs["units"]
    (True, 'm')
    """
    try:
        ds = ticon(station)
    except ValueError as err:
        raise InputError(str(err)) from None
    ds = ds.assign_coords(
        latitude=ds.attrs["latitude"],
        longitude=ds.attrs["longitude"],
        station_name=ds.attrs["station"],
    )
    ds["constituent"].attrs["long_name"] = "tidal constituent (Foreman names)"
    ds["station_name"].attrs.update({"cf_role": "timeseries_id", "long_name": "station name"})
    ds.attrs.update(
        _cf.attribution(ds.attrs["source"], ds.attrs["license"], TICON_ATTRIBUTION)
        | {"featureType": "point"}
    )
    return _cf.with_coords(ds)


def shelf_bathymetry() -> xr.DataArray:
    """The shipped ETOPO2v2 relief of the Bay of Biscay (lon −7.5…0, lat 42.5…49.5, 2′).

    Returns ``elevation`` over ``(latitude, longitude)`` in m, positive up (negative = depth),
    the same form as :func:`twinbench.data.emodnet.bathymetry`.

    >>> z = shelf_bathymetry()
    >>> z.dims, z.attrs["units"]
    (('latitude', 'longitude'), 'm')
    """
    with (_DOMAIN_DATA / "etopo2v2_biscay.npz").open("rb") as handle, np.load(handle) as npz:
        lon, lat, z = npz["lon"], npz["lat"], npz["z"].astype(np.float32)
    da = xr.DataArray(
        z,
        dims=("latitude", "longitude"),
        coords={"latitude": lat, "longitude": lon},
        name="elevation",
        attrs={
            "standard_name": "height_above_mean_sea_level",
            "units": "m",
            "long_name": "bed elevation above mean sea level (negative below)",
            "positive": "up",
        },
    )
    da.attrs.update(
        _cf.attribution(
            "NOAA NGDC ETOPO2v2 (2006), 2 arc-min, via VACUMM data/ETOPO2v2g_flt.grd",
            "Public domain (NOAA); VACUMM packaging CeCILL v2",
            ETOPO_ATTRIBUTION,
        )
    )
    return _cf.with_coords(da)


def drifter_track(path: str | Path) -> xr.Dataset:
    """A Global Drifter Program track from an ERDDAP-style CSV (second row = units).

    Returns a CF ``trajectory``: ``time`` with ``latitude``/``longitude`` coordinates,
    ``sea_surface_temperature`` (degC) and ``air_pressure_at_sea_level`` (hPa).
    """
    table = pd.read_csv(path, skiprows=[1])
    needed = {"time", "latitude", "longitude", "sst", "slp", "platform_code"}
    if missing := needed - set(table.columns):
        raise InputError(f"{path}: not a drifter CSV, missing columns {sorted(missing)}")
    times = pd.to_datetime(table["time"], utc=True)
    ds = xr.Dataset(
        {
            "sst": (
                "time",
                table["sst"].to_numpy(float),
                {
                    "standard_name": "sea_surface_temperature",
                    "units": "degC",
                    "long_name": "sea surface temperature",
                },
            ),
            "slp": (
                "time",
                table["slp"].to_numpy(float),
                {
                    "standard_name": "air_pressure_at_mean_sea_level",
                    "units": "hPa",
                    "long_name": "sea-level pressure",
                },
            ),
        },
        coords={
            "time": times.dt.tz_localize(None).to_numpy(),
            "latitude": ("time", table["latitude"].to_numpy(float)),
            "longitude": ("time", table["longitude"].to_numpy(float)),
            "trajectory": str(table["platform_code"].iloc[0]),
        },
        attrs=_cf.attribution(
            "NOAA AOML Global Drifter Program", "Public domain (NOAA)", GDP_ATTRIBUTION
        )
        | {"featureType": "trajectory"},
    )
    ds["trajectory"].attrs.update({"cf_role": "trajectory_id", "long_name": "GDP buoy id"})
    return _cf.with_coords(ds)


def _rings(geometry: dict) -> list[tuple[list, bool]]:
    """``(ring coordinates, is_interior)`` of every ring of a (Multi)Polygon, part by part."""
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    if not polygons:
        raise InputError(f"coastline geometries must be polygons, got {geometry['type']!r}")
    return [(ring, k > 0) for polygon in polygons for k, ring in enumerate(polygon)]


def coastline(path: str | Path | None = None) -> xr.Dataset:
    """The shipped Histolitt land polygons as CF-1.8 polygon geometries (one per feature).

    Nodes ``x``/``y`` (longitude/latitude, degrees) of all rings, with ``node_count`` per
    geometry, ``part_node_count`` per ring and ``interior_ring`` (1 for holes), referenced by
    the geometry container variable ``coastline``.

    >>> ds = coastline()
    >>> ds.coastline.attrs["geometry_type"], int(ds.node_count.sum()) == ds.sizes["node"]
    ('polygon', True)
    """
    source = Path(path) if path else _DOMAIN_DATA / "histolitt_land_gironde_simplified.geojson"
    collection = json.loads(source.read_text())
    xs, ys, node_count, part_count, interior = [], [], [], [], []
    for feature in collection["features"]:
        rings = _rings(feature["geometry"])
        node_count.append(sum(len(ring) for ring, _ in rings))
        for ring, hole in rings:
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
            part_count.append(len(ring))
            interior.append(int(hole))
    ds = xr.Dataset(
        {
            "coastline": (
                (),
                0,
                {
                    "geometry_type": "polygon",
                    "node_count": "node_count",
                    "part_node_count": "part_node_count",
                    "interior_ring": "interior_ring",
                    "node_coordinates": "x y",
                    "long_name": "land polygons (Histolitt v1.0)",
                },
            ),
            "node_count": ("instance", node_count, {"long_name": "nodes per geometry"}),
            "part_node_count": ("part", part_count, {"long_name": "nodes per ring"}),
            "interior_ring": (
                "part",
                interior,
                {
                    "long_name": "ring is a hole",
                    "flag_values": [0, 1],
                    "flag_meanings": "outer hole",
                },
            ),
        },
        coords={
            "x": ("node", xs, {"axis": "X"} | _cf.COORDS["longitude"]),
            "y": ("node", ys, {"axis": "Y"} | _cf.COORDS["latitude"]),
        },
        attrs=_cf.attribution(
            "SHOM/IGN Histolitt v1.0, clipped to the Gironde and simplified to ~20 m",
            "SHOM/IGN open data (Licence Ouverte / Open Licence, Etalab)",
            HISTOLITT_ATTRIBUTION,
        ),
    )
    ds.attrs["Conventions"] = "CF-1.10"  # geometries are CF-1.8 and later
    return ds


_DMS = re.compile(r"(\d+)\s+(\d+)'(\d+)\"([NSEW])")
_ROW = re.compile(
    r"^(?P<name>.+?)\s+(?:\S+\s+){6}(?P<lat>\d+ \d+'\d+\"[NS])\s+(?P<lon>\d+ \d+'\d+\"[EW])\s+"
    r"(?P<zone>\S+)\s+(?P<levels>(?:-?\d+\s+){6}-?\d+)\s+(?P<zh>\S+)(?:\s+m\s+(?P<ref>\S+))?\s*$"
)
LEVELS = {
    "phma": "highest astronomical tide (PHMA)",
    "pmve": "mean high water springs, coefficient 95 (PM VE)",
    "pmme": "mean high water neaps, coefficient 45 (PM ME)",
    "nm": "mean sea level (NM)",
    "bmme": "mean low water neaps, coefficient 45 (BM ME)",
    "bmve": "mean low water springs, coefficient 95 (BM VE)",
    "pbma": "lowest astronomical tide (PBMA)",
}


def _degrees(text: str) -> float:
    deg, minutes, seconds, hemisphere = _DMS.match(text).groups()
    value = int(deg) + int(minutes) / 60 + int(seconds) / 3600
    return -value if hemisphere in "SW" else value


def reference_levels(path: str | Path) -> xr.Dataset:
    """SHOM typical tide levels of French ports (VACUMM ``ports.txt``), in m above chart datum.

    One ``port`` dimension; a variable per level (:data:`LEVELS`) with CF standard name
    ``water_surface_height_above_reference_datum`` and ``reference_datum = "chart datum"``,
    and ``chart_datum_height`` (m) relative to the levelling datum named in
    ``chart_datum_reference`` (IGN69 or NGF), NaN where the file says None.
    """
    rows = [
        match.groupdict()
        for line in Path(path).read_text(encoding="latin-1").splitlines()
        if (match := _ROW.match(line)) and not line.startswith("Nom ")
    ]
    if not rows:
        raise InputError(f"{path}: no port rows found (not a VACUMM ports.txt file)")
    levels = np.array([[float(v) for v in r["levels"].split()] for r in rows]) / 100.0
    zh = [float(r["zh"].replace(",", ".")) if r["zh"] != "None" else np.nan for r in rows]
    data = {
        name: (
            "port",
            levels[:, k],
            _cf.SEA_LEVEL
            | {"long_name": text, "reference_datum": "chart datum (zéro hydrographique)"},
        )
        for k, (name, text) in enumerate(LEVELS.items())
    }
    data["chart_datum_height"] = (
        "port",
        np.array(zh),
        {"units": "m", "long_name": "height of chart datum above the levelling datum"},
    )
    data["chart_datum_reference"] = (
        "port",
        [r["ref"] or "" for r in rows],
        {"long_name": "levelling datum of chart_datum_height (IGN69 or NGF)"},
    )
    ds = xr.Dataset(
        data,
        coords={
            "port": [r["name"].strip() for r in rows],
            "latitude": ("port", [_degrees(r["lat"]) for r in rows]),
            "longitude": ("port", [_degrees(r["lon"]) for r in rows]),
            "zone": ("port", [r["zone"] for r in rows], {"long_name": "SHOM tide zone"}),
        },
        attrs=_cf.attribution(
            "SHOM Références Altimétriques Maritimes (~2010) via VACUMM data/sea_level/ports.txt",
            "CeCILL v2 (VACUMM); values from SHOM RAM",
            RAM_ATTRIBUTION,
        )
        | {"featureType": "point"},
    )
    ds["port"].attrs.update({"cf_role": "timeseries_id", "long_name": "port"})
    return _cf.with_coords(ds)


def mean_sea_level(path: str | Path) -> xr.Dataset:
    """Mean sea level above chart datum at French ports (VACUMM ``niv_moy.txt``), in m."""
    table = pd.read_fwf(path, header=None, names=["port", "latitude", "longitude", "msl"])
    table = table.dropna()
    if table.empty:
        raise InputError(f"{path}: no rows found (not a VACUMM niv_moy.txt file)")
    ds = xr.Dataset(
        {
            "mean_sea_level": (
                "port",
                table["msl"].to_numpy(float),
                _cf.SEA_LEVEL
                | {
                    "long_name": "mean sea level above chart datum",
                    "reference_datum": "chart datum (zéro hydrographique)",
                    "cell_methods": "time: mean",
                },
            )
        },
        coords={
            "port": table["port"].astype(str).to_numpy(),
            "latitude": ("port", table["latitude"].to_numpy(float)),
            "longitude": ("port", table["longitude"].to_numpy(float)),
        },
        attrs=_cf.attribution(
            "SHOM Références Altimétriques Maritimes (~2010) via VACUMM data/sea_level/niv_moy.txt",
            "CeCILL v2 (VACUMM); values from SHOM RAM",
            RAM_ATTRIBUTION,
        )
        | {"featureType": "point"},
    )
    ds["port"].attrs.update({"cf_role": "timeseries_id", "long_name": "port"})
    return _cf.with_coords(ds)
