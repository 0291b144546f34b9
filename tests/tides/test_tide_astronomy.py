"""Astronomical arguments and nodal corrections against UTide, pyTMD and textbook values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tides_helpers import utide_days

from twinbench.tides import (
    CONSTITUENTS,
    astronomical_arguments,
    astronomical_variables,
    nodal_corrections,
)
from twinbench.tides._parsing import days_since_1899
from twinbench.tides.astronomy import fuv

FOREMAN = [n for n, c in CONSTITUENTS.items() if n != "Z0" and c.source.startswith("Foreman")]


def _wrap(degrees):
    return (np.asarray(degrees) + 180.0) % 360.0 - 180.0


def test_f_u_v_equal_utide_for_all_146_constituents():
    """f, u and V of every Foreman constituent against ``utide.harmonics.FUV`` over a year."""
    pytest.importorskip("utide")
    from utide._ut_constants import constit_index_dict
    from utide.harmonics import FUV

    times = pd.date_range("2015-01-01", "2016-01-01", freq="3h").values
    f, u, v = fuv(FOREMAN, days_since_1899(times), 45.57)
    jd = utide_days(times)
    lind = np.array([constit_index_dict[n] for n in FOREMAN])
    f_ut, u_ut, v_ut = FUV(jd, jd.mean(), lind, 45.57, [0, 0, 0, 0])
    assert np.abs(f - f_ut).max() < 1e-12
    assert np.abs(_wrap(360 * (u - u_ut))).max() < 1e-9
    assert np.abs(_wrap(360 * (v - v_ut))).max() < 1e-6  # UTide's float day count


def test_astronomical_arguments_agree_with_pytmd():
    """V from independent ephemerides (pyTMD's ASTRO5) within 0.002° over 1990-2030."""
    pytmd = pytest.importorskip("pyTMD.constituents")
    names = ["M2", "S2", "N2", "K2", "K1", "O1", "P1", "Q1", "MF", "MM", "SSA", "M4", "MS4", "M6"]
    times = pd.date_range("1990-01-01", "2030-01-01", freq="17D")
    ours = astronomical_arguments(names, times).values
    mjd = (times.values - np.datetime64("1858-11-17")) / np.timedelta64(1, "D")
    _, _, theirs = pytmd.arguments(mjd, [n.lower() for n in names], corrections="FES")
    assert np.abs(_wrap(ours - theirs)).max() < 2e-3


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        # Node at 0° (major lunar standstill): f_M2 minimum, f_K1 and f_O1 maximum.
        ("2006-07-01", {"M2": 0.963, "K1": 1.113, "O1": 1.176}),
        # Node at 180° (minor standstill, 2015): the other extreme.
        ("2015-07-01", {"M2": 1.038, "K1": 0.882, "O1": 0.802}),
    ],
)
def test_nodal_factors_at_node_extremes(date, expected):
    """Textbook ranges (e.g. Pugh 1987, ch. 4): f_M2 0.963-1.038, K1 0.882-1.113, O1 0.806-1.183.

    Foreman's satellites give O1 0.802-1.176: within 0.007 of the Schureman values.
    """
    nc = nodal_corrections(list(expected), np.datetime64(date), latitude=45.0)
    for name, f in expected.items():
        assert float(nc.f.sel(constituent=name)[0]) == pytest.approx(f, abs=1.5e-3)


def test_nodal_factors_near_pytmd():
    """Foreman's satellites vs pyTMD's Schureman-type formulas over a full node cycle."""
    pytmd = pytest.importorskip("pyTMD.constituents")
    tolerance = {"M2": 0.004, "S2": 0.003, "K1": 0.002, "O1": 0.01, "N2": 0.005, "K2": 0.007}
    times = pd.date_range("2000-01-01", "2019-01-01", freq="11D")
    ours = nodal_corrections(list(tolerance), times, latitude=45.0)
    mjd = (times.values - np.datetime64("1858-11-17")) / np.timedelta64(1, "D")
    u, f, _ = pytmd.arguments(mjd, [n.lower() for n in tolerance], corrections="FES")
    z_ours = ours.f.values * np.exp(1j * np.deg2rad(ours.u.values))
    for i, (name, tol) in enumerate(tolerance.items()):
        assert np.abs(z_ours[:, i] - f[:, i] * np.exp(1j * u[:, i])).max() < tol, name


def test_latitude_only_moves_latitude_dependent_satellites():
    """Without a latitude the small latitude-dependent satellites are left out (< 0.002 in f)."""
    t = pd.date_range("2010-01-01", periods=50, freq="7D")
    names = ["M2", "K1", "O1", "T2"]
    none = nodal_corrections(names, t)
    north = nodal_corrections(names, t, latitude=50.0)
    diff = np.abs(none.f - north.f).max("time")
    assert float(diff.sel(constituent="T2")) == 0.0  # no satellite at all
    assert float(diff.sel(constituent=["M2", "K1", "O1"]).min()) > 0
    assert float(diff.max()) < 2e-3


def test_variables_at_j2000():
    """Mean longitudes at 2000-01-01 12:00 (Meeus 1998: s 218.32°, h 280.47°, p 83.35°)."""
    a = astronomical_variables(np.datetime64("2000-01-01T12:00")).isel(time=0)
    assert float(a.sel(variable="s")) == pytest.approx(218.316, abs=0.01)
    assert float(a.sel(variable="h")) == pytest.approx(280.466, abs=0.01)
    assert float(a.sel(variable="p")) == pytest.approx(83.353, abs=0.01)
    assert float(a.sel(variable="N_prime")) == pytest.approx(360 - 125.045, abs=0.01)


def test_timezone_aware_times_are_converted_to_utc():
    utc = pd.date_range("2020-06-01", periods=5, freq="h", tz="UTC")
    paris = utc.tz_convert("Europe/Paris")
    np.testing.assert_allclose(
        astronomical_arguments(["M2"], paris).values, astronomical_arguments(["M2"], utc).values
    )


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (np.arange(5.0), "must be datetimes"),
        (["2020-01-01"], "must be datetimes"),
        (np.array(["2020-01-01", "NaT"], dtype="datetime64[ns]"), "NaT"),
        (np.array([], dtype="datetime64[ns]"), "empty"),
    ],
)
def test_bad_times_are_refused(times, message):
    with pytest.raises(ValueError, match=message):
        astronomical_arguments(["M2"], times)


@pytest.mark.parametrize("latitude", [91.0, float("nan"), "north"])
def test_bad_latitudes_are_refused(latitude):
    with pytest.raises(ValueError, match="latitude"):
        nodal_corrections(["M2"], np.datetime64("2020-01-01"), latitude=latitude)
