"""Series statistics and harmonic comparison against hand-computed and analytic answers."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench.analysis import align, harmonic_comparison, series_skill, skill_scores
from twinbench.io.inputs import InputError
from twinbench.tides import CONSTITUENTS, predict


def _series(values, times):
    return xr.DataArray(np.asarray(values, float), coords={"time": times}, dims="time")


def test_hand_computed_example():
    # o = 1 2 3 4, m = 2 2 4 5: differences 1 0 1 1; ō = 2.5, m̄ = 3.25;
    # σo² = 1.25, σm² = 1.6875, cov = 1.375; Σ(|m−ō|+|o−ō|)² = 2² + 1² + 2² + 4² = 25.
    scores = skill_scores(np.array([2.0, 2, 4, 5]), np.array([1.0, 2, 3, 4]))
    assert scores["n"] == 4
    assert scores["bias"] == pytest.approx(0.75)
    assert scores["rmse"] == pytest.approx(np.sqrt(0.75))
    assert scores["crmse"] == pytest.approx(np.sqrt(0.75 - 0.75**2))
    assert scores["std_ratio"] == pytest.approx(np.sqrt(1.6875 / 1.25))
    assert scores["correlation"] == pytest.approx(1.375 / np.sqrt(1.6875 * 1.25))
    assert scores["willmott_d"] == pytest.approx(1 - 3 / 25)


@pytest.mark.parametrize("phase", [0.0, np.pi / 6, np.pi / 2, 2.5])
def test_sine_against_a_shifted_sine(phase):
    amplitude, period = 1.7, 12.0 * 3600
    seconds = np.arange(0.0, 10 * period, period / 400)  # whole periods
    times = np.datetime64("2024-03-01") + (seconds * 1e9).astype("timedelta64[ns]")
    omega = 2 * np.pi / period
    observed = _series(amplitude * np.sin(omega * seconds), times)
    model = _series(amplitude * np.sin(omega * seconds + phase), times)
    s = series_skill(model, observed)
    assert s["n"] == seconds.size
    assert s["bias"] == pytest.approx(0.0, abs=1e-12)
    assert s["correlation"] == pytest.approx(np.cos(phase), abs=1e-9)
    assert s["rmse"] == pytest.approx(np.sqrt(2) * amplitude * abs(np.sin(phase / 2)), abs=1e-9)
    assert s["crmse"] == pytest.approx(s["rmse"], abs=1e-12)
    assert s["std_ratio"] == pytest.approx(1.0)
    # Willmott d with ō = 0: 1 − 2 sin²(φ/2) / (1 + 2 mean|sin a sin(a+φ)|), where
    # mean|sin a sin(a+φ)| = (2 sin φ + (π − 2φ) cos φ) / (2π) for 0 ≤ φ ≤ π.
    mean_abs = (2 * np.sin(phase) + (np.pi - 2 * phase) * np.cos(phase)) / (2 * np.pi)
    expected = 1 - 2 * np.sin(phase / 2) ** 2 / (1 + 2 * mean_abs)
    assert s["willmott_d"] == pytest.approx(expected, abs=1e-4)


def test_alignment_interpolates_the_model_onto_the_common_period():
    model_times = pd.date_range("2024-03-01", "2024-03-02", freq="10min")
    obs_times = pd.date_range("2024-02-28 22:30", "2024-03-02 12:30", freq="1h")
    hours = lambda t: (t - pd.Timestamp("2024-03-01")) / pd.Timedelta(1, "h")  # noqa: E731
    model = _series(0.1 * hours(model_times) + 2.0, model_times)
    observed = _series(0.1 * hours(obs_times), obs_times)
    m, o = align(model, observed)
    assert o.time.values[0] == np.datetime64("2024-03-01T00:30")
    assert o.time.values[-1] == np.datetime64("2024-03-01T23:30")
    np.testing.assert_allclose(m.values - o.values, 2.0, atol=1e-12)  # linear: exact
    s = series_skill(model, observed)
    assert s["n"] == 24 and s["bias"] == pytest.approx(2.0) and s["crmse"] == pytest.approx(0.0)


def test_nan_observations_are_left_out():
    times = pd.date_range("2024-03-01", periods=10, freq="1h")
    values = np.arange(10.0)
    observed = _series(np.where(values % 3 == 0, np.nan, values), times)
    assert series_skill(_series(values, times), observed)["n"] == 6


def test_records_that_do_not_overlap_are_refused():
    a = _series([1.0, 2.0, 3.0], pd.date_range("2024-03-01", periods=3, freq="1h"))
    b = _series([1.0, 2.0, 3.0], pd.date_range("2024-04-01", periods=3, freq="1h"))
    with pytest.raises(InputError, match="do not overlap"):
        series_skill(a, b)
    seconds = _series([1.0, 2.0, 3.0], [0.0, 3600.0, 7200.0])
    with pytest.raises(InputError, match="datetimes"):
        series_skill(a, seconds)
    with pytest.raises(InputError, match="over 'time'"):
        series_skill(xr.DataArray(np.zeros((2, 2)), dims=("time", "x")), a)


def test_harmonic_comparison_recovers_ratio_phase_and_vector_difference():
    times = pd.date_range("2024-03-01", periods=30 * 24, freq="1h")
    model = predict({"M2": (1.0, 5.0), "S2": (0.3, 140.0)}, times, latitude=45.6)
    observed = predict({"M2": (1.2, 355.0), "S2": (0.3, 140.0)}, times, latitude=45.6)
    fit = harmonic_comparison(model, observed, ["M2", "S2"], latitude=45.6)
    m2 = fit.sel(constituent="M2")
    assert float(m2.amplitude_ratio) == pytest.approx(1 / 1.2, abs=1e-6)
    assert float(m2.amplitude_difference) == pytest.approx(-0.2, abs=1e-6)
    assert float(m2.phase_difference) == pytest.approx(10.0, abs=1e-4)  # wrapped: 5 − 355
    period_min = 60.0 / CONSTITUENTS["M2"].frequency
    assert float(m2.time_difference) == pytest.approx(10.0 / 360.0 * period_min, abs=1e-3)
    vector = abs(1.0 * np.exp(1j * np.deg2rad(5.0)) - 1.2 * np.exp(1j * np.deg2rad(355.0)))
    assert float(m2.vector_difference) == pytest.approx(vector, abs=1e-6)
    s2 = fit.sel(constituent="S2")
    assert float(s2.vector_difference) == pytest.approx(0.0, abs=1e-6)
    auto = harmonic_comparison(model, observed)
    assert {"M2", "S2"} <= set(auto.constituent.values.tolist())
