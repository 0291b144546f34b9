"""River discharge for the coming days: the latest observation carried forward by a recession.

No discharge forecast is freely served for the Garonne and the Dordogne, so the forecast
extends the last observed daily mean ``Q0`` by an exponential recession towards a base flow
``Qb``::

    Q(t) = Qb + (Q0 − Qb) exp(−(t − t0) / τ)

with ``t0`` the middle of the last observed day. ``Qb`` and ``τ`` are fitted (least squares,
``τ`` searched on a log grid from :data:`MIN_TAU` to :data:`MAX_TAU` days, ``0 ≤ Qb ≤ Q0``) on
the current recession limb: the days from the highest daily mean of the last
:data:`PEAK_WINDOW` days to the last one. When that limb is shorter than
:data:`MIN_LIMB_DAYS` days (the river is rising, or just peaked) or does not fall, the forecast
is persistence (``Qb = Q0``). Why a recession rather than persistence: rivers fall between rain
events, and persistence after a flood peak keeps the estuary artificially fresh for ten days; at
low flow, when the limb has flattened, both agree. A recession cannot foresee a new flood: rain
in the forecast is the main limitation (see ``docs/forecast.md``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import xarray as xr

from twinbench.io.inputs import InputError

__all__ = ["Recession", "fit_recession", "recession_series", "salinity_reach"]

MIN_TAU, MAX_TAU = 2.0, 60.0  # days
MIN_LIMB_DAYS = 5
PEAK_WINDOW = 45  # days
#: 1 g/kg salt reach (km from the mouth, mean of high and low water) against the total river
#: discharge (m³ s⁻¹), measured with the coarse Gironde after 6 days (docs/gironde.md, "Salt
#: intrusion against river discharge"): the initial salinity profile of a forecast.
SALT_REACH_KM = {250.0: 62.5, 1000.0: 55.0, 3500.0: 37.5}


@dataclasses.dataclass(frozen=True)
class Recession:
    """An exponential recession: ``q0`` (m³ s⁻¹) at ``t0``, towards ``base`` with ``tau`` days,
    fitted on ``limb_days`` days (0: persistence, ``base == q0``)."""

    q0: float
    t0: np.datetime64
    base: float
    tau: float
    limb_days: int

    def at(self, times: np.ndarray) -> np.ndarray:
        """Discharge (m³ s⁻¹) at ``times`` (datetime64); ``q0`` before ``t0``."""
        days = (np.asarray(times, "datetime64[s]") - np.datetime64(self.t0, "s")) / np.timedelta64(
            86400, "s"
        )
        return self.base + (self.q0 - self.base) * np.exp(-np.maximum(days, 0.0) / self.tau)


def _fit_limb(days: np.ndarray, q: np.ndarray) -> tuple[float, float, float]:
    """Least-squares ``q ≈ Qb + A exp(−days/τ)`` over a log grid of τ: (Qb, A, τ)."""
    best = (np.inf, float(q[-1]), 0.0, MAX_TAU)
    for tau in np.geomspace(MIN_TAU, MAX_TAU, 400):
        design = np.column_stack([np.ones_like(days), np.exp(-days / tau)])
        (base, _), *_ = np.linalg.lstsq(design, q, rcond=None)
        base = float(np.clip(base, 0.0, q[-1]))
        decay = design[:, 1]
        amplitude = float(np.sum((q - base) * decay) / np.sum(decay * decay))
        error = float(np.sum((base + amplitude * np.exp(-days / tau) - q) ** 2))
        if error < best[0]:
            best = (error, base, amplitude, float(tau))
    return best[1], best[2], best[3]


def fit_recession(observed: xr.DataArray) -> Recession:
    """The recession of a daily discharge series (see the module doc).

    >>> t = pd.date_range("2025-07-01", periods=30, freq="D")
    >>> q = 100 + 300 * np.exp(-np.arange(30) / 8.0)
    >>> r = fit_recession(xr.DataArray(q, coords={"time": t}, dims="time"))
    >>> round(r.base), round(r.tau, 1), r.limb_days
    (100, 8.0, 30)
    """
    series = observed.to_series().dropna()
    if series.empty:
        raise InputError(
            f"no valid discharge in {observed.attrs.get('station_name', 'the series')}"
        )
    q0 = float(series.iloc[-1])
    t0 = np.datetime64(series.index[-1] + pd.Timedelta(hours=12), "s")
    recent = series[series.index > series.index[-1] - pd.Timedelta(days=PEAK_WINDOW)]
    limb = recent[recent.index >= recent.idxmax()]
    if limb.size < MIN_LIMB_DAYS or not q0 < float(limb.iloc[0]):
        return Recession(q0, t0, q0, MAX_TAU, 0)
    days = ((limb.index - limb.index[-1]) / pd.Timedelta(days=1)).to_numpy(float)
    base, _, tau = _fit_limb(days, limb.to_numpy(float))
    return Recession(q0, t0, base, tau, int(limb.size))


def recession_series(observed: xr.DataArray, times: np.ndarray) -> xr.DataArray:
    """Discharge at ``times``: the observed daily means (at mid-day, linear in between) up to
    the last observation, the fitted recession after it (m³ s⁻¹)."""
    fit = fit_recession(observed)
    series = observed.to_series().dropna()
    days = (series.index + pd.Timedelta(hours=12)).values.astype("datetime64[s]")
    t = np.asarray(times, "datetime64[s]")
    seconds = lambda a: a.astype("int64").astype(float)  # noqa: E731
    q = np.where(
        t <= fit.t0,
        np.interp(seconds(t), seconds(days), series.to_numpy(float)),
        fit.at(t),
    )
    attrs = {
        "standard_name": "water_volume_transport_in_river_channel",
        "units": "m3 s-1",
        "long_name": "river discharge: observed daily means, then an exponential recession",
        "recession": f"Q = {fit.base:.1f} + ({fit.q0:.1f} - {fit.base:.1f}) exp(-(t - "
        f"{fit.t0}) / {fit.tau:.1f} d), fitted on a {fit.limb_days}-day recession limb "
        "(0: persistence)",
        "station_code": observed.attrs.get("station_code", ""),
        "station_name": observed.attrs.get("station_name", ""),
    }
    return xr.DataArray(q, coords={"time": t.astype("datetime64[ns]")}, dims="time", attrs=attrs)


def salinity_reach(total_discharge: float) -> float:
    """The 1 g/kg salt reach (km from the mouth) for a total river discharge (m³ s⁻¹),
    interpolated in log(discharge) in :data:`SALT_REACH_KM` and held beyond its ends.

    >>> salinity_reach(1000.0)
    55.0
    """
    q = np.log(np.array(list(SALT_REACH_KM)))
    km = np.array(list(SALT_REACH_KM.values()))
    return float(np.interp(np.log(max(total_discharge, 1.0)), q, km))
