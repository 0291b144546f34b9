"""Harmonic analysis: exact recovery, UTide's solve, Rayleigh selection, confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from tides_helpers import synthetic

from twinbench.tides import analyse, predict

MAIN = ["M2", "S2", "N2", "K2", "K1", "O1", "P1", "Q1", "M4", "MS4", "MN4", "M6"]


def _wrap(degrees):
    return (np.asarray(degrees) + 180.0) % 360.0 - 180.0


def test_exact_recovery_without_noise(bordeaux):
    """All 48 Bordeaux constituents back from 400 days of clean hourly data (1e-9 m, 1e-6°)."""
    truth = bordeaux
    times = pd.date_range("2010-01-01", periods=24 * 400, freq="h")
    eta = predict(truth, times)
    fit = analyse(eta, constituents=list(map(str, truth.constituent.values)), conf_int=False)
    np.testing.assert_allclose(fit.amplitude, truth.amplitude, rtol=0, atol=1e-9)
    assert np.abs(_wrap(fit.phase - truth.phase)).max() < 1e-6
    assert abs(float(fit["mean"])) < 1e-9


@pytest.fixture(scope="module", params=[30, 365], ids=["30d", "1yr"])
def against_utide(request, port_bloc):
    """Port-Bloc constants + 5 cm white noise + a 30-hour gap, analysed by both codes."""
    utide = pytest.importorskip("utide")
    days = request.param
    series = synthetic(port_bloc, "2015-03-01", days, noise=0.05, seed=days)
    series.iloc[100:130] = np.nan
    lat = port_bloc.attrs["latitude"]
    white = days == 30  # one UTide solve per record keeps the test fast
    ours = analyse(series, latitude=lat, white=white)
    kwargs = dict(lat=lat, trend=False, verbose=False, method="ols", conf_int="linear")
    raw = utide.solve(series.index.values, series.values, white=white, **kwargs)
    theirs = pd.DataFrame({"A": raw.A, "g": raw.g, "A_ci": raw.A_ci, "g_ci": raw.g_ci}, raw.name)
    return ours, theirs, raw, white


def test_same_constituents_as_utide(against_utide):
    ours, theirs, _, _ = against_utide
    assert sorted(map(str, ours.constituent.values)) == sorted(theirs.index)


def test_amplitudes_phases_as_utide(against_utide):
    """Main constituents: amplitudes within 1e-6 relative, phases within 1e-4° (asked: 1 %, 1°)."""
    ours, theirs, raw, _ = against_utide
    names = [n for n in MAIN if n in theirs.index]
    a = ours.amplitude.sel(constituent=names).values
    np.testing.assert_allclose(a, theirs.A[names], rtol=1e-6)
    assert np.abs(_wrap(ours.phase.sel(constituent=names).values - theirs.g[names])).max() < 1e-4
    assert float(ours["mean"]) == pytest.approx(raw.mean, abs=1e-9)


def test_confidence_intervals_as_utide(against_utide):
    """White noise (30 d): UTide's intervals. Colored (1 yr): UTide's × √2 (analysis docstring)."""
    ours, theirs, _, white = against_utide
    names = list(theirs.index)
    factor = 1.0 if white else np.sqrt(2)
    np.testing.assert_allclose(
        ours.amplitude_ci.sel(constituent=names), factor * theirs.A_ci, rtol=1e-6
    )
    np.testing.assert_allclose(
        ours.phase_ci.sel(constituent=names), factor * theirs.g_ci, rtol=1e-6
    )


def test_recovers_ticon_truth_within_intervals(port_bloc):
    """One year with 5 cm noise: main constituents within their 95 % intervals (K2 included)."""
    series = synthetic(port_bloc, "2019-01-01", 365, noise=0.05, seed=3)
    fit = analyse(series)
    for name in ["M2", "S2", "N2", "K2", "K1", "O1"]:
        f, t = fit.sel(constituent=name), port_bloc.sel(constituent=name)
        assert abs(float(f.amplitude - t.amplitude)) < 2 * float(f.amplitude_ci), name
        assert abs(_wrap(float(f.phase - t.phase))) < 2 * float(f.phase_ci), name


def test_rayleigh_selection():
    month = pd.date_range("2020-01-01", periods=24 * 30, freq="h")
    year = pd.date_range("2020-01-01", periods=24 * 365, freq="h")
    eta = lambda t: predict({"M2": (1.0, 0.0), "S2": (0.3, 30.0), "K2": (0.1, 40.0)}, t)  # noqa: E731
    in_month = set(analyse(eta(month)).constituent.values)
    in_year = set(analyse(eta(year)).constituent.values)
    assert {"M2", "S2", "N2", "K1", "O1"} <= in_month and not {"K2", "P1"} & in_month
    assert {"K2", "S2", "P1", "SSA"} <= in_year and "SA" not in in_year  # SA needs > 365.24 d
    # rayleigh=2 needs twice the record: S2/M2 (14.8 d) goes in 30 days, N2 (27.6 d) does not.
    in_month_2 = set(analyse(eta(month), rayleigh=2.0).constituent.values)
    assert "S2" in in_month_2 and "N2" not in in_month_2


def test_confidence_intervals_cover_truth_at_95_percent():
    """200 noisy months, 5 constituents: coverage ≈ 95 % (white), ≈ 92 % (colored, estimated)."""
    truth = {
        "M2": (1.0, 100.0),
        "S2": (0.4, 140.0),
        "N2": (0.2, 80.0),
        "K1": (0.1, 70.0),
        "O1": (0.08, 320.0),
    }
    times = pd.date_range("2020-03-01", periods=24 * 30, freq="h")
    clean = predict(truth, times, latitude=45.0).values
    rng = np.random.default_rng(42)
    hits = {True: [], False: []}
    for _ in range(200):
        series = pd.Series(clean + 0.1 * rng.standard_normal(times.size), index=times)
        for white in (True, False):
            fit = analyse(series, constituents=list(truth), latitude=45.0, white=white)
            a0 = np.array([a for a, _ in truth.values()])
            g0 = np.array([g for _, g in truth.values()])
            hits[white].append(np.abs(fit.amplitude.values - a0) <= fit.amplitude_ci.values)
            hits[white].append(np.abs(_wrap(fit.phase.values - g0)) <= fit.phase_ci.values)
    assert 0.93 <= np.mean(hits[True]) <= 0.97
    assert 0.89 <= np.mean(hits[False]) <= 0.97


def test_gaps_and_uneven_sampling():
    """NaNs are dropped and random sampling times work; results stay exact without noise."""
    truth = {"M2": (1.2, 33.0), "K1": (0.2, 250.0), "M4": (0.05, 10.0)}
    rng = np.random.default_rng(0)
    offsets = np.unique(rng.uniform(0, 40 * 24 * 3600, 2000).astype("timedelta64[s]"))
    times = pd.DatetimeIndex(np.datetime64("2021-05-01") + offsets)
    values = predict(truth, times).values + 0.7
    values[::7] = np.nan
    series = xr.DataArray(values, dims="time", coords={"time": times}, attrs={"units": "m"})
    fit = analyse(series, constituents=list(truth))
    assert fit.attrs["n_dropped"] == int(np.isnan(values).sum())
    np.testing.assert_allclose(fit.amplitude, [a for a, _ in truth.values()], atol=1e-9)
    assert float(fit["mean"]) == pytest.approx(0.7, abs=1e-9)
    assert np.isfinite(fit.amplitude_ci).all() and np.isfinite(fit.phase_ci).all()


def test_trend_and_round_trip_through_predict():
    times = pd.date_range("2022-01-01", periods=24 * 60, freq="h")
    truth = predict({"M2": (1.0, 45.0), "S2": (0.3, 80.0)}, times).values
    days = (times - times[0]) / pd.Timedelta(days=1)
    series = pd.Series(truth + 3.0 + 0.002 * days, index=times)
    fit = analyse(series, constituents=["M2", "S2"], trend=True)
    assert float(fit["trend"]) == pytest.approx(0.002, rel=1e-9)
    np.testing.assert_allclose(predict(fit, times).values, series.values, atol=1e-9)


@pytest.mark.parametrize(
    ("series", "kwargs", "message"),
    [
        (
            pd.Series([np.nan] * 48, index=pd.date_range("2020", periods=48, freq="h")),
            {},
            "no finite value",
        ),
        (
            pd.Series(np.ones(10), index=pd.date_range("2020", periods=10, freq="h")),
            {},
            "too short for any constituent.*12.42 h",
        ),
        (
            pd.Series(np.ones(5), index=pd.date_range("2020", periods=5, freq="10D")),
            {"constituents": ["M2", "O1", "K1"]},
            "too short: 5 valid samples for 7 unknowns",
        ),
        (pd.Series(np.arange(48.0)), {}, "DatetimeIndex"),
        (np.arange(48.0), {}, "xarray.DataArray"),
        (
            pd.Series(np.ones(48), index=pd.date_range("2020", periods=48, freq="h")),
            {"constituents": ["M2", "XYZ"]},
            "unknown tidal constituent 'XYZ'",
        ),
        (
            pd.Series(np.ones(48), index=pd.date_range("2020", periods=48, freq="h")),
            {"rayleigh": -1.0},
            "rayleigh must be a positive",
        ),
        (
            pd.Series(np.ones(24 * 20), index=pd.date_range("2020", periods=24 * 20, freq="h")),
            {"constituents": ["S2", "K2"]},
            r"cannot be separated.*\('S2', 'K2'\)",
        ),
        (
            pd.Series(np.ones(4), index=pd.DatetimeIndex(["2020-01-01"] * 2 + ["2020-01-02"] * 2)),
            {},
            "duplicated times",
        ),
    ],
)
def test_bad_input_is_refused(series, kwargs, message):
    with pytest.raises(ValueError, match=message):
        analyse(series, **kwargs)
