"""A domain anywhere from a bounding box: bathymetry (EMODnet, or the shipped ETOPO2v2 subset)
→ a CF input dataset of the same shape and conventions as :func:`twinbench.domains.biscay`.

How a domain is built (``docs/domains.md`` has a measured example):

* the grid is a rectangle of square cells in a projected CRS, by default the UTM zone (WGS84,
  EPSG 326xx/327xx) of the box centre; it is the largest rectangle of whole cells (edges on
  multiples of the cell size) inside the box's outline in that CRS, so every cell has data;
* each cell is sampled at ``k × k`` points (spacing at most a third of the data's grid spacing,
  bilinear in the data); it is wet when at least half of its points are below sea level
  (missing data counts as land), with the mean depth of those points, clipped below at
  ``min_depth``;
* dead ends go (a wet cell with three or four land neighbours becomes land, repeatedly), then
  the sea not connected to an open side (lakes; with no open side, all but the largest water
  body) becomes land; land is high ground, :data:`LAND_DEPTH` (a negative depth);
* the open boundaries are the sides with water on them (``open_sides="auto"``) or those named;
* stations: by default the shipped TICON-4 gauges inside the box, snapped to the nearest wet
  cell (those with none within :data:`STATION_MAX_SNAP` are left out and listed in
  ``attrs["stations_dropped"]``).

The sampling and clean-up steps (:mod:`twinbench.domains.raster`) are those
:func:`~twinbench.domains.biscay` is built with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.domains.gironde import _need
from twinbench.domains.raster import (
    SIDES,
    edge,
    keep_connected,
    parse_elevation,
    sample_cells,
    sides_with_water,
    without_dead_ends,
)
from twinbench.domains.raster import etopo_elevation as etopo_elevation
from twinbench.domains.stations import locate_stations
from twinbench.io import cf
from twinbench.io.inputs import InputError

MAX_CELLS = 2_000_000  # the engine's memory and a usable time step on one device
MIN_CELLS_ACROSS = 4  # fewer cells across an axis is no domain
MAX_SUBSAMPLES = 8  # at most k × k = 64 sample points per cell
MAX_SAMPLE_POINTS = 16_000_000  # bounds the sampling memory (≈ 0.5 GB of float64 work arrays)
MIN_DEPTH = 2.0  # m below MSL, the default shallowest wet cell
LAND_DEPTH = -10.0  # m: land is 10 m above MSL, out of reach of tides
STATION_MAX_SNAP = 10_000.0  # m, the least distance a default gauge may be moved to water
EARTH_METRES_PER_DEGREE = 111_195.0  # along a meridian (mean radius 6371 km)
EMODNET_NATIVE = 1.0 / 960.0  # degrees, the EMODnet DTM's grid spacing (about 115 m)

TICON_ATTRIBUTION = "gauge positions: TICON-4 (CC-BY-4.0; Hart-Davis, Dettmering, Seitz et al.)"


def utm_crs(lon: float, lat: float):
    """The WGS84 UTM zone CRS (pyproj) of a point (standard 6° zones, no Norway exceptions)."""
    pyproj = _need("pyproj")
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def _crs_variable(crs) -> xr.DataArray:
    attrs = {k: v for k, v in crs.to_cf().items() if not isinstance(v, dict | list)}
    epsg = crs.to_epsg()
    attrs.update(crs_wkt=crs.to_wkt(), long_name=crs.name)
    if epsg is not None:
        attrs["epsg_code"] = f"EPSG:{epsg}"
    return xr.DataArray(np.int32(0), attrs=attrs)


def _grid_extent(bbox: tuple[float, float, float, float], to_grid: Any, spacing: float):
    """West/south edges and cell counts of the largest whole-cell rectangle inside the box."""
    west, south, east, north = bbox
    s = np.linspace(0.0, 1.0, 64)
    edges = {
        "west": (np.full_like(s, west), south + s * (north - south)),
        "east": (np.full_like(s, east), south + s * (north - south)),
        "south": (west + s * (east - west), np.full_like(s, south)),
        "north": (west + s * (east - west), np.full_like(s, north)),
    }
    xy = {side: to_grid.transform(*lonlat) for side, lonlat in edges.items()}
    x_west, x_east = np.max(xy["west"][0]), np.min(xy["east"][0])
    y_south, y_north = np.max(xy["south"][1]), np.min(xy["north"][1])
    x0 = np.ceil(x_west / spacing) * spacing
    y0 = np.ceil(y_south / spacing) * spacing
    nx = int(np.floor((x_east - x0) / spacing + 1e-9))
    ny = int(np.floor((y_north - y0) / spacing + 1e-9))
    return float(x0), float(y0), nx, ny, (x_east - x_west) * (y_north - y_south)


def _check_size(nx: int, ny: int, area: float, spacing: float, max_cells: int) -> None:
    if nx * ny > max_cells:
        finest = np.ceil(np.sqrt(area / max_cells) / 10.0) * 10.0
        raise InputError(
            f"resolution {spacing:g} m is too fine for the box: {nx} × {ny} = {nx * ny:,} cells, "
            f"more than {max_cells:,} (the memory and time step of one device); use at least "
            f"{finest:g} m or a smaller box"
        )
    if min(nx, ny) < MIN_CELLS_ACROSS:
        across = np.sqrt(area) if area > 0 else 0.0
        coarsest = np.floor(min(across, area / max(across, 1.0)) / MIN_CELLS_ACROSS)
        raise InputError(
            f"resolution {spacing:g} m is too coarse for the box: {nx} × {ny} cells, fewer than "
            f"{MIN_CELLS_ACROSS} across; use at most about {coarsest:g} m or a larger box"
        )


def _open_sides(open_sides: Any, wet: np.ndarray) -> tuple[str, ...]:
    if isinstance(open_sides, str):
        if open_sides == "auto":
            return sides_with_water(wet)
        open_sides = () if open_sides == "none" else open_sides.split()
    sides = tuple(open_sides)
    unknown = [s for s in sides if s not in SIDES]
    if unknown:
        raise InputError(
            f"open_sides must be 'auto', 'none' or sides among {list(SIDES)}, got {unknown!r}"
        )
    dry = [s for s in sides if not edge(wet, s).any()]
    if dry:
        raise InputError(f"open side(s) {dry} have no water on them: they cannot be open")
    return tuple(s for s in SIDES if s in sides)


def _default_stations(bbox) -> tuple[list[str], list[str], list[float], list[float]]:
    from twinbench.tides import ticon_stations

    table = ticon_stations()
    west, south, east, north = bbox
    inside = table[table["longitude"].between(west, east) & table["latitude"].between(south, north)]
    inside = inside[~inside["name"].duplicated()]  # one gauge per name (Brest's two records)
    return (
        inside["name"].tolist(),
        inside.index.tolist(),
        inside["longitude"].tolist(),
        inside["latitude"].tolist(),
    )


def _stations(domain: xr.Dataset, stations: Any, bbox) -> tuple[xr.Dataset, list[str]]:
    if stations is False:
        return domain, []
    spacing = float(domain.attrs["resolution_m"])
    snap = max(1.5 * np.hypot(spacing, spacing), STATION_MAX_SNAP)
    if stations is None:
        names, ids, lon, lat = _default_stations(bbox)
    else:
        from twinbench.analysis.matching import station_table

        table = station_table(stations)
        names, lon, lat = table.index.tolist(), table["lon"].tolist(), table["lat"].tolist()
        ids = [""] * len(names)
    rows, dropped = [], []
    for name, sid, lo, la in zip(names, ids, lon, lat, strict=True):
        try:
            row = locate_stations(domain, [name], [lo], [la], max_distance=snap).iloc[0]
        except ValueError:
            dropped.append(name)
            continue
        rows.append((name, sid, row))
    if dropped and stations is not None:
        raise InputError(
            f"station(s) {dropped} are outside the domain or have no wet cell within {snap:.0f} m"
        )
    dim = "station"
    data = {
        "station_name": (dim, np.array([r[0] for r in rows], dtype=str), {
            "cf_role": "timeseries_id", "long_name": "station name"}),
        "station_id": (dim, np.array([r[1] for r in rows], dtype=str), {
            "long_name": "TICON-4 station id (empty when not a TICON-4 gauge)"}),
        "station_lon": (dim, np.array([r[2]["lon"] for r in rows], float), {
            "units": "degrees_east", "long_name": "station longitude"}),
        "station_lat": (dim, np.array([r[2]["lat"] for r in rows], float), {
            "units": "degrees_north", "long_name": "station latitude"}),
        "station_i": (dim, np.array([r[2]["i"] for r in rows], int), {
            "long_name": "cell index in x"}),
        "station_j": (dim, np.array([r[2]["j"] for r in rows], int), {
            "long_name": "cell index in y"}),
        "station_distance_m": (dim, np.array([r[2]["distance_m"] for r in rows], float), {
            "units": "m", "long_name": "distance from the station to its cell centre"}),
    }  # fmt: skip
    return domain.assign(data), dropped


def domain_stations(domain: xr.Dataset) -> pd.DataFrame:
    """The stations stored in a bbox domain as a table indexed by name (``lon, lat, i, j,
    distance_m, station_id``), the shape :func:`twinbench.domains.locate_stations` returns."""
    if "station_name" not in domain:
        return pd.DataFrame(columns=["lon", "lat", "i", "j", "distance_m", "station_id"])
    return pd.DataFrame(
        {
            "lon": domain["station_lon"].values,
            "lat": domain["station_lat"].values,
            "i": domain["station_i"].values,
            "j": domain["station_j"].values,
            "distance_m": domain["station_distance_m"].values,
            "station_id": domain["station_id"].values,
        },
        index=pd.Index(domain["station_name"].values, name="name"),
    )


def parse_bbox(bbox: Any) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` in degrees east/north, checked: 4 finite numbers in
    range, west < east, south < north."""
    if isinstance(bbox, str) or not isinstance(bbox, Sequence | np.ndarray) or len(bbox) != 4:
        raise InputError(f"bbox must be (west, south, east, north) in degrees, got {bbox!r}")
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InputError(f"bbox must hold 4 numbers (degrees), got {bbox!r}") from None
    if not all(np.isfinite([west, south, east, north])):
        raise InputError(f"bbox has a NaN or infinite value: {bbox!r}")
    if not (
        -180 <= west <= 360 and -180 <= east <= 360 and -90 <= south <= 90 and -90 <= north <= 90
    ):
        raise InputError(f"bbox is out of range (lon −180…360, lat −90…90): {bbox!r}")
    if west >= east or south >= north:
        raise InputError(
            f"bbox must be (west, south, east, north) with west < east and south < north, got "
            f"{bbox!r} (degenerate or out of order)"
        )
    return west, south, east, north


