"""EMODnet Bathymetry for any bounding box, from the EMODnet Web Coverage Service (WCS).

Request (OGC WCS 1.0.0, GeoServer; coverage ``emodnet:mean``, the mean depth of the EMODnet
Digital Terrain Model, native grid 1/16 arc-minute ≈ 115 m)::

    GET https://ows.emodnet-bathymetry.eu/wcs?service=WCS&version=1.0.0&request=GetCoverage
        &coverage=emodnet:mean&crs=EPSG:4326&bbox=lon_min,lat_min,lon_max,lat_max
        &format=GeoTIFF&resx=0.0010416667&resy=0.0010416667&interpolation=nearest

The answer is a single-band float GeoTIFF, rows from north to south, georeferenced by its
``ModelPixelScale``/``ModelTiepoint`` tags; values are elevations in metres, negative below
the sea. It is read with ``tifffile`` (no GDAL needed), cached in ``$TWINBENCH_CACHE`` with
the hash recorded at download time, and returned as CF xarray.

Licence CC-BY-4.0; attribution "EMODnet Bathymetry Consortium, EMODnet Digital Bathymetry
(DTM)".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from twinbench.data import _cf
from twinbench.data.fetch import DataError, fetch_file
from twinbench.io.inputs import InputError

URL = "https://ows.emodnet-bathymetry.eu/wcs"
SERVICE = "EMODnet Bathymetry WCS"
COVERAGE = "emodnet:mean"
NATIVE_RESOLUTION = 1.0 / 960.0  # degrees: 1/16 arc-minute
MAX_CELLS = 25_000_000  # a larger request is refused before it is sent (WCS size limits)
ATTRIBUTION = (
    "EMODnet Bathymetry Consortium, EMODnet Digital Bathymetry (DTM); "
    "https://emodnet.ec.europa.eu/en/bathymetry (CC-BY-4.0)"
)

_PIXEL_SCALE, _TIEPOINT, _GEOKEYS, _NODATA = 33550, 33922, 34735, 42113
_RASTER_TYPE_KEY, _PIXEL_IS_POINT = 1025, 2


def request(box: tuple[float, float, float, float], resolution: float) -> dict[str, Any]:
    """The WCS 1.0.0 GetCoverage query parameters for a box and a grid spacing (degrees)."""
    return {
        "service": "WCS",
        "version": "1.0.0",
        "request": "GetCoverage",
        "coverage": COVERAGE,
        "crs": "EPSG:4326",
        "bbox": ",".join(f"{v:.6f}" for v in box),
        "format": "GeoTIFF",
        "resx": f"{resolution:.10f}",
        "resy": f"{resolution:.10f}",
        "interpolation": "nearest",
    }


def read_geotiff(path: str | Path) -> xr.DataArray:
    """A single-band geographic GeoTIFF as a DataArray over ascending ``(latitude, longitude)``.

    Cell-centre coordinates come from the ``ModelPixelScale`` and ``ModelTiepoint`` tags
    (pixel-is-area unless the GeoKeys say pixel-is-point); the ``GDAL_NODATA`` value becomes
    NaN.

    Raises
    ------
    DataError
        The file is not a readable georeferenced TIFF (an XML error page, a truncated file).
    """
    import tifffile

    try:
        with tifffile.TiffFile(path) as tif:
            page = tif.pages[0]
            values = page.asarray().astype(np.float32)
            tags = {tag.code: tag.value for tag in page.tags.values()}
    except (tifffile.TiffFileError, ValueError, OSError) as err:
        head = Path(path).read_bytes()[:200].decode("latin-1", "replace")
        raise DataError(
            f"{SERVICE}: the answer is not a readable GeoTIFF ({err}): {head!r}"
        ) from err
    if values.ndim != 2 or _PIXEL_SCALE not in tags or _TIEPOINT not in tags:
        raise DataError(f"{SERVICE}: the GeoTIFF {path} is not a georeferenced single band")
    dx, dy = float(tags[_PIXEL_SCALE][0]), float(tags[_PIXEL_SCALE][1])
    i0, j0, _, x0, y0, _ = (float(v) for v in tags[_TIEPOINT][:6])
    geokeys = list(tags.get(_GEOKEYS, ()))
    keys = {geokeys[k]: geokeys[k + 3] for k in range(4, len(geokeys) - 3, 4)}
    shift = 0.0 if keys.get(_RASTER_TYPE_KEY) == _PIXEL_IS_POINT else 0.5
    ny, nx = values.shape
    lon = x0 + (np.arange(nx) - i0 + shift) * dx
    lat = y0 - (np.arange(ny) - j0 + shift) * dy
    nodata = tags.get(_NODATA)
    if nodata is not None:
        values[values == np.float32(str(nodata).strip("\x00 "))] = np.nan
    da = xr.DataArray(
        values, dims=("latitude", "longitude"), coords={"latitude": lat, "longitude": lon}
    )
    return da.sortby("latitude")


def bathymetry(bbox: Any, *, resolution: float | None = None, url: str = URL) -> xr.DataArray:
    """EMODnet bathymetry of a bounding box as elevation (m, positive up).

    Parameters
    ----------
    bbox : sequence of 4 floats or str
        ``(lon_min, lat_min, lon_max, lat_max)`` in degrees (WGS84).
    resolution : float, optional
        Grid spacing in degrees (default: the native 1/960°, about 115 m).
    url : str
        The WCS endpoint.

    Returns
    -------
    xarray.DataArray
        ``elevation`` over ``(latitude, longitude)`` (cell centres, ascending), in m above
        mean sea level, negative below; NaN where EMODnet has no data. ``attrs`` carry
        ``source``, ``license`` (and ``licence``), ``attribution`` and the request.

    Raises
    ------
    InputError
        Bad box or resolution, or a request too large for the service.
    DataError
        The service failed or answered something that is not a GeoTIFF.

    Examples
    --------
    >>> request((-1.5, 44.9, -0.5, 45.7), 0.01)["bbox"]
    '-1.500000,44.900000,-0.500000,45.700000'
    """
    box = _cf.bbox(bbox)
    step = NATIVE_RESOLUTION if resolution is None else float(resolution)
    if not 0 < step <= 1:
        raise InputError(
            f"resolution is a grid spacing in degrees between 0 and 1, got {resolution!r} "
            "(metres? 0.001 degree is about 100 m)"
        )
    cells = ((box[2] - box[0]) / step) * ((box[3] - box[1]) / step)
    if cells > MAX_CELLS:
        raise InputError(
            f"the box {box} at {step:g} degree is {cells:.3g} cells, more than the "
            f"{MAX_CELLS:.3g} one request may ask; use a coarser resolution or a smaller box"
        )
    params = request(box, step)
    name = f"emodnet_mean_{params['bbox'].replace(',', '_')}_{step:.8f}.tif"
    path = fetch_file(url, service=SERVICE, params=params, fname=name)
    try:
        da = read_geotiff(path)
    except DataError:
        # a 200 answer that is an OGC exception report: never keep it in the cache
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
        raise
    if da.size == 0 or bool(np.isnan(da).all()):
        raise DataError(f"{SERVICE}: no bathymetry in the box {box} (all cells are no-data)")
    da.name = "elevation"
    da.attrs = {
        "standard_name": "height_above_mean_sea_level",
        "units": "m",
        "long_name": "bed elevation (EMODnet DTM mean), negative below the sea",
        "positive": "up",
        "comment": "vertical reference as in the EMODnet DTM metadata (LAT in tidal waters)",
    }
    da.attrs.update(
        _cf.attribution(
            f"EMODnet Bathymetry DTM, WCS coverage {COVERAGE} ({url})",
            "CC-BY-4.0",
            ATTRIBUTION,
            licence="CC-BY-4.0",
            request=f"bbox={params['bbox']} resolution={step:.10g} deg",
        )
    )
    return _cf.with_coords(da)
