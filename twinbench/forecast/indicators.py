"""Three-month river indicators: recent discharge against its record and the low-flow thresholds.

For each river: the latest daily mean, the mean and minimum of the recent window (90 days),
its linear trend (:func:`twinbench.alerts.trend`), the percentile of the window's mean among
the same calendar months of the gauge's record (monthly means, ``QmM``), and the days below
each low-flow threshold of :data:`LOW_FLOW_THRESHOLDS`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from twinbench import alerts

__all__ = ["COLUMNS", "LOW_FLOW_THRESHOLDS", "river_indicators", "seasonal_percentile"]

#: Low-flow thresholds (m³ s⁻¹) by river, with their source. The Garonne values are those of
#: the SDAGE Adour-Garonne for the nodal point at Tonneins (DOE: low-flow objective, DCR: crisis
#: flow) [unverified: check the current SDAGE table]; the combined-flow value is the facts
#: sheet's summer low flow (≈ 100–200 m³ s⁻¹ for both rivers).
LOW_FLOW_THRESHOLDS: dict[str, dict[str, float | str]] = {
    "garonne": {"DOE": 110.0, "DCR": 60.0,
                "source": "SDAGE Adour-Garonne, Garonne at Tonneins [unverified]"},
    "total": {"summer low flow": 200.0, "severe low flow": 100.0,
              "source": "GIRONDE_FACTS: summer low flows ≈ 100–200 m3/s combined"},
}  # fmt: skip
COLUMNS = ["river", "station", "latest", "latest_date", "mean_90d", "min_90d",
           "trend_per_day", "record_percentile", "record_years", "below", "days_below"]  # fmt: skip


def seasonal_percentile(window: xr.DataArray, record: xr.DataArray) -> tuple[float, int]:
    """Percentile (0–100) of the window's mean discharge among the means of the same calendar
    months in each year of the monthly ``record``, and the number of such years.

    >>> t = pd.date_range("2000-01-01", "2009-12-01", freq="MS")
    >>> rec = xr.DataArray(np.arange(t.size, dtype=float), coords={"time": t}, dims="time")
    >>> w = xr.DataArray([60.0], coords={"time": pd.to_datetime(["2025-06-10"])}, dims="time")
    >>> seasonal_percentile(w, rec)
    (50.0, 10)
    """
    months = sorted(set(pd.DatetimeIndex(window["time"].values).month))
    monthly = record.to_series().dropna()
    same = monthly[monthly.index.month.isin(months)]
    yearly = same.groupby(same.index.year).agg(["mean", "size"])
    yearly = yearly[yearly["size"] == len(months)]["mean"]
    if yearly.empty:
        return float("nan"), 0
    value = float(window.mean())
    below = (yearly < value).sum() + 0.5 * (yearly == value).sum()
    return float(100.0 * below / yearly.size), int(yearly.size)


def _filled(series: xr.DataArray) -> xr.DataArray:
    """Missing days filled linearly (held at the ends), for sums over rivers."""
    days = (series["time"].values - series["time"].values[0]) / np.timedelta64(1, "D")
    valid = np.isfinite(series.values)
    return series.copy(data=np.interp(days, days[valid], series.values[valid]))


def _row(river: str, recent: xr.DataArray, record: xr.DataArray | None, limits) -> dict:
    valid = recent.dropna("time")
    fit = alerts.trend(valid, horizon=f"{recent.sizes['time'] + 2}D", window=7)
    percentile, years = (float("nan"), 0) if record is None else seasonal_percentile(valid, record)
    thresholds = {k: float(v) for k, v in (limits or {}).items() if k != "source"}
    below = [name for name, q in sorted(thresholds.items(), key=lambda kv: kv[1])
             if float(valid[-1]) < q]  # fmt: skip
    days_below = "; ".join(f"{name}: {int((valid < q).sum())}" for name, q in thresholds.items())
    return {
        "river": river,
        "station": recent.attrs.get("station_name", ""),
        "latest": float(valid[-1]),
        "latest_date": str(pd.Timestamp(valid["time"].values[-1]).date()),
        "mean_90d": float(valid.mean()),
        "min_90d": float(valid.min()),
        "trend_per_day": fit.slope_per_day,
        "record_percentile": percentile,
        "record_years": years,
        "below": ", ".join(below) or "none",
        "days_below": days_below,
    }


def river_indicators(
    recent: Mapping[str, xr.DataArray], records: Mapping[str, xr.DataArray | None]
) -> pd.DataFrame:
    """The 3-month indicators, one row per river and one for their total (see module doc).

    ``recent`` maps river names to daily discharge (m³ s⁻¹) over the recent window, ``records``
    to monthly means of the same gauges (``None`` where no record is at hand). Discharges in
    m³ s⁻¹, ``trend_per_day`` in m³ s⁻¹ per day, ``record_percentile`` in % (50: a normal
    season, 10: one year in ten is drier).
    """
    rows = [_row(r, recent[r], records.get(r), LOW_FLOW_THRESHOLDS.get(r)) for r in recent]
    total = sum(_filled(recent[r]) for r in recent)
    total.attrs = {"station_name": " + ".join(recent[r].attrs.get("station_name", r)
                                             for r in recent)}  # fmt: skip
    record_total = None
    if all(records.get(r) is not None for r in recent):
        record_total = sum(records[r] for r in recent)
    rows.append(_row("total", total, record_total, LOW_FLOW_THRESHOLDS["total"]))
    return pd.DataFrame(rows, columns=COLUMNS)
