"""Threshold rules → alert tables, daily summaries and trends: synthetic series for the logic,
a short coarse-Gironde run for real alerts that fire (low threshold) and do not (high one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from twinbench import alerts, scenarios
from twinbench.io.inputs import InputError

T0 = np.datetime64("2024-03-01T00:00")


def station_run(values, every_min=10.0, stations=("A",), variable="station_eta"):
    """A run-like dataset: ``values`` over (station, time) or (member, station, time)."""
    values = np.asarray(values, dtype=float)
    values = values[None] if values.ndim == 1 else values
    dims = ("member", "station", "time") if values.ndim == 3 else ("station", "time")
    n = values.shape[-1]
    t = T0 + (np.arange(n) * every_min * 60).astype("timedelta64[s]")
    return xr.Dataset({variable: (dims, values)},
                      coords={"time": t, "station_name": ("station", list(stations))})  # fmt: skip


RULE = {"name": "high", "variable": "station_eta", "station": "A", "threshold": 1.0,
        "level": "warning"}  # fmt: skip


def test_episodes_start_end_and_peak_by_hand():
    run = station_run([0, 2, 3, 0.5, 0, 1.5, 0])
    table = alerts.evaluate([RULE], run)
    assert list(table.columns) == alerts.COLUMNS
    assert len(table) == 2
    first = table.iloc[0]
    assert first["start"] == T0 + np.timedelta64(10, "m")
    assert first["end"] == T0 + np.timedelta64(20, "m")
    assert first["peak"] == 3.0 and first["peak_time"] == T0 + np.timedelta64(20, "m")
    assert first["probability"] == 1.0 and first["level"] == "warning"
    assert table.iloc[1]["peak"] == 1.5


def test_duration_keeps_only_episodes_that_last():
    run = station_run([0, 2, 2, 2, 2, 0, 2, 2, 0, 2, 0])  # 30 min, 10 min and 0 min long
    for minutes, count in ((0, 3), (10, 2), (20, 1), (30, 1), (31, 0)):
        table = alerts.evaluate([{**RULE, "duration": minutes}], run)
        assert len(table) == count, minutes
    assert len(alerts.evaluate([{**RULE, "duration": "30min"}], run)) == 1


def test_below_rules_and_nan_never_trigger():
    run = station_run([5, 0.2, np.nan, 0.1, 5])
    table = alerts.evaluate([{**RULE, "direction": "below", "threshold": 0.5}], run)
    assert len(table) == 2
    assert table["peak"].tolist() == [0.2, 0.1]


def test_ensemble_probability_is_the_fraction_of_members_in_alert():
    members = [[[0, 2, 0, 0]], [[0, 0, 3, 0]], [[0, 0, 0, 0]], [[0, 0, 0, 0]]]
    table = alerts.evaluate([RULE], station_run(members))
    assert len(table) == 1  # one episode: the times when any member is in alert
    row = table.iloc[0]
    assert row["probability"] == 0.5 and row["peak"] == 3.0
    assert row["peak_time"] == T0 + np.timedelta64(20, "m")
    weighted = alerts.evaluate([RULE], station_run(members), weights=[3, 1, 0, 0])
    assert weighted.iloc[0]["probability"] == 1.0


def test_rules_round_trip_through_yaml(tmp_path):
    rules = alerts.load_rules()
    assert {r.level for r in rules} == set(alerts.LEVELS)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"rules": [r.to_dict() for r in rules]}, allow_unicode=True))
    assert alerts.load_rules(path) == rules


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"threshold": "high"}, "threshold must be a number"),
        ({"direction": "up"}, "direction must be one of"),
        ({"level": "red"}, "level must be one of"),
        ({"station": None}, "exactly one of 'station' or 'point'"),
        ({"point": [1.0, 2.0]}, "exactly one of 'station' or 'point'"),
        ({"duration": -5}, "duration must be ≥ 0"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_bad_rules_raise_clear_errors(change, match):
    spec = {k: v for k, v in {**RULE, **change}.items() if v is not None}
    with pytest.raises(InputError, match=match):
        alerts.load_rules([spec])


def test_rules_naming_missing_things_raise_clear_errors():
    run = station_run([0, 1, 2])
    with pytest.raises(InputError, match="no station 'Bordeaux'"):
        alerts.evaluate([{**RULE, "station": "Bordeaux"}], run)
    with pytest.raises(InputError, match="no 'station_salinity'"):
        alerts.evaluate([{**RULE, "variable": "station_salinity"}], run)


def test_summary_by_day_with_alert_counts():
    hours = np.arange(0, 72)
    eta = np.where(hours == 30, 4.5, np.sin(hours))  # one spike on day 2
    run = station_run(np.stack([eta, eta - 10]), every_min=60, stations=("Bordeaux", "Pauillac"))
    table = alerts.summary(run, horizon="2D")
    assert table.index.names == ["date", "station"]
    assert len(table) == 3 * 2  # days 1, 2 and the first hour of day 3
    day2 = table.xs(pd.Timestamp("2024-03-02"), level="date")
    assert day2.loc["Bordeaux", "eta_max"] == 4.5
    assert day2.loc["Bordeaux", "alerts_danger"] == 1 and day2.loc["Bordeaux", "alerts_info"] == 1
    assert day2.loc["Pauillac", "alerts_danger"] == 0
    assert table.xs(pd.Timestamp("2024-03-01"), level="date")["alerts_warning"].sum() == 0
    with pytest.raises(InputError, match="select a member"):
        alerts.summary(run.expand_dims(member=2))


def test_trend_recovers_a_linear_rise_under_a_tide():
    hours = np.arange(0, 92 * 24)
    level = 0.01 * hours / 24 + np.cos(2 * np.pi * hours / 12.42)
    run = station_run(level, every_min=60, stations=("Bordeaux",))
    result = alerts.trend(run, horizon="92D")
    assert result.slope_per_day == pytest.approx(0.01, rel=0.02)
    assert len(result.monthly) == 3  # March, April, May
    np.testing.assert_allclose(result.monthly["slope_per_day"], 0.01, rtol=0.1)
    assert result.daily["rolling_mean"].iloc[45] == pytest.approx(0.01 * 45.5, abs=0.03)


@pytest.fixture(scope="module")
def gironde_run():
    scenario = scenarios.load("gironde").replace(fields=False, output_every=900.0)
    return scenarios.run(scenario, duration="4h")


def test_real_run_fires_a_low_threshold_and_not_a_high_one(gironde_run):
    eta = gironde_run["station_eta"].sel(station=6)
    assert str(gironde_run["station_name"].values[6]) == "Bordeaux"
    low = {"name": "low", "variable": "station_eta", "station": "Bordeaux",
           "threshold": float(eta.min()) + 0.1, "direction": "above", "level": "info"}  # fmt: skip
    table = alerts.evaluate([low, {**low, "name": "high", "threshold": 10.0}], gironde_run)
    assert set(table["rule"]) == {"low"}
    assert table["peak"].max() == pytest.approx(float(eta.max()))
    assert (table["probability"] == 1.0).all()
    # The shipped rules run on it: a 4-hour run from rest at mean flow raises no flood alert.
    shipped = [r for r in alerts.load_rules() if r.variable == "station_eta"]
    assert alerts.evaluate(shipped, gironde_run).query("level != 'info'").empty
    daily = alerts.summary(gironde_run)
    assert daily.loc[(pd.Timestamp("2024-03-01"), "Bordeaux"), "eta_max"] == pytest.approx(
        float(eta.max())
    )


def test_point_rules_read_the_nearest_cell_of_a_field():
    t = T0 + (np.arange(4) * 600).astype("timedelta64[s]")
    salinity = np.zeros((2, 4, 3, 5))  # member, time, y, x
    salinity[1, 1:3, 2, 4] = 2.0  # member 1, cell (y=2, x=4), two outputs
    coords = {"time": t, "y": [0.0, 100.0, 200.0], "x": np.arange(5) * 100.0}
    run = xr.Dataset({"salinity": (("member", "time", "y", "x"), salinity)}, coords=coords)
    rule = {"name": "intake", "variable": "salinity", "point": [390.0, 170.0], "threshold": 1.0}
    table = alerts.evaluate([rule], run)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["place"] == "x=390 y=170" and row["probability"] == 0.5 and row["peak"] == 2.0
    assert alerts.evaluate([{**rule, "point": [0.0, 0.0]}], run).empty
