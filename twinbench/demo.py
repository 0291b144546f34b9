"""The demo run: an M2 tide over a convergent basin with drying flats, to NetCDF and PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

import twinbench
from twinbench.domains import tidal_basin

M2_PERIOD = 12.4206012 * 3600.0  # s


def run_tidal_basin(amplitude: float = 1.5, cycles: float = 2.0) -> xr.Dataset:
    """Two M2 cycles over :func:`~twinbench.domains.tidal_basin`, Manning n = 0.025."""
    basin = tidal_basin()
    duration = cycles * M2_PERIOD
    t = np.arange(0.0, duration + 600.0, 600.0)
    tide = xr.DataArray(
        amplitude * np.sin(2 * np.pi * t / M2_PERIOD),
        coords={"time": t},
        dims="time",
        attrs={"units": "m"},
    )
    return twinbench.simulate(
        basin,
        duration,
        output_every=1200.0,
        physics={"friction": {"law": "manning", "coefficient": 0.025}, "dry_depth": 1e-3},
        boundaries={"west": {"type": "level", "value": tide}},
    )


def tidal_basin_demo(out: Path) -> tuple[Path, Path]:
    """Run the demo; write ``tidal_basin.nc`` and ``tidal_basin.png`` into ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    ds = run_tidal_basin()
    netcdf = out / "tidal_basin.nc"
    ds.to_netcdf(netcdf)

    last_cycle = ds.sel(time=slice(ds.time[-1] - M2_PERIOD, None))
    wet_range = (last_cycle.eta.max("time") - last_cycle.eta.min("time")).where(
        last_cycle.h.max("time") > 0.01
    )
    speed = np.hypot(last_cycle.u, last_cycle.v).max("time")
    mid = ds.sizes["y"] // 2

    fig, axes = plt.subplots(3, 1, figsize=(9, 10), constrained_layout=True)
    km = {"x": ds.x / 1e3, "y": ds.y / 1e3}
    im = axes[0].pcolormesh(km["x"], km["y"], wet_range, shading="auto", cmap="viridis")
    fig.colorbar(im, ax=axes[0], label="tidal range (m)")
    axes[0].set(title="Tidal range over the last M2 cycle (blank: never wet)", ylabel="y (km)")
    im = axes[1].pcolormesh(km["x"], km["y"], speed, shading="auto", cmap="magma")
    fig.colorbar(im, ax=axes[1], label="max speed (m/s)")
    axes[1].set(title="Maximum current speed", ylabel="y (km)")
    hours = ds.time / 3600.0
    for frac in (0.0, 0.5, 0.8):
        i = int(frac * (ds.sizes["x"] - 1))
        axes[2].plot(hours, ds.eta.isel(y=mid, x=i), label=f"x = {float(ds.x[i]) / 1e3:.1f} km")
    axes[2].set(xlabel="time (h)", ylabel="free surface (m)", title="Water level along the axis")
    axes[2].legend()
    for ax in axes[:2]:
        ax.set_xlabel("x (km)")
    figure = out / "tidal_basin.png"
    fig.savefig(figure, dpi=110)
    plt.close(fig)
    return netcdf, figure


def gironde_demo(out: Path, duration: str = "3D", progress: bool = True) -> list[Path]:
    """The Gironde baseline (``scenarios/gironde.yaml``) over a few tides at the coarse
    resolution: NetCDF, a map of tidal range and peak currents, gauge series, and the skill
    table and figure against TICON-4."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from twinbench import scenarios
    from twinbench.analysis import plot_skill, skill_table, tidal_skill

    out.mkdir(parents=True, exist_ok=True)
    run = scenarios.run("gironde", duration=duration, progress=progress)
    netcdf = scenarios.write(run, out / "gironde.nc")

    last_day = run.sel(time=slice(run.time[-1] - np.timedelta64(25, "h"), None))
    wet = last_day.h.max("time") > 0.05
    tidal_range = (last_day.eta.max("time") - last_day.eta.min("time")).where(wet)
    speed = np.hypot(last_day.u, last_day.v).max("time").where(wet)
    fig, axes = plt.subplots(1, 2, figsize=(12, 6), constrained_layout=True)
    km = {"x": run.x / 1e3, "y": run.y / 1e3}
    for ax, field, label, cmap in (
        (axes[0], tidal_range, "tidal range over the last day (m)", "viridis"),
        (axes[1], speed, "peak current speed (m/s)", "magma"),
    ):
        im = ax.pcolormesh(km["x"], km["y"], field, shading="auto", cmap=cmap)
        fig.colorbar(im, ax=ax, label=label, shrink=0.8)
        stations_x = run.x.values[run.station_i.values] / 1e3
        ax.plot(stations_x, run.y.values[run.station_j.values] / 1e3, "w^", ms=6, mec="k")
        ax.set(xlabel="x, Lambert-93 (km)", ylabel="y (km)", aspect="equal")
    fig.suptitle("Gironde baseline (coastline © IGN-Shom 2009; shelf NOAA ETOPO2v2)")
    map_png = out / "gironde_map.png"
    fig.savefig(map_png, dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(11, 4.5), constrained_layout=True)
    for name, series in zip(run.station_name.values, run.station_eta, strict=True):
        ax.plot(run.time, series, label=str(name))
    ax.set(ylabel="water level above MSL (m)", title="Gauges, mouth to Bordeaux")
    ax.legend(ncol=4, fontsize=8)
    gauges_png = out / "gironde_gauges.png"
    fig.savefig(gauges_png, dpi=100)
    plt.close(fig)

    skill = tidal_skill(run, constituents=["M2", "M4"], spin_up="1D")
    table = skill_table(skill)
    table.to_csv(out / "gironde_skill.csv")
    print(table.to_string())
    skill_png = plot_skill(skill, out / "gironde_skill.png")
    return [netcdf, map_png, gauges_png, out / "gironde_skill.csv", skill_png]
