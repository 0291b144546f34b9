"""A satellite map (lat/lon grid) onto the model grid, and its skill against a model field.

The target of the comparison is the modelled suspended sediment against ocean-colour suspended
particulate matter (SPM, turbidity; CF ``mass_concentration_of_suspended_matter_in_sea_water``),
with NaN for clouds and land. Two regridding methods (``docs/skill.md``):

* ``"average"`` (default; conservative-ish): each satellite pixel centre is projected into the
  model CRS and binned into the cell that contains it; a cell's value is the mean of its
  cloud-free pixels when they are at least ``min_coverage`` of its pixels, NaN otherwise. Right
  when the pixels are smaller than the cells (300 m ocean colour on 1.5 km cells);
* ``"bilinear"``: ``xarray.DataArray.interp`` at the cells' 2-D ``lon``/``lat``; a cell next to a
  cloud pixel is NaN. Right when the pixels are as large as the cells or larger.

Model land cells are NaN in both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError

SPM_STANDARD_NAME = "mass_concentration_of_suspended_matter_in_sea_water"
#: Mass concentration units → kg m-3 (g m-3 = mg L-1).
CONCENTRATION_UNITS = {
    "kg m-3": 1.0,
    "kg/m3": 1.0,
    "kg m^-3": 1.0,
    "g l-1": 1.0,
    "g/l": 1.0,
    "g m-3": 1e-3,
    "g/m3": 1e-3,
    "g m^-3": 1e-3,
    "mg l-1": 1e-3,
    "mg/l": 1e-3,
    "mg l^-1": 1e-3,
    "mg m-3": 1e-6,
    "mg/m3": 1e-6,
    "ug l-1": 1e-6,
    "µg l-1": 1e-6,
}


def _factor(units: Any, what: str) -> float:
    key = " ".join(str(units).strip().lower().split())
    if key not in CONCENTRATION_UNITS:
        raise InputError(
            f"{what}: unknown concentration units {units!r}; known: {sorted(CONCENTRATION_UNITS)}"
        )
    return CONCENTRATION_UNITS[key]


def convert_concentration(da: xr.DataArray, units: str) -> xr.DataArray:
    """``da`` (mass concentration with a ``units`` attribute) in ``units``.

    >>> da = xr.DataArray([12.0], attrs={"units": "mg L-1"})
    >>> float(convert_concentration(da, "kg m-3")[0])
    0.012
    """
    if "units" not in da.attrs:
        raise InputError(f"{da.name or 'the field'} has no 'units' attribute to convert from")
    scale = _factor(da.attrs["units"], str(da.name or "the field")) / _factor(units, "units")
    return (da * scale).assign_attrs({**da.attrs, "units": units})


def _satellite_field(satellite: Any) -> xr.DataArray:
    if isinstance(satellite, xr.Dataset):
        found = [n for n, v in satellite.data_vars.items()
                 if v.attrs.get("standard_name") == SPM_STANDARD_NAME]  # fmt: skip
        if len(found) != 1:
            raise InputError(
                f"the satellite dataset needs one variable with standard_name {SPM_STANDARD_NAME!r}"
                f", found {found}"
            )
        satellite = satellite[found[0]]
    if not isinstance(satellite, xr.DataArray):
        raise InputError(f"satellite must be an xarray.DataArray, got {type(satellite).__name__}")
    lat = next((n for n in ("latitude", "lat") if n in satellite.dims), None)
    lon = next((n for n in ("longitude", "lon") if n in satellite.dims), None)
    if lat is None or lon is None or satellite.ndim != 2:
        raise InputError(
            f"the satellite field must be 2-D over (latitude, longitude), got dims {satellite.dims}"
        )
    return satellite.rename({lat: "latitude", lon: "longitude"}).transpose("latitude", "longitude")


def _model_lonlat(domain: xr.Dataset) -> tuple[np.ndarray, np.ndarray, Any]:
    import pyproj

    if "lon" in domain.coords and "lat" in domain.coords and domain["lon"].ndim == 2:
        lon = domain["lon"].transpose("y", "x").values
        lat = domain["lat"].transpose("y", "x").values
    else:
        lon = lat = None
    if "crs" not in domain or "crs_wkt" not in domain["crs"].attrs:
        raise InputError("the domain needs a 'crs' grid mapping (crs_wkt) and 2-D lon/lat")
    crs = pyproj.CRS.from_wkt(domain["crs"].attrs["crs_wkt"])
    if lon is None:
        to_lonlat = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        lon, lat = to_lonlat.transform(*np.meshgrid(domain["x"].values, domain["y"].values))
    return lon, lat, crs


def _average(field: xr.DataArray, domain: xr.Dataset, crs: Any, min_coverage: float):
    import pyproj

    x, y = domain["x"].values, domain["y"].values
    dx, dy = float(x[1] - x[0]), float(y[1] - y[0])
    plon, plat = np.meshgrid(field["longitude"].values, field["latitude"].values)
    px, py = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(plon, plat)
    i = np.floor((px - (x[0] - dx / 2)) / dx).astype(int)
    j = np.floor((py - (y[0] - dy / 2)) / dy).astype(int)
    inside = (i >= 0) & (i < x.size) & (j >= 0) & (j < y.size)
    values = field.values
    valid = inside & np.isfinite(values)
    cell = j * x.size + i
    total = np.bincount(cell[inside], minlength=x.size * y.size)
    good = np.bincount(cell[valid], minlength=x.size * y.size)
    sums = np.bincount(cell[valid], weights=values[valid], minlength=x.size * y.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(
            (good > 0) & (good >= min_coverage * total), sums / np.maximum(good, 1), np.nan
        )
    return mean.reshape(y.size, x.size), good.reshape(y.size, x.size)


def regrid_to_model(
    satellite: Any,
    domain: xr.Dataset,
    *,
    method: str = "average",
    units: str = "kg m-3",
    min_coverage: float = 0.5,
) -> xr.DataArray:
    """A lat/lon satellite field on the model grid of ``domain``.

    Parameters
    ----------
    satellite
        DataArray over ``(latitude, longitude)`` (or ``lat``/``lon``) in degrees, with a
        ``units`` attribute (``g m-3`` = ``mg L-1``, ``kg m-3``, …) and NaN for clouds and
        land; or a dataset holding one variable with the CF standard name
        :data:`SPM_STANDARD_NAME`.
    domain
        A domain or run with ``x``, ``y`` (m), a ``crs`` grid mapping and ``depth`` (land ≤ 0).
    method
        ``"average"`` (pixels binned into cells) or ``"bilinear"`` (module docstring).
    units
        Units of the result (default ``kg m-3``, the model's sediment units).
    min_coverage
        With ``"average"``: least fraction of a cell's pixels that must be cloud-free.

    Returns
    -------
    xarray.DataArray
        Over ``(y, x)`` in ``units``, NaN over model land, clouds and outside the image; a
        ``pixels`` coordinate counts the cloud-free pixels per cell (``"average"``).
    """
    field = _satellite_field(satellite)
    values = convert_concentration(field, units)
    if not 0.0 < min_coverage <= 1.0:
        raise InputError(f"min_coverage must be within (0, 1], got {min_coverage!r}")
    lon, lat, crs = _model_lonlat(domain)
    coords = {"y": domain["y"], "x": domain["x"]}
    if method == "average":
        mean, pixels = _average(values, domain, crs, min_coverage)
        out = xr.DataArray(mean, dims=("y", "x"), coords=coords)
        out = out.assign_coords(pixels=(("y", "x"), pixels))
    elif method == "bilinear":
        where = {"longitude": xr.DataArray(lon, dims=("y", "x")),
                 "latitude": xr.DataArray(lat, dims=("y", "x"))}  # fmt: skip
        out = values.interp(where, method="linear").drop_vars(["longitude", "latitude"])
        out = out.assign_coords(coords)
    else:
        raise InputError(f"method must be 'average' or 'bilinear', got {method!r}")
    land = domain["depth"].transpose("y", "x").values <= 0
    out = out.where(~land)
    attrs = {k: v for k, v in field.attrs.items() if k != "units"}
    attrs.update(units=units, regridding=method)
    return out.rename(field.name or "satellite").assign_attrs(attrs)


def field_skill(
    model_field: xr.DataArray,
    satellite_on_model: xr.DataArray,
    *,
    wet: xr.DataArray | np.ndarray | None = None,
) -> pd.Series:
    """Skill of a model field (y, x) against a satellite field regridded onto the same grid.

    Both are converted to the satellite's ``units`` when both carry one. Cells count where
    both are finite (cloud-free, wet) and ``wet`` (optional mask, True = water) holds.

    Returns
    -------
    pandas.Series
        ``n_cells``, ``bias`` (model − satellite), ``rmse`` (satellite's units),
        ``log_ratio`` (mean of ``log10(model / satellite)`` over cells where both are > 0:
        0 = no bias, 0.3 ≈ a factor 2 too high), ``correlation``, ``units``.
    """
    if "units" in model_field.attrs and "units" in satellite_on_model.attrs:
        model_field = convert_concentration(model_field, satellite_on_model.attrs["units"])
    m = np.asarray(model_field.transpose(*satellite_on_model.dims).values, np.float64)
    s = np.asarray(satellite_on_model.values, np.float64)
    if m.shape != s.shape:
        raise InputError(f"model {m.shape} and satellite {s.shape} fields differ in shape")
    keep = np.isfinite(m) & np.isfinite(s)
    if wet is not None:
        keep &= np.asarray(getattr(wet, "values", wet), bool)
    if not keep.any():
        raise InputError("no wet, cloud-free cell in common between the model and the satellite")
    mk, sk = m[keep], s[keep]
    positive = (mk > 0) & (sk > 0)
    spread = np.std(mk) * np.std(sk)
    return pd.Series(
        {
            "n_cells": int(keep.sum()),
            "bias": float(np.mean(mk - sk)),
            "rmse": float(np.sqrt(np.mean((mk - sk) ** 2))),
            "log_ratio": float(np.mean(np.log10(mk[positive] / sk[positive])))
            if positive.any()
            else np.nan,
            "correlation": float(np.corrcoef(mk, sk)[0, 1]) if spread > 0 else np.nan,
            "units": satellite_on_model.attrs.get("units", ""),
        },
        dtype=object,
    )
