r"""Harmonic analysis by least squares, with nodal corrections, as UTide's ``solve``.

The model fitted to the valid samples is

.. math::  η(t) = \bar η\;[+\;b\,(t − t_{ref})] + \sum_k f_k(t)\,\big(X_k \cos(V_k + u_k)
           + Y_k \sin(V_k + u_k)\big),

with f, u, V at every sample time (UTide's default), so that A_k = \sqrt{X_k^2 + Y_k^2} and the
Greenwich phase lag g_k = atan2(Y_k, X_k). Constituents are chosen automatically by Foreman's
decision tree and the Rayleigh criterion: a constituent enters when its frequency differs from
its comparison neighbour's by at least ``rayleigh`` / record length (UTide's ``auto``).

Confidence intervals (95 %) are linearised as UTide's: the variances of X and Y from the
least-squares covariance σ²(BᵀB)⁻¹ (*white* noise), or, by default (*colored* noise), rescaled
so that their sum is twice the residual noise power P in the constituent's frequency band
(UTide's band-averaged periodogram), then propagated to A and g at first order (``ut_linci``).
The factor 2 (a sinusoid of power P has X² + Y² = 2P) follows t_tide; UTide 0.4.0 uses P, which
makes its colored intervals √2 narrower than its white ones for white noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ._parsing import days_since_1899, parse_latitude, parse_times
from ._spectrum import band_noise_power, uniform_residual
from .astronomy import fuv
from .constituents import CONSTITUENTS, canonical_names


def _parse_series(series) -> tuple[np.ndarray, np.ndarray, dict]:
    if isinstance(series, pd.Series):
        if not isinstance(series.index, pd.DatetimeIndex):
            raise ValueError(
                "a pandas Series needs a DatetimeIndex (UTC), got an index of type "
                f"{type(series.index).__name__}"
            )
        times, values, attrs = series.index, series.to_numpy(), dict(series.attrs)
    elif isinstance(series, xr.DataArray):
        if series.ndim != 1 or "time" not in series.coords:
            raise ValueError(
                "a DataArray to analyse must be 1-D with a 'time' coordinate, got dims "
                f"{series.dims} and coords {list(series.coords)}"
            )
        times, values, attrs = series["time"].values, series.values, dict(series.attrs)
        for key in ("latitude", "lat"):
            if key in series.coords and series[key].size == 1:
                attrs.setdefault("latitude", float(series[key]))
    else:
        raise ValueError(
            "series must be an xarray.DataArray with a 'time' coordinate or a pandas Series "
            f"with a DatetimeIndex, got {type(series).__name__}"
        )
    t = parse_times(times, name="series times")
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"series values must be numbers, got dtype {np.asarray(values).dtype}"
        ) from None
    order = np.argsort(t, kind="stable")
    t, x = t[order], x[order]
    if np.any(np.diff(t) == np.timedelta64(0, "ns")):
        dup = t[1:][np.diff(t) == np.timedelta64(0, "ns")][:3]
        raise ValueError(f"series has duplicated times, e.g. {dup}")
    return t, x, attrs


def _select(constituents, record_hours: float, rayleigh: float) -> list[str]:
    if isinstance(constituents, str) and constituents == "auto":
        min_separation = rayleigh / record_hours
        names = [
            c.name
            for c in CONSTITUENTS.values()
            if c.name != "Z0" and c.rayleigh_separation >= min_separation
        ]
        if not names:
            m2 = CONSTITUENTS["M2"]
            raise ValueError(
                f"series too short for any constituent: {record_hours:.3g} h of valid data, but "
                f"the Rayleigh criterion (rayleigh={rayleigh}) needs at least "
                f"{rayleigh / m2.rayleigh_separation:.2f} h to resolve M2"
            )
        return names
    names = canonical_names(constituents)
    pairs = _unresolved_pairs(names, record_hours / rayleigh)
    if pairs:
        raise ValueError(
            f"constituents cannot be separated in {record_hours / 24:.1f} days of data by the "
            f"Rayleigh criterion (rayleigh={rayleigh}): {pairs}; drop one of each pair, use "
            "'auto', or lower `rayleigh`"
        )
    return names


def _unresolved_pairs(names: list[str], record_hours: float) -> list[tuple[str, str]]:
    freq = np.array([CONSTITUENTS[n].frequency for n in names])
    close = np.abs(freq[:, None] - freq[None, :]) * record_hours < 1.0
    return [(names[i], names[j]) for i, j in zip(*np.nonzero(np.triu(close, 1)), strict=True)]


def analyse(
    series,
    *,
    constituents="auto",
    latitude=None,
    nodal: bool = True,
    conf_int: bool = True,
    rayleigh: float = 1.0,
    trend: bool = False,
    white: bool = False,
) -> xr.Dataset:
    """Harmonic analysis of a sea-level (or any scalar) time series.

    Parameters
    ----------
    series : xarray.DataArray or pandas.Series
        Values (any units, e.g. m) over UTC times; NaNs and gaps are dropped. Uneven sampling
        is fine.
    constituents : "auto" or sequence of str
        ``"auto"``: Foreman's standard set, limited by the Rayleigh criterion for the record
        length; or explicit names (aliases accepted), each pair of which must pass the
        Rayleigh criterion.
    latitude : float, optional
        Degrees north, for latitude-dependent satellites (defaults to a scalar ``latitude``/
        ``lat`` coordinate or attribute of the series).
    nodal : bool
        Fit with nodal/satellite corrections (f, u at every time).
    conf_int : bool
        Compute 95 % confidence intervals of amplitudes and phases.
    rayleigh : float
        Rayleigh criterion factor (UTide's ``Rayleigh_min``); 1 = one cycle of separation.
    trend : bool
        Fit a linear trend too (units per day about ``reference_time``).
    white : bool
        White-noise instead of band (colored) noise for the confidence intervals.

    Returns
    -------
    xarray.Dataset
        Over ``constituent`` (sorted by frequency): ``amplitude``, ``phase`` (Greenwich lag,
        degrees, UTC), ``amplitude_ci``, ``phase_ci`` (95 % half-widths), ``snr``,
        ``frequency`` (cycles per hour); scalars ``mean`` (and ``trend``).

    Examples
    --------
    >>> import pandas as pd
    >>> from twinbench.tides import predict
    >>> times = pd.date_range("2024-01-01", periods=24 * 30, freq="h")
    >>> eta = predict({"M2": (1.5, 109.0), "S2": (0.5, 143.0)}, times, latitude=45.6)
    >>> fit = analyse(eta, constituents=["M2", "S2"], latitude=45.6)
    >>> [round(float(x), 6) for x in fit.amplitude], [round(float(x), 4) for x in fit.phase]
    ([1.5, 0.5], [109.0, 143.0])
    """
    t_all, x_all, attrs = _parse_series(series)
    if latitude is None:
        latitude = attrs.get("latitude")
    lat = parse_latitude(latitude)
    if not (np.isfinite(rayleigh) and rayleigh > 0):
        raise ValueError(f"rayleigh must be a positive number, got {rayleigh!r}")
    valid = np.isfinite(x_all)
    if not valid.any():
        raise ValueError(f"series has no finite value ({x_all.size} samples, all NaN)")
    t, x = t_all[valid], x_all[valid]
    record_hours = float((t[-1] - t[0]) / np.timedelta64(1, "h"))
    if record_hours <= 0:
        raise ValueError(f"series too short: {t.size} valid sample(s) at one time {t[0]}")
    names = _select(constituents, record_hours, rayleigh)
    reference = t[0] + (t[-1] - t[0]) // 2
    n_params = 2 * len(names) + 1 + int(trend)
    if t.size <= n_params:
        raise ValueError(
            f"series too short: {t.size} valid samples for {n_params} unknowns "
            f"({len(names)} constituents)"
        )

    days = days_since_1899(t)
    f, u, v = fuv(names, days, lat, nodal=bool(nodal))
    angle = 2 * np.pi * (u + v)
    columns = [np.ones((t.size, 1))]
    if trend:
        columns.append((days - days_since_1899(reference[None]))[:, None])
    columns += [f * np.cos(angle), f * np.sin(angle)]
    design = np.hstack(columns)
    scale = np.linalg.norm(design, axis=0)
    coef, _, rank, _ = np.linalg.lstsq(design / scale, x, rcond=None)
    if rank < design.shape[1]:
        pairs = _unresolved_pairs(names, record_hours)
        raise ValueError(
            "constituents cannot be separated in this record "
            f"({record_hours / 24:.1f} days): {pairs or names}; drop some or use 'auto'"
        )
    coef = coef / scale
    k0 = 1 + int(trend)
    xc, yc = coef[k0 : k0 + len(names)], coef[k0 + len(names) :]
    amplitude = np.hypot(xc, yc)
    phase = np.mod(np.rad2deg(np.arctan2(yc, xc)), 360.0)
    residual = x - design @ coef

    units = str(attrs.get("units", "m"))
    freq = np.array([CONSTITUENTS[n].frequency for n in names])
    data = {
        "amplitude": ("constituent", amplitude, {"units": units, "long_name": "amplitude"}),
        "phase": (
            "constituent",
            phase,
            {"units": "degree", "long_name": "Greenwich phase lag (UTC)"},
        ),
        "frequency": ("constituent", freq, {"units": "cycles per hour"}),
        "mean": ((), coef[0], {"units": units, "long_name": "mean level"}),
    }
    if trend:
        data["trend"] = ((), coef[1], {"units": f"{units} day-1", "long_name": "linear trend"})
    dof = t.size - design.shape[1]
    if conf_int:
        if dof < 1:
            raise ValueError(
                "no degree of freedom left for confidence intervals; pass conf_int=False"
            )
        a_ci, g_ci = _confidence(design, residual, dof, xc, yc, freq, t, k0, white)
        data["amplitude_ci"] = ("constituent", a_ci, {"units": units, "long_name": "95% CI"})
        data["phase_ci"] = ("constituent", g_ci, {"units": "degree", "long_name": "95% CI"})
        with np.errstate(divide="ignore"):
            data["snr"] = ("constituent", (amplitude / (a_ci / 1.96)) ** 2, {"units": "1"})
    out_attrs = {
        "latitude": np.nan if lat is None else lat,
        "reference_time": str(reference.astype("datetime64[s]")),
        "record_length_days": record_hours / 24.0,
        "n_valid": int(t.size),
        "n_dropped": int((~valid).sum()),
        "rayleigh": float(rayleigh),
        "nodal_corrections": "Foreman/UTide f, u at every time" if nodal else "none",
        "confidence_intervals": (
            ("linearised, white noise" if white else "linearised, colored (band) noise (UTide)")
            if conf_int
            else "none"
        ),
        "residual_std": float(np.std(residual)),
        "phase_convention": "Greenwich phase lag, degrees, UTC",
    }
    return xr.Dataset(data, coords={"constituent": names}, attrs=out_attrs)


def _confidence(design, residual, dof, xc, yc, freq, t, k0, white):
    """95 % half-widths of amplitude and phase (UTide's linearised intervals)."""
    sigma2 = float(residual @ residual) / dof
    covariance = np.linalg.pinv(design.T @ design) * sigma2
    nc = len(xc)
    var_x = np.diag(covariance)[k0 : k0 + nc].copy()
    var_y = np.diag(covariance)[k0 + nc :].copy()
    if not white:
        hours = (t - t[0]) / np.timedelta64(1, "h")
        step, grid_residual = uniform_residual(hours.astype(float), residual)
        power = band_noise_power(step, grid_residual, freq)
        banded = np.isfinite(power)
        # A sinusoid of power P has X² + Y² = 2P; UTide 0.4.0 sets the sum to P (CIs √2 too
        # narrow: 81 % coverage for white noise), t_tide gives each of X, Y the variance P.
        scale = 2.0 * power[banded] / (var_x + var_y)[banded]
        var_x[banded] *= scale
        var_y[banded] *= scale
    amplitude2 = xc**2 + yc**2
    with np.errstate(divide="ignore", invalid="ignore"):
        sig_a = np.sqrt(xc**2 * var_x + yc**2 * var_y) / np.sqrt(amplitude2)
        sig_g = np.rad2deg(np.sqrt(yc**2 * var_x + xc**2 * var_y) / amplitude2)
    return 1.96 * sig_a, 1.96 * sig_g
