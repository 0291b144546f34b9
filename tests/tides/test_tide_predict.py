"""Prediction against UTide's reconstruct and pyTMD, vectorised forms, CF output, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from tides_helpers import utide_coef

from twinbench.tides import CONSTITUENTS, predict


@pytest.mark.parametrize("year", [2006, 2015, 2024])  # node at 0°, 180°, and in between
def test_matches_utide_reconstruct_over_a_year(bordeaux, year):
    """Hourly year at Bordeaux (the 41 TICON constituents UTide knows): max difference < 1e-3 mm."""
    utide = pytest.importorskip("utide")
    times = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", inclusive="left")
    known = [
        n for n in map(str, bordeaux.constituent.values) if "Foreman" in CONSTITUENTS[n].source
    ]
    ds = bordeaux.sel(constituent=known)
    lat = ds.attrs["latitude"]
    coef = utide_coef(known, ds.amplitude.values, ds.phase.values, lat, times)
    theirs = utide.reconstruct(times.values, coef, verbose=False, min_SNR=0, min_PE=0).h
    ours = predict(ds, times).values
    assert len(known) == 41
    assert np.abs(ours - theirs).max() < 1e-6  # metres; measured 2e-9


def test_agrees_with_pytmd(port_bloc):
    """Main constituents at Port-Bloc, hourly 2015: pyTMD (FES nodal formulas)."""
    pytmd = pytest.importorskip("pyTMD.constituents")
    names = ["M2", "S2", "N2", "K2", "K1", "O1", "P1", "Q1", "M4", "MS4", "MN4", "M6"]
    ds = port_bloc.sel(constituent=names)
    times = pd.date_range("2015-01-01", "2016-01-01", freq="h", inclusive="left")
    mjd = (times.values - np.datetime64("1858-11-17")) / np.timedelta64(1, "D")
    u, f, g = pytmd.arguments(mjd, [n.lower() for n in names], corrections="FES")
    amp, lag = ds.amplitude.values, np.deg2rad(ds.phase.values)
    no_nodal = (amp * np.cos(np.deg2rad(g) - lag)).sum(axis=1)
    nodal = (amp * f * np.cos(np.deg2rad(g) + u - lag)).sum(axis=1)
    # Same arguments V: < 0.1 mm. Foreman satellites vs Schureman formulas: < 10 mm (6.5 mm).
    assert np.abs(predict(ds, times, nodal=False).values - no_nodal).max() < 1e-4
    assert np.abs(predict(ds, times).values - nodal).max() < 1e-2


def test_boundary_points_vectorised(port_bloc, bordeaux):
    """Arrays of constants over points give (time, point), equal to per-point predictions."""
    times = pd.date_range("2020-01-01", periods=100, freq="30min")
    names = ["M2", "S2", "K1", "O1", "M4"]
    a, b = port_bloc.sel(constituent=names), bordeaux.sel(constituent=names)
    constants = {
        n: (
            [float(a.amplitude.sel(constituent=n)), float(b.amplitude.sel(constituent=n))],
            [float(a.phase.sel(constituent=n)), float(b.phase.sel(constituent=n))],
        )
        for n in names
    }
    both = predict(constants, times, latitude=45.0)
    assert both.dims == ("time", "point") and both.shape == (100, 2)
    for k, ds in enumerate([a, b]):
        single = predict(ds, times, latitude=45.0)
        np.testing.assert_allclose(both.isel(point=k).values, single.values, atol=1e-12)

    stacked = xr.concat([a, b], dim="station").assign_coords(station=["port_bloc", "bordeaux"])
    out = predict(stacked, times, latitude=45.0)
    assert out.dims == ("time", "station")
    np.testing.assert_allclose(out.values, both.values, atol=1e-12)


def test_output_is_cf_and_mean_is_added():
    times = pd.date_range("2020-01-01", periods=10, freq="h")
    eta = predict({"M2": (1.0, 0.0)}, times)
    assert eta.attrs["standard_name"] == "tidal_sea_surface_height_above_mean_sea_level"
    assert eta.attrs["units"] == "m"
    assert np.issubdtype(eta.time.dtype, np.datetime64)
    shifted = predict({"M2": (1.0, 0.0)}, times, mean=2.5)
    np.testing.assert_allclose(shifted.values - eta.values, 2.5)
    assert "standard_name" not in shifted.attrs  # no longer above mean sea level


def test_phase_is_a_greenwich_lag():
    """S2 with lag g peaks g/30 hours after 00:00 UTC; K2-free, nodal-free."""
    times = pd.date_range("2021-03-10", periods=24 * 60, freq="min")
    eta = predict({"S2": (1.0, 60.0)}, times, nodal=False)
    peak = pd.Timestamp(eta.time.values[np.argmax(eta.values)])
    assert (peak.hour, peak.minute) == (2, 0)


@pytest.mark.parametrize(
    ("constants", "message"),
    [
        ({"M2": (-1.0, 0.0)}, "amplitude of M2 must be >= 0"),
        ({"M2": (1.0, np.nan)}, "phase of M2 must be finite"),
        ({"XX9": (1.0, 0.0)}, "unknown tidal constituent 'XX9'"),
        ({"EPS2": (1.0, 0.0), "EP2": (1.0, 0.0)}, "given twice"),
        ({"M2": 1.0}, r"must map to \(amplitude, phase_degrees\)"),
        ({"M2": ([1.0, 2.0], [0.0, 1.0, 2.0])}, "one common shape"),
        ([("M2", 1.0, 0.0)], "mapping name -> \\(amplitude, phase\\) or an xarray.Dataset"),
        (xr.Dataset({"amp": ("constituent", [1.0])}), "needs variables 'amplitude' and 'phase'"),
    ],
)
def test_bad_constants_are_refused(constants, message):
    times = pd.date_range("2020-01-01", periods=3, freq="h")
    with pytest.raises(ValueError, match=message):
        predict(constants, times)


def test_times_must_be_datetimes():
    with pytest.raises(ValueError, match="must be datetimes"):
        predict({"M2": (1.0, 0.0)}, np.arange(10.0))
