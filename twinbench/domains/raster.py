"""Bathymetry rasters onto a model grid: the shipped ETOPO2v2 subset, the sampling of cells,
and the land/water clean-up shared by :func:`twinbench.domains.biscay` and
:mod:`twinbench.domains.bbox`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import numpy as np
import xarray as xr

from twinbench.domains.gironde import _need
from twinbench.io.inputs import InputError

SIDES = ("west", "east", "south", "north")
ETOPO_FILE = "etopo2v2_biscay.npz"
ETOPO_ATTRS = {
    "source": (
        "NOAA NGDC ETOPO2v2 (2006, public domain), 2 arc-min, via VACUMM data/ETOPO2v2g_flt.grd "
        "(commit 5d72cfd5314d9ba33d955c7c374903b8880d3c2c, CeCILL v2), twinbench's shipped "
        "Bay of Biscay subset lon -7.5..0, lat 42.5..49.5"
    ),
    "references": "ETOPO2v2: NOAA National Geophysical Data Center (2006), doi:10.7289/V5J1012Q",
    "license": "public domain (VACUMM packaging CeCILL v2)",
    "acknowledgement": "NOAA NGDC ETOPO2v2",
}


def etopo_depth(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Shipped ETOPO2v2 depth below MSL (m, positive down, land negative), bilinear."""
    interpolate = _need("scipy.interpolate")
    path = resources.files("twinbench.domains") / "data" / ETOPO_FILE
    with np.load(str(path)) as grid:
        f = interpolate.RegularGridInterpolator(
            (grid["lat"], grid["lon"]), -grid["z"].astype(np.float64)
        )
    return f(np.column_stack([lat.ravel(), lon.ravel()])).reshape(lat.shape)


def etopo_elevation() -> xr.DataArray:
    """The shipped ETOPO2v2 Bay of Biscay subset as ``elevation`` (m, positive up) over
    ``(latitude, longitude)`` — the shape of ``twinbench.data.emodnet.bathymetry``."""
    path = resources.files("twinbench.domains") / "data" / ETOPO_FILE
    with np.load(str(path)) as grid:
        lon, lat, z = grid["lon"], grid["lat"], grid["z"].astype(np.float64)
    return xr.DataArray(
        z,
        dims=("latitude", "longitude"),
        coords={
            "latitude": ("latitude", lat, {"units": "degrees_north"}),
            "longitude": ("longitude", lon, {"units": "degrees_east"}),
        },
        name="elevation",
        attrs={"units": "m", "standard_name": "height_above_mean_sea_level", **ETOPO_ATTRS},
    )


def sample_cells(
    depth_at: Callable[[np.ndarray, np.ndarray], np.ndarray],
    to_lonlat: Any,
    x_west: float,
    y_south: float,
    shape: tuple[int, int],
    spacing: float,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Sample each cell at ``k × k`` points: the count of sea points (depth > 0) per cell and
    the mean depth (m) of those points (0 where none).

    ``depth_at(lon, lat)`` gives depths (m, positive down; NaN counts as land); ``to_lonlat``
    is a pyproj transformer from the grid's x/y (m) to lon/lat.
    """
    ny, nx = shape
    d = spacing / k
    sub_x = x_west + (np.arange(nx * k) + 0.5) * d
    sub_y = y_south + (np.arange(ny * k) + 0.5) * d
    sub_lon, sub_lat = to_lonlat.transform(*np.meshgrid(sub_x, sub_y))
    sub_depth = depth_at(sub_lon, sub_lat)
    sea = sub_depth > 0
    blocks = (ny, k, nx, k)
    count = sea.reshape(blocks).sum(axis=(1, 3))
    mean = np.where(sea, sub_depth, 0.0).reshape(blocks).sum(axis=(1, 3)) / np.maximum(count, 1)
    return count, mean


def without_dead_ends(wet: np.ndarray) -> np.ndarray:
    """Make land of the wet cells with three or four land neighbours (4-connected), until none
    is left: one-cell inlets and isolated cells, which a grid this coarse cannot represent and
    where the wind would pile water up as in a closed box. Beyond the edges is water."""
    wet = wet.copy()
    while True:
        padded = np.pad(wet, 1, constant_values=True)
        land_neighbours = (
            (~padded[:-2, 1:-1]).astype(int)
            + ~padded[2:, 1:-1]
            + ~padded[1:-1, :-2]
            + ~padded[1:-1, 2:]
        )
        dead = wet & (land_neighbours >= 3)
        if not dead.any():
            return wet
        wet &= ~dead


def edge(array: np.ndarray, side: str) -> np.ndarray:
    return {"west": array[:, 0], "east": array[:, -1], "south": array[0, :], "north": array[-1, :]}[
        side
    ]


def keep_connected(wet: np.ndarray, sides: Sequence[str]) -> np.ndarray:
    """The wet cells 4-connected to the given sides; with no side, the largest water body."""
    ndimage = _need("scipy.ndimage")
    labels, count = ndimage.label(wet)
    if not sides:
        if count == 0:
            return wet.copy()
        sizes = np.bincount(labels.ravel())[1:]
        return labels == 1 + int(np.argmax(sizes))
    touching = np.unique(np.concatenate([edge(labels, side) for side in sides]))
    return np.isin(labels, touching[touching > 0])


def sides_with_water(wet: np.ndarray) -> tuple[str, ...]:
    """The sides (in :data:`SIDES` order) with at least one wet cell on them."""
    return tuple(side for side in SIDES if edge(wet, side).any())


def _coordinate(da: xr.DataArray, names: tuple[str, ...], standard_name: str) -> str:
    for name in da.coords:
        if da[name].attrs.get("standard_name") == standard_name and da[name].ndim == 1:
            return str(name)
    for name in names:
        if name in da.coords and da[name].ndim == 1:
            return name
    raise InputError(f"the elevation needs a 1-D {standard_name} coordinate (one of {names})")


def parse_elevation(elevation: Any) -> xr.DataArray:
    """The elevation (m, positive up) as a float DataArray over ascending (latitude, longitude)."""
    if isinstance(elevation, xr.Dataset):
        if "elevation" not in elevation:
            raise InputError(f"the dataset has no 'elevation' variable: {list(elevation)}")
        elevation = elevation["elevation"]
    if not isinstance(elevation, xr.DataArray):
        raise InputError(f"elevation must be an xarray.DataArray, got {type(elevation).__name__}")
    lat = _coordinate(elevation, ("latitude", "lat"), "latitude")
    lon = _coordinate(elevation, ("longitude", "lon"), "longitude")
    if set(elevation.dims) != {lat, lon}:
        raise InputError(f"the elevation must have dims ({lat!r}, {lon!r}), got {elevation.dims}")
    units = elevation.attrs.get("units", "m")
    if units not in ("m", "metre", "meter", "metres", "meters"):
        raise InputError(f"the elevation must be in metres (units 'm'), got units {units!r}")
    da = elevation.rename({lat: "latitude", lon: "longitude"}).transpose("latitude", "longitude")
    da = da.sortby("latitude").sortby("longitude").astype(np.float64)
    if da.sizes["latitude"] < 2 or da.sizes["longitude"] < 2:
        raise InputError(f"the elevation needs at least 2 × 2 points, got {dict(da.sizes)}")
    if not np.isfinite(da.values).any():
        raise InputError("the elevation has no finite value")
    return da