def _resolution(resolution: Any) -> float:
    if isinstance(resolution, bool) or not isinstance(resolution, int | float | np.number):
        raise InputError(f"resolution must be a cell size in metres, got {resolution!r}")
    value = float(resolution)
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"resolution must be a positive number of metres, got {resolution!r}")
    return value


def _projected(crs: Any, bbox) -> Any:
    pyproj = _need("pyproj")
    if crs is None:
        return utm_crs(0.5 * (bbox[0] + bbox[2]), 0.5 * (bbox[1] + bbox[3]))
    try:
        crs = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as err:
        raise InputError(f"crs {crs!r} is not a CRS pyproj knows: {err}") from None
    if not crs.is_projected:
        raise InputError(f"crs must be a projected CRS (metres), got {crs.name!r}")
    return crs


def _build(
    elevation: xr.DataArray,
    bbox: tuple[float, float, float, float],
    spacing: float,
    *,
    name: str | None,
    crs: Any,
    min_depth: float,
    open_sides: Any,
    stations: Any,
    max_cells: int,
) -> xr.Dataset:
    pyproj, interpolate = _need("pyproj"), _need("scipy.interpolate")
    if isinstance(min_depth, bool) or not np.isfinite(min_depth) or min_depth <= 0:
        raise InputError(f"min_depth must be a depth > 0 m, got {min_depth!r}")
    crs = _projected(crs, bbox)
    to_grid = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    x0, y0, nx, ny, area = _grid_extent(bbox, to_grid, spacing)
    _check_size(nx, ny, area, spacing, max_cells)
    lat_nodes, lon_nodes = elevation["latitude"].values, elevation["longitude"].values
    data_spacing = EARTH_METRES_PER_DEGREE * min(
        np.median(np.diff(lat_nodes)),
        np.median(np.diff(lon_nodes)) * np.cos(np.deg2rad(0.5 * (bbox[1] + bbox[3]))),
    )
    k = int(np.clip(np.ceil(3.0 * spacing / data_spacing - 1e-9), 1, MAX_SUBSAMPLES))
    k = max(1, min(k, int(np.sqrt(MAX_SAMPLE_POINTS / (nx * ny)))))
    f = interpolate.RegularGridInterpolator(
        (lat_nodes, lon_nodes), -elevation.values, bounds_error=False, fill_value=np.nan
    )

    def depth_at(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return f(np.column_stack([lat.ravel(), lon.ravel()])).reshape(lat.shape)

    count, mean = sample_cells(depth_at, to_lonlat, x0, y0, (ny, nx), spacing, k)
    wet = without_dead_ends(count >= 0.5 * k * k)
    if not wet.any():
        raise InputError(
            f"no water in the box {bbox}: at {spacing:g} m no cell is at least half below sea "
            "level (move the box over the sea or use a finer resolution)"
        )
    sides = _open_sides(open_sides, wet)
    wet = keep_connected(wet, sides)
    sides = tuple(s for s in sides if edge(wet, s).any())
    depth = np.where(wet, np.maximum(mean, min_depth), LAND_DEPTH)
    x = x0 + (np.arange(nx) + 0.5) * spacing
    y = y0 + (np.arange(ny) + 0.5) * spacing
    lon, lat = to_lonlat.transform(*np.meshgrid(x, y))
    on_grid = {"grid_mapping": "crs", "coordinates": "lat lon"}
    coords = {
        "x": ("x", x, {**cf.attrs("x"), "axis": "X"}),
        "y": ("y", y, {**cf.attrs("y"), "axis": "Y"}),
        "lon": (("y", "x"), lon, {
            "standard_name": "longitude", "units": "degrees_east", "long_name": "longitude"}),
        "lat": (("y", "x"), lat, {
            "standard_name": "latitude", "units": "degrees_north", "long_name": "latitude"}),
    }  # fmt: skip
    data = {
        "depth": (("y", "x"), depth, {
            **cf.attrs("depth"), **on_grid,
            "comment": f"below mean sea level; wet cells at least {min_depth:g} m; land "
                       f"{LAND_DEPTH:g} m"}),
        "land_mask": (("y", "x"), (depth <= 0).astype(np.int8), {
            "standard_name": "land_binary_mask", "units": "1", **on_grid,
            "long_name": "land (1) or water (0)"}),
        "water_fraction": (("y", "x"), count / k**2, {
            "units": "1", **on_grid,
            "long_name": "fraction of the cell's sample points below sea level"}),
        "crs": _crs_variable(crs),
    }  # fmt: skip
    label = name or "bbox {:.3f} {:.3f} {:.3f} {:.3f}".format(*bbox)
    epsg = crs.to_epsg()
    attrs = {
        "title": f"{label} domain, {spacing:g} m grid ({crs.name})",
        "Conventions": "CF-1.10",
        "institution": "twinbench",
        "domain_name": label,
        "bbox": "{} {} {} {}".format(*bbox),
        "resolution_m": spacing,
        "open_boundaries": " ".join(sides),
        "closed_boundaries": " ".join(s for s in SIDES if s not in sides),
        "minimum_depth_m": float(min_depth),
        "cells_clipped_to_minimum_depth": int(np.sum(wet & (mean < min_depth))),
        "subsamples_per_cell": k * k,
        "vertical_datum": "mean sea level (depth positive down; land stored negative)",
        "source": str(elevation.attrs.get("source", "user-supplied elevation")),
        "license": str(elevation.attrs.get("license", elevation.attrs.get("licence", ""))),
    }
    if epsg is not None:
        attrs["epsg"] = epsg
    for key in ("references", "acknowledgement", "attribution"):
        if key in elevation.attrs:
            attrs[key] = str(elevation.attrs[key])
    domain = xr.Dataset(data, coords=coords, attrs=attrs)
    domain, dropped = _stations(domain, stations, bbox)
    if stations is None:
        domain.attrs["source"] += f"; {TICON_ATTRIBUTION}"
        domain.attrs["stations_dropped"] = ", ".join(dropped)
    return domain


def from_bathymetry(
    elevation: xr.DataArray,
    resolution: float,
    *,
    name: str | None = None,
    crs: Any = None,
    min_depth: float = MIN_DEPTH,
    open_sides: str | Sequence[str] = "auto",
    stations: Any = None,
    max_cells: int = MAX_CELLS,
) -> xr.Dataset:
    """A model domain over the whole extent of a lat/lon elevation grid.

    Parameters
    ----------
    elevation
        ``elevation`` (m, positive up, negative below sea level; NaN = no data, counted as
        land) over 1-D ``latitude``/``longitude`` (degrees north/east; ``lat``/``lon`` or
        CF ``standard_name`` also found), e.g. ``twinbench.data.emodnet.bathymetry(bbox)``.
        Its ``source``/``license`` attributes are carried into the domain.
    resolution
        Cell size in m. The grid may hold at most ``max_cells`` cells and at least
        :data:`MIN_CELLS_ACROSS` along each axis.
    name
        The domain's name in its title.
    crs
        Projected CRS of the grid (anything pyproj reads: ``"EPSG:2154"``, a ``pyproj.CRS``);
        default the UTM zone of the box centre.
    min_depth
        Shallowest wet cell (m below MSL): shallower water is deepened to it.
    open_sides
        ``"auto"`` (the sides with water on them), ``"none"`` (all walls: a closed basin) or
        the sides to open (``("west", "north")``); named sides must have water.
    stations
        ``None``: the shipped TICON-4 gauges inside the box, snapped to wet cells (those
        without one within :data:`STATION_MAX_SNAP` are dropped and listed in
        ``attrs["stations_dropped"]``); ``False``: none; or stations as
        :func:`twinbench.analysis.match_stations` takes them (all must snap).
    max_cells
        Cap on the number of cells (default :data:`MAX_CELLS`).

    Returns
    -------
    xarray.Dataset
        As :func:`twinbench.domains.biscay`: ``depth`` (``sea_floor_depth_below_geoid``, m
        below MSL, wet cells ≥ ``min_depth``, land :data:`LAND_DEPTH`) on projected cell
        centres ``x``, ``y`` (m) with 2-D ``lon``/``lat``, a ``crs`` grid mapping,
        ``land_mask``, ``water_fraction``; ``station_*`` variables over ``station``
        (:func:`domain_stations`); ``attrs["open_boundaries"]``.

    Examples
    --------
    >>> ds = from_bathymetry(etopo_elevation().sel(longitude=slice(-2.6, -1.9),
    ...                      latitude=slice(47.0, 47.45)), 2000.0)
    >>> ds.attrs["epsg"], ds.attrs["open_boundaries"], ds.station_name.values.tolist()
    (32630, 'west south north', ['Saint Nazaire'])
    """
    da = parse_elevation(elevation)
    lon, lat = da["longitude"].values, da["latitude"].values
    bbox = (float(lon[0]), float(lat[0]), float(lon[-1]), float(lat[-1]))
    return _build(
        da, bbox, _resolution(resolution), name=name, crs=crs, min_depth=min_depth,
        open_sides=open_sides, stations=stations, max_cells=max_cells,
    )  # fmt: skip


def _etopo_cut(bbox: tuple[float, float, float, float]) -> xr.DataArray:
    full = etopo_elevation()
    lon, lat = full["longitude"].values, full["latitude"].values
    west, south, east, north = bbox
    if west < lon[0] or east > lon[-1] or south < lat[0] or north > lat[-1]:
        raise InputError(
            f"bbox {bbox} is outside the shipped ETOPO2v2 subset (lon {lon[0]:g}…{lon[-1]:g}, "
            f"lat {lat[0]:g}…{lat[-1]:g}); use source='emodnet' for other places"
        )
    i0, i1 = np.searchsorted(lon, west, "right") - 1, np.searchsorted(lon, east, "left") + 1
    j0, j1 = np.searchsorted(lat, south, "right") - 1, np.searchsorted(lat, north, "left") + 1
    return full.isel(longitude=slice(max(i0, 0), i1), latitude=slice(max(j0, 0), j1))


def from_bbox(
    bbox: Sequence[float],
    resolution: float,
    *,
    source: str = "emodnet",
    url: str | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """A model domain over a bounding box, from EMODnet bathymetry or the shipped ETOPO2v2.

    Parameters
    ----------
    bbox
        ``(west, south, east, north)`` in degrees east/north (WGS84).
    resolution
        Cell size in m (see :func:`from_bathymetry` for the limits).
    source
        ``"emodnet"``: the EMODnet Bathymetry DTM for the box through
        ``twinbench.data.emodnet.bathymetry`` (cached; needs the internet the first time);
        ``"etopo"``: the shipped NOAA ETOPO2v2 subset (2 arc-min, lon −7.5…0, lat 42.5…49.5;
        offline).
    url
        Another WCS endpoint serving EMODnet's coverage (a mirror, an institute's own
        GeoServer); default ``twinbench.data.emodnet.URL``. Only with ``source="emodnet"``.
    **kwargs
        Passed to :func:`from_bathymetry` (``name``, ``crs``, ``min_depth``, ``open_sides``,
        ``stations``, ``max_cells``).

    Examples
    --------
    >>> ds = from_bbox((-1.6, 45.8, -1.0, 46.3), 2000.0, source="etopo")
    >>> ds.sizes["x"], ds.sizes["y"], ds.attrs["open_boundaries"]
    (22, 27, 'west south north')
    """
    box = parse_bbox(bbox)
    spacing = _resolution(resolution)
    if url is not None and source != "emodnet":
        raise InputError(
            f"url= is the EMODnet WCS endpoint: it needs source='emodnet', not {source!r}"
        )
    if source == "etopo":
        elevation = _etopo_cut(box)
    elif source == "emodnet":
        try:
            from twinbench.data.emodnet import bathymetry
        except ImportError as err:
            raise ImportError(
                f"source='emodnet' needs twinbench.data.emodnet ({err}); "
                "pip install 'twinbench[data]', or use source='etopo' offline"
            ) from None
        # About three samples per cell suffice (:func:`from_bathymetry`): a coarser request
        # than EMODnet's native 1/960° keeps large boxes within the service's limits.
        degrees = spacing / 3.0 / EARTH_METRES_PER_DEGREE
        endpoint = {} if url is None else {"url": url}
        elevation = bathymetry(
            box, resolution=degrees if degrees > EMODNET_NATIVE else None, **endpoint
        )
    else:
        raise InputError(f"source must be 'emodnet' or 'etopo', got {source!r}")
    da = parse_elevation(elevation)
    lon, lat = da["longitude"].values, da["latitude"].values
    if (
        box[0] < lon[0] - 1e-9
        or box[2] > lon[-1] + 1e-9
        or box[1] < lat[0] - 1e-9
        or box[3] > lat[-1] + 1e-9
    ):
        # Data that do not reach the box's edges: build on what they cover.
        box = (max(box[0], lon[0]), max(box[1], lat[0]), min(box[2], lon[-1]), min(box[3], lat[-1]))
    kwargs.setdefault("name", None)
    return _build(da, box, spacing, **{
        "crs": None, "min_depth": MIN_DEPTH, "open_sides": "auto", "stations": None,
        "max_cells": MAX_CELLS, **kwargs})  # fmt: skip
