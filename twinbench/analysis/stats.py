"""Skill of a modelled time series against an observed one, and their harmonic comparison.

With model values ``m_k`` and observations ``o_k`` at the same ``N`` times (means ``m̄``, ``ō``,
population standard deviations ``σ_m``, ``σ_o``):

* bias ``B = mean(m − o)``;  RMSE ``= sqrt(mean((m − o)²))``;
* centred RMSE ``= sqrt(mean(((m − m̄) − (o − ō))²)) = sqrt(RMSE² − B²)``;
* Pearson correlation ``r = mean((m − m̄)(o − ō)) / (σ_m σ_o)``;  ``σ_m / σ_o``;
* Willmott (1981) index of agreement ``d = 1 − Σ(m − o)² / Σ(|m − ō| + |o − ō|)²``.

References: Willmott, C. J. (1981), On the validation of models, Physical Geography 2(2),
184–194; Taylor, K. E. (2001), J. Geophys. Res. 106(D7), 7183–7192 (centred RMSE). The formulas
are in ``docs/skill.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from twinbench import tides
from twinbench.io.inputs import InputError

METRICS = ("n", "bias", "rmse", "crmse", "correlation", "std_ratio", "willmott_d")


def skill_scores(model: np.ndarray, observed: np.ndarray) -> dict[str, float]:
    """The metrics of :data:`METRICS` for paired 1-D arrays (same units; NaN pairs dropped).

    >>> skill_scores(np.array([2.0, 2, 4, 5]), np.array([1.0, 2, 3, 4]))["willmott_d"]
    0.88
    """
    m = np.asarray(model, np.float64).ravel()
    o = np.asarray(observed, np.float64).ravel()
    if m.shape != o.shape:
        raise InputError(f"model and observed must pair up, got {m.size} and {o.size} values")
    keep = np.isfinite(m) & np.isfinite(o)
    m, o = m[keep], o[keep]
    if m.size < 2:
        raise InputError(f"skill needs at least 2 finite pairs, got {m.size}")
    diff = m - o
    ma, oa = m - m.mean(), o - o.mean()
    sm, so = float(np.sqrt(np.mean(ma**2))), float(np.sqrt(np.mean(oa**2)))
    potential = float(np.sum((np.abs(m - o.mean()) + np.abs(oa)) ** 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "n": int(m.size),
            "bias": float(diff.mean()),
            "rmse": float(np.sqrt(np.mean(diff**2))),
            "crmse": float(np.sqrt(np.mean((ma - oa) ** 2))),
            "correlation": float(np.mean(ma * oa) / (sm * so)) if sm * so > 0 else np.nan,
            "std_ratio": sm / so if so > 0 else np.nan,
            "willmott_d": 1.0 - float(np.sum(diff**2)) / potential if potential > 0 else np.nan,
        }


def _series(da: Any, what: str) -> xr.DataArray:
    if isinstance(da, pd.Series):
        da = xr.DataArray(da.to_numpy(), dims="time", coords={"time": da.index.to_numpy()})
    if not isinstance(da, xr.DataArray):
        raise InputError(f"{what} must be an xarray.DataArray over 'time', got {type(da).__name__}")
    if da.dims != ("time",):
        raise InputError(f"{what} must be 1-D over 'time', got dims {da.dims}")
    da = da.drop_vars([c for c in da.coords if c != "time"]).astype(np.float64)
    return da.sortby("time")


def align(model: Any, observed: Any) -> tuple[xr.DataArray, xr.DataArray]:
    """Model and observations on the observation times of their common period.

    The model is linearly interpolated in time onto each observation time inside the overlap
    of the two records; pairs where either is NaN are dropped.

    Raises
    ------
    InputError
        When the records do not overlap (naming both periods) or share fewer than 2 times.
    """
    m, o = _series(model, "model"), _series(observed, "observed")
    if np.issubdtype(m.time.dtype, np.datetime64) != np.issubdtype(o.time.dtype, np.datetime64):
        raise InputError(
            "model and observed times must both be datetimes or both numbers "
            f"(got {m.time.dtype} and {o.time.dtype})"
        )
    m, o = m.dropna("time"), o.dropna("time")
    if m.sizes["time"] < 2 or o.sizes["time"] < 1:
        raise InputError("model needs 2 and observed 1 finite value(s) in time")
    start = max(m.time.values[0], o.time.values[0])
    end = min(m.time.values[-1], o.time.values[-1])
    if start > end:
        raise InputError(
            f"the model ({m.time.values[0]} … {m.time.values[-1]}) and the observations "
            f"({o.time.values[0]} … {o.time.values[-1]}) do not overlap in time"
        )
    o = o.sel(time=slice(start, end))
    m = m.interp(time=o.time.values)
    keep = np.isfinite(m.values) & np.isfinite(o.values)
    m, o = m[keep], o[keep]
    if m.sizes["time"] < 2:
        raise InputError(f"the records share fewer than 2 times ({start} … {end})")
    return m, o


def series_skill(model: Any, observed: Any) -> pd.Series:
    """Skill of a modelled series against an observed one over their common period.

    Parameters
    ----------
    model, observed
        xarray.DataArray (or pandas.Series) over ``time`` (datetimes, or seconds for both), in
        the same units (e.g. m of water level).

    Returns
    -------
    pandas.Series
        :data:`METRICS`: ``n`` pairs, ``bias``, ``rmse``, ``crmse`` (units of the data),
        ``correlation``, ``std_ratio``, ``willmott_d`` (dimensionless); plus ``start``,
        ``end`` of the common period.

    Examples
    --------
    >>> t = np.arange(0.0, 3600.0, 60.0)
    >>> obs = xr.DataArray(np.sin(t / 600.0), coords={"time": t}, dims="time")
    >>> round(float(series_skill(obs + 0.1, obs)["bias"]), 6)
    0.1
    """
    m, o = align(model, observed)
    out = pd.Series(skill_scores(m.values, o.values), dtype=object)
    out["start"], out["end"] = o.time.values[0], o.time.values[-1]
    return out


def _wrap(degrees: np.ndarray) -> np.ndarray:
    return (np.asarray(degrees) + 180.0) % 360.0 - 180.0


def harmonic_comparison(
    model: Any,
    observed: Any,
    constituents: str | Sequence[str] = "auto",
    *,
    latitude: float | None = None,
) -> xr.Dataset:
    """Harmonic analysis (:func:`twinbench.tides.analyse`) of both series over their common
    period, compared constituent by constituent.

    Parameters
    ----------
    model, observed
        Water levels (m) over UTC datetimes.
    constituents
        ``"auto"``: those the common record resolves (Rayleigh criterion, chosen on the
        observations); or names. The model is fitted with the same set.
    latitude
        Degrees north, for the latitude-dependent satellites.

    Returns
    -------
    xarray.Dataset
        Over ``constituent``: ``model_amplitude``, ``observed_amplitude`` (m),
        ``amplitude_ratio`` (model / observed), ``amplitude_difference`` (m),
        ``model_phase``, ``observed_phase`` (Greenwich lags, degrees UTC),
        ``phase_difference`` (degrees, model − observed wrapped to ±180; + = model late),
        ``time_difference`` (minutes of the constituent's period), ``vector_difference``
        ``|A_m e^{iG_m} − A_o e^{iG_o}|`` (m).
    """
    m, o = align(model, observed)
    if not np.issubdtype(o.time.dtype, np.datetime64):
        raise InputError("harmonic_comparison needs UTC datetimes, got numeric times")
    obs_fit = tides.analyse(o, constituents=constituents, latitude=latitude, conf_int=False)
    names = obs_fit.constituent.values.tolist()
    mod_fit = tides.analyse(m, constituents=names, latitude=latitude, conf_int=False)
    am, ao = mod_fit.amplitude.values, obs_fit.amplitude.values
    gm, go = mod_fit.phase.values, obs_fit.phase.values
    dphase = _wrap(gm - go)
    freq = obs_fit.frequency.values  # cycles per hour
    vector = np.abs(am * np.exp(1j * np.deg2rad(gm)) - ao * np.exp(1j * np.deg2rad(go)))
    dim = "constituent"
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = am / ao
    return xr.Dataset(
        {
            "model_amplitude": (dim, am, {"units": "m"}),
            "observed_amplitude": (dim, ao, {"units": "m"}),
            "amplitude_ratio": (dim, ratio, {"units": "1"}),
            "amplitude_difference": (dim, am - ao, {"units": "m"}),
            "model_phase": (dim, gm, {"units": "degree", "long_name": "Greenwich lag (UTC)"}),
            "observed_phase": (dim, go, {"units": "degree", "long_name": "Greenwich lag (UTC)"}),
            "phase_difference": (dim, dphase, {"units": "degree", "comment": "+ = model late"}),
            "time_difference": (dim, dphase / 360.0 / freq * 60.0, {"units": "min"}),
            "vector_difference": (dim, vector, {"units": "m"}),
        },
        coords={dim: names, "frequency": (dim, freq, {"units": "cycles per hour"})},
        attrs={
            "record_start": str(o.time.values[0]),
            "record_days": float((o.time[-1] - o.time[0]) / np.timedelta64(1, "D")),
            "n_times": int(o.sizes["time"]),
        },
    )
