"""Tidal skill against TICON-4: exact on series predicted from the observed constants, and it
measures a known amplitude and timing error."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench import tides
from twinbench.analysis import skill_table, tidal_skill
from twinbench.domains.stations import TICON4_FILES

STATIONS = ["Port-Bloc", "Pauillac", "Bordeaux"]
TIMES = pd.date_range("2024-03-01", periods=24 * 6 * 20, freq="10min").values


def _run(scale=1.0, delay_min=0.0):
    """A run-like dataset whose stations carry the TICON prediction (scaled, delayed)."""
    eta = []
    for name in STATIONS:
        obs = tides.ticon(TICON4_FILES[name])
        pred = tides.predict(obs, TIMES - np.timedelta64(int(delay_min * 60), "s"))
        eta.append(scale * pred.values)
    lat = [tides.ticon(TICON4_FILES[n]).attrs["latitude"] for n in STATIONS]
    return xr.Dataset(
        {"station_eta": (("station", "time"), np.array(eta))},
        coords={
            "time": TIMES,
            "station_name": ("station", STATIONS),
            "station_lat": ("station", lat),
        },
    )


def test_skill_of_the_observations_themselves_is_perfect():
    skill = tidal_skill(_run(), constituents=["M2", "S2", "K1", "M4"])
    assert float(np.abs(skill.amplitude_error).max()) < 1e-6  # cm
    assert float(np.abs(skill.time_error).max()) < 1e-6  # min


def test_skill_measures_a_known_error():
    skill = tidal_skill(_run(scale=1.1, delay_min=20.0), constituents=["M2", "S2"])
    m2 = skill.sel(constituent="M2")
    np.testing.assert_allclose(m2.amplitude_ratio, 1.1, rtol=2e-3)
    np.testing.assert_allclose(m2.time_error, 20.0, atol=0.5)
    np.testing.assert_allclose(m2.amplitude_error, 10 * m2.observed_amplitude, rtol=1e-2)  # cm
    table = skill_table(skill)
    assert {"amplitude_error", "time_error"} <= set(table.columns)


def test_skill_cli_writes_table_and_figure(tmp_path):
    path = tmp_path / "run.nc"
    _run().to_netcdf(path)
    result = subprocess.run(
        [sys.executable, "-m", "twinbench.cli", "skill", str(path), "-o", str(tmp_path / "s")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "skill.png").stat().st_size > 10_000
    table = pd.read_csv(tmp_path / "s" / "skill.csv")
    assert set(table.station) == set(STATIONS)


def test_skill_rejects_runs_without_stations():
    with pytest.raises(ValueError, match="station"):
        tidal_skill(xr.Dataset({"eta": ("time", np.zeros(3))}))
