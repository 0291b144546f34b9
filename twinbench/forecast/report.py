"""A forecast's report: the Markdown alert table and indicators, and one figure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from twinbench.forecast.pipeline import Forecast

__all__ = ["markdown", "plot"]


def _table(frame: pd.DataFrame, floats: str = "{:.2f}") -> str:
    """A DataFrame as a Markdown table (no optional dependency needed)."""
    if frame.empty:
        return "_none_\n"

    def cell(v):
        if isinstance(v, float):
            return "" if np.isnan(v) else floats.format(v)
        if isinstance(v, pd.Timestamp | np.datetime64):
            return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
        return str(v)

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * frame.shape[1]
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([head, rule, *rows]) + "\n"


def markdown(forecast: Forecast) -> str:
    """The forecast's alerts, rules, daily summary and 3-month indicators as Markdown."""
    attrs = forecast.run.attrs
    rules = pd.DataFrame([{"rule": r.name, "place": r.place, "variable": r.variable,
                           "threshold": r.threshold, "direction": r.direction,
                           "duration_min": r.duration / 60, "level": r.level}
                          for r in forecast.rules])  # fmt: skip
    summary = forecast.summary.reset_index()
    return "\n".join([
        f"# {attrs['title']}\n",
        f"Members: {attrs['members']}. Data: {attrs['data_mode']}.\n",
        f"Rivers: {attrs['rivers']}.\n",
        "## Alerts (forecast window)\n", _table(forecast.alerts),
        "## Rules\n", _table(rules),
        "## Daily summary (central member)\n", _table(summary),
        "## River indicators (last 90 days)\n",
        _table(forecast.indicators),
        "Discharges in m3/s; trend in m3/s per day; record_percentile: rank of the 90-day mean "
        "among the same months of the gauge's monthly record (%).\n",
        f"Attribution: {attrs['attribution']}.\n",
    ])  # fmt: skip


def plot(forecast: Forecast, path: str | Path) -> Path:
    """Water level at Bordeaux, salinity at Pauillac, river discharge, wind and pressure."""
    from matplotlib.figure import Figure  # off pyplot: a notebook's backend is left alone

    run = forecast.run
    names = [str(s) for s in run["station_name"].values]
    panels = 4 if "station_salinity" in run else 3
    fig = Figure(figsize=(9, 2.4 * panels))
    axes = fig.subplots(panels, 1, sharex=True)
    time = pd.to_datetime(run["time"].values)

    def station_panel(ax, variable, station, ylabel):
        da = run[variable].isel(station=names.index(station))
        series = da.values if "member" not in da.dims else da.transpose("member", "time").values
        for k, values in enumerate(np.atleast_2d(series)):
            ax.plot(time, values, color="C0", lw=1.4 if k == 0 else 0.5, alpha=1 if k == 0 else 0.5)
        for rule in forecast.rules:
            if rule.variable == variable and rule.station == station:
                ax.axhline(rule.threshold, ls="--", lw=0.8, color="C3")
                ax.text(time[0], rule.threshold, f" {rule.name}", fontsize=7, va="bottom")
        ax.set_ylabel(ylabel)
        ax.set_title(f"{station}", fontsize=9, loc="left")

    station_panel(axes[0], "station_eta", "Bordeaux" if "Bordeaux" in names else names[-1],
                  "water level (m)")  # fmt: skip
    if "station_tide_prediction" in run and "Bordeaux" in names:
        tide = run["station_tide_prediction"].isel(station=names.index("Bordeaux"))
        axes[0].plot(time, tide.values, color="0.5", lw=0.8, label="TICON-4 tide")
        axes[0].legend(fontsize=7, loc="lower right")
    k = 1
    if panels == 4:
        station_panel(axes[1], "station_salinity", "Pauillac" if "Pauillac" in names else names[0],
                      "salinity (g/kg)")  # fmt: skip
        k = 2
    for river in run["river"].values:
        axes[k].plot(time, run["river_discharge"].sel(river=river), label=str(river))
    axes[k].set_ylabel("discharge (m³/s)")
    axes[k].legend(fontsize=7)
    speed = np.hypot(run["eastward_wind"], run["northward_wind"])
    axes[k + 1].plot(time, speed, color="C2")
    axes[k + 1].set_ylabel("wind (m/s)", color="C2")
    twin = axes[k + 1].twinx()
    twin.plot(time, run["air_pressure_at_mean_sea_level"] / 100.0, color="C4")
    twin.set_ylabel("pressure (hPa)", color="C4")
    fig.suptitle(run.attrs.get("title", "forecast"), fontsize=10)
    fig.text(0.01, 0.005, run.attrs.get("attribution", ""), fontsize=5, wrap=True)
    fig.autofmt_xdate()
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    path = Path(path)
    fig.savefig(path, dpi=110)
    return path
