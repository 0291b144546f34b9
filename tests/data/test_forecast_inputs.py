"""The forecast's inputs: the weather what-ifs, the river recession, the 3-month indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from twinbench import domains
from twinbench.forecast import Weather, WindScale, fit_recession, recession_series
from twinbench.forecast.indicators import river_indicators, seasonal_percentile
from twinbench.forecast.rivers import salinity_reach
from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif import RunSetup, WhatIf

TIMES = ["2025-08-15T00:00", "2025-08-15T06:00", "2025-08-15T12:00"]


def _weather(**changes) -> Weather:
    spec = {"time": TIMES, "eastward_wind": [10.0, 10.0, 10.0], "northward_wind": [0.0] * 3,
            "pressure": [101325.0, 100325.0, 99325.0]}  # fmt: skip
    return Weather(**{**spec, **changes})


@pytest.fixture(scope="module")
def setup():
    domain = domains.gironde("coarse")
    tide = {"type": "tide", "constituents": {"M2": [1.35, 87.8]}}
    return RunSetup(domain, {}, {"west": tide}, start=np.datetime64("2025-08-14T18:00"),
                    duration=86400.0)  # fmt: skip


def test_weather_round_trips_through_its_yaml_form():
    w = _weather()
    assert WhatIf.from_dict(w.to_dict()) == w
    assert w.to_dict()["type"] == "weather"
    assert WhatIf.from_dict({"type": "wind_scale", "factor": 0.5}) == WindScale(factor=0.5)


def test_a_west_wind_blows_towards_positive_x_and_a_low_raises_the_sea(setup):
    out = _weather().apply(setup)
    assert out.forcing.x_wind.dims == ("time",)
    np.testing.assert_allclose(out.forcing.time.values, [6 * 3600.0, 12 * 3600.0, 18 * 3600.0])
    assert (out.forcing.x_wind > 9.9).all() and (abs(out.forcing.y_wind) < 0.5).all()
    assert out.forcing.air_pressure_at_sea_level.attrs["units"] == "Pa"
    mean = out.boundaries["west"]["mean"]  # inverse barometer: 2000 Pa below 1013.25 hPa → +0.2 m
    assert float(mean[-1]) == pytest.approx(2000.0 / (1025 * 9.81), rel=1e-6)
    assert setup.boundaries["west"].get("mean") is None  # the input setup is left unchanged
    off = _weather(inverse_barometer=False).apply(setup)
    assert "mean" not in off.boundaries["west"]


def test_wind_scale_multiplies_the_wind_only(setup):
    base = _weather().apply(setup)
    doubled = WindScale(factor=2.0).apply(base)
    np.testing.assert_allclose(doubled.forcing.x_wind, 2 * base.forcing.x_wind)
    np.testing.assert_allclose(doubled.forcing.air_pressure_at_sea_level,
                               base.forcing.air_pressure_at_sea_level)  # fmt: skip
    with pytest.raises(InputError, match="no wind forcing"):
        WindScale(factor=2.0).apply(setup)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time": ["2025-08-15T06:00", "2025-08-15T00:00", "2025-08-15T12:00"]}, "increasing"),
        ({"pressure": [101325.0, np.nan, 101325.0]}, "pressure"),
        ({"eastward_wind": [1.0, 2.0]}, "one number per time"),
        ({"time": ["soon", "later", "never"]}, "date-times"),
    ],
)
def test_bad_weather_is_refused(changes, message):
    with pytest.raises(InputError, match=message):
        _weather(**changes)


def _daily(values, start="2025-06-01") -> xr.DataArray:
    t = pd.date_range(start, periods=len(values), freq="D")
    return xr.DataArray(np.asarray(values, float), coords={"time": t}, dims="time",
                        attrs={"station_name": "test", "station_code": "X000000000"})  # fmt: skip


def test_recession_recovers_the_time_scale_and_continues_the_observations():
    days = np.arange(40)
    observed = _daily(80.0 + 400.0 * np.exp(-days / 10.0))
    fit = fit_recession(observed)
    assert fit.tau == pytest.approx(10.0, rel=0.05) and fit.base == pytest.approx(80.0, abs=2.0)
    times = pd.date_range("2025-07-05", "2025-07-30", freq="6h").values
    q = recession_series(observed, times)
    last = pd.Timestamp("2025-07-10T12:00")
    assert float(q.sel(time=last)) == pytest.approx(observed.values[-1])
    after = q.sel(time=slice(last, None)).values
    assert np.all(np.diff(after) <= 0) and after[-1] > fit.base  # decays towards the base flow
    assert "exp(" in q.attrs["recession"]


def test_a_flat_or_rising_river_persists():
    rising = fit_recession(_daily(np.linspace(100.0, 300.0, 30)))
    assert rising.base == rising.q0 == 300.0 and rising.limb_days == 0
    observed = _daily([150.0] * 30)
    fit = fit_recession(observed)
    assert fit.base == 150.0 and fit.limb_days == 0
    q = recession_series(observed, pd.date_range("2025-07-01", periods=40, freq="D").values)
    np.testing.assert_allclose(q.values, 150.0)


def test_salt_reach_shortens_with_discharge():
    assert salinity_reach(250.0) > salinity_reach(1000.0) > salinity_reach(3500.0)
    assert salinity_reach(50.0) == salinity_reach(250.0)  # held beyond the measured range


def test_indicators_rank_a_dry_season_low_and_flag_the_low_flow_thresholds():
    months = pd.date_range("1995-01-01", "2024-12-01", freq="MS")
    record = xr.DataArray(np.where(months.month == 8, 150.0 + np.arange(months.size) % 30, 600.0),
                          coords={"time": months}, dims="time")  # fmt: skip
    recent = _daily(np.linspace(120.0, 50.0, 31), start="2025-08-01")
    assert seasonal_percentile(recent, record) == (0.0, 30)
    table = river_indicators({"garonne": recent, "dordogne": recent * 0.5},
                             {"garonne": record, "dordogne": record * 0.5})  # fmt: skip
    garonne = table.set_index("river").loc["garonne"]
    assert garonne["latest"] == pytest.approx(50.0)
    assert garonne["below"] == "DCR, DOE"  # 50 m³/s: under the crisis flow (60) and DOE (110)
    assert garonne["trend_per_day"] == pytest.approx(-70.0 / 30.0, rel=1e-6)
    assert list(table["river"]) == ["garonne", "dordogne", "total"]
