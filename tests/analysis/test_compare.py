"""compare(baseline, scenario): real coarse-Gironde runs with and without what-ifs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twinbench import scenarios
from twinbench.analysis import Comparison, compare
from twinbench.analysis.compare import tidal_range
from twinbench.io.inputs import InputError
from twinbench.scenarios.whatif import RiverChange, SeaLevelRise

SHORT = {
    "domain": {"name": "gironde", "resolution": "coarse"},
    "start": "2024-03-10T00:00",
    "duration": "2h",
    "output_every": "1h",
    "physics": {"friction": {"law": "manning", "coefficient": 0.025}, "coriolis": "auto"},
    "tide": {"constituents": {"M2": [1.5, 100.0]}},
    "rivers": {"garonne": 600.0, "dordogne": 300.0},
    "stations": ["Port-Bloc", "Pauillac", "Bordeaux"],
}
PIER = {"Pont de pierre": (-0.5636, 44.8381)}


@pytest.fixture(scope="module")
def runs():
    baseline = scenarios.load(SHORT)
    changed = baseline.with_what_if(RiverChange("garonne", factor=0.5), SeaLevelRise(offset_m=0.2))
    domain = scenarios.runner.build_domain(baseline)
    return scenarios.run(baseline), scenarios.run(changed), domain


def test_differences_and_indicators_of_a_sea_level_rise(runs):
    baseline, scenario, domain = runs
    result = compare(baseline, scenario, points=PIER, domain=domain)
    assert isinstance(result, Comparison)
    diff = result.differences
    assert {"eta", "speed", "station_eta", "station_speed"} <= set(diff)
    assert diff.eta.dims == ("time", "y", "x") and diff.station_eta.dims == ("station", "time")
    # At the start the whole sea is 0.2 m higher; dry land is NaN, not the bed difference.
    first = diff.eta.isel(time=0)
    np.testing.assert_allclose(first.values[np.isfinite(first.values)], 0.2, atol=1e-5)
    assert bool(np.isnan(first).any())
    table = result.indicators
    assert list(table.columns) == ["indicator", "place", "units", "baseline", "scenario",
                                   "change"]  # fmt: skip
    row = table[(table.indicator == "max water level") & (table.place == "Port-Bloc")].iloc[0]
    assert row.change == pytest.approx(0.2, abs=0.03)
    assert row.change == pytest.approx(row.scenario - row.baseline)
    speed = table[table.place == "Pont de pierre"]
    assert set(speed.indicator) == {"max current speed", "mean current speed"}
    assert (speed.units == "m s-1").all() and np.isfinite(speed.baseline).all()


def test_a_run_against_itself_changes_nothing(runs):
    baseline, _, domain = runs
    result = compare(baseline, baseline, points=PIER, domain=domain)
    assert float(np.nanmax(np.abs(result.differences.eta))) == 0.0
    assert np.allclose(result.indicators.change.dropna(), 0.0)


def test_runs_on_other_grids_or_times_are_refused(runs):
    baseline, scenario, _ = runs
    with pytest.raises(InputError, match="different grids"):
        compare(baseline, scenario.isel(x=slice(0, 40)))
    with pytest.raises(InputError, match="different output times"):
        compare(baseline, scenario.isel(time=slice(0, 2)))
    with pytest.raises(InputError, match="spin_up"):
        compare(baseline, scenario, spin_up="1D")


def test_salt_front_change_is_reported_when_salinity_is_present(runs):
    """Salinity fields made by hand: the scenario's sea water reaches 20 km further upstream."""
    baseline, scenario, _ = runs
    from twinbench.analysis.salinity import estuary_axis

    line, mouth = estuary_axis()
    X, Y = np.meshgrid(baseline.x.values, baseline.y.values)
    # Distance along the axis ≈ distance to its sea end, enough to order the cells.
    along = (np.hypot(X - line[0, 0], Y - line[0, 1]) - mouth) / 1e3
    shape = baseline.eta.shape

    def salty(limit):
        return (("time", "y", "x"), np.broadcast_to(np.where(along < limit, 30.0, 0.0), shape))

    result = compare(baseline.assign(salinity=salty(40.0)), scenario.assign(salinity=salty(60.0)))
    rows = result.indicators.set_index("indicator")
    assert rows.loc["salt intrusion, max", "change"] == pytest.approx(20.0, abs=3.0)
    assert "salinity" in result.differences


def test_tidal_range_of_hourly_samples():
    t = np.arange(0, 48, 1.0)
    level = 1.7 * np.cos(2 * np.pi * t / 12.42 + 0.3)
    assert tidal_range(level) == pytest.approx(3.4, rel=0.01)
    # A run from rest: a flat start with round-off wiggles is not a tide.
    start = np.r_[[0.2, 0.2000006, 0.1999], 0.2 + level]
    assert tidal_range(start) == pytest.approx(3.4, rel=0.02)
    assert np.isnan(tidal_range(np.linspace(0, 1, 10)))


def test_indicators_table_is_a_dataframe(runs):
    baseline, scenario, _ = runs
    table = compare(baseline, scenario).indicators
    assert isinstance(table, pd.DataFrame)
    assert set(table.place) == {"Port-Bloc", "Pauillac", "Bordeaux"}
    assert set(table.indicator) == {"max water level", "tidal range"}
