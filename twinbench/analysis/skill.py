"""Tidal skill: the run's station series analysed harmonically and compared with TICON-4.

Per station and constituent: amplitude error (cm) and phase error (degrees and minutes of the
constituent's period), plus amplitude ratio. Observed constants: TICON-4 (CC-BY-4.0,
Hart-Davis et al., DGFI-TUM), shipped in :mod:`twinbench.tides`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from twinbench import tides
from twinbench.domains.stations import LAGOON_TICON4_FILES, TICON4_FILES

DEFAULT_CONSTITUENTS = ("M2", "S2", "N2", "K1", "O1", "M4", "MS4", "MN4", "M6")


def _wrap(degrees: np.ndarray) -> np.ndarray:
    return (np.asarray(degrees) + 180.0) % 360.0 - 180.0


def tidal_skill(
    run: xr.Dataset,
    constituents: Sequence[str] = DEFAULT_CONSTITUENTS,
    observed: Mapping[str, xr.Dataset] | None = None,
    spin_up: str | float = "1D",
) -> xr.Dataset:
    """Harmonic skill of a run's station water levels against observed tidal constants.

    Parameters
    ----------
    run
        A scenario output with ``station_eta`` over ``(station, time)`` (datetimes) and a
        ``station_name`` coordinate (:func:`twinbench.scenarios.run`).
    constituents
        Those to report. The analysis fits every constituent the record (after ``spin_up``)
        resolves by the Rayleigh criterion; those it cannot resolve are reported as NaN
        (e.g. N2 needs 28 days).
    observed
        Station name → constants (``amplitude`` m, ``phase`` degrees over ``constituent``).
        Default: the shipped TICON-4 gauges whose names the run uses.
    spin_up
        Start of the record left out of the analysis (the model starts at rest).

    Returns
    -------
    xarray.Dataset
        Over ``(station, constituent)``: ``model_amplitude``, ``model_phase``,
        ``observed_amplitude``, ``observed_phase`` (the observed constants' prediction over the
        same times, analysed the same way), ``amplitude_error`` (cm, model − observed),
        ``amplitude_ratio``, ``phase_error`` (degrees, model − observed: positive = late) and
        ``time_error`` (minutes).
    """
    if "station_eta" not in run or "station_name" not in run.coords:
        raise ValueError("the run has no station series (station_eta with station_name)")
    skip = pd.Timedelta(spin_up) if isinstance(spin_up, str) else pd.Timedelta(seconds=spin_up)
    record = run.station_eta.where(run.time >= run.time[0] + np.timedelta64(skip), drop=True)
    if record.sizes["time"] < 3:
        raise ValueError(f"the record after the {skip} spin-up is too short for an analysis")
    if observed is None:
        files = {**TICON4_FILES, **LAGOON_TICON4_FILES}
        observed = {
            name: tides.ticon(files[name])
            for name in run.station_name.values.tolist()
            if name in files
        }
    names = [tides.canonical_name(c) for c in constituents]
    stations = [s for s in run.station_name.values.tolist() if s in observed]
    if not stations:
        raise ValueError("no station of the run has observed tidal constants")
    shape = (len(stations), len(names))
    out = {k: np.full(shape, np.nan) for k in ("ma", "mp", "oa", "op")}
    for k, station in enumerate(stations):
        series = record.isel(station=run.station_name.values.tolist().index(station))
        lat = float(run.station_lat.values[run.station_name.values.tolist().index(station)])
        # Fit every constituent the record resolves (less leakage), report those asked for.
        fit = tides.analyse(
            series.drop_vars([c for c in series.coords if c != "time"]),
            constituents="auto",
            latitude=lat,
            conf_int=False,
        )
        # Like for like: the observed tide predicted over the same times, analysed the same
        # way, so constituents the record cannot separate (N2 from M2 in 15 days) leak
        # identically into both and the difference is the model's error.
        observed_series = tides.predict(observed[station], record.time.values, latitude=lat)
        reference = tides.analyse(
            observed_series, constituents=fit.constituent.values.tolist(), latitude=lat,
            conf_int=False,
        )  # fmt: skip
        for c, name in enumerate(names):
            if name not in fit.constituent.values:
                continue  # not resolved by this record: NaN
            out["ma"][k, c] = float(fit.amplitude.sel(constituent=name))
            out["mp"][k, c] = float(fit.phase.sel(constituent=name))
            out["oa"][k, c] = float(reference.amplitude.sel(constituent=name))
            out["op"][k, c] = float(reference.phase.sel(constituent=name))
    freq = np.array([tides.CONSTITUENTS[n].frequency for n in names])
    phase_error = _wrap(out["mp"] - out["op"])
    dims = ("station", "constituent")
    return xr.Dataset(
        {
            "model_amplitude": (dims, out["ma"], {"units": "m"}),
            "model_phase": (dims, out["mp"], {"units": "degree", "long_name": "Greenwich lag"}),
            "observed_amplitude": (dims, out["oa"], {"units": "m"}),
            "observed_phase": (dims, out["op"], {"units": "degree"}),
            "amplitude_error": (dims, 100 * (out["ma"] - out["oa"]), {"units": "cm"}),
            "amplitude_ratio": (dims, out["ma"] / out["oa"], {"units": "1"}),
            "phase_error": (dims, phase_error, {"units": "degree", "comment": "+ = late"}),
            "time_error": (dims, phase_error / 360.0 / freq * 60.0, {"units": "min"}),
        },
        coords={"station": stations, "constituent": names, "frequency": ("constituent", freq)},
        attrs={
            "record_start": str(record.time.values[0]),
            "record_days": float((record.time[-1] - record.time[0]) / np.timedelta64(1, "D")),
            "observations": "TICON-4 (CC-BY-4.0; Hart-Davis, Dettmering, Seitz et al., DGFI-TUM)",
        },
    )


def skill_table(skill: xr.Dataset) -> pd.DataFrame:
    """One row per station and constituent: amplitudes (m), errors (cm, °, min)."""
    table = skill[
        ["model_amplitude", "observed_amplitude", "amplitude_error", "amplitude_ratio",
         "model_phase", "observed_phase", "phase_error", "time_error"]
    ].to_dataframe()  # fmt: skip
    return table.drop(columns=["frequency"], errors="ignore").round(3)


def plot_skill(skill: xr.Dataset, path: str | Path, constituents: Sequence[str] = ("M2", "M4")):
    """Amplitude and phase of each constituent along the estuary (stations in run order),
    model against observations; written to ``path`` (PNG)."""
    from matplotlib.figure import Figure  # off pyplot: a notebook's backend is left alone

    fig = Figure(figsize=(5 * len(constituents), 6))
    axes = fig.subplots(2, len(constituents), squeeze=False)
    x = np.arange(skill.sizes["station"])
    for c, name in enumerate(constituents):
        one = skill.sel(constituent=name)
        for row, (var, unit) in enumerate((("amplitude", "m"), ("phase", "° (UTC)"))):
            ax = axes[row, c]
            ax.plot(x, one[f"observed_{var}"], "ko-", label="observed (TICON-4)")
            ax.plot(x, one[f"model_{var}"], "s--", color="tab:blue", label="model")
            ax.set_ylabel(f"{name} {var} ({unit})")
            ax.set_xticks(x, skill.station.values, rotation=30, ha="right")
            ax.grid(alpha=0.3)
        axes[0, c].legend(fontsize=8)
    fig.suptitle("Tidal skill along the estuary (mouth → upstream)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return Path(path)
