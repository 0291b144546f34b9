"""One-way nesting: a larger domain's storm surge carried onto a smaller domain's open sides.

A surge is made over the shelf, hundreds of kilometres wide; an estuary domain such as the
Gironde (its open side 35 km off the mouth) sees only the last of it. Nesting takes the surge
residual (tide + storm minus tide) of a parent run, e.g. :func:`twinbench.storms.xynthia` on
the Bay of Biscay, interpolates it along the child's open sides, and adds it to the mean level
of the child's radiating tidal boundary: the child keeps its own (calibrated) tide, and the
parent's surge comes in on the incoming characteristic while the child's own waves leave
(Flather-type, :class:`twinbench.core.Radiating`). The child is forced by the same wind and
pressure over its own grid, so the local set-up of its shallow waters is its own.

This is the usual set-up of operational surge forecasts (a shelf model driving a coastal one;
e.g. the UK Met Office's CS3X → coastal models, Flather 1976, Mém. Soc. R. Sci. Liège 10:141).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError

_EDGES = {"west": {"x": 0}, "east": {"x": -1}, "south": {"y": 0}, "north": {"y": -1}}


def _lonlat(ds: xr.Dataset | xr.DataArray, what: str) -> tuple[np.ndarray, np.ndarray]:
    if "lon" not in ds.coords and not (isinstance(ds, xr.Dataset) and "lon" in ds):
        raise InputError(f"{what} needs 2-D 'lon' and 'lat' (degrees) to be nested")
    lon, lat = ds["lon"], ds["lat"]
    return np.asarray(lon.transpose("y", "x").values), np.asarray(lat.transpose("y", "x").values)


def surge_along(
    surge: xr.DataArray, domain: xr.Dataset, side: str, start: Any, end: Any = None
) -> xr.DataArray:
    """A parent run's surge field along one side of ``domain``, for the ``mean`` of its tide.

    Parameters
    ----------
    surge
        The parent's residual (m) over ``(time, y, x)``, ``time`` as UTC dates, with 2-D
        ``lon``/``lat`` coordinates; NaN (or missing) on its land.
    domain
        The child domain, with 2-D ``lon``/``lat``.
    side
        ``west``, ``east``, ``south`` or ``north``.
    start, end
        UTC start of the child run (its ``time`` 0), and optionally its end: the parent's
        times must cover them.

    Returns
    -------
    xarray.DataArray
        Over ``(time, y)`` (west/east) or ``(time, x)`` (south/north), ``time`` in seconds from
        ``start``: the parent's surge interpolated linearly between its wet cells (in a local
        metric: longitudes scaled by cos latitude), the nearest wet cell's beyond them.

    Raises
    ------
    InputError
        For an unknown side, a surge without ``time``/``lon``/``lat``, or times that do not
        cover the child run.
    """
    from scipy.interpolate import LinearNDInterpolator, NearestNDInterpolator

    if side not in _EDGES:
        raise InputError(f"side must be one of {sorted(_EDGES)}, got {side!r}")
    if "time" not in surge.dims or not np.issubdtype(surge["time"].dtype, np.datetime64):
        raise InputError("the parent surge needs a 'time' dimension of UTC dates")
    plon, plat = _lonlat(surge, "the parent surge")
    clon, clat = _lonlat(domain, "the child domain")
    t0 = np.datetime64(pd.Timestamp(start).tz_localize(None), "s")
    times = (surge["time"].values - t0) / np.timedelta64(1, "s")
    if times[0] > 0:
        raise InputError(
            f"the parent surge starts at {surge['time'].values[0]}, after the run's start {t0}"
        )
    if end is not None:
        t1 = np.datetime64(pd.Timestamp(end).tz_localize(None), "s")
        if surge["time"].values[-1] < t1:
            raise InputError(
                f"the parent surge ends at {surge['time'].values[-1]}, before the run's end {t1}"
            )
    values = np.asarray(surge.transpose("time", "y", "x").values, float)
    wet = np.all(np.isfinite(values), axis=0)
    if wet.sum() < 3:
        raise InputError("the parent surge has fewer than 3 sea cells")
    scale = np.cos(np.deg2rad(np.nanmean(clat)))
    points = np.column_stack([plon[wet] * scale, plat[wet]])
    data = values[:, wet].T  # (points, time)
    edge = _EDGES[side]
    qlon = clon[:, edge["x"]] if "x" in edge else clon[edge["y"], :]
    qlat = clat[:, edge["x"]] if "x" in edge else clat[edge["y"], :]
    query = np.column_stack([qlon * scale, qlat])
    along = LinearNDInterpolator(points, data)(query)
    outside = ~np.all(np.isfinite(along), axis=1)
    if outside.any():
        along[outside] = NearestNDInterpolator(points, data)(query[outside])
    dim = "y" if "x" in edge else "x"
    return xr.DataArray(
        along.T,
        dims=("time", dim),
        coords={"time": ("time", times, {"units": "s", "long_name": f"seconds since {t0} UTC"}),
                dim: domain[dim].values},
        name="nested_surge",
        attrs={"units": "m", "long_name": f"parent surge along the {side} side"},
    )  # fmt: skip


def add_to_mean(mean: Any, series: xr.DataArray) -> xr.DataArray:
    """A tide boundary's ``mean`` (a number, or a DataArray over ``time`` and maybe the side)
    plus a surge ``series`` over ``(time, side axis)``, on the series' times."""
    if isinstance(mean, xr.DataArray):
        other = mean.interp(time=series["time"].values, kwargs={"fill_value": "extrapolate"})
        other = other.assign_coords(time=series["time"])
        out = series + other.drop_vars([c for c in other.coords if c not in other.dims])
    else:
        out = series + float(mean)
    return out.transpose("time", *[d for d in out.dims if d != "time"]).assign_attrs(units="m")


__all__ = ["add_to_mean", "surge_along"]
