r"""Tidal prediction from harmonic constants.

.. math::  η(t) = \bar η + \sum_k f_k(t)\,A_k \cos\big(V_k(t) + u_k(t) − g_k\big)

with amplitudes A_k, Greenwich phase lags g_k (degrees, UTC), and V, f, u from
:mod:`twinbench.tides.astronomy` (Foreman's scheme, as in UTide's ``reconstruct``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from ._parsing import check_amplitude_phase, days_since_1899, parse_latitude, parse_times
from .astronomy import fuv
from .constituents import canonical_names

_TIDAL_SSH = "tidal_sea_surface_height_above_mean_sea_level"


def _from_mapping(constituents: Mapping) -> tuple[list[str], np.ndarray, np.ndarray, dict]:
    names = canonical_names(list(constituents))
    amplitudes, phases = [], []
    for given, value in constituents.items():
        try:
            amplitude, phase = value
        except (TypeError, ValueError):
            raise ValueError(
                f"constituent {given!r} must map to (amplitude, phase_degrees), got {value!r}"
            ) from None
        amplitudes.append(np.asarray(amplitude, dtype=float))
        phases.append(np.asarray(phase, dtype=float))
    try:
        amplitude = np.stack(np.broadcast_arrays(*amplitudes, *phases))
    except ValueError:
        shapes = {n: a.shape for n, a in zip(constituents, amplitudes, strict=True)}
        raise ValueError(
            f"amplitudes and phases must have one common shape, got {shapes}"
        ) from None
    n = len(names)
    amplitude, phase = amplitude[:n], amplitude[n:]
    if amplitude.ndim > 2:
        raise ValueError(
            "a mapping takes scalars or 1-D arrays (one value per point); "
            f"got arrays of shape {amplitude.shape[1:]}: pass an xarray.Dataset instead"
        )
    extra = {"point": np.arange(amplitude.shape[1])} if amplitude.ndim == 2 else {}
    return names, amplitude, phase, extra


def _from_dataset(ds: xr.Dataset) -> tuple[list[str], np.ndarray, np.ndarray, dict]:
    missing = [v for v in ("amplitude", "phase") if v not in ds]
    if missing or "constituent" not in ds.dims:
        raise ValueError(
            "a constituents Dataset needs variables 'amplitude' and 'phase' over a "
            f"'constituent' dimension; missing {missing or ['constituent dimension']}"
        )
    names = canonical_names([str(n) for n in ds["constituent"].values])
    amplitude = ds["amplitude"].transpose("constituent", ...)
    phase = ds["phase"].transpose(*amplitude.dims)
    extra = {d: amplitude[d].values if d in amplitude.coords else None for d in amplitude.dims[1:]}
    return names, amplitude.values.astype(float), phase.values.astype(float), extra


def predict(constituents, times, *, latitude=None, nodal=True, mean=None) -> xr.DataArray:
    """Predict the tide at UTC ``times`` from harmonic constants.

    Parameters
    ----------
    constituents : mapping or xarray.Dataset
        ``{name: (amplitude, phase)}`` with amplitudes in the output units and Greenwich phase
        lags in degrees (scalars, or 1-D arrays over boundary points), or a Dataset with
        ``amplitude`` and ``phase`` over ``constituent`` (and any other dimensions, kept in the
        output) such as the output of :func:`analyse` or :func:`ticon`.
    times : datetime-like array
        UTC times (numpy ``datetime64``, pandas timestamps; aware ones are converted to UTC).
    latitude : float, optional
        Degrees north, for the latitude-dependent satellites; defaults to the Dataset's
        ``latitude`` attribute; without one those few satellites are left out.
    nodal : bool
        Apply the nodal/satellite corrections f, u (evaluated at every time).
    mean : float, optional
        Mean level added to the tide. Defaults to the Dataset's ``mean`` (plus its ``trend``,
        per day from its ``reference_time``) when it has one, else 0.

    Returns
    -------
    xarray.DataArray
        Dimensions ``("time", ...)``: the time series, or (time, point) for arrays of constants.

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.date_range("2024-01-01", periods=3, freq="6h")
    >>> eta = predict({"M2": (1.5, 109.0), "S2": (0.5, 143.0)}, times, latitude=45.6)
    >>> [round(float(x), 3) for x in eta]
    [-1.482, 1.374, -1.254]
    """
    t = parse_times(times)
    attrs: dict = {}
    trend = 0.0
    reference = None
    if isinstance(constituents, xr.Dataset):
        names, amplitude, phase, extra = _from_dataset(constituents)
        attrs = constituents.attrs
        if latitude is None and np.isfinite(attrs.get("latitude", np.nan)):
            latitude = attrs["latitude"]
        if mean is None and "mean" in constituents:
            mean = float(constituents["mean"])
            if "trend" in constituents:
                trend = float(constituents["trend"])
                reference = np.datetime64(attrs["reference_time"], "ns")
        units = str(constituents["amplitude"].attrs.get("units", "m"))
    elif isinstance(constituents, Mapping):
        names, amplitude, phase, extra = _from_mapping(constituents)
        units = "m"
    else:
        raise ValueError(
            "constituents must be a mapping name -> (amplitude, phase) or an xarray.Dataset, "
            f"got {type(constituents).__name__}"
        )
    for name, a, p in zip(names, amplitude, phase, strict=True):
        check_amplitude_phase(name, a, p)
    level = 0.0 if mean is None else float(mean)
    if not np.isfinite(level):
        raise ValueError(f"mean must be finite, got {mean!r}")

    days = days_since_1899(t)
    f, u, v = fuv(names, days, parse_latitude(latitude), nodal=bool(nodal))
    angle = 2 * np.pi * (v + u)
    g = np.deg2rad(phase.reshape(len(names), -1))
    amp = amplitude.reshape(len(names), -1)
    eta = (f * np.cos(angle)) @ (amp * np.cos(g)) + (f * np.sin(angle)) @ (amp * np.sin(g))
    eta = eta.reshape((t.size, *amplitude.shape[1:])) + level
    if trend:
        eta = eta + (trend * (t - reference) / np.timedelta64(1, "D")).reshape(
            (-1,) + (1,) * (eta.ndim - 1)
        )

    coords: dict = {"time": t}
    coords.update({d: c for d, c in extra.items() if c is not None})
    standard_name = _TIDAL_SSH if level == 0.0 and not trend else "sea_surface_height"
    out_attrs = {
        "units": units,
        "long_name": "predicted astronomical tide",
        "constituents": " ".join(names),
        "nodal_corrections": "Foreman/UTide f, u at every time" if nodal else "none",
        "time_zone": "UTC",
    }
    if standard_name != "sea_surface_height":
        out_attrs["standard_name"] = standard_name
    for key in ("station", "latitude", "longitude", "attribution", "license"):
        if key in attrs:
            out_attrs[key] = attrs[key]
    return xr.DataArray(
        eta, dims=("time", *extra), coords=coords, name="tide", attrs=out_attrs
    ).assign_coords(time=pd.DatetimeIndex(t))
